import { useRef, type ReactNode } from 'react';
import type { ErrorDetail, RpcError } from '../../src/contract/common';
import { lineCol, locatePath, syntaxErrorOffset } from '../shared/json';
import { constraintField } from './method';
import type { Scenario } from '../shared/types';

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

/**
 * The request as JSON. It is sent as typed: the engine validates it and reports every problem
 * with its path; clicking a problem selects that value in the text.
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
  /** Shown between the bar and the text (the Method control). */
  controls?: ReactNode;
}) {
  const area = useRef<HTMLTextAreaElement | null>(null);

  const select = (start: number, end: number) => {
    const el = area.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(start, end);
    // Bring the selection into view: Chromium does not always scroll a textarea on its own.
    const { line } = lineCol(el.value, start);
    const lh = parseFloat(getComputedStyle(el).lineHeight) || 16;
    el.scrollTop = Math.max(0, (line - 4) * lh);
  };
  const goTo = (d: ErrorDetail) => {
    const span = locatePath(text, d.path);
    if (span) select(span.start, span.end);
  };

  return (
    <div className="editor" data-testid="request-panel">
      <div className="editor-bar">
        <span className="label" title="The body of POST /api/rebalance">
          Request JSON
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
      {controls}
      <textarea
        ref={area}
        data-testid="request-editor"
        aria-label="Rebalance request JSON"
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        wrap="off"
        placeholder="Pick a scenario above, or paste the JSON body of POST /api/rebalance here."
        value={text}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            onRun();
          }
        }}
      />
      <div className="editor-actions">
        <button
          type="button"
          className="btn primary"
          data-testid="run-button"
          disabled={running || text.trim() === ''}
          onClick={onRun}
        >
          {running ? 'Running…' : 'Run rebalance'}
        </button>
        <span className="muted small">Ctrl+Enter</span>
      </div>
      {error ? <ErrorList error={error} text={text} onGoTo={goTo} onSelect={select} /> : null}
    </div>
  );
}

function ErrorList({
  error,
  text,
  onGoTo,
  onSelect,
}: {
  error: RequestError;
  text: string;
  onGoTo: (d: ErrorDetail) => void;
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
            {error.message}
          </li>
        </ul>
      </div>
    );
  }
  const e = error.error;
  const details = e.details ?? [];
  if (e.code === 'INFEASIBLE') return <InfeasibleList e={e} onGoTo={onGoTo} />;
  return (
    <div className="errors" data-testid="request-errors" data-code={e.code} role="alert">
      <div className="errors-title">
        {e.code === 'BAD_REQUEST'
          ? `The engine refused the request: ${details.length} problem${details.length === 1 ? '' : 's'}`
          : `${e.code}: ${e.message}`}
      </div>
      {details.length > 0 ? (
        <ul>
          {details.map((d, i) => (
            <li key={i} data-testid="field-error" data-path={d.path}>
              <button
                type="button"
                className="path link"
                title="Select this value in the editor"
                onClick={() => onGoTo(d)}
              >
                {d.path}
              </button>{' '}
              <span data-testid="field-error-message">{d.message}</span>
            </li>
          ))}
        </ul>
      ) : e.code === 'BAD_REQUEST' ? (
        <div className="small">{e.message}</div>
      ) : null}
    </div>
  );
}

/**
 * An infeasible optimization (HTTP 422 INFEASIBLE): the engine's explanation first, then every
 * constraint that takes part in the conflict. Clicking one selects its field in the editor.
 */
function InfeasibleList({ e, onGoTo }: { e: RpcError; onGoTo: (d: ErrorDetail) => void }) {
  const details = e.details ?? [];
  return (
    <div className="errors infeasible" data-testid="request-errors" data-code={e.code} role="alert">
      <div className="errors-title">INFEASIBLE: the constraints conflict</div>
      <div className="infeasible-message" data-testid="infeasible-message">
        {e.message}
      </div>
      {details.length > 0 ? (
        <>
          <div className="errors-sub">Constraints in conflict</div>
          <ul>
            {details.map((d, i) => {
              const field = constraintField(d.path);
              return (
                <li key={i} data-testid="field-error" data-path={d.path}>
                  {field ? (
                    <button
                      type="button"
                      className="path link"
                      title={`Select ${field} in the editor`}
                      onClick={() => onGoTo({ ...d, path: field })}
                    >
                      {d.path}
                    </button>
                  ) : (
                    <span className="path" title="Implied by the model, not a request field">
                      {d.path}
                    </span>
                  )}{' '}
                  <span data-testid="field-error-message">{d.message}</span>
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
