/**
 * Step 8: the drilldown per asset down to its holdings, with each holding's own order.
 * docs/methods.md, step 9.
 */
import type { AssetClass } from '../../contract/common';
import type {
  AssetForecast,
  OrderRow,
  RebalanceRequest,
  RebalanceResponse,
  TradeRow,
} from '../../contract/rebalance';
import { forecastHolding } from '../../forecast';
import { byName, own } from '../../domain/names';
import { roundToMinor } from '../../execution/money';
import { simpleReturns } from '../../risk/returns';
import type { Book, BookSecurity } from './book';
import type { BookHistory } from './history';

/**
 * One entry per asset: its summary figures and its holdings. A holding's implied notional is
 * V × c_i × its share of the asset; its trade is its own order (security-level orders), and its
 * forecast uses its own price series when price_history has one with ≥ 20 returns.
 */
export function buildDrilldown(
  req: RebalanceRequest,
  book: Book,
  history: BookHistory,
  forecasts: readonly AssetForecast[],
  weights: RebalanceResponse['weights'],
  trades: readonly TradeRow[],
  orders: readonly OrderRow[],
): RebalanceResponse['asset_drilldown'] {
  // Keyed by asset name: a null-prototype object stores an asset named __proto__ like any other.
  const out = byName<RebalanceResponse['asset_drilldown'][string]>();
  const ph = req.price_history;
  req.assets.forEach((a, i) => {
    const trade = trades[i] as TradeRow;
    const w = weights[i] as RebalanceResponse['weights'][number];
    const f = forecasts[i] as AssetForecast;
    const ids = book.securitiesOf[i] as number[];
    const holdings = ids
      .filter((j) => (book.securities[j] as BookSecurity).holding !== null)
      .map((j) => {
        const sec = book.securities[j] as BookSecurity;
        const order = orders[j] as OrderRow;
        const notional = roundToMinor(
          book.value * (book.current[i] as number) * sec.share,
          book.currency,
        );
        const series = own(ph?.prices, sec.id);
        const hf = forecastHolding({
          holdingReturns: series ? simpleReturns(series) : null,
          assetForecast: f,
          assetReturns: history.assets[i]?.returns ?? null,
        });
        return {
          holding: sec.id,
          holding_weight: sec.share,
          portfolio_weight: (book.current[i] as number) * sec.share,
          last_price: sec.price,
          implied_notional: notional,
          implied_units: notional / sec.price,
          predicted_return: hf.predicted_return,
          forecast_confidence: hf.forecast_confidence,
          forecast_source: hf.forecast_source,
          rebalance_action: order.action,
          trade_value: order.signed_trade_value,
          trade_units: order.trade_units,
          status: order.status,
        };
      });
    out[a.asset] = {
      asset: a.asset,
      asset_class: book.classes[i] as AssetClass,
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
      holdings,
    };
  });
  return out;
}
