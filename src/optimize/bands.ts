/**
 * The threshold (tolerance-band) method: DECIDES post-trade weights only. It never builds
 * orders; src/execution/plan.ts turns any decided weights into orders (lots, minimum trade,
 * costs, cash, turnover cap). Rules B1–B6 of docs/methods.md (Rebalancing).
 *
 * All weights are fractions of the portfolio value after the cash flow, V' = V + cash_flow.
 * Cash is not an asset here: it is 1 − Σ w, and its target is `cashTarget`.
 */
import { levelFill, type LevelItem } from '../domain/levelFill';

export type RebalanceTo = 'target' | 'band_edge' | 'full';

/** Tolerance of the band test: |c − d| ≤ h + 1e-12 is inside (absorbs 0.22 − 0.2 ≠ 0.02). */
export const BAND_TOLERANCE = 1e-12;

/** Where an asset stood before the trades. */
export type BandPosition = 'inside' | 'above' | 'below';

/**
 * Why an asset's decided weight differs from its current weight:
 * - `breach`: it was outside its band (brought back per `rebalance_to`);
 * - `absorb`: it was inside its band and takes or gives the cash the other trades (or the cash
 *   flow) release or need, toward its target;
 * - `full`: full rebalance to target;
 * - `none`: no change; `fixed`: may not trade (restricted).
 */
export type BandRole = 'breach' | 'absorb' | 'full' | 'none' | 'fixed';

export interface BandDecisionInput {
  /** c_i: current weights of V' (after the cash flow). Σ c = 1 − currentCash. */
  current: Float64Array;
  /** d_i: destination targets of V' (policy, or tilted). Σ d = 1 − cashTarget. */
  target: Float64Array;
  /** c_0: current cash as a fraction of V' (negative when a withdrawal exceeds the cash held). */
  currentCash: number;
  /** b: cash to hold after the trades, fraction of V' (the cash buffer; 0 = fully invested). */
  cashTarget: number;
  /**
   * κ: cash the decision keeps back (κ > 0) for the costs and lot rounding of the orders, or
   * hands out (κ < 0) when the orders left cash over; fraction of V'. Set by the decide–execute
   * loop in src/services/rebalance/plan.ts; 0 on the first pass.
   */
  costReserve: number;
  /** h: band half-width in weight (0.02 = ±2 pp). */
  halfWidth: number;
  rebalanceTo: RebalanceTo;
  /** 1 = the asset may not trade (restricted, or its order cannot be executed). */
  fixed: Uint8Array;
  /**
   * Weights already settled by execution (NaN = free): an asset whose coarse lots left cash over
   * is pinned at the weight its orders reach, and the others re-decided around it.
   */
  pinned?: Float64Array;
  /** Sign of the external cash flow: +1 contribution, −1 withdrawal, 0 none (rule B5). */
  flowSign: -1 | 0 | 1;
}

export interface BandDecision {
  /** Decided post-trade weights w_i (fractions of V'). */
  weights: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  position: BandPosition[];
  role: BandRole[];
  /** Whether anything had to trade (rule B1). */
  triggered: boolean;
  /** 1 − Σ w: cash after the decided trades, before costs (fraction of V'). */
  cashAfter: number;
  /**
   * Cash the bounds could not place or raise (fraction of V', + = left in cash, − = missing):
   * nonzero only when restrictions make the bands and the cash target incompatible.
   */
  unplaced: number;
}

/**
 * Bands [l_i, u_i] = [max(0, d_i − h), min(1, d_i + h)] and the position of each current weight.
 * Example: d = 0.15, h = 0.02 → [0.13, 0.17]; c = 0.175 → 'above'.
 */
export function bandsOf(
  current: Float64Array,
  target: Float64Array,
  h: number,
): { lower: Float64Array; upper: Float64Array; position: BandPosition[] } {
  const n = target.length;
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const position: BandPosition[] = new Array<BandPosition>(n);
  for (let i = 0; i < n; i++) {
    const d = target[i] as number;
    const c = current[i] as number;
    const l = Math.max(0, d - h);
    const u = Math.min(1, d + h);
    lower[i] = l;
    upper[i] = u;
    position[i] = c > u + BAND_TOLERANCE ? 'above' : c < l - BAND_TOLERANCE ? 'below' : 'inside';
  }
  return { lower, upper, position };
}

/**
 * Decides the post-trade weights of the threshold method.
 *
 * B1 Trigger: trade when a tradable asset is outside its band, when there is a cash flow, or when
 *    the cash is more than h away from its target. Otherwise w = c.
 * B2 Base point per asset: `band_edge` → the nearest point of its band, clamp(c_i, l_i, u_i);
 *    `target` → d_i for an asset outside its band, c_i inside; `full` → d_i. Fixed assets keep c_i.
 * B3 Residual R = (1 − b − κ − Σ_fixed c) − Σ_free base: cash the base points leave over (R > 0)
 *    or need (R < 0).
 * B4 R is spread by level filling (src/domain/levelFill.ts) toward the targets, never past a band
 *    edge: raising (R > 0) lifts the most underweight first up to d + λ ≤ u, lowering takes from
 *    the most overweight first. `band_edge`: over every free asset (an asset sold to its upper edge
 *    cannot be raised, one bought to its lower edge cannot be lowered, so no asset trades both
 *    ways and the one-way turnover is the least any band-compliant plan needs). `target`: over
 *    the assets inside their bands first, then, if that is not enough, over every free asset.
 * B5 Cash flows (`target` only; `band_edge` satisfies it already): with a contribution an
 *    in-band asset is never sold while an out-of-band buy could stop short of its target instead
 *    (breaching assets then stop at a common distance below target, at worst at their lower edge);
 *    a withdrawal mirrors this (overweights sell less, at worst to their upper edge). So a
 *    contribution sells only when buys alone cannot restore the bands.
 * B6 What cannot be placed within the bands stays in (or is missing from) cash: `unplaced`.
 *
 * @example See docs/methods.md (Rebalancing, worked examples) for the shipped scenarios.
 */
export function decideBands(input: BandDecisionInput): BandDecision {
  const { current: c, target: d, fixed, rebalanceTo, flowSign } = input;
  const n = c.length;
  const h = input.halfWidth;
  const { lower, upper, position } = bandsOf(c, d, h);
  const role: BandRole[] = new Array<BandRole>(n).fill('none');
  const weights = Float64Array.from(c);

  const pinned = input.pinned;
  const isPinned = (i: number) => pinned !== undefined && !Number.isNaN(pinned[i] as number);
  let breach = false;
  let fixedSum = 0;
  for (let i = 0; i < n; i++) {
    if (fixed[i]) {
      role[i] = 'fixed';
      fixedSum += c[i] as number;
    } else if (position[i] !== 'inside') breach = true;
  }
  const cashGap = input.currentCash - input.cashTarget;
  const triggered = breach || flowSign !== 0 || Math.abs(cashGap) > h + BAND_TOLERANCE;
  if (!triggered) return result();

  // B2: base points (a pinned asset is settled at its pinned weight).
  for (let i = 0; i < n; i++) {
    if (fixed[i]) continue;
    if (isPinned(i)) {
      weights[i] = (pinned as Float64Array)[i] as number;
      continue;
    }
    const ci = c[i] as number;
    if (rebalanceTo === 'full') weights[i] = d[i] as number;
    else if (position[i] === 'inside') weights[i] = ci;
    else if (rebalanceTo === 'band_edge')
      weights[i] = position[i] === 'above' ? (upper[i] as number) : (lower[i] as number);
    else weights[i] = d[i] as number;
  }
  // B3: residual.
  let R = 1 - input.cashTarget - input.costReserve - fixedSum;
  for (let i = 0; i < n; i++) if (!fixed[i]) R -= weights[i] as number;

  // B4–B5: spread the residual.
  const free = (i: number) => !fixed[i] && !isPinned(i);
  const inBand = (i: number) => free(i) && position[i] === 'inside';
  if (rebalanceTo === 'target') {
    if (flowSign > 0 && R < 0) R = spread(R, (i) => free(i) && position[i] === 'below');
    else if (flowSign < 0 && R > 0) R = spread(R, (i) => free(i) && position[i] === 'above');
    R = spread(R, inBand);
    R = spread(R, free);
  } else {
    R = spread(R, free);
  }

  for (let i = 0; i < n; i++) {
    if (fixed[i]) continue;
    const moved = Math.abs((weights[i] as number) - (c[i] as number)) > BAND_TOLERANCE;
    if (rebalanceTo === 'full') role[i] = moved ? 'full' : 'none';
    else if (position[i] !== 'inside') role[i] = 'breach';
    else role[i] = moved ? 'absorb' : 'none';
  }
  return result(R);

  /**
   * Level-fills R over the selected assets from their decided weight so far, toward their
   * targets, bounded by the band edge in the direction of the move (for a breaching asset given
   * back under B5 that is the edge it breached: a buy stops no lower than l_i, a sell no higher
   * than u_i). Returns what did not fit.
   */
  function spread(amount: number, pick: (i: number) => boolean): number {
    if (amount === 0) return 0;
    const idx: number[] = [];
    const items: LevelItem[] = [];
    for (let i = 0; i < n; i++) {
      if (!pick(i)) continue;
      const w = weights[i] as number;
      const edge = amount > 0 ? (upper[i] as number) : (lower[i] as number);
      idx.push(i);
      items.push({ base: w, target: d[i] as number, bound: edge });
    }
    if (items.length === 0) return amount;
    const r = levelFill(items, amount);
    idx.forEach((i, q) => (weights[i] = r.values[q] as number));
    return r.leftover;
  }

  function result(unplaced = 0): BandDecision {
    let s = 0;
    for (let i = 0; i < n; i++) s += weights[i] as number;
    return {
      weights,
      lower,
      upper,
      position,
      role,
      triggered,
      cashAfter: 1 - s,
      unplaced: Math.abs(unplaced) > 1e-12 ? unplaced : 0,
    };
  }
}
