/**
 * A model batch on BullMQ (issue #13, item 4): accounts per minute with 1 and 2 worker processes
 * (`npm run worker`) against Debian's redis-server on a loopback port, and with computeBatchItem
 * one item after the other in this thread for reference; the 1 → 2 worker scaling ratio and the
 * queue's overhead against the single thread. Each account holds 20 stocks of a model, valued and
 * rebalanced from a price library of real S&P 500 closes (1,260 days of history per request,
 * Monte Carlo 2,000 paths over 21 days). Figures go to docs/scale.md ("Measured").
 *
 *   npm run bench -- queue [--accounts N]      (default 1,000)
 *   npx tsx bench/batch-queue.bench.ts [--accounts N]
 */
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { engineComputeEnv } from '../src/queue/computeEnv';
import { createBullmqExecutor } from '../src/queue/executor';
import {
  computeBatchItem,
  type BatchJob,
  type BatchShared,
  type BatchSink,
} from '../src/services/batches/job';
import { syntheticBatch } from '../test/support/queueBatch';
import { redisServerBinary, spawnWorkers, startRedis } from '../test/support/redis';

const ROOT = join(import.meta.dirname, '..');
const ASSETS = 20;
const DAYS = 1260;
const PATHS = 2000;

/** `--accounts N` from the command line, else `fallback`. */
function accountsArg(fallback: number): number {
  const i = process.argv.indexOf('--accounts');
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--accounts: "${process.argv[i + 1]}"`);
  return n;
}

/** The model, library and `n` accounts (quantities differ by account; all buildable). */
export function benchBatch(batch_id: string, n: number): { shared: BatchShared; jobs: BatchJob[] } {
  return syntheticBatch(
    batch_id,
    { accounts: n, assets: ASSETS, days: DAYS, paths: PATHS },
    { unbuiltEvery: 0 },
  );
}

const perMinute = (n: number, ms: number) => +((n / ms) * 60_000).toFixed(0);

/** computeBatchItem on this thread, item after item (after 5 warm-up items). */
async function inThread(n: number): Promise<{ ms: number; failed: number }> {
  const env = await engineComputeEnv(ROOT);
  const warm = benchBatch('bench_warm_thread', 5);
  for (const j of warm.jobs) await computeBatchItem(j, warm.shared, env);
  const { shared, jobs } = benchBatch('bench_thread', n);
  let failed = 0;
  const t0 = performance.now();
  for (const j of jobs) {
    const r = await computeBatchItem(j, shared, env);
    if (r.outcome !== 'computed' || r.computed.status !== 'succeeded') failed++;
  }
  return { ms: performance.now() - t0, failed };
}

/** One batch through the executor; resolves when every key reached the sink. */
async function throughQueue(url: string, id: string, n: number) {
  const { shared, jobs } = benchBatch(id, n);
  const ex = createBullmqExecutor({ url });
  let failed = 0;
  const troubles: string[] = [];
  const keys = new Set<string>();
  let sampled = 0;
  let sampledBytes = 0;
  let done!: () => void;
  const all = new Promise<void>((res) => (done = res));
  const sink: BatchSink = {
    result(r) {
      if (r.outcome !== 'computed' || r.computed.status !== 'succeeded') failed++;
      // The size of what a result costs on the wire (JSON), from every 50th.
      if (keys.size % 50 === 0) {
        sampled++;
        sampledBytes += JSON.stringify(r).length;
      }
      keys.add(r.key);
      if (keys.size === jobs.length) done();
    },
    trouble(reason) {
      if (reason) troubles.push(reason);
    },
  };
  try {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await ex.start(shared, jobs, sink);
    await all;
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return {
      ms,
      failed,
      troubles: troubles.length,
      owner_cpu_ms_per_account: +((cpu.user + cpu.system) / 1000 / n).toFixed(1),
      result_kb: sampled ? Math.round(sampledBytes / sampled / 1000) : 0,
    };
  } finally {
    await ex.close();
  }
}

/** 1 and 2 worker processes on one redis-server (flushed between runs), after a warm-up batch. */
async function withWorkers(n: number, count: number) {
  const redis = await startRedis();
  const workers = await spawnWorkers(count, redis.url);
  try {
    await throughQueue(redis.url, `bench_warm_${count}`, 4 * count);
    const flush = new Redis(redis.url);
    await flush.flushall();
    flush.disconnect();
    return await throughQueue(redis.url, `bench_${count}w`, n);
  } finally {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await redis.dispose();
  }
}

export async function runQueueBench(): Promise<Record<string, unknown>[]> {
  if (!redisServerBinary()) return [{ bench: 'queue', skipped: 'redis-server is not installed' }];
  const n = accountsArg(1_000);
  const load = `${n.toLocaleString('en-US')} accounts × ${ASSETS} assets × ${DAYS.toLocaleString('en-US')} days, Monte Carlo ${PATHS.toLocaleString('en-US')} paths`;
  const thread = await inThread(n);
  const one = await withWorkers(n, 1);
  const two = await withWorkers(n, 2);
  const row = (mode: string, r: { ms: number; failed: number } & Record<string, unknown>) => {
    const { ms, failed, ...more } = r;
    return {
      bench: 'queue.batch',
      mode,
      load,
      seconds: +(ms / 1000).toFixed(1),
      accounts_per_minute: perMinute(n, ms),
      not_succeeded: failed,
      ...more,
    };
  };
  return [
    row('computeBatchItem, 1 thread (reference)', thread),
    row('BullMQ, 1 worker process', one),
    row('BullMQ, 2 worker processes', two),
    {
      bench: 'queue.scaling',
      load,
      scaling_1_to_2_workers: +(one.ms / two.ms).toFixed(2),
      queue_overhead_1_worker_vs_thread_pct: +((one.ms / thread.ms - 1) * 100).toFixed(1),
      target: 'scaling >= 1.8 on 2 cores',
      note: 'owner (this process), redis-server and the workers share the machine’s cores',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await runQueueBench()) console.log(JSON.stringify(r));
}
