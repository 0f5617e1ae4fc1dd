import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import type { RpcError } from '../src/contract/common';
import { call, callUnchecked, hasToken, transport } from './api';
import { money, pct } from './format';
import { prettyJson } from './json';
import { parseRequest, RequestEditor, ScenarioList, type RequestError } from './RequestPanel';
import type { RebalanceResponse, Scenario } from './types';
import { riskWarnings } from './views/Risk';
import { DrilldownView } from './views/Drilldown';
import { HouseViewView } from './views/HouseView';
import { MonteCarloView } from './views/MonteCarlo';
import { PortfolioView } from './views/Portfolio';
import { RiskView } from './views/Risk';
import { TradesView } from './views/Trades';
import { WarningsView } from './views/Warnings';

const TABS = [
  { id: 'portfolio', label: 'Portfolio & drift' },
  { id: 'trades', label: 'Trades' },
  { id: 'risk', label: 'Risk' },
  { id: 'montecarlo', label: 'Monte Carlo' },
  { id: 'houseview', label: 'House view' },
  { id: 'drilldown', label: 'Drilldown' },
  { id: 'warnings', label: 'Warnings' },
] as const;
type Tab = (typeof TABS)[number]['id'];

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

export function App() {
  const [health, setHealth] = useState<Health | null>(null);
  const [scenarios, setScenarios] = useState<Scenario[] | null>(null);
  const [loadError, setLoadError] = useState<RpcError | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [tab, setTab] = useState<Tab>('portfolio');
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

  const scenario = useMemo(
    () => scenarios?.find((s) => s.name === selected) ?? null,
    [scenarios, selected],
  );
  // The scenario's request as the editor shows it: to tell an edited request from the original.
  const scenarioText = useMemo(() => (scenario ? prettyJson(scenario.request) : null), [scenario]);

  const pick = useCallback((s: Scenario) => {
    setSelected(s.name);
    setText(prettyJson(s.request));
    setRun((r) => ({ ...r, error: null }));
  }, []);

  const runNow = useCallback(async () => {
    const parsed = parseRequest(text);
    const label = scenario && text === scenarioText ? scenario.name : null;
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
  }, [text, scenario, scenarioText]);

  const r = run.result;

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">Smart Portfolio Rebalancer</div>
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
            onRevert={scenarioText !== null ? () => setText(scenarioText) : null}
            running={run.state === 'running'}
            error={run.error}
            dirty={scenarioText !== null && text !== scenarioText}
          />
        </aside>

        <Results run={run} tab={tab} onTab={setTab} />
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
  tab: Tab;
  onTab: (t: Tab) => void;
}) {
  const r = run.result;
  const warnCount = r?.warnings.length ?? 0;
  const tradeCount = r ? r.trades.filter((t) => t.action !== 'Hold').length : 0;
  return (
    <main className="main" data-testid="results">
      {r ? (
        <>
          {run.state === 'error' ? (
            <div className="banner" data-testid="stale-banner" role="status">
              The last request was not run (see the problems under the editor). Showing the previous
              result: <strong>{run.label}</strong>.
            </div>
          ) : null}
          <Kpis r={r} />
          <nav className="tabs" role="tablist">
            {TABS.map((t) => (
              <button
                key={t.id}
                type="button"
                role="tab"
                aria-selected={tab === t.id}
                className={`tab ${tab === t.id ? 'active' : ''}`}
                data-testid={`tab-${t.id}`}
                onClick={() => onTab(t.id)}
              >
                {t.label}
                {t.id === 'trades' ? <span className="count">{tradeCount}</span> : null}
                {t.id === 'warnings' ? (
                  <span className={`count ${warnCount ? 'warn' : ''}`}>{warnCount}</span>
                ) : null}
              </button>
            ))}
          </nav>
          <div className={`tab-body ${run.state === 'running' ? 'stale' : ''}`} role="tabpanel">
            {tab === 'portfolio' ? <PortfolioView r={r} /> : null}
            {tab === 'trades' ? <TradesView r={r} /> : null}
            {tab === 'risk' ? <RiskView r={r} hasBenchmark={run.hasBenchmark} /> : null}
            {tab === 'montecarlo' ? <MonteCarloView r={r} /> : null}
            {tab === 'houseview' ? <HouseViewView r={r} /> : null}
            {tab === 'drilldown' ? <DrilldownView key={run.seq} r={r} /> : null}
            {tab === 'warnings' ? <WarningsView r={r} /> : null}
          </div>
          <footer className="meta" data-testid="run-meta">
            engine {r.metadata.engine_version} · {r.metadata.timestamp_utc} · input SHA-256{' '}
            <code>{r.metadata.input_hash}</code>
            {r.run_id ? (
              <>
                {' '}
                · run <code>{r.run_id}</code>
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
        </div>
      )}
    </main>
  );
});

function hasKey(o: unknown, key: string): boolean {
  return o !== null && typeof o === 'object' && (o as Record<string, unknown>)[key] != null;
}

function Kpis({ r }: { r: RebalanceResponse }) {
  const cur = r.risk_metrics;
  const pro = r.proposed_risk_metrics;
  const outside = r.weights.filter((w) => w.outside_band).length;
  const riskMissing = cur.volatility === null || pro.volatility === null;
  const riskNote = riskMissing ? riskWarnings(r.warnings)[0] : undefined;
  return (
    <div className="kpis" data-testid="kpis">
      <Kpi label="Portfolio value" value={money(r.portfolio_value, r.currency, 0)} />
      <Kpi label="Outside band" value={`${outside} / ${r.weights.length}`} />
      <Kpi
        label="Trades · turnover"
        value={`${r.trade_summary.trade_count} · ${pct(r.turnover_used)}`}
        note={`limit ${pct(r.turnover_limit)}${r.trade_summary.turnover_limit_binding ? ' (binding)' : ''}`}
      />
      <Kpi label="Est. costs" value={money(r.estimated_total_transaction_cost, r.currency)} />
      <Kpi
        label="Volatility → proposed"
        value={`${pct(cur.volatility)} → ${pct(pro.volatility)}`}
        note={
          riskNote
            ? 'no history: see Risk'
            : `${cur.observations} days of ${cur.source.replace('_', ' ')}`
        }
        testId="kpi-vol"
      />
      <Kpi
        label={`P(loss) ${r.monte_carlo ? `${r.monte_carlo.horizon_days}d` : ''}`}
        value={r.monte_carlo ? pct(r.monte_carlo.probability_of_loss, 1) : '—'}
        note={
          r.monte_carlo ? `${r.monte_carlo.paths.toLocaleString('en-US')} paths` : 'not simulated'
        }
      />
      <Kpi
        label="Warnings"
        value={String(r.warnings.length)}
        tone={r.warnings.length ? 'warn' : ''}
      />
    </div>
  );
}

function Kpi({
  label,
  value,
  note,
  testId,
  tone,
}: {
  label: string;
  value: string;
  note?: string;
  testId?: string;
  tone?: string;
}) {
  return (
    <div className={`kpi ${tone ?? ''}`} data-testid={testId}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      {note ? <div className="kpi-note">{note}</div> : null}
    </div>
  );
}
