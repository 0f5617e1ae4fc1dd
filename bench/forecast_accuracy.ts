/**
 * Out-of-sample accuracy of the forecast models on the 20 S&P 500 stocks of
 * test/fixtures/skfolio_sp500_dataset.csv (skfolio, BSD-3-Clause), full history 1990–2022.
 * Protocol: backtestAccuracy with horizon 21, step 21, minTrain 252 (docs/methods.md (forecast) §8,
 * docs/_fragments/forecast-accuracy.md). Every forecast is an annual simple return from log
 * returns (≥ −1); `ensemble` is the shrunk ensemble the product uses, `ensemble_unshrunk` the plain
 * weighted average of the three models.
 *
 * Hit rate, MAE and rank IC come from src/forecast/evaluation.ts, the code behind the shipped
 * resources/forecast_accuracy.json (scripts/build-forecast-accuracy.ts, which also loads the
 * fixture for this bench); the bench adds RMSE, bias, the paired ensemble-vs-anchor comparison and
 * the per-stock table.
 * Run: npx tsx bench/forecast_accuracy.ts   (prints Markdown tables and the JSON figures)
 */
import { pathToFileURL } from 'node:url';
import { BACKTEST_MODELS, type AccuracyStats, type BacktestResult } from '../src/forecast';
import {
  DEFAULT_EVALUATION_PROTOCOL,
  crossSectionIcs,
  crossSections,
  meanTStat,
  runBacktests,
  summarizeBacktests,
  type ForecastEvaluation,
} from '../src/forecast/evaluation';
import { loadFixtureUniverse } from '../scripts/build-forecast-accuracy';

const PROTOCOL = DEFAULT_EVALUATION_PROTOCOL;
const SERIES = [...BACKTEST_MODELS, 'zero', 'historical_mean'] as const;
type Series = (typeof SERIES)[number];

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

/**
 * Paired comparison of the shrunk ensemble with its anchor, origin by origin: the rank IC
 * difference (t-stat of its mean) and the hit-rate difference over the pooled forecasts.
 */
function ensembleVsHistoricalMean(results: BacktestResult[]) {
  // Both lists follow the same origins (crossSections groups every model's points identically).
  const e = crossSectionIcs(crossSections(results, 'ensemble'));
  const h = crossSectionIcs(crossSections(results, 'historical_mean'));
  const diff: number[] = [];
  e.forEach((a, j) => {
    const b = h[j];
    if (a !== null && b !== null && b !== undefined) diff.push(a - b);
  });
  let n = 0;
  let hitE = 0;
  let hitH = 0;
  let onlyE = 0;
  let onlyH = 0;
  for (const b of results)
    for (const p of b.points ?? []) {
      n++;
      const e = Math.sign(p.ensemble) === Math.sign(p.realized);
      const h = Math.sign(p.historical_mean) === Math.sign(p.realized);
      if (e) hitE++;
      if (h) hitH++;
      if (e && !h) onlyE++;
      if (h && !e) onlyH++;
    }
  return {
    ic_difference: meanTStat(diff),
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

export interface ForecastAccuracyReport {
  dataset: string;
  protocol: typeof PROTOCOL;
  stocks: number;
  origins: number;
  /** Hit rate, MAE, rank IC (t-stat) and the difference from the baseline, per model. */
  evaluation: ForecastEvaluation;
  /** Share of the counted origins with a positive rank IC, per model. */
  rank_ic_positive_share: Record<string, number | null>;
  /** MAE, RMSE, bias and hit rate pooled over the stocks, models and both baselines. */
  pooled: Record<Series, AccuracyStats>;
  ensemble_vs_historical_mean: ReturnType<typeof ensembleVsHistoricalMean>;
  per_stock: Record<string, Record<Series, AccuracyStats> & { origins: number }>;
  seconds: number;
}

export function runForecastAccuracy(): ForecastAccuracyReport {
  const t0 = performance.now();
  const { series, universe } = loadFixtureUniverse();
  const results = runBacktests(series, PROTOCOL);
  const evaluation = summarizeBacktests(results, PROTOCOL, universe);
  const rank_ic_positive_share = Object.fromEntries(
    evaluation.models.map((m) => [
      m.model,
      meanTStat(
        crossSectionIcs(crossSections(results, m.model)).filter((x): x is number => x !== null),
      ).positive_share,
    ]),
  );
  let origins = 0;
  for (const b of results) origins += b.origins;
  return {
    dataset: `skfolio_sp500_dataset.csv, ${series.length} stocks, ${universe.first_date}..${universe.last_date}`,
    protocol: PROTOCOL,
    stocks: series.length,
    origins,
    evaluation,
    rank_ic_positive_share,
    pooled: Object.fromEntries(SERIES.map((s) => [s, pool(results, s)])) as Record<
      Series,
      AccuracyStats
    >,
    ensemble_vs_historical_mean: ensembleVsHistoricalMean(results),
    per_stock: Object.fromEntries(
      series.map((s, i) => {
        const b = results[i] as BacktestResult;
        return [
          s.name,
          {
            origins: b.origins,
            ...(Object.fromEntries(SERIES.map((k) => [k, pick(b, k)])) as Record<
              Series,
              AccuracyStats
            >),
          },
        ];
      }),
    ),
    seconds: (performance.now() - t0) / 1000,
  };
}

const fmt = (x: number | null, d = 3) => (x === null ? '–' : x.toFixed(d));

function print(r: ForecastAccuracyReport): void {
  const ev = r.evaluation;
  console.log(`# Forecast out-of-sample accuracy (${r.dataset})`);
  console.log(
    `walk-forward: horizon ${PROTOCOL.horizon}, step ${PROTOCOL.step}, minTrain ${PROTOCOL.minTrain}; ` +
      `${r.origins} forecasts; realized up share ${fmt(ev.realized_up_share)}; ${r.seconds.toFixed(2)} s\n`,
  );
  console.log(
    '| model | hit rate | rank IC | t-stat | IC > 0 | MAE | Δ hit rate vs hist. mean | Δ rank IC vs hist. mean | origins | forecasts |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const m of ev.models)
    console.log(
      `| ${m.model} | ${fmt(m.hit_rate)} | ${fmt(m.rank_ic, 4)} | ${fmt(m.rank_ic_t, 2)} | ` +
        `${fmt(r.rank_ic_positive_share[m.model] ?? null)} | ${fmt(m.mae)} | ` +
        `${m.vs_baseline ? fmt(m.vs_baseline.hit_rate) : 'baseline'} | ` +
        `${m.vs_baseline ? fmt(m.vs_baseline.rank_ic, 4) : 'baseline'} | ${m.origins} | ${m.points} |`,
    );
  console.log('\n| model | MAE | RMSE | bias | hit rate | count |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const s of SERIES) {
    const st = r.pooled[s];
    console.log(
      `| ${s} | ${fmt(st.mae)} | ${fmt(st.rmse)} | ${fmt(st.bias)} | ${fmt(st.hit_rate)} | ${st.count} |`,
    );
  }
  const pv = r.ensemble_vs_historical_mean;
  console.log(
    `\nensemble − historical mean, paired over ${pv.ic_difference.n} origins: ` +
      `rank IC difference ${fmt(pv.ic_difference.mean, 4)} (t = ${fmt(pv.ic_difference.t, 2)}, ` +
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
  const { evaluation, pooled, ensemble_vs_historical_mean } = res;
  console.log(
    '\n' +
      JSON.stringify({ models: evaluation.models, pooled, ensemble_vs_historical_mean }, null, 2),
  );
}
