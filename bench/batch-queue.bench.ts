/**
 * A model batch on BullMQ (issue #13, item 4): accounts per minute with 1 and 2 worker processes
 * (`npm run worker`) against Debian's redis-server on a loopback port, with the local pool at 1
 * and 2 threads (the same sink: results counted, not saved), and with computeBatchItem item after
 * item in 1 and in 2 independent processes at once (no queue, no owner: what the machine gives
 * two processes, the ceiling of any 1 → 2 scaling here). Reports the 1 → 2 worker scaling, its
 * share of that ceiling, and the queue's overhead against the local pool at equal parallelism.
 * Each account holds 20 stocks of a model, valued and rebalanced from a price library of real
 * S&P 500 closes (1,260 days of history per request, Monte Carlo 2,000 paths over 21 days).
 * Set-ups run interleaved for `--rounds` rounds; medians are reported. Figures go to
 * docs/scale.md ("Measured").
 *
 *   npm run bench -- queue [--accounts N] [--rounds R]     (default 1,000 and 3)
 *   npx tsx bench/batch-queue.bench.ts [--accounts N] [--rounds R]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { engineComputeEnv } from '../src/queue/computeEnv';
import { createBullmqExecutor } from '../src/queue/executor';
import { localBatchExecutor } from '../src/server/engine';
import { createPoolCompute } from '../src/workers/pool/pool';
import {
  computeBatchItem,
  type BatchExecutor,
  type BatchJob,
  type BatchShared,
  type BatchSink,
} from '../src/services/batches/job';
import { syntheticBatch } from '../test/support/queueBatch';
import { percentile } from './data';
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

/** A set-up's run: its time, the accounts not succeeded, and what else it measured. */
type Measured = { ms: number; failed: number } & Record<string, unknown>;

const perMinute = (n: number, ms: number) => +((n / ms) * 60_000).toFixed(0);

/** computeBatchItem on this thread, item after item (after 5 warm-up items). */
async function inThread(n: number): Promise<Measured> {
  const env = await engineComputeEnv(ROOT);
  const warm = benchBatch('bench_warm_thread', 5);
  for (const j of warm.jobs) await computeBatchItem(j, warm.shared, env);
  const { shared, jobs } = benchBatch('bench_thread', n);
  let failed = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (const j of jobs) {
    const r = await computeBatchItem(j, shared, env);
    if (r.outcome !== 'computed' || r.computed.status !== 'succeeded') failed++;
  }
  const cpu = process.cpuUsage(cpu0);
  // All of the process's threads: V8's garbage-collector helpers run beside the main thread.
  const process_cpu_ms_per_account = +((cpu.user + cpu.system) / 1000 / n).toFixed(1);
  return { ms: performance.now() - t0, failed, process_cpu_ms_per_account };
}

/**
 * `count` processes at once, each running `inThread(n)` (this file with `--in-thread n`): no queue,
 * no owner, no Redis — what the machine gives independent processes, the ceiling of any scaling
 * across processes here. Resolves with the slowest process's time and all their failures.
 */
async function inProcesses(n: number, count: number): Promise<Measured> {
  const one = () =>
    new Promise<Measured>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(import.meta.url), '--in-thread', String(n)],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.once('error', reject);
      child.once('exit', (code) => {
        if (code === 0) resolve(JSON.parse(out) as Measured);
        else reject(new Error(`the --in-thread process exited with ${code}`));
      });
    });
  const all = await Promise.all(Array.from({ length: count }, one));
  const cpu = all.map((r) => Number(r.process_cpu_ms_per_account));
  return {
    ms: Math.max(...all.map((r) => r.ms)),
    failed: all.reduce((s, r) => s + r.failed, 0),
    process_cpu_ms_per_account: +(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(1),
  };
}

/** One batch through `ex` (not closed here); resolves when every key reached the sink. */
async function through(ex: BatchExecutor, id: string, n: number) {
  const { shared, jobs } = benchBatch(id, n);
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
      // "Saved" at once: the executor then deletes the result's Redis key, as after a real save.
      return Promise.resolve();
    },
    trouble(reason) {
      if (reason) troubles.push(reason);
    },
  };
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
}

/** A batch through BullMQ with a fresh executor (closed after). */
async function throughQueue(url: string, id: string, n: number) {
  const ex = createBullmqExecutor({ url });
  try {
    return await through(ex, id, n);
  } finally {
    await ex.close();
  }
}

/**
 * The local pool at `threads` threads (the engine's default executor, one item per thread), after
 * a warm-up batch that starts every thread. This process's CPU includes the pool's threads, so
 * the owner's share is not reported.
 */
async function withPool(n: number, threads: number) {
  const pool = createPoolCompute({ root: ROOT, threads });
  const ex = localBatchExecutor(pool);
  try {
    await through(ex, `bench_pool_warm_${threads}`, 4 * threads);
    const { owner_cpu_ms_per_account: _, ...r } = await through(ex, `bench_pool_${threads}`, n);
    return r;
  } finally {
    await ex.close();
    await pool.close();
  }
}

/** CPU seconds (user + system) a process has used, from /proc (Linux), or null elsewhere. */
function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** redis-server's CPU seconds (INFO cpu: used_cpu_user + used_cpu_sys). */
async function redisCpuSeconds(r: Redis): Promise<number> {
  const info = await r.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** 1 and 2 worker processes on one redis-server (flushed between runs), after a warm-up batch. */
async function withWorkers(n: number, count: number) {
  const redis = await startRedis();
  const workers = await spawnWorkers(count, redis.url);
  const admin = new Redis(redis.url);
  try {
    await throughQueue(redis.url, `bench_warm_${count}`, 4 * count);
    await admin.flushall();
    const cpu = () => workers.reduce((s, w) => s + (processCpuSeconds(w.child.pid) ?? NaN), 0);
    const [workers0, redis0] = [cpu(), await redisCpuSeconds(admin)];
    const r = await throughQueue(redis.url, `bench_${count}w`, n);
    const [workers1, redis1] = [cpu(), await redisCpuSeconds(admin)];
    const perAccount = (s: number) => (Number.isFinite(s) ? +((s * 1000) / n).toFixed(1) : null);
    return {
      ...r,
      workers_cpu_ms_per_account: perAccount(workers1 - workers0),
      redis_cpu_ms_per_account: perAccount(redis1 - redis0),
    };
  } finally {
    admin.disconnect();
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await redis.dispose();
  }
}

/** `--rounds R` (default 3): each set-up runs R times, interleaved; medians are reported. */
function roundsArg(): number {
  const i = process.argv.indexOf('--rounds');
  const r = i < 0 ? 3 : Number(process.argv[i + 1]);
  if (!Number.isInteger(r) || r < 1) throw new Error(`--rounds: "${process.argv[i + 1]}"`);
  return r;
}

/** The round whose time is the median of `runs` (its other figures with it). */
const medianRun = (runs: readonly Measured[]): Measured => {
  const m = percentile(
    runs.map((r) => r.ms),
    0.5,
  );
  return runs.reduce((a, b) => (Math.abs(b.ms - m) < Math.abs(a.ms - m) ? b : a));
};

export async function runQueueBench(): Promise<Record<string, unknown>[]> {
  if (!redisServerBinary()) return [{ bench: 'queue', skipped: 'redis-server is not installed' }];
  const n = accountsArg(1_000);
  const rounds = roundsArg();
  const load = `${n.toLocaleString('en-US')} accounts × ${ASSETS} assets × ${DAYS.toLocaleString('en-US')} days, Monte Carlo ${PATHS.toLocaleString('en-US')} paths`;
  // Set-ups in the order of a round; `accounts`: what one run computes (the pair: n each).
  const setups = [
    { mode: 'computeBatchItem, 1 process (no queue, no owner)', run: () => inProcesses(n, 1) },
    {
      mode: 'computeBatchItem, 2 processes at once, n each (no queue, no owner)',
      run: () => inProcesses(n, 2),
      accounts: 2 * n,
    },
    { mode: 'local pool, 1 thread', run: () => withPool(n, 1) },
    { mode: 'local pool, 2 threads', run: () => withPool(n, 2) },
    { mode: 'BullMQ, 1 worker process', run: () => withWorkers(n, 1) },
    { mode: 'BullMQ, 2 worker processes', run: () => withWorkers(n, 2) },
  ];
  // Interleaved, so that a slow spell of a shared machine falls on every set-up alike.
  const runs: Measured[][] = setups.map(() => []);
  for (let r = 0; r < rounds; r++)
    for (const [k, s] of setups.entries()) runs[k]!.push(await s.run());
  const ms = (k: number) => runs[k]!.map((r) => r.ms);
  const rows = setups.map((s, k) => {
    const { ms: t, failed, ...more } = medianRun(runs[k]!);
    const accounts = s.accounts ?? n;
    return {
      bench: 'queue.batch',
      mode: s.mode,
      load,
      rounds,
      seconds: +(t / 1000).toFixed(1),
      accounts_per_minute: perMinute(accounts, t),
      accounts_per_minute_range: [
        perMinute(accounts, Math.max(...ms(k))),
        perMinute(accounts, Math.min(...ms(k))),
      ],
      not_succeeded: failed,
      ...more,
    };
  });
  // Per round: ratios of times within the round, then their median.
  const ratio = (f: (i: number) => number) =>
    +percentile(
      Array.from({ length: rounds }, (_, i) => f(i)),
      0.5,
    ).toFixed(2);
  const at = (k: number, i: number) => runs[k]![i]!.ms;
  const scaling = ratio((i) => at(4, i) / at(5, i));
  const ceiling = ratio((i) => (2 * at(0, i)) / at(1, i));
  const pct = (f: (i: number) => number) => +((ratio(f) - 1) * 100).toFixed(1);
  return [
    ...rows,
    {
      bench: 'queue.scaling',
      load,
      rounds,
      scaling_1_to_2_workers: scaling,
      local_pool_scaling_1_to_2_threads: ratio((i) => at(2, i) / at(3, i)),
      machine_ceiling_1_to_2_processes: ceiling,
      share_of_ceiling_pct: +((scaling / ceiling) * 100).toFixed(0),
      queue_overhead_vs_local_pool_1_pct: pct((i) => at(4, i) / at(2, i)),
      queue_overhead_vs_local_pool_2_pct: pct((i) => at(5, i) / at(3, i)),
      target: 'scaling >= 1.8 on 2 cores; queue overhead <= 10 % against the local pool',
      note: 'the owner (this process), redis-server and the workers share the machine’s two cores; the ceiling is two independent processes with no queue',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--in-thread');
  if (i >= 0) console.log(JSON.stringify(await inThread(Number(process.argv[i + 1]))));
  else for (const r of await runQueueBench()) console.log(JSON.stringify(r));
}
