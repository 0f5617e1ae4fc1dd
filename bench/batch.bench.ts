/**
 * Batch runs (issue #13): accounts per minute for N accounts × 20 assets × 1,260 days with Monte
 * Carlo 2,000 paths (settings.monte_carlo.paths), each account saved as a run, and /api/health
 * latency while the batch runs (target p99 ≤ 50 ms). Executors are named in every row
 * (`executor`, `threads`): here the local pool with 1 thread and with one per core; rows for other
 * executors (BullMQ workers) can be added by another file calling measureBatch on its server.
 *
 *   npx tsx bench/batch.bench.ts [--accounts 1000]      npm run bench -- batch --accounts 1000
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { BENCH_ASSETS, BENCH_DAYS } from './batch-book';
import { send } from './http.bench';
import { percentile } from './data';
import { probeHealth, stats } from './pool.bench';

const root = join(import.meta.dirname, '..');
/** Accounts when --accounts is not given: a few minutes on a 2-core machine for both rows. */
export const DEFAULT_ACCOUNTS = 300;
export const BATCH_SETTINGS = {
  history_days: BENCH_DAYS,
  monte_carlo: { paths: 2000, horizon_days: 21, seed: 7 },
};

/** `--accounts N` from the command line, else DEFAULT_ACCOUNTS. */
export function accountsArg(argv = process.argv): number {
  const i = argv.indexOf('--accounts');
  const n = i >= 0 ? Number(argv[i + 1]) : DEFAULT_ACCOUNTS;
  if (!Number.isInteger(n) || n < 1) throw new Error(`--accounts needs a positive integer`);
  return n;
}

/** Starts bench/batch-child.ts (the API over a seeded book) and resolves with its address. */
function startBatchChild(
  threads: number,
  accounts: number,
): Promise<{ child: ChildProcess; port: number; token: string; threads: number; dataDir: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'bench/batch-child.ts'), String(threads), String(accounts)],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    child.stdout?.once('data', (c: Buffer) => {
      const info = JSON.parse(c.toString().split('\n')[0] as string) as {
        port: number;
        token: string;
        threads: number;
        dataDir: string;
      };
      resolve({ child, ...info });
    });
    child.once('error', reject);
  });
}

interface Detail {
  batch_id: string;
  created_at: string;
  finished_at: string | null;
  status: string;
  progress: { done: number; failed: number; by_decision: Record<string, number> };
}

async function runToEnd(agent: Agent, port: number, token: string, body: unknown) {
  const t0 = performance.now();
  const r = await send(agent, port, token, 'POST', '/api/batches', JSON.stringify(body));
  const post_ms = performance.now() - t0;
  if (r.status !== 200) throw new Error(`POST /api/batches: ${r.status} ${r.text.slice(0, 300)}`);
  const id = (JSON.parse(r.text) as Detail).batch_id;
  for (;;) {
    await new Promise((res) => setTimeout(res, 200));
    const g = await send(agent, port, token, 'GET', `/api/batches/${id}?limit=1`);
    const d = JSON.parse(g.text) as Detail;
    if (d.finished_at !== null) return { d, post_ms };
  }
}

/**
 * Runs one batch of every account of the model `bench` on the server at `port` (after a warm-up
 * batch of `warm` accounts: threads start, HiGHS loads) and reports accounts per minute from the
 * batch's own created_at → finished_at, with /api/health sampled every 10 ms meanwhile.
 */
export async function measureBatch(
  port: number,
  token: string,
  label: { executor: string; threads: number | string },
  accounts: number,
  warm: number,
): Promise<Record<string, unknown>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const ids = Array.from(
    { length: Math.min(warm, accounts) },
    (_, k) => `B-${String(k).padStart(5, '0')}`,
  );
  await runToEnd(agent, port, token, {
    model_id: 'bench',
    account_ids: ids,
    settings: BATCH_SETTINGS,
  });
  const probe = probeHealth(port, token);
  const { d, post_ms } = await runToEnd(agent, port, token, {
    model_id: 'bench',
    settings: BATCH_SETTINGS,
  });
  const health = await probe.stop();
  agent.destroy();
  const seconds = (Date.parse(d.finished_at as string) - Date.parse(d.created_at)) / 1000;
  return {
    bench: 'batch.throughput',
    ...label,
    accounts,
    assets: BENCH_ASSETS,
    days: BENCH_DAYS,
    mc_paths: BATCH_SETTINGS.monte_carlo.paths,
    status: d.status,
    succeeded: d.progress.done,
    failed: d.progress.failed,
    by_decision: d.progress.by_decision,
    post_answer_ms: +post_ms.toFixed(1),
    seconds: +seconds.toFixed(2),
    accounts_per_minute: Math.round((accounts / seconds) * 60),
    ...stats(health),
    target: 'health p99 <= 50 ms',
    within_target: percentile(health.lat, 0.99) <= 50,
  };
}

/** The local pool with 1 thread, then with one thread per core; and the ratio between them. */
export async function runBatchBench(accounts = accountsArg()): Promise<Record<string, unknown>[]> {
  console.error(`batch bench: ${accounts} accounts (--accounts N to change)`);
  const rows: Record<string, unknown>[] = [];
  const sizes = [...new Set([1, cpus().length])];
  for (const threads of sizes) {
    const server = await startBatchChild(threads, accounts);
    try {
      rows.push(
        await measureBatch(
          server.port,
          server.token,
          { executor: 'local', threads: server.threads },
          accounts,
          2 * server.threads,
        ),
      );
    } finally {
      // The runs of the batch stay in the child's data directory: removed once it has exited.
      await new Promise((res) => {
        server.child.once('exit', res);
        server.child.kill();
      });
      rmSync(server.dataDir, { recursive: true, force: true });
    }
  }
  const [one, many] = [rows[0], rows.at(-1)];
  if (rows.length > 1 && one && many)
    rows.push({
      bench: 'batch.scaling',
      from: `local, ${String(one.threads)} thread`,
      to: `local, ${String(many.threads)} threads`,
      ratio: +((many.accounts_per_minute as number) / (one.accounts_per_minute as number)).toFixed(
        2,
      ),
    });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await runBatchBench()) console.log(JSON.stringify(r));
}
