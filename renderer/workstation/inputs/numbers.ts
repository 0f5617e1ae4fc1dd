/**
 * Number fields as a PM types them. Each field's bounds, default and description are read from
 * the zod contract (never copied by hand), and its value is shown in the unit a PM thinks in:
 * fractions as percent (0.02 → "2"), costs in basis points, money in the portfolio currency.
 */

/** How a stored number is shown and typed. `percent` fields store fractions (2 % = 0.02). */
export type Unit = 'percent' | 'bps' | 'currency' | 'units' | 'paths' | 'days' | 'seed' | 'lambda';

export interface NumberSpec {
  /** Request path, e.g. `drift_threshold` or `assets.3.target_weight`. */
  path: string;
  label: string;
  unit: Unit;
  /** Bounds in stored units (fractions for percent fields); null when the contract has none. */
  min: number | null;
  minInclusive: boolean;
  max: number | null;
  maxInclusive: boolean;
  /** Whole numbers only (zod .int()). */
  int: boolean;
  /** The contract's default, applied by the engine when the field is absent. */
  defaultValue: number | undefined;
  /** Whether the field may be left out (optional or defaulted). */
  optional: boolean;
  /** The contract's description (shown as the control's tooltip). */
  description: string | undefined;
}

/** The parts of a zod 4 schema this module reads (`schema.def`, `schema.description`). */
export interface ZodLike {
  def: {
    type: string;
    innerType?: ZodLike;
    defaultValue?: unknown;
    checks?: { _zod: { def: CheckDef } }[];
    shape?: Record<string, ZodLike>;
    element?: ZodLike;
    entries?: Record<string, string>;
  };
  description?: string | undefined;
}

interface CheckDef {
  check: string;
  value?: unknown;
  inclusive?: boolean;
  format?: string;
}

/** Strips default / optional / nullable wrappers; returns the inner schema and what they said. */
export function unwrapSchema(s: ZodLike): {
  inner: ZodLike;
  defaultValue: unknown;
  optional: boolean;
  description: string | undefined;
} {
  let cur = s;
  let defaultValue: unknown = undefined;
  let optional = false;
  let description = s.description;
  for (let i = 0; i < 8; i++) {
    const d = cur.def;
    if (d.type === 'default' || d.type === 'prefault') {
      defaultValue = d.defaultValue;
      optional = true;
    } else if (d.type === 'optional') optional = true;
    else if (d.type !== 'nullable') break;
    if (!d.innerType) break;
    cur = d.innerType;
    description ??= cur.description;
  }
  return { inner: cur, defaultValue, optional, description };
}

/**
 * The spec of a number field from its zod schema:
 * `numberSpec(z.number().gt(0).max(1).default(0.2), 'turnover_limit', 'Turnover cap', 'percent')`
 * → `{min: 0, minInclusive: false, max: 1, maxInclusive: true, defaultValue: 0.2, …}`.
 */
export function numberSpec(schema: ZodLike, path: string, label: string, unit: Unit): NumberSpec {
  const u = unwrapSchema(schema);
  let min: number | null = null;
  let max: number | null = null;
  let minInclusive = true;
  let maxInclusive = true;
  let int = false;
  for (const c of u.inner.def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === 'greater_than' && typeof d.value === 'number') {
      if (min === null || d.value >= min) {
        min = d.value;
        minInclusive = d.inclusive !== false;
      }
    } else if (d.check === 'less_than' && typeof d.value === 'number') {
      if (max === null || d.value <= max) {
        max = d.value;
        maxInclusive = d.inclusive !== false;
      }
    } else if (d.check === 'number_format' && /int/.test(d.format ?? '')) int = true;
  }
  return {
    path,
    label,
    unit,
    min,
    minInclusive,
    max,
    maxInclusive,
    int,
    defaultValue: typeof u.defaultValue === 'number' ? u.defaultValue : undefined,
    optional: u.optional,
    description: u.description,
  };
}

/** The same spec for another path (e.g. one grid column's spec, per row). */
export const atPath = (s: NumberSpec, path: string): NumberSpec => ({ ...s, path });

const isPercent = (u: Unit) => u === 'percent';

/**
 * A stored value in display units, without float noise: 0.07 → 7, 0.011 → 1.1 (percent);
 * other units unchanged. 12 significant digits are ample for a weight or a price.
 */
export function toDisplay(x: number, unit: Unit): number {
  return isPercent(unit) ? Number((x * 100).toPrecision(12)) : x;
}

/**
 * A number typed in display units as stored, exactly as typed: "1.1" percent → 0.011 (the
 * decimal point is moved in the text, so 1.1 % is not stored as 0.011000000000000001).
 */
export function fromDisplay(clean: string, unit: Unit): number {
  return isPercent(unit) ? Number(`${clean}e-2`) : Number(clean);
}

/** The suffix shown after a value in this unit ("%", "bps", the currency code …). */
export function unitSuffix(unit: Unit, currency: string): string {
  switch (unit) {
    case 'percent':
      return '%';
    case 'bps':
      return 'bps';
    case 'currency':
      return currency;
    case 'days':
      return 'days';
    case 'paths':
      return 'paths';
    default:
      return '';
  }
}

/** A bound in display units for messages: 0.5 percent → "50%", 1e13 currency → "10,000,000,000,000 USD". */
export function showBound(x: number, unit: Unit, currency: string): string {
  const v = toDisplay(x, unit).toLocaleString('en-US', { maximumFractionDigits: 10 });
  const suffix = unitSuffix(unit, currency);
  if (suffix === '') return v;
  return suffix === '%' ? `${v}%` : `${v} ${suffix}`;
}

/** The allowed range in words, display units: "from 0% to 50%", "more than 0% and at most 100%". */
export function rangeText(s: NumberSpec, currency: string): string {
  const lo = s.min === null ? null : showBound(s.min, s.unit, currency);
  const hi = s.max === null ? null : showBound(s.max, s.unit, currency);
  if (lo !== null && hi !== null) {
    if (s.minInclusive && s.maxInclusive) return `from ${lo} to ${hi}`;
    return `${s.minInclusive ? 'at least' : 'more than'} ${lo} and ${s.maxInclusive ? 'at most' : 'less than'} ${hi}`;
  }
  if (lo !== null) return `${s.minInclusive ? 'at least' : 'more than'} ${lo}`;
  if (hi !== null) return `${s.maxInclusive ? 'at most' : 'less than'} ${hi}`;
  return 'any number';
}

/** What a control's text means: nothing typed, a valid value, or why it is not one. */
export type Parsed =
  { kind: 'empty' } | { kind: 'value'; value: number } | { kind: 'error'; reason: string };

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads what a PM typed into a number control, in display units, and checks it against the
 * contract's bounds. Accepted: "2", "2.5", "-1", "1,000,000", "2%" (percent fields), "$1,000"
 * (currency fields); the reason names the allowed range in display units. Examples (band,
 * percent, 0 to 0.5): "2" → value 0.02; "-5" → error "must be from 0% to 50%"; "abc" → error
 * "must be a number"; "" → empty.
 */
export function parseNumber(raw: string, s: NumberSpec, currency = 'USD'): Parsed {
  let t = raw.trim();
  if (t === '') return { kind: 'empty' };
  t = t.replace(/[,\s_]/g, '');
  if (s.unit === 'percent') t = t.replace(/%$/, '');
  if (s.unit === 'bps') t = t.replace(/bps$/i, '');
  if (s.unit === 'currency') t = t.replace(/^([+-]?)[$€£¥]/, '$1').replace(/[A-Za-z]{3}$/, '');
  if (!DECIMAL.test(t)) return { kind: 'error', reason: 'must be a number' };
  const value = fromDisplay(t, s.unit);
  if (!Number.isFinite(value)) return { kind: 'error', reason: 'must be a finite number' };
  const reason = checkValue(value, s, currency);
  return reason === null ? { kind: 'value', value } : { kind: 'error', reason };
}

/** Why a number (stored units) is outside the field's contract, in display units; null when fine. */
export function checkValue(value: number, s: NumberSpec, currency = 'USD'): string | null {
  if (s.int && !Number.isInteger(value)) return 'must be a whole number';
  const low = s.min !== null && (s.minInclusive ? value < s.min : value <= s.min);
  const high = s.max !== null && (s.maxInclusive ? value > s.max : value >= s.max);
  return low || high ? `must be ${rangeText(s, currency)}` : null;
}

/**
 * Checks a value already in the request (typed in the JSON, or pasted) as parseNumber checks a
 * typed one: null when fine (or absent), else the reason in display units.
 */
export function checkStored(v: unknown, s: NumberSpec, currency = 'USD'): string | null {
  if (v === undefined) return s.optional ? null : 'required';
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'must be a number';
  return checkValue(v, s, currency);
}

/**
 * The text a control shows for a stored value: 0.02 percent → "2"; 1000000 currency →
 * "1,000,000" (money and path counts are grouped; parseNumber reads the commas back); absent → "".
 */
export function formatStored(v: unknown, unit: Unit): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'number') return typeof v === 'string' ? v : JSON.stringify(v);
  const x = toDisplay(v, unit);
  if ((unit === 'currency' || unit === 'paths') && Math.abs(x) < 1e21)
    return x.toLocaleString('en-US', { maximumFractionDigits: 20 });
  return String(x);
}
