/**
 * `npm run bench [-- SUITE… --accounts N]`: every benchmark (or the suites named), printed as JSON
 * lines (one figure set per line).
 * Benchmarks print figures; tests never assert wall time.
 */
import { cpus } from 'node:os';

const suites: [string, string, string][] = [
  ['engine', './engine.bench', 'runEngineBench'],
  ['agents', './agents.bench', 'runAgentsBench'],
  ['planner', './planner.bench', 'runPlannerBench'],
  ['montecarlo', './montecarlo.bench', 'runMonteCarloBench'],
  ['metrics', './metrics.bench', 'runMetricsBench'],
  ['http', './http.bench', 'runHttpBench'],
  ['pool', './pool.bench', 'runPoolBench'],
  ['batch', './batch.bench', 'runBatchBench'],
  ['queue', './batch-queue.bench', 'runQueueBench'],
  ['writer', './batch-writer.bench', 'runWriterBench'],
  ['store', './store.bench', 'runStoreBench'],
  ['import', './import.bench', 'runImportBench'],
  ['optimizer', './optimizer.bench', 'runOptimizerBench'],
  ['forecast', './forecast_accuracy', 'runForecastAccuracy'],
  ['ui', './ui.bench', 'runUiBench'],
];

// Suite names; `--flag value` pairs are options a suite reads itself (queue: --accounts N).
const argv = process.argv.slice(2);
const only = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
console.log(
  JSON.stringify({
    bench: 'machine',
    node: process.version,
    cpus: cpus().length,
    date: new Date().toISOString(),
  }),
);
for (const [name, mod, fn] of suites) {
  if (only.length && !only.includes(name)) continue;
  try {
    const m = (await import(mod)) as Record<string, () => Promise<unknown>>;
    const f = m[fn];
    if (!f) throw new Error(`${mod} does not export ${fn}`);
    const out = await f();
    for (const row of Array.isArray(out) ? out : [out])
      console.log(JSON.stringify({ suite: name, ...(row as object) }));
  } catch (e) {
    console.log(JSON.stringify({ suite: name, error: e instanceof Error ? e.message : String(e) }));
    process.exitCode = 1;
  }
}
