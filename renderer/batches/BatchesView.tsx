/**
 * Batches: rebalance every account of a model at once (issue #13). Start a batch, follow its
 * progress live (polled while it runs), cancel it, review its exceptions (each run opens in
 * Runs) and reopen earlier batches. Every number is the engine's.
 */
import { useEffect, useRef, useState } from 'react';
import type { RpcError } from '../../src/contract/common';
import { call } from '../shared/api';
import { ErrorBox } from '../shared/ErrorBox';
import { useData } from '../shared/useData';
import { BatchExceptions } from './BatchExceptions';
import { BatchList } from './BatchList';
import { BatchProgressPanel } from './BatchProgress';
import { ItemPager } from './ItemPager';
import { StartBatch } from './StartBatch';
import { useBatch } from './useBatch';
import './batches.css';

/** What the view remembers while another view is shown (kept by App). */
export interface BatchesUi {
  /** The batch followed in the progress panel. */
  openId: string | null;
  /** First item index of the page of items (and exceptions) shown. */
  from: number;
}

export const INITIAL_BATCHES_UI: BatchesUi = { openId: null, from: 0 };

const LIST = 25;

export function BatchesView({
  ui,
  setUi,
  onOpenRun,
}: {
  ui: BatchesUi;
  setUi: (f: (u: BatchesUi) => BatchesUi) => void;
  onOpenRun: (runId: string) => void;
}) {
  const { data: models } = useData(() => call('listModels', {}), []);
  const { data: accounts } = useData(() => call('listAccounts', {}), []);
  const follow = useBatch(ui.openId, ui.from);
  const detail = follow.detail;
  // The list is reloaded when a batch starts and each time the followed one changes status
  const [listKey, setListKey] = useState(0);
  // (and once a cancelled batch's last computing account has landed).
  const stage = detail ? `${detail.status}:${detail.progress.pending === 0}` : null;
  useEffect(() => {
    if (stage !== null) setListKey((k) => k + 1);
  }, [stage]);
  const { data: list, reload: reloadList } = useData(
    () => call('listBatches', { limit: LIST }),
    [listKey],
  );
  const [cancel, setCancel] = useState<{ id: string; error: RpcError | null } | null>(null);
  const cancelCall = useRef(0);

  const modelNames = new Map(
    (models.value?.models ?? []).map((m) => [m.model_id, m.name] as const),
  );
  const accountNames = new Map(
    (accounts.value?.accounts ?? []).map((a) => [a.account_id, a.name] as const),
  );
  const open = (batchId: string) => setUi(() => ({ openId: batchId, from: 0 }));

  const doCancel = async (batchId: string) => {
    const n = ++cancelCall.current;
    setCancel({ id: batchId, error: null });
    const r = await call('cancelBatch', { batch_id: batchId });
    if (n !== cancelCall.current) return;
    setCancel(r.ok ? null : { id: batchId, error: r.error });
    follow.refresh();
  };
  const cancelling = cancel !== null && cancel.id === ui.openId && cancel.error === null;
  const loading = models.state === 'loading' || list.state === 'loading';

  return (
    <div
      className="page"
      data-testid="batches-view"
      data-state={loading ? 'loading' : 'ready'}
      data-seq={follow.seq}
    >
      <div className="page-head">
        <h2 className="page-title">Batches</h2>
        <span className="muted small">
          Rebalance every account of a model at once; each account’s result is a saved run.
        </span>
      </div>
      {models.error ? <ErrorBox error={models.error} testId="batch-models-error" /> : null}
      <StartBatch
        models={models.value?.models ?? []}
        onStarted={(b) => {
          open(b.batch_id);
          setListKey((k) => k + 1);
        }}
      />
      {ui.openId && !detail && !follow.error ? (
        <div className="muted small" role="status" data-testid="batch-loading">
          Loading batch {ui.openId}…
        </div>
      ) : null}
      {follow.error ? (
        <ErrorBox
          error={follow.error}
          title={detail ? 'The batch’s progress could not be read' : 'The batch could not be read'}
          testId="batch-error"
        >
          {follow.polling ? <div className="small muted">Asking again in a moment.</div> : null}
        </ErrorBox>
      ) : null}
      {cancel?.error && cancel.id === ui.openId ? (
        <ErrorBox
          error={cancel.error}
          title="The batch was not cancelled"
          testId="batch-cancel-error"
        />
      ) : null}
      {detail ? (
        <>
          <BatchProgressPanel
            detail={detail}
            modelName={detail.model_id ? (modelNames.get(detail.model_id) ?? null) : null}
            polling={follow.polling}
            cancelling={cancelling}
            onCancel={() => void doCancel(detail.batch_id)}
            onRefresh={follow.refresh}
          />
          <BatchExceptions
            detail={detail}
            accountName={(id) => accountNames.get(id) ?? null}
            onOpenRun={onOpenRun}
          />
          <ItemPager
            from={ui.from}
            shown={detail.items.length}
            total={detail.total}
            next={detail.next_from}
            onPage={(from) => setUi((u) => ({ ...u, from }))}
          />
        </>
      ) : null}
      <BatchList
        batches={list.value?.batches ?? []}
        loading={list.state === 'loading'}
        error={list.error}
        openId={ui.openId}
        modelName={(id) => modelNames.get(id) ?? null}
        onOpen={open}
        onReload={reloadList}
      />
    </div>
  );
}
