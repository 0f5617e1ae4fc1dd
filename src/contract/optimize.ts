import { z } from 'zod';
import { AssetClass, plainText, Warning } from './common';
import {
  ExpectedReturnsField,
  ExpectedReturnsInfo,
  PairObservations,
  refineEstimatorFields,
  shortForm,
  UserCovarianceFields,
  type EstimatorFields,
} from './estimators';
import { nameRecord } from './names';

/**
 * Request fields and the response block of the constrained optimizer (issue #4). The lead merges
 * `OptimizeRequestFields` into RebalanceRequest (spread into its z.object), calls
 * `refineOptimizeFields` from its superRefine, and adds `optimization: OptimizationResult.nullable()`
 * to RebalanceResponse. Methods, formulas and defaults: docs/methods.md (optimizer).
 */

export const REBALANCE_METHODS = [
  'threshold',
  'track_target',
  'min_variance',
  'max_sharpe',
  'mean_variance',
  'risk_parity',
  'efficient_risk',
  'efficient_return',
  'max_quadratic_utility',
  'hrp',
] as const;
export const RebalanceMethod = z.enum(REBALANCE_METHODS);
export type RebalanceMethod = z.infer<typeof RebalanceMethod>;
/** The methods solved by the optimizer (every method but the `threshold` rule engine). */
export const OptimizedMethod = RebalanceMethod.exclude(['threshold']);

export const HRP_LINKAGES = ['single', 'complete', 'average', 'ward'] as const;

/** Book types (docs/methods.md, long-short books). */
export const BOOK_TYPES = ['long_only', 'long_short', 'market_neutral'] as const;
export type BookType = (typeof BOOK_TYPES)[number];

/** Largest gross exposure Σ|w_i| a request may allow (400 % of NAV). */
export const MAX_GROSS_LIMIT = 4;
/** Largest one-way turnover cap of a long-short book (long_only stays at most 1). */
export const MAX_LONG_SHORT_TURNOVER = 4;

export const BookSpec = z
  .object({
    type: z
      .enum(BOOK_TYPES)
      .default('long_only')
      .describe(
        'long_only (default; every existing request): current weights and quantities ≥ 0, cash_weight < 1, turnover_limit ≤ 1. long_short: current weights may be negative (short positions), unlisted assets get bounds {min: −1, max: 1}, Σw + costs = 1 − cash floor (net exposure), turnover_limit up to 4. market_neutral: as long_short with Σw = 0 over the assets (the whole NAV in the cash leg). Weights are fractions of NAV = portfolio_value; short proceeds sit in cash, so Σ current_weight + cash_weight = 1 (± 0.005) and cash may exceed 1.',
      ),
    gross_limit: z
      .number()
      .gt(0, 'must be > 0')
      .max(MAX_GROSS_LIMIT, `must be <= ${MAX_GROSS_LIMIT}`)
      .optional()
      .describe(
        'Gross-exposure cap Σ|w_i| ≤ gross_limit on the post-trade weights, e.g. 1.6 for 130/30, 2 for a 100/100 market-neutral book (binding constraint `gross_exposure`). Optimized methods only.',
      ),
  })
  .describe('The kind of book (absent: long_only).');
export type BookSpec = z.infer<typeof BookSpec>;

const assetName = plainText(z.string().trim().min(1).max(128));

export const AssetBound = z
  .object({
    min: z.number().min(-1).max(1).default(0),
    max: z.number().min(-1).max(1).default(1),
  })
  .refine((b) => b.min <= b.max, { message: 'min must be <= max' });
export type AssetBoundInput = z.input<typeof AssetBound>;

export const ClassBound = z
  .object({
    min: z.number().min(0).max(1).optional(),
    max: z.number().min(0).max(1).optional(),
  })
  .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, {
    message: 'min must be <= max',
  });

export const COVARIANCE_ESTIMATORS = ['sample', 'ewma', 'ledoit_wolf', 'user', 'pairwise'] as const;

export const CovarianceSpec = z.object({
  estimator: z
    .enum(COVARIANCE_ESTIMATORS)
    .default('ledoit_wolf')
    .describe(
      'sample: ddof 1; ewma: exponentially weighted with `halflife` days; ledoit_wolf: shrinkage to the scaled identity (these three on the days common to every asset); pairwise: sample covariance of each pair over the days the two share (each asset’s full history), repaired to the nearest PSD matrix; user: `matrix` or `pairs`, annual, checked symmetric, repaired to PSD with a warning. Annualized × 252 (not user), repaired if not positive definite.',
    ),
  halflife: z
    .number()
    .positive()
    .max(5000)
    .default(63)
    .describe('EWMA half-life in trading days (ewma only).'),
  factors: z
    .number()
    .int()
    .min(1)
    .max(50)
    .optional()
    .describe(
      'Replace Σ by a k-factor statistical model (top-k eigenvectors + diagonal); faster for large n.',
    ),
  factor_series: z
    .array(assetName)
    .min(1)
    .max(20)
    .optional()
    .describe(
      'Names of price_history series used as observed factors (e.g. MTUM, QUAL, SIZE, USMV, VLUE); overrides `factors`.',
    ),
  ...UserCovarianceFields,
});
export type CovarianceSpec = z.infer<typeof CovarianceSpec>;

/** Fields to spread into RebalanceRequest's z.object(...). */
export const OptimizeRequestFields = {
  method: RebalanceMethod.default('threshold').describe(
    'threshold: the band rule engine; the others solve a constrained optimization (HiGHS). efficient_risk: max expected return with annual volatility ≤ target_volatility; efficient_return: min variance with expected return ≥ target_return; max_quadratic_utility: PyPortfolioOpt’s name for mean_variance; hrp: hierarchical risk parity (hrp_linkage).',
  ),
  risk_aversion: z
    .number()
    .min(0)
    .max(1e4)
    .default(1)
    .describe('λ in mean_variance and max_quadratic_utility: max (μ − r_f)ᵀw − λ/2 wᵀΣw − costs.'),
  target_volatility: z
    .number()
    .gt(0)
    .max(10)
    .optional()
    .describe(
      'efficient_risk (required): the largest annual volatility √(wᵀΣw) allowed, e.g. 0.15. Below the minimum-variance portfolio’s volatility under the constraints → 422 INFEASIBLE with the attainable range.',
    ),
  target_return: z
    .number()
    .min(-1)
    .max(10)
    .optional()
    .describe(
      'efficient_return (required): the least annual expected return r_f + (μ − r_f)ᵀw − costs to reach, e.g. 0.08. Above the largest attainable → 422 INFEASIBLE with the attainable range.',
    ),
  hrp_linkage: z
    .enum(HRP_LINKAGES)
    .default('single')
    .describe(
      'hrp: the linkage of the tree clustering on the correlation distance √((1 − ρ)/2), as scipy.cluster.hierarchy.linkage (PyPortfolioOpt’s default: single).',
    ),
  risk_budgets: nameRecord(assetName, z.number().min(0).max(1e6))
    .optional()
    .describe(
      'risk_parity budgets per asset (normalized to sum 1); assets not listed get 0 (excluded). Default: equal.',
    ),
  bounds: nameRecord(assetName, AssetBound)
    .optional()
    .describe('Per-asset post-trade weight bounds; default {min: 0, max: 1} (long-only).'),
  class_bounds: z
    .partialRecord(AssetClass, ClassBound)
    .optional()
    .describe('Bounds on the total weight per asset class.'),
  covariance: shortForm(
    'estimator',
    COVARIANCE_ESTIMATORS,
    CovarianceSpec,
    undefined,
    'The covariance estimator: an estimator name (e.g. "sample") or the object. The name is stored as the object with its defaults.',
  ).default({ estimator: 'ledoit_wolf', halflife: 63 }),
  expected_returns: ExpectedReturnsField,
  cash_floor: z
    .number()
    .min(0)
    .max(0.99)
    .optional()
    .describe(
      'Cash buffer, as a share of portfolio_value + cash_flow. Optimized methods keep at least this in cash after trades and costs (absent: full investment, Σw + costs = 1); the threshold method brings cash to this buffer whenever it trades (absent: 0).',
    ),
  no_trade: z
    .array(assetName)
    .max(5000)
    .optional()
    .describe(
      'Restricted assets: held at their current weight by every method (their orders have status restricted).',
    ),
  asset_cost_bps: nameRecord(assetName, z.number().min(0).max(1000))
    .optional()
    .describe('Per-asset linear cost overriding transaction_cost_bps.'),
  whole_lots: z
    .boolean()
    .default(false)
    .describe(
      'Trade whole lots (each asset’s lot_size) exactly, by branch-and-bound; residual cash reported.',
    ),
  optimizer_time_limit_seconds: z.number().gt(0).max(600).default(10),
  book: BookSpec.optional().describe(
    'long_only (absent), long_short or market_neutral, and an optional gross_limit; see docs/methods.md (long-short books).',
  ),
};

/** Methods that are long-only by construction (their weights are positive risk budgets). */
const LONG_ONLY_METHODS: readonly RebalanceMethod[] = ['risk_parity', 'hrp'];

/** Cross-field checks for the optimizer fields; call from RebalanceRequest's superRefine. */
export function refineOptimizeFields(
  req: {
    method: RebalanceMethod;
    target_volatility?: number | undefined;
    target_return?: number | undefined;
    assets: readonly { asset: string }[];
    bounds?: Record<string, unknown> | undefined;
    risk_budgets?: Record<string, number> | undefined;
    no_trade?: readonly string[] | undefined;
    asset_cost_bps?: Record<string, number> | undefined;
    covariance?: { factor_series?: readonly string[] | undefined } | undefined;
    price_history?: { prices: Record<string, unknown> } | undefined;
    book?: { type: BookType; gross_limit?: number | undefined } | undefined;
  } & EstimatorFields,
  ctx: z.RefinementCtx,
): void {
  refineEstimatorFields(req, ctx);
  refineBook(req, ctx);
  const names = new Set(req.assets.map((a) => a.asset));
  const targets = [
    ['efficient_risk', 'target_volatility', req.target_volatility],
    ['efficient_return', 'target_return', req.target_return],
  ] as const;
  for (const [method, field, value] of targets) {
    if (req.method === method && value === undefined)
      ctx.addIssue({ code: 'custom', path: [field], message: `required for method ${method}` });
  }
  const check = (field: string, keys: readonly string[]) =>
    keys.forEach((k, i) => {
      if (!names.has(k))
        ctx.addIssue({
          code: 'custom',
          path: field === 'no_trade' ? [field, i] : [field, k],
          message: `unknown asset "${k}"`,
        });
    });
  if (req.bounds) check('bounds', Object.keys(req.bounds));
  if (req.risk_budgets) {
    check('risk_budgets', Object.keys(req.risk_budgets));
    if (!Object.values(req.risk_budgets).some((b) => b > 0))
      ctx.addIssue({
        code: 'custom',
        path: ['risk_budgets'],
        message: 'at least one budget must be > 0',
      });
  }
  if (req.no_trade) check('no_trade', req.no_trade);
  if (req.asset_cost_bps) check('asset_cost_bps', Object.keys(req.asset_cost_bps));
  const fs = req.covariance?.factor_series;
  if (fs) {
    const series = req.price_history ? new Set(Object.keys(req.price_history.prices)) : null;
    fs.forEach((s, i) => {
      if (!series || !series.has(s))
        ctx.addIssue({
          code: 'custom',
          path: ['covariance', 'factor_series', i],
          message: `price_history has no series "${s}"`,
        });
    });
  }
}

/**
 * The methods a long-short book can use: risk_parity and hrp give positive weights by
 * construction, the threshold band rules are written for long-only sleeves, and max_sharpe is
 * scale-free (a market-neutral portfolio and any multiple of it have the same Sharpe ratio, so its
 * weights are not determined) — each is a 400 naming `book.type`. gross_limit is an optimizer
 * constraint, so with threshold it is a 400 naming `book.gross_limit`.
 */
function refineBook(
  req: { method: RebalanceMethod; book?: { type: BookType; gross_limit?: number | undefined } },
  ctx: z.RefinementCtx,
): void {
  const book = req.book;
  if (!book) return;
  const short = book.type !== 'long_only';
  if (short && LONG_ONLY_METHODS.includes(req.method))
    ctx.addIssue({
      code: 'custom',
      path: ['book', 'type'],
      message: `method ${req.method} is long-only by construction (positive risk budgets); a ${book.type} book needs track_target, min_variance, mean_variance, max_quadratic_utility, efficient_risk, efficient_return${book.type === 'long_short' ? ' or max_sharpe' : ''}`,
    });
  if (short && req.method === 'threshold')
    ctx.addIssue({
      code: 'custom',
      path: ['book', 'type'],
      message: `the threshold band rules are long-only (a band around a short position and its cash funding are not defined); a ${book.type} book needs an optimized method such as track_target`,
    });
  if (book.type === 'market_neutral' && req.method === 'max_sharpe')
    ctx.addIssue({
      code: 'custom',
      path: ['book', 'type'],
      message:
        'max_sharpe is undefined for a market_neutral book: with Σw = 0 every multiple of a portfolio has the same Sharpe ratio, so the weights are not determined; use efficient_risk (a volatility target) or mean_variance (a risk aversion)',
    });
  if (book.gross_limit !== undefined && req.method === 'threshold')
    ctx.addIssue({
      code: 'custom',
      path: ['book', 'gross_limit'],
      message: 'gross_limit is an optimizer constraint; the threshold method does not apply it',
    });
}

// ---------------------------------------------------------------------------------------------
// Response block
// ---------------------------------------------------------------------------------------------

const num = z.number();
const nnum = z.number().nullable();

export const CovarianceInfo = z.object({
  estimator: z.enum(COVARIANCE_ESTIMATORS),
  halflife: nnum,
  shrinkage: nnum.describe('Ledoit–Wolf shrinkage intensity in [0, 1].'),
  observations: z.number().int(),
  annualization: num,
  repaired: z.boolean(),
  jitter: num,
  min_eigenvalue_before_repair: nnum,
  pairwise: PairObservations.nullable().describe(
    'pairwise: the days each pair of assets shared; null for the other estimators.',
  ),
  factor_model: z
    .object({
      kind: z.enum(['pca', 'observed']),
      k: z.number().int(),
      explained_variance: nnum,
    })
    .nullable(),
});
export type CovarianceInfo = z.infer<typeof CovarianceInfo>;

export const SolverInfo = z.object({
  name: z.string(),
  status: z.enum(['optimal', 'optimal_within_gap', 'closed_form']),
  model_status: z.string().describe('HiGHS model status of the final solve.'),
  iterations: z.number().int(),
  solve_time_ms: num.describe('Solver wall time summed over all solves, as reported by the port.'),
  solves: z.number().int(),
  retries: z.number().int().describe('Solves retried with user_bound_scale after a Solve error.'),
  options: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  mip_nodes: z.number().int().nullable(),
  mip_gap: nnum,
});
export type SolverInfo = z.infer<typeof SolverInfo>;

export const BindingConstraint = z.object({
  name: z
    .string()
    .describe(
      "e.g. 'turnover', 'budget', 'cash_floor', 'class_max:Crypto', 'asset_max:AAPL', 'no_trade:GLD', 'gross_exposure' (Σ|w| ≤ book.gross_limit), 'market_neutral' (Σw = 0).",
    ),
  side: z.enum(['lower', 'upper', 'equality']),
  value: num.describe('Activity at the solution, natural units (weights).'),
  bound: num,
  dual: nnum.describe(
    '∂objective/∂bound in natural units (per 1.0 of weight; turnover per 1.0 of one-way turnover). null when not available.',
  ),
});
export type BindingConstraint = z.infer<typeof BindingConstraint>;

export const KktCheck = z.object({
  primal_residual: num.describe(
    'max constraint violation in scaled model units (weights × max(100, n); see docs/methods.md (optimizer)).',
  ),
  stationarity_residual: num.describe('‖Qx + c − Aᵀy − z‖∞ relative to the gradient scale.'),
  complementarity: num,
  dual_sign_violation: num,
  verified: z
    .boolean()
    .describe(
      'primal ≤ 1e-6, stationarity ≤ 1e-5, complementarity and dual sign ≤ 1e-6 (relative).',
    ),
  note: z.string(),
});
export type KktCheck = z.infer<typeof KktCheck>;

export const OptimizationWeightRow = z.object({
  asset: z.string(),
  current_weight: num,
  weight: num,
  trade_weight: num.describe('weight − current_weight.'),
  risk_contribution: nnum.describe('w_i (Σw)_i / wᵀΣw.'),
  lots: nnum.describe('Whole lots traded (signed), whole_lots only.'),
  units: nnum.describe('Units traded (signed), whole_lots only.'),
});
export type OptimizationWeightRow = z.infer<typeof OptimizationWeightRow>;

export const IntegerSolution = z.object({
  rules: z.array(z.enum(['whole_lots', 'min_trade'])),
  residual_cash: num.describe('Cash after trades and costs, in currency.'),
  residual_cash_weight: num,
  trades: z.number().int(),
  mip_gap: num,
  nodes: z.number().int(),
});
export type IntegerSolution = z.infer<typeof IntegerSolution>;

export const RiskParityInfo = z.object({
  budgets: z.array(num),
  contributions: z.array(num),
  max_deviation: num,
  algorithm: z.enum(['newton', 'ccd']),
  iterations: z.number().int(),
  constrained: z
    .boolean()
    .describe(
      'true when constraints forced a second stage (closest feasible portfolio in tracking error).',
    ),
});
export type RiskParityInfo = z.infer<typeof RiskParityInfo>;

export const TargetInfo = z.object({
  kind: z.enum(['volatility', 'return']),
  target: num.describe('target_volatility or target_return, as requested (annual).'),
  achieved_value: num.describe(
    'volatility: √(wᵀΣw); return: r_f + (μ − r_f)ᵀw − Σ c_i|Δw_i| (cash earning r_f, net of costs); annual.',
  ),
  achieved: z
    .boolean()
    .describe(
      'volatility ≤ target + 1e-6 (efficient_risk); return ≥ target − 1e-8 · max(1, |target|) (efficient_return).',
    ),
  binding: z
    .boolean()
    .describe(
      'The target holds with equality (within those tolerances). false when it lies beyond the end of the frontier: a volatility above the maximum-return portfolio’s (that portfolio is returned) or a return below the minimum-variance portfolio’s (that portfolio is returned).',
    ),
  attainable_min: nnum.describe(
    'volatility: the minimum-variance portfolio’s volatility under the constraints (no lower target is feasible); return: null (any return up to attainable_max is).',
  ),
  attainable_max: nnum.describe(
    'volatility: the maximum-return portfolio’s volatility (higher targets return that portfolio), null when the search did not need it; return: the largest attainable return net of costs.',
  ),
  risk_aversion: nnum.describe(
    'efficient_risk: λ of the final mean-variance QP max (μ − r_f)ᵀw − λ/2 wᵀΣw − costs, which is the KKT multiplier of ½wᵀΣw ≤ ½σ² (docs/methods.md); null at an end of the frontier.',
  ),
  solves: z.number().int().describe('Solver calls of the search (efficient_risk) or the solve.'),
  note: z.string(),
});
export type TargetInfo = z.infer<typeof TargetInfo>;

export const HrpInfo = z.object({
  linkage: z.enum(HRP_LINKAGES),
  weights: z
    .array(num)
    .describe(
      'The HRP weights (positive, sum 1) before the constraints, in the order of `weights`.',
    ),
  order: z.array(z.string()).describe('The assets in quasi-diagonal (dendrogram leaf) order.'),
  linkage_matrix: z
    .array(z.tuple([num, num, num, num]))
    .describe(
      'scipy’s Z: [id_a, id_b, height, size] per merge; ids < n are assets in the order of `weights`, id n + k the cluster formed in row k.',
    ),
  constrained: z
    .boolean()
    .describe(
      'true when the constraints excluded the HRP portfolio and the closest feasible portfolio in tracking error was returned.',
    ),
  tracking_error: num.describe('√((w − w_hrp)ᵀΣ(w − w_hrp)) of the returned weights, annual.'),
});
export type HrpInfo = z.infer<typeof HrpInfo>;

export const ExposureFigures = z.object({
  gross: num.describe('Σ|w_i| over the assets (fractions of NAV).'),
  net: num.describe('Σw_i over the assets.'),
  long: num.describe('Σ max(w_i, 0).'),
  short: num.describe('Σ max(−w_i, 0) (≥ 0).'),
  cash: num.describe('The cash leg: 1 − Σw_i before costs; after the trades, net of costs.'),
});
export type ExposureFigures = z.infer<typeof ExposureFigures>;

export const BookExposure = z.object({
  type: z.enum(BOOK_TYPES),
  gross_limit: nnum.describe('The requested gross_limit; null when none.'),
  before: ExposureFigures.describe(
    'Current weights after the cash flow (fractions of portfolio_value + cash_flow).',
  ),
  after: ExposureFigures.describe('Proposed weights after the orders.'),
});
export type BookExposure = z.infer<typeof BookExposure>;

export const OptimizationResult = z.object({
  method: OptimizedMethod,
  objective: num,
  objective_description: z.string(),
  weights: z.array(OptimizationWeightRow),
  cash_weight: num.describe('1 − Σw − costs.'),
  turnover: num.describe('Σ|Δw| / 2.'),
  cost: num.describe('Σ c_i |Δw_i| as a fraction of the portfolio value.'),
  expected_return: nnum.describe('μᵀw + r_f · cash (annual), when μ is known.'),
  volatility: num.describe('√(wᵀΣw), annual.'),
  sharpe: nnum.describe('(μ − r_f)ᵀw / √(wᵀΣw), gross of costs.'),
  tracking_error: nnum.describe('√((w − w_t)ᵀΣ(w − w_t)) against the target weights, when given.'),
  covariance: CovarianceInfo.nullable(),
  solver: SolverInfo,
  binding_constraints: z.array(BindingConstraint),
  kkt: KktCheck.nullable(),
  integer: IntegerSolution.nullable(),
  risk_parity: RiskParityInfo.nullable(),
  target: TargetInfo.nullable().describe(
    'efficient_risk / efficient_return: the target, the value reached, whether it binds, the attainable range.',
  ),
  hrp: HrpInfo.nullable().describe('hrp: linkage, order, the unconstrained HRP weights.'),
  expected_returns: ExpectedReturnsInfo.optional().describe(
    'The μ used (method, estimates per asset); set by the rebalance service.',
  ),
  warnings: z.array(Warning),
});
export type OptimizationResult = z.infer<typeof OptimizationResult>;
