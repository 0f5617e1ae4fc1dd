/**
 * The rebalance use case as a sequence of named steps (each its own module, each tested on its
 * own): book → history → forecasts → decide (threshold rule or optimizer) → execute (one
 * planner for every method) → rows and band status → risk and Monte Carlo → drilldown and
 * house view. Pure and deterministic: the same request gives the same bytes except
 * `metadata.timestamp_utc`. docs/methods.md, "How a rebalance response is put together".
 */
import type { Warning } from '../../contract/common';
import { ENGINE_VERSION } from '../../contract/operations';
import type { RebalanceRequest, RebalanceResponse } from '../../contract/rebalance';
import { inputHash, type Sha256Parts } from '../../domain/canonical';
import { rankHouseView } from '../../forecast';
import type { QpSolverPort } from '../../optimize/qp/types';
import { forecastAlignment } from './alignment';
import { readBook } from './book';
import { buildDrilldown } from './drilldown';
import { forecastBook } from './forecasts';
import { readHistory } from './history';
import { decideOptimized } from './optimize';
import { planRows } from './orders';
import { planDecided, planThreshold } from './plan';
import { assessRisk } from './risk';

export interface Clock {
  now(): Date;
}

/** What adapters supply to the engine. */
export interface EngineOptions {
  /** Optional faster SHA-256 for the input hash (see domain/canonical `inputHash`). */
  sha256?: Sha256Parts;
  /** QP solver for the optimized methods (a HiGHS worker in the adapters). */
  solver?: QpSolverPort;
}

/** Conventions every figure in the response follows (also in docs/methods.md). */
export const CONVENTIONS: Record<string, string> = {
  periods_per_year: '252',
  returns:
    'simple daily returns p_t/p_{t-1} - 1; portfolio = constant weights each day, cash earning 0',
  std: 'sample standard deviation (ddof = 1), annualized by sqrt(252); sums compensated (Neumaier), two-pass',
  expected_annual_return: '252 x mean daily return (arithmetic)',
  var: '1-day, 95%, historical with linear (type-7) interpolation, reported as a positive loss fraction',
  weights:
    'fractions of portfolio_value + cash_flow; current weights normalized to 1 - cash_weight, targets to 1 - cash_floor',
  turnover: 'one-way: (total buys + total sells) / (2 x (portfolio_value + cash_flow))',
  money: 'integer minor units; rounded once to the currency minor unit',
  forecasts:
    'annual simple returns from daily log returns (>= -100%), ensemble shrunk toward the historical mean',
};

export async function runRebalance(
  req: RebalanceRequest,
  clock: Clock,
  options: EngineOptions = {},
): Promise<RebalanceResponse> {
  const warnings: Warning[] = [];
  const book = readBook(req, warnings);
  const history = readHistory(req, warnings);
  const fc = forecastBook(req, book, history, warnings);

  let optimization: RebalanceResponse['optimization'] = null;
  let plan;
  if (req.method === 'threshold') plan = planThreshold(req, book, fc.destination);
  else {
    const decided = await decideOptimized(req, book, history, fc, options.solver);
    optimization = decided.optimization;
    plan = planDecided(req, book, fc.destination, decided.weights);
  }
  const rows = planRows(req, book, fc.destination, plan, warnings);
  // With an optimizer the cap is enforced inside the solve: report it as binding when it was.
  if (optimization?.binding_constraints.some((b) => b.name === 'turnover'))
    rows.summary.turnover_limit_binding = true;

  const risk = assessRisk(
    req,
    history,
    fc.forecasts,
    book.target,
    book.current,
    rows.proposed,
    book.valueAfterFlow - rows.summary.total_costs,
    warnings,
  );

  const weights: RebalanceResponse['weights'] = req.assets.map((a, i) => {
    const f = fc.forecasts[i] as RebalanceResponse['house_view']['asset_forecasts'][number];
    return {
      asset: a.asset,
      asset_class: book.classes[i] as RebalanceResponse['weights'][number]['asset_class'],
      target_weight: book.target[i] as number,
      optimized_target_weight: fc.destination[i] as number,
      current_weight: book.current[i] as number,
      current_weight_after_flow: book.currentAfterFlow[i] as number,
      drift: (book.currentAfterFlow[i] as number) - (book.target[i] as number),
      band_lower: plan.lower[i] as number,
      band_upper: plan.upper[i] as number,
      outside_band: plan.position[i] !== 'inside',
      decided_weight: plan.decided[i] as number,
      proposed_weight: rows.proposed[i] as number,
      post_trade_band_status: rows.bandStatus[i] ?? 'inside',
      band_constraint: rows.bandConstraint[i] ?? null,
      forecast_return: f.ensemble,
      forecast_confidence: f.confidence,
      forecast_source: f.source,
    };
  });
  const view = rankHouseView(fc.forecasts);
  return {
    portfolio_value: req.portfolio_value,
    currency: req.currency,
    drift_threshold: req.drift_threshold,
    rebalance_to: req.rebalance_to,
    turnover_limit: req.turnover_limit,
    turnover_used: plan.exec.turnover,
    estimated_total_transaction_cost: rows.summary.total_costs,
    weights,
    trades: rows.trades,
    orders: rows.orders,
    trade_summary: rows.summary,
    risk_metrics: risk.current,
    proposed_risk_metrics: risk.proposed,
    house_view: {
      asset_forecasts: fc.forecasts,
      alignment: forecastAlignment(
        req,
        fc.forecasts,
        rows.trades,
        plan.role,
        book.target,
        fc.destination,
      ),
      top_conviction_buys: view.top_conviction_buys,
      risk_reduction_candidates: view.risk_reduction_candidates,
      tilt_budget: req.tilt_budget,
    },
    monte_carlo: risk.monteCarlo,
    asset_drilldown: buildDrilldown(
      req,
      book,
      history,
      fc.forecasts,
      weights,
      rows.trades,
      rows.orders,
    ),
    method: req.method,
    optimization,
    warnings: dedupe(warnings),
    metadata: {
      timestamp_utc: clock.now().toISOString(),
      version: ENGINE_VERSION,
      engine_version: ENGINE_VERSION,
      input_hash: inputHash(req, options.sha256),
      conventions: CONVENTIONS,
    },
  };
}

function dedupe(ws: Warning[]): Warning[] {
  const seen = new Set<string>();
  return ws.filter((w) => {
    const k = `${w.code}|${w.path ?? ''}|${w.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
