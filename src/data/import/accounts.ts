/**
 * Account import (issue #13): positions of many accounts in one CSV, XLSX or JSON file, one row
 * per account × position. All-or-nothing like the portfolio import: any rejected row → no data,
 * and the report names each problem by line and column. Pure: runs on a pool worker.
 */
import type { AssetClass } from '../../contract/common';
import { LIMITS } from '../../contract/rebalance';
import { ACCOUNT_FIELDS, type AccountField, type AccountMapping } from './accountTypes';
import { detectColumns } from './columns';
import { locateJsonLines } from './json-locate';
import { INTERNAL_PREFIX, ReportBuilder, prepare } from './report';
import { errorText, readCsv, readXlsx, type Table } from './table';
import type { ImportFormat, ImportResult } from './types';
import { clip, notAnAssetClass, parseNumber, readAssetClass } from './values';

/** Header synonyms per field (normalized as normalizeHeader does), in priority order. */
export const ACCOUNT_SYNONYMS: Readonly<Record<AccountField, readonly string[]>> = {
  account_id: ['accountid', 'account', 'accountnumber', 'accountno', 'acct', 'acctid'],
  account_name: ['accountname', 'name', 'accountdescription'],
  asset: ['asset', 'ticker', 'symbol', 'security', 'instrument', 'assetname'],
  asset_class: ['assetclass', 'class', 'assettype', 'type'],
  quantity: ['quantity', 'units', 'shares', 'qty', 'position'],
  price: ['price', 'lastprice', 'last', 'close', 'marketprice'],
  cash: ['cash', 'cashbalance', 'cashvalue'],
  currency: ['currency', 'ccy', 'curr'],
  model_id: ['modelid', 'model'],
  lot_size: ['lotsize', 'lot', 'roundlot'],
};

const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

export interface ParsedPosition {
  asset: string;
  asset_class?: AssetClass;
  quantity: number;
  price?: number;
  lot_size?: number;
}

/** One account as the file describes it; null fields were not given on any of its rows. */
export interface ParsedAccount {
  account_id: string;
  name: string | null;
  currency: string | null;
  model_id: string | null;
  cash: number | null;
  positions: ParsedPosition[];
  /** First line of the account, and the line its model_id was read from (null: none). */
  line: number;
  model_line: number | null;
}

export interface AccountImportOptions {
  filename: string;
  format?: ImportFormat | undefined;
  content: string | Uint8Array;
  decimal_separator?: '.' | ',' | undefined;
  sheet?: string | number | undefined;
  mapping?: AccountMapping | undefined;
}

/**
 * Imports an account file. Columns are found from their headers (ACCOUNT_SYNONYMS) or `mapping`;
 * required: account_id, asset, quantity. Per row: a position (asset, quantity ≥ 0, optional
 * asset_class, price > 0, lot_size > 0), or, with a blank asset, an account-level row (cash,
 * name, currency or model only). The account-level
 * columns (account_name, cash, currency, model_id) may be repeated on every row of an account or
 * given once; two different values for one account are a rejection. JSON: an array of row objects
 * with the same field names (or `{"rows": [...]}`).
 * Example: "account_id,asset,quantity,cash\nA1,SPY,10,500\nA1,JPM,5,\nA2,SPY,3,0" →
 *   A1: positions SPY 10, JPM 5, cash 500; A2: SPY 3, cash 0.
 */
export async function importAccounts(
  opts: AccountImportOptions,
): Promise<ImportResult<ParsedAccount[]>> {
  const rb = new ReportBuilder('accounts', opts.filename, null, '');
  try {
    const prep = prepare(rb, opts.format, opts.content, ['csv', 'xlsx', 'json']);
    if (!prep.ok) return rb.result<ParsedAccount[]>(null);
    let table: Table | null;
    if (prep.format === 'json') table = jsonTable(prep.text, rb);
    else {
      const read =
        prep.format === 'xlsx' ? await readXlsx(prep.bytes, opts.sheet) : readCsv(prep.text);
      if (!read.ok) {
        rb.rejectAll(read.rejections);
        return rb.result<ParsedAccount[]>(null);
      }
      table = read.table;
    }
    if (table === null) return rb.result<ParsedAccount[]>(null);
    return rb.result(readAccounts(table, opts.mapping, opts.decimal_separator ?? '.', rb));
  } catch (e) {
    rb.reject(0, null, 'UNSUPPORTED_FORMAT', `${INTERNAL_PREFIX}: ${errorText(e)}`);
    return rb.result<ParsedAccount[]>(null);
  }
}

/** JSON rows as a table: the header is every key met, in order; cells as text. */
function jsonTable(text: string, rb: ReportBuilder): Table | null {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch (e) {
    rb.reject(0, null, 'UNSUPPORTED_FORMAT', `not valid JSON: ${errorText(e)}`);
    return null;
  }
  const wrapped = !Array.isArray(parsed);
  const rows = wrapped ? (parsed as { rows?: unknown } | null)?.rows : parsed;
  if (!Array.isArray(rows) || rows.length === 0) {
    rb.reject(0, null, 'EMPTY_FILE', 'expected a non-empty array of rows (or {"rows": [...]})');
    return null;
  }
  const header: string[] = [];
  const index = new Map<string, number>();
  const cells: string[][] = [];
  for (const row of rows) {
    const r: string[] = [];
    if (row !== null && typeof row === 'object' && !Array.isArray(row)) {
      for (const [k, v] of Object.entries(row as Record<string, unknown>)) {
        let i = index.get(k);
        if (i === undefined) {
          i = header.push(k) - 1;
          index.set(k, i);
        }
        r[i] = v === null || v === undefined ? '' : typeof v === 'object' ? '?' : String(v);
      }
    }
    cells.push(r);
  }
  const lines = locateJsonLines(
    t,
    rows.map((_, k) => (wrapped ? ['rows', k] : [k])),
  );
  return {
    header,
    headerLine: 1,
    rows: cells.map((r) => Array.from({ length: header.length }, (_, i) => r[i] ?? '')),
    lines,
  };
}

function readAccounts(
  t: Table,
  mapping: AccountMapping | undefined,
  decimal: '.' | ',',
  rb: ReportBuilder,
): ParsedAccount[] | null {
  const col = detectColumns(t.header, ACCOUNT_FIELDS, ACCOUNT_SYNONYMS, mapping, rb, t.headerLine);
  rb.rowsRead = t.rows.length;
  for (const f of ['account_id', 'asset', 'quantity'] as const)
    if (col[f] === undefined)
      rb.reject(
        t.headerLine,
        f,
        'MISSING_COLUMN',
        `no ${f} column (accepted headers: ${ACCOUNT_SYNONYMS[f].join(', ')}; or pass a mapping)`,
      );
  if (rb.failed) return null;
  if (t.rows.length === 0) {
    rb.reject(0, null, 'EMPTY_FILE', 'the file has a header but no rows');
    return null;
  }
  const hdr = (f: AccountField) => {
    const i = col[f];
    return i === undefined ? f : (t.header[i] as string) || f;
  };
  const cell = (r: string[], f: AccountField) => {
    const i = col[f];
    return i === undefined ? '' : (r[i] ?? '').trim();
  };
  const accounts = new Map<string, ParsedAccount>();
  /** Where each account-level value was first read (for the message of a contradiction). */
  const firstLine = new Map<string, number>();
  for (let k = 0; k < t.rows.length; k++) {
    const r = t.rows[k] as string[];
    const line = t.lines[k] as number;
    const bad = (f: AccountField, code: 'BAD_NUMBER' | 'BAD_VALUE', msg: string) =>
      rb.reject(line, hdr(f), code, msg);
    const id = cell(r, 'account_id');
    if (!ID_RE.test(id)) {
      bad(
        'account_id',
        'BAD_VALUE',
        id === ''
          ? 'the account_id is empty'
          : `"${clip(id)}" is not an account id (1..64 letters, digits, _ or -)`,
      );
      continue;
    }
    let acc = accounts.get(id);
    if (acc === undefined) {
      acc = {
        account_id: id,
        name: null,
        currency: null,
        model_id: null,
        cash: null,
        positions: [],
        line,
        model_line: null,
      };
      accounts.set(id, acc);
    }
    const a = acc;
    /** An account-level value: the first one given wins; a different one later is rejected. */
    const same = <K extends 'name' | 'currency' | 'model_id' | 'cash'>(
      f: AccountField,
      key: K,
      v: ParsedAccount[K],
    ) => {
      if (a[key] === null) {
        a[key] = v;
        firstLine.set(`${id}\u0000${key}`, line);
        if (key === 'model_id') a.model_line = line;
      } else if (a[key] !== v)
        bad(
          f,
          'BAD_VALUE',
          `account ${id}: ${String(v)} here but ${String(a[key])} on line ${firstLine.get(`${id}\u0000${key}`) ?? '?'}; an account has one ${f}`,
        );
    };
    const name = cell(r, 'account_name');
    if (name.length > 200) bad('account_name', 'BAD_VALUE', 'longer than 200 characters');
    else if (name !== '') same('account_name', 'name', name);
    const ccy = cell(r, 'currency').toUpperCase();
    if (ccy !== '') {
      if (!/^[A-Z]{3}$/.test(ccy))
        bad('currency', 'BAD_VALUE', `"${clip(ccy)}" is not an ISO 4217 code such as USD`);
      else same('currency', 'currency', ccy);
    }
    const model = cell(r, 'model_id');
    if (model !== '') {
      if (!ID_RE.test(model)) bad('model_id', 'BAD_VALUE', `"${clip(model)}" is not a model id`);
      else same('model_id', 'model_id', model);
    }
    const cashRaw = cell(r, 'cash');
    if (cashRaw !== '') {
      const c = parseNumber(cashRaw, decimal);
      if (c === null || c.percent || c.value < 0 || c.value > LIMITS.maxPortfolioValue)
        bad('cash', 'BAD_NUMBER', `"${clip(cashRaw)}" is not a cash amount (a number ≥ 0)`);
      else same('cash', 'cash', c.value);
    }
    const asset = cell(r, 'asset');
    if (asset === '') {
      // An account-level row (cash, name, currency or model only) is fine; an empty one is not.
      if (cashRaw === '' && name === '' && ccy === '' && model === '')
        bad('asset', 'BAD_VALUE', 'the asset is empty (and the row gives no account value)');
      continue;
    }
    if (asset.length > 128) {
      bad('asset', 'BAD_VALUE', 'the asset name is longer than 128 characters');
      continue;
    }
    const pos: ParsedPosition = { asset, quantity: 0 };
    const qRaw = cell(r, 'quantity');
    const q = parseNumber(qRaw, decimal);
    if (qRaw === '') bad('quantity', 'BAD_NUMBER', 'the quantity is empty');
    else if (q === null || q.percent || q.value > 1e15)
      bad('quantity', 'BAD_NUMBER', `"${clip(qRaw)}" is not a quantity`);
    else if (q.value < 0)
      bad(
        'quantity',
        'BAD_NUMBER',
        `quantity ${q.value} is negative (short positions are not supported)`,
      );
    else pos.quantity = q.value;
    const cls = cell(r, 'asset_class');
    if (cls !== '') {
      const c = readAssetClass(cls);
      if (c === null) bad('asset_class', 'BAD_VALUE', notAnAssetClass(cls));
      else pos.asset_class = c;
    }
    const pRaw = cell(r, 'price');
    if (pRaw !== '') {
      const p = parseNumber(pRaw, decimal);
      if (p === null || p.percent || !(p.value > 0) || p.value > 1e12)
        bad('price', 'BAD_NUMBER', `"${clip(pRaw)}" is not a price (a number > 0)`);
      else pos.price = p.value;
    }
    const lRaw = cell(r, 'lot_size');
    if (lRaw !== '') {
      const l = parseNumber(lRaw, decimal);
      if (l === null || l.percent || !(l.value > 0) || l.value > 1e9)
        bad('lot_size', 'BAD_NUMBER', `"${clip(lRaw)}" is not a lot size (a number > 0)`);
      else pos.lot_size = l.value;
    }
    if (a.positions.some((p) => p.asset === asset))
      bad('asset', 'BAD_VALUE', `account ${id} lists asset "${clip(asset)}" twice`);
    else if (a.positions.length >= LIMITS.maxAssets)
      bad('asset', 'BAD_VALUE', `account ${id} has more than ${LIMITS.maxAssets} positions`);
    else a.positions.push(pos);
  }
  return rb.failed ? null : [...accounts.values()];
}
