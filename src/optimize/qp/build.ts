/**
 * Model building: the portfolio problem as a scaled QP for the solver port.
 *
 * Scaling (FINDINGS.md: HiGHS failed with `Solve error` at n ≥ 100 on an unscaled model whose
 * objective was about 1e-4): weights are multiplied by s = max(100, n) (percent up to 100 assets,
 * then so that the average weight is 1), and the objective by s², which keeps the Hessian at 2Σ.
 * On 144 random rebalancing QPs (track_target and min_variance, n = 20..1,000) this solved without
 * a retry in all but 1, where plain percent failed in 9 (5 of 32 at n = 600, 4 of 16 at n = 1,000)
 * and raw weights (s = 1) in most from n = 100 on.
 *
 * w-space model (track_target, min_variance, mean_variance, and stage 2 of the others):
 *   columns  x = s·w (n) | b, s (n each, when a turnover cap or costs exist) | f (k, factor covariance)
 *   rows     x_i − b_i + s_i = s·w0_i                      (trade split, one per asset)
 *            Σ x + Σ c_i (b_i + s_i) [=|≤] s·(1 − cash floor)   (budget, costs paid from cash)
 *            s·min_C ≤ Σ_{i∈C} x_i ≤ s·max_C               (asset classes)
 *            Σ (b + s) ≤ 2 s τ                            (one-way turnover)
 *            x_i − p_i + q_i = 0,  Σ (p + q) ≤ s G        (gross exposure Σ|w| ≤ G, when set)
 *            f_j − Σ_i G_ij x_i = −Σ_i G_ij x_t,i         (factor exposures, Σ = G Gᵀ + D)
 *   market_neutral books replace the budget row by Σ x = 0 (named `market_neutral`; cash is then
 *   1 − costs) and keep Σ x + costs ≤ s·(1 − cash floor) only when a cash floor is set.
 *   The gross split is exact: any w has p = max(w, 0), q = max(−w, 0) with Σ(p + q) = Σ|w|, and
 *   every split has Σ(p + q) ≥ Σ|w|, so the row holds iff Σ|w| ≤ G.
 * y-space model (max_sharpe, homogenized: w = y / κ) is described at `buildSharpe`.
 */
import type { CovarianceInput, CscMatrix, DiscreteColumn, QpModel } from './types';
import { covTimes, quad, type Normalized } from './normalize';

/** Where a named natural-units constraint sits in the solved model (for its dual). */
export interface DualRef {
  kind: 'row' | 'col';
  index: number;
  /** ∂objective/∂bound in natural units = solver dual × unit / objScale. */
  unit: number;
}

export interface Layout {
  space: 'w' | 'y';
  n: number;
  b: number;
  s: number;
  f: number;
  k: number;
  /** Offset of the gross-exposure legs p (q at g + n); −1 without a gross limit. */
  g: number;
  kappa: number;
  /** Scaled objective = objScale × natural objective (w-space: s²); 1 in y-space. */
  objScale: number;
  /** s: scaled column value = s × weight (w-space), or the target of κ (y-space). */
  wScale: number;
  /** y-space: the right-hand side of the return normalization row. */
  retScale: number;
  duals: Map<string, DualRef>;
  /** Names of the lower and upper side of each row / column (null: internal, never reported). */
  rowNames: Array<[string | null, string | null]>;
  colNames: Array<[string | null, string | null]>;
}

export interface Built {
  model: QpModel;
  layout: Layout;
}

/** `min_turnover` is the phase-1 LP of the infeasibility diagnosis: minimize Σ (b + s). */
export type Objective = 'track' | 'variance' | 'mean_variance' | 'min_turnover';

/** Growable COO list, converted to CSC once. */
class Coo {
  rows: number[] = [];
  cols: number[] = [];
  vals: number[] = [];
  push(r: number, c: number, v: number) {
    if (v === 0) return;
    this.rows.push(r);
    this.cols.push(c);
    this.vals.push(v);
  }
  toCsc(numCols: number): CscMatrix {
    const nnz = this.vals.length;
    const starts = new Int32Array(numCols + 1);
    for (let e = 0; e < nnz; e++) {
      const c = (this.cols[e] as number) + 1;
      starts[c] = (starts[c] as number) + 1;
    }
    for (let c = 0; c < numCols; c++)
      starts[c + 1] = (starts[c + 1] as number) + (starts[c] as number);
    const pos = starts.slice(0, numCols);
    const indices = new Int32Array(nnz);
    const values = new Float64Array(nnz);
    for (let e = 0; e < nnz; e++) {
      const c = this.cols[e] as number;
      const p = pos[c] as number;
      pos[c] = p + 1;
      indices[p] = this.rows[e] as number;
      values[p] = this.vals[e] as number;
    }
    return { starts, indices, values };
  }
}

/** Lower triangle of h·Σ over columns [0, n) of a model with `numCols` columns (dense Σ). */
function denseHessian(
  S: Float64Array,
  n: number,
  h: number,
  numCols: number,
  diagTail: Float64Array | null,
  tailStart: number,
): CscMatrix {
  const tail = diagTail ? diagTail.length : 0;
  const nnz = (n * (n + 1)) / 2 + tail;
  const starts = new Int32Array(numCols + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let p = 0;
  for (let j = 0; j < n; j++) {
    starts[j] = p;
    for (let i = j; i < n; i++) {
      indices[p] = i;
      values[p] = h * (S[i * n + j] as number);
      p++;
    }
  }
  for (let j = n; j < numCols; j++) {
    starts[j] = p;
    const t = j - tailStart;
    if (diagTail && t >= 0 && t < tail) {
      indices[p] = j;
      values[p] = diagTail[t] as number;
      p++;
    }
  }
  starts[numCols] = p;
  return { starts, indices: indices.subarray(0, p), values: values.subarray(0, p) };
}

/** Diagonal Hessian (factor form). */
function diagHessian(diag: Float64Array): CscMatrix {
  const m = diag.length;
  const starts = new Int32Array(m + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let j = 0; j < m; j++) {
    starts[j] = idx.length;
    const v = diag[j] as number;
    if (v !== 0) {
      idx.push(j);
      val.push(v);
    }
  }
  starts[m] = idx.length;
  return { starts, indices: Int32Array.from(idx), values: Float64Array.from(val) };
}

/** G = B·L with F = L Lᵀ (Cholesky with a tiny ridge if F is only semi-definite). */
export function factorRoot(
  cov: Extract<CovarianceInput, { kind: 'factor' }>,
  n: number,
): Float64Array {
  const { k, factorCov: F, loadings: B } = cov;
  const L = new Float64Array(k * k);
  let ridge = 0;
  let maxDiag = 0;
  for (let a = 0; a < k; a++) maxDiag = Math.max(maxDiag, F[a * k + a] as number);
  for (let attempt = 0; attempt < 8; attempt++) {
    let ok = true;
    L.fill(0);
    for (let j = 0; j < k && ok; j++) {
      let d = (F[j * k + j] as number) + ridge;
      for (let p = 0; p < j; p++) d -= (L[j * k + p] as number) ** 2;
      if (d < 0 && d > -1e-12 * Math.max(1, maxDiag)) d = 0;
      if (d < 0) {
        ok = false;
        break;
      }
      const ljj = Math.sqrt(d);
      L[j * k + j] = ljj;
      for (let i = j + 1; i < k; i++) {
        let s = F[i * k + j] as number;
        for (let p = 0; p < j; p++) s -= (L[i * k + p] as number) * (L[j * k + p] as number);
        L[i * k + j] = ljj > 0 ? s / ljj : 0;
      }
    }
    if (ok) break;
    ridge = ridge === 0 ? 1e-12 * Math.max(1e-12, maxDiag) : ridge * 100;
  }
  const G = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let a = b; a < k; a++) s += (B[i * k + a] as number) * (L[a * k + b] as number);
      G[i * k + b] = s;
    }
  return G;
}

/**
 * Buy/sell complementarity for every costly leg pair: with costs in the budget row, b_i = s_i > 0
 * would "spend" cash on round trips; branch-and-bound forbids it where a relaxation does it.
 */
export function legPairs(N: Normalized, layout: Layout): DiscreteColumn[] {
  if (layout.b < 0) return [];
  const out: DiscreteColumn[] = [];
  for (let i = 0; i < N.n; i++)
    if ((N.cost[i] as number) > 0 && !N.noTrade[i])
      out.push({ col: layout.b + i, pair: layout.s + i, base: 0, step: 0, minAbs: 0 });
  return out;
}

/** The weight scale s = max(100, n) (see the file comment). */
export function weightScale(n: number): number {
  return Math.max(100, n);
}

/** Largest weight of one lot among assets that may trade (the residual-cash allowance). */
export function lotResidualAllowance(N: Normalized): number {
  if (!N.lotW) return 0;
  let r = 0;
  for (let i = 0; i < N.n; i++) if (!N.noTrade[i]) r = Math.max(r, N.lotW[i] as number);
  return r;
}

/**
 * Builds the w-space QP.
 *
 * Objectives (natural units, all minimized, then × s² with x = s·w):
 *   track          (w − w_t)ᵀ Σ (w − w_t) + Σ c_i |Δw_i|
 *   variance       wᵀ Σ w + Σ c_i |Δw_i|
 *   mean_variance  λ/2 wᵀ Σ w − (μ − r_f)ᵀ w + Σ c_i |Δw_i|
 *
 * Example: two assets, min variance, Σ = diag(0.04, 0.09), full investment: Q = 2Σ,
 * one budget row x_0 + x_1 = 100 (s = 100); the optimum x = (69.23, 30.77) is w = (9/13, 4/13).
 */
export function buildW(
  N: Normalized,
  objective: Objective,
  opts: {
    target?: Float64Array | null;
    discrete?: boolean;
    /**
     * Adds the row (μ − r_f)ᵀw − Σ c_i |Δw_i| ≥ this (annual), i.e. an expected return (cash
     * earning r_f, net of costs) of at least r_f + this: a point of the efficient frontier
     * (frontier.ts). Needs expected returns.
     */
    minExcessReturn?: number;
  } = {},
): Built {
  const { n } = N;
  const sc = weightScale(n);
  const lp = objective === 'min_turnover';
  const trades = N.tau !== null || N.anyCost || lp;
  // The phase-1 LP needs no covariance at all.
  const cov = lp ? ({ kind: 'dense', matrix: new Float64Array(0) } as const) : N.cov;
  const factor = cov.kind === 'factor';
  const k = factor ? cov.k : 0;
  const bOff = trades ? n : -1;
  const sOff = trades ? 2 * n : -1;
  const fOff = factor ? (trades ? 3 * n : n) : -1;
  const gOff = N.gross !== null ? n + (trades ? 2 * n : 0) + k : -1;
  const numCols = n + (trades ? 2 * n : 0) + k + (gOff >= 0 ? 2 * n : 0);
  const target = objective === 'track' ? (opts.target ?? N.wt) : null;
  if (objective === 'track' && !target) throw new Error('track objective needs a target');

  const colCost = new Float64Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols);
  const duals = new Map<string, DualRef>();
  const rowNames: Array<[string | null, string | null]> = [];
  const colNames: Array<[string | null, string | null]> = new Array(numCols).fill([null, null]);
  const x0 = new Float64Array(n);
  for (let i = 0; i < n; i++) x0[i] = sc * (N.w0[i] as number);

  for (let i = 0; i < n; i++) {
    const name = N.assets[i] as string;
    if (N.noTrade[i]) {
      colLower[i] = x0[i] as number;
      colUpper[i] = x0[i] as number;
      duals.set(`no_trade:${name}`, { kind: 'col', index: i, unit: sc });
      colNames[i] = [`no_trade:${name}`, `no_trade:${name}`];
    } else {
      colLower[i] = sc * (N.lo[i] as number);
      colUpper[i] = sc * (N.hi[i] as number);
      duals.set(`asset_min:${name}`, { kind: 'col', index: i, unit: sc });
      duals.set(`asset_max:${name}`, { kind: 'col', index: i, unit: sc });
      colNames[i] = [`asset_min:${name}`, `asset_max:${name}`];
    }
    if (trades) {
      const c = lp ? 1 : sc * (N.cost[i] as number);
      colCost[bOff + i] = c;
      colCost[sOff + i] = c;
      // Legs are only bounded below: upper bounds implied by x's bounds would split the dual
      // of an asset bound between x and a leg.
      colLower[bOff + i] = 0;
      colLower[sOff + i] = 0;
      // A no-trade asset has no legs (a round trip would only burn cash on costs).
      colUpper[bOff + i] = N.noTrade[i] ? 0 : Infinity;
      colUpper[sOff + i] = N.noTrade[i] ? 0 : Infinity;
    }
  }
  for (let j = 0; j < k; j++) {
    colLower[fOff + j] = -Infinity;
    colUpper[fOff + j] = Infinity;
  }
  // Gross legs p, q ≥ 0 (colLower is already 0).
  if (gOff >= 0) colUpper.fill(Infinity, gOff, gOff + 2 * n);

  // Objective.
  const hq = objective === 'mean_variance' ? N.lambda : lp ? 0 : 2;
  let offset = 0;
  if (objective === 'mean_variance') {
    const e = N.excess as Float64Array;
    for (let i = 0; i < n; i++) colCost[i] = (colCost[i] as number) - sc * (e[i] as number);
  }
  let G: Float64Array | null = null;
  const xt = new Float64Array(n);
  if (target) for (let i = 0; i < n; i++) xt[i] = sc * (target[i] as number);
  if (target) {
    if (!factor) {
      const St = covTimes(cov, n, xt, new Float64Array(n));
      for (let i = 0; i < n; i++) colCost[i] = (colCost[i] as number) - hq * (St[i] as number);
      offset = (hq / 2) * quad(cov, n, xt, xt);
    } else {
      const d = cov.specificVar;
      for (let i = 0; i < n; i++) {
        colCost[i] = (colCost[i] as number) - hq * (d[i] as number) * (xt[i] as number);
        offset += (hq / 2) * (d[i] as number) * (xt[i] as number) ** 2;
      }
    }
  }

  // Rows.
  const coo = new Coo();
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  let r = 0;
  if (trades) {
    for (let i = 0; i < n; i++) {
      coo.push(r, i, 1);
      coo.push(r, bOff + i, -1);
      coo.push(r, sOff + i, 1);
      rowLower.push(x0[i] as number);
      rowUpper.push(x0[i] as number);
      rowNames.push([null, null]);
      r++;
    }
  }
  // Budget: invested weight plus costs (paid from cash) equals, or stays below, 1 − floor.
  const budgetRow = r;
  for (let i = 0; i < n; i++) coo.push(r, i, 1);
  if (trades && !N.neutral)
    for (let i = 0; i < n; i++) {
      const c = N.cost[i] as number;
      coo.push(r, bOff + i, c);
      coo.push(r, sOff + i, c);
    }
  const top = sc * (1 - (N.cashFloor ?? 0));
  if (N.neutral) {
    // Σ x = 0 (the row holds Σ x only: costs are paid from the cash leg). Whole lots cannot meet
    // an equality exactly: they may leave up to one lot of net exposure.
    const allowance = opts.discrete ? sc * lotResidualAllowance(N) : 0;
    rowLower.push(-allowance);
    rowUpper.push(allowance);
    duals.set('market_neutral', { kind: 'row', index: r, unit: sc });
    rowNames.push(['market_neutral', 'market_neutral']);
    if (N.cashFloor !== null) {
      r++;
      for (let i = 0; i < n; i++) coo.push(r, i, 1);
      if (trades)
        for (let i = 0; i < n; i++) {
          const c = N.cost[i] as number;
          coo.push(r, bOff + i, c);
          coo.push(r, sOff + i, c);
        }
      rowLower.push(-Infinity);
      rowUpper.push(top);
      duals.set('cash_floor', { kind: 'row', index: r, unit: sc });
      rowNames.push([null, 'cash_floor']);
    }
  } else if (N.cashFloor === null) {
    const allowance = opts.discrete ? sc * lotResidualAllowance(N) : 0;
    rowLower.push(top - allowance);
    rowUpper.push(top);
    duals.set('budget', { kind: 'row', index: r, unit: sc });
    rowNames.push([allowance > 0 ? 'budget_whole_lots' : 'budget', 'budget']);
  } else {
    rowLower.push(-Infinity);
    rowUpper.push(top);
    duals.set('cash_floor', { kind: 'row', index: r, unit: sc });
    rowNames.push([null, 'cash_floor']);
  }
  r++;
  for (const c of N.classRows) {
    for (const i of c.members) coo.push(r, i, 1);
    rowLower.push(c.min === null ? -Infinity : sc * c.min);
    rowUpper.push(c.max === null ? Infinity : sc * c.max);
    if (c.min !== null) duals.set(`class_min:${c.name}`, { kind: 'row', index: r, unit: sc });
    if (c.max !== null) duals.set(`class_max:${c.name}`, { kind: 'row', index: r, unit: sc });
    rowNames.push([`class_min:${c.name}`, `class_max:${c.name}`]);
    r++;
  }
  if (N.tau !== null) {
    for (let i = 0; i < n; i++) {
      coo.push(r, bOff + i, 1);
      coo.push(r, sOff + i, 1);
    }
    rowLower.push(-Infinity);
    rowUpper.push(2 * sc * N.tau);
    duals.set('turnover', { kind: 'row', index: r, unit: 2 * sc });
    rowNames.push([null, 'turnover']);
    r++;
  }
  if (gOff >= 0) {
    for (let i = 0; i < n; i++) {
      coo.push(r, i, 1);
      coo.push(r, gOff + i, -1);
      coo.push(r, gOff + n + i, 1);
      rowLower.push(0);
      rowUpper.push(0);
      rowNames.push([null, null]);
      r++;
    }
    for (let i = 0; i < 2 * n; i++) coo.push(r, gOff + i, 1);
    rowLower.push(-Infinity);
    rowUpper.push(sc * (N.gross as number));
    duals.set('gross_exposure', { kind: 'row', index: r, unit: sc });
    rowNames.push([null, 'gross_exposure']);
    r++;
  }
  if (opts.minExcessReturn !== undefined) {
    const e = N.excess;
    if (!e) throw new Error('a return floor needs expected returns');
    for (let i = 0; i < n; i++) coo.push(r, i, e[i] as number);
    if (trades)
      for (let i = 0; i < n; i++) {
        coo.push(r, bOff + i, -(N.cost[i] as number));
        coo.push(r, sOff + i, -(N.cost[i] as number));
      }
    rowLower.push(sc * opts.minExcessReturn);
    rowUpper.push(Infinity);
    duals.set('min_return', { kind: 'row', index: r, unit: sc });
    rowNames.push(['min_return', null]);
    r++;
  }
  if (factor) {
    G = factorRoot(cov, n);
    for (let j = 0; j < k; j++) {
      coo.push(r + j, fOff + j, 1);
    }
    // Column-major pushes keep each column's rows ascending.
    const rhs = new Float64Array(k);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < k; j++) {
        const g = G[i * k + j] as number;
        coo.push(r + j, i, -g);
        if (target) rhs[j] = (rhs[j] as number) - g * (xt[i] as number);
      }
    for (let j = 0; j < k; j++) {
      rowLower.push(rhs[j] as number);
      rowUpper.push(rhs[j] as number);
      rowNames.push([null, null]);
    }
    r += k;
  }
  const numRows = r;

  let hessian: CscMatrix | undefined;
  if (hq > 0) {
    if (!factor) hessian = denseHessian(cov.matrix, n, hq, numCols, null, numCols);
    else {
      const diag = new Float64Array(numCols);
      for (let i = 0; i < n; i++) diag[i] = hq * (cov.specificVar[i] as number);
      for (let j = 0; j < k; j++) diag[fOff + j] = hq;
      hessian = diagHessian(diag);
    }
  }

  let discrete: DiscreteColumn[] | undefined;
  if (opts.discrete && (N.lotW || N.minTradeW)) {
    discrete = [];
    for (let i = 0; i < n; i++) {
      if (N.noTrade[i]) continue;
      const step = N.lotW ? sc * (N.lotW[i] as number) : 0;
      let minAbs = N.minTradeW ? sc * (N.minTradeW[i] as number) : 0;
      if (step > 0 && minAbs > 0) minAbs = Math.ceil(minAbs / step - 1e-9) * step;
      if (step > 0 || minAbs > 0) discrete.push({ col: i, base: x0[i] as number, step, minAbs });
    }
  }

  if (discrete && discrete.length > 0 && trades)
    for (let i = 0; i < n; i++)
      if ((N.cost[i] as number) > 0 && !N.noTrade[i])
        discrete.push({ col: bOff + i, pair: sOff + i, base: 0, step: 0, minAbs: 0 });

  const model: QpModel = {
    numCols,
    numRows,
    colCost,
    colLower,
    colUpper,
    rowLower: Float64Array.from(rowLower),
    rowUpper: Float64Array.from(rowUpper),
    matrix: coo.toCsc(numCols),
    offset,
    ...(hessian ? { hessian } : {}),
    ...(discrete && discrete.length > 0 ? { discrete } : {}),
  };
  void budgetRow;
  return {
    model,
    layout: {
      space: 'w',
      n,
      b: bOff,
      s: sOff,
      f: fOff,
      k,
      g: gOff,
      kappa: -1,
      objScale: sc * sc,
      wScale: sc,
      retScale: 1,
      duals,
      rowNames,
      colNames,
    },
  };
}

/**
 * Builds the homogenized max-Sharpe QP (Cornuéjols & Tütüncü, §8.2): with w = y / κ, κ ≥ 0,
 *   minimize yᵀ Σ y
 *   s.t. (μ − r_f)ᵀ y − Σ c_i (b_i + s_i) = ρ         (net excess return normalized to ρ)
 *        Σ y + Σ c_i (b_i + s_i) = (1 − cash floor) κ  (budget)
 *        min_i κ ≤ y_i ≤ max_i κ,  min_C κ ≤ Σ_C y ≤ max_C κ,  y_i = w0_i κ (no trade)
 *        y_i − b_i + s_i = w0_i κ,  Σ (b + s) ≤ 2 τ κ   (trades and turnover)
 *        y_i − p_i + q_i = 0,  Σ (p + q) ≤ G κ          (gross exposure, when set)
 * Every constraint of the w-space problem is homogeneous of degree one in (y, κ), so the optimum
 * maximizes the net Sharpe ratio ((μ − r_f)ᵀw − costs) / √(wᵀΣw) = ρ / √(yᵀΣy).
 * ρ = s × the mean positive excess return keeps κ near s (y on the scale of x).
 *
 * Example: Σ = diag(0.04, 0.09), μ − r_f = (0.08, 0.09), long-only: y ∝ Σ⁻¹(μ − r_f) = (2, 1),
 * w = (2/3, 1/3), Sharpe = √(0.08²/0.04 + 0.09²/0.09) = 0.5099.
 */
export function buildSharpe(N: Normalized): Built {
  const { n, cov } = N;
  const e = N.excess as Float64Array;
  const trades = N.tau !== null || N.anyCost;
  const factor = cov.kind === 'factor';
  const k = factor ? cov.k : 0;
  const kap = n;
  const bOff = trades ? n + 1 : -1;
  const sOff = trades ? 2 * n + 1 : -1;
  const fOff = factor ? (trades ? 3 * n + 1 : n + 1) : -1;
  const gOff = N.gross !== null ? n + 1 + (trades ? 2 * n : 0) + k : -1;
  const numCols = n + 1 + (trades ? 2 * n : 0) + k + (gOff >= 0 ? 2 * n : 0);
  const budgetShare = 1 - (N.cashFloor ?? 0);
  let posSum = 0;
  let posCount = 0;
  for (let i = 0; i < n; i++)
    if ((e[i] as number) > 0) {
      posSum += e[i] as number;
      posCount++;
    }
  const sc = weightScale(n);
  const rho = posCount > 0 ? (sc * posSum) / posCount : 1;
  let anyShort = false;
  for (let i = 0; i < n; i++) if ((N.lo[i] as number) < 0) anyShort = true;

  const colCost = new Float64Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols).fill(Infinity);
  const duals = new Map<string, DualRef>();
  const rowNames: Array<[string | null, string | null]> = [];
  const colNames: Array<[string | null, string | null]> = new Array(numCols).fill([null, null]);
  for (let i = 0; i < n; i++) colLower[i] = (N.lo[i] as number) >= 0 ? 0 : -Infinity;
  colLower[kap] = 0;
  if (trades)
    for (let i = 0; i < n; i++) {
      colLower[bOff + i] = 0;
      colLower[sOff + i] = 0;
      if (N.noTrade[i]) {
        colUpper[bOff + i] = 0;
        colUpper[sOff + i] = 0;
      }
    }
  for (let j = 0; j < k; j++) colLower[fOff + j] = -Infinity;

  const coo = new Coo();
  const rl: number[] = [];
  const ru: number[] = [];
  let r = 0;
  const row = (lo: number, hi: number, name?: string) => {
    rl.push(lo);
    ru.push(hi);
    if (name) duals.set(name, { kind: 'row', index: r, unit: 1 });
    rowNames.push([lo > -Infinity ? (name ?? null) : null, hi < Infinity ? (name ?? null) : null]);
    r++;
  };
  // Return normalization.
  for (let i = 0; i < n; i++) coo.push(r, i, e[i] as number);
  if (trades)
    for (let i = 0; i < n; i++) {
      coo.push(r, bOff + i, -(N.cost[i] as number));
      coo.push(r, sOff + i, -(N.cost[i] as number));
    }
  row(rho, rho);
  // Budget.
  for (let i = 0; i < n; i++) coo.push(r, i, 1);
  coo.push(r, kap, -budgetShare);
  if (trades)
    for (let i = 0; i < n; i++) {
      coo.push(r, bOff + i, N.cost[i] as number);
      coo.push(r, sOff + i, N.cost[i] as number);
    }
  row(0, 0, N.cashFloor === null ? 'budget' : 'cash_floor');
  // Asset bounds and no-trade.
  for (let i = 0; i < n; i++) {
    const name = N.assets[i] as string;
    const l = N.lo[i] as number;
    const u = N.hi[i] as number;
    if (N.noTrade[i]) {
      coo.push(r, i, 1);
      coo.push(r, kap, -(N.w0[i] as number));
      row(0, 0, `no_trade:${name}`);
      continue;
    }
    if (l !== 0) {
      coo.push(r, i, 1);
      coo.push(r, kap, -l);
      row(0, Infinity, `asset_min:${name}`);
    }
    if (u < budgetShare || anyShort) {
      coo.push(r, i, 1);
      coo.push(r, kap, -u);
      row(-Infinity, 0, `asset_max:${name}`);
    }
  }
  for (const c of N.classRows) {
    if (c.min !== null) {
      for (const i of c.members) coo.push(r, i, 1);
      coo.push(r, kap, -c.min);
      row(0, Infinity, `class_min:${c.name}`);
    }
    if (c.max !== null) {
      for (const i of c.members) coo.push(r, i, 1);
      coo.push(r, kap, -c.max);
      row(-Infinity, 0, `class_max:${c.name}`);
    }
  }
  if (trades) {
    for (let i = 0; i < n; i++) {
      coo.push(r, i, 1);
      coo.push(r, kap, -(N.w0[i] as number));
      coo.push(r, bOff + i, -1);
      coo.push(r, sOff + i, 1);
      row(0, 0);
    }
  }
  if (N.tau !== null) {
    for (let i = 0; i < n; i++) {
      coo.push(r, bOff + i, 1);
      coo.push(r, sOff + i, 1);
    }
    coo.push(r, kap, -2 * N.tau);
    row(-Infinity, 0, 'turnover');
  }
  if (gOff >= 0) {
    for (let i = 0; i < n; i++) {
      coo.push(r, i, 1);
      coo.push(r, gOff + i, -1);
      coo.push(r, gOff + n + i, 1);
      row(0, 0);
    }
    for (let i = 0; i < 2 * n; i++) coo.push(r, gOff + i, 1);
    coo.push(r, kap, -(N.gross as number));
    row(-Infinity, 0, 'gross_exposure');
  }
  if (factor) {
    const G = factorRoot(cov, n);
    const r0 = r;
    for (let j = 0; j < k; j++) row(0, 0);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < k; j++) coo.push(r0 + j, i, -(G[i * k + j] as number));
    for (let j = 0; j < k; j++) coo.push(r0 + j, fOff + j, 1);
  }

  let hessian: CscMatrix;
  if (!factor) hessian = denseHessian(cov.matrix, n, 2, numCols, null, numCols);
  else {
    const diag = new Float64Array(numCols);
    for (let i = 0; i < n; i++) diag[i] = 2 * (cov.specificVar[i] as number);
    for (let j = 0; j < k; j++) diag[fOff + j] = 2;
    hessian = diagHessian(diag);
  }
  return {
    model: {
      numCols,
      numRows: r,
      colCost,
      colLower,
      colUpper,
      rowLower: Float64Array.from(rl),
      rowUpper: Float64Array.from(ru),
      matrix: coo.toCsc(numCols),
      hessian,
      offset: 0,
    },
    layout: {
      space: 'y',
      n,
      b: bOff,
      s: sOff,
      f: fOff,
      k,
      g: gOff,
      kappa: kap,
      objScale: 1,
      wScale: sc,
      retScale: rho,
      duals,
      rowNames,
      colNames,
    },
  };
}
