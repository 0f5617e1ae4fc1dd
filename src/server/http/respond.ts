import type { ServerResponse } from 'node:http';
import { HTTP_STATUS, type ErrorCode, type ErrorDetail } from '../../contract/common';
import { ENGINE_VERSION } from '../../contract/operations';

/** Headers every answer carries, JSON or static. */
export function baseHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
}

/** Writes `body` as JSON with an exact Content-Length. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extra?: Record<string, string>,
): void {
  sendJsonParts(res, status, [JSON.stringify(body)], extra);
}

/**
 * Writes JSON serialized elsewhere (a pool worker), in parts — text as UTF-8, bytes as they are —
 * with an exact Content-Length.
 */
export function sendJsonParts(
  res: ServerResponse,
  status: number,
  parts: readonly (string | Uint8Array)[],
  extra?: Record<string, string>,
): void {
  let length = 0;
  for (const p of parts) length += typeof p === 'string' ? Buffer.byteLength(p) : p.byteLength;
  baseHeaders(res);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': length,
    ...extra,
  });
  const last = parts.length - 1;
  parts.forEach((p, i) => (i === last ? res.end(p) : res.write(p)));
  if (last < 0) res.end();
}

/** A file path of two or more segments (POSIX or Windows), as a worker's error may quote one. */
const FILE_PATH = /(?:[A-Za-z]:)?[\\/][^\s'"`:()]+[\\/][^\s'"`:()]*/g;

/**
 * A 5xx message keeps its first line only, at most 300 characters, with file paths replaced by
 * `<path>`: an engine message is one line, a stack trace starts on the second, and nothing about
 * the machine's layout reaches a caller.
 */
function safeMessage(status: number, message: string): string {
  if (status < 500) return message;
  const first = (message.split(/\r?\n/, 1)[0] ?? '').replace(FILE_PATH, '<path>').trim();
  return first === '' ? 'internal error' : first.slice(0, 300);
}

/** The documented error body: the seed's `{error, metadata}` plus `code` and every `details`. */
export function errorBody(code: ErrorCode, message: string, details: ErrorDetail[] = []) {
  const status = HTTP_STATUS[code];
  return {
    error: safeMessage(status, message),
    code,
    // A 5xx keeps no details: they could carry internals (paths, SQL) the caller cannot act on.
    details: status >= 500 ? [] : details,
    metadata: { timestamp_utc: new Date().toISOString(), version: ENGINE_VERSION },
  };
}

/** Codes answered before the body is read, whatever the request: the socket is then closed. */
const CLOSES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'PAYLOAD_TOO_LARGE',
  'FORBIDDEN',
  'UNAUTHORIZED',
]);

/**
 * Sends an error in the documented envelope with the contract's status for `code`. A
 * TOO_MANY_REQUESTS always carries Retry-After (the details' `retry_after` hint, else 1 s).
 */
export function sendError(
  res: ServerResponse,
  code: ErrorCode,
  message: string,
  details: ErrorDetail[] = [],
  extra?: Record<string, string>,
): void {
  // A request whose body we refuse to read must not keep the socket busy with it.
  if (CLOSES.has(code)) res.setHeader('Connection', 'close');
  const headers =
    code === 'TOO_MANY_REQUESTS'
      ? { 'Retry-After': String(retryAfterOf(details)), ...extra }
      : extra;
  sendJson(res, HTTP_STATUS[code], errorBody(code, message, details), headers);
}

/** Longest Retry-After we pass on from a hint (an hour): a bad hint must not park a client. */
const MAX_RETRY_AFTER = 3600;

/**
 * Seconds for Retry-After: the `retry_after` detail a busy component attached (the compute pool
 * does, `{path: 'retry_after', message: '2'}`), rounded up to a whole second ≥ 1; else 1.
 */
export function retryAfterOf(details: readonly ErrorDetail[]): number {
  const hint = details.find((d) => d.path === 'retry_after');
  const n = hint ? Number(hint.message) : NaN;
  if (!Number.isFinite(n)) return 1;
  return Math.min(MAX_RETRY_AFTER, Math.max(1, Math.ceil(n)));
}
