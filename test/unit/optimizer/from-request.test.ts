/**
 * buildOptimizationProblem: request fields → OptimizationProblem (+ covariance estimated from the
 * returns), then optimizePortfolio — the path the rebalance service takes.
 */
import { describe, expect, it } from 'vitest';
import { buildOptimizationProblem } from '../../../src/optimize/qp/from-request';
import { optimizePortfolio } from '../../../src/optimize/qp/optimize';
import { getSolver, loadStock20 } from './helpers';

const S20 = loadStock20();
const assets = S20.names.map((a, i) => ({
  asset: a,
  asset_class: i < 5 ? 'ETF' : 'Stocks',
  current_weight: 0.05,
  target_weight: i < 10 ? 0.08 : 0.02,
  price: 50 + i,
  lot_size: 1,
  min_trade_value: 0,
}));

describe('buildOptimizationProblem', () => {
  it('maps the fields, estimates the covariance (sample ≡ the reference Σ) and solves', async () => {
    const { problem, context } = buildOptimizationProblem({
      method: 'track_target',
      fields: {
        covariance: { estimator: 'sample' },
        bounds: { AAPL: { min: 0.02, max: 0.06 } },
        class_bounds: { ETF: { max: 0.3 } },
        no_trade: ['GE'],
        asset_cost_bps: { AMZN: 25 },
        cash_floor: 0.01,
      },
      assets,
      portfolioValue: 1_000_000,
      turnoverLimit: 0.2,
      transactionCostBps: 10,
      riskFreeRate: 0.02,
      returns: S20.returns,
    });
    expect(context.covarianceInfo).toMatchObject({
      estimator: 'sample',
      annualization: 252,
      observations: 895,
    });
    if (problem.covariance.kind !== 'dense') throw new Error('dense expected');
    problem.covariance.matrix.forEach((v, i) =>
      expect(Math.abs(v - S20.cov[i]!)).toBeLessThanOrEqual(1e-15),
    );
    expect(problem.costBps).toEqual(S20.names.map((a) => (a === 'AMZN' ? 25 : 10)));
    expect(problem.turnoverCap).toBe(0.2);
    const r = await optimizePortfolio(problem, await getSolver(), context);
    const w = Object.fromEntries(r.weights.map((x) => [x.asset, x.weight]));
    expect(w.GE).toBe(0.05);
    expect(w.AAPL!).toBeLessThanOrEqual(0.06 + 1e-12);
    expect(r.cash_weight).toBeGreaterThanOrEqual(0.01 - 1e-12);
    expect(r.covariance?.estimator).toBe('sample');
    expect(r.binding_constraints.map((b) => b.name)).toContain('no_trade:GE');
  });

  it('whole lots use each asset’s lot size and price; residual cash is reported', async () => {
    const { problem, context } = buildOptimizationProblem({
      method: 'min_variance',
      fields: { covariance: { estimator: 'ledoit_wolf' }, whole_lots: true },
      assets: assets.map((a) => ({ ...a, lot_size: 100 })),
      portfolioValue: 1_000_000,
      turnoverLimit: 1,
      transactionCostBps: 0,
      riskFreeRate: 0.02,
      returns: S20.returns,
    });
    expect(problem.lots?.lotSize).toEqual(new Array(20).fill(100));
    const r = await optimizePortfolio(problem, await getSolver(), context);
    for (const x of r.weights) {
      expect(Number.isInteger(x.lots)).toBe(true);
      expect(x.units).toBe(x.lots! * 100);
    }
    expect(r.integer?.residual_cash).toBeGreaterThanOrEqual(0);
    expect(r.integer!.residual_cash_weight).toBeLessThanOrEqual(
      Math.max(...assets.map((a) => (100 * a.price) / 1e6)) + 1e-12,
    );
  });

  it('rejects a return history that does not match the assets', () => {
    expect(() =>
      buildOptimizationProblem({
        method: 'min_variance',
        fields: { covariance: { estimator: 'sample' } },
        assets,
        portfolioValue: 1,
        turnoverLimit: 1,
        transactionCostBps: 0,
        riskFreeRate: 0,
        returns: S20.returns.slice(0, 3),
      }),
    ).toThrow(/does not match/);
  });
});
