/**
 * Annualized figures and the return/risk ratios built on them (docs/methods.md, "Metrics of
 * return series"). P is the number of periods per year; every rate given here is annual.
 * A ratio whose denominator is 0 (or not finite) is undefined: these return null and the caller
 * says why in a warning.
 */

/**
 * CAGR = (1 + cumulative)^(1/years) − 1; null for years ≤ 0.
 * Example: cagr(0.21, 2) = 1.21^0.5 − 1 = 0.1.
 */
export function cagr(cumulative: number, years: number): number | null {
  if (!(years > 0)) return null;
  return Math.pow(1 + cumulative, 1 / years) - 1;
}

/**
 * Sharpe ratio (P·μ − rf) / (σ√P): μ, σ per period, rf annual. empyrical's
 * sharpe_ratio(r, risk_free = rf/P) is the same number: mean(r − rf/P)/σ·√P.
 * Example: μ = 0.0005, σ = 0.01, rf = 0.02, P = 252 → (0.126 − 0.02)/0.158745 ≈ 0.667737.
 */
export function sharpeRatio(mu: number, sigma: number, rf: number, P: number): number | null {
  const vol = sigma * Math.sqrt(P);
  return vol > 0 ? (P * mu - rf) / vol : null;
}

/**
 * Sortino ratio (P·μ − MAR) / (DD·√P) with DD the per-period downside deviation below MAR/P
 * (divisor n). empyrical's sortino_ratio(r, required_return = MAR/P) is the same number.
 * Example: μ = 0.0005, DD = 0.006, MAR = 0, P = 252 → 0.126 / 0.095247 ≈ 1.322876.
 */
export function sortinoRatio(mu: number, downside: number, mar: number, P: number): number | null {
  const d = downside * Math.sqrt(P);
  return d > 0 ? (P * mu - mar) / d : null;
}

/**
 * Calmar ratio CAGR / max drawdown (a positive fraction); null without a drawdown.
 * Example: calmarRatio(0.12, 0.3) = 0.4.
 */
export function calmarRatio(cagrValue: number | null, maxDrawdown: number): number | null {
  return cagrValue !== null && maxDrawdown > 0 ? cagrValue / maxDrawdown : null;
}
