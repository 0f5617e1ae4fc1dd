/**
 * The rebalance use case as the six agents in tandem (there is no other code path):
 *   Supervisor (intake) → Market Data → Forecast → Risk (current) → Rebalance Optimizer
 *   → Execution → Risk (proposed, Monte Carlo, stress) → Supervisor (decision).
 * Each invocation writes a step record (recorder.ts). Pure and deterministic: the same request
 * and policy give the same bytes except timestamps and step timings.
 * docs/agents.md, "The pipeline"; docs/methods.md, "How a rebalance response is put together".
 */
import type { Warning } from '../contract/common';
import { ENGINE_VERSION } from '../contract/operations';
import type { RebalanceRequest, RebalanceResponse } from '../contract/rebalance';
import { inputHash, sha256Parts } from '../domain/canonical';
import { bookExposure } from '../domain/exposure';
import { rankHouseView } from '../forecast';
import { historyObservations } from '../services/rebalance/history';
import { weightRows } from '../services/rebalance/weights';
import type { EngineOptions, RunContext } from './context';
import { execute, executionAgent, reportExecution } from './execution';
import { forecastAgent, reportForecasts, runForecasts } from './forecast';
import { marketDataAgent, readMarketData, reportMarketData } from './marketData';
import { decide, optimizerAgent, reportDecision as reportOptimizer } from './optimizer';
import { DEFAULT_POLICY_IN_FORCE, PHASES } from './registry';
import { RecorderClockFrom, StepRecorder } from './recorder';
import { assessCurrent, assessProposed, reportCurrent, reportProposed, riskAgent } from './risk';
import { reportDecision, reportIntake, supervise, supervisorAgent } from './supervisor';

export interface Clock {
  now(): Date;
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
    'fractions of portfolio_value + cash_flow; current weights normalized to 1 - cash_weight, targets to 1 - cash_floor (long_short / market_neutral books: signed current weights taken as given, short proceeds in cash)',
  turnover: 'one-way: (total buys + total sells) / (2 x (portfolio_value + cash_flow))',
  money: 'integer minor units; rounded once to the currency minor unit',
  forecasts:
    'annual simple returns from daily log returns (>= -100%), ensemble shrunk toward the historical mean',
  stress:
    'simple return over the window (or the shock) x weight, cash 0; P&L in currency, loss negative',
};

export async function runAgents(
  req: RebalanceRequest,
  clock: Clock,
  options: EngineOptions = {},
): Promise<RebalanceResponse> {
  const warnings: Warning[] = [];
  const policy = options.policy ?? DEFAULT_POLICY_IN_FORCE;
  const ctx: RunContext = { req, policy, warnings, options };
  const sha = options.sha256 ?? sha256Parts;
  const rclock = RecorderClockFrom(clock, options.monotonicMs);
  const t0 = rclock.monotonicMs();
  const hash = inputHash(req, sha);
  const rec = new StepRecorder(rclock, sha, warnings, hash, policy.hash);
  // The intake's own work (hashing the input) ran before the recorder existed: charge it here.
  await rec.run(
    supervisorAgent,
    PHASES.intake,
    () => undefined,
    () => reportIntake(policy, hash),
    t0,
  );

  const market = await rec.run(
    marketDataAgent,
    PHASES.dataHealth,
    () => readMarketData(ctx),
    reportMarketData,
  );
  const { book } = market;
  const fc = await rec.run(
    forecastAgent,
    PHASES.forecast,
    () => runForecasts(ctx, market),
    reportForecasts,
  );
  const cur = await rec.run(
    riskAgent,
    PHASES.currentRisk,
    () => assessCurrent(ctx, market, fc),
    reportCurrent,
  );
  const dec = await rec.run(
    optimizerAgent,
    PHASES.decide,
    () => decide(ctx, market, fc),
    (d) => reportOptimizer(ctx, d),
  );
  const { plan } = dec;
  const ex = await rec.run(
    executionAgent,
    PHASES.execute,
    () => execute(ctx, market, fc, dec),
    (x) => reportExecution(x, plan.exec.turnover),
  );
  const { rows } = ex;

  const weights = weightRows(req, book, fc, plan, rows);
  const prop = await rec.run(
    riskAgent,
    PHASES.proposedRisk,
    () => assessProposed(ctx, market, fc, cur, rows, weights),
    reportProposed,
  );
  const sup = await rec.run(
    supervisorAgent,
    PHASES.decision,
    () =>
      supervise(policy, {
        turnover: plan.exec.turnover,
        assets: weights,
        proposedRisk: prop.proposed,
        stress: prop.stress,
        cashWeight: rows.cashAfterWeight,
        orders: rows.orders,
        queue: ex.queue,
        health: market.health,
        bandBreachesRemaining: rows.summary.band_breaches_remaining,
      }),
    reportDecision,
  );

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
    risk_metrics: cur.current,
    proposed_risk_metrics: prop.proposed,
    risk_contributions: prop.contributions,
    house_view: {
      asset_forecasts: fc.forecasts,
      alignment: ex.alignment,
      top_conviction_buys: view.top_conviction_buys,
      risk_reduction_candidates: view.risk_reduction_candidates,
      tilt_budget: req.tilt_budget,
    },
    monte_carlo: prop.monteCarlo,
    asset_drilldown: prop.drilldown,
    method: req.method,
    book_exposure: bookExposure(
      req.book?.type ?? 'long_only',
      req.book?.gross_limit,
      book.currentAfterFlow,
      book.cashAfterFlow,
      weights.map((w) => w.proposed_weight),
      rows.cashAfterWeight,
    ),
    optimization: dec.optimization,
    decision: sup.decision,
    decision_reasons: sup.decision_reasons,
    supervisor: sup,
    data_health: market.health,
    history_observations: historyObservations(req, market.history),
    stress_tests: prop.stress,
    execution: ex.queue,
    agent_steps: rec.steps,
    warnings: dedupe(warnings),
    metadata: {
      timestamp_utc: clock.now().toISOString(),
      version: ENGINE_VERSION,
      engine_version: ENGINE_VERSION,
      input_hash: hash,
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
