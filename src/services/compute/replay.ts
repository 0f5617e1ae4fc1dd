/**
 * The computing half of a replay: the stored input re-run by today's engine under the stored
 * policy version with the clock pinned, then compared with the stored output, measurements set
 * aside. Runs on a pool worker in the adapters; the owner reads the stored run and the policy.
 */
import { RebalanceRequest } from '../../contract/rebalance';
import type { PolicyInForce } from '../../agents/context';
import { canonicalJson } from '../../domain/canonical';
import { diffJson, type Difference } from '../../domain/diff';
import type { ComputeEnv } from './env';
import { computeRun, type DeriveKind } from './run';

/** Measurements (wall times) that a replay does not compare; listed in `ignored_fields`. */
export const TIMING_FIELDS = [
  'metadata.timestamp_utc (pinned to the original)',
  'optimization.solver.solve_time_ms',
  'agent_steps.*.started_at, ended_at, duration_ms',
  'tandem.orchestration.total_duration_ms, steps_duration_ms; tandem.timeline.*.duration_ms',
  'copilot.narrative when a model rephrased it, and copilot.warnings about the model call (a model is not replayed)',
] as const;

type Json = Record<string, unknown>;
const obj = (x: unknown): Json | null =>
  x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : null;

/** A copy of a stored output with every measurement in TIMING_FIELDS blanked. */
export function withoutTimings(output: Json): Json {
  const o = JSON.parse(JSON.stringify(output)) as Json;
  const solver = obj(obj(o.optimization)?.solver);
  if (solver && 'solve_time_ms' in solver) solver.solve_time_ms = 0;
  for (const step of Array.isArray(o.agent_steps) ? o.agent_steps : []) {
    const s = obj(step);
    if (s) Object.assign(s, { started_at: '', ended_at: '', duration_ms: 0 });
  }
  const tandem = obj(o.tandem);
  const orch = obj(tandem?.orchestration);
  if (orch) Object.assign(orch, { total_duration_ms: 0, steps_duration_ms: 0 });
  for (const t of Array.isArray(tandem?.timeline) ? tandem.timeline : []) {
    const e = obj(t);
    if (e) e.duration_ms = 0;
  }
  const copilot = obj(o.copilot);
  if (copilot?.rephrased === true) copilot.narrative = '';
  if (copilot && Array.isArray(copilot.warnings))
    copilot.warnings = copilot.warnings.filter(
      (w) => !String(obj(w)?.code ?? '').startsWith('COPILOT_REPHRASE'),
    );
  if (copilot) copilot.rephrased = false;
  return o;
}

export interface ReplayTask {
  /** The run's stored input_json and output_json. */
  input_json: string;
  output_json: string;
  /** The policy version the run was checked against (read by the owner). */
  policy: PolicyInForce;
  derive: DeriveKind;
  /** The original run's timestamp_utc. */
  pinnedNow: string;
}

/**
 * `identical` means byte-identical canonical JSON once TIMING_FIELDS are blanked; otherwise the
 * differences by path. An input this engine no longer accepts is one difference at `input`.
 * An engine error in the re-run is compared as the stored failure would be (`{error: …}`).
 */
export async function computeReplay(
  task: ReplayTask,
  env: ComputeEnv,
): Promise<{ identical: boolean; differences: Difference[] }> {
  const parsed = RebalanceRequest.safeParse(JSON.parse(task.input_json));
  if (!parsed.success)
    return {
      identical: false,
      differences: [{ path: 'input', a: 'valid then', b: 'rejected by this engine version' }],
    };
  const fresh = await computeRun(
    { input: parsed.data, policy: task.policy, derive: task.derive, pinnedNow: task.pinnedNow },
    env,
  );
  const then = withoutTimings(JSON.parse(task.output_json) as Json);
  const now = withoutTimings(JSON.parse(fresh.output_json) as Json);
  const identical = canonicalJson(then) === canonicalJson(now);
  return { identical, differences: identical ? [] : diffJson(then, now) };
}
