/**
 * Maps the POST /api/rebalance fields (RebalanceRequest + OptimizeRequestFields) onto an
 * OptimizationProblem, estimating the covariance from the return history on the way. The rebalance
 * service resolves history, forecasts and lot sizes; this function only reshapes and checks.
 */
import { EngineError } from '../../contract/common';
import type { CovarianceSpec, RebalanceMethod } from '../../contract/optimize';
import { byName, own } from '../../domain/names';
import { estimateCovariance } from './covariance-model';
import type { OptimizeContext } from './optimize';
import type { ClassBound, OptimizationProblem } from './types';

/** Bounds of an asset not listed in `bounds` in a long_short or market_neutral book. */
const LONG_SHORT_DEFAULT_BOUND = { min: -1, max: 1 } as const;

export interface RequestAsset {
  asset: string;
  asset_class: string;
  current_weight: number;
  target_weight: number;
  /** Price of the asset as one security; absent when it is ordered through holdings. */
  price?: number | undefined;
  /** Resolved lot size (the asset's or its class default). */
  lot_size?: number;
  min_trade_value?: number;
}

export interface BuildProblemInput {
  method: Exclude<RebalanceMethod, 'threshold'>;
  fields: {
    risk_aversion?: number;
    target_volatility?: number | undefined;
    target_return?: number | undefined;
    hrp_linkage?: 'single' | 'complete' | 'average' | 'ward';
    risk_budgets?: Record<string, number> | undefined;
    bounds?: Record<string, { min: number; max: number }> | undefined;
    class_bounds?:
      Partial<Record<string, { min?: number | undefined; max?: number | undefined }>> | undefined;
    covariance: Pick<CovarianceSpec, 'estimator'> & Partial<Omit<CovarianceSpec, 'estimator'>>;
    cash_floor?: number | undefined;
    no_trade?: readonly string[] | undefined;
    asset_cost_bps?: Record<string, number> | undefined;
    whole_lots?: boolean;
    optimizer_time_limit_seconds?: number;
    book?:
      | {
          type: 'long_only' | 'long_short' | 'market_neutral';
          gross_limit?: number | undefined;
        }
      | undefined;
  };
  assets: readonly RequestAsset[];
  portfolioValue: number;
  /** RebalanceRequest.turnover_limit (one-way); applied as the cap τ. */
  turnoverLimit: number;
  transactionCostBps: number;
  riskFreeRate: number;
  /** Weights to track (default: each asset's target_weight). */
  targetWeights?: ArrayLike<number>;
  /** Annual expected returns (forecasts); required by max_sharpe and mean_variance. */
  expectedReturns?: ArrayLike<number>;
  /** Daily simple returns per asset, aligned (same dates, equal length), oldest first. */
  returns: Float64Array[];
  /** Daily returns of observed factors (covariance.factor_series), aligned with `returns`. */
  factorReturns?: Float64Array[];
  /**
   * Each asset's full history (oldest first, all ending on the last day; lengths may differ),
   * for covariance.estimator pairwise. Default: `returns`.
   */
  histories?: Float64Array[];
}

/**
 * Builds the problem and the context for optimizePortfolio.
 *
 * Example: `const { problem, context } = buildOptimizationProblem({...});
 * const block = await optimizePortfolio(problem, solver, context);`
 */
export function buildOptimizationProblem(input: BuildProblemInput): {
  problem: OptimizationProblem;
  context: OptimizeContext;
} {
  const { assets, fields } = input;
  const n = assets.length;
  if (input.returns.length !== n)
    throw new EngineError('BAD_REQUEST', 'return history does not match the assets', [
      { path: 'price_history', message: `${input.returns.length} series for ${n} assets` },
    ]);
  const est = estimateCovariance(input.returns, fields.covariance, input.factorReturns, {
    assets: assets.map((a) => a.asset),
    ...(input.histories ? { histories: input.histories } : {}),
  });
  const classBounds = byName<ClassBound>();
  for (const [k, v] of Object.entries(fields.class_bounds ?? {}))
    if (v)
      classBounds[k] = {
        ...(v.min !== undefined ? { min: v.min } : {}),
        ...(v.max !== undefined ? { max: v.max } : {}),
      };
  // A long-short book may short every asset unless `bounds` says otherwise.
  const book = fields.book?.type ?? 'long_only';
  const defaultBound = book === 'long_only' ? undefined : LONG_SHORT_DEFAULT_BOUND;
  const problem: OptimizationProblem = {
    method: input.method,
    assets: assets.map((a) => a.asset),
    assetClasses: assets.map((a) => a.asset_class),
    covariance: est.covariance,
    currentWeights: assets.map((a) => a.current_weight),
    targetWeights: input.targetWeights ?? assets.map((a) => a.target_weight),
    riskFreeRate: input.riskFreeRate,
    riskAversion: fields.risk_aversion ?? 1,
    bounds: assets.map((a) => own(fields.bounds, a.asset) ?? defaultBound),
    classBounds,
    turnoverCap: input.turnoverLimit,
    costBps: assets.map((a) => own(fields.asset_cost_bps, a.asset) ?? input.transactionCostBps),
    portfolioValue: input.portfolioValue,
    minTradeValue: assets.map((a) => a.min_trade_value ?? 0),
    timeLimitSeconds: fields.optimizer_time_limit_seconds ?? 10,
  };
  if (input.expectedReturns) problem.expectedReturns = input.expectedReturns;
  if (fields.book)
    problem.book = {
      type: fields.book.type,
      ...(fields.book.gross_limit !== undefined ? { grossLimit: fields.book.gross_limit } : {}),
    };
  if (fields.risk_budgets)
    problem.riskBudgets = assets.map((a) => own(fields.risk_budgets, a.asset) ?? 0);
  if (fields.cash_floor !== undefined) problem.cashFloor = fields.cash_floor;
  if (fields.target_volatility !== undefined) problem.targetVolatility = fields.target_volatility;
  if (fields.target_return !== undefined) problem.targetReturn = fields.target_return;
  if (fields.hrp_linkage !== undefined) problem.hrpLinkage = fields.hrp_linkage;
  if (fields.no_trade) problem.noTrade = fields.no_trade;
  if (fields.whole_lots) {
    const noPrice = assets.flatMap((a, i) => (a.price === undefined ? [i] : []));
    if (noPrice.length)
      throw new EngineError(
        'BAD_REQUEST',
        'whole_lots needs every asset traded as one security with its own price',
        noPrice.map((i) => ({
          path: `assets.${i}.price`,
          message: 'required with whole_lots (an asset ordered through holdings has no single lot)',
        })),
      );
    problem.lots = {
      lotSize: assets.map((a) => a.lot_size ?? 1),
      price: assets.map((a) => a.price as number),
    };
  }
  return { problem, context: { covarianceInfo: est.info, warnings: est.warnings } };
}
