/**
 * Numbers in text and numbers of a run: the fixed formatter the brief writes with, the extractor
 * that reads numbers back out of any text, and the check that every number of a (rephrased)
 * narrative is one of the run's. docs/_fragments/copilot.md, "The number check".
 *
 * Pure: no Node, no DOM, no locale (Intl output depends on the runtime's ICU; toFixed does not).
 */

/**
 * Integers at most this large, written without decimals, currency or unit, are structural
 * (ordinals, "top 3", "step 2", "two of 5") and are not checked. A percent, an amount or a
 * decimal is always checked, however small.
 */
export const STRUCTURAL_MAX = 10;

// ---- the formatter ------------------------------------------------------------------------

/** Digits of |x| with `decimals` decimals and a comma every three integer digits. */
function grouped(abs: string): string {
  const dot = abs.indexOf('.');
  const int = dot < 0 ? abs : abs.slice(0, dot);
  const frac = dot < 0 ? '' : abs.slice(dot);
  return int.replace(/\B(?=(\d{3})+$)/g, ',') + frac;
}

/** A minus only when the rounded figure is not zero (no "-0.00"). */
function sign(x: number, digits: string): string {
  return x < 0 && /[1-9]/.test(digits) ? '-' : '';
}

/**
 * A fraction as a percent with 2 decimals: (|x| × 100).toFixed(2), signed.
 * Example: formatPercent(0.12345) === '12.35%'; formatPercent(-0.0004) === '-0.04%'.
 */
export function formatPercent(x: number): string {
  const digits = (Math.abs(x) * 100).toFixed(2);
  return `${sign(x, digits)}${digits}%`;
}

/**
 * An amount with 2 decimals, thousands separators and the currency code in front.
 * Example: formatMoney(-1234567.891, 'USD') === 'USD -1,234,567.89'.
 */
export function formatMoney(x: number, currency: string): string {
  const digits = Math.abs(x).toFixed(2);
  return `${currency} ${sign(x, digits)}${grouped(digits)}`;
}

/** A count as written: an integer with thousands separators. Example: formatCount(1200) === '1,200'. */
export function formatCount(n: number): string {
  const digits = Math.abs(Math.round(n)).toFixed(0);
  return `${sign(n, digits)}${grouped(digits)}`;
}

// ---- the extractor ------------------------------------------------------------------------

/** One number as written in a text. */
export interface NumberToken {
  /** The matched text, e.g. "USD 1,234.56" or "12.3bp". */
  raw: string;
  /** Value as written (signed; a percent is 12.34 for "12.34%"). */
  value: number;
  /** Decimals as written (2 for "1,234.56"). */
  decimals: number;
  unit: 'percent' | 'bp' | null;
  /** A currency code or symbol written in front of it, if any. */
  currency: string | null;
  /**
   * The readings of the token, each with the decimals it carries: the value itself; for a
   * percent also the fraction (12.34% → 0.1234, 4 decimals); for basis points also the percent
   * and the fraction (12.3bp → 0.123, 0.00123).
   */
  readings: { value: number; decimals: number }[];
}

/**
 * A number: optional currency (a symbol, or three capitals then a space), optional minus (-, −
 * or –, only when not glued to a preceding letter or digit: "2008-09-15" is three positive
 * numbers), digits with optional comma thousands groups, optional decimals, optional %, bp or bps.
 */
const NUMBER =
  /(?:([$€£¥])\s?|\b([A-Z]{3})\s)?(?:(?<![\p{L}\p{N}])([-−–]))?(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.(\d+))?(?:\s?(%|bps?\b))?/gu;

/** Every number in `text`, in order, with its readings. */
export function extractNumberTokens(text: string): NumberToken[] {
  const out: NumberToken[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const [raw, symbol, code, minus, int = '', frac = '', unitText] = m;
    const decimals = frac.length;
    const abs = Number(`${int.replace(/,/g, '')}${frac ? `.${frac}` : ''}`);
    if (!Number.isFinite(abs)) continue;
    const value = minus ? -abs : abs;
    const unit = unitText === '%' ? 'percent' : unitText ? 'bp' : null;
    // value / 10^k printed at its own precision, so 12.3 / 100 reads 0.123 (not 0.12300000000000001).
    const scaled = (k: number) => ({
      value: Number((value / 10 ** k).toFixed(Math.min(decimals + k, 100))),
      decimals: decimals + k,
    });
    const readings = [{ value, decimals }];
    if (unit === 'percent') readings.push(scaled(2));
    if (unit === 'bp') readings.push(scaled(2), scaled(4));
    out.push({ raw, value, decimals, unit, currency: symbol ?? code ?? null, readings });
  }
  return out;
}

/**
 * Every number in `text`: for each token its value as written, and for a percent also the
 * fraction (bp: also the percent and the fraction), in order.
 * Example: extractNumbers('USD 1,234.56 and −2.5% or 12.3bp') →
 *   [1234.56, -2.5, -0.025, 12.3, 0.123, 0.00123].
 */
export function extractNumbers(text: string): number[] {
  return extractNumberTokens(text).flatMap((t) => t.readings.map((r) => r.value));
}

// ---- the numbers of a run -----------------------------------------------------------------

/** The numbers of a run, as the formatter can print them. */
export interface NumberSet {
  /** How many distinct base values the run gave (numbers, array lengths, numbers in text). */
  readonly size: number;
  /**
   * Whether |x| written with `decimals` decimals is a base value v, or 100·v, printed at that
   * precision: (|x|).toFixed(d) equals (|v|).toFixed(d) or (|v|·100).toFixed(d), where d is
   * `decimals` capped at MAX_KEY_DECIMALS. Signs are not compared: the template writes a loss as
   * "a loss of 2.00%" as readily as "-2.00%".
   */
  has(x: number, decimals: number): boolean;
}

/** Finest precision the set keys on; a text number with more decimals is compared at this one. */
export const MAX_KEY_DECIMALS = 6;

const key = (d: number, abs: number) => `${d}|${abs.toFixed(d)}`;

/**
 * A NumberSet from base values: each |v| and |v|·100 (a fraction printed as a percent), keyed
 * at 0…MAX_KEY_DECIMALS decimals — which covers the formatter's 2-decimal output, the 0/1/2
 * decimal roundings a rephrasing may use, and finer figures written as they are.
 */
export function numberSetOf(values: Iterable<number>): NumberSet {
  const base = new Set<number>();
  for (const v of values) if (Number.isFinite(v)) base.add(Math.abs(v));
  const keys = new Set<string>();
  for (const v of base)
    for (const x of [v, v * 100])
      if (x < 1e21) for (let d = 0; d <= MAX_KEY_DECIMALS; d++) keys.add(key(d, x));
  return {
    size: base.size,
    has: (x, decimals) =>
      Number.isFinite(x) &&
      keys.has(key(Math.min(Math.max(0, Math.trunc(decimals)), MAX_KEY_DECIMALS), Math.abs(x))),
  };
}

/**
 * Identifiers whose digits are not figures: hex digests (input_hash, policy_hash, step hashes,
 * optionally prefixed as in "sha256:…") and ULIDs (run ids).
 */
const OPAQUE = /^(?:[a-z0-9]+[:-])?(?:[0-9a-f]{32,}|[0-9A-HJKMNP-TV-Z]{26})$/i;

/**
 * The numbers of a run: every finite number anywhere in the JSON of `out`; the length of every
 * array (counts — orders, findings, checks — are numbers of the run); and every number written
 * inside its strings and keys, with its readings (a stress window "Autumn 2008", a reason
 * "drift 4.00%", a field `var_95`) except identifiers (OPAQUE: digests, ULIDs). The set then adds what the formatter prints from them
 * (`numberSetOf`: ×100 for percents, rounded to 0/1/2 and finer decimals).
 */
export function numbersOfRun(out: unknown): NumberSet {
  const values: number[] = [];
  const text = (s: string) => {
    if (OPAQUE.test(s)) return;
    for (const t of extractNumberTokens(s)) for (const r of t.readings) values.push(r.value);
  };
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (typeof v === 'number') values.push(v);
    else if (typeof v === 'string') text(v);
    else if (Array.isArray(v)) {
      if (seen.has(v)) return;
      seen.add(v);
      values.push(v.length);
      for (const x of v) walk(x);
    } else if (v !== null && typeof v === 'object') {
      if (seen.has(v)) return;
      seen.add(v);
      for (const [k, x] of Object.entries(v)) {
        text(k);
        walk(x);
      }
    }
  };
  walk(out);
  return numberSetOf(values);
}

/** Whether a token is structural: a small bare integer (see STRUCTURAL_MAX). */
export function isStructural(t: NumberToken): boolean {
  return (
    t.unit === null &&
    t.currency === null &&
    t.decimals === 0 &&
    Math.abs(t.value) <= STRUCTURAL_MAX &&
    !t.raw.includes(',')
  );
}

/**
 * The numbers of `text` that are not numbers of the run: every token that is not structural and
 * none of whose readings is in `set` at its written precision, by its value as written, in order
 * of appearance (repeats kept once).
 * Example: with a run whose volatility is 0.1234, unknownNumbers('volatility 99.99%', set) → [99.99].
 */
export function unknownNumbers(text: string, set: NumberSet): number[] {
  const bad: number[] = [];
  for (const t of extractNumberTokens(text)) {
    if (isStructural(t)) continue;
    if (t.readings.some((r) => set.has(r.value, r.decimals))) continue;
    if (!bad.includes(t.value)) bad.push(t.value);
  }
  return bad;
}
