import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { HTTP_STATUS, type ErrorCode, type ErrorDetail } from '../contract/common';
import { buildOpenApi } from '../contract/openapi';
import { ENGINE_VERSION, operations, type OperationDef } from '../contract/operations';
import type { Dispatch } from '../rpc/dispatch';
import { tokenMatches } from './token';

export interface HttpOptions {
  dispatch: Dispatch;
  token: string;
  /** 0 = pick a free port. */
  port: number;
  /** Largest accepted request body in bytes (413 above). */
  maxBodyBytes?: number;
  /** Largest number of heavy operations running at once (429 above). */
  maxConcurrentHeavy?: number;
  /** Requests per second allowed (token bucket, burst = 2 s worth); 429 above. */
  rateLimitPerSecond?: number;
  /** Built renderer (browser mode). Absent → API only. */
  staticDir?: string;
  log?: (msg: string) => void;
}

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

interface Route {
  name: string;
  def: OperationDef;
  regex: RegExp;
  params: string[];
}

const ROUTES: Route[] = Object.entries(operations).map(([name, d]) => {
  const def = d as OperationDef;
  const params: string[] = [];
  const pattern = def.path
    .split(/(\{\w+\})/)
    .map((part) => {
      const m = /^\{(\w+)\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(m[1] as string);
      return '([^/]+)';
    })
    .join('');
  return { name, def, regex: new RegExp(`^${pattern}$`), params };
});
// Literal segments must win over parameters (/api/runs/compare vs /api/runs/{run_id}).
ROUTES.sort((a, b) => a.params.length - b.params.length);

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

function baseHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extra?: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  baseHeaders(res);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

export function errorBody(code: ErrorCode, message: string, details: ErrorDetail[] = []) {
  return {
    error: message,
    code,
    details,
    metadata: { timestamp_utc: new Date().toISOString(), version: ENGINE_VERSION },
  };
}

function sendError(
  res: ServerResponse,
  code: ErrorCode,
  message: string,
  details: ErrorDetail[] = [],
  extra?: Record<string, string>,
): void {
  // A request whose body we refuse to read must not keep the socket busy with it.
  if (code === 'PAYLOAD_TOO_LARGE' || code === 'FORBIDDEN' || code === 'UNAUTHORIZED') {
    res.setHeader('Connection', 'close');
  }
  sendJson(res, HTTP_STATUS[code], errorBody(code, message, details), extra);
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.pause();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The local API. Order of checks matters: Host and Origin are refused (403) before anything
 * else, so a DNS-rebinding page or a foreign site never reaches auth or the body; auth (401)
 * comes before reading the body; size (413) is checked from Content-Length and while reading.
 */
export function startHttpServer(opts: HttpOptions): Promise<RunningServer> {
  const maxBody = opts.maxBodyBytes ?? 64 * 1024 * 1024;
  const maxHeavy = opts.maxConcurrentHeavy ?? 4;
  const rate = opts.rateLimitPerSecond ?? 2000;
  let tokens = rate * 2;
  let lastRefill = Date.now();
  let heavyRunning = 0;
  let port = opts.port;
  const openapiText = JSON.stringify(buildOpenApi());

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const allowedOrigins = () =>
    new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = req.headers.host ?? '';
    if (!allowedHosts().has(host.toLowerCase())) {
      return sendError(
        res,
        'FORBIDDEN',
        'Host not allowed: this server only answers on its loopback address',
      );
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin.toLowerCase())) {
      return sendError(res, 'FORBIDDEN', 'Cross-origin requests are not allowed');
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const path = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();

    if (path === '/api/openapi.json') {
      if (method !== 'GET')
        return sendError(res, 'METHOD_NOT_ALLOWED', 'use GET', [], { Allow: 'GET' });
      baseHeaders(res);
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(openapiText);
      return;
    }

    if (!path.startsWith('/api/')) return serveStatic(res, method, path);

    const candidates = ROUTES.filter((r) => r.regex.test(path));
    if (candidates.length === 0) return sendError(res, 'NOT_FOUND', `no route ${path}`);
    const route = candidates.find((r) => r.def.method === method);
    if (!route) {
      const allow = [...new Set(candidates.map((r) => r.def.method))].join(', ');
      return sendError(res, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`, [], {
        Allow: allow,
      });
    }

    if (route.def.auth) {
      const auth = req.headers.authorization ?? '';
      const m = /^Bearer (.+)$/.exec(auth);
      if (!m || !tokenMatches(m[1] as string, opts.token)) {
        return sendError(res, 'UNAUTHORIZED', 'missing or wrong bearer token', [], {
          'WWW-Authenticate': 'Bearer realm="smart-portfolio-rebalancer"',
        });
      }
    }

    const now = Date.now();
    tokens = Math.min(rate * 2, tokens + ((now - lastRefill) / 1000) * rate);
    lastRefill = now;
    if (tokens < 1)
      return sendError(res, 'TOO_MANY_REQUESTS', 'rate limit exceeded', [], { 'Retry-After': '1' });
    tokens -= 1;

    let input: Record<string, unknown> = {};
    if (method === 'POST' || method === 'PUT') {
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > maxBody) {
        return sendError(res, 'PAYLOAD_TOO_LARGE', `body exceeds ${maxBody} bytes`);
      }
      const ctype = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (ctype !== 'application/json') {
        return sendError(res, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json', [
          { path: '(headers).content-type', message: `got "${ctype || '(none)'}"` },
        ]);
      }
      let raw: Buffer;
      try {
        raw = await readBody(req, maxBody);
      } catch (e) {
        if (e instanceof BodyTooLarge)
          return sendError(res, 'PAYLOAD_TOO_LARGE', `body exceeds ${maxBody} bytes`);
        return sendError(res, 'BAD_REQUEST', 'could not read the request body');
      }
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          return sendError(res, 'BAD_REQUEST', 'the body must be a JSON object', [
            { path: '(root)', message: 'expected a JSON object' },
          ]);
        }
        input = parsed as Record<string, unknown>;
      } catch (e) {
        return sendError(res, 'BAD_REQUEST', 'malformed JSON', [
          { path: '(body)', message: e instanceof SyntaxError ? e.message : 'not JSON' },
        ]);
      }
    } else {
      for (const [k, v] of url.searchParams) input[k] = v;
    }
    const match = route.regex.exec(path);
    route.params.forEach((p, i) => {
      input[p] = decodeURIComponent(match?.[i + 1] ?? '');
    });

    if (route.def.heavy) {
      if (heavyRunning >= maxHeavy) {
        return sendError(
          res,
          'TOO_MANY_REQUESTS',
          'too many heavy jobs running; retry shortly',
          [],
          {
            'Retry-After': '1',
          },
        );
      }
      heavyRunning++;
    }
    const started = performance.now();
    try {
      const result = await opts.dispatch(route.name, input, {
        actor: 'local-api',
        transport: 'http',
      });
      const ms = (performance.now() - started).toFixed(2);
      if (!result.ok) {
        return sendError(res, result.error.code, result.error.message, result.error.details ?? [], {
          'Server-Timing': `engine;dur=${ms}`,
        });
      }
      if (route.def.contentType) {
        const text = String(result.value);
        baseHeaders(res);
        res.writeHead(200, {
          'Content-Type': `${route.def.contentType}; charset=utf-8`,
          'Content-Length': Buffer.byteLength(text),
          'Server-Timing': `engine;dur=${ms}`,
        });
        res.end(text);
        return;
      }
      sendJson(res, 200, result.value, { 'Server-Timing': `engine;dur=${ms}` });
    } finally {
      if (route.def.heavy) heavyRunning--;
    }
  };

  const serveStatic = (res: ServerResponse, method: string, path: string): void => {
    if (method !== 'GET' && method !== 'HEAD') {
      return sendError(res, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`, [], {
        Allow: 'GET',
      });
    }
    const root = opts.staticDir;
    if (!root || !existsSync(join(root, 'index.html'))) {
      return sendError(res, 'NOT_FOUND', 'the workstation UI is not built; run `npm run build`');
    }
    const rel = normalize(decodeURIComponent(path === '/' ? '/index.html' : path)).replace(
      /^([/\\])+/,
      '',
    );
    const file = join(root, rel);
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      return sendError(res, 'NOT_FOUND', `no file ${path}`);
    }
    baseHeaders(res);
    res.setHeader('Content-Security-Policy', CSP);
    const body = readFileSync(file);
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
    });
    res.end(method === 'HEAD' ? undefined : body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      opts.log?.(`internal error: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) sendError(res, 'INTERNAL', 'internal error');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  server.headersTimeout = 10000;
  server.requestTimeout = 120000;

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      const addr = server.address();
      port = typeof addr === 'object' && addr ? addr.port : opts.port;
      resolve({
        server,
        port,
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
