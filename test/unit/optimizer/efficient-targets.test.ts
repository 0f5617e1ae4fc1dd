/**
 * efficient_risk, efficient_return and max_quadratic_utility (issue #11, src/optimize/qp/efficient.ts).
 *
 * References:
 * - PyPortfolioOpt's own tests (tests/test_efficient_frontier.py, published values of
 *   portfolio_performance()) on its stock_prices.csv = test/fixtures/pypfopt_stock_prices.csv, in
 *   its conventions (pypfopt-data.ts): μ = mean_historical_return (compounded: ∏(1 + r)^(252/count)
 *   − 1 per asset over its own dates), Σ = sample_cov = pandas' pairwise DataFrame.cov() × 252
 *   (ddof 1). Its utility μᵀw − δ/2 wᵀΣw has no risk-free rate; ours (μ − r_f)ᵀw − λ/2 wᵀΣw differs
 *   by the constant r_f under full investment, so r_f = 0 here and δ = λ (`risk_aversion`).
 *   PyPortfolioOpt's tolerance on these is atol 1e-6 (its cvxpy solve); ours is the same.
 * - test/reference/efficient_reference.py: the exact solution on the active set (closed-form KKT
 *   system, certificate checked there), weights within 1e-5 (issue #11), λ within 1e-6 relative.
 * - Properties over seeded random problems (mulberry32): the target is achieved within 1e-6 when
 *   feasible and refused as INFEASIBLE naming the field otherwise; the final QP's KKT verifies.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies read in the API tests */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { EngineError } from '../../../src/contract/common';
import { RebalanceMethod, refineOptimizeFields } from '../../../src/contract/optimize';
import { optimizePortfolio } from '../../../src/optimize/qp/optimize';
import type { OptimizationProblem } from '../../../src/optimize/qp/types';
import { startApp, type App } from '../../../src/server/app';
import { mulberry32 } from '../../integration/store/helpers';
import { json, raw } from '../../support/http';
import { getSolver, weightsOf } from './helpers';
import { pypfoptFrontierInputs } from './pypfopt-data';

// efficient_reference.py output -------------------------------------------------------------
const EFF_REF = {
  risk19: {
    weights: [
      0.0470525169585459, 0.053305452705461, 0.170704106787865, 0.109947340176104,
      0.0142456327880007, 0, 0, 0.0794421613836584, 0, 0, 0.0223916133006743, 0, 0,
      0.0774041143323809, 0, 0.0156504418713688, 0.205832941074276, 0.180404032422685, 0,
      0.0236196461989801,
    ],
    ret: 0.255242284526545,
    vol: 0.19,
    lambda: 9.77862280479642,
  },
  risk16: {
    weights: [
      0.0207170417699894, 0.0255645697930291, 0.113797150885885, 0.127116519040098, 0, 0, 0,
      0.159810553595152, 0, 0.0773490129687096, 0.154517790643763, 0, 0, 0.185419133141082, 0,
      0.00682948249357769, 0, 0.110484084221181, 0, 0.0183946614475335,
    ],
    ret: 0.164844354520225,
    vol: 0.16,
    lambda: 52.6778348561529,
  },
  risk30: {
    weights: [
      0, 0, 0.138710205646686, 0, 0.11472529975552, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0.746564494597794, 0, 0, 0,
    ],
    ret: 0.372163701323311,
    vol: 0.300000000000002,
    lambda: 1.77068719296377,
  },
  risk19short: {
    weights: [
      0.0842303412509764, 0.0642117180343274, 0.151931201221416, 0.137569488164857,
      0.0224224745629742, 0.0036694662661273, -0.0698831610687174, 0.113308353401577,
      -0.141971085262164, 0.0304815086699608, 0.0822986266330337, -0.0374825878856408,
      -0.0574655090590912, 0.132768707065158, -0.0306585736969962, 0.0376752268678142,
      0.260384032242807, 0.175125441489047, -0.0117864661352245, 0.0531707972377586,
    ],
    ret: 0.30035471536525,
    vol: 0.19,
    lambda: 12.5068842197234,
  },
  ret25: {
    weights: [
      0.0458037846473075, 0.051808100180684, 0.167447732991333, 0.111835850413524,
      0.0123116033912498, 0, 0, 0.0851448455953187, 0, 0, 0.03137812904535, 0, 0,
      0.0859370505036023, 0, 0.0154988364736914, 0.192723860192539, 0.17639830835814, 0,
      0.0237118982072608,
    ],
    ret: 0.25,
    vol: 0.187232699420263,
  },
  ret25short: {
    weights: [
      0.0654156099105257, 0.0508158027912, 0.135222304102108, 0.134654668009363,
      0.00938198515406658, 0.0186389317034638, -0.0527883566377507, 0.133883434097838,
      -0.106395284376454, 0.0657827312921386, 0.116824994865911, -0.0375494630744631,
      -0.0396915072947327, 0.152292546664912, -0.0178137922608246, 0.0288768642052571,
      0.165777438403635, 0.147128616396461, -0.0153307841726816, 0.0448732602200274,
    ],
    ret: 0.25,
    vol: 0.171495952348958,
  },
};
// -------------------------------------------------------------------------------------------

const P = pypfoptFrontierInputs();
const n = P.names.length;
const longShort = P.names.map(() => ({ min: -1, max: 1 }));

function problem(over: Partial<OptimizationProblem>): OptimizationProblem {
  return {
    method: 'efficient_risk',
    assets: P.names,
    covariance: { kind: 'dense', matrix: P.cov },
    currentWeights: new Array(n).fill(1 / n),
    expectedReturns: P.mu,
    riskFreeRate: 0,
    ...over,
  };
}

async function run(over: Partial<OptimizationProblem>) {
  return optimizePortfolio(problem(over), await getSolver());
}

async function refusal(over: Partial<OptimizationProblem>): Promise<EngineError> {
  try {
    await run(over);
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected an EngineError');
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

describe('closed forms (the doc comments’ worked examples)', () => {
  // Σ = diag(0.04, 0.09), μ = (0.06, 0.10), r_f = 0, long-only, full investment.
  const two = (over: Partial<OptimizationProblem>): OptimizationProblem => ({
    method: 'efficient_risk',
    assets: ['A', 'B'],
    covariance: { kind: 'dense', matrix: new Float64Array([0.04, 0, 0, 0.09]) },
    currentWeights: [0.5, 0.5],
    expectedReturns: [0.06, 0.1],
    ...over,
  });
  it('efficient_risk 0.20: w = (5/13, 8/13), return 0.084615, λ = 1', async () => {
    const r = await optimizePortfolio(two({ targetVolatility: 0.2 }), await getSolver());
    expect(maxDiff(weightsOf(r), [5 / 13, 8 / 13])).toBeLessThanOrEqual(1e-9);
    expect(r.expected_return!).toBeCloseTo(0.06 + 0.04 * (8 / 13), 10);
    expect(r.target!.risk_aversion!).toBeCloseTo(1, 7);
    expect(r.target!.attainable_min!).toBeCloseTo(Math.sqrt((0.04 * 0.09) / 0.13), 10);
  });
  it('efficient_return 0.09: w = (0.25, 0.75), volatility 0.230489', async () => {
    const r = await optimizePortfolio(
      two({ method: 'efficient_return', targetReturn: 0.09 }),
      await getSolver(),
    );
    expect(maxDiff(weightsOf(r), [0.25, 0.75])).toBeLessThanOrEqual(1e-9);
    expect(r.volatility).toBeCloseTo(Math.sqrt(0.053125), 10);
    // Below the minimum-variance portfolio's 0.0723 the floor does not bind.
    const low = await optimizePortfolio(
      two({ method: 'efficient_return', targetReturn: 0.05 }),
      await getSolver(),
    );
    expect(maxDiff(weightsOf(low), [9 / 13, 4 / 13])).toBeLessThanOrEqual(1e-9);
    expect(low.target).toMatchObject({ achieved: true, binding: false });
  });
});

describe('PyPortfolioOpt published values (tests/test_efficient_frontier.py)', () => {
  it('efficient_risk(0.19), long-only: return 0.2552422849133517 at volatility 0.19', async () => {
    const r = await run({ targetVolatility: 0.19 });
    expect(Math.abs(r.expected_return! - 0.2552422849133517)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(r.volatility - 0.19)).toBeLessThanOrEqual(1e-6);
    expect(weightsOf(r).every((w) => w >= -1e-12)).toBe(true);
    expect(r.target).toMatchObject({
      kind: 'volatility',
      target: 0.19,
      achieved: true,
      binding: true,
    });
    expect(r.kkt?.verified).toBe(true);
  });

  it('efficient_risk(0.19) with weight_bounds (-1, 1): return 0.30035471606347336', async () => {
    const r = await run({ targetVolatility: 0.19, bounds: longShort });
    expect(Math.abs(r.expected_return! - 0.30035471606347336)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(r.volatility - 0.19)).toBeLessThanOrEqual(1e-6);
    expect(r.kkt?.verified).toBe(true);
  });

  it('efficient_risk many values (0.16, 0.21, 0.30): volatility within 1e-6 of each', async () => {
    for (const t of [0.16, 0.21, 0.3]) {
      const r = await run({ targetVolatility: t });
      expect(Math.abs(r.volatility - t), `target ${t}`).toBeLessThanOrEqual(1e-6);
      expect(weightsOf(r).reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    }
  });

  it('efficient_risk error: min volatility + 0.01 works; min volatility − 0.01 is INFEASIBLE', async () => {
    // min_volatility(): (0.15056821399482578, 0.15915084514118694).
    const mv = await run({ method: 'min_variance' });
    expect(Math.abs(mv.volatility - 0.15915084514118694)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(mv.expected_return! - 0.15056821399482578)).toBeLessThanOrEqual(1e-6);
    const ok = await run({ targetVolatility: mv.volatility + 0.01 });
    expect(Math.abs(ok.volatility - mv.volatility - 0.01)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(ok.target!.attainable_min! - mv.volatility)).toBeLessThanOrEqual(1e-9);
    const e = await refusal({ targetVolatility: mv.volatility - 0.01 });
    expect(e.code).toBe('INFEASIBLE');
    expect(e.details.map((d) => d.path)).toEqual(['target_volatility']);
    // The attainable range is in the message: from σ_min to the max-return portfolio's σ.
    expect(e.message).toMatch(/attainable targets: from 0\.159151 to 0\.346847/);
  });

  it('efficient_risk limit: a target of 1 gives the maximum-return portfolio', async () => {
    // test_max_returns: long-only, all in the asset of largest μ.
    const r = await run({ targetVolatility: 1 });
    const best = P.mu.indexOf(Math.max(...P.mu));
    const w = weightsOf(r);
    expect(w[best]).toBeCloseTo(1, 9);
    expect(r.target).toMatchObject({ achieved: true, binding: false, risk_aversion: null });
    expect(r.target!.attainable_max).toBeCloseTo(r.volatility, 12);
  });

  it('efficient_return(0.25): volatility 0.18723269942026335', async () => {
    const r = await run({ method: 'efficient_return', targetReturn: 0.25 });
    expect(Math.abs(r.volatility - 0.18723269942026335)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(r.expected_return! - 0.25)).toBeLessThanOrEqual(1e-8);
    expect(r.target).toMatchObject({ kind: 'return', achieved: true, binding: true });
    expect(r.kkt?.verified).toBe(true);
  });

  it('efficient_return error: max μ + 0.01 is INFEASIBLE naming target_return', async () => {
    const top = Math.max(...P.mu);
    const e = await refusal({ method: 'efficient_return', targetReturn: top + 0.01 });
    expect(e.code).toBe('INFEASIBLE');
    expect(e.details.map((d) => d.path)).toEqual(['target_return']);
    expect(e.message).toContain(`up to ${+top.toPrecision(6)}`);
    // At exactly the largest attainable return: the maximum-return portfolio.
    const r = await run({ method: 'efficient_return', targetReturn: top });
    expect(r.target!.achieved).toBe(true);
    expect(Math.abs(r.expected_return! - top)).toBeLessThanOrEqual(1e-8);
  });

  it('max_quadratic_utility(2): (0.3677732711751504, 0.2921342197778279)', async () => {
    const r = await run({ method: 'max_quadratic_utility', riskAversion: 2 });
    expect(Math.abs(r.expected_return! - 0.3677732711751504)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(r.volatility - 0.2921342197778279)).toBeLessThanOrEqual(1e-6);
    // Raising δ lowers both (test_max_quadratic_utility).
    const r10 = await run({ method: 'max_quadratic_utility', riskAversion: 10 });
    expect(r10.expected_return!).toBeLessThan(r.expected_return!);
    expect(r10.volatility).toBeLessThan(r.volatility);
  });

  it('max_quadratic_utility() with (-1, 1): (1.4170505733098597, 1.0438577623242156)', async () => {
    const r = await run({ method: 'max_quadratic_utility', bounds: longShort });
    expect(Math.abs(r.expected_return! - 1.4170505733098597)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(r.volatility - 1.0438577623242156)).toBeLessThanOrEqual(1e-6);
  });
});

describe('max_quadratic_utility is mean_variance under PyPortfolioOpt’s name', () => {
  it('same weights and objective for λ in {0.5, 1, 2, 10}, with r_f, costs, a cap and a cash floor', async () => {
    for (const riskAversion of [0.5, 1, 2, 10]) {
      const over: Partial<OptimizationProblem> = {
        riskAversion,
        riskFreeRate: 0.02,
        costBps: 5,
        turnoverCap: 0.3,
        cashFloor: 0.05,
      };
      const a = await run({ ...over, method: 'mean_variance' });
      const b = await run({ ...over, method: 'max_quadratic_utility' });
      expect(weightsOf(b)).toEqual(weightsOf(a));
      expect(b.objective).toBe(a.objective);
      expect(b.method).toBe('max_quadratic_utility');
    }
  });
});

describe('vs test/reference/efficient_reference.py (exact on the active set)', () => {
  const cases = [
    ['risk19', { targetVolatility: 0.19 }],
    ['risk16', { targetVolatility: 0.16 }],
    ['risk30', { targetVolatility: 0.3 }],
    ['risk19short', { targetVolatility: 0.19, bounds: longShort }],
    ['ret25', { method: 'efficient_return', targetReturn: 0.25 }],
    ['ret25short', { method: 'efficient_return', targetReturn: 0.25, bounds: longShort }],
  ] as const;
  for (const [tag, over] of cases)
    it(`${tag}: weights within 1e-5, λ within 1e-6 relative, KKT verified`, async () => {
      const ref = EFF_REF[tag];
      const r = await run(over as Partial<OptimizationProblem>);
      expect(maxDiff(weightsOf(r), ref.weights)).toBeLessThanOrEqual(1e-5);
      expect(Math.abs(r.expected_return! - ref.ret)).toBeLessThanOrEqual(1e-8);
      expect(Math.abs(r.volatility - ref.vol)).toBeLessThanOrEqual(1e-8);
      if ('lambda' in ref)
        expect(Math.abs(r.target!.risk_aversion! / ref.lambda - 1)).toBeLessThanOrEqual(1e-6);
      expect(r.kkt?.verified).toBe(true);
    });

  it('efficient_risk equals mean_variance at the reported λ (the certificate’s multiplier)', async () => {
    const r = await run({ targetVolatility: 0.21, bounds: longShort });
    const mv = await run({
      method: 'mean_variance',
      riskAversion: r.target!.risk_aversion!,
      bounds: longShort,
    });
    expect(maxDiff(weightsOf(mv), weightsOf(r))).toBeLessThanOrEqual(1e-7);
  });
});

/** A random problem: factor Σ (positive definite), μ, and some of the constraints. */
function randomProblem(rand: () => number, n: number): OptimizationProblem {
  const k = 2;
  const B = Array.from({ length: n * k }, () => rand() - 0.5);
  const d = Array.from({ length: n }, () => 0.01 + 0.05 * rand());
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? d[i]! : 0;
      for (let f = 0; f < k; f++) s += 0.04 * B[i * k + f]! * B[j * k + f]!;
      S[i * n + j] = s;
    }
  const w0 = Array.from({ length: n }, () => rand());
  const s0 = w0.reduce((a, b) => a + b, 0);
  const p: OptimizationProblem = {
    method: 'efficient_risk',
    assets: Array.from({ length: n }, (_, i) => `A${i}`),
    covariance: { kind: 'dense', matrix: S },
    currentWeights: w0.map((v) => v / s0),
    expectedReturns: Array.from({ length: n }, () => 0.02 + 0.12 * rand()),
    riskFreeRate: 0.01,
  };
  const shape = Math.floor(rand() * 5);
  if (shape === 1) p.bounds = p.assets.map(() => ({ min: -0.5, max: 0.8 }));
  if (shape === 2) p.bounds = p.assets.map(() => ({ min: 0, max: Math.max(0.35, 2 / n) }));
  if (shape === 3) {
    p.costBps = Array.from({ length: n }, () => 20 * rand());
    p.turnoverCap = 0.6;
  }
  if (shape === 4) p.cashFloor = 0.1;
  return p;
}

describe('properties (seeded random problems)', () => {
  it('efficient_risk reaches a feasible target within 1e-6 and refuses one below σ_min', async () => {
    const rand = mulberry32(20251101);
    const solver = await getSolver();
    let binding = 0;
    for (let c = 0; c < 60; c++) {
      const n = 3 + Math.floor(rand() * 10);
      const base = randomProblem(rand, n);
      // The range: σ_min from a target far below, σ_top from one far above.
      const top = await optimizePortfolio({ ...base, targetVolatility: 10 }, solver);
      const sMin = top.target!.attainable_min!;
      const sTop = top.target!.attainable_max!;
      expect(top.target!.binding).toBe(false);
      expect(sTop).toBeGreaterThanOrEqual(sMin - 1e-9);
      const target = sMin + (sTop - sMin) * (0.05 + 0.9 * rand());
      const r = await optimizePortfolio({ ...base, targetVolatility: target }, solver);
      expect(Math.abs(r.volatility - target), `case ${c}`).toBeLessThanOrEqual(1e-6);
      expect(r.target!.achieved).toBe(true);
      if (r.target!.binding) binding++;
      expect(r.kkt?.verified, `case ${c}: ${JSON.stringify(r.kkt)}`).toBe(true);
      // Optimality from the other side: no portfolio reaching the achieved return (net of
      // costs) has less volatility than the target — efficient_return at that return (min
      // variance + costs) cannot go below it; without costs it lands on the same portfolio.
      const back = await optimizePortfolio(
        { ...base, method: 'efficient_return', targetReturn: r.objective },
        solver,
      );
      expect(back.volatility, `case ${c}`).toBeGreaterThanOrEqual(target - 1e-5);
      if (base.costBps === undefined)
        expect(back.volatility, `case ${c}`).toBeLessThanOrEqual(target + 1e-5);
      // Below σ_min: refused, naming the field (with a cash floor all-cash has σ_min = 0).
      if (base.cashFloor !== undefined) {
        expect(sMin).toBe(0);
        continue;
      }
      let err: unknown = null;
      try {
        await optimizePortfolio(
          { ...base, targetVolatility: sMin * (1 - 0.02 - 0.5 * rand()) },
          solver,
        );
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EngineError);
      expect((err as EngineError).code, (err as Error).message).toBe('INFEASIBLE');
      expect((err as EngineError).details[0]?.path).toBe('target_volatility');
    }
    expect(binding).toBeGreaterThanOrEqual(55);
  });

  it('efficient_return reaches at least a feasible target and refuses one above the maximum', async () => {
    const rand = mulberry32(7);
    const solver = await getSolver();
    for (let c = 0; c < 60; c++) {
      const n = 3 + Math.floor(rand() * 10);
      const base = { ...randomProblem(rand, n), method: 'efficient_return' as const };
      const hi = await optimizePortfolio({ ...base, targetReturn: -1 }, solver);
      const rMax = hi.target!.attainable_max!;
      expect(hi.target!.binding).toBe(false); // −1 is below every portfolio's return
      const target = hi.target!.achieved_value + (rMax - hi.target!.achieved_value) * rand();
      const r = await optimizePortfolio({ ...base, targetReturn: target }, solver);
      expect(r.target!.achieved_value, `case ${c}`).toBeGreaterThanOrEqual(target - 1e-8);
      expect(r.kkt?.verified, `case ${c}`).toBe(true);
      let err: unknown = null;
      try {
        await optimizePortfolio({ ...base, targetReturn: rMax + 0.001 + rand() * 0.1 }, solver);
      } catch (e) {
        err = e;
      }
      expect((err as EngineError).code).toBe('INFEASIBLE');
      expect((err as EngineError).details[0]?.path).toBe('target_return');
    }
  });

  it('the expected return of efficient_risk is non-decreasing in the target', async () => {
    const rand = mulberry32(99);
    const solver = await getSolver();
    const base = randomProblem(rand, 8);
    let prevRet = -Infinity;
    const lo = (await optimizePortfolio({ ...base, targetVolatility: 10 }, solver)).target!;
    for (let k = 0; k <= 10; k++) {
      const t = lo.attainable_min! + ((lo.attainable_max! - lo.attainable_min!) * k) / 10;
      const r = await optimizePortfolio({ ...base, targetVolatility: t }, solver);
      expect(r.objective).toBeGreaterThanOrEqual(prevRet - 1e-9);
      prevRet = r.objective;
    }
  });
});

describe('constraints shared with the other methods', () => {
  it('costs and a turnover cap: the target holds, the cap holds, KKT verifies', async () => {
    const r = await run({ targetVolatility: 0.2, costBps: 10, turnoverCap: 0.25 });
    expect(Math.abs(r.volatility - 0.2)).toBeLessThanOrEqual(1e-6);
    expect(r.turnover).toBeLessThanOrEqual(0.25 + 1e-9);
    expect(r.kkt?.verified).toBe(true);
    // The objective is the expected return net of costs: r_f + μᵀw − costs (r_f = 0 here).
    const ret = weightsOf(r).reduce((s, w, i) => s + w * P.mu[i]!, 0);
    expect(Math.abs(r.objective - (ret - r.cost))).toBeLessThanOrEqual(1e-12);
    expect(r.cost).toBeGreaterThan(0);
  });

  it('efficient_return with whole lots: the floor holds for the discrete portfolio', async () => {
    // Six assets: branch-and-bound with a return floor is a knapsack-like search.
    const k = 6;
    const S6 = Float64Array.from(
      { length: k * k },
      (_, q) => P.cov[Math.floor(q / k) * n + (q % k)]!,
    );
    const r = await optimizePortfolio(
      {
        method: 'efficient_return',
        assets: P.names.slice(0, k),
        covariance: { kind: 'dense', matrix: S6 },
        currentWeights: new Array(k).fill(1 / k),
        expectedReturns: P.mu.slice(0, k),
        targetReturn: 0.22,
        portfolioValue: 1e6,
        lots: { lotSize: new Array(k).fill(10), price: new Array(k).fill(100) },
      },
      await getSolver(),
    );
    expect(r.target!.achieved_value).toBeGreaterThanOrEqual(0.22 - 1e-9);
    expect(r.integer?.rules).toEqual(['whole_lots']);
    expect(r.solver.status).toBe('optimal');
    for (const w of r.weights) expect(Math.abs(w.lots! - Math.round(w.lots!))).toBe(0);
  });

  it('efficient_risk with whole lots: stage 2 (closest discrete portfolio), judged on it', async () => {
    const k = 6;
    const S6 = Float64Array.from(
      { length: k * k },
      (_, q) => P.cov[Math.floor(q / k) * n + (q % k)]!,
    );
    const base = {
      assets: P.names.slice(0, k),
      covariance: { kind: 'dense' as const, matrix: S6 },
      currentWeights: new Array(k).fill(1 / k),
      expectedReturns: P.mu.slice(0, k),
    };
    const cont = await optimizePortfolio(
      { ...base, method: 'efficient_risk', targetVolatility: 0.22 },
      await getSolver(),
    );
    const r = await optimizePortfolio(
      {
        ...base,
        method: 'efficient_risk',
        targetVolatility: 0.22,
        portfolioValue: 1e6,
        lots: { lotSize: new Array(k).fill(100), price: new Array(k).fill(100) },
      },
      await getSolver(),
    );
    expect(r.warnings.map((w) => w.code)).toContain('DISCRETE_STAGE_2');
    expect(r.target!.achieved_value).toBe(r.volatility);
    expect(r.target!.achieved).toBe(r.volatility <= 0.22 + 1e-6);
    // Each weight within one lot (0.01) of the continuous optimum's.
    expect(maxDiff(weightsOf(r), weightsOf(cont))).toBeLessThanOrEqual(0.01 + 1e-9);
  });

  it('a missing target is BAD_REQUEST naming the field', async () => {
    const e = await refusal({ method: 'efficient_risk' });
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.details.map((d) => d.path)).toEqual(['target_volatility']);
    const f = await refusal({ method: 'efficient_return' });
    expect(f.details.map((d) => d.path)).toEqual(['target_return']);
  });
});

describe('contract: refineOptimizeFields', () => {
  const Req = z
    .object({
      method: RebalanceMethod,
      target_volatility: z.number().optional(),
      target_return: z.number().optional(),
      assets: z.array(z.object({ asset: z.string() })),
    })
    .superRefine((r, ctx) => refineOptimizeFields(r, ctx));
  it('requires the target of each target method', () => {
    const bad = Req.safeParse({ method: 'efficient_risk', assets: [{ asset: 'A' }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['target_volatility']);
    const bad2 = Req.safeParse({ method: 'efficient_return', assets: [{ asset: 'A' }] });
    expect(bad2.error?.issues.map((i) => i.path.join('.'))).toEqual(['target_return']);
    expect(
      Req.safeParse({ method: 'efficient_risk', target_volatility: 0.1, assets: [{ asset: 'A' }] })
        .success,
    ).toBe(true);
  });
});

describe('through POST /api/rebalance (2022 scenario, HiGHS in the compute pool)', () => {
  const scenarios = (
    JSON.parse(
      readFileSync(join(import.meta.dirname, '../../../resources/scenarios.json'), 'utf8'),
    ) as { scenarios: { name: string; request: Record<string, unknown> }[] }
  ).scenarios;
  const req = scenarios.find((x) => x.name.startsWith('2022'))!.request;
  let app: App;
  const post = async (body: unknown) => {
    const r = await raw(app.server.port, {
      method: 'POST',
      path: '/api/rebalance',
      ...json(app.token, body),
    });
    return { status: r.status, body: JSON.parse(r.body) as Record<string, any> };
  };
  beforeAll(async () => {
    app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'spr-frontier-')), port: 0 });
  });
  afterAll(async () => app?.close());

  it('efficient_risk: the target within 1e-6, the range, 422 INFEASIBLE below it', async () => {
    const wide = await post({ ...req, method: 'efficient_risk', target_volatility: 5 });
    expect(wide.status, JSON.stringify(wide.body).slice(0, 500)).toBe(200);
    const t = wide.body.optimization.target;
    expect(t).toMatchObject({ kind: 'volatility', achieved: true, binding: false });
    const goal = (t.attainable_min + t.attainable_max) / 2;
    const r = await post({ ...req, method: 'efficient_risk', target_volatility: goal });
    expect(r.status).toBe(200);
    expect(r.body.method).toBe('efficient_risk');
    const o = r.body.optimization;
    expect(Math.abs(o.volatility - goal)).toBeLessThanOrEqual(1e-6);
    expect(o.target).toMatchObject({ target: goal, achieved: true, binding: true });
    expect(o.kkt.verified).toBe(true);
    const bad = await post({
      ...req,
      method: 'efficient_risk',
      target_volatility: t.attainable_min / 2,
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('INFEASIBLE');
    expect(bad.body.details[0].path).toBe('target_volatility');
    expect(bad.body.error).toContain('attainable targets: from');
    const missing = await post({ ...req, method: 'efficient_risk' });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body.details)).toContain('target_volatility');
  });

  it('efficient_return, max_quadratic_utility and hrp answer with their blocks', async () => {
    const top = await post({ ...req, method: 'efficient_return', target_return: -1 });
    expect(top.status).toBe(200);
    const rMax = top.body.optimization.target.attainable_max as number;
    const r = await post({ ...req, method: 'efficient_return', target_return: rMax - 0.01 });
    expect(r.body.optimization.target.achieved_value).toBeGreaterThanOrEqual(rMax - 0.01 - 1e-8);
    const over = await post({ ...req, method: 'efficient_return', target_return: rMax + 0.05 });
    expect(over.status).toBe(422);
    expect(over.body.details[0].path).toBe('target_return');
    const q = await post({ ...req, method: 'max_quadratic_utility', risk_aversion: 3 });
    const m = await post({ ...req, method: 'mean_variance', risk_aversion: 3 });
    expect(q.body.optimization.weights).toEqual(m.body.optimization.weights);
    const h = await post({ ...req, method: 'hrp', hrp_linkage: 'ward' });
    expect(h.status).toBe(200);
    expect(h.body.optimization.hrp.linkage).toBe('ward');
    expect(h.body.optimization.hrp.order).toHaveLength((req.assets as unknown[]).length);
  });
});
