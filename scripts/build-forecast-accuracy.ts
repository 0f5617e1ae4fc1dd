/**
 * Rebuilds resources/forecast_accuracy.json: the measured walk-forward accuracy of the forecast
 * models (hit rate, MAE, cross-sectional rank IC, each against the historical-mean baseline) on
 * the 20 S&P 500 stocks of test/fixtures/skfolio_sp500_dataset.csv (adjusted closes 1990–2022,
 * from skfolio, BSD-3-Clause). Protocol and formulas: docs/_fragments/forecast-accuracy.md.
 * test/unit/forecast/evaluation.test.ts checks the shipped file equals a fresh evaluation.
 *
 *   npx tsx scripts/build-forecast-accuracy.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DEFAULT_EVALUATION_PROTOCOL,
  evaluateForecastModels,
  forecastEvaluationJson,
  returnsFromPriceCsv,
  type EvaluationSeries,
  type ForecastEvaluation,
  type UniverseInfo,
} from '../src/forecast/evaluation';

const root = join(import.meta.dirname, '..');
export const FIXTURE_CSV = 'test/fixtures/skfolio_sp500_dataset.csv';
export const FORECAST_ACCURACY_JSON = join(root, 'resources', 'forecast_accuracy.json');

/** The fixture's returns (one series a stock, common date axis) and its description. */
export function loadFixtureUniverse(): { series: EvaluationSeries[]; universe: UniverseInfo } {
  const { dates, series } = returnsFromPriceCsv(readFileSync(join(root, FIXTURE_CSV), 'utf8'));
  return {
    series,
    universe: {
      source: `${FIXTURE_CSV} (adjusted closes of ${series.length} S&P 500 stocks; skfolio, BSD-3-Clause)`,
      first_date: dates[0] ?? '',
      last_date: dates[dates.length - 1] ?? '',
    },
  };
}

/** A fresh evaluation of the fixture under the default protocol. */
export function evaluateFixture(): ForecastEvaluation {
  const { series, universe } = loadFixtureUniverse();
  return evaluateForecastModels(series, DEFAULT_EVALUATION_PROTOCOL, universe);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = performance.now();
  const ev = evaluateFixture();
  writeFileSync(FORECAST_ACCURACY_JSON, forecastEvaluationJson(ev));
  console.log(
    `wrote resources/forecast_accuracy.json (${ev.universe.series} series, ` +
      `${((performance.now() - t0) / 1000).toFixed(2)} s)`,
  );
}
