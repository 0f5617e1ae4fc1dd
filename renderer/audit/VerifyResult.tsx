/**
 * The result of "Verify chain" (or of a check against an exported head): ok or not, what was
 * checked, and the engine's problems as a table (kind in plain words, event, run, fields, message).
 */
import type { RpcError } from '../../src/contract/common';
import { ErrorBox } from '../shared/ErrorBox';
import {
  moreText,
  problemCount,
  problemRows,
  summaryFacts,
  type KnownHead,
  type Verification,
} from './verifyText';

/** `seq` numbers the verifications of this view (tests wait for it to grow). */
export type VerifyState =
  | { state: 'idle' }
  | { state: 'running'; known: KnownHead | null; seq: number }
  | { state: 'done'; value: Verification; known: KnownHead | null; seq: number }
  | { state: 'error'; error: RpcError; known: KnownHead | null; seq: number };

export function VerifyResult({
  verify,
  onOpenRun,
}: {
  verify: VerifyState;
  /** Opens a saved run (the Runs view); without it run ids are plain text. */
  onOpenRun?: ((runId: string) => void) | undefined;
}) {
  if (verify.state === 'idle') return null;
  if (verify.state === 'running') {
    return (
      <div
        className="replay muted small"
        data-testid="audit-verify-result"
        data-state="running"
        data-seq={verify.seq}
      >
        {verify.known
          ? `Walking the chain and looking for the exported head (seq ${verify.known.head_seq})…`
          : 'Walking the chain…'}
      </div>
    );
  }
  if (verify.state === 'error') {
    return (
      <div data-testid="audit-verify-result" data-state="error" data-seq={verify.seq}>
        <ErrorBox error={verify.error} title="The chain could not be verified" />
      </div>
    );
  }
  const v = verify.value;
  const facts = summaryFacts(v, verify.known);
  const rows = problemRows(v.problems);
  const more = moreText(v);
  return (
    <section
      className={`audit-verify ${v.ok ? 'is-ok' : 'is-bad'}`}
      data-testid="audit-verify-result"
      data-state="done"
      data-seq={verify.seq}
      data-ok={v.ok ? 'true' : 'false'}
      data-first-bad-seq={v.first_bad_seq ?? ''}
      data-known-head={verify.known ? String(verify.known.head_seq) : ''}
      data-problems-total={v.problems_total}
      role={v.ok ? 'status' : 'alert'}
      aria-label="Verification result"
    >
      <div className="audit-verify-head" data-testid="audit-verify-headline">
        {v.ok ? (
          <>
            <strong>Chain intact.</strong> {v.events} event{v.events === 1 ? '' : 's'} verified:
            every hash covers its payload and the previous hash, the head matches the copy kept
            outside the database, and every stored run matches its audit record
            {verify.known ? ', and the chain still holds the exported head' : ''}.
          </>
        ) : (
          <>
            <strong>{problemCount(v)}.</strong>
            {v.first_bad_seq !== null ? (
              <>
                {' '}
                The chain is wrong from event{' '}
                <strong data-testid="audit-first-bad">#{v.first_bad_seq}</strong>.
              </>
            ) : null}
            {rows.length === 0 ? ` ${v.reason ?? ''}` : ' Each is listed below.'}
          </>
        )}
      </div>
      <dl className="audit-facts">
        {facts.map((f) => (
          <div key={f.id} className="audit-fact" data-testid={`audit-verify-${f.id}`}>
            <dt>{f.label}</dt>
            <dd>{f.value}</dd>
          </div>
        ))}
      </dl>
      {rows.length > 0 ? (
        <div className="table-wrap audit-problems-wrap">
          <table className="grid compact audit-problems" data-testid="audit-problems">
            <thead>
              <tr>
                <th>Problem</th>
                <th className="n">Seq</th>
                <th>Run</th>
                <th>Fields</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.key}
                  data-testid="audit-problem"
                  data-kind={r.kind}
                  data-seq={r.seq.slice(1)}
                  data-run-id={r.runId ?? ''}
                >
                  <td className="audit-kind">
                    <span className="badge tone-bad" title={r.kind}>
                      {r.kindText}
                    </span>
                  </td>
                  <td className="n">{r.seq}</td>
                  <td>
                    {r.runId === null ? null : onOpenRun && r.runStored ? (
                      <button
                        type="button"
                        className="link mono-id"
                        data-testid="audit-problem-run"
                        title="Open this run"
                        onClick={() => onOpenRun(r.runId ?? '')}
                      >
                        {r.runId}
                      </button>
                    ) : (
                      <code className="mono-id" data-testid="audit-problem-run">
                        {r.runId}
                      </code>
                    )}
                  </td>
                  <td>
                    {r.fields ? <code data-testid="audit-problem-fields">{r.fields}</code> : null}
                  </td>
                  <td className="audit-message" data-testid="audit-problem-message">
                    {r.message}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {more ? (
            <div className="audit-more muted small" data-testid="audit-problems-more">
              {more} (only the first {v.problems.length} are listed)
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
