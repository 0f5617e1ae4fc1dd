/**
 * Property tests over random feasible problems (n = 3..8): every constraint of the result holds
 * within 1e-8 (checked here from the definitions, in natural units) and the objective is no worse
 * than at 20 random feasible points; infeasible inputs are reported as INFEASIBLE.
 *
 * Feasibility by construction: a random "anchor" portfolio is drawn first (it pays its costs from
 * cash and meets the budget exactly) and every bound, class limit and the turnover cap is drawn
 * around it. The 20 comparison points are random convex combinations of the anchor and of LP
 * vertices (HiGHS, random linear objectives); each is re-checked against the constraints in this
 * file before use, in the lifted space (w, b, s) with w = w0 + b − s, where costs are c·(b + s).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { buildW } from '../../../src/optimize/qp/build';
import { normalize } from '../../../src/optimize/qp/normalize';
import { optimizePortfolio } from '../../../src/optimize/qp/optimize';
import type { OptimizationMethod, OptimizationProblem } from '../../../src/optimize/qp/types';
import { getSolver, quadForm, riskContrib } from './helpers';

const TOL = 1e-8;

function lcg(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}
function normal(u: () => number) {
  return Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

interface Case {
  problem: OptimizationProblem;
  S: Float64Array;
  n: number;
  w0: number[];
  c: number[];
  anchor: number[];
}

/** Scales free weights u so that Σw + Σc|w − w0| = target (fixed assets held at w0). */
function scaleTo(
  u: number[],
  w0: number[],
  c: number[],
  fixed: boolean[],
  target: number,
): number[] | null {
  const at = (a: number) => u.map((v, i) => (fixed[i] ? w0[i]! : a * v));
  const g = (a: number) => at(a).reduce((s, w, i) => s + w + c[i]! * Math.abs(w - w0[i]!), 0);
  if (g(0) > target) return null;
  let lo = 0;
  let hi = 1;
  while (g(hi) < target) hi *= 2;
  for (let k = 0; k < 200; k++) {
    const m = (lo + hi) / 2;
    if (g(m) > target) hi = m;
    else lo = m;
  }
  return at(lo);
}

function makeCase(seed: number, n: number, method: OptimizationMethod, flags: number): Case | null {
  const u = lcg(seed);
  const useBounds = (flags & 1) !== 0;
  const useClasses = (flags & 2) !== 0;
  const useTurnover = (flags & 4) !== 0;
  const useCost = (flags & 8) !== 0;
  const useCash = (flags & 16) !== 0 && method !== 'max_sharpe' && method !== 'risk_parity';
  const useNoTrade = (flags & 32) !== 0;
  const A = Array.from({ length: n * n }, () => normal(u) * 0.15);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += A[i * n + k]! * A[j * n + k]!;
      S[i * n + j] = s / n + (i === j ? 0.005 + 0.035 * u() : 0);
    }
  const raw0 = Array.from({ length: n }, () => u());
  const s0 = (0.9 + 0.1 * u()) / raw0.reduce((a, b) => a + b, 0);
  const w0 = raw0.map((v) => v * s0);
  const c = Array.from({ length: n }, () => (useCost ? (u() * 20) / 1e4 : 0));
  const fixed = Array.from({ length: n }, () => false);
  if (useNoTrade) fixed[Math.floor(u() * n)] = true;
  const cashFloor = useCash ? 0.1 * u() : undefined;
  const target = cashFloor === undefined ? 1 : 1 - cashFloor - 0.05 * u();
  const ua = Array.from({ length: n }, () => u() + 0.05);
  const anchor = scaleTo(ua, w0, c, fixed, target);
  if (!anchor || anchor.some((w) => w > 1)) return null;
  const problem: OptimizationProblem = {
    method,
    assets: Array.from({ length: n }, (_, i) => `A${i}`),
    covariance: { kind: 'dense', matrix: S },
    currentWeights: w0,
    timeLimitSeconds: 30,
  };
  if (useBounds)
    problem.bounds = anchor.map((w) => ({ min: u() < 0.5 ? w * u() : 0, max: w + (1 - w) * u() }));
  if (useClasses) {
    const classes: string[] = anchor.map(() => (u() < 0.5 ? 'X' : 'Y'));
    problem.assetClasses = classes;
    const classBounds: Record<string, { min?: number; max?: number }> = {};
    problem.classBounds = classBounds;
    for (const cl of ['X', 'Y']) {
      const sum = anchor.reduce((s, w, i) => s + (classes[i] === cl ? w : 0), 0);
      if (!classes.includes(cl)) continue;
      const b: { min?: number; max?: number } = {};
      if (u() < 0.7) b.min = sum * u();
      if (u() < 0.7) b.max = sum + (1 - sum) * u();
      classBounds[cl] = b;
    }
  }
  if (useTurnover) {
    const t = anchor.reduce((s, w, i) => s + Math.abs(w - w0[i]!), 0) / 2;
    problem.turnoverCap = t * (1 + u()) + 1e-6;
  }
  if (useCost) problem.costBps = c.map((v) => v * 1e4);
  if (cashFloor !== undefined) problem.cashFloor = cashFloor;
  if (useNoTrade) problem.noTrade = problem.assets.filter((_, i) => fixed[i]);
  const wt = Array.from({ length: n }, () => u());
  const st = wt.reduce((a, b) => a + b, 0);
  problem.targetWeights = wt.map((v) => v / st);
  problem.riskFreeRate = 0.02;
  problem.expectedReturns = Array.from({ length: n }, () =>
    method === 'max_sharpe' ? 0.03 + 0.2 * u() : -0.05 + 0.3 * u(),
  );
  problem.riskAversion = 0.5 + 10 * u();
  return { problem, S, n, w0, c, anchor };
}

/** Constraint violations of (w, legs b + s) in natural units; 0 when feasible. */
function violation(cs: Case, w: number[], legs: number[], exactBudget: boolean): number {
  const p = cs.problem;
  let v = 0;
  const n = cs.n;
  let sum = 0;
  let cost = 0;
  let turn = 0;
  for (let i = 0; i < n; i++) {
    const b = p.bounds?.[i] ?? { min: 0, max: 1 };
    v = Math.max(v, b.min - w[i]!, w[i]! - b.max);
    if (p.noTrade?.includes(p.assets[i]!)) v = Math.max(v, Math.abs(w[i]! - cs.w0[i]!));
    // Legs cover the trade: b + s ≥ |Δw|.
    v = Math.max(v, Math.abs(w[i]! - cs.w0[i]!) - legs[i]!);
    sum += w[i]!;
    cost += cs.c[i]! * legs[i]!;
    turn += legs[i]!;
  }
  for (const [cl, b] of Object.entries(p.classBounds ?? {})) {
    const s = w.reduce((a, x, i) => a + (p.assetClasses![i] === cl ? x : 0), 0);
    if (b?.min !== undefined) v = Math.max(v, b.min - s);
    if (b?.max !== undefined) v = Math.max(v, s - b.max);
  }
  if (p.cashFloor === undefined || exactBudget)
    v = Math.max(v, Math.abs(sum + cost - (1 - (p.cashFloor ?? 0))));
  else v = Math.max(v, sum + cost - (1 - p.cashFloor));
  if (p.turnoverCap !== undefined) v = Math.max(v, turn / 2 - p.turnoverCap);
  return v;
}

function objective(cs: Case, w: number[], legs: number[]): number {
  const p = cs.problem;
  const n = cs.n;
  const cost = legs.reduce((a, l, i) => a + cs.c[i]! * l, 0);
  const e = (p.expectedReturns as number[]).map((m) => m - 0.02);
  const ex = w.reduce((a, x, i) => a + e[i]! * x, 0);
  switch (p.method) {
    case 'track_target': {
      const d = w.map((x, i) => x - (p.targetWeights as number[])[i]!);
      return quadForm(cs.S, n, d) + cost;
    }
    case 'min_variance':
      return quadForm(cs.S, n, w) + cost;
    case 'mean_variance':
      return ((p.riskAversion as number) / 2) * quadForm(cs.S, n, w) - ex + cost;
    case 'max_sharpe':
      return -(ex - cost) / Math.sqrt(quadForm(cs.S, n, w)); // negated: smaller is better
    default:
      return 0;
  }
}

/** 20 random feasible points: convex combinations of the anchor and 4 LP vertices. */
async function randomFeasible(cs: Case, seed: number): Promise<{ w: number[]; legs: number[] }[]> {
  const solver = await getSolver();
  const u = lcg(seed ^ 0x5bd1e995);
  const N = normalize(cs.problem);
  const built = buildW({ ...N, method: 'min_variance' }, 'variance');
  const m = { ...built.model };
  delete m.hessian;
  const { n } = cs;
  const pts: { w: number[]; legs: number[] }[] = [
    { w: cs.anchor, legs: cs.anchor.map((x, i) => Math.abs(x - cs.w0[i]!)) },
  ];
  for (let k = 0; k < 4; k++) {
    const cost = new Float64Array(m.numCols);
    for (let i = 0; i < n; i++) cost[i] = normal(u);
    if (built.layout.b >= 0) for (let i = 0; i < 2 * n; i++) cost[built.layout.b + i] = 1e-3;
    const sol = await solver.solve({ ...m, colCost: cost, offset: 0 }, { timeLimitSeconds: 10 });
    expect(sol.status).toBe('optimal');
    const sc = built.layout.wScale;
    const w = Array.from({ length: n }, (_, i) => sol.x[i]! / sc);
    const legs = Array.from({ length: n }, (_, i) =>
      built.layout.b >= 0
        ? (sol.x[built.layout.b + i]! + sol.x[built.layout.s + i]!) / sc
        : Math.abs(w[i]! - cs.w0[i]!),
    );
    pts.push({ w, legs });
  }
  const out: { w: number[]; legs: number[] }[] = [];
  for (let r = 0; r < 20; r++) {
    const lam = pts.map(() => -Math.log(u()));
    const z = lam.reduce((a, b) => a + b, 0);
    const w = new Array(n).fill(0);
    const legs = new Array(n).fill(0);
    pts.forEach((p, k) => {
      for (let i = 0; i < n; i++) {
        w[i] += (lam[k]! / z) * p.w[i]!;
        legs[i] += (lam[k]! / z) * p.legs[i]!;
      }
    });
    out.push({ w, legs });
  }
  return out;
}

const METHODS: OptimizationMethod[] = [
  'track_target',
  'min_variance',
  'mean_variance',
  'max_sharpe',
  'risk_parity',
];

describe('property: random feasible problems', () => {
  it('1,000 problems: constraints within 1e-8, objective ≤ 20 random feasible points', async () => {
    const solver = await getSolver();
    let checked = 0;
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 3, max: 8 }),
        fc.constantFrom(...METHODS),
        fc.integer({ min: 0, max: 63 }),
        async (seed, n, method, flags) => {
          const cs = makeCase(seed, n, method, flags);
          if (!cs) return;
          const r = await optimizePortfolio(cs.problem, solver);
          const w = r.weights.map((x) => x.weight);
          const legs = w.map((x, i) => Math.abs(x - cs.w0[i]!));
          const exact = method === 'max_sharpe' || method === 'risk_parity';
          expect(
            violation(cs, w, legs, exact && cs.problem.cashFloor === undefined),
          ).toBeLessThanOrEqual(TOL);
          // The reported cost and cash agree with the weights.
          expect(
            Math.abs(r.cost - legs.reduce((a, l, i) => a + cs.c[i]! * l, 0)),
          ).toBeLessThanOrEqual(1e-12);
          if (r.kkt) expect(r.kkt.verified, JSON.stringify(r.kkt)).toBe(true);
          if (method === 'risk_parity') {
            if (!r.risk_parity?.constrained)
              for (const rc of riskContrib(cs.S, n, w))
                expect(Math.abs(rc - 1 / n)).toBeLessThanOrEqual(1e-6);
            return;
          }
          const mine = objective(cs, w, legs);
          const reported = method === 'max_sharpe' ? -r.objective : r.objective;
          expect(Math.abs(mine - reported)).toBeLessThanOrEqual(
            1e-10 * Math.max(1, Math.abs(mine)),
          );
          for (const p of await randomFeasible(cs, seed)) {
            expect(violation(cs, p.w, p.legs, method === 'max_sharpe')).toBeLessThanOrEqual(1e-7);
            // A combination of a vertex that buys an asset and one that sells it has legs
            // b + s > |Δw|: it spends cash on a round trip, which the optimizer forbids. Such a
            // point is not a feasible portfolio (its honest cost is lower, so its budget is off).
            if (p.legs.some((l, i) => cs.c[i]! > 0 && l > Math.abs(p.w[i]! - cs.w0[i]!) + 1e-12))
              continue;
            compared++;
            expect(mine).toBeLessThanOrEqual(
              objective(cs, p.w, p.legs) + 1e-9 * Math.max(1, Math.abs(mine)),
            );
          }
          checked++;
        },
      ),
      { numRuns: 1000, seed: 20261124 },
    );
    expect(checked).toBeGreaterThan(600);
    expect(compared).toBeGreaterThan(8000);
  });
});

describe('property: infeasible inputs are reported as INFEASIBLE', () => {
  it('300 problems with a built-in conflict', async () => {
    const solver = await getSolver();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 3, max: 8 }),
        fc.constantFrom(...METHODS),
        fc.constantFrom('class_min', 'asset_min', 'asset_max', 'turnover', 'no_trade', 'class_max'),
        async (seed, n, method, kind) => {
          const cs = makeCase(seed, n, method, 0);
          if (!cs) return;
          const p = cs.problem;
          const u = lcg(seed + 7);
          let expected: string;
          switch (kind) {
            case 'class_min':
              p.assetClasses = p.assets.map((_, i) => (i % 2 ? 'X' : 'Y'));
              p.classBounds = { X: { min: 0.55 + 0.4 * u() }, Y: { min: 0.5 + 0.4 * u() } };
              expected = 'class_min:X';
              break;
            case 'asset_min':
              p.bounds = p.assets.map(() => ({ min: 1.05 / n + 0.1 * u(), max: 1 }));
              expected = 'budget';
              break;
            case 'asset_max':
              p.bounds = p.assets.map(() => ({ min: 0, max: (0.95 * u()) / n }));
              expected = 'budget';
              break;
            case 'turnover': {
              // One asset must rise by ≥ 0.3 but the cap is 0.1.
              const i = Math.floor(u() * n);
              p.bounds = p.assets.map((_, j) => ({
                min: j === i ? Math.min(1, cs.w0[i]! + 0.3) : 0,
                max: 1,
              }));
              p.turnoverCap = 0.1;
              expected = 'turnover';
              break;
            }
            case 'no_trade': {
              const i = Math.floor(u() * n);
              p.noTrade = [p.assets[i]!];
              p.bounds = p.assets.map((_, j) => ({ min: 0, max: j === i ? cs.w0[i]! * 0.5 : 1 }));
              expected = `no_trade:${p.assets[i]}`;
              break;
            }
            default: {
              p.assetClasses = p.assets.map((_, i) => (i === 0 ? 'X' : 'Y'));
              p.bounds = p.assets.map((_, i) => ({ min: i === 0 ? 0.2 : 0, max: 1 }));
              p.classBounds = { X: { max: 0.1 } };
              expected = 'class_max:X';
            }
          }
          const err = await optimizePortfolio(p, solver).then(
            () => null,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(EngineError);
          expect((err as EngineError).code).toBe('INFEASIBLE');
          expect((err as EngineError).details.map((d) => d.path)).toContain(expected);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
