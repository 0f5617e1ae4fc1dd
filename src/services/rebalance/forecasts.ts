/**
 * Step 3: forecasts per asset and the destination targets (policy targets tilted by the
 * forecasts within tilt_budget). docs/methods.md, steps 3–4, and the Forecast section.
 */
import type { Warning } from '../../contract/common';
import type { AssetForecast, RebalanceRequest } from '../../contract/rebalance';
import { forecastAsset, forecastTilt } from '../../forecast';
import type { Book } from './book';
import type { BookHistory } from './history';

export interface BookForecasts {
  forecasts: AssetForecast[];
  /** Annual ensemble forecast per asset. */
  ensemble: Float64Array;
  /** d_i: destination targets (fractions of V', Σ = 1 − b); equal to book.target when b = 0 tilt. */
  destination: Float64Array;
}

/**
 * Forecasts each asset from its history (market_return without ≥ 20 returns) and tilts the
 * policy targets: d = (1 − b) · forecastTilt(t / (1 − b), ensemble, confidence, tilt_budget).
 * Example: tilt_budget 0 → d = t.
 */
export function forecastBook(
  req: RebalanceRequest,
  book: Book,
  history: BookHistory,
  warnings: Warning[],
): BookForecasts {
  const forecasts = req.assets.map((a, i) => {
    const h = history.assets[i];
    const { forecast, warnings: w } = forecastAsset({
      asset: a.asset,
      returns: h?.returns ?? null,
      source: h?.source === 'price_history' ? 'price_history' : 'historical_returns',
      marketReturn: a.market_return,
      path: h?.path ?? `assets.${i}`,
    });
    warnings.push(...w);
    return forecast;
  });
  const ensemble = Float64Array.from(forecasts, (f) => f.ensemble);
  const invested = 1 - book.cashTarget;
  const tilted = forecastTilt({
    targets: Float64Array.from(book.target, (t) => t / invested),
    forecasts: ensemble,
    confidences: Float64Array.from(forecasts, (f) => f.confidence),
    tiltBudget: req.tilt_budget,
  });
  return {
    forecasts,
    ensemble,
    destination: req.tilt_budget === 0 ? book.target : tilted.map((w) => w * invested),
  };
}
