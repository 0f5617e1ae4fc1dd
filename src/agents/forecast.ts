/**
 * Forecast Agent: a forecast per asset (and holding) from its own history, with the models and
 * their versions, and the destination targets tilted within tilt_budget. docs/agents.md.
 */
import { z } from 'zod';
import { AssetForecast } from '../contract/rebalance';
import { forecastBook, type BookForecasts } from '../services/rebalance/forecasts';
import type { RunContext } from './context';
import type { MarketData } from './marketData';
import { ev, type AgentDef } from './types';

export const FORECAST_MODELS = [
  { name: 'momentum', version: '2.0.0' },
  { name: 'mean_reversion', version: '2.0.0' },
  { name: 'ewma', version: '2.0.0' },
  { name: 'ensemble (shrunk toward the historical mean)', version: '2.0.0' },
] as const;

export const forecastAgent: AgentDef = {
  name: 'Forecast Agent',
  role: 'Forecasts each asset’s annual return from its own history and tilts the targets.',
  objective: 'Per-asset forecasts with confidence; destination targets within tilt_budget.',
  version: '2.0.0',
  input: z.object({
    history: z.unknown().describe('daily returns per asset from the Market Data agent'),
    market_return: z.unknown().describe('fallback when an asset has under 20 returns'),
    tilt_budget: z.unknown(),
  }),
  output: z.object({ asset_forecasts: z.array(AssetForecast) }),
  writes: [
    'house_view.asset_forecasts',
    'weights[].forecast_*',
    'weights[].optimized_target_weight',
  ],
  models: FORECAST_MODELS,
};

export function runForecasts(ctx: RunContext, m: MarketData): BookForecasts {
  return forecastBook(ctx.req, m.book, m.history, ctx.warnings);
}

export function reportForecasts(f: BookForecasts) {
  let best = 0;
  let worst = 0;
  f.forecasts.forEach((x, i) => {
    if (x.ensemble > (f.forecasts[best]?.ensemble ?? -Infinity)) best = i;
    if (x.ensemble < (f.forecasts[worst]?.ensemble ?? Infinity)) worst = i;
  });
  const hi = f.forecasts[best];
  const lo = f.forecasts[worst];
  const fromHistory = f.forecasts.filter((x) => x.source !== 'market_return').length;
  return {
    summary: `${f.forecasts.length} forecasts (${fromHistory} from history); highest ${hi?.asset ?? '-'}, lowest ${lo?.asset ?? '-'}.`,
    evidence: [
      ev('forecasts', f.forecasts.length),
      ev('from_history', fromHistory),
      ev('highest_asset', hi?.asset ?? null),
      ev('highest_forecast', hi?.ensemble ?? null, 'annual return'),
      ev('lowest_asset', lo?.asset ?? null),
      ev('lowest_forecast', lo?.ensemble ?? null, 'annual return'),
    ],
  };
}
