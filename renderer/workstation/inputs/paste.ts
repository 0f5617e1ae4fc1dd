/**
 * Pasting a block copied from a spreadsheet into the holdings grid. Pure functions (no DOM):
 *
 * - `splitBlock` reads tab-separated text as Excel, LibreOffice and Google Sheets put it on the
 *   clipboard (rows by line, cells by tab; a cell holding a tab, line break or quote is quoted
 *   with "" for a quote inside);
 * - `parsePaste` tells a header row ("Asset  Class  Target %") from data and maps the columns;
 * - `applyPaste` merges the rows into the request's assets: with a header, rows update the asset
 *   of the same name or are added; without one, they fill the grid from the cell pasted into,
 *   in the grid's column order, adding rows past the end.
 *
 * Values are read in the grid's units (weights and returns in percent: "25" or "25%" is 25 %).
 * A value that is not valid is never written: it comes back as a draft with the reason, shown at
 * its cell, and blocks Run until it is fixed. An empty cell changes nothing.
 */
import { ASSET_CLASSES } from '../../../src/contract/common';
import { ASSET_NUMBER_FIELDS, checkName } from './fields';
import { atPath, parseNumber } from './numbers';
import { isObject } from './request';

/** The grid's columns that a paste can fill, in the grid's order. */
export const PASTE_COLUMNS = [
  'asset',
  'asset_class',
  'current_weight',
  'target_weight',
  'price',
  'market_return',
  'lot_size',
  'min_trade_value',
] as const;
export type ColumnKey = (typeof PASTE_COLUMNS)[number];

/** Header names a spreadsheet may use for each column (compared lower case, without "%"). */
const ALIASES: Record<ColumnKey, string[]> = {
  asset: ['asset', 'name', 'asset name', 'ticker', 'symbol', 'security', 'instrument'],
  asset_class: ['asset class', 'class', 'assetclass', 'type', 'category', 'sector'],
  current_weight: [
    'current',
    'current weight',
    'weight',
    'current allocation',
    'actual',
    'actual weight',
    'cur',
    'cur weight',
  ],
  target_weight: [
    'target',
    'target weight',
    'target allocation',
    'policy',
    'policy weight',
    'model',
    'model weight',
    'tgt',
  ],
  price: ['price', 'last', 'last price', 'close', 'unit price'],
  market_return: ['market return', 'return', 'expected return', 'mkt return', 'exp return'],
  lot_size: ['lot', 'lot size', 'lotsize', 'round lot'],
  min_trade_value: ['min trade', 'minimum trade', 'min trade value', 'minimum trade value'],
};

/** "Target (%)" → "target"; "Asset_Class" → "asset class". */
export function normalizeHeader(cell: string): string {
  return cell
    .toLowerCase()
    .replace(/\(.*?\)|\[.*?\]/g, ' ')
    .replace(/[%_.:/-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The column a header cell names, or null. */
export function headerColumn(cell: string): ColumnKey | null {
  const h = normalizeHeader(cell);
  for (const k of PASTE_COLUMNS) if (ALIASES[k].includes(h)) return k;
  return null;
}

/**
 * Rows and cells of tab-separated text. Line ends may be \n or \r\n; a trailing line end and
 * empty lines are dropped; quoted cells may hold tabs, line breaks and "" for a quote.
 * Example: `splitBlock('a\tb\n"c\td"\te\n')` → `[['a', 'b'], ['c\td', 'e']]`.
 */
export function splitBlock(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  let atCellStart = true;
  const endRow = () => {
    row.push(cell);
    if (row.some((c) => c.trim() !== '')) rows.push(row);
    row = [];
    cell = '';
    atCellStart = true;
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && atCellStart) {
      quoted = true;
      atCellStart = false;
      i++;
      continue;
    }
    if (ch === '\t') {
      row.push(cell);
      cell = '';
      atCellStart = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else {
      cell += ch;
      atCellStart = false;
    }
    i++;
  }
  if (cell !== '' || row.length > 0) endRow();
  return rows;
}

export interface PasteBlock {
  /** Whether the first row named the columns. */
  header: boolean;
  /** The column of each cell position; null for a column the grid does not have (ignored). */
  columns: (ColumnKey | null)[];
  /** Data rows (the header removed). */
  rows: string[][];
  /** Header cells that name no grid column. */
  ignored: string[];
}

const NUMERIC = /^[+-]?[$€£¥]?[\d,.\s]+%?$/;

/**
 * Reads a pasted block. The first row is a header when at least one cell names a grid column
 * and none is a number; its cells then name the columns in any order. Without a header the
 * columns are the grid's, starting at `startColumn` (default: the asset name).
 */
export function parsePaste(text: string, startColumn: ColumnKey = 'asset'): PasteBlock {
  const all = splitBlock(text);
  const first = all[0] ?? [];
  const named = first.map(headerColumn);
  const isHeader =
    named.some((c) => c !== null) && !first.some((c) => c.trim() !== '' && NUMERIC.test(c.trim()));
  if (isHeader) {
    const seen = new Set<ColumnKey>();
    const columns = named.map((c) => {
      // A column named twice is read once, from its first occurrence.
      if (c === null || seen.has(c)) return null;
      seen.add(c);
      return c;
    });
    return {
      header: true,
      columns,
      rows: all.slice(1),
      ignored: first.filter((c, i) => c.trim() !== '' && columns[i] === null),
    };
  }
  const start = PASTE_COLUMNS.indexOf(startColumn);
  const width = Math.max(0, ...all.map((r) => r.length));
  const columns = Array.from({ length: width }, (_, i) => PASTE_COLUMNS[start + i] ?? null);
  return { header: false, columns, rows: all, ignored: [] };
}

/** An asset class as typed ("stocks", "Mutual fund", "crypto") → the contract's name, or null. */
export function matchClass(raw: string): (typeof ASSET_CLASSES)[number] | null {
  const t = raw.trim().toLowerCase();
  for (const c of ASSET_CLASSES) if (c.toLowerCase() === t) return c;
  // A Map: a cell reading "constructor" or "__proto__" must not find Object.prototype's members.
  const alias = new Map<string, (typeof ASSET_CLASSES)[number]>(
    Object.entries({
      stock: 'Stocks',
      equity: 'Stocks',
      equities: 'Stocks',
      'mutual funds': 'Mutual Fund',
      fund: 'Mutual Fund',
      etfs: 'ETF',
      commodities: 'Commodity',
      currency: 'FX',
      currencies: 'FX',
      cryptocurrency: 'Crypto',
    } as const),
  );
  return alias.get(t) ?? null;
}

/** A pasted value that could not be used: it stays a draft at its cell with the reason. */
export interface PasteDraft {
  path: string;
  raw: string;
  error: string;
  label: string;
}

export interface PasteResult {
  /** The request's assets after the paste (a new array; the input is not changed). */
  assets: unknown[];
  drafts: PasteDraft[];
  updated: number;
  added: number;
  /** Header cells that name no grid column, and cells past the grid's last column. */
  ignored: string[];
  /** A plain-words note when pasted weights look like fractions (they sum to about 1 %). */
  note: string | null;
}

const LABEL: Record<ColumnKey, string> = {
  asset: 'asset name',
  asset_class: 'asset class',
  current_weight: 'current %',
  target_weight: 'target %',
  price: 'price',
  market_return: 'market return %',
  lot_size: 'lot size',
  min_trade_value: 'min trade',
};

const REQUIRED: ColumnKey[] = ['asset', 'current_weight', 'target_weight'];

/**
 * Merges a pasted block into `assets`. `anchorRow` is the grid row pasted into (null: the block
 * is added after the last row). `currency` words money bounds in messages.
 */
export function applyPaste(
  assets: readonly unknown[],
  block: PasteBlock,
  anchorRow: number | null,
  currency = 'USD',
): PasteResult {
  const out = assets.slice();
  const drafts: PasteDraft[] = [];
  const byName = new Map<string, number>();
  assets.forEach((a, i) => {
    if (isObject(a) && typeof a.asset === 'string') byName.set(a.asset.trim(), i);
  });
  const assetCol = block.columns.indexOf('asset');
  const weightSums = { current_weight: 0, target_weight: 0, n: 0, allSmall: true };
  let updated = 0;
  let added = 0;
  let extraCells = 0;

  block.rows.forEach((cells, k) => {
    let index: number;
    if (block.header) {
      const name = assetCol >= 0 ? (cells[assetCol] ?? '').trim() : '';
      const hit = name !== '' ? byName.get(name) : undefined;
      index = hit ?? out.length;
    } else index = anchorRow === null ? out.length : anchorRow + k;
    const isNew = index >= out.length;
    while (out.length < index) out.push({});
    const row: Record<string, unknown> = isNew ? {} : { ...(out[index] as object) };
    const name = `row ${index + 1}`;
    cells.forEach((raw, c) => {
      const key = block.columns[c];
      if (key === undefined || key === null) {
        if (raw.trim() !== '' && !block.header) extraCells++;
        return;
      }
      if (raw.trim() === '') return;
      const path = `assets.${index}.${key}`;
      const label = `${name} ${LABEL[key]}`;
      if (key === 'asset') {
        const r = checkName(raw, 'asset');
        if ('error' in r) drafts.push({ path, raw, error: r.error, label });
        else row.asset = r.value.trim();
      } else if (key === 'asset_class') {
        const cls = matchClass(raw);
        if (cls) row.asset_class = cls;
        else
          drafts.push({
            path,
            raw,
            error: `must be one of: ${ASSET_CLASSES.join(', ')}`,
            label,
          });
      } else {
        const spec = atPath(ASSET_NUMBER_FIELDS[key], path);
        const p = parseNumber(raw, spec, currency);
        if (p.kind === 'value') {
          row[key] = p.value;
          if (key === 'current_weight' || key === 'target_weight') {
            weightSums[key] += p.value;
            if (p.value > 0.01) weightSums.allSmall = false;
            weightSums.n++;
          }
        } else if (p.kind === 'error') drafts.push({ path, raw, error: p.reason, label });
      }
    });
    if (isNew) {
      for (const key of REQUIRED)
        if (row[key] === undefined && !drafts.some((d) => d.path === `assets.${index}.${key}`))
          drafts.push({
            path: `assets.${index}.${key}`,
            raw: '',
            error: 'required: give a value',
            label: `${name} ${LABEL[key]}`,
          });
      added++;
    } else updated++;
    out[index] = row;
    if (block.header && typeof row.asset === 'string') byName.set(row.asset, index);
  });

  // Weights typed as fractions (0.25 for 25 %) sum to about 1 % here: say so.
  const looksFractional =
    weightSums.n > 0 &&
    weightSums.allSmall &&
    [weightSums.current_weight, weightSums.target_weight].some((s) => s > 0.009 && s < 0.011);
  return {
    assets: out,
    drafts,
    updated,
    added,
    ignored: [
      ...block.ignored,
      ...(extraCells > 0
        ? [`${extraCells} cell${extraCells === 1 ? '' : 's'} past the last column`]
        : []),
    ],
    note: looksFractional
      ? 'The pasted weights add up to about 1%: this grid takes percent (25 = 25%). If they were fractions (0.25), multiply them by 100.'
      : null,
  };
}
