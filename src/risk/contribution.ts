/**
 * Each asset's share of portfolio variance (docs/methods.md, "Risk contributions").
 *
 * Σ is the sample covariance (ddof 1) of the aligned daily asset returns: the covariance behind
 * the risk metrics' volatility, whose portfolio variance s²(r_p) with r_p = Σ_i w_i r_i equals
 * wᵀΣw. Annualizing (× 252) scales numerator and denominator alike, so the shares are the same
 * for daily and annual Σ.
 */
import { isZeroVolatility, meanOf } from '../domain/sums';

/**
 * Risk contributions RC_i = w_i (Σw)_i / (wᵀΣw), Σ_i RC_i = 1 (cash, with no variance,
 * contributes 0). Σ is never formed: with X the T×n matrix of returns centred on their means,
 * Σ = XᵀX / (T − 1), so Σw = Xᵀ(Xw) / (T − 1) and wᵀΣw = ‖Xw‖² / (T − 1) — O(nT) instead of
 * O(n²T), which keeps a 5,000-asset book cheap. An RC may be negative (a hedge lowers variance)
 * or above 1.
 * Returns null when the portfolio's variance is zero in the risk metrics' sense
 * (isZeroVolatility: a constant portfolio series has no variance to share out).
 * Example: two uncorrelated assets with daily variances 0.0004 and 0.0001 and w = (0.5, 0.5):
 * Σw = (0.0002, 0.00005), wᵀΣw = 0.000125, RC = (0.8, 0.2).
 */
export function riskContributions(
  assetReturns: readonly Float64Array[],
  weights: ArrayLike<number>,
): Float64Array | null {
  const n = assetReturns.length;
  const T = n > 0 ? (assetReturns[0] as Float64Array).length : 0;
  if (n === 0 || T < 2) return null;
  const means = new Float64Array(n);
  for (let i = 0; i < n; i++) means[i] = meanOf(assetReturns[i] as Float64Array);
  // y = Xw: the centred portfolio series (its mean is exactly what the centring removed).
  const y = new Float64Array(T);
  let meanP = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i] as number;
    if (w === 0) continue;
    const r = assetReturns[i] as Float64Array;
    const m = means[i] as number;
    meanP += w * m;
    for (let t = 0; t < T; t++) y[t] = (y[t] as number) + w * ((r[t] as number) - m);
  }
  let yy = 0;
  for (let t = 0; t < T; t++) yy += (y[t] as number) * (y[t] as number);
  const variance = yy / (T - 1);
  if (isZeroVolatility(meanP, Math.sqrt(variance))) return null;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = weights[i] as number;
    if (w === 0) continue;
    const r = assetReturns[i] as Float64Array;
    const m = means[i] as number;
    let s = 0;
    for (let t = 0; t < T; t++) s += ((r[t] as number) - m) * (y[t] as number);
    out[i] = (w * s) / (T - 1) / variance;
  }
  return out;
}
