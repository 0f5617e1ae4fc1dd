/**
 * Models & accounts: the PM's review of the book a batch runs on. The models (assets and
 * targets, band, method, accounts following), the accounts (model followed — changed in place —,
 * positions, cash), the shared price library, and the imports that fill them.
 */
import { useState } from 'react';
import { call } from '../shared/api';
import { ErrorBox } from '../shared/ErrorBox';
import { useData } from '../shared/useData';
import { filterAccounts } from './accountFilter';
import { AccountList, ACCOUNT_PAGE } from './AccountList';
import { BookImport, type BookKind } from './BookImport';
import { ModelList } from './ModelList';
import { PriceLibrary } from './PriceLibrary';
import { useDetails } from './useDetails';
import './models.css';

export function ModelsView() {
  const { data: models, reload: reloadModels } = useData(() => call('listModels', {}), []);
  const { data: accounts, reload: reloadAccounts } = useData(() => call('listAccounts', {}), []);
  const { data: library, reload: reloadLibrary } = useData(() => call('getPriceLibrary', {}), []);
  const [filter, setFilter] = useState('');
  const [shown, setShown] = useState(ACCOUNT_PAGE);

  const modelRows = models.value?.models ?? [];
  const accountRows = accounts.value?.accounts ?? [];
  const filtered = filterAccounts(accountRows, filter);
  const modelDetails = useDetails(
    modelRows.map((m) => ({ id: m.model_id, version: m.latest_version })),
    (id, version) => call('getModel', { model_id: id, version }),
  );
  const accountDetails = useDetails(
    filtered.slice(0, shown).map((a) => ({ id: a.account_id, version: a.latest_version })),
    (id, version) => call('getAccount', { account_id: id, version }),
  );
  const following = new Map<string, number>();
  for (const a of accountRows)
    if (a.model_id !== null) following.set(a.model_id, (following.get(a.model_id) ?? 0) + 1);

  const onImported = (kind: BookKind) => {
    if (kind === 'accounts') reloadAccounts();
    else reloadLibrary();
  };
  const loading = [models, accounts, library].some((d) => d.state === 'loading');

  return (
    <div
      className="page"
      data-testid="models-view"
      data-state={loading ? 'loading' : 'ready'}
      data-seq={models.seq + accounts.seq + library.seq}
    >
      <div className="page-head">
        <h2 className="page-title">Models &amp; accounts</h2>
        <span className="muted small">
          The book a batch rebalances: models, the accounts following them, and the shared prices.
        </span>
        <span className="spacer" />
        <button
          type="button"
          className="btn"
          data-testid="models-refresh"
          onClick={() => {
            reloadModels();
            reloadAccounts();
            reloadLibrary();
          }}
        >
          Refresh
        </button>
      </div>

      <BookImport models={modelRows} onImported={onImported} />

      <section className="block" aria-labelledby="models-title">
        <div className="block-head">
          <h3 className="sub-title" id="models-title">
            Models <span className="count">{modelRows.length}</span>
          </h3>
        </div>
        {models.error ? <ErrorBox error={models.error} testId="models-error" /> : null}
        {models.state !== 'loading' || models.value ? (
          <ModelList models={modelRows} details={modelDetails} following={following} />
        ) : null}
      </section>

      <section className="block" aria-labelledby="accounts-title">
        <div className="block-head">
          <h3 className="sub-title" id="accounts-title">
            Accounts <span className="count">{accountRows.length}</span>
          </h3>
          <label className="field-inline">
            <span>Model</span>
            <select
              data-testid="accounts-filter"
              value={filter}
              onChange={(e) => {
                setFilter(e.target.value);
                setShown(ACCOUNT_PAGE);
              }}
            >
              <option value="">all</option>
              <option value="-">none</option>
              {modelRows.map((m) => (
                <option key={m.model_id} value={m.model_id}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
          {filter !== '' ? (
            <span className="muted small" data-testid="accounts-filtered">
              {filtered.length} shown
            </span>
          ) : null}
        </div>
        {accounts.error ? <ErrorBox error={accounts.error} testId="accounts-error" /> : null}
        {accounts.state !== 'loading' || accounts.value ? (
          <AccountList
            rows={filtered}
            shown={shown}
            models={modelRows}
            details={accountDetails}
            onMore={() => setShown((n) => n + ACCOUNT_PAGE)}
            onAssigned={reloadAccounts}
          />
        ) : null}
      </section>

      <section className="block" aria-labelledby="library-title">
        <div className="block-head">
          <h3 className="sub-title" id="library-title">
            Price library
          </h3>
        </div>
        {library.error ? <ErrorBox error={library.error} testId="library-error" /> : null}
        {library.value ? <PriceLibrary series={library.value.series} /> : null}
      </section>
    </div>
  );
}
