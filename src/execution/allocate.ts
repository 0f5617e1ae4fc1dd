/**
 * Splits an asset's intended trade over the securities it is ordered through (docs/methods.md,
 * Rebalancing, security-level orders). An asset without holdings is its own single security.
 */
import { levelFill } from '../domain/levelFill';

/** A security of one asset, as the split sees it. */
export interface SplitSecurity {
  /** Current value in minor units (≥ 0). */
  currentMinor: number;
  /** Current share of the asset (Σ over the asset = 1); used for pro-rata splits. */
  share: number;
  /** Target share of the asset, or null when the asset has no holding targets. */
  targetShare: number | null;
}

/**
 * Intended signed trade (minor units) per security of one asset whose intended trade is
 * `deltaMinor` and current value `assetCurrentMinor`:
 * - one security: the whole trade;
 * - holdings without targets, pro rata to the current split: x_j = Δ × share_j (so a sell never
 *   exceeds a holding, and the split inside the asset is unchanged);
 * - holdings with targets: level filling toward target values t_j = (current + Δ) × target_j,
 *   buys to the most underweight holding first, sells from the most overweight first; every
 *   security moves in the asset's direction, so Σ |x_j| = |Δ|.
 *
 * @example Δ = +9,000.00 over two holdings worth 6,000 and 4,000 with targets 50% / 50%: the
 *   asset will be worth 19,000, targets 9,500 each: the second (5,500 below) is bought first;
 *   level λ: 9,500 + λ − 4,000 + max(0, 9,500 + λ − 6,000) = 9,000 → λ = −1,000:
 *   x = [+2,500.00, +6,500.00] (minor units ×100).
 */
export function splitAssetTrade(
  deltaMinor: number,
  assetCurrentMinor: number,
  secs: readonly SplitSecurity[],
): Float64Array {
  const out = new Float64Array(secs.length);
  if (secs.length === 0 || deltaMinor === 0) return out;
  if (secs.length === 1) {
    out[0] = deltaMinor;
    return out;
  }
  const withTargets = secs.every((s) => s.targetShare !== null);
  if (!withTargets) {
    for (let j = 0; j < secs.length; j++) out[j] = deltaMinor * (secs[j] as SplitSecurity).share;
    return out;
  }
  let tSum = 0;
  for (const s of secs) tSum += s.targetShare as number;
  const post = assetCurrentMinor + deltaMinor;
  const r = levelFill(
    secs.map((s) => ({
      base: s.currentMinor,
      target: (post * (s.targetShare as number)) / tSum,
      bound: deltaMinor > 0 ? Infinity : 0,
    })),
    deltaMinor,
  );
  for (let j = 0; j < secs.length; j++)
    out[j] = (r.values[j] as number) - (secs[j] as SplitSecurity).currentMinor;
  return out;
}
