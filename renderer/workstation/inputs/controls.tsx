/**
 * The input controls of the settings form and the holdings grid. Each reads its value from the
 * request (or its draft), writes valid values back to the JSON and keeps an invalid one as a
 * draft that blocks Run. The problem shown at a control is, in order: what is wrong with the text
 * typed; what is wrong with the value in the JSON (typed in Advanced); the engine's error from the
 * last run, while the value is unchanged.
 */
import { useId, type ReactNode } from 'react';
import { getAt } from './request';
import { checkStored, formatStored, parseNumber, unitSuffix, type NumberSpec } from './numbers';
import { useInputs, type InputsApi, type ServerError } from './state';

/** What a control shows and how it reacts. */
export interface ControlState {
  text: string;
  /** The problem to show, and where it comes from. */
  problem: { message: string; source: 'client' | 'server' } | null;
  onChange: (raw: string) => void;
  onBlur: () => void;
  disabled: boolean;
  /** The field is absent from the request: the text shows the contract's default. */
  isDefault: boolean;
}

function pick(client: string | null | undefined, server: ServerError[]): ControlState['problem'] {
  if (client) return { message: client, source: 'client' };
  const s = server[0];
  return s ? { message: s.message, source: 'server' } : null;
}

/**
 * A number control for `spec.path`. `extra` adds a check the field's own bounds cannot express
 * (e.g. paths × horizon); `label` names it in the Run button's reason.
 */
export function useNumberControl(
  spec: NumberSpec,
  label: string = spec.label,
  extra?: (value: number) => string | null,
): ControlState {
  return numberControl(useInputs(), spec, label, extra);
}

/** useNumberControl for a given inputs state (the grid computes a whole row at once). */
export function numberControl(
  api: InputsApi,
  spec: NumberSpec,
  label: string = spec.label,
  extra?: (value: number) => string | null,
): ControlState {
  const stored = api.req ? getAt(api.req, spec.path) : undefined;
  const draft = api.draftAt(spec.path);
  const isDefault = !draft && stored === undefined && spec.defaultValue !== undefined;
  const text = draft ? draft.raw : formatStored(isDefault ? spec.defaultValue : stored, spec.unit);
  const client = draft ? draft.error : api.req ? checkStored(stored, spec, api.currency) : null;
  return {
    text,
    isDefault,
    problem: pick(client, api.serverAt(spec.path)),
    disabled: api.req === null,
    onChange: (raw) => {
      const p = parseNumber(raw, spec, api.currency);
      if (p.kind === 'value') {
        const why = extra?.(p.value) ?? null;
        if (why) api.setDraft(spec.path, { raw, error: why, label });
        else api.commit([{ path: spec.path, value: p.value }], { path: spec.path, raw, label });
      } else if (p.kind === 'empty') {
        if (spec.optional)
          api.commit([{ path: spec.path, value: undefined }], { path: spec.path, raw, label });
        else api.setDraft(spec.path, { raw, error: 'required: give a value', label });
      } else api.setDraft(spec.path, { raw, error: p.reason, label });
    },
    onBlur: () => {
      // A valid draft only kept the typed form ("2.") while typing; show the value as stored.
      if (draft && draft.error === null) api.setDraft(spec.path, null);
    },
  };
}

/**
 * A text control: `check` returns the value to write (undefined removes the field) or why the
 * text cannot be used.
 */
export function useTextControl(
  path: string,
  label: string,
  check: (raw: string) => { value: unknown } | { error: string },
  storedCheck?: (v: unknown) => string | null,
): ControlState {
  return textControl(useInputs(), path, label, check, storedCheck);
}

/** useTextControl for a given inputs state. */
export function textControl(
  api: InputsApi,
  path: string,
  label: string,
  check: (raw: string) => { value: unknown } | { error: string },
  storedCheck?: (v: unknown) => string | null,
): ControlState {
  const stored = api.req ? getAt(api.req, path) : undefined;
  const draft = api.draftAt(path);
  const text = draft
    ? draft.raw
    : typeof stored === 'string'
      ? stored
      : formatStored(stored, 'units');
  const client = draft ? draft.error : api.req && storedCheck ? storedCheck(stored) : null;
  return {
    text,
    isDefault: false,
    problem: pick(client, api.serverAt(path)),
    disabled: api.req === null,
    onChange: (raw) => {
      const r = check(raw);
      if ('error' in r) api.setDraft(path, { raw, error: r.error, label });
      else api.commit([{ path, value: r.value }], { path, raw, label });
    },
    onBlur: () => {
      if (draft && draft.error === null) api.setDraft(path, null);
    },
  };
}

/** A labelled number field of the settings form, with its unit after the box. */
export function NumberField({
  spec,
  testId,
  hint,
  extra,
}: {
  spec: NumberSpec;
  testId: string;
  /** A line under the box when there is no problem (e.g. "= 25 bps round trip"). */
  hint?: string | null | undefined;
  extra?: (value: number) => string | null;
}) {
  const api = useInputs();
  const c = useNumberControl(spec, spec.label, extra);
  const suffix = unitSuffix(spec.unit, api.currency);
  const placeholder = spec.optional ? 'not set' : 'required';
  return (
    <FieldShell
      label={spec.label}
      title={spec.description}
      problem={c.problem}
      hint={hint}
      render={(ids) => (
        <span className="fld-box">
          <input
            id={ids.input}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            data-testid={testId}
            data-path={spec.path}
            aria-invalid={c.problem !== null}
            aria-describedby={ids.describedBy}
            className={`${c.problem ? 'invalid' : ''} ${c.isDefault ? 'is-default' : ''}`}
            title={c.isDefault ? 'Not in the request: the engine uses this default' : undefined}
            placeholder={placeholder}
            disabled={c.disabled}
            value={c.text}
            onChange={(e) => c.onChange(e.target.value)}
            onBlur={c.onBlur}
          />
          {suffix ? <span className="fld-unit">{suffix}</span> : null}
        </span>
      )}
    />
  );
}

/** Label, control and the line under it (problem or hint), with ids wired for screen readers. */
export function FieldShell({
  label,
  title,
  problem,
  hint,
  render,
  wide = false,
}: {
  label: string;
  title?: string | undefined;
  problem: ControlState['problem'];
  hint?: string | null | undefined;
  render: (ids: { input: string; describedBy: string | undefined }) => ReactNode;
  wide?: boolean;
}) {
  const id = useId();
  const msgId = `${id}-msg`;
  const has = problem !== null || (hint !== null && hint !== undefined && hint !== '');
  return (
    <div className={`fld ${wide ? 'wide' : ''} ${problem ? 'has-error' : ''}`}>
      <label className="fld-label" htmlFor={`${id}-in`} title={title}>
        {label}
      </label>
      {render({ input: `${id}-in`, describedBy: has ? msgId : undefined })}
      {problem ? (
        <span
          id={msgId}
          className="fld-error"
          data-testid="setting-error"
          data-source={problem.source}
          role={problem.source === 'client' ? 'alert' : undefined}
        >
          {problem.source === 'server' ? 'Engine: ' : ''}
          {problem.message}
        </span>
      ) : has ? (
        <span id={msgId} className="fld-hint">
          {hint}
        </span>
      ) : null}
    </div>
  );
}
