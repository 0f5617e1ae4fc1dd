import { z } from 'zod';
import { Decision, LIQUIDITY_STAGES } from './agents';
import { Warning } from './common';
import { RebalanceRequest } from './rebalance';

/**
 * The copilot brief (POST /api/ai-copilot/insights): a deterministic reading of one rebalance run
 * — decision, narrative, ranked actions, risk flags, execution playbook — where every number is
 * one of the run's own, optionally rephrased by a configured language model and number-checked
 * afterwards. docs/_fragments/copilot.md.
 */

/**
 * The rebalance request plus `rephrase`. RebalanceRequest is an object schema carrying a
 * superRefine (cross-field checks); `.safeExtend` adds the field while keeping those checks (and
 * stays a flat object in the OpenAPI document, unlike an intersection).
 */
export const CopilotRequest = RebalanceRequest.safeExtend({
  rephrase: z
    .boolean()
    .default(false)
    .describe(
      'Ask the configured language model to rephrase the narrative. The rephrasing is accepted only when every number in it is a number of the run; otherwise the deterministic narrative is returned with a warning. Off when no model is configured.',
    ),
});
export type CopilotRequest = z.infer<typeof CopilotRequest>;
export type CopilotRequestInput = z.input<typeof CopilotRequest>;

export const COPILOT_ACTIONS = ['BUY', 'SELL', 'HOLD'] as const;

export const ScoreComponents = z.object({
  drift: z
    .number()
    .describe('min(|drift| / drift_threshold, 2) / 2, in [0, 1]: how far outside its band.'),
  forecast: z
    .number()
    .describe(
      'sign(trade) × ensemble / max |ensemble| of the run, in [−1, 1]: the trade with (+) or against (−) the forecast.',
    ),
  confidence: z
    .number()
    .describe(
      'forecast confidence × sign(forecast component), in [−1, 1]: a trusted forecast backs (or opposes) the trade more.',
    ),
  risk: z
    .number()
    .describe(
      'Δweight × the asset’s return in the worst stress test, scaled by the largest |·| of the run, in [−1, 1]: + when the trade cuts the stress loss.',
    ),
});
export type ScoreComponents = z.infer<typeof ScoreComponents>;

export const TopAction = z.object({
  rank: z.number().int().min(1),
  asset: z.string(),
  action: z.enum(COPILOT_ACTIONS),
  score: z
    .number()
    .describe(
      '0.4·drift + 0.3·forecast + 0.2·confidence + 0.1·risk (components rounded to 4 decimals, then the score).',
    ),
  components: ScoreComponents,
  trade_value: z.number().describe('Absolute notional of the asset’s trade, currency.'),
  reason: z.string(),
});
export type TopAction = z.infer<typeof TopAction>;

export const RiskFlag = z.object({
  check: z.string(),
  label: z.string(),
  value: z.number().nullable(),
  limit: z.number().nullable(),
  status: z.enum(['breach', 'near']),
  message: z.string(),
});
export type RiskFlag = z.infer<typeof RiskFlag>;

export const PlaybookStage = z.object({
  stage: z.enum(LIQUIDITY_STAGES),
  stage_order: z.number().int().min(1),
  orders: z.number().int().describe('Child orders in this stage.'),
  blocked: z.number().int().describe('Child orders blocked by a pre-trade control.'),
  notional: z.number().describe('Σ child notional, currency, rounded to cents.'),
  estimated_cost: z.number().describe('Σ child estimated cost, currency, rounded to cents.'),
  instruction: z.string(),
});
export type PlaybookStage = z.infer<typeof PlaybookStage>;

export const ModelInUse = z.object({ name: z.string(), version: z.string(), role: z.string() });
export const ModelCandidate = z.object({
  name: z.string(),
  why: z.string(),
  status: z.literal('not implemented'),
});
export const ModelStack = z.object({
  in_use: z.array(ModelInUse),
  could_add: z.array(ModelCandidate),
});
export type ModelStack = z.infer<typeof ModelStack>;

export const CopilotInsights = z.object({
  run_id: z.string(),
  decision: Decision,
  decision_reasons: z.array(z.string()),
  narrative: z
    .string()
    .describe('A few sentences from a fixed template; every number is formatted from the run.'),
  top_actions: z.array(TopAction).max(5),
  risk_flags: z.array(RiskFlag).describe('Supervisor checks that breached or are near the limit.'),
  execution_playbook: z.array(PlaybookStage),
  cutting_edge_model_stack: ModelStack,
  rephrased: z.boolean().describe('true when the narrative is the model’s checked rephrasing.'),
  warnings: z.array(Warning),
});
export type CopilotInsights = z.infer<typeof CopilotInsights>;
