/**
 * Run history: every saved run, newest first, paged by the store's cursor. A run opens in the
 * same result views as a live run, with its saved input; it can be replayed (is the output still
 * byte-identical?), exported, loaded back into the editor, or compared with another run.
 */
import { useCallback, useEffect, useState } from 'react';
import type { RpcError } from '../../src/contract/common';
import { approvalOf, decisionWording, type KnownApproval } from '../agents/agents';
import { call } from '../shared/api';
import { download } from '../shared/files';
import { dateTime, DASH, duration, num, pct, pp, shortHash } from '../shared/format';
import { prettyJson } from '../shared/json';
import { requestOrder } from '../shared/order';
import { ResultTabs } from '../workstation/ResultTabs';
import type {
  Comparison,
  PortfolioSummary,
  RebalanceResponse,
  ReplayResult,
  RunDetail,
  RunKind,
  RunSummary,
} from '../shared/types';
import { ActionBadge, Empty, signClass } from '../shared/ui';
import { RISK_ROWS } from '../workstation/views/Risk';

const PAGE = 25;

/** Every run kind of the contract (the `satisfies` fails to compile if one is missing). */
const KINDS = Object.keys({
  rebalance: 1,
  copilot: 1,
  tandem: 1,
  optimize: 1,
} satisfies Record<RunKind, 1>) as RunKind[];

/** What the Runs view remembers while another view is shown (kept by App). */
export interface RunsUi {
  kind: RunKind | '';
  portfolio: string;
  openId: string | null;
  /** Runs ticked for comparison, at most two, in the order they were ticked. */
  selected: string[];
  compare: [string, string] | null;
  tab: string;
}

export const INITIAL_RUNS_UI: RunsUi = {
  kind: '',
  portfolio: '',
  openId: null,
  selected: [],
  compare: null,
  tab: 'portfolio',
};

interface ListState {
  state: 'loading' | 'ready' | 'error';
  runs: RunSummary[];
  next: string | null;
  error: RpcError | null;
  /** Incremented on every page that arrives: tests wait on it. */
  seq: number;
}

export function RunsView({
  ui,
  setUi,
  portfolios,
  onLoadInput,
}: {
  ui: RunsUi;
  setUi: (f: (u: RunsUi) => RunsUi) => void;
  portfolios: PortfolioSummary[];
  onLoadInput: (input: unknown, label: string) => void;
}) {
  const [list, setList] = useState<ListState>({
    state: 'loading',
    runs: [],
    next: null,
    error: null,
    seq: 0,
  });
  const [reload, setReload] = useState(0);
  /** Decisions taken in this view since the list was loaded (shown before a reload). */
  const [decided, setDecided] = useState<Record<string, KnownApproval>>({});
  const names = new Map(portfolios.map((p) => [p.portfolio_id, p.name]));

  const fetchPage = useCallback(
    async (cursor: string | null) => {
      const r = await call('listRuns', {
        limit: PAGE,
        ...(ui.kind ? { kind: ui.kind } : {}),
        ...(ui.portfolio ? { portfolio_id: ui.portfolio } : {}),
        ...(cursor ? { cursor } : {}),
      });
      return r;
    },
    [ui.kind, ui.portfolio],
  );

  useEffect(() => {
    let live = true;
    setList((l) => ({ ...l, state: 'loading' }));
    void fetchPage(null).then((r) => {
      if (!live) return;
      setList((l) =>
        r.ok
          ? {
              state: 'ready',
              runs: r.value.runs,
              next: r.value.next_cursor,
              error: null,
              seq: l.seq + 1,
            }
          : { ...l, state: 'error', error: r.error, seq: l.seq + 1 },
      );
    });
    return () => {
      live = false;
    };
  }, [fetchPage, reload]);

  const loadMore = async () => {
    if (!list.next) return;
    setList((l) => ({ ...l, state: 'loading' }));
    const r = await fetchPage(list.next);
    setList((l) =>
      r.ok
        ? {
            state: 'ready',
            runs: [...l.runs, ...r.value.runs],
            next: r.value.next_cursor,
            error: null,
            seq: l.seq + 1,
          }
        : { ...l, state: 'error', error: r.error, seq: l.seq + 1 },
    );
  };

  const toggle = (id: string) =>
    setUi((u) => {
      if (u.selected.includes(id)) return { ...u, selected: u.selected.filter((x) => x !== id) };
      // Two at most: ticking a third replaces the one ticked first.
      const next = [...u.selected, id];
      return { ...u, selected: next.length > 2 ? next.slice(-2) : next };
    });

  const compare = () => {
    const picked = ui.selected
      .map((id) => list.runs.find((r) => r.run_id === id))
      .filter((r): r is RunSummary => !!r);
    if (picked.length !== 2) return;
    // Older run first, so every change reads "then → later".
    picked.sort((x, y) => x.created_at.localeCompare(y.created_at));
    setUi((u) => ({ ...u, compare: [picked[0]!.run_id, picked[1]!.run_id] }));
  };

  const portfolioLabel = (r: RunSummary) => {
    if (!r.portfolio_id) return null;
    const name = names.get(r.portfolio_id) ?? shortHash(r.portfolio_id, 8);
    return r.portfolio_version ? `${name} v${r.portfolio_version}` : name;
  };

  return (
    <div className="page" data-testid="runs-view" data-state={list.state} data-seq={list.seq}>
      <div className="page-head">
        <h2 className="page-title">Run history</h2>
        <span className="muted small" data-testid="runs-count">
          {list.runs.length} run{list.runs.length === 1 ? '' : 's'} shown
          {list.next ? ' · more available' : ''}
        </span>
        <span className="spacer" />
        <label className="field-inline">
          <span>Kind</span>
          <select
            data-testid="runs-filter-kind"
            value={ui.kind}
            onChange={(e) =>
              setUi((u) => ({ ...u, kind: e.target.value as RunKind | '', selected: [] }))
            }
          >
            <option value="">all</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span>Portfolio</span>
          <select
            data-testid="runs-filter-portfolio"
            value={ui.portfolio}
            onChange={(e) => setUi((u) => ({ ...u, portfolio: e.target.value, selected: [] }))}
          >
            <option value="">all</option>
            {portfolios.map((p) => (
              <option key={p.portfolio_id} value={p.portfolio_id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn"
          data-testid="runs-refresh"
          onClick={() => setReload((n) => n + 1)}
        >
          Refresh
        </button>
        <button
          type="button"
          className="btn strong-btn"
          data-testid="runs-compare"
          disabled={ui.selected.length !== 2}
          title="Tick two runs to compare them"
          onClick={compare}
        >
          Compare {ui.selected.length ? `(${ui.selected.length}/2)` : ''}
        </button>
      </div>

      {list.error ? (
        <div className="errors" role="alert" data-testid="runs-error">
          <div className="errors-title">{list.error.code}</div>
          <div className="small">{list.error.message}</div>
        </div>
      ) : null}

      <div className="list-box">
        <table className="grid clickable" data-testid="runs-table">
          <thead>
            <tr>
              <th className="c" title="Tick two runs to compare">
                Cmp
              </th>
              <th>Time</th>
              <th>Kind</th>
              <th>Portfolio</th>
              <th>Status</th>
              <th title="The Supervisor Agent's decision under the policy in force, then a person's approval or rejection">
                Decision
              </th>
              <th>Input hash</th>
              <th>Engine</th>
              <th className="n">Duration</th>
            </tr>
          </thead>
          <tbody>
            {list.runs.map((r) => {
              const open = ui.openId === r.run_id && !ui.compare;
              const ticked = ui.selected.includes(r.run_id);
              const pl = portfolioLabel(r);
              const decision = decisionOfSummary(r);
              const approval = decided[r.run_id] ?? approvalOf(r);
              return (
                <tr
                  key={r.run_id}
                  data-testid="run-row"
                  data-run-id={r.run_id}
                  data-kind={r.kind}
                  data-status={r.status}
                  data-decision={decision ?? ''}
                  data-approval={approval?.decision ?? ''}
                  className={`${open ? 'row-open' : ''} ${ticked ? 'row-ticked' : ''}`}
                  tabIndex={0}
                  title={`run ${r.run_id}`}
                  onClick={() =>
                    setUi((u) => ({
                      ...u,
                      openId: r.run_id,
                      compare: null,
                      tab: u.openId === r.run_id ? u.tab : 'portfolio',
                    }))
                  }
                  onKeyDown={(e) => {
                    if (e.key === 'Enter')
                      setUi((u) => ({ ...u, openId: r.run_id, compare: null }));
                  }}
                >
                  <td className="c" onClick={(e) => e.stopPropagation()}>
                    <input
                      type="checkbox"
                      data-testid="run-select"
                      aria-label={`Select run ${r.run_id} for comparison`}
                      checked={ticked}
                      onChange={() => toggle(r.run_id)}
                    />
                  </td>
                  <td className="nowrap" title={r.created_at}>
                    {dateTime(r.created_at)}
                  </td>
                  <td>
                    <span className="badge quiet">{r.kind}</span>
                  </td>
                  <td>{pl ?? <span className="muted">ad hoc</span>}</td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>
                    <span className="decision-cell">
                      <DecisionBadge decision={decision} />
                      {approval ? <ApprovalBadge approval={approval} /> : null}
                    </span>
                  </td>
                  <td>
                    <code className="hash" title={r.input_hash}>
                      {shortHash(r.input_hash)}
                    </code>
                  </td>
                  <td className="muted">{r.engine_version}</td>
                  <td className="n">{duration(r.duration_ms)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {list.state !== 'loading' && list.runs.length === 0 && !list.error ? (
          <Empty testId="runs-empty">
            No saved runs{ui.kind || ui.portfolio ? ' match these filters' : ' yet'}. Every run of
            the request editor is saved here, with its input and output.
          </Empty>
        ) : null}
        <div className="list-foot">
          {list.next ? (
            <button
              type="button"
              className="btn"
              data-testid="runs-load-more"
              disabled={list.state === 'loading'}
              onClick={() => void loadMore()}
            >
              {list.state === 'loading' ? 'Loading…' : `Load ${PAGE} more`}
            </button>
          ) : list.runs.length > 0 ? (
            <span className="muted small" data-testid="runs-end">
              End of history
            </span>
          ) : null}
        </div>
      </div>

      {ui.compare ? (
        <ComparePanel
          key={ui.compare.join('/')}
          a={ui.compare[0]}
          b={ui.compare[1]}
          names={names}
          onClose={() => setUi((u) => ({ ...u, compare: null }))}
        />
      ) : ui.openId ? (
        <RunPanel
          key={ui.openId}
          runId={ui.openId}
          tab={ui.tab}
          onTab={(t) => setUi((u) => ({ ...u, tab: t }))}
          portfolioName={(id) => names.get(id) ?? null}
          onLoadInput={onLoadInput}
          onDecided={(id, a) => setDecided((d) => ({ ...d, [id]: a }))}
        />
      ) : (
        <div className="hint" data-testid="runs-hint">
          Click a run to open its saved result and input. Tick two runs and press{' '}
          <strong>Compare</strong> to see what changed between them, and why.
        </div>
      )}
    </div>
  );
}

function StatusBadge({ status }: { status: RunSummary['status'] }) {
  return (
    <span className={`badge ${status === 'succeeded' ? 'status-ok' : 'status-bad'}`}>{status}</span>
  );
}

/** The supervisor's decision of a listed run; null for runs saved before the agents (or failed). */
function decisionOfSummary(r: RunSummary): string | null {
  const d = (r as { decision?: unknown }).decision;
  return typeof d === 'string' ? d : null;
}

function DecisionBadge({ decision }: { decision: string | null }) {
  if (!decision) return <span className="muted">{DASH}</span>;
  const w = decisionWording(decision);
  return (
    <span
      className={`badge tone-${w.tone}`}
      data-testid="run-decision"
      data-decision={decision}
      title={w.help}
    >
      {w.label}
    </span>
  );
}

function ApprovalBadge({ approval }: { approval: KnownApproval }) {
  return (
    <span
      className={`badge ${approval.decision === 'approved' ? 'status-ok' : 'status-bad'}`}
      data-testid="run-approval"
      data-approval={approval.decision}
      title={[approval.actor, approval.note].filter(Boolean).join(': ') || undefined}
    >
      {approval.decision}
    </span>
  );
}

/** A saved rebalance answer, when the output is one (a failed run stores its error instead). */
function asRebalance(d: RunDetail): RebalanceResponse | null {
  const o = d.output as Partial<RebalanceResponse> | null;
  if (d.kind !== 'rebalance' || d.status !== 'succeeded' || !o || typeof o !== 'object')
    return null;
  return Array.isArray(o.weights) && Array.isArray(o.trades) && o.risk_metrics
    ? (o as RebalanceResponse)
    : null;
}

function hasKey(o: unknown, key: string): boolean {
  return o !== null && typeof o === 'object' && (o as Record<string, unknown>)[key] != null;
}

function RunPanel({
  runId,
  tab,
  onTab,
  portfolioName,
  onLoadInput,
  onDecided,
}: {
  runId: string;
  tab: string;
  onTab: (t: string) => void;
  portfolioName: (id: string) => string | null;
  onLoadInput: (input: unknown, label: string) => void;
  onDecided: (runId: string, a: KnownApproval) => void;
}) {
  const [detail, setDetail] = useState<RunDetail | null>(null);
  const [error, setError] = useState<RpcError | null>(null);
  const [replay, setReplay] = useState<
    { state: 'running' } | { state: 'done'; value: ReplayResult } | { state: 'error'; e: RpcError }
  >();
  const [csvError, setCsvError] = useState<RpcError | null>(null);
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    let live = true;
    void call('getRun', { run_id: runId }).then((r) => {
      if (!live) return;
      if (r.ok) setDetail(r.value);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [runId]);

  const state = error ? 'error' : detail ? 'ready' : 'loading';
  const result = detail ? asRebalance(detail) : null;

  const doReplay = async () => {
    setReplay({ state: 'running' });
    const r = await call('replayRun', { run_id: runId });
    setReplay(r.ok ? { state: 'done', value: r.value } : { state: 'error', e: r.error });
  };
  const doCsv = async () => {
    setCsvError(null);
    const r = await call('runTradesCsv', { run_id: runId });
    if (r.ok) download(`trades-${runId}.csv`, r.value, 'text/csv');
    else setCsvError(r.error);
  };

  const inputTab = {
    id: 'input',
    label: 'Input JSON',
    render: () => <InputJson value={detail?.input} />,
  };

  return (
    <section className="detail" data-testid="run-detail" data-run-id={runId} data-state={state}>
      <div className="detail-head">
        <div className="detail-title">
          <h3>
            {detail ? <span className="badge quiet">{detail.kind}</span> : null} Run{' '}
            <code data-testid="run-id">{runId}</code>
          </h3>
          {detail ? (
            <div className="muted small detail-sub">
              {dateTime(detail.created_at)} · <StatusBadge status={detail.status} /> ·{' '}
              {detail.portfolio_id
                ? `portfolio ${portfolioName(detail.portfolio_id) ?? detail.portfolio_id}${detail.portfolio_version ? ` v${detail.portfolio_version}` : ''}`
                : 'ad hoc request'}{' '}
              · engine {detail.engine_version} · {duration(detail.duration_ms)} · input{' '}
              <code title={detail.input_hash}>{shortHash(detail.input_hash, 16)}</code>
            </div>
          ) : null}
        </div>
        <div className="detail-actions">
          <button
            type="button"
            className="btn"
            data-testid="run-replay"
            disabled={!detail || detail.kind !== 'rebalance' || replay?.state === 'running'}
            title="Re-run the saved input with this engine (clock pinned to the original time) and compare byte for byte"
            onClick={() => void doReplay()}
          >
            {replay?.state === 'running' ? 'Replaying…' : 'Replay'}
          </button>
          <button
            type="button"
            className="btn"
            data-testid="run-download-csv"
            disabled={!result}
            onClick={() => void doCsv()}
            title="The run's orders, one line per security (a holding, or an asset traded as itself)"
          >
            Orders CSV
          </button>
          <button
            type="button"
            className="btn"
            data-testid="run-export-json"
            disabled={!detail}
            onClick={() =>
              detail && download(`run-${runId}.json`, prettyJson(detail), 'application/json')
            }
          >
            Export JSON
          </button>
          <button
            type="button"
            className="btn primary-outline"
            data-testid="run-load-editor"
            disabled={!detail}
            onClick={() => {
              if (!detail) return;
              onLoadInput(detail.input, `Run …${runId.slice(-8)}`);
              setLoaded(true);
            }}
          >
            Load into editor
          </button>
        </div>
      </div>

      {loaded ? (
        <div className="note-ok small" data-testid="run-loaded">
          The input of this run is in the request editor: edit it and press Run rebalance.
        </div>
      ) : null}
      {replay ? <ReplayLine replay={replay} /> : null}
      {csvError ? (
        <div className="errors" role="alert">
          <div className="errors-title">Trades CSV: {csvError.code}</div>
          <div className="small">{csvError.message}</div>
        </div>
      ) : null}
      {error ? (
        <div className="errors" role="alert" data-testid="run-error">
          <div className="errors-title">{error.code}</div>
          <div className="small">{error.message}</div>
        </div>
      ) : null}
      {state === 'loading' ? <div className="muted small">Loading run…</div> : null}

      {detail && result ? (
        <div className="run-result" data-testid="run-result">
          <ResultTabs
            r={result}
            hasBenchmark={hasKey(detail.input, 'benchmark')}
            tab={tab}
            onTab={onTab}
            drillKey={runId}
            extraTabs={[inputTab]}
            decision={{
              runId,
              approval: approvalOf(detail),
              onDecided: (a) => {
                setCsvError(null);
                onDecided(runId, a);
              },
            }}
          />
        </div>
      ) : detail ? (
        <div className="run-raw">
          <Empty testId="run-no-result">
            {detail.status === 'failed'
              ? 'This run failed; its saved output is the error below.'
              : `A ${detail.kind} run: its output is shown as saved.`}
          </Empty>
          <div className="two-col">
            <div>
              <h4 className="sub-title">Output</h4>
              <pre className="json" data-testid="run-output">
                {prettyJson(detail.output)}
              </pre>
            </div>
            <div>
              <h4 className="sub-title">Input</h4>
              <InputJson value={detail.input} />
            </div>
          </div>
        </div>
      ) : null}
    </section>
  );
}

function InputJson({ value }: { value: unknown }) {
  return (
    <div data-testid="view-input">
      <p className="caption">
        The request exactly as saved with the run (defaults filled in by the engine). Load it into
        the editor to run it again or change it.
      </p>
      <pre className="json" data-testid="run-input">
        {prettyJson(requestOrder(value))}
      </pre>
    </div>
  );
}

function ReplayLine({
  replay,
}: {
  replay:
    { state: 'running' } | { state: 'done'; value: ReplayResult } | { state: 'error'; e: RpcError };
}) {
  if (replay.state === 'running') {
    return (
      <div className="replay muted small" data-testid="run-replay-result" data-state="running">
        Replaying…
      </div>
    );
  }
  if (replay.state === 'error') {
    return (
      <div className="errors" role="alert" data-testid="run-replay-result" data-state="error">
        <div className="errors-title">Replay failed: {replay.e.code}</div>
        <div className="small">{replay.e.message}</div>
      </div>
    );
  }
  const v = replay.value;
  const versions =
    v.engine_version_then === v.engine_version_now
      ? `engine ${v.engine_version_now}`
      : `engine ${v.engine_version_then} then, ${v.engine_version_now} now`;
  if (v.identical) {
    return (
      <div
        className="replay replay-ok"
        data-testid="run-replay-result"
        data-state="done"
        data-identical="true"
      >
        <strong>Identical.</strong> Replaying the saved input reproduces the saved output byte for
        byte ({versions}).
      </div>
    );
  }
  return (
    <div
      className="replay replay-diff"
      data-testid="run-replay-result"
      data-state="done"
      data-identical="false"
    >
      <div>
        <strong>Different.</strong> {v.differences.length}
        {v.differences.length >= 200 ? '+' : ''} value{v.differences.length === 1 ? '' : 's'} differ
        from the saved output ({versions}).
      </div>
      <DiffTable rows={v.differences} testId="replay-differences" labels={['saved', 'now']} />
    </div>
  );
}

/** Leaf values, short: long arrays and objects are cut so a table row stays one line. */
function leaf(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

const MAX_DIFF_ROWS = 200;

function DiffTable({
  rows,
  testId,
  labels,
}: {
  rows: { path: string; a?: unknown; b?: unknown }[];
  testId: string;
  labels: [string, string];
}) {
  return (
    <div className="table-wrap">
      <table className="grid compact" data-testid={testId}>
        <thead>
          <tr>
            <th>Path</th>
            <th>{labels[0]}</th>
            <th>{labels[1]}</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, MAX_DIFF_ROWS).map((d) => (
            <tr key={d.path} data-testid="diff-row" data-path={d.path}>
              <td className="path">{d.path}</td>
              <td className="mono">{leaf(d.a)}</td>
              <td className="mono">{leaf(d.b)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > MAX_DIFF_ROWS ? (
        <div className="muted small">
          {rows.length - MAX_DIFF_ROWS} more not shown; export both runs as JSON to see all.
        </div>
      ) : null}
    </div>
  );
}

function ComparePanel({
  a,
  b,
  names,
  onClose,
}: {
  a: string;
  b: string;
  names: Map<string, string>;
  onClose: () => void;
}) {
  const [cmp, setCmp] = useState<Comparison | null>(null);
  const [error, setError] = useState<RpcError | null>(null);
  useEffect(() => {
    let live = true;
    void call('compareRuns', { a, b }).then((r) => {
      if (!live) return;
      if (r.ok) setCmp(r.value);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [a, b]);
  const state = error ? 'error' : cmp ? 'ready' : 'loading';
  const side = (s: RunSummary, tag: string) => (
    <div className="cmp-side">
      <span className="cmp-tag">{tag}</span>
      <span>{dateTime(s.created_at)}</span>
      <span className="badge quiet">{s.kind}</span>
      <span className="muted">
        {s.portfolio_id ? (names.get(s.portfolio_id) ?? s.portfolio_id) : 'ad hoc'}
      </span>
      <code title={s.input_hash}>{shortHash(s.input_hash)}</code>
    </div>
  );
  return (
    <section className="detail" data-testid="compare-panel" data-state={state}>
      <div className="detail-head">
        <div className="detail-title">
          <h3>Compare runs</h3>
          {cmp ? (
            <div className="cmp-sides">
              {side(cmp.a, 'A')}
              <span className="muted">→</span>
              {side(cmp.b, 'B')}
            </div>
          ) : null}
        </div>
        <div className="detail-actions">
          <button type="button" className="btn" data-testid="compare-close" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
      {error ? (
        <div className="errors" role="alert" data-testid="compare-error">
          <div className="errors-title">{error.code}</div>
          <div className="small">{error.message}</div>
        </div>
      ) : null}
      {state === 'loading' ? <div className="muted small">Comparing…</div> : null}
      {cmp ? <Comparison cmp={cmp} /> : null}
    </section>
  );
}

function Comparison({ cmp }: { cmp: Comparison }) {
  const riskRow = (metric: string) => RISK_ROWS.find((r) => r.key === metric);
  return (
    <div className="cmp-body">
      <div className="explain" data-testid="compare-explanations">
        <h4 className="sub-title">
          Why the results differ
          {cmp.same_input ? (
            <span className="badge quiet" data-testid="compare-same-input">
              same input
            </span>
          ) : null}
        </h4>
        <ul>
          {cmp.explanations.map((x, i) => (
            <li key={i} data-testid="compare-explanation">
              {x}
            </li>
          ))}
        </ul>
      </div>

      <div className="cmp-grid">
        <div>
          <h4 className="sub-title">
            Trade changes <span className="count">{cmp.trade_changes.length}</span>
            <span className="sub-note">signed value: + buy, − sell</span>
          </h4>
          {cmp.trade_changes.length === 0 ? (
            <div className="muted small">Same trades.</div>
          ) : (
            <table className="grid compact" data-testid="compare-trades">
              <thead>
                <tr>
                  <th>Asset</th>
                  <th>A</th>
                  <th className="n">A value</th>
                  <th>B</th>
                  <th className="n">B value</th>
                  <th className="n">Δ value</th>
                </tr>
              </thead>
              <tbody>
                {cmp.trade_changes.map((t) => {
                  // An asset in only one run has no change to show, just its trade there.
                  const d = t.a && t.b ? t.b.signed_trade_value - t.a.signed_trade_value : null;
                  return (
                    <tr key={t.asset} data-testid="compare-trade-row" data-asset={t.asset}>
                      <td className="strong">{t.asset}</td>
                      <td>{t.a ? <Action a={t.a.action} /> : <span className="muted">—</span>}</td>
                      <td className="n">{t.a ? num(t.a.signed_trade_value, 2) : DASH}</td>
                      <td>{t.b ? <Action a={t.b.action} /> : <span className="muted">—</span>}</td>
                      <td className="n">{t.b ? num(t.b.signed_trade_value, 2) : DASH}</td>
                      <td className={`n ${signClass(d)}`}>{num(d, 2)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
        <div>
          <h4 className="sub-title">
            Risk changes (current portfolio){' '}
            <span className="count">{cmp.risk_changes.length}</span>
          </h4>
          {cmp.risk_changes.length === 0 ? (
            <div className="muted small">Same risk figures.</div>
          ) : (
            <table className="grid compact" data-testid="compare-risk">
              <thead>
                <tr>
                  <th>Metric</th>
                  <th className="n">A</th>
                  <th className="n">B</th>
                  <th className="n">Δ</th>
                </tr>
              </thead>
              <tbody>
                {cmp.risk_changes.map((m) => {
                  const row = riskRow(m.metric);
                  const fmt = row?.fmt ?? ((x: number | null) => num(x, 4));
                  return (
                    <tr key={m.metric} data-testid="compare-risk-row" data-metric={m.metric}>
                      <td title={row?.help}>{row?.label ?? m.metric}</td>
                      <td className="n">{fmt(m.a)}</td>
                      <td className="n">{fmt(m.b)}</td>
                      <td className={`n ${signClass(m.delta)}`}>
                        {row?.diff === 'pp' ? pp(m.delta) : num(m.delta, 2)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
      </div>

      <div className="cmp-grid">
        <div>
          <h4 className="sub-title">
            Optimized target changes <span className="count">{cmp.target_changes.length}</span>
          </h4>
          {cmp.target_changes.length === 0 ? (
            <div className="muted small">Same optimized targets.</div>
          ) : (
            <table className="grid compact" data-testid="compare-targets">
              <thead>
                <tr>
                  <th>Asset</th>
                  <th className="n">A</th>
                  <th className="n">B</th>
                  <th className="n">Δ</th>
                </tr>
              </thead>
              <tbody>
                {cmp.target_changes.map((t) => (
                  <tr key={t.asset} data-testid="compare-target-row" data-asset={t.asset}>
                    <td className="strong">{t.asset}</td>
                    <td className="n">{pct(t.a)}</td>
                    <td className="n">{pct(t.b)}</td>
                    <td className="n">{t.a !== null && t.b !== null ? pp(t.b - t.a) : DASH}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div>
          <h4 className="sub-title">
            Input changes <span className="count">{cmp.input_changes.length}</span>
          </h4>
          {cmp.input_changes.length === 0 ? (
            <div className="muted small">Identical inputs.</div>
          ) : (
            <DiffTable rows={cmp.input_changes} testId="compare-inputs" labels={['A', 'B']} />
          )}
        </div>
      </div>
    </div>
  );
}

function Action({ a }: { a: string }) {
  return a === 'Buy' || a === 'Sell' || a === 'Hold' ? (
    <ActionBadge action={a} />
  ) : (
    <span className="badge quiet">{a}</span>
  );
}
