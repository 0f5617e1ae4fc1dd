/**
 * The exceptions of one page of a batch's items: one row per account and reason (an account can
 * be listed under several), with the supervisor's decision of its run and the engine's message.
 * A run id opens the saved run in Runs.
 */
import type { BatchDetail, BatchItem } from '../../src/contract/batches';
import { decisionWording } from '../agents/agents';
import { DASH } from '../shared/format';
import { Empty } from '../shared/ui';
import { count, ITEM_STATE_TEXT, reasonText } from './batchText';

function Decision({ item }: { item: BatchItem | undefined }) {
  if (!item) return <span className="muted">{DASH}</span>;
  if (item.decision === null)
    return (
      <span className="muted" data-testid="batch-exc-state">
        {ITEM_STATE_TEXT[item.state]}
      </span>
    );
  const w = decisionWording(item.decision);
  return (
    <span className={`badge tone-${w.tone}`} title={w.help}>
      {w.label}
    </span>
  );
}

export function BatchExceptions({
  detail,
  accountName,
  onOpenRun,
}: {
  detail: BatchDetail;
  accountName: (id: string) => string | null;
  onOpenRun: (runId: string) => void;
}) {
  const items = new Map(detail.items.map((i) => [i.index, i]));
  const ex = detail.exceptions;
  return (
    <section className="block" aria-labelledby="batch-exc-title" data-testid="batch-exceptions">
      <div className="block-head">
        <h3 className="sub-title" id="batch-exc-title">
          Exceptions{' '}
          <span className={`count ${detail.progress.exceptions > 0 ? 'warn' : ''}`}>
            {count(detail.progress.exceptions)}
          </span>
        </h3>
        {detail.progress.exceptions > ex.length ? (
          <span className="muted small">{count(ex.length)} on this page of accounts</span>
        ) : null}
      </div>
      {ex.length === 0 ? (
        <Empty testId="batch-exceptions-empty">
          {detail.progress.exceptions > 0
            ? 'None among the accounts on this page.'
            : detail.progress.pending > 0
              ? 'None so far.'
              : 'None: every account was approved with every asset inside its band.'}
        </Empty>
      ) : (
        <div className="table-wrap batch-exc-wrap">
          <table className="grid compact dense" data-testid="batch-exceptions-table">
            <thead>
              <tr>
                <th className="n">#</th>
                <th>Account</th>
                <th>Reason</th>
                <th>Decision</th>
                <th>Message</th>
                <th>Run</th>
              </tr>
            </thead>
            <tbody>
              {ex.map((e) => {
                const w = reasonText(e.reason);
                const name = e.account_id ? accountName(e.account_id) : null;
                return (
                  <tr
                    key={`${e.index}-${e.reason}`}
                    data-testid="batch-exception"
                    data-index={e.index}
                    data-reason={e.reason}
                    data-account={e.account_id ?? ''}
                    data-run-id={e.run_id ?? ''}
                  >
                    <td className="n">{e.index + 1}</td>
                    <td className="nowrap">
                      {e.account_id ?? <span className="muted">request</span>}
                      {name ? <span className="muted small"> {name}</span> : null}
                    </td>
                    <td>
                      <span className={`badge tone-${w.tone}`} title={w.help}>
                        {w.label}
                      </span>
                    </td>
                    <td>
                      <Decision item={items.get(e.index)} />
                    </td>
                    <td className="reason">
                      {e.message}
                      {e.assets.some((a) => !e.message.includes(a)) ? (
                        <span className="muted small"> ({e.assets.join(', ')})</span>
                      ) : null}
                    </td>
                    <td className="nowrap">
                      {e.run_id ? (
                        <button
                          type="button"
                          className="link mono"
                          data-testid="batch-exception-run"
                          title={`Open run ${e.run_id} in Runs`}
                          aria-label={`Open run ${e.run_id} of ${e.account_id ?? `item ${e.index + 1}`}`}
                          onClick={() => onOpenRun(e.run_id as string)}
                        >
                          {e.run_id}
                        </button>
                      ) : (
                        <span className="muted">{DASH}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
