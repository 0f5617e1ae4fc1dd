/**
 * Earlier batches, newest first (`GET /api/batches`): when, which model, status and the engine's
 * counts. Opening one follows it in the progress panel above (polling again if it still runs).
 */
import type { RpcError } from '../../src/contract/common';
import type { OpOutput } from '../../src/contract/operations';
import { dateTime } from '../shared/format';
import { ErrorBox } from '../shared/ErrorBox';
import { Empty } from '../shared/ui';
import { StatusBadge } from './StatusBadge';
import { count } from './batchText';

export type BatchRow = OpOutput<'listBatches'>['batches'][number];

export function BatchList({
  batches,
  loading,
  error,
  openId,
  modelName,
  onOpen,
  onReload,
}: {
  batches: BatchRow[];
  loading: boolean;
  error: RpcError | null;
  openId: string | null;
  modelName: (id: string) => string | null;
  onOpen: (batchId: string) => void;
  onReload: () => void;
}) {
  return (
    <section className="block" aria-labelledby="batch-list-title" data-testid="batch-list">
      <div className="block-head">
        <h3 className="sub-title" id="batch-list-title">
          Earlier batches
        </h3>
        <span className="muted small" data-testid="batch-list-count">
          {loading ? 'loading…' : `${batches.length} shown, newest first`}
        </span>
        <span className="spacer" />
        <button type="button" className="btn" data-testid="batch-list-refresh" onClick={onReload}>
          Refresh
        </button>
      </div>
      {error ? <ErrorBox error={error} testId="batch-list-error" /> : null}
      {batches.length === 0 && !loading && !error ? (
        <Empty testId="batch-list-empty">No batch yet.</Empty>
      ) : null}
      {batches.length > 0 ? (
        <div className="table-wrap">
          <table className="grid compact" data-testid="batch-list-table">
            <thead>
              <tr>
                <th>Started</th>
                <th>Model</th>
                <th>Status</th>
                <th className="n">Accounts</th>
                <th className="n">Saved</th>
                <th className="n">Failed</th>
                <th className="n">Cancelled</th>
                <th className="n">Pending</th>
                <th className="n">Approved</th>
                <th className="n">Review</th>
                <th className="n">Rejected</th>
              </tr>
            </thead>
            <tbody>
              {batches.map((b) => {
                const p = b.progress;
                return (
                  <tr
                    key={b.batch_id}
                    className={b.batch_id === openId ? 'row-open' : ''}
                    data-testid="batch-row"
                    data-batch-id={b.batch_id}
                    data-status={b.status}
                  >
                    <td className="batch-started">
                      <button
                        type="button"
                        className="link"
                        data-testid="batch-open"
                        aria-label={`Open batch ${b.batch_id} started ${dateTime(b.created_at)}`}
                        aria-current={b.batch_id === openId ? 'true' : undefined}
                        onClick={() => onOpen(b.batch_id)}
                      >
                        <When iso={b.created_at} />
                      </button>
                    </td>
                    <td className="nowrap">
                      {b.model_id
                        ? `${modelName(b.model_id) ?? b.model_id} v${b.model_version ?? '?'}`
                        : 'requests'}
                    </td>
                    <td>
                      <StatusBadge status={b.status} testId="batch-row-status" />
                    </td>
                    <td className="n">{count(p.total)}</td>
                    <td className="n">{count(p.done)}</td>
                    <td className={`n ${p.failed > 0 ? 'neg' : ''}`}>{count(p.failed)}</td>
                    <td className="n">{count(p.cancelled)}</td>
                    <td className="n">{count(p.pending)}</td>
                    <td className="n">{count(p.by_decision.APPROVED)}</td>
                    <td className="n">{count(p.by_decision.REVIEW_REQUIRED)}</td>
                    <td className="n">{count(p.by_decision.REJECTED)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** "2026-12-06 20:17:12" on one or two lines: the date and the time never break inside. */
function When({ iso }: { iso: string }) {
  const [day, ...time] = dateTime(iso).split(' ');
  return (
    <>
      <span className="nowrap">{day}</span> <span className="nowrap">{time.join(' ')}</span>
    </>
  );
}
