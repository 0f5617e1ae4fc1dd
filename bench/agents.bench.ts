/**
 * The full agent pipeline (POST /api/rebalance as it runs now) against the same engine work
 * without the agents, on 20 assets with 1,260 days of real history, a 10,000-path 21-day Monte
 * Carlo, and the stress tests on the shipped price library:
 *   agents   runRebalance: the six agents, data health, stress tests, queue and controls,
 *            supervisor checks and step records (targets: p50 ≤ 300 ms; ≤ 1.2× bare)
 *   bare     the same steps composed directly (book, history, forecasts, current risk, decide,
 *            execute, weight rows, proposed risk, Monte Carlo, drilldown, house view): what the
 *            agents add is the difference
 * Both on the parsed request (validation is measured by engine.bench).
 *
 *   npx tsx bench/agents.bench.ts      (150 repetitions after 30 warm-up runs, alternated)
 */
import { fileURLToPath } from 'node:url';
import type { Warning } from '../src/contract/common';
import { RebalanceRequest } from '../src/contract/rebalance';
import { inputHash } from '../src/domain/canonical';
import { runRebalance } from '../src/services/rebalance';
import { forecastAlignment } from '../src/services/rebalance/alignment';
import { readBook } from '../src/services/rebalance/book';
import { buildDrilldown } from '../src/services/rebalance/drilldown';
import { forecastBook } from '../src/services/rebalance/forecasts';
import { readHistory } from '../src/services/rebalance/history';
import { planRows } from '../src/services/rebalance/orders';
import { planThreshold } from '../src/services/rebalance/plan';
import { riskModel } from '../src/services/rebalance/risk';
import { weightRows } from '../src/services/rebalance/weights';
import { rankHouseView } from '../src/forecast';
import { loadStressLibrary } from '../src/server/stressData';
import { sha256Parts } from '../src/store';
import { benchRequest, percentile } from './data';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const clock = { now: () => new Date(0) };

/** The engine's work without any agent: the steps the pipeline wraps, in the same order. */
function bare(req: RebalanceRequest): unknown {
  const warnings: Warning[] = [];
  const hash = inputHash(req, sha256Parts);
  const book = readBook(req, warnings);
  const history = readHistory(req, warnings);
  const fc = forecastBook(req, book, history, warnings);
  const model = riskModel(req, history, fc.forecasts, book.target, warnings);
  const current = model.metrics(book.current, 'current');
  const plan = planThreshold(req, book, fc.destination);
  const rows = planRows(req, book, fc.destination, plan, warnings);
  const alignment = forecastAlignment(
    req,
    fc.forecasts,
    rows.trades,
    plan.role,
    book.target,
    fc.destination,
  );
  const proposed = model.metrics(rows.proposed, 'proposed');
  const mc = model.monteCarlo(rows.proposed, book.valueAfterFlow - rows.summary.total_costs);
  const weights = weightRows(req, book, fc, plan, rows);
  const drill = buildDrilldown(req, book, history, fc.forecasts, weights, rows.trades, rows.orders);
  const view = rankHouseView(fc.forecasts);
  return { hash, current, proposed, mc, drill, alignment, view };
}

export async function runAgentsBench(): Promise<Record<string, unknown>[]> {
  const req = RebalanceRequest.parse(benchRequest(20, 1260));
  const library = loadStressLibrary(ROOT);
  const opts = {
    sha256: sha256Parts,
    stressLibrary: library,
    monotonicMs: () => performance.now(),
  };
  const reps = 150;
  const warm = 30;
  const agents: number[] = [];
  const plain: number[] = [];
  const steps = new Map<string, number[]>();
  for (let i = 0; i < reps + warm; i++) {
    // Alternate so both see the same machine state.
    const t0 = performance.now();
    const out = await runRebalance(req, clock, opts);
    const t1 = performance.now();
    bare(req);
    const t2 = performance.now();
    if (i < warm) continue;
    agents.push(t1 - t0);
    plain.push(t2 - t1);
    for (const s of out.agent_steps) {
      const k = `${s.agent}: ${s.phase}`;
      steps.set(k, [...(steps.get(k) ?? []), s.duration_ms]);
    }
  }
  const a = percentile(agents, 0.5);
  const b = percentile(plain, 0.5);
  return [
    {
      bench: 'agents.pipeline',
      assets: 20,
      days: 1260,
      monte_carlo: '10000 paths x 21 days',
      stress_tests: 4,
      agents_p50_ms: +a.toFixed(2),
      agents_p99_ms: +percentile(agents, 0.99).toFixed(2),
      bare_p50_ms: +b.toFixed(2),
      ratio: +(a / b).toFixed(3),
      target_p50_ms: 300,
      target_ratio: 1.2,
      within_target: a <= 300 && a / b <= 1.2,
      step_p50_ms: Object.fromEntries(
        [...steps].map(([k, v]) => [k, +percentile(v, 0.5).toFixed(2)]),
      ),
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await runAgentsBench()) console.log(JSON.stringify(r));
}
