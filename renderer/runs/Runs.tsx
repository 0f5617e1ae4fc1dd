/**
 * Run history: every saved run, newest first, paged by the store's cursor. A run opens in the
 * same result views as a live run, with its saved input; it can be replayed (is the output still
 * byte-identical?), exported, loaded back into the editor, or compared with another run.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RpcError } from '../../src/contract/common';
import { approvalOf, decisionWording, type KnownApproval } from '../agents/agents';
import { call } from '../shared/api';
import { CompareTable, type CompareRow } from '../shared/Compare';
import { ErrorBox } from '../shared/ErrorBox';
import { ExportNotice, type ExportNote } from '../shared/ExportNotice';
import type { ExportWhat } from '../shared/exports';
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
import { ActionBadge, Empty } from '../shared/ui';
import { useData } from '../shared/useData';
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

/** The run the Runs view shows, for File ▸ Export: `orders` when it has an order file. */
export interface ShownRun {
  runId: string;
  orders: boolean;
}

/** Exports of the open run: started by App (which also serves File ▸ Export), shown here. */
export interface RunExports {
  note: ExportNote | null;
  start: (what: ExportWhat, runId: string) => void;
  dismiss: () => void;
}

/** Pages loaded with "Load more" on top of one first page (the one whose seq is `base`). */
interface MorePages {
  base: number;
  runs: RunSummary[];
  /** The cursor after the last page loaded; undefined before the first "more" page. */
  next: string | null | undefined;
  loading: boolean;
  error: RpcError | null;
}

export function RunsView({
  ui,
  setUi,
  portfolios,
  onLoadInput,
  exports,
  onShown,
}: {
  ui: RunsUi;
  setUi: (f: (u: RunsUi) => RunsUi) => void;
  portfolios: PortfolioSummary[];
  onLoadInput: (input: unknown, label: string) => void;
  exports: RunExports;
  /** Told which run is open (null: none), so File ▸ Export knows what to export. */
  onShown: (run: ShownRun | null) => void;
}) {
  /** Decisions taken in this view since the list was loaded (shown before a reload). */
  const [decided, setDecided] = useState<Record<string, KnownApproval>>({});
  const names = new Map(portfolios.map((p) => [p.portfolio_id, p.name]));

  const fetchPage = useCallback(
    (cursor: string | null) =>
      call('listRuns', {
        limit: PAGE,
        ...(ui.kind ? { kind: ui.kind } : {}),
        ...(ui.portfolio ? { portfolio_id: ui.portfolio } : {}),
        ...(cursor ? { cursor } : {}),
      }),
    [ui.kind, ui.portfolio],
  );

  // The first page follows the filters (stale answers for an earlier filter are dropped by
  // useData); "Load more" pages are kept only on top of the first page they were loaded after.
  const { data: first, reload } = useData(() => fetchPage(null), [fetchPage]);
  const firstSeq = useRef(first.seq);
  firstSeq.current = first.seq;
  const [more, setMore] = useState<MorePages>({
    base: -1,
    runs: [],
    next: undefined,
    loading: false,
    error: null,
  });
  /** "Load more" answers that arrived; with first.seq it makes the view's data-seq. */
  const [moreArrived, setMoreArrived] = useState(0);
  const extra = more.base === first.seq ? more : null;
  const list = {
    runs: [...(first.value?.runs ?? []), ...(extra?.runs ?? [])],
    next: extra && extra.next !== undefined ? extra.next : (first.value?.next_cursor ?? null),
    state:
      first.state === 'loading' || extra?.loading
        ? 'loading'
        : first.error || extra?.error
          ? 'error'
          : 'ready',
    error: first.error ?? extra?.error ?? null,
    seq: first.seq + moreArrived,
  };

  const loadMore = async () => {
    if (!list.next) return;
    const base = first.seq;
    setMore((m) =>
      m.base === base
        ? { ...m, loading: true, error: null }
        : { base, runs: [], next: undefined, loading: true, error: null },
    );
    const r = await fetchPage(list.next);
    setMoreArrived((n) => n + 1);
    // The filters changed (or the list reloaded) meanwhile: this page belongs to the old list.
    if (firstSeq.current !== base) return;
    setMore((m) =>
      r.ok
        ? {
            base,
            runs: [...m.runs, ...r.value.runs],
            next: r.value.next_cursor,
            loading: false,
            error: null,
          }
        : { ...m, loading: false, error: r.error },
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
        <button type="button" className="btn" data-testid="runs-refresh" onClick={reload}>
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

      {list.error ? <ErrorBox error={list.error} testId="runs-error" /> : null}

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
              const decision = r.decision;
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
          exports={exports}
          onShown={onShown}
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
/**
 * The rebalance answer of a succeeded rebalance run: typed by the contract for a run this engine
 * version wrote (`shape: "current"`); a run an earlier version wrote is shown when its output
 * still has the parts this panel reads.
 */
function asRebalance(d: RunDetail): RebalanceResponse | null {
  if (d.kind !== 'rebalance' || d.status !== 'succeeded') return null;
  if (d.shape === 'current') return d.output;
  const o = d.output as Partial<RebalanceResponse> | null;
  if (!o || typeof o !== 'object') return null;
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
  exports,
  onShown,
}: {
  runId: string;
  tab: string;
  onTab: (t: string) => void;
  portfolioName: (id: string) => string | null;
  onLoadInput: (input: unknown, label: string) => void;
  onDecided: (runId: string, a: KnownApproval) => void;
  exports: RunExports;
  onShown: (run: ShownRun | null) => void;
}) {
  const { data: run } = useData(() => call('getRun', { run_id: runId }), [runId]);
  const detail: RunDetail | null = run.value;
  const error = run.error;
  const [replay, setReplay] = useState<
    { state: 'running' } | { state: 'done'; value: ReplayResult } | { state: 'error'; e: RpcError }
  >();
  const [loaded, setLoaded] = useState(false);

  const state = run.state;
  const result = detail ? asRebalance(detail) : null;
  const hasOrders = result !== null;
  const note = exports.note?.runId === runId ? exports.note : null;

  // File ▸ Export follows the run open here, once it has loaded; none after this panel closes.
  useEffect(() => {
    onShown(detail ? { runId, orders: hasOrders } : null);
  }, [onShown, runId, detail, hasOrders]);
  useEffect(() => () => onShown(null), [onShown]);

  const doReplay = async () => {
    setReplay({ state: 'running' });
    const r = await call('replayRun', { run_id: runId });
    setReplay(r.ok ? { state: 'done', value: r.value } : { state: 'error', e: r.error });
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
            data-testid="run-export-run"
            disabled={!detail}
            onClick={() => exports.start('run', runId)}
            title="The saved run (input, output, versions, hashes) as JSON, as the API returns it"
          >
            Export Run
          </button>
          <button
            type="button"
            className="btn"
            data-testid="run-export-orders"
            disabled={!hasOrders}
            onClick={() => exports.start('orders', runId)}
            title="The run's orders as CSV, one line per security (a holding, or an asset traded as itself)"
          >
            Export Orders
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
      {note ? <ExportNotice key={note.seq} note={note} onDismiss={exports.dismiss} /> : null}
      {error ? (
        <ErrorBox error={error} title="The run could not be opened" testId="run-error" />
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
                // A refusal to export shown before the decision no longer holds.
                if (note?.outcome.state === 'error') exports.dismiss();
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
      <div data-testid="run-replay-result" data-state="error">
        <ErrorBox error={replay.e} title="Replay failed" />
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
    <div tabIndex={0} className="table-wrap">
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
  const { data } = useData(() => call('compareRuns', { a, b }), [a, b]);
  const cmp = data.value;
  const error = data.error;
  const state = data.state;
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
        <ErrorBox error={error} title="The runs could not be compared" testId="compare-error" />
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
            <CompareTable
              testId="compare-trades"
              labelHead="Asset"
              heads={['A value', 'B value', 'Δ value']}
              caption="Trade changes: signed trade value in run A and run B, and the change"
              rows={cmp.trade_changes.map((t): CompareRow => ({
                key: t.asset,
                label: t.asset,
                // An asset in only one run has no change to show, just its trade there.
                a: t.a ? t.a.signed_trade_value : undefined,
                b: t.b ? t.b.signed_trade_value : undefined,
                aTag: t.a ? <Action a={t.a.action} /> : null,
                bTag: t.b ? <Action a={t.b.action} /> : null,
                testId: 'compare-trade-row',
                data: { 'data-asset': t.asset },
              }))}
            />
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
            <CompareTable
              testId="compare-risk"
              labelHead="Metric"
              caption="Risk changes of the current portfolio between run A and run B"
              rows={cmp.risk_changes.map((m): CompareRow => {
                const row = riskRow(m.metric);
                return {
                  key: m.metric,
                  label: row?.label ?? m.metric,
                  labelTitle: row?.help,
                  a: m.a,
                  b: m.b,
                  delta: m.delta,
                  fmt: row?.fmt ?? ((x: number | null) => num(x, 4)),
                  fmtDelta: row?.diff === 'pp' ? (x) => pp(x) : (x) => num(x, 2),
                  testId: 'compare-risk-row',
                  data: { 'data-metric': m.metric },
                };
              })}
            />
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
            <CompareTable
              testId="compare-targets"
              labelHead="Asset"
              fmt={(x) => pct(x)}
              fmtDelta={(x) => pp(x)}
              caption="Optimized target weights in run A and run B, and the change in percentage points"
              rows={cmp.target_changes.map((t): CompareRow => ({
                key: t.asset,
                label: t.asset,
                a: t.a,
                b: t.b,
                testId: 'compare-target-row',
                data: { 'data-asset': t.asset },
              }))}
            />
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
