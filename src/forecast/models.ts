/**
 * The three return models, the historical-mean anchor and the shrunk ensemble (see
 * docs/methods.md (forecast)).
 *
 * Conventions: inputs are simple daily returns r_t = p_t/p_{t−1} − 1, oldest first; 252 trading
 * periods a year; standard deviations are sample (ddof = 1). Every model works on the daily LOG
 * returns l_t = log(1 + r_t) and reports an ANNUAL expected simple return exp(252 · μ_log) − 1
 * (0.08 = +8% a year). Why logs: 252 × an arithmetic mean of simple returns is not a return that
 * can happen (BAC's EWMA in autumn 2008 gave −408.94%, a long position cannot lose more than
 * 100%); exp(x) − 1 > −1 for every x, so every forecast here is ≥ −1 by construction.
 */
import { EngineError, type ErrorDetail } from '../contract/common';
import { meanOf, meanVariance } from '../domain/sums';

/** Default parameters of the forecast ensemble. Frozen: copy and override through options. */
export const FORECAST_DEFAULTS = Object.freeze({
  /** Trading periods a year used to annualize (convention: 252 trading days). */
  periodsPerYear: 252,
  /** Momentum lookback L in returns (one trading year); the series' length when shorter. */
  lookback: 252,
  /** Short window S of the mean-reversion model in returns (one trading month). */
  shortWindow: 21,
  /**
   * Reversal strength κ: the forecast moves the long-run mean away from the recent mean by κ times
   * their gap. 0.5 = half of a recent excess is expected to reverse (a partial reversal).
   */
  kappa: 0.5,
  /** EWMA decay λ (RiskMetrics 1996 daily value: an effective memory of 1/(1 − λ) ≈ 17 days). */
  lambda: 0.94,
  /** Ensemble weights of [momentum, mean_reversion, ewma]; normalized to sum 1. */
  weights: Object.freeze([1 / 3, 1 / 3, 1 / 3]) as readonly number[],
  /** T0 of the credibility factor T/(T + T0): at T = T0 (half a year) the sample counts half. */
  confidenceT0: 126,
  /** Fewest returns a model forecast is computed from; shorter series fall back to market_return. */
  minHistory: 20,
});

export interface ForecastOptions {
  periodsPerYear?: number;
  lookback?: number;
  shortWindow?: number;
  kappa?: number;
  lambda?: number;
  /** [momentum, mean_reversion, ewma], each ≥ 0, sum > 0. */
  weights?: ArrayLike<number>;
  confidenceT0?: number;
  minHistory?: number;
}

/** Fully resolved options (defaults applied, weights normalized to sum 1). */
export interface ResolvedForecastOptions {
  periodsPerYear: number;
  lookback: number;
  shortWindow: number;
  kappa: number;
  lambda: number;
  weights: readonly [number, number, number];
  confidenceT0: number;
  minHistory: number;
}

export interface ReturnsForecast {
  /** exp(252 · mean of the last L log returns) − 1: the trailing return, annualized. ≥ −1. */
  momentum: number;
  /** exp(252 · (μ_LR − κ(μ_S − μ_LR))) − 1 on daily log means: a partial reversal. ≥ −1. */
  mean_reversion: number;
  /** exp(252 · EWMA of the daily log returns, seeded with l_1) − 1. ≥ −1. */
  ewma: number;
  /** exp(252 · mean of all daily log returns) − 1: the anchor of the shrinkage. ≥ −1. */
  historical_mean: number;
  /** w_m·momentum + w_r·mean_reversion + w_e·ewma (weights sum to 1). ≥ −1. */
  ensemble_unshrunk: number;
  /** confidence · ensemble_unshrunk + (1 − confidence) · historical_mean. ≥ −1. */
  ensemble: number;
  /** In [0, 1]: credibility of the sample × agreement of the models. */
  confidence: number;
  /** Number of returns used (T). */
  observations: number;
  /** d: sample standard deviation (ddof = 1) of the three model forecasts, annual simple. */
  dispersion: number;
  /** σ_a: sample standard deviation of the daily simple returns × √252. */
  volatility: number;
}

function isInt(x: unknown, min: number): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= min;
}

/** Applies defaults and checks every option; throws BAD_REQUEST naming each bad field. */
export function resolveForecastOptions(
  opts: ForecastOptions = {},
  path = 'opts',
): ResolvedForecastOptions {
  const d = FORECAST_DEFAULTS;
  const details: ErrorDetail[] = [];
  const ppy = opts.periodsPerYear ?? d.periodsPerYear;
  const lookback = opts.lookback ?? d.lookback;
  const shortWindow = opts.shortWindow ?? d.shortWindow;
  const kappa = opts.kappa ?? d.kappa;
  const lambda = opts.lambda ?? d.lambda;
  const t0 = opts.confidenceT0 ?? d.confidenceT0;
  const minHistory = opts.minHistory ?? d.minHistory;
  if (!(Number.isFinite(ppy) && ppy > 0))
    details.push({ path: `${path}.periodsPerYear`, message: 'must be a finite number > 0' });
  if (!isInt(lookback, 1))
    details.push({ path: `${path}.lookback`, message: 'must be an integer >= 1' });
  if (!isInt(shortWindow, 1))
    details.push({ path: `${path}.shortWindow`, message: 'must be an integer >= 1' });
  if (!Number.isFinite(kappa))
    details.push({ path: `${path}.kappa`, message: 'must be a finite number' });
  if (!(Number.isFinite(lambda) && lambda >= 0 && lambda < 1))
    details.push({ path: `${path}.lambda`, message: 'must be in [0, 1)' });
  if (!(Number.isFinite(t0) && t0 >= 0))
    details.push({ path: `${path}.confidenceT0`, message: 'must be a finite number >= 0' });
  if (!isInt(minHistory, 2))
    details.push({ path: `${path}.minHistory`, message: 'must be an integer >= 2' });
  const w = opts.weights ?? d.weights;
  let wSum = 0;
  if (w.length !== 3) {
    details.push({ path: `${path}.weights`, message: 'must have 3 entries' });
  } else {
    let wBad = false;
    for (let k = 0; k < 3; k++) {
      const wk = w[k] as number;
      if (!(Number.isFinite(wk) && wk >= 0)) {
        details.push({ path: `${path}.weights.${k}`, message: 'must be a finite number >= 0' });
        wBad = true;
      } else wSum += wk;
    }
    if (!wBad && !(wSum > 0))
      details.push({ path: `${path}.weights`, message: 'must not all be 0' });
  }
  if (details.length) throw new EngineError('BAD_REQUEST', 'invalid forecast options', details);
  return {
    periodsPerYear: ppy,
    lookback,
    shortWindow,
    kappa,
    lambda,
    weights: [(w[0] as number) / wSum, (w[1] as number) / wSum, (w[2] as number) / wSum],
    confidenceT0: t0,
    minHistory,
  };
}

/** At most this many bad entries are listed in an error (the message gives the total). */
const MAX_DETAILS = 20;

/**
 * Checks that every return is finite and > −1 (a price cannot reach zero or go below it).
 * Returns the problems, at most MAX_DETAILS of them, each with path `${path}.${index}`.
 */
export function checkReturns(returns: Float64Array, path: string): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number;
    if (!(r > -1 && r < Infinity)) {
      if (out.length < MAX_DETAILS)
        out.push({
          path: `${path}.${i}`,
          message: `return ${String(r)} is not a finite number > -1`,
        });
      else break;
    }
  }
  return out;
}

function requireNonEmpty(returns: Float64Array, fn: string): void {
  if (!(returns instanceof Float64Array) || returns.length === 0)
    throw new EngineError('BAD_REQUEST', `${fn}: returns must be a non-empty Float64Array`, [
      { path: 'returns', message: 'must be a non-empty Float64Array' },
    ]);
}

/**
 * Daily log returns l_t = log(1 + r_t), by Math.log1p (exact for small r, where 1 + r would
 * round away the low bits). Finite for every valid return: r = −1 + 2^−53 gives ≈ −36.7,
 * r = 1e300 gives ≈ 690.8. Units: daily, continuously compounded.
 * Example: [0.01, −0.01] → [0.00995033, −0.01005034] (a +1% day and a −1% day do not cancel).
 */
export function logReturns(returns: Float64Array): Float64Array {
  const out = new Float64Array(returns.length);
  for (let i = 0; i < returns.length; i++) out[i] = Math.log1p(returns[i] as number);
  return out;
}

/**
 * A daily log mean μ as an annual simple return: exp(A · μ) − 1, evaluated as expm1 so that a
 * small μ keeps its digits. Always ≥ −1 (expm1(−∞) = −1); +Infinity when A · μ > 709.78 (the
 * caller turns a non-finite forecast into FORECAST_NOT_FINITE).
 * Example: μ = log(1.001), A = 252 → 1.001^252 − 1 = 0.286434.
 */
function annualize(mu: number, periodsPerYear: number): number {
  return Math.expm1(periodsPerYear * mu);
}

function momentumFromLogs(logs: Float64Array, lookback: number, periodsPerYear: number): number {
  const n = logs.length;
  // (A/L) · Σ_{last L} l_t written as A · mean: the mean of a constant series is exact, so a
  // constant series gives the same number here as in every other model (dispersion exactly 0).
  return annualize(meanOf(logs, n - Math.min(lookback, n), n), periodsPerYear);
}

function meanReversionFromLogs(
  logs: Float64Array,
  shortWindow: number,
  kappa: number,
  periodsPerYear: number,
): number {
  const n = logs.length;
  const muLR = meanOf(logs);
  const muS = meanOf(logs, n - Math.min(shortWindow, n), n);
  return annualize(muLR - kappa * (muS - muLR), periodsPerYear);
}

/**
 * Momentum: the trailing return over the last L = min(lookback, T) returns, annualized from the
 * daily log returns:
 *   momentum = exp((252/L) · Σ_{t=T−L+1}^{T} l_t) − 1 = P^(252/L) − 1,  P = Π (1 + r_t) = p_T/p_{T−L}.
 * The sum of logs cannot overflow (each l_t ≤ 709.8), unlike the product P (e.g. 40 days of
 * 1e9 %); only the final exp can, and then the caller falls back (FORECAST_NOT_FINITE).
 * Units: annual simple return, ≥ −1. Example (periodsPerYear 252, lookback 252): 252 returns of
 * 0.001 give 1.001^252 − 1 ≈ 0.286434; with 21 returns of 0.01, L = 21 and
 * 1.01^(21·12) − 1 ≈ 11.274.
 */
export function momentumForecast(
  returns: Float64Array,
  lookback: number = FORECAST_DEFAULTS.lookback,
  periodsPerYear: number = FORECAST_DEFAULTS.periodsPerYear,
): number {
  requireNonEmpty(returns, 'momentumForecast');
  const n = returns.length;
  return momentumFromLogs(
    logReturns(returns.subarray(n - Math.min(lookback, n))),
    lookback,
    periodsPerYear,
  );
}

/**
 * Mean reversion on daily log returns: μ_LR = mean(l_1..l_T), μ_S = mean of the last
 * S = min(shortWindow, T) log returns, f = μ_LR − κ (μ_S − μ_LR) (daily log), and
 *   mean_reversion = exp(252 · f) − 1.
 * Units: annual simple return, ≥ −1 whatever κ. Example: 21 returns of 0 then 21 of 1%, κ = 0.5:
 * μ_LR = log(1.01)/2, μ_S = log(1.01), f = log(1.01)/4 → 1.01^63 − 1 ≈ 0.871744
 * (κ = 0 gives the historical mean 1.01^126 − 1 ≈ 2.503427; κ = 1 gives 1.01^0 − 1 = 0).
 */
export function meanReversionForecast(
  returns: Float64Array,
  shortWindow: number = FORECAST_DEFAULTS.shortWindow,
  kappa: number = FORECAST_DEFAULTS.kappa,
  periodsPerYear: number = FORECAST_DEFAULTS.periodsPerYear,
): number {
  requireNonEmpty(returns, 'meanReversionForecast');
  return meanReversionFromLogs(logReturns(returns), shortWindow, kappa, periodsPerYear);
}

/**
 * Exponentially weighted mean of a daily series x (the forecast applies it to log returns),
 * seeded with the first observation:
 *   m_1 = x_1,  m_t = λ m_{t−1} + (1 − λ) x_t.
 * Equivalently m_T = λ^{T−1} x_1 + (1 − λ) Σ_{t=2}^{T} λ^{T−t} x_t (weights sum to 1 for every T,
 * so there is no start-up bias toward 0). Evaluated as m + (1 − λ)(x_t − m), the same recursion
 * rearranged, so that a constant series stays exactly constant (λm + (1 − λ)m can drift by an
 * ulp, which would make the models of a constant series "disagree"). Units: those of x.
 * Example: [0.02, 0.04], λ = 0.94 → 0.94 · 0.02 + 0.06 · 0.04 = 0.0212.
 */
export function ewmaMean(returns: Float64Array, lambda: number = FORECAST_DEFAULTS.lambda): number {
  requireNonEmpty(returns, 'ewmaMean');
  const a = 1 - lambda;
  let m = returns[0] as number;
  for (let i = 1; i < returns.length; i++) m += a * ((returns[i] as number) - m);
  return m;
}

/**
 * EWMA forecast: exp(252 · ewmaMean(l, λ)) − 1 with l_t = log(1 + r_t). Units: annual simple
 * return, ≥ −1. Example: [0.01, −0.01], λ = 0.94: l = (0.00995033, −0.01005034),
 * m = 0.94 · 0.00995033 + 0.06 · (−0.01005034) = 0.00875029 → exp(2.205073) − 1 ≈ 8.070916.
 */
export function ewmaForecast(
  returns: Float64Array,
  lambda: number = FORECAST_DEFAULTS.lambda,
  periodsPerYear: number = FORECAST_DEFAULTS.periodsPerYear,
): number {
  requireNonEmpty(returns, 'ewmaForecast');
  return annualize(ewmaMean(logReturns(returns), lambda), periodsPerYear);
}

/**
 * Historical mean: exp(252 · mean(l_1..l_T)) − 1, the geometric (compound) annual growth of the
 * whole series, (p_T/p_0)^(252/T) − 1. The ensemble is shrunk toward it (forecastFromReturns).
 * Units: annual simple return, ≥ −1. Example: [0.01, −0.01] → mean log −0.0000500025 →
 * 0.9999^126 − 1 ≈ −0.012522 (the arithmetic 252 · mean r would say 0: it ignores the
 * volatility drag).
 */
export function historicalMeanForecast(
  returns: Float64Array,
  periodsPerYear: number = FORECAST_DEFAULTS.periodsPerYear,
): number {
  requireNonEmpty(returns, 'historicalMeanForecast');
  return annualize(meanOf(logReturns(returns)), periodsPerYear);
}

/**
 * σ_a = √252 · sqrt(Σ (r_t − r̄)² / (T − 1)) of the daily SIMPLE returns (ddof = 1, corrected
 * two-pass on the series shifted by r_1, `meanVariance`); 0 when T < 2. A constant series gives
 * exactly 0. Example: [0.01, −0.01] → √252 · 0.0141421 ≈ 0.224499.
 */
export function annualizedVolatility(
  returns: Float64Array,
  periodsPerYear: number = FORECAST_DEFAULTS.periodsPerYear,
): number {
  if (returns.length < 2) return 0;
  return Math.sqrt(periodsPerYear * meanVariance(returns, 1).variance);
}

/**
 * Sample standard deviation (ddof = 1) of three numbers, scaled so huge inputs do not overflow.
 * Example: (0.1, 0.2, 0.3) → 0.1.
 */
export function dispersion3(a: number, b: number, c: number): number {
  const m = a / 3 + b / 3 + c / 3;
  const da = a - m;
  const db = b - m;
  const dc = c - m;
  const s = Math.max(Math.abs(da), Math.abs(db), Math.abs(dc));
  if (!(s > 0)) return 0;
  const xa = da / s;
  const xb = db / s;
  const xc = dc / s;
  return s * Math.sqrt((xa * xa + xb * xb + xc * xc) / 2);
}

/**
 * Confidence in [0, 1]:
 *   confidence = T / (T + T0) × σ_a / (σ_a + d)
 * The first factor is a credibility weight (Bühlmann's n/(n + k)): with T0 = 126 half a year of
 * data counts one half, two years 0.8. The second is 1/(1 + d/σ_a): the models' disagreement d
 * measured in units of the asset's own annual volatility, so it is scale-free; it is 1 when the
 * models agree, 1/2 when they disagree by one annual σ. σ_a = d = 0 (nothing to disagree about)
 * gives 1; σ_a = 0 < d gives 0 (no division by zero; forecastFromReturns cannot produce it, since
 * a constant series makes the three log-return models agree exactly). Non-increasing in d,
 * non-decreasing in T.
 * Example: T = 252, d = 0.05, σ_a = 0.20 → (252/378) · (0.2/0.25) = 0.5333.
 */
export function forecastConfidence(
  observations: number,
  dispersion: number,
  volatility: number,
  t0: number = FORECAST_DEFAULTS.confidenceT0,
): number {
  if (!(observations > 0)) return 0;
  const credibility = t0 > 0 ? observations / (observations + t0) : 1;
  const denom = volatility + dispersion;
  const agreement = denom > 0 ? volatility / denom : 1;
  const c = credibility * agreement;
  // Clamp guards against rounding only (both factors are in [0, 1] by construction).
  return c > 1 ? 1 : c > 0 ? c : 0;
}

/**
 * The shrunk ensemble: c · u + (1 − c) · h for c ∈ [0, 1], a convex combination, so it lies
 * between h and u and is ≥ −1 when both are. The clamp only removes rounding (c·u + (1 − c)·h can
 * land one ulp outside [min(u, h), max(u, h)], e.g. below −1 when u = h = −1).
 * Example: c = 0.25, u = 0.40, h = 0.08 → 0.25 · 0.40 + 0.75 · 0.08 = 0.16.
 */
function shrink(unshrunk: number, anchor: number, confidence: number): number {
  const e = confidence * unshrunk + (1 - confidence) * anchor;
  const lo = Math.min(unshrunk, anchor);
  const hi = Math.max(unshrunk, anchor);
  return e < lo ? lo : e > hi ? hi : e;
}

/**
 * The ensemble forecast of one return series (at least minHistory = 20 returns). With
 * l_t = log(1 + r_t):
 *   momentum, mean_reversion, ewma, historical_mean = exp(252 · daily log mean) − 1 as above;
 *   ensemble_unshrunk = w_m·momentum + w_r·mean_reversion + w_e·ewma (default weights 1/3 each);
 *   confidence = T/(T + 126) · σ_a/(σ_a + d), d = sample std of the three models;
 *   ensemble = confidence · ensemble_unshrunk + (1 − confidence) · historical_mean.
 * Why the historical mean is the anchor: in the project's walk-forward study
 * (bench/forecast_accuracy.ts, docs/methods.md (forecast) §8) the historical mean was a better
 * directional predictor than the model ensemble (hit rate 0.573 against 0.569 for the unshrunk
 * ensemble; 0.574 against 0.557 with the earlier arithmetic models), so the models are trusted
 * only as far as the confidence allows and otherwise the forecast falls back on the asset's
 * long-run compound growth.
 * Every field is ≥ −1 (−100%): each model is exp(·) − 1, and the two ensembles are weighted
 * averages of numbers ≥ −1 (clamped into the range of their inputs against rounding).
 * Throws BAD_REQUEST for fewer than minHistory returns, a return that is not finite and > −1, or
 * a series so extreme that a forecast overflows a double (exp of more than 709.78).
 * Example: 252 returns of 0.001 → every model and the historical mean are 1.001^252 − 1 =
 * 0.286434 exactly alike, so d = 0, σ_a = 0, confidence = 252/378 = 2/3 and ensemble = 0.286434.
 */
export function forecastFromReturns(
  returns: Float64Array,
  opts?: ForecastOptions,
): ReturnsForecast {
  const o = resolveForecastOptions(opts);
  if (!(returns instanceof Float64Array))
    throw new EngineError('BAD_REQUEST', 'returns must be a Float64Array', [
      { path: 'returns', message: 'must be a Float64Array' },
    ]);
  const T = returns.length;
  if (T < o.minHistory)
    throw new EngineError('BAD_REQUEST', `at least ${o.minHistory} returns are needed`, [
      { path: 'returns', message: `has ${T} returns; at least ${o.minHistory} are needed` },
    ]);
  const bad = checkReturns(returns, 'returns');
  if (bad.length) throw new EngineError('BAD_REQUEST', 'invalid returns', bad);
  return forecastUnchecked(returns, o);
}

/** forecastFromReturns without validation: for callers that have validated (e.g. the backtest). */
export function forecastUnchecked(
  returns: Float64Array,
  o: ResolvedForecastOptions,
): ReturnsForecast {
  return forecastFromLogs(returns, logReturns(returns), o);
}

/**
 * forecastUnchecked with the log returns already computed: `logs[i]` must be
 * Math.log1p(returns[i]) and both arrays the same length. The backtest computes the logs of the
 * whole series once and passes prefixes (subarrays), which changes nothing in the result.
 */
export function forecastFromLogs(
  returns: Float64Array,
  logs: Float64Array,
  o: ResolvedForecastOptions,
): ReturnsForecast {
  const T = returns.length;
  const ppy = o.periodsPerYear;
  const momentum = momentumFromLogs(logs, o.lookback, ppy);
  const meanRev = meanReversionFromLogs(logs, o.shortWindow, o.kappa, ppy);
  const ewma = annualize(ewmaMean(logs, o.lambda), ppy);
  const hist = annualize(meanOf(logs), ppy);
  const [wm, wr, we] = o.weights;
  // A weighted average of the three (weights ≥ 0, Σ = 1) lies in [min, max] of them; the clamp
  // only removes rounding, so the ≥ −1 guarantee holds bit for bit.
  const lo = Math.min(momentum, meanRev, ewma);
  const hi = Math.max(momentum, meanRev, ewma);
  const raw = wm * momentum + wr * meanRev + we * ewma;
  const unshrunk = raw < lo ? lo : raw > hi ? hi : raw;
  const d = dispersion3(momentum, meanRev, ewma);
  const vol = annualizedVolatility(returns, ppy);
  if (!(
    Number.isFinite(momentum) &&
    Number.isFinite(meanRev) &&
    Number.isFinite(ewma) &&
    Number.isFinite(hist) &&
    Number.isFinite(unshrunk) &&
    Number.isFinite(vol) &&
    Number.isFinite(d)
  ))
    throw new EngineError('BAD_REQUEST', 'returns are too extreme to annualize', [
      { path: 'returns', message: 'a forecast overflows the range of a double' },
    ]);
  const confidence = forecastConfidence(T, d, vol, o.confidenceT0);
  return {
    momentum,
    mean_reversion: meanRev,
    ewma,
    historical_mean: hist,
    ensemble_unshrunk: unshrunk,
    ensemble: shrink(unshrunk, hist, confidence),
    confidence,
    observations: T,
    dispersion: d,
    volatility: vol,
  };
}
