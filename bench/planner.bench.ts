/**
 * The band-compliant planner alone: read the book, decide (threshold bands), execute (orders,
 * lots, costs, cash), re-decide around what cannot be executed, build the rows — for 6, 100 and
 * 1,000 assets of the engine benchmark's book (real prices, every third asset 30% over target and
 * every third 30% under), with lots, 10 bps costs and a 0.2 turnover cap, in both modes.
 * Targets (issue #7): p50 ≤ 2 ms at 100 assets, ≤ 20 ms at 1,000.
 *
 *   npx tsx bench/planner.bench.ts
 */
import { RebalanceRequest } from '../src/contract/rebalance';
import { readBook } from '../src/services/rebalance/book';
import { planRows } from '../src/services/rebalance/orders';
import { planThreshold } from '../src/services/rebalance/plan';
import { benchRequest, percentile } from './data';

export async function runPlannerBench(): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const mode of ['target', 'band_edge'] as const)
    for (const [n, reps] of [
      [6, 2000],
      [100, 500],
      [1000, 60],
    ] as const) {
      const { price_history: _ph, ...raw } = benchRequest(n, 20);
      const req = RebalanceRequest.parse({ ...raw, rebalance_to: mode });
      const ms: number[] = [];
      let passes = 0;
      let orders = 0;
      let outside = 0;
      for (let i = 0; i < reps + 5; i++) {
        const t0 = performance.now();
        const book = readBook(req, []);
        const plan = planThreshold(req, book, book.target);
        const out = planRows(req, book, book.target, plan, []);
        const t1 = performance.now();
        if (i >= 5) ms.push(t1 - t0);
        passes = plan.passes;
        orders = out.summary.trade_count;
        outside = out.summary.band_breaches_remaining;
      }
      rows.push({
        bench: 'planner',
        mode,
        assets: n,
        p50_ms: +percentile(ms, 0.5).toFixed(3),
        p99_ms: +percentile(ms, 0.99).toFixed(3),
        passes,
        orders,
        band_breaches_remaining: outside,
        target_ms: n === 100 ? 2 : n === 1000 ? 20 : null,
      });
    }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await runPlannerBench()) console.log(JSON.stringify(r));
}
