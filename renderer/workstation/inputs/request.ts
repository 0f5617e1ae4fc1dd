/**
 * Reading and writing fields of the request text. The editor's JSON text is the single source of
 * truth: every control parses it, changes the fields it owns and prints the whole request again
 * (in the contract's key order), so every other field the user typed is kept as it was.
 */
import { prettyJson } from '../../shared/json';
import { requestOrder } from '../../shared/order';

export type Req = Record<string, unknown>;

export type ParsedRequest = { ok: true; req: Req } | { ok: false; reason: string };

export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The request object of the editor text, or why there is none (empty, not JSON, not an object).
 * Example: `parseRequestObject('{"a":1}')` → `{ok: true, req: {a: 1}}`.
 */
export function parseRequestObject(text: string): ParsedRequest {
  if (text.trim() === '') return { ok: false, reason: 'Load a scenario or paste a request first.' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'The JSON does not parse: fix it (or Revert) to use these.' };
  }
  if (!isObject(value)) return { ok: false, reason: 'The request must be a JSON object.' };
  return { ok: true, req: value };
}

/** Splits a dotted path; numeric parts index arrays. `''` and `(root)` are the whole request. */
export function pathParts(path: string): string[] {
  return path === '' || path === '(root)' ? [] : path.split('.');
}

/**
 * The value at a dotted path, or undefined when any part is missing:
 * `getAt({assets: [{price: 3}]}, 'assets.0.price')` → 3.
 */
export function getAt(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const p of pathParts(path)) {
    if (Array.isArray(cur)) cur = /^\d+$/.test(p) ? cur[Number(p)] : undefined;
    else if (isObject(cur)) cur = Object.prototype.hasOwnProperty.call(cur, p) ? cur[p] : undefined;
    else return undefined;
  }
  return cur;
}

/**
 * A copy of `value` with the field at `path` set (or removed when `next` is undefined). Objects
 * and arrays along the path are copied, never mutated; a missing object along the path is
 * created (so `monte_carlo.paths` works when `monte_carlo` is absent). Removing a field whose
 * parent is missing changes nothing.
 */
export function setAt(value: Req, path: string, next: unknown): Req {
  const parts = pathParts(path);
  if (parts.length === 0) return isObject(next) ? next : value;
  const rec = (cur: unknown, i: number): unknown => {
    const key = parts[i] as string;
    const last = i === parts.length - 1;
    if (Array.isArray(cur) && /^\d+$/.test(key)) {
      const k = Number(key);
      const copy = cur.slice();
      if (last) {
        if (next === undefined) copy.splice(k, 1);
        else copy[k] = next;
      } else copy[k] = rec(cur[k], i + 1);
      return copy;
    }
    if (cur !== undefined && !isObject(cur)) {
      // A scalar in the way (e.g. "monte_carlo": 5): replaced only to set a value below it.
      if (next === undefined) return cur;
    }
    const obj: Record<string, unknown> = isObject(cur) ? { ...cur } : {};
    if (last) {
      if (next === undefined) delete obj[key];
      else obj[key] = next;
    } else {
      const child = rec(obj[key], i + 1);
      if (child === undefined) delete obj[key];
      else obj[key] = child;
    }
    return obj;
  };
  if (next === undefined && getAt(value, parts.slice(0, -1).join('.')) === undefined) return value;
  return rec(value, 0) as Req;
}

/** A field change: the path and its new value (undefined removes the field: the default applies). */
export interface Patch {
  path: string;
  value: unknown;
}

/** Prints a request as the editor shows it: contract key order, compact arrays. */
export function printRequest(req: Req): string {
  return prettyJson(requestOrder(req));
}

/**
 * The editor text with the patches applied in order and everything else kept, or null when the
 * text is not a JSON object (the controls are disabled then).
 */
export function writeFields(text: string, patches: readonly Patch[]): string | null {
  const p = parseRequestObject(text);
  if (!p.ok) return null;
  let req = p.req;
  for (const x of patches) req = setAt(req, x.path, x.value);
  return printRequest(req);
}

/** A stable string of the value at a path, to tell whether it changed between two requests. */
export function valueKey(req: Req | null, path: string): string {
  if (!req) return '\u0000';
  const v = getAt(req, path);
  return v === undefined ? '\u0001' : JSON.stringify(v);
}
