/**
 * Starts a batch for a model: every account following it, or the ones ticked, with the days of
 * price history each account's request carries. `POST /api/batches` answers at once with the
 * batch's status document; the view then follows it.
 */
import { useState } from 'react';
import type { RpcError } from '../../src/contract/common';
import type { BatchDetail } from '../../src/contract/batches';
import type { OpOutput } from '../../src/contract/operations';
import { call } from '../shared/api';
import { ErrorBox } from '../shared/ErrorBox';
import { useData } from '../shared/useData';
import { count } from './batchText';
import { DEFAULT_HISTORY_DAYS, parseHistoryDays } from './history';

type ModelRow = OpOutput<'listModels'>['models'][number];

export function StartBatch({
  models,
  onStarted,
}: {
  models: ModelRow[];
  onStarted: (batch: BatchDetail) => void;
}) {
  const [picked, setPicked] = useState('');
  const modelId = picked || models[0]?.model_id || '';
  const [mode, setMode] = useState<'all' | 'selected'>('all');
  const [ticked, setTicked] = useState<string[]>([]);
  const [days, setDays] = useState('');
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<RpcError | null>(null);
  const { data: accounts } = useData(
    () => (modelId ? call('listAccounts', { model_id: modelId }) : null),
    [modelId],
  );
  const list = accounts.value?.accounts ?? [];
  const history = parseHistoryDays(days);
  const chosen = ticked.filter((id) => list.some((a) => a.account_id === id));
  const why = !modelId
    ? 'Save a model first (Models & accounts).'
    : accounts.state === 'ready' && list.length === 0
      ? 'No account follows this model.'
      : mode === 'selected' && chosen.length === 0
        ? 'Tick at least one account.'
        : !history.ok
          ? `History ${history.message}.`
          : null;

  const start = async () => {
    if (why !== null || !history.ok) return;
    setStarting(true);
    setError(null);
    const r = await call('createBatch', {
      model_id: modelId,
      ...(mode === 'selected' ? { account_ids: chosen } : {}),
      settings: { history_days: history.value },
    });
    setStarting(false);
    if (r.ok) onStarted(r.value);
    else setError(r.error);
  };

  const toggle = (id: string) =>
    setTicked((t) => (t.includes(id) ? t.filter((x) => x !== id) : [...t, id]));

  return (
    <form
      className="form-panel batch-start"
      aria-labelledby="batch-start-title"
      data-testid="batch-start"
      onSubmit={(e) => {
        e.preventDefault();
        void start();
      }}
    >
      <h3 className="sub-title" id="batch-start-title">
        Start a batch
      </h3>
      <div className="batch-start-row">
        <label className="field">
          <span>Model</span>
          <select
            data-testid="batch-model"
            value={modelId}
            onChange={(e) => {
              setPicked(e.target.value);
              setTicked([]);
            }}
          >
            {models.length === 0 ? <option value="">no model saved</option> : null}
            {models.map((m) => (
              <option key={m.model_id} value={m.model_id}>
                {m.name} (v{m.latest_version})
              </option>
            ))}
          </select>
        </label>
        <fieldset className="field batch-scope">
          <legend>Accounts</legend>
          <label>
            <input
              type="radio"
              name="batch-scope"
              data-testid="batch-scope-all"
              checked={mode === 'all'}
              onChange={() => setMode('all')}
            />{' '}
            all following the model
            {accounts.state === 'ready' ? ` (${count(list.length)})` : ''}
          </label>
          <label>
            <input
              type="radio"
              name="batch-scope"
              data-testid="batch-scope-selected"
              checked={mode === 'selected'}
              onChange={() => setMode('selected')}
            />{' '}
            the ones ticked{mode === 'selected' ? ` (${count(chosen.length)})` : ''}
          </label>
        </fieldset>
        <label className="field">
          <span>History (days)</span>
          <input
            type="text"
            inputMode="numeric"
            data-testid="batch-history-days"
            placeholder={String(DEFAULT_HISTORY_DAYS)}
            value={days}
            aria-invalid={!history.ok}
            aria-describedby="batch-history-help"
            onChange={(e) => setDays(e.target.value)}
          />
          <small id="batch-history-help">
            {history.ok
              ? 'Dates of price history in every account’s request.'
              : `Must be ${history.message.replace(/^must be /, '')}.`}
          </small>
        </label>
        <div className="batch-start-go">
          <button
            type="submit"
            className="btn primary"
            data-testid="batch-start-button"
            disabled={starting || why !== null}
          >
            {starting ? 'Starting…' : 'Start batch'}
          </button>
          {why ? (
            <span className="muted small" data-testid="batch-start-why">
              {why}
            </span>
          ) : null}
        </div>
      </div>
      {mode === 'selected' && list.length > 0 ? (
        <div className="list-box batch-accounts" role="group" aria-label="Accounts of the batch">
          {list.map((a) => (
            <label key={a.account_id} className="batch-account" data-testid="batch-account">
              <input
                type="checkbox"
                data-testid="batch-account-tick"
                data-account={a.account_id}
                checked={ticked.includes(a.account_id)}
                onChange={() => toggle(a.account_id)}
              />{' '}
              <code>{a.account_id}</code> {a.name}
            </label>
          ))}
        </div>
      ) : null}
      {accounts.error ? <ErrorBox error={accounts.error} testId="batch-accounts-error" /> : null}
      {error ? (
        <ErrorBox error={error} title="The batch was not started" testId="batch-start-error" />
      ) : null}
    </form>
  );
}
