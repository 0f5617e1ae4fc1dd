/**
 * Portfolio import: holdings and targets from CSV, XLSX or the API's own /api/rebalance JSON,
 * normalized to RebalanceRequest's asset fields. All-or-nothing: any rejection → no data.
 */
import { WEIGHT_SUM_TOLERANCE } from '../../domain/weights';
import { RebalanceRequest, LIMITS } from '../../contract/rebalance';
import type { AssetClass } from '../../contract/common';
import { detectColumns } from './columns';
import { lineAt, locateJsonLines, locateJsonPath } from './json-locate';
import { INTERNAL_PREFIX, ReportBuilder, parseOptions, prepare } from './report';
import { errorText, readCsv, readXlsx } from './table';
import type { Table } from './table';
import { PORTFOLIO_FIELDS, PortfolioImportOptions } from './types';
import type {
  ImportResult,
  ImportedAsset,
  ImportedHolding,
  ImportedPortfolio,
  PortfolioField,
  PortfolioMapping,
} from './types';
import { clip, notAnAssetClass, parseNumber, readAssetClass } from './values';

/** Weights must sum to 1 within this tolerance (after percent conversion). */
export { WEIGHT_SUM_TOLERANCE };

/**
 * Header synonyms per field (normalized: lowercase, no spaces/underscores/hyphens/dots/brackets),
 * in priority order: with both "Ticker" and "Name" present, "Ticker" is the asset.
 */
export const PORTFOLIO_SYNONYMS: Readonly<Record<PortfolioField, readonly string[]>> = {
  asset: ['asset', 'ticker', 'symbol', 'name', 'assetname', 'security', 'instrument'],
  holding: ['holding', 'holdingname'],
  asset_class: ['assetclass', 'class', 'assettype', 'type'],
  quantity: ['quantity', 'units', 'shares', 'qty'],
  price: ['price', 'lastprice', 'last', 'close', 'closeprice', 'marketprice'],
  current_weight: [
    'currentweight',
    'weight',
    'allocation',
    'currentallocation',
    '%',
    'current%',
    'currentweight%',
    'weight%',
    'current',
  ],
  target_weight: [
    'targetweight',
    'target',
    'targetallocation',
    'target%',
    'targetweight%',
    'modelweight',
  ],
  lot_size: ['lotsize', 'lot', 'roundlot'],
};

/**
 * Imports a portfolio file.
 *
 * - CSV / XLSX: columns detected from headers (PORTFOLIO_SYNONYMS) or given by `mapping`. Required:
 *   asset, price, target_weight, and current_weight or quantity. Current weights, when only
 *   quantity × price is given, are wᵢ = qᵢpᵢ / Σⱼ qⱼpⱼ; portfolio_value = Σ qᵢpᵢ.
 *   Weight columns written with `%`, or summing to 100 ± 0.5, are divided by 100 (warning
 *   PERCENT_CONVERTED); then each weight column must sum to 1 ± 0.005.
 * - JSON: a RebalanceRequest payload; every schema problem is listed with its line.
 *
 * Never throws on content (bad options throw EngineError BAD_REQUEST).
 * Example: "asset,price,current_weight,target_weight\nA,10,60%,50%\nB,20,40%,50%" →
 *   assets [{asset:'A', price:10, current_weight:0.6, target_weight:0.5}, {…B…}],
 *   portfolio_value null (no quantity column).
 */
export async function importPortfolio(
  options: PortfolioImportOptions,
): Promise<ImportResult<ImportedPortfolio>> {
  const opts = parseOptions(PortfolioImportOptions, options);
  const rb = new ReportBuilder('portfolio', opts.filename, null, '');
  try {
    const prep = prepare(rb, opts.format, opts.content, ['csv', 'xlsx', 'json']);
    if (!prep.ok) return rb.result<ImportedPortfolio>(null);
    if (prep.format === 'json') return rb.result(readJsonPortfolio(prep.text, rb));
    const read =
      prep.format === 'xlsx' ? await readXlsx(prep.bytes, opts.sheet) : readCsv(prep.text);
    if (!read.ok) {
      rb.rejectAll(read.rejections);
      return rb.result<ImportedPortfolio>(null);
    }
    return rb.result(readTablePortfolio(read.table, opts.mapping, opts.decimal_separator, rb));
  } catch (e) {
    rb.reject(0, null, 'UNSUPPORTED_FORMAT', `${INTERNAL_PREFIX}: ${errorText(e)}`);
    return rb.result<ImportedPortfolio>(null);
  }
}

// ---------------------------------------------------------------------------------------------
// CSV / XLSX

interface Row {
  line: number;
  asset: string;
  holding: string; // '' = asset-level row
  assetClass: AssetClass | undefined;
  quantity: number; // 0 when blank
  price: number; // 0 only on a rejected row (never returned)
  current: number;
  target: number;
  lotSize: number | undefined;
  ok: boolean;
}

/** A weight column's raw values, with whether any cell was written as a percent. */
interface WeightColumn {
  field: 'current_weight' | 'target_weight';
  header: string;
  anyPercent: boolean;
  anyBad: boolean;
  blanks: number;
}

function readTablePortfolio(
  t: Table,
  mapping: PortfolioMapping | undefined,
  decimal: '.' | ',',
  rb: ReportBuilder,
): ImportedPortfolio | null {
  const col = detectColumns(
    t.header,
    PORTFOLIO_FIELDS,
    PORTFOLIO_SYNONYMS,
    mapping,
    rb,
    t.headerLine,
  );
  rb.rowsRead = t.rows.length;
  const missing = (field: string, names: string) =>
    rb.reject(
      t.headerLine,
      field,
      'MISSING_COLUMN',
      `no ${field} column (accepted headers: ${names}; or pass a mapping)`,
    );
  const list = (f: PortfolioField) => PORTFOLIO_SYNONYMS[f].join(', ');
  if (col.asset === undefined) missing('asset', list('asset'));
  if (col.price === undefined) missing('price', list('price'));
  if (col.target_weight === undefined) missing('target_weight', list('target_weight'));
  if (col.current_weight === undefined && col.quantity === undefined)
    missing(
      'current_weight',
      `${list('current_weight')}; or a quantity column: ${list('quantity')}`,
    );
  if (rb.failed) return null;

  const hdr = (f: PortfolioField) => {
    const i = col[f];
    return i === undefined ? f : (t.header[i] as string) || f;
  };
  const cell = (r: string[], f: PortfolioField) => {
    const i = col[f];
    return i === undefined ? '' : (r[i] ?? '');
  };
  const weights: WeightColumn[] = [];
  const wcur: WeightColumn = {
    field: 'current_weight',
    header: hdr('current_weight'),
    anyPercent: false,
    anyBad: false,
    blanks: 0,
  };
  const wtgt: WeightColumn = { ...wcur, field: 'target_weight', header: hdr('target_weight') };
  if (col.current_weight !== undefined) weights.push(wcur);
  weights.push(wtgt);
  let quantityBlanks = 0;
  const holdingMode = col.holding !== undefined;

  const rows: Row[] = [];
  for (let k = 0; k < t.rows.length; k++) {
    const r = t.rows[k] as string[];
    const line = t.lines[k] as number;
    const row: Row = {
      line,
      asset: cell(r, 'asset').trim(),
      holding: holdingMode ? cell(r, 'holding').trim() : '',
      assetClass: undefined,
      quantity: 0,
      price: 0,
      current: 0,
      target: 0,
      lotSize: undefined,
      ok: true,
    };
    const bad = (
      f: PortfolioField,
      code: 'BAD_NUMBER' | 'BAD_VALUE' | 'NEGATIVE_PRICE',
      msg: string,
    ) => {
      rb.reject(line, hdr(f), code, msg);
      row.ok = false;
    };
    if (row.asset === '') bad('asset', 'BAD_VALUE', 'the asset name is empty');
    else if (row.asset.length > 128)
      bad('asset', 'BAD_VALUE', 'the asset name is longer than 128 characters');
    if (row.holding.length > 128)
      bad('holding', 'BAD_VALUE', 'the holding name is longer than 128 characters');
    if (col.asset_class !== undefined) {
      const raw = cell(r, 'asset_class').trim();
      if (raw !== '') {
        const c = readAssetClass(raw);
        if (c === null) bad('asset_class', 'BAD_VALUE', notAnAssetClass(raw));
        else row.assetClass = c;
      }
    }
    // Price: required on every row (an asset's price, or a holding's last price), except on the
    // asset row of a holdings file: a sleeve is ordered through its holdings at their own
    // prices, so it needs none (and none is invented).
    {
      const raw = cell(r, 'price');
      const p = parseNumber(raw, decimal);
      if (raw.trim() === '') {
        if (!(holdingMode && row.holding === '')) bad('price', 'BAD_NUMBER', 'the price is empty');
      } else if (p === null || p.percent)
        bad('price', 'BAD_NUMBER', `"${clip(raw)}" is not a price`);
      else if (p.value <= 0) bad('price', 'NEGATIVE_PRICE', `price ${p.value} must be > 0`);
      else if (p.value > 1e12) bad('price', 'BAD_NUMBER', `price ${p.value} is above 1e12`);
      else row.price = p.value;
    }
    if (col.quantity !== undefined) {
      const raw = cell(r, 'quantity');
      // A blank quantity on an asset row of a holdings file is expected (its holdings carry them).
      if (raw.trim() === '') {
        if (!holdingMode || row.holding !== '') quantityBlanks++;
      } else {
        const q = parseNumber(raw, decimal);
        if (q === null || q.percent)
          bad('quantity', 'BAD_NUMBER', `"${clip(raw)}" is not a quantity`);
        else if (q.value < 0)
          bad(
            'quantity',
            'BAD_NUMBER',
            `quantity ${q.value} is negative (short positions are not supported)`,
          );
        else row.quantity = q.value;
      }
    }
    for (const w of weights) {
      const raw = cell(r, w.field);
      if (raw.trim() === '') {
        w.blanks++;
        continue;
      }
      const v = parseNumber(raw, decimal);
      if (v === null) {
        w.anyBad = true;
        bad(w.field, 'BAD_NUMBER', `"${clip(raw)}" is not a weight`);
      } else if (v.value < 0) {
        w.anyBad = true;
        bad(w.field, 'BAD_NUMBER', `weight ${clip(raw)} is negative`);
      } else {
        if (v.percent) w.anyPercent = true;
        if (w.field === 'current_weight') row.current = v.value;
        else row.target = v.value;
      }
    }
    if (col.lot_size !== undefined) {
      const raw = cell(r, 'lot_size');
      if (raw.trim() !== '') {
        const l = parseNumber(raw, decimal);
        if (l === null || l.percent || l.value <= 0 || l.value > 1e9)
          bad(
            'lot_size',
            'BAD_NUMBER',
            `"${clip(raw)}" is not a lot size (a number > 0, at most 1e9)`,
          );
        else row.lotSize = l.value;
      }
    }
    rows.push(row);
  }

  for (const w of weights) {
    // In a holdings file a weight is given once per asset, on one of its rows: blanks are normal.
    if (w.blanks > 0 && !holdingMode)
      rb.warn('BLANK_AS_ZERO', `${w.blanks} blank ${w.field} cell(s) read as 0`, w.header);
    resolveWeightColumn(w, rows, rb);
  }
  if (quantityBlanks > 0)
    rb.warn('BLANK_AS_ZERO', `${quantityBlanks} blank quantity cell(s) read as 0`, hdr('quantity'));

  const assets = holdingMode
    ? groupHoldings(rows, col, hdr, rb)
    : assetRows(rows, col.quantity !== undefined, hdr, rb);
  if (assets.length > LIMITS.maxAssets)
    rb.reject(0, null, 'BAD_VALUE', `${assets.length} assets; at most ${LIMITS.maxAssets}`);
  if (rb.failed) return null;

  // Current weights from values when the file gives quantities but no weights.
  let portfolioValue: number | null = null;
  if (col.quantity !== undefined) {
    let total = 0;
    for (const a of assets) total += a.value;
    if (!Number.isFinite(total)) {
      // Found by the fuzz property: 1.8e308 units × a price overflows to Infinity, and
      // weights derived from it would be NaN.
      rb.reject(0, hdr('quantity'), 'BAD_NUMBER', 'Σ quantity × price is too large to represent');
      return null;
    }
    if (total > 0 && total <= LIMITS.maxPortfolioValue) portfolioValue = total;
    if (total > LIMITS.maxPortfolioValue)
      rb.warn(
        'PORTFOLIO_VALUE_TOO_LARGE',
        `Σ quantity × price = ${total} exceeds ${LIMITS.maxPortfolioValue}`,
      );
    if (col.current_weight === undefined) {
      if (!(total > 0)) {
        rb.reject(
          0,
          hdr('quantity'),
          'WEIGHTS_NOT_SUMMING',
          'current weights come from quantity × price, but every quantity is 0 (total value 0)',
        );
        return null;
      }
      for (const a of assets) a.out.current_weight = a.value / total;
    } else if (total > 0) {
      let worst = 0;
      let worstAsset = '';
      for (const a of assets) {
        const d = Math.abs(a.out.current_weight - a.value / total);
        if (d > worst) {
          worst = d;
          worstAsset = a.out.asset;
        }
      }
      if (worst > WEIGHT_SUM_TOLERANCE)
        rb.warn(
          'CURRENT_WEIGHT_MISMATCH',
          `the current_weight column differs from quantity × price shares by up to ${round6(worst)} (${worstAsset}); the column is used`,
          hdr('current_weight'),
        );
    }
  }
  return { assets: assets.map((a) => a.out), portfolio_value: portfolioValue };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * Percent handling and the sum check for one weight column, over all rows. A column is in percent
 * when any cell carries `%`, or when its sum is 100 ± 0.5 (and not 1 ± 0.005); then every value is
 * divided by 100. The (converted) sum must be 1 ± 0.005, and no weight may exceed 1.
 */
function resolveWeightColumn(w: WeightColumn, rows: Row[], rb: ReportBuilder): void {
  if (w.anyBad) return; // the sum of a column with unreadable cells means nothing
  const get = (r: Row) => (w.field === 'current_weight' ? r.current : r.target);
  const set = (r: Row, v: number) => {
    if (w.field === 'current_weight') r.current = v;
    else r.target = v;
  };
  let sum = 0;
  for (const r of rows) sum += get(r);
  const percent =
    w.anyPercent ||
    (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE && Math.abs(sum - 100) <= 100 * WEIGHT_SUM_TOLERANCE);
  if (percent) {
    for (const r of rows) set(r, get(r) / 100);
    sum /= 100;
    rb.warn(
      'PERCENT_CONVERTED',
      `${w.field} read as percentages (${w.anyPercent ? 'cells written with %' : 'the column sums to 100'}) and divided by 100`,
      w.header,
    );
  }
  if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) {
    rb.reject(
      0,
      w.header,
      'WEIGHTS_NOT_SUMMING',
      `${w.field} values sum to ${round6(sum)}${percent ? ` (${round6(sum * 100)}%)` : ''}; expected 1 ± ${WEIGHT_SUM_TOLERANCE} (or 100%)`,
    );
    return;
  }
  for (const r of rows)
    if (get(r) > 1 + 1e-12) {
      rb.reject(r.line, w.header, 'BAD_NUMBER', `${w.field} ${round6(get(r))} is above 1 (100%)`);
      r.ok = false;
    }
}

interface Built {
  out: ImportedAsset;
  value: number; // Σ quantity × price of the asset's rows
}

function assetRows(
  rows: Row[],
  hasQuantity: boolean,
  hdr: (f: PortfolioField) => string,
  rb: ReportBuilder,
): Built[] {
  const seen = new Map<string, number>();
  const out: Built[] = [];
  for (const r of rows) {
    if (r.asset !== '') {
      const prev = seen.get(r.asset);
      if (prev !== undefined) {
        rb.reject(
          r.line,
          hdr('asset'),
          'DUPLICATE_SYMBOL',
          `asset "${clip(r.asset)}" is already on line ${prev}`,
        );
        continue;
      }
      seen.set(r.asset, r.line);
    }
    if (!r.ok) continue;
    const a: ImportedAsset = {
      asset: r.asset,
      target_weight: r.target,
      current_weight: r.current,
      price: r.price,
    };
    if (r.assetClass !== undefined) a.asset_class = r.assetClass;
    if (r.lotSize !== undefined) a.lot_size = r.lotSize;
    if (hasQuantity) a.quantity = r.quantity;
    out.push({ out: a, value: r.quantity * r.price });
  }
  return out;
}

/**
 * Holding-level rows: rows are grouped by asset (first-appearance order). A row with a blank
 * holding is the asset's own row (its price is the asset price); other rows are holdings whose
 * price is their last price. Weights and values are summed over the group; holding_weight is the
 * holding's share of the group's holding value (else current weight, else target, else equal).
 */
function groupHoldings(
  rows: Row[],
  col: Partial<Record<PortfolioField, number>>,
  hdr: (f: PortfolioField) => string,
  rb: ReportBuilder,
): Built[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    if (r.asset === '') continue;
    const g = groups.get(r.asset);
    if (g) g.push(r);
    else groups.set(r.asset, [r]);
  }
  const out: Built[] = [];
  for (const [name, g] of groups) {
    let assetRow: Row | undefined;
    const holdings: Row[] = [];
    const seen = new Map<string, number>();
    let dup = false;
    for (const r of g) {
      if (r.holding === '') {
        if (assetRow) {
          rb.reject(
            r.line,
            hdr('asset'),
            'DUPLICATE_SYMBOL',
            `asset "${clip(name)}" already has an asset row on line ${assetRow.line}`,
          );
          dup = true;
        } else assetRow = r;
        continue;
      }
      const prev = seen.get(r.holding);
      if (prev !== undefined) {
        rb.reject(
          r.line,
          hdr('holding'),
          'DUPLICATE_SYMBOL',
          `holding "${clip(r.holding)}" of "${clip(name)}" is already on line ${prev}`,
        );
        dup = true;
        continue;
      }
      seen.set(r.holding, r.line);
      holdings.push(r);
    }
    if (holdings.length > LIMITS.maxHoldingsPerAsset) {
      const r = holdings[LIMITS.maxHoldingsPerAsset] as Row;
      rb.reject(
        r.line,
        hdr('holding'),
        'BAD_VALUE',
        `"${clip(name)}" has more than ${LIMITS.maxHoldingsPerAsset} holdings`,
      );
      continue;
    }
    if (dup || g.some((r) => !r.ok)) continue;
    // Asset-level attributes: the asset row's, else the holdings' (which must then agree).
    const first = g[0] as Row;
    const agree = <K extends 'assetClass' | 'lotSize'>(
      key: K,
      f: PortfolioField,
    ): Row[K] | null => {
      if (assetRow && assetRow[key] !== undefined) return assetRow[key];
      let v: Row[K] = undefined as Row[K];
      for (const r of g) {
        const x = r[key];
        if (x === undefined) continue;
        if (v !== undefined && x !== v) {
          rb.reject(
            r.line,
            hdr(f),
            'BAD_VALUE',
            `"${clip(name)}": ${f} ${String(x)} differs from ${String(v)} on an earlier row; give it once, on the asset row`,
          );
          return null;
        }
        v = x;
      }
      return v;
    };
    const assetClass = agree('assetClass', 'asset_class');
    const lotSize = agree('lotSize', 'lot_size');
    if (assetClass === null || lotSize === null) continue;
    // An asset row without holdings is one security and needs its price; with holdings, orders
    // go to the holdings at their own prices and the asset row's price (if any) is not used.
    if (holdings.length === 0 && !(assetRow && assetRow.price > 0)) {
      rb.reject(
        first.line,
        hdr('price'),
        'BAD_NUMBER',
        `"${clip(name)}" has no holdings, so its row needs a price`,
      );
      continue;
    }
    let target = 0;
    let current = 0;
    let value = 0;
    for (const r of g) {
      target += r.target;
      current += r.current;
      value += r.quantity * r.price;
    }
    const a: ImportedAsset = { asset: name, target_weight: target, current_weight: current };
    if (holdings.length === 0 && assetRow) a.price = assetRow.price;
    if (assetClass !== undefined) a.asset_class = assetClass;
    if (lotSize !== undefined) a.lot_size = lotSize;
    if (holdings.length > 0) {
      a.holdings = holdingWeights(name, holdings, col, rb);
      // Targets given per holding (and not on the asset row) split the asset's target inside it.
      const heldTarget = holdings.reduce((t, r) => t + r.target, 0);
      if (
        holdings.length > 1 &&
        !(assetRow && assetRow.target > 0) &&
        holdings.every((r) => r.target > 0)
      )
        a.holdings.forEach((h, j) => (h.target_weight = (holdings[j] as Row).target / heldTarget));
    }
    out.push({ out: a, value });
  }
  return out;
}

function holdingWeights(
  name: string,
  hs: Row[],
  col: Partial<Record<PortfolioField, number>>,
  rb: ReportBuilder,
): ImportedHolding[] {
  const basis: [string, (r: Row) => number, boolean][] = [
    ['quantity × price', (r) => r.quantity * r.price, col.quantity !== undefined],
    ['current_weight', (r) => r.current, col.current_weight !== undefined],
    ['target_weight', (r) => r.target, true],
  ];
  for (const [, f, available] of basis) {
    if (!available) continue;
    let s = 0;
    for (const r of hs) s += f(r);
    if (s > 0) return hs.map((r) => holding(r, f(r) / s, col));
  }
  rb.warn(
    'HOLDING_WEIGHTS_EQUAL',
    `"${clip(name)}": its holdings have no value or weight; each gets 1/${hs.length}`,
  );
  return hs.map((r) => holding(r, 1 / hs.length, col));
}

function holding(r: Row, w: number, col: Partial<Record<PortfolioField, number>>): ImportedHolding {
  const h: ImportedHolding = { holding: r.holding, holding_weight: w, last_price: r.price };
  if (col.quantity !== undefined) h.quantity = r.quantity;
  return h;
}

// ---------------------------------------------------------------------------------------------
// JSON (the /api/rebalance payload)

function readJsonPortfolio(text: string, rb: ReportBuilder): ImportedPortfolio | null {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (t.trim() === '') {
    rb.reject(0, null, 'EMPTY_FILE', 'the file is empty');
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch (e) {
    rb.reject(jsonErrorLine(t, e), null, 'UNSUPPORTED_FORMAT', `not valid JSON: ${errorText(e)}`);
    return null;
  }
  const assetsRaw = (parsed as { assets?: unknown } | null)?.assets;
  rb.rowsRead = Array.isArray(assetsRaw) ? assetsRaw.length : 0;
  const r = RebalanceRequest.safeParse(parsed);
  if (!r.success) {
    const paths = r.error.issues.map((issue) =>
      issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
    );
    // Every problem's line from one walk over the text (one walk per problem was quadratic).
    const lines = locateJsonLines(t, paths);
    r.error.issues.forEach((issue, k) => {
      const path = paths[k] as (string | number)[];
      const missing = valueAt(parsed, path) === undefined;
      rb.reject(
        path.length ? (lines[k] as number) : 1,
        path.length ? path.join('.') : '(root)',
        jsonReason(issue.code, issue.message, path, missing),
        issue.message,
      );
    });
    return null;
  }
  const req = r.data;
  let assetsLine: number | undefined;
  for (const field of ['target_weight', 'current_weight'] as const) {
    let s = 0;
    for (const a of req.assets) s += a[field];
    if (Math.abs(s - 1) > WEIGHT_SUM_TOLERANCE)
      rb.reject(
        (assetsLine ??= locateJsonPath(t, ['assets'])),
        `assets.*.${field}`,
        'WEIGHTS_NOT_SUMMING',
        `${field} values sum to ${round6(s)}; expected 1 ± ${WEIGHT_SUM_TOLERANCE}`,
      );
  }
  if (rb.failed) return null;
  const assets: ImportedAsset[] = req.assets.map((a) => {
    const o: ImportedAsset = {
      asset: a.asset,
      target_weight: a.target_weight,
      current_weight: a.current_weight,
    };
    if (a.price !== undefined) o.price = a.price;
    if (a.asset_class !== undefined) o.asset_class = a.asset_class;
    if (a.lot_size !== undefined) o.lot_size = a.lot_size;
    if (a.holdings !== undefined) o.holdings = a.holdings.map((h) => ({ ...h }));
    return o;
  });
  return { assets, portfolio_value: req.portfolio_value, request: req };
}

/** The value at path, own properties only: a member named `constructor` is not inherited. */
function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, p)) return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

function jsonReason(
  code: string,
  message: string,
  path: readonly (string | number)[],
  missing: boolean,
):
  | 'MISSING_COLUMN'
  | 'DUPLICATE_SYMBOL'
  | 'WEIGHTS_NOT_SUMMING'
  | 'UNKNOWN_DATE'
  | 'NEGATIVE_PRICE'
  | 'BAD_NUMBER'
  | 'BAD_VALUE' {
  if (missing && path.length > 0) return 'MISSING_COLUMN';
  if (message.startsWith('duplicate ')) return 'DUPLICATE_SYMBOL';
  if (/weights sum to/.test(message)) return 'WEIGHTS_NOT_SUMMING';
  if (path.includes('dates')) return 'UNKNOWN_DATE';
  const named = path.filter((p): p is string => typeof p === 'string');
  const last = named[named.length - 1];
  if (code === 'too_small' && (last === 'price' || last === 'last_price' || last === 'prices'))
    return 'NEGATIVE_PRICE';
  if (code === 'too_small' || code === 'too_big' || code === 'not_multiple_of') return 'BAD_NUMBER';
  if (code === 'invalid_type' && /expected number/.test(message)) return 'BAD_NUMBER';
  return 'BAD_VALUE';
}

/** Line of a JSON.parse error, from "line N" (newer V8) or "position N" (Node 20); else 0. */
function jsonErrorLine(text: string, e: unknown): number {
  const m = e instanceof Error ? e.message : '';
  const line = /line (\d+)/.exec(m);
  if (line) return Number(line[1]);
  const pos = /position (\d+)/.exec(m);
  if (pos) return lineAt(text, Number(pos[1]));
  return 0;
}
