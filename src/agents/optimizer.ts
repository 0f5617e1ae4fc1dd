/**
 * Rebalance Optimizer Agent: decides the post-trade weights — the threshold rule (bands, with the
 * decide–execute loop) or a QP method solved by HiGHS — and nothing else: it never builds
 * orders. docs/methods.md, "Rebalancing: decide, then execute".
 */
import { z } from 'zod';
import { OptimizationResult } from '../contract/optimize';
import type { RebalanceResponse } from '../contract/rebalance';
import type { BookForecasts } from '../services/rebalance/forecasts';
import { decideOptimized } from '../services/rebalance/optimize';
import { planDecided, planThreshold, type PlanOutcome } from '../services/rebalance/plan';
import type { RunContext } from './context';
import type { MarketData } from './marketData';
import { ev, type AgentDef } from './types';

export const optimizerAgent: AgentDef = {
  name: 'Rebalance Optimizer Agent',
  role: 'Decides target post-trade weights: the band rule or an optimizer; never builds orders.',
  objective: 'Bring every asset back inside its band with the least turnover, or solve the method.',
  version: '2.0.0',
  input: z.object({
    current_weights: z.unknown(),
    destination_targets: z.unknown().describe('from the Forecast agent'),
    drift_threshold: z.unknown(),
    rebalance_to: z.unknown(),
    method: z.unknown(),
    constraints: z.unknown().describe('turnover cap, bounds, class limits, no_trade'),
  }),
  output: z.object({ decided_weights: z.unknown(), optimization: OptimizationResult.nullable() }),
  writes: ['weights[].decided_weight', 'weights[].band_*', 'optimization'],
  models: [
    { name: 'threshold bands (B1–B6)', version: '2.0.0' },
    { name: 'QP methods on HiGHS', version: '1.0.0' },
  ],
};

export interface Decision {
  plan: PlanOutcome;
  optimization: RebalanceResponse['optimization'];
}

export async function decide(ctx: RunContext, m: MarketData, f: BookForecasts): Promise<Decision> {
  const { req } = ctx;
  if (req.method === 'threshold')
    return { plan: planThreshold(req, m.book, f.destination), optimization: null };
  const decided = await decideOptimized(req, m.book, m.history, f, ctx.options.solver);
  return {
    plan: planDecided(req, m.book, f.destination, decided.weights),
    optimization: decided.optimization,
  };
}

export function reportDecision(ctx: RunContext, d: Decision) {
  const outside = d.plan.position.filter((p) => p !== 'inside').length;
  return {
    summary:
      ctx.req.method === 'threshold'
        ? d.plan.triggered
          ? `${outside} asset(s) outside their band: rebalance to ${ctx.req.rebalance_to}; decided in ${d.plan.passes} pass(es).`
          : 'Every asset inside its band: no trade needed.'
        : `${ctx.req.method} solved (${d.optimization?.solver.status ?? 'n/a'}).`,
    evidence: [
      ev('method', ctx.req.method),
      ev('drift_threshold', ctx.req.drift_threshold, 'weight'),
      ev('assets_outside_band', outside),
      ev('triggered', d.plan.triggered),
      ev('passes', d.plan.passes),
      ev('cash_reserve', d.plan.costReserve, 'fraction'),
      ev('solver_status', d.optimization?.solver.status ?? null),
    ],
  };
}
