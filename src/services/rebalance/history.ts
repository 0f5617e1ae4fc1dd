/**
 * Step 2: the return history of each asset and the aligned window the portfolio figures use.
 * docs/methods.md, "How a rebalance response is put together", step 2.
 */
import type { Warning } from '../../contract/common';
import type { HistorySource, RebalanceRequest } from '../../contract/rebalance';
import { own } from '../../domain/names';
import { simpleReturns } from '../../risk/returns';

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
    return { assets, aligned: null, source: 'market_return', missing };
  }
  const lengths = assets.map((h) => (h.returns as Float64Array).length);
  const T = Math.min(...lengths);
  if (Math.max(...lengths) !== T)
    warnings.push({
      code: 'HISTORY_TRUNCATED',
      path: 'assets.*.historical_returns',
      message: `asset histories have different lengths (${T}–${Math.max(...lengths)}); the most recent ${T} days common to all are used, assuming every series ends on the same day`,
    });
  return {
    assets,
    aligned: assets.map((h) => tail(h.returns as Float64Array, T)),
    source: assets.every((h) => h.source === 'price_history')
      ? 'price_history'
      : 'historical_returns',
    missing,
  };
}
