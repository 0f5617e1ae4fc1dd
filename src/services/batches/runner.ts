/**
 * Batch runs on the owner of the database (issue #13): creates a batch, hands its items to a
 * BatchExecutor (the local pool, or BullMQ workers) and writes each result as it arrives — the
 * item's run and outcome in one short transaction, saved once however often it is delivered. The
 * status and progress are read from the store, so they survive a restart; at start, batches left
 * unfinished resume their pending items. One writer: executors compute, only this writes.
 */
import type { z } from 'zod';
import type {
  BatchDetail,
  CreateBatchRequest,
  ListBatchesRequest,
  ListBatchesResponse,
} from '../../contract/batches';
import { EngineError } from '../../contract/common';
import type { BatchRecord, ItemWrite, Store } from '../../ports/store';
import { portfolioVersionOf, runRecord } from '../runs';
import { batchDetail, batchSummary, progressOf } from './detail';
import type { BatchExecutor, BatchItemResult, BatchJob, BatchSink } from './job';
import { planBatch, SLICE } from './plan';
import { batchJob, batchShared, keyIndex } from './work';

/** The batch operations behind the contract's createBatch, listBatches, getBatch, cancelBatch. */
export interface BatchService {
  create(input: z.output<typeof CreateBatchRequest>, actor: string): Promise<BatchDetail>;
  list(q: z.output<typeof ListBatchesRequest>): z.output<typeof ListBatchesResponse>;
  get(batch_id: string, page: { from: number; limit: number }): BatchDetail;
  /** Stops handing out the batch's items (at once) and marks those not started cancelled. */
  cancel(batch_id: string, actor: string): Promise<BatchDetail>;
  /** Picks up every unfinished batch (at engine start; again after the executor recovers). */
  resume(): void;
  /** Resolves when the batch is finished (done or cancelled); rejects if the runner closes. */
  settled(batch_id: string): Promise<BatchRecord>;
  /** Stops the executor and waits for the writes under way; pending items stay for a resume. */
  close(): Promise<void>;
}

export interface BatchRunnerDeps {
  store: Store;
  executor: BatchExecutor;
  log?: (message: string) => void;
  /**
   * Gives the event loop a turn (setImmediate in the adapters): reading and preparing thousands of
   * accounts is done in slices, so the thread that answers requests is never held for long.
   */
  pause?: () => Promise<void>;
}

/** What the runner knows of a batch handed to the executor. */
interface Active {
  batch: BatchRecord;
  /** Items the executor reported started and whose result is not written yet. */
  running: Set<number>;
  /** Request items naming a portfolio: their runs are filed under its current version. */
  portfolios: Map<number, string>;
  /** Cancelled while its jobs were being prepared: they are not handed over. */
  cancelled: boolean;
}

const notFound = (batch_id: string) =>
  new EngineError('NOT_FOUND', `batch ${batch_id} does not exist`, [
    { path: 'batch_id', message: 'no such batch' },
  ]);

/**
 * Example: `const runner = createBatchRunner({store, executor})`; `runner.resume()` at start;
 * `runner.create({model_id: 'growth', settings: {history_days: 756}}, 'pm')` → the batch,
 * `queued`, its items already handed to the executor; `await runner.settled(id)` → `done`.
 */
export function createBatchRunner(deps: BatchRunnerDeps): BatchService {
  const { store, executor } = deps;
  const pause = deps.pause ?? (() => Promise.resolve());
  const active = new Map<string, Active>();
  const writes = new Set<Promise<void>>();
  const waiters = new Map<
    string,
    { resolve: (b: BatchRecord) => void; reject: (e: Error) => void }[]
  >();
  let closed = false;

  const found = (batch_id: string) => {
    const b = store.batches.get(batch_id);
    if (b === null) throw notFound(batch_id);
    return b;
  };

  const finished = (batch_id: string) => {
    active.delete(batch_id);
    const b = store.batches.get(batch_id);
    if (b === null) return;
    for (const w of waiters.get(batch_id) ?? []) w.resolve(b);
    waiters.delete(batch_id);
  };

  /** Writes one result: its run and outcome, or the reason it could not be built. */
  const write = async (a: Active, r: BatchItemResult): Promise<void> => {
    const id = a.batch.batch_id;
    const index = keyIndex(id, r.key);
    if (index === null) {
      deps.log?.(`batch ${id}: a result with the foreign key ${r.key} was ignored`);
      return;
    }
    let w: ItemWrite;
    if (r.outcome === 'unbuilt') w = store.batches.saveUnbuilt(id, index, r.error);
    else {
      const c = r.computed;
      const portfolio_id = a.portfolios.get(index) ?? null;
      const at = {
        kind: 'rebalance' as const,
        portfolio_id,
        portfolio_version: portfolioVersionOf(store, portfolio_id),
        actor: a.batch.actor,
      };
      const done = { ...c, ...(r.text_hashes ? { text_hashes: r.text_hashes } : {}) };
      const decision = c.outcome.decision;
      w = await store.batches.saveRun(
        id,
        index,
        { ...runRecord(at, done), status: c.status, decision },
        c.outcome,
      );
    }
    a.running.delete(index);
    if (w.kind === 'saved' && w.finished) finished(id);
  };

  const track = (p: Promise<void>) => {
    writes.add(p);
    void p.finally(() => writes.delete(p));
  };

  const sinkFor = (a: Active): BatchSink => ({
    started: (key) => {
      const i = keyIndex(a.batch.batch_id, key);
      if (i !== null) a.running.add(i);
    },
    result: (r) => {
      if (closed) return;
      const saved = write(a, r);
      track(
        saved.catch((e: unknown) => {
          // The item stays pending: computed again by the next resume.
          deps.log?.(`batch ${a.batch.batch_id}: result ${r.key} not written: ${String(e)}`);
        }),
      );
      return saved;
    },
    trouble: (reason) => {
      if (closed) return;
      store.batches.setStatus(a.batch.batch_id, reason === null ? 'running' : 'failed', reason);
      if (reason === null) resume();
    },
  });

  /**
   * Hands the batch's pending items to the executor (once per batch while it is active): the
   * shared part, then the jobs, prepared in slices of SLICE with the event loop free between.
   */
  const launch = async (b: BatchRecord): Promise<void> => {
    if (closed || active.has(b.batch_id)) return;
    const a: Active = { batch: b, running: new Set(), portfolios: new Map(), cancelled: false };
    active.set(b.batch_id, a);
    try {
      await pause();
      if (closed || a.cancelled) return;
      const pending = store.batches.pending(b.batch_id);
      if (pending.length === 0) {
        active.delete(b.batch_id);
        return;
      }
      const shared = batchShared(store, b);
      const jobs: BatchJob[] = [];
      for (const [i, it] of pending.entries()) {
        if (i > 0 && i % SLICE === 0) await pause();
        const j = batchJob(store, it);
        if (j.spec.kind === 'request' && typeof j.spec.request.portfolio_id === 'string')
          a.portfolios.set(j.index, j.spec.request.portfolio_id);
        jobs.push(j);
      }
      if (closed || a.cancelled) return;
      store.batches.setStatus(b.batch_id, 'running', null);
      await executor.start(shared, jobs, sinkFor(a));
    } catch (e) {
      if (active.get(b.batch_id) === a) active.delete(b.batch_id);
      if (closed) return;
      const reason = `the ${executor.name} executor did not take the batch: ${e instanceof Error ? e.message : String(e)}`;
      store.batches.setStatus(b.batch_id, 'failed', reason);
      deps.log?.(`batch ${b.batch_id}: ${reason}`);
    }
  };

  const resume = (): void => {
    for (const b of store.batches.unfinished()) {
      if (closed) return;
      if (active.has(b.batch_id)) continue;
      try {
        if (b.status === 'cancelled') {
          // Cancelled while items were computing, then stopped: their results are gone.
          const done = store.batches.cancel(b.batch_id, new Set(), b.actor);
          if (done.finished_at !== null) finished(b.batch_id);
        } else void launch(b);
      } catch (e) {
        deps.log?.(`batch ${b.batch_id} could not be resumed: ${String(e)}`);
        store.batches.setStatus(b.batch_id, 'failed', `could not be resumed: ${String(e)}`);
      }
    }
  };

  const detail = (b: BatchRecord, page = { from: 0, limit: 1000 }) =>
    batchDetail(store, b, page, executor.name);

  return {
    async create(input, actor) {
      if (closed) throw new EngineError('UNAVAILABLE', 'the engine is shutting down');
      const b = store.batches.create(await planBatch(store, input, actor, pause));
      // Handed to the executor from the next turn on: the answer is the batch as created.
      void launch(b);
      return detail(b);
    },
    list(q) {
      const rows = store.batches.list({
        limit: q.limit,
        ...(q.before ? { before: q.before } : {}),
      });
      const last = rows.at(-1);
      return {
        batches: rows.map((b) => {
          const { exceptions: _e, ...progress } = progressOf(b, store.batches.counts(b.batch_id));
          return { ...batchSummary(b), progress };
        }),
        next_before: rows.length === q.limit && last ? last.batch_id : null,
      };
    },
    get: (batch_id, page) => detail(found(batch_id), page),
    async cancel(batch_id, actor) {
      const b = found(batch_id);
      if (b.status === 'done')
        throw new EngineError('CONFLICT', `batch ${batch_id} is done: there is nothing to cancel`, [
          { path: 'batch_id', message: 'the batch is done' },
        ]);
      const a = active.get(batch_id);
      if (a) a.cancelled = true;
      if (b.status !== 'cancelled') await executor.cancel(batch_id);
      const after = store.batches.cancel(batch_id, a?.running ?? new Set(), actor);
      if (after.finished_at !== null) finished(batch_id);
      return detail(after);
    },
    resume,
    settled(batch_id) {
      const b = found(batch_id);
      if (b.finished_at !== null) return Promise.resolve(b);
      if (closed) return Promise.reject(new Error('the batch runner is closed'));
      return new Promise((resolve, reject) => {
        const list = waiters.get(batch_id) ?? [];
        list.push({ resolve, reject });
        waiters.set(batch_id, list);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await executor.close();
      await Promise.allSettled([...writes]);
      for (const list of waiters.values())
        for (const w of list) w.reject(new Error('the batch runner is closed'));
      waiters.clear();
      active.clear();
    },
  };
}
