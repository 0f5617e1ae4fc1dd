import { z } from 'zod';
import { AssetClass, plainText, Warning } from './common';
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
] as const;
export const RebalanceMethod = z.enum(REBALANCE_METHODS);
export type RebalanceMethod = z.infer<typeof RebalanceMethod>;

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

export const COVARIANCE_ESTIMATORS = ['sample', 'ewma', 'ledoit_wolf'] as const;

export const CovarianceSpec = z.object({
  estimator: z
    .enum(COVARIANCE_ESTIMATORS)
    .default('ledoit_wolf')
    .describe(
      'sample: ddof 1; ewma: exponentially weighted with `halflife` days; ledoit_wolf: shrinkage to the scaled identity. Annualized × 252, repaired if not positive definite.',
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
});
export type CovarianceSpec = z.infer<typeof CovarianceSpec>;

/** Fields to spread into RebalanceRequest's z.object(...). */
export const OptimizeRequestFields = {
  method: RebalanceMethod.default('threshold').describe(
    'threshold: the band rule engine; the others solve a constrained optimization (HiGHS).',
  ),
  risk_aversion: z
    .number()
    .min(0)
    .max(1e4)
    .default(1)
    .describe('λ in mean_variance: max (μ − r_f)ᵀw − λ/2 wᵀΣw − costs.'),
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
  covariance: CovarianceSpec.default({ estimator: 'ledoit_wolf', halflife: 63 }),
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
};

/** Cross-field checks for the optimizer fields; call from RebalanceRequest's superRefine. */
export function refineOptimizeFields(
  req: {
    method: RebalanceMethod;
    assets: readonly { asset: string }[];
    bounds?: Record<string, unknown> | undefined;
    risk_budgets?: Record<string, number> | undefined;
    no_trade?: readonly string[] | undefined;
    asset_cost_bps?: Record<string, number> | undefined;
    covariance?: { factor_series?: readonly string[] | undefined } | undefined;
    price_history?: { prices: Record<string, unknown> } | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  const names = new Set(req.assets.map((a) => a.asset));
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
      "e.g. 'turnover', 'budget', 'cash_floor', 'class_max:Crypto', 'asset_max:AAPL', 'no_trade:GLD'.",
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

export const OptimizationResult = z.object({
  method: z.enum(['track_target', 'min_variance', 'max_sharpe', 'mean_variance', 'risk_parity']),
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
  warnings: z.array(Warning),
});
export type OptimizationResult = z.infer<typeof OptimizationResult>;
