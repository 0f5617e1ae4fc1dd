/**
 * The worker-thread solver port (one warm worker; the caller's event loop stays free during a
 * solve) and the zod contract of the optimizer's request fields and response block.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  OptimizationResult,
  OptimizeRequestFields,
  refineOptimizeFields,
} from '../../../src/contract/optimize';
import { optimizePortfolio } from '../../../src/optimize/qp/optimize';
import type { OptimizationProblem } from '../../../src/optimize/qp/types';
import { createWorkerQpSolver } from '../../../src/workers/highs-solver';
import { getSolver, loadStock20, weightsOf } from './helpers';

const S20 = loadStock20();
const problem: OptimizationProblem = {
  method: 'track_target',
  assets: S20.names,
  covariance: { kind: 'dense', matrix: S20.cov },
  currentWeights: new Array(20).fill(0.05),
  targetWeights: [...new Array(10).fill(0.08), ...new Array(10).fill(0.02)],
  costBps: 10,
  turnoverCap: 0.1,
};

/** A dense 300-asset problem: long enough that the event loop would visibly stall in-thread. */
function bigProblem(n = 300): OptimizationProblem {
  let s = 7;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const k = 5;
  const B = Array.from({ length: n * k }, () => (u() - 0.5) * 0.4);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let v = 0;
      for (let f = 0; f < k; f++) v += B[i * k + f]! * B[j * k + f]!;
      if (i === j) v += 0.02 + 0.05 * u();
      S[i * n + j] = S[j * n + i] = v;
    }
  const w0 = Array.from({ length: n }, () => u());
  const wt = Array.from({ length: n }, () => u());
  const s0 = w0.reduce((a, b) => a + b, 0);
  const st = wt.reduce((a, b) => a + b, 0);
  return {
    method: 'track_target',
    assets: Array.from({ length: n }, (_, i) => `A${i}`),
    covariance: { kind: 'dense', matrix: S },
    currentWeights: w0.map((v) => v / s0),
    targetWeights: wt.map((v) => v / st),
    costBps: 10,
    turnoverCap: 0.1,
  };
}

describe('worker-thread solver port', () => {
  const worker = createWorkerQpSolver();
  afterAll(() => worker.close());

  it('loads HiGHS in the worker and gives the in-thread answer', async () => {
    expect(await worker.ready()).toMatch(/^1\.\d+\.\d+$/);
    const a = await optimizePortfolio(problem, worker);
    const b = await optimizePortfolio(problem, await getSolver());
    expect(weightsOf(a)).toEqual(weightsOf(b));
    expect(a.solver.name).toContain('worker');
  });

  it('answers concurrent requests, each with its own result', async () => {
    const methods = ['min_variance', 'track_target', 'risk_parity', 'min_variance'] as const;
    const rs = await Promise.all(
      methods.map((m) => optimizePortfolio({ ...problem, method: m }, worker)),
    );
    rs.forEach((r, i) => expect(r.method).toBe(methods[i]));
    expect(weightsOf(rs[0]!)).toEqual(weightsOf(rs[3]!));
  });

  it('keeps the caller’s event loop running during a solve', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const r = await optimizePortfolio(bigProblem(), worker);
    clearInterval(timer);
    expect(r.solver.status).toBe('optimal');
    expect(ticks).toBeGreaterThan(0);
  });

  it('rejects pending solves with INTERNAL when closed, then starts a fresh worker', async () => {
    const w = createWorkerQpSolver();
    const pending = optimizePortfolio(bigProblem(), w).then(
      () => null,
      (e: unknown) => e,
    );
    await w.ready();
    await w.close();
    expect(await pending).toMatchObject({ code: 'INTERNAL' });
    const again = await optimizePortfolio(problem, w);
    expect(again.solver.status).toBe('optimal');
    await w.close();
  });
});

describe('contract: request fields and response block', () => {
  const Req = z
    .object({ assets: z.array(z.object({ asset: z.string() })), ...OptimizeRequestFields })
    .superRefine((r, ctx) => refineOptimizeFields(r, ctx));

  it('defaults: method threshold, Ledoit–Wolf covariance, λ = 1, no lots', () => {
    const r = Req.parse({ assets: [{ asset: 'A' }] });
    expect(r).toMatchObject({
      method: 'threshold',
      risk_aversion: 1,
      whole_lots: false,
      covariance: { estimator: 'ledoit_wolf', halflife: 63 },
      optimizer_time_limit_seconds: 10,
    });
  });

  it('names every unknown asset and bad bound', () => {
    const r = Req.safeParse({
      assets: [{ asset: 'A' }],
      method: 'track_target',
      bounds: { B: { min: 0, max: 1 }, A: { min: 0.5, max: 0.2 } },
      no_trade: ['C'],
      class_bounds: { Crypto: { max: 0.1 }, Stocks: { min: 0.2 } },
    });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['bounds.B', 'bounds.A', 'no_trade.0']));
  });

  it('rejects an unknown class and an unknown method', () => {
    expect(Req.safeParse({ assets: [], class_bounds: { Gold: { max: 1 } } }).success).toBe(false);
    expect(Req.safeParse({ assets: [], method: 'kelly' }).success).toBe(false);
  });

  it('the optimizer output validates against OptimizationResult', async () => {
    const r = await optimizePortfolio(problem, await getSolver());
    const parsed = OptimizationResult.safeParse(r);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });
});
