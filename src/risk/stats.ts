/**
 * Descriptive statistics on Float64Array / ArrayLike<number> series.
 *
 * Conventions (docs/methods.md (risk)): sample variance and standard deviation use ddof = 1;
 * skewness and excess kurtosis are the *population* moment ratios g1, g2 (scipy.stats.skew /
 * kurtosis with bias=True), which is what the Cornish–Fisher expansion is written in; quantiles use
 * linear interpolation between order statistics (Hyndman–Fan type 7, numpy's default "linear"),
 * found by selection (Floyd–Rivest quickselect) in O(n) instead of an O(n log n) sort.
 *
 * Inputs are assumed finite (callers validate once at the boundary); too-short inputs throw
 * EngineError BAD_REQUEST rather than returning NaN.
 */
import { EngineError } from '../contract/common';

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
 * Arithmetic mean x̄ = Σ x_i / n.
 * Example: mean([1, 2, 3, 6]) = 12 / 4 = 3.
 */
export function mean(x: ArrayLike<number>): number {
  requireLength(x, 1, 'x');
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  return s / n;
}

/**
 * Variance Σ (x_i − x̄)² / (n − ddof); ddof = 1 (sample variance) by default.
 * Two-pass (mean first) for accuracy. Example: variance([1, 2, 3, 6]) = (4+1+0+9)/3 = 14/3.
 */
export function variance(x: ArrayLike<number>, ddof = 1): number {
  requireLength(x, ddof + 1, 'x');
  const n = x.length;
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - m;
    s += d * d;
  }
  return s / (n - ddof);
}

/** Standard deviation √variance(x, ddof), ddof = 1 by default. Example: std([1, 2, 3, 6]) = √(14/3) ≈ 2.1602. */
export function std(x: ArrayLike<number>, ddof = 1): number {
  return Math.sqrt(variance(x, ddof));
}

/** Central moments m2, m3, m4 with divisor n (population moments). */
function centralMoments(x: ArrayLike<number>): [number, number, number] {
  const n = x.length;
  const m = mean(x);
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - m;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  return [s2 / n, s3 / n, s4 / n];
}

/**
 * Skewness g1 = m3 / m2^{3/2}, with population central moments m_k = Σ (x_i − x̄)^k / n
 * (= scipy.stats.skew(x, bias=True)). A constant series has no defined skewness; 0 is returned
 * so that Cornish–Fisher reduces to the normal quantile (documented; never NaN).
 * Example: x = [0, 0, 3] → x̄ = 1, m2 = (1+1+4)/3 = 2, m3 = (−1−1+8)/3 = 2, g1 = 2/2^{1.5} ≈ 0.7071.
 */
export function skewness(x: ArrayLike<number>): number {
  requireLength(x, 1, 'x');
  const [m2, m3] = centralMoments(x);
  if (!(m2 > 0)) return 0;
  const g1 = m3 / Math.pow(m2, 1.5);
  return Number.isFinite(g1) ? g1 : 0;
}

/**
 * Excess kurtosis g2 = m4 / m2² − 3 with population central moments (= scipy.stats.kurtosis(x,
 * fisher=True, bias=True)). Constant series → 0 (see skewness).
 * Example: x = [0, 0, 3] → m2 = 2, m4 = (1+1+16)/3 = 6, g2 = 6/4 − 3 = −1.5.
 */
export function excessKurtosis(x: ArrayLike<number>): number {
  requireLength(x, 1, 'x');
  const [m2, , m4] = centralMoments(x);
  if (!(m2 > 0)) return 0;
  const g2 = m4 / (m2 * m2) - 3;
  return Number.isFinite(g2) ? g2 : 0;
}

/**
 * Covariance Σ (x_i − x̄)(y_i − ȳ) / (n − ddof), ddof = 1 by default.
 * Example: x = [1, 2, 3], y = [2, 4, 7] → x̄ = 2, ȳ = 13/3; Σ = (−1)(−7/3) + 0 + (1)(8/3) = 5; /2 = 2.5.
 */
export function covariance(x: ArrayLike<number>, y: ArrayLike<number>, ddof = 1): number {
  requireSameLength(x, y);
  requireLength(x, ddof + 1, 'x');
  const n = x.length;
  const mx = mean(x);
  const my = mean(y);
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i]! - mx) * (y[i]! - my);
  return s / (n - ddof);
}

/**
 * Pearson correlation ρ = cov(x, y) / (σ_x σ_y) (the ddof cancels). Returns 0 when either series
 * is constant (correlation undefined; never NaN).
 * Example: x = [1, 2, 3], y = [2, 4, 7] → cov = 2.5, σ_x = 1, σ_y = √(19/3) → ρ ≈ 0.99340.
 */
export function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  requireSameLength(x, y);
  requireLength(x, 2, 'x');
  const n = x.length;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (!(sxx > 0) || !(syy > 0)) return 0;
  const r = sxy / Math.sqrt(sxx * syy);
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
 * Several type-7 quantiles of `a` at once, in place. `ps` must be ascending. They are taken from
 * the largest down: each selection is restricted to the part of `a` left of the previous one, and
 * the next order statistic x_(j+1) is the minimum of the stretch between j and the previous index,
 * so k quantiles cost about one selection over the array plus k shrinking ones and short scans.
 * Writes the results into `out[0..ps.length)`.
 * Example: a = [1..11], ps = [0.05, 0.5, 0.95] → [1.5, 6, 10.5].
 */
export function quantilesInPlace(
  a: Float64Array,
  ps: ArrayLike<number>,
  out: Float64Array,
): Float64Array {
  requireLength(a, 1, 'x');
  const n = a.length;
  for (let q = 0; q < ps.length; q++) {
    checkProbability(ps[q]!, `ps.${q}`);
    if (q > 0 && ps[q]! < ps[q - 1]!)
      throw new EngineError('BAD_REQUEST', 'probabilities must be ascending', [
        { path: `ps.${q}`, message: `${ps[q]} is smaller than the previous ${ps[q - 1]}` },
      ]);
  }
  // Invariant: a[0..bound] hold, as a set, the order statistics 0..bound, and everything to the
  // right of `bound` is ≥ all of them (earlier selections put it there).
  let bound = n - 1;
  for (let q = ps.length - 1; q >= 0; q--) {
    const h = (n - 1) * ps[q]!;
    const j = Math.floor(h);
    const v0 = selectInPlace(a, j, 0, bound);
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
  return out;
}
