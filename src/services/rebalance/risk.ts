/**
 * Step 7: the risk model of the book — metrics of any weights (current, proposed) on the same
 * aligned history, and the Monte Carlo of the proposed portfolio. docs/methods.md, steps 7–8.
 */
import type { Warning } from '../../contract/common';
import type {
  AssetForecast,
  RebalanceRequest,
  RebalanceResponse,
  RiskMetrics,
} from '../../contract/rebalance';
import { riskContributions } from '../../risk/contribution';
import { computeRiskMetrics, MIN_MOMENT_OBSERVATIONS } from '../../risk/metrics';
import { runMonteCarlo } from '../../risk/montecarlo';
import { portfolioReturns, simpleReturns } from '../../risk/returns';
import { tail, type BookHistory } from './history';

/** Risk figures of any weight vector on the book's aligned history (shared benchmark and target). */
export interface RiskModel {
  /** Metrics of a portfolio; `label` prefixes its warnings ("current portfolio"). */
  metrics(w: Float64Array, label: string): RiskMetrics;
  /** Monte Carlo of a portfolio from `initialValue`; null without aligned history. */
  monteCarlo(w: Float64Array, initialValue: number): RebalanceResponse['monte_carlo'];
  /**
   * Each asset's share of the portfolio's variance on the same history (src/risk/contribution.ts);
   * null where the metrics' volatility is null (no aligned history, fewer than 20 returns, or a
   * constant portfolio series), whose warnings `metrics` already gives.
   */
  contributions(w: Float64Array): Float64Array | null;
}

/**
 * Benchmark daily returns over the book's aligned window: the last T simple returns of
 * benchmark.prices (T = aligned length), or null without a benchmark or with fewer returns.
 * Shared by the risk metrics (beta) and the performance series of a run.
 */
export function alignedBenchmark(
  req: RebalanceRequest,
  aligned: Float64Array[] | null,
): Float64Array | null {
  if (!req.benchmark || !aligned) return null;
  const T = (aligned[0] as Float64Array).length;
  const b = simpleReturns(req.benchmark.prices);
  return b.length >= T ? tail(b, T) : null;
}

/**
 * Portfolio daily returns r_p,t = Σ_i w_i r_i,t with the weights as given: the part not invested
 * (cash) earns 0, as in the Monte Carlo. Current: weights of V before the flow; proposed: weights
 * of V' − costs after the trades. Tracking error is against the target portfolio Σ t_i r_i,t.
 * Example: w = [0.5, 0.45] with 5% cash, r_1 = 1%, r_2 = −1% → r_p = 0.0005.
 */
export function riskModel(
  req: RebalanceRequest,
  history: BookHistory,
  forecasts: readonly AssetForecast[],
  target: Float64Array,
  warnings: Warning[],
): RiskModel {
  const aligned = history.aligned;
  const T = aligned ? (aligned[0] as Float64Array).length : 0;
  const bench = alignedBenchmark(req, aligned);
  if (!req.benchmark && aligned)
    warnings.push({
      code: 'NO_BENCHMARK',
      path: 'benchmark',
      message: 'no benchmark given: beta is null',
    });
  const fallback = (w: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < w.length; i++)
      s += (w[i] as number) * (forecasts[i] as AssetForecast).ensemble;
    return s;
  };
  const targetSeries = aligned ? portfolioReturns(aligned, target) : null;
  return {
    metrics(w, label) {
      const { metrics, warnings: rw } = computeRiskMetrics({
        returns: aligned ? portfolioReturns(aligned, w) : null,
        riskFreeRate: req.risk_free_rate,
        benchmarkReturns: bench,
        referenceReturns: targetSeries,
        source: aligned ? history.source : 'market_return',
        fallbackExpectedReturn: fallback(w),
      });
      for (const x of rw) warnings.push({ ...x, message: `${label}: ${x.message}` });
      return metrics;
    },
    monteCarlo(w, initialValue) {
      if (!aligned) return null;
      const mc = runMonteCarlo({
        weights: w,
        assetReturns: aligned,
        settings: req.monte_carlo,
        initialValue,
      });
      warnings.push(...mc.warnings);
      return mc.result;
    },
    contributions(w) {
      if (!aligned || T < MIN_MOMENT_OBSERVATIONS) return null;
      return riskContributions(aligned, w);
    },
  };
}
