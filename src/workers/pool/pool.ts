/**
 * The adapters' ComputePort: a piscina pool of worker threads, sized to the machine, with a
 * bounded queue. Rebalances, replays, imports and run analytics are computed there, so the thread
 * that answers HTTP requests (and, in the desktop app, the Electron main process) only validates,
 * reads and writes. When every thread is busy and the queue is full, a task is refused at once
 * with EngineError('TOO_MANY_REQUESTS') — HTTP 429 with Retry-After — instead of waiting.
 *
 * Under tsx/vitest the worker entry is TypeScript (tsx-bootstrap.mjs registers tsx's loader in
 * the thread); a bundled build runs compute-worker.js, built beside the main bundle.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { EngineError } from '../../contract/common';
import type { ComputeArg, ComputeOp, ComputePort, ComputeResult } from '../../services/compute/env';
import { SHARED_FIELD_OPS, type PoolReply, type PoolTask } from './protocol';
import { packShared } from './sharedArg';

export interface PoolOptions {
  /** Repository or app root (resources/ lives there): the workers read the stress library. */
  root: string;
  /**
   * Worker threads; default: one per core but one, at least one — the thread that answers
   * requests (and, in the desktop app, the UI's main process) keeps a core of its own.
   */
  threads?: number;
  /**
   * Tasks that may wait for a thread; more are refused with 429. Default: 4 per thread, at least
   * 16 (a script with 10 connections of small rebalances must not meet 429 on a 2-core machine).
   */
  maxQueue?: number;
  /** Seconds a refused caller is told to wait (Retry-After). Default 1. */
  retryAfterSeconds?: number;
  /** Heap of each thread in MiB (V8 old generation). Default 2,048. */
  heapMb?: number;
}

export interface PoolCompute extends ComputePort {
  /** Whether a task submitted now would be accepted (a thread or queue slot is free). */
  hasRoom(): boolean;
  /** Worker threads (the most tasks computing at once). */
  readonly threads: number;
}

/**
 * The task posted for `op`: the argument as it is, or, for SHARED_FIELD_OPS, without its `shared`
 * field, which goes packed beside it (serialized once per shared object, not once per task).
 * Example: `poolTask('batchItem', {job, shared})` → `{op, arg: {job}, shared: {key, bytes}}`;
 * `poolTask('run', task)` → `{op: 'run', arg: task}`.
 */
export function poolTask(op: ComputeOp, arg: unknown): PoolTask {
  if (!SHARED_FIELD_OPS.has(op) || arg === null || typeof arg !== 'object') return { op, arg };
  const { shared, ...rest } = arg as { shared?: unknown };
  if (shared === null || typeof shared !== 'object') return { op, arg };
  return { op, arg: rest, shared: packShared(shared) };
}

function workerFile(): string {
  const self = import.meta.url;
  const name = self.endsWith('.ts') ? './tsx-bootstrap.mjs' : './compute-worker.js';
  return fileURLToPath(new URL(name, self));
}

/**
 * Starts the pool. Threads start on demand and stop after a minute idle (never keeping the
 * process alive); HiGHS is loaded once per thread, on its first optimizing task.
 * Example: `const compute = createPoolCompute({ root: ROOT }); await compute.run('run', task);
 * await compute.close();`
 */
export function createPoolCompute(opts: PoolOptions): PoolCompute {
  const threads = Math.max(1, opts.threads ?? availableParallelism() - 1);
  const maxQueue = opts.maxQueue ?? Math.max(16, 4 * threads);
  const retryAfter = opts.retryAfterSeconds ?? 1;
  const heapMb = opts.heapMb ?? 2048;
  const pool = new Piscina<PoolTask, PoolReply>({
    filename: workerFile(),
    minThreads: 0,
    maxThreads: threads,
    // The bound is enforced above (inFlight), where the refusal carries its code.
    idleTimeout: 60_000,
    // One task at a time per thread: a computation is CPU-bound, sharing a thread only delays.
    concurrentTasksPerWorker: 1,
    workerData: { root: opts.root },
    // A computation that outgrows its heap stops its own thread (ERR_WORKER_OUT_OF_MEMORY), not
    // the process: without a limit V8's fatal out-of-memory in a thread ends the whole app.
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
  });
  // Tasks accepted and not yet answered (running + waiting): at most threads + maxQueue.
  let inFlight = 0;
  let closed = false;

  const busy = () =>
    new EngineError(
      'TOO_MANY_REQUESTS',
      `the compute pool is full (${threads} running, ${maxQueue} waiting); retry in ${retryAfter} s`,
      [{ path: 'retry_after', message: String(retryAfter) }],
    );

  return {
    async run<K extends ComputeOp>(op: K, arg: ComputeArg<K>): Promise<ComputeResult<K>> {
      if (closed) throw new EngineError('INTERNAL', 'the compute pool is shut down');
      if (inFlight >= threads + maxQueue) throw busy();
      inFlight++;
      let reply: PoolReply;
      try {
        reply = await pool.run(poolTask(op, arg));
      } catch (e) {
        if ((e as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY')
          throw new EngineError(
            'PAYLOAD_TOO_LARGE',
            `the computation needed more than its ${heapMb} MiB of memory and was stopped; send a smaller file or request`,
          );
        throw e;
      } finally {
        inFlight--;
      }
      if (!reply.ok)
        throw new EngineError(reply.error.code, reply.error.message, reply.error.details);
      return reply.value as ComputeResult<K>;
    },
    hasRoom: () => !closed && inFlight < threads + maxQueue,
    threads,
    async close() {
      closed = true;
      await pool.destroy();
    },
  };
}
