/**
 * Whole lots and minimum trade sizes (mixed-integer, solved by branch-and-bound over HiGHS QP
 * relaxations) against enumeration: M1/M2 from test/reference/optimizer_reference.py
 * (enumeration of lot counts / trade-sign patterns, each convex piece by cvxpy + Clarabel), and a
 * property test against an in-test brute force over every lot combination.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { optimizePortfolio } from '../../../src/optimize/qp/optimize';
import { discreteViolation } from '../../../src/optimize/qp/bnb';
import type { EngineError } from '../../../src/contract/common';
import { covFromVolCorr, getSolver, quadForm, weightsOf } from './helpers';

const S3 = covFromVolCorr(
  [0.1, 0.2, 0.15],
  [
    [1, 0.3, 0.2],
    [0.3, 1, 0.5],
    [0.2, 0.5, 1],
  ],
);

describe('branch-and-bound vs enumeration (optimizer_reference.py)', () => {
  it('M1 track target, whole lots + minimum trade 2,000, 10 bp: lots (−9, 3, 22)', async () => {
    const r = await optimizePortfolio(
      {
        method: 'track_target',
        assets: ['A', 'B', 'C'],
        covariance: { kind: 'dense', matrix: S3 },
        currentWeights: [0.5, 0.3, 0.2],
        targetWeights: [0.37, 0.33, 0.3],
        costBps: 10,
        portfolioValue: 100_000,
        lots: { lotSize: [1, 1, 1], price: [1000, 700, 300] },
        minTradeValue: 2000,
      },
      await getSolver(),
    );
    expect(r.weights.map((x) => x.lots)).toEqual([-9, 3, 22]);
    expect(r.weights.map((x) => x.units)).toEqual([-9, 3, 22]);
    expect(Math.abs(r.objective - 0.00021895) / 0.00021895).toBeLessThanOrEqual(1e-6);
    expect(r.solver.status).toBe('optimal');
    expect(r.integer?.rules).toEqual(['whole_lots', 'min_trade']);
    expect(r.integer?.mip_gap).toBeLessThanOrEqual(1e-9);
    // Residual cash = V·(1 − Σw − costs): (0.5 − 0.09) + (0.3 + 0.021) + (0.2 + 0.066) = 0.997,
    // costs 0.001 × 0.177 = 0.000177 → cash 0.002823 → 282.30.
    expect(r.integer?.residual_cash).toBeCloseTo(282.3, 8);
    expect(r.kkt?.verified).toBe(true);
  });

  it('M2 track target with minimum trade 3% (continuous sizes)', async () => {
    const vol = [0.15, 0.2, 0.25, 0.18, 0.3];
    const corr = vol.map((_, i) => vol.map((__, j) => (i === j ? 1 : 0.3)));
    const r = await optimizePortfolio(
      {
        method: 'track_target',
        assets: ['A', 'B', 'C', 'D', 'E'],
        covariance: { kind: 'dense', matrix: covFromVolCorr(vol, corr) },
        currentWeights: [0.3, 0.25, 0.2, 0.15, 0.1],
        targetWeights: [0.22, 0.27, 0.17, 0.2, 0.14],
        portfolioValue: 1,
        minTradeValue: 0.03,
      },
      await getSolver(),
    );
    const ref = [0.215724001534, 0.280000000006, 0.168404847166, 0.196998268868, 0.138872882426];
    weightsOf(r).forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThanOrEqual(1e-5));
    expect(Math.abs(r.objective - 3.48567454344435e-6) / 3.48567454344435e-6).toBeLessThanOrEqual(
      1e-6,
    );
    for (const x of r.weights) {
      const t = Math.abs(x.trade_weight);
      expect(t === 0 || t >= 0.03 - 1e-9).toBe(true);
    }
  });

  it('reports INFEASIBLE naming the discrete rule when no lot combination fits', async () => {
    // One lot is 60% of the portfolio and each asset is capped at 60%: from (0.2, 0.1) any buy
    // breaks a cap, and holding leaves 70% cash, more than one lot (the whole-lot budget).
    const p = optimizePortfolio(
      {
        method: 'track_target',
        assets: ['A', 'B'],
        covariance: { kind: 'dense', matrix: new Float64Array([0.04, 0, 0, 0.09]) },
        currentWeights: [0.2, 0.1],
        targetWeights: [0.5, 0.5],
        portfolioValue: 100,
        lots: { lotSize: [1, 1], price: [60, 60] },
        bounds: [
          { min: 0, max: 0.6 },
          { min: 0, max: 0.6 },
        ],
      },
      await getSolver(),
    );
    await expect(p).rejects.toMatchObject({ code: 'INFEASIBLE' });
    const err = (await p.catch((e: unknown) => e)) as EngineError;
    expect(err.details.map((d) => d.path)).toContain('whole_lots');
  });
});

describe('discrete membership test', () => {
  it('lattice and minimum-size rules', () => {
    const d = { col: 0, base: 10, step: 2, minAbs: 4 };
    expect(discreteViolation(d, 10, 1e-9)).toBeNull(); // no trade
    expect(discreteViolation(d, 14, 1e-9)).toBeNull(); // 2 lots = 4 ≥ 4
    expect(discreteViolation(d, 12, 1e-9)?.kind).toBe('min_abs'); // 1 lot < 4
    expect(discreteViolation(d, 13, 1e-9)?.kind).toBe('lattice');
    expect(discreteViolation({ col: 0, base: 0, step: 0, minAbs: 3 }, -3, 1e-9)).toBeNull();
    expect(discreteViolation({ col: 0, base: 0, step: 0, minAbs: 3 }, 2.9, 1e-9)?.kind).toBe(
      'min_abs',
    );
  });
});

/** Brute force over every lot vector (the independent reference for the property test). */
function bruteForce(p: {
  S: Float64Array;
  w0: number[];
  wt: number[];
  q: number[];
  minW: number;
  cost: number;
}): number {
  const n = p.w0.length;
  const R = Math.max(...p.q);
  const ranges = p.q.map(
    (q, i) => [Math.ceil(-p.w0[i]! / q - 1e-12), Math.floor((1 - p.w0[i]!) / q + 1e-12)] as const,
  );
  let best = Infinity;
  const k = new Array(n).fill(0);
  const rec = (i: number) => {
    if (i === n) {
      const w = p.w0.map((v, j) => v + k[j]! * p.q[j]!);
      let tot = 0;
      let costs = 0;
      for (let j = 0; j < n; j++) {
        const t = Math.abs(k[j]! * p.q[j]!);
        if (t > 0 && t < p.minW - 1e-12) return;
        costs += p.cost * t;
        tot += w[j]!;
      }
      tot += costs;
      if (tot > 1 + 1e-12 || tot < 1 - R - 1e-12) return;
      const d = w.map((v, j) => v - p.wt[j]!);
      const obj = quadForm(p.S, n, d) + costs;
      if (obj < best) best = obj;
      return;
    }
    for (let v = ranges[i]![0]; v <= ranges[i]![1]; v++) {
      k[i] = v;
      rec(i + 1);
    }
  };
  rec(0);
  return best;
}

describe('property: branch-and-bound equals brute force on random 3-asset lot problems', () => {
  it('40 random problems', async () => {
    const solver = await getSolver();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.double({ min: 0.04, max: 0.15, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.double({ min: 0.12, max: 0.35, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.double({ min: -0.3, max: 0.8, noNaN: true }),
        fc.constantFrom(0, 0.05, 0.1),
        fc.constantFrom(0, 10, 50),
        async (a0, at, q, vol, rho, minW, bps) => {
          const s0 = a0.reduce((x, y) => x + y, 0);
          const st = at.reduce((x, y) => x + y, 0);
          const w0 = a0.map((v) => (0.95 * v) / s0);
          const wt = at.map((v) => v / st);
          const corr = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? 1 : rho * 0.9)));
          const S = covFromVolCorr(vol, corr);
          const ref = bruteForce({ S, w0, wt, q, minW, cost: bps / 1e4 });
          const V = 1e6;
          const prob = optimizePortfolio(
            {
              method: 'track_target',
              assets: ['A', 'B', 'C'],
              covariance: { kind: 'dense', matrix: S },
              currentWeights: w0,
              targetWeights: wt,
              costBps: bps,
              portfolioValue: V,
              lots: { lotSize: [1, 1, 1], price: q.map((x) => x * V) },
              minTradeValue: minW * V,
            },
            solver,
          );
          if (ref === Infinity) {
            await expect(prob).rejects.toMatchObject({ code: 'INFEASIBLE' });
            return;
          }
          const r = await prob;
          expect(Math.abs(r.objective - ref)).toBeLessThanOrEqual(
            1e-9 * Math.max(1, Math.abs(ref)) + 1e-12,
          );
          for (const x of r.weights) expect(Number.isInteger(x.lots)).toBe(true);
        },
      ),
      { numRuns: 40, seed: 4 },
    );
  });
});
