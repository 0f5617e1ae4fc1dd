/**
 * Human approval of a run: one decision per run (approve or reject, with a note), written with
 * an audit event bound to the run's output hash. A second decision is 409; a run the policy
 * REJECTED cannot be approved (change the input or the policy and run again); an approved run
 * stays as it is — a new run supersedes it. docs/agents.md, "Human approval".
 */
import { EngineError } from '../contract/common';
import type { RunApproval } from '../contract/tandem';
import type { RunApproval as RunApprovalRecord, Store } from '../ports/store';

export function decideRun(
  store: Store,
  input: { run_id: string; note: string; actor?: string | undefined },
  decision: 'approved' | 'rejected',
  caller: string,
): RunApproval {
  const run = store.runs.get(input.run_id);
  if (!run)
    throw new EngineError('NOT_FOUND', `run ${input.run_id} does not exist`, [
      { path: 'run_id', message: 'no such run' },
    ]);
  if (run.status !== 'succeeded')
    throw new EngineError(
      'CONFLICT',
      `run ${run.run_id} failed; there is nothing to ${decision === 'approved' ? 'approve' : 'reject'}`,
      [{ path: 'run_id', message: 'a failed run cannot be decided' }],
    );
  const out = JSON.parse(run.output_json) as { decision?: string };
  if (out.decision === undefined)
    throw new EngineError('CONFLICT', `run ${run.run_id} has no supervisor decision to sign off`, [
      { path: 'run_id', message: `a ${run.kind} run without a decision` },
    ]);
  if (decision === 'approved' && out.decision === 'REJECTED')
    throw new EngineError(
      'CONFLICT',
      `run ${run.run_id} was REJECTED by the policy and cannot be approved; change the input or the policy and run again`,
      [{ path: 'run_id', message: 'rejected by policy' }],
    );
  const a = store.approvals.decide({
    run_id: run.run_id,
    decision,
    note: input.note,
    actor: input.actor ?? caller,
  });
  return {
    run_id: a.run_id,
    decision: a.decision,
    note: a.note,
    actor: a.actor,
    created_at: a.created_at,
  };
}

/**
 * Why a run's orders may not be exported, or null when they may: never for a run the policy or a
 * person rejected; a REVIEW_REQUIRED run (which includes every run when the policy requires
 * sign-off) only after a person approved it. Runs saved before agents existed (no decision)
 * export as before. `approval` is the run's human decision, if any.
 */
export function exportRefusal(
  run_id: string,
  decision: string | undefined,
  approval: Pick<RunApprovalRecord, 'decision' | 'actor'> | null,
): EngineError | null {
  if (approval?.decision === 'rejected')
    return new EngineError(
      'CONFLICT',
      `run ${run_id} was rejected by ${approval.actor}: its orders are not exported`,
      [{ path: 'run_id', message: 'rejected' }],
    );
  if (decision === 'REJECTED')
    return new EngineError(
      'CONFLICT',
      `run ${run_id} was REJECTED by the policy: its orders are not exported`,
      [{ path: 'run_id', message: 'rejected by policy' }],
    );
  if (decision === 'REVIEW_REQUIRED' && approval?.decision !== 'approved')
    return new EngineError(
      'CONFLICT',
      `run ${run_id} needs a person's approval before its orders are exported (POST /api/runs/${run_id}/approve)`,
      [{ path: 'run_id', message: 'REVIEW_REQUIRED and not approved' }],
    );
  return null;
}

/** Throws exportRefusal's error for the run, if any (GET /api/runs/{run_id}/trades.csv). */
export function assertExportable(store: Store, run_id: string, decision: string | undefined): void {
  const refusal = exportRefusal(run_id, decision, store.approvals.get(run_id));
  if (refusal) throw refusal;
}
