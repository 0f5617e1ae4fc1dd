/**
 * The top of every result: the Supervisor Agent's decision (APPROVED / REVIEW_REQUIRED /
 * REJECTED) with the policy version and every reason, and a person's approval or rejection (a
 * note is required, one decision per run). The exceptions the agents raised (blocked orders,
 * data-health findings) are listed under it by workstation/Exceptions.
 */
import { useEffect, useId, useState } from 'react';
import type { RpcError } from '../../src/contract/common';
import {
  approvalOf,
  decisionOf,
  decisionWording,
  fromRunApproval,
  rememberApproval,
  rememberedApproval,
  type KnownApproval,
} from './agents';
import { call } from '../shared/api';
import { ErrorBox } from '../shared/ErrorBox';
import { dateTime, shortHash } from '../shared/format';
import type { RebalanceResponse } from '../shared/types';

export function DecisionBanner({
  r,
  runId,
  approval: given,
  onDecided,
}: {
  r: RebalanceResponse;
  /** The saved run the decision applies to; null when the result was not saved. */
  runId: string | null;
  /** What the store already says (run detail or list); null or absent when undecided. */
  approval?: KnownApproval | null | undefined;
  onDecided?: ((a: KnownApproval) => void) | undefined;
}) {
  const d = decisionOf(r);
  const [approval, setApproval] = useState<KnownApproval | null>(
    () => rememberedApproval(runId) ?? given ?? null,
  );
  const [note, setNote] = useState('');
  const [actor, setActor] = useState('');
  const [busy, setBusy] = useState<'approve' | 'reject' | null>(null);
  const [error, setError] = useState<{ kind: 'approve' | 'reject'; error: RpcError } | null>(null);
  const noteId = useId();
  const titleId = useId();

  // The store's answer may arrive after the banner (run detail loaded later): take it then.
  useEffect(() => {
    if (given) setApproval((a) => a ?? given);
  }, [given]);

  if (!d) return null;
  const w = decisionWording(d.decision);
  const sup = r.supervisor;
  const noteOk = note.trim().length > 0;
  const open = approval === null && runId !== null;
  const canApprove = open && noteOk && d.decision !== 'REJECTED' && busy === null;
  const canReject = open && noteOk && busy === null;

  const decide = async (kind: 'approve' | 'reject') => {
    if (!runId) return;
    setBusy(kind);
    setError(null);
    const input = {
      run_id: runId,
      note: note.trim(),
      ...(actor.trim() ? { actor: actor.trim() } : {}),
    };
    const res = await call(kind === 'approve' ? 'approveRun' : 'rejectRun', input);
    setBusy(null);
    if (res.ok) {
      const a = fromRunApproval(res.value);
      rememberApproval(runId, a);
      setApproval(a);
      setNote('');
      onDecided?.(a);
      return;
    }
    setError({ kind, error: res.error });
    if (res.error.code === 'CONFLICT') {
      // Someone decided meanwhile (another window, a script): show their decision.
      const got = await call('getRun', { run_id: runId });
      const known = got.ok ? approvalOf(got.value) : null;
      if (known) {
        rememberApproval(runId, known);
        setApproval(known);
        onDecided?.(known);
      }
    }
  };

  return (
    <section
      className={`decision decision-${w.tone}`}
      data-testid="decision-banner"
      data-decision={d.decision}
      data-approval={approval?.decision ?? ''}
      aria-labelledby={titleId}
    >
      <div className="decision-head">
        <span
          className={`decision-badge tone-${w.tone}`}
          data-testid="decision-badge"
          title={w.help}
          id={titleId}
        >
          {d.decision.replaceAll('_', ' ')}
        </span>
        <span className="decision-help">{w.help}</span>
        <span className="spacer" />
        <span className="decision-policy small" data-testid="decision-policy">
          Supervisor · policy{' '}
          <strong data-testid="decision-policy-version">
            v{d.policyVersion ?? sup?.policy_version ?? '?'}
          </strong>
          {sup?.policy_hash ? (
            <>
              {' '}
              <code title={`policy SHA-256 ${sup.policy_hash}`}>
                {shortHash(sup.policy_hash, 8)}
              </code>
            </>
          ) : null}
          {sup?.require_sign_off ? ' · sign-off required' : ''}
        </span>
      </div>
      <ul className="decision-reasons" data-testid="decision-reasons" aria-label="Decision reasons">
        {d.reasons.map((x, i) => (
          <li key={i} data-testid="decision-reason">
            {x}
          </li>
        ))}
      </ul>
      {approval ? (
        <div
          className={`decision-done ${approval.decision === 'approved' ? 'done-ok' : 'done-bad'}`}
          data-testid="decision-approval"
          data-decision={approval.decision}
          role="status"
        >
          <strong>{approval.decision === 'approved' ? 'Approved' : 'Rejected'}</strong>
          {approval.actor ? (
            <>
              {' '}
              by <strong data-testid="decision-actor-shown">{approval.actor}</strong>
            </>
          ) : null}
          {approval.created_at ? (
            <span title={approval.created_at}> on {dateTime(approval.created_at)}</span>
          ) : null}
          {approval.note ? (
            <>
              : <q data-testid="decision-note-shown">{approval.note}</q>
            </>
          ) : null}
          <span className="muted"> · a decision is final; a new run supersedes it.</span>
        </div>
      ) : runId === null ? (
        <div className="small muted" data-testid="decision-unsaved">
          This result was not saved as a run, so it cannot be approved or rejected.
        </div>
      ) : (
        <div className="decision-form" data-testid="decision-form">
          <label className="decision-note" htmlFor={noteId}>
            <span>Note (required)</span>
            <input
              id={noteId}
              type="text"
              data-testid="decision-note"
              aria-label="Decision note (required)"
              placeholder="Why you approve or reject this run (required)"
              maxLength={2000}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </label>
          <input
            type="text"
            className="decision-actor"
            data-testid="decision-actor"
            aria-label="Your name (optional)"
            placeholder="Your name (optional)"
            maxLength={200}
            value={actor}
            onChange={(e) => setActor(e.target.value)}
          />
          <button
            type="button"
            className="btn approve-btn"
            data-testid="approve-button"
            aria-label="Approve this run"
            disabled={!canApprove}
            title={
              d.decision === 'REJECTED'
                ? 'The policy rejected this run: it cannot be approved'
                : noteOk
                  ? 'Approve: the orders may then be exported'
                  : 'Type a note first'
            }
            onClick={() => void decide('approve')}
          >
            {busy === 'approve' ? 'Approving…' : 'Approve'}
          </button>
          <button
            type="button"
            className="btn reject-btn"
            data-testid="reject-button"
            aria-label="Reject this run"
            disabled={!canReject}
            title={noteOk ? 'Reject: the orders are never exported' : 'Type a note first'}
            onClick={() => void decide('reject')}
          >
            {busy === 'reject' ? 'Rejecting…' : 'Reject'}
          </button>
        </div>
      )}
      {error ? (
        <ErrorBox
          error={error.error}
          testId="decision-error"
          title={
            error.error.code === 'CONFLICT'
              ? 'This run cannot be decided again'
              : `The ${error.kind === 'approve' ? 'approval' : 'rejection'} was not recorded`
          }
        />
      ) : null}
    </section>
  );
}
