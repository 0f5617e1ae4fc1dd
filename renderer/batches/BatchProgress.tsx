/**
 * One batch's progress: status, a bar of the accounts finished (saved, failed, cancelled), the
 * counts per decision, the executor's trouble when it has some, and Cancel. Every figure is the
 * engine's `progress`; a screen reader hears the status and coarse progress through aria-live.
 */
import type { BatchDetail } from '../../src/contract/batches';
import { dateTime } from '../shared/format';
import { Kpi } from '../shared/Kpi';
import { decisionWording } from '../agents/agents';
import { announcement, count, isFinal, share } from './batchText';
import { StatusBadge } from './StatusBadge';

function Bar({ detail }: { detail: BatchDetail }) {
  const p = detail.progress;
  const finished = p.total - p.pending;
  return (
    <div
      className="batch-bar"
      role="progressbar"
      aria-label="Accounts finished"
      aria-valuemin={0}
      aria-valuemax={p.total}
      aria-valuenow={finished}
      aria-valuetext={`${count(p.done)} saved, ${count(p.failed)} failed, ${count(p.cancelled)} cancelled, ${count(p.pending)} pending of ${count(p.total)}`}
      data-testid="batch-bar"
    >
      <span className="seg seg-done" style={{ width: share(p.done, p.total) }} />
      <span className="seg seg-failed" style={{ width: share(p.failed, p.total) }} />
      <span className="seg seg-cancelled" style={{ width: share(p.cancelled, p.total) }} />
    </div>
  );
}

function Counts({ detail }: { detail: BatchDetail }) {
  const p = detail.progress;
  const d = p.by_decision;
  const tile = (label: string, value: number, testId: string, tone = '', title?: string) => (
    <Kpi
      variant="box"
      label={label}
      value={count(value)}
      testId={testId}
      tone={value > 0 ? tone : ''}
      title={title}
    />
  );
  return (
    <div className="batch-counts">
      <div className="summary-grid batch-grid" data-testid="batch-counts">
        {tile('Accounts', p.total, 'batch-total')}
        {tile('Runs saved', p.done, 'batch-done', 'pos', 'Accounts whose run was saved')}
        {tile(
          'Failed',
          p.failed,
          'batch-failed',
          'neg',
          'A failed run was saved (data block, infeasible plan) or no run could be made',
        )}
        {tile('Cancelled', p.cancelled, 'batch-cancelled', 'warn')}
        {tile('Pending', p.pending, 'batch-pending')}
      </div>
      <div className="summary-grid batch-grid" data-testid="batch-decisions">
        {(['APPROVED', 'REVIEW_REQUIRED', 'REJECTED'] as const).map((k) => {
          const w = decisionWording(k);
          return (
            <Kpi
              key={k}
              variant="box"
              label={w.label}
              value={count(d[k])}
              testId={`batch-decision-${k}`}
              tone={d[k] > 0 && w.tone !== 'ok' ? (w.tone === 'bad' ? 'neg' : 'warn') : ''}
              title={w.help}
            />
          );
        })}
        {tile('Exceptions', p.exceptions, 'batch-exceptions-count', 'warn', 'Accounts to look at')}
      </div>
    </div>
  );
}

export function BatchProgressPanel({
  detail,
  modelName,
  polling,
  cancelling,
  onCancel,
  onRefresh,
}: {
  detail: BatchDetail;
  modelName: string | null;
  polling: boolean;
  cancelling: boolean;
  onCancel: () => void;
  onRefresh: () => void;
}) {
  const s = detail.status;
  return (
    <section
      className="detail batch-detail"
      aria-labelledby="batch-title"
      data-testid="batch-detail"
      data-batch-id={detail.batch_id}
      data-status={s}
    >
      <div className="block-head">
        <h3 className="sub-title" id="batch-title">
          Batch <code>{detail.batch_id}</code>
        </h3>
        <StatusBadge status={s} testId="batch-status" />
        <span className="spacer" />
        {!isFinal(s) ? (
          <button
            type="button"
            className="btn"
            data-testid="batch-cancel"
            disabled={cancelling}
            onClick={onCancel}
          >
            {cancelling ? 'Cancelling…' : 'Cancel batch'}
          </button>
        ) : null}
        {!polling && !isFinal(s) ? (
          <button type="button" className="btn" data-testid="batch-refresh" onClick={onRefresh}>
            Check again
          </button>
        ) : null}
      </div>
      <div className="muted small batch-meta" data-testid="batch-meta">
        {detail.kind === 'model'
          ? `Model ${modelName ?? detail.model_id ?? '?'} v${detail.model_version ?? '?'}`
          : 'Rebalance requests'}
        {detail.settings ? ` · ${detail.settings.history_days} days of history` : ''} · policy v
        {detail.policy_version} · executor {detail.executor} · started {dateTime(detail.created_at)}
        {detail.finished_at ? ` · finished ${dateTime(detail.finished_at)}` : ''}
      </div>
      {detail.trouble !== null ? (
        <div className="errors" role="alert" data-testid="batch-trouble">
          <div className="errors-title">The executor has trouble</div>
          <div className="small">{detail.trouble}</div>
          <div className="small muted">
            The batch waits and resumes by itself when the executor recovers; this view checks again
            every few seconds.
          </div>
        </div>
      ) : null}
      <Bar detail={detail} />
      <div className="sr-only" role="status" aria-live="polite" data-testid="batch-announce">
        {announcement(s, detail.progress)}
      </div>
      <Counts detail={detail} />
    </section>
  );
}
