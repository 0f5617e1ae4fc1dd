import type { AssetClass, Warning } from '../contract/common';
import { ENGINE_VERSION } from '../contract/operations';
import type {
  AssetForecast,
  HistorySource,
  RebalanceRequest,
  RebalanceResponse,
  RiskMetrics,
} from '../contract/rebalance';
import { EngineError } from '../contract/common';
import type { OptimizationResult } from '../contract/optimize';
import { inputHash, type Sha256Hex } from '../domain/canonical';
import { lotSizeFor } from '../execution/lots';
import { buildOptimizationProblem, optimizePortfolio } from '../optimize/qp';
import type { QpSolverPort } from '../optimize/qp/types';
import { normalizeWeights, resolveAssetClass } from '../domain/weights';
import { forecastAsset, forecastHolding, forecastTilt, rankHouseView } from '../forecast';
import { roundToMinor } from '../execution/money';
import { planRebalance } from '../optimize/threshold';
import { computeRiskMetrics } from '../risk/metrics';
import { runMonteCarlo } from '../risk/montecarlo';
import { portfolioReturns, simpleReturns } from '../risk/returns';

export interface Clock {
  now(): Date;
}

/** What adapters supply to the engine. */
export interface EngineOptions {
  /** Optional faster SHA-256 (see domain/canonical). */
  sha256Hex?: Sha256Hex;
  /** QP solver for the optimized methods (a HiGHS worker in the adapters). */
  solver?: QpSolverPort;
}

/** Conventions every figure in the response follows (also in docs/methods.md). */
export const CONVENTIONS: Record<string, string> = {
  periods_per_year: '252',
  returns: 'simple daily returns p_t/p_{t-1} - 1; portfolio = constant weights each day',
  std: 'sample standard deviation (ddof = 1), annualized by sqrt(252)',
  expected_annual_return: '252 x mean daily return (arithmetic)',
  var: '1-day, 95%, historical with linear (type-7) interpolation, reported as a positive loss fraction',
  weights: 'fractions of portfolio value; inputs normalized to sum 1',
  money: 'rounded once to the currency minor unit',
  forecasts: 'annual simple returns',
};

interface AssetHistory {
  returns: Float64Array | null;
  source: HistorySource;
}

/** The last `t` elements (a view, no copy). */
const tail = (a: Float64Array, t: number) => a.subarray(a.length - t);

/**
 * The whole rebalance use case: history → forecasts → optimized targets → trades → risk of the
 * current and proposed portfolio → Monte Carlo → drilldown. Pure and deterministic: the same
 * request gives the same bytes except `metadata.timestamp_utc`.
 */
export async function runRebalance(
  req: RebalanceRequest,
  clock: Clock,
  options: EngineOptions = {},
): Promise<RebalanceResponse> {
  const warnings: Warning[] = [];
  const n = req.assets.length;
  const V = req.portfolio_value;

  const classes: AssetClass[] = req.assets.map((a, i) =>
    resolveAssetClass(a.asset, a.asset_class, i, warnings),
  );
  const target = normalizeWeights(
    req.assets.map((a) => a.target_weight),
    'target_weight',
    warnings,
  );
  const current = normalizeWeights(
    req.assets.map((a) => a.current_weight),
    'current_weight',
    warnings,
  );

  // ── History per asset: price_history wins over historical_returns; neither → market_return.
  const ph = req.price_history;
  const hist: AssetHistory[] = req.assets.map((a) => {
    const series = ph?.prices[a.asset];
    if (series) return { returns: simpleReturns(series), source: 'price_history' };
    if (a.historical_returns && a.historical_returns.length > 0)
      return { returns: Float64Array.from(a.historical_returns), source: 'historical_returns' };
    return { returns: null, source: 'market_return' };
  });
  const missing = req.assets.filter((_, i) => hist[i]?.returns === null).map((a) => a.asset);
  let aligned: Float64Array[] | null = null;
  let portfolioSource: HistorySource = 'market_return';
  if (missing.length === 0) {
    const lengths = hist.map((h) => (h.returns as Float64Array).length);
    const T = Math.min(...lengths);
    if (Math.max(...lengths) !== T) {
      warnings.push({
        code: 'HISTORY_TRUNCATED',
        path: 'assets.*.historical_returns',
        message: `asset histories have different lengths (${Math.min(...lengths)}–${Math.max(...lengths)}); the most recent ${T} days common to all are used, assuming every series ends on the same day`,
      });
    }
    aligned = hist.map((h) => tail(h.returns as Float64Array, T));
    portfolioSource = hist.every((h) => h.source === 'price_history')
      ? 'price_history'
      : 'historical_returns';
  } else {
    warnings.push({
      code: 'HISTORY_MISSING',
      path: 'assets',
      message: `no price history or historical_returns for ${missing.join(', ')}: portfolio risk figures and Monte Carlo need every asset's history and are null; expected returns use market_return`,
    });
  }

  // ── Forecasts (house view) and optimized targets.
  const forecasts: AssetForecast[] = req.assets.map((a, i) => {
    const h = hist[i] as AssetHistory;
    const { forecast, warnings: w } = forecastAsset({
      asset: a.asset,
      returns: h.returns,
      source: h.source === 'price_history' ? 'price_history' : 'historical_returns',
      marketReturn: a.market_return,
      path:
        h.source === 'price_history'
          ? `price_history.prices.${a.asset}`
          : h.source === 'historical_returns'
            ? `assets.${i}.historical_returns`
            : `assets.${i}.market_return`,
    });
    warnings.push(...w);
    return forecast;
  });
  const ens = Float64Array.from(forecasts, (f) => f.ensemble);
  const conf = Float64Array.from(forecasts, (f) => f.confidence);
  const optimized = forecastTilt({
    targets: target,
    forecasts: ens,
    confidences: conf,
    tiltBudget: req.tilt_budget,
  });

  // ── Optimized methods: the solver decides the weights; execution below rounds them to lots.
  let optimization: OptimizationResult | null = null;
  let presetDeltas: Float64Array | undefined;
  if (req.method !== 'threshold') {
    if (!aligned) {
      throw new EngineError(
        'BAD_REQUEST',
        `method ${req.method} needs return history for every asset`,
        [{ path: 'price_history', message: `no history for ${missing.join(', ')}` }],
      );
    }
    if (!options.solver)
      throw new EngineError('INTERNAL', 'no optimizer available in this process');
    const T0 = (aligned[0] as Float64Array).length;
    const factorNames = req.covariance.factor_series;
    const { problem, context } = buildOptimizationProblem({
      method: req.method,
      fields: req,
      assets: req.assets.map((a, i) => ({
        asset: a.asset,
        asset_class: classes[i] as AssetClass,
        current_weight: current[i] as number,
        target_weight: target[i] as number,
        price: a.price,
        lot_size: lotSizeFor(classes[i] as AssetClass, a.lot_size),
        min_trade_value: a.min_trade_value,
      })),
      portfolioValue: V,
      turnoverLimit: req.turnover_limit,
      transactionCostBps: req.transaction_cost_bps,
      riskFreeRate: req.risk_free_rate,
      targetWeights: optimized,
      expectedReturns: ens,
      returns: aligned,
      ...(factorNames && ph
        ? {
            factorReturns: factorNames.map((f) =>
              tail(simpleReturns(ph.prices[f] as number[]), T0),
            ),
          }
        : {}),
    });
    optimization = await optimizePortfolio(problem, options.solver, context);
    const byAsset = new Map(optimization.weights.map((r) => [r.asset, r.trade_weight]));
    presetDeltas = Float64Array.from(req.assets, (a) => byAsset.get(a.asset) ?? 0);
  }

  // ── Trades.
  const plan = planRebalance({
    portfolioValue: V,
    currency: req.currency,
    assets: req.assets.map((a, i) => ({
      asset: a.asset,
      assetClass: classes[i] as AssetClass,
      current: current[i] as number,
      target: target[i] as number,
      destinationTarget: optimized[i] as number,
      price: a.price,
      ...(a.lot_size !== undefined ? { lotSize: a.lot_size } : {}),
      minTradeValue: a.min_trade_value,
    })),
    driftThreshold: req.drift_threshold,
    rebalanceTo: req.rebalance_to,
    turnoverLimit: req.turnover_limit,
    costBps: req.transaction_cost_bps,
    fixedFee: req.fixed_fee_per_trade,
    ...(presetDeltas ? { presetDeltas, presetMethod: req.method } : {}),
  });
  warnings.push(...plan.warnings);
  // With an optimizer the cap is enforced inside the solve: report it as binding when it was.
  if (optimization?.binding_constraints.some((b) => b.name === 'turnover'))
    plan.summary.turnover_limit_binding = true;

  // Risk of the proposed portfolio uses the invested weights renormalized to 1: the residual
  // cash left by lot rounding is a few basis points at most and is reported separately.
  const investedSum = plan.proposedWeights.reduce((s, w) => s + w, 0);
  const proposed = plan.proposedWeights.map((w) => (investedSum > 0 ? w / investedSum : 0));

  // ── Risk, current and proposed, on the same aligned history.
  const T = aligned ? (aligned[0] as Float64Array).length : 0;
  let bench: Float64Array | null = null;
  if (req.benchmark && aligned) {
    const b = simpleReturns(req.benchmark.prices);
    bench = b.length >= T ? tail(b, T) : null;
  } else if (aligned) {
    warnings.push({
      code: 'NO_BENCHMARK',
      path: 'benchmark',
      message: 'no benchmark given: beta is null',
    });
  }
  const fallback = (w: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (w[i] as number) * (forecasts[i] as AssetForecast).ensemble;
    return s;
  };
  const targetSeries = aligned ? portfolioReturns(aligned, target) : null;
  const risk = (w: Float64Array, label: string): RiskMetrics => {
    const { metrics, warnings: rw } = computeRiskMetrics({
      returns: aligned ? portfolioReturns(aligned, w) : null,
      riskFreeRate: req.risk_free_rate,
      benchmarkReturns: bench,
      referenceReturns: targetSeries,
      source: aligned ? portfolioSource : 'market_return',
      fallbackExpectedReturn: fallback(w),
    });
    for (const x of rw) warnings.push({ ...x, message: `${label}: ${x.message}` });
    return metrics;
  };
  const riskCurrent = risk(current, 'current portfolio');
  const riskProposed = risk(proposed, 'proposed portfolio');

  let monte: RebalanceResponse['monte_carlo'] = null;
  if (aligned) {
    const mc = runMonteCarlo({
      weights: proposed,
      assetReturns: aligned,
      settings: req.monte_carlo,
      initialValue: V,
    });
    monte = mc.result;
    warnings.push(...mc.warnings);
  }

  // ── Rows.
  const weights = req.assets.map((a, i) => {
    const band = plan.bands[i] as { lower: number; upper: number; outside: boolean };
    const f = forecasts[i] as AssetForecast;
    return {
      asset: a.asset,
      asset_class: classes[i] as AssetClass,
      target_weight: target[i] as number,
      optimized_target_weight: optimized[i] as number,
      current_weight: current[i] as number,
      drift: (current[i] as number) - (target[i] as number),
      band_lower: band.lower,
      band_upper: band.upper,
      outside_band: band.outside,
      proposed_weight: plan.proposedWeights[i] as number,
      forecast_return: f.ensemble,
      forecast_confidence: f.confidence,
      forecast_source: f.source,
    };
  });

  const asset_drilldown: RebalanceResponse['asset_drilldown'] = {};
  req.assets.forEach((a, i) => {
    const trade = plan.trades[i] as RebalanceResponse['trades'][number];
    const w = weights[i] as RebalanceResponse['weights'][number];
    const f = forecasts[i] as AssetForecast;
    const hs = a.holdings ?? [];
    const hwSum = hs.reduce((s, h) => s + h.holding_weight, 0);
    if (hs.length > 0 && Math.abs(hwSum - 1) > 0.005) {
      warnings.push({
        code: 'WEIGHTS_NORMALIZED',
        path: `assets.${i}.holdings`,
        message: `holding weights of ${a.asset} sum to ${hwSum.toFixed(6)}; each was divided by the sum`,
      });
    }
    asset_drilldown[a.asset] = {
      asset: a.asset,
      asset_class: classes[i] as AssetClass,
      summary: {
        current_weight: w.current_weight,
        target_weight: w.target_weight,
        optimized_target_weight: w.optimized_target_weight,
        proposed_weight: w.proposed_weight,
        forecast_return: f.ensemble,
        forecast_confidence: f.confidence,
        drift: w.drift,
        trade_action: trade.action,
        trade_value: trade.trade_value,
        trade_units: trade.trade_units,
        estimated_cost: trade.estimated_cost,
      },
      holdings: hs.map((h) => {
        const hw = hwSum > 0 ? h.holding_weight / hwSum : 0;
        const notional = roundToMinor(V * (current[i] as number) * hw, req.currency);
        const series = ph?.prices[h.holding];
        const hf = forecastHolding({
          holdingReturns: series ? simpleReturns(series) : null,
          assetForecast: f,
          assetReturns: (hist[i] as AssetHistory).returns,
        });
        return {
          holding: h.holding,
          holding_weight: hw,
          portfolio_weight: (current[i] as number) * hw,
          last_price: h.last_price,
          implied_notional: notional,
          implied_units: notional / h.last_price,
          predicted_return: hf.predicted_return,
          forecast_confidence: hf.forecast_confidence,
          forecast_source: hf.forecast_source,
          rebalance_action: trade.action,
          // The asset's trade split pro rata to the holdings (the engine trades at asset level).
          trade_value: roundToMinor(trade.signed_trade_value * hw, req.currency),
        };
      }),
    };
  });

  const view = rankHouseView(forecasts);
  return {
    portfolio_value: V,
    currency: req.currency,
    drift_threshold: req.drift_threshold,
    rebalance_to: req.rebalance_to,
    turnover_limit: req.turnover_limit,
    turnover_used: plan.turnoverUsed,
    estimated_total_transaction_cost: plan.summary.total_costs,
    weights,
    trades: plan.trades,
    trade_summary: plan.summary,
    risk_metrics: riskCurrent,
    proposed_risk_metrics: riskProposed,
    house_view: {
      asset_forecasts: forecasts,
      top_conviction_buys: view.top_conviction_buys,
      risk_reduction_candidates: view.risk_reduction_candidates,
      tilt_budget: req.tilt_budget,
    },
    monte_carlo: monte,
    asset_drilldown,
    method: req.method,
    optimization,
    warnings: dedupe(warnings),
    metadata: {
      timestamp_utc: clock.now().toISOString(),
      version: ENGINE_VERSION,
      engine_version: ENGINE_VERSION,
      input_hash: inputHash(req, options.sha256Hex),
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
