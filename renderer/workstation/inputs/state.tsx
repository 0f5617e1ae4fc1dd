/**
 * Shared state of the input controls (settings form, holdings grid, Method control):
 *
 * - the request parsed once from the editor text (the single source of truth);
 * - drafts: what a PM typed into a control that is not (yet) in the JSON. A valid draft is
 *   written to the JSON at once and kept only so "2." is not rewritten under the cursor; an
 *   invalid one is never written (nothing is replaced) and blocks Run with its reason until it is
 *   fixed, discarded, or the JSON value under it changes (a new scenario, an edit in the JSON);
 * - the engine's field errors of the last failed run, each shown at its control while the value
 *   it was about is unchanged.
 *
 * Drafts live here (in the request editor), not in the controls, so they survive switching
 * between Settings, Holdings and Advanced (JSON).
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { ErrorDetail, RpcError } from '../../../src/contract/common';
import { plainMessage } from '../../shared/errors';
import { constraintField } from '../method';
import {
  isObject,
  parseRequestObject,
  valueKey,
  writeFields,
  type Patch,
  type Req,
} from './request';

/** What a PM typed into one control. */
export interface Draft {
  raw: string;
  /** Why the text is not a valid value (plain words), or null when it was written. */
  error: string | null;
  /** The control's name in words, for the Run button's reason ("Tolerance band"). */
  label: string;
  /** valueKey of the JSON value when the draft was made: the draft lapses when it changes. */
  base: string;
}

/** A problem that keeps Run disabled: an invalid draft. */
export interface Blocker {
  path: string;
  label: string;
  reason: string;
  raw: string;
}

/** A field error from the engine's last answer, placed at the control of `path`. */
export interface ServerError {
  path: string;
  message: string;
}

export interface InputsApi {
  /** The request, or null when the text is empty, not JSON or not an object (see `reason`). */
  req: Req | null;
  reason: string | null;
  /** The request's currency (for unit labels and messages); USD when absent. */
  currency: string;
  /** The draft of a control, when it is still current. */
  draftAt(path: string): Draft | undefined;
  setDraft(path: string, d: Omit<Draft, 'base'> | null): void;
  /** Writes values to the JSON, and records `raw` as the control's draft (valid). */
  commit(patches: readonly Patch[], draft?: { path: string; raw: string; label: string }): void;
  /** Moves drafts when rows move (a row removed); `map` returns the new path or null to drop. */
  remapDrafts(map: (path: string) => string | null): void;
  /** Current invalid drafts, in the order they were made. */
  blockers: Blocker[];
  /** Records text typed in the JSON editor (drafts survive it; a text loaded from outside, such
   *  as a scenario, a run or Revert, discards them). */
  noteTyped(text: string): void;
  /** The engine's errors (plain words) for exactly this path, while its value is unchanged. */
  serverAt(path: string): ServerError[];
  /** The same for every path below `prefix` (e.g. all of `benchmark.prices.*`). */
  serverUnder(prefix: string): ServerError[];
}

const InputsContext = createContext<InputsApi | null>(null);

export const InputsProvider = InputsContext.Provider;

/** The inputs state of the enclosing request editor, or null outside one. */
export function useInputsOrNull(): InputsApi | null {
  return useContext(InputsContext);
}

/** The inputs state of the enclosing request editor. */
export function useInputs(): InputsApi {
  const api = useContext(InputsContext);
  if (!api) throw new Error('useInputs: render inside the request editor (InputsProvider)');
  return api;
}

/**
 * The request field an engine error belongs to. INFEASIBLE details name constraints
 * (`turnover`, `class_max:ETF`); they map to the field behind them, or to nothing.
 */
function errorPath(code: string, d: ErrorDetail): string | null {
  return code === 'INFEASIBLE' ? constraintField(d.path) : d.path;
}

/**
 * The state behind InputsProvider, kept by the request editor. `error` is the last run's error:
 * the text at the moment it arrived is remembered, so each field error is shown only while the
 * value it was about is still the same.
 */
export function useInputsState(
  text: string,
  onChange: (t: string) => void,
  error: RpcError | null,
): InputsApi {
  const parsed = useMemo(() => parseRequestObject(text), [text]);
  const req = parsed.ok ? parsed.req : null;
  const [drafts, setDrafts] = useState<ReadonlyMap<string, Draft>>(() => new Map());
  const [snap, setSnap] = useState<{ error: RpcError | null; req: Req | null }>({
    error: null,
    req: null,
  });
  if (snap.error !== error) setSnap({ error, req });

  // A text that neither a control nor the JSON editor produced was loaded from outside (a
  // scenario, a saved run, Revert, an import): drafts about the previous request are dropped.
  const [seen, setSeen] = useState({ text, own: text });
  if (seen.text !== text) {
    setSeen({ text, own: seen.own });
    if (text !== seen.own && drafts.size > 0) setDrafts(new Map());
  }
  const noteTyped = useCallback((t: string) => setSeen((s) => ({ ...s, own: t })), []);

  const current = useCallback(
    (path: string): Draft | undefined => {
      const d = drafts.get(path);
      // While the text does not parse, keep every draft (the JSON is being edited).
      if (!d || !req) return d;
      return d.base === keyOf(req, path) ? d : undefined;
    },
    [drafts, req],
  );

  const setDraft = useCallback(
    (path: string, d: Omit<Draft, 'base'> | null) => {
      setDrafts((m) => {
        const next = new Map(m);
        if (d === null) next.delete(path);
        else next.set(path, { ...d, base: keyOf(req, path) });
        return next;
      });
    },
    [req],
  );

  const commit = useCallback(
    (patches: readonly Patch[], draft?: { path: string; raw: string; label: string }) => {
      const next = writeFields(text, patches);
      if (next === null) return;
      const after = parseRequestObject(next);
      noteTyped(next);
      onChange(next);
      setDrafts((m) => {
        const out = new Map(m);
        for (const p of patches) out.delete(p.path);
        if (draft)
          out.set(draft.path, {
            raw: draft.raw,
            error: null,
            label: draft.label,
            base: keyOf(after.ok ? after.req : null, draft.path),
          });
        return out;
      });
    },
    [text, onChange, noteTyped],
  );

  const remapDrafts = useCallback((map: (path: string) => string | null) => {
    setDrafts((m) => {
      const out = new Map<string, Draft>();
      for (const [k, d] of m) {
        const to = map(k);
        if (to !== null) out.set(to, d);
      }
      return out;
    });
  }, []);

  const blockers = useMemo(() => {
    const out: Blocker[] = [];
    for (const [path] of drafts) {
      const d = current(path);
      if (d?.error) out.push({ path, label: d.label, reason: d.error, raw: d.raw });
    }
    return out;
  }, [drafts, current]);

  const serverList = useMemo(() => {
    const e = snap.error;
    if (!e || (e.code !== 'BAD_REQUEST' && e.code !== 'INFEASIBLE')) return [];
    const out: { path: string; message: string; key: string }[] = [];
    for (const d of e.details ?? []) {
      const path = errorPath(e.code, d);
      if (path === null) continue;
      const message = plainMessage(d.message, d.path);
      out.push({
        path,
        message: e.code === 'INFEASIBLE' ? `in conflict: ${message}` : message,
        key: keyOf(snap.req, path),
      });
    }
    return out;
  }, [snap]);

  const live = useCallback(
    (match: (path: string) => boolean): ServerError[] =>
      serverList
        .filter((s) => match(s.path) && (!req || !snap.req || keyOf(req, s.path) === s.key))
        .map((s) => ({ path: s.path, message: s.message })),
    [serverList, req, snap.req],
  );

  const currency =
    req && typeof req.currency === 'string' && /^[A-Z]{3}$/.test(req.currency)
      ? req.currency
      : 'USD';

  return useMemo(
    () => ({
      req,
      reason: parsed.ok ? null : parsed.reason,
      currency,
      draftAt: current,
      setDraft,
      commit,
      remapDrafts,
      blockers,
      noteTyped,
      serverAt: (path: string) => live((p) => p === path),
      serverUnder: (prefix: string) => live((p) => p === prefix || p.startsWith(`${prefix}.`)),
    }),
    [req, parsed, currency, current, setDraft, commit, remapDrafts, blockers, noteTyped, live],
  );
}

/**
 * valueKey for a draft's path. `assets.*.x` (a value set on every asset, e.g. the minimum trade)
 * is keyed by all of them.
 */
function keyOf(req: Req | null, path: string): string {
  if (!path.includes('*')) return valueKey(req, path);
  const [head, tail] = path.split('.*.') as [string, string];
  const list = req ? (req[head] as unknown) : undefined;
  if (!Array.isArray(list)) return '\u0002';
  return JSON.stringify(list.map((row) => (isObject(row) ? (row[tail] ?? null) : null)));
}

/** Wraps children in a standalone inputs state (a control rendered outside the request editor). */
export function StandaloneInputs({
  text,
  onChange,
  children,
}: {
  text: string;
  onChange: (t: string) => void;
  children: ReactNode;
}) {
  const api = useInputsState(text, onChange, null);
  return <InputsProvider value={api}>{children}</InputsProvider>;
}
