import {
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import type { RpcError } from '../../src/contract/common';
import { CODE_TITLE, plainJsonError, plainMessage, plainPath } from '../shared/errors';
import { lineCol, locatePath, syntaxErrorOffset } from '../shared/json';
import { constraintField } from './method';
import type { Scenario } from '../shared/types';
import { HoldingsGrid } from './inputs/HoldingsGrid';
import { SettingsForm } from './inputs/SettingsForm';
import { InputsProvider, useInputsState, type Blocker } from './inputs/state';
import type { Req } from './inputs/request';
import './inputs/inputs.css';

export type RequestError =
  { kind: 'syntax'; message: string; offset: number | null } | { kind: 'engine'; error: RpcError };

/** Scenario cards: picking one loads its complete request into the editor. */
export function ScenarioList({
  scenarios,
  selected,
  onPick,
}: {
  scenarios: Scenario[] | null;
  selected: string | null;
  onPick: (s: Scenario) => void;
}) {
  if (!scenarios) {
    return (
      <div className="muted small" data-testid="scenarios-loading">
        Loading scenarios…
      </div>
    );
  }
  return (
    <div className="scenarios" data-testid="scenario-list">
      {scenarios.map((s) => {
        const hasHistory = !!s.request.price_history;
        const assets = s.request.assets.length;
        return (
          <button
            type="button"
            key={s.name}
            className={`card ${selected === s.name ? 'selected' : ''}`}
            data-testid="scenario-card"
            data-name={s.name}
            aria-pressed={selected === s.name}
            onClick={() => onPick(s)}
          >
            <span className="card-title">{s.name}</span>
            <span className="card-desc">{s.description}</span>
            <span className="card-meta">
              <span className={`source ${hasHistory ? 'source-data' : 'source-assumed'}`}>
                {hasHistory
                  ? `price history · ${s.request.price_history?.dates.length ?? 0} days`
                  : 'no history'}
              </span>
              <span>{assets} assets</span>
              <span>
                {s.request.portfolio_value.toLocaleString('en-US')} {s.request.currency ?? 'USD'}
              </span>
            </span>
            <span className="card-source" title={s.source}>
              {s.source}
            </span>
          </button>
        );
      })}
    </div>
  );
}

/** How the request is edited: the settings form, the holdings grid, or the JSON itself. */
export type InputMode = 'settings' | 'holdings' | 'json';

const MODES: { id: InputMode; label: string; title: string }[] = [
  { id: 'settings', label: 'Settings', title: 'Bands, costs, Monte Carlo, benchmark and method' },
  { id: 'holdings', label: 'Holdings', title: 'Assets, weights, prices and holdings as a grid' },
  { id: 'json', label: 'Advanced (JSON)', title: 'The request as JSON, every field' },
];

/** Top-level fields the settings form has a control for (an error there is shown in it). */
const SETTINGS_FIELDS = new Set([
  'portfolio_value',
  'currency',
  'cash_flow',
  'drift_threshold',
  'rebalance_to',
  'turnover_limit',
  'transaction_cost_bps',
  'fixed_fee_per_trade',
  'risk_free_rate',
  'benchmark',
  'monte_carlo',
  'method',
  'risk_aversion',
  'target_volatility',
  'target_return',
  'hrp_linkage',
  'covariance',
  'whole_lots',
]);

/** Which view edits a path: asset rows in the grid, the settings in the form, the rest as JSON. */
export function modeOf(path: string): InputMode {
  const head = path.split('.')[0] ?? '';
  if (head === 'assets') return 'holdings';
  return SETTINGS_FIELDS.has(head) ? 'settings' : 'json';
}

/** The control of a path in `root`, or of its nearest parent that has one. */
function findControl(root: HTMLElement | null, path: string): HTMLElement | null {
  if (!root) return null;
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const p = parts.slice(0, n).join('.');
    const el = root.querySelector<HTMLElement>(`[data-path="${CSS.escape(p)}"]`);
    if (el) return el;
  }
  return null;
}

/**
 * The request editor: the scenario's request as a settings form, a holdings grid, or JSON
 * (Advanced), all three editing the same text. The engine validates what is run and reports
 * every problem with its path; each problem is shown in plain words at its control (and in the
 * list under Run, where clicking it goes to the control or selects the value in the JSON).
 */
export function RequestEditor({
  text,
  onChange,
  onRun,
  onFormat,
  onRevert,
  running,
  error,
  dirty,
  originLabel = null,
  controls = null,
}: {
  text: string;
  onChange: (t: string) => void;
  onRun: () => void;
  onFormat: () => void;
  onRevert: (() => void) | null;
  running: boolean;
  error: RequestError | null;
  dirty: boolean;
  /** Where the text came from when it was not a scenario card (a run, portfolio or import). */
  originLabel?: string | null;
  /** Shown above the JSON text in Advanced (the Method control). */
  controls?: ReactNode;
}) {
  const area = useRef<HTMLTextAreaElement | null>(null);
  const root = useRef<HTMLDivElement | null>(null);
  const [mode, setMode] = useState<InputMode>('settings');
  const [pending, setPending] = useState<{ path: string; seq: number } | null>(null);
  const [reveal, setReveal] = useState<{ path: string; seq: number } | null>(null);
  const engineError = error?.kind === 'engine' ? error.error : null;
  const inputs = useInputsState(text, onChange, engineError);
  const blockers = inputs.blockers;
  const blocked = blockers.length > 0;
  const canRun = !running && text.trim() !== '' && !blocked;
  const ids = useId();

  const select = useCallback((start: number, end: number) => {
    const el = area.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(start, end);
    // Bring the selection into view: Chromium does not always scroll a textarea on its own.
    const { line } = lineCol(el.value, start);
    const lh = parseFloat(getComputedStyle(el).lineHeight) || 16;
    el.scrollTop = Math.max(0, (line - 4) * lh);
  }, []);
  const selectPath = useCallback(
    (path: string) => {
      const span = locatePath(area.current?.value ?? text, path);
      if (span) select(span.start, span.end);
    },
    [select, text],
  );
  const focusEl = (el: HTMLElement) => {
    el.scrollIntoView({ block: 'nearest' });
    el.focus();
    if (el instanceof HTMLInputElement) el.select();
  };

  /**
   * Goes to a field: in Advanced, selects its value in the text; otherwise focuses its control
   * (switching between Settings and Holdings as needed), or selects it in the JSON when no
   * control edits it.
   */
  const goTo = (path: string) => {
    if (mode === 'json') {
      selectPath(path);
      return;
    }
    const here = findControl(root.current, path);
    if (here && modeOf(path) === mode) {
      focusEl(here);
      return;
    }
    const target = modeOf(path);
    setMode(target);
    setReveal({ path, seq: Date.now() });
    setPending({ path, seq: Date.now() });
  };

  // After a switch, focus the control (it may take a frame or two to appear, e.g. holdings
  // expanded on request), or fall back to selecting the value in the JSON.
  useEffect(() => {
    if (!pending) return;
    if (mode === 'json') {
      selectPath(pending.path);
      setPending(null);
      return;
    }
    let frames = 0;
    let handle = 0;
    const tryFocus = () => {
      const el = findControl(root.current, pending.path);
      if (el && el.getAttribute('data-path') !== null) {
        focusEl(el);
        setPending(null);
      } else if (++frames < 6) handle = requestAnimationFrame(tryFocus);
      else {
        setMode('json');
      }
    };
    handle = requestAnimationFrame(tryFocus);
    return () => cancelAnimationFrame(handle);
  }, [pending, mode, selectPath]);

  const onModeKey = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    const to =
      e.key === 'Home'
        ? 0
        : e.key === 'End'
          ? MODES.length - 1
          : (i + d + MODES.length) % MODES.length;
    if (d === 0 && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    const m = MODES[to];
    if (!m) return;
    setMode(m.id);
    document.getElementById(`${ids}-tab-${m.id}`)?.focus();
  };

  return (
    <InputsProvider value={inputs}>
      <div
        ref={root}
        className={`editor mode-${mode}`}
        data-testid="request-panel"
        data-mode={mode}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            if (canRun) onRun();
          }
        }}
      >
        <div className="editor-bar">
          <span className="label" title="The body of POST /api/rebalance">
            Request
          </span>
          {dirty ? (
            <span className="badge quiet" data-testid="request-dirty">
              edited
            </span>
          ) : null}
          <span className="spacer" />
          <button type="button" className="btn" data-testid="format-button" onClick={onFormat}>
            Format
          </button>
          {onRevert ? (
            <button type="button" className="btn" data-testid="revert-button" onClick={onRevert}>
              Revert
            </button>
          ) : null}
        </div>
        {originLabel ? (
          <div className="origin-line small muted">
            from{' '}
            <span className="origin" data-testid="request-origin" title={originLabel}>
              {originLabel}
            </span>
          </div>
        ) : null}
        <div className="input-modes" role="tablist" aria-label="Edit the request as">
          {MODES.map((m, i) => (
            <button
              key={m.id}
              id={`${ids}-tab-${m.id}`}
              type="button"
              role="tab"
              aria-selected={mode === m.id}
              aria-controls={`${ids}-panel`}
              tabIndex={mode === m.id ? 0 : -1}
              className={`input-mode ${mode === m.id ? 'on' : ''}`}
              data-testid={`input-mode-${m.id}`}
              title={m.title}
              onClick={() => setMode(m.id)}
              onKeyDown={(e) => onModeKey(e, i)}
            >
              {m.label}
            </button>
          ))}
        </div>
        <div
          id={`${ids}-panel`}
          role="tabpanel"
          aria-labelledby={`${ids}-tab-${mode}`}
          className={`input-body input-body-${mode}`}
        >
          {mode === 'settings' ? (
            <SettingsForm text={text} onChange={onChange} onShowJson={() => setMode('json')} />
          ) : null}
          {mode === 'holdings' ? (
            <HoldingsGrid reveal={reveal} onShowJson={() => setMode('json')} />
          ) : null}
          {mode === 'json' ? controls : null}
          {/* Always mounted (hidden outside Advanced): keeps its scroll position and selection. */}
          <textarea
            ref={area}
            hidden={mode !== 'json'}
            data-testid="request-editor"
            aria-label="Rebalance request JSON"
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            wrap="off"
            placeholder="Pick a scenario above, or paste the JSON body of POST /api/rebalance here."
            value={text}
            onChange={(e) => {
              inputs.noteTyped(e.target.value);
              onChange(e.target.value);
            }}
          />
        </div>
        <div className="editor-actions">
          <button
            type="button"
            className="btn primary"
            data-testid="run-button"
            disabled={!canRun}
            aria-describedby={blocked ? `${ids}-blocked` : undefined}
            onClick={onRun}
          >
            {running ? 'Running…' : 'Run rebalance'}
          </button>
          {blocked ? (
            <RunBlocked id={`${ids}-blocked`} blockers={blockers} onGoTo={goTo} />
          ) : (
            <span className="muted small">Ctrl+Enter</span>
          )}
        </div>
        {error ? (
          <ErrorList
            error={error}
            text={text}
            req={inputs.req}
            onGoTo={goTo}
            onSelect={(start, end) => {
              setMode('json');
              // The text area is shown by the same render: select once it is visible.
              requestAnimationFrame(() => select(start, end));
            }}
          />
        ) : null}
      </div>
    </InputsProvider>
  );
}

/** Why Run is disabled: the invalid values typed into controls, each a link to its control. */
function RunBlocked({
  id,
  blockers,
  onGoTo,
}: {
  id: string;
  blockers: Blocker[];
  onGoTo: (path: string) => void;
}) {
  const first = blockers[0] as Blocker;
  return (
    <span id={id} className="run-blocked" data-testid="run-blocked" role="status">
      Fix first:{' '}
      <button
        type="button"
        className="link"
        data-testid="run-blocked-item"
        data-field={first.path}
        onClick={() => onGoTo(first.path)}
      >
        {first.label}
      </button>{' '}
      {first.raw.trim() === '' ? '' : `“${first.raw}” `}
      {first.reason}
      {blockers.length > 1 ? ` (and ${blockers.length - 1} more)` : ''}
    </span>
  );
}

function ErrorList({
  error,
  text,
  req,
  onGoTo,
  onSelect,
}: {
  error: RequestError;
  text: string;
  req: Req | null;
  onGoTo: (path: string) => void;
  onSelect: (start: number, end: number) => void;
}) {
  if (error.kind === 'syntax') {
    const at = error.offset !== null ? lineCol(text, error.offset) : null;
    return (
      <div className="errors" data-testid="request-errors" data-kind="syntax" role="alert">
        <div className="errors-title">The request is not valid JSON</div>
        <ul>
          <li data-testid="json-error">
            {at && error.offset !== null ? (
              <button
                type="button"
                className="path link"
                onClick={() => onSelect(error.offset as number, (error.offset as number) + 1)}
              >
                line {at.line}, col {at.col}
              </button>
            ) : null}{' '}
            {plainJsonError(error.message)}
          </li>
        </ul>
      </div>
    );
  }
  const e = error.error;
  const details = e.details ?? [];
  if (e.code === 'INFEASIBLE') return <InfeasibleList e={e} req={req} onGoTo={onGoTo} />;
  return (
    <div className="errors" data-testid="request-errors" data-code={e.code} role="alert">
      <div className="errors-title">
        {e.code === 'BAD_REQUEST'
          ? `The engine refused the request: ${details.length} problem${details.length === 1 ? '' : 's'}`
          : (CODE_TITLE[e.code] ?? e.code)}
      </div>
      {e.code !== 'BAD_REQUEST' || details.length === 0 ? (
        <div className="small" data-testid="request-error-message">
          {plainMessage(e.message)}
        </div>
      ) : null}
      {details.length > 0 ? (
        <ul className="errors-list">
          {details.map((d, i) => (
            <li key={i} data-testid="field-error" data-path={d.path}>
              <button
                type="button"
                className="path link"
                title="Go to this field"
                onClick={() => onGoTo(d.path)}
              >
                {plainPath(d.path, req)}
              </button>
              {': '}
              <span data-testid="field-error-message">{plainMessage(d.message, d.path)}</span>{' '}
              <code className="raw-path">{d.path}</code>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * An infeasible optimization (HTTP 422 INFEASIBLE): the engine's explanation first, in full, then
 * every constraint that takes part in the conflict. Clicking one goes to its field.
 */
function InfeasibleList({
  e,
  req,
  onGoTo,
}: {
  e: RpcError;
  req: Req | null;
  onGoTo: (path: string) => void;
}) {
  const details = e.details ?? [];
  return (
    <div className="errors infeasible" data-testid="request-errors" data-code={e.code} role="alert">
      <div className="errors-title">{CODE_TITLE.INFEASIBLE}</div>
      <div className="infeasible-message" data-testid="infeasible-message">
        {e.message}
      </div>
      {details.length > 0 ? (
        <>
          <div className="errors-sub">Constraints in conflict</div>
          <ul className="errors-list">
            {details.map((d, i) => {
              const field = constraintField(d.path);
              return (
                <li key={i} data-testid="field-error" data-path={d.path}>
                  {field ? (
                    <button
                      type="button"
                      className="path link"
                      title={`Go to ${plainPath(field)}`}
                      onClick={() => onGoTo(field)}
                    >
                      {plainPath(field, req)}
                    </button>
                  ) : (
                    <span className="path" title="Implied by the model, not a request field">
                      {d.path === 'budget'
                        ? 'budget (weights, cash and costs sum to 100%)'
                        : d.path}
                    </span>
                  )}
                  {': '}
                  <span data-testid="field-error-message">
                    {plainMessage(d.message, field ?? d.path)}
                  </span>{' '}
                  <code className="raw-path">{d.path}</code>
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** Parses the editor text; a syntax error carries its character offset when the engine gives one. */
export function parseRequest(
  text: string,
): { ok: true; value: unknown } | { ok: false; error: RequestError } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      error: { kind: 'syntax', message, offset: syntaxErrorOffset(message, text) },
    };
  }
}
