/**
 * The owner's write ceiling for batches (issue #13, docs/scale.md): however many workers compute,
 * every result is saved by the one process that owns the database. This saves one real batch
 * result (20 assets × 1,260 days, Monte Carlo 2,000 paths, ≈ 0.3 MB of output JSON) N times
 * through the services' saveSucceeded (the run row, its texts and its audit event, WAL,
 * synchronous=FULL) and reports runs saved per minute: the rate no number of workers can pass.
 * The batch runner's own write adds the item's link and outcome to the same transaction.
 *
 *   npm run bench -- writer [--accounts N]     (default 500 saves)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineComputeEnv } from '../src/queue/computeEnv';
import { computeBatchItem } from '../src/services/batches/job';
import { saveSucceeded } from '../src/services/runs';
import { createStore, sha256Parts } from '../src/store';
import { benchBatch } from './batch-queue.bench';

const ROOT = join(import.meta.dirname, '..');

function savesArg(fallback: number): number {
  const i = process.argv.indexOf('--accounts');
  const n = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--accounts: "${process.argv[i + 1]}"`);
  return n;
}

export async function runWriterBench(): Promise<Record<string, unknown>[]> {
  const n = savesArg(500);
  const { shared, jobs } = benchBatch('W', 1);
  const r = await computeBatchItem(jobs[0]!, shared, await engineComputeEnv(ROOT));
  if (r.outcome !== 'computed' || r.computed.status !== 'succeeded')
    throw new Error('the bench account did not compute');
  const c = r.computed;
  const dir = mkdtempSync(join(tmpdir(), 'spr-writer-'));
  const store = createStore({ dir, headKey: Buffer.alloc(32, 7) });
  try {
    const at = {
      kind: 'rebalance' as const,
      portfolio_id: null,
      portfolio_version: null,
      actor: 'bench',
    };
    const ms: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      const text_hashes = {
        input_json: sha256Parts([c.input_json]),
        output_json: sha256Parts([c.output_json]),
      };
      await saveSucceeded(store, at, { ...c, text_hashes }, c.outcome.decision ?? 'APPROVED');
      ms.push(performance.now() - s);
    }
    const seconds = (performance.now() - t0) / 1000;
    ms.sort((a, b) => a - b);
    const q = (p: number) =>
      Number((ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? 0).toFixed(2));
    return [
      {
        suite: 'writer',
        bench: 'batch.owner_writes',
        saves: n,
        output_kb: Math.round(c.output_json.length / 1024),
        input_kb: Math.round(c.input_json.length / 1024),
        seconds: Number(seconds.toFixed(2)),
        runs_per_minute: Math.round((n / seconds) * 60),
        save_p50_ms: q(0.5),
        save_p99_ms: q(0.99),
        note: 'hashing on the owner included; a pool or worker result arrives already hashed',
      },
    ];
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  for (const row of await runWriterBench()) console.log(JSON.stringify(row));
