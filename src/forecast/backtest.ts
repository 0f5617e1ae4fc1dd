/**
 * Walk-forward, out-of-sample accuracy of the forecast models (docs/methods.md (forecast) §8).
 */
import { EngineError, type ErrorDetail, type Warning } from '../contract/common';
import { neumaierSum } from '../domain/sums';
import {
  checkReturns,
  forecastFromLogs,
  logReturns,
  resolveForecastOptions,
  type ForecastOptions,
  type ReturnsForecast,
} from './models';

export interface BacktestOptions {
  /** h: days ahead the forecast is scored on (default 21, one month). */
  horizon?: number;
  /** Days between forecast origins (default 21: non-overlapping scoring windows). */
  step?: number;
  /** First origin: the returns a first forecast is trained on (default 252, one year). */
  minTrain?: number;
  /** Return every origin's forecasts and realized return (default false). */
  includePoints?: boolean;
  /** Model parameters (defaults: FORECAST_DEFAULTS). */
  forecast?: ForecastOptions;
}

export interface AccuracyStats {
  /** Mean absolute error of the annual forecast against the realized annualized return. */
  mae: number | null;
  /** Root mean squared error. */
  rmse: number | null;
  /** Mean of forecast − realized (negative: the model under-predicts). */
  bias: number | null;
  /** Share of origins where sign(forecast) = sign(realized); null for the zero baseline. */
  hit_rate: number | null;
  count: number;
}

export interface BacktestPoint {
  /** t: the forecast uses returns[0..t), the realized return is returns[t..t+h). */
  origin: number;
  momentum: number;
  mean_reversion: number;
  ewma: number;
  ensemble_unshrunk: number;
  ensemble: number;
  confidence: number;
  /** exp(252 · mean of the training log returns) − 1 (the ensemble's anchor). */
  historical_mean: number;
  realized: number;
}

/** The scored forecasts (the shrunk `ensemble` is the one the product uses). */
export const BACKTEST_MODELS = [
  'momentum',
  'mean_reversion',
  'ewma',
  'ensemble_unshrunk',
  'ensemble',
] as const;
export type BacktestModel = (typeof BACKTEST_MODELS)[number];

export interface BacktestResult {
  horizon: number;
  step: number;
  min_train: number;
  observations: number;
  /** Origins scored. */
  origins: number;
  models: Record<BacktestModel, AccuracyStats>;
  baselines: {
    /** Forecast 0 every time (no hit rate: a zero forecast has no direction). */
    zero: AccuracyStats;
    /** exp(252 · mean of the training log returns) − 1 (the unconditional compound growth). */
    historical_mean: AccuracyStats;
  };
  /** Share of scored windows with a positive realized return: the hit rate of "always up". */
  realized_up_share: number | null;
  points?: BacktestPoint[];
  warnings: Warning[];
}

/** null instead of a non-finite figure (only reachable with absurd returns, e.g. 11× a day). */
function fin(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * Error statistics of one forecast series against the realized returns (same length n ≥ 0):
 * MAE = mean|f − R|, RMSE = √mean (f − R)², bias = mean (f − R), hit rate = share with
 * sign(f) = sign(R) (0 has no sign: a miss against a non-zero R). Sums are compensated
 * (neumaierSum), so the rounding error does not grow with the number of origins.
 */
function stats(forecasts: number[], realized: number[], withHits: boolean): AccuracyStats {
  const n = forecasts.length;
  if (n === 0) return { mae: null, rmse: null, bias: null, hit_rate: null, count: 0 };
  const abs = new Float64Array(n);
  const sq = new Float64Array(n);
  const err = new Float64Array(n);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const f = forecasts[i] as number;
    const r = realized[i] as number;
    const e = f - r;
    abs[i] = Math.abs(e);
    sq[i] = e * e;
    err[i] = e;
    if (Math.sign(f) === Math.sign(r)) hits++;
  }
  return {
    mae: fin(neumaierSum(abs) / n),
    rmse: fin(Math.sqrt(neumaierSum(sq) / n)),
    bias: fin(neumaierSum(err) / n),
    hit_rate: withHits ? hits / n : null,
    count: n,
  };
}

function isInt(x: unknown, min: number): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= min;
}

/**
 * Walk-forward out-of-sample accuracy. For each origin t = minTrain, minTrain + step, … with
 * t + h ≤ T: forecast from returns[0..t) only (no look-ahead), then compare with the realized
 * annualized return over the next h days,
 *   R_t = exp((252/h) · Σ_{k=t}^{t+h−1} log(1 + r_k)) − 1 = (Π (1 + r_k))^(252/h) − 1,
 * and report for each model (momentum, mean_reversion, ewma, ensemble_unshrunk, ensemble)
 * MAE = mean|f − R|, RMSE = sqrt(mean (f − R)²), bias = mean(f − R), hit rate = share with
 * sign(f) = sign(R), and the count; baselines: zero and the historical mean
 * exp(252 · mean of the training log returns) − 1 (the ensemble's shrinkage anchor).
 * Origins whose forecast or realized return is not finite are skipped with a warning.
 * Example: T = 300, h = 21, step = 21, minTrain = 252 → origins 252 and 273 (294 + 21 > 300).
 */
export function backtestAccuracy(
  returns: Float64Array,
  opts: BacktestOptions = {},
): BacktestResult {
  const o = resolveForecastOptions(opts.forecast, 'opts.forecast');
  const h = opts.horizon ?? 21;
  const step = opts.step ?? 21;
  const minTrain = opts.minTrain ?? 252;
  const details: ErrorDetail[] = [];
  if (!isInt(h, 1)) details.push({ path: 'opts.horizon', message: 'must be an integer >= 1' });
  if (!isInt(step, 1)) details.push({ path: 'opts.step', message: 'must be an integer >= 1' });
  if (!isInt(minTrain, o.minHistory))
    details.push({
      path: 'opts.minTrain',
      message: `must be an integer >= minHistory (${o.minHistory})`,
    });
  if (!(returns instanceof Float64Array))
    details.push({ path: 'returns', message: 'must be a Float64Array' });
  else for (const d of checkReturns(returns, 'returns')) details.push(d);
  if (details.length) throw new EngineError('BAD_REQUEST', 'invalid backtest input', details);

  const T = returns.length;
  const ppy = o.periodsPerYear;
  // log(1 + r) of the whole series once; the forecast at t reads only the prefix [0, t), which
  // is exactly what forecastUnchecked(returns[0..t)) would compute, so there is no look-ahead.
  const logs = logReturns(returns);
  const series: Record<BacktestModel | 'zero' | 'historical_mean', number[]> = {
    momentum: [],
    mean_reversion: [],
    ewma: [],
    ensemble_unshrunk: [],
    ensemble: [],
    zero: [],
    historical_mean: [],
  };
  const realizedAll: number[] = [];
  const points: BacktestPoint[] | undefined = opts.includePoints ? [] : undefined;
  const warnings: Warning[] = [];
  let up = 0;
  let skipped = 0;
  for (let t = minTrain; t + h <= T; t += step) {
    const realized = Math.expm1((ppy / h) * neumaierSum(logs, t, t + h));
    let f: ReturnsForecast;
    try {
      f = forecastFromLogs(returns.subarray(0, t), logs.subarray(0, t), o);
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      skipped++;
      continue;
    }
    if (!Number.isFinite(realized)) {
      skipped++;
      continue;
    }
    for (const k of BACKTEST_MODELS) series[k].push(f[k]);
    series.zero.push(0);
    series.historical_mean.push(f.historical_mean);
    realizedAll.push(realized);
    if (realized > 0) up++;
    points?.push({
      origin: t,
      momentum: f.momentum,
      mean_reversion: f.mean_reversion,
      ewma: f.ewma,
      ensemble_unshrunk: f.ensemble_unshrunk,
      ensemble: f.ensemble,
      confidence: f.confidence,
      historical_mean: f.historical_mean,
      realized,
    });
  }
  const count = realizedAll.length;
  if (skipped > 0)
    warnings.push({
      code: 'BACKTEST_ORIGINS_SKIPPED',
      path: 'returns',
      message: `${skipped} origins skipped: a forecast or realized return was not a finite number`,
    });
  if (count === 0 && skipped === 0)
    warnings.push({
      code: 'INSUFFICIENT_HISTORY',
      path: 'returns',
      message: `${T} returns; a backtest needs at least minTrain + horizon = ${minTrain + h}`,
    });
  const result: BacktestResult = {
    horizon: h,
    step,
    min_train: minTrain,
    observations: T,
    origins: count,
    models: {
      momentum: stats(series.momentum, realizedAll, true),
      mean_reversion: stats(series.mean_reversion, realizedAll, true),
      ewma: stats(series.ewma, realizedAll, true),
      ensemble_unshrunk: stats(series.ensemble_unshrunk, realizedAll, true),
      ensemble: stats(series.ensemble, realizedAll, true),
    },
    baselines: {
      zero: stats(series.zero, realizedAll, false),
      historical_mean: stats(series.historical_mean, realizedAll, true),
    },
    realized_up_share: count > 0 ? up / count : null,
    warnings,
  };
  for (const st of [...Object.values(result.models), result.baselines.historical_mean])
    if (count > 0 && (st.mae === null || st.rmse === null || st.bias === null)) {
      warnings.push({
        code: 'BACKTEST_NOT_FINITE',
        path: 'returns',
        message: 'some error statistics overflow a double and are reported as null',
      });
      break;
    }
  if (points) result.points = points;
  return result;
}
