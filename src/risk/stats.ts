/**
 * Descriptive statistics on Float64Array / ArrayLike<number> series.
 *
 * Conventions (docs/methods.md (risk)): sample variance and standard deviation use ddof = 1;
 * skewness and excess kurtosis are the *population* moment ratios g1, g2 (scipy.stats.skew /
 * kurtosis with bias=True), which is what the Cornish–Fisher expansion is written in; quantiles use
 * linear interpolation between order statistics (Hyndman–Fan type 7, numpy's default "linear"),
 * found in O(n) instead of an O(n log n) sort: by selection (Floyd–Rivest quickselect), and for
 * several quantiles of a larger array by distribution counting (`quantilesInPlace`).
 *
 * Means, variances and covariances use the compensated, shifted, corrected two-pass sums of
 * src/domain/sums.ts (docs/methods.md, Conventions, "Sums and means"): a constant series has its
 * value as mean and a variance of exactly 0, and moments of ill-conditioned series (large mean,
 * small spread) are accurate to a few ulps instead of losing digits in proportion to n.
 *
 * Inputs are assumed finite (callers validate once at the boundary); too-short inputs throw
 * EngineError BAD_REQUEST rather than returning NaN.
 */
import { EngineError } from '../contract/common';
import { covarianceOf, meanOf, meanVariance } from '../domain/sums';

function requireLength(x: ArrayLike<number>, min: number, name: string): void {
  if (x.length < min)
    throw new EngineError('BAD_REQUEST', `${name} needs at least ${min} values`, [
      { path: name, message: `has ${x.length} values; at least ${min} are required` },
    ]);
}

function requireSameLength(x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length)
    throw new EngineError('BAD_REQUEST', 'series must have the same length', [
      { path: 'y', message: `has ${y.length} values but x has ${x.length}` },
    ]);
}

/**
 * Arithmetic mean x̄ = Σ x_i / n, computed as x_1 + Σ (x_i − x_1) / n with a compensated sum
 * (`meanOf`, docs/methods.md "Sums and means"): a constant series has its value as mean exactly.
 * Units: those of x. Example: mean([1, 2, 3, 6]) = 12 / 4 = 3; mean of 1,260 copies of 0.1 is
 * exactly 0.1 (a naive Σ / n gives 0.09999999999999772, 165 ulps low).
 */
export function mean(x: ArrayLike<number>): number {
  requireLength(x, 1, 'x');
  return meanOf(x);
}

/**
 * Variance Σ (x_i − x̄)² / (n − ddof); ddof = 1 (sample variance) by default. Corrected two-pass
 * (`meanVariance`: deviations from the compensated mean, minus (Σ e_i)² / n), so a constant series
 * gives exactly 0 and a series far from zero (1e8 + noise) keeps the noise's variance.
 * Units: those of x, squared. Example: variance([1, 2, 3, 6]) = (4+1+0+9)/3 = 14/3.
 */
export function variance(x: ArrayLike<number>, ddof = 1): number {
  requireLength(x, ddof + 1, 'x');
  return meanVariance(x, ddof).variance;
}

/** Standard deviation √variance(x, ddof), ddof = 1 by default. Example: std([1, 2, 3, 6]) = √(14/3) ≈ 2.1602. */
export function std(x: ArrayLike<number>, ddof = 1): number {
  return Math.sqrt(variance(x, ddof));
}

/**
 * Central moments m2, m3, m4 with divisor n (population moments), or null when m2 = 0 (a constant
 * series, whose deviations from the `meanOf` mean are exactly 0). Two passes: e_i = x_i − x̄ with x̄ from `meanOf`, then the exact shift identities with the
 * leftover δ = Σ e_i / n (what remains of the mean's rounding error):
 *   Σ (e − δ)² = S2 − nδ²,  Σ (e − δ)³ = S3 − 3δ S2 + 2nδ³,
 *   Σ (e − δ)⁴ = S4 − 4δ S3 + 6δ² S2 − 3nδ⁴,  S_k = Σ e_i^k.
 * S3 has terms of both signs and is summed with Neumaier compensation; S2 and S4 have positive
 * terms only, whose plain sum has a small relative error.
 */
function centralMoments(x: ArrayLike<number>): [number, number, number] | null {
  const n = x.length;
  const m = meanOf(x);
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let c3 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const e = x[i]! - m;
    const e2 = e * e;
    const v = e2 * e;
    s1 += e;
    s2 += e2;
    const t = s3 + v;
    if (Math.abs(s3) >= Math.abs(v)) c3 += s3 - t + v;
    else c3 += v - t + s3;
    s3 = t;
    s4 += e2 * e2;
  }
  s3 += c3;
  const d = s1 / n;
  const m2 = (s2 - n * d * d) / n;
  if (!(m2 > 0)) return null;
  const m3 = (s3 - 3 * d * s2 + 2 * n * d * d * d) / n;
  const m4 = (s4 - 4 * d * s3 + 6 * d * d * s2 - 3 * n * d * d * d * d) / n;
  return [m2, m3, m4];
}

/**
 * Skewness g1 = m3 / m2^{3/2}, with population central moments m_k = Σ (x_i − x̄)^k / n
 * (= scipy.stats.skew(x, bias=True)). A constant series (m2 = 0 exactly, see `mean`) has no
 * defined skewness; 0 is returned so that Cornish–Fisher reduces to the normal quantile
 * (documented; never NaN). Pure statistics: the relative zero-volatility tolerance of return
 * series (isZeroVolatility) is applied by the callers that report on returns (computeRiskMetrics),
 * not here — a series like 1.7e12 ± 1 (timestamps) is not constant.
 * Example: x = [0, 0, 3] → x̄ = 1, m2 = (1+1+4)/3 = 2, m3 = (−1−1+8)/3 = 2, g1 = 2/2^{1.5} ≈ 0.7071.
 */
export function skewness(x: ArrayLike<number>): number {
  requireLength(x, 1, 'x');
  const cm = centralMoments(x);
  if (cm === null) return 0;
  const [m2, m3] = cm;
  const g1 = m3 / Math.pow(m2, 1.5);
  return Number.isFinite(g1) ? g1 : 0;
}

/**
 * Excess kurtosis g2 = m4 / m2² − 3 with population central moments (= scipy.stats.kurtosis(x,
 * fisher=True, bias=True)). Constant series (m2 = 0, as for skewness) → 0.
 * Example: x = [0, 0, 3] → m2 = 2, m4 = (1+1+16)/3 = 6, g2 = 6/4 − 3 = −1.5.
 */
export function excessKurtosis(x: ArrayLike<number>): number {
  requireLength(x, 1, 'x');
  const cm = centralMoments(x);
  if (cm === null) return 0;
  const [m2, , m4] = cm;
  const g2 = m4 / (m2 * m2) - 3;
  return Number.isFinite(g2) ? g2 : 0;
}

/**
 * Skewness g1 and excess kurtosis g2 from one pass over the data (the same numbers as
 * `skewness(x)` and `excessKurtosis(x)`, which each make their own pass). Constant series → [0, 0].
 * Example: x = [0, 0, 3] → [1/√2 ≈ 0.7071, −1.5].
 */
export function skewnessAndExcessKurtosis(x: ArrayLike<number>): [number, number] {
  requireLength(x, 1, 'x');
  const cm = centralMoments(x);
  if (cm === null) return [0, 0];
  const [m2, m3, m4] = cm;
  const g1 = m3 / Math.pow(m2, 1.5);
  const g2 = m4 / (m2 * m2) - 3;
  return [Number.isFinite(g1) ? g1 : 0, Number.isFinite(g2) ? g2 : 0];
}

/**
 * Covariance Σ (x_i − x̄)(y_i − ȳ) / (n − ddof), ddof = 1 by default, by the corrected two-pass
 * algorithm with a compensated cross-product sum (`covarianceOf`). Units: x's times y's.
 * Example: x = [1, 2, 3], y = [2, 4, 7] → x̄ = 2, ȳ = 13/3; Σ = (−1)(−7/3) + 0 + (1)(8/3) = 5; /2 = 2.5.
 */
export function covariance(x: ArrayLike<number>, y: ArrayLike<number>, ddof = 1): number {
  requireSameLength(x, y);
  requireLength(x, ddof + 1, 'x');
  return covarianceOf(x, y, ddof);
}

/**
 * Pearson correlation ρ = cov(x, y) / (σ_x σ_y) (the ddof cancels), all three sums corrected
 * two-pass like `covarianceOf`: S_xy = Σ d e − (Σ d)(Σ e)/n, S_xx = Σ d² − (Σ d)²/n, likewise S_yy.
 * Returns 0 when either series is constant (S = 0; correlation undefined; never NaN).
 * Dimensionless, clamped to [−1, 1].
 * Example: x = [1, 2, 3], y = [2, 4, 7] → cov = 2.5, σ_x = 1, σ_y = √(19/3) → ρ ≈ 0.99340.
 */
export function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  requireSameLength(x, y);
  requireLength(x, 2, 'x');
  const n = x.length;
  const mx = meanOf(x);
  const my = meanOf(y);
  let sx = 0;
  let sy = 0;
  let sxy = 0;
  let cxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sx += dx;
    sy += dy;
    const v = dx * dy;
    const t = sxy + v;
    if (Math.abs(sxy) >= Math.abs(v)) cxy += sxy - t + v;
    else cxy += v - t + sxy;
    sxy = t;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const Sxx = sxx - (sx * sx) / n;
  const Syy = syy - (sy * sy) / n;
  const Sxy = sxy + cxy - (sx * sy) / n;
  if (!(Sxx > 0) || !(Syy > 0)) return 0;
  const r = Sxy / Math.sqrt(Sxx * Syy);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/**
 * Selection (Floyd & Rivest 1975, algorithm SELECT): reorders a[lo..hi] so that a[k] is the value
 * that would sit at index k after sorting, everything in a[lo..k−1] is ≤ a[k] and everything in
 * a[k+1..hi] is ≥ a[k]. On large ranges it first selects within a small sample around the expected
 * position, so the pivot lands next to k and the expected cost is about n + min(k, n − k)
 * comparisons (plain quickselect needs about 3.4n for a median). Mutates `a`.
 * Example: a = [5, 1, 4, 2, 3], selectInPlace(a, 1) → a[1] = 2.
 */
export function selectInPlace(a: Float64Array, k: number, lo = 0, hi = a.length - 1): number {
  if (!(k >= lo && k <= hi) || lo < 0 || hi >= a.length || !Number.isInteger(k))
    throw new EngineError('BAD_REQUEST', 'selection index out of range', [
      { path: 'k', message: `k = ${k} is outside [${lo}, ${hi}]` },
    ]);
  floydRivest(a, k, lo, hi);
  return a[k]!;
}

function floydRivest(a: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      // Recurse on a sample of size s around k so that a[k] becomes a pivot close to rank k.
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      floydRivest(a, k, newLeft, newRight);
    }
    const t = a[k]!;
    let i = left;
    let j = right;
    swap(a, left, k);
    if (a[right]! > t) swap(a, left, right);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (a[i]! < t) i++;
      while (a[j]! > t) j--;
    }
    if (a[left] === t) swap(a, left, j);
    else {
      j++;
      swap(a, j, right);
    }
    // a[j] = t is now in its final place; keep the side that holds k.
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/** numpy's _lerp: a + (b − a)·t, computed from the nearer end for t ≥ 0.5 (bitwise like numpy). */
function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

function checkProbability(p: number, path: string): void {
  if (!(p >= 0 && p <= 1))
    throw new EngineError('BAD_REQUEST', 'probability must be in [0, 1]', [
      { path, message: `${p} is not in [0, 1]` },
    ]);
}

/**
 * Type-7 quantile of the values in `a` (numpy.quantile default, method="linear"), in place:
 * h = (n − 1)·p, j = ⌊h⌋, Q_p = x_(j) + (h − j)·(x_(j+1) − x_(j)) with x_(k) the k-th smallest
 * (0-based). Uses selection, so `a` is reordered (pass a copy if its order matters).
 * Example: a = [3, 1, 4, 1, 5], p = 0.3 → sorted [1, 1, 3, 4, 5], h = 1.2, Q = 1 + 0.2·(3 − 1) = 1.4.
 */
export function quantileInPlace(a: Float64Array, p: number): number {
  requireLength(a, 1, 'x');
  checkProbability(p, 'p');
  const n = a.length;
  const h = (n - 1) * p;
  const j = Math.floor(h);
  const t = h - j;
  if (t === 0 || j >= n - 1) return selectInPlace(a, j, 0, n - 1);
  // Two neighbouring order statistics: select the one nearer the end of the array, then the
  // other is an extremum of the short side (a scan of min(j, n − j) elements).
  if (j < n / 2) {
    const v1 = selectInPlace(a, j + 1, 0, n - 1);
    let v0 = a[0]!;
    for (let i = 1; i <= j; i++) if (a[i]! > v0) v0 = a[i]!;
    return lerp(v0, v1, t);
  }
  const v0 = selectInPlace(a, j, 0, n - 1);
  let v1 = a[j + 1]!;
  for (let i = j + 2; i < n; i++) if (a[i]! < v1) v1 = a[i]!;
  return lerp(v0, v1, t);
}

/** Type-7 quantile of x (not modified; a copy is partitioned). See quantileInPlace. */
export function quantile(x: ArrayLike<number>, p: number): number {
  return quantileInPlace(Float64Array.from(x), p);
}

/**
 * Several type-7 quantiles of `a` at once. `ps` must be ascending. Writes the results into
 * `out[0..ps.length)`; each equals `quantileInPlace(copy of a, p)` exactly (the same order
 * statistics and the same interpolation). `a` may be reordered (it is on small arrays and on the
 * fallbacks below), so pass a copy if its order matters. ±0 are equal values: which of them is
 * reported when both occur is unspecified.
 *
 * Arrays of at least MULTI_SELECT_MIN_N values with at most MULTI_SELECT_MAX_Q probabilities take
 * the distribution path (`quantilesByCounting`): two read-only passes and selections among a few
 * dozen values, about 5× faster than the selections below for the five Monte Carlo bands of
 * 10,000 values. Otherwise (and when that path cannot be used: a NaN, a constant sample) they are
 * taken from the largest down: each selection is restricted to the part of `a` left of the
 * previous one, and the next order statistic x_(j+1) is the minimum of the stretch between j and
 * the previous index, so k quantiles cost about one selection over the array plus k shrinking
 * ones and short scans.
 * Example: a = [1..11], ps = [0.05, 0.5, 0.95] → [1.5, 6, 10.5].
 */
export function quantilesInPlace(
  a: Float64Array,
  ps: ArrayLike<number>,
  out: Float64Array,
): Float64Array {
  requireLength(a, 1, 'x');
  for (let q = 0; q < ps.length; q++) {
    checkProbability(ps[q]!, `ps.${q}`);
    if (q > 0 && ps[q]! < ps[q - 1]!)
      throw new EngineError('BAD_REQUEST', 'probabilities must be ascending', [
        { path: `ps.${q}`, message: `${ps[q]} is smaller than the previous ${ps[q - 1]}` },
      ]);
  }
  if (
    a.length >= MULTI_SELECT_MIN_N &&
    ps.length <= MULTI_SELECT_MAX_Q &&
    quantilesByCounting(a, ps, out)
  )
    return out;
  quantilesBySelection(a, ps, out);
  return out;
}

/** Selection from the largest quantile down (see quantilesInPlace); reorders `a`. */
function quantilesBySelection(a: Float64Array, ps: ArrayLike<number>, out: Float64Array): void {
  const n = a.length;
  // Invariant: a[0..bound] hold, as a set, the order statistics 0..bound, and everything to the
  // right of `bound` is ≥ all of them (earlier selections put it there).
  let bound = n - 1;
  for (let q = ps.length - 1; q >= 0; q--) {
    const h = (n - 1) * ps[q]!;
    const j = Math.floor(h);
    floydRivest(a, j, 0, bound);
    const v0 = a[j]!;
    const t = h - j;
    if (t === 0 || j >= n - 1) out[q] = v0;
    else {
      // x_(j+1) is the minimum of a[j+1..]; it lies in a[j+1..bound] unless j = bound.
      const end = j < bound ? bound : n - 1;
      let v1 = a[j + 1]!;
      for (let i = j + 2; i <= end; i++) if (a[i]! < v1) v1 = a[i]!;
      out[q] = lerp(v0, v1, t);
    }
    bound = j;
  }
}

/** Smallest array for the counting path of quantilesInPlace (below it, selection is as fast). */
export const MULTI_SELECT_MIN_N = 200;
/** Most probabilities per call on the counting path (2 order statistics each). */
const MULTI_SELECT_MAX_Q = 16;
/** Most values sampled to place the slot range (sorted; a few microseconds): 32, 64 or 128. */
const SAMPLE_SIZE = 128;
/** Sampling margin, in standard deviations of a sample rank, around the outer quantiles. */
const SAMPLE_MARGIN_SD = 3;
/** Average number of values per slot. */
const VALUES_PER_SLOT = 8;
const MAX_SLOTS = 16384;

// Scratch reused across calls (grown on demand; these functions are synchronous and call nothing
// that could re-enter them). `gathered` holds only the values of the slots that contain a wanted
// order statistic, so it stays small unless the data are concentrated in very few slots.
const sampleScratch = new Float64Array(SAMPLE_SIZE);
let slotScratch = new Int32Array(0);
let gathered = new Float64Array(0);
/** Per wanted rank (ascending, distinct): the rank, its slot's first rank and size, where it was gathered to. */
const rankOf = new Int32Array(2 * MULTI_SELECT_MAX_Q);
const regionRank = new Int32Array(2 * MULTI_SELECT_MAX_Q);
const regionSize = new Int32Array(2 * MULTI_SELECT_MAX_Q);
const regionAt = new Int32Array(2 * MULTI_SELECT_MAX_Q);

/**
 * Type-7 quantiles by distribution counting, without moving the values of `a`. Returns false
 * (nothing written) when the path does not apply: a NaN in `a`, or a sample whose range [lo, hi]
 * is empty or not finite (constant data, overflow). ±Infinity values are ordered like any other.
 *
 * 1. The slot of a value x is a non-decreasing function of x: with t = (x − lo)·scale (each
 *    rounding step is monotone), slot 0 holds t ≤ −1, slot 1 + trunc(t) the range −1 < t < NS,
 *    slot NS + 1 the rest. [lo, hi] spans the outer requested quantiles of a sorted stride
 *    sample with a margin, split into NS ≈ n / 8 slots.
 * 2. Pass 1 counts the values per slot; the running sum gives, for every slot, the exact ranks
 *    of its values (ties share a slot): the order statistic of rank r lies in the slot whose
 *    cumulative range contains r.
 * 3. Pass 2 gathers the values of only those slots; selection within each (a few values) yields
 *    x_(r), rank r − first rank of the slot within it.
 * The results are the order statistics the selection path finds, interpolated the same way.
 */
function quantilesByCounting(a: Float64Array, ps: ArrayLike<number>, out: Float64Array): boolean {
  const n = a.length;
  const Q = ps.length;
  const s = n < 1024 ? SAMPLE_SIZE >> 2 : n < 8192 ? SAMPLE_SIZE >> 1 : SAMPLE_SIZE;
  const sample = sampleScratch.subarray(0, s);
  const step = n / s;
  for (let i = 0; i < s; i++) sample[i] = a[Math.floor((i + 0.5) * step)]!;
  sample.sort();
  const p0 = ps[0]!;
  const p1 = ps[Q - 1]!;
  const i0 = Math.floor(p0 * (s - 1) - SAMPLE_MARGIN_SD * Math.sqrt(s * p0 * (1 - p0)) - 1);
  const i1 = Math.ceil(p1 * (s - 1) + SAMPLE_MARGIN_SD * Math.sqrt(s * p1 * (1 - p1)) + 1);
  const lo = sample[i0 < 0 ? 0 : i0]!;
  const hi = sample[i1 >= s ? s - 1 : i1]!;
  const NS = Math.min(MAX_SLOTS, Math.ceil(n / VALUES_PER_SLOT));
  const scale = NS / (hi - lo);
  if (!(hi > lo && scale > 0) || !Number.isFinite(lo) || !Number.isFinite(scale)) return false;
  if (slotScratch.length < NS + 2) slotScratch = new Int32Array(NS + 2);
  const counts = slotScratch;
  counts.fill(0, 0, NS + 2);
  if (!countSlots(a, lo, scale, NS, counts)) return false;

  // Wanted ranks, ascending and distinct.
  let R = 0;
  for (let q = 0; q < Q; q++) {
    const h = (n - 1) * ps[q]!;
    const j = Math.floor(h);
    if (R === 0 || rankOf[R - 1]! < j) rankOf[R++] = j;
    if (h - j !== 0 && j < n - 1 && rankOf[R - 1]! < j + 1) rankOf[R++] = j + 1;
  }
  // counts[k] becomes the gathering position of slot k's values, or −1 if it holds no wanted rank.
  let below = 0;
  let at = 0;
  for (let k = 0, r = 0; k < NS + 2; k++) {
    const c = counts[k]!;
    if (r < R && rankOf[r]! < below + c) {
      counts[k] = at;
      while (r < R && rankOf[r]! < below + c) {
        regionRank[r] = below;
        regionSize[r] = c;
        regionAt[r] = at;
        r++;
      }
      at += c;
    } else counts[k] = -1;
    below += c;
  }
  if (gathered.length < at) gathered = new Float64Array(Math.max(at, 2 * gathered.length));
  gatherSlots(a, lo, scale, NS, counts, gathered);

  // Select each wanted rank within its slot's values, from the largest down: after selecting rank
  // r at position i, the values left of i are that slot's ranks below r (as a set).
  for (let r = R - 1; r >= 0; r--) {
    const left = regionAt[r]!;
    const k = left + (rankOf[r]! - regionRank[r]!);
    const right =
      r < R - 1 && regionAt[r + 1] === left
        ? left + (rankOf[r + 1]! - regionRank[r]!) - 1
        : left + regionSize[r]! - 1;
    if (right > left) floydRivest(gathered, k, left, right);
  }
  for (let q = 0, r = 0; q < Q; q++) {
    const h = (n - 1) * ps[q]!;
    const j = Math.floor(h);
    const t = h - j;
    while (rankOf[r]! < j) r++;
    const v0 = gathered[regionAt[r]! + (j - regionRank[r]!)]!;
    if (t === 0 || j >= n - 1) out[q] = v0;
    else {
      const v1 = gathered[regionAt[r + 1]! + (j + 1 - regionRank[r + 1]!)]!;
      out[q] = lerp(v0, v1, t);
    }
  }
  return true;
}

/** Pass 1 of quantilesByCounting: values per slot. False if a value is NaN. */
function countSlots(
  a: Float64Array,
  lo: number,
  scale: number,
  NS: number,
  counts: Int32Array,
): boolean {
  const n = a.length;
  let under = 0;
  let over = 0;
  let nan = 0;
  for (let i = 0; i < n; i++) {
    const t = (a[i]! - lo) * scale;
    if (t > -1 && t < NS) {
      const k = (t | 0) + 1;
      counts[k] = counts[k]! + 1;
    } else if (t <= -1) under++;
    else if (t >= NS) over++;
    else nan++;
  }
  counts[0] = under;
  counts[NS + 1] = over;
  return nan === 0;
}

/** Pass 2 of quantilesByCounting: copies the values of slots with a position ≥ 0 to `to`. */
function gatherSlots(
  a: Float64Array,
  lo: number,
  scale: number,
  NS: number,
  at: Int32Array,
  to: Float64Array,
): void {
  const n = a.length;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const t = (x - lo) * scale;
    const k = t > -1 && t < NS ? (t | 0) + 1 : t <= -1 ? 0 : NS + 1;
    const w = at[k]!;
    if (w >= 0) {
      to[w] = x;
      at[k] = w + 1;
    }
  }
}
