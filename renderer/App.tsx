import { memo, useCallback, useEffect, useState } from 'react';
import type { RpcError } from '../src/contract/common';
import { call, callUnchecked, hasToken, transport } from './shared/api';
import { prettyJson } from './shared/json';
import { MethodControl } from './workstation/MethodControl';
import { requestOrder } from './shared/order';
import {
  parseRequest,
  RequestEditor,
  ScenarioList,
  type RequestError,
} from './workstation/RequestPanel';
import { ResultTabs } from './workstation/ResultTabs';
import type { PortfolioSummary, PriceImport, RebalanceResponse, Scenario } from './shared/types';
import { AuditView } from './audit/Audit';
import { ImportView, INITIAL_IMPORT_UI, type ImportUi, type Note } from './import/Import';
import { PolicyView } from './agents/Policy';
import { PortfoliosView } from './portfolios/Portfolios';
import { INITIAL_RUNS_UI, RunsView, type RunsUi } from './runs/Runs';

/** The main area's views. The request editor on the left stays visible in all of them. */
const VIEWS = [
  { id: 'workstation', label: 'Workstation' },
  { id: 'runs', label: 'Runs' },
  { id: 'import', label: 'Import' },
  { id: 'portfolios', label: 'Portfolios' },
  { id: 'audit', label: 'Audit' },
  { id: 'policy', label: 'Policy' },
] as const;
type View = (typeof VIEWS)[number]['id'];

interface RunState {
  state: 'idle' | 'running' | 'done' | 'error';
  /** Incremented when a run finishes (either way): tests and the UI wait on it, not on time. */
  seq: number;
  result: RebalanceResponse | null;
  label: string | null;
  ranText: string | null;
  ms: number | null;
  error: RequestError | null;
  /** Whether the request that produced `result` carried a benchmark (beta needs one). */
  hasBenchmark: boolean;
}

interface Health {
  version: string;
  ok: boolean;
  message?: string;
}

/** Where the editor's text came from (a scenario, a saved run, a portfolio, an import). */
interface Origin {
  label: string;
  text: string;
}

export function App() {
  const [health, setHealth] = useState<Health | null>(null);
  const [scenarios, setScenarios] = useState<Scenario[] | null>(null);
  const [loadError, setLoadError] = useState<RpcError | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [origin, setOrigin] = useState<Origin | null>(null);
  const [tab, setTab] = useState<string>('portfolio');
  const [view, setView] = useState<View>('workstation');
  const [portfolios, setPortfolios] = useState<PortfolioSummary[]>([]);
  const [portfoliosLoading, setPortfoliosLoading] = useState(true);
  const [openPortfolio, setOpenPortfolio] = useState<string | null>(null);
  const [runsUi, setRunsUi] = useState<RunsUi>(INITIAL_RUNS_UI);
  const [importUi, setImportUi] = useState<ImportUi>(INITIAL_IMPORT_UI);
  const [run, setRun] = useState<RunState>({
    state: 'idle',
    seq: 0,
    result: null,
    label: null,
    ranText: null,
    ms: null,
    error: null,
    hasBenchmark: false,
  });

  const reloadPortfolios = useCallback(() => {
    setPortfoliosLoading(true);
    void call('listPortfolios', {}).then((r) => {
      setPortfoliosLoading(false);
      if (r.ok) setPortfolios(r.value.portfolios);
    });
  }, []);

  useEffect(() => {
    let live = true;
    void call('health', {}).then((r) => {
      if (!live) return;
      setHealth(
        r.ok
          ? { ok: true, version: r.value.version }
          : { ok: false, version: '', message: r.error.message },
      );
    });
    void call('previewScenarios', {}).then((r) => {
      if (!live) return;
      if (r.ok) setScenarios(r.value.scenarios);
      else {
        setLoadError(r.error);
        setScenarios([]);
      }
    });
    return () => {
      live = false;
    };
  }, []);

  // The portfolio list feeds the Runs filter, the Import target and the Portfolios view.
  useEffect(() => {
    if (view !== 'workstation') reloadPortfolios();
  }, [view, reloadPortfolios]);

  const pick = useCallback((s: Scenario) => {
    const t = prettyJson(s.request);
    setSelected(s.name);
    setText(t);
    setOrigin({ label: s.name, text: t });
    setRun((r) => ({ ...r, error: null }));
  }, []);

  /** Puts a request into the editor (from a run, a portfolio or an import). */
  const loadIntoEditor = useCallback((content: unknown, label: string) => {
    const t = prettyJson(requestOrder(content));
    setSelected(null);
    setText(t);
    setOrigin({ label, text: t });
    setRun((r) => ({ ...r, error: null }));
  }, []);

  const mergePrices = useCallback(
    (history: NonNullable<PriceImport['price_history']>, filename: string): Note => {
      const parsed = parseRequest(text);
      if (
        text.trim() === '' ||
        !parsed.ok ||
        parsed.value === null ||
        typeof parsed.value !== 'object' ||
        Array.isArray(parsed.value)
      ) {
        return {
          text: 'The editor holds no request to merge into: load a scenario, portfolio or run first.',
          warn: true,
        };
      }
      const req: Record<string, unknown> = {
        ...(parsed.value as Record<string, unknown>),
        price_history: history,
      };
      setText(prettyJson(req));
      const assets = Array.isArray(req.assets)
        ? (req.assets as { asset?: unknown; holdings?: { holding?: unknown }[] }[])
        : [];
      const have = new Set(Object.keys(history.prices));
      const missing = assets
        .filter(
          (a) =>
            !have.has(String(a.asset)) &&
            !(a.holdings?.length && a.holdings.every((h) => have.has(String(h.holding)))),
        )
        .map((a) => String(a.asset));
      const covered = assets.length - missing.length;
      return {
        text:
          `Prices from ${filename} (${history.dates.length} dates) are in the request: ` +
          `${covered} of ${assets.length} assets covered` +
          (missing.length ? `; no prices for ${missing.join(', ')}.` : '.'),
        warn: missing.length > 0,
      };
    },
    [text],
  );

  const runNow = useCallback(async () => {
    const parsed = parseRequest(text);
    const label = origin && text === origin.text ? origin.label : null;
    setView('workstation');
    if (!parsed.ok) {
      setRun((r) => ({ ...r, state: 'error', seq: r.seq + 1, error: parsed.error }));
      return;
    }
    setRun((r) => ({ ...r, state: 'running', error: null }));
    const t0 = performance.now();
    const res = await callUnchecked('rebalance', parsed.value);
    const ms = performance.now() - t0;
    if (res.ok) {
      setRun((r) => ({
        state: 'done',
        seq: r.seq + 1,
        result: res.value,
        label: label ?? 'Edited request',
        ranText: text,
        ms,
        error: null,
        hasBenchmark: hasKey(parsed.value, 'benchmark'),
      }));
    } else {
      setRun((r) => ({
        ...r,
        state: 'error',
        seq: r.seq + 1,
        error: { kind: 'engine', error: res.error },
      }));
    }
  }, [text, origin]);

  const editorRequest = useCallback(():
    { ok: true; value: unknown } | { ok: false; message: string } => {
    if (text.trim() === '') return { ok: false, message: 'it is empty' };
    const p = parseRequest(text);
    return p.ok
      ? p
      : {
          ok: false,
          message: `not valid JSON (${p.error.kind === 'syntax' ? p.error.message : ''})`,
        };
  }, [text]);

  const r = run.result;

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">Smart Portfolio Rebalancer</div>
        <nav className="topnav" aria-label="Views">
          {VIEWS.map((v) => (
            <button
              key={v.id}
              type="button"
              className={`topnav-item ${view === v.id ? 'on' : ''}`}
              aria-current={view === v.id ? 'page' : undefined}
              data-testid={`nav-${v.id}`}
              onClick={() => setView(v.id)}
            >
              {v.label}
            </button>
          ))}
        </nav>
        <div className="topbar-meta">
          <span
            className={`dot ${health === null ? 'wait' : health.ok ? 'up' : 'down'}`}
            aria-hidden
          />
          <span data-testid="engine-status">
            {health === null
              ? 'connecting…'
              : health.ok
                ? `engine ${health.version}`
                : `engine unreachable: ${health.message ?? ''}`}
          </span>
          <span className="sep">·</span>
          <span data-testid="transport">
            {transport() === 'ipc' ? 'desktop (IPC)' : 'browser mode (local HTTP API)'}
          </span>
        </div>
        <div
          className="run-status"
          data-testid="run-status"
          data-state={run.state}
          data-seq={run.seq}
        >
          {run.state === 'running'
            ? 'Running…'
            : run.state === 'error'
              ? 'Last run failed'
              : run.state === 'done' && r
                ? `${run.label ?? ''} · ${run.ms !== null ? `${run.ms.toFixed(0)} ms` : ''} · input ${r.metadata.input_hash.slice(0, 10)}`
                : 'No run yet'}
        </div>
      </header>

      <div className="body">
        <aside className="side">
          <div className="side-section">
            <h2 className="side-title">Scenarios</h2>
            {loadError ? (
              <div className="errors" data-testid="load-error" role="alert">
                <div className="errors-title">{loadError.code}</div>
                <div className="small">
                  {loadError.code === 'UNAUTHORIZED' && !hasToken()
                    ? 'This page needs the address the server printed at start-up (it ends with ?token=…). Open that address again.'
                    : loadError.message}
                </div>
              </div>
            ) : null}
            <ScenarioList scenarios={scenarios} selected={selected} onPick={pick} />
          </div>
          <RequestEditor
            text={text}
            onChange={setText}
            onRun={() => void runNow()}
            onFormat={() => {
              const p = parseRequest(text);
              if (p.ok) setText(prettyJson(p.value));
              else setRun((x) => ({ ...x, error: p.error }));
            }}
            onRevert={origin !== null ? () => setText(origin.text) : null}
            running={run.state === 'running'}
            error={run.error}
            dirty={origin !== null && text !== origin.text}
            originLabel={selected === null ? (origin?.label ?? null) : null}
            controls={<MethodControl text={text} onChange={setText} />}
          />
        </aside>

        {view === 'workstation' ? <Results run={run} tab={tab} onTab={setTab} /> : null}
        {view === 'runs' ? (
          <main className="main" data-testid="main-runs">
            <RunsView
              ui={runsUi}
              setUi={setRunsUi}
              portfolios={portfolios}
              onLoadInput={loadIntoEditor}
            />
          </main>
        ) : null}
        {view === 'import' ? (
          <main className="main" data-testid="main-import">
            <ImportView
              ui={importUi}
              setUi={setImportUi}
              portfolios={portfolios}
              onImported={reloadPortfolios}
              onUsePortfolio={loadIntoEditor}
              onMergePrices={mergePrices}
            />
          </main>
        ) : null}
        {view === 'portfolios' ? (
          <main className="main" data-testid="main-portfolios">
            <PortfoliosView
              portfolios={portfolios}
              loading={portfoliosLoading}
              openId={openPortfolio}
              onOpen={setOpenPortfolio}
              onChanged={reloadPortfolios}
              editorRequest={editorRequest}
              onLoad={loadIntoEditor}
              onShowRuns={(id) => {
                setRunsUi((u) => ({
                  ...u,
                  portfolio: id,
                  kind: '',
                  selected: [],
                  compare: null,
                }));
                setView('runs');
              }}
            />
          </main>
        ) : null}
        {view === 'audit' ? (
          <main className="main" data-testid="main-audit">
            <AuditView />
          </main>
        ) : null}
        {view === 'policy' ? (
          <main className="main" data-testid="main-policy">
            <PolicyView />
          </main>
        ) : null}
      </div>
    </div>
  );
}

/**
 * The result area. Memoized: typing in the request editor re-renders App on every key, and must
 * not re-render tables of a large portfolio each time.
 */
const Results = memo(function Results({
  run,
  tab,
  onTab,
}: {
  run: RunState;
  tab: string;
  onTab: (t: string) => void;
}) {
  const r = run.result;
  return (
    <main className="main" data-testid="results">
      {r ? (
        <>
          {run.state === 'error' ? (
            <div className="banner" data-testid="stale-banner" role="status">
              The last request failed (see the problems under the editor). Showing the previous
              result: <strong>{run.label}</strong>.
            </div>
          ) : null}
          <ResultTabs
            r={r}
            hasBenchmark={run.hasBenchmark}
            tab={tab}
            onTab={onTab}
            drillKey={run.seq}
            stale={run.state === 'running'}
          />
          <footer className="meta" data-testid="run-meta">
            engine {r.metadata.engine_version} · {r.metadata.timestamp_utc} · input SHA-256{' '}
            <code>{r.metadata.input_hash}</code>
            {r.run_id ? (
              <>
                {' '}
                · run <code data-testid="run-meta-id">{r.run_id}</code> (saved: see Runs)
              </>
            ) : null}
          </footer>
        </>
      ) : (
        <div className="placeholder" data-testid="no-result">
          <h2>No run yet</h2>
          <p>
            Pick a scenario on the left (or paste a request), check the JSON, then press{' '}
            <strong>Run rebalance</strong>. Results appear here: drift against the bands, trades,
            risk before and after, Monte Carlo, house view, drilldown and every warning.
          </p>
          <p>
            Every run is saved: <strong>Runs</strong> lists them for replay, export and comparison.
            Bring your own holdings or prices with <strong>Import</strong>; keep versioned requests
            under <strong>Portfolios</strong>; <strong>Audit</strong> shows the tamper-evident log;{' '}
            <strong>Policy</strong> holds the limits the Supervisor Agent checks every run against.
          </p>
        </div>
      )}
    </main>
  );
});

function hasKey(o: unknown, key: string): boolean {
  return o !== null && typeof o === 'object' && (o as Record<string, unknown>)[key] != null;
}
