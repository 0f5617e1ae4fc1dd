/**
 * Node implementations of the optimizer's QpSolverPort.
 *
 * - `createWorkerQpSolver()`: one warm worker thread (a pool of 1) running HiGHS; requests are
 *   queued in order, the worker is unref'd after 1 s idle so it never keeps the process alive, a
 *   crashed or hung worker (no reply within the time limit + 10 s) is terminated, its pending
 *   requests rejected with EngineError('INTERNAL'), and a fresh worker started on the next solve.
 * - `createInThreadQpSolver()`: the same adapter on this thread (tests, benchmarks, CLI).
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
  /** Terminates the worker; pending solves are rejected. */
  close(): Promise<void>;
}

interface Pending {
  resolve: (s: QpSolution) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
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

/**
 * Starts one warm HiGHS worker.
 *
 * Example: `const solver = createWorkerQpSolver(); const r = await optimizePortfolio(p, solver);
 * await solver.close();`
 */
export function createWorkerQpSolver(
  opts: { workerUrl?: URL; graceMs?: number } = {},
): WorkerQpSolver {
  let worker: Worker | null = null;
  let readyPromise: Promise<string> | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const grace = opts.graceMs ?? 10_000;

  const failAll = (err: Error) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(err);
      pending.delete(id);
    }
  };

  // Unref the worker after a second without work, not at once: toggling ref/unref per request
  // added 2–12 ms of message latency to about one call in three.
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  const scheduleIdle = (w: Worker) => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idleTimer = null;
      if (pending.size === 0) w.unref();
    }, 1000);
    idleTimer.unref();
  };

  const start = (): Worker => {
    if (worker) return worker;
    const def = opts.workerUrl ? { script: opts.workerUrl, eval: false } : defaultWorker();
    const w = new Worker(def.script, { eval: def.eval });
    worker = w;
    let readyResolve!: (v: string) => void;
    let readyReject!: (e: Error) => void;
    readyPromise = new Promise<string>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    readyPromise.catch(() => undefined);
    w.on('message', (msg: WorkerReply) => {
      if (msg.type === 'ready') {
        readyResolve(msg.version);
        if (pending.size === 0) scheduleIdle(w);
        return;
      }
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      clearTimeout(p.timer);
      if (pending.size === 0) scheduleIdle(w);
      if (msg.ok) p.resolve(msg.solution);
      else p.reject(new EngineError('INTERNAL', `solver worker error: ${msg.error.message}`));
    });
    const onDeath = (err: Error) => {
      if (worker === w) worker = null;
      readyReject(err);
      failAll(new EngineError('INTERNAL', `solver worker stopped: ${err.message}`));
    };
    w.on('error', onDeath);
    w.on('exit', (code) => onDeath(new Error(`exit code ${code}`)));
    // Referenced while loading (someone is waiting for it); unref'd once idle.
    return w;
  };

  return {
    name: 'highs-wasm (worker thread)',
    ready: () => {
      start();
      return readyPromise as Promise<string>;
    },
    solve(model: QpModel, options: SolveOptions): Promise<QpSolution> {
      const w = start();
      const id = nextId++;
      return new Promise<QpSolution>((resolve, reject) => {
        const timer = setTimeout(
          () => {
            if (!pending.has(id)) return;
            // HiGHS honours time_limit; a reply this late means the worker is stuck.
            pending.delete(id);
            reject(
              new EngineError(
                'INTERNAL',
                `solver worker gave no answer within ${options.timeLimitSeconds} s + grace; restarted`,
              ),
            );
            if (worker === w) worker = null;
            void w.terminate();
          },
          options.timeLimitSeconds * 1000 + grace,
        );
        timer.unref();
        pending.set(id, { resolve, reject, timer });
        if (idleTimer) {
          clearTimeout(idleTimer);
          idleTimer = null;
        }
        w.ref();
        w.postMessage({ id, model, options } satisfies SolveRequest);
      });
    },
    async close() {
      const w = worker;
      worker = null;
      failAll(new EngineError('INTERNAL', 'solver worker closed'));
      if (w) await w.terminate();
    },
  };
}

/** HiGHS on the calling thread (blocks it during each solve). */
export async function createInThreadQpSolver(): Promise<HighsQpSolver> {
  return createHighsQpSolver(await loadHighs());
}
