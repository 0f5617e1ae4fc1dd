/**
 * Monte Carlo throughput benchmark (prints JSON lines; never asserts).
 *
 *   npx tsx bench/montecarlo.bench.ts
 *
 * 1. Asset-level engine: simulateAssetPaths, 10,000 paths × 252 days × 20 assets, correlated
 *    gaussian, buy-and-hold, filling the day-major path store — in asset-steps per second
 *    (paths·days·assets / time), p50 of 5 runs after 1 warm-up. Target ≥ 70 M/s on one core.
 * 2. The same through runMonteCarlo (adds estimation, Cholesky and the 5 percentile bands per day).
 * 3. The product path: runMonteCarlo, constant_mix gaussian (and bootstrap), 10,000 paths × 21
 *    days on 6 assets, p50 of 50 runs.
 * 4. numpy peer (bench/montecarlo_numpy.py, single-threaded BLAS), the same asset-level work;
 *    reported as skipped when python3 or numpy is missing.
 * Inputs: the last 1,260 rows of test/fixtures/skfolio_sp500_dataset.csv (20 S&P 500 stocks).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { choleskyWithRepair, sampleCovariance } from '../src/risk/covariance';
import { runMonteCarlo, simulateAssetPaths } from '../src/risk/montecarlo';
import { simpleReturns } from '../src/risk/returns';

const PATHS = 10_000;
const DAYS = 252;
const ASSETS = 20;
const RUNS = 5;
const PRODUCT_RUNS = 50;
const DATA = fileURLToPath(new URL('../test/fixtures/skfolio_sp500_dataset.csv', import.meta.url));
const NUMPY_SCRIPT = fileURLToPath(new URL('./montecarlo_numpy.py', import.meta.url));

function loadHistory(n: number): Float64Array[] {
  const lines = readFileSync(DATA, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0)
    .slice(1);
  const rows = lines.slice(-1260).map((l) => l.split(',').slice(1).map(Number));
  return Array.from({ length: n }, (_, i) => simpleReturns(rows.map((r) => r[i]!)));
}

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void, runs = RUNS): number[] {
  fn(); // warm-up
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    out.push((performance.now() - t0) / 1000);
  }
  return out;
}

function runNumpy(): Record<string, unknown> {
  const env = {
    ...process.env,
    OMP_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
  };
  const args = [
    NUMPY_SCRIPT,
    '--paths',
    String(PATHS),
    '--days',
    String(DAYS),
    '--assets',
    String(ASSETS),
    '--runs',
    String(RUNS),
    '--data',
    DATA,
  ];
  const r = spawnSync('python3', args, { env, encoding: 'utf8', timeout: 600_000 });
  if (r.error)
    return { name: 'montecarlo_numpy', skipped: `python3 not runnable: ${r.error.message}` };
  if (r.status !== 0) {
    const err = (r.stderr || '').trim().split('\n').pop() ?? '';
    return {
      name: 'montecarlo_numpy',
      skipped: /numpy/i.test(err) ? `numpy missing: ${err}` : `python3 failed: ${err}`,
    };
  }
  const line = r.stdout.trim().split('\n').pop() ?? '{}';
  return JSON.parse(line) as Record<string, unknown>;
}

/** Runs the benchmark, prints one JSON line per figure and returns them all. */
export async function runMonteCarloBench(): Promise<object> {
  if (!existsSync(DATA)) throw new Error(`missing fixture ${DATA}`);
  const history = loadHistory(ASSETS);
  const T = history[0]!.length;
  const mu = Float64Array.from(history, (r) => r.reduce((a, b) => a + b, 0) / T);
  const { L } = choleskyWithRepair(sampleCovariance(history), ASSETS);
  const weights = new Float64Array(ASSETS).fill(1 / ASSETS);
  const store = new Float64Array(PATHS * DAYS);
  const assetSteps = PATHS * DAYS * ASSETS;

  const engineTimes = time(() => {
    simulateAssetPaths({
      mu,
      chol: L,
      weights,
      paths: PATHS,
      horizonDays: DAYS,
      seed: 42,
      wealthByDay: store,
    });
  });
  const engine = {
    name: 'montecarlo_engine_asset_level_buy_and_hold',
    paths: PATHS,
    days: DAYS,
    assets: ASSETS,
    runs: RUNS,
    p50_s: p50(engineTimes),
    asset_steps_per_s: assetSteps / p50(engineTimes),
    target_asset_steps_per_s: 70e6,
    node: process.version,
  };
  console.log(JSON.stringify(engine));

  const fullTimes = time(() => {
    runMonteCarlo({
      weights,
      assetReturns: history,
      settings: {
        paths: PATHS,
        horizon_days: DAYS,
        seed: 42,
        method: 'gaussian',
        block_size: 5,
        rebalancing: 'buy_and_hold',
      },
      initialValue: 1e6,
    });
  });
  const full = {
    name: 'montecarlo_run_buy_and_hold_with_bands',
    paths: PATHS,
    days: DAYS,
    assets: ASSETS,
    p50_s: p50(fullTimes),
    asset_steps_per_s: assetSteps / p50(fullTimes),
  };
  console.log(JSON.stringify(full));

  // The product path takes a few milliseconds: p50 of PRODUCT_RUNS runs, gaussian and bootstrap.
  const product6 = history.slice(0, 6);
  const productRun = (method: 'gaussian' | 'bootstrap') => () => {
    runMonteCarlo({
      weights: new Float64Array(6).fill(1 / 6),
      assetReturns: product6,
      settings: {
        paths: PATHS,
        horizon_days: 21,
        seed: 42,
        method,
        block_size: 5,
        rebalancing: 'constant_mix',
      },
      initialValue: 1e6,
    });
  };
  const productTimes = time(productRun('gaussian'), PRODUCT_RUNS);
  const product = {
    name: 'montecarlo_product_constant_mix_gaussian',
    paths: PATHS,
    days: 21,
    assets: 6,
    runs: PRODUCT_RUNS,
    p50_ms: p50(productTimes) * 1000,
  };
  console.log(JSON.stringify(product));
  const bootstrapTimes = time(productRun('bootstrap'), PRODUCT_RUNS);
  const productBootstrap = {
    name: 'montecarlo_product_constant_mix_bootstrap',
    paths: PATHS,
    days: 21,
    assets: 6,
    runs: PRODUCT_RUNS,
    p50_ms: p50(bootstrapTimes) * 1000,
  };
  console.log(JSON.stringify(productBootstrap));

  const numpy = runNumpy();
  const ratio =
    typeof numpy.asset_steps_per_s === 'number'
      ? { engine_over_numpy: engine.asset_steps_per_s / numpy.asset_steps_per_s }
      : {};
  console.log(JSON.stringify({ ...numpy, ...ratio }));
  return { engine, full, product, productBootstrap, numpy: { ...numpy, ...ratio } };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runMonteCarloBench().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
