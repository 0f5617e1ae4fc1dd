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
 * A convex QP point satisfying all four within 1e-6 is optimal to that tolerance.
 */
import type { KktCheck } from '../../contract/optimize';
import type { BoundOverride, QpModel } from './types';

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
    const r = (Qx[j] as number) + (model.colCost[j] as number) - (Aty[j] as number) - (z[j] as number);
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
    check(y[i] as number, Ax[i] as number, model.rowLower[i] as number, model.rowUpper[i] as number);
  for (let j = 0; j < model.numCols; j++)
    check(z[j] as number, x[j] as number, lower[j] as number, upper[j] as number);
  const tol = 1e-6;
  const stationarity = stat / scale;
  const primalResidual = Math.max(0, primal);
  return {
    primal_residual: primalResidual,
    stationarity_residual: stationarity,
    complementarity: comp,
    dual_sign_violation: sign,
    verified: primalResidual <= tol && stationarity <= tol && comp <= tol && sign <= tol,
    note,
  };
}
