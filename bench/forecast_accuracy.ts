/**
 * Out-of-sample accuracy of the forecast models on the 20 S&P 500 stocks of
 * test/fixtures/skfolio_sp500_dataset.csv (skfolio, BSD-3-Clause), full history 1990–2022.
 * Protocol: backtestAccuracy with horizon 21, step 21, minTrain 252 (docs/methods.md (forecast) §8).
 * Every forecast is an annual simple return from log returns (≥ −1); `ensemble` is the shrunk
 * ensemble the product uses, `ensemble_unshrunk` the plain weighted average of the three models.
 * Run: npx tsx bench/forecast_accuracy.ts   (prints Markdown tables and the JSON figures)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  BACKTEST_MODELS,
  backtestAccuracy,
  type AccuracyStats,
  type BacktestPoint,
  type BacktestResult,
} from '../src/forecast';
import { meanOf, meanVariance } from '../src/domain/sums';

const CSV = fileURLToPath(new URL('../test/fixtures/skfolio_sp500_dataset.csv', import.meta.url));
const PROTOCOL = { horizon: 21, step: 21, minTrain: 252 } as const;
const SERIES = [...BACKTEST_MODELS, 'zero', 'historical_mean'] as const;
type Series = (typeof SERIES)[number];

function loadReturns(): { dates: string[]; returns: Map<string, Float64Array> } {
  const lines = readFileSync(CSV, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const names = (lines[0] as string).split(',').slice(1);
  const rows = lines.slice(1).map((l) => l.split(','));
  const returns = new Map<string, Float64Array>();
  names.forEach((name, j) => {
    const r = new Float64Array(rows.length - 1);
    for (let i = 1; i < rows.length; i++)
      r[i - 1] =
        Number((rows[i] as string[])[j + 1]) / Number((rows[i - 1] as string[])[j + 1]) - 1;
    returns.set(name, r);
  });
  return { dates: rows.map((r) => r[0] as string), returns };
}

function pick(b: BacktestResult, s: Series): AccuracyStats {
  return s === 'zero' || s === 'historical_mean' ? b.baselines[s] : b.models[s];
}

/** Pools the per-stock statistics: count-weighted MAE, bias, hit rate; RMSE from pooled MSE. */
function pool(results: BacktestResult[], s: Series): AccuracyStats {
  let n = 0;
  let abs = 0;
  let sq = 0;
  let bias = 0;
  let hits = 0;
  for (const b of results) {
    const st = pick(b, s);
    if (st.count === 0 || st.mae === null || st.rmse === null || st.bias === null) continue;
    n += st.count;
    abs += st.mae * st.count;
    sq += st.rmse * st.rmse * st.count;
    bias += st.bias * st.count;
    hits += (st.hit_rate ?? 0) * st.count;
  }
  if (n === 0) return { mae: null, rmse: null, bias: null, hit_rate: null, count: 0 };
  return {
    mae: abs / n,
    rmse: Math.sqrt(sq / n),
    bias: bias / n,
    hit_rate: s === 'zero' ? null : hits / n,
    count: n,
  };
}

/** Ranks 1..n, ties get their average rank. */
function ranks(x: readonly number[]): number[] {
  const idx = x.map((_, i) => i).sort((a, b) => (x[a] as number) - (x[b] as number));
  const r = new Array<number>(x.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && x[idx[j + 1] as number] === x[idx[i] as number]) j++;
    for (let k = i; k <= j; k++) r[idx[k] as number] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

function pearson(a: readonly number[], b: readonly number[]): number | null {
  const n = a.length;
  const ma = meanOf(a);
  const mb = meanOf(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}

type Model = (typeof BACKTEST_MODELS)[number] | 'historical_mean';

interface IcSummary {
  mean_ic: number;
  t_stat: number;
  positive_share: number;
  origins: number;
}

/** Mean, t-statistic (mean / (sd / √n)) and share > 0 of a series of per-origin figures. */
function summarize(xs: readonly number[]): IcSummary {
  const { mean, variance } = meanVariance(xs, 1);
  return {
    mean_ic: mean,
    t_stat: mean / Math.sqrt(variance / xs.length),
    positive_share: xs.filter((x) => x > 0).length / xs.length,
    origins: xs.length,
  };
}

/** Per-origin cross-sectional Spearman IC of one model (NaN where undefined). */
function icSeries(points: BacktestPoint[][], model: Model): number[] {
  const out: number[] = [];
  const n = Math.min(...points.map((p) => p.length));
  for (let j = 0; j < n; j++) {
    const f = points.map((p) => (p[j] as BacktestPoint)[model]);
    const r = points.map((p) => (p[j] as BacktestPoint).realized);
    out.push(pearson(ranks(f), ranks(r)) ?? NaN);
  }
  return out;
}

/**
 * Cross-sectional information coefficient: at each origin, the Spearman rank correlation across
 * the stocks between a model's forecasts and the realized returns. This is what the forecast tilt
 * uses (relative forecasts), and ranks are immune to the outliers that dominate MAE/RMSE.
 */
function rankIc(points: BacktestPoint[][], model: Model): IcSummary {
  return summarize(icSeries(points, model).filter((x) => !Number.isNaN(x)));
}

/**
 * Paired comparison of the shrunk ensemble with its anchor, origin by origin: the IC difference
 * (t-stat of its mean) and the hit-rate difference over the pooled forecasts.
 */
function ensembleVsHistoricalMean(points: BacktestPoint[][]) {
  const e = icSeries(points, 'ensemble');
  const h = icSeries(points, 'historical_mean');
  const diff: number[] = [];
  for (let j = 0; j < e.length; j++) {
    const d = (e[j] as number) - (h[j] as number);
    if (!Number.isNaN(d)) diff.push(d);
  }
  let n = 0;
  let hitE = 0;
  let hitH = 0;
  let onlyE = 0;
  let onlyH = 0;
  for (const series of points)
    for (const p of series) {
      n++;
      const e = Math.sign(p.ensemble) === Math.sign(p.realized);
      const h = Math.sign(p.historical_mean) === Math.sign(p.realized);
      if (e) hitE++;
      if (h) hitH++;
      if (e && !h) onlyE++;
      if (h && !e) onlyH++;
    }
  return {
    ic_difference: summarize(diff),
    hit_rate_ensemble: hitE / n,
    hit_rate_historical_mean: hitH / n,
    // McNemar: only the forecasts where exactly one of the two is right carry information;
    // z = (b − c)/√(b + c). It treats the forecasts as independent, which same-day forecasts of
    // 20 stocks are not (a market-wide month moves them together), so |z| is an upper bound.
    hits_only_ensemble: onlyE,
    hits_only_historical_mean: onlyH,
    mcnemar_z: onlyE + onlyH > 0 ? (onlyE - onlyH) / Math.sqrt(onlyE + onlyH) : 0,
    forecasts: n,
  };
}

export function runForecastAccuracy(): object {
  const t0 = performance.now();
  const { dates, returns } = loadReturns();
  const perStock: Record<string, BacktestResult> = {};
  for (const [name, r] of returns)
    perStock[name] = backtestAccuracy(r, { ...PROTOCOL, includePoints: true });
  const results = Object.values(perStock);
  const points = results.map((b) => b.points ?? []);
  const models: Model[] = [...BACKTEST_MODELS, 'historical_mean'];
  const ic = Object.fromEntries(models.map((m) => [m, rankIc(points, m)]));
  const paired = ensembleVsHistoricalMean(points);
  const pooled = Object.fromEntries(SERIES.map((s) => [s, pool(results, s)])) as Record<
    Series,
    AccuracyStats
  >;
  let up = 0;
  let origins = 0;
  for (const b of results) {
    up += (b.realized_up_share ?? 0) * b.origins;
    origins += b.origins;
  }
  return {
    dataset: `skfolio_sp500_dataset.csv, ${returns.size} stocks, ${dates[0]}..${dates[dates.length - 1]}`,
    protocol: PROTOCOL,
    stocks: returns.size,
    origins,
    realized_up_share: origins > 0 ? up / origins : null,
    pooled,
    cross_sectional_rank_ic: ic,
    ensemble_vs_historical_mean: paired,
    per_stock: Object.fromEntries(
      Object.entries(perStock).map(([k, b]) => [
        k,
        {
          origins: b.origins,
          ...Object.fromEntries(SERIES.map((s) => [s, pick(b, s)])),
        },
      ]),
    ),
    seconds: (performance.now() - t0) / 1000,
  };
}

const fmt = (x: number | null, d = 3) => (x === null ? '–' : x.toFixed(d));

function print(res: ReturnType<typeof runForecastAccuracy>): void {
  const r = res as {
    dataset: string;
    origins: number;
    realized_up_share: number | null;
    pooled: Record<Series, AccuracyStats>;
    cross_sectional_rank_ic: Record<Model, IcSummary>;
    ensemble_vs_historical_mean: ReturnType<typeof ensembleVsHistoricalMean>;
    per_stock: Record<string, Record<Series, AccuracyStats> & { origins: number }>;
    seconds: number;
  };
  console.log(`# Forecast out-of-sample accuracy (${r.dataset})`);
  console.log(
    `walk-forward: horizon ${PROTOCOL.horizon}, step ${PROTOCOL.step}, minTrain ${PROTOCOL.minTrain}; ` +
      `${r.origins} origins; realized up share ${fmt(r.realized_up_share)}; ${r.seconds.toFixed(2)} s\n`,
  );
  console.log('| model | MAE | RMSE | bias | hit rate | count |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const s of SERIES) {
    const st = r.pooled[s];
    console.log(
      `| ${s} | ${fmt(st.mae)} | ${fmt(st.rmse)} | ${fmt(st.bias)} | ${fmt(st.hit_rate)} | ${st.count} |`,
    );
  }
  console.log('\n| model | mean rank IC | t-stat | share of origins with IC > 0 | origins |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [m, v] of Object.entries(r.cross_sectional_rank_ic))
    console.log(
      `| ${m} | ${fmt(v.mean_ic, 4)} | ${fmt(v.t_stat, 2)} | ${fmt(v.positive_share)} | ${v.origins} |`,
    );
  const pv = r.ensemble_vs_historical_mean;
  console.log(
    `\nensemble − historical mean, paired over ${pv.ic_difference.origins} origins: ` +
      `rank IC difference ${fmt(pv.ic_difference.mean_ic, 4)} (t = ${fmt(pv.ic_difference.t_stat, 2)}, ` +
      `> 0 at ${fmt(pv.ic_difference.positive_share)} of origins); hit rate ` +
      `${fmt(pv.hit_rate_ensemble)} vs ${fmt(pv.hit_rate_historical_mean)} over ${pv.forecasts} forecasts ` +
      `(right only by the ensemble ${pv.hits_only_ensemble}, only by the historical mean ` +
      `${pv.hits_only_historical_mean}; McNemar z = ${fmt(pv.mcnemar_z, 2)})`,
  );
  console.log(
    '\n| stock | origins | ensemble MAE | ensemble hit | hist. mean MAE | hist. mean hit |',
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [k, v] of Object.entries(r.per_stock))
    console.log(
      `| ${k} | ${v.origins} | ${fmt(v.ensemble.mae)} | ${fmt(v.ensemble.hit_rate)} | ` +
        `${fmt(v.historical_mean.mae)} | ${fmt(v.historical_mean.hit_rate)} |`,
    );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const res = runForecastAccuracy();
  print(res);
  const { pooled, cross_sectional_rank_ic, ensemble_vs_historical_mean } = res as Record<
    string,
    unknown
  >;
  console.log(
    '\n' +
      JSON.stringify({ pooled, cross_sectional_rank_ic, ensemble_vs_historical_mean }, null, 2),
  );
}
