/**
 * One plain sentence per order and per asset row, built from the order's status and the role the
 * decision gave its asset (docs/methods.md, Rebalancing, "Reasons"). Nothing here decides
 * anything: every clause restates a figure or a status the response already carries.
 */
import type { OrderStatus } from '../../contract/rebalance';
import { formatMoney } from '../../execution/money';
import type { BandPosition, BandRole } from '../../optimize/bands';

export interface ReasonContext {
  /** 'threshold' or the optimizer method. */
  method: string;
  rebalanceTo: 'target' | 'band_edge' | 'full';
  role: BandRole;
  position: BandPosition;
  status: OrderStatus;
  /** c'_i − d_i (after the flow, against the destination target). */
  drift: number;
  halfWidth: number;
  /** The destination target differs from the policy target (forecast tilt). */
  tilted: boolean;
  /** Decided weight minus the destination target (≠ 0 when a buy or sell stopped short). */
  decidedGap: number;
  /** Signed decided change of the asset, fraction of V' (+ buy). */
  decidedChange: number;
  /** +1 contribution, −1 withdrawal, 0 none. */
  flowSign: number;
  capScale: number;
  cashScale: number;
  /** Executed value differs from the intended value by ≥ one minor unit. */
  rounded: boolean;
  repairedLots: number;
  lot: number | null;
  /** Value of the order the decision wanted (currency), for "would be". */
  wouldBe: number;
  minTradeValue: number;
  currency: string;
  /** The asset was held and the others re-planned around it. */
  held: boolean;
}

/** Percentage points with two decimals and a sign: 0.062 → "+6.20", never "-0.00". */
export function pp(x: number): string {
  const s = (x * 100).toFixed(2);
  if (s === '-0.00' || s === '0.00') return '0.00';
  return x > 0 ? `+${s}` : s;
}

const ppAbs = (x: number) => (x * 100).toFixed(2);
const fmt = (x: number) => String(Number(x.toPrecision(4)));

/**
 * The decision's half of the sentence.
 * Example: breach above, target mode → "Drift +4.00 pp outside ±2.00 pp band; sell to target".
 */
function decisionClause(c: ReasonContext): string {
  const side = c.decidedChange > 0 ? 'buy' : 'sell';
  const around = c.tilted ? ' around the optimized target' : '';
  const drift = `drift ${pp(c.drift)} pp`;
  if (c.method !== 'threshold') {
    if (c.role === 'fixed') return `Restricted (no_trade): held at its current weight`;
    if (Math.abs(c.decidedChange) <= 1e-12)
      return `Optimizer (${c.method}) keeps the current weight`;
    return `Optimizer (${c.method}): ${side} ${pp(Math.abs(c.decidedChange)).replace('+', '')} pp of portfolio value`;
  }
  switch (c.role) {
    case 'fixed':
      return `Restricted (no_trade): held at its current weight; ${drift}${around}`;
    case 'full':
      return `Full rebalance: ${side} to target (${drift})`;
    case 'breach': {
      let dest =
        c.rebalanceTo === 'band_edge' ? 'band edge' : c.tilted ? 'optimized target' : 'target';
      // A buy or sell that stopped ≥ 0.05 pp short of target (rule B5, or the others could take no more).
      if (c.rebalanceTo !== 'band_edge' && Math.abs(c.decidedGap) >= 5e-4)
        dest +=
          c.flowSign > 0
            ? ` with the contribution, selling no in-band asset to get further (ends ${pp(c.decidedGap)} pp from it)`
            : c.flowSign < 0
              ? ` for the withdrawal, buying no in-band asset with any excess (ends ${pp(c.decidedGap)} pp from it)`
              : ` as far as the other assets can take (ends ${pp(c.decidedGap)} pp from it)`;
      return `Drift ${pp(c.drift)} pp outside ±${ppAbs(c.halfWidth)} pp band${around}; ${side} to ${dest}`;
    }
    case 'absorb': {
      let why: string;
      if (side === 'buy')
        why =
          c.flowSign > 0 ? 'invest the contribution' : 'invest the cash the other trades release';
      else why = c.flowSign < 0 ? 'raise the withdrawal' : 'fund the other trades';
      return `Inside band (${drift}${around}); ${side}s toward target to ${why}`;
    }
    default:
      return c.position === 'inside'
        ? `Inside band: ${drift} within ±${ppAbs(c.halfWidth)} pp${around}`
        : `Outside band (${drift}), not traded`;
  }
}

/**
 * The full sentence: decision clause, then what execution did.
 * Example: "Drift +4.00 pp outside ±2.00 pp band; sell to target; rounded to whole lots of 1".
 */
export function reasonFor(c: ReasonContext): string {
  const base = decisionClause(c);
  const lot = c.lot === null ? '' : ` of ${c.lot}`;
  const minTrade = formatMoney(c.minTradeValue, c.currency);
  const wouldBe = formatMoney(c.wouldBe, c.currency);
  const heldNote = c.held ? '; the other assets were re-planned around it' : '';
  switch (c.status) {
    case 'restricted':
    case 'in_band':
    case 'no_change':
      return base;
    case 'below_min_trade':
      return `Not traded: below the minimum trade value ${minTrade} (the order would be ${wouldBe})${heldNote}. ${base}`;
    case 'rounded_to_zero':
      return `Not traded: smaller than one lot${lot} (the order would be ${wouldBe})${heldNote}. ${base}`;
    case 'cost_exceeds_proceeds':
      return `Not traded: the sell's cost would be at least its proceeds${heldNote}. ${base}`;
    case 'not_funded':
      return `Not traded: no cash left for it after the sells, costs and the cash buffer. ${base}`;
    default: {
      let r = base;
      if (c.status === 'scaled_by_cap' || c.capScale < 1 - 1e-9)
        r += `; scaled ${fmt(c.capScale)} by the turnover cap`;
      if (c.decidedChange > 0 && c.cashScale < 1 - 1e-9)
        r += `; scaled ${fmt(c.cashScale)} to the cash available after costs`;
      if (c.repairedLots > 0)
        r += `; ${c.repairedLots === 1 ? 'one more lot' : `${c.repairedLots} more lots`} to end inside the band`;
      else if (c.repairedLots < 0)
        r += `; ${-c.repairedLots === 1 ? 'one lot' : `${-c.repairedLots} lots`} fewer to end inside the band`;
      else if (c.rounded) r += `; rounded to whole lots${lot}`;
      return r;
    }
  }
}
