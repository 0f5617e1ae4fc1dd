/**
 * Eigendecomposition of a real symmetric matrix by Householder reduction to tridiagonal form and
 * the implicit QL algorithm with Wilkinson-type shifts (EISPACK tred2/tql2, in the public-domain
 * form of JAMA). O(n³) like the cyclic Jacobi of `symmetricEigen` (src/risk/covariance.ts) but
 * with a several times smaller constant, which is what the positive-semi-definite repair of large
 * user or pairwise covariances needs. Used by src/risk/pairwise.ts (`nearestPsd`).
 *
 * Layout: `a` is n×n row-major; only its lower triangle is read (the matrix is taken as symmetric).
 * Results: eigenvalues ascending; with vectors, column k of the row-major `vectors` (entries
 * vectors[i·n + k]) is the unit eigenvector of values[k], so A = V·diag(λ)·Vᵀ.
 */
import { EngineError } from '../contract/common';

/** Iterations allowed per eigenvalue in the QL sweep (each converges in 1–3 in practice). */
const MAX_QL_ITERATIONS = 60;

/**
 * Eigenvalues (ascending) and, when `wantVectors`, orthonormal eigenvectors of the symmetric
 * matrix whose lower triangle is in `a`.
 * Accuracy: backward stable — the computed pairs are exact for A + E with ‖E‖ ≈ n·u·‖A‖
 * (u = 2⁻⁵³), so an eigenvalue is within that of the true one (numpy.linalg.eigh, LAPACK dsyevd,
 * has the same bound).
 * Example: [[2, 1], [1, 2]] → values [1, 3], vectors columns ±(1, −1)/√2 and ±(1, 1)/√2.
 */
export function symmetricEigenQL(
  a: Float64Array,
  n: number,
  wantVectors = true,
): { values: Float64Array; vectors: Float64Array | null } {
  if (!(Number.isInteger(n) && n >= 1) || a.length !== n * n)
    throw new EngineError('BAD_REQUEST', 'invalid symmetric matrix', [
      { path: 'a', message: `has ${a.length} entries; expected n² for n = ${n}` },
    ]);
  // V holds the symmetric matrix (from the lower triangle), then the accumulated transforms,
  // stored TRANSPOSED (V[c·n + r] is entry (r, c) of EISPACK's matrix) so that the inner loops,
  // which run down a column, read contiguous memory: about 4× faster at n = 1,000.
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const v = a[i * n + j] as number;
      V[i * n + j] = v;
      V[j * n + i] = v;
    }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(V, n, d, e);
  tql2(V, n, d, e, wantVectors);
  // Sort ascending (selection sort on the values, swapping vector columns alongside).
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i] as number;
    for (let j = i + 1; j < n; j++)
      if ((d[j] as number) < p) {
        k = j;
        p = d[j] as number;
      }
    if (k !== i) {
      d[k] = d[i] as number;
      d[i] = p;
      if (wantVectors)
        for (let r = 0; r < n; r++) {
          const t = V[i * n + r] as number;
          V[i * n + r] = V[k * n + r] as number;
          V[k * n + r] = t;
        }
    }
  }
  if (!wantVectors) return { values: d, vectors: null };
  // V holds the eigenvectors as rows (the transposed layout below); return them as columns.
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let r = 0; r < n; r++) out[r * n + k] = V[k * n + r] as number;
  return { values: d, vectors: out };
}

/**
 * Householder tridiagonalization (EISPACK tred2): on return d is the diagonal, e[1..n−1] the
 * sub-diagonal, and V the orthogonal matrix Q with Qᵀ A Q tridiagonal, stored transposed.
 */
function tred2(V: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = V[j * n + (n - 1)] as number;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k] as number);
    if (scale === 0) {
      e[i] = d[i - 1] as number;
      for (let j = 0; j < i; j++) {
        d[j] = V[j * n + (i - 1)] as number;
        V[j * n + i] = 0;
        V[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        const v = (d[k] as number) / scale;
        d[k] = v;
        h += v * v;
      }
      let f = d[i - 1] as number;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j] as number;
        V[i * n + j] = f;
        g = (e[j] as number) + (V[j * n + j] as number) * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const vkj = V[j * n + k] as number;
          g += vkj * (d[k] as number);
          e[k] = (e[k] as number) + vkj * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = (e[j] as number) / h;
        f += (e[j] as number) * (d[j] as number);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = (e[j] as number) - hh * (d[j] as number);
      for (let j = 0; j < i; j++) {
        f = d[j] as number;
        g = e[j] as number;
        for (let k = j; k <= i - 1; k++)
          V[j * n + k] = (V[j * n + k] as number) - (f * (e[k] as number) + g * (d[k] as number));
        d[j] = V[j * n + (i - 1)] as number;
        V[j * n + i] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    V[i * n + (n - 1)] = V[i * n + i] as number;
    V[i * n + i] = 1;
    const h = d[i + 1] as number;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = (V[(i + 1) * n + k] as number) / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += (V[(i + 1) * n + k] as number) * (V[j * n + k] as number);
        for (let k = 0; k <= i; k++) V[j * n + k] = (V[j * n + k] as number) - g * (d[k] as number);
      }
    }
    for (let k = 0; k <= i; k++) V[(i + 1) * n + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[j * n + (n - 1)] as number;
    V[j * n + (n - 1)] = 0;
  }
  V[(n - 1) * n + (n - 1)] = 1;
  e[0] = 0;
}

/**
 * Implicit QL on the tridiagonal (d, e) (EISPACK tql2); rotations are applied to the columns of Q
 * (rows of the transposed V) when vectors are wanted. Converged when |e_m| ≤ u·max_l(|d_l| + |e_l|).
 */
function tql2(
  V: Float64Array,
  n: number,
  d: Float64Array,
  e: Float64Array,
  vectors: boolean,
): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i] as number;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l] as number) + Math.abs(e[l] as number));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m] as number) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > MAX_QL_ITERATIONS)
          throw new EngineError('INTERNAL', 'symmetric eigenvalue iteration did not converge');
        let g = d[l] as number;
        let p = ((d[l + 1] as number) - g) / (2 * (e[l] as number));
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = (e[l] as number) / (p + r);
        d[l + 1] = (e[l] as number) * (p + r);
        const dl1 = d[l + 1] as number;
        let h = g - (d[l] as number);
        for (let i = l + 2; i < n; i++) d[i] = (d[i] as number) - h;
        f += h;
        p = d[m] as number;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1] as number;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * (e[i] as number);
          h = c * p;
          r = Math.hypot(p, e[i] as number);
          e[i + 1] = s * r;
          s = (e[i] as number) / r;
          c = p / r;
          p = c * (d[i] as number) - s * g;
          d[i + 1] = h + s * (c * g + s * (d[i] as number));
          if (vectors)
            for (let k = 0, o = i * n, o1 = o + n; k < n; k++) {
              const hk = V[o1 + k] as number;
              const vk = V[o + k] as number;
              V[o1 + k] = s * vk + c * hk;
              V[o + k] = c * vk - s * hk;
            }
        }
        p = (-s * s2 * c3 * el1 * (e[l] as number)) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l] as number) > eps * tst1);
    }
    d[l] = (d[l] as number) + f;
    e[l] = 0;
  }
}
