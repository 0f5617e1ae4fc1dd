import { z } from 'zod';
import { AssetClass, Warning } from './common';
import { BreachAction, DataHealthCheck, PreTradeControl, Severity } from './policy';

/**
 * What the six agents add to a rebalance response: data-health findings, stress tests, the
 * execution queue with its pre-trade controls, the supervisor's checks and decision, and the
 * step record of every agent. docs/agents.md.
 */

export const DECISIONS = ['APPROVED', 'REVIEW_REQUIRED', 'REJECTED'] as const;
export const Decision = z.enum(DECISIONS);
export type Decision = z.infer<typeof Decision>;

/** The six agents, named exactly as the seed names them, in flow order. */
export const AGENT_NAMES = [
  'Market Data Agent',
  'Forecast Agent',
  'Risk Agent',
  'Rebalance Optimizer Agent',
  'Execution Agent',
  'Supervisor Agent',
] as const;
export const AgentName = z.enum(AGENT_NAMES);
export type AgentName = z.infer<typeof AgentName>;

/** One figure an agent used or produced, with its value. */
export const Evidence = z.object({
  name: z.string(),
  value: z.union([z.number(), z.string(), z.boolean(), z.null()]),
  unit: z.string().optional(),
});
export type Evidence = z.infer<typeof Evidence>;

/** The record one agent step writes (docs/agents.md, "Step records"). */
export const AgentStep = z.object({
  step: z.number().int().min(1),
  agent: AgentName,
  phase: z.string().describe('What this invocation did (an agent may run twice, e.g. Risk).'),
  version: z.string(),
  started_at: z.string(),
  ended_at: z.string(),
  duration_ms: z.number().min(0),
  input_hash: z
    .string()
    .describe('SHA-256 chaining the run input hash, the policy hash and the previous step.'),
  output_hash: z.string().describe('SHA-256 of the canonical JSON of summary and evidence.'),
  summary: z.string(),
  evidence: z.array(Evidence),
  warnings: z.array(Warning),
});
export type AgentStep = z.infer<typeof AgentStep>;

export const DataHealthFinding = z.object({
  check: DataHealthCheck,
  severity: Severity,
  path: z.string().describe('The input field at fault.'),
  message: z.string(),
  value: z.number().nullable(),
  limit: z.number().nullable(),
});
export type DataHealthFinding = z.infer<typeof DataHealthFinding>;

export const DataHealth = z.object({
  checks_run: z.array(DataHealthCheck),
  findings: z.array(DataHealthFinding),
  as_of: z.string().nullable(),
});
export type DataHealth = z.infer<typeof DataHealth>;

export const STRESS_SOURCES = ['own_history', 'proxy', 'class_proxy', 'shock', 'unmapped'] as const;

export const StressAssetImpact = z.object({
  asset: z.string(),
  asset_class: AssetClass,
  return: z.number().nullable().describe('Simple return over the window (or the shock).'),
  source: z.enum(STRESS_SOURCES),
  series: z.string().nullable().describe('Series the return was read from, when historical.'),
});

export const StressPnl = z.object({
  pnl: z.number().describe('Currency, rounded to the minor unit; negative = loss.'),
  pnl_pct: z.number().describe('Fraction of the portfolio value.'),
});

export const StressResult = z.object({
  name: z.string(),
  kind: z.enum(['historical', 'shock']),
  start: z.string().nullable(),
  end: z.string().nullable(),
  current: StressPnl,
  proposed: StressPnl,
  unmapped_weight: z
    .number()
    .describe('Proposed weight of assets with no return for this window (counted as 0).'),
  assets: z.array(StressAssetImpact),
});
export type StressResult = z.infer<typeof StressResult>;

export const ControlResult = z.object({
  control: PreTradeControl,
  passed: z.boolean(),
  value: z.number().nullable(),
  limit: z.number().nullable(),
  message: z.string(),
});
export type ControlResult = z.infer<typeof ControlResult>;

export const LIQUIDITY_STAGES = [
  'fx_etf',
  'stocks_commodities',
  'funds_at_cutoff',
  'crypto_children',
] as const;

export const QueueOrder = z.object({
  sequence: z.number().int().min(1),
  stage: z.enum(LIQUIDITY_STAGES),
  stage_order: z.number().int().min(1),
  security: z.string(),
  asset: z.string(),
  asset_class: AssetClass,
  action: z.enum(['BUY', 'SELL']),
  child: z.number().int().min(1),
  children: z.number().int().min(1),
  units: z.number().nullable(),
  price: z.number().nullable(),
  notional: z.number(),
  estimated_cost: z.number(),
  status: z.enum(['ready', 'blocked']),
  blocked_by: z.array(PreTradeControl),
  controls: z.array(ControlResult),
});
export type QueueOrder = z.infer<typeof QueueOrder>;

export const ExecutionQueue = z.object({
  orders: z.array(QueueOrder),
  parent_orders: z.number().int(),
  child_orders: z.number().int(),
  blocked_orders: z.number().int(),
  estimated_cost: z.number(),
  max_child_notional: z.number(),
});
export type ExecutionQueue = z.infer<typeof ExecutionQueue>;

/**
 * pass; near: passes but within 10% of the limit; warn: a finding the policy only warns about;
 * breach: fails, with `on_breach` saying what it does to the decision; not_applicable: the figure
 * does not exist for this run (e.g. VaR without history) or the check is off (limit null).
 */
export const CHECK_RESULTS = ['pass', 'near', 'warn', 'breach', 'not_applicable'] as const;

export const SupervisorCheck = z.object({
  check: z.string(),
  label: z.string(),
  value: z.number().nullable(),
  limit: z.number().nullable(),
  result: z.enum(CHECK_RESULTS),
  on_breach: z.union([BreachAction, z.literal('block')]).nullable(),
  detail: z.string(),
});
export type SupervisorCheck = z.infer<typeof SupervisorCheck>;

export const SupervisorReport = z.object({
  decision: Decision,
  decision_reasons: z.array(z.string()),
  policy_version: z.number().int(),
  policy_hash: z.string(),
  require_sign_off: z.boolean(),
  checks: z.array(SupervisorCheck),
});
export type SupervisorReport = z.infer<typeof SupervisorReport>;
