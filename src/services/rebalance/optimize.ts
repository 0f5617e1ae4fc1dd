/**
 * Step 4b: the optimized methods DECIDE post-trade weights with the constrained optimizer
 * (HiGHS); execution (step 5) turns them into orders like any other decision.
 * docs/methods.md, step 5, and the Constrained optimizer section.
 */
import { EngineError, type AssetClass } from '../../contract/common';
import type { ExpectedReturnsInfo } from '../../contract/estimators';
import type { OptimizationResult } from '../../contract/optimize';
import type { RebalanceRequest } from '../../contract/rebalance';
import { own } from '../../domain/names';
import { lotSizeFor } from '../../execution/lots';
import { buildOptimizationProblem, optimizePortfolio } from '../../optimize/qp';
import { resolveExpectedReturns, resolveMarket } from '../../optimize/qp/expected-returns';
import type { QpSolverPort } from '../../optimize/qp/types';
import { simpleReturns } from '../../risk/returns';
import type { Book } from './book';
import type { BookForecasts } from './forecasts';
import { readHistory, tail, type BookHistory } from './history';

export interface OptimizedDecision {
  /** Decided post-trade weights, fractions of V'. */
  weights: Float64Array;
  optimization: OptimizationResult;
}

/**
 * The optimizer problem of a request on its aligned history, exactly as the run's optimizer
 * builds it (buildOptimizationProblem): weights are fractions of V' = V + F (the current weights
 * after the cash flow; cash is 1 − Σ w), μ from the request's `expected_returns` (default: the
 * forecast ensemble; estimates from each asset's full history otherwise), Σ from the request's
 * covariance spec (observed factors from price_history when named; `pairwise` from each asset's
 * full history). Shared by the optimized methods and the efficient frontier of a saved run
 * (src/services/analytics.ts), which passes no `history`: it is read again from the request.
 * Also returns the report of μ (`expectedReturns`).
 */
export function runProblem(
  req: RebalanceRequest,
  book: Book,
  aligned: Float64Array[],
  method: Exclude<RebalanceRequest['method'], 'threshold'>,
  destination: ArrayLike<number>,
  ensemble: ArrayLike<number>,
  history?: BookHistory,
): ReturnType<typeof buildOptimizationProblem> & { expectedReturns: ExpectedReturnsInfo } {
  const T0 = (aligned[0] as Float64Array).length;
  const factorNames = req.covariance.factor_series;
  const ph = req.price_history;
  const spec = req.expected_returns;
  // Each asset's full history: for an estimated μ and the pairwise covariance only.
  const needFull =
    (spec !== undefined && spec.method !== 'user') || req.covariance.estimator === 'pairwise';
  const hist = needFull ? (history ?? readHistory(req, [])) : null;
  const full = hist ? hist.assets.map((h) => h.returns) : null;
  const er = resolveExpectedReturns({
    spec,
    assets: req.assets.map((a) => a.asset),
    histories: full ?? req.assets.map(() => null),
    forecast: ensemble,
    riskFreeRate: req.risk_free_rate,
    market:
      spec?.method === 'capm'
        ? resolveMarket(
            spec,
            req,
            (full ?? []).filter((h): h is Float64Array => h !== null),
          )
        : null,
  });
  const built = buildOptimizationProblem({
    method,
    fields: req,
    assets: req.assets.map((a, i) => ({
      asset: a.asset,
      asset_class: book.classes[i] as string,
      current_weight: book.currentAfterFlow[i] as number,
      target_weight: book.target[i] as number,
      price: a.holdings && a.holdings.length > 0 ? undefined : a.price,
      lot_size: lotSizeFor(book.classes[i] as AssetClass, a.lot_size),
      min_trade_value: a.min_trade_value,
    })),
    portfolioValue: book.valueAfterFlow,
    turnoverLimit: req.turnover_limit,
    transactionCostBps: req.transaction_cost_bps,
    riskFreeRate: req.risk_free_rate,
    targetWeights: destination,
    expectedReturns: er.mu,
    returns: aligned,
    ...(req.covariance.estimator === 'pairwise' && full
      ? { histories: full as Float64Array[] }
      : {}),
    ...(factorNames && ph
      ? {
          factorReturns: factorNames.map((f) =>
            tail(simpleReturns(own(ph.prices, f) as number[]), T0),
          ),
        }
      : {}),
  });
  built.context.warnings = [...(built.context.warnings ?? []), ...er.warnings];
  return { ...built, expectedReturns: er.info };
}

/**
 * Solves the request's method on the aligned history (`runProblem`), so a contribution is
 * invested and a withdrawal raised by the solver's budget constraint.
 */
export async function decideOptimized(
  req: RebalanceRequest,
  book: Book,
  history: BookHistory,
  fc: BookForecasts,
  solver: QpSolverPort | undefined,
): Promise<OptimizedDecision> {
  const aligned = history.aligned;
  if (!aligned)
    throw new EngineError(
      'BAD_REQUEST',
      `method ${req.method} needs return history for every asset`,
      [{ path: 'price_history', message: `no history for ${history.missing.join(', ')}` }],
    );
  if (!solver) throw new EngineError('INTERNAL', 'no optimizer available in this process');
  const method = req.method as Exclude<RebalanceRequest['method'], 'threshold'>;
  const { problem, context, expectedReturns } = runProblem(
    req,
    book,
    aligned,
    method,
    fc.destination,
    fc.ensemble,
    history,
  );
  const optimization = {
    ...(await optimizePortfolio(problem, solver, context)),
    expected_returns: expectedReturns,
  };
  const byAsset = new Map(optimization.weights.map((r) => [r.asset, r.weight]));
  return {
    weights: Float64Array.from(
      req.assets,
      (a, i) => byAsset.get(a.asset) ?? (book.currentAfterFlow[i] as number),
    ),
    optimization,
  };
}
