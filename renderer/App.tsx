import { memo, useCallback, useEffect, useRef, useState } from 'react';
import type { RpcError } from '../src/contract/common';
import { call, callUnchecked, hasToken, isCancelled, transport } from './shared/api';
import { ErrorBox } from './shared/ErrorBox';
import { ThemeToggle } from './shared/ThemeToggle';
import { useData } from './shared/useData';
import { formatOf } from './shared/files';
import { onMenuCommand, setMenuState } from './shared/desktop';
import { exportRun, type ExportWhat } from './shared/exports';
import { ExportNotice, type ExportNote } from './shared/ExportNotice';
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
import type { PortfolioSummary, RebalanceResponse, Scenario } from './shared/types';
import { AuditView } from './audit/Audit';
import { ImportView, INITIAL_IMPORT_UI, type ImportUi, type IncomingFile } from './import/Import';
import { mergeSeries } from './import/merge';
import type { MergePrices } from './import/PricesChooser';
import { AgentsPage } from './agents/AgentsPage';
import { PolicyView } from './agents/Policy';
import { PortfoliosView } from './portfolios/Portfolios';
import { INITIAL_RUNS_UI, RunsView, type RunsUi, type ShownRun } from './runs/Runs';
import { ModelsView } from './models/ModelsView';
import { BatchesView, INITIAL_BATCHES_UI, type BatchesUi } from './batches/BatchesView';

/** The main area's views. The request editor on the left stays visible in all of them. */
const VIEWS = [
  { id: 'workstation', label: 'Workstation' },
  { id: 'runs', label: 'Runs' },
  { id: 'import', label: 'Import' },
  { id: 'portfolios', label: 'Portfolios' },
  { id: 'models', label: 'Models' },
  { id: 'batches', label: 'Batches' },
  { id: 'audit', label: 'Audit' },
  { id: 'agents', label: 'Agents' },
  { id: 'policy', label: 'Policy' },
] as const;
type View = (typeof VIEWS)[number]['id'];

interface RunState {
  state: 'idle' | 'running' | 'done' | 'error' | 'cancelled';
  /** Incremented when a run finishes (any way): tests and the UI wait on it, not on time. */
  seq: number;
  /** performance.now() when the running request was sent (for the elapsed seconds). */
  startedAt: number | null;
  /** Seconds the last cancelled run had been waiting when it was cancelled. */
  cancelledAfter: number | null;
  result: RebalanceResponse | null;
  label: string | null;
  ranText: string | null;
  ms: number | null;
  error: RequestError | null;
  /** Whether the request that produced `result` carried a benchmark (beta needs one). */
  hasBenchmark: boolean;
}

/**
 * What the status dot says. `health` needs no token, every other operation does: the dot is
 * green only when the engine answers AND this page is authorised (the scenarios loaded).
 */
type Link =
  | { state: 'connecting' }
  | { state: 'down'; message: string }
  | { state: 'checking'; version: string }
  | { state: 'denied'; version: string; code: string }
  | { state: 'failing'; version: string; message: string }
  | { state: 'ok'; version: string };

const DOT: Record<Link['state'], string> = {
  connecting: 'wait',
  checking: 'wait',
  down: 'down',
  denied: 'warn',
  failing: 'warn',
  ok: 'up',
};

function linkText(l: Link): string {
  switch (l.state) {
    case 'connecting':
      return 'connecting…';
    case 'down':
      return `engine unreachable: ${l.message}`;
    case 'checking':
      return `engine ${l.version} · checking access…`;
    case 'denied':
      return `engine ${l.version} · this page is not signed in`;
    case 'failing':
      return `engine ${l.version} · not answering: ${l.message}`;
    case 'ok':
      return `engine ${l.version}`;
  }
}

/** Where the editor's text came from (a scenario, a saved run, a portfolio, an import). */
interface Origin {
  label: string;
  text: string;
}

export function App() {
  const { data: health } = useData(() => call('health', {}), []);
  const { data: scen } = useData(() => call('previewScenarios', {}), []);
  const scenarios: Scenario[] | null =
    scen.state === 'ready' ? scen.value.scenarios : scen.state === 'error' ? [] : null;
  const loadError: RpcError | null = scen.state === 'error' ? scen.error : null;
  const denied =
    loadError !== null && (loadError.code === 'UNAUTHORIZED' || loadError.code === 'FORBIDDEN');
  const link: Link =
    health.state === 'loading'
      ? { state: 'connecting' }
      : health.state === 'error'
        ? { state: 'down', message: health.error.message }
        : denied
          ? { state: 'denied', version: health.value.version, code: loadError.code }
          : loadError
            ? { state: 'failing', version: health.value.version, message: loadError.message }
            : scen.state === 'loading'
              ? { state: 'checking', version: health.value.version }
              : { state: 'ok', version: health.value.version };
  const [selected, setSelected] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [origin, setOrigin] = useState<Origin | null>(null);
  const [tab, setTab] = useState<string>('portfolio');
  const [view, setView] = useState<View>('workstation');
  // A file dropped anywhere on the window opens the Import view with it (desktop and browser);
  // so does a file chosen with File ▸ Import in the desktop app (`via: 'menu'`).
  const [dropped, setDropped] = useState<IncomingFile | null>(null);
  const [dropNote, setDropNote] = useState<string | null>(null);
  const onDragOver = (e: React.DragEvent) => {
    if (e.dataTransfer.types.includes('Files')) e.preventDefault();
  };
  const onDrop = (e: React.DragEvent) => {
    const file = e.dataTransfer.files[0];
    if (!file) return;
    e.preventDefault();
    if (formatOf(file.name) === null) {
      setDropNote(`${file.name}: not a CSV, XLSX or JSON file, so it cannot be imported`);
      return;
    }
    setDropNote(null);
    setDropped((d) => ({ file, seq: (d?.seq ?? 0) + 1, via: 'drop' }));
    setView('import');
  };
  // The portfolio list feeds the Runs filter, the Import target and the Portfolios view; it is
  // loaded when one of those views opens, not for the workstation.
  const { data: portfolioList, reload: reloadPortfolios } = useData(
    () => (view !== 'workstation' ? call('listPortfolios', {}) : null),
    [view],
  );
  const portfolios: PortfolioSummary[] = portfolioList.value?.portfolios ?? EMPTY_PORTFOLIOS;
  const portfoliosLoading = portfolioList.state === 'loading';
  const [openPortfolio, setOpenPortfolio] = useState<string | null>(null);
  const [runsUi, setRunsUi] = useState<RunsUi>(INITIAL_RUNS_UI);
  const [importUi, setImportUi] = useState<ImportUi>(INITIAL_IMPORT_UI);
  const [batchesUi, setBatchesUi] = useState<BatchesUi>(INITIAL_BATCHES_UI);
  const [run, setRun] = useState<RunState>({
    state: 'idle',
    seq: 0,
    startedAt: null,
    cancelledAfter: null,
    result: null,
    label: null,
    ranText: null,
    ms: null,
    error: null,
    hasBenchmark: false,
  });

  /** The running rebalance's abort handle; null when none runs. */
  const running = useRef<AbortController | null>(null);

  // ── Exports (Runs' buttons and File ▸ Export) ──────────────────────────────────────────────
  const [runsShown, setRunsShown] = useState<ShownRun | null>(null);
  const [exportNote, setExportNote] = useState<ExportNote | null>(null);
  const exportSeq = useRef(0);
  const startExport = useCallback((what: ExportWhat, runId: string) => {
    const seq = ++exportSeq.current;
    setExportNote({ seq, runId, what, outcome: { state: 'working' } });
    void exportRun(what, runId).then((outcome) =>
      // A later export replaced this one's notice: its outcome is not news any more.
      setExportNote((n) => (n && n.seq === seq ? { ...n, outcome } : n)),
    );
  }, []);
  const dismissExport = useCallback(() => setExportNote(null), []);
  const runExports = { note: exportNote, start: startExport, dismiss: dismissExport };
  // The run on screen: the one open in Runs, or the workstation's result once it is saved.
  const liveRunId = run.result?.run_id ?? null;
  const shown: ShownRun | null =
    view === 'runs'
      ? runsShown
      : view === 'workstation' && liveRunId
        ? { runId: liveRunId, orders: true }
        : null;
  const shownRef = useRef(shown);
  shownRef.current = shown;
  useEffect(() => {
    setMenuState({ exportRun: shown !== null, exportOrders: shown?.orders ?? false });
  }, [shown?.runId, shown?.orders]);
  useEffect(
    () =>
      onMenuCommand((cmd) => {
        if (cmd.type === 'import') {
          // The same path as a file dropped on the window: the Import view takes it from here.
          setDropNote(null);
          setImportUi((u) => ({ ...u, kind: cmd.kind }));
          setDropped((d) => ({
            file: new File([cmd.bytes], cmd.name),
            seq: (d?.seq ?? 0) + 1,
            via: 'menu',
          }));
          setView('import');
          return;
        }
        const on = shownRef.current;
        if (!on || (cmd.what === 'orders' && !on.orders)) {
          const seq = ++exportSeq.current;
          setExportNote({
            seq,
            runId: on?.runId ?? null,
            what: cmd.what,
            outcome: { state: on ? 'no-orders' : 'no-run' },
          });
          return;
        }
        startExport(cmd.what, on.runId);
      }),
    [startExport],
  );

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

  const mergePrices = useCallback<MergePrices>(
    (imported, chosen, apply) => {
      // Only the chosen series are added or replaced; the rest stays aligned (mergeSeries).
      const parsed = parseRequest(text);
      const out = mergeSeries(
        text.trim() !== '' && parsed.ok ? parsed.value : null,
        imported,
        chosen,
      );
      if (apply && out.ok) setText(prettyJson(out.request));
      return out;
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
    const ac = new AbortController();
    running.current = ac;
    const t0 = performance.now();
    setRun((r) => ({ ...r, state: 'running', startedAt: t0, error: null }));
    const res = await callUnchecked('rebalance', parsed.value, { signal: ac.signal });
    const ms = performance.now() - t0;
    // A newer run superseded this one: its answer is not the one to show.
    if (running.current !== ac) return;
    running.current = null;
    if (!res.ok && isCancelled(res.error)) {
      // Back to what was shown before; the engine may still finish and save this run.
      setRun((r) => ({
        ...r,
        state: 'cancelled',
        seq: r.seq + 1,
        startedAt: null,
        cancelledAfter: ms / 1000,
      }));
      return;
    }
    if (res.ok) {
      setRun((r) => ({
        state: 'done',
        seq: r.seq + 1,
        startedAt: null,
        cancelledAfter: null,
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
        startedAt: null,
        cancelledAfter: null,
        error: { kind: 'engine', error: res.error },
      }));
    }
  }, [text, origin]);

  const cancelRun = useCallback(() => running.current?.abort(), []);

  /** Opens a saved run in Runs (from Audit's problems or a batch's exceptions). */
  const openRun = useCallback((id: string) => {
    setRunsUi((u) => ({ ...u, kind: '', portfolio: '', openId: id, compare: null }));
    setView('runs');
  }, []);

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
    <div className="app" data-testid="app" onDragOver={onDragOver} onDrop={onDrop}>
      {dropNote ? (
        <div className="banner" role="alert" data-testid="drop-note">
          {dropNote}{' '}
          <button type="button" className="btn" onClick={() => setDropNote(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
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
        <div className="topbar-meta" title={linkText(link)}>
          <span
            className={`dot ${DOT[link.state]}`}
            data-testid="engine-dot"
            data-state={link.state}
            aria-hidden
          />
          <span className="engine-status" data-testid="engine-status" data-state={link.state}>
            {linkText(link)}
          </span>
          <span className="sep">·</span>
          <span
            data-testid="transport"
            title={transport() === 'ipc' ? 'desktop (IPC)' : 'browser mode (local HTTP API)'}
          >
            {transport() === 'ipc' ? 'desktop (IPC)' : 'browser mode'}
          </span>
        </div>
        <div
          className="run-status"
          data-testid="run-status"
          data-state={run.state}
          data-seq={run.seq}
        >
          {run.state === 'running' ? (
            <>
              Running… <Elapsed since={run.startedAt} />
            </>
          ) : run.state === 'error' ? (
            'Last run failed'
          ) : run.state === 'cancelled' ? (
            'Last run cancelled'
          ) : run.state === 'done' && r ? (
            `${run.label ?? ''} · ${run.ms !== null ? `${run.ms.toFixed(0)} ms` : ''} · input ${r.metadata.input_hash.slice(0, 10)}`
          ) : (
            'No run yet'
          )}
        </div>
        <ThemeToggle />
      </header>

      <div className="body">
        <aside className="side">
          <div className="side-section">
            <h2 className="side-title">Scenarios</h2>
            {loadError && !denied ? <ErrorBox error={loadError} testId="load-error" /> : null}
            {denied ? (
              <div className="muted small">Not available until this page is signed in.</div>
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

        {denied && loadError ? (
          <main className="main">
            <SignInNeeded error={loadError} />
          </main>
        ) : null}
        {!denied && view === 'workstation' ? (
          <Results run={run} tab={tab} onTab={setTab} onCancel={cancelRun} />
        ) : null}
        {!denied && view === 'runs' ? (
          <main className="main" data-testid="main-runs">
            <RunsView
              ui={runsUi}
              setUi={setRunsUi}
              portfolios={portfolios}
              onLoadInput={loadIntoEditor}
              exports={runExports}
              onShown={setRunsShown}
            />
          </main>
        ) : null}
        {!denied && view === 'import' ? (
          <main className="main" data-testid="main-import">
            <ImportView
              ui={importUi}
              setUi={setImportUi}
              portfolios={portfolios}
              onImported={reloadPortfolios}
              onUsePortfolio={loadIntoEditor}
              onMergePrices={mergePrices}
              dropped={dropped}
            />
          </main>
        ) : null}
        {!denied && view === 'portfolios' ? (
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
        {!denied && view === 'models' ? (
          <main className="main" data-testid="main-models">
            <ModelsView />
          </main>
        ) : null}
        {!denied && view === 'batches' ? (
          <main className="main" data-testid="main-batches">
            <BatchesView ui={batchesUi} setUi={setBatchesUi} onOpenRun={openRun} />
          </main>
        ) : null}
        {!denied && view === 'audit' ? (
          <main className="main" data-testid="main-audit">
            <AuditView onOpenRun={openRun} />
          </main>
        ) : null}
        {!denied && view === 'policy' ? (
          <main className="main" data-testid="main-policy">
            <PolicyView />
          </main>
        ) : null}
        {!denied && view === 'agents' ? (
          <main className="main" data-testid="main-agents">
            <AgentsPage scenarios={scenarios} editorRequest={editorRequest} />
          </main>
        ) : null}
      </div>
      {exportNote && !(view === 'runs' && runsShown?.runId === exportNote.runId) ? (
        // Not under a run's buttons (File ▸ Export from the workstation, or nothing open).
        <ExportNotice key={exportNote.seq} note={exportNote} onDismiss={dismissExport} floating />
      ) : null}
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
  onCancel,
}: {
  run: RunState;
  tab: string;
  onTab: (t: string) => void;
  onCancel: () => void;
}) {
  const r = run.result;
  return (
    <main className="main" data-testid="results">
      {run.state === 'running' ? (
        <RunProgress startedAt={run.startedAt} onCancel={onCancel} />
      ) : null}
      {run.state === 'cancelled' ? (
        <div className="banner banner-info" data-testid="run-cancelled" role="status">
          Run cancelled after {run.cancelledAfter !== null ? run.cancelledAfter.toFixed(1) : '?'} s
          (the engine may still finish and save the run; see <strong>Runs</strong>).
          {r ? (
            <>
              {' '}
              Showing the previous result: <strong>{run.label}</strong>.
            </>
          ) : null}
        </div>
      ) : null}
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

const EMPTY_PORTFOLIOS: PortfolioSummary[] = [];

/** Whole seconds since `since` (performance.now() time), updated every quarter second. */
function Elapsed({ since }: { since: number | null }) {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(performance.now()), 250);
    return () => window.clearInterval(t);
  }, []);
  const s = since === null ? 0 : Math.max(0, Math.floor((now - since) / 1000));
  return <span data-testid="run-elapsed">{s} s</span>;
}

/**
 * Shown while a rebalance runs: elapsed time and Cancel. Cancel stops waiting and returns to the
 * previous result; the engine cannot be interrupted mid-computation, so it may still finish and
 * save the run (the note after cancelling says so).
 */
function RunProgress({ startedAt, onCancel }: { startedAt: number | null; onCancel: () => void }) {
  return (
    <div className="run-progress" data-testid="run-progress" role="status">
      <span className="spinner" aria-hidden />
      <span>
        Running the rebalance… <Elapsed since={startedAt} />
      </span>
      <span className="muted small">
        A large Monte Carlo (many paths × a long horizon) can take several seconds.
      </span>
      <span className="spacer" />
      <button type="button" className="btn" data-testid="run-cancel" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

/**
 * The page was opened without its token (or with a stale one): `health` answers without one, but
 * every other operation needs it. Says in full what to open instead.
 */
function SignInNeeded({ error }: { error: RpcError }) {
  const noToken = !hasToken();
  return (
    <section className="signin" data-testid="load-error" data-code={error.code} role="alert">
      <h2>This page is not signed in to the local engine</h2>
      <p>
        The engine is running, but it answers only pages that carry its access token, and{' '}
        {noToken
          ? 'this address has none.'
          : 'the token this tab remembers was refused (the engine may have been started with another data directory).'}{' '}
        <span className="muted">
          (Engine answer: {error.code}, {error.message}.)
        </span>
      </p>
      <h3>What to do</h3>
      <ol>
        <li>
          Open the address the engine printed when it started. It looks like{' '}
          <code>http://127.0.0.1:PORT/?token=…</code> (the line “ready at …” in the terminal that
          runs <code>npm start</code>; in the desktop app, File → Copy Local API Address).
        </li>
        <li>
          Or add <code>?token=</code> followed by the contents of the file <code>api-token</code> in
          the data directory (by default <code>~/.smart-portfolio-rebalancer/api-token</code>, or{' '}
          <code>SPR_DATA_DIR/api-token</code>) to this address.
        </li>
      </ol>
      <p className="muted small">
        The token is removed from the address bar as soon as the page reads it, and kept only for
        this tab.
      </p>
    </section>
  );
}
