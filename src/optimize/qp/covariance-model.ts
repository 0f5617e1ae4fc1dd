/**
 * Covariance for the optimizer: estimator choice, annualization (× 252), positive-definite repair,
 * and an optional factor model for large n. The estimators themselves live in
 * src/risk/covariance.ts (sample ddof 1, EWMA with half-life, Ledoit–Wolf); this file decides
 * which to use and shapes the result for the QP.
 *
 * Factor models (Σ = B F Bᵀ + diag(d)) keep the QP's Hessian diagonal and add k rows, so a
 * 1,000-asset solve no longer carries a dense 1,000 × 1,000 Hessian:
 * - `factors: k` (statistical): the top-k eigenpairs (λ_f, v_f) of the estimated Σ, B = V_k,
 *   F = diag(λ_1..λ_k), d_i = Σ_ii − Σ_f λ_f v_if² (≥ 0), so diag(Σ_model) = diag(Σ) exactly.
 *   Eigenpairs by block subspace iteration with Rayleigh–Ritz (p = k + 8 vectors, fixed seed).
 * - `factorReturns` (observed, e.g. the 5 factor ETFs MTUM, QUAL, SIZE, USMV, VLUE): per-asset
 *   OLS with intercept r_i,t = α_i + b_iᵀ f_t + ε_i,t; F = sample covariance of the factors,
 *   d_i = Σ_t ε_i,t² / (T − k − 1); all × 252.
 * Means and cross-products from history follow docs/methods.md "Sums and means": the estimators
 * in src/risk/covariance.ts are compensated and corrected two-pass, and so is the OLS here.
 *
 * Two estimators do not read the aligned window (issue #11; docs/methods.md, "Estimators"):
 * - `pairwise`: each entry over the days its two assets share, from each asset's full history
 *   (src/risk/pairwise.ts), then the nearest positive semi-definite matrix (eigenvalue clipping,
 *   `nearestPsd`) when it is not PSD — warning COVARIANCE_PSD_REPAIRED with the smallest
 *   eigenvalue before — then × 252;
 * - `user`: the caller's annual matrix (`matrix` or `pairs`), checked like the contract does
 *   (symmetric within the tolerance, else BAD_REQUEST naming the cells), symmetrized
 *   (A + Aᵀ)/2, and clipped to PSD the same way; no annualization.
 * Both then go through the positive-definite repair below like every estimate.
 */
import { EngineError, type Warning } from '../../contract/common';
import {
  DEFAULT_SYMMETRY_TOLERANCE,
  matrixIssues,
  pairIssues,
  type PairObservations,
} from '../../contract/estimators';
import type { CovarianceInfo, CovarianceSpec } from '../../contract/optimize';
import {
  choleskyWithRepair,
  ewmaCovariance,
  ledoitWolf,
  nearestPsd,
  sampleCovariance,
  symmetricEigen,
} from '../../risk/covariance';
import { pairObservations, pairwiseCovariance } from '../../risk/pairwise';
import { meanOf } from '../../domain/sums';
import type { CovarianceInput } from './types';

export const ANNUALIZATION = 252;

export interface CovarianceEstimate {
  covariance: CovarianceInput;
  /** Dense annualized Σ actually estimated (before any factor approximation), n×n row-major. */
  dense: Float64Array;
  info: CovarianceInfo;
  warnings: Warning[];
}

/** What the `pairwise` and `user` estimators need beyond the aligned returns. */
export interface CovarianceExtras {
  /**
   * Each asset's full history (daily simple returns, oldest first, all ending on the same day;
   * lengths may differ), for `pairwise`. Default: `returns`.
   */
  histories?: readonly Float64Array[];
  /** Asset names in the order of `returns`, for `user` and the pair report. */
  assets?: readonly string[];
}

/**
 * Estimates an annualized covariance from daily returns (one Float64Array per asset, equal
 * lengths, oldest first) — or, for `pairwise`, from each asset's full history, and for `user`,
 * takes the caller's annual matrix — repairs it if it is not positive definite, and optionally
 * replaces it by a factor model.
 *
 * Example: two assets with daily returns [0.01, 0.03] and [0.02, −0.02], estimator 'sample':
 * daily Σ = [[0.0002, −0.0004], [−0.0004, 0.0008]] → annualized × 252 = [[0.0504, −0.1008],
 * [−0.1008, 0.2016]] (singular: repaired with a diagonal jitter and reported in `info.repaired`).
 * Example: estimator 'user', matrix [[0.04, 0.05], [0.05, 0.04]] (eigenvalues −0.01, 0.09) →
 * clipped to 0.09·v vᵀ = [[0.045, 0.045], [0.045, 0.045]], warning COVARIANCE_PSD_REPAIRED.
 */
export function estimateCovariance(
  returns: Float64Array[],
  spec: Pick<CovarianceSpec, 'estimator'> & Partial<Omit<CovarianceSpec, 'estimator'>>,
  factorReturns?: Float64Array[],
  extras: CovarianceExtras = {},
): CovarianceEstimate {
  const n = returns.length;
  const T = n > 0 ? (returns[0] as Float64Array).length : 0;
  const warnings: Warning[] = [];
  let daily: Float64Array | null = null;
  let annual: Float64Array | null = null;
  let shrinkage: number | null = null;
  let halflife: number | null = null;
  let observations = T;
  let pairwise: PairObservations | null = null;
  let psd: { repaired: boolean; minEigenvalueBefore: number | null } = {
    repaired: false,
    minEigenvalueBefore: null,
  };
  switch (spec.estimator) {
    case 'sample':
      daily = sampleCovariance(returns);
      break;
    case 'ewma':
      halflife = spec.halflife ?? 63;
      daily = ewmaCovariance(returns, halflife);
      break;
    case 'ledoit_wolf': {
      const lw = ledoitWolf(returns);
      daily = lw.cov;
      shrinkage = lw.shrinkage;
      break;
    }
    case 'pairwise': {
      const hist = extras.histories ?? returns;
      if (hist.length !== n)
        throw new EngineError('BAD_REQUEST', 'histories do not match the assets', [
          { path: 'price_history', message: `${hist.length} histories for ${n} assets` },
        ]);
      const fixed = nearestPsd(pairwiseCovariance(hist), n);
      daily = fixed.matrix;
      psd = fixed;
      const lengths = hist.map((h) => h.length);
      observations = Math.max(...lengths);
      pairwise = pairObservations(lengths, extras.assets);
      break;
    }
    case 'user': {
      const given = userMatrix(spec, extras.assets, n);
      const fixed = nearestPsd(given, n);
      annual = fixed.matrix;
      psd = fixed;
      observations = 0;
      break;
    }
  }
  if (factorReturns && factorReturns.length > 0 && (spec.estimator === 'user' || pairwise))
    throw new EngineError('BAD_REQUEST', 'an observed factor model cannot use this covariance', [
      {
        path: 'covariance.factor_series',
        message: `not with estimator "${spec.estimator}" (the factor model replaces the estimate)`,
      },
    ]);
  if (psd.repaired)
    warnings.push({
      code: 'COVARIANCE_PSD_REPAIRED',
      message:
        `the ${spec.estimator === 'user' ? 'given' : 'pairwise'} covariance is not positive ` +
        `semi-definite (smallest eigenvalue ${(psd.minEigenvalueBefore as number).toExponential(3)}` +
        `${spec.estimator === 'user' ? ', annual' : ', daily'}); replaced by the nearest positive ` +
        `semi-definite matrix (negative eigenvalues set to 0, Higham 1988)`,
      path: 'covariance',
    });
  const S = new Float64Array(n * n);
  if (annual) S.set(annual);
  else
    for (let i = 0; i < n * n; i++) S[i] = ((daily as Float64Array)[i] as number) * ANNUALIZATION;

  // Positive-definite repair (the QP needs a convex objective).
  const rep = choleskyWithRepair(S, n);
  let dense: Float64Array = S;
  if (rep.repaired) {
    dense = lowerTimesTranspose(rep.L, n);
    warnings.push({
      code: 'COVARIANCE_REPAIRED',
      message:
        `the estimated covariance was not positive definite` +
        (rep.minEigenvalueBefore !== undefined
          ? ` (smallest eigenvalue ${rep.minEigenvalueBefore.toExponential(3)})`
          : '') +
        `; repaired with diagonal jitter ${rep.jitter.toExponential(3)} or eigenvalue clipping`,
      path: 'covariance',
    });
  }

  const info: CovarianceInfo = {
    estimator: spec.estimator,
    halflife,
    shrinkage,
    observations,
    annualization: spec.estimator === 'user' ? 1 : ANNUALIZATION,
    repaired: rep.repaired || psd.repaired,
    jitter: rep.jitter,
    min_eigenvalue_before_repair: psd.repaired
      ? (psd.minEigenvalueBefore as number) * (spec.estimator === 'user' ? 1 : ANNUALIZATION)
      : (rep.minEigenvalueBefore ?? null),
    pairwise,
    factor_model: null,
  };

  if (factorReturns && factorReturns.length > 0) {
    const fm = observedFactorModel(returns, factorReturns);
    info.factor_model = { kind: 'observed', k: fm.k, explained_variance: fm.explained };
    return { covariance: fm.model, dense, info, warnings };
  }
  const k = spec.factors ?? 0;
  if (k > 0) {
    if (k >= n) {
      warnings.push({
        code: 'FACTOR_MODEL_SKIPPED',
        message: `factors = ${k} is not below the number of assets (${n}); the dense covariance is used`,
        path: 'covariance.factors',
      });
      return { covariance: { kind: 'dense', matrix: dense }, dense, info, warnings };
    }
    const fm = pcaFactorModel(dense, n, k);
    info.factor_model = { kind: 'pca', k, explained_variance: fm.explained };
    return { covariance: fm.model, dense, info, warnings };
  }
  return { covariance: { kind: 'dense', matrix: dense }, dense, info, warnings };
}

/**
 * The caller's annual covariance in the order of `assets`, checked (BAD_REQUEST with the paths
 * of the contract's checks) and symmetrized: S_ij = (a_ij + a_ji)/2.
 */
function userMatrix(
  spec: Partial<Omit<CovarianceSpec, 'estimator'>>,
  assets: readonly string[] | undefined,
  n: number,
): Float64Array {
  const names = assets ?? spec.matrix?.assets ?? [];
  if (names.length !== n)
    throw new EngineError('BAD_REQUEST', 'estimator user needs the asset names', [
      { path: 'covariance', message: `${names.length} names for ${n} assets` },
    ]);
  const tol = spec.symmetry_tolerance ?? DEFAULT_SYMMETRY_TOLERANCE;
  const fail = (field: string, issues: { path: (string | number)[]; message: string }[]) => {
    if (issues.length)
      throw new EngineError(
        'BAD_REQUEST',
        'invalid user covariance',
        issues.map((x) => ({
          path: ['covariance', field, ...x.path].join('.'),
          message: x.message,
        })),
      );
  };
  const A = new Float64Array(n * n);
  if (spec.matrix) {
    fail('matrix', matrixIssues(spec.matrix, names, tol));
    const pos = spec.matrix.assets.map((a) => names.indexOf(a));
    spec.matrix.values.forEach((row, r) =>
      row.forEach((v, c) => (A[(pos[r] as number) * n + (pos[c] as number)] = v)),
    );
  } else if (spec.pairs) {
    fail('pairs', pairIssues(spec.pairs, names, tol));
    const index = new Map(names.map((a, i) => [a, i]));
    const filled = new Uint8Array(n * n);
    for (const p of spec.pairs) {
      const i = index.get(p.asset_1) as number;
      const j = index.get(p.asset_2) as number;
      A[i * n + j] = p.value;
      filled[i * n + j] = 1;
      // A pair given in one order stands for both.
      if (!filled[j * n + i]) A[j * n + i] = p.value;
    }
  } else
    throw new EngineError('BAD_REQUEST', 'estimator user needs a matrix', [
      { path: 'covariance', message: 'give matrix or pairs' },
    ]);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const v =
        i === j
          ? (A[i * n + i] as number)
          : ((A[i * n + j] as number) + (A[j * n + i] as number)) / 2;
      S[i * n + j] = v;
      S[j * n + i] = v;
    }
  return S;
}

function lowerTimesTranspose(L: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      const ri = i * n;
      const rj = j * n;
      for (let p = 0; p <= j; p++) s += (L[ri + p] as number) * (L[rj + p] as number);
      out[ri + j] = s;
      out[rj + i] = s;
    }
  return out;
}

/** Orthonormalizes the p columns of Q (n×p row-major) in place (modified Gram–Schmidt, twice). */
function orthonormalize(Q: Float64Array, n: number, p: number) {
  for (let pass = 0; pass < 2; pass++)
    for (let c = 0; c < p; c++) {
      for (let b = 0; b < c; b++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += (Q[i * p + c] as number) * (Q[i * p + b] as number);
        for (let i = 0; i < n; i++)
          Q[i * p + c] = (Q[i * p + c] as number) - d * (Q[i * p + b] as number);
      }
      let nr = 0;
      for (let i = 0; i < n; i++) nr += (Q[i * p + c] as number) ** 2;
      nr = Math.sqrt(nr);
      if (nr === 0) {
        // Degenerate direction: restart it on a coordinate vector.
        for (let i = 0; i < n; i++) Q[i * p + c] = i === c % n ? 1 : 0;
        continue;
      }
      for (let i = 0; i < n; i++) Q[i * p + c] = (Q[i * p + c] as number) / nr;
    }
}

/** Z = S Q (S n×n, Q n×p, both row-major). */
function mulSQ(S: Float64Array, Q: Float64Array, n: number, p: number, Z: Float64Array) {
  Z.fill(0);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const zi = i * p;
    for (let j = 0; j < n; j++) {
      const s = S[ri + j] as number;
      if (s === 0) continue;
      const qj = j * p;
      for (let c = 0; c < p; c++) Z[zi + c] = (Z[zi + c] as number) + s * (Q[qj + c] as number);
    }
  }
}

/**
 * Top-k eigenpairs of a symmetric positive semi-definite S by subspace iteration with
 * Rayleigh–Ritz, stopped when every wanted pair has ‖S v − λ v‖ ≤ tol · λ₁ (default 1e-12).
 * Returns eigenvalues (descending) and vectors (n×k row-major).
 *
 * Example: S = diag(3, 2, 1), k = 1 → value 3, vector ±(1, 0, 0).
 */
export function topEigenpairs(
  S: Float64Array,
  n: number,
  k: number,
  opts: { maxIter?: number; tol?: number } = {},
): { values: Float64Array; vectors: Float64Array; iterations: number } {
  const p = Math.min(n, k + 8);
  const Q = new Float64Array(n * p);
  let seed = 0x9e3779b9;
  for (let i = 0; i < n * p; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    Q[i] = seed / 4294967296 - 0.5;
  }
  orthonormalize(Q, n, p);
  const Z = new Float64Array(n * p);
  const Tm = new Float64Array(p * p);
  let values = new Float64Array(k);
  const maxIter = opts.maxIter ?? 500;
  const tol = opts.tol ?? 1e-12;
  let it = 0;
  let order: number[] = [];
  let V: Float64Array = new Float64Array(p * p);
  for (; it < maxIter; it++) {
    mulSQ(S, Q, n, p, Z);
    // Rayleigh–Ritz: T = Qᵀ S Q = Qᵀ Z.
    for (let a = 0; a < p; a++)
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += (Q[i * p + a] as number) * (Z[i * p + b] as number);
        Tm[a * p + b] = s;
        Tm[b * p + a] = s;
      }
    const eig = symmetricEigen(Tm, p, true);
    V = eig.vectors as Float64Array;
    order = Array.from({ length: p }, (_, i) => i).sort(
      (x, y) => (eig.values[y] as number) - (eig.values[x] as number),
    );
    values = Float64Array.from(order.slice(0, k), (i) => eig.values[i] as number);
    // Converged when every wanted Ritz pair has a small residual ‖S v − λ v‖ = ‖Z u − λ Q u‖.
    let done = true;
    const scale = Math.max(1e-300, Math.abs(values[0] as number));
    for (let f = 0; f < k && done; f++) {
      const src = order[f] as number;
      const lam = values[f] as number;
      let r2 = 0;
      for (let i = 0; i < n; i++) {
        let sv = 0;
        let qv = 0;
        for (let b = 0; b < p; b++) {
          const u = V[b * p + src] as number;
          sv += (Z[i * p + b] as number) * u;
          qv += (Q[i * p + b] as number) * u;
        }
        r2 += (sv - lam * qv) ** 2;
      }
      if (!(Math.sqrt(r2) <= tol * scale)) done = false;
    }
    // Next subspace: Q ← orth(S Q V) (rotating by V keeps the Ritz vectors in order).
    const R = new Float64Array(n * p);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < p; c++) {
        const src = order[c] as number;
        let s = 0;
        for (let b = 0; b < p; b++) s += (Z[i * p + b] as number) * (V[b * p + src] as number);
        R[i * p + c] = s;
      }
    if (done) {
      // Ritz vectors of the converged subspace: Q V.
      const vec = new Float64Array(n * k);
      for (let i = 0; i < n; i++)
        for (let f = 0; f < k; f++) {
          const src = order[f] as number;
          let s = 0;
          for (let b = 0; b < p; b++) s += (Q[i * p + b] as number) * (V[b * p + src] as number);
          vec[i * k + f] = s;
        }
      return { values, vectors: vec, iterations: it + 1 };
    }
    Q.set(R);
    orthonormalize(Q, n, p);
  }
  const vec = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let f = 0; f < k; f++) {
      const src = order[f] as number;
      let s = 0;
      for (let b = 0; b < p; b++) s += (Q[i * p + b] as number) * (V[b * p + src] as number);
      vec[i * k + f] = s;
    }
  return { values, vectors: vec, iterations: it };
}

/**
 * Statistical factor model from a dense Σ: B = top-k eigenvectors, F = diag(eigenvalues),
 * d_i = max(0, Σ_ii − Σ_f λ_f v_if²). `explained` = Σ_f λ_f / tr(Σ).
 */
export function pcaFactorModel(
  S: Float64Array,
  n: number,
  k: number,
): { model: CovarianceInput; explained: number } {
  const { values, vectors } = topEigenpairs(S, n, k);
  const F = new Float64Array(k * k);
  let trace = 0;
  let top = 0;
  for (let i = 0; i < n; i++) trace += S[i * n + i] as number;
  for (let f = 0; f < k; f++) {
    const l = Math.max(0, values[f] as number);
    F[f * k + f] = l;
    top += l;
  }
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let e = 0;
    for (let f = 0; f < k; f++) e += (F[f * k + f] as number) * (vectors[i * k + f] as number) ** 2;
    d[i] = Math.max(0, (S[i * n + i] as number) - e);
  }
  return {
    model: { kind: 'factor', loadings: vectors, factorCov: F, specificVar: d, k },
    explained: trace > 0 ? top / trace : 0,
  };
}

/** Solves the small SPD system A x = b (k×k) by Cholesky; returns null if A is singular. */
function solveSpd(A: Float64Array, k: number, rhs: Float64Array[]): Float64Array[] | null {
  const L = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let d = A[j * k + j] as number;
    for (let p = 0; p < j; p++) d -= (L[j * k + p] as number) ** 2;
    if (!(d > 1e-300)) return null;
    const l = Math.sqrt(d);
    L[j * k + j] = l;
    for (let i = j + 1; i < k; i++) {
      let s = A[i * k + j] as number;
      for (let p = 0; p < j; p++) s -= (L[i * k + p] as number) * (L[j * k + p] as number);
      L[i * k + j] = s / l;
    }
  }
  return rhs.map((b) => {
    const y = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let s = b[i] as number;
      for (let p = 0; p < i; p++) s -= (L[i * k + p] as number) * (y[p] as number);
      y[i] = s / (L[i * k + i] as number);
    }
    for (let i = k - 1; i >= 0; i--) {
      let s = y[i] as number;
      for (let p = i + 1; p < k; p++) s -= (L[p * k + i] as number) * (y[p] as number);
      y[i] = s / (L[i * k + i] as number);
    }
    return y;
  });
}

/**
 * Observed-factor model by OLS on factor returns (see the file comment). Needs T > k + 1.
 * Estimation from history is corrected two-pass: factors f_a and assets r_i are centred on their
 * compensated, shifted means (`meanOf`), and every cross-product sum of centred series has the
 * Chan–Golub–LeVeque term removed, Σ_t u_t v_t − (Σ_t u_t)(Σ_t v_t)/T, which cancels what the
 * rounded means left in the centred data (a constant asset gets b = 0 and d = 0 exactly).
 *
 * Example: one factor f and an asset r = 2f + ε: b = 2, F = var(f)·252, d = var(ε)·252·(T−1)/(T−2).
 */
export function observedFactorModel(
  returns: Float64Array[],
  factors: Float64Array[],
): { model: CovarianceInput; k: number; explained: number } {
  const n = returns.length;
  const k = factors.length;
  const T = (factors[0] as Float64Array).length;
  const bad = factors.some((f) => f.length !== T) || returns.some((r) => r.length !== T);
  if (bad || T <= k + 1)
    throw new EngineError('BAD_REQUEST', 'factor returns do not fit the asset returns', [
      {
        path: 'covariance.factor_series',
        message: `need equal lengths and more than ${k + 1} observations (got ${T})`,
      },
    ]);
  // Centred series and their leftover sums s = Σ_t (x_t − x̄) (a few ulps times T).
  const centre = (x: Float64Array): [Float64Array, number] => {
    const m = meanOf(x);
    const c = new Float64Array(T);
    let s = 0;
    for (let t = 0; t < T; t++) {
      const e = (x[t] as number) - m;
      c[t] = e;
      s += e;
    }
    return [c, s];
  };
  const fc: Float64Array[] = [];
  const fs = new Float64Array(k);
  factors.forEach((f, a) => {
    const [c, s] = centre(f);
    fc.push(c);
    fs[a] = s;
  });
  const FtF = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = 0; b <= a; b++) {
      let s = 0;
      const fa = fc[a] as Float64Array;
      const fb = fc[b] as Float64Array;
      for (let t = 0; t < T; t++) s += (fa[t] as number) * (fb[t] as number);
      s -= ((fs[a] as number) * (fs[b] as number)) / T;
      FtF[a * k + b] = s;
      FtF[b * k + a] = s;
    }
  const rhs: Float64Array[] = [];
  const rc: Float64Array[] = [];
  const rs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [c, cs] = centre(returns[i] as Float64Array);
    rc.push(c);
    rs[i] = cs;
    const b = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      let s = 0;
      const fa = fc[a] as Float64Array;
      for (let t = 0; t < T; t++) s += (fa[t] as number) * (c[t] as number);
      b[a] = s - ((fs[a] as number) * cs) / T;
    }
    rhs.push(b);
  }
  const betas = solveSpd(FtF, k, rhs);
  if (!betas)
    throw new EngineError('BAD_REQUEST', 'factor returns are collinear', [
      { path: 'covariance.factor_series', message: 'the factor covariance is singular' },
    ]);
  const B = new Float64Array(n * k);
  const d = new Float64Array(n);
  let totalVar = 0;
  let resVar = 0;
  for (let i = 0; i < n; i++) {
    const bi = betas[i] as Float64Array;
    for (let a = 0; a < k; a++) B[i * k + a] = bi[a] as number;
    const c = rc[i] as Float64Array;
    let ss = 0;
    let se = 0;
    let tot = 0;
    for (let t = 0; t < T; t++) {
      let fit = 0;
      for (let a = 0; a < k; a++) fit += (bi[a] as number) * ((fc[a] as Float64Array)[t] as number);
      const e = (c[t] as number) - fit;
      ss += e * e;
      se += e;
      tot += (c[t] as number) ** 2;
    }
    // Residuals of an OLS with intercept have mean 0; remove what rounding left, as above.
    ss = Math.max(0, ss - (se * se) / T);
    tot = Math.max(0, tot - ((rs[i] as number) * (rs[i] as number)) / T);
    d[i] = (ss / (T - k - 1)) * ANNUALIZATION;
    totalVar += tot;
    resVar += ss;
  }
  const F = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) F[i] = ((FtF[i] as number) / (T - 1)) * ANNUALIZATION;
  return {
    model: { kind: 'factor', loadings: B, factorCov: F, specificVar: d, k },
    k,
    explained: totalVar > 0 ? 1 - resVar / totalVar : 0,
  };
}
