/**
 * Cell-level readers: header normalization, numbers (with percent and thousands separators),
 * calendar dates and asset-class names. Pure and allocation-light: they run once per cell.
 */
import { ASSET_CLASSES, type AssetClass } from '../../contract/common';

/**
 * Header key used for matching: lowercase with spaces, underscores, hyphens, dots and brackets
 * removed. Example: normalizeHeader(' Target_Weight (%) ') = 'targetweight%'.
 */
export function normalizeHeader(h: string): string {
  return h.toLowerCase().replace(/[\s_\-.()[\]]+/g, '');
}

/** A parsed number: value, and whether the cell carried a `%` sign (value NOT yet divided). */
export interface ParsedNumber {
  value: number;
  percent: boolean;
}

const PLAIN = /^-?\d+(?:\.\d+)?$/;
// Each digit run has one way to match: `\d+\.?\d*` split a run of digits between \d+ and \d* in
// every possible way, so a long cell of digits ending in a letter backtracked quadratically (a
// 40,000-digit cell took 1.6 s).
const GENERAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const GROUPED_DOT = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;
const GROUPED_COMMA = /^[+-]?\d{1,3}(?:[. ]\d{3})+(?:,\d*)?$/;
const CURRENCY = /^[$€£¥]/;

/**
 * Reads a numeric cell. Accepts `1234.5`, `+1e3`, `1,234.50` (strict groups of three), `$12`,
 * `(12)` = −12, `25%` (returned as 25 with percent = true) and, with decimal = ',', `1.234,5`.
 * Returns null for anything else (never NaN or ±Infinity).
 * Example: parseNumber('$1,234.50', '.') → { value: 1234.5, percent: false }.
 */
export function parseNumber(raw: string, decimal: '.' | ','): ParsedNumber | null {
  if (decimal === '.' && PLAIN.test(raw)) {
    const v = Number(raw);
    // 400 digits parse to Infinity: the regex alone does not make a number finite.
    if (Number.isFinite(v)) return { value: v, percent: false };
    return null;
  }
  let s = raw.trim();
  let percent = false;
  let negate = false;
  if (s.endsWith('%')) {
    percent = true;
    s = s.slice(0, -1).trimEnd();
  }
  if (s.startsWith('(') && s.endsWith(')')) {
    negate = true;
    s = s.slice(1, -1).trim();
  }
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s.length > 1 && CURRENCY.test(s.slice(1))) s = s[0] + s.slice(2).trimStart();
  } else if (CURRENCY.test(s)) s = s.slice(1).trimStart();
  let normalized: string;
  if (decimal === '.') {
    if (GENERAL.test(s)) normalized = s;
    else if (GROUPED_DOT.test(s)) normalized = s.replace(/,/g, '');
    else return null;
  } else {
    const swapped = s.replace(',', '.');
    if (!s.includes('.') && GENERAL.test(swapped)) normalized = swapped;
    else if (GROUPED_COMMA.test(s)) normalized = s.replace(/[. ]/g, '').replace(',', '.');
    else return null;
  }
  const v = Number(normalized);
  if (!Number.isFinite(v)) return null;
  return { value: negate ? -v : v, percent };
}

/**
 * Which order a year-last numeric date proves: 'DMY' when the first number is > 12 (a day),
 * 'MDY' when the second is; null when it proves nothing (or is not such a date).
 */
export function dayMonthEvidence(raw: string): 'DMY' | 'MDY' | null {
  const m = YEAR_LAST.exec(raw.trim());
  if (!m) return null;
  const a = +(m[1] as string);
  const b = +(m[3] as string);
  if (a > 12 && b <= 12) return 'DMY';
  if (b > 12 && a <= 12) return 'MDY';
  return null;
}

/** True for the common YYYY-MM-DD spelling (the fast path). */
export function looksIso(raw: string): boolean {
  return ISO_RE.test(raw);
}

/** Cells that mean "no value" in price files (compared lowercase, trimmed). */
const MISSING = new Set(['', 'na', 'n/a', '#n/a', 'nan', 'null', 'none', '-', '—']);

/** True when a cell is empty or a conventional missing-value marker (NaN, NA, #N/A, null, -). */
export function isMissing(raw: string): boolean {
  if (raw.length === 0) return true;
  if (raw.length > 5) return false;
  return MISSING.has(raw.trim().toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Dates

/**
 * Order of day and month for numeric dates that do not start with the year. 'YMD' (from an explicit
 * year-first date_format) rejects such dates.
 */
export type DayMonthOrder = 'DMY' | 'MDY' | 'YMD';

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Gregorian calendar check: month 1–12, day within the month (29 Feb only in leap years). */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  if (m === 2 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (DAYS[m - 1] as number);
}

function iso(y: number, m: number, d: number): string {
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

// Maps, not object literals: cell text is looked up, and "constructor" must find nothing.
const MONTHS = new Map<string, number>(
  Object.entries({
    jan: 1,
    feb: 2,
    mar: 3,
    apr: 4,
    may: 5,
    jun: 6,
    jul: 7,
    aug: 8,
    sep: 9,
    sept: 9,
    oct: 10,
    nov: 11,
    dec: 12,
    january: 1,
    february: 2,
    march: 3,
    april: 4,
    june: 6,
    july: 7,
    august: 8,
    september: 9,
    october: 10,
    november: 11,
    december: 12,
  }),
);

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_FIRST =
  /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const YEAR_LAST = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$/;
const D_MON_Y = /^(\d{1,2})[-\s]([A-Za-z]{3,9})\.?[-\s]\s*(\d{4})$/;
const MON_D_Y = /^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/;
const Y_MON_D = /^(\d{4})-([A-Za-z]{3,9})-(\d{1,2})$/;

/** Outcome of reading one date cell. */
export type DateRead =
  { ok: true; date: string } | { ok: false; ambiguous?: { a: number; b: number }; message: string };

/**
 * Reads a date cell as an ISO calendar date (YYYY-MM-DD).
 * Accepted: YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD (optionally followed by a midnight time such as
 * `T00:00:00Z`), YYYYMMDD, `2 Jan 2020`, `02-Jan-2020`, `Jan 2, 2020`, `2020-Jan-02`, and
 * numeric day/month/year dates when `order` says which comes first or when the value decides it
 * (a first number > 12 is a day; a second number > 12 is a day; equal numbers are the same date).
 * Example: readDate('13/01/2020', null) → 2020-01-13; readDate('01/02/2020', null) → ambiguous.
 */
export function readDate(raw: string, order: DayMonthOrder | null): DateRead {
  let m = ISO_RE.exec(raw);
  if (m) {
    const y = +(m[1] as string);
    const mo = +(m[2] as string);
    const d = +(m[3] as string);
    // Already canonical: the cell itself is returned (no new string per row of a large file).
    return isCalendarDate(y, mo, d) ? { ok: true, date: raw } : ymd(y, mo, d, raw);
  }
  const s = raw.trim();
  if (s.length === 0) return { ok: false, message: 'empty date' };
  m = YEAR_FIRST.exec(s);
  if (m) {
    if (m[5] !== undefined && (+m[5] !== 0 || +(m[6] as string) !== 0 || +(m[7] ?? '0') !== 0))
      return { ok: false, message: `"${s}" has a time of day; only daily dates are supported` };
    return ymd(+(m[1] as string), +(m[3] as string), +(m[4] as string), s);
  }
  m = COMPACT.exec(s);
  if (m) return ymd(+(m[1] as string), +(m[2] as string), +(m[3] as string), s);
  m = YEAR_LAST.exec(s);
  if (m) {
    const a = +(m[1] as string);
    const b = +(m[3] as string);
    const y = +(m[4] as string);
    if (order === 'DMY') return ymd(y, b, a, s, 'DD/MM/YYYY');
    if (order === 'MDY') return ymd(y, a, b, s, 'MM/DD/YYYY');
    if (order === 'YMD')
      return { ok: false, message: `"${s}" does not match the year-first date_format` };
    if (a === b) return ymd(y, a, b, s);
    if (a > 12 && b <= 12) return ymd(y, b, a, s);
    if (b > 12 && a <= 12) return ymd(y, a, b, s);
    if (a > 12 && b > 12) return { ok: false, message: `"${s}" is not a calendar date` };
    return {
      ok: false,
      ambiguous: { a, b },
      message: `"${s}" is ambiguous (day ${a} of month ${b}, or month ${a} day ${b}); pass date_format 'DD/MM/YYYY' or 'MM/DD/YYYY'`,
    };
  }
  m = D_MON_Y.exec(s);
  if (m) return named(+(m[3] as string), m[2] as string, +(m[1] as string), s);
  m = MON_D_Y.exec(s);
  if (m) return named(+(m[3] as string), m[1] as string, +(m[2] as string), s);
  m = Y_MON_D.exec(s);
  if (m) return named(+(m[1] as string), m[2] as string, +(m[3] as string), s);
  return { ok: false, message: `"${clip(s)}" is not a date (expected YYYY-MM-DD)` };
}

function ymd(y: number, mo: number, d: number, s: string, fmt?: string): DateRead {
  if (isCalendarDate(y, mo, d)) return { ok: true, date: iso(y, mo, d) };
  return {
    ok: false,
    message: `"${s}" is not a calendar date${fmt ? ` (read as ${fmt})` : ''}`,
  };
}

function named(y: number, month: string, d: number, s: string): DateRead {
  const mo = MONTHS.get(month.toLowerCase());
  if (mo === undefined) return { ok: false, message: `"${s}": unknown month name "${month}"` };
  return ymd(y, mo, d, s);
}

/** Shortens a cell for a message. */
export function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

// ---------------------------------------------------------------------------------------------
// Asset classes

const CLASS_SYNONYMS = new Map<string, AssetClass>(
  Object.entries({
    mutualfund: 'Mutual Fund',
    mutualfunds: 'Mutual Fund',
    fund: 'Mutual Fund',
    funds: 'Mutual Fund',
    mf: 'Mutual Fund',
    etf: 'ETF',
    etfs: 'ETF',
    exchangetradedfund: 'ETF',
    stock: 'Stocks',
    stocks: 'Stocks',
    equity: 'Stocks',
    equities: 'Stocks',
    commonstock: 'Stocks',
    commodity: 'Commodity',
    commodities: 'Commodity',
    fx: 'FX',
    forex: 'FX',
    currency: 'FX',
    currencies: 'FX',
    crypto: 'Crypto',
    cryptocurrency: 'Crypto',
    cryptocurrencies: 'Crypto',
  } satisfies Record<string, AssetClass>),
);

/**
 * Maps a class cell to one of the six classes, case- and punctuation-insensitively, with common
 * synonyms (Equity → Stocks, Fund → Mutual Fund, Forex → FX, …). Returns null when unknown.
 * Example: readAssetClass('mutual_fund') = 'Mutual Fund'.
 */
export function readAssetClass(raw: string): AssetClass | null {
  return CLASS_SYNONYMS.get(raw.toLowerCase().replace(/[^a-z]/g, '')) ?? null;
}

/** What is wrong with a class cell readAssetClass refused, naming the six classes. */
export function notAnAssetClass(raw: string): string {
  return `"${clip(raw)}" is not an asset class (${ASSET_CLASSES.join(', ')})`;
}
