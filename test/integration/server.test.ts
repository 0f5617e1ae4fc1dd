import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/server/app';
import { openApiText } from '../../src/cli/openapi';
import { loadOrCreateToken } from '../../src/server/token';
import { json, raw, stripVolatile } from '../support/http';

const scenarios = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../resources/scenarios.json'), 'utf8'),
) as { scenarios: { name: string; request: Record<string, unknown> }[] };
const lehman = scenarios.scenarios.find((s) => s.name.startsWith('Autumn 2008'))!.request;
const seed = scenarios.scenarios[0]!.request;

let app: App;
let small: App;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'spr-http-'));
  app = await startApp({ dataDir, port: 0 });
  small = await startApp({
    dataDir: mkdtempSync(join(tmpdir(), 'spr-http-small-')),
    port: 0,
    maxBodyBytes: 4096,
  });
});
afterAll(async () => {
  await app?.close();
  await small?.close();
});

describe('token', () => {
  it('is 256 random bits stored 0600 in the data dir', () => {
    const file = join(dataDir, 'api-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(app.token);
    expect(app.token).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
  it('is reused on the next start', () => {
    expect(loadOrCreateToken(dataDir)).toBe(app.token);
  });
});

describe('security', () => {
  const port = () => app.server.port;
  it('health is open and carries no portfolio data', async () => {
    const r = await raw(port(), { path: '/api/health' });
    expect(r.status).toBe(200);
    const b = JSON.parse(r.body);
    expect(b).toMatchObject({ status: 'ok', service: 'smart-portfolio-rebalancer' });
    expect(typeof b.version).toBe('string');
    expect(Number.isNaN(Date.parse(b.metadata.timestamp_utc))).toBe(false);
  });
  it('401 without or with a wrong token', async () => {
    const body = JSON.stringify(seed);
    const a = await raw(port(), {
      method: 'POST',
      path: '/api/rebalance',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(a.status).toBe(401);
    expect(JSON.parse(a.body).code).toBe('UNAUTHORIZED');
    const b = await raw(port(), {
      method: 'POST',
      path: '/api/rebalance',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${'0'.repeat(64)}` },
      body,
    });
    expect(b.status).toBe(401);
    const c = await raw(port(), { path: '/api/preview-scenarios' });
    expect(c.status).toBe(401);
  });
  it('403 for a foreign Host (DNS rebinding) even with the right token', async () => {
    for (const host of [
      'evil.example:80',
      `evil.example:${port()}`,
      '127.0.0.1:1',
      `127.0.0.1.nip.io:${port()}`,
    ]) {
      const r = await raw(port(), {
        path: '/api/preview-scenarios',
        headers: { Host: host, Authorization: `Bearer ${app.token}` },
      });
      expect(r.status, host).toBe(403);
    }
    const ok = await raw(port(), { path: '/api/health', headers: { Host: `localhost:${port()}` } });
    expect(ok.status).toBe(200);
  });
  it('403 for a foreign Origin, before the body is read', async () => {
    const r = await raw(port(), {
      method: 'POST',
      path: '/api/rebalance',
      ...json(app.token, seed),
      headers: { ...json(app.token, seed).headers, Origin: 'https://evil.example' },
    });
    expect(r.status).toBe(403);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    const same = await raw(port(), {
      path: '/api/health',
      headers: { Origin: `http://127.0.0.1:${port()}` },
    });
    expect(same.status).toBe(200);
    expect(same.headers['access-control-allow-origin']).toBeUndefined();
  });
  it('413 when the body is over the limit (declared or streamed)', async () => {
    const big = JSON.stringify({ ...seed, pad: 'x'.repeat(10_000) });
    const r = await raw(small.server.port, {
      method: 'POST',
      path: '/api/rebalance',
      ...json(small.token, {}),
      body: big,
    });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).code).toBe('PAYLOAD_TOO_LARGE');
  });
  it('404 and 405 are JSON', async () => {
    const a = await raw(port(), {
      path: '/api/nope',
      headers: { Authorization: `Bearer ${app.token}` },
    });
    expect(a.status).toBe(404);
    expect(a.headers['content-type']).toContain('application/json');
    const b = await raw(port(), {
      method: 'DELETE',
      path: '/api/rebalance',
      headers: { Authorization: `Bearer ${app.token}` },
    });
    expect(b.status).toBe(405);
    expect(b.headers.allow).toBe('POST');
    expect(JSON.parse(b.body).code).toBe('METHOD_NOT_ALLOWED');
  });
  it('415 for a wrong content type, 400 for malformed JSON, never HTML or a stack', async () => {
    const a = await raw(port(), {
      method: 'POST',
      path: '/api/rebalance',
      headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(a.status).toBe(415);
    const b = await raw(port(), {
      method: 'POST',
      path: '/api/rebalance',
      ...json(app.token, {}),
      body: '{"assets": [',
    });
    expect(b.status).toBe(400);
    const body = JSON.parse(b.body);
    expect(body.error).toBe('malformed JSON');
    expect(body.metadata.timestamp_utc).toBeTypeOf('string');
    for (const r of [a, b]) {
      expect(r.headers['content-type']).toContain('application/json');
      expect(r.body).not.toMatch(/<html|\n\s+at |node_modules|\/src\//i);
    }
  });
  it('400 lists every problem with its path, keeping the seed shape', async () => {
    const bad = {
      portfolio_value: -5,
      drift_threshold: 0.9,
      assets: [
        { asset: 'A', target_weight: 0.5, current_weight: 0.5, price: -1 },
        {
          asset: 'A',
          target_weight: 2,
          current_weight: 0.5,
          price: 10,
          historical_returns: [0.01, -2],
        },
      ],
    };
    const r = await raw(port(), {
      method: 'POST',
      path: '/api/rebalance',
      ...json(app.token, bad),
    });
    expect(r.status).toBe(400);
    const b = JSON.parse(r.body);
    expect(typeof b.error).toBe('string');
    expect(b.metadata).toBeTypeOf('object');
    const paths = (b.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(
      expect.arrayContaining([
        'portfolio_value',
        'drift_threshold',
        'assets.0.price',
        'assets.1.target_weight',
        'assets.1.historical_returns.1',
      ]),
    );
  });
  it('a body that is not an object is a 400, not a 500', async () => {
    for (const body of ['[]', 'null', '42', '"x"']) {
      const r = await raw(port(), {
        method: 'POST',
        path: '/api/rebalance',
        ...json(app.token, {}),
        body,
      });
      expect(r.status, body).toBe(400);
    }
  });
});

describe('rebalance over HTTP', () => {
  it('gives byte-identical outputs for the same input (timestamps aside)', async () => {
    const one = await raw(app.server.port, {
      method: 'POST',
      path: '/api/rebalance',
      ...json(app.token, lehman),
    });
    const two = await raw(app.server.port, {
      method: 'POST',
      path: '/api/rebalance',
      ...json(app.token, lehman),
    });
    expect(one.status).toBe(200);
    // run_id names the stored run (a new one each time); the timestamp and the agent step
    // timings are wall-clock readings.
    const strip = (s: string) =>
      s
        .replace(/"timestamp_utc":"[^"]*"/g, '"timestamp_utc":""')
        .replace(/"(started_at|ended_at)":"[^"]*"/g, '"$1":""')
        .replace(/"duration_ms":[0-9.e+-]+/g, '"duration_ms":0')
        .replace(/"run_id":"[^"]*"/, '"run_id":""');
    expect(strip(two.body)).toBe(strip(one.body));
  });
  it('matches in-process dispatch exactly', async () => {
    const http = await raw(app.server.port, {
      method: 'POST',
      path: '/api/rebalance',
      ...json(app.token, lehman),
    });
    const direct = await app.dispatch('rebalance', JSON.parse(JSON.stringify(lehman)), {
      actor: 't',
      transport: 'inprocess',
    });
    expect(direct.ok).toBe(true);
    expect(stripVolatile(http.body)).toEqual(
      stripVolatile(JSON.stringify(direct.ok ? direct.value : null)),
    );
  });
  it('serves the OpenAPI document, equal to the committed copy', async () => {
    const r = await raw(app.server.port, { path: '/api/openapi.json' });
    expect(r.status).toBe(200);
    const committed = readFileSync(
      join(import.meta.dirname, '../../resources/openapi.json'),
      'utf8',
    );
    expect(openApiText()).toBe(committed);
    expect(JSON.parse(r.body)).toEqual(JSON.parse(committed));
  });
});
