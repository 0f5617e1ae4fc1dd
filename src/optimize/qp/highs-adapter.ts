/**
 * QpSolverPort over a loaded HiGHS runtime (the `highs` package, HiGHS compiled to WebAssembly).
 *
 * Pure: the caller loads the runtime (`await loadHighs()` in a Node worker, or with `locateFile`
 * in a browser worker) and passes it in, so this file runs unchanged in either place.
 *
 * Robustness rules (FINDINGS.md): matrices go to HiGHS directly through the persistent
 * `createModel(ModelData)` API (LP text was 8× slower at n = 1,000); `time_limit` is always set;
 * the model status and the primal/dual solution status are always read; a `Solve error` is retried
 * with `user_bound_scale` 5 and then 8; anything that is not a verified optimum is returned as a
 * non-optimal status, never as an answer.
 */
import type { Highs, Model, ModelData } from 'highs';
import { EngineError } from '../../contract/common';
import { branchAndBound } from './bnb';
import { hessianTimes, matrixTimes } from './kkt';
import type {
  BoundOverride,
  CscMatrix,
  QpModel,
  QpSolution,
  QpSolverPort,
  QpStatus,
  SolveOptions,
} from './types';

const MODEL_STATUS_NAMES: Record<number, string> = {
  0: 'Not set',
  1: 'Load error',
  2: 'Model error',
  3: 'Presolve error',
  4: 'Solve error',
  5: 'Postsolve error',
  6: 'Empty',
  7: 'Optimal',
  8: 'Infeasible',
  9: 'Primal infeasible or unbounded',
  10: 'Unbounded',
  11: 'Bound on objective reached',
  12: 'Target for objective reached',
  13: 'Time limit reached',
  14: 'Iteration limit reached',
  15: 'Unknown',
  16: 'Solution limit reached',
  17: 'Interrupted by user',
};

/**
 * Options tried in order after a failed solve (FINDINGS.md: `user_bound_scale` 5–8 solved every
 * size of the rebalancing QP that failed with `Solve error` by default).
 */
const RETRY_LADDER: readonly Record<string, number>[] = [
  { user_bound_scale: 5 },
  { user_bound_scale: 8 },
];

/**
 * HiGHS adds qp_regularization_value·I to the Hessian (default 1e-7). On the scaled model that
 * moved weights by ~1e-7 and left a stationarity residual of ~1e-6; 1e-12 keeps the solution
 * exact to ~1e-12, solved every benchmark size (n = 20..1,000) with the same iteration counts and
 * times, and the retry ladder restores 1e-7 if a solve ever fails.
 */
export const BASE_OPTIONS = { qp_regularization_value: 1e-12 } as const;

function statusOf(code: number): QpStatus {
  switch (code) {
    case 7:
      return 'optimal';
    case 8:
      return 'infeasible';
    case 9:
    case 10:
      return 'unbounded';
    case 13:
      return 'time_limit';
    case 14:
      return 'iteration_limit';
    default:
      return 'error';
  }
}

function toModelData(model: QpModel, inf: number): ModelData {
  const clamp = (a: Float64Array) => {
    let needs = false;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i] as number)) needs = true;
    if (!needs) return a;
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const v = a[i] as number;
      out[i] = v === Infinity ? inf : v === -Infinity ? -inf : v;
    }
    return out;
  };
  const data: ModelData = {
    numCols: model.numCols,
    numRows: model.numRows,
    offset: model.offset,
    colCost: model.colCost,
    colLower: clamp(model.colLower),
    colUpper: clamp(model.colUpper),
    rowLower: clamp(model.rowLower),
    rowUpper: clamp(model.rowUpper),
    matrix: {
      format: 'csc',
      numRows: model.numRows,
      numCols: model.numCols,
      starts: model.matrix.starts,
      indices: model.matrix.indices,
      values: model.matrix.values,
    },
  };
  if (model.hessian && model.hessian.values.length > 0)
    return {
      ...data,
      hessian: {
        format: 'triangular',
        dimension: model.numCols,
        starts: model.hessian.starts,
        indices: model.hessian.indices,
        values: model.hessian.values,
      },
    };
  return data;
}

/** Largest violation of the rows and the root column bounds (relative to max(1, |bound|)). */
function primalViolation(model: QpModel, x: Float64Array): number {
  const Ax = matrixTimes(model, x);
  let v = 0;
  for (let i = 0; i < model.numRows; i++) {
    const a = Ax[i] as number;
    const lo = model.rowLower[i] as number;
    const hi = model.rowUpper[i] as number;
    if (lo > -Infinity) v = Math.max(v, (lo - a) / Math.max(1, Math.abs(lo)));
    if (hi < Infinity) v = Math.max(v, (a - hi) / Math.max(1, Math.abs(hi)));
    if (!Number.isFinite(a)) v = Infinity;
  }
  for (let j = 0; j < model.numCols; j++) {
    const z = x[j] as number;
    const lo = model.colLower[j] as number;
    const hi = model.colUpper[j] as number;
    if (lo > -Infinity) v = Math.max(v, (lo - z) / Math.max(1, Math.abs(lo)));
    if (hi < Infinity) v = Math.max(v, (z - hi) / Math.max(1, Math.abs(hi)));
    if (!Number.isFinite(z)) return Infinity;
  }
  return v;
}

function infoNumber(m: Model, name: string): number {
  try {
    const v = m.info.get(name);
    return typeof v === 'bigint' ? Number(v) : v;
  } catch {
    return 0;
  }
}

interface RunState {
  iterations: number;
  retries: number;
  /** ε of the proximal fallback once it was needed (then used for every later node). */
  prox: number;
  /** Solver seconds spent on fresh retry models. */
  extraTime: number;
  options: Record<string, number | string | boolean>;
}

/**
 * One solve, verified, with the retry ladder. A result is retried when HiGHS reports
 * `Solve error`, `Not set` (its QP solver's "Non-convex" verdict on a convex model), or "optimal"
 * with a point that fails our own feasibility check (3 of 1,862 random property-test problems,
 * natively too). A failed persistent model does not recover, so every retry runs on a fresh
 * HiGHS instance with the same data and the current node bounds:
 * 1. `user_bound_scale` 5, then 8 (FINDINGS.md);
 * 2. proximal regularization of the zero-curvature columns (the buy/sell legs): ε/2·‖z − z_k‖²
 *    with z_k ← z repeated until z stops moving, which converges to the exact optimum of the
 *    original problem (proximal point method); ε = 1e-5 × the largest Hessian diagonal, then 100 ε.
 */
function solveRobust(ctx: SolveCtx, bounds: readonly BoundOverride[] = []): Snapshot {
  const { m, model, state } = ctx;
  if (state.prox > 0) return proxSolve(ctx, bounds, state.prox);
  const code = runOnce(m);
  state.iterations += iterationsOf(m);
  let snap = snapshot(m, code, model);
  for (const rung of RETRY_LADDER) {
    if (!retryable(snap)) return snap;
    state.retries++;
    Object.assign(state.options, rung);
    snap = withFresh(ctx, bounds, rung, null, (f) => {
      const c = runOnce(f);
      state.iterations += iterationsOf(f);
      return snapshot(f, c, model);
    });
  }
  delete state.options.user_bound_scale;
  if (!retryable(snap) || !model.hessian) return snap;
  let maxDiag = 0;
  const H = model.hessian;
  for (let j = 0; j < model.numCols; j++)
    for (let p = H.starts[j] as number; p < (H.starts[j + 1] as number); p++)
      if (H.indices[p] === j) maxDiag = Math.max(maxDiag, H.values[p] as number);
  for (const eps of [1e-5 * maxDiag, 1e-3 * maxDiag]) {
    if (!(eps > 0)) break;
    state.retries++;
    snap = proxSolve(ctx, bounds, eps);
    if (!retryable(snap)) {
      state.prox = eps;
      state.options.proximal_legs = eps;
      return snap;
    }
  }
  return snap;
}

interface SolveCtx {
  highs: Highs;
  m: Model;
  model: QpModel;
  state: RunState;
  timeLimit: number;
}

function retryable(s: Snapshot): boolean {
  return s.status === 'error';
}

/** Runs `fn` on a fresh HiGHS model (optionally with another Hessian), then disposes it. */
function withFresh<T>(
  ctx: SolveCtx,
  bounds: readonly BoundOverride[],
  options: Record<string, number>,
  hessian: CscMatrix | null,
  fn: (f: Model) => T,
): T {
  const { highs, model, state } = ctx;
  let data = model;
  if (bounds.length > 0 || hessian) {
    const colLower = model.colLower.slice();
    const colUpper = model.colUpper.slice();
    for (const b of bounds) {
      colLower[b.col] = b.lower;
      colUpper[b.col] = b.upper;
    }
    data = { ...model, colLower, colUpper, ...(hessian ? { hessian } : {}) };
  }
  const f = highs.createModel(toModelData(data, highs.infinity));
  try {
    f.options.set({
      output_flag: false,
      ...BASE_OPTIONS,
      ...options,
      time_limit: Math.max(1e-3, ctx.timeLimit - elapsed(ctx)),
    });
    return fn(f);
  } finally {
    state.extraTime += f.getRunTime();
    f.dispose();
  }
}

/** Solver seconds spent so far in this call (persistent model + fresh retries). */
function elapsed(ctx: SolveCtx): number {
  return ctx.m.getRunTime() + ctx.state.extraTime;
}

/** Columns without any Hessian entry (zero curvature). */
function flatColumns(model: QpModel): Int32Array {
  const touched = new Uint8Array(model.numCols);
  const H = model.hessian;
  if (H)
    for (let j = 0; j < model.numCols; j++)
      for (let p = H.starts[j] as number; p < (H.starts[j + 1] as number); p++) {
        touched[j] = 1;
        touched[H.indices[p] as number] = 1;
      }
  const out: number[] = [];
  for (let j = 0; j < model.numCols; j++) if (!touched[j]) out.push(j);
  return Int32Array.from(out);
}

/** Proximal-point iterations on the flat columns, on a fresh model (see solveRobust). */
function proxSolve(ctx: SolveCtx, bounds: readonly BoundOverride[], eps: number): Snapshot {
  const { model, state } = ctx;
  const flat = flatColumns(model);
  const H = model.hessian as CscMatrix;
  // H + ε on the flat diagonal (their columns are empty, so each gains one entry).
  const isFlat = new Uint8Array(model.numCols);
  for (const j of flat) isFlat[j] = 1;
  const starts = new Int32Array(model.numCols + 1);
  const nnz = H.values.length + flat.length;
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let q = 0;
  for (let j = 0; j < model.numCols; j++) {
    starts[j] = q;
    if (isFlat[j]) {
      indices[q] = j;
      values[q++] = eps;
    } else
      for (let p = H.starts[j] as number; p < (H.starts[j + 1] as number); p++) {
        indices[q] = H.indices[p] as number;
        values[q++] = H.values[p] as number;
      }
  }
  starts[model.numCols] = q;
  const sel = { kind: 'set' as const, indices: flat };
  const baseCost = Float64Array.from(flat, (j) => model.colCost[j] as number);
  const cost = new Float64Array(flat.length);
  const center = new Float64Array(flat.length);
  return withFresh(ctx, bounds, {}, { starts, indices, values }, (f) => {
    let snap: Snapshot | null = null;
    for (let it = 0; it < 100 && flat.length > 0; it++) {
      for (let k = 0; k < flat.length; k++)
        cost[k] = (baseCost[k] as number) - eps * (center[k] as number);
      f.changeColsCost(sel, cost);
      const code = runOnce(f);
      state.iterations += iterationsOf(f);
      snap = snapshot(f, code, model);
      if (snap.status !== 'optimal') return snap;
      let move = 0;
      let size = 1;
      for (let k = 0; k < flat.length; k++) {
        const z = snap.x[flat[k] as number] as number;
        move = Math.max(move, Math.abs(z - (center[k] as number)));
        size = Math.max(size, Math.abs(z));
        center[k] = z;
      }
      if (move <= 1e-11 * size) break;
    }
    if (!snap) {
      const code = runOnce(f);
      state.iterations += iterationsOf(f);
      return snapshot(f, code, model);
    }
    // Report the original objective (the prox terms vanish at convergence; the linear shift does
    // not, so recompute) and the reduced costs without the prox gradient ε (z − z_k).
    snap.objective = objectiveOf(model, snap.x);
    for (let k = 0; k < flat.length; k++) {
      const j = flat[k] as number;
      snap.colDual[j] =
        (snap.colDual[j] as number) - eps * ((snap.x[j] as number) - (center[k] as number));
    }
    return snap;
  });
}

/** ½xᵀQx + cᵀx + offset. */
function objectiveOf(model: QpModel, x: Float64Array): number {
  const Qx = hessianTimes(model, x);
  let v = model.offset;
  for (let j = 0; j < model.numCols; j++)
    v += (x[j] as number) * (0.5 * (Qx[j] as number) + (model.colCost[j] as number));
  return v;
}

function runOnce(m: Model): number {
  try {
    m.run();
  } catch (e) {
    // The throwing wrapper raises on native status −1 (e.g. `Solve error`); the model status
    // still tells what happened, so read it instead of failing here.
    if (!(e instanceof Error) || (e as { status?: number }).status !== -1) throw e;
  }
  return m.getModelStatus();
}

function iterationsOf(m: Model): number {
  return infoNumber(m, 'qp_iteration_count') + infoNumber(m, 'simplex_iteration_count');
}

interface Snapshot {
  status: QpStatus;
  code: number;
  objective: number;
  x: Float64Array;
  rowActivity: Float64Array;
  colDual: Float64Array;
  rowDual: Float64Array;
  primalFeasible: boolean;
  dualFeasible: boolean;
}

function snapshot(m: Model, code: number, model: QpModel): Snapshot {
  const primalFeasible = infoNumber(m, 'primal_solution_status') === 2;
  const dualFeasible = infoNumber(m, 'dual_solution_status') === 2;
  let status = statusOf(code);
  // "Optimal" without a feasible primal solution is not an answer.
  if (status === 'optimal' && !primalFeasible) status = 'error';
  const s = status === 'optimal' ? m.getSolution() : null;
  // Nor is an "optimal" point that violates the model (checked here, not taken on trust).
  if (s && primalViolation(model, s.colValue) > 1e-6) status = 'error';
  if (s && status === 'optimal') {
    return {
      status,
      code,
      objective: m.getObjectiveValue(),
      x: s.colValue,
      rowActivity: s.rowValue,
      colDual: s.colDual,
      rowDual: s.rowDual,
      primalFeasible,
      dualFeasible,
    };
  }
  return {
    status,
    code,
    objective: NaN,
    x: new Float64Array(model.numCols),
    rowActivity: new Float64Array(model.numRows),
    colDual: new Float64Array(model.numCols),
    rowDual: new Float64Array(model.numRows),
    primalFeasible,
    dualFeasible,
  };
}

export interface HighsQpSolver extends QpSolverPort {
  /** The same solve, synchronously (for the worker and for callers already off the main thread). */
  solveSync(model: QpModel, options: SolveOptions): QpSolution;
  readonly version: string;
}

/**
 * Creates the HiGHS-backed solver port.
 *
 * Example: `createHighsQpSolver(await loadHighs()).solve(model, { timeLimitSeconds: 10 })`
 * resolves to `{ status: 'optimal', x, objective, … }` or a non-optimal status with a message.
 */
export function createHighsQpSolver(highs: Highs): HighsQpSolver {
  const solveSync = (model: QpModel, options: SolveOptions): QpSolution =>
    solveWith(highs, model, options);
  return {
    name: `highs-wasm ${highs.version.string}`,
    version: highs.version.string,
    solveSync,
    solve: (model, options) => {
      try {
        return Promise.resolve(solveSync(model, options));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
  };
}

/**
 * HiGHS refuses a model whose coefficients are not finite or are beyond its limits (passModel
 * status -1): a stored run with prices near 1e300 builds such a covariance. That is the data's
 * doing, not an internal failure: DATA_BLOCKED (422) with HiGHS's reason.
 */
function createModelOrRefuse(highs: Highs, model: QpModel): Model {
  try {
    return highs.createModel(toModelData(model, highs.infinity));
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new EngineError(
      'DATA_BLOCKED',
      `the optimizer cannot take the problem built from this data: ${reason}; the inputs or the price history hold values too large (or not finite) once squared`,
      [{ path: 'price_history', message: 'values too large for the optimizer' }],
    );
  }
}

function solveWith(highs: Highs, model: QpModel, options: SolveOptions): QpSolution {
  const m = createModelOrRefuse(highs, model);
  const state: RunState = {
    iterations: 0,
    retries: 0,
    prox: 0,
    extraTime: 0,
    options: { ...BASE_OPTIONS },
  };
  try {
    m.options.set({
      output_flag: false,
      time_limit: Math.max(1e-3, options.timeLimitSeconds),
      ...BASE_OPTIONS,
    });
    const discrete = model.discrete ?? [];
    if (discrete.length === 0) {
      const snap = solveRobust({ highs, m, model, state, timeLimit: options.timeLimitSeconds });
      const code = snap.code;
      const out: QpSolution = {
        ...snap,
        modelStatus: MODEL_STATUS_NAMES[code] ?? `status ${code}`,
        iterations: state.iterations,
        solveTimeMs: (m.getRunTime() + state.extraTime) * 1000,
        retries: state.retries,
        options: state.options,
      };
      if (snap.status === 'infeasible' && options.iis) out.iis = iisOf(m);
      if (snap.status === 'error')
        out.message =
          `HiGHS ended with "${out.modelStatus}"` +
          (state.retries
            ? ` after ${state.retries} retries (user_bound_scale 5 and 8, proximal legs)`
            : '');
      return out;
    }
    return solveDiscrete(highs, m, model, options, state);
  } finally {
    m.dispose();
  }
}

function iisOf(m: Model): QpSolution['iis'] {
  try {
    const r = m.getIis();
    return {
      rows: Array.from(r.rowIndex),
      rowBounds: Array.from(r.rowBound),
      cols: Array.from(r.colIndex),
      colBounds: Array.from(r.colBound),
    };
  } catch {
    return undefined;
  }
}

function solveDiscrete(
  highs: Highs,
  m: Model,
  model: QpModel,
  options: SolveOptions,
  state: RunState,
): QpSolution {
  const inf = highs.infinity;
  const ctx: SolveCtx = { highs, m, model, state, timeLimit: options.timeLimitSeconds };
  const applied = new Set<number>();
  let lastCode = 0;
  const relax = (bounds: BoundOverride[]) => {
    // Restore columns changed by the previous node, then apply this node's bounds.
    for (const c of applied)
      m.changeColBounds(
        c,
        fin(model.colLower[c] as number, inf),
        fin(model.colUpper[c] as number, inf),
      );
    applied.clear();
    for (const b of bounds) {
      m.changeColBounds(b.col, fin(b.lower, inf), fin(b.upper, inf));
      applied.add(b.col);
    }
    const snap = solveRobust(ctx, bounds);
    lastCode = snap.code;
    return snap;
  };
  const tol = 1e-7;
  const res = branchAndBound(model.discrete ?? [], model.colLower, model.colUpper, relax, {
    maxNodes: options.maxNodes ?? 20000,
    relGap: options.mipRelGap ?? 1e-9,
    absGap: 1e-9,
    tol,
    expired: () => elapsed(ctx) >= options.timeLimitSeconds,
  });
  const inc = res.incumbent;
  const base = {
    modelStatus:
      res.status === 'optimal'
        ? 'Optimal'
        : res.status === 'infeasible'
          ? 'Infeasible'
          : (MODEL_STATUS_NAMES[lastCode] ?? res.status),
    iterations: state.iterations,
    solveTimeMs: (m.getRunTime() + state.extraTime) * 1000,
    retries: state.retries,
    options: state.options,
    mip: {
      nodes: res.nodes,
      relaxations: res.relaxations,
      bestBound: res.bestBound,
      gap: res.gap,
      nodeBounds: res.incumbentBounds,
    },
  };
  if (inc) {
    return {
      ...base,
      status: res.status === 'infeasible' ? 'optimal' : res.status,
      objective: inc.objective,
      x: inc.x,
      rowActivity: inc.rowActivity,
      colDual: inc.colDual,
      rowDual: inc.rowDual,
      primalFeasible: inc.primalFeasible,
      dualFeasible: inc.dualFeasible,
      ...(res.message ? { message: res.message } : {}),
    };
  }
  const empty: QpSolution = {
    ...base,
    status: res.status === 'optimal' ? 'infeasible' : res.status,
    objective: NaN,
    x: new Float64Array(model.numCols),
    rowActivity: new Float64Array(model.numRows),
    colDual: new Float64Array(model.numCols),
    rowDual: new Float64Array(model.numRows),
    primalFeasible: false,
    dualFeasible: false,
    message:
      res.message ??
      (res.status === 'infeasible'
        ? 'no point satisfies the discrete (whole-lot / minimum-trade) rules and the constraints'
        : `branch-and-bound stopped (${res.status}) before finding a discrete-feasible point`),
  };
  return empty;
}

function fin(v: number, inf: number): number {
  return v === Infinity ? inf : v === -Infinity ? -inf : v;
}
