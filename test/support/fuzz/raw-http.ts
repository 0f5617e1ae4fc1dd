/**
 * Requests no HTTP client library would send, written straight to a socket: garbage, broken
 * request lines, illegal header names and values, conflicting or malformed Content-Length and
 * Transfer-Encoding, bad chunk framing, oversized headers. Node's parser refuses them before any
 * route runs (the server's `clientError` handler answers); the suite checks that every answer
 * is still a JSON error below 500 and that the connection does not hang.
 */
import { connect } from 'node:net';
import fc from 'fast-check';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const CRLF = '\r\n';

/** A complete, valid GET with the right Host and token: the base each mutation starts from. */
const head = (port: number, token: string, extra: string[] = []) =>
  [`Host: 127.0.0.1:${port}`, `Authorization: Bearer ${token}`, ...extra].join(CRLF);

/** Raw request bytes, each a framing mistake Node's parser (or the server) must refuse. */
export function rawRequestArb(port: number, token: string): fc.Arbitrary<Buffer> {
  const h = (extra: string[] = []) => head(port, token, extra);
  const text = (s: string) => Buffer.from(s, 'latin1');
  const post = (headers: string[], body: string) =>
    text(`POST /api/portfolios HTTP/1.1${CRLF}${h(headers)}${CRLF}${CRLF}${body}`);
  const headerChar = fc.constantFrom('\u0000', '\u0001', '\u007f', '\u001b', '\u00ff');
  return fc.oneof(
    fc
      .uint8Array({ minLength: 1, maxLength: 300 })
      .map((b) => Buffer.concat([Buffer.from(b), text(CRLF + CRLF)])),
    fc
      .constantFrom(
        'GET /api/health HTTP/9.9',
        'GET /api/health HTTP/1.1 extra',
        'GET  /api/health HTTP/1.1',
        'GET /api/health',
        'GET /api/health http/1.1',
        'G\u0000T /api/health HTTP/1.1',
        'GET /api/he alth HTTP/1.1',
        'GET /api/health\u0000 HTTP/1.1',
        ' GET /api/health HTTP/1.1',
        'GET http://evil.example/api/health HTTP/1.1',
        'GET * HTTP/1.1',
        'CONNECT 127.0.0.1:1 HTTP/1.1',
        'BREW /api/health HTTP/1.1',
        'GET /%zz HTTP/1.1',
        'GET /api/runs/%E0%A4%A HTTP/1.1',
      )
      .map((line) => text(`${line}${CRLF}${h()}${CRLF}${CRLF}`)),
    fc
      .tuple(
        fc.constantFrom('X-Bad', 'Bad Header', 'Bad:Header', '', 'X(y)'),
        headerChar,
        fc.boolean(),
      )
      .map(([name, c, inName]) =>
        text(
          `GET /api/health HTTP/1.1${CRLF}${h([inName ? `${name}${c}: v` : `${name}: a${c}b`])}${CRLF}${CRLF}`,
        ),
      ),
    fc
      .constantFrom(
        ['Content-Length: 5', 'Content-Length: 6'],
        ['Content-Length: -1'],
        ['Content-Length: abc'],
        ['Content-Length: 1e3'],
        ['Content-Length: 99999999999999999999'],
        ['Content-Length: 2', 'Transfer-Encoding: chunked'],
        ['Transfer-Encoding: chunked', 'Transfer-Encoding: identity'],
        ['Transfer-Encoding: gzip'],
        ['Transfer-Encoding: chunked, gzip'],
        ['Transfer-Encoding : chunked'],
        ['X-Folded: a', ' continued'],
        ['NoColonHere'],
        ['Connection: Upgrade', 'Upgrade: websocket'],
        ['Connection: Upgrade', 'Upgrade: h2c', 'HTTP2-Settings: AAMAAABkAAQAAP__'],
        ['Expect: 100-continue'],
        ['Expect: teapot'],
      )
      .map((extra) => post(['Content-Type: application/json', ...extra], '{"a":1}')),
    fc
      .constantFrom(
        'zz\r\n{}\r\n0\r\n\r\n',
        '2\r\n{}\r\n',
        '-1\r\n\r\n',
        '2;ext=\u0000\r\n{}\r\n0\r\n\r\n',
        'ffffffffffffffffff\r\n',
      )
      .map((body) => post(['Content-Type: application/json', 'Transfer-Encoding: chunked'], body)),
    fc
      .integer({ min: 17_000, max: 80_000 })
      .map((n) =>
        text(`GET /api/health HTTP/1.1${CRLF}${h([`X-Big: ${'a'.repeat(n)}`])}${CRLF}${CRLF}`),
      ),
  );
}

/**
 * Splits an HTTP/1.1 byte stream into final responses (Content-Length or chunked bodies; 1xx
 * interim answers skipped), or says why it cannot.
 */
export function parseResponses(data: Buffer): RawAnswer[] | string {
  const out: RawAnswer[] = [];
  let rest = data.toString('latin1');
  while (rest.length > 0) {
    const end = rest.indexOf(CRLF + CRLF);
    if (end < 0) return `truncated response head: ${JSON.stringify(rest.slice(0, 120))}`;
    const [statusLine = '', ...lines] = rest.slice(0, end).split(CRLF);
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!m) return `not a status line: ${JSON.stringify(statusLine.slice(0, 120))}`;
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    rest = rest.slice(end + 4);
    // An interim answer (100 Continue) has no body; the real answer follows it.
    if (m[1]?.startsWith('1')) continue;
    let body = '';
    if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      body = rest.slice(0, n);
      rest = rest.slice(n);
    } else if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const eol = rest.indexOf(CRLF);
        const size = parseInt(rest.slice(0, eol), 16);
        rest = rest.slice(eol + 2);
        if (!size) {
          rest = rest.slice(2);
          break;
        }
        body += rest.slice(0, size);
        rest = rest.slice(size + 2);
      }
    } else {
      body = rest;
      rest = '';
    }
    out.push({ status: Number(m[1]), headers, body: Buffer.from(body, 'latin1').toString('utf8') });
  }
  return out;
}

/**
 * Writes `bytes`, half-closes, and collects everything the server sends until it closes.
 * Rejects when the connection is still open after `timeoutMs` (a stall).
 */
export function sendRaw(port: number, bytes: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connection still open after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // The server may reset after answering; what it sent before is what counts.
      if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') {
        clearTimeout(timer);
        reject(e);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    socket.end(bytes);
  });
}
