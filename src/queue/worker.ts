/**
 * A queue worker (issue #13, item 4): takes batch items from BullMQ, computes each with
 * `computeBatchItem` — the engine's own function, with the engine's ports — and hands the
 * result to the owning app: a computed run as a frame at `resultKey` (resultCodec), its price
 * history stored once per batch (texts.ts), with the job's return value saying where; an unbuilt
 * item as the return value itself. It never opens a store.
 *
 * Before computing, an item whose batch was cancelled is skipped (its cancel marker is set);
 * otherwise it is announced (job progress 1, the owner's `started`) and then always computed. A
 * worker that dies holding a job leaves it locked until its lock expires; BullMQ's stalled-job
 * check then queues it again for another worker (docs/scale.md, "Failures").
 */
import { Worker, type Job } from 'bullmq';
import { computeBatchItem } from '../services/batches/job';
import type { ComputeEnv } from '../services/compute/env';
import { engineComputeEnv } from './computeEnv';
import { BATCH_KEY_TTL_SECONDS, DEFAULT_QUEUE_NAME, cancelKey, resultKey } from './keys';
import { isConnectionError, watchRedis } from './monitor';
import type { QueueJobData, QueueReturn } from './protocol';
import { openRedis } from './redis';
import { packResult } from './resultCodec';
import { LOCK_MS, MAX_STALLED, STALLED_MS } from './settings';
import { createSharedCache } from './sharedCache';
import { historyLeaveOut, storeText } from './texts';
import { parseQueueUrl } from './url';

export interface QueueWorkerOptions {
  /** `redis://HOST:PORT` of the queue's Redis (the owner's `--queue`). */
  url: string;
  /** BullMQ queue name; default `spr-batches`. */
  queueName?: string;
  /**
   * Items in progress at once in this process (BullMQ concurrency), default 1. Items compute on
   * this process's thread, so more than 1 only overlaps an item's Redis round trips with another's
   * computation; use one process per core for more CPU.
   */
  concurrency?: number;
  /** Job lock in ms (default 30,000): more than twice the longest item. */
  lockMs?: number;
  /** Stalled-job check interval in ms (default 15,000). */
  stalledMs?: number;
  /** Where `resources/data` (the stress library) is: the repository or app root. */
  root: string;
  log?: (msg: string) => void;
}

export interface QueueWorker {
  /** Items computed (skipped ones not counted). */
  readonly computed: number;
  /**
   * Stops taking jobs, waits for the running ones to finish and hand in their results, and closes
   * the connections — at once when Redis is unreachable and nothing is computing. (A process that
   * must stop sooner just exits: its running job's lock expires and the stalled-job check gives
   * it to another worker.)
   */
  close(): Promise<void>;
}

/**
 * Loads the engine's ports, connects, and starts taking jobs.
 * Example: `const w = await startQueueWorker({url: 'redis://127.0.0.1:6379', root: ROOT});
 * … await w.close()`.
 */
export async function startQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorker> {
  const address = parseQueueUrl(opts.url);
  const log = opts.log ?? (() => undefined);
  const env: ComputeEnv = await engineComputeEnv(opts.root);
  const redis = openRedis(address, 'spr-worker');
  const monitor = watchRedis(redis, address.display, (why) =>
    log(why ?? `the queue's Redis at ${address.display} is back`),
  );
  const shared = createSharedCache(redis);
  const leaveOut = historyLeaveOut();
  let computed = 0;

  /** Items being processed now (announced or not). */
  let running = 0;
  const processor = async (job: Job<QueueJobData, QueueReturn>): Promise<QueueReturn> => {
    running++;
    try {
      return await processItem(job);
    } finally {
      running--;
    }
  };

  const processItem = async (job: Job<QueueJobData, QueueReturn>): Promise<QueueReturn> => {
    const d = job.data;
    // Announce the item once (its progress, which the owner reports as started): an announced
    // item is computed even if its batch is cancelled since — the owner waits for its result.
    if (!job.progress) {
      if ((await redis.exists(cancelKey(d.batch_id))) === 1)
        return { key: d.key, skipped: 'cancelled' };
      await job.updateProgress(1);
    }
    const result = await computeBatchItem(
      { key: d.key, index: d.index, spec: d.spec },
      await shared.get(d.batch_id),
      env,
    );
    computed++;
    if (result.outcome !== 'computed') return result;
    // The run's texts go to their own key as a frame, without the price history, which is stored
    // once for the batch (texts.ts); the job completes with where they are. A worker that dies
    // between the writes leaves the job to be computed again (same key, same text).
    const left = leaveOut(result.computed.input_json);
    if (left) await storeText(redis, d.batch_id, left);
    const frame = packResult(result, left ?? undefined);
    await redis.set(resultKey(d.key), frame, 'EX', BATCH_KEY_TTL_SECONDS);
    return { key: d.key, stored: 'redis', bytes: frame.length };
  };

  const worker = new Worker<QueueJobData, QueueReturn>(
    opts.queueName ?? DEFAULT_QUEUE_NAME,
    processor,
    {
      connection: redis,
      concurrency: opts.concurrency ?? 1,
      lockDuration: opts.lockMs ?? LOCK_MS,
      stalledInterval: opts.stalledMs ?? STALLED_MS,
      maxStalledCount: MAX_STALLED,
    },
  );
  // Connection errors are reported once per outage by the monitor; BullMQ retries by itself.
  worker.on('error', (e) => {
    if (!isConnectionError(e)) log(`worker: ${e.message}`);
  });
  worker.on('failed', (job, e) => {
    if (job) log(`item ${job.data.key} failed (attempt ${job.attemptsMade}): ${e.message}`);
  });
  await worker.waitUntilReady();

  let closing: Promise<void> | null = null;
  return {
    get computed() {
      return computed;
    },
    close: () =>
      (closing ??= (async () => {
        // With Redis away and no item computing there is nothing to hand in, and BullMQ's close
        // would wait for Redis to come back: leave at once.
        if (monitor.trouble !== null && running === 0) void worker.close(true).catch(() => {});
        else await worker.close();
        monitor.stop();
        redis.disconnect();
      })()),
  };
}
