/**
 * Portfolio-level figures of a set of weighted return series (docs/methods.md, "Metrics of return
 * series"): effective number of assets and diversification ratio. The portfolio's own return
 * series is the constant mix `portfolioReturns` (../returns.ts), r_p,t = Σ_i w_i r_i,t.
 */

/**
 * Effective number of assets 1 / Σ w_i² (the inverse Herfindahl index, skfolio
 * `effective_number_assets`), with the weights as given; null when every weight is 0.
 * Example: [0.25, 0.25, 0.25, 0.25] → 4; [0.5, 0.3, 0.2] → 1/0.38 ≈ 2.631579.
 */
export function effectiveNumberOfAssets(w: ArrayLike<number>): number | null {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i]! * w[i]!;
  return s > 0 ? 1 / s : null;
}

/**
 * Diversification ratio Σ_i w_i σ_i / σ_p (Choueifaty & Coignard 2008): σ_i the std of series i
 * and σ_p = √(wᵀΣw) the std of the portfolio returns over the same observations (any common ddof
 * and annualization cancel). Null when σ_p = 0.
 * Example: two series with σ = 0.2 each, correlation 0, w = [0.5, 0.5] → σ_p = √(2·0.25·0.04)
 * ≈ 0.141421, ratio 0.2 / 0.141421 ≈ 1.414214 (= √2).
 */
export function diversificationRatio(
  w: ArrayLike<number>,
  sigma: ArrayLike<number>,
  sigmaP: number,
): number | null {
  if (!(sigmaP > 0)) return null;
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i]! * sigma[i]!;
  return s / sigmaP;
}
