/**
 * The copilot's ranked actions: which assets of a run matter most, scored from the run's own
 * figures only. docs/_fragments/copilot.md, "The score".
 */
import type { StressResult } from '../contract/agents';
import type { ScoreComponents, TopAction } from '../contract/copilot';
import type { RebalanceResponse } from '../contract/rebalance';
import { formatMoney, formatPercent } from './numbers';
import { worstStress } from '../risk/stress';

/** At most this many actions are listed. */
export const TOP_ACTIONS = 5;

/** Weights of the score components; they sum to 1. */
export const SCORE_WEIGHTS: Readonly<ScoreComponents> = Object.freeze({
  drift: 0.4,
  forecast: 0.3,
  confidence: 0.2,
  risk: 0.1,
});

/** Cap on |drift| / drift_threshold: an asset twice its band's half-width out scores the full 1. */
export const DRIFT_CAP = 2;

/** Plain code-unit order: the same in every locale and runtime. */
export function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const round4 = (x: number) => {
  const r = Math.round(x * 1e4) / 1e4;
  return r === 0 ? 0 : r; // no −0
};

type Row = RebalanceResponse['weights'][number];
type Trade = RebalanceResponse['trades'][number];

const ACTION = { Buy: 'BUY', Sell: 'SELL', Hold: 'HOLD' } as const;

/**
 * Ranks the assets of a run that trade or sit outside their band, at most TOP_ACTIONS.
 *
 * Per asset i (every figure is the run's own):
 *
 *   drift      D = min(|drift_i| / drift_threshold, 2) / 2                       ∈ [0, 1]
 *              (drift_threshold = 0: D = 1 when drift_i ≠ 0, else 0)
 *   forecast   F = sign(trade_i) · ensemble_i / max_j |ensemble_j|              ∈ [−1, 1]
 *              (0 when the asset does not trade, or no forecast is non-zero)
 *   confidence C = confidence_i · sign(F)                                        ∈ [−1, 1]
 *   risk       R = Δw_i · r_i / max_j |Δw_j · r_j|                               ∈ [−1, 1]
 *              Δw = proposed_weight − current_weight_after_flow, r = the asset's return in
 *              the worst stress test (`worstStress`); 0 without stress tests or returns
 *
 *   score = 0.4·D + 0.3·F + 0.2·C + 0.1·R, from the components rounded to 4 decimals, rounded
 *   to 4 decimals.
 *
 * D says how urgent the trade is (distance outside the band, in half-widths); F whether it goes
 * with the house forecast, scaled to the run's strongest view; C how far that forecast is
 * trusted, signed by F (a trusted forecast against the trade lowers the score); R whether the
 * trade cuts the loss in the worst stress test. Ranked by score descending, ties by asset name.
 * sign(trade) is +1 for a buy, −1 for a sell, 0 for a hold.
 *
 * Example: drift_threshold 0.02, asset A sells (drift +0.04, ensemble −0.10 of a run maximum
 * 0.20, confidence 0.5, Δw·r = 0.002 of a run maximum 0.004): D = 1, F = 0.5, C = 0.5, R = 0.5,
 * score = 0.4 + 0.15 + 0.1 + 0.05 = 0.7.
 */
export function rankActions(out: RebalanceResponse): TopAction[] {
  const trades = new Map<string, Trade>(out.trades.map((t) => [t.asset, t]));
  const forecasts = new Map(out.house_view.asset_forecasts.map((f) => [f.asset, f]));
  const ensemble = (w: Row) => forecasts.get(w.asset)?.ensemble ?? w.forecast_return;
  const confidence = (w: Row) => forecasts.get(w.asset)?.confidence ?? w.forecast_confidence;
  const maxForecast = Math.max(0, ...out.weights.map((w) => Math.abs(ensemble(w))));

  const stress = worstStress(out.stress_tests);
  const stressReturn = new Map((stress?.assets ?? []).map((a) => [a.asset, a.return]));
  const deltaW = (w: Row) => w.proposed_weight - w.current_weight_after_flow;
  const stressGain = (w: Row) => deltaW(w) * (stressReturn.get(w.asset) ?? 0);
  const maxGain = Math.max(0, ...out.weights.map((w) => Math.abs(stressGain(w))));

  const h = out.drift_threshold;
  const scored = out.weights
    .filter((w) => w.outside_band || (trades.get(w.asset)?.trade_value ?? 0) > 0)
    .map((w) => {
      const t = trades.get(w.asset);
      const action = t && t.trade_value > 0 ? ACTION[t.action] : 'HOLD';
      const side = action === 'BUY' ? 1 : action === 'SELL' ? -1 : 0;
      const d =
        h > 0 ? Math.min(Math.abs(w.drift) / h, DRIFT_CAP) / DRIFT_CAP : w.drift !== 0 ? 1 : 0;
      const f = maxForecast > 0 ? (side * ensemble(w)) / maxForecast : 0;
      const components: ScoreComponents = {
        drift: round4(d),
        forecast: round4(f),
        confidence: round4(confidence(w) * Math.sign(round4(f))),
        risk: round4(maxGain > 0 ? stressGain(w) / maxGain : 0),
      };
      const score = round4(
        SCORE_WEIGHTS.drift * components.drift +
          SCORE_WEIGHTS.forecast * components.forecast +
          SCORE_WEIGHTS.confidence * components.confidence +
          SCORE_WEIGHTS.risk * components.risk,
      );
      return {
        asset: w.asset,
        action,
        score,
        components,
        trade_value: t?.trade_value ?? 0,
        reason: reasonOf(out, w, t, action, ensemble(w), confidence(w), stress, stressReturn),
      };
    })
    .sort((a, b) => b.score - a.score || byName(a.asset, b.asset));
  return scored.slice(0, TOP_ACTIONS).map((a, i) => ({ rank: i + 1, ...a }));
}

/** The reason of one action, written from the run's figures with the fixed formatter. */
function reasonOf(
  out: RebalanceResponse,
  w: Row,
  t: Trade | undefined,
  action: TopAction['action'],
  ensemble: number,
  confidence: number,
  stress: StressResult | null,
  stressReturn: Map<string, number | null>,
): string {
  const parts: string[] = [];
  const where = w.outside_band
    ? `outside its band of ${formatPercent(w.band_lower)} to ${formatPercent(w.band_upper)}`
    : `inside its band of ${formatPercent(w.band_lower)} to ${formatPercent(w.band_upper)}`;
  parts.push(
    `${w.asset} is at ${formatPercent(w.current_weight_after_flow)} against a target of ${formatPercent(w.target_weight)} (drift ${formatPercent(w.drift)}), ${where}`,
  );
  if (action === 'HOLD')
    parts.push(
      t && t.status !== 'in_band' && t.status !== 'no_change'
        ? `no order is sent (${t.status.replace(/_/g, ' ')})`
        : 'no order is sent',
    );
  else
    parts.push(
      `${action === 'BUY' ? 'buy' : 'sell'} ${formatMoney(t?.trade_value ?? 0, out.currency)} to reach ${formatPercent(w.proposed_weight)}`,
    );
  const view =
    ensemble === 0
      ? 'no return forecast'
      : `a forecast of ${formatPercent(ensemble)} a year at ${formatPercent(confidence)} confidence`;
  const side = action === 'BUY' ? 1 : action === 'SELL' ? -1 : 0;
  const fit =
    side === 0 || ensemble === 0 ? '' : side * ensemble > 0 ? ', with the trade' : ', against it';
  parts.push(`${view}${fit}`);
  const r = stressReturn.get(w.asset);
  if (stress && r !== undefined && r !== null)
    parts.push(`it returns ${formatPercent(r)} in the worst stress test (${stress.name})`);
  return `${parts.join('; ')}.`;
}
