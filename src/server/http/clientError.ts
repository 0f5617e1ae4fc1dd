import type { Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { HTTP_STATUS, type ErrorCode } from '../../contract/common';
import { errorBody } from './respond';

const REASON: Partial<Record<number, string>> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** The error code for a Node HTTP parser or connection error. */
export function clientErrorCode(err: NodeJS.ErrnoException): ErrorCode {
  if (err.code === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE';
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  return 'BAD_REQUEST';
}

function clientErrorMessage(code: ErrorCode, err: NodeJS.ErrnoException): string {
  if (code === 'HEADERS_TOO_LARGE') return 'the request headers are too large';
  if (code === 'REQUEST_TIMEOUT') return 'the request was not received in time';
  // llhttp's reason ("Invalid header value char") says what was wrong and carries no input.
  const reason = 'reason' in err && typeof err.reason === 'string' ? err.reason : 'malformed';
  return `malformed HTTP request: ${reason}`;
}

/**
 * `server.on('clientError')`: a request Node's parser refused (bad request line or header,
 * oversized headers, a timeout) never reaches the handler, and Node's default answer is an empty
 * 400. This writes the documented JSON error instead, then closes the connection. Nothing is
 * written when the socket is gone, or when a response on it has already begun (the bytes would
 * land in the middle of it).
 */
export function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  // `_httpMessage` is the response in flight on this socket, if any (Node sets it; not typed).
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const code = clientErrorCode(err);
  endWithError(socket, code, clientErrorMessage(code, err));
}

/** Writes the JSON error as a whole HTTP/1.1 response on a raw socket and closes it. */
function endWithError(
  socket: Duplex,
  code: ErrorCode,
  message: string,
  extra: readonly string[] = [],
): void {
  const status = HTTP_STATUS[code];
  const text = JSON.stringify(errorBody(code, message));
  const head = [
    `HTTP/1.1 ${status} ${REASON[status] ?? 'Bad Request'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(text)}`,
    'Connection: close',
    'X-Content-Type-Options: nosniff',
    'Cache-Control: no-store',
    ...extra,
  ].join('\r\n');
  socket.end(`${head}\r\n\r\n${text}`);
}

/**
 * `server.on('connect')`: a CONNECT request (a proxy tunnel) is not a method of this API. Without
 * a listener Node destroys the socket and the caller gets no answer; this answers 405 with
 * `Allow` in the documented JSON, then closes.
 */
export function onConnect(_req: IncomingMessage, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  endWithError(socket, 'METHOD_NOT_ALLOWED', 'CONNECT is not supported by this API', [
    'Allow: GET, POST, PUT',
  ]);
}
