/**
 * The local BatchExecutor: batch items computed on this machine's worker pool (compute op
 * `batchItem`, the same computeBatchItem a BullMQ worker runs). It holds every batch's jobs and
 * hands at most `slots` items to the pool at a time, over all batches, taking them in turn: the
 * pool's bounded queue is never filled by a batch, so an interactive rebalance waits at most for
 * an item to finish and is never refused with 429 because a batch runs.
 */
import { EngineError } from '../../contract/common';
import type { ComputePort } from '../compute/env';
import type { BatchExecutor, BatchItemResult, BatchJob, BatchShared, BatchSink } from './job';

export interface LocalExecutorOptions {
  /**
   * Items computing at once over every batch (≥ 1). The engine gives the pool's thread count:
   * each thread computes one item while the pool's queue stays free for interactive work.
   */
  slots: number;
  /** Resolves after `ms` (a timer in the adapters): the wait before a refused job is retried. */
  sleep: (ms: number) => Promise<void>;
  /** Wait after the pool refused a job as full (TOO_MANY_REQUESTS). Default 200 ms. */
  retryMs?: number;
  /** Where a computation's unexpected error is logged (its message never reaches a caller). */
  log?: (message: string) => void;
}

interface Run {
  shared: BatchShared;
  sink: BatchSink;
  /** Jobs not handed out yet (dropped by cancel). */
  queue: BatchJob[];
  /** Jobs reported started whose task the pool refused: they still run, before the queue. */
  retry: BatchJob[];
  inFlight: number;
}

const errorOf = (
  e: unknown,
  log?: (m: string) => void,
): BatchItemResult & { outcome: 'unbuilt' } => {
  if (e instanceof EngineError)
    return {
      key: '',
      outcome: 'unbuilt',
      error: { code: e.code, message: e.message, details: e.details },
    };
  log?.(`batch item failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return {
    key: '',
    outcome: 'unbuilt',
    error: { code: 'INTERNAL', message: 'the computation failed (internal error)', details: [] },
  };
};

/**
 * Example: `const ex = createLocalExecutor(pool, {slots: pool.threads, sleep})`;
 * `await ex.start(shared, jobs, sink)` returns at once; each job's result reaches
 * `sink.result` as the pool computes it (`sink.started` first), at most `slots` at a time.
 */
export function createLocalExecutor(
  compute: ComputePort,
  opts: LocalExecutorOptions,
): BatchExecutor {
  const slots = Math.max(1, Math.floor(opts.slots));
  const retryMs = opts.retryMs ?? 200;
  const runs = new Map<string, Run>();
  let turn = 0;
  let inFlight = 0;
  let waiting = false;
  let closed = false;

  const forget = (id: string, r: Run) => {
    if (r.queue.length === 0 && r.retry.length === 0 && r.inFlight === 0 && runs.get(id) === r)
      runs.delete(id);
  };

  /** The next job, batches taken in turn; a refused job first. */
  const next = (): [string, Run, BatchJob, boolean] | null => {
    const ready = [...runs].filter(([, r]) => r.queue.length > 0 || r.retry.length > 0);
    if (ready.length === 0) return null;
    const [id, r] = ready[turn++ % ready.length] as [string, Run];
    const again = r.retry.shift();
    if (again) return [id, r, again, false];
    return [id, r, r.queue.shift() as BatchJob, true];
  };

  const pump = (): void => {
    while (!closed && !waiting && inFlight < slots) {
      const picked = next();
      if (picked === null) return;
      const [id, r, job, fresh] = picked;
      inFlight++;
      r.inFlight++;
      if (fresh) r.sink.started?.(job.key);
      compute
        .run('batchItem', { job, shared: r.shared })
        .then(
          (res) => {
            if (!closed) r.sink.result(res);
          },
          (e: unknown) => {
            if (closed) return;
            if (e instanceof EngineError && e.code === 'TOO_MANY_REQUESTS') {
              // The pool is full of interactive work: this job waits its turn, then runs.
              r.retry.push(job);
              if (!waiting) {
                waiting = true;
                void opts.sleep(retryMs).then(() => {
                  waiting = false;
                  pump();
                });
              }
              return;
            }
            r.sink.result({ ...errorOf(e, opts.log), key: job.key });
          },
        )
        .finally(() => {
          inFlight--;
          r.inFlight--;
          forget(id, r);
          pump();
        });
    }
  };

  return {
    name: 'local',
    start(shared, jobs, sink) {
      if (closed) return Promise.reject(new EngineError('UNAVAILABLE', 'the executor is closed'));
      const known = runs.get(shared.batch_id);
      if (known) known.queue.push(...jobs);
      else runs.set(shared.batch_id, { shared, sink, queue: [...jobs], retry: [], inFlight: 0 });
      pump();
      return Promise.resolve();
    },
    cancel(batch_id) {
      const r = runs.get(batch_id);
      if (r) {
        r.queue = [];
        forget(batch_id, r);
      }
      return Promise.resolve();
    },
    close() {
      closed = true;
      runs.clear();
      return Promise.resolve();
    },
  };
}
