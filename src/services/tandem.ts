/**
 * The seed's multi-agent views, built from a run's real step records and the agent registry:
 * the tandem timeline (one entry per agent in flow order, its steps summed) and the blueprint.
 * docs/agents.md, "Tandem timeline" and "Blueprint".
 */
import { z } from 'zod';
import { AGENT_NAMES, type AgentStep } from '../contract/agents';
import { ENGINE_VERSION } from '../contract/operations';
import { PRE_TRADE_CONTROLS, type PolicyResponse } from '../contract/policy';
import type { RebalanceResponse } from '../contract/rebalance';
import type { BlueprintResponse, TandemResponse } from '../contract/tandem';
import { AGENTS, FLOW } from '../agents/registry';
import { neumaierSum } from '../domain/sums';

/**
 * One timeline entry per agent, in flow order: `output` joins the agent's step summaries,
 * `duration_ms` sums its step durations, evidence and warnings are its steps' in order.
 * Example: Risk runs twice (current risk; proposed risk and stress) → one entry, two phases.
 */
export function tandemView(
  out: RebalanceResponse,
  totalMs: number,
): Omit<TandemResponse, 'run_id' | 'decision' | 'decision_reasons'> {
  const byAgent = new Map<string, AgentStep[]>();
  for (const s of out.agent_steps) byAgent.set(s.agent, [...(byAgent.get(s.agent) ?? []), s]);
  const timeline = AGENTS.map((a, i) => {
    const steps = byAgent.get(a.name) ?? [];
    return {
      step: i + 1,
      agent: a.name,
      objective: a.objective,
      output: steps.map((s) => s.summary).join(' '),
      duration_ms: neumaierSum(steps.map((s) => s.duration_ms)),
      evidence: steps.flatMap((s) => s.evidence),
      warnings: steps.flatMap((s) => s.warnings),
      phases: steps.map((s) => s.phase),
    };
  });
  return {
    orchestration: {
      pattern:
        'supervisor-led sequential pipeline: each agent reads the previous agents’ outputs; the supervisor opens the run with the policy and closes it with the decision',
      flow: [...AGENT_NAMES],
      policy_version: out.supervisor.policy_version,
      steps_recorded: out.agent_steps.length,
      total_duration_ms: totalMs,
      steps_duration_ms: neumaierSum(out.agent_steps.map((s) => s.duration_ms)),
    },
    timeline,
  };
}

const fieldsOf = (schema: z.ZodType): string[] =>
  schema instanceof z.ZodObject ? Object.keys(schema.shape as Record<string, unknown>) : [];

/** GET /api/multi-agent-blueprint, generated from the registry, the policy and the evaluation. */
export function blueprint(
  policy: PolicyResponse,
  forecastAccuracy: BlueprintResponse['forecast_accuracy'],
): BlueprintResponse {
  return {
    agents: AGENTS.map((a, i) => ({
      step: i + 1,
      name: a.name,
      role: a.role,
      objective: a.objective,
      version: a.version,
      models: [...a.models],
      inputs: fieldsOf(a.input),
      outputs: fieldsOf(a.output),
      writes: [...a.writes],
    })),
    flow: FLOW.map(([agent, phase]) => `${agent.name}: ${phase}`),
    engine_version: ENGINE_VERSION,
    policy,
    forecast_accuracy: forecastAccuracy,
    governance: {
      versioning:
        'every agent and model carries a version, stored with each run (model_versions); the policy is versioned, each change an audit event',
      challengers:
        'the forecast ensemble is scored against the historical-mean baseline and its own components (forecast_accuracy); a model is promoted only when it beats the baseline out of sample',
      backtests:
        'walk-forward, non-overlapping 21-day windows after a 252-day training start on the shipped S&P 500 history (scripts/build-forecast-accuracy.ts)',
      pre_trade_controls: [...PRE_TRADE_CONTROLS],
      post_trade_tca:
        'not measured: the app sends no orders and receives no fills; estimated costs per order are reported (bps × notional + fixed fee) for comparison with a broker’s fills',
      audit:
        'every run, approval and policy version is written with a hash-chained audit event; replay re-runs a stored input and compares the record byte for byte (timings aside)',
      human_approval:
        'POST /api/runs/{run_id}/approve or /reject with a note; one decision per run; REVIEW_REQUIRED runs export orders only once approved',
    },
  };
}
