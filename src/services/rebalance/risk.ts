/**
 * Step 7: risk of the current and the proposed portfolio on the same aligned history, and the
 * Monte Carlo of the proposed portfolio. docs/methods.md, steps 7–8.
 */
import type { Warning } from '../../contract/common';
import type {
  AssetForecast,
  RebalanceRequest,
  RebalanceResponse,
  RiskMetrics,
} from '../../contract/rebalance';
import { computeRiskMetrics } from '../../risk/metrics';
import { runMonteCarlo } from '../../risk/montecarlo';
import { portfolioReturns, simpleReturns } from '../../risk/returns';
import { tail, type BookHistory } from './history';

export interface BookRisk {
  current: RiskMetrics;
  proposed: RiskMetrics;
  monteCarlo: RebalanceResponse['monte_carlo'];
}

/**
 * Portfolio daily returns r_p,t = Σ_i w_i r_i,t with the weights as given: the part not invested
 * (cash) earns 0, as in the Monte Carlo. Current: weights of V before the flow; proposed: weights
 * of V' − costs after the trades. Tracking error is against the target portfolio Σ t_i r_i,t.
 * Example: w = [0.5, 0.45] with 5% cash, r_1 = 1%, r_2 = −1% → r_p = 0.0005.
 */
export function assessRisk(
  req: RebalanceRequest,
  history: BookHistory,
  forecasts: readonly AssetForecast[],
  target: Float64Array,
  current: Float64Array,
  proposed: Float64Array,
  initialValue: number,
  warnings: Warning[],
): BookRisk {
  const aligned = history.aligned;
  const T = aligned ? (aligned[0] as Float64Array).length : 0;
  let bench: Float64Array | null = null;
  if (req.benchmark && aligned) {
    const b = simpleReturns(req.benchmark.prices);
    bench = b.length >= T ? tail(b, T) : null;
  } else if (aligned)
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
  const risk = (w: Float64Array, label: string): RiskMetrics => {
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
  };
  const cur = risk(current, 'current portfolio');
  const prop = risk(proposed, 'proposed portfolio');
  let monteCarlo: RebalanceResponse['monte_carlo'] = null;
  if (aligned) {
    const mc = runMonteCarlo({
      weights: proposed,
      assetReturns: aligned,
      settings: req.monte_carlo,
      initialValue,
    });
    monteCarlo = mc.result;
    warnings.push(...mc.warnings);
  }
  return { current: cur, proposed: prop, monteCarlo };
}
