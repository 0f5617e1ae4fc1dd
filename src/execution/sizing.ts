/**
 * Turning intended trade values into whole lots and whole minor units, and fitting buys into the
 * cash that sells raise. All money here is in integer minor units (see money.ts).
 */
import { unitsForLots, type LotSpec } from './lots';

/** Why an intended trade was not executed (0 = executed). */
export const DROP_NONE = 0;
/** The trade is smaller than one lot, or one lot is worth less than one minor unit. */
export const DROP_ZERO_LOTS = 1;
/** After rounding to lots the trade is worth less than the asset's minimum trade value. */
export const DROP_BELOW_MIN = 2;
/** A buy that the cash from sells (after costs) could not pay for. */
export const DROP_CASH = 3;

/**
 * Notional of a trade in minor units: round(|units| × price × scale), half away from zero.
 *
 * @example valueMinor(0.11299786, 26000, 100) // 293794 (2,937.94436 USD → 2,937.94)
 */
export function valueMinor(units: number, price: number, scale: number): number {
  return Math.round(Math.abs(units) * price * scale);
}

/**
 * Cost of one trade in minor units: round(bps/10,000 × value) + fee, and 0 for no trade.
 * (Rounded half up to the minor unit; `feeMinor` is the fixed fee already in minor units.)
 *
 * @example costMinor(294500, 12, 0) // 353: 12 bps of 2,945.00 = 3.534 → 3.53
 * @example costMinor(0, 12, 500) // 0
 */
export function costMinor(value: number, bps: number, feeMinor: number): number {
  return value > 0 ? Math.round((bps * value) / 10000) + feeMinor : 0;
}

/**
 * The lot count of an order whose intended notional is `cap` (minor units, need not be whole):
 *   k = max{k ≤ ⌊cap / (lot·price·scale) + 1e-9⌋ : round(k·lot·price·scale) ≤ ⌊cap·(1 + 1e-9)⌋}.
 * The first bound keeps the exact notional of the units at or below the intended value (rounding
 * toward zero); the second keeps the notional rounded to the minor unit there too (rounding half
 * up can overshoot by a fraction of a unit). The 1e-9 absorbs float error in a cap meant to be
 * whole, e.g. 299999.99999999994 for 3,000.00. So executed value ≤ intended value for every order:
 * lot rounding can only reduce turnover and never sells more than is held.
 * value(k) is non-decreasing in k, so when the floor overshoots the largest valid k is found by
 * bisection (exact also where k is so large that k − 1 === k in doubles is near).
 *
 * @param capMinor intended notional in minor units (need not be whole)
 * @example maxLotsWithin(300000, 95, lotSpec(1), 100) // 31 (31 × 95 = 2,945.00 ≤ 3,000.00)
 * @example maxLotsWithin(10070, 0.0000153, lotSpec(1), 100) // 6,581,699: 100.70 / 0.0000153 =
 *   6,581,699.35 → value 100.699994 → 10070 ≤ 10070
 */
export function maxLotsWithin(capMinor: number, price: number, spec: LotSpec, scale: number) {
  if (!(capMinor > 0)) return 0;
  const capInt = Math.floor(capMinor + 1e-9 * Math.max(1, capMinor));
  if (capInt <= 0) return 0;
  const lotMinor = spec.lot * price * scale;
  let hi = Math.floor(capMinor / lotMinor + 1e-9);
  if (!(hi > 0) || !Number.isFinite(hi)) return 0;
  const value = (k: number) => valueMinor(unitsForLots(k, spec), price, scale);
  const v = value(hi);
  if (v <= capInt) return hi;
  // Bracket: step down by the overshoot in lots, doubling until the value fits.
  let gap = Math.max(1, Math.ceil((v - capInt) / lotMinor));
  let lo = hi - gap;
  for (let it = 0; lo > 0 && value(lo) > capInt && it < 64; it++) {
    hi = lo;
    gap *= 2;
    lo = hi - gap;
  }
  if (lo <= 0) lo = 0;
  // Invariant: value(lo) ≤ capInt < value(hi).
  for (let it = 0; hi - lo > 1 && it < 128; it++) {
    const mid = Math.floor(lo + (hi - lo) / 2);
    if (mid <= lo || mid >= hi) break;
    if (value(mid) <= capInt) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Inputs to `fitBuys`, indexed by asset. */
export interface BuyFitInput {
  /** Indices of the assets that intend to buy. */
  readonly buys: readonly number[];
  /** Intended buy notional in minor units (need not be whole). */
  readonly intendedMinor: Float64Array;
  readonly price: Float64Array;
  readonly lots: readonly LotSpec[];
  /** Minimum trade value in whole minor units. */
  readonly minMinor: Float64Array;
  /** Cash available for buys and their costs (whole minor units, ≥ 0). */
  readonly availMinor: number;
  /** Proportional cost of each security, basis points of notional. */
  readonly bps: ArrayLike<number>;
  readonly feeMinor: number;
  readonly scale: number;
}

/** What `fitBuys` writes per asset (only at the indices in `buys`). */
export interface BuyFitOutput {
  readonly lotsOut: Float64Array;
  readonly valueOut: Float64Array;
  readonly costOut: Float64Array;
  readonly dropOut: Uint8Array;
}

/**
 * Fits buys into the available cash A (all in minor units):
 * 1. each buy is rounded down to lots at its full intended value b_j; a buy that is then zero or
 *    below its minimum is dropped (it would be at any smaller scale too);
 * 2. the remaining m buys share one scale s = min(1, (A − m·fee) / Σ (1 + bps_j/10⁴)·b_j), so
 *    Σ s·b_j + costs ≤ A; a buy that becomes zero or below its minimum at s is dropped, the
 *    smallest first, which frees its fee, and s is recomputed;
 * 3. each is rounded down to lots at s·b_j, then, while integer rounding of costs leaves
 *    Σ (value + cost) > A, the largest buy is cut by the overshoot.
 * Result: Σ (value_j + cost_j) ≤ A exactly in minor units. Returns s.
 *
 * @example A = 294147 (2,941.47 USD), one buy b = 300000 at 26,000 with lot 1e-8 and 12 bps:
 *   s = 294147 / (1.0012 × 300000) = 0.97931; cap 293794.45 → 11,299,786 lots = 0.11299786 units,
 *   value 293794 (2,937.94), cost round(352.55) = 353; 293794 + 353 = 294147 ≤ A.
 */
export function fitBuys(input: BuyFitInput, out: BuyFitOutput): number {
  const { buys, intendedMinor, price, lots, minMinor, availMinor, bps, feeMinor, scale } = input;
  const { lotsOut, valueOut, costOut, dropOut } = out;
  const active = new Uint8Array(buys.length);
  let m = 0;
  for (let q = 0; q < buys.length; q++) {
    const j = buys[q] as number;
    const spec = lots[j] as LotSpec;
    const k = maxLotsWithin(intendedMinor[j] as number, price[j] as number, spec, scale);
    const v = k > 0 ? valueMinor(unitsForLots(k, spec), price[j] as number, scale) : 0;
    if (v <= 0) dropOut[j] = DROP_ZERO_LOTS;
    else if (v < (minMinor[j] as number)) dropOut[j] = DROP_BELOW_MIN;
    else {
      dropOut[j] = DROP_NONE;
      active[q] = 1;
      m++;
    }
    lotsOut[j] = 0;
    valueOut[j] = 0;
    costOut[j] = 0;
  }
  const costFactor = (j: number) => 1 + (bps[j] as number) / 10000;
  let s = 1;
  while (m > 0) {
    const budget = availMinor - m * feeMinor;
    let total = 0;
    for (let q = 0; q < buys.length; q++)
      if (active[q]) {
        const j = buys[q] as number;
        total += costFactor(j) * (intendedMinor[j] as number);
      }
    s = budget > 0 ? Math.min(1, budget / total) : 0;
    let victim = -1;
    for (let q = 0; q < buys.length; q++) {
      if (!active[q]) continue;
      const j = buys[q] as number;
      const spec = lots[j] as LotSpec;
      const k = maxLotsWithin(s * (intendedMinor[j] as number), price[j] as number, spec, scale);
      const v = k > 0 ? valueMinor(unitsForLots(k, spec), price[j] as number, scale) : 0;
      lotsOut[j] = k;
      valueOut[j] = v;
      if (v <= 0 || v < (minMinor[j] as number)) {
        // Smallest intended buy first; ties go to the later asset so earlier rows keep priority.
        if (
          victim < 0 ||
          (intendedMinor[j] as number) <= (intendedMinor[buys[victim] as number] as number)
        )
          victim = q;
      }
    }
    if (victim < 0) break;
    active[victim] = 0;
    m--;
    const j = buys[victim] as number;
    dropOut[j] = DROP_CASH;
    lotsOut[j] = 0;
    valueOut[j] = 0;
  }
  let spent = 0;
  for (let q = 0; q < buys.length; q++) {
    if (!active[q]) continue;
    const j = buys[q] as number;
    costOut[j] = costMinor(valueOut[j] as number, bps[j] as number, feeMinor);
    spent += (valueOut[j] as number) + (costOut[j] as number);
  }
  // Integer rounding of each cost can add up to half a minor unit per buy; take it back from the
  // largest buy (ties: the earlier asset). Each pass strictly lowers that buy's value, so it ends.
  while (spent > availMinor && m > 0) {
    let big = -1;
    for (let q = 0; q < buys.length; q++) {
      if (!active[q]) continue;
      if (
        big < 0 ||
        (valueOut[buys[q] as number] as number) > (valueOut[buys[big] as number] as number)
      )
        big = q;
    }
    const j = buys[big] as number;
    const spec = lots[j] as LotSpec;
    const cut = Math.max(1, Math.ceil((spent - availMinor) / costFactor(j)));
    spent -= (valueOut[j] as number) + (costOut[j] as number);
    const k = maxLotsWithin((valueOut[j] as number) - cut, price[j] as number, spec, scale);
    const v = k > 0 ? valueMinor(unitsForLots(k, spec), price[j] as number, scale) : 0;
    if (v <= 0 || v < (minMinor[j] as number) || v >= (valueOut[j] as number)) {
      active[big] = 0;
      m--;
      dropOut[j] = DROP_CASH;
      lotsOut[j] = 0;
      valueOut[j] = 0;
      costOut[j] = 0;
    } else {
      lotsOut[j] = k;
      valueOut[j] = v;
      costOut[j] = costMinor(v, bps[j] as number, feeMinor);
      spent += v + (costOut[j] as number);
    }
  }
  return s;
}
