/**
 * Execution Agent: turns the decided weights into orders (lots, minimum trades, costs, the cap,
 * cash — one planner for every method), stages them into a queue by liquidity, slices large
 * orders and runs the pre-trade controls on each. docs/agents.md, "Execution agent".
 */
import { z } from 'zod';
import { ExecutionQueue } from '../contract/agents';
import { percent } from '../domain/format';
import { own } from '../domain/names';
import { buildExecutionQueue } from '../execution/queue';
import { forecastAlignment } from '../services/rebalance/alignment';
import type { BookForecasts } from '../services/rebalance/forecasts';
import { planRows, type PlanRows } from '../services/rebalance/orders';
import type { RunContext } from './context';
import type { MarketData } from './marketData';
import type { Decision } from './optimizer';
import { ev, type AgentDef } from './types';

export const executionAgent: AgentDef = {
  name: 'Execution Agent',
  role: 'Builds security-level orders, stages and slices them, and runs the pre-trade controls.',
  objective: 'Orders in lots within cash and the cap; a staged queue; fat-finger controls.',
  version: '1.1.0',
  input: z.object({
    decided_weights: z.unknown().describe('from the Optimizer agent'),
    securities: z.unknown().describe('prices, lots, minimum trades'),
    costs: z.unknown(),
    pre_trade_policy: z.unknown(),
  }),
  output: z.object({ orders: z.unknown(), trades: z.unknown(), execution: ExecutionQueue }),
  writes: ['orders', 'trades', 'trade_summary', 'execution', 'house_view.alignment'],
  models: [
    { name: 'execution planner (E0–E7)', version: '1.0.0' },
    { name: 'staged queue and pre-trade controls', version: '1.0.0' },
  ],
};

export interface Executed {
  rows: PlanRows;
  queue: ExecutionQueue;
  alignment: ReturnType<typeof forecastAlignment>;
}

/** The last price of each series in price_history (a security's last history price). */
function lastPrices(ctx: RunContext): (security: string) => number | null {
  const ph = ctx.req.price_history;
  return (security) => {
    const s = own(ph?.prices, security);
    return s && s.length > 0 ? (s[s.length - 1] as number) : null;
  };
}

export function execute(ctx: RunContext, m: MarketData, f: BookForecasts, d: Decision): Executed {
  const { req } = ctx;
  const rows = planRows(req, m.book, f.destination, d.plan, ctx.warnings);
  // With an optimizer the cap is enforced inside the solve: report it as binding when it was.
  if (d.optimization?.binding_constraints.some((b) => b.name === 'turnover'))
    rows.summary.turnover_limit_binding = true;
  const queue = buildExecutionQueue({
    orders: rows.orders,
    ctx: {
      nav: m.book.valueAfterFlow,
      lastPrice: lastPrices(ctx),
      restricted: new Set(ctx.policy.document.restricted_assets),
      policy: ctx.policy.document.pre_trade,
    },
    costBps: req.transaction_cost_bps,
    ...(req.asset_cost_bps ? { assetCostBps: req.asset_cost_bps } : {}),
    fixedFee: req.fixed_fee_per_trade,
    scale: m.book.scale,
  });
  const alignment = forecastAlignment(
    req,
    f.forecasts,
    rows.trades,
    d.plan.role,
    m.book.target,
    f.destination,
  );
  return { rows, queue, alignment };
}

export function reportExecution(x: Executed, turnover: number) {
  const traded = x.rows.orders.filter((o) => o.trade_units !== 0).length;
  return {
    summary:
      `${traded} order(s), turnover ${percent(turnover)}, cost ${x.rows.summary.total_costs}; ` +
      `${x.queue.child_orders} child order(s) in the queue, ${x.queue.blocked_orders} blocked by a pre-trade control.`,
    evidence: [
      ev('orders', traded),
      ev('turnover', turnover, 'one-way'),
      ev('total_costs', x.rows.summary.total_costs, 'currency'),
      ev('parent_orders', x.queue.parent_orders),
      ev('child_orders', x.queue.child_orders),
      ev('blocked_orders', x.queue.blocked_orders),
      ev('band_breaches_remaining', x.rows.summary.band_breaches_remaining),
    ],
  };
}
