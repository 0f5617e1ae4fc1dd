/**
 * The house view's word on each trade: does the plan trade with or against the asset's forecast,
 * and why. docs/methods.md, Forecast, "House view and the plan".
 */
import type { AssetForecast, RebalanceRequest, TradeRow } from '../../contract/rebalance';
import type { BandRole } from '../../optimize/bands';
import { RETURN_METHODS } from '../../optimize/qp/types';

type Alignment = 'with' | 'against' | 'no_trade';

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`;

/** Methods whose objective uses the return forecasts. */
const USES_FORECASTS: ReadonlySet<string> = new Set<string>(RETURN_METHODS);

/**
 * 'with' when a Buy meets a forecast > 0 or a Sell a forecast < 0; 'against' for the opposite;
 * 'no_trade' for a Hold (or a zero forecast). The reason names what drove the trade:
 * - threshold with tilt_budget 0: "tilt budget 0: trades follow policy targets, not forecasts",
 *   then the band role (e.g. "sold to bring an overweight back into its band");
 * - threshold with a tilt: the tilt the forecast gave the target, then the band role;
 * - optimized methods: whether the objective uses forecasts at all.
 * Example: JPM sold from above its band with forecast +12% and tilt 0 → against, "tilt budget 0:
 * trades follow policy targets, not forecasts; sold to bring an overweight back into its band".
 */
export function forecastAlignment(
  req: RebalanceRequest,
  forecasts: readonly AssetForecast[],
  trades: readonly TradeRow[],
  roles: readonly BandRole[],
  policyTarget: Float64Array,
  destination: Float64Array,
) {
  return trades.map((t, i) => {
    const f = (forecasts[i] as AssetForecast).ensemble;
    const dir = t.action === 'Buy' ? 1 : t.action === 'Sell' ? -1 : 0;
    const alignment: Alignment =
      dir === 0 || f === 0 ? 'no_trade' : dir * f > 0 ? 'with' : 'against';
    const parts: string[] = [];
    if (req.method === 'threshold') {
      const tilt = (destination[i] as number) - (policyTarget[i] as number);
      if (req.tilt_budget === 0)
        parts.push('tilt budget 0: trades follow policy targets, not forecasts');
      else
        parts.push(
          `forecast ${pct(f)} tilts the target by ${tilt >= 0 ? '+' : ''}${(tilt * 100).toFixed(2)} pp (budget ±${(req.tilt_budget * 100).toFixed(2)} pp)`,
        );
      const role = roles[i];
      const side = dir > 0 ? 'bought' : 'sold';
      if (dir !== 0) {
        if (role === 'breach')
          parts.push(
            dir < 0
              ? `${side} to bring an overweight back into its band`
              : `${side} to bring an underweight back into its band`,
          );
        else if (role === 'absorb')
          parts.push(
            `${side} inside its band to ${dir > 0 ? 'invest' : 'raise'} cash for the other trades`,
          );
        else if (role === 'full') parts.push(`${side} to target by the full rebalance`);
      } else parts.push('no trade');
    } else {
      parts.push(
        USES_FORECASTS.has(req.method)
          ? (req.expected_returns?.method ?? 'forecast') === 'forecast'
            ? `${req.method} weighs the forecast ${pct(f)} against risk and costs`
            : `${req.method} uses ${req.expected_returns?.method ?? ''} expected returns, not the forecast ${pct(f)}`
          : `${req.method} does not use return forecasts`,
      );
      if (dir === 0) parts.push('no trade');
    }
    return {
      asset: t.asset,
      forecast_return: f,
      trade_action: t.action,
      alignment,
      reason: parts.join('; '),
    };
  });
}
