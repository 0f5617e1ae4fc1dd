/**
 * The three return models and their ensemble (see docs/methods.md (forecast)).
 *
 * Conventions: returns are simple daily returns r_t = p_t/p_{t−1} − 1, oldest first; 252 trading
 * periods a year; standard deviations are sample (ddof = 1). Every forecast is an ANNUAL expected
 * simple return (0.08 = +8% a year).
 */
import { EngineError, type ErrorDetail } from '../contract/common';

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
  /** Annualized trailing return over the last L returns. */
  momentum: number;
  /** Long-run mean with a partial reversal of the recent deviation, annualized. */
  mean_reversion: number;
  /** EWMA of daily returns (seeded with r_1), × 252. */
  ewma: number;
  /** Weighted average of the three. */
  ensemble: number;
  /** In [0, 1]: credibility of the sample × agreement of the models. */
  confidence: number;
  /** Number of returns used (T). */
  observations: number;
  /** d: sample standard deviation (ddof = 1) of the three model forecasts, annual. */
  dispersion: number;
  /** σ_a: sample standard deviation of the daily returns × √252. */
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
 * Momentum: the trailing return over the last L = min(lookback, T) returns, annualized:
 *   P = Π_{t=T−L+1}^{T} (1 + r_t),   momentum = P^(252/L) − 1.
 * Units: annual simple return. Example (periodsPerYear 252, lookback 252): 252 returns of 0.001
 * give 1.001^252 − 1 ≈ 0.286434; with 21 returns of 0.01, L = 21 and 1.01^(21·12) − 1 ≈ 11.28.
 */
export function momentumForecast(
  returns: Float64Array,
  lookback: number = FORECAST_DEFAULTS.lookback,
  periodsPerYear: number = FORECAST_DEFAULTS.periodsPerYear,
): number {
  requireNonEmpty(returns, 'momentumForecast');
  const n = returns.length;
  const L = Math.min(lookback, n);
  let p = 1;
  for (let i = n - L; i < n; i++) p *= 1 + (returns[i] as number);
  // The direct product matches the price ratio P_T/P_{T−L}; a log-sum only helps on overflow.
  if (!(p < Infinity)) {
    let s = 0;
    for (let i = n - L; i < n; i++) s += Math.log1p(returns[i] as number);
    return Math.expm1((periodsPerYear / L) * s);
  }
  return Math.pow(p, periodsPerYear / L) - 1;
}

/**
 * Mean reversion: μ_LR = 252 · mean(r_1..r_T), μ_S = 252 · mean of the last S = min(shortWindow, T)
 * returns, forecast = μ_LR − κ (μ_S − μ_LR).
 * Units: annual (arithmetic). Example: long-run mean 0.0004/day (μ_LR = 0.1008), last month
 * 0.002/day (μ_S = 0.504), κ = 0.5 → 0.1008 − 0.5 · 0.4032 = −0.1008.
 */
export function meanReversionForecast(
  returns: Float64Array,
  shortWindow: number = FORECAST_DEFAULTS.shortWindow,
  kappa: number = FORECAST_DEFAULTS.kappa,
  periodsPerYear: number = FORECAST_DEFAULTS.periodsPerYear,
): number {
  requireNonEmpty(returns, 'meanReversionForecast');
  const n = returns.length;
  const S = Math.min(shortWindow, n);
  let all = 0;
  for (let i = 0; i < n - S; i++) all += returns[i] as number;
  let recent = 0;
  for (let i = n - S; i < n; i++) recent += returns[i] as number;
  const muLR = (periodsPerYear * (all + recent)) / n;
  const muS = (periodsPerYear * recent) / S;
  return muLR - kappa * (muS - muLR);
}

/**
 * Exponentially weighted mean of daily returns, seeded with the first observation:
 *   m_1 = r_1,  m_t = λ m_{t−1} + (1 − λ) r_t.
 * Equivalently m_T = λ^{T−1} r_1 + (1 − λ) Σ_{t=2}^{T} λ^{T−t} r_t (weights sum to 1 for every T,
 * so there is no start-up bias toward 0). Units: daily. Example: [0.02, 0.04], λ = 0.94 →
 * 0.94 · 0.02 + 0.06 · 0.04 = 0.0212.
 */
export function ewmaMean(returns: Float64Array, lambda: number = FORECAST_DEFAULTS.lambda): number {
  requireNonEmpty(returns, 'ewmaMean');
  const a = 1 - lambda;
  let m = returns[0] as number;
  for (let i = 1; i < returns.length; i++) m = lambda * m + a * (returns[i] as number);
  return m;
}

/** EWMA forecast: 252 · ewmaMean(returns, λ). Units: annual. Example: [0.02, 0.04] → 5.3424. */
export function ewmaForecast(
  returns: Float64Array,
  lambda: number = FORECAST_DEFAULTS.lambda,
  periodsPerYear: number = FORECAST_DEFAULTS.periodsPerYear,
): number {
  return periodsPerYear * ewmaMean(returns, lambda);
}

/**
 * σ_a = √252 · sqrt(Σ (r_t − r̄)² / (T − 1)) (shifted two-pass, ddof = 1); 0 when T < 2.
 * Example: [0.01, −0.01] → √252 · 0.0141421 ≈ 0.224499.
 */
export function annualizedVolatility(
  returns: Float64Array,
  periodsPerYear: number = FORECAST_DEFAULTS.periodsPerYear,
): number {
  const n = returns.length;
  if (n < 2) return 0;
  // Shifted by r_1 before the two passes: a constant series then gives exactly 0, not ~1e-17.
  const k = returns[0] as number;
  let s = 0;
  for (let i = 0; i < n; i++) s += (returns[i] as number) - k;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const e = (returns[i] as number) - k - mean;
    ss += e * e;
  }
  return Math.sqrt((periodsPerYear * ss) / (n - 1));
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
 * gives 1; σ_a = 0 < d gives 0 (no division by zero). Non-increasing in d, non-decreasing in T.
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
 * The ensemble forecast of one return series (at least minHistory = 20 returns).
 *   momentum, mean_reversion, ewma as above; ensemble = w_m·momentum + w_r·mean_reversion + w_e·ewma
 *   (default weights 1/3 each); confidence = T/(T + 126) · σ_a/(σ_a + d).
 * Throws BAD_REQUEST for fewer than minHistory returns, a return that is not finite and > −1, or
 * a series so extreme that a forecast is not a finite number. Example: 252 returns of 0.001 →
 * momentum 0.286434, mean_reversion 0.252, ewma 0.252 (up to rounding), ensemble 0.263478,
 * d ≈ 0.019881, σ_a = 0, so confidence = 0 (no volatility, yet the models disagree through
 * compounding).
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
  const T = returns.length;
  const momentum = momentumForecast(returns, o.lookback, o.periodsPerYear);
  const meanRev = meanReversionForecast(returns, o.shortWindow, o.kappa, o.periodsPerYear);
  const ewma = ewmaForecast(returns, o.lambda, o.periodsPerYear);
  const [wm, wr, we] = o.weights;
  const ensemble = wm * momentum + wr * meanRev + we * ewma;
  const d = dispersion3(momentum, meanRev, ewma);
  const vol = annualizedVolatility(returns, o.periodsPerYear);
  const confidence = forecastConfidence(T, d, vol, o.confidenceT0);
  if (!(
    Number.isFinite(momentum) &&
    Number.isFinite(meanRev) &&
    Number.isFinite(ewma) &&
    Number.isFinite(ensemble) &&
    Number.isFinite(vol) &&
    Number.isFinite(d)
  ))
    throw new EngineError('BAD_REQUEST', 'returns are too extreme to annualize', [
      { path: 'returns', message: 'a forecast overflows the range of a double' },
    ]);
  return {
    momentum,
    mean_reversion: meanRev,
    ewma,
    ensemble,
    confidence,
    observations: T,
    dispersion: d,
    volatility: vol,
  };
}
