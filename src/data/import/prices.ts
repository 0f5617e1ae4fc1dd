/**
 * Price history import: daily prices from CSV or XLSX in long form (date, symbol, price) or wide
 * form (a date column plus one column per symbol), and the conversion to the API's price_history.
 */
import { EngineError } from '../../contract/common';
import type { Warning } from '../../contract/common';
import { LIMITS } from '../../contract/rebalance';
import type { PriceHistory } from '../../contract/rebalance';
import { detectColumns } from './columns';
import { INTERNAL_PREFIX, ReportBuilder, parseOptions, prepare } from './report';
import { errorText, readCsv, readXlsx } from './table';
import type { Table } from './table';
import { earlierSamePair } from './pairs';
import { MAX_PRICE_CELLS, PRICE_FIELDS, PriceImportOptions } from './types';
import type { ImportResult, ImportedPrices, PriceField, PriceMapping, SeriesInfo } from './types';
import {
  clip,
  dayMonthEvidence,
  isMissing,
  looksIso,
  normalizeHeader,
  parseNumber,
  readDate,
} from './values';
import type { DayMonthOrder } from './values';

/** Headers of a one-symbol OHLC download (normalized). */
const OHLC = ['open', 'high', 'low', 'volume'];

/** Header synonyms (normalized), in priority order: "Adj Close" beats "Close" in long form. */
export const PRICE_SYNONYMS: Readonly<Record<PriceField, readonly string[]>> = {
  date: ['date', 'day', 'timestamp', 'time', 'datetime', 'asof', 'tradedate'],
  symbol: ['symbol', 'ticker', 'asset', 'name', 'instrument', 'security'],
  price: [
    'adjclose',
    'adjustedclose',
    'price',
    'close',
    'lastprice',
    'last',
    'closeprice',
    'value',
  ],
};

/**
 * Imports daily prices. Layout: long when a symbol column is found (or mapped), else wide.
 * Dates: see readDate (ISO preferred; numeric day/month order from `date_format` or from the
 * column's own evidence; ambiguous dates are rejected). Blank cells and markers (NaN, NA, #N/A,
 * null, -) are missing values, so a series starts at its first price. Prices must be > 0.
 * Output dates are ascending; each symbol's array is aligned with them (null = no price).
 * Example: "date,A,B\n2020-01-02,,5\n2020-01-03,10,6" → dates ['2020-01-02','2020-01-03'],
 *   prices {A: [null, 10], B: [5, 6]}, series A first_date 2020-01-03 count 1.
 */
export async function importPrices(
  options: PriceImportOptions,
): Promise<ImportResult<ImportedPrices>> {
  const opts = parseOptions(PriceImportOptions, options);
  const rb = new ReportBuilder('prices', opts.filename, null, '');
  try {
    const prep = prepare(rb, opts.format, opts.content, ['csv', 'xlsx']);
    if (!prep.ok) return rb.result<ImportedPrices>(null);
    const read =
      prep.format === 'xlsx' ? await readXlsx(prep.bytes, opts.sheet) : readCsv(prep.text);
    if (!read.ok) {
      rb.rejectAll(read.rejections);
      return rb.result<ImportedPrices>(null);
    }
    const order = formatOrder(opts.date_format);
    return rb.result(
      readPriceTable(read.table, opts.mapping, opts.layout, order, opts.decimal_separator, rb),
    );
  } catch (e) {
    rb.reject(0, null, 'UNSUPPORTED_FORMAT', `${INTERNAL_PREFIX}: ${errorText(e)}`);
    return rb.result<ImportedPrices>(null);
  }
}

function formatOrder(f: string | undefined): DayMonthOrder | null {
  if (f === undefined) return null;
  if (f.startsWith('DD')) return 'DMY';
  if (f.startsWith('MM')) return 'MDY';
  return 'YMD';
}

function readPriceTable(
  t: Table,
  mapping: PriceMapping | undefined,
  forced: 'long' | 'wide' | undefined,
  dateFormat: DayMonthOrder | null,
  decimal: '.' | ',',
  rb: ReportBuilder,
): ImportedPrices | null {
  rb.rowsRead = t.rows.length;
  const col = detectColumns(t.header, PRICE_FIELDS, PRICE_SYNONYMS, mapping, rb, t.headerLine);
  // A one-symbol download (Date, Open, High, Low, Close, Adj Close, Volume, or just Date, Close) is
  // long form whose symbol is the file name: reading Open/High/Close as symbols would be wrong.
  const norm = t.header.map(normalizeHeader);
  const ohlc =
    col.price !== undefined &&
    (OHLC.filter((h) => norm.includes(h)).length >= 2 ||
      // "date,close": one price column named as a price, not as a symbol
      (col.date !== undefined && t.header.filter((h) => h !== '').length === 2));
  const layout =
    forced ??
    (col.symbol !== undefined || ohlc || (mapping?.price !== undefined && mapping.price !== null)
      ? 'long'
      : 'wide');
  rb.layout = layout;
  let dateIdx = col.date;
  if (dateIdx === undefined && !(mapping && 'date' in mapping)) {
    // An unnamed first column of dates (e.g. a pandas index written without a name).
    const first = t.rows[0]?.[0] ?? '';
    if (readDate(first, dateFormat).ok || readDate(first, 'DMY').ok) {
      dateIdx = 0;
      rb.detectedMapping = { date: t.header[0] as string, ...rb.detectedMapping };
    }
  }
  if (dateIdx === undefined) {
    rb.reject(
      t.headerLine,
      'date',
      'MISSING_COLUMN',
      `no date column (accepted headers: ${PRICE_SYNONYMS.date.join(', ')}; or a first column of dates)`,
    );
  }
  let fixedSymbol: string | null = null;
  if (layout === 'long' && col.symbol === undefined) {
    const stem = /([^/\\]+?)(\.[^./\\]*)?$/.exec(rb.filename)?.[1]?.trim() ?? '';
    if (stem !== '' && badSymbol(stem) === null) {
      fixedSymbol = stem;
      rb.warn(
        'SYMBOL_FROM_FILENAME',
        `no symbol column: every price is read as symbol "${clip(stem)}" (from the file name)`,
      );
    }
  }
  if (layout === 'long') {
    for (const f of ['symbol', 'price'] as const)
      if (col[f] === undefined && !(f === 'symbol' && fixedSymbol !== null))
        rb.reject(
          t.headerLine,
          f,
          'MISSING_COLUMN',
          `long form needs a ${f} column (accepted headers: ${PRICE_SYNONYMS[f].join(', ')})`,
        );
  } else {
    // Wide form: only the date column is mapped; every other column is a symbol.
    const { date } = rb.detectedMapping;
    rb.detectedMapping = date === undefined ? {} : { date };
  }
  if (rb.failed || dateIdx === undefined) return null;
  const dates = readDates(t, dateIdx, dateFormat, rb);
  return layout === 'wide'
    ? readWide(t, dateIdx, dates, decimal, rb)
    : readLong(t, dateIdx, col.symbol ?? -1, fixedSymbol, col.price as number, dates, decimal, rb);
}

/**
 * Reads the date column. Numeric dates without a leading year take their day/month order from
 * date_format, else from the column itself: a value whose first number is > 12 proves DD/MM, one
 * whose second is > 12 proves MM/DD. With no proof (or proof both ways) such dates are rejected
 * unless both numbers are equal. Returns one ISO date per row ('' where rejected).
 */
function readDates(
  t: Table,
  dateIdx: number,
  fixed: DayMonthOrder | null,
  rb: ReportBuilder,
): string[] {
  const header = t.header[dateIdx] || 'date';
  let order = fixed;
  let conflict = '';
  if (order === null) {
    let dmy = 0;
    let mdy = 0;
    for (let k = 0; k < t.rows.length; k++) {
      const raw = (t.rows[k] as string[])[dateIdx] ?? '';
      if (looksIso(raw)) continue;
      const e = dayMonthEvidence(raw);
      if (e === 'DMY' && dmy === 0) dmy = t.lines[k] as number;
      if (e === 'MDY' && mdy === 0) mdy = t.lines[k] as number;
    }
    if (dmy > 0 && mdy > 0)
      conflict = `the column mixes day-first (line ${dmy}) and month-first (line ${mdy}) dates; pass date_format`;
    else if (dmy > 0 || mdy > 0) {
      order = dmy > 0 ? 'DMY' : 'MDY';
      rb.warn(
        'DATE_ORDER_INFERRED',
        `numeric dates read as ${order === 'DMY' ? 'DD/MM/YYYY' : 'MM/DD/YYYY'}: line ${dmy || mdy} has a ${order === 'DMY' ? 'first' : 'second'} number above 12`,
        header,
      );
    }
  }
  const out = new Array<string>(t.rows.length);
  for (let k = 0; k < t.rows.length; k++) {
    const raw = (t.rows[k] as string[])[dateIdx] ?? '';
    const d = readDate(raw, order);
    if (d.ok) out[k] = d.date;
    else {
      out[k] = '';
      rb.reject(
        t.lines[k] as number,
        header,
        'UNKNOWN_DATE',
        d.ambiguous && conflict ? `"${clip(raw.trim())}": ${conflict}` : d.message,
      );
    }
  }
  return out;
}

/** Checks a symbol name (wide-form header or long-form cell); returns an error message or null. */
function badSymbol(s: string): string | null {
  // Any other name is accepted, `__proto__` and `constructor` included: series are held in Maps
  // and null-prototype objects, never in a plain object where such a key would be special.
  if (s.length > 128) return 'symbol longer than 128 characters';
  return null;
}

/**
 * The imported prices are a dense symbols × dates array (null where a series has no price), so
 * its size is not bounded by the file's: a long file whose every row has a new date, or a wide
 * header above many short rows, would ask for billions of cells. Rejects above MAX_PRICE_CELLS.
 */
function tooManyCells(symbols: number, dates: number, what: string, rb: ReportBuilder): boolean {
  if (symbols * dates <= MAX_PRICE_CELLS) return false;
  rb.reject(
    0,
    null,
    'BAD_VALUE',
    `${symbols} symbols × ${dates} ${what} = ${symbols * dates} prices; at most ${MAX_PRICE_CELLS} (import fewer symbols or a shorter range)`,
  );
  return true;
}

/** Reads one price cell into out[k]; missing → null; returns false when rejected. */
function readPriceCell(
  raw: string,
  decimal: '.' | ',',
  line: number,
  column: string,
  rb: ReportBuilder,
  out: (number | null)[],
  k: number,
  markers: { n: number; example: string },
): boolean {
  if (isMissing(raw)) {
    out[k] = null;
    if (raw.trim() !== '') {
      markers.n++;
      if (markers.example === '') markers.example = raw.trim();
    }
    return true;
  }
  const p = parseNumber(raw, decimal);
  out[k] = null;
  if (p === null || p.percent)
    rb.reject(line, column, 'BAD_NUMBER', `"${clip(raw)}" is not a price`);
  else if (p.value <= 0) rb.reject(line, column, 'NEGATIVE_PRICE', `price ${p.value} must be > 0`);
  else if (p.value > 1e12) rb.reject(line, column, 'BAD_NUMBER', `price ${p.value} is above 1e12`);
  else {
    out[k] = p.value;
    return true;
  }
  return false;
}

/**
 * For each unnamed header column, the first data row with a value in it (-1: none, or the column
 * is named). One pass over the cells: a search per unnamed column was rows × columns, which a
 * header of many trailing delimiters above many short rows made quadratic in the file size.
 * Each row is read once, and the scan stops when every unnamed column has a value.
 * Example: header ['date', 'A', ''], rows [['d1', '1'], ['d2', '2', 'x']] → [-1, -1, 1].
 */
export function firstValueRows(t: Table, dateIdx: number): Int32Array {
  const first = new Int32Array(t.header.length).fill(-1);
  let open = 0;
  for (let j = 0; j < t.header.length; j++) if (t.header[j] === '' && j !== dateIdx) open++;
  for (let k = 0; k < t.rows.length && open > 0; k++) {
    const r = t.rows[k] as string[];
    const n = Math.min(r.length, t.header.length);
    for (let j = 0; j < n; j++)
      if (
        first[j] === -1 &&
        t.header[j] === '' &&
        j !== dateIdx &&
        (r[j] as string).trim() !== ''
      ) {
        first[j] = k;
        open--;
      }
  }
  return first;
}

function readWide(
  t: Table,
  dateIdx: number,
  dates: string[],
  decimal: '.' | ',',
  rb: ReportBuilder,
): ImportedPrices | null {
  const symbols: string[] = [];
  const idx: number[] = [];
  const seen = new Map<string, number>();
  // Date rejections are already counted: stop early only for problems found in the header here.
  const before = rb.rejectedCount;
  const firstValue = firstValueRows(t, dateIdx);
  for (let j = 0; j < t.header.length; j++) {
    if (j === dateIdx) continue;
    const h = t.header[j] as string;
    if (h === '') {
      // A trailing delimiter makes an unnamed empty column: harmless unless it holds values.
      const k = firstValue[j] as number;
      if (k >= 0)
        rb.reject(
          t.lines[k] as number,
          `column ${j + 1}`,
          'BAD_VALUE',
          `column ${j + 1} has values but no header`,
        );
      continue;
    }
    const bad = badSymbol(h);
    if (bad) rb.reject(t.headerLine, h, 'BAD_VALUE', bad);
    const prev = seen.get(h);
    if (prev !== undefined) {
      rb.reject(
        t.headerLine,
        h,
        'DUPLICATE_SYMBOL',
        `symbol "${clip(h)}" is also column ${prev + 1}`,
      );
      continue;
    }
    seen.set(h, j);
    symbols.push(h);
    idx.push(j);
  }
  if (symbols.length === 0)
    rb.reject(t.headerLine, null, 'MISSING_COLUMN', 'no price columns: the header has only a date');
  if (symbols.length > LIMITS.maxSeries)
    rb.reject(
      t.headerLine,
      null,
      'BAD_VALUE',
      `${symbols.length} symbols; at most ${LIMITS.maxSeries}`,
    );
  if (rb.rejectedCount > before) return null;
  if (tooManyCells(symbols.length, t.rows.length, 'rows', rb)) return null;

  const n = t.rows.length;
  const cols: (number | null)[][] = symbols.map(() => new Array<number | null>(n));
  const markers = { n: 0, example: '' };
  const seenDate = new Map<string, number>();
  const width = t.header.length;
  const dateHeader = t.header[dateIdx] || 'date';
  for (let k = 0; k < n; k++) {
    const r = t.rows[k] as string[];
    const line = t.lines[k] as number;
    const d = dates[k] as string;
    if (d !== '') {
      const prev = seenDate.get(d);
      if (prev !== undefined)
        rb.reject(line, dateHeader, 'DUPLICATE_SYMBOL', `date ${d} is already on line ${prev}`);
      else seenDate.set(d, line);
    }
    for (let j = 0; j < idx.length; j++)
      readPriceCell(
        r[idx[j] as number] ?? '',
        decimal,
        line,
        symbols[j] as string,
        rb,
        cols[j] as (number | null)[],
        k,
        markers,
      );
    for (let j = width; j < r.length; j++)
      if ((r[j] as string).trim() !== '') {
        rb.reject(
          line,
          `column ${j + 1}`,
          'BAD_VALUE',
          `the row has ${r.length} cells but the header has ${width}`,
        );
        break;
      }
  }
  if (rb.failed) return null;
  if (markers.n > 0)
    rb.warn(
      'MISSING_MARKERS',
      `${markers.n} cell(s) such as "${clip(markers.example)}" read as missing`,
    );
  return assemble(dates, symbols, cols, rb);
}

function readLong(
  t: Table,
  dateIdx: number,
  symIdx: number,
  fixedSymbol: string | null,
  priceIdx: number,
  dates: string[],
  decimal: '.' | ',',
  rb: ReportBuilder,
): ImportedPrices | null {
  const symHeader = t.header[symIdx] || 'symbol';
  const priceHeader = t.header[priceIdx] || 'price';
  const n = t.rows.length;
  // Symbols and dates as small integers, in first-appearance order (the pivot's order too).
  const syms = new Array<string>(n);
  const symbolIndex = new Map<string, number>();
  const symbols: string[] = [];
  const dateIndex = new Map<string, number>();
  const uniq: string[] = [];
  const si = new Int32Array(n);
  const di = new Int32Array(n);
  // The symbol of rows that take part in the duplicate check (a date and a valid symbol), else -1.
  const pairGroup = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const s = fixedSymbol ?? ((t.rows[k] as string[])[symIdx] ?? '').trim();
    syms[k] = s;
    let x = symbolIndex.get(s);
    if (x === undefined) {
      x = symbols.length;
      symbolIndex.set(s, x);
      symbols.push(s);
    }
    si[k] = x;
    const d = dates[k] as string;
    let y = dateIndex.get(d);
    if (y === undefined) {
      y = uniq.length;
      dateIndex.set(d, y);
      uniq.push(d);
    }
    di[k] = y;
    pairGroup[k] = d !== '' && s !== '' && badSymbol(s) === null ? x : -1;
  }
  const earlier = earlierSamePair(pairGroup, di, symbols.length, uniq.length);

  const vals: (number | null)[] = new Array<number | null>(n);
  const markers = { n: 0, example: '' };
  for (let k = 0; k < n; k++) {
    const r = t.rows[k] as string[];
    const line = t.lines[k] as number;
    const s = syms[k] as string;
    const bad = s === '' ? 'the symbol is empty' : badSymbol(s);
    if (bad) rb.reject(line, symHeader, 'BAD_VALUE', bad);
    readPriceCell(r[priceIdx] ?? '', decimal, line, priceHeader, rb, vals, k, markers);
    const prev = earlier[k] as number;
    if (prev >= 0)
      rb.reject(
        line,
        symHeader,
        'DUPLICATE_SYMBOL',
        `${s} on ${dates[k] as string} is already on line ${t.lines[prev] as number}`,
      );
  }
  if (rb.failed) return null;
  if (markers.n > 0)
    rb.warn(
      'MISSING_MARKERS',
      `${markers.n} cell(s) such as "${clip(markers.example)}" read as missing`,
    );
  // Pivot to wide: symbols in first-appearance order, one row per distinct date.
  if (symbols.length > LIMITS.maxSeries) {
    rb.reject(0, symHeader, 'BAD_VALUE', `${symbols.length} symbols; at most ${LIMITS.maxSeries}`);
    return null;
  }
  if (tooManyCells(symbols.length, uniq.length, 'distinct dates', rb)) return null;
  const cols = symbols.map(() => new Array<number | null>(uniq.length).fill(null));
  for (let k = 0; k < n; k++)
    (cols[si[k] as number] as (number | null)[])[di[k] as number] = vals[k] ?? null;
  return assemble(uniq, symbols, cols, rb, false);
}

/**
 * Sorts rows by date (ascending) when the file is not already in that order, and computes each
 * series' first/last date and count. Warns about gaps inside a series and empty series.
 */
function assemble(
  dates: string[],
  symbols: string[],
  cols: (number | null)[][],
  rb: ReportBuilder,
  warnOrder = true,
): ImportedPrices {
  let sorted = true;
  for (let i = 1; i < dates.length && sorted; i++)
    if (!((dates[i] as string) > (dates[i - 1] as string))) sorted = false;
  let outDates = dates;
  let outCols = cols;
  if (!sorted) {
    const perm = dates
      .map((_, i) => i)
      .sort((a, b) => ((dates[a] as string) < (dates[b] as string) ? -1 : 1));
    outDates = perm.map((i) => dates[i] as string);
    outCols = cols.map((c) => perm.map((i) => c[i] ?? null));
    if (warnOrder) rb.warn('DATES_SORTED', 'rows were not in ascending date order; sorted by date');
  }
  // Symbols are data: a null-prototype object has no inherited keys to collide with.
  const prices = Object.create(null) as Record<string, (number | null)[]>;
  const series: SeriesInfo[] = [];
  for (let j = 0; j < symbols.length; j++) {
    const s = symbols[j] as string;
    const c = outCols[j] as (number | null)[];
    prices[s] = c;
    let first = -1;
    let last = -1;
    let count = 0;
    for (let i = 0; i < c.length; i++)
      if (c[i] !== null) {
        if (first < 0) first = i;
        last = i;
        count++;
      }
    series.push({
      symbol: s,
      first_date: first < 0 ? null : (outDates[first] as string),
      last_date: last < 0 ? null : (outDates[last] as string),
      count,
    });
    if (count === 0) rb.warn('EMPTY_SERIES', `${s} has no prices`, s);
    else if (last - first + 1 > count)
      rb.warn(
        'SERIES_GAPS',
        `${s} has ${last - first + 1 - count} missing price(s) between ${outDates[first]} and ${outDates[last]}`,
        s,
      );
  }
  return { dates: outDates, symbols, prices, series };
}

/** What toPriceHistory returns: the API's price_history (or null) and what was left out. */
export interface PriceHistorySelection {
  /** null when fewer than 2 dates have a price for every selected symbol. */
  price_history: PriceHistory | null;
  symbols: string[];
  kept_dates: number;
  /** Dates dropped because a selected symbol has no price there (or beyond the maxHistory limit). */
  dropped_dates: number;
  warnings: Warning[];
}

/** How many available symbols an unknown-symbol error lists before "… and N more". */
const LISTED_SYMBOLS = 50;

/**
 * Checks a symbol selection against the imported series and returns it (every series, in file
 * order, when `symbols` is undefined). Throws EngineError BAD_REQUEST with one detail per bad
 * entry, at path `symbols.<i>`: an unknown symbol (the message names the symbols the file has)
 * or a symbol chosen twice.
 * Example: file A, B; symbols ['B', 'Z'] → throws, detail {path: 'symbols.1', message:
 *   'no series "Z" in the imported prices; the file has: A, B'}.
 */
export function selectSymbols(data: ImportedPrices, symbols?: readonly string[]): string[] {
  if (symbols === undefined) return [...data.symbols];
  const have = new Set(data.symbols);
  const listed = data.symbols.slice(0, LISTED_SYMBOLS).map(clip).join(', ');
  const more = data.symbols.length - LISTED_SYMBOLS;
  const available = more > 0 ? `${listed} … and ${more} more` : listed;
  const details: { path: string; message: string }[] = [];
  const seen = new Map<string, number>();
  symbols.forEach((s, i) => {
    const prev = seen.get(s);
    if (!have.has(s))
      details.push({
        path: `symbols.${i}`,
        message: `no series "${clip(s)}" in the imported prices; the file has: ${available}`,
      });
    else if (prev !== undefined)
      details.push({ path: `symbols.${i}`, message: `"${clip(s)}" is also symbols.${prev}` });
    else seen.set(s, i);
  });
  if (details.length > 0)
    throw new EngineError(
      'BAD_REQUEST',
      details.some((d) => d.message.startsWith('no series'))
        ? 'unknown symbols: choose among the series the file has'
        : 'each symbol at most once',
      details,
    );
  return [...symbols];
}

/**
 * Turns imported prices into the API's price_history: only the dates where every selected symbol
 * has a price (the intersection of the series), keeping at most LIMITS.maxHistory most recent.
 * dropped_dates = dates.length − kept_dates.
 * Example: A [null, 10, 11], B [5, 6, 7] → dates 2..3, dropped_dates 1; only B → dropped 0.
 * Throws EngineError BAD_REQUEST when a selected symbol is not in the data (see selectSymbols).
 */
export function toPriceHistory(
  data: ImportedPrices,
  symbols?: readonly string[],
): PriceHistorySelection {
  const selected = selectSymbols(data, symbols);
  const cols = selected.map((s) => data.prices[s] as (number | null)[]);
  const keep: number[] = [];
  for (let i = 0; i < data.dates.length; i++) {
    let all = true;
    for (let j = 0; j < cols.length && all; j++)
      if ((cols[j] as (number | null)[])[i] == null) all = false;
    if (all) keep.push(i);
  }
  const warnings: Warning[] = [];
  let rows = keep;
  if (rows.length > LIMITS.maxHistory) {
    rows = rows.slice(rows.length - LIMITS.maxHistory);
    warnings.push({
      code: 'HISTORY_TRUNCATED',
      message: `kept the most recent ${LIMITS.maxHistory} of ${keep.length} common dates`,
    });
  }
  const dropped = data.dates.length - rows.length;
  if (rows.length < 2) {
    warnings.push({
      code: 'INSUFFICIENT_HISTORY',
      message: `only ${rows.length} date(s) have a price for every selected symbol; at least 2 are needed`,
    });
    return {
      price_history: null,
      symbols: selected,
      kept_dates: rows.length,
      dropped_dates: dropped,
      warnings,
    };
  }
  // Asset names are data: a null-prototype object cannot be confused with Object.prototype keys.
  const prices = Object.create(null) as Record<string, number[]>;
  for (let j = 0; j < selected.length; j++) {
    const c = cols[j] as (number | null)[];
    prices[selected[j] as string] = rows.map((i) => c[i] as number);
  }
  return {
    price_history: { dates: rows.map((i) => data.dates[i] as string), prices },
    symbols: selected,
    kept_dates: rows.length,
    dropped_dates: dropped,
    warnings,
  };
}

/** One series over its own dates: every date on which it has a price, ascending. */
export interface OwnSeries {
  dates: string[];
  prices: number[];
}

/**
 * Each selected series over its own full range (the `own_range` date policy): every date on
 * which that series has a price, nothing dropped because another series lacks one. Keys are in
 * selection order on a null-prototype object (asset names are data, never prototype keys).
 * Example: A [null, 10, 11], B [5, 6, 7] on d1..d3 → A {dates [d2, d3], prices [10, 11]},
 *   B {dates [d1, d2, d3], prices [5, 6, 7]}.
 * Throws EngineError BAD_REQUEST when a selected symbol is not in the data (see selectSymbols).
 */
export function toSeriesHistory(
  data: ImportedPrices,
  symbols?: readonly string[],
): Record<string, OwnSeries> {
  const out = Object.create(null) as Record<string, OwnSeries>;
  for (const s of selectSymbols(data, symbols)) {
    const c = data.prices[s] as (number | null)[];
    const dates: string[] = [];
    const prices: number[] = [];
    for (let i = 0; i < c.length; i++) {
      const p = c[i];
      if (p != null) {
        dates.push(data.dates[i] as string);
        prices.push(p);
      }
    }
    out[s] = { dates, prices };
  }
  return out;
}
