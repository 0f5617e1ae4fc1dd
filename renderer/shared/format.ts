/**
 * Display formatting. Formatters are built once (Intl objects are costly to create) and every
 * function shows null, NaN or ±Infinity as an em dash rather than a misleading number.
 */
import type { BandConstraint, OrderStatus } from '../../src/contract/rebalance';

export const DASH = '—';

const cache = new Map<string, Intl.NumberFormat>();
function nf(key: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', opts);
    cache.set(key, f);
  }
  return f;
}

const ok = (x: number | null | undefined): x is number =>
  typeof x === 'number' && Number.isFinite(x);

/** 0.1234 → "12.34%" (digits after the point configurable). */
export function pct(x: number | null | undefined, digits = 2): string {
  if (!ok(x)) return DASH;
  return nf(`pct${digits}`, {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(x);
}

/** Signed percent: 0.012 → "+1.20%". */
export function spct(x: number | null | undefined, digits = 2): string {
  if (!ok(x)) return DASH;
  const s = pct(x, digits);
  return x > 0 ? `+${s}` : s;
}

/** A weight difference in percentage points: 0.0123 → "+1.23 pp". */
export function pp(x: number | null | undefined, digits = 2): string {
  if (!ok(x)) return DASH;
  const r = Number((x * 100).toFixed(digits));
  const s = nf(`fix${digits}`, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(r === 0 ? 0 : r);
  return `${r > 0 ? '+' : ''}${s} pp`;
}

/** Money in the portfolio's currency, minor unit shown: 1234.5 → "$1,234.50". */
export function money(x: number | null | undefined, currency = 'USD', digits = 2): string {
  if (!ok(x)) return DASH;
  try {
    return nf(`cur${currency}${digits}`, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(x);
  } catch {
    return `${num(x, digits)} ${currency}`;
  }
}

/** Plain number with grouping: 1234.5678 → "1,234.57". */
export function num(x: number | null | undefined, digits = 2): string {
  if (!ok(x)) return DASH;
  return nf(`num${digits}`, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(x);
}

/** Units: whole numbers without decimals, fractional lots with up to 8. */
export function units(x: number | null | undefined): string {
  if (!ok(x)) return DASH;
  if (Number.isInteger(x)) return nf('int', { maximumFractionDigits: 0 }).format(x);
  return nf('units', { maximumFractionDigits: 8 }).format(x);
}

/** Human label of where a figure's history came from (honest about missing history). */
export function sourceLabel(source: string): string {
  switch (source) {
    case 'price_history':
      return 'price history';
    case 'historical_returns':
      return 'historical returns';
    case 'market_return':
      return 'market_return (no history)';
    case 'holding_history':
      return 'holding price history';
    case 'asset_history':
      return 'asset history';
    case 'none':
      return 'no history';
    default:
      return source;
  }
}

/** True when the source means the figure is an assumption, not estimated from data. */
export function isNoHistory(source: string): boolean {
  return source === 'market_return' || source === 'none';
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * An ISO 8601 instant in the viewer's local time, to the second: "2026-11-24T07:24:46.845Z" →
 * "2026-11-24 08:24:46" in UTC+1. Not a date → the text as given (or "—" when empty).
 */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`
  );
}

/** The first characters of a hex hash, enough to tell runs apart: "8b5b56cdde41…" → "8b5b56cdde". */
export function shortHash(h: string | null | undefined, n = 10): string {
  return h ? h.slice(0, n) : DASH;
}

/** A duration: 0.61 → "0.6 ms", 42.4 → "42 ms", 2345 → "2.35 s". */
export function duration(ms: number | null | undefined): string {
  if (!ok(ms)) return DASH;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/**
 * A residual or dual, readable whatever its size: 0 → "0", 0.0613 → "0.0613",
 * 4.6e-12 → "4.6e-12", null → "—".
 */
export function sci(x: number | null | undefined): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return DASH;
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e5) return String(Number(x.toPrecision(4)));
  return x.toExponential(1);
}

type StatusTone = 'sent' | 'reduced' | 'skipped' | 'none';

/** One entry per status: a new status in the contract is a compile error here until worded. */
const ORDER_STATUS_WORDING: Record<OrderStatus, { label: string; tone: StatusTone; help: string }> =
  {
    traded: { label: 'traded', tone: 'sent', help: 'Executed as decided (rounded to lots).' },
    scaled_by_cap: {
      label: 'scaled by cap',
      tone: 'reduced',
      help: 'Executed, scaled down to meet the turnover cap.',
    },
    scaled_to_cash: {
      label: 'scaled to cash',
      tone: 'reduced',
      help: 'A buy reduced to the cash available after costs.',
    },
    below_min_trade: {
      label: 'below min. trade',
      tone: 'skipped',
      help: 'Not sent: smaller than the minimum trade value.',
    },
    rounded_to_zero: {
      label: 'under one lot',
      tone: 'skipped',
      help: 'Not sent: less than one lot.',
    },
    cost_exceeds_proceeds: {
      label: 'cost > proceeds',
      tone: 'skipped',
      help: 'Not sent: a sell whose cost would exceed what it raises.',
    },
    not_funded: {
      label: 'not funded',
      tone: 'skipped',
      help: 'Not sent: no cash left for this buy.',
    },
    restricted: { label: 'restricted', tone: 'skipped', help: 'Not sent: on the no_trade list.' },
    in_band: { label: 'in band', tone: 'none', help: 'Nothing to trade: inside its band.' },
    no_change: {
      label: 'no change',
      tone: 'none',
      help: "The method kept the current weight, or the asset's trade went to its other holdings.",
    },
  };

/**
 * Human wording of an order status, its tone (sent as decided, sent but reduced, not sent, nothing
 * to do) and a one-line explanation for the tooltip. An unknown code is shown as given.
 */
export function orderStatus(s: string): { label: string; tone: StatusTone; help: string } {
  // Own keys only: a code such as "constructor" must not find Object.prototype's members.
  if (Object.hasOwn(ORDER_STATUS_WORDING, s)) return ORDER_STATUS_WORDING[s as OrderStatus];
  return { label: s.replaceAll('_', ' '), tone: 'none', help: s };
}

const BAND_CONSTRAINT_WORDING: Record<BandConstraint, { label: string; help: string }> = {
  turnover_cap: { label: 'turnover cap', help: 'the turnover limit scaled the trades down' },
  lot: { label: 'lot size', help: 'whole lots could not get closer to the band' },
  min_trade: { label: 'minimum trade', help: 'the order was below the minimum trade value' },
  restriction: { label: 'restricted', help: 'the asset is on the no_trade list' },
  cash: { label: 'cash', help: 'not enough cash to fund the buy' },
  method: { label: 'method', help: 'the method decided a weight outside the band' },
};

/** The constraint that kept an asset outside its band after the trades, as a plain word. */
export function bandConstraint(c: string | null | undefined): { label: string; help: string } {
  if (c === null || c === undefined) return { label: DASH, help: '' };
  if (Object.hasOwn(BAND_CONSTRAINT_WORDING, c))
    return BAND_CONSTRAINT_WORDING[c as BandConstraint];
  return { label: c.replaceAll('_', ' '), help: c };
}
