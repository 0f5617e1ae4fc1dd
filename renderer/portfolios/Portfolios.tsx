/**
 * Saved portfolios: each is a versioned rebalance request (holdings, targets, constraints, price
 * history). A version loads into the request editor linked to its portfolio (`portfolio_id`), so
 * the runs made from it are filed under it; the editor's request can be saved as a new portfolio
 * or as a new version of the open one. Older versions stay readable.
 */
import { useState } from 'react';
import type { RpcError } from '../../src/contract/common';
import { call } from '../shared/api';
import { ErrorBox } from '../shared/ErrorBox';
import { dateTime, money, shortHash } from '../shared/format';
import type { PortfolioDetail, PortfolioSummary, RebalanceRequest } from '../shared/types';
import { Empty } from '../shared/ui';
import { useData } from '../shared/useData';

/** The stored content, linked to its portfolio so the runs made from it are filed under it. */
export function linkToPortfolio(content: unknown, portfolioId: string): unknown {
  if (content === null || typeof content !== 'object') return content;
  const { portfolio_id: _drop, ...rest } = content as Record<string, unknown>;
  return { portfolio_id: portfolioId, ...rest };
}

/** The request without its link: what is stored as a portfolio version. */
function unlinked(content: unknown): unknown {
  if (content === null || typeof content !== 'object' || Array.isArray(content)) return content;
  const { portfolio_id: _drop, ...rest } = content as Record<string, unknown>;
  return rest;
}

type SaveState =
  | { state: 'idle' }
  | { state: 'saving' }
  | { state: 'saved'; detail: PortfolioDetail }
  | { state: 'error'; error: RpcError };

export function PortfoliosView({
  portfolios,
  loading,
  openId,
  onOpen,
  onChanged,
  editorRequest,
  onLoad,
  onShowRuns,
}: {
  portfolios: PortfolioSummary[];
  loading: boolean;
  openId: string | null;
  onOpen: (id: string | null) => void;
  /** Reloads the portfolio list (after a save). */
  onChanged: () => void;
  /** The editor's request, parsed; an error message when it is not JSON. */
  editorRequest: () => { ok: true; value: unknown } | { ok: false; message: string };
  onLoad: (content: unknown, label: string) => void;
  onShowRuns: (portfolioId: string) => void;
}) {
  const open = portfolios.find((p) => p.portfolio_id === openId) ?? null;
  const [name, setName] = useState('');
  const [save, setSave] = useState<SaveState>({ state: 'idle' });
  const [seq, setSeq] = useState(0);

  const doSave = async (asVersionOf: PortfolioSummary | null) => {
    const req = editorRequest();
    if (!req.ok) {
      setSave({
        state: 'error',
        error: { code: 'BAD_REQUEST', message: `The request editor: ${req.message}` },
      });
      setSeq((n) => n + 1);
      return;
    }
    const n = name.trim() || asVersionOf?.name || '';
    if (!n) {
      setSave({
        state: 'error',
        error: {
          code: 'BAD_REQUEST',
          message: 'Give the portfolio a name.',
          details: [{ path: 'name', message: 'required' }],
        },
      });
      setSeq((x) => x + 1);
      return;
    }
    setSave({ state: 'saving' });
    const r = await call('savePortfolio', {
      name: n,
      content: unlinked(req.value) as never,
      ...(asVersionOf ? { portfolio_id: asVersionOf.portfolio_id } : {}),
    });
    setSeq((x) => x + 1);
    if (!r.ok) {
      setSave({ state: 'error', error: r.error });
      return;
    }
    setSave({ state: 'saved', detail: r.value });
    setName('');
    onChanged();
    onOpen(r.value.portfolio_id);
    // The editor's request now belongs to the saved portfolio: its next runs are filed under it.
    onLoad(
      linkToPortfolio(r.value.content, r.value.portfolio_id),
      `${r.value.name} v${r.value.version}`,
    );
  };

  return (
    <div className="page" data-testid="portfolios-view" data-seq={seq}>
      <div className="page-head">
        <h2 className="page-title">Portfolios</h2>
        <span className="muted small" data-testid="portfolios-count">
          {loading ? 'loading…' : `${portfolios.length} saved`}
        </span>
      </div>

      <div className="form-panel save-panel" data-testid="portfolio-save">
        <div className="save-row">
          <label className="field grow">
            <span>Save the request in the editor</span>
            <input
              type="text"
              data-testid="portfolio-name"
              placeholder={open ? `name (default: ${open.name})` : 'portfolio name'}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          <button
            type="button"
            className="btn primary-outline"
            data-testid="portfolio-save-new"
            disabled={save.state === 'saving'}
            onClick={() => void doSave(null)}
          >
            Save as new portfolio
          </button>
          <button
            type="button"
            className="btn"
            data-testid="portfolio-save-version"
            disabled={!open || save.state === 'saving'}
            title={
              open
                ? `Adds version ${open.latest_version + 1} to ${open.name}`
                : 'Open a portfolio first'
            }
            onClick={() => void doSave(open)}
          >
            {open
              ? `Save as version ${open.latest_version + 1} of ${open.name}`
              : 'Save as new version'}
          </button>
        </div>
        {save.state === 'saved' ? (
          <div className="note-ok small" data-testid="portfolio-saved">
            Saved <strong>{save.detail.name}</strong> version {save.detail.version} (content{' '}
            <code>{shortHash(save.detail.content_hash)}</code>). The editor&apos;s request is now
            linked to it: its runs are filed under this portfolio.
          </div>
        ) : null}
        {save.state === 'error' ? (
          <ErrorBox
            error={save.error}
            testId="portfolio-save-error"
            title={
              save.error.details?.length
                ? `Not saved: ${save.error.details.length} problem${save.error.details.length === 1 ? '' : 's'}`
                : 'Not saved'
            }
          />
        ) : null}
      </div>

      <div className="split">
        <div className="list-box">
          <table className="grid clickable" data-testid="portfolios-table">
            <thead>
              <tr>
                <th>Name</th>
                <th className="n">Versions</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {portfolios.map((p) => (
                <tr
                  key={p.portfolio_id}
                  data-testid="portfolio-row"
                  data-portfolio-id={p.portfolio_id}
                  data-name={p.name}
                  className={p.portfolio_id === openId ? 'row-open' : ''}
                  tabIndex={0}
                  onClick={() => onOpen(p.portfolio_id)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') onOpen(p.portfolio_id);
                  }}
                >
                  <td className="strong">{p.name}</td>
                  <td className="n">{p.latest_version}</td>
                  <td className="nowrap" title={p.updated_at}>
                    {dateTime(p.updated_at)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {!loading && portfolios.length === 0 ? (
            <Empty testId="portfolios-empty">
              No saved portfolios yet. Import a file, or save the request in the editor.
            </Empty>
          ) : null}
        </div>
        {open ? (
          <PortfolioPanel
            key={open.portfolio_id + ':' + open.latest_version}
            summary={open}
            onLoad={onLoad}
            onShowRuns={onShowRuns}
          />
        ) : (
          <div className="hint">Click a portfolio to see its versions and load one.</div>
        )}
      </div>
    </div>
  );
}

function PortfolioPanel({
  summary,
  onLoad,
  onShowRuns,
}: {
  summary: PortfolioSummary;
  onLoad: (content: unknown, label: string) => void;
  onShowRuns: (portfolioId: string) => void;
}) {
  const [version, setVersion] = useState(summary.latest_version);
  /** Which version was loaded into the editor (the note shows for that version only). */
  const [loaded, setLoaded] = useState<number | null>(null);
  const { data } = useData(
    () => call('getPortfolio', { portfolio_id: summary.portfolio_id, version }),
    [summary.portfolio_id, version],
  );
  // Right after a click the previous version's answer is still in hand: show it as loading, never
  // under the new version's label.
  const current = data.value !== null && data.value.version === version;
  const detail: PortfolioDetail | null = current ? data.value : null;
  const error = data.error;

  // A version's content is the rebalance request as saved (validated by the engine on save); the
  // contract types it `unknown` because versions saved by older engines may lack newer fields.
  const c = (detail?.content ?? {}) as Partial<RebalanceRequest>;
  const state = data.state === 'ready' && !current ? 'loading' : data.state;
  return (
    <section
      className="detail"
      data-testid="portfolio-detail"
      data-portfolio-id={summary.portfolio_id}
      data-version={version}
      data-state={state}
    >
      <div className="detail-head">
        <div className="detail-title">
          <h3>
            {summary.name} <span className="muted">v{version}</span>
          </h3>
          <div className="muted small detail-sub">
            id <code>{summary.portfolio_id}</code> · created {dateTime(summary.created_at)}
          </div>
        </div>
        <div className="detail-actions">
          <button
            type="button"
            className="btn"
            data-testid="portfolio-runs"
            onClick={() => onShowRuns(summary.portfolio_id)}
          >
            Runs
          </button>
          <button
            type="button"
            className="btn primary-outline"
            data-testid="portfolio-load"
            disabled={state !== 'ready'}
            onClick={() => {
              if (!detail) return;
              onLoad(
                linkToPortfolio(detail.content, detail.portfolio_id),
                `${detail.name} v${detail.version}`,
              );
              setLoaded(detail.version);
            }}
          >
            Load into editor
          </button>
        </div>
      </div>
      {error ? (
        <ErrorBox error={error} title="This version could not be read" testId="portfolio-error" />
      ) : null}
      {loaded === version ? (
        <div className="note-ok small" data-testid="portfolio-loaded">
          Version {version} is in the request editor, linked to this portfolio.
        </div>
      ) : null}
      {detail ? (
        <>
          <dl className="facts">
            <div>
              <dt>Assets</dt>
              <dd>{c.assets?.length ?? 0}</dd>
            </div>
            <div>
              <dt>Portfolio value</dt>
              <dd>{money(c.portfolio_value, c.currency ?? 'USD', 0)}</dd>
            </div>
            <div>
              <dt>Price history</dt>
              <dd>
                {c.price_history ? (
                  `${c.price_history.dates.length} days`
                ) : (
                  <span className="source source-assumed">none</span>
                )}
              </dd>
            </div>
          </dl>
          <div className="muted small gap-below">
            Assets: {(c.assets ?? []).map((a) => a.asset).join(', ') || '—'}
          </div>
          <table className="grid compact clickable" data-testid="portfolio-versions">
            <thead>
              <tr>
                <th className="n">Version</th>
                <th>Saved</th>
                <th>Content SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {[...detail.versions]
                .sort((x, y) => y.version - x.version)
                .map((v) => (
                  <tr
                    key={v.version}
                    data-testid="portfolio-version-row"
                    data-version={v.version}
                    className={v.version === version ? 'row-open' : ''}
                    onClick={() => setVersion(v.version)}
                  >
                    <td className="n">v{v.version}</td>
                    <td className="nowrap">{dateTime(v.created_at)}</td>
                    <td>
                      <code title={v.content_hash}>{shortHash(v.content_hash, 16)}</code>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
