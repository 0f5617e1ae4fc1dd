/**
 * Failures of a BullMQ batch (issue #13, item 4; docs/scale.md, "Failures"): a worker killed with
 * SIGKILL mid-batch loses nothing (its job is found stalled when its lock expires and computed by
 * the other worker) and no item comes back with a different result; redis-server stopped
 * mid-batch is reported to the sink as trouble, and once it is started again on the same port
 * (append-only file on) the trouble clears and the batch completes; the owner stopping mid-batch
 * and starting the batch again gets every result, none of its items queued twice.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqExecutor } from '../../../src/queue/executor';
import { DEFAULT_QUEUE_NAME, isJobOfBatch } from '../../../src/queue/keys';
import type { BatchItemResult } from '../../../src/services/batches/job';
import {
  comparable,
  recordingSink,
  referenceResults,
  syntheticBatch,
  waitFor,
} from '../../support/queueBatch';
import {
  redisServerBinary,
  spawnWorker,
  spawnWorkers,
  startRedis,
  type RedisServer,
  type WorkerProcess,
} from '../../support/redis';

const SIZE = { accounts: 240, assets: 8, days: 120, paths: 2000 };
/** Short locks so a killed worker's job is queued again within seconds. */
const FAST_STALL = ['--lock-ms', '4000', '--stalled-ms', '1000'];

describe.skipIf(!redisServerBinary())(
  'BullMQ batch failures (skipped where redis-server is not installed; CI installs it)',
  () => {
    let redis: RedisServer;
    let workers: WorkerProcess[] = [];
    const a = syntheticBatch('bat_kill', SIZE);
    const b = syntheticBatch('bat_redis', SIZE);
    const c = syntheticBatch('bat_owner', SIZE);
    let reference: Map<string, BatchItemResult>;

    beforeAll(async () => {
      redis = await startRedis();
      const [w, refA, refB, refC] = await Promise.all([
        spawnWorkers(2, redis.url, FAST_STALL),
        referenceResults(a.shared, a.jobs),
        referenceResults(b.shared, b.jobs),
        referenceResults(c.shared, c.jobs),
      ]);
      workers = w;
      reference = new Map([...refA, ...refB, ...refC]);
    }, 120_000);

    afterAll(async () => {
      await Promise.all(workers.map((w) => w.kill('SIGKILL')));
      await redis?.dispose();
    });

    const sameAsReference = (results: BatchItemResult[]) => {
      for (const r of results)
        expect(comparable(r)).toEqual(comparable(reference.get(r.key) as BatchItemResult));
    };

    it('SIGKILL of a worker mid-batch: every key delivered, none to a different result', async () => {
      const ex = createBullmqExecutor({ url: redis.url });
      const sink = recordingSink();
      const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
      const queue = new Queue(DEFAULT_QUEUE_NAME, { connection: conn });
      try {
        await ex.start(a.shared, a.jobs, sink);
        await waitFor(() => sink.keys.size >= 40, 'the first results');
        const killed = workers.shift() as WorkerProcess;
        expect(await killed.kill('SIGKILL')).toBeNull();
        const afterKill = sink.keys.size;
        await waitFor(() => sink.keys.size === a.jobs.length, 'every key after the kill');
        expect(afterKill).toBeLessThan(a.jobs.length);
        expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
      } finally {
        await ex.close();
        await queue.close();
        conn.disconnect();
      }
      expect(sink.keys.size).toBe(a.jobs.length);
      sameAsReference(sink.results);
      workers.push(await spawnWorker(redis.url, FAST_STALL));
    }, 120_000);

    it('redis-server stopped mid-batch: trouble reported, cleared on restart, batch completes', async () => {
      const logs: string[] = [];
      const ex = createBullmqExecutor({ url: redis.url, quietMs: 1_000, log: (m) => logs.push(m) });
      const sink = recordingSink();
      try {
        await ex.start(b.shared, b.jobs, sink);
        await waitFor(() => sink.keys.size >= 40, 'the first results');
        await redis.stop();
        const atStop = sink.keys.size;
        await waitFor(() => sink.troubles.some((t) => t !== null), 'trouble reported');
        expect(atStop).toBeLessThan(b.jobs.length);
        expect(sink.troubles[0]).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable/);
        await redis.restart();
        await waitFor(() => sink.troubles.at(-1) === null, 'trouble cleared');
        await waitFor(() => sink.keys.size === b.jobs.length, 'every key after the restart');
      } finally {
        await ex.close();
      }
      sameAsReference(sink.results);
      // Results delivered before the stop are not delivered again by this executor.
      expect(sink.results).toHaveLength(b.jobs.length);
      // The jobs survived the restart (append-only file): none had to be queued again.
      expect(logs.filter((m) => /queued again/.test(m))).toEqual([]);
    }, 120_000);

    it('the owner stops mid-batch and starts it again: every result, no item queued twice', async () => {
      const first = recordingSink();
      const ex1 = createBullmqExecutor({ url: redis.url });
      await ex1.start(c.shared, c.jobs, first);
      await waitFor(() => first.keys.size >= 40, 'the first results');
      await ex1.close();
      const seen = first.keys.size;
      const again = recordingSink();
      const ex2 = createBullmqExecutor({ url: redis.url });
      const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
      const queue = new Queue(DEFAULT_QUEUE_NAME, { connection: conn });
      try {
        await ex2.start(c.shared, c.jobs, again);
        await waitFor(() => again.keys.size === c.jobs.length, 'every key after the restart');
        const mine = (await queue.getRanges(['completed'], 0, -1)).filter((id) =>
          isJobOfBatch(id, c.shared.batch_id),
        );
        expect(mine).toHaveLength(c.jobs.length);
      } finally {
        await ex2.close();
        await queue.close();
        conn.disconnect();
      }
      expect(seen).toBeLessThan(c.jobs.length);
      expect(again.results).toHaveLength(c.jobs.length);
      sameAsReference([...first.results, ...again.results]);
    }, 120_000);
  },
);
