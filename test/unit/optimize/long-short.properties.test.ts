/**
 * Property tests of long-short books (issue #11 item 4) over random problems (n = 3..8, fast-check):
 * every optimized method that admits the book returns weights with
 *   market_neutral: |Σw| ≤ 1e-9;  gross_limit G: Σ|w| ≤ G + 1e-9;  turnover cap τ (up to 4):
 *   Σ|w − w0|/2 ≤ τ + 1e-9;  bounds within 1e-9;  a verified KKT certificate of the solved QP;
 * or an INFEASIBLE error (never a wrong answer, never NaN). Feasibility is likely by construction:
 * current weights are drawn inside the bounds and the caps are drawn above what a nearby
 * portfolio needs, but an INFEASIBLE answer is accepted when the engine names the conflict.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { RebalanceRequest } from '../../../src/contract/rebalance';
import { runRebalance } from '../../../src/services/rebalance';
import { optimizePortfolio } from '../../../src/optimize/qp/optimize';
import type { OptimizationMethod, OptimizationProblem } from '../../../src/optimize/qp/types';
import { getSolver } from '../optimizer/helpers';

const TOL = 1e-9;

/** A random positive-definite Σ = B Bᵀ + diag(d) (annual), μ and a long-short current book. */
const caseArb = fc
  .record({
    n: fc.integer({ min: 3, max: 8 }),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    neutral: fc.boolean(),
    gross: fc.option(fc.double({ min: 1.05, max: 3, noNaN: true }), { nil: undefined }),
    tau: fc.option(fc.double({ min: 0.3, max: 4, noNaN: true }), { nil: undefined }),
    method: fc.constantFrom<OptimizationMethod>(
      'track_target',
      'min_variance',
      'mean_variance',
      'max_quadratic_utility',
      'max_sharpe',
      'efficient_risk',
      'efficient_return',
    ),
  })
  .map(({ n, seed, neutral, gross, tau, method }) => {
    let s = seed;
    const u = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return (s + 0.5) / 4294967296;
    };
    const k = 2;
    const B = Array.from({ length: n * k }, () => 0.15 * (u() - 0.5));
    const S = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let v = 0;
        for (let f = 0; f < k; f++) v += B[i * k + f]! * B[j * k + f]!;
        if (i === j) v += 0.01 + 0.05 * u();
        S[i * n + j] = v;
      }
    for (let i = 0; i < n; i++)
      for (let j = 0; j < i; j++) S[i * n + j] = S[j * n + i] = (S[i * n + j]! + S[j * n + i]!) / 2;
    const mu = Array.from({ length: n }, () => 0.15 * (u() - 0.4));
    // Current book: signed weights with Σ = 1 (long_short) or 0 (market_neutral).
    const raw = Array.from({ length: n }, () => u() - 0.35);
    const m = raw.reduce((a, b) => a + b, 0) / n;
    const net = neutral ? 0 : 1;
    const w0 = raw.map((v) => v - m + net / n).map((v) => Math.max(-0.9, Math.min(0.9, v)));
    const m2 = (w0.reduce((a, b) => a + b, 0) - net) / n;
    const cur = w0.map((v) => v - m2);
    const problem: OptimizationProblem = {
      method: neutral && method === 'max_sharpe' ? 'mean_variance' : method,
      assets: Array.from({ length: n }, (_, i) => `a${i}`),
      covariance: { kind: 'dense', matrix: S },
      currentWeights: cur,
      targetWeights: Array.from({ length: n }, (_, i) => (neutral ? 0 : 1 / n) + 0.2 * Math.sin(i)),
      expectedReturns: mu,
      riskFreeRate: 0.01,
      riskAversion: 3,
      bounds: Array.from({ length: n }, () => ({ min: -1, max: 1 })),
      book: {
        type: neutral ? 'market_neutral' : 'long_short',
        ...(gross !== undefined ? { grossLimit: gross } : {}),
      },
      ...(tau !== undefined ? { turnoverCap: tau } : {}),
      targetVolatility: 0.12,
      targetReturn: 0.03,
    };
    return problem;
  });

describe('long-short properties (fast-check)', () => {
  it('market-neutral Σw = 0, gross ≤ G, turnover ≤ cap, bounds, KKT verified — or INFEASIBLE', async () => {
    const solver = await getSolver();
    let solved = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (p) => {
        let res;
        try {
          res = await optimizePortfolio(p, solver);
        } catch (e) {
          expect(e).toBeInstanceOf(EngineError);
          expect((e as EngineError).code, (e as Error).message).toBe('INFEASIBLE');
          expect((e as EngineError).details.length).toBeGreaterThan(0);
          return;
        }
        solved++;
        const w = res.weights.map((r) => r.weight);
        const w0 = Array.from(p.currentWeights);
        for (const v of w) expect(Number.isFinite(v)).toBe(true);
        for (const v of w) expect(Math.abs(v)).toBeLessThanOrEqual(1 + TOL);
        const net = w.reduce((a, b) => a + b, 0);
        const gross = w.reduce((a, b) => a + Math.abs(b), 0);
        const turnover = w.reduce((a, b, i) => a + Math.abs(b - w0[i]!), 0) / 2;
        if (p.book?.type === 'market_neutral') expect(Math.abs(net)).toBeLessThanOrEqual(TOL);
        else expect(Math.abs(net - 1)).toBeLessThanOrEqual(TOL);
        if (p.book?.grossLimit !== undefined)
          expect(gross).toBeLessThanOrEqual(p.book.grossLimit + TOL);
        if (p.turnoverCap !== undefined) expect(turnover).toBeLessThanOrEqual(p.turnoverCap + TOL);
        expect(res.turnover).toBeCloseTo(turnover, 12);
        if (res.kkt) expect(res.kkt.verified, res.kkt.note).toBe(true);
        for (const v of [res.volatility, res.cash_weight, res.objective])
          expect(Number.isFinite(v)).toBe(true);
      }),
      { numRuns: 150, seed: 20261206 },
    );
    expect(solved).toBeGreaterThan(100);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// End to end (runRebalance): random long-short books on the "2022: the rate shock" scenario.
// ---------------------------------------------------------------------------------------------

const rate2022 = (
  JSON.parse(
    readFileSync(join(import.meta.dirname, '../../../resources/scenarios.json'), 'utf8'),
  ) as { scenarios: { name: string; request: { assets: Record<string, unknown>[] } }[] }
).scenarios.find((s) => s.name.startsWith('2022'))!.request;

/** Every number in a JSON value, with its path, that is not finite (NaN would print as null). */
function nonFinite(o: unknown, path = ''): string[] {
  if (typeof o === 'number') return Number.isFinite(o) ? [] : [path];
  if (Array.isArray(o)) return o.flatMap((v, i) => nonFinite(v, `${path}.${i}`));
  if (o && typeof o === 'object')
    return Object.entries(o).flatMap(([k, v]) => nonFinite(v, `${path}.${k}`));
  return [];
}

describe('long-short books end to end (fast-check, runRebalance)', () => {
  it('finite figures, cash ≥ 0 and conserved, exposure block consistent — or a named refusal', async () => {
    const solver = await getSolver();
    const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
    let solved = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          raw: fc.array(fc.double({ min: -0.6, max: 0.9, noNaN: true }), {
            minLength: 6,
            maxLength: 6,
          }),
          neutral: fc.boolean(),
          gross: fc.option(fc.double({ min: 1.1, max: 3, noNaN: true }), { nil: undefined }),
          tau: fc.double({ min: 0.2, max: 4, noNaN: true }),
          method: fc.constantFrom(
            'track_target',
            'min_variance',
            'mean_variance',
            'efficient_risk',
            'efficient_return',
          ),
        }),
        async ({ raw, neutral, gross, tau, method }) => {
          // Current book: net 1 (cash 0) or net 0 (cash 1), every weight within [−1, 1].
          const net = neutral ? 0 : 1;
          const m = (raw.reduce((a, b) => a + b, 0) - net) / 6;
          const w = raw.map((v) => Math.round((v - m) * 1e6) / 1e6);
          if (w.some((v) => Math.abs(v) > 1)) return;
          const cash = Math.max(0, 1 - w.reduce((a, b) => a + b, 0));
          const req = RebalanceRequest.safeParse({
            ...rate2022,
            assets: rate2022.assets.map((a, i) => ({ ...a, current_weight: w[i] })),
            cash_weight: cash,
            method,
            target_volatility: 0.15,
            target_return: 0.03,
            turnover_limit: tau,
            book: {
              type: neutral ? 'market_neutral' : 'long_short',
              ...(gross !== undefined ? { gross_limit: gross } : {}),
            },
          });
          if (!req.success) {
            // Only the book-sum check may refuse these (rounding of w).
            expect(req.error.issues.map((i) => i.path.join('.'))).toEqual(['cash_weight']);
            return;
          }
          let r;
          try {
            r = await runRebalance(req.data, clock, { solver });
          } catch (e) {
            expect(e).toBeInstanceOf(EngineError);
            expect(['INFEASIBLE', 'SOLVER_LIMIT']).toContain((e as EngineError).code);
            return;
          }
          solved++;
          expect(nonFinite(r)).toEqual([]);
          const s = r.trade_summary;
          expect(s.residual_cash).toBeGreaterThanOrEqual(0);
          expect(Math.round((s.total_sells - s.total_buys - s.total_costs) * 100)).toBe(
            Math.round(s.cash_change * 100),
          );
          const e = r.book_exposure!;
          const prop = r.weights.map((x) => x.proposed_weight);
          expect(e.after.net).toBeCloseTo(
            prop.reduce((a, b) => a + b, 0),
            12,
          );
          expect(e.after.net + e.after.cash).toBeCloseTo(1, 9);
          expect(e.after.long - e.after.short).toBeCloseTo(e.after.net, 12);
          const ow = r.optimization!.weights.map((x) => x.weight);
          if (neutral) expect(Math.abs(ow.reduce((a, b) => a + b, 0))).toBeLessThanOrEqual(TOL);
          if (gross !== undefined)
            expect(ow.reduce((a, b) => a + Math.abs(b), 0)).toBeLessThanOrEqual(gross + TOL);
          expect(r.turnover_used).toBeLessThanOrEqual(tau + 1e-9);
        },
      ),
      { numRuns: 40, seed: 11042026 },
    );
    expect(solved).toBeGreaterThan(20);
  }, 180_000);
});
