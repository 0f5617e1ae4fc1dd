/**
 * Step 2: the return history of each asset, the window common to every asset, and whether the
 * risk figures use each asset's full history instead (histories of unequal length).
 * docs/methods.md, "How a rebalance response is put together", step 2, and "Histories of
 * unequal length".
 */
import type { Warning } from '../../contract/common';
import type { HistoryObservations } from '../../contract/estimators';
import type { HistorySource, RebalanceRequest } from '../../contract/rebalance';
import { own } from '../../domain/names';
import { pairObservations } from '../../risk/pairwise';
import { simpleReturns } from '../../risk/returns';

/**
 * Largest book whose risk figures use each asset's full history when lengths differ: the
 * pairwise covariance and its PSD repair (O(n³), about 1.3 s at 500 assets when a repair is
 * needed) run on every such request. Above it, the common window is used (FULL_HISTORY_SKIPPED).
 */
export const FULL_HISTORY_MAX_ASSETS = 500;

export interface AssetHistory {
  returns: Float64Array | null;
  source: HistorySource;
  /** Input path of the series, for warnings. */
  path: string;
}

export interface BookHistory {
  assets: AssetHistory[];
  /** The most recent T returns common to every asset, or null when any asset has none. */
  aligned: Float64Array[] | null;
  /** price_history when every asset has it, else historical_returns (market_return: none). */
  source: HistorySource;
  /** Names of assets without history. */
  missing: string[];
  /**
   * Every asset's full history (end-aligned, lengths may differ) when every asset has one and the
   * lengths differ and the book has at most FULL_HISTORY_MAX_ASSETS assets; else null (the risk
   * figures use `aligned`).
   */
  full: Float64Array[] | null;
}

/** The last `t` elements (a view, no copy). */
export const tail = (a: Float64Array, t: number) => a.subarray(a.length - t);

/**
 * price_history.prices[asset] (simple returns of the prices) wins over historical_returns; an
 * asset with neither has no history. Histories of different lengths are aligned on their most
 * recent T common days (HISTORY_TRUNCATED); any asset without history → aligned = null
 * (HISTORY_MISSING).
 * Example: 6 assets with 253 prices each → 6 series of 252 returns, aligned, source price_history.
 */
export function readHistory(req: RebalanceRequest, warnings: Warning[]): BookHistory {
  const ph = req.price_history;
  const assets: AssetHistory[] = req.assets.map((a, i) => {
    const series = own(ph?.prices, a.asset);
    if (series)
      return {
        returns: simpleReturns(series),
        source: 'price_history',
        path: `price_history.prices.${a.asset}`,
      };
    if (a.historical_returns && a.historical_returns.length > 0)
      return {
        returns: Float64Array.from(a.historical_returns),
        source: 'historical_returns',
        path: `assets.${i}.historical_returns`,
      };
    return { returns: null, source: 'market_return', path: `assets.${i}.market_return` };
  });
  const missing = req.assets.filter((_, i) => assets[i]?.returns === null).map((a) => a.asset);
  if (missing.length > 0) {
    warnings.push({
      code: 'HISTORY_MISSING',
      path: 'assets',
      message: `no price history or historical_returns for ${missing.join(', ')}: portfolio risk figures and Monte Carlo need every asset's history and are null; expected returns use market_return`,
    });
    return { assets, aligned: null, source: 'market_return', missing, full: null };
  }
  const lengths = assets.map((h) => (h.returns as Float64Array).length);
  const T = Math.min(...lengths);
  const L = Math.max(...lengths);
  let full: Float64Array[] | null = null;
  if (L !== T) {
    const useFull = req.assets.length <= FULL_HISTORY_MAX_ASSETS;
    if (useFull) full = assets.map((h) => h.returns as Float64Array);
    warnings.push({
      code: 'HISTORY_TRUNCATED',
      path: 'assets.*.historical_returns',
      message: useFull
        ? `asset histories have different lengths (${T}–${L} daily returns), taken to end on the same day: volatility, expected return, Sharpe, parametric VaR, tracking error, risk contributions and the gaussian Monte Carlo use each held asset's full history (pairwise covariance); historical VaR/CVaR, Cornish–Fisher VaR, drawdown, Sortino, beta and the bootstrap use the days common to the assets each portfolio holds; the optimizer's sample, ewma and ledoit_wolf covariances use the ${T} days common to every asset (history_observations; docs/methods.md, "Histories of unequal length")`
        : `asset histories have different lengths (${T}–${L} daily returns); with more than ${FULL_HISTORY_MAX_ASSETS} assets the full-history risk figures are not computed (their PSD repair is O(n³)): the most recent ${T} days common to all are used, assuming every series ends on the same day`,
    });
  }
  return {
    assets,
    aligned: assets.map((h) => tail(h.returns as Float64Array, T)),
    source: assets.every((h) => h.source === 'price_history')
      ? 'price_history'
      : 'historical_returns',
    missing,
    full,
  };
}

/**
 * The `history_observations` block of the response: each asset's own count L_i (0 without
 * history), the window common to every asset, and the pairs' overlaps min(L_i, L_j) over the
 * assets with history (every pair listed up to PAIR_LIST_MAX_ASSETS assets).
 * Example: A 7,125 and B 895 returns → common_window 895, pairs {1 pair, min = median = max = 895,
 * counts [(A, B) 895]}, method full_history.
 */
export function historyObservations(
  req: RebalanceRequest,
  history: BookHistory,
): HistoryObservations {
  const counts = history.assets.map((h) => h.returns?.length ?? 0);
  const withHistory = req.assets.flatMap((a, i) => (history.assets[i]?.returns ? [i] : []));
  return {
    method: history.full ? 'full_history' : 'common_window',
    common_window: history.aligned ? ((history.aligned[0] as Float64Array).length ?? 0) : 0,
    assets: req.assets.map((a, i) => ({ asset: a.asset, observations: counts[i] as number })),
    pairs: pairObservations(
      withHistory.map((i) => counts[i] as number),
      withHistory.map((i) => (req.assets[i] as { asset: string }).asset),
    ),
  };
}
