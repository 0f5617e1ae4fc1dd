/**
 * Histories of unequal length (issue #11, item 5): the risk figures and the Monte Carlo use each
 * asset's full history where the method allows, the answer reports the observations per asset and
 * per pair, and equal lengths still take the aligned path.
 *
 * Reference: test/reference/estimators_reference.py ("full-history portfolio"): Riskfolio's AMZN
 * (1,003 returns), JPM (its last 600) and MO (its last 300), current weights 0.4 / 0.3 / 0.2 with
 * 10% cash, target 0.3 each (cash_floor 0.1). Conventions as the risk metrics (docs/methods.md):
 * 252 days, ddof 1, historical VaR type 7 on the days common to the held assets; the moment
 * figures from the pairwise covariance and each asset's own mean.
 */
import { describe, expect, it } from 'vitest';
import type { AssetForecast } from '../../../src/contract/rebalance';
import { RebalanceRequest } from '../../../src/contract/rebalance';
import { runRebalance } from '../../../src/services/rebalance';
import { readHistory } from '../../../src/services/rebalance/history';
import { riskModel } from '../../../src/services/rebalance/risk';
import { historicalMeanReturn } from '../../../src/risk/expected-returns';
import { computeRiskMetrics } from '../../../src/risk/metrics';
import { runMonteCarlo } from '../../../src/risk/montecarlo';
import { portfolioReturns } from '../../../src/risk/returns';
import { sampleCovariance } from '../../../src/risk/covariance';
import { getSolver } from '../optimizer/helpers';
import { close, closeAll, loadTable, mulberry32, series } from './fixtures';
import { FULL } from './reference';

const clock = { now: () => new Date('2026-01-05T10:00:00.000Z') };
const rf = loadTable('riskfolio_stock_prices.csv');
const [amzn, jpm, mo] = series(rf, ['AMZN', 'JPM', 'MO']) as [
  Float64Array,
  Float64Array,
  Float64Array,
];

function book(over: Record<string, unknown> = {}) {
  const hist = [amzn, jpm.slice(jpm.length - 600), mo.slice(mo.length - 300)];
  return RebalanceRequest.parse({
    portfolio_value: 1_000_000,
    cash_weight: 0.1,
    cash_floor: 0.1,
    assets: ['AMZN', 'JPM', 'MO'].map((a, i) => ({
      asset: a,
      asset_class: 'Stocks',
      target_weight: 1 / 3,
      current_weight: [4 / 9, 3 / 9, 2 / 9][i],
      price: 100,
      historical_returns: Array.from(hist[i]!),
    })),
    monte_carlo: { paths: 500, horizon_days: 10, seed: 3 },
    ...over,
  });
}

const forecastsOf = (n: number) =>
  Array.from({ length: n }, () => ({ ensemble: 0 }) as unknown as AssetForecast);

describe('a book with late listings', () => {
  it('current risk figures use each asset’s full history: numpy reference', async () => {
    const out = await runRebalance(book(), clock);
    const m = out.risk_metrics;
    expect(m.observations).toBe(300);
    close(m.volatility, FULL.volatility, 1e-12);
    close(m.expected_annual_return, FULL.expectedAnnualReturn, 1e-12);
    close(m.sharpe, FULL.sharpe, 1e-12);
    close(m.parametric_var_95, FULL.parametricVar95, 1e-12);
    close(m.var_95, FULL.historicalVar95, 1e-12);
    close(m.cvar_95, FULL.historicalCvar95, 1e-12);
    close(m.max_drawdown, FULL.maxDrawdown, 1e-12);
    close(m.tracking_error, FULL.trackingErrorVsEqualThirds, 1e-11);
    // Not the common-window figure the engine gave before.
    expect(Math.abs((m.volatility as number) - FULL.commonWindowVolatility)).toBeGreaterThan(0.01);
    closeAll(
      out.risk_contributions.map((r) => r.current as number),
      FULL.riskContributions,
      1e-11,
    );
    expect(out.monte_carlo?.paths).toBe(500);
    expect(out.warnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(['HISTORY_TRUNCATED', 'FULL_HISTORY_RISK']),
    );
  });

  it('the gaussian Monte Carlo draws from N(wᵀμ̂, wᵀΣ̂w) of the full histories', () => {
    const req = book();
    const warnings: never[] = [];
    const history = readHistory(req, warnings);
    const model = riskModel(req, history, forecastsOf(3), new Float64Array(3).fill(0.3), warnings);
    const w = Float64Array.from([0.4, 0.3, 0.2]);
    const got = model.monteCarlo(w, 1000)!;
    // One asset whose moments are the portfolio's (reference figures): the same draws.
    const ref = runMonteCarlo({
      weights: Float64Array.from([0.9]),
      assetReturns: [new Float64Array(300)],
      settings: req.monte_carlo,
      initialValue: 1000,
      moments: {
        mean: Float64Array.from([FULL.expectedAnnualReturn / 252 / 0.9]),
        cov: Float64Array.from([FULL.volatility ** 2 / 252 / 0.81]),
      },
    }).result!;
    close(got.expected_terminal_value, ref.expected_terminal_value, 1e-12);
    close(got.worst_5pct_terminal_value, ref.worst_5pct_terminal_value, 1e-12);
    // buy_and_hold: asset-level paths from μ̂_H and the Cholesky factor of Σ̂_H.
    const bh = riskModel(
      { ...req, monte_carlo: { ...req.monte_carlo, rebalancing: 'buy_and_hold' } },
      history,
      forecastsOf(3),
      new Float64Array(3).fill(0.3),
      warnings,
    ).monteCarlo(w, 1000)!;
    expect(bh.rebalancing).toBe('buy_and_hold');
    expect(bh.expected_terminal_value).toBeGreaterThan(0.9);
  });

  it('reports observations per asset and per pair', async () => {
    const out = await runRebalance(book(), clock);
    expect(out.history_observations).toEqual({
      method: 'full_history',
      common_window: 300,
      assets: [
        { asset: 'AMZN', observations: 1003 },
        { asset: 'JPM', observations: 600 },
        { asset: 'MO', observations: 300 },
      ],
      pairs: {
        pairs: 3,
        min: 300,
        median: 300,
        max: 600,
        counts: [
          { asset_1: 'AMZN', asset_2: 'JPM', observations: 600 },
          { asset_1: 'AMZN', asset_2: 'MO', observations: 300 },
          { asset_1: 'JPM', asset_2: 'MO', observations: 300 },
        ],
      },
    });
  });

  it('the optimizer: historical_mean μ and pairwise Σ from the full histories', async () => {
    const out = await runRebalance(
      book({ method: 'max_sharpe', expected_returns: 'historical_mean', covariance: 'pairwise' }),
      clock,
      { solver: await getSolver() },
    );
    const o = out.optimization!;
    expect(o.covariance?.estimator).toBe('pairwise');
    expect(o.covariance?.observations).toBe(1003);
    expect(o.covariance?.pairwise?.min).toBe(300);
    expect(o.expected_returns?.method).toBe('historical_mean');
    expect(o.expected_returns?.compounding).toBe('geometric');
    expect(o.expected_returns?.assets.map((a) => a.observations)).toEqual([1003, 600, 300]);
    const mu = [amzn, jpm.slice(jpm.length - 600), mo.slice(mo.length - 300)].map((h) =>
      historicalMeanReturn(h, 'geometric'),
    );
    closeAll(
      o.expected_returns!.assets.map((a) => a.expected_return),
      mu,
      1e-14,
    );
    // max_sharpe reports the μ it optimized: μᵀw + r_f·cash (cash = 1 − Σw − costs).
    const w = o.weights.map((r) => r.weight);
    close(
      o.expected_return,
      mu.reduce((s, m, i) => s + m * w[i]!, 0) + 0.02 * o.cash_weight,
      1e-12,
    );
  });

  it('an estimate below 20 returns is refused, naming the asset', async () => {
    const req = book({ method: 'max_sharpe', expected_returns: 'historical_mean' });
    req.assets[2]!.historical_returns = req.assets[2]!.historical_returns!.slice(-15);
    await expect(runRebalance(req, clock, { solver: await getSolver() })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      details: [
        {
          path: 'expected_returns',
          message: 'MO has 15 daily returns; historical_mean needs at least 20',
        },
      ],
    });
  });
});

/** Brute-force pairwise covariance: each pair's sample covariance over its shared last days. */
function bruteCov(h: Float64Array[]): number[][] {
  return h.map((a) =>
    h.map((b) => {
      const m = Math.min(a.length, b.length);
      return sampleCovariance([a.subarray(a.length - m), b.subarray(b.length - m)])[1]!;
    }),
  );
}

describe('property (seeded): no date is discarded that the method can use', () => {
  it('observations, volatility and the reports over 120 random books', () => {
    const rand = mulberry32(424242);
    let checked = 0;
    for (let c = 0; c < 120; c++) {
      const n = 2 + Math.floor(rand() * 5);
      const lengths = Array.from({ length: n }, () => 20 + Math.floor(rand() * 400));
      // Independent-ish random returns with a common factor, so Σ̂ is positive definite.
      const Lmax = Math.max(...lengths);
      const f = Float64Array.from({ length: Lmax }, () => (rand() - 0.5) * 0.02);
      const hist = lengths.map((L) =>
        Float64Array.from({ length: L }, (_, t) => f[Lmax - L + t]! + (rand() - 0.5) * 0.02),
      );
      const current: number[] = Array.from({ length: n }, () => (rand() < 0.25 ? 0 : rand()));
      if (!current.some((x) => x !== 0)) current[0] = 1;
      const req = RebalanceRequest.parse({
        portfolio_value: 1000,
        assets: hist.map((h, i) => ({
          asset: `A${i}`,
          target_weight: 1,
          current_weight: current[i],
          price: 1,
          historical_returns: Array.from(h),
        })),
      });
      const warnings: never[] = [];
      const history = readHistory(req, warnings);
      const total = current.reduce((s, x) => s + x, 0);
      const w = Float64Array.from(current, (x) => x / total);
      const target = Float64Array.from({ length: n }, () => 1 / n);
      const model = riskModel(req, history, forecastsOf(n), target, warnings);
      const m = model.metrics(w, 'p');
      const held = current.flatMap((x, i) => (x !== 0 ? [i] : []));
      const TH = Math.min(...held.map((i) => lengths[i]!));
      const common = Math.min(...lengths);
      const equal = lengths.every((L) => L === lengths[0]);
      expect(history.full === null).toBe(equal);
      // The date-wise figures use the held assets' window, never less.
      expect(m.observations, `case ${c}`).toBe(equal ? common : TH);
      expect(m.observations).toBeGreaterThanOrEqual(common);
      if (!equal && held.some((i) => lengths[i] !== lengths[held[0]!])) {
        // Moment figures: √(252 wᵀCw) with the brute-force pairwise C (PD here: no repair).
        const C = bruteCov(hist);
        let v = 0;
        for (const i of held) for (const j of held) v += w[i]! * C[i]![j]! * w[j]!;
        close(m.volatility, Math.sqrt(252 * v), 1e-10);
        const mu = held.reduce(
          (s, i) => s + w[i]! * (hist[i]!.reduce((a, b) => a + b, 0) / lengths[i]!),
          0,
        );
        close(m.expected_annual_return, 252 * mu, 1e-9, 1e-6);
        checked++;
      }
      if (equal) {
        // Equal lengths: exactly the aligned computation of before.
        const ref = computeRiskMetrics({
          returns: portfolioReturns(history.aligned!, w),
          riskFreeRate: req.risk_free_rate,
          referenceReturns: portfolioReturns(history.aligned!, target),
          source: 'historical_returns',
          fallbackExpectedReturn: 0,
        }).metrics;
        expect(m).toEqual(ref);
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('equal lengths: method common_window, no full-history figures', async () => {
    // Equal lengths: no full-history model, method common_window.
    const req = book();
    for (const a of req.assets) a.historical_returns = a.historical_returns!.slice(-300);
    const out = await runRebalance(req, clock);
    expect(out.history_observations?.method).toBe('common_window');
    expect(out.warnings.some((w) => w.code === 'FULL_HISTORY_RISK')).toBe(false);
    expect(out.risk_metrics.observations).toBe(300);
  });
});
