/**
 * Infeasibility diagnosis (named conflicts) and dual values (checked against finite differences of
 * the optimal objective: a dual is ∂objective/∂bound).
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { diagnoseInfeasible } from '../../../src/optimize/qp/diagnose';
import { normalize } from '../../../src/optimize/qp/normalize';
import { optimizePortfolio } from '../../../src/optimize/qp/optimize';
import type { OptimizationProblem } from '../../../src/optimize/qp/types';
import { covFromVolCorr, getSolver, loadStock20 } from './helpers';

const S3 = covFromVolCorr(
  [0.1, 0.2, 0.6],
  [
    [1, 0.3, 0.2],
    [0.3, 1, 0.5],
    [0.2, 0.5, 1],
  ],
);
const base: OptimizationProblem = {
  method: 'track_target',
  assets: ['Bonds', 'Equity', 'BTC'],
  assetClasses: ['ETF', 'Stocks', 'Crypto'],
  covariance: { kind: 'dense', matrix: S3 },
  currentWeights: [0.3, 0.3, 0.4],
  targetWeights: [0.3, 0.3, 0.4],
};

async function fail(p: OptimizationProblem): Promise<EngineError> {
  const e = await optimizePortfolio(p, await getSolver()).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(EngineError);
  return e as EngineError;
}

describe('infeasible requests name the conflicting constraints', () => {
  it('turnover cap too tight to respect an asset-class maximum (hand-worked: needs 20%)', async () => {
    // Crypto holds 40% and may hold at most 20%: 20% must be sold and 20% bought, one-way 20%.
    const e = await fail({ ...base, classBounds: { Crypto: { max: 0.2 } }, turnoverCap: 0.05 });
    expect(e.code).toBe('INFEASIBLE');
    expect(e.message).toContain('turnover cap 5% is too tight');
    expect(e.message).toContain('at least 20% one-way turnover');
    expect(e.details.map((d) => d.path)).toEqual(
      expect.arrayContaining(['turnover', 'class_max:Crypto']),
    );
  });
  it('class minimums above 100%', async () => {
    const e = await fail({ ...base, classBounds: { ETF: { min: 0.5 }, Stocks: { min: 0.6 } } });
    expect(e.code).toBe('INFEASIBLE');
    expect(e.details.map((d) => d.path)).toEqual(
      expect.arrayContaining(['budget', 'class_min:ETF', 'class_min:Stocks']),
    );
  });
  it('a no-trade asset above its maximum', async () => {
    const e = await fail({
      ...base,
      noTrade: ['BTC'],
      bounds: [undefined, undefined, { min: 0, max: 0.3 }],
    });
    expect(e.details.map((d) => d.path)).toEqual(['no_trade:BTC', 'asset_max:BTC']);
  });
  it('a cash floor the asset minimums do not leave room for', async () => {
    const e = await fail({
      ...base,
      cashFloor: 0.2,
      bounds: [
        { min: 0.3, max: 1 },
        { min: 0.3, max: 1 },
        { min: 0.25, max: 1 },
      ],
    });
    expect(e.details.map((d) => d.path)).toEqual(
      expect.arrayContaining([
        'cash_floor',
        'asset_min:Bonds',
        'asset_min:Equity',
        'asset_min:BTC',
      ]),
    );
  });
  it('max Sharpe with no asset above the risk-free rate', async () => {
    const e = await fail({
      ...base,
      method: 'max_sharpe',
      expectedReturns: [0.01, 0.015, 0.02],
      riskFreeRate: 0.02,
    });
    expect(e.details.map((d) => d.path)).toEqual(['expected_returns']);
  });
  it('full investment that only round trips could reach (costs paid from cash)', async () => {
    // Class max 99% and 1% of cash: spending it on 10 bp costs would need 10× turnover.
    const e = await fail({
      ...base,
      assetClasses: ['Stocks', 'Stocks', 'Stocks'],
      currentWeights: [0.3, 0.3, 0.39],
      classBounds: { Stocks: { max: 0.99 } },
      costBps: 10,
    });
    expect(e.code).toBe('INFEASIBLE');
    expect(e.details.map((d) => d.path)).toEqual(
      expect.arrayContaining(['budget', 'class_max:Stocks']),
    );
  });
  it('the phase-1 LP names an irreducible infeasible subset', async () => {
    const N = normalize({
      ...base,
      bounds: [
        { min: 0.5, max: 1 },
        { min: 0.5, max: 1 },
        { min: 0.1, max: 1 },
      ],
    });
    const e = await diagnoseInfeasible(N, await getSolver(), { discrete: false });
    expect(e?.code).toBe('INFEASIBLE');
    expect(e?.details.map((d) => d.path)).toEqual(
      expect.arrayContaining(['budget', 'asset_min:Bonds', 'asset_min:Equity']),
    );
  });
  it('bad input is BAD_REQUEST with one detail per field', async () => {
    const e = await fail({
      ...base,
      targetWeights: undefined,
      costBps: -1,
      noTrade: ['XYZ'],
    } as OptimizationProblem);
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.details.map((d) => d.path)).toEqual(
      expect.arrayContaining(['target_weights', 'cost_bps.0', 'no_trade.0']),
    );
  });
});

describe('duals equal finite differences of the optimal objective', () => {
  const S20 = loadStock20();
  const n = S20.names.length;
  const stock: OptimizationProblem = {
    method: 'mean_variance',
    assets: S20.names,
    assetClasses: S20.names.map((a) =>
      ['GOOG', 'AAPL', 'FB', 'AMZN', 'MA'].includes(a) ? 'Tech' : 'Other',
    ),
    covariance: { kind: 'dense', matrix: S20.cov },
    currentWeights: new Array(n).fill(0.05),
    expectedReturns: S20.mu,
    riskFreeRate: 0.02,
    riskAversion: 5,
    bounds: S20.names.map(() => ({ min: 0, max: 0.2 })),
    classBounds: { Tech: { max: 0.3 } },
    costBps: 5,
    turnoverCap: 0.4,
  };
  const h = 1e-5;
  async function objective(p: OptimizationProblem) {
    return (await optimizePortfolio(p, await getSolver())).objective;
  }
  /**
   * The optimal value v(b) is convex in a bound b, and a dual is a subgradient: it lies between the
   * one-sided difference quotients (equal to both where v is differentiable).
   */
  async function checkDual(
    make: (b: number) => OptimizationProblem,
    b0: number,
    dual: number,
    smooth: boolean,
  ) {
    const v0 = await objective(make(b0));
    const up = ((await objective(make(b0 + h))) - v0) / h;
    const down = (v0 - (await objective(make(b0 - h)))) / h;
    const tol = 1e-4 * Math.max(1e-3, Math.abs(up), Math.abs(down));
    expect(dual).toBeGreaterThanOrEqual(Math.min(up, down) - tol);
    expect(dual).toBeLessThanOrEqual(Math.max(up, down) + tol);
    if (smooth) expect(Math.abs(dual - (up + down) / 2)).toBeLessThanOrEqual(tol);
  }
  async function checkAll(p: OptimizationProblem, smooth: boolean) {
    const r = await optimizePortfolio(p, await getSolver());
    const dualOf = (nm: string) => r.binding_constraints.find((b) => b.name === nm)?.dual;
    const checked: string[] = [];
    const dt = dualOf('turnover');
    if (dt !== undefined && dt !== null) {
      await checkDual((b) => ({ ...p, turnoverCap: b }), p.turnoverCap!, dt, smooth);
      expect(dt).toBeLessThanOrEqual(0); // relaxing the cap cannot raise the objective
      checked.push('turnover');
    }
    const dc = dualOf('class_max:Tech');
    if (dc !== undefined && dc !== null) {
      await checkDual((b) => ({ ...p, classBounds: { Tech: { max: b } } }), 0.3, dc, smooth);
      checked.push('class_max:Tech');
    }
    for (const b of r.binding_constraints.filter((x) => x.name.startsWith('asset_max:'))) {
      const i = S20.names.indexOf(b.name.slice('asset_max:'.length));
      const make = (m: number) => ({
        ...p,
        bounds: p.bounds!.map((x, j) => (j === i ? { min: 0, max: m } : x)),
      });
      await checkDual(make, b.bound, b.dual!, smooth);
      checked.push(b.name);
    }
    return checked;
  }
  it('smooth case (no costs): duals equal central differences', async () => {
    const p = { ...stock, costBps: 0, turnoverCap: undefined } as OptimizationProblem;
    const checked = await checkAll(p, true);
    expect(checked).toEqual(expect.arrayContaining(['class_max:Tech']));
    expect(checked.length).toBeGreaterThanOrEqual(2);
  });
  it('with costs and a binding turnover cap: duals are subgradients', async () => {
    const checked = await checkAll(stock, false);
    expect(checked).toEqual(expect.arrayContaining(['turnover', 'class_max:Tech']));
  });
});
