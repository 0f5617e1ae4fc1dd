/**
 * Independent KKT check of a QP solution (we do not take the solver's word for optimality).
 *
 * For  min ½xᵀQx + cᵀx  s.t.  L ≤ Ax ≤ U,  l ≤ x ≤ u  with row duals y and column duals z
 * (HiGHS sign convention: z = c + Qx − Aᵀy; a positive dual belongs to an active lower bound,
 * a negative one to an active upper bound, and the dual equals ∂objective/∂bound):
 *   primal feasibility   max(L − Ax, Ax − U, l − x, x − u, 0)
 *   stationarity         ‖Qx + c − Aᵀy − z‖∞ / max(1, ‖c‖∞, ‖Qx‖∞)
 *   complementarity      max over duals of |dual| × distance to the bound its sign selects
 *   dual sign            |dual| of a sign that selects an infinite bound
 * A convex QP point satisfying all four (within KKT_TOL) is optimal to that tolerance.
 *
 * HiGHS's QP duals can be off by ~1e-6 relative (e.g. the dual of an inactive turnover row), so
 * when its duals do not verify, `refineDuals` recomputes them from x alone: with the active set
 * read off x (an inequality row counts only where the solver's dual is clearly non-zero), y on the
 * active rows solves min ‖(Qx + c − Aᵀy)_F‖ over the free columns F (normal equations), and
 * z = Qx + c − Aᵀy on the active columns. The check then uses our duals.
 */
import type { KktCheck } from '../../contract/optimize';
import type { BoundOverride, QpModel } from './types';

/**
 * Tolerances of `verified` (scaled model: weights × s, objective × s², see build.ts). HiGHS's active-set
 * QP stops at optimality tolerances of about 1e-7 absolute, which on degenerate models leaves a
 * stationarity residual up to ~1e-6 relative; 1e-5 leaves a margin while still certifying the
 * optimum (a non-optimal point has residuals of the order of its objective gap).
 */
export const KKT_TOL = {
  primal: 1e-6,
  stationarity: 1e-5,
  complementarity: 1e-6,
  dualSign: 1e-6,
} as const;

/** y = Q x for Q stored as the lower triangle in CSC. */
export function hessianTimes(model: QpModel, x: Float64Array): Float64Array {
  const out = new Float64Array(model.numCols);
  const H = model.hessian;
  if (!H) return out;
  for (let j = 0; j < model.numCols; j++) {
    const xj = x[j] as number;
    for (let p = H.starts[j] as number; p < (H.starts[j + 1] as number); p++) {
      const i = H.indices[p] as number;
      const v = H.values[p] as number;
      out[i] = (out[i] as number) + v * xj;
      if (i !== j) out[j] = (out[j] as number) + v * (x[i] as number);
    }
  }
  return out;
}

/** A x (CSC). */
export function matrixTimes(model: QpModel, x: Float64Array): Float64Array {
  const out = new Float64Array(model.numRows);
  const A = model.matrix;
  for (let j = 0; j < model.numCols; j++) {
    const xj = x[j] as number;
    if (xj === 0) continue;
    for (let p = A.starts[j] as number; p < (A.starts[j + 1] as number); p++) {
      const i = A.indices[p] as number;
      out[i] = (out[i] as number) + (A.values[p] as number) * xj;
    }
  }
  return out;
}

/**
 * Computes the KKT residuals of (x, y, z) for `model` with optional column-bound overrides (the
 * branch-and-bound node of an integer solution, whose duals belong to that node's QP).
 *
 * Example: min x² − x s.t. 0 ≤ x ≤ 0.3 → x = 0.3, z = −0.4 (upper bound active); Qx + c − z =
 * 0.6 − 1 + 0.4 = 0, so every residual is 0.
 */
export function kktCheck(
  model: QpModel,
  sol: { x: Float64Array; rowDual: Float64Array; colDual: Float64Array },
  overrides: readonly BoundOverride[] = [],
  note = '',
): KktCheck {
  const { x, rowDual: y, colDual: z } = sol;
  const lower = model.colLower.slice();
  const upper = model.colUpper.slice();
  for (const o of overrides) {
    lower[o.col] = o.lower;
    upper[o.col] = o.upper;
  }
  const Ax = matrixTimes(model, x);
  const Qx = hessianTimes(model, x);
  let primal = 0;
  for (let i = 0; i < model.numRows; i++) {
    const a = Ax[i] as number;
    primal = Math.max(primal, (model.rowLower[i] as number) - a, a - (model.rowUpper[i] as number));
  }
  for (let j = 0; j < model.numCols; j++) {
    const v = x[j] as number;
    primal = Math.max(primal, (lower[j] as number) - v, v - (upper[j] as number));
  }
  // Aᵀy
  const Aty = new Float64Array(model.numCols);
  const A = model.matrix;
  for (let j = 0; j < model.numCols; j++) {
    let s = 0;
    for (let p = A.starts[j] as number; p < (A.starts[j + 1] as number); p++)
      s += (A.values[p] as number) * (y[A.indices[p] as number] as number);
    Aty[j] = s;
  }
  let stat = 0;
  let scale = 1;
  for (let j = 0; j < model.numCols; j++) {
    const r =
      (Qx[j] as number) + (model.colCost[j] as number) - (Aty[j] as number) - (z[j] as number);
    stat = Math.max(stat, Math.abs(r));
    scale = Math.max(scale, Math.abs(model.colCost[j] as number), Math.abs(Qx[j] as number));
  }
  let comp = 0;
  let sign = 0;
  const check = (d: number, act: number, lo: number, hi: number) => {
    if (lo === hi) return; // equality: any sign
    if (d > 0) {
      if (lo === -Infinity) sign = Math.max(sign, d);
      else comp = Math.max(comp, d * Math.max(0, act - lo));
    } else if (d < 0) {
      if (hi === Infinity) sign = Math.max(sign, -d);
      else comp = Math.max(comp, -d * Math.max(0, hi - act));
    }
  };
  for (let i = 0; i < model.numRows; i++)
    check(
      y[i] as number,
      Ax[i] as number,
      model.rowLower[i] as number,
      model.rowUpper[i] as number,
    );
  for (let j = 0; j < model.numCols; j++)
    check(z[j] as number, x[j] as number, lower[j] as number, upper[j] as number);
  const stationarity = stat / scale;
  const primalResidual = Math.max(0, primal);
  return {
    primal_residual: primalResidual,
    stationarity_residual: stationarity,
    complementarity: comp / scale,
    dual_sign_violation: sign / scale,
    verified:
      primalResidual <= KKT_TOL.primal &&
      stationarity <= KKT_TOL.stationarity &&
      comp / scale <= KKT_TOL.complementarity &&
      sign / scale <= KKT_TOL.dualSign,
    note,
  };
}

/**
 * Duals recomputed from the primal point (see the file comment). Returns null when the active set
 * is too large for the dense normal equations (> 2,000 rows).
 *
 * Example: min x₁² + x₂² s.t. x₁ + x₂ = 1 at x = (½, ½): the only active row gives
 * min ‖(1, 1) − y(1, 1)‖ → y = 1, z = 0.
 */
export function refineDuals(
  model: QpModel,
  x: Float64Array,
  overrides: readonly BoundOverride[] = [],
  rowDual0?: Float64Array,
): { rowDual: Float64Array; colDual: Float64Array } | null {
  const lower = model.colLower.slice();
  const upper = model.colUpper.slice();
  for (const o of overrides) {
    lower[o.col] = o.lower;
    upper[o.col] = o.upper;
  }
  const Ax = matrixTimes(model, x);
  const Qx = hessianTimes(model, x);
  const g = new Float64Array(model.numCols);
  for (let j = 0; j < model.numCols; j++) g[j] = (Qx[j] as number) + (model.colCost[j] as number);
  const near = (a: number, b: number) =>
    Number.isFinite(b) && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  const rowIdx: number[] = [];
  const rowPos = new Int32Array(model.numRows).fill(-1);
  // Inequality rows keep a dual only where the solver found one clearly away from zero: a weakly
  // active row (at its bound with a zero multiplier) would otherwise make y non-unique.
  let yScale = 0;
  if (rowDual0)
    for (let i = 0; i < model.numRows; i++)
      yScale = Math.max(yScale, Math.abs(rowDual0[i] as number));
  for (let i = 0; i < model.numRows; i++) {
    const a = Ax[i] as number;
    const lo = model.rowLower[i] as number;
    const hi = model.rowUpper[i] as number;
    const eq = lo === hi;
    if (!eq && rowDual0 && !(Math.abs(rowDual0[i] as number) > 1e-5 * Math.max(1, yScale)))
      continue;
    if (eq || near(a, lo) || near(a, hi)) {
      rowPos[i] = rowIdx.length;
      rowIdx.push(i);
    }
  }
  const r = rowIdx.length;
  if (r > 2000) return null;
  const free = new Uint8Array(model.numCols);
  for (let j = 0; j < model.numCols; j++) {
    const v = x[j] as number;
    free[j] = near(v, lower[j] as number) || near(v, upper[j] as number) ? 0 : 1;
  }
  // Normal equations (M Mᵀ) y = M g_F with M = A[active rows, free columns].
  const MMt = new Float64Array(r * r);
  const rhs = new Float64Array(r);
  const A = model.matrix;
  const colRows: number[] = [];
  const colVals: number[] = [];
  for (let j = 0; j < model.numCols; j++) {
    if (!free[j]) continue;
    colRows.length = 0;
    colVals.length = 0;
    for (let p = A.starts[j] as number; p < (A.starts[j + 1] as number); p++) {
      const k = rowPos[A.indices[p] as number] as number;
      if (k >= 0) {
        colRows.push(k);
        colVals.push(A.values[p] as number);
      }
    }
    for (let a = 0; a < colRows.length; a++) {
      const ka = colRows[a] as number;
      const va = colVals[a] as number;
      rhs[ka] = (rhs[ka] as number) + va * (g[j] as number);
      for (let b = 0; b < colRows.length; b++) {
        const kb = colRows[b] as number;
        MMt[ka * r + kb] = (MMt[ka * r + kb] as number) + va * (colVals[b] as number);
      }
    }
  }
  // Rows with no free column get y from nothing (left 0 here): their z absorbs the gradient.
  let trace = 0;
  for (let k = 0; k < r; k++) trace += MMt[k * r + k] as number;
  const ridge = 1e-13 * Math.max(1e-300, trace / Math.max(1, r));
  for (let k = 0; k < r; k++) MMt[k * r + k] = (MMt[k * r + k] as number) + ridge;
  const L = MMt;
  for (let j = 0; j < r; j++) {
    let d = L[j * r + j] as number;
    for (let p = 0; p < j; p++) d -= (L[j * r + p] as number) ** 2;
    if (!(d > 0)) return null;
    const l = Math.sqrt(d);
    L[j * r + j] = l;
    for (let i = j + 1; i < r; i++) {
      let t = L[i * r + j] as number;
      for (let p = 0; p < j; p++) t -= (L[i * r + p] as number) * (L[j * r + p] as number);
      L[i * r + j] = t / l;
    }
  }
  const y = new Float64Array(r);
  for (let i = 0; i < r; i++) {
    let t = rhs[i] as number;
    for (let p = 0; p < i; p++) t -= (L[i * r + p] as number) * (y[p] as number);
    y[i] = t / (L[i * r + i] as number);
  }
  for (let i = r - 1; i >= 0; i--) {
    let t = y[i] as number;
    for (let p = i + 1; p < r; p++) t -= (L[p * r + i] as number) * (y[p] as number);
    y[i] = t / (L[i * r + i] as number);
  }
  const rowDual = new Float64Array(model.numRows);
  for (let k = 0; k < r; k++) rowDual[rowIdx[k] as number] = y[k] as number;
  const colDual = new Float64Array(model.numCols);
  for (let j = 0; j < model.numCols; j++) {
    if (free[j]) continue;
    let t = g[j] as number;
    for (let p = A.starts[j] as number; p < (A.starts[j + 1] as number); p++)
      t -= (A.values[p] as number) * (rowDual[A.indices[p] as number] as number);
    colDual[j] = t;
  }
  return { rowDual, colDual };
}
