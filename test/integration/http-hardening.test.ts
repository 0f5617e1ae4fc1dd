/**
 * Issue #10, HTTP findings: no request answers 500 for bad input, every error body is JSON (Node
 * parser errors included), unauthenticated traffic cannot starve authenticated clients, the pool's
 * TOO_MANY_REQUESTS is a 429 with Retry-After, and the OpenAPI document lists every status.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/contract/common';
import { RunDecisionRequest } from '../../src/contract/tandem';
import type { Dispatch } from '../../src/rpc/dispatch';
import { startApp, type App } from '../../src/server/app';
import { startHttpServer, type RunningServer } from '../../src/server/http';
import { onClientError } from '../../src/server/http/clientError';
import { json, raw, type RawResponse } from '../support/http';

const scenarios = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../resources/scenarios.json'), 'utf8'),
) as { scenarios: { request: Record<string, unknown> }[] };
const seed = scenarios.scenarios[0]!.request as { assets: Record<string, unknown>[] };

const CSV = 'asset,target_weight,current_weight,price\nA,0.5,0.5,10\nB,0.5,0.5,20\n';
const PRICES_CSV = 'date,A,B\n2024-01-02,10,20\n2024-01-03,11,21\n2024-01-04,12,22\n';

let app: App;
let staticDir: string;

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'spr-hard-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'spr-hard-')), port: 0, staticDir });
});
afterAll(async () => {
  await app?.close();
});

const auth = () => ({ Authorization: `Bearer ${app.token}` });

/** The documented error body: JSON, the code, details, and no stack. */
function expectError(r: RawResponse, status: number, code: string) {
  expect(r.status, r.body).toBe(status);
  expect(r.headers['content-type']).toContain('application/json');
  const b = JSON.parse(r.body) as { code: string; error: string; details: { path: string }[] };
  expect(b.code).toBe(code);
  expect(typeof b.error).toBe('string');
  expect(Array.isArray(b.details)).toBe(true);
  expect(r.body).not.toMatch(/\n\s+at |node_modules|\/src\//);
  return b;
}

describe('malformed percent-encoding is a 400, never a 500', () => {
  it('GET /% (static path, no token) → 400 naming url', async () => {
    const r = await raw(app.server.port, { path: '/%' });
    const b = expectError(r, 400, 'BAD_REQUEST');
    expect(b.details[0]?.path).toBe('url');
  });
  it('/api/runs/%FF with and without a token → 400', async () => {
    expectError(await raw(app.server.port, { path: '/api/runs/%FF' }), 400, 'BAD_REQUEST');
    expectError(
      await raw(app.server.port, { path: '/api/runs/%FF', headers: auth() }),
      400,
      'BAD_REQUEST',
    );
  });
  it('in a query string, a POST path and a static file path', async () => {
    for (const [method, path] of [
      ['GET', '/api/runs?cursor=%'],
      ['GET', '/api/runs?%E0%A4%A=1'],
      ['GET', '/api/audit?after_seq=%FF'],
      ['POST', '/api/runs/%C0%AF/approve'],
      ['GET', '/assets/%E0%A4%A.js'],
    ] as const) {
      const r = await raw(app.server.port, {
        method,
        path,
        headers: { ...auth(), 'Content-Type': 'application/json' },
        ...(method === 'POST' ? { body: '{"note":"x"}' } : {}),
      });
      expectError(r, 400, 'BAD_REQUEST');
    }
  });
  it('well-formed escapes still work', async () => {
    const ok = await raw(app.server.port, { path: '/assets/app%2Ejs' });
    expect(ok.status).toBe(200);
    const q = await raw(app.server.port, { path: '/api/runs?limit=%35', headers: auth() });
    expect(q.status).toBe(200);
  });
  it('odd run ids are 400 or 404, never 500', async () => {
    for (const [id, status] of [
      ['%00', 400],
      ['a%2Fb', 400],
      ['%E2%80%AE', 400],
      ['x'.repeat(65), 400],
      ['ZZZZZZZZZZZZZZZZZZZZZZZZZZ', 404],
    ] as const) {
      for (const suffix of ['', '/trades.csv', '/performance']) {
        const r = await raw(app.server.port, { path: `/api/runs/${id}${suffix}`, headers: auth() });
        expectError(r, status, status === 400 ? 'BAD_REQUEST' : 'NOT_FOUND');
      }
    }
  });
});

describe('control characters in names are a 400 naming the field', () => {
  const post = (path: string, body: unknown) =>
    raw(app.server.port, { method: 'POST', path, ...json(app.token, body) });
  const problemPaths = (r: RawResponse) =>
    expectError(r, 400, 'BAD_REQUEST').details.map((d) => d.path);

  it('savePortfolio name with NUL (leading NUL failed a SQLite CHECK → 500)', async () => {
    for (const name of ['\u0000x', 'a\u0000b', 'a\u0007b', 'a\tb', 'a\u007f', 'a\u0085b']) {
      const r = await post('/api/portfolios', { name, content: seed });
      expect(problemPaths(r), JSON.stringify(name)).toEqual(['name']);
    }
  });
  it('importPortfolio name and filename, importPrices filename', async () => {
    const base = { format: 'csv', content: CSV, portfolio_value: 1000 };
    expect(
      problemPaths(await post('/api/import/portfolio', { ...base, filename: '\u0000.csv' })),
    ).toEqual(['filename']);
    expect(
      problemPaths(
        await post('/api/import/portfolio', { ...base, filename: 'p.csv', name: '\u0000p' }),
      ),
    ).toEqual(['name']);
    expect(
      problemPaths(
        await post('/api/import/prices', {
          format: 'csv',
          content: PRICES_CSV,
          filename: 'p\u0000.csv',
        }),
      ),
    ).toEqual(['filename']);
  });
  it('asset and holding names, series keys and a portfolio_id inside a rebalance request', async () => {
    const withAsset = {
      ...seed,
      assets: seed.assets.map((a, i) => (i ? a : { ...a, asset: 'x\u0000' })),
    };
    expect(problemPaths(await post('/api/rebalance', withAsset))).toEqual(['assets.0.asset']);
    expect(
      problemPaths(await post('/api/rebalance', { ...seed, portfolio_id: 'p\u0000' })),
    ).toEqual(['portfolio_id']);
    expect(problemPaths(await post('/api/portfolios', { name: 'ok', content: withAsset }))).toEqual(
      ['content.assets.0.asset'],
    );
  });
  it('a note may span lines; NUL and other controls are refused', () => {
    const ok = RunDecisionRequest.safeParse({ run_id: 'r1', note: 'first line\n\tsecond\r\n' });
    expect(ok.success).toBe(true);
    for (const note of ['a\u0000', 'a\u001b[31m', 'a\u007f']) {
      const bad = RunDecisionRequest.safeParse({ run_id: 'r1', note });
      expect(bad.success).toBe(false);
      expect(bad.error?.issues[0]?.path).toEqual(['note']);
    }
  });
  it('a clean name is still stored as sent', async () => {
    const r = await post('/api/portfolios', { name: '  Ünïcode 😀 fund ', content: seed });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).name).toBe('Ünïcode 😀 fund');
  });
});

/** Sends raw bytes and reads until the server closes the connection. */
function rawSocket(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(bytes));
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    s.on('error', reject);
  });
}

function parseRawResponse(text: string) {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((l) => [
      l.slice(0, l.indexOf(':')).toLowerCase(),
      l.slice(l.indexOf(':') + 1).trim(),
    ]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

describe("Node's HTTP parser errors answer JSON", () => {
  it('CONNECT → 405 JSON with Allow; an unknown Expect → 400 JSON; both close', async () => {
    const port = app.server.port;
    const auth = `Host: 127.0.0.1:${port}\r\nAuthorization: Bearer ${app.token}`;
    const connectReply = parseRawResponse(
      await rawSocket(port, `CONNECT 127.0.0.1:1 HTTP/1.1\r\n${auth}\r\n\r\n`),
    );
    expect(connectReply.status).toBe(405);
    expect(connectReply.headers.allow).toBe('GET, POST, PUT');
    expect(connectReply.headers.connection).toBe('close');
    expect(JSON.parse(connectReply.body)).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    const expectReply = parseRawResponse(
      await rawSocket(
        port,
        `POST /api/portfolios HTTP/1.1\r\n${auth}\r\nContent-Type: application/json\r\n` +
          `Content-Length: 2\r\nExpect: teapot\r\n\r\n`,
      ),
    );
    expect(expectReply.status).toBe(400);
    expect(expectReply.headers['content-type']).toContain('application/json');
    expect(JSON.parse(expectReply.body)).toMatchObject({
      code: 'BAD_REQUEST',
      details: [{ path: 'headers.expect' }],
    });
  });

  it('a malformed header line → 400 JSON, connection closed', async () => {
    const port = app.server.port;
    for (const req of [
      `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nNo colon here\r\n\r\n`,
      'NOT-HTTP\r\n\r\n',
      `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n`,
    ]) {
      const r = parseRawResponse(await rawSocket(port, req));
      expect(r.status, req).toBe(400);
      expect(r.headers['content-type']).toContain('application/json');
      expect(r.headers.connection).toBe('close');
      expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.body));
      const b = JSON.parse(r.body) as { code: string; metadata: unknown };
      expect(b.code).toBe('BAD_REQUEST');
      expect(b.metadata).toBeTypeOf('object');
    }
  });
  it('headers over the limit → 431 JSON', async () => {
    const port = app.server.port;
    const big = `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`;
    const r = parseRawResponse(await rawSocket(port, big));
    expect(r.status).toBe(431);
    expect(JSON.parse(r.body).code).toBe('HEADERS_TOO_LARGE');
  });
});

describe('clientError on a socket (timeouts, a response already on the wire)', () => {
  /** Just what onClientError touches of a socket. */
  function fakeSocket(inFlight: boolean) {
    const sock = {
      writable: true,
      written: '',
      destroyed: false,
      _httpMessage: inFlight ? { headersSent: true } : null,
      end(data: string) {
        sock.written += data;
      },
      destroy() {
        sock.destroyed = true;
      },
    };
    return sock;
  }
  const err = (code: string) => Object.assign(new Error(code), { code });

  it("Node's request timeout → 408 JSON REQUEST_TIMEOUT", () => {
    const sock = fakeSocket(false);
    onClientError(err('ERR_HTTP_REQUEST_TIMEOUT'), sock as unknown as Socket);
    const r = parseRawResponse(sock.written);
    expect(r.status).toBe(408);
    expect(r.headers.connection).toBe('close');
    expect(JSON.parse(r.body).code).toBe('REQUEST_TIMEOUT');
  });
  it('writes nothing into a response already begun, and nothing after a reset', () => {
    const busy = fakeSocket(true);
    onClientError(err('HPE_INVALID_CONSTANT'), busy as unknown as Socket);
    expect(busy.written).toBe('');
    expect(busy.destroyed).toBe(true);
    const reset = fakeSocket(false);
    onClientError(err('ECONNRESET'), reset as unknown as Socket);
    expect(reset.written).toBe('');
    expect(reset.destroyed).toBe(true);
  });
});

describe('wrong method', () => {
  it('405 with Allow on every known path, JSON', async () => {
    for (const [method, path, allow] of [
      ['DELETE', '/api/runs/01ARZ3NDEKTSV4RRFFQ69G5FAV', 'GET'],
      ['GET', '/api/runs/01ARZ3NDEKTSV4RRFFQ69G5FAV/approve', 'POST'],
      ['PUT', '/api/rebalance', 'POST'],
      ['POST', '/api/health', 'GET'],
      ['DELETE', '/api/portfolios', 'GET, POST'],
      ['POST', '/api/openapi.json', 'GET'],
      ['POST', '/index.html', 'GET, HEAD'],
    ] as const) {
      const r = await raw(app.server.port, { method, path, headers: auth() });
      expectError(r, 405, 'METHOD_NOT_ALLOWED');
      expect(r.headers.allow, `${method} ${path}`).toBe(allow);
    }
  });
});

describe('rate limits per client class', () => {
  let limited: App;
  beforeAll(async () => {
    limited = await startApp({
      dataDir: mkdtempSync(join(tmpdir(), 'spr-hard-rate-')),
      port: 0,
      // 20/s and a burst of 40 for each class: small enough for a quick flood to spend it.
      rateLimitPerSecond: 20,
    });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('an unauthenticated flood does not push an authenticated client to 429', async () => {
    const port = limited.server.port;
    let done = false;
    const flood: number[] = [];
    const retryAfter: string[] = [];
    // 8 workers without a token, back to back: far above 3× the 20/s rate.
    const workers = Array.from({ length: 8 }, async () => {
      while (!done) {
        const r = await raw(port, { path: '/api/health' });
        flood.push(r.status);
        if (r.status === 429) {
          retryAfter.push(String(r.headers['retry-after']));
          expect(JSON.parse(r.body).code).toBe('TOO_MANY_REQUESTS');
        }
      }
    });
    const mine: number[] = [];
    // Let the flood spend its bucket first, then 12 authenticated requests ~10 per second.
    while (flood.filter((s) => s === 429).length === 0) await new Promise((r) => setTimeout(r, 10));
    for (let i = 0; i < 12; i++) {
      const r = await raw(port, {
        path: '/api/policy',
        headers: { Authorization: `Bearer ${limited.token}` },
      });
      mine.push(r.status);
      await new Promise((r) => setTimeout(r, 100));
    }
    done = true;
    await Promise.all(workers);
    expect(mine.filter((s) => s === 429)).toEqual([]);
    expect(mine.every((s) => s === 200)).toBe(true);
    expect(flood.filter((s) => s === 429).length).toBeGreaterThan(0);
    for (const v of retryAfter) expect(Number(v)).toBeGreaterThanOrEqual(1);
    for (const v of retryAfter) expect(Number.isInteger(Number(v))).toBe(true);
  });
  it('requests with a wrong token count as unauthenticated', async () => {
    // 120 at once with a wrong token: more than the anonymous bucket holds (40) plus what it can
    // refill meanwhile, so some meet 429; none of them may spend the authenticated bucket.
    const statuses = await Promise.all(
      Array.from({ length: 120 }, () =>
        raw(limited.server.port, {
          path: '/api/policy',
          headers: { Authorization: `Bearer ${'0'.repeat(64)}` },
        }).then((r) => r.status),
      ),
    );
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    const ok = await raw(limited.server.port, {
      path: '/api/policy',
      headers: { Authorization: `Bearer ${limited.token}` },
    });
    expect(ok.status).toBe(200);
  });
});

describe('errors from dispatch', () => {
  let stub: RunningServer;
  let answer: () => Promise<Result<unknown>> = () => Promise.resolve({ ok: true, value: {} });
  beforeAll(async () => {
    const dispatch: Dispatch = () => answer();
    stub = await startHttpServer({ dispatch, token: 't'.repeat(64), port: 0 });
  });
  afterAll(async () => {
    await stub?.close();
  });
  const call = () =>
    raw(stub.port, { method: 'POST', path: '/api/rebalance', ...json('t'.repeat(64), {}) });

  it("the pool's TOO_MANY_REQUESTS is a 429 with Retry-After from its hint, else 1", async () => {
    answer = () =>
      Promise.resolve({
        ok: false,
        error: {
          code: 'TOO_MANY_REQUESTS',
          message: 'the compute pool is full',
          details: [{ path: 'retry_after', message: '2.2' }],
        },
      });
    const a = await call();
    expectError(a, 429, 'TOO_MANY_REQUESTS');
    expect(a.headers['retry-after']).toBe('3');
    answer = () =>
      Promise.resolve({ ok: false, error: { code: 'TOO_MANY_REQUESTS', message: 'full' } });
    const b = await call();
    expectError(b, 429, 'TOO_MANY_REQUESTS');
    expect(b.headers['retry-after']).toBe('1');
  });
  it('a 5xx carries no stack trace, whatever the message or the throw', async () => {
    const e = new Error('boom at /work/src/x.ts');
    answer = () =>
      Promise.resolve({
        ok: false,
        error: {
          code: 'INTERNAL',
          message: e.stack ?? 'x',
          details: [{ path: 'sql', message: 'SELECT * FROM runs' }],
        },
      });
    const a = await call();
    expectError(a, 500, 'INTERNAL');
    expect(JSON.parse(a.body).details).toEqual([]);
    expect(a.body).not.toContain('SELECT');
    answer = () => Promise.reject(e);
    const b = await call();
    expectError(b, 500, 'INTERNAL');
    expect(JSON.parse(b.body).error).toBe('internal error');
  });
});

describe('OpenAPI lists every status a route can return', () => {
  type Doc = {
    paths: Record<
      string,
      Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>
    >;
  };
  let doc: Doc;
  beforeAll(async () => {
    doc = JSON.parse((await raw(app.server.port, { path: '/api/openapi.json' })).body) as Doc;
  });
  const statuses = (path: string, method: string) =>
    Object.keys(doc.paths[path]?.[method]?.responses ?? {}).sort();

  it('every operation: 400, 403, 405, 429 and 500; 401 with auth; 413/415 with a body', () => {
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const s = Object.keys(op.responses);
        for (const c of ['200', '400', '403', '405', '429', '500'])
          expect(s, `${method} ${path}`).toContain(c);
        expect(s.includes('401'), `${method} ${path}`).toBe(path !== '/api/health');
        expect(s.includes('415'), `${method} ${path}`).toBe(method !== 'get');
        // 413 on a GET only where the operation computes on the pool (a thread out of memory).
        const onPool = ['/performance', '/frontier'].some((end) => path.endsWith(end));
        expect(s.includes('413'), `${method} ${path}`).toBe(method !== 'get' || onPool);
        expect(op.responses['429']?.headers).toHaveProperty('Retry-After');
        expect(op.responses['405']?.headers).toHaveProperty('Allow');
      }
    }
  });
  it('404 on routes with ids, 422 where the data or the optimizer can stop a run', () => {
    expect(statuses('/api/runs/{run_id}', 'get')).toContain('404');
    expect(statuses('/api/portfolios/{portfolio_id}', 'get')).toContain('404');
    expect(statuses('/api/runs/{run_id}/approve', 'post')).toEqual(
      expect.arrayContaining(['404', '409']),
    );
    expect(statuses('/api/rebalance', 'post')).toEqual(expect.arrayContaining(['404', '422']));
    expect(statuses('/api/runs/{run_id}/performance', 'get')).toContain('422');
    expect(statuses('/api/runs/{run_id}/frontier', 'get')).toContain('422');
    expect(statuses('/api/health', 'get')).not.toContain('404');
    expect(statuses('/api/health', 'get')).not.toContain('422');
  });
  it('documents each status this suite observes', async () => {
    const seen: [string, string, number][] = [
      ['/api/runs/{run_id}', 'get', 404],
      ['/api/runs/{run_id}', 'get', 400],
      ['/api/portfolios', 'post', 400],
      ['/api/rebalance', 'post', 405],
      ['/api/health', 'get', 429],
    ];
    const perf = await raw(app.server.port, {
      method: 'POST',
      path: '/api/rebalance',
      ...json(app.token, seed),
    });
    const runId = (JSON.parse(perf.body) as { run_id: string }).run_id;
    // The seed request has no price_history: performance answers 422 DATA_BLOCKED.
    const p = await raw(app.server.port, {
      path: `/api/runs/${runId}/performance`,
      headers: auth(),
    });
    expectError(p, 422, 'DATA_BLOCKED');
    seen.push(['/api/runs/{run_id}/performance', 'get', 422]);
    for (const [path, method, status] of seen)
      expect(statuses(path, method), `${method} ${path}`).toContain(String(status));
  });
});
