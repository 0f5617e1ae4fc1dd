import { z } from 'zod';
import { RebalanceMethod } from './optimize';
import { RunIdRequest } from './store';

/**
 * Analytics of a saved run, computed on request from its stored input and output: the
 * performance and drawdown history of the current and proposed portfolio, and the efficient
 * frontier of the run's optimizer problem. Formulas: docs/methods.md, "Performance series" and
 * "Efficient frontier".
 */

const num = z.number();

export const PerformanceSeries = z.object({
  name: z.enum(['current', 'proposed', 'benchmark']),
  label: z.string().describe('What to call the series on screen (the benchmark’s own name).'),
  cumulative_return: z
    .array(num)
    .describe('W_t − 1 per date, W_0 = 1 on the first date (so the first entry is 0).'),
  drawdown: z.array(num).describe('W_t / max_{s≤t} W_s − 1 per date (≤ 0).'),
  total_return: num.describe('W_T − 1 over the whole history.'),
  max_drawdown: num.describe(
    'Largest drawdown as a positive fraction (−min drawdown); equals risk_metrics.max_drawdown (current) and proposed_risk_metrics.max_drawdown (proposed) whenever those are not null.',
  ),
});
export type PerformanceSeries = z.infer<typeof PerformanceSeries>;

export const RunPerformanceResponse = z.object({
  run_id: z.string(),
  rebalancing: z
    .literal('constant_mix')
    .describe(
      'Weights held constant every day (traded back each close), cash earning 0: the portfolio series of the risk metrics.',
    ),
  dates: z.array(z.string()).describe('price_history.dates of the run, oldest first.'),
  series: z
    .array(PerformanceSeries)
    .describe('current and proposed, then benchmark when the request had one.'),
});
export type RunPerformanceResponse = z.infer<typeof RunPerformanceResponse>;

export const RunFrontierRequest = RunIdRequest.extend({
  points: z.coerce
    .number()
    .int()
    .min(5)
    .max(60)
    .default(25)
    .describe('Number of frontier points (minimum-variance portfolios).'),
});

export const FrontierPoint = z.object({
  expected_return: num.describe('μᵀw + r_f · (1 − Σw), annual.'),
  volatility: num.describe('√(wᵀΣw), annual.'),
});

export const FRONTIER_MARKERS = [
  'current',
  'target',
  'proposed',
  'max_sharpe',
  'min_variance',
] as const;

export const FrontierMarker = FrontierPoint.extend({ name: z.enum(FRONTIER_MARKERS) });
export type FrontierMarker = z.infer<typeof FrontierMarker>;

export const RunFrontierResponse = z.object({
  run_id: z.string(),
  method: RebalanceMethod.describe('The run’s rebalance method.'),
  risk_free_rate: num,
  points: z
    .array(FrontierPoint)
    .describe(
      'Minimum-variance portfolios for return targets evenly spaced from the minimum-variance portfolio’s return to the largest attainable return, in that order.',
    ),
  markers: z.array(FrontierMarker),
  notes: z
    .array(z.string())
    .describe(
      'What the frontier assumes and leaves out, and any marker that lies outside its constraints.',
    ),
});
export type RunFrontierResponse = z.infer<typeof RunFrontierResponse>;
