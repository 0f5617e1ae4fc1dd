/**
 * Node implementations of the optimizer's QpSolverPort.
 *
 * - `createWorkerQpSolver()`: one warm worker thread (a pool of 1) running HiGHS. The worker
 *   solves one request at a time, so requests wait here, in order, and the worker holds at most
 *   one: the request it is solving. Only that request's clock runs: its deadline (time limit +
 *   grace) is armed when it is sent, which is when the request before it was answered. A queued
 *   request therefore never times out while it waits, and never stops the solve ahead of it.
 *   - A worker that gives no answer by the deadline is stuck (HiGHS honours `time_limit` itself):
 *     it is terminated, only the request it was solving fails — EngineError('UNAVAILABLE'),
 *     HTTP 503, with the reason — and the waiting requests go to a fresh worker.
 *   - A worker that dies while solving fails that request (INTERNAL) and the rest go to a fresh
 *     worker; one that dies before it has loaded HiGHS fails every waiting request (a new one
 *     would fail the same way).
 *   - The worker is unref'd after 1 s idle, so it never keeps the process alive.
 * - `createInThreadQpSolver()`: the same adapter on this thread (tests, benchmarks, CLI, and each
 *   compute-pool worker).
 *
 * Under tsx/vitest the worker file is TypeScript (see `defaultWorker`); a bundled build points
 * `workerUrl` at the compiled highs-worker.js.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import loadHighs from 'highs';
import { EngineError } from '../contract/common';
import { createHighsQpSolver, type HighsQpSolver } from '../optimize/qp/highs-adapter';
import type { QpModel, QpSolution, QpSolverPort, SolveOptions } from '../optimize/qp/types';
import type { SolveRequest, WorkerReply } from './highs-worker';

export interface WorkerQpSolver extends QpSolverPort {
  /** Resolves once the worker has loaded HiGHS (solves queue until then anyway). */
  ready(): Promise<string>;
  /** Terminates the worker; the running and the waiting solves are rejected (INTERNAL). */
  close(): Promise<void>;
}

export interface WorkerQpSolverOptions {
  /** Worker script speaking the highs-worker protocol; default: highs-worker next to this file. */
  workerUrl?: URL;
  /**
   * Milliseconds a solve may run past its `timeLimitSeconds` before its worker counts as stuck
   * (default 10,000: HiGHS checks its limit between iterations, and a first request also waits
   * for the worker to load HiGHS, ~0.1–0.5 s).
   */
  graceMs?: number;
}

interface Job {
  id: number;
  model: QpModel;
  options: SolveOptions;
  resolve: (s: QpSolution) => void;
  reject: (e: Error) => void;
}

/** The request the worker is solving and the deadline armed when it was sent. */
interface Running {
  job: Job;
  worker: Worker;
  deadline: ReturnType<typeof setTimeout>;
}

/**
 * How to start the worker. A compiled build runs highs-worker.js directly. From TypeScript sources
 * (tsx, vitest) a small eval bootstrap registers tsx's ESM loader inside the worker and then imports
 * highs-worker.ts: Node 20 does not apply the parent's `--import tsx` hooks to worker threads.
 */
function defaultWorker(): { script: URL | string; eval: boolean } {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return { script: new URL('./highs-worker.js', self), eval: false };
  const tsxDir = dirname(createRequire(self).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL('./highs-worker.ts', self).href;
  const code =
    `import(${JSON.stringify(api)}).then((api) => { api.register(); ` +
    `return import(${JSON.stringify(entry)}); });`;
  return { script: code, eval: true };
}

/** Seconds for a message: up to 6 significant digits. */
const seconds = (ms: number) => `${+(ms / 1000).toPrecision(6)} s`;

/**
 * Starts one warm HiGHS worker.
 *
 * Example: `const solver = createWorkerQpSolver(); const r = await optimizePortfolio(p, solver);
 * await solver.close();`
 */
export function createWorkerQpSolver(opts: WorkerQpSolverOptions = {}): WorkerQpSolver {
  const grace = opts.graceMs ?? 10_000;
  let worker: Worker | null = null;
  let loaded = false;
  let readyPromise: Promise<string> | null = null;
  let nextId = 1;
  const waiting: Job[] = [];
  let running: Running | null = null;
  /** Workers this side stopped on purpose: their exit fails nothing. */
  const retired = new WeakSet<Worker>();

  // Unref the worker after a second without work, not at once: toggling ref/unref per request
  // added 2–12 ms of message latency to about one call in three.
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  const scheduleIdle = (w: Worker) => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idleTimer = null;
      if (!running && waiting.length === 0) w.unref();
    }, 1000);
    idleTimer.unref();
  };

  const retire = (w: Worker) => {
    retired.add(w);
    if (worker === w) worker = null;
    void w.terminate();
  };

  /** Ends the running request (if it is `job`) and sends the next one. */
  const finish = (job: Job, outcome: { solution: QpSolution } | { error: Error }) => {
    if (running?.job !== job) return;
    clearTimeout(running.deadline);
    running = null;
    if ('solution' in outcome) job.resolve(outcome.solution);
    else job.reject(outcome.error);
    pump();
  };

  const onReply = (w: Worker, msg: WorkerReply) => {
    if (msg.type === 'ready') {
      if (worker === w) loaded = true;
      return;
    }
    if (running?.worker !== w || running.job.id !== msg.id) return;
    finish(
      running.job,
      msg.ok
        ? { solution: msg.solution }
        : { error: new EngineError('INTERNAL', `solver worker error: ${msg.error.message}`) },
    );
  };

  const onDeath = (w: Worker, err: Error, readyReject: (e: Error) => void) => {
    readyReject(err);
    if (retired.has(w)) return;
    retired.add(w);
    if (worker === w) worker = null;
    if (!loaded) {
      // It died loading HiGHS: a fresh worker would too, so nothing waits for one.
      const error = new EngineError('INTERNAL', `solver worker failed to start: ${err.message}`);
      if (running?.worker === w) finish(running.job, { error });
      for (const job of waiting.splice(0)) job.reject(error);
      return;
    }
    if (running?.worker === w)
      finish(running.job, {
        error: new EngineError('INTERNAL', `solver worker stopped: ${err.message}`),
      });
  };

  const start = (): Worker => {
    if (worker) return worker;
    const def = opts.workerUrl ? { script: opts.workerUrl, eval: false } : defaultWorker();
    const w = new Worker(def.script, { eval: def.eval });
    worker = w;
    loaded = false;
    let readyResolve!: (v: string) => void;
    let readyReject!: (e: Error) => void;
    readyPromise = new Promise<string>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    readyPromise.catch(() => undefined);
    w.on('message', (msg: WorkerReply) => {
      if (msg.type === 'ready') readyResolve(msg.version);
      onReply(w, msg);
      if (!running && waiting.length === 0 && worker === w) scheduleIdle(w);
    });
    w.on('error', (err) => onDeath(w, err, readyReject));
    w.on('exit', (code) => onDeath(w, new Error(`exit code ${code}`), readyReject));
    // Referenced while loading (someone is waiting for it); unref'd once idle.
    return w;
  };

  /** Sends the next waiting request when the worker is free, and arms its deadline. */
  const pump = () => {
    if (running) return;
    const job = waiting.shift();
    if (!job) return;
    const w = start();
    const limitMs = job.options.timeLimitSeconds * 1000;
    const deadline = setTimeout(() => {
      if (running?.job !== job) return;
      // HiGHS stops itself at time_limit; no answer this late means the worker is stuck.
      retire(w);
      finish(job, {
        error: new EngineError(
          'UNAVAILABLE',
          `the solver gave no answer within its time limit of ${seconds(limitMs)} plus ${seconds(grace)} grace; its worker was stopped and restarted, so the request can be retried`,
          [{ path: 'optimizer_time_limit_seconds', message: 'solver worker stuck' }],
        ),
      });
    }, limitMs + grace);
    deadline.unref();
    running = { job, worker: w, deadline };
    if (idleTimer) {
      clearTimeout(idleTimer);
      idleTimer = null;
    }
    w.ref();
    try {
      w.postMessage({ id: job.id, model: job.model, options: job.options } satisfies SolveRequest);
    } catch (e) {
      finish(job, { error: e instanceof Error ? e : new Error(String(e)) });
    }
  };

  return {
    name: 'highs-wasm (worker thread)',
    ready: () => {
      start();
      return readyPromise as Promise<string>;
    },
    solve(model: QpModel, options: SolveOptions): Promise<QpSolution> {
      return new Promise<QpSolution>((resolve, reject) => {
        waiting.push({ id: nextId++, model, options, resolve, reject });
        pump();
      });
    },
    async close() {
      const w = worker;
      const error = new EngineError('INTERNAL', 'solver worker closed');
      const jobs = waiting.splice(0);
      if (running) finish(running.job, { error });
      for (const job of jobs) job.reject(error);
      if (w) {
        retire(w);
        await w.terminate();
      }
    },
  };
}

/** HiGHS on the calling thread (blocks it during each solve). */
export async function createInThreadQpSolver(): Promise<HighsQpSolver> {
  return createHighsQpSolver(await loadHighs());
}
