/**
 * Cancelling a BullMQ batch (issue #13, item 4): the cancel marker makes workers skip the batch's
 * items they take afterwards and its waiting jobs are removed, so once `cancel` settles the only
 * results still to come are those of items a worker had announced (reported as started) — and
 * each of those does come.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqExecutor } from '../../../src/queue/executor';
import { DEFAULT_QUEUE_NAME, isJobOfBatch } from '../../../src/queue/keys';
import { recordingSink, syntheticBatch, waitFor } from '../../support/queueBatch';
import {
  redisServerBinary,
  spawnWorkers,
  startRedis,
  type RedisServer,
  type WorkerProcess,
} from '../../support/redis';

const SIZE = { accounts: 300, assets: 8, days: 120, paths: 2000 };

describe.skipIf(!redisServerBinary())(
  'BullMQ batch cancel (skipped where redis-server is not installed; CI installs it)',
  () => {
    let redis: RedisServer;
    let workers: WorkerProcess[] = [];

    beforeAll(async () => {
      redis = await startRedis();
      workers = await spawnWorkers(2, redis.url);
    }, 120_000);

    afterAll(async () => {
      await Promise.all(workers.map((w) => w.kill('SIGTERM')));
      await redis?.dispose();
    });

    it('stops the batch: no result after cancel but those announced, no job left waiting', async () => {
      const { shared, jobs } = syntheticBatch('bat_cancel', SIZE);
      const ex = createBullmqExecutor({ url: redis.url });
      const sink = recordingSink();
      const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
      const queue = new Queue(DEFAULT_QUEUE_NAME, { connection: conn });
      try {
        await ex.start(shared, jobs, sink);
        await waitFor(() => sink.keys.size >= 20, 'the first results');
        const t0 = performance.now();
        await ex.cancel(shared.batch_id);
        const settledMs = performance.now() - t0;
        const deliveredAtCancel = new Set(sink.keys);
        const announced = new Set(sink.startedKeys);
        // What is still to come: items announced before cancel settled, and nothing else.
        const owed = [...announced].filter((k) => !deliveredAtCancel.has(k));
        await waitFor(async () => (await queue.getActiveCount()) === 0, 'workers idle');
        await waitFor(() => owed.every((k) => sink.keys.has(k)), 'the announced items');
        const late = sink.results.slice(deliveredAtCancel.size).map((r) => r.key);
        console.log(
          `cancel settled in ${settledMs.toFixed(0)} ms: ${deliveredAtCancel.size} result(s) before, ${late.length} announced item(s) after`,
        );
        expect(late.every((k) => announced.has(k))).toBe(true);
        expect(late.length).toBeLessThanOrEqual(workers.length);
        expect(sink.keys.size).toBeLessThan(jobs.length);
        const waiting = await queue.getRanges(['wait', 'prioritized', 'delayed'], 0, -1);
        expect(waiting.filter((id) => isJobOfBatch(id, shared.batch_id))).toEqual([]);
        // Workers skipped, not computed, the jobs they took after the marker.
        expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
      } finally {
        await ex.close();
        await queue.close();
        conn.disconnect();
      }
    }, 120_000);
  },
);
