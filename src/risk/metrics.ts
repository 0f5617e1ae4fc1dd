/**
 * Portfolio risk metrics from a daily simple-return series (docs/methods.md (risk)).
 *
 * Conventions: 252 trading days a year; sample standard deviation (ddof = 1); returns are simple
 * daily returns; VaR and CVaR are 1-day figures reported as positive loss fractions (0.02 = a 2%
 * loss); annual figures are fractions (0.15 = 15%). Every figure is a finite number or null with a
 * structured warning explaining why. Means, variances and covariances use the compensated,
 * shifted, corrected two-pass sums of src/domain/sums.ts (docs/methods.md, "Sums and means"), so a
 * constant series has volatility exactly 0 instead of float noise.
 */
import { EngineError, type ErrorDetail, type Warning } from '../contract/common';
import type { HistorySource, RiskMetrics } from '../contract/rebalance';
import {
  covarianceOf,
  isZeroVolatility,
  meanVariance,
  ZERO_VOLATILITY_RELATIVE,
} from '../domain/sums';
import { quantileInPlace, skewnessAndExcessKurtosis } from './stats';

/** Trading periods per year. */
export const TRADING_DAYS = 252;
/** Minimum number of daily returns for moment-based figures (volatility, Sharpe, …). */
export const MIN_MOMENT_OBSERVATIONS = 20;
/** Minimum number of daily returns for historical (empirical-quantile) VaR and CVaR. */
export const MIN_HISTORICAL_VAR_OBSERVATIONS = 100;
/** Standard normal 5% quantile Φ⁻¹(0.05) (scipy.stats.norm.ppf(0.05)). */
export const Z_05 = -1.6448536269514722;

export interface RiskMetricsInput {
  /** Daily simple returns, oldest first; null when the portfolio has no usable history. */
  returns: Float64Array | null;
  /** Annual risk-free rate (0.02 = 2%). */
  riskFreeRate: number;
  /** Benchmark daily returns aligned with `returns`, for beta. */
  benchmarkReturns?: Float64Array | null;
  /** Reference (e.g. target-portfolio) daily returns aligned with `returns`, for tracking error. */
  referenceReturns?: Float64Array | null;
  source: HistorySource;
  /** Annual expected return used when there is no (or too little) history. */
  fallbackExpectedReturn?: number | null;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function checkSeries(
  x: Float64Array,
  path: string,
  expectedLength: number | null,
  details: ErrorDetail[],
): void {
  if (expectedLength !== null && x.length !== expectedLength) {
    details.push({
      path,
      message: `has ${x.length} returns but returns has ${expectedLength}`,
    });
    return;
  }
  let bad = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      details.push({ path: `${path}.${i}`, message: 'must be a finite number' });
      if (++bad >= 20) break;
    }
  }
}

/**
 * Mean x̄ and sample variance s² = Σ (x − x̄)² / (n − 1) (0 for n = 1) by the corrected two-pass
 * algorithm of `meanVariance` (mean shifted by x_1 and compensated; variance minus (Σ e)² / n).
 * Units: x and x². Example: [0.01, −0.01, 0.01, −0.01] → [0, 0.0004/3].
 */
function meanAndSampleVariance(x: Float64Array): [number, number] {
  const { mean, variance } = meanVariance(x, 1);
  return [mean, variance];
}

/**
 * Maximum drawdown as a positive fraction: MDD = max_t (1 − W_t / max_{s≤t} W_s) with W_0 = 1,
 * W_t = Π_{u≤t} (1 + r_u). 0 when wealth never falls below a previous peak.
 * Example: r = [0.1, −0.2, 0.05] → W = 1, 1.1, 0.88, 0.924; peak 1.1; MDD = 1 − 0.88/1.1 = 0.2.
 */
export function maxDrawdown(returns: ArrayLike<number>): number {
  let w = 1;
  let peak = 1;
  let mdd = 0;
  for (let t = 0; t < returns.length; t++) {
    w *= 1 + returns[t]!;
    if (w > peak) peak = w;
    const dd = 1 - w / peak;
    if (dd > mdd) mdd = dd;
  }
  return mdd;
}

/**
 * Downside deviation (daily) relative to a daily target τ: DD = √(Σ_t min(r_t − τ, 0)² / T).
 * Note the divisor is T (all observations), the usual Sortino convention. Compensated sum.
 * Example: r = [0.02, −0.01, −0.03, 0.01], τ = 0 → √((0.0001 + 0.0009)/4) = √0.00025 ≈ 0.015811.
 */
export function downsideDeviation(returns: ArrayLike<number>, dailyTarget: number): number {
  const n = returns.length;
  if (n === 0) return 0;
  // Compensated (Neumaier) sum of the squared shortfalls (all terms ≥ 0, so no |·| is needed).
  let s = 0;
  let c = 0;
  for (let t = 0; t < n; t++) {
    const d = returns[t]! - dailyTarget;
    if (d < 0) {
      const v = d * d;
      const u = s + v;
      if (s >= v) c += s - u + v;
      else c += v - u + s;
      s = u;
    }
  }
  return Math.sqrt((s + c) / n);
}

/**
 * Historical 1-day VaR and CVaR at level α (default 5%), as positive loss fractions:
 * q = Q_α(r) (type-7 interpolation), VaR = −q, CVaR = −mean{r_t : r_t ≤ q}. The tail mean is
 * taken as q + Σ (r_t − q) / k with a compensated sum (the "Sums and means" rule, shifted by q):
 * for a constant series every r_t − q is 0 and CVaR = VaR = −r exactly.
 * Example: r = [−0.05, −0.03, −0.01, 0.00, 0.01, 0.02, 0.02, 0.03, 0.04, 0.05], α = 0.05 →
 * h = 9·0.05 = 0.45, q = −0.05 + 0.45·0.02 = −0.041, VaR = 0.041; only −0.05 ≤ q, CVaR = 0.05.
 */
export function historicalVarCvar(
  returns: ArrayLike<number>,
  alpha = 0.05,
): { var: number; cvar: number } {
  const buf = Float64Array.from(returns);
  const q = quantileInPlace(buf, alpha);
  let s = 0;
  let c = 0;
  let k = 0;
  for (let t = 0; t < returns.length; t++) {
    const r = returns[t]!;
    if (r <= q) {
      const v = r - q; // ≤ 0
      const u = s + v;
      if (Math.abs(s) >= Math.abs(v)) c += s - u + v;
      else c += v - u + s;
      s = u;
      k++;
    }
  }
  // k ≥ 1 always: the minimum is ≤ any type-7 quantile.
  return { var: -q, cvar: -(q + (s + c) / k) };
}

/**
 * Cornish–Fisher adjusted quantile (Cornish & Fisher 1937), to second order in the cumulants:
 * z_cf = z + (z² − 1)S/6 + (z³ − 3z)K/24 − (2z³ − 5z)S²/36, with S the skewness and K the excess
 * kurtosis. Example: z = −1.6448536, S = −0.5, K = 3 → z_cf = −1.6448536 − 0.1421286 + 0.0605422
 * + 0.0046957 ≈ −1.7217443 (a fatter left tail than the normal).
 */
export function cornishFisherZ(z: number, S: number, K: number): number {
  const z2 = z * z;
  const z3 = z2 * z;
  return z + ((z2 - 1) * S) / 6 + ((z3 - 3 * z) * K) / 24 - ((2 * z3 - 5 * z) * S * S) / 36;
}

/** ZERO_VOLATILITY_RELATIVE as written in warnings (1e-10). */
const ZERO_VOLATILITY_RELATIVE_TEXT = String(ZERO_VOLATILITY_RELATIVE);

const NULL_METRICS = {
  volatility: null,
  sharpe: null,
  sortino: null,
  max_drawdown: null,
  var_95: null,
  cvar_95: null,
  parametric_var_95: null,
  cornish_fisher_var_95: null,
  expected_annual_return: null,
  tracking_error: null,
  beta: null,
} as const;

/**
 * Risk metrics of a daily simple-return series r_1..r_T (μ = mean, σ = sample std, rf annual):
 * - volatility = σ·√252; expected_annual_return = 252·μ (arithmetic);
 * - sharpe = (252μ − rf)/(σ√252); sortino = (252μ − rf)/(DD·√252), DD = √(Σ min(r − rf/252, 0)²/T);
 * - max_drawdown = max_t (1 − W_t/max_{s≤t} W_s), W_0 = 1;
 * - var_95 = −Q_0.05(r) (type 7), cvar_95 = −mean{r ≤ Q_0.05} (1-day, need T ≥ 100);
 * - parametric_var_95 = −(μ + z σ), z = Φ⁻¹(0.05); cornish_fisher_var_95 = −(μ + z_cf σ) with
 *   population skewness g1 and excess kurtosis g2;
 * - tracking_error = std(r − ref)·√252; beta = cov(r, b)/var(b).
 * Means, variances and cov(r, b) are corrected two-pass with compensated sums (src/domain/sums.ts).
 * Zero volatility: when isZeroVolatility(μ, σ) (σ = 0 or σ ≤ 1e-10·|μ|: a constant series, e.g. a
 * money-market accrual whose daily returns differ only by float noise) the series is treated as
 * constant: σ = 0 exactly, so volatility = 0, parametric and Cornish–Fisher VaR = −μ, beta = 0
 * (a constant series does not move with the benchmark); sharpe and sortino are null with one
 * ZERO_VOLATILITY warning (no ZERO_DOWNSIDE_DEVIATION on top). Likewise a benchmark with
 * isZeroVolatility(μ_b, σ_b) gives beta null with ZERO_BENCHMARK_VARIANCE, and an active-return
 * series r − ref that is constant in this sense gives tracking_error = 0.
 * Moment figures need T ≥ 20, historical VaR/CVaR T ≥ 100; below that they are null with an
 * INSUFFICIENT_HISTORY warning. With no history only expected_annual_return is reported, from
 * `fallbackExpectedReturn` (also used when T < 20).
 * Example: 20 returns alternating +1%, −1%, rf = 0.02 → μ = 0, σ = √(20·0.0001/19) ≈ 0.0102598,
 * volatility ≈ 0.162869, sharpe = −0.02/0.162869 ≈ −0.122798; W peaks at 1.01 after day 1 and
 * ends at 0.9999^10, so max_drawdown = 1 − 0.9999^10/1.01 ≈ 0.0108906.
 */
export function computeRiskMetrics(input: RiskMetricsInput): {
  metrics: RiskMetrics;
  warnings: Warning[];
} {
  const { returns, riskFreeRate, source } = input;
  const benchmark = input.benchmarkReturns ?? null;
  const reference = input.referenceReturns ?? null;
  const fallback = input.fallbackExpectedReturn ?? null;
  const details: ErrorDetail[] = [];
  if (!Number.isFinite(riskFreeRate))
    details.push({ path: 'riskFreeRate', message: 'must be a finite number' });
  if (fallback !== null && !Number.isFinite(fallback))
    details.push({ path: 'fallbackExpectedReturn', message: 'must be a finite number or null' });
  if (returns) {
    checkSeries(returns, 'returns', null, details);
    if (benchmark) checkSeries(benchmark, 'benchmarkReturns', returns.length, details);
    if (reference) checkSeries(reference, 'referenceReturns', returns.length, details);
  }
  if (details.length) throw new EngineError('BAD_REQUEST', 'invalid risk-metric inputs', details);

  const warnings: Warning[] = [];
  if (!returns) {
    warnings.push({
      code: 'NO_HISTORY',
      message:
        fallback !== null
          ? 'no return history: risk figures are null; expected_annual_return is the supplied fallback'
          : 'no return history: all risk figures are null',
    });
    return {
      metrics: { ...NULL_METRICS, expected_annual_return: fallback, observations: 0, source },
      warnings,
    };
  }

  const T = returns.length;
  if (T < MIN_MOMENT_OBSERVATIONS) {
    warnings.push({
      code: 'INSUFFICIENT_HISTORY',
      message:
        `${T} daily returns: at least ${MIN_MOMENT_OBSERVATIONS} are needed for volatility, ` +
        `Sharpe, Sortino, expected return, drawdown, parametric VaR, tracking error and beta, and ` +
        `${MIN_HISTORICAL_VAR_OBSERVATIONS} for historical VaR/CVaR; these figures are null` +
        (fallback !== null ? ' and expected_annual_return is the supplied fallback' : ''),
    });
    return {
      metrics: { ...NULL_METRICS, expected_annual_return: fallback, observations: T, source },
      warnings,
    };
  }

  const [mu, variance] = meanAndSampleVariance(returns);
  const rawSigma = Math.sqrt(variance);
  // A constant series: what is left of σ is float noise (e.g. 1e-16 on a money-market accrual),
  // and dividing by it would report a Sharpe ratio of 1e14. Report σ = 0 and no ratios.
  const constant = isZeroVolatility(mu, rawSigma);
  const sigma = constant ? 0 : rawSigma;
  const sqrtYear = Math.sqrt(TRADING_DAYS);
  const volatility = sigma * sqrtYear;
  const expected = TRADING_DAYS * mu;
  const excess = expected - riskFreeRate;

  let sharpe: number | null = null;
  let sortino: number | null = null;
  if (constant)
    warnings.push({
      code: 'ZERO_VOLATILITY',
      message:
        `the return series is constant (daily standard deviation ${rawSigma.toExponential(2)}, ` +
        `at most ${ZERO_VOLATILITY_RELATIVE_TEXT} × |mean daily return|): volatility is reported ` +
        'as 0, and the Sharpe and Sortino ratios, which divide by a measure of volatility, are ' +
        'undefined (null)',
    });
  else {
    sharpe = finiteOrNull(excess / volatility);
    const dd = downsideDeviation(returns, riskFreeRate / TRADING_DAYS);
    if (dd > 0) sortino = finiteOrNull(excess / (dd * sqrtYear));
    else
      warnings.push({
        code: 'ZERO_DOWNSIDE_DEVIATION',
        message:
          'no daily return is below the daily risk-free rate: Sortino ratio is undefined (null)',
      });
  }

  const parametric = -(mu + Z_05 * sigma);
  const [S, K] = skewnessAndExcessKurtosis(returns);
  const cornishFisher = -(mu + cornishFisherZ(Z_05, S, K) * sigma);

  let var95: number | null = null;
  let cvar95: number | null = null;
  if (T >= MIN_HISTORICAL_VAR_OBSERVATIONS) {
    const h = historicalVarCvar(returns, 0.05);
    var95 = finiteOrNull(h.var);
    cvar95 = finiteOrNull(h.cvar);
  } else
    warnings.push({
      code: 'INSUFFICIENT_HISTORY',
      message: `${T} daily returns: historical VaR/CVaR need at least ${MIN_HISTORICAL_VAR_OBSERVATIONS}; var_95 and cvar_95 are null`,
    });

  let trackingError: number | null = null;
  if (reference) {
    const diff = new Float64Array(T);
    for (let t = 0; t < T; t++) diff[t] = returns[t]! - reference[t]!;
    const [md, vd] = meanAndSampleVariance(diff);
    const sd = Math.sqrt(vd);
    // A constant active return (the reference plus a fixed spread) tracks perfectly.
    trackingError = finiteOrNull(isZeroVolatility(md, sd) ? 0 : sd * sqrtYear);
  }

  let beta: number | null = null;
  if (benchmark) {
    const [mb, vb] = meanAndSampleVariance(benchmark);
    if (!isZeroVolatility(mb, Math.sqrt(vb)))
      // cov(r, b) = 0 for a constant r (its deviations are taken as 0, as σ is).
      beta = constant ? 0 : finiteOrNull(covarianceOf(returns, benchmark, 1) / vb);
    else
      warnings.push({
        code: 'ZERO_BENCHMARK_VARIANCE',
        message:
          `the benchmark return series is constant (standard deviation at most ` +
          `${ZERO_VOLATILITY_RELATIVE_TEXT} × |mean|): beta is undefined (null)`,
        path: 'benchmarkReturns',
      });
  }

  const metrics: RiskMetrics = {
    volatility: finiteOrNull(volatility),
    sharpe,
    sortino,
    max_drawdown: finiteOrNull(maxDrawdown(returns)),
    var_95: var95,
    cvar_95: cvar95,
    parametric_var_95: finiteOrNull(parametric),
    cornish_fisher_var_95: finiteOrNull(cornishFisher),
    expected_annual_return: finiteOrNull(expected),
    tracking_error: trackingError,
    beta,
    observations: T,
    source,
  };
  for (const [key, value] of Object.entries(metrics))
    if (value === null && !isExpectedNull(key, T, reference, benchmark, warnings))
      warnings.push({
        code: 'NON_FINITE_RESULT',
        message: `${key} overflowed to a non-finite value and is reported as null`,
      });
  return { metrics, warnings };
}

/** True when a null figure is already explained by a rule above (so no second warning). */
function isExpectedNull(
  key: string,
  T: number,
  reference: Float64Array | null,
  benchmark: Float64Array | null,
  warnings: Warning[],
): boolean {
  switch (key) {
    case 'var_95':
    case 'cvar_95':
      return T < MIN_HISTORICAL_VAR_OBSERVATIONS;
    case 'tracking_error':
      return reference === null;
    case 'beta':
      return benchmark === null || warnings.some((w) => w.code === 'ZERO_BENCHMARK_VARIANCE');
    case 'sharpe':
      return warnings.some((w) => w.code === 'ZERO_VOLATILITY');
    case 'sortino':
      return warnings.some(
        (w) => w.code === 'ZERO_DOWNSIDE_DEVIATION' || w.code === 'ZERO_VOLATILITY',
      );
    default:
      return false;
  }
}
