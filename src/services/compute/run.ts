/**
 * The computing half of a saved run: the agent pipeline under a given policy, the kind's
 * additions (tandem view, copilot brief), and the canonical JSON the store keeps. Runs on a pool
 * worker in the adapters; the owner of the database only writes what this returns.
 */
import { EngineError, type RpcError } from '../../contract/common';
import type { RebalanceRequest, RebalanceResponse } from '../../contract/rebalance';
import { canonicalJson, inputHash } from '../../domain/canonical';
import type { PolicyInForce } from '../../agents/context';
import { copilotInsights } from '../../copilot/rephrase';
import { runRebalance } from '../rebalance';
import { tandemView } from '../tandem';
import type { ComputeEnv } from './env';

/** What a kind adds to the rebalance output: nothing, the tandem view or the copilot brief. */
export type DeriveKind = 'tandem' | 'copilot' | null;

export interface RunTask {
  input: RebalanceRequest;
  policy: PolicyInForce;
  derive: DeriveKind;
  /** ISO time the run's clock is pinned to (a replay reproduces the original timestamp). */
  pinnedNow?: string;
}

interface Computed {
  /** canonicalJson of the request, as stored. */
  input_json: string;
  input_hash: string;
  /** canonicalJson of what is stored as the output (the response without its run_id). */
  output_json: string;
  duration_ms: number;
}

export type RunComputed =
  | (Computed & { status: 'succeeded'; output: RebalanceResponse & Record<string, unknown> })
  | (Computed & {
      status: 'failed';
      error: Required<RpcError>;
    });

/** The response without its run_id, as canonical JSON (the run_id is the record's key). */
export function storedOutput(out: Record<string, unknown>): string {
  const { run_id: _drop, ...rest } = out;
  return canonicalJson(rest);
}

/** The kind's additions to a run output; `ms` is the pipeline's duration (0 in a replay). */
export async function derived(
  kind: DeriveKind,
  out: RebalanceResponse,
  ms: number,
): Promise<Record<string, unknown>> {
  if (kind === 'tandem') return { tandem: tandemView(out, ms) };
  if (kind === 'copilot') {
    // The brief is stored without a run_id (the record's key is added on the way out); a model
    // rephrasing, when asked for, happens afterwards on the owner's side (services/runs.ts).
    const { run_id: _id, ...brief } = await copilotInsights(
      { ...out, run_id: '' },
      { rephrase: false, port: null },
    );
    return { copilot: brief };
  }
  return {};
}

/**
 * Runs the pipeline and the kind's derivation. An EngineError after validation (a data-health
 * block, an infeasible plan) is returned as a failed run — it is saved too — with the same input
 * hash a successful run of this input would carry; any other error is thrown.
 */
export async function computeRun(task: RunTask, env: ComputeEnv): Promise<RunComputed> {
  const clock = task.pinnedNow
    ? { now: () => new Date(task.pinnedNow as string), monotonicMs: env.clock.monotonicMs }
    : env.clock;
  const input_json = canonicalJson(task.input);
  const t0 = clock.monotonicMs();
  try {
    const run = await runRebalance(task.input, clock, {
      ...(env.sha256 ? { sha256: env.sha256 } : {}),
      ...(env.solver ? { solver: env.solver } : {}),
      ...(env.stressLibrary ? { stressLibrary: env.stressLibrary } : {}),
      policy: task.policy,
      monotonicMs: () => clock.monotonicMs(),
    });
    const output = {
      ...run,
      ...(await derived(task.derive, run, task.pinnedNow ? 0 : clock.monotonicMs() - t0)),
    };
    return {
      status: 'succeeded',
      output,
      input_json,
      input_hash: run.metadata.input_hash,
      output_json: storedOutput(output),
      duration_ms: clock.monotonicMs() - t0,
    };
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    const error = { code: e.code, message: e.message, details: e.details };
    return {
      status: 'failed',
      error,
      input_json,
      input_hash: inputHash(task.input, env.sha256),
      output_json: canonicalJson({ error }),
      duration_ms: clock.monotonicMs() - t0,
    };
  }
}
