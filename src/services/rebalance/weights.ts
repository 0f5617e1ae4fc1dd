/**
 * The weight rows of a rebalance response: per asset its target, the forecast-tilted target,
 * current weight before and after the cash flow, drift, band, decided and proposed weight, band
 * status after the trades and the forecast. docs/methods.md, "How a rebalance response is put
 * together".
 */
import type { RebalanceRequest, RebalanceResponse } from '../../contract/rebalance';
import type { Book } from './book';
import type { BookForecasts } from './forecasts';
import type { PlanRows } from './orders';
import type { PlanOutcome } from './plan';

/** drift_i = c'_i − t_i (after the flow); every other field is read from the steps' outputs. */
export function weightRows(
  req: RebalanceRequest,
  book: Book,
  fc: BookForecasts,
  plan: PlanOutcome,
  rows: PlanRows,
): RebalanceResponse['weights'] {
  return req.assets.map((a, i) => {
    const f = fc.forecasts[i] as RebalanceResponse['house_view']['asset_forecasts'][number];
    return {
      asset: a.asset,
      asset_class: book.classes[i] as RebalanceResponse['weights'][number]['asset_class'],
      target_weight: book.target[i] as number,
      optimized_target_weight: fc.destination[i] as number,
      current_weight: book.current[i] as number,
      current_weight_after_flow: book.currentAfterFlow[i] as number,
      drift: (book.currentAfterFlow[i] as number) - (book.target[i] as number),
      band_lower: plan.lower[i] as number,
      band_upper: plan.upper[i] as number,
      outside_band: plan.position[i] !== 'inside',
      decided_weight: plan.decided[i] as number,
      proposed_weight: rows.proposed[i] as number,
      post_trade_band_status: rows.bandStatus[i] ?? 'inside',
      band_constraint: rows.bandConstraint[i] ?? null,
      forecast_return: f.ensemble,
      forecast_confidence: f.confidence,
      forecast_source: f.source,
    };
  });
}
