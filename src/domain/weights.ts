import { ASSET_CLASSES, type AssetClass, type Warning } from '../contract/common';

/** Inputs off by more than this from Σw = 1 earn a warning (they are normalized either way). */
export const WEIGHT_SUM_TOLERANCE = 0.005;

/**
 * w'_i = w_i · total / Σ_j w_j: weights scaled to sum to `total` (1 minus a cash share). Weights
 * summing to 1 (± WEIGHT_SUM_TOLERANCE) describe the mix of the invested part and are scaled by
 * design; any other sum more than the tolerance away from `total` earns WEIGHTS_NORMALIZED. The
 * caller has already checked Σ w > 0 (the contract refuses 0).
 * Example: normalizeWeights([0.2, 0.2], 1, 'target_weight', []) → [0.5, 0.5] and a warning;
 * normalizeWeights([0.5, 0.5], 0.95, 'current_weight', []) → [0.475, 0.475], no warning.
 */
export function normalizeWeights(
  raw: readonly number[],
  total: number,
  field: string,
  warnings: Warning[],
): Float64Array {
  let sum = 0;
  for (const w of raw) sum += w;
  const describesMix = Math.abs(sum - 1) <= WEIGHT_SUM_TOLERANCE;
  if (!describesMix && Math.abs(sum - total) > WEIGHT_SUM_TOLERANCE) {
    warnings.push({
      code: 'WEIGHTS_NORMALIZED',
      path: `assets.*.${field}`,
      message: `${field} values sum to ${sum.toFixed(6)}, not ${+total.toFixed(6)}${total < 1 ? ' (1 minus the cash)' : ''}; each was scaled to that total`,
    });
  }
  return Float64Array.from(raw, (w) => (w * total) / sum);
}

/**
 * The seed named assets after their class ("ETF", "Crypto"); such a name implies the class.
 * Anything else without an explicit asset_class is treated as Stocks, and the response says so.
 */
export function resolveAssetClass(
  name: string,
  given: AssetClass | undefined,
  index: number,
  warnings: Warning[],
): AssetClass {
  if (given) return given;
  const byName = ASSET_CLASSES.find((c) => c.toLowerCase() === name.trim().toLowerCase());
  if (byName) return byName;
  warnings.push({
    code: 'ASSET_CLASS_ASSUMED',
    path: `assets.${index}.asset_class`,
    message: `"${name}" has no asset_class; Stocks assumed (whole-share lots)`,
  });
  return 'Stocks';
}
