import { ASSET_CLASSES, type AssetClass, type Warning } from '../contract/common';

/** Inputs off by more than this from Σw = 1 earn a warning (they are normalized either way). */
export const WEIGHT_SUM_TOLERANCE = 0.005;

/**
 * w'_i = w_i / Σ_j w_j. The caller has already checked Σ w > 0 (the contract refuses 0).
 * Example: normalizeWeights([0.2, 0.2], 'target_weight', []) → [0.5, 0.5] and a warning,
 * since 0.4 is more than 0.5% away from 1.
 */
export function normalizeWeights(
  raw: readonly number[],
  field: string,
  warnings: Warning[],
): Float64Array {
  let sum = 0;
  for (const w of raw) sum += w;
  if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) {
    warnings.push({
      code: 'WEIGHTS_NORMALIZED',
      path: `assets.*.${field}`,
      message: `${field} values sum to ${sum.toFixed(6)}, not 1; each was divided by the sum`,
    });
  }
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = (raw[i] as number) / sum;
  return out;
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
