/**
 * Engine time of POST /api/rebalance for 6, 100 and 1,000 assets with 1,260 days of real
 * history, including the default 10,000-path, 21-day Monte Carlo. Reported separately:
 * validation (zod parse of the request) and the engine itself (runRebalance on parsed input).
 *
 *   npx tsx bench/engine.bench.ts
 */
import { RebalanceRequest } from '../src/contract/rebalance';
import { runRebalance } from '../src/services/rebalance';
import { sha256Hex } from '../src/store';
import { benchRequest, percentile } from './data';

const clock = { now: () => new Date(0) };
// The adapters pass Node's native SHA-256 for the input hash; so does the benchmark.
const options = { sha256Hex };

export async function runEngineBench(): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const [n, reps] of [
    [6, 50],
    [100, 15],
    [1000, 7],
  ] as const) {
    const raw = benchRequest(n, 1260);
    const parseMs: number[] = [];
    const engineMs: number[] = [];
    for (let i = 0; i < reps + 2; i++) {
      const t0 = performance.now();
      const req = RebalanceRequest.parse(raw);
      const t1 = performance.now();
      await runRebalance(req, clock, options);
      const t2 = performance.now();
      if (i >= 2) {
        parseMs.push(t1 - t0);
        engineMs.push(t2 - t1);
      }
    }
    rows.push({
      bench: 'engine.rebalance',
      assets: n,
      days: 1260,
      monte_carlo: '10000 paths x 21 days',
      engine_p50_ms: +percentile(engineMs, 0.5).toFixed(2),
      engine_p99_ms: +percentile(engineMs, 0.99).toFixed(2),
      validation_p50_ms: +percentile(parseMs, 0.5).toFixed(2),
      target_ms: n === 6 ? 10 : n === 1000 ? 150 : null,
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await runEngineBench()) console.log(JSON.stringify(r));
}
