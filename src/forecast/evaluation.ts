/**
 * Measured walk-forward accuracy of the forecast models across a universe of series: pooled hit
 * rate and MAE, the cross-sectional rank IC with its t-statistic, and the difference from the
 * historical-mean baseline (docs/_fragments/forecast-accuracy.md). The shipped figures
 * (resources/forecast_accuracy.json) are generated from this code by
 * scripts/build-forecast-accuracy.ts and a test checks they have not drifted from it.
 *
 * Pure: no Node built-ins. Reading the CSV file is the caller's job; `returnsFromPriceCsv` only
 * parses its text.
 */
import { EngineError, type ErrorDetail } from '../contract/common';
import { meanVariance, neumaierSum } from '../domain/sums';
import { BACKTEST_MODELS, backtestAccuracy, type BacktestResult } from './backtest';

/** Walk-forward protocol (the `backtestAccuracy` options of the same names). */
export interface EvaluationProtocol {
  /** h: days ahead the forecast is scored on. */
  horizon: number;
  /** Days between forecast origins (= h: non-overlapping scoring windows). */
  step: number;
  /** Returns the first forecast is trained on (expanding window afterwards). */
  minTrain: number;
}

/** One month ahead, non-overlapping monthly origins, one year of training before the first. */
export const DEFAULT_EVALUATION_PROTOCOL: Readonly<EvaluationProtocol> = Object.freeze({
  horizon: 21,
  step: 21,
  minTrain: 252,
});

/** The scored forecasts plus the baseline every one is compared with. */
export const EVALUATED_MODELS = [...BACKTEST_MODELS, 'historical_mean'] as const;
export type EvaluatedModel = (typeof EVALUATED_MODELS)[number];
/** The baseline: exp(252 · mean of the training log returns) − 1 (the ensemble's anchor). */
export const BASELINE_MODEL = 'historical_mean' satisfies EvaluatedModel;

/** Fewest series a cross-section needs for its rank IC to count. */
export const MIN_CROSS_SECTION = 3;

export interface EvaluationSeries {
  name: string;
  /** Simple daily returns, oldest first, on the date axis shared by every series. */
  returns: Float64Array;
}

export interface UniverseInfo {
  /** Where the returns come from (file and credit). */
  source: string;
  /** First and last date of the data ('' when the caller did not say). */
  first_date: string;
  last_date: string;
}

export interface ModelEvaluation {
  model: EvaluatedModel;
  /** Share of forecasts with sign(f) = sign(R), pooled over every series and origin. */
  hit_rate: number | null;
  /** mean |f − R| pooled over every series and origin (annualized returns). */
  mae: number | null;
  /** Mean over origins of the cross-sectional Spearman correlation of forecasts and realized. */
  rank_ic: number | null;
  /** mean / (sd / √n) of the per-origin rank ICs (sd with ddof 1); null when n < 2 or sd = 0. */
  rank_ic_t: number | null;
  /** Origins whose rank IC counted (≥ MIN_CROSS_SECTION series, non-zero rank variance). */
  origins: number;
  /** Forecasts scored (series × origins, pooled). */
  points: number;
  /** This model minus the baseline; null for the baseline itself. */
  vs_baseline: { hit_rate: number | null; rank_ic: number | null } | null;
}

export interface ForecastEvaluation {
  protocol: { horizon: number; step: number; min_train: number };
  universe: {
    source: string;
    series: number;
    first_date: string;
    last_date: string;
  };
  /** Share of scored windows whose realized return was positive: the hit rate of "always up". */
  realized_up_share: number | null;
  models: ModelEvaluation[];
  generated_by: 'scripts/build-forecast-accuracy.ts';
}

/** One origin's cross-section: a model's forecasts and the realized returns, one per series. */
export interface CrossSection {
  origin: number;
  forecast: number[];
  realized: number[];
}

export interface RankIcSummary {
  /** Mean of the per-origin rank ICs (null when no origin counted). */
  rank_ic: number | null;
  rank_ic_t: number | null;
  /** Share of the counted origins with a positive rank IC. */
  positive_share: number | null;
  origins: number;
  /** The per-origin rank ICs that counted, origin order. */
  ics: number[];
}

/**
 * Ranks 1..n in ascending order of x; tied values all get the average of the ranks they span.
 * Example: averageRanks([0.3, 0.1, 0.3, 0.2]) → [3.5, 1, 3.5, 2].
 */
export function averageRanks(x: ArrayLike<number>): number[] {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (x[a] as number) - (x[b] as number),
  );
  const r = new Array<number>(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && x[idx[j + 1] as number] === x[idx[i] as number]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k] as number] = rank;
    i = j + 1;
  }
  return r;
}

/**
 * Spearman rank correlation: the Pearson correlation of the average ranks,
 *   ρ = Σ (a_i − ā)(b_i − b̄) / √(Σ (a_i − ā)² · Σ (b_i − b̄)²),  a = ranks(x), b = ranks(y),
 * ā = b̄ = (n + 1)/2. null when either side has zero rank variance (all tied, or n < 2).
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`spearman: lengths ${n} and ${y.length} differ`);
  if (n < 2) return null;
  const a = averageRanks(x);
  const b = averageRanks(y);
  const m = (n + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - m;
    const db = (b[i] as number) - m;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}

/**
 * Mean, t-statistic mean / (sd / √n) (sample sd, ddof 1) and share > 0 of a series of per-origin
 * figures; t is null when n < 2 or sd = 0, everything but n is null when n = 0.
 */
export function meanTStat(xs: readonly number[]): {
  mean: number | null;
  t: number | null;
  positive_share: number | null;
  n: number;
} {
  const n = xs.length;
  if (n === 0) return { mean: null, t: null, positive_share: null, n };
  const { mean, variance } = meanVariance(xs, 1);
  const sd = Math.sqrt(variance);
  return {
    mean,
    t: n >= 2 && sd > 0 ? mean / (sd / Math.sqrt(n)) : null,
    positive_share: xs.filter((x) => x > 0).length / n,
    n,
  };
}

/** ρ_t of each cross-section that counts (≥ MIN_CROSS_SECTION series, ρ defined), else null. */
export function crossSectionIcs(sections: readonly CrossSection[]): (number | null)[] {
  return sections.map((s) =>
    s.forecast.length < MIN_CROSS_SECTION ? null : spearman(s.forecast, s.realized),
  );
}

/**
 * Mean rank IC over origins: ρ_t = spearman(forecast_t, realized_t) per cross-section; origins
 * with fewer than MIN_CROSS_SECTION series or an undefined ρ_t (zero rank variance) are skipped.
 * rank_ic = mean ρ_t, rank_ic_t = mean / (sd / √n) with the sample sd (ddof 1) of the n counted
 * ρ_t; null when n < 2 or sd = 0 (e.g. a perfect forecaster: every ρ_t = 1).
 */
export function rankIcSummary(sections: readonly CrossSection[]): RankIcSummary {
  const ics = crossSectionIcs(sections).filter((x): x is number => x !== null);
  const s = meanTStat(ics);
  return {
    rank_ic: s.mean,
    rank_ic_t: s.t,
    positive_share: s.positive_share,
    origins: s.n,
    ics,
  };
}

function badRequest(details: ErrorDetail[]): never {
  throw new EngineError('BAD_REQUEST', 'invalid forecast evaluation input', details);
}

/**
 * Runs `backtestAccuracy` (with points) on every series. The series must share one date axis:
 * equal lengths, returns[i] of every series on the same day, so origin t is the same date for all
 * (true of the 20 stocks of the skfolio fixture, every one with full history 1990–2022). A
 * universe with listings and delistings would need its series aligned (and missing days handled)
 * before this point; equal lengths are asserted, the common axis is the caller's promise.
 */
export function runBacktests(
  series: readonly EvaluationSeries[],
  protocol: EvaluationProtocol = DEFAULT_EVALUATION_PROTOCOL,
): BacktestResult[] {
  const details: ErrorDetail[] = [];
  if (series.length === 0) details.push({ path: 'series', message: 'must not be empty' });
  const seen = new Set<string>();
  const T = series[0]?.returns.length;
  series.forEach((s, i) => {
    if (seen.has(s.name)) details.push({ path: `series.${i}.name`, message: 'duplicate name' });
    seen.add(s.name);
    if (!(s.returns instanceof Float64Array))
      details.push({ path: `series.${i}.returns`, message: 'must be a Float64Array' });
    else if (s.returns.length !== T)
      details.push({
        path: `series.${i}.returns`,
        message: `${s.returns.length} returns; every series must share one date axis (${T})`,
      });
  });
  if (details.length) badRequest(details);
  return series.map((s) =>
    backtestAccuracy(s.returns, {
      horizon: protocol.horizon,
      step: protocol.step,
      minTrain: protocol.minTrain,
      includePoints: true,
    }),
  );
}

/**
 * The cross-sections of one model, in origin order: at each origin, the forecasts and realized
 * returns of every series that has a point there (an origin a series skipped, non-finite forecast
 * or realized return, has fewer entries).
 */
export function crossSections(
  results: readonly BacktestResult[],
  model: EvaluatedModel,
): CrossSection[] {
  const byOrigin = new Map<number, CrossSection>();
  for (const r of results)
    for (const p of r.points ?? []) {
      let s = byOrigin.get(p.origin);
      if (!s) {
        s = { origin: p.origin, forecast: [], realized: [] };
        byOrigin.set(p.origin, s);
      }
      s.forecast.push(p[model]);
      s.realized.push(p.realized);
    }
  return [...byOrigin.values()].sort((a, b) => a.origin - b.origin);
}

function pooled(results: readonly BacktestResult[], model: EvaluatedModel) {
  const abs: number[] = [];
  let hits = 0;
  for (const r of results)
    for (const p of r.points ?? []) {
      const f = p[model];
      abs.push(Math.abs(f - p.realized));
      if (Math.sign(f) === Math.sign(p.realized)) hits++;
    }
  const n = abs.length;
  const mae = n > 0 ? neumaierSum(abs) / n : null;
  return {
    hit_rate: n > 0 ? hits / n : null,
    mae: mae !== null && Number.isFinite(mae) ? mae : null,
    points: n,
  };
}

const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

/** The evaluation of backtests already run (see `runBacktests`) on one universe. */
export function summarizeBacktests(
  results: readonly BacktestResult[],
  protocol: EvaluationProtocol,
  universe: UniverseInfo,
): ForecastEvaluation {
  const rows = EVALUATED_MODELS.map((model) => {
    const p = pooled(results, model);
    const ic = rankIcSummary(crossSections(results, model));
    return { model, ...p, ic };
  });
  const base = rows.find((r) => r.model === BASELINE_MODEL);
  let up = 0;
  let scored = 0;
  for (const r of results)
    for (const p of r.points ?? []) {
      scored++;
      if (p.realized > 0) up++;
    }
  return {
    protocol: { horizon: protocol.horizon, step: protocol.step, min_train: protocol.minTrain },
    universe: {
      source: universe.source,
      series: results.length,
      first_date: universe.first_date,
      last_date: universe.last_date,
    },
    realized_up_share: scored > 0 ? up / scored : null,
    models: rows.map((r) => ({
      model: r.model,
      hit_rate: r.hit_rate,
      mae: r.mae,
      rank_ic: r.ic.rank_ic,
      rank_ic_t: r.ic.rank_ic_t,
      origins: r.ic.origins,
      points: r.points,
      vs_baseline:
        r.model === BASELINE_MODEL || !base
          ? null
          : {
              hit_rate: diff(r.hit_rate, base.hit_rate),
              rank_ic: diff(r.ic.rank_ic, base.ic.rank_ic),
            },
    })),
    generated_by: 'scripts/build-forecast-accuracy.ts',
  };
}

/**
 * Walk-forward accuracy of every forecast model over a universe of series on one date axis:
 * per model (BACKTEST_MODELS and the historical-mean baseline) the pooled hit rate and MAE, the
 * mean cross-sectional rank IC with its t-stat, and the differences from the baseline.
 */
export function evaluateForecastModels(
  series: readonly EvaluationSeries[],
  protocol: EvaluationProtocol = DEFAULT_EVALUATION_PROTOCOL,
  universe: UniverseInfo = { source: 'unspecified', first_date: '', last_date: '' },
): ForecastEvaluation {
  return summarizeBacktests(runBacktests(series, protocol), protocol, universe);
}

/**
 * Parses a wide price CSV (`Date,A,B,…` header, one row a day, oldest first, adjusted closes) into
 * simple returns r_t = p_t / p_{t−1} − 1 per column, all on the same date axis.
 * `dates` are the price dates (one more than the returns).
 */
export function returnsFromPriceCsv(text: string): {
  dates: string[];
  series: EvaluationSeries[];
} {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const names = (lines[0] ?? '').split(',').slice(1);
  const details: ErrorDetail[] = [];
  if (names.length === 0 || lines.length < 2)
    details.push({ path: 'csv', message: 'needs a header with columns and at least two rows' });
  const dates: string[] = [];
  const prices = names.map(() => new Float64Array(lines.length - 1));
  for (let i = 1; i < lines.length && details.length < 20; i++) {
    const cells = (lines[i] as string).split(',');
    if (cells.length !== names.length + 1) {
      details.push({
        path: `csv.${i}`,
        message: `${cells.length} cells, expected ${names.length + 1}`,
      });
      continue;
    }
    dates.push(cells[0] as string);
    for (let j = 0; j < names.length; j++) {
      const p = Number(cells[j + 1]);
      if (!(p > 0 && p < Infinity))
        details.push({
          path: `csv.${i}.${names[j]}`,
          message: 'price must be a finite number > 0',
        });
      (prices[j] as Float64Array)[i - 1] = p;
    }
  }
  if (details.length) badRequest(details);
  const series = names.map((name, j) => {
    const p = prices[j] as Float64Array;
    const returns = new Float64Array(p.length - 1);
    for (let i = 1; i < p.length; i++) returns[i - 1] = (p[i] as number) / (p[i - 1] as number) - 1;
    return { name, returns };
  });
  return { dates, series };
}

/** x rounded to 6 decimals (−0 written as 0); integers unchanged. */
function round6(x: number): number {
  if (Number.isInteger(x)) return x === 0 ? 0 : x;
  const r = Math.round(x * 1e6) / 1e6;
  return r === 0 ? 0 : r;
}

function rounded(v: unknown): unknown {
  if (typeof v === 'number') return round6(v);
  if (Array.isArray(v)) return v.map(rounded);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  return v;
}

/**
 * The shipped form of an evaluation (resources/forecast_accuracy.json): pretty JSON with two
 * spaces, keys in the order of the ForecastEvaluation type, every number rounded to 6 decimals,
 * a final newline.
 */
export function forecastEvaluationJson(ev: ForecastEvaluation): string {
  return JSON.stringify(rounded(ev), null, 2) + '\n';
}
