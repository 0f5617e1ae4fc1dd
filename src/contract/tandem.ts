import { z } from 'zod';
import { AgentName, Decision, Evidence } from './agents';
import { Identifier, noteText, plainText, Warning } from './common';
import { PolicyResponse } from './policy';

/**
 * The seed's multi-agent endpoints (field names kept): the tandem timeline built from a run's
 * real step records, the blueprint generated from the agent registry, and human approval.
 * docs/agents.md.
 */

export const TimelineEntry = z.object({
  step: z.number().int().min(1).describe('1..6 in flow order.'),
  agent: AgentName,
  objective: z.string(),
  output: z.string().describe('What the agent produced in this run (its step summaries).'),
  duration_ms: z.number().min(0).describe('Sum of the agent’s step durations in this run.'),
  evidence: z.array(Evidence),
  warnings: z.array(Warning),
  phases: z.array(z.string()).describe('The agent’s invocations in this run, in order.'),
});

export const TandemResponse = z.object({
  run_id: z.string(),
  decision: Decision,
  decision_reasons: z.array(z.string()),
  orchestration: z.object({
    pattern: z.string(),
    flow: z.array(AgentName),
    policy_version: z.number().int(),
    steps_recorded: z.number().int(),
    total_duration_ms: z.number().describe('Wall time of the whole pipeline for this run.'),
    steps_duration_ms: z.number().describe('Sum of the step durations.'),
  }),
  timeline: z.array(TimelineEntry),
});
export type TandemResponse = z.infer<typeof TandemResponse>;

const ModelAccuracy = z.object({
  model: z.string(),
  hit_rate: z.number().nullable(),
  mae: z.number().nullable(),
  rank_ic: z.number().nullable(),
  rank_ic_t: z.number().nullable(),
  origins: z.number().int(),
  points: z.number().int(),
  vs_baseline: z
    .object({ hit_rate: z.number().nullable(), rank_ic: z.number().nullable() })
    .nullable(),
});

export const BlueprintAgent = z.object({
  step: z.number().int(),
  name: AgentName,
  role: z.string(),
  objective: z.string(),
  version: z.string(),
  models: z.array(z.object({ name: z.string(), version: z.string() })),
  inputs: z.array(z.string()),
  outputs: z.array(z.string()),
  writes: z.array(z.string()),
});

export const BlueprintResponse = z.object({
  agents: z.array(BlueprintAgent).describe('In flow order.'),
  flow: z.array(z.string()).describe('Every step of a run, agent and phase, in order.'),
  engine_version: z.string(),
  policy: PolicyResponse,
  forecast_accuracy: z
    .object({
      protocol: z.record(z.string(), z.number()),
      universe: z.record(z.string(), z.union([z.string(), z.number()])),
      models: z.array(ModelAccuracy),
      realized_up_share: z
        .number()
        .optional()
        .describe('Share of windows whose realized return was positive: the "always up" hit rate.'),
      generated_by: z.string(),
    })
    .nullable()
    .describe(
      'Walk-forward accuracy measured by the project (resources/forecast_accuracy.json); null when the adapter did not load it.',
    ),
  governance: z.object({
    versioning: z.string(),
    challengers: z.string(),
    backtests: z.string(),
    pre_trade_controls: z.array(z.string()),
    post_trade_tca: z.string(),
    audit: z.string(),
    human_approval: z.string(),
  }),
});
export type BlueprintResponse = z.infer<typeof BlueprintResponse>;

export const RunDecisionRequest = z.object({
  run_id: Identifier,
  // A note may span lines (tab, LF, CR); every other control character is refused.
  note: noteText(z.string().trim().min(1, 'a note is required: say why').max(2000)),
  actor: plainText(z.string().trim().min(1).max(200))
    .optional()
    .describe('Who decides; default: the caller (api or the desktop user).'),
});

export const RunApproval = z.object({
  run_id: z.string(),
  decision: z.enum(['approved', 'rejected']),
  note: z.string(),
  actor: z.string(),
  created_at: z.string(),
});
export type RunApproval = z.infer<typeof RunApproval>;
