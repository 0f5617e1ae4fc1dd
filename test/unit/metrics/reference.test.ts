/**
 * Every figure of POST /api/analytics/metrics against an independent numpy/scipy computation of
 * its written definition (test/reference/metrics_reference.py, pasted in reference-values.ts) on
 * the skfolio S&P 500 fixture: five stocks with prices and dates, the S&P 500 index as benchmark,
 * weights, uncompounded drawdowns and a 63-day rolling Sharpe, with both tail methods.
 */
import { describe, expect, it } from 'vitest';
import { MetricsRequest, type SeriesMetrics } from '../../../src/contract/metrics';
import { computeMetrics } from '../../../src/services/metrics';
import { expectRel, loadPrices } from '../risk/fixtures';
import { METRICS_REFERENCE as REF } from './reference-values';

const ROWS = 2521;
const NAMES = ['AAPL', 'AMD', 'JPM', 'KO', 'XOM'] as const;
const stocks = loadPrices('skfolio_sp500_dataset.csv');
const index = loadPrices('skfolio_sp500_index.csv');
const dates = stocks.dates.slice(-ROWS);
const pricesOf = (t: typeof stocks, name: string) => Array.from(t.columns.get(name)!.slice(-ROWS));

function request(tail_method: 'quantile' | 'rockafellar_uryasev') {
  return MetricsRequest.parse({
    series: NAMES.map((name) => ({ name, prices: pricesOf(stocks, name), dates })),
    benchmark: { name: 'SP500', prices: pricesOf(index, 'SP500'), dates },
    periodicity: 'daily',
    risk_free_rate: 0.02,
    min_acceptable_return: 0.05,
    confidence_levels: [0.95, 0.99],
    tail_method,
    uncompounded_drawdown: true,
    rolling_sharpe_window: 63,
    weights: { AAPL: 0.3, AMD: 0.25, JPM: 0.2, KO: 0.15, XOM: 0.1 },
  });
}

type Ref = (typeof REF.series)['AAPL'];
const SCALARS = [
  'cumulative_return',
  'cagr',
  'annual_return',
  'annual_volatility',
  'annual_variance',
  'semi_deviation',
  'downside_risk',
  'sharpe',
  'sortino',
  'calmar',
  'max_drawdown',
  'average_drawdown',
  'ulcer_index',
  'skewness',
  'excess_kurtosis',
] as const;

function check(got: SeriesMetrics, ref: Ref, withDates: boolean) {
  expect(got.observations).toBe(ref.observations);
  if (withDates) expectRel(got.years, ref.years, 1e-14);
  for (const k of SCALARS) expectRel(got[k], ref[k], 1e-9);
  got.tail_risk.forEach((row, j) => {
    const r = ref.tail[j]!;
    expect(row.confidence).toBe(r.confidence);
    expectRel(row.historical_var, r.historical_var, 1e-12);
    expectRel(row.gaussian_var, r.gaussian_var, 1e-10);
    expectRel(row.cornish_fisher_var, r.cornish_fisher_var, 1e-9);
    expectRel(row.historical_cvar, r.historical_cvar, 1e-12);
    expectRel(row.cdar, r.cdar, 1e-10);
  });
  const u = got.uncompounded_drawdown!;
  expectRel(u.cumulative_return, ref.uncompounded.cumulative_return, 1e-12);
  expectRel(u.max_drawdown, ref.uncompounded.max_drawdown, 1e-10);
  expectRel(u.average_drawdown, ref.uncompounded.average_drawdown, 1e-10);
  expectRel(u.ulcer_index, ref.uncompounded.ulcer_index, 1e-10);
  u.cdar.forEach((c, j) => expectRel(c.value, ref.uncompounded.cdar[j]!, 1e-10));
  const rel = got.relative!;
  expect(rel.alignment).toBe(withDates ? 'dates' : 'position');
  expectRel(rel.beta, ref.relative.beta, 1e-10);
  expectRel(rel.alpha, ref.relative.alpha, 1e-9);
  expectRel(rel.tracking_error, ref.relative.tracking_error, 1e-10);
  expectRel(rel.information_ratio, ref.relative.information_ratio, 1e-9);
  expectRel(rel.excess_sharpe, ref.relative.excess_sharpe, 1e-9);
  const roll = got.rolling_sharpe!;
  expect(roll.values.length).toBe(ref.rolling_sharpe.count);
  expectRel(roll.values[0], ref.rolling_sharpe.first, 1e-9);
  expectRel(roll.values.at(-1), ref.rolling_sharpe.last, 1e-9);
  const vals = roll.values as number[];
  expectRel(vals.reduce((s, v) => s + v, 0) / vals.length, ref.rolling_sharpe.mean, 1e-9);
}

describe('metrics against the numpy/scipy reference (metrics_reference.py)', () => {
  const out = computeMetrics(request('quantile'));
  const ru = computeMetrics(request('rockafellar_uryasev'));

  it('every series figure, tail_method quantile (numpy type 7)', () => {
    NAMES.forEach((name, i) => check(out.series[i]!, REF.series[name], true));
    expect(out.series[0]!.first_date).toBe(dates[1]);
    expect(out.series[0]!.last_date).toBe(dates.at(-1));
    expect(out.series[0]!.rolling_sharpe!.end_dates![0]).toBe(dates[63]);
  });

  it('every series figure, tail_method rockafellar_uryasev', () => {
    NAMES.forEach((name, i) => check(ru.series[i]!, REF.series_rockafellar_uryasev[name], true));
  });

  it('the portfolio: effective number, diversification ratio and its own figures', () => {
    const p = out.portfolio!;
    expect(p.observations).toBe(2520);
    expect(p.alignment).toBe('dates');
    expectRel(p.effective_number_of_assets, REF.portfolio.effective_number_of_assets, 1e-14);
    expectRel(p.diversification_ratio, REF.portfolio.diversification_ratio, 1e-12);
    expectRel(p.volatility, REF.portfolio.volatility, 1e-12);
    expectRel(p.weighted_volatility, REF.portfolio.weighted_volatility, 1e-12);
    // The portfolio's returns carry dates, not prices: its CAGR uses n/(n − 1) × the span; the
    // reference has no dates (n / P), so the year-dependent figures are compared on their own.
    const m = p.metrics;
    const ref = REF.portfolio.metrics;
    for (const k of SCALARS) if (k !== 'cagr' && k !== 'calmar') expectRel(m[k], ref[k], 1e-9);
    expectRel(m.relative!.beta, ref.relative.beta, 1e-10);
  });

  it('normalQuantile is scipy.stats.norm.ppf to a few ulp (1e-15 relative)', async () => {
    const { normalQuantile } = await import('../../../src/risk/series/normal');
    for (const [p, z] of Object.entries(REF.normal_quantiles))
      expectRel(normalQuantile(Number(p)), z, 1e-15);
  });
});
