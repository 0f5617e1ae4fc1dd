/**
 * Covariance estimators and a Cholesky factorization that repairs non-positive-definite input.
 *
 * Layout: `returns` is one Float64Array of daily returns per asset (all of equal length T, oldest
 * first); every matrix is an n×n row-major Float64Array (entry (i, j) at i·n + j). Figures are
 * daily (multiply by 252 to annualize). Shared with the optimizer: keep the signatures stable.
 *
 * Accuracy (docs/methods.md, "Sums and means"): every estimator centres each series on its
 * compensated, shifted mean (`meanOf` / `weightedMeanOf`), sums centred cross-products, and removes
 * the Chan–Golub–LeVeque term (Σ_t e_i,t)(Σ_t e_j,t)/T that cancels what is left of the means'
 * rounding error — the two-series form of `meanVariance`. A constant series therefore has a
 * variance and covariances of exactly 0. The O(n²T) cross-product sums are plain (not compensated:
 * that would cost several times the dominant loop) but blocked — partial sums over 64-day chunks —
 * which bounds their relative error by about (64 + T/64)·u instead of T·u (u = 2⁻⁵³); for variances
 * (all terms positive) that is a few 1e-15 relative.
 */
import { EngineError, type ErrorDetail } from '../contract/common';
import { meanOf, neumaierSum, weightedMeanOf } from '../domain/sums';
import { symmetricEigenQL } from './eigen';

function validateReturns(returns: Float64Array[], minT: number): { n: number; T: number } {
  const n = returns.length;
  const details: ErrorDetail[] = [];
  if (n === 0) details.push({ path: 'returns', message: 'at least one asset is required' });
  const T = n > 0 ? returns[0]!.length : 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i]!;
    if (r.length !== T) {
      details.push({
        path: `returns.${i}`,
        message: `has ${r.length} returns but asset 0 has ${T}`,
      });
      continue;
    }
    for (let t = 0; t < T; t++)
      if (!Number.isFinite(r[t]!)) {
        details.push({ path: `returns.${i}.${t}`, message: 'must be a finite number' });
        break;
      }
  }
  if (n > 0 && T < minT)
    details.push({
      path: 'returns',
      message: `has ${T} observations; at least ${minT} are needed`,
    });
  if (details.length) throw new EngineError('BAD_REQUEST', 'invalid return series', details);
  return { n, T };
}

/** Days per chunk of the blocked cross-product sums in `gram`. */
const GRAM_CHUNK = 64;

/**
 * Fills out[i·n + j] = out[j·n + i] = Σ_t x_i[t]·x_j[t] for all i, j (symmetric, exactly: both
 * triangles get the same number).
 * Blocked for speed and accuracy: 2×2 tiles of (i, j) share each load of x_i[t], x_j[t] between
 * four independent multiply-add chains (a single chain waits on the adder's latency), and each
 * sum is accumulated over 64-day chunks first, so rounding grows like 64 + T/64 additions rather
 * than T. Measured on 1,000 assets × 1,260 days: about 2× faster than one dot product at a time.
 */
export function gram(x: Float64Array[], n: number, T: number, out: Float64Array): void {
  for (let i = 0; i < n; i += 2) {
    const xa = x[i]!;
    // Odd n: the last tile's second row repeats row i; its results are not stored.
    const ib = i + 1 < n;
    const xb = x[ib ? i + 1 : i]!;
    for (let j = 0; j <= i; j += 2) {
      const xc = x[j]!;
      const jd = j + 1 < n;
      const xd = x[jd ? j + 1 : j]!;
      let ac = 0;
      let ad = 0;
      let bc = 0;
      let bd = 0;
      for (let t0 = 0; t0 < T; t0 += GRAM_CHUNK) {
        const t1 = t0 + GRAM_CHUNK < T ? t0 + GRAM_CHUNK : T;
        let pac = 0;
        let pad = 0;
        let pbc = 0;
        let pbd = 0;
        for (let t = t0; t < t1; t++) {
          const a = xa[t]!;
          const b = xb[t]!;
          const c = xc[t]!;
          const d = xd[t]!;
          pac += a * c;
          pad += a * d;
          pbc += b * c;
          pbd += b * d;
        }
        ac += pac;
        ad += pad;
        bc += pbc;
        bd += pbd;
      }
      out[i * n + j] = ac;
      out[j * n + i] = ac;
      if (jd) {
        out[i * n + j + 1] = ad;
        out[(j + 1) * n + i] = ad;
      }
      if (ib) {
        out[(i + 1) * n + j] = bc;
        out[j * n + i + 1] = bc;
        if (jd) {
          out[(i + 1) * n + j + 1] = bd;
          out[(j + 1) * n + i + 1] = bd;
        }
      }
    }
  }
}

/**
 * Finishes a Gram matrix of centred series into a covariance, in place:
 * out_ij ← (out_ij − s_i·s_j / W) / divisor, with s_i = Σ_t (weighted) centred values of series i
 * and W the total weight (T unweighted). This is the corrected two-pass formula: the identity
 * Σ (e_i − s_i/W)(e_j − s_j/W) = Σ e_i e_j − s_i s_j / W removes exactly what the rounded means
 * left in the centred data (s_i is of the order of a few ulps of the values, times T).
 */
function finishCovariance(
  out: Float64Array,
  n: number,
  s: Float64Array,
  W: number,
  divisor: number,
): void {
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const k = i * n + j;
      out[k] = (out[k]! - (s[i]! * s[j]!) / W) / divisor;
    }
}

/**
 * Each series minus its mean (`meanOf`: shifted by the first value, compensated, so a constant
 * series centres to exact zeros), and the sums s_i = Σ_t (r_i,t − r̄_i) for the correction term.
 */
function centered(
  returns: Float64Array[],
  n: number,
  T: number,
): { x: Float64Array[]; sums: Float64Array } {
  const x: Float64Array[] = [];
  const sums = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = returns[i]!;
    const m = meanOf(r, 0, T);
    const c = new Float64Array(T);
    let s = 0;
    for (let t = 0; t < T; t++) {
      const e = r[t]! - m;
      c[t] = e;
      s += e;
    }
    x.push(c);
    sums[i] = s;
  }
  return { x, sums };
}

/**
 * Sample covariance (ddof = 1): Σ_ij = Σ_t (r_i,t − r̄_i)(r_j,t − r̄_j) / (T − 1). Needs T ≥ 2.
 * Corrected two-pass (see the file comment): (Σ_t e_i e_j − s_i s_j / T) / (T − 1) with
 * e = r − r̄ and s_i = Σ_t e_i,t; a constant asset has an exactly zero row and column.
 * Example: r_1 = [0.01, 0.03], r_2 = [0.02, −0.02] → means 0.02, 0; Σ_11 = 2·0.0001 = 0.0002,
 * Σ_22 = 0.0008, Σ_12 = (−0.01)(0.02) + (0.01)(−0.02) = −0.0004.
 */
export function sampleCovariance(returns: Float64Array[]): Float64Array {
  const { n, T } = validateReturns(returns, 2);
  const { x, sums } = centered(returns, n, T);
  const out = new Float64Array(n * n);
  gram(x, n, T, out);
  finishCovariance(out, n, sums, T, T - 1);
  return out;
}

/**
 * Exponentially weighted covariance with half-life h (days): weight of the observation of age
 * a = T − 1 − t (0 = most recent) is w_t = 2^(−a/h) / Σ_s 2^(−(T−1−s)/h), so weights sum to 1 and
 * halve every h days. The mean is weighted the same way, μ_i = Σ_t w_t r_i,t, and
 * Σ_ij = Σ_t w_t (r_i,t − μ_i)(r_j,t − μ_j), with no small-sample bias correction (this equals
 * pandas `ewm(halflife=h, adjust=True).cov(bias=True)` at the last date).
 * Accuracy: μ_i by `weightedMeanOf` (shifted, compensated; a constant series gives its value), and
 * the corrected two-pass form Σ_t w_t e_i e_j − s_i s_j / W with e = r − μ, s_i = Σ_t w_t e_i,t,
 * W = Σ_t w_t (compensated; 1 up to rounding).
 * Example: T = 2, h = 1 → raw weights 1/2 (older), 1 (newer) → w = [1/3, 2/3].
 */
export function ewmaCovariance(returns: Float64Array[], halflife: number): Float64Array {
  if (!(Number.isFinite(halflife) && halflife > 0))
    throw new EngineError('BAD_REQUEST', 'invalid half-life', [
      { path: 'halflife', message: `${halflife} is not a finite number > 0` },
    ]);
  const { n, T } = validateReturns(returns, 1);
  const w = new Float64Array(T);
  for (let t = 0; t < T; t++) w[t] = Math.pow(2, -(T - 1 - t) / halflife);
  const sw = neumaierSum(w);
  for (let t = 0; t < T; t++) w[t] = w[t]! / sw;
  const W = neumaierSum(w);
  const sqrtW = Float64Array.from(w, Math.sqrt);
  // Centre with the weighted mean, then scale by √w_t so a plain Gram matrix gives Σ w·e·e.
  const x: Float64Array[] = [];
  const sums = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = returns[i]!;
    const m = weightedMeanOf(r, w, 0, T);
    const c = new Float64Array(T);
    let s = 0;
    for (let t = 0; t < T; t++) {
      const e = r[t]! - m;
      s += w[t]! * e;
      c[t] = e * sqrtW[t]!;
    }
    x.push(c);
    sums[i] = s;
  }
  const out = new Float64Array(n * n);
  gram(x, n, T, out);
  finishCovariance(out, n, sums, W, 1);
  return out;
}

/**
 * Ledoit–Wolf (2004) shrinkage toward the scaled identity μ·I, exactly as
 * sklearn.covariance.LedoitWolf (assume_centered=False):
 *   X = returns centred per asset (T × p), S = XᵀX / T (maximum-likelihood covariance, divisor T,
 *   as sklearn; corrected two-pass like sampleCovariance), μ = tr(S)/p,
 *   δ = ‖S − μI‖_F² / p,  β = (Σ_t ‖x_t‖⁴ / T − ‖S‖_F²) / (p·T),  β ← min(β, δ),
 *   shrinkage s = β/δ (0 when β = 0), cov = (1 − s)·S + s·μ·I.
 * Note the divisor T (not T − 1): multiply by T/(T − 1) to compare with sampleCovariance.
 * With one asset, cov = [S_11] and s = 0. Needs T ≥ 2.
 * δ is summed entry by entry as Σ_{i≠j} S_ij² + Σ_i (S_ii − μ)² (sklearn expands it into
 * ‖S‖² − 2μ tr S + pμ², which cancels when S is close to μI), with compensated sums; tr S too.
 * Example: p = 2, S = [[2, 0], [0, 4]] → μ = 3, δ = (0 + 0 + 1 + 1)/2 = 1.
 * Example: two uncorrelated assets of equal variance → S ≈ μI, δ ≈ 0, s close to 1.
 */
export function ledoitWolf(returns: Float64Array[]): { cov: Float64Array; shrinkage: number } {
  const { n: p, T } = validateReturns(returns, 2);
  const { x: X, sums } = centered(returns, p, T);
  const S = new Float64Array(p * p);
  gram(X, p, T, S);
  finishCovariance(S, p, sums, T, T);
  if (p === 1) return { cov: S, shrinkage: 0 };
  const diag = new Float64Array(p);
  for (let i = 0; i < p; i++) diag[i] = S[i * p + i]!;
  const mu = neumaierSum(diag) / p;
  // With off = Σ_{i≠j} S_ij²: ‖S‖_F² = off + Σ_i S_ii² and ‖S − μI‖_F² = off + Σ_i (S_ii − μ)².
  // Every sum has terms ≥ 0 and is compensated (Neumaier), so nothing cancels.
  let off = 0;
  let offC = 0;
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      if (j === i) continue;
      const v = S[i * p + j]! * S[i * p + j]!;
      const t = off + v;
      if (off >= v) offC += off - t + v;
      else offC += v - t + off;
      off = t;
    }
  off += offC;
  const dev = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    dev[i] = (diag[i]! - mu) ** 2;
    diag[i] = diag[i]! * diag[i]!;
  }
  const frob2 = off + neumaierSum(diag);
  const delta = (off + neumaierSum(dev)) / p;
  // Σ_t (Σ_i x_ti²)² = sum of all entries of X2ᵀX2 in sklearn's notation.
  let beta_ = 0;
  for (let t = 0; t < T; t++) {
    let r2 = 0;
    for (let i = 0; i < p; i++) {
      const v = X[i]![t]!;
      r2 += v * v;
    }
    beta_ += r2 * r2;
  }
  // sklearn's one-pass form. It cannot cancel badly: for Gaussian data Σ_t ‖x_t‖⁴ / T estimates
  // (tr Σ)² + 2‖Σ‖²_F ≥ 3‖Σ‖²_F while ‖S‖²_F estimates ‖Σ‖²_F (fat tails only widen the gap), so
  // at most about one bit is lost; a two-pass form would cost another O(p²T) pass.
  let beta = (beta_ / T - frob2) / (p * T);
  if (beta > delta) beta = delta;
  let shrinkage = 0;
  if (beta > 0 && delta > 0) shrinkage = beta / delta;
  if (!Number.isFinite(shrinkage) || shrinkage < 0) shrinkage = 0;
  const cov = new Float64Array(p * p);
  for (let k = 0; k < p * p; k++) cov[k] = (1 - shrinkage) * S[k]!;
  for (let i = 0; i < p; i++) cov[i * p + i] = cov[i * p + i]! + shrinkage * mu;
  return { cov, shrinkage };
}

/**
 * Cholesky A = L·Lᵀ of (A + jitter·I) reading only the lower triangle of A. Writes L (lower,
 * row-major, upper part zeroed) and returns false as soon as a pivot is ≤ 0 or not finite —
 * the same test as LAPACK dpotrf, so numpy.linalg.cholesky fails on the same matrices.
 */
export function choleskyInto(a: Float64Array, n: number, jitter: number, L: Float64Array): boolean {
  L.fill(0);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]! + jitter;
    for (let k = 0; k < j; k++) d -= L[rj + k]! * L[rj + k]!;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    L[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= L[ri + k]! * L[rj + k]!;
      L[ri + j] = s / ljj;
    }
  }
  return true;
}

/**
 * Eigenvalues (and optionally eigenvectors, column k of the row-major `vectors` belongs to
 * values[k]) of the symmetric matrix whose lower triangle is in `a`, by cyclic Jacobi rotations.
 * O(n³) per sweep; meant for the repair path and small n (used up to n = 200 for diagnostics).
 * Example: [[2, 1], [1, 2]] → eigenvalues 1 and 3.
 */
export function symmetricEigen(
  a: Float64Array,
  n: number,
  wantVectors = false,
): { values: Float64Array; vectors: Float64Array | null } {
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const v = a[i * n + j]!;
      A[i * n + j] = v;
      A[j * n + i] = v;
    }
  const V = wantVectors ? new Float64Array(n * n) : null;
  if (V) for (let i = 0; i < n; i++) V[i * n + i] = 1;
  let total = 0;
  for (let k = 0; k < n * n; k++) total += A[k]! * A[k]!;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q]! ** 2;
    if (!(off > 1e-32 * total)) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (apq === 0) continue;
        const theta = (A[q * n + q]! - A[p * n + p]!) / (2 * apq);
        const t =
          Math.abs(theta) > 1e150
            ? 1 / (2 * theta)
            : (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A ← Jᵀ A J with the rotation J acting on columns/rows p and q; zeroes A[p][q].
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!;
          const akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!;
          const aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        if (V)
          for (let k = 0; k < n; k++) {
            const vkp = V[k * n + p]!;
            const vkq = V[k * n + q]!;
            V[k * n + p] = c * vkp - s * vkq;
            V[k * n + q] = s * vkp + c * vkq;
          }
      }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = A[i * n + i]!;
  return { values, vectors: V };
}

/** Largest n for which choleskyWithRepair reports minEigenvalueBefore (Jacobi is O(n³)). */
export const MIN_EIGENVALUE_DIAGNOSTIC_MAX_N = 200;
/** Jitter ladder ε: ε·mean(diag) is added to the diagonal, smallest first. */
export const JITTER_LADDER = [1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2] as const;

/**
 * Cholesky factor L (lower, row-major n×n, L·Lᵀ ≈ cov) with repair of a matrix that is not
 * positive definite (e.g. a zero-variance asset, duplicated assets, or a covariance assembled from
 * pairwise data). Only the lower triangle of `cov` is read.
 * 1. Plain Cholesky; on success repaired = false, jitter = 0.
 * 2. Otherwise add jitter = ε·m to the diagonal, m = mean(diag) (1 if that is ≤ 0), for
 *    ε = 1e-10, 1e-9, …, 1e-2, and take the first that factors: L·Lᵀ = cov + jitter·I.
 * 3. If even 1e-2 fails (a matrix with a substantially negative eigenvalue, not a covariance),
 *    clip the eigenvalues at 1e-10·m (Jacobi eigendecomposition, cov' = V·max(λ, 1e-10·m)·Vᵀ) and
 *    factor that (with the ladder again if rounding requires; `jitter` then reports that ladder
 *    step, 0 if none).
 * When repaired, minEigenvalueBefore is the smallest eigenvalue of the input (computed for
 * n ≤ 200 and always in step 3). Callers must surface `repaired` as a warning.
 * Example: [[1, 1], [1, 1]] (singular) fails plainly (second pivot 0) and factors with
 * jitter = 1e-10: L ≈ [[1, 0], [1, 1.414e-5]] (L₁₁ = √(2·10⁻¹⁰) to first order); minEigenvalueBefore = 0.
 */
export function choleskyWithRepair(
  cov: Float64Array,
  n: number,
): { L: Float64Array; repaired: boolean; minEigenvalueBefore?: number; jitter: number } {
  const details: ErrorDetail[] = [];
  if (!(Number.isInteger(n) && n >= 1))
    details.push({ path: 'n', message: `${n} is not a positive integer` });
  else if (cov.length !== n * n)
    details.push({ path: 'cov', message: `has ${cov.length} entries; expected n² = ${n * n}` });
  else
    for (let k = 0; k < n * n; k++)
      if (!Number.isFinite(cov[k]!)) {
        details.push({ path: `cov.${k}`, message: 'must be a finite number' });
        break;
      }
  if (details.length) throw new EngineError('BAD_REQUEST', 'invalid covariance matrix', details);

  const L = new Float64Array(n * n);
  if (choleskyInto(cov, n, 0, L)) return { L, repaired: false, jitter: 0 };

  let m = 0;
  for (let i = 0; i < n; i++) m += cov[i * n + i]!;
  m /= n;
  if (!(m > 0)) m = 1;
  const minEigenvalueBefore =
    n <= MIN_EIGENVALUE_DIAGNOSTIC_MAX_N ? minOf(symmetricEigen(cov, n).values) : undefined;
  const withMin = <T extends object>(r: T) =>
    minEigenvalueBefore === undefined ? r : { ...r, minEigenvalueBefore };

  for (const eps of JITTER_LADDER) {
    const jitter = eps * m;
    if (choleskyInto(cov, n, jitter, L)) return withMin({ L, repaired: true, jitter });
  }

  // Eigenvalue clipping: the nearest (Frobenius) PSD matrix, lifted to a small positive floor.
  const { values, vectors } = symmetricEigen(cov, n, true);
  const V = vectors!;
  const floor = 1e-10 * m;
  const clipped = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) {
        const lam = values[k]! > floor ? values[k]! : floor;
        s += V[i * n + k]! * lam * V[j * n + k]!;
      }
      clipped[i * n + j] = s;
      clipped[j * n + i] = s;
    }
  const minBefore = minEigenvalueBefore ?? minOf(values);
  if (choleskyInto(clipped, n, 0, L))
    return { L, repaired: true, minEigenvalueBefore: minBefore, jitter: 0 };
  for (const eps of JITTER_LADDER) {
    const jitter = eps * m;
    if (choleskyInto(clipped, n, jitter, L))
      return { L, repaired: true, minEigenvalueBefore: minBefore, jitter };
  }
  // Unreachable for finite input (the clipped matrix is PD up to rounding, and 1e-2·m dominates).
  throw new EngineError('INTERNAL', 'covariance matrix could not be repaired');
}

function minOf(x: Float64Array): number {
  let m = Infinity;
  for (let i = 0; i < x.length; i++) if (x[i]! < m) m = x[i]!;
  return m;
}

/**
 * Relative tolerance under which a negative eigenvalue is rounding, not a defect: λ_min is taken
 * as ≥ 0 when λ_min ≥ −PSD_TOLERANCE·λ_max (a covariance with fewer observations than assets has
 * exact zero eigenvalues that come out as ±1e-18 or so).
 */
export const PSD_TOLERANCE = 1e-12;

/** Result of `nearestPsd`. */
export interface PsdRepair {
  /** The input when it was positive semi-definite (same array), else the clipped matrix. */
  matrix: Float64Array;
  repaired: boolean;
  /** Smallest eigenvalue of the input; null when a plain Cholesky succeeded (it is > 0). */
  minEigenvalueBefore: number | null;
}

/**
 * The nearest positive semi-definite matrix in the Frobenius norm (Higham 1988, "Computing a
 * nearest symmetric positive semidefinite matrix"): for symmetric A = V·diag(λ)·Vᵀ it is
 * V·diag(max(λ, 0))·Vᵀ — eigenvalue clipping, PyPortfolioOpt's `fix_nonpositive_semidefinite`
 * with fix_method "spectral". Only the lower triangle of `a` is read.
 * 1. A plain Cholesky succeeds → A is positive definite: returned as is (no eigendecomposition).
 * 2. Else the eigenvalues (src/risk/eigen.ts): λ_min ≥ −PSD_TOLERANCE·max(λ_max, 0) → A is
 *    positive semi-definite up to rounding: returned as is, `repaired` false.
 * 3. Else the clipped matrix, made exactly symmetric, `repaired` true; callers warn with
 *    `minEigenvalueBefore`. Its zero eigenvalues make it singular: a solver that needs a
 *    positive-definite matrix repairs that as usual (`choleskyWithRepair`, diagonal jitter).
 * Cost: n³/6 for the Cholesky; O(n³) (about 1.3 s at n = 500, 9 s at n = 1,000) for step 3.
 * Example: PyPortfolioOpt's test matrix [[0.03818144, 0.04182824], [0.04182824, 0.04149209]] has
 * eigenvalues −0.0020242164 and 0.0816977464 → repaired to 0.0816977464·v vᵀ with
 * v = (0.6929851, 0.7209519): [[0.0392336, 0.0408169], [0.0408169, 0.0424642]].
 */
export function nearestPsd(a: Float64Array, n: number): PsdRepair {
  const L = new Float64Array(n * n);
  if (choleskyInto(a, n, 0, L)) return { matrix: a, repaired: false, minEigenvalueBefore: null };
  const { values, vectors } = symmetricEigenQL(a, n, true);
  const V = vectors as Float64Array;
  const lmin = values[0] as number;
  const lmax = values[n - 1] as number;
  if (lmin >= -PSD_TOLERANCE * Math.max(lmax, 0))
    return { matrix: a, repaired: false, minEigenvalueBefore: lmin };
  const out = new Float64Array(n * n);
  // Only the positive part contributes: Σ_{λ_k > 0} λ_k v_k v_kᵀ.
  const keep: number[] = [];
  for (let k = 0; k < n; k++) if ((values[k] as number) > 0) keep.push(k);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (const k of keep)
        s += (V[i * n + k] as number) * (values[k] as number) * (V[j * n + k] as number);
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  return { matrix: out, repaired: true, minEigenvalueBefore: lmin };
}
