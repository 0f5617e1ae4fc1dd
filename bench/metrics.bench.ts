/**
 * POST /api/analytics/metrics throughput (prints JSON lines; never asserts).
 *
 *   npx tsx bench/metrics.bench.ts        (or: npm run bench -- metrics)
 *
 * Data: 1,000 series × 2,520 daily returns plus a benchmark, generated from a seeded mulberry32
 * (Box–Muller normals, per-series drift and volatility), no dates; equal weights on every series;
 * confidence levels [0.95, 0.99]; rf 2%.
 * 1. `computeMetrics` on the parsed request (the whole computation the pool worker does): p50 of
 *    RUNS runs after a warm-up. Target ≤ 200 ms on one thread (issue #11).
 * 2. The same request through the contract's zod parse (`MetricsRequest.parse`), which the owner
 *    thread runs before handing the request to the pool: the validation cost.
 * 3. The full option set (uncompounded drawdowns, a 63-day rolling Sharpe, Rockafellar–Uryasev
 *    tails) on the same data.
 * 4. numpy peer (bench/metrics_numpy.py, single-threaded BLAS) on the very same numbers (written
 *    to a temporary float64 file): the core figures vectorized over the 2,520 × 1,000 matrix.
 *    Reported as skipped when python3 or numpy is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MetricsRequest, type MetricsRequestInput } from '../src/contract/metrics';
import { computeMetrics } from '../src/services/metrics';

const SERIES = 1000;
const DAYS = 2520;
const RUNS = 7;
const NUMPY_SCRIPT = fileURLToPath(new URL('./metrics_numpy.py', import.meta.url));

/** mulberry32, as test/integration/store/helpers.ts. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Row-major matrix of (SERIES + 1) × DAYS daily returns: row 0 the benchmark, then the series.
 * Each row has its own drift μ ∈ [−0.0002, 0.0008] and volatility σ ∈ [0.008, 0.03].
 */
export function generateReturns(seed = 20261): Float64Array {
  const rand = mulberry32(seed);
  const out = new Float64Array((SERIES + 1) * DAYS);
  for (let s = 0; s <= SERIES; s++) {
    const mu = -0.0002 + 0.001 * rand();
    const sd = 0.008 + 0.022 * rand();
    for (let t = 0; t < DAYS; t++) {
      const u = rand() || 1e-12;
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
      out[s * DAYS + t] = Math.max(-0.95, mu + sd * z);
    }
  }
  return out;
}

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeMs(fn: () => void, runs = RUNS): number[] {
  fn(); // warm-up
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

function requestOf(
  data: Float64Array,
  extra: Partial<MetricsRequestInput> = {},
): MetricsRequestInput {
  const row = (s: number) => Array.from(data.subarray(s * DAYS, (s + 1) * DAYS));
  const series = Array.from({ length: SERIES }, (_, i) => ({
    name: `S${i + 1}`,
    returns: row(i + 1),
  }));
  return {
    series,
    benchmark: { name: 'benchmark', returns: row(0) },
    periodicity: 'daily',
    risk_free_rate: 0.02,
    confidence_levels: [0.95, 0.99],
    weights: Object.fromEntries(series.map((s) => [s.name, 1 / SERIES])),
    ...extra,
  };
}

function runNumpy(data: Float64Array): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'spr-metrics-bench-'));
  const file = join(dir, 'returns.f64');
  try {
    writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    const env = {
      ...process.env,
      OMP_NUM_THREADS: '1',
      OPENBLAS_NUM_THREADS: '1',
      MKL_NUM_THREADS: '1',
    };
    const args = [
      NUMPY_SCRIPT,
      '--data',
      file,
      '--series',
      String(SERIES),
      '--days',
      String(DAYS),
      '--runs',
      String(RUNS),
    ];
    const r = spawnSync('python3', args, { env, encoding: 'utf8', timeout: 600_000 });
    if (r.error)
      return { name: 'metrics_numpy', skipped: `python3 not runnable: ${r.error.message}` };
    if (r.status !== 0) {
      const err = (r.stderr || '').trim().split('\n').pop() ?? '';
      return {
        name: 'metrics_numpy',
        skipped: /numpy/i.test(err) ? `numpy missing: ${err}` : `python3 failed: ${err}`,
      };
    }
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark, prints one JSON line per figure and returns them all. */
export async function runMetricsBench(): Promise<object[]> {
  const data = generateReturns();
  const raw = requestOf(data);
  const parsed = MetricsRequest.parse(raw);
  const rows: object[] = [];
  const emit = (row: object) => {
    console.log(JSON.stringify(row));
    rows.push(row);
  };

  const core = timeMs(() => void computeMetrics(parsed));
  const first = computeMetrics(parsed).series[0]!;
  emit({
    name: 'metrics_service_1000x2520',
    series: SERIES,
    days: DAYS,
    confidence_levels: 2,
    benchmark: true,
    weights: SERIES,
    runs: RUNS,
    p50_ms: p50(core),
    min_ms: Math.min(...core),
    target_ms: 200,
    node: process.version,
    // The numpy row prints the same figure from the same numbers.
    check_sharpe_S1: first.sharpe,
  });

  const parse = timeMs(() => void MetricsRequest.parse(raw));
  emit({
    name: 'metrics_zod_parse_1000x2520',
    runs: RUNS,
    p50_ms: p50(parse),
    min_ms: Math.min(...parse),
  });
  const both = timeMs(() => void computeMetrics(MetricsRequest.parse(raw)));
  emit({ name: 'metrics_parse_plus_service_1000x2520', runs: RUNS, p50_ms: p50(both) });

  const fullReq = MetricsRequest.parse(
    requestOf(data, {
      uncompounded_drawdown: true,
      rolling_sharpe_window: 63,
      tail_method: 'rockafellar_uryasev',
    }),
  );
  const full = timeMs(() => void computeMetrics(fullReq));
  emit({
    name: 'metrics_service_all_options_1000x2520',
    options: 'uncompounded_drawdown, rolling_sharpe_window 63, rockafellar_uryasev',
    runs: RUNS,
    p50_ms: p50(full),
  });

  const numpy = runNumpy(data);
  const ratio =
    typeof numpy.p50_ms === 'number' ? { service_over_numpy: p50(core) / numpy.p50_ms } : {};
  emit({ ...numpy, ...ratio });
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runMetricsBench().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
