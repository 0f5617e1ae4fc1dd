/**
 * Risk budgeting (equal risk contribution when the budgets are equal) by Spinu's convex
 * formulation:
 *
 *   minimize f(y) = ½ yᵀ Σ y − Σ_i b_i ln y_i   over y > 0,      w = y / Σ_i y_i.
 *
 * At the optimum ∇f = Σy − b/y = 0, so y_i (Σy)_i = b_i and yᵀΣy = Σ b_i = 1: the risk
 * contribution RC_i = w_i (Σw)_i / wᵀΣw equals b_i exactly. f is strictly convex on y > 0 when Σ
 * is positive definite (and on the support of b when only semi-definite with positive variances).
 *
 * Solver: damped Newton (step 1/(1 + δ) while the Newton decrement δ > 0.25, full steps after;
 * Spinu 2013) with a dense Cholesky per step, for n ≤ 300; cyclical coordinate descent
 * (Griveau-Billion, Richard & Roncalli 2013), each coordinate solved in closed form
 * y_i = (−c_i + √(c_i² + 4 Σ_ii b_i)) / (2 Σ_ii) with c_i = Σ_{j≠i} Σ_ij y_j, for larger n.
 *
 * References: F. Spinu, "An algorithm for computing risk parity weights", SSRN 2297383 (2013);
 * T. Griveau-Billion, J.-C. Richard, T. Roncalli, "A fast algorithm for computing high-dimensional
 * risk parity portfolios", arXiv:1311.4057 (2013).
 */

export interface RiskParityResult {
  /** Weights summing to 1 (0 where the budget is 0). */
  weights: Float64Array;
  /** Risk contributions RC_i = w_i (Σw)_i / wᵀΣw. */
  contributions: Float64Array;
  /** max_i |RC_i − b_i|. */
  maxDeviation: number;
  /** ‖Σy − b/y‖∞ at the returned point (the optimality residual of Spinu's problem). */
  gradientNorm: number;
  iterations: number;
  algorithm: 'newton' | 'ccd';
}

/** Cholesky solve of (A) x = g for symmetric positive definite A (n×n row-major), in place on a copy. */
function cholSolve(A: Float64Array, n: number, g: Float64Array, out: Float64Array): boolean {
  const L = A; // factor in place (A is a scratch copy)
  for (let j = 0; j < n; j++) {
    let d = L[j * n + j] as number;
    for (let p = 0; p < j; p++) d -= (L[j * n + p] as number) ** 2;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = L[i * n + j] as number;
      const ri = i * n;
      const rj = j * n;
      for (let p = 0; p < j; p++) s -= (L[ri + p] as number) * (L[rj + p] as number);
      L[ri + j] = s / ljj;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = g[i] as number;
    for (let p = 0; p < i; p++) s -= (L[i * n + p] as number) * (out[p] as number);
    out[i] = s / (L[i * n + i] as number);
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = out[i] as number;
    for (let p = i + 1; p < n; p++) s -= (L[p * n + i] as number) * (out[p] as number);
    out[i] = s / (L[i * n + i] as number);
  }
  return true;
}

function matVec(S: Float64Array, n: number, y: Float64Array, out: Float64Array) {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const r = i * n;
    for (let j = 0; j < n; j++) s += (S[r + j] as number) * (y[j] as number);
    out[i] = s;
  }
}

function residual(y: Float64Array, t: Float64Array, b: Float64Array, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++)
    m = Math.max(m, Math.abs((y[i] as number) * (t[i] as number) - (b[i] as number)));
  return m;
}

/**
 * Risk-budgeting weights for a dense covariance S (row-major n×n, annualized) and budgets b
 * (≥ 0, normalized here to sum 1). Assets with b_i = 0 get weight 0 and are left out of the
 * problem. Throws if an asset with a positive budget has zero variance (its contribution cannot
 * reach the budget).
 *
 * Example: S = diag(0.04, 0.09) and equal budgets give w ∝ 1/σ = (1/0.2, 1/0.3), i.e.
 * w = (0.6, 0.4), and both assets contribute 50 % of the variance.
 */
export function riskParityWeights(
  Sfull: Float64Array,
  nFull: number,
  budgetsFull: ArrayLike<number>,
  opts: { tol?: number; maxIter?: number; newtonMaxN?: number } = {},
): RiskParityResult {
  const idx: number[] = [];
  let bsum = 0;
  for (let i = 0; i < nFull; i++) {
    const b = budgetsFull[i] as number;
    if (b > 0) {
      idx.push(i);
      bsum += b;
    }
  }
  const n = idx.length;
  if (n === 0) throw new Error('risk parity needs at least one positive budget');
  const S = new Float64Array(n * n);
  const b = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    const ia = idx[a] as number;
    b[a] = (budgetsFull[ia] as number) / bsum;
    for (let c = 0; c < n; c++) S[a * n + c] = Sfull[ia * nFull + (idx[c] as number)] as number;
    if (!((S[a * n + a] as number) > 0))
      throw new RangeError(
        `asset ${ia} has zero variance; its risk contribution cannot meet its budget`,
      );
  }
  const tol = opts.tol ?? 1e-15;
  const maxIter = opts.maxIter ?? 10000;
  const y = new Float64Array(n);
  const t = new Float64Array(n);
  // Start from inverse volatility, scaled so that yᵀΣy = Σb = 1 (true at the optimum).
  for (let i = 0; i < n; i++) y[i] = 1 / Math.sqrt(S[i * n + i] as number);
  matVec(S, n, y, t);
  let q = 0;
  for (let i = 0; i < n; i++) q += (y[i] as number) * (t[i] as number);
  const sc = 1 / Math.sqrt(q);
  for (let i = 0; i < n; i++) {
    y[i] = (y[i] as number) * sc;
    t[i] = (t[i] as number) * sc;
  }

  let iterations = 0;
  const useNewton = n <= (opts.newtonMaxN ?? 300);
  let algorithm: 'newton' | 'ccd' = useNewton ? 'newton' : 'ccd';
  if (useNewton) {
    const H = new Float64Array(n * n);
    const g = new Float64Array(n);
    const d = new Float64Array(n);
    const yn = new Float64Array(n);
    let ok = true;
    for (; iterations < 200; iterations++) {
      if (residual(y, t, b, n) <= tol) break;
      for (let i = 0; i < n; i++) g[i] = (t[i] as number) - (b[i] as number) / (y[i] as number);
      H.set(S);
      for (let i = 0; i < n; i++)
        H[i * n + i] = (H[i * n + i] as number) + (b[i] as number) / (y[i] as number) ** 2;
      if (!cholSolve(H, n, g, d)) {
        ok = false;
        break;
      }
      let dec = 0;
      for (let i = 0; i < n; i++) dec += (g[i] as number) * (d[i] as number);
      const delta = Math.sqrt(Math.max(0, dec));
      let step = delta > 0.25 ? 1 / (1 + delta) : 1;
      for (;;) {
        let pos = true;
        for (let i = 0; i < n; i++) {
          const v = (y[i] as number) - step * (d[i] as number);
          yn[i] = v;
          if (!(v > 0)) pos = false;
        }
        if (pos) break;
        step /= 2;
      }
      y.set(yn);
      matVec(S, n, y, t);
      if (dec < 1e-30) {
        iterations++;
        break;
      }
    }
    if (!ok) algorithm = 'ccd';
  }
  if (algorithm === 'ccd') {
    for (let sweep = 0; sweep < maxIter; sweep++) {
      iterations++;
      for (let i = 0; i < n; i++) {
        const sii = S[i * n + i] as number;
        const yi = y[i] as number;
        const c = (t[i] as number) - sii * yi;
        const bi = b[i] as number;
        const v = (-c + Math.sqrt(c * c + 4 * sii * bi)) / (2 * sii);
        const dv = v - yi;
        if (dv !== 0) {
          y[i] = v;
          for (let j = 0; j < n; j++) t[j] = (t[j] as number) + (S[j * n + i] as number) * dv;
        }
      }
      if (sweep % 10 === 9) matVec(S, n, y, t); // refresh against drift of the running sums
      if (residual(y, t, b, n) <= Math.max(tol, 1e-14)) break;
    }
    matVec(S, n, y, t);
  }

  let ysum = 0;
  for (let i = 0; i < n; i++) ysum += y[i] as number;
  const weights = new Float64Array(nFull);
  for (let a = 0; a < n; a++) weights[idx[a] as number] = (y[a] as number) / ysum;
  const { contributions, maxDeviation } = riskContributions(Sfull, nFull, weights, budgetsFull);
  let gradientNorm = 0;
  for (let i = 0; i < n; i++)
    gradientNorm = Math.max(
      gradientNorm,
      Math.abs((t[i] as number) - (b[i] as number) / (y[i] as number)),
    );
  return { weights, contributions, maxDeviation, gradientNorm, iterations, algorithm };
}

/**
 * RC_i = w_i (Σw)_i / wᵀΣw (fractions summing to 1) and max_i |RC_i − b_i| with b normalized.
 *
 * Example: S = diag(0.04, 0.09), w = (0.6, 0.4): Σw = (0.024, 0.036), wᵀΣw = 0.0288, RC = (0.5, 0.5).
 */
export function riskContributions(
  S: Float64Array,
  n: number,
  w: ArrayLike<number>,
  budgets?: ArrayLike<number>,
): { contributions: Float64Array; maxDeviation: number } {
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += (S[i * n + j] as number) * (w[j] as number);
    t[i] = s;
  }
  let v = 0;
  for (let i = 0; i < n; i++) v += (w[i] as number) * (t[i] as number);
  const contributions = new Float64Array(n);
  if (v > 0)
    for (let i = 0; i < n; i++) contributions[i] = ((w[i] as number) * (t[i] as number)) / v;
  let maxDeviation = 0;
  if (budgets) {
    let bs = 0;
    for (let i = 0; i < n; i++) bs += budgets[i] as number;
    for (let i = 0; i < n; i++)
      maxDeviation = Math.max(
        maxDeviation,
        Math.abs((contributions[i] as number) - (budgets[i] as number) / bs),
      );
  }
  return { contributions, maxDeviation };
}
