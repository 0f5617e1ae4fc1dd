/**
 * Types of the constrained portfolio optimizer (issue #4).
 *
 * Two levels:
 * - `OptimizationProblem` is the portfolio problem in natural units (weights as fractions of the
 *   pre-trade portfolio value, annualized covariance and returns). `optimizePortfolio` turns it
 *   into one or more solver models and returns an `OptimizationResult` (the zod type of the
 *   response block in src/contract/optimize.ts).
 * - `QpModel` is the scaled numerical model handed to a `QpSolverPort` (HiGHS in a worker in
 *   production, HiGHS in-thread in tests). Its layout mirrors HiGHS's `ModelData` so the adapter
 *   copies arrays without reshaping.
 */

/** The optimized methods (the `threshold` rule engine lives elsewhere). */
export type OptimizationMethod =
  | 'track_target'
  | 'min_variance'
  | 'max_sharpe'
  | 'mean_variance'
  | 'risk_parity'
  | 'efficient_risk'
  | 'efficient_return'
  | 'max_quadratic_utility'
  | 'hrp';

export const OPTIMIZED_METHODS: readonly OptimizationMethod[] = [
  'track_target',
  'min_variance',
  'max_sharpe',
  'mean_variance',
  'risk_parity',
  'efficient_risk',
  'efficient_return',
  'max_quadratic_utility',
  'hrp',
];

/** Book types: see OptimizationProblem.book. */
export type BookKind = 'long_only' | 'long_short' | 'market_neutral';

/** Methods whose objective uses the expected returns μ. */
export const RETURN_METHODS: ReadonlySet<OptimizationMethod> = new Set([
  'max_sharpe',
  'mean_variance',
  'max_quadratic_utility',
  'efficient_risk',
  'efficient_return',
]);

/**
 * Annualized covariance, either dense (row-major n×n) or a factor model
 * Σ = B F Bᵀ + diag(d) with B n×k (row-major), F k×k (row-major) and specific variances d.
 */
export type CovarianceInput =
  | { kind: 'dense'; matrix: Float64Array }
  | {
      kind: 'factor';
      /** n×k loadings, row-major. */
      loadings: Float64Array;
      /** k×k factor covariance, row-major, positive semi-definite. */
      factorCov: Float64Array;
      /** n specific (idiosyncratic) variances, ≥ 0. */
      specificVar: Float64Array;
      k: number;
    };

export interface AssetBound {
  min: number;
  max: number;
}

export interface ClassBound {
  min?: number;
  max?: number;
}

/** Whole-lot trading: a trade in asset i is a whole number of lots of `lotSize[i]` units at `price[i]`. */
export interface LotSpec {
  lotSize: ArrayLike<number>;
  price: ArrayLike<number>;
}

/**
 * A portfolio optimization problem in natural units. Weights are fractions of the pre-trade
 * portfolio value V; cash is 1 − Σ w (not an asset). All arrays have one entry per asset.
 */
export interface OptimizationProblem {
  method: OptimizationMethod;
  assets: readonly string[];
  /** Asset class of each asset (any label, e.g. 'Stocks'); needed for `classBounds`. */
  assetClasses?: readonly string[];
  covariance: CovarianceInput;
  currentWeights: ArrayLike<number>;
  /** track_target: the target weights w_t. */
  targetWeights?: ArrayLike<number>;
  /** max_sharpe, mean_variance: annual expected returns μ. */
  expectedReturns?: ArrayLike<number>;
  /** Annual risk-free rate (the return of cash). Default 0. */
  riskFreeRate?: number;
  /** mean_variance, max_quadratic_utility: λ in max (μ − r_f)ᵀw − λ/2 wᵀΣw − costs. Default 1. */
  riskAversion?: number;
  /** efficient_risk: the annual volatility √(wᵀΣw) not to exceed (efficient.ts). */
  targetVolatility?: number;
  /** efficient_return: the annual expected return, net of costs, to reach at least (efficient.ts). */
  targetReturn?: number;
  /** hrp: the linkage of the tree clustering (src/optimize/hrp.ts). Default 'single'. */
  hrpLinkage?: 'single' | 'complete' | 'average' | 'ward';
  /** risk_parity: budgets b_i ≥ 0 (normalized to sum 1); default equal. 0 excludes the asset. */
  riskBudgets?: ArrayLike<number>;
  /** Per-asset bounds on the post-trade weight; default {min: 0, max: 1} (long-only). */
  bounds?: ReadonlyArray<AssetBound | undefined>;
  /** Bounds on the total weight of each asset class, keyed by class label. */
  classBounds?: Readonly<Record<string, ClassBound | undefined>>;
  /**
   * undefined: full investment, Σw + costs = 1. A number c: cash after trades and costs ≥ c,
   * i.e. Σw + costs ≤ 1 − c (max_sharpe and risk_parity invest exactly 1 − c: their objective
   * is scale-free).
   */
  cashFloor?: number;
  /** One-way turnover cap τ: Σ|w − w0| / 2 ≤ τ (at most 4; the contract keeps long_only ≤ 1). */
  turnoverCap?: number;
  /**
   * The kind of book (default long_only). market_neutral replaces full investment by Σw = 0 over
   * the assets (cash = 1 − costs); grossLimit G adds Σ|w_i| ≤ G, modelled as w = p − q,
   * p, q ≥ 0, Σ(p + q) ≤ G (build.ts). risk_parity and hrp are long-only (BAD_REQUEST otherwise),
   * max_sharpe is undefined for market_neutral (scale-free).
   */
  book?: { type: BookKind; grossLimit?: number | undefined };
  /** Linear transaction cost in basis points of the traded value, per asset or one for all. */
  costBps?: ArrayLike<number> | number;
  /** Assets whose weight is fixed at the current weight. */
  noTrade?: readonly string[];
  /** Portfolio value V in currency; required for `minTradeValue` and `lots`. */
  portfolioValue?: number;
  /** Minimum trade value in currency (per asset or one for all): a trade is 0 or ≥ this. */
  minTradeValue?: ArrayLike<number> | number;
  /** Whole-lot trading (mixed-integer). */
  lots?: LotSpec;
  /** Wall-clock limit per solver call, seconds. Default 10. */
  timeLimitSeconds?: number;
  /** Branch-and-bound limits for min-trade / whole-lot problems. */
  mip?: { maxNodes?: number; relGap?: number };
}

// ---------------------------------------------------------------------------------------------
// Solver port
// ---------------------------------------------------------------------------------------------

/** Compressed sparse column storage (0-based). */
export interface CscMatrix {
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/**
 * A column whose value must lie on a lattice and/or away from a base point:
 * x = base + step·k with k integer (when step > 0), and x = base or |x − base| ≥ minAbs
 * (when minAbs > 0). The port solves these by branch-and-bound over QP relaxations, because
 * HiGHS has no mixed-integer QP solver.
 */
export interface DiscreteColumn {
  col: number;
  base: number;
  step: number;
  minAbs: number;
  /**
   * Complementarity instead: x[col] ≥ 0 and x[pair] ≥ 0 may not both be positive (a buy leg and a
   * sell leg of the same asset). base/step/minAbs are ignored.
   */
  pair?: number;
}

/**
 * minimize ½ xᵀQx + cᵀx + offset  s.t.  rowLower ≤ A x ≤ rowUpper,  colLower ≤ x ≤ colUpper.
 * Q is the lower triangle in CSC (entries of Q itself, not halved); A is numRows × numCols CSC.
 * Infinite bounds are ±Infinity.
 */
export interface QpModel {
  numCols: number;
  numRows: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  matrix: CscMatrix;
  hessian?: CscMatrix;
  offset: number;
  discrete?: DiscreteColumn[];
}

export interface SolveOptions {
  /** Wall-clock limit for the whole call (all retries and nodes), seconds. */
  timeLimitSeconds: number;
  /** When the model is infeasible, compute an irreducible infeasible subsystem. */
  iis?: boolean;
  /** Branch-and-bound node limit (discrete columns only). Default 20,000. */
  maxNodes?: number;
  /** Relative gap at which branch-and-bound stops. Default 1e-9. */
  mipRelGap?: number;
}

export type QpStatus =
  | 'optimal'
  | 'infeasible'
  | 'unbounded'
  | 'time_limit'
  | 'iteration_limit'
  | 'node_limit'
  | 'error';

export interface BoundOverride {
  col: number;
  lower: number;
  upper: number;
}

export interface QpSolution {
  status: QpStatus;
  /** HiGHS model status name, e.g. 'Optimal', 'Infeasible', 'Solve error'. */
  modelStatus: string;
  x: Float64Array;
  rowActivity: Float64Array;
  colDual: Float64Array;
  rowDual: Float64Array;
  objective: number;
  /** QP + simplex iterations summed over every solve of the call. */
  iterations: number;
  /** Solver wall time summed over every solve of the call, ms (reported by the port). */
  solveTimeMs: number;
  /** Number of solves that ended in `Solve error` and were retried with `user_bound_scale`. */
  retries: number;
  /** Options of the final successful solve beyond the defaults. */
  options: Record<string, number | string | boolean>;
  primalFeasible: boolean;
  dualFeasible: boolean;
  message?: string;
  /** Present when the model had discrete columns. */
  mip?: {
    nodes: number;
    relaxations: number;
    bestBound: number;
    gap: number;
    /** Bounds of the QP whose solution is returned (the incumbent's node). */
    nodeBounds: BoundOverride[];
  };
  /** Present when `iis` was requested and the model is infeasible. */
  iis?: { rows: number[]; rowBounds: number[]; cols: number[]; colBounds: number[] };
}

/** Where solves run: HiGHS in a worker thread (server, Electron) or in-thread (tests, bench). */
export interface QpSolverPort {
  readonly name: string;
  solve(model: QpModel, options: SolveOptions): Promise<QpSolution>;
}
