import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import {
  efficientFrontier,
  evaluatePortfolio,
  frontierProblem,
  minVarianceAt,
  type FrontierResult,
} from '../../../src/optimize/qp/frontier';
import { normalize } from '../../../src/optimize/qp/normalize';
import type { OptimizationProblem } from '../../../src/optimize/qp/types';
import { getSolver } from './helpers';

/** Solves the 3×3 system M x = b by Gaussian elimination with partial pivoting. */
function solve3(M: number[][], b: number[]): number[] {
  const a = M.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < 3; c++) {
    let p = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = c + 1; r < 3; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k < 4; k++) a[r]![k] = a[r]![k]! - f * a[c]![k]!;
    }
  }
  const x = [0, 0, 0];
  for (let r = 2; r >= 0; r--) {
    let s = a[r]![3]!;
    for (let k = r + 1; k < 3; k++) s -= a[r]![k]! * x[k]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

// Three assets: σ = (15%, 20%, 28%), ρ12 = 0.3, ρ13 = 0.2, ρ23 = 0.4; μ = (6%, 9%, 13%).
const sd = [0.15, 0.2, 0.28];
const rho = [
  [1, 0.3, 0.2],
  [0.3, 1, 0.4],
  [0.2, 0.4, 1],
];
const S = sd.map((si, i) => sd.map((sj, j) => si * sj * rho[i]![j]!));
const mu = [0.06, 0.09, 0.13];
const rf = 0.02;

/** Closed-form Markowitz frontier (budget only): A = 1ᵀΣ⁻¹1, B = 1ᵀΣ⁻¹μ, C = μᵀΣ⁻¹μ. */
const Si1 = solve3(S, [1, 1, 1]);
const Simu = solve3(S, mu);
const A = Si1.reduce((s, v) => s + v, 0);
const B = Simu.reduce((s, v) => s + v, 0);
const C = Simu.reduce((s, v, i) => s + v * mu[i]!, 0);
const D = A * C - B * B;
const closedVariance = (m: number) => (A * m * m - 2 * B * m + C) / D;
/** w(μ*) = Σ⁻¹(λ1 + γμ), λ = (C − μ*B)/D, γ = (μ*A − B)/D. */
const closedWeights = (m: number) => {
  const lam = (C - m * B) / D;
  const gam = (m * A - B) / D;
  return Si1.map((v, i) => lam * v + gam * Simu[i]!);
};

const problem3 = (over: Partial<OptimizationProblem> = {}): OptimizationProblem => ({
  method: 'min_variance',
  assets: ['A', 'B', 'C'],
  covariance: { kind: 'dense', matrix: Float64Array.from(S.flat()) },
  currentWeights: [0.5, 0.3, 0.2],
  expectedReturns: mu,
  riskFreeRate: rf,
  // Wide bounds: only the budget binds over most of the frontier (checked per point below).
  bounds: [
    { min: -1, max: 1 },
    { min: -1, max: 1 },
    { min: -1, max: 1 },
  ],
  ...over,
});

const markers = [
  { name: 'current' as const, label: 'the current portfolio', weights: [0.5, 0.3, 0.2] },
  { name: 'target' as const, label: 'the target portfolio', weights: [0.2, 0.2, 0.6] },
  { name: 'proposed' as const, label: 'the proposed portfolio', weights: [0.45, 0.3, 0.2] },
];

const marker = (f: FrontierResult, name: string) => f.markers.find((m) => m.name === name)!;

describe('efficientFrontier', () => {
  it('matches the closed-form Markowitz frontier to 1e-6 wherever no bound binds', async () => {
    const solver = await getSolver();
    const f = await efficientFrontier(problem3(), solver, 25, markers);
    expect(f.points).toHaveLength(25);
    let checked = 0;
    for (const p of f.points) {
      const w = closedWeights(p.expected_return);
      if (!w.every((v) => v > -1 + 1e-6 && v < 1 - 1e-6)) continue;
      checked++;
      expect(Math.abs(p.volatility - Math.sqrt(closedVariance(p.expected_return)))).toBeLessThan(
        1e-6,
      );
    }
    expect(checked).toBeGreaterThanOrEqual(10);
    // The minimum-variance portfolio: μ = B/A, σ² = 1/A.
    const mv = marker(f, 'min_variance');
    expect(Math.abs(mv.expected_return - B / A)).toBeLessThan(1e-6);
    expect(Math.abs(mv.volatility - Math.sqrt(1 / A))).toBeLessThan(1e-6);
    expect(f.points[0]).toEqual({ expected_return: mv.expected_return, volatility: mv.volatility });
    // Max Sharpe (tangency, budget only): w ∝ Σ⁻¹(μ − r_f 1), inside the bounds here.
    const ex = solve3(
      S,
      mu.map((m) => m - rf),
    );
    const wt = ex.map((v) => v / ex.reduce((s, x) => s + x, 0));
    expect(wt.every((v) => v > -1 && v < 1)).toBe(true);
    const tangency = evaluatePortfolio(normalize(frontierProblem(problem3())), wt);
    const ms = marker(f, 'max_sharpe');
    const sharpe = (p: { expected_return: number; volatility: number }) =>
      (p.expected_return - rf) / p.volatility;
    expect(Math.abs(sharpe(ms) - sharpe(tangency))).toBeLessThan(1e-6);
  });

  it('volatility is non-decreasing along the points, never below the minimum variance, and no marker lies left of the frontier', async () => {
    const solver = await getSolver();
    for (const p of [problem3(), problem3({ bounds: undefined })]) {
      const f = await efficientFrontier(p, solver, 30, markers);
      const mv = marker(f, 'min_variance');
      for (let k = 0; k < f.points.length; k++) {
        const v = f.points[k]!.volatility;
        expect(v).toBeGreaterThanOrEqual(mv.volatility - 1e-9);
        if (k > 0) {
          expect(v).toBeGreaterThanOrEqual(f.points[k - 1]!.volatility - 1e-9);
          expect(f.points[k]!.expected_return).toBeGreaterThan(f.points[k - 1]!.expected_return);
        }
      }
      // At each marker's own return, the frontier's volatility (solved there) is not above it.
      const N = normalize(frontierProblem(p));
      for (const m of f.markers) {
        if (m.name === 'proposed') continue; // holds 5% cash: outside the constraints (noted)
        let frontierVol = mv.volatility;
        if (m.expected_return > mv.expected_return + 1e-12) {
          const w = await minVarianceAt(N, solver, m.expected_return);
          frontierVol = evaluatePortfolio(N, w!).volatility;
        }
        expect(m.volatility).toBeGreaterThanOrEqual(frontierVol - 1e-7);
      }
      expect(f.notes.some((n) => n.startsWith('the proposed portfolio holds 5.00% cash'))).toBe(
        true,
      );
      expect(f.notes.some((n) => n.startsWith('the current portfolio'))).toBe(false);
    }
  });

  it('long-only, two uncorrelated assets: from w = (9/13, 4/13) to w = (0, 1)', async () => {
    const solver = await getSolver();
    const f = await efficientFrontier(
      {
        method: 'max_sharpe',
        assets: ['X', 'Y'],
        covariance: { kind: 'dense', matrix: new Float64Array([0.04, 0, 0, 0.09]) },
        currentWeights: [0.5, 0.5],
        expectedReturns: [0.06, 0.1],
      },
      solver,
      5,
      [],
    );
    // Σ⁻¹1 = (25, 100/9), A = 325/9: σ_mv = √(9/325); μ_mv = (1.5 + 10/9)/(325/9) = 23.5/325.
    expect(f.points[0]!.volatility).toBeCloseTo(Math.sqrt(9 / 325), 7);
    expect(f.points[0]!.expected_return).toBeCloseTo(23.5 / 325, 7);
    expect(f.points[4]!.expected_return).toBeCloseTo(0.1, 7);
    expect(f.points[4]!.volatility).toBeCloseTo(0.3, 6);
    expect(f.notes[0]).toContain('long-only');
  });

  it('the trade rules are left out: a turnover cap, costs and no_trade change nothing', async () => {
    const solver = await getSolver();
    const free = await efficientFrontier(problem3(), solver, 8, markers);
    const tied = await efficientFrontier(
      problem3({ turnoverCap: 0.01, costBps: 50, noTrade: ['A'] }),
      solver,
      8,
      markers,
    );
    tied.points.forEach((p, k) => {
      expect(p.expected_return).toBeCloseTo(free.points[k]!.expected_return, 9);
      expect(p.volatility).toBeCloseTo(free.points[k]!.volatility, 9);
    });
  });

  it('a cash floor: cash earns r_f, so the minimum-variance end is all cash', async () => {
    const solver = await getSolver();
    const f = await efficientFrontier(
      problem3({ bounds: undefined, cashFloor: 0.1 }),
      solver,
      6,
      [],
    );
    expect(f.points[0]!.volatility).toBeLessThan(1e-9);
    expect(f.points[0]!.expected_return).toBeCloseTo(rf, 9);
    // The largest return: 90% in the 13% asset, 10% cash at r_f.
    expect(f.points[5]!.expected_return).toBeCloseTo(0.9 * 0.13 + 0.1 * rf, 7);
    expect(f.points[5]!.volatility).toBeCloseTo(0.9 * 0.28, 6);
    expect(f.notes[0]).toContain('cash of at least 0.1');
  });

  it('names a marker that breaks a class bound, and refuses contradictory class bounds', async () => {
    const solver = await getSolver();
    const classed = problem3({
      bounds: undefined,
      assetClasses: ['Stocks', 'Stocks', 'Crypto'],
      classBounds: { Crypto: { max: 0.3 } },
    });
    const f = await efficientFrontier(classed, solver, 5, markers);
    expect(
      f.notes.some((n) => n.includes('the target portfolio breaks the bounds of Crypto')),
    ).toBe(true);
    expect(Math.max(...f.points.map((p) => p.expected_return))).toBeCloseTo(
      0.7 * 0.09 + 0.3 * 0.13,
      7,
    );
    await expect(
      efficientFrontier(
        problem3({
          bounds: undefined,
          assetClasses: ['Stocks', 'Stocks', 'Crypto'],
          classBounds: { Crypto: { min: 0.6 }, Stocks: { min: 0.6 } },
        }),
        solver,
        5,
        [],
      ),
    ).rejects.toSatisfy((e) => e instanceof EngineError && e.code === 'INFEASIBLE');
  });
});
