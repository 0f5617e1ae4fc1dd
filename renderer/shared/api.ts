/**
 * The renderer's one way into the engine: `call(op, input)`, typed from src/contract.
 *
 * Transport is chosen at run time:
 * - Electron: the preload exposes `window.desktop.invoke(op, input)`, which goes over the single
 *   `rpc:invoke` IPC channel and already returns the Result envelope.
 * - Browser mode: HTTP to the local server, method and path taken from `operations[op]` (no
 *   second route table), bearer token from the page URL (removed from the address bar at once).
 */
import type { ErrorCode, ErrorDetail, Result, RpcError } from '../../src/contract/common';
import { ERROR_CODES, HTTP_STATUS } from '../../src/contract/common';
import {
  operations,
  type OperationDef,
  type OpInput,
  type OpName,
  type OpOutput,
} from '../../src/contract/operations';
import type { DesktopBridge } from './desktop';

/** What the Electron preload exposes (electron/preload.ts): renderer/shared/desktop.ts. */
export type { DesktopBridge } from './desktop';

declare global {
  interface Window {
    desktop?: DesktopBridge;
  }
}

export type Transport = 'ipc' | 'http';

const TOKEN_KEY = 'spr.apiToken';
let token: string | null = null;

/**
 * Reads `?token=` once, keeps it in memory and sessionStorage (survives a reload of this tab,
 * not the browser), and rewrites the address bar without it so it does not linger in history,
 * screenshots or a copied URL.
 */
export function captureToken(): void {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    token = fromUrl;
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // Storage may be disabled; the in-memory copy still works for this page.
    }
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return;
  }
  try {
    token = sessionStorage.getItem(TOKEN_KEY);
  } catch {
    token = null;
  }
}

export function transport(): Transport {
  return typeof window !== 'undefined' && window.desktop ? 'ipc' : 'http';
}

export function hasToken(): boolean {
  return token !== null;
}

/**
 * The code of a status when a body carries none (a proxy's or Node's own answer): the first code
 * the contract maps to it, in ERROR_CODES order (e.g. 422 → INFEASIBLE).
 */
const STATUS_CODE: Record<number, ErrorCode> = {};
for (const code of ERROR_CODES) STATUS_CODE[HTTP_STATUS[code]] ??= code;

function isErrorCode(x: unknown): x is ErrorCode {
  return typeof x === 'string' && (ERROR_CODES as readonly string[]).includes(x);
}

function isDetails(x: unknown): x is ErrorDetail[] {
  return (
    Array.isArray(x) &&
    x.every(
      (d) =>
        d !== null &&
        typeof d === 'object' &&
        typeof (d as ErrorDetail).path === 'string' &&
        typeof (d as ErrorDetail).message === 'string',
    )
  );
}

/** Turns a non-2xx HTTP answer `{error, code, details}` into the envelope's error. */
function httpError(status: number, body: unknown): RpcError {
  const b = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const code = isErrorCode(b.code) ? b.code : (STATUS_CODE[status] ?? 'INTERNAL');
  const message = typeof b.error === 'string' ? b.error : `HTTP ${status}`;
  return isDetails(b.details) && b.details.length > 0
    ? { code, message, details: b.details }
    : { code, message };
}

/** Fills `{param}` placeholders from the input; the rest goes to the query string or body. */
function buildRequest(
  def: OperationDef,
  input: Record<string, unknown>,
): { url: string; init: RequestInit } {
  const rest: Record<string, unknown> = { ...input };
  const path = def.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = rest[name];
    delete rest[name];
    return encodeURIComponent(String(v ?? ''));
  });
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (def.method === 'GET') {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(rest)) {
      if (v === undefined || v === null) continue;
      qs.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    const q = qs.toString();
    return { url: q ? `${path}?${q}` : path, init: { method: 'GET', headers } };
  }
  headers['Content-Type'] = 'application/json';
  return { url: path, init: { method: def.method, headers, body: JSON.stringify(rest) } };
}

/** Options of one call. */
export interface CallOptions {
  /**
   * Aborting stops waiting for the answer and resolves the call with `cancelledError()` at once.
   * Over HTTP the request is aborted; the engine may still finish the work it started (and, for
   * a rebalance, save the run), so the UI must say "cancelled", not "undone".
   */
  signal?: AbortSignal | undefined;
}

/** The message of the error a cancelled call resolves with; see `isCancelled`. */
export const CANCELLED_MESSAGE = 'cancelled';

/** The error a call resolves with when its signal aborts (code INTERNAL, message 'cancelled'). */
export function cancelledError(): RpcError {
  return { code: 'INTERNAL', message: CANCELLED_MESSAGE };
}

/**
 * True when a call's error means "the user cancelled", not "the engine failed".
 *
 * Example: `const r = await call('rebalance', req, { signal }); if (!r.ok && isCancelled(r.error)) …`
 */
export function isCancelled(error: RpcError): boolean {
  return error.code === 'INTERNAL' && error.message === CANCELLED_MESSAGE;
}

/** Resolves with the cancelled error once `signal` aborts (never, without a signal). */
function whenAborted(signal: AbortSignal | undefined): Promise<Result<never>> {
  return new Promise((resolve) => {
    if (!signal) return;
    const done = () => resolve({ ok: false, error: cancelledError() });
    if (signal.aborted) done();
    else signal.addEventListener('abort', done, { once: true });
  });
}

async function callHttp(
  op: OpName,
  input: unknown,
  signal: AbortSignal | undefined,
): Promise<Result<unknown>> {
  const def = operations[op] as OperationDef;
  const obj = (input !== null && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const { url, init } = buildRequest(def, obj);
  if (signal) init.signal = signal;
  let res: Response;
  let text: string;
  try {
    // Relative to the page: the server serves the UI and the API from one origin.
    res = await fetch(new URL(url.replace(/^\//, ''), document.baseURI).href, init);
    text = await res.text();
  } catch (e) {
    if (signal?.aborted) return { ok: false, error: cancelledError() };
    return {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: `the local engine could not be reached (${e instanceof Error ? e.message : String(e)})`,
      },
    };
  }
  if (res.ok && def.contentType) return { ok: true, value: text };
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    if (res.ok) {
      return {
        ok: false,
        error: { code: 'INTERNAL', message: 'the engine answered with non-JSON' },
      };
    }
  }
  if (!res.ok) return { ok: false, error: httpError(res.status, body) };
  return { ok: true, value: body };
}

/**
 * Calls one operation of the contract and returns its Result envelope; never throws.
 *
 * Example: `const r = await call('health', {}); if (r.ok) r.value.version;`
 * With `{ signal }` the call can be cancelled; see `CallOptions` and `isCancelled`.
 */
export async function call<K extends OpName>(
  op: K,
  input: OpInput<K>,
  options: CallOptions = {},
): Promise<Result<OpOutput<K>>> {
  const { signal } = options;
  if (signal?.aborted) return { ok: false, error: cancelledError() };
  const bridge = typeof window !== 'undefined' ? window.desktop : undefined;
  if (bridge) {
    try {
      // IPC has no abort: stop waiting and let the main process finish on its own.
      return (await Promise.race([bridge.invoke(op, input), whenAborted(signal)])) as Result<
        OpOutput<K>
      >;
    } catch (e) {
      return {
        ok: false,
        error: {
          code: 'INTERNAL',
          message: `IPC call failed (${e instanceof Error ? e.message : String(e)})`,
        },
      };
    }
  }
  return (await callHttp(op, input, signal)) as Result<OpOutput<K>>;
}

/**
 * Same as `call`, for a request body the user typed: it is sent as-is so the engine, not the
 * UI, decides what is valid (and reports every problem with its path).
 */
export async function callUnchecked<K extends OpName>(
  op: K,
  input: unknown,
  options: CallOptions = {},
): Promise<Result<OpOutput<K>>> {
  return call(op, input as OpInput<K>, options);
}
