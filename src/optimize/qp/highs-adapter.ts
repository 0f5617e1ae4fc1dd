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
import { branchAndBound } from './bnb';
import type {
  BoundOverride,
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
 * Options tried in order after a `Solve error` (FINDINGS.md: `user_bound_scale` 5–8 solved every
 * size); the last rung restores HiGHS's default QP regularization.
 */
const RETRY_LADDER: readonly Record<string, number>[] = [
  { user_bound_scale: 5 },
  { user_bound_scale: 8 },
  { user_bound_scale: 0, qp_regularization_value: 1e-7 },
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
  options: Record<string, number | string | boolean>;
}

/** One run with the retry ladder; returns the HiGHS model status code. */
function runWithRetry(m: Model, state: RunState): number {
  let code = runOnce(m);
  state.iterations += iterationsOf(m);
  for (const rung of RETRY_LADDER) {
    if (code !== 4) break;
    state.retries++;
    m.options.set(rung);
    Object.assign(state.options, rung);
    m.clearSolver();
    code = runOnce(m);
    state.iterations += iterationsOf(m);
  }
  return code;
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
  if (status === 'optimal') {
    const s = m.getSolution();
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

function solveWith(highs: Highs, model: QpModel, options: SolveOptions): QpSolution {
  const m = highs.createModel(toModelData(model, highs.infinity));
  const state: RunState = { iterations: 0, retries: 0, options: { ...BASE_OPTIONS } };
  try {
    m.options.set({
      output_flag: false,
      time_limit: Math.max(1e-3, options.timeLimitSeconds),
      ...BASE_OPTIONS,
    });
    const discrete = model.discrete ?? [];
    if (discrete.length === 0) {
      const code = runWithRetry(m, state);
      const snap = snapshot(m, code, model);
      const out: QpSolution = {
        ...snap,
        modelStatus: MODEL_STATUS_NAMES[code] ?? `status ${code}`,
        iterations: state.iterations,
        solveTimeMs: m.getRunTime() * 1000,
        retries: state.retries,
        options: state.options,
      };
      if (snap.status === 'infeasible' && options.iis) out.iis = iisOf(m);
      if (snap.status === 'error')
        out.message =
          `HiGHS ended with "${out.modelStatus}"` +
          (state.retries ? ` after ${state.retries} retries with user_bound_scale` : '');
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
  const applied = new Set<number>();
  let lastCode = 0;
  const relax = (bounds: BoundOverride[]) => {
    // Restore columns changed by the previous node, then apply this node's bounds.
    for (const c of applied)
      m.changeColBounds(c, fin(model.colLower[c] as number, inf), fin(model.colUpper[c] as number, inf));
    applied.clear();
    for (const b of bounds) {
      m.changeColBounds(b.col, fin(b.lower, inf), fin(b.upper, inf));
      applied.add(b.col);
    }
    lastCode = runWithRetry(m, state);
    return snapshot(m, lastCode, model);
  };
  const tol = 1e-7;
  const res = branchAndBound(model.discrete ?? [], model.colLower, model.colUpper, relax, {
    maxNodes: options.maxNodes ?? 20000,
    relGap: options.mipRelGap ?? 1e-9,
    absGap: 1e-9,
    tol,
    expired: () => m.getRunTime() >= options.timeLimitSeconds,
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
    solveTimeMs: m.getRunTime() * 1000,
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
