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
 * top_conviction_buys: the highest scores, descending; risk_reduction_candidates: the lowest,
 * ascending (worst first). Ties are broken by asset name in code-unit order (ascending in both
 * lists). The lists never share an asset: with n assets the top list takes min(3, ⌈n/2⌉) and the
 * bottom list min(3, ⌊n/2⌋) of the rest, so a 4-asset book gets 2 + 2 and one asset gets 1 + 0.
 * Example: scores A 0.05, B −0.02, C 0.01, D 0 → buys [A, C], reduce [B, D].
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
  const n = rows.length;
  const nTop = Math.min(HOUSE_VIEW_SIZE, Math.ceil(n / 2));
  const nBottom = Math.min(HOUSE_VIEW_SIZE, Math.floor(n / 2));
  const desc = rows.slice().sort((a, b) => b.score - a.score || byName(a.name, b.name));
  const top = desc.slice(0, nTop).map((r) => r.name);
  const chosen = new Set(top);
  const asc = rows
    .filter((r) => !chosen.has(r.name))
    .sort((a, b) => a.score - b.score || byName(a.name, b.name));
  return {
    top_conviction_buys: top,
    risk_reduction_candidates: asc.slice(0, nBottom).map((r) => r.name),
  };
}
