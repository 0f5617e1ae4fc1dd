/**
 * Seeded Monte Carlo of portfolio wealth over a horizon of trading days (docs/methods.md (risk)).
 *
 * Model. Daily simple returns are either
 * - gaussian: r_t ~ N(μ̂, Σ̂), i.i.d. over days, with μ̂, Σ̂ the sample mean and covariance (ddof 1)
 *   of the supplied history (compensated, corrected two-pass: `meanOf` and `sampleCovariance`,
 *   docs/methods.md "Sums and means"; a constant history has σ̂ = 0 exactly); or
 * - bootstrap: whole historical days (rows, so the cross-asset dependence of a day is kept) drawn
 *   by the stationary block bootstrap of Politis & Romano (1994) with mean block length b.
 * Rebalancing:
 * - constant_mix: weights are reset every day, so the portfolio return is r_p,t = Σ_i w_i r_i,t
 *   and W_t = Π_{s≤t} (1 + r_p,s). Under the gaussian model r_p,t ~ N(wᵀμ̂, wᵀΣ̂w) exactly, so
 *   one normal per path-day is drawn (no Cholesky, no asset loop); under bootstrap the
 *   precomputed historical portfolio series is resampled.
 * - buy_and_hold: each asset compounds on its own, V_i,t = Π_{s≤t} (1 + r_i,s), and
 *   W_t = c + Σ_i w_i V_i,t; gaussian draws are correlated asset-level paths r = μ̂ + L z with
 *   L Lᵀ = Σ̂ (Cholesky with repair; an asset with a constant history has a zero row in L).
 * Weights are used as given; c = 1 − Σ w is cash earning 0 (in both modes). Each gross return
 * 1 + r (per asset, or of the portfolio under constant_mix) is floored at 0: a position cannot
 * lose more than everything, and a Gaussian draw below −100% means total loss.
 *
 * Determinism: path p draws from its own generator stream Xoshiro128ss(seed, p), so a seed gives
 * the same result on every run and platform, regardless of how paths are ordered or split.
 */
import { EngineError, type ErrorDetail, type Warning } from '../contract/common';
import { LIMITS, type MonteCarloResult } from '../contract/rebalance';
import { meanOf } from '../domain/sums';
import { choleskyWithRepair, sampleCovariance } from './covariance';
import { fillStandardNormal, Xoshiro128ss } from './rng';
import { quantilesInPlace } from './stats';

/** Minimum number of historical days for a simulation. */
export const MIN_MONTE_CARLO_OBSERVATIONS = 20;
/** Percentiles reported for each day's wealth: p5, p25, p50, p75, p95. */
export const BAND_PROBABILITIES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;
/** Bins of the terminal-wealth histogram. */
export const HISTOGRAM_BINS = 40;

/**
 * Histogram of terminal wealth: `bins` equal-width bins from min to max of the values, edges
 * e_k = min + k·(max − min)/bins (e_bins = max exactly); bin k holds the values in [e_k, e_{k+1}),
 * the last bin also max. A value is placed by comparison with the published edges (not only by
 * ⌊(v − min)/width⌋, whose rounding could put a value on the wrong side of an edge), so summing
 * counts over bins whose right edge is ≤ x counts exactly the values < x at that edge.
 * When every value is the same v, there is one bin [v, v] holding them all.
 * Σ counts = values.length. Example: [0.9, 1.0, 1.1, 1.2], bins 2 → edges [0.9, 1.05, 1.2],
 * counts [2, 2].
 */
export function terminalHistogram(
  values: ArrayLike<number>,
  bins: number = HISTOGRAM_BINS,
): { edges: number[]; counts: number[] } {
  const P = values.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < P; p++) {
    const v = values[p] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (P === 0) return { edges: [], counts: [] };
  if (!(hi > lo)) return { edges: [lo, hi], counts: [P] };
  const width = (hi - lo) / bins;
  // min(·, hi) keeps the edges non-decreasing however lo + k·width rounds.
  const edges = Array.from({ length: bins + 1 }, (_, k) =>
    k === bins ? hi : Math.min(hi, lo + k * width),
  );
  const counts = new Array<number>(bins).fill(0);
  for (let p = 0; p < P; p++) {
    const v = values[p] as number;
    // A first guess (width can underflow to 0 for subnormal ranges), then the edges decide:
    // k = the last bin whose left edge is ≤ v.
    let k = width > 0 ? Math.max(0, Math.min(bins - 1, Math.floor((v - lo) / width))) : 0;
    while (k > 0 && v < (edges[k] as number)) k--;
    while (k < bins - 1 && v >= (edges[k + 1] as number)) k++;
    counts[k] = (counts[k] as number) + 1;
  }
  return { edges, counts };
}

export interface MonteCarloRunSettings {
  paths: number;
  horizon_days: number;
  seed: number;
  method: 'gaussian' | 'bootstrap';
  block_size: number;
  rebalancing: 'constant_mix' | 'buy_and_hold';
}

export interface MonteCarloInput {
  /** Portfolio weights, one per asset (Σ w < 1 leaves cash earning 0). */
  weights: Float64Array;
  /** Daily simple returns per asset, oldest first, all of equal length T. */
  assetReturns: Float64Array[];
  settings: MonteCarloRunSettings;
  /** Portfolio value today (currency), for the *_portfolio_value outputs. */
  initialValue: number;
  /**
   * Moments for the gaussian model instead of the sample mean and covariance of `assetReturns`:
   * daily means (n) and a positive semi-definite daily covariance (n×n), e.g. each asset's full
   * history with a pairwise covariance (src/risk/fullHistory.ts). The bootstrap still resamples
   * the days of `assetReturns`, and T (the history check) is still their length.
   */
  moments?: { mean: Float64Array; cov: Float64Array } | null;
}

/** Inputs of the asset-level gaussian engine (buy_and_hold). */
export interface AssetPathSpec {
  /** Daily mean return per asset (length n). */
  mu: Float64Array;
  /** Lower Cholesky factor of the daily covariance, row-major n×n. */
  chol: Float64Array;
  /** Weight per asset (length n). */
  weights: Float64Array;
  /** Cash weight earning 0; default 1 − Σ weights. */
  cash?: number;
  paths: number;
  horizonDays: number;
  seed: number;
  /** Stream index of the first path (to split paths across workers); default 0. */
  firstPath?: number;
  /** Optional day-major wealth store of length horizonDays·paths: day d (1-based) of path p at (d − 1)·paths + p. */
  wealthByDay?: Float64Array | null;
  /** Optional output buffer for terminal wealth (length paths). */
  terminal?: Float64Array | null;
}

/** Paths per block whose wealth is buffered path-major before going to the day-major store. */
const BLOCK = 16;
/**
 * Paths simulated together by the portfolio-level kernels (constant_mix): their draws are made
 * path by path (each from its own stream), then wealth is compounded day by day across the group
 * and written straight to the day-major store, PATH_GROUP consecutive values per day (no
 * path-major buffer to flush).
 */
const PATH_GROUP = 32;

/**
 * Copies a block of `count` paths (path-major in `buf`, H days each) into the day-major store at
 * paths p0..p0+count−1. Writing one path at a time would touch a different cache line (and often
 * page) every day; a block fills whole lines.
 */
function flushBlock(
  buf: Float64Array,
  H: number,
  p0: number,
  count: number,
  store: Float64Array,
  P: number,
): void {
  for (let d = 0; d < H; d++) {
    const o = d * P + p0;
    for (let b = 0, q = d; b < count; b++, q += H) store[o + b] = buf[q]!;
  }
}

/**
 * Asset-level correlated gaussian paths, buy-and-hold (the engine's hot loop, also benchmarked).
 * For path p (stream firstPath + p) and day d: z ~ N(0, I_n), r = μ + L z,
 * V_i ← V_i · max(0, 1 + r_i) (V_i,0 = 1), W_d = c + Σ_i w_i V_i.
 * Returns terminal wealth W_H per path (per 1 invested).
 * Cost: n(n+1)/2 multiply-adds and n normals per path-day.
 * Example: n = 1, μ = 0, L = [0] → every W_H = c + w.
 */
export function simulateAssetPaths(spec: AssetPathSpec): Float64Array {
  const { mu, chol, weights, paths: P, horizonDays: H, seed } = spec;
  const n = mu.length;
  const details: ErrorDetail[] = [];
  if (n < 1) details.push({ path: 'mu', message: 'at least one asset is required' });
  if (chol.length !== n * n)
    details.push({ path: 'chol', message: `has ${chol.length} entries; expected ${n * n}` });
  if (weights.length !== n)
    details.push({ path: 'weights', message: `has ${weights.length} entries; expected ${n}` });
  if (!(Number.isInteger(P) && P >= 1))
    details.push({ path: 'paths', message: 'must be an integer >= 1' });
  if (!(Number.isInteger(H) && H >= 1))
    details.push({ path: 'horizonDays', message: 'must be an integer >= 1' });
  if (spec.wealthByDay && spec.wealthByDay.length < P * H)
    details.push({ path: 'wealthByDay', message: `needs at least ${P * H} entries` });
  if (spec.terminal && spec.terminal.length < P)
    details.push({ path: 'terminal', message: `needs at least ${P} entries` });
  if (details.length) throw new EngineError('BAD_REQUEST', 'invalid path specification', details);

  let sumW = 0;
  for (let i = 0; i < n; i++) sumW += weights[i]!;
  const cash = spec.cash ?? 1 - sumW;
  // Lower triangle packed row by row: the inner dot product then walks memory contiguously.
  const Lp = new Float64Array((n * (n + 1)) / 2);
  for (let i = 0, k = 0; i < n; i++) for (let j = 0; j <= i; j++) Lp[k++] = chol[i * n + j]!;
  const terminal = spec.terminal ?? new Float64Array(P);
  assetPathsKernel(
    mu,
    Lp,
    weights,
    cash,
    n,
    P,
    H,
    seed >>> 0,
    spec.firstPath ?? 0,
    spec.wealthByDay ?? null,
    terminal,
  );
  return terminal;
}

/**
 * Per path: draw all n·H normals, form r = μ + L z for every day, then compound. The correlated
 * returns are computed eight days at a time: each element of L is loaded once and feeds eight
 * independent multiply-add chains, which hides floating-point add latency (a single chain per row
 * stalls on it) — measured about 1.2× faster than one day at a time. Each path draws only from its
 * own stream (seed, firstPath + p).
 */
function assetPathsKernel(
  mu: Float64Array,
  Lp: Float64Array,
  w: Float64Array,
  cash: number,
  n: number,
  P: number,
  H: number,
  seed: number,
  firstPath: number,
  store: Float64Array | null,
  terminal: Float64Array,
): void {
  const rng = new Xoshiro128ss(seed, firstPath);
  const nH = n * H;
  const z = new Float64Array(nH);
  const r = new Float64Array(nH);
  const V = new Float64Array(n);
  const buf = new Float64Array(BLOCK * H);
  for (let p = 0; p < P; p++) {
    rng.reseed(seed, firstPath + p);
    fillStandardNormal(rng, z, 0, nH);
    correlate(mu, Lp, z, r, n, H);
    const bo = (p % BLOCK) * H;
    V.fill(1);
    let W = cash;
    for (let d = 0, o = 0; d < H; d++, o += n) {
      W = cash;
      for (let i = 0; i < n; i++) {
        let g = 1 + r[o + i]!;
        if (g < 0) g = 0;
        const v = V[i]! * g;
        V[i] = v;
        W += w[i]! * v;
      }
      buf[bo + d] = W;
    }
    terminal[p] = W;
    if (store !== null && (p % BLOCK === BLOCK - 1 || p === P - 1))
      flushBlock(buf, H, p - (p % BLOCK), (p % BLOCK) + 1, store, P);
  }
}

/** r[d·n + i] = μ_i + Σ_{j≤i} L_ij z[d·n + j] for d = 0..H−1 (L packed lower, row by row). */
function correlate(
  mu: Float64Array,
  Lp: Float64Array,
  z: Float64Array,
  r: Float64Array,
  n: number,
  H: number,
): void {
  const n8 = 8 * n;
  for (let i = 0, k0 = 0; i < n; k0 += ++i) {
    const m = mu[i]!;
    let d = 0;
    for (let o0 = 0; d + 7 < H; d += 8, o0 += n8) {
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      const o4 = o3 + n;
      const o5 = o4 + n;
      const o6 = o5 + n;
      const o7 = o6 + n;
      let a0 = m;
      let a1 = m;
      let a2 = m;
      let a3 = m;
      let a4 = m;
      let a5 = m;
      let a6 = m;
      let a7 = m;
      for (let j = 0, k = k0; j <= i; j++, k++) {
        const l = Lp[k]!;
        a0 += l * z[o0 + j]!;
        a1 += l * z[o1 + j]!;
        a2 += l * z[o2 + j]!;
        a3 += l * z[o3 + j]!;
        a4 += l * z[o4 + j]!;
        a5 += l * z[o5 + j]!;
        a6 += l * z[o6 + j]!;
        a7 += l * z[o7 + j]!;
      }
      r[o0 + i] = a0;
      r[o1 + i] = a1;
      r[o2 + i] = a2;
      r[o3 + i] = a3;
      r[o4 + i] = a4;
      r[o5 + i] = a5;
      r[o6 + i] = a6;
      r[o7 + i] = a7;
    }
    for (let o = d * n; d < H; d++, o += n) {
      let a = m;
      for (let j = 0, k = k0; j <= i; j++, k++) a += Lp[k]! * z[o + j]!;
      r[o + i] = a;
    }
  }
}

/**
 * Portfolio-level gaussian paths under constant_mix: r_p ~ N(m, s²) i.i.d. per day, W_d =
 * Π max(0, 1 + m + s z_d). Path p uses stream firstPath + p (one normal per day).
 * Example: s = 0 → W_d = (1 + m)^d on every path.
 */
export function simulatePortfolioGaussianPaths(
  m: number,
  s: number,
  P: number,
  H: number,
  seed: number,
  store: Float64Array | null,
  terminal: Float64Array,
  firstPath = 0,
): void {
  const rng = new Xoshiro128ss(seed, firstPath);
  const z = new Float64Array(PATH_GROUP * H);
  const W = new Float64Array(PATH_GROUP);
  for (let p0 = 0; p0 < P; p0 += PATH_GROUP) {
    const count = Math.min(PATH_GROUP, P - p0);
    for (let b = 0; b < count; b++) {
      rng.reseed(seed, firstPath + p0 + b);
      fillStandardNormal(rng, z, b * H, H);
    }
    W.fill(1);
    for (let d = 0, o = p0; d < H; d++, o += P)
      for (let b = 0, k = d; b < count; b++, k += H) {
        let g = 1 + (m + s * z[k]!);
        if (g < 0) g = 0;
        const w = W[b]! * g;
        W[b] = w;
        if (store !== null) store[o + b] = w;
      }
    for (let b = 0; b < count; b++) terminal[p0 + b] = W[b]!;
  }
}

/**
 * Stationary bootstrap day indices (Politis & Romano 1994) for one path, circular over 0..T−1:
 * i_0 = ⌊U·T⌋; for d ≥ 1, with probability 1/b (U < 1/b) start a new block at ⌊U'·T⌋, else
 * continue with i_d = (i_{d−1} + 1) mod T. Block lengths are geometric with mean b, and every
 * i_d is marginally uniform on 0..T−1. U are 32-bit uniforms in [0, 1) (index bias ≤ T/2^32).
 * Example: b = 1 → every day is a fresh uniform draw (the i.i.d. bootstrap).
 */
export function stationaryBootstrapIndices(
  rng: Xoshiro128ss,
  T: number,
  blockSize: number,
  out: Int32Array,
): void {
  const pNew = 1 / blockSize;
  const H = out.length;
  if (H === 0) return;
  let idx = Math.floor(rng.nextDouble() * T);
  out[0] = idx;
  for (let d = 1; d < H; d++) {
    if (rng.nextDouble() < pNew) idx = Math.floor(rng.nextDouble() * T);
    else if (++idx === T) idx = 0;
    out[d] = idx;
  }
}

function bootstrapPortfolioPaths(
  rp: Float64Array,
  blockSize: number,
  P: number,
  H: number,
  seed: number,
  store: Float64Array,
  terminal: Float64Array,
): void {
  const rng = new Xoshiro128ss(seed, 0);
  const idx = new Int32Array(PATH_GROUP * H);
  const views = Array.from({ length: PATH_GROUP }, (_, b) => idx.subarray(b * H, (b + 1) * H));
  const T = rp.length;
  const W = new Float64Array(PATH_GROUP);
  for (let p0 = 0; p0 < P; p0 += PATH_GROUP) {
    const count = Math.min(PATH_GROUP, P - p0);
    for (let b = 0; b < count; b++) {
      rng.reseed(seed, p0 + b);
      stationaryBootstrapIndices(rng, T, blockSize, views[b]!);
    }
    W.fill(1);
    for (let d = 0, o = p0; d < H; d++, o += P)
      for (let b = 0, k = d; b < count; b++, k += H) {
        let g = 1 + rp[idx[k]!]!;
        if (g < 0) g = 0;
        const w = W[b]! * g;
        W[b] = w;
        store[o + b] = w;
      }
    for (let b = 0; b < count; b++) terminal[p0 + b] = W[b]!;
  }
}

function bootstrapAssetPaths(
  rows: Float64Array /* T × n, day-major */,
  n: number,
  w: Float64Array,
  cash: number,
  blockSize: number,
  P: number,
  H: number,
  seed: number,
  store: Float64Array,
  terminal: Float64Array,
): void {
  const rng = new Xoshiro128ss(seed, 0);
  const idx = new Int32Array(H);
  const T = rows.length / n;
  const V = new Float64Array(n);
  const buf = new Float64Array(BLOCK * H);
  for (let p = 0; p < P; p++) {
    rng.reseed(seed, p);
    stationaryBootstrapIndices(rng, T, blockSize, idx);
    const bo = (p % BLOCK) * H;
    V.fill(1);
    let W = cash;
    for (let d = 0; d < H; d++) {
      const ro = idx[d]! * n;
      W = cash;
      for (let i = 0; i < n; i++) {
        let g = 1 + rows[ro + i]!;
        if (g < 0) g = 0;
        const v = V[i]! * g;
        V[i] = v;
        W += w[i]! * v;
      }
      buf[bo + d] = W;
    }
    terminal[p] = W;
    if (p % BLOCK === BLOCK - 1 || p === P - 1)
      flushBlock(buf, H, p - (p % BLOCK), (p % BLOCK) + 1, store, P);
  }
}

/**
 * Cholesky factor L (k×k, row-major, L·Lᵀ = Σ̂) for the gaussian buy-and-hold engine. An asset
 * with a constant history has an exactly zero row and column in Σ̂ (the compensated two-pass
 * estimate of docs/methods.md "Sums and means"); it gets a zero row in L, so it is simulated as
 * r = μ̂ exactly — L·Lᵀ = Σ̂ still holds. Only the other assets go through choleskyWithRepair: a
 * zero pivot would otherwise force a repair whose diagonal jitter (1e-10 × mean variance, or
 * 1e-10 when every asset is constant) gives the constant asset spurious noise and a warning.
 * Example: Σ̂ = [[4, 0], [0, 0]] → L = [[2, 0], [0, 0]], no repair.
 */
function factorCovariance(
  cov: Float64Array,
  k: number,
): {
  L: Float64Array;
  repair: { m: number; jitter: number; minEigenvalueBefore?: number } | null;
} {
  const moving: number[] = [];
  for (let i = 0; i < k; i++) {
    let zero = true;
    for (let j = 0; j < k && zero; j++) if (cov[i * k + j] !== 0) zero = false;
    if (!zero) moving.push(i);
  }
  const m = moving.length;
  const L = new Float64Array(k * k);
  if (m === 0) return { L, repair: null };
  const sub = new Float64Array(m * m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) sub[a * m + b] = cov[moving[a]! * k + moving[b]!]!;
  const c = choleskyWithRepair(sub, m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b <= a; b++) L[moving[a]! * k + moving[b]!] = c.L[a * m + b]!;
  if (!c.repaired) return { L, repair: null };
  return {
    L,
    repair: {
      m,
      jitter: c.jitter,
      ...(c.minEigenvalueBefore !== undefined
        ? { minEigenvalueBefore: c.minEigenvalueBefore }
        : {}),
    },
  };
}

function validate(input: MonteCarloInput): { n: number; T: number } {
  const { weights, assetReturns, settings: s, initialValue } = input;
  const details: ErrorDetail[] = [];
  const n = assetReturns.length;
  if (n < 1) details.push({ path: 'assetReturns', message: 'at least one asset is required' });
  if (weights.length !== n)
    details.push({
      path: 'weights',
      message: `has ${weights.length} weights but there are ${n} assets`,
    });
  for (let i = 0; i < weights.length; i++)
    if (!Number.isFinite(weights[i]!))
      details.push({ path: `weights.${i}`, message: 'must be a finite number' });
  const T = n > 0 ? assetReturns[0]!.length : 0;
  for (let i = 0; i < n; i++) {
    const r = assetReturns[i]!;
    if (r.length !== T) {
      details.push({
        path: `assetReturns.${i}`,
        message: `has ${r.length} returns but asset 0 has ${T}`,
      });
      continue;
    }
    for (let t = 0; t < T; t++)
      if (!Number.isFinite(r[t]!)) {
        details.push({ path: `assetReturns.${i}.${t}`, message: 'must be a finite number' });
        break;
      }
  }
  const int = (v: number, lo: number, hi: number, path: string) => {
    if (!(Number.isInteger(v) && v >= lo && v <= hi))
      details.push({ path, message: `${v} is not an integer in [${lo}, ${hi}]` });
  };
  int(s.paths, 1, LIMITS.maxPaths, 'settings.paths');
  int(s.horizon_days, 1, LIMITS.maxHorizonDays, 'settings.horizon_days');
  int(s.seed, 0, 2 ** 32 - 1, 'settings.seed');
  int(s.block_size, 1, 1_000_000, 'settings.block_size');
  if (s.paths * s.horizon_days > LIMITS.maxPathSteps)
    details.push({
      path: 'settings',
      message: `paths × horizon_days must be <= ${LIMITS.maxPathSteps}`,
    });
  if (s.method !== 'gaussian' && s.method !== 'bootstrap')
    details.push({ path: 'settings.method', message: 'must be "gaussian" or "bootstrap"' });
  if (s.rebalancing !== 'constant_mix' && s.rebalancing !== 'buy_and_hold')
    details.push({
      path: 'settings.rebalancing',
      message: 'must be "constant_mix" or "buy_and_hold"',
    });
  if (!(Number.isFinite(initialValue) && initialValue > 0))
    details.push({ path: 'initialValue', message: 'must be a finite number > 0' });
  const mom = input.moments;
  if (mom && (mom.mean.length !== n || mom.cov.length !== n * n))
    details.push({ path: 'moments', message: `need ${n} means and an ${n}×${n} covariance` });
  if (details.length) throw new EngineError('BAD_REQUEST', 'invalid Monte Carlo inputs', details);
  return { n, T };
}

/**
 * Runs the Monte Carlo described at the top of this file and summarizes wealth per 1 invested:
 * probability_of_loss = P(W_H < 1); expected_terminal_value = mean W_H;
 * worst_5pct_terminal_value = Q_0.05(W_H) (type 7); expected_shortfall_terminal_value =
 * mean{W_H ≤ Q_0.05}; the currency figures are these × initialValue; bands give the type-7
 * 5/25/50/75/95 percentiles of W_d for d = 0..H (day 0 is 1); terminal_histogram bins W_H over
 * every path (`terminalHistogram`, 40 bins).
 * Returns result null with an INSUFFICIENT_HISTORY warning when T < 20.
 * Example: one asset with a constant +0.1% daily history, gaussian, H = 2 → σ̂ = 0, every
 * W_2 = 1.001², probability_of_loss = 0 and all bands equal (1.001)^d.
 */
export function runMonteCarlo(input: MonteCarloInput): {
  result: MonteCarloResult | null;
  warnings: Warning[];
} {
  const { n, T } = validate(input);
  const { weights, assetReturns, settings, initialValue } = input;
  const warnings: Warning[] = [];
  if (T < MIN_MONTE_CARLO_OBSERVATIONS) {
    warnings.push({
      code: 'INSUFFICIENT_HISTORY',
      message: `${T} days of history: the Monte Carlo needs at least ${MIN_MONTE_CARLO_OBSERVATIONS}; no simulation was run`,
    });
    return { result: null, warnings };
  }
  const P = settings.paths;
  const H = settings.horizon_days;
  const seed = settings.seed >>> 0;
  const store = new Float64Array(P * H);
  const terminal = new Float64Array(P);

  let sumW = 0;
  for (let i = 0; i < n; i++) sumW += weights[i]!;
  const cash = 1 - sumW;

  if (settings.rebalancing === 'constant_mix') {
    // The portfolio's daily series; its sample mean and variance equal wᵀμ̂ and wᵀΣ̂w.
    const rp = new Float64Array(T);
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (w === 0) continue;
      const r = assetReturns[i]!;
      for (let t = 0; t < T; t++) rp[t] = rp[t]! + w * r[t]!;
    }
    if (settings.method === 'gaussian' && input.moments) {
      // r_p ~ N(wᵀμ, wᵀΣw) from the given moments.
      const { mean, cov } = input.moments;
      let m = 0;
      let v = 0;
      for (let i = 0; i < n; i++) {
        const wi = weights[i]!;
        if (wi === 0) continue;
        m += wi * mean[i]!;
        for (let j = 0; j < n; j++) if (weights[j]! !== 0) v += wi * cov[i * n + j]! * weights[j]!;
      }
      simulatePortfolioGaussianPaths(m, Math.sqrt(v > 0 ? v : 0), P, H, seed, store, terminal);
    } else if (settings.method === 'gaussian') {
      // The same estimators as buy_and_hold below (so one asset gives identical results there).
      const m = meanOf(rp);
      const s = Math.sqrt(sampleCovariance([rp])[0]!);
      simulatePortfolioGaussianPaths(m, s, P, H, seed, store, terminal);
    } else bootstrapPortfolioPaths(rp, settings.block_size, P, H, seed, store, terminal);
  } else {
    // Zero-weight assets do not change wealth; leaving them out saves work and keeps a
    // zero-variance unused asset from forcing a covariance repair.
    const active: number[] = [];
    for (let i = 0; i < n; i++) if (weights[i]! !== 0) active.push(i);
    const k = active.length;
    const wa = Float64Array.from(active, (i) => weights[i]!);
    if (k === 0) {
      store.fill(cash);
      terminal.fill(cash);
    } else if (settings.method === 'gaussian') {
      const series = active.map((i) => assetReturns[i]!);
      const mom = input.moments;
      const mu = mom
        ? Float64Array.from(active, (i) => mom.mean[i]!)
        : Float64Array.from(series, (r) => meanOf(r));
      const cov = mom ? new Float64Array(k * k) : sampleCovariance(series);
      if (mom)
        for (let a = 0; a < k; a++)
          for (let b = 0; b < k; b++) cov[a * k + b] = mom.cov[active[a]! * n + active[b]!]!;
      const { L, repair } = factorCovariance(cov, k);
      if (repair)
        warnings.push({
          code: 'COVARIANCE_REPAIRED',
          message:
            `the sample covariance of the ${repair.m} simulated assets with a varying history ` +
            `is not positive definite` +
            (repair.minEigenvalueBefore !== undefined
              ? ` (smallest eigenvalue ${repair.minEigenvalueBefore.toExponential(3)})`
              : '') +
            `; ${repair.jitter.toExponential(3)} was added to its diagonal before the Cholesky factorization`,
        });
      simulateAssetPaths({
        mu,
        chol: L,
        weights: wa,
        cash,
        paths: P,
        horizonDays: H,
        seed,
        wealthByDay: store,
        terminal,
      });
    } else {
      const rows = new Float64Array(T * k);
      for (let j = 0; j < k; j++) {
        const r = assetReturns[active[j]!]!;
        for (let t = 0; t < T; t++) rows[t * k + j] = r[t]!;
      }
      bootstrapAssetPaths(rows, k, wa, cash, settings.block_size, P, H, seed, store, terminal);
    }
  }

  // Terminal statistics. The last day's column of `store` holds exactly the values of `terminal`,
  // so Q_0.05(W_H) is that day's p5 band.
  let sum = 0;
  let losses = 0;
  for (let p = 0; p < P; p++) {
    const v = terminal[p]!;
    sum += v;
    if (v < 1) losses++;
  }
  const meanW = sum / P;
  if (!Number.isFinite(meanW)) {
    warnings.push({
      code: 'MONTE_CARLO_OVERFLOW',
      message: 'simulated wealth overflowed (extreme returns over a long horizon); no result',
    });
    return { result: null, warnings };
  }
  const q = new Float64Array(BAND_PROBABILITIES.length);
  const bands: MonteCarloResult['bands'] = [{ day: 0, p5: 1, p25: 1, p50: 1, p75: 1, p95: 1 }];
  for (let d = 1; d <= H; d++) {
    quantilesInPlace(store.subarray((d - 1) * P, d * P), BAND_PROBABILITIES, q);
    bands.push({ day: d, p5: q[0]!, p25: q[1]!, p50: q[2]!, p75: q[3]!, p95: q[4]! });
  }
  const q05 = bands[H]!.p5;
  let tailSum = 0;
  let tailCount = 0;
  for (let p = 0; p < P; p++) {
    const v = terminal[p]!;
    if (v <= q05) {
      tailSum += v;
      tailCount++;
    }
  }

  const result: MonteCarloResult = {
    method: settings.method,
    rebalancing: settings.rebalancing,
    paths: P,
    horizon_days: H,
    seed: settings.seed,
    probability_of_loss: losses / P,
    expected_terminal_value: meanW,
    worst_5pct_terminal_value: q05,
    expected_shortfall_terminal_value: tailSum / tailCount,
    expected_terminal_portfolio_value: meanW * initialValue,
    worst_5pct_terminal_portfolio_value: q05 * initialValue,
    bands,
    terminal_histogram: terminalHistogram(terminal),
  };
  return { result, warnings };
}
