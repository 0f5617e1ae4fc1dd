/**
 * Expected annual returns estimated from each asset's own daily history (the `expected_returns`
 * choices of the optimizer; docs/methods.md, "Expected returns"). Conventions, chosen to match
 * PyPortfolioOpt's expected_returns module (its published test values are the unit tests):
 * - input: daily simple returns r_t = p_t / p_{t−1} − 1, oldest first, one series per asset over
 *   the asset's own dates (a late listing is a shorter series; PyPortfolioOpt gets the same from
 *   pct_change with NaN before the first price, since pandas skips NaN per column);
 * - 252 periods per year;
 * - `arithmetic`: 252 · mean; `geometric` (compounded, PyPortfolioOpt's default): the rate that
 *   compounds to the same growth, Π_t (1 + r_t)^(252/L) − 1, L = the asset's own count.
 * Every sum is compensated (docs/methods.md, "Sums and means").
 */
import { EngineError } from '../contract/common';
import { covarianceOf, meanOf, meanVariance, neumaierSum, weightedMeanOf } from '../domain/sums';

/** Trading periods per year used to annualize daily figures. */
export const PERIODS_PER_YEAR = 252;

export type Compounding = 'arithmetic' | 'geometric';

/**
 * Annual rate from a mean daily log growth g = (1/L) Σ log(1 + r_t): e^(252·g) − 1, which is
 * Π (1 + r_t)^(252/L) − 1 computed without forming the product (it can over- or underflow over
 * 20,000 days). Needs every r_t > −1 (prices > 0).
 */
function compoundedAnnual(r: ArrayLike<number>): number {
  const logs = new Float64Array(r.length);
  for (let t = 0; t < r.length; t++) logs[t] = Math.log1p(r[t] as number);
  return Math.expm1((PERIODS_PER_YEAR * neumaierSum(logs)) / r.length);
}

function requireReturns(r: ArrayLike<number>, min: number, what: string): void {
  if (r.length < min)
    throw new EngineError('BAD_REQUEST', `${what} needs at least ${min} returns`, [
      { path: 'returns', message: `has ${r.length}` },
    ]);
  for (let t = 0; t < r.length; t++) {
    const v = r[t] as number;
    if (!(Number.isFinite(v) && v > -1))
      throw new EngineError('BAD_REQUEST', `invalid return for ${what}`, [
        { path: `returns.${t}`, message: `${v} is not a finite number > −1` },
      ]);
  }
}

/**
 * Mean historical return, annual (PyPortfolioOpt `mean_historical_return`):
 * arithmetic 252 · r̄; geometric Π (1 + r_t)^(252/L) − 1.
 * Example: r = [0.01, −0.01] → arithmetic 0; geometric (1.01 · 0.99)^126 − 1 = 0.9999^126 − 1
 * ≈ −0.012522.
 */
export function historicalMeanReturn(r: ArrayLike<number>, compounding: Compounding): number {
  requireReturns(r, 1, 'historical_mean');
  return compounding === 'arithmetic' ? PERIODS_PER_YEAR * meanOf(r) : compoundedAnnual(r);
}

/**
 * EWMA smoothing factor α from a span s ≥ 1 (α = 2/(s + 1), pandas `ewm(span)`) or a half-life
 * h > 0 in days (α = 1 − 2^(−1/h), pandas `ewm(halflife)`: weights halve every h days).
 * Example: span 500 → α = 2/501 ≈ 0.003992; half-life 1 → α = 0.5.
 */
export function ewmaAlpha(o: { span?: number | undefined; halflife?: number | undefined }): number {
  if (o.halflife !== undefined) return -Math.expm1(-Math.LN2 / o.halflife);
  return 2 / ((o.span ?? 500) + 1);
}

/**
 * Exponentially weighted mean return, annual (PyPortfolioOpt `ema_historical_return`, which takes
 * pandas `returns.ewm(span).mean()` on the last day, adjust = True): weights w_t = (1 − α)^(L−1−t)
 * (1 on the most recent day), m = Σ w_t r_t / Σ w_t; annual arithmetic 252 · m, geometric
 * (1 + m)^252 − 1 (PyPortfolioOpt compounds the EWMA daily mean, not the log growth).
 * Example: r = [0.01, 0.04], α = 0.5 → w = [0.5, 1], m = 0.03; arithmetic 7.56.
 */
export function ewmaMeanReturn(
  r: ArrayLike<number>,
  alpha: number,
  compounding: Compounding,
): number {
  requireReturns(r, 1, 'ewma');
  if (!(alpha > 0 && alpha <= 1))
    throw new EngineError('BAD_REQUEST', 'invalid EWMA smoothing factor', [
      { path: 'alpha', message: `${alpha} is not in (0, 1]` },
    ]);
  const L = r.length;
  const w = new Float64Array(L);
  const decay = Math.log1p(-alpha); // −∞ for α = 1: only the last day keeps weight (0^0 = 1).
  for (let t = 0; t < L; t++) w[t] = t === L - 1 ? 1 : Math.exp(decay * (L - 1 - t));
  const m = weightedMeanOf(r, w);
  return compounding === 'arithmetic'
    ? PERIODS_PER_YEAR * m
    : Math.expm1(PERIODS_PER_YEAR * Math.log1p(m));
}

/**
 * Equal-weighted market proxy of end-aligned histories (PyPortfolioOpt's capm_return without
 * market prices: `returns.mean(axis=1)`): on each day, the mean of the returns of the assets that
 * have one that day. Length = the longest history.
 * Example: [0.01, 0.03] and [0.05] (listed a day later) → [0.01, (0.03 + 0.05)/2] = [0.01, 0.04].
 */
export function equalWeightedMarket(series: readonly ArrayLike<number>[]): Float64Array {
  const T = Math.max(0, ...series.map((r) => r.length));
  const out = new Float64Array(T);
  for (let back = 0; back < T; back++) {
    let s = 0;
    let k = 0;
    for (const r of series)
      if (r.length > back) {
        s += r[r.length - 1 - back] as number;
        k++;
      }
    out[T - 1 - back] = s / k;
  }
  return out;
}

/** CAPM estimate per asset with its beta and the market figures. */
export interface CapmEstimate {
  /** Annual expected return per asset. */
  mu: Float64Array;
  beta: Float64Array;
  /** Days each beta was estimated over: min(L_i, L_m). */
  overlap: Int32Array;
  /** E[r_m], annual, by the requested compounding over the market's whole series. */
  marketReturn: number;
  /** The market's daily variance over its whole series. */
  marketVariance: number;
}

/**
 * CAPM expected returns (PyPortfolioOpt `capm_return`): μ_i = r_f + β_i (E[r_m] − r_f), with
 * β_i = Cov(r_i, r_m) / Var(r_m) from the sample covariance (ddof 1) — the covariance over the
 * days asset i and the market share (the last min(L_i, L_m) days of end-aligned series), the
 * variance over the market's whole series, as pandas' pairwise DataFrame.cov gives them — and
 * E[r_m] annual by `compounding` over the market's series (see the file comment). r_f annual.
 * Every series (and the market) needs at least `minObservations` returns, the market a variance
 * > 0 (BAD_REQUEST otherwise).
 * Example: r_m = [0.01, −0.01, 0.02, 0.00], r_1 = 2·r_m → β = 2; arithmetic E[r_m] = 252·0.005
 * = 1.26, r_f = 0.02 → μ_1 = 0.02 + 2·1.24 = 2.5.
 */
export function capmReturns(
  series: readonly ArrayLike<number>[],
  market: ArrayLike<number>,
  riskFreeRate: number,
  compounding: Compounding,
  minObservations = 2,
): CapmEstimate {
  requireReturns(market, Math.max(2, minObservations), 'capm (market)');
  const Lm = market.length;
  const mv = meanVariance(market, 1).variance;
  if (!(mv > 0))
    throw new EngineError('BAD_REQUEST', 'capm needs a market series that varies', [
      { path: 'market', message: 'the market returns are constant (variance 0)' },
    ]);
  const marketReturn =
    compounding === 'arithmetic' ? PERIODS_PER_YEAR * meanOf(market) : compoundedAnnual(market);
  const n = series.length;
  const mu = new Float64Array(n);
  const beta = new Float64Array(n);
  const overlap = new Int32Array(n);
  const m = Float64Array.from(market);
  for (let i = 0; i < n; i++) {
    const r = series[i] as ArrayLike<number>;
    const o = Math.min(r.length, Lm);
    if (o < Math.max(2, minObservations))
      throw new EngineError('BAD_REQUEST', 'capm needs more history', [
        {
          path: `series.${i}`,
          message: `shares ${o} days with the market; at least ${Math.max(2, minObservations)} are needed`,
        },
      ]);
    const x = Float64Array.from(r).subarray(r.length - o);
    const y = m.subarray(Lm - o);
    beta[i] = covarianceOf(x, y, 1) / mv;
    overlap[i] = o;
    mu[i] = riskFreeRate + (beta[i] as number) * (marketReturn - riskFreeRate);
  }
  return { mu, beta, overlap, marketReturn, marketVariance: mv };
}
