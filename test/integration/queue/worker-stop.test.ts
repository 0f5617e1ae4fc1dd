/**
 * A queue worker asked to stop while its Redis is unreachable (docs/scale.md, "Failures"): with no
 * item computing there is nothing to hand in, so it exits 0 on the first SIGTERM instead of
 * waiting for Redis to come back (BullMQ's close waited for its connection). A worker that does
 * not exit fails the test by its timeout.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/queueBatch';
import {
  redisServerBinary,
  spawnWorker,
  startRedis,
  type RedisServer,
  type WorkerProcess,
} from '../../support/redis';

describe.skipIf(!redisServerBinary())(
  'a queue worker stopping while Redis is away (skipped where redis-server is not installed; CI installs it)',
  () => {
    let redis: RedisServer | undefined;
    let w: WorkerProcess | undefined;
    afterAll(async () => {
      // A worker that did not exit (the failure this tests) must not outlive the suite.
      if (w && w.child.exitCode === null && w.child.signalCode === null) await w.kill('SIGKILL');
      await redis?.dispose();
    });

    it('exits 0 on the first SIGTERM when it holds no item', async () => {
      redis = await startRedis();
      const worker = await spawnWorker(redis.url);
      w = worker;
      await redis.stop();
      await waitFor(
        () => worker.output().includes('is unreachable'),
        'the worker to see Redis gone',
      );
      // Right after the loss BullMQ's close still settles; 8 s later (measured) it waited for
      // Redis to come back, and the worker never exited on the first signal.
      await new Promise((r) => setTimeout(r, 8_000));
      const code = await worker.kill('SIGTERM');
      expect(code).toBe(0);
      expect(worker.output()).toMatch(/stopped \(SIGTERM\): 0 item\(s\) computed/);
      expect(worker.output()).not.toMatch(/stopped at once/);
    }, 40_000);
  },
);
