/**
 * The house view: which assets the forecasts favour and which they flag (docs/methods.md (forecast) §7).
 */
import { EngineError, type ErrorDetail } from '../contract/common';
import type { AssetForecast } from '../contract/rebalance';

export interface HouseViewRanking {
  top_conviction_buys: string[];
  risk_reduction_candidates: string[];
}

/** At most this many names in each list. */
export const HOUSE_VIEW_SIZE = 3;

/** Plain code-unit order: the same in every locale and runtime. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Ranks assets by conviction score s = ensemble × confidence (annual return weighted by how much
 * the forecast is trusted; a market_return fallback has confidence 0, so s = 0).
 * top_conviction_buys: up to 3 assets with a positive score, highest first;
 * risk_reduction_candidates: up to 3 with a negative score, lowest (worst) first. A zero score (no
 * view, or no confidence) is in neither list, so the lists never share an asset and a falling
 * forecast is never a "buy". Ties are broken by asset name in code-unit order (ascending).
 * Example: scores A 0.05, B −0.02, C 0.01, D 0 → buys [A, C], reduce [B].
 */
export function rankHouseView(forecasts: readonly AssetForecast[]): HouseViewRanking {
  if (!Array.isArray(forecasts))
    throw new EngineError('BAD_REQUEST', 'forecasts must be an array', [
      { path: 'forecasts', message: 'must be an array of AssetForecast' },
    ]);
  const details: ErrorDetail[] = [];
  const rows: { name: string; score: number }[] = [];
  for (let i = 0; i < forecasts.length; i++) {
    const f = forecasts[i] as AssetForecast;
    const score = f.ensemble * f.confidence;
    if (typeof f.asset !== 'string' || !Number.isFinite(score))
      details.push({
        path: `forecasts.${i}`,
        message: 'needs an asset name and finite ensemble and confidence',
      });
    // +0 for −0 so a negative forecast with confidence 0 ties with the other zeros.
    else rows.push({ name: f.asset, score: score + 0 });
  }
  if (details.length) throw new EngineError('BAD_REQUEST', 'invalid forecasts', details);
  // A buy needs a positive score and a reduction candidate a negative one: an asset the
  // forecasts expect to fall is never called a conviction buy, however the others rank.
  const desc = rows
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || byName(a.name, b.name));
  const asc = rows
    .filter((r) => r.score < 0)
    .sort((a, b) => a.score - b.score || byName(a.name, b.name));
  return {
    top_conviction_buys: desc.slice(0, HOUSE_VIEW_SIZE).map((r) => r.name),
    risk_reduction_candidates: asc.slice(0, HOUSE_VIEW_SIZE).map((r) => r.name),
  };
}
