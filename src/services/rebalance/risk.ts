/**
 * Step 7: the risk model of the book — metrics of any weights (current, proposed) on the same
 * aligned history, and the Monte Carlo of the proposed portfolio. docs/methods.md, steps 7–8.
 * With histories of unequal length (`history.full`), the figures use each asset's full history
 * where the method allows (`fullHistoryRisk` below; docs/methods.md, "Histories of unequal
 * length"); with equal lengths the code path is exactly the aligned one.
 */
import type { Warning } from '../../contract/common';
import type {
  AssetForecast,
  RebalanceRequest,
  RebalanceResponse,
  RiskMetrics,
} from '../../contract/rebalance';
import { riskContributions } from '../../risk/contribution';
import {
  contributionsOf,
  fullHistoryModel,
  heldAssets,
  heldWindow,
  portfolioMoments,
  subModel,
  type FullHistoryModel,
} from '../../risk/fullHistory';
import { isZeroVolatility } from '../../domain/sums';
import {
  computeRiskMetrics,
  MIN_MOMENT_OBSERVATIONS,
  TRADING_DAYS,
  Z_05,
} from '../../risk/metrics';
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
  if (history.full && aligned)
    return fullHistoryRisk(req, history, history.full, bench !== null, fallback, target, warnings);
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

/**
 * The risk model when asset histories differ in length (every asset has one). Σ̂ and μ̂ are the
 * book's full-history model (src/risk/fullHistory.ts: each asset's own mean, pairwise covariance
 * repaired once to PSD). For a portfolio w holding the assets H = {i : w_i ≠ 0}:
 * - date-wise figures — historical VaR/CVaR, Cornish–Fisher VaR, max drawdown, Sortino, beta —
 *   come from r_p,t = Σ_{i∈H} w_i r_i,t over the T_H = min_{i∈H} L_i days common to the held
 *   assets (not to every asset of the book); `observations` = T_H;
 * - when the held assets' lengths differ, the moment figures come from μ̂, Σ̂ instead:
 *   volatility = √(252 wᵀΣ̂w), expected_annual_return = 252 wᵀμ̂, Sharpe = (252 wᵀμ̂ − r_f)/vol,
 *   parametric VaR = −(wᵀμ̂ + z₀.₀₅ √(wᵀΣ̂w)) (zero-volatility rule of the metrics applies);
 *   with equal lengths inside H the series over T_H already is their full history;
 * - tracking error = √(252 dᵀΣ̂d), d = w − t, over the assets where w and t differ (null when
 *   those share fewer than 20 days; 0 when w = t);
 * - risk contributions w_i (Σ̂w)_i / wᵀΣ̂w; the Monte Carlo: gaussian from μ̂_H, Σ̂_H, bootstrap
 *   of the T_H common days.
 * The minimum history stays: every figure needs T_H ≥ 20 (historical VaR/CVaR 100) — for end-aligned
 * histories T_H is also the smallest pair overlap inside H.
 */
function fullHistoryRisk(
  req: RebalanceRequest,
  history: BookHistory,
  full: Float64Array[],
  hasBenchmark: boolean,
  fallback: (w: ArrayLike<number>) => number,
  target: Float64Array,
  warnings: Warning[],
): RiskModel {
  const model: FullHistoryModel = fullHistoryModel(full);
  const { lengths } = model;
  if (model.repaired)
    warnings.push({
      code: 'COVARIANCE_PSD_REPAIRED',
      path: 'assets',
      message: `the pairwise covariance of the asset histories is not positive semi-definite (smallest eigenvalue ${(model.minEigenvalueBefore as number).toExponential(3)}, daily); the risk figures use the nearest positive semi-definite matrix (negative eigenvalues set to 0)`,
    });
  const benchReturns = req.benchmark ? simpleReturns(req.benchmark.prices) : null;
  const window = (w: ArrayLike<number>) => heldWindow(lengths, heldAssets(w));
  // r_p over the last T days of the held assets (T ≤ each of their lengths).
  const series = (w: ArrayLike<number>, held: readonly number[], T: number) =>
    portfolioReturns(
      held.map((i) => tail(full[i] as Float64Array, T)),
      Float64Array.from(held, (i) => w[i] as number),
    );
  const unequal = (idx: readonly number[]) =>
    idx.some((i) => lengths[i] !== lengths[idx[0] as number]);
  const moments = (w: ArrayLike<number>) => {
    const { mean, variance } = portfolioMoments(model, w);
    const sd = Math.sqrt(variance);
    return { mean, sd: isZeroVolatility(mean, sd) ? 0 : sd, constant: isZeroVolatility(mean, sd) };
  };
  return {
    metrics(w, label) {
      const held = heldAssets(w);
      // All cash: the aligned path (a zero series), as before.
      const T = held.length ? window(w) : (history.aligned?.[0]?.length ?? 0);
      const rp = held.length
        ? series(w, held, T)
        : portfolioReturns(history.aligned as Float64Array[], w);
      const { metrics, warnings: rw } = computeRiskMetrics({
        returns: rp,
        riskFreeRate: req.risk_free_rate,
        benchmarkReturns: benchReturns && benchReturns.length >= T ? tail(benchReturns, T) : null,
        referenceReturns: null,
        source: history.source,
        fallbackExpectedReturn: fallback(w),
      });
      const out: RiskMetrics = { ...metrics };
      const notes: string[] = [];
      if (T >= MIN_MOMENT_OBSERVATIONS && held.length && unequal(held)) {
        const m = moments(w);
        const vol = m.sd * Math.sqrt(TRADING_DAYS);
        out.volatility = vol;
        out.expected_annual_return = TRADING_DAYS * m.mean;
        out.sharpe = m.constant ? null : (TRADING_DAYS * m.mean - req.risk_free_rate) / vol;
        if (m.constant && !rw.some((x) => x.code === 'ZERO_VOLATILITY'))
          rw.push({
            code: 'ZERO_VOLATILITY',
            message:
              'the portfolio is constant over its assets’ full histories (wᵀΣ̂w ≈ 0): volatility is 0 and the Sharpe ratio is undefined (null)',
          });
        out.parametric_var_95 = -(m.mean + Z_05 * m.sd);
        notes.push(
          `volatility, expected return, Sharpe and parametric VaR use each held asset's full history (${Math.min(...held.map((i) => lengths[i] as number))}–${Math.max(...held.map((i) => lengths[i] as number))} daily returns, pairwise covariance)`,
        );
      }
      // Tracking error against the target portfolio, in moment form over supp(w − t).
      const d = Float64Array.from(w, (x, i) => x - (target[i] as number));
      const dHeld = heldAssets(d);
      const Td = heldWindow(lengths, dHeld);
      if (dHeld.length === 0) out.tracking_error = 0;
      else if (Td >= MIN_MOMENT_OBSERVATIONS && T >= MIN_MOMENT_OBSERVATIONS) {
        const m = moments(d);
        out.tracking_error = m.sd * Math.sqrt(TRADING_DAYS);
      } else {
        out.tracking_error = null;
        if (T >= MIN_MOMENT_OBSERVATIONS)
          rw.push({
            code: 'INSUFFICIENT_HISTORY',
            message: `the assets of this portfolio and of the target share ${Td} daily returns: tracking error needs at least ${MIN_MOMENT_OBSERVATIONS} and is null`,
          });
      }
      if (held.length && T >= MIN_MOMENT_OBSERVATIONS)
        notes.push(
          `historical VaR/CVaR, Cornish–Fisher VaR, drawdown, Sortino${hasBenchmark ? ', beta' : ''} use the ${T} days common to the assets it holds`,
        );
      if (notes.length)
        warnings.push({
          code: 'FULL_HISTORY_RISK',
          message: `${label}: ${notes.join('; ')}`,
        });
      for (const x of rw) warnings.push({ ...x, message: `${label}: ${x.message}` });
      return out;
    },
    monteCarlo(w, initialValue) {
      const held = heldAssets(w);
      if (held.length === 0)
        return riskModelMonteCarlo(
          req,
          history.aligned as Float64Array[],
          w,
          initialValue,
          null,
          warnings,
        );
      const T = window(w);
      return riskModelMonteCarlo(
        req,
        held.map((i) => tail(full[i] as Float64Array, T)),
        Float64Array.from(held, (i) => w[i] as number),
        initialValue,
        subModel(model, held),
        warnings,
      );
    },
    contributions(w) {
      const held = heldAssets(w);
      if (held.length === 0 || window(w) < MIN_MOMENT_OBSERVATIONS) return null;
      if (moments(w).constant) return null;
      return contributionsOf(model, w);
    },
  };
}

function riskModelMonteCarlo(
  req: RebalanceRequest,
  assetReturns: Float64Array[],
  weights: Float64Array,
  initialValue: number,
  moments: { mean: Float64Array; cov: Float64Array } | null,
  warnings: Warning[],
): RebalanceResponse['monte_carlo'] {
  const mc = runMonteCarlo({
    weights,
    assetReturns,
    settings: req.monte_carlo,
    initialValue,
    moments,
  });
  warnings.push(...mc.warnings);
  return mc.result;
}
