/**
 * The owner's side of a batch on BullMQ (issue #13, item 4): the batch's shared data is written
 * once to Redis, each item becomes one job (job id from its key, so BullMQ never holds an item
 * twice), and results come back to the owning app — which alone writes its store — through the
 * queue's 'completed' events and, for any it did not see, a reconciliation read of the jobs.
 *
 * Delivery is at least once: a key may reach the sink again after the owner restarted (the runner
 * saves it once). A worker announces an item before computing it (the job's progress, set once),
 * which reaches the sink as `started(key)`: from then on the item delivers a result even if the
 * batch is cancelled — the worker does not skip an announced job, and cancel leaves it queued.
 * Redis going away is reported with `sink.trouble(reason)`, its return with `sink.trouble(null)`,
 * and the batch goes on. docs/scale.md describes each failure.
 */
import { Queue, QueueEvents } from 'bullmq';
import type {
  BatchExecutor,
  BatchItemResult,
  BatchJob,
  BatchShared,
  BatchSink,
} from '../services/batches/job';
import {
  BATCH_KEY_TTL_SECONDS,
  DEFAULT_QUEUE_NAME,
  cancelKey,
  isJobOfBatch,
  jobIdOf,
  keyOfJobId,
  resultKey,
  sharedKey,
  textKey,
} from './keys';
import { lookUpJobs } from './lookup';
import { isConnectionError, watchRedis } from './monitor';
import {
  envelopeOf,
  isItemResult,
  isStoredNote,
  type QueueJobData,
  type QueueReturn,
} from './protocol';
import { CorruptResult, readFrame } from './resultCodec';
import { textReader } from './texts';
import { openRedis } from './redis';
import {
  ATTEMPTS,
  BACKOFF,
  CHUNK,
  EVENTS_MAX_LEN,
  FETCH_AT_ONCE,
  KEEP_COMPLETED,
  KEEP_FAILED,
  MAX_QUIET_MS,
  QUIET_MS,
} from './settings';
import { parseQueueUrl } from './url';

export interface BullmqExecutorOptions {
  /** `redis://HOST:PORT` of the queue's Redis. */
  url: string;
  /** BullMQ queue name; default `spr-batches`. Workers must be started with the same. */
  queueName?: string;
  /** Completed jobs kept for an owner that was away (count, seconds). docs/scale.md. */
  keepCompleted?: { count: number; ageSeconds: number };
  /** Milliseconds without a result of a batch before its pending jobs are looked up. */
  quietMs?: number;
  log?: (msg: string) => void;
}

interface BatchState {
  shared: BatchShared;
  sink: BatchSink;
  /** Keys not delivered yet, with their jobs (to queue again one whose job is gone). */
  pending: Map<string, BatchJob>;
  /** Keys a worker announced (reported to the sink as started). */
  started: Set<string>;
  /** Keys whose stored result is being read. */
  fetching: Set<string>;
  /** Results read from Redis that the sink has not said are saved yet (their keys remain). */
  unsaved: number;
  /** Every job was handed to Redis at least once. */
  added: boolean;
  cancelled: boolean;
  lastProgress: number;
  /** Silence (ms) before the next lookup: QUIET_MS, doubled after each lookup that found nothing. */
  quietAfter: number;
  /** The add loop of `start` (it stops between chunks once cancelled). */
  adding: Promise<void>;
  /** The add loop or reconciliation running now, awaited before the next reconciliation. */
  busy: Promise<void>;
}

const jobData = (batch_id: string, j: BatchJob): QueueJobData => ({
  batch_id,
  key: j.key,
  index: j.index,
  spec: j.spec,
});

/**
 * Creates the BullMQ executor. Connects at once and keeps reconnecting while Redis is away.
 * Example: `const ex = createBullmqExecutor({url: 'redis://127.0.0.1:6379'});
 * await ex.start(shared, jobs, sink)` — workers started with
 * `npm run worker -- --queue redis://127.0.0.1:6379` compute them; `sink.result` receives each;
 * `await ex.close()`.
 */
export function createBullmqExecutor(opts: BullmqExecutorOptions): BatchExecutor {
  const address = parseQueueUrl(opts.url);
  const name = opts.queueName ?? DEFAULT_QUEUE_NAME;
  const keep = opts.keepCompleted ?? KEEP_COMPLETED;
  const quietMs = opts.quietMs ?? QUIET_MS;
  const log = opts.log ?? (() => undefined);
  const redis = openRedis(address, 'spr-owner');
  const batches = new Map<string, BatchState>();
  /** Pending key → its batch, for the events (which name a job id, not a batch). */
  const byKey = new Map<string, BatchState>();
  const texts = textReader(redis, log);
  let closed = false;

  const monitor = watchRedis(redis, address.display, (why) => {
    log(why ?? `the queue's Redis at ${address.display} is back`);
    const reason = why && `${why}; the batch resumes when it is back`;
    for (const b of batches.values()) b.sink.trouble(reason);
    if (reason === null) for (const b of batches.values()) void reconcile(b);
  });

  const queue = new Queue<QueueJobData, QueueReturn>(name, {
    connection: redis,
    streams: { events: { maxLen: EVENTS_MAX_LEN } },
    defaultJobOptions: {
      attempts: ATTEMPTS,
      backoff: BACKOFF,
      removeOnComplete: { count: keep.count, age: keep.ageSeconds },
      removeOnFail: { count: KEEP_FAILED.count, age: KEEP_FAILED.ageSeconds },
    },
  });
  const logError = (what: string) => (e: Error) => {
    if (!isConnectionError(e)) log(`${what}: ${e.message}`);
  };
  queue.on('error', logError('queue'));

  let events: QueueEvents | null = null;
  // The listener starts at the stream's last entry as of now, so nothing between here and its
  // first read is missed; anything earlier (a batch resumed) is found by reconciliation.
  const ready = (async () => {
    await queue.waitUntilReady();
    if (closed) return;
    const last = await redis.xrevrange(queue.keys.events as string, '+', '-', 'COUNT', 1);
    const ev = new QueueEvents(name, {
      connection: redis,
      lastEventId: last[0]?.[0] ?? '0-0',
    });
    ev.on('completed', ({ jobId, returnvalue }) => {
      const b = byKey.get(keyOfJobId(jobId));
      if (b) arrived(b, returnvalue as unknown);
    });
    ev.on('progress', ({ jobId }) => {
      const key = keyOfJobId(jobId);
      const b = byKey.get(key);
      if (!b || b.cancelled || b.started.has(key)) return;
      b.started.add(key);
      b.sink.started?.(key);
    });
    ev.on('failed', ({ jobId, failedReason }) => {
      const key = keyOfJobId(jobId);
      const b = byKey.get(key);
      if (b) deliver(b, failure(key, failedReason));
    });
    ev.on('error', logError('queue events'));
    events = ev;
    if (closed) void ev.close();
    await ev.waitUntilReady();
  })();
  ready.catch(() => undefined);

  function failure(key: string, reason: string): BatchItemResult {
    return {
      key,
      outcome: 'unbuilt',
      error: {
        code: 'INTERNAL',
        message: `the item failed on the queue's workers after ${ATTEMPTS} attempts: ${reason}`,
        details: [],
      },
    };
  }

  /** A completed job's return value: an unbuilt item's result, or where a computed one is. */
  function arrived(b: BatchState, v: unknown): void {
    if (isItemResult(v)) deliver(b, v);
    else if (isStoredNote(v))
      void fetchStored(b, v.key).then((got) => {
        if (got === 'absent') void recompute(b, [v.key]);
      });
  }

  /**
   * Reads a computed result from its key and delivers it (the key is deleted once the sink has
   * saved it). `absent`: the item is pending and its result is not there or cannot be read — for
   * the caller to compute again; `skipped`: nothing to do (delivered already, being read, or
   * Redis away: the reconciliation after its return reads it).
   */
  async function fetchStored(
    b: BatchState,
    key: string,
  ): Promise<'delivered' | 'absent' | 'skipped'> {
    if (!b.pending.has(key) || b.fetching.has(key)) return 'skipped';
    // Marked while it is read (its frame, then any text the frame leaves out): a second event
    // for the key meanwhile does not read it again.
    b.fetching.add(key);
    try {
      return await readResult(b, key);
    } finally {
      b.fetching.delete(key);
    }
  }

  /** fetchStored's reading: the frame, the text it leaves out (if any), then the delivery. */
  async function readResult(
    b: BatchState,
    key: string,
  ): Promise<'delivered' | 'absent' | 'skipped'> {
    let frame: Buffer | null;
    try {
      frame = await redis.getBuffer(resultKey(key));
    } catch {
      return 'skipped';
    }
    if (!b.pending.has(key)) return 'skipped';
    if (frame === null) return 'absent';
    let r: BatchItemResult;
    try {
      const f = readFrame(frame);
      if (f.key !== key) throw new CorruptResult(`it holds ${f.key}`);
      let text: string | undefined;
      if (f.ref) {
        let got: string | null;
        try {
          got = await texts.read(b.shared.batch_id, f.ref.hash);
        } catch {
          return 'skipped';
        }
        if (!b.pending.has(key)) return 'skipped';
        if (got === null) throw new CorruptResult(`the text ${f.ref.hash} it leaves out is gone`);
        text = got;
      }
      r = f.complete(text);
    } catch (e) {
      if (!(e instanceof CorruptResult)) throw e;
      log(`batch ${b.shared.batch_id}: the result of ${key} cannot be read (${e.message})`);
      return 'absent';
    }
    deliver(b, r, true);
    return 'delivered';
  }

  /**
   * The stored results of `keys`, FETCH_AT_ONCE read at a time (each holds a run's texts: reading
   * thousands at once after an absence would hold them all in memory); returns the pending keys
   * whose result is absent.
   */
  async function readStored(b: BatchState, keys: readonly string[]): Promise<string[]> {
    const absent: string[] = [];
    for (let i = 0; i < keys.length; i += FETCH_AT_ONCE)
      await Promise.all(
        keys.slice(i, i + FETCH_AT_ONCE).map(async (key) => {
          if ((await fetchStored(b, key)) === 'absent') absent.push(key);
        }),
      );
    return absent;
  }

  /**
   * Hands `r` to the sink once. `stored`: the result came from its key, which is deleted when the
   * sink's promise says it was saved (a sink that does not say leaves it to its expiry).
   */
  function deliver(b: BatchState, r: BatchItemResult, stored = false): void {
    if (!b.pending.delete(r.key)) return;
    byKey.delete(r.key);
    b.lastProgress = Date.now();
    b.quietAfter = quietMs;
    try {
      // Counted until saved: a sink that never says so leaves the key (and the batch's texts).
      if (stored) b.unsaved++;
      const saved = b.sink.result(r);
      if (stored && saved) {
        saved.then(
          () => {
            b.unsaved--;
            redis.del(resultKey(r.key)).catch(() => undefined);
            dropTexts(b);
          },
          () => undefined,
        );
      }
    } catch (e) {
      log(`the batch's sink refused ${r.key}: ${e instanceof Error ? e.message : String(e)}`);
    }
    finishIfDone(b);
  }

  /**
   * Queues again pending items with no result to read: their job is gone (the keep bound, Redis
   * lost its data) or their result is (its key expired, was lost, or is corrupt). A job still
   * there is removed first, since BullMQ never adds a job id it holds. In a cancelled batch they
   * are failed instead (queued again they would be skipped).
   */
  async function requeue(b: BatchState, keys: readonly string[]): Promise<void> {
    const jobs = keys.flatMap((k) => b.pending.get(k) ?? []);
    if (jobs.length === 0) return;
    if (b.cancelled) {
      for (const j of jobs) deliver(b, failure(j.key, 'its result left Redis before it was read'));
      return;
    }
    log(`batch ${b.shared.batch_id}: ${jobs.length} item(s) with no result in Redis, queued again`);
    for (let i = 0; i < jobs.length; i += CHUNK) {
      const chunk = jobs.slice(i, i + CHUNK);
      // A corrupt frame is dropped too, or adding would take it for a stored result.
      await redis.del(...chunk.map((j) => resultKey(j.key)));
      await Promise.all(chunk.map((j) => queue.remove(jobIdOf(j.key))));
    }
    await writeShared(b.shared);
    await addJobs(b, jobs);
  }

  /**
   * Runs `work` after the batch's add loop or reconciliation running now (one at a time per batch);
   * a failure is logged as `what failed`, and the chain goes on.
   */
  function inTurn(b: BatchState, what: string, work: () => Promise<void>): Promise<void> {
    b.busy = b.busy.then(work).catch((e: unknown) => {
      log(`batch ${b.shared.batch_id}: ${what} failed: ${String(e)}`);
    });
    return b.busy;
  }

  /** `requeue` in the batch's turn. */
  function recompute(b: BatchState, keys: readonly string[]): Promise<void> {
    return inTurn(b, 'queueing items again', () => requeue(b, keys));
  }

  /** Forgets a batch with nothing pending; its shared data is not needed (a resume writes it). */
  function finishIfDone(b: BatchState): void {
    if (b.pending.size > 0 || !b.added || batches.get(b.shared.batch_id) !== b) return;
    batches.delete(b.shared.batch_id);
    redis.del(sharedKey(b.shared.batch_id)).catch(() => undefined);
    dropTexts(b);
  }

  /**
   * Deletes the texts the batch's frames left out once no frame can need them: the batch is done
   * and every result read from Redis is saved (its key deleted). A result the sink did not say it
   * saved stays at its key for a later owner, and so do the texts, until they expire.
   */
  function dropTexts(b: BatchState): void {
    const id = b.shared.batch_id;
    if (b.unsaved > 0 || b.pending.size > 0 || !b.added || batches.get(id) === b) return;
    const left = texts.forget(id).map((h) => textKey(id, h));
    if (left.length > 0) redis.del(...left).catch(() => undefined);
  }

  async function writeShared(shared: BatchShared): Promise<void> {
    const text = JSON.stringify(envelopeOf(shared));
    await redis.set(sharedKey(shared.batch_id), text, 'EX', BATCH_KEY_TTL_SECONDS);
  }

  /**
   * Adds the jobs of `jobs`, CHUNK per round trip, but not those whose result is already stored
   * (a batch resumed after the keep bound removed its completed jobs): reconciliation reads them.
   */
  async function addJobs(b: BatchState, jobs: readonly BatchJob[]): Promise<void> {
    for (let i = 0; i < jobs.length && !b.cancelled; i += CHUNK) {
      const chunk = jobs.slice(i, i + CHUNK);
      const probe = redis.pipeline();
      for (const j of chunk) probe.exists(resultKey(j.key));
      const stored = (await probe.exec()) ?? [];
      const unstored = chunk.filter((_, k) => stored[k]?.[1] !== 1);
      if (unstored.length === 0) continue;
      await queue.addBulk(
        unstored.map((j) => ({
          name: 'item',
          data: jobData(b.shared.batch_id, j),
          opts: { jobId: jobIdOf(j.key) },
        })),
      );
    }
  }

  /**
   * Delivers what completed unseen, fails what failed unseen, queues again what is gone (in a
   * cancelled batch, where only announced items are pending, a gone one is failed instead: queued
   * again it would be skipped).
   */
  function reconcile(b: BatchState): Promise<void> {
    return inTurn(b, 'reconciliation', async () => {
      if (closed || !b.added || b.pending.size === 0) return;
      const found = await lookUpJobs(queue, [...b.pending.keys()]);
      for (const r of found.completed) deliver(b, r);
      for (const f of found.failed) deliver(b, failure(f.key, f.reason));
      // A job that is gone may have left its result (the keep bound removes completed jobs).
      await requeue(b, await readStored(b, [...found.stored.map((n) => n.key), ...found.missing]));
    });
  }

  // A batch whose results stopped coming while items are pending is looked up (missed events);
  // while lookups find nothing (no worker running) they come ever less often, up to MAX_QUIET_MS.
  const quiet = setInterval(
    () => {
      const now = Date.now();
      for (const b of batches.values())
        if (monitor.trouble === null && b.added && now - b.lastProgress >= b.quietAfter) {
          b.lastProgress = now;
          b.quietAfter = Math.min(2 * b.quietAfter, MAX_QUIET_MS);
          void reconcile(b);
        }
    },
    Math.max(100, Math.floor(quietMs / 2)),
  );
  quiet.unref();

  return {
    name: 'bullmq',

    async start(shared: BatchShared, jobs: readonly BatchJob[], sink: BatchSink): Promise<void> {
      if (closed) throw new Error('the BullMQ executor is closed');
      const id = shared.batch_id;
      // A batch started again (resumed) keeps its pending keys and its running work.
      const fresh = {
        shared,
        sink,
        added: false,
        cancelled: false,
        lastProgress: Date.now(),
        quietAfter: quietMs,
      };
      const b: BatchState = Object.assign(
        batches.get(id) ?? {
          pending: new Map<string, BatchJob>(),
          started: new Set<string>(),
          fetching: new Set<string>(),
          unsaved: 0,
          adding: Promise.resolve(),
          busy: Promise.resolve(),
        },
        fresh,
      );
      for (const j of jobs) {
        b.pending.set(j.key, j);
        byKey.set(j.key, b);
      }
      batches.set(id, b);
      if (monitor.trouble !== null)
        sink.trouble(`${monitor.trouble}; the batch resumes when it is back`);
      const adding = (async () => {
        await ready;
        await redis.del(cancelKey(id));
        await writeShared(shared);
        await addJobs(b, jobs);
        b.added = true;
        finishIfDone(b);
      })();
      b.adding = adding.catch(() => undefined);
      b.busy = b.busy.then(() => b.adding);
      await adding;
      // Items of a resumed batch may have completed while no one listened (not awaited: a large
      // new batch would hold `start` for the lookup of every job).
      void reconcile(b);
    },

    async cancel(batch_id: string): Promise<void> {
      const b = batches.get(batch_id);
      if (b) {
        // Items not announced are dropped at once (a result of one arriving later is not
        // delivered); announced ones stay pending and deliver.
        b.cancelled = true;
        for (const k of [...b.pending.keys()])
          if (!b.started.has(k)) {
            b.pending.delete(k);
            byKey.delete(k);
          }
      }
      await ready;
      await redis.set(cancelKey(batch_id), '1', 'EX', BATCH_KEY_TTL_SECONDS);
      await b?.adding;
      // Jobs not started are removed; one a worker takes meanwhile finds the marker and skips.
      // An announced job waiting for another attempt stays: it must deliver.
      const keep = new Set([...(b?.started ?? [])].map(jobIdOf));
      const ids = await queue.getRanges(['wait', 'prioritized', 'delayed'], 0, -1);
      const mine = ids.filter((id) => isJobOfBatch(id, batch_id) && !keep.has(id));
      for (let i = 0; i < mine.length; i += CHUNK)
        await Promise.all(mine.slice(i, i + CHUNK).map((id) => queue.remove(id).catch(() => 0)));
      log(`batch ${batch_id}: cancelled, ${mine.length} waiting job(s) removed`);
      if (b) finishIfDone(b);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearInterval(quiet);
      monitor.stop();
      batches.clear();
      byKey.clear();
      // Not waiting for `ready`: Redis may never have answered.
      redis.disconnect();
      await (events as QueueEvents | null)?.close();
      await queue.close();
    },
  };
}
