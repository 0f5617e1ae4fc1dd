import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { buildOpenApi } from '../contract/openapi';
import type { Dispatch } from '../rpc/dispatch';
import { isTextOp } from '../services/textDispatch';
import type { TextDispatch } from '../services/textDispatch';
import { readBodyText, readJsonObject } from './http/body';
import { onClientError, onConnect } from './http/clientError';
import { createRateLimiter, type ClientClass } from './http/rateLimit';
import { baseHeaders, sendError, sendJson, sendJsonParts } from './http/respond';
import { matchRoute } from './http/routes';
import { serveStatic } from './http/static';
import { isTargetError, parseTarget, strictDecode } from './http/url';
import { batchEventsId, createBatchEvents } from './http/batchEvents';
import { tokenMatches } from './token';

export { errorBody } from './http/respond';

export interface HttpOptions {
  dispatch: Dispatch;
  /** The bearer token, or a function giving the current one (read per request: a rotated token
   * is refused from the next request on). */
  token: string | (() => string);
  /** 0 = pick a free port. */
  port: number;
  /** Largest accepted request body in bytes (413 above). */
  maxBodyBytes?: number;
  /**
   * Requests per second for clients with the API token (token bucket, burst = 2 s worth); 429
   * above. Default 2000.
   */
  rateLimitPerSecond?: number;
  /**
   * Requests per second for everything else — no token or a wrong one: health, the OpenAPI
   * document, static files, refused requests. A bucket of its own, so this traffic never spends
   * the authenticated clients' allowance. Default: `rateLimitPerSecond`, at most 500.
   */
  anonymousRateLimitPerSecond?: number;
  /**
   * Whether a heavy operation can be taken now (the compute pool has a free thread or queue
   * slot). When not, the request is refused with 429 before its body is read or parsed: a full
   * pool must not cost the thread that answers requests a 4 MB JSON.parse per refusal.
   */
  heavyAdmission?: () => boolean;
  /**
   * Heavy runs from their body text (rebalance, tandem, copilot): parsed, validated, computed and
   * serialized on a pool worker, so this thread only reads the body, saves the run and writes
   * the answer. Absent → every operation goes through `dispatch`.
   */
  textDispatch?: TextDispatch;
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

/** True when the request carries `Authorization: Bearer <the API token>`. */
function hasToken(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  return m !== null && tokenMatches(m[1] as string, token);
}

/** 405 naming the method and path, with the methods the path takes in `Allow`. */
function methodNotAllowed(res: ServerResponse, method: string, path: string, allow: string): void {
  sendError(res, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`, [], { Allow: allow });
}

/** 401 with the challenge naming the scheme. */
function unauthorized(res: ServerResponse): void {
  sendError(res, 'UNAUTHORIZED', 'missing or wrong bearer token', [], {
    'WWW-Authenticate': 'Bearer realm="smart-portfolio-rebalancer"',
  });
}

/**
 * Asks for the connection to close after this answer when the request announced a body that is
 * left unread (Node would otherwise read and discard all of it to keep the connection). A request
 * without a body keeps its keep-alive connection: closing cost a flood of refused GETs a new TCP
 * connection per request, and the event loop time that goes with it.
 */
function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  const length = Number(req.headers['content-length'] ?? 0);
  if (req.headers['transfer-encoding'] !== undefined || length !== 0) {
    res.setHeader('Connection', 'close');
  }
}

/**
 * The local API. Order of checks matters: Host and Origin are refused (403) before anything
 * else, so a DNS-rebinding page or a foreign site never reaches auth or the body; then the rate
 * limit of the caller's class (429), the request target (400 for a malformed escape), the route
 * (404/405), auth (401) before the body is read, and size (413) from Content-Length and while
 * reading. Heavy operations are bounded by the compute pool behind dispatch, which answers
 * TOO_MANY_REQUESTS (429 with Retry-After) when its queue is full.
 */
export function startHttpServer(opts: HttpOptions): Promise<RunningServer> {
  const maxBody = opts.maxBodyBytes ?? 64 * 1024 * 1024;
  const authenticatedRate = opts.rateLimitPerSecond ?? 2000;
  const limiter = createRateLimiter({
    authenticated: authenticatedRate,
    anonymous: opts.anonymousRateLimitPerSecond ?? Math.min(authenticatedRate, 500),
  });
  let port = opts.port;
  const openapiText = JSON.stringify(buildOpenApi());
  const events = createBatchEvents({ dispatch: opts.dispatch });

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

    const authenticated = hasToken(req, typeof opts.token === 'string' ? opts.token : opts.token());
    const cls: ClientClass = authenticated ? 'authenticated' : 'anonymous';
    const wait = limiter.take(cls);
    if (wait > 0) {
      closeIfBodyUnread(req, res);
      return sendError(res, 'TOO_MANY_REQUESTS', 'rate limit exceeded', [
        { path: 'retry_after', message: String(wait) },
      ]);
    }

    const target = parseTarget(req.url ?? '/');
    if (isTargetError(target)) {
      closeIfBodyUnread(req, res);
      return sendError(res, 'BAD_REQUEST', 'malformed request URL', [target]);
    }
    const { path } = target;
    const method = (req.method ?? 'GET').toUpperCase();

    if (path === '/api/openapi.json') {
      if (method !== 'GET')
        return sendError(res, 'METHOD_NOT_ALLOWED', 'use GET', [], { Allow: 'GET' });
      baseHeaders(res);
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(openapiText);
      return;
    }

    if (!path.startsWith('/api/')) return serveStatic(res, opts.staticDir, method, path);

    // A batch's progress as server-sent events: HTTP only, read through getBatch.
    const eventsOf = batchEventsId(path);
    if (eventsOf !== null) {
      if (method !== 'GET') {
        closeIfBodyUnread(req, res);
        return methodNotAllowed(res, method, path, 'GET');
      }
      if (!authenticated) return unauthorized(res);
      return events.serve(req, res, strictDecode(eventsOf) ?? '');
    }

    const match = matchRoute(path, method);
    if (match.kind !== 'found') closeIfBodyUnread(req, res);
    if (match.kind === 'not_found') return sendError(res, 'NOT_FOUND', `no route ${path}`);
    if (match.kind === 'method_not_allowed') {
      return methodNotAllowed(res, method, path, match.allow);
    }
    const { route, params } = match;

    if (route.def.auth && !authenticated) return unauthorized(res);

    if (route.def.heavy && opts.heavyAdmission && !opts.heavyAdmission()) {
      closeIfBodyUnread(req, res);
      return sendError(res, 'TOO_MANY_REQUESTS', 'the compute pool is full; retry shortly', [
        { path: 'retry_after', message: '1' },
      ]);
    }

    if (opts.textDispatch && method === 'POST' && isTextOp(route.name)) {
      const body = await readBodyText(req, maxBody);
      if (!body.ok) {
        if (body.problem.code === 'UNSUPPORTED_MEDIA_TYPE') closeIfBodyUnread(req, res);
        return sendError(res, body.problem.code, body.problem.message, body.problem.details);
      }
      const started = performance.now();
      const result = await opts.textDispatch(route.name, body.text, [...params], {
        actor: 'local-api',
        transport: 'http',
      });
      const timing = { 'Server-Timing': `engine;dur=${(performance.now() - started).toFixed(2)}` };
      if (!result.ok)
        return sendError(
          res,
          result.error.code,
          result.error.message,
          result.error.details ?? [],
          timing,
        );
      return sendJsonParts(res, 200, result.value.parts, timing);
    }

    let input: Record<string, unknown>;
    if (method === 'POST' || method === 'PUT') {
      const body = await readJsonObject(req, maxBody);
      if (!body.ok) {
        // 415 is decided from the headers alone: the body is still unread.
        if (body.problem.code === 'UNSUPPORTED_MEDIA_TYPE') closeIfBodyUnread(req, res);
        return sendError(res, body.problem.code, body.problem.message, body.problem.details);
      }
      input = body.value;
    } else {
      // Entries become own data properties: a query name like `__proto__` is just a key.
      input = Object.fromEntries(target.query);
    }
    for (const [p, v] of params) input[p] = v;

    const started = performance.now();
    const result = await opts.dispatch(route.name, input, {
      actor: 'local-api',
      transport: 'http',
    });
    const timing = { 'Server-Timing': `engine;dur=${(performance.now() - started).toFixed(2)}` };
    if (!result.ok) {
      // TOO_MANY_REQUESTS here is the compute pool's full queue; sendError adds Retry-After.
      return sendError(
        res,
        result.error.code,
        result.error.message,
        result.error.details ?? [],
        timing,
      );
    }
    if (route.def.contentType) {
      const text = String(result.value);
      baseHeaders(res);
      res.writeHead(200, {
        'Content-Type': `${route.def.contentType}; charset=utf-8`,
        'Content-Length': Buffer.byteLength(text),
        ...timing,
      });
      res.end(text);
      return;
    }
    sendJson(res, 200, result.value, timing);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // One line, the message only: the stack stays out of the log line and of the answer.
      opts.log?.(`internal error: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) sendError(res, 'INTERNAL', 'internal error');
      else res.destroy();
    });
  });
  server.on('clientError', onClientError);
  server.on('connect', onConnect);
  // An `Expect` other than 100-continue: Node's default is an empty 417; answer the JSON error.
  server.on('checkExpectation', (_req, res) => {
    // The body the client holds back is never read: close after answering.
    res.setHeader('Connection', 'close');
    sendError(res, 'BAD_REQUEST', 'unsupported Expect header: only 100-continue is understood', [
      { path: 'headers.expect', message: 'only 100-continue is supported' },
    ]);
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
