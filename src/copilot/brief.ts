/**
 * The copilot brief of one run, written deterministically from a fixed template: the same run
 * gives the same bytes, and every number in the narrative is one of the run's, printed by the
 * fixed formatter (numbers.ts). docs/_fragments/copilot.md, "The narrative template".
 */
import { LIQUIDITY_STAGES } from '../contract/agents';
import type { CopilotInsights, ModelStack, PlaybookStage, RiskFlag } from '../contract/copilot';
import type { RebalanceResponse } from '../contract/rebalance';
import { worstStress } from '../risk/stress';
import { byName, rankActions } from './actions';
import { formatCount, formatMoney, formatPercent } from './numbers';

export type Brief = Omit<CopilotInsights, 'rephrased' | 'warnings'>;

/** Largest trades named in the narrative. */
export const NARRATIVE_TRADES = 3;
/** Data-health findings quoted in the narrative: the first of each check, most severe first. */
export const NARRATIVE_FINDINGS = 3;

const SEVERITY_RANK = { block: 0, review: 1, warn: 2 } as const;

const noStop = (s: string) => s.trim().replace(/[.;:\s]+$/, '');

/** The brief of a run: narrative, ranked actions, risk flags, playbook and model stack. */
export function writeBrief(out: RebalanceResponse & { run_id: string }): Brief {
  return {
    run_id: out.run_id,
    decision: out.decision,
    decision_reasons: [...out.decision_reasons],
    narrative: narrativeOf(out),
    top_actions: rankActions(out),
    risk_flags: riskFlags(out),
    execution_playbook: playbook(out),
    cutting_edge_model_stack: modelStack(out),
  };
}

/**
 * The narrative: one sentence per topic, in this order, each only when the run has it —
 * decision and why; orders, turnover and cost; the largest trades; risk now against proposed
 * (volatility, 1-day 95% VaR, tracking error); the worst stress test; blocked orders;
 * data-health findings (their count, the checks they fall under, and the first message of each
 * check, most severe first, at most NARRATIVE_FINDINGS). Percents and amounts are printed by formatPercent / formatMoney, counts
 * by formatCount, and only figures present in the run are printed (no difference or total is
 * computed here).
 */
export function narrativeOf(out: RebalanceResponse): string {
  const money = (x: number) => formatMoney(x, out.currency);
  const s: string[] = [];

  // 1. Decision and why.
  const near = out.supervisor.checks.filter((c) => c.result === 'near').map((c) => c.label);
  if (out.decision === 'APPROVED')
    s.push(
      near.length > 0
        ? `Decision: APPROVED; no supervisor check is breached, but these are near their limit: ${near.join(', ')}.`
        : 'Decision: APPROVED; no supervisor check is breached or near its limit.',
    );
  else {
    const why =
      out.decision_reasons.length > 0
        ? out.decision_reasons.map(noStop).join('; ')
        : out.supervisor.require_sign_off
          ? 'the policy requires a sign-off for every run'
          : 'of the supervisor’s checks';
    s.push(`Decision: ${out.decision}, because ${why}.`);
  }

  // 2. Orders, turnover and cost.
  const ts = out.trade_summary;
  if (ts.trade_count === 0) s.push('No order is needed: the plan leaves every position as it is.');
  else {
    s.push(
      `The plan sends ${formatCount(ts.trade_count)} order(s) for a one-way turnover of ${formatPercent(out.turnover_used)} against a cap of ${formatPercent(out.turnover_limit)}, at an estimated transaction cost of ${money(out.estimated_total_transaction_cost)}.`,
    );
    if (ts.turnover_limit_binding)
      s.push(
        `The turnover cap was binding: the trades were scaled to ${formatPercent(ts.turnover_scale)} of their size.`,
      );
  }

  // 3. Largest trades.
  const largest = out.trades
    .filter((t) => t.trade_value > 0 && t.action !== 'Hold')
    .sort((a, b) => b.trade_value - a.trade_value || byName(a.asset, b.asset))
    .slice(0, NARRATIVE_TRADES)
    .map((t) => `${t.action === 'Buy' ? 'buy' : 'sell'} ${t.asset} for ${money(t.trade_value)}`);
  if (largest.length > 0) s.push(`Largest trades: ${largest.join(', ')}.`);

  // 4. Risk now against proposed.
  const now = out.risk_metrics;
  const next = out.proposed_risk_metrics;
  const pair = (label: string, a: number | null, b: number | null) =>
    a !== null && b !== null
      ? `${label} ${formatPercent(a)} now against ${formatPercent(b)} after the trades`
      : null;
  const risk = [
    pair('annualized volatility', now.volatility, next.volatility),
    pair('1-day 95% VaR', now.var_95, next.var_95),
    pair('tracking error', now.tracking_error, next.tracking_error),
  ].filter((x): x is string => x !== null);
  s.push(
    risk.length > 0
      ? `Risk: ${risk.join('; ')}.`
      : 'Risk figures are not available: the run has no return history to measure them.',
  );

  // 5. Worst stress test.
  const worst = worstStress(out.stress_tests);
  if (worst)
    s.push(
      `Worst stress test (${worst.name}): ${money(worst.proposed.pnl)} (${formatPercent(worst.proposed.pnl_pct)}) on the proposed book against ${money(worst.current.pnl)} (${formatPercent(worst.current.pnl_pct)}) on the current one.`,
    );

  // 6. Blocked orders.
  const q = out.execution;
  if (q.blocked_orders > 0) {
    const controls = [...new Set(q.orders.flatMap((o) => o.blocked_by))].sort(byName);
    s.push(
      `${formatCount(q.blocked_orders)} of ${formatCount(q.child_orders)} child orders are blocked by pre-trade controls (${controls.map((c) => c.replace(/_/g, ' ')).join(', ')}) and will not be sent until resolved.`,
    );
  } else if (q.child_orders > 0)
    s.push(`All ${formatCount(q.child_orders)} child orders pass the pre-trade controls.`);

  // 7. Data health.
  const findings = [...out.data_health.findings].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  );
  if (findings.length === 0) s.push('Data health: no findings.');
  else {
    const kinds = [
      ...new Set(findings.map((f) => `${f.check.replace(/_/g, ' ')} (${f.severity})`)),
    ];
    const quoted = findings.filter((f, i) => findings.findIndex((g) => g.check === f.check) === i);
    s.push(
      `Data health: ${formatCount(findings.length)} finding(s) in ${kinds.join(', ')}; ${quoted
        .slice(0, NARRATIVE_FINDINGS)
        .map((f) => noStop(f.message))
        .join('; ')}.`,
    );
  }

  return s.join(' ');
}

/** Supervisor checks that breached or are near their limit (the supervisor decides "near"). */
export function riskFlags(out: RebalanceResponse): RiskFlag[] {
  const flags: RiskFlag[] = [];
  for (const c of out.supervisor.checks)
    if (c.result === 'breach' || c.result === 'near')
      flags.push({
        check: c.check,
        label: c.label,
        value: c.value,
        limit: c.limit,
        status: c.result,
        message: c.detail,
      });
  return flags;
}

const INSTRUCTIONS: Record<PlaybookStage['stage'], string> = {
  fx_etf:
    'Send first: FX and ETF orders are the most liquid; execute in the session at market or a tight limit.',
  stocks_commodities:
    'Then stocks and commodities, in the regular session, with limit orders inside the price collar.',
  funds_at_cutoff:
    'Mutual fund orders go in before the fund’s dealing cut-off and fill at the next NAV.',
  crypto_children:
    'Crypto last: send the child orders one at a time, each within the largest child notional.',
};

const cents = (x: number) => {
  const r = Math.round(x * 100) / 100;
  return r === 0 ? 0 : r;
};

/** The execution queue grouped by liquidity stage, in stage order; empty stages are left out. */
export function playbook(out: RebalanceResponse): PlaybookStage[] {
  const stages: PlaybookStage[] = [];
  for (const stage of LIQUIDITY_STAGES) {
    const orders = out.execution.orders.filter((o) => o.stage === stage);
    const first = orders[0];
    if (!first) continue;
    const blocked = orders.filter((o) => o.status === 'blocked').length;
    stages.push({
      stage,
      stage_order: first.stage_order,
      orders: orders.length,
      blocked,
      notional: cents(orders.reduce((t, o) => t + o.notional, 0)),
      estimated_cost: cents(orders.reduce((t, o) => t + o.estimated_cost, 0)),
      instruction:
        blocked > 0
          ? `${INSTRUCTIONS[stage]} Resolve the blocked order(s) first: they are not sent.`
          : INSTRUCTIONS[stage],
    });
  }
  return stages;
}

/** Models that would add to the stack; none is implemented. */
export const COULD_ADD: ModelStack['could_add'] = [
  {
    name: 'Regime-switching forecasts (hidden Markov model)',
    why: 'Lets means and volatilities change with the market regime instead of one window for all.',
    status: 'not implemented',
  },
  {
    name: 'Black–Litterman views',
    why: 'Blends the house forecasts with market-implied returns, each by its confidence, into the targets.',
    status: 'not implemented',
  },
  {
    name: 'Transaction-cost model from fills',
    why: 'Replaces the flat basis-point cost with one calibrated on executed fills (spread and impact by size).',
    status: 'not implemented',
  },
  {
    name: 'Shrinkage covariance (Ledoit–Wolf)',
    why: 'A steadier covariance for many assets and short histories than the sample estimate.',
    status: 'not implemented',
  },
];

/**
 * What the run used: each agent that ran (first appearance order, its version and the phases it
 * ran), the forecast models when some asset had history (else the market_return input), and the
 * risk simulator and solver when the run used them; plus COULD_ADD.
 */
export function modelStack(out: RebalanceResponse): ModelStack {
  const inUse: ModelStack['in_use'] = [];
  const agents = new Map<string, { version: string; phases: string[] }>();
  for (const step of out.agent_steps) {
    const a = agents.get(step.agent);
    if (!a) agents.set(step.agent, { version: step.version, phases: [step.phase] });
    else if (!a.phases.includes(step.phase)) a.phases.push(step.phase);
  }
  for (const [name, a] of agents)
    inUse.push({ name, version: a.version, role: a.phases.join(', ') });

  const engine = out.metadata.engine_version;
  const hasHistory = out.house_view.asset_forecasts.some(
    (f) => f.source === 'price_history' || f.source === 'historical_returns',
  );
  if (hasHistory)
    inUse.push(
      {
        name: 'Momentum',
        version: engine,
        role: 'annual return from the trailing year of daily log returns',
      },
      {
        name: 'Mean reversion',
        version: engine,
        role: 'long-run mean moved against the recent month’s excess',
      },
      { name: 'EWMA mean', version: engine, role: 'exponentially weighted mean of log returns' },
      {
        name: 'Shrunk ensemble',
        version: engine,
        role: 'the three models averaged, shrunk toward the historical mean by confidence',
      },
    );
  else
    inUse.push({
      name: 'Market return input',
      version: engine,
      role: 'the request’s market_return used as the forecast (no history)',
    });
  if (out.risk_metrics.observations > 0)
    inUse.push({
      name: 'Historical and Cornish–Fisher VaR',
      version: engine,
      role: 'risk now and after the trades',
    });
  if (out.monte_carlo)
    inUse.push({
      name: `Monte Carlo (${out.monte_carlo.method}, ${out.monte_carlo.rebalancing.replace(/_/g, ' ')})`,
      version: engine,
      role: 'terminal value distribution of the proposed book',
    });
  if (out.optimization)
    inUse.push({
      name: 'Quadratic program (HiGHS)',
      version: engine,
      role: `${out.method} weights`,
    });
  return { in_use: inUse, could_add: COULD_ADD.map((c) => ({ ...c })) };
}
