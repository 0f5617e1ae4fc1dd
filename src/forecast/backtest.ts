/**
 * Walk-forward, out-of-sample accuracy of the forecast models (docs/methods.md (forecast) §8).
 */
import { EngineError, type ErrorDetail, type Warning } from '../contract/common';
import {
  checkReturns,
  forecastUnchecked,
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
  ensemble: number;
  confidence: number;
  historical_mean: number;
  realized: number;
}

export const BACKTEST_MODELS = ['momentum', 'mean_reversion', 'ewma', 'ensemble'] as const;
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
    /** 252 × mean of the training returns (the unconditional sample mean). */
    historical_mean: AccuracyStats;
  };
  /** Share of scored windows with a positive realized return: the hit rate of "always up". */
  realized_up_share: number | null;
  points?: BacktestPoint[];
  warnings: Warning[];
}

// Accumulator layout: per series k, [Σ|e|, Σe², Σe, hits] at k*4.
const SERIES = 6; // 4 models, zero, historical_mean
const ZERO = 4;
const HIST = 5;

function accumulate(acc: Float64Array, k: number, forecast: number, realized: number): void {
  const e = forecast - realized;
  const b = k * 4;
  acc[b] = (acc[b] as number) + Math.abs(e);
  acc[b + 1] = (acc[b + 1] as number) + e * e;
  acc[b + 2] = (acc[b + 2] as number) + e;
  if (Math.sign(forecast) === Math.sign(realized)) acc[b + 3] = (acc[b + 3] as number) + 1;
}

/** null instead of a non-finite figure (only reachable with absurd returns, e.g. 11× a day). */
function fin(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function stats(acc: Float64Array, k: number, count: number, withHits: boolean): AccuracyStats {
  if (count === 0) return { mae: null, rmse: null, bias: null, hit_rate: null, count: 0 };
  const b = k * 4;
  return {
    mae: fin((acc[b] as number) / count),
    rmse: fin(Math.sqrt((acc[b + 1] as number) / count)),
    bias: fin((acc[b + 2] as number) / count),
    hit_rate: withHits ? (acc[b + 3] as number) / count : null,
    count,
  };
}

function isInt(x: unknown, min: number): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= min;
}

/**
 * Walk-forward out-of-sample accuracy. For each origin t = minTrain, minTrain + step, … with
 * t + h ≤ T: forecast from returns[0..t) only (no look-ahead), then compare with the realized
 * annualized return over the next h days,
 *   R_t = (Π_{k=t}^{t+h−1} (1 + r_k))^(252/h) − 1,
 * and report for each model MAE = mean|f − R|, RMSE = sqrt(mean (f − R)²), bias = mean(f − R),
 * hit rate = share with sign(f) = sign(R), and the count; baselines: zero and the historical mean.
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
  const acc = new Float64Array(SERIES * 4);
  const points: BacktestPoint[] | undefined = opts.includePoints ? [] : undefined;
  const warnings: Warning[] = [];
  let count = 0;
  let up = 0;
  let skipped = 0;
  for (let t = minTrain; t + h <= T; t += step) {
    let p = 1;
    for (let k = t; k < t + h; k++) p *= 1 + (returns[k] as number);
    const realized = Math.pow(p, ppy / h) - 1;
    const train = returns.subarray(0, t);
    let f: ReturnsForecast;
    try {
      f = forecastUnchecked(train, o);
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      skipped++;
      continue;
    }
    if (!Number.isFinite(realized)) {
      skipped++;
      continue;
    }
    let sum = 0;
    for (let k = 0; k < t; k++) sum += train[k] as number;
    const histMean = (ppy * sum) / t;
    accumulate(acc, 0, f.momentum, realized);
    accumulate(acc, 1, f.mean_reversion, realized);
    accumulate(acc, 2, f.ewma, realized);
    accumulate(acc, 3, f.ensemble, realized);
    accumulate(acc, ZERO, 0, realized);
    accumulate(acc, HIST, histMean, realized);
    if (realized > 0) up++;
    count++;
    points?.push({
      origin: t,
      momentum: f.momentum,
      mean_reversion: f.mean_reversion,
      ewma: f.ewma,
      ensemble: f.ensemble,
      confidence: f.confidence,
      historical_mean: histMean,
      realized,
    });
  }
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
      momentum: stats(acc, 0, count, true),
      mean_reversion: stats(acc, 1, count, true),
      ewma: stats(acc, 2, count, true),
      ensemble: stats(acc, 3, count, true),
    },
    baselines: {
      zero: stats(acc, ZERO, count, false),
      historical_mean: stats(acc, HIST, count, true),
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
