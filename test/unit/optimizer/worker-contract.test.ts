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
import { EngineError, HTTP_STATUS } from '../../../src/contract/common';
import { optimizePortfolio } from '../../../src/optimize/qp/optimize';
import type { OptimizationProblem, QpModel, QpSolution } from '../../../src/optimize/qp/types';
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

/** Scripted stand-ins for the HiGHS worker (test/fixtures/workers/README.md). */
const SCRIPTED = new URL('../../fixtures/workers/scripted-solver.mjs', import.meta.url);
const BROKEN = new URL('../../fixtures/workers/broken-solver.mjs', import.meta.url);

/** A fake model whose `offset` scripts the worker: block that many ms, −1 stuck, −2 crash. */
function scripted(offset: number): QpModel {
  const none = new Float64Array(0);
  return {
    numCols: 0,
    numRows: 0,
    colCost: none,
    colLower: none,
    colUpper: none,
    rowLower: none,
    rowUpper: none,
    matrix: { starts: Int32Array.of(0), indices: new Int32Array(0), values: none },
    offset,
  };
}

/** The solution, or the error it was rejected with. */
const settle = (p: Promise<QpSolution>): Promise<QpSolution | EngineError> =>
  p.then(
    (s) => s,
    (e: unknown) => e as EngineError,
  );

describe('worker-thread solver port: deadlines, stuck and dead workers', () => {
  it('runs a queued request’s clock from the end of the solve ahead of it, never killing that solve', async () => {
    // The first solve takes 1 s of its 1 s + 0.5 s; each queued one may take 0.1 s + 0.5 s. Timed
    // from the enqueue (the old behaviour), the queued requests expired at 0.6 s, while the first
    // was still solving, and their timers terminated the worker under it.
    const w = createWorkerQpSolver({ workerUrl: SCRIPTED, graceMs: 500 });
    await w.ready();
    const rs = await Promise.all([
      settle(w.solve(scripted(1000), { timeLimitSeconds: 1 })),
      settle(w.solve(scripted(20), { timeLimitSeconds: 0.1 })),
      settle(w.solve(scripted(30), { timeLimitSeconds: 0.1 })),
    ]);
    await w.close();
    expect(rs.map((r) => (r instanceof Error ? r.message : (r.x[0] as number)))).toEqual([
      1000, 20, 30,
    ]);
    // One worker answered all three: none was restarted.
    expect(new Set(rs.map((r) => (r as QpSolution).modelStatus)).size).toBe(1);
  });

  it('a stuck worker fails only the running request, with 503 UNAVAILABLE and the reason; the queued ones go to a fresh worker', async () => {
    const w = createWorkerQpSolver({ workerUrl: SCRIPTED, graceMs: 200 });
    const first = await w.solve(scripted(0), { timeLimitSeconds: 1 });
    const [stuck, next, last] = await Promise.all([
      settle(w.solve(scripted(-1), { timeLimitSeconds: 0.1 })),
      settle(w.solve(scripted(5), { timeLimitSeconds: 1 })),
      settle(w.solve(scripted(6), { timeLimitSeconds: 1 })),
    ]);
    await w.close();
    expect(stuck).toBeInstanceOf(EngineError);
    expect(stuck).toMatchObject({ code: 'UNAVAILABLE' });
    expect((stuck as EngineError).message).toContain('time limit of 0.1 s plus 0.2 s grace');
    expect(HTTP_STATUS.UNAVAILABLE).toBe(503);
    expect([next, last].map((r) => (r as QpSolution).x[0])).toEqual([5, 6]);
    expect((next as QpSolution).modelStatus).not.toBe(first.modelStatus);
    expect((last as QpSolution).modelStatus).toBe((next as QpSolution).modelStatus);
  });

  it('a worker that dies mid-solve fails that request; the queued one is answered by a fresh worker', async () => {
    const w = createWorkerQpSolver({ workerUrl: SCRIPTED, graceMs: 200 });
    await w.ready();
    const [dead, next] = await Promise.all([
      settle(w.solve(scripted(-2), { timeLimitSeconds: 1 })),
      settle(w.solve(scripted(7), { timeLimitSeconds: 1 })),
    ]);
    await w.close();
    expect(dead).toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('exit code 3'),
    });
    expect((next as QpSolution).x[0]).toBe(7);
  });

  it('a worker that cannot start fails every waiting request once, without restarting in a loop', async () => {
    const w = createWorkerQpSolver({ workerUrl: BROKEN, graceMs: 200 });
    const rs = await Promise.all(
      [1, 2, 3].map(() => settle(w.solve(scripted(0), { timeLimitSeconds: 1 }))),
    );
    await w.close();
    for (const r of rs)
      expect(r).toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('failed to start'),
      });
  });

  it('HiGHS reaching the time limit answers SOLVER_LIMIT (422) naming the limit, and the worker stays', async () => {
    const w = createWorkerQpSolver({ graceMs: 5000 });
    const e = await optimizePortfolio({ ...bigProblem(100), timeLimitSeconds: 0.001 }, w).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(EngineError);
    expect(e).toMatchObject({
      code: 'SOLVER_LIMIT',
      details: [
        { path: 'optimizer_time_limit_seconds', message: expect.stringContaining('0.001 s') },
      ],
    });
    expect((e as EngineError).message).toContain(
      'time limit of 0.001 s (optimizer_time_limit_seconds)',
    );
    expect(HTTP_STATUS.SOLVER_LIMIT).toBe(422);
    const ok = await optimizePortfolio(problem, w);
    expect(ok.solver.status).toBe('optimal');
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
