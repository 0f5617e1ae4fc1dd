/**
 * A batch on BullMQ (issue #13, item 4): 240 accounts of a model batch computed by two worker
 * processes (`npm run worker`) against Debian's redis-server on a loopback port. Every key reaches
 * the owner's sink once, each result equal to `computeBatchItem` run here (stored texts byte for
 * byte, wall-clock timings aside), and starting the same batch again queues nothing new: its
 * results come back from the completed jobs.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqExecutor } from '../../../src/queue/executor';
import { DEFAULT_QUEUE_NAME, jobIdOf, resultKey, textKey } from '../../../src/queue/keys';
import { packResult } from '../../../src/queue/resultCodec';
import type { BatchItemResult } from '../../../src/services/batches/job';
import {
  comparable,
  keysIn,
  recordingSink,
  referenceResults,
  resultKeysIn,
  syntheticBatch,
  waitFor,
} from '../../support/queueBatch';
import {
  redisServerBinary,
  spawnWorkers,
  startRedis,
  type RedisServer,
  type WorkerProcess,
} from '../../support/redis';

const SIZE = { accounts: 240, assets: 8, days: 120, paths: 2000 };

describe.skipIf(!redisServerBinary())(
  'BullMQ batch with two worker processes (skipped where redis-server is not installed; CI installs it)',
  () => {
    let redis: RedisServer;
    let workers: WorkerProcess[] = [];
    const { shared, jobs } = syntheticBatch('bat_two', SIZE);
    let reference: Map<string, BatchItemResult>;

    beforeAll(async () => {
      redis = await startRedis();
      [workers, reference] = await Promise.all([
        spawnWorkers(2, redis.url),
        referenceResults(shared, jobs),
      ]);
    }, 120_000);

    afterAll(async () => {
      await Promise.all(workers.map((w) => w.kill('SIGTERM')));
      await redis?.dispose();
    });

    it('delivers every key once, equal to the in-process computation', async () => {
      const ex = createBullmqExecutor({ url: redis.url });
      const sink = recordingSink();
      try {
        await ex.start(shared, jobs, sink);
        await waitFor(() => sink.keys.size === jobs.length, 'every key');
      } finally {
        await ex.close();
      }
      expect(sink.results).toHaveLength(jobs.length);
      expect(sink.troubles).toEqual([]);
      for (const r of sink.results)
        expect(comparable(r)).toEqual(comparable(reference.get(r.key) as BatchItemResult));
      const outcomes = sink.results.map((r) => r.outcome);
      expect(outcomes.filter((o) => o === 'unbuilt')).toHaveLength(jobs.length / 40);
      expect(sink.startedKeys.size).toBe(jobs.length);
    }, 120_000);

    it('both workers computed items, and each item was computed once', async () => {
      const counts = await Promise.all(
        workers.map(async (w) => {
          await w.kill('SIGTERM');
          const m = /stopped \(SIGTERM\): (\d+) item/.exec(w.output());
          return Number(m?.[1] ?? NaN);
        }),
      );
      expect(counts.every((n) => n > 0)).toBe(true);
      expect(counts[0]! + counts[1]!).toBe(jobs.length);
      workers = await spawnWorkers(1, redis.url);
    }, 120_000);

    it('starting the same batch again queues no job twice and delivers every key again', async () => {
      const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
      const queue = new Queue(DEFAULT_QUEUE_NAME, { connection: conn });
      const ex = createBullmqExecutor({ url: redis.url });
      const sink = recordingSink();
      try {
        await ex.start(shared, jobs, sink);
        await waitFor(() => sink.keys.size === jobs.length, 'every key again');
        const counts = await queue.getJobCounts('completed', 'waiting', 'active', 'delayed');
        expect(counts).toEqual({ completed: jobs.length, waiting: 0, active: 0, delayed: 0 });
      } finally {
        await ex.close();
        await queue.close();
        conn.disconnect();
      }
      expect(sink.results).toHaveLength(jobs.length);
      for (const r of sink.results)
        expect(comparable(r)).toEqual(comparable(reference.get(r.key) as BatchItemResult));
      // The replacement worker had nothing to compute.
      await workers[0]!.kill('SIGTERM');
      expect(workers[0]!.output()).toMatch(/stopped \(SIGTERM\): 0 item/);
    }, 120_000);

    it('a result lost or corrupt in Redis is computed again; a saved result leaves Redis', async () => {
      workers = await spawnWorkers(1, redis.url);
      const conn = new Redis(redis.url);
      const computed = [...reference.values()].filter((r) => r.outcome === 'computed');
      const lost = computed.slice(0, 6).map((r) => r.key);
      const corrupt = computed.slice(6, 9).map((r) => r.key);
      const ex = createBullmqExecutor({ url: redis.url });
      const sink = recordingSink({ saves: true });
      try {
        // Every result is still in Redis: the sinks above did not say they saved them.
        const stored = await resultKeysIn(conn);
        expect(stored).toHaveLength(computed.length);
        await conn.del(...lost.map(resultKey));
        await conn.set(resultKey(corrupt[0]!), 'not a frame');
        await conn.set(resultKey(corrupt[1]!), Buffer.from('SPR1\x00\x00\xff\xff{}', 'latin1'));
        const other = packResult(computed[20] as Extract<BatchItemResult, { outcome: 'computed' }>);
        await conn.set(resultKey(corrupt[2]!), other);
        await ex.start(shared, jobs, sink);
        await waitFor(
          () => sink.keys.size === jobs.length,
          'every key, the lost ones computed again',
        );
        // Saved results are deleted from Redis once the sink's promise resolves.
        await waitFor(
          async () => (await resultKeysIn(conn)).length === 0,
          'no result left in Redis',
        );
      } finally {
        await ex.close();
        conn.disconnect();
      }
      expect(sink.results).toHaveLength(jobs.length);
      for (const r of sink.results)
        expect(comparable(r)).toEqual(comparable(reference.get(r.key) as BatchItemResult));
      await workers[0]!.kill('SIGTERM');
      const again = lost.length + corrupt.length;
      expect(workers[0]!.output()).toMatch(new RegExp(`stopped \\(SIGTERM\\): ${again} item`));
    }, 120_000);

    it('completed jobs removed (the keep bound) while the owner was away: results read from their keys, none computed again', async () => {
      workers = await spawnWorkers(1, redis.url);
      const small = syntheticBatch('bat_keep', { ...SIZE, accounts: 40 }, { unbuiltEvery: 0 });
      const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
      const queue = new Queue(DEFAULT_QUEUE_NAME, { connection: conn });
      const first = createBullmqExecutor({ url: redis.url });
      const away = recordingSink();
      const again = createBullmqExecutor({ url: redis.url });
      const back = recordingSink({ saves: true });
      try {
        await first.start(small.shared, small.jobs, away);
        await waitFor(() => away.keys.size === small.jobs.length, 'the first delivery');
        await first.close();
        // The owner did not save (its sink said nothing): each result is still at its key.
        const ids = small.jobs.map((j) => jobIdOf(j.key));
        await Promise.all(ids.map((id) => queue.remove(id)));
        expect((await Promise.all(ids.map((id) => queue.getJob(id)))).filter(Boolean)).toEqual([]);
        await again.start(small.shared, small.jobs, back);
        await waitFor(() => back.keys.size === small.jobs.length, 'every key from its result');
      } finally {
        await first.close();
        await again.close();
        await queue.close();
        conn.disconnect();
      }
      // The same frames read again: equal to the first delivery, timings and all.
      const byKey = (rs: BatchItemResult[]) => new Map(rs.map((r) => [r.key, r]));
      expect(byKey(back.results)).toEqual(byKey(away.results));
      await workers[0]!.kill('SIGTERM');
      expect(workers[0]!.output()).toMatch(
        new RegExp(`stopped \\(SIGTERM\\): ${small.jobs.length} item`),
      );
    }, 120_000);

    it('frames leave the price history out, stored once; a text gone or altered is written again by recomputing; nothing is left when saved', async () => {
      workers = await spawnWorkers(1, redis.url);
      const small = syntheticBatch('bat_text', { ...SIZE, accounts: 30 }, { unbuiltEvery: 0 });
      const expected = await referenceResults(small.shared, small.jobs);
      const conn = new Redis(redis.url);
      const first = createBullmqExecutor({ url: redis.url });
      const again = createBullmqExecutor({ url: redis.url });
      const back = recordingSink({ saves: true });
      try {
        await first.start(small.shared, small.jobs, recordingSink());
        await waitFor(
          async () => (await keysIn(conn, resultKey('bat_text:*'))).length === 30,
          'every result in Redis',
        );
        await first.close();
        // One text for the batch (every account holds the model's assets), left out of each frame.
        const texts = await keysIn(conn, textKey('bat_text', '*'));
        expect(texts).toHaveLength(1);
        const text = (await conn.get(texts[0]!)) as string;
        const r0 = expected.get('bat_text:0') as Extract<BatchItemResult, { outcome: 'computed' }>;
        expect(r0.computed.input_json).toContain(`"price_history":${text}`);
        const frame = (await conn.getBuffer(resultKey('bat_text:0'))) as Buffer;
        expect(frame.length).toBeLessThan(packResult(r0).length - text.length + 200);
        // Altered: the owner finds it does not match its name, drops it, and every item is computed
        // again, the first worker writing the text anew.
        await conn.set(texts[0]!, text.replace('"dates"', '"Dates"'));
        await again.start(small.shared, small.jobs, back);
        await waitFor(() => back.keys.size === 30, 'every key, computed again');
        await waitFor(
          async () =>
            (await keysIn(conn, resultKey('bat_text:*'))).length === 0 &&
            (await keysIn(conn, textKey('bat_text', '*'))).length === 0,
          'no result and no text of the batch left in Redis',
        );
      } finally {
        await first.close();
        await again.close();
        conn.disconnect();
      }
      for (const r of back.results)
        expect(comparable(r)).toEqual(comparable(expected.get(r.key) as BatchItemResult));
      await workers[0]!.kill('SIGTERM');
      expect(workers[0]!.output()).toMatch(/stopped \(SIGTERM\): 60 item/);
    }, 120_000);
  },
);
