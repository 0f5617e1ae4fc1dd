/**
 * The HTTP path for large bodies and answers (services/textDispatch.ts; issue #10): a run's body
 * is parsed, validated, computed and serialized on a pool worker, an import's large answer
 * fields come back as JSON text. What a caller gets must be what the parsed-input path
 * (dispatch, used by IPC and in-process callers) gives: the same bytes apart from the run's
 * id and clock, the same errors, the same stored rows.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { benchRequest } from '../../bench/data';
import { startApp, type App } from '../../src/server/app';
import { PARTS_THRESHOLD } from '../../src/store/runParts';
import { json, raw } from '../support/http';

const root = join(import.meta.dirname, '../..');
const scenarios = (
  JSON.parse(readFileSync(join(root, 'resources/scenarios.json'), 'utf8')) as {
    scenarios: { name: string; request: Record<string, unknown> }[];
  }
).scenarios;
const request = scenarios[0]!.request;

let app: App;
beforeAll(async () => {
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'spr-text-')), port: 0 });
});
afterAll(async () => {
  await app.close();
});

const post = (path: string, body: unknown) =>
  raw(app.server.port, { method: 'POST', path, ...json(app.token, body) });
const ctx = { actor: 'local-api', transport: 'inprocess' as const };

/** Keys whose values are measurements or identities, different in every run of one request. */
const VARYING = new Set([
  'run_id',
  'timestamp_utc',
  'started_at',
  'ended_at',
  'duration_ms',
  'total_duration_ms',
  'steps_duration_ms',
  'solve_time_ms',
]);

/** The JSON text again, key order kept, with every VARYING value blanked. */
function stable(text: string): string {
  return JSON.stringify(JSON.parse(text), (k, v: unknown) => (VARYING.has(k) ? '-' : v));
}

describe('text dispatch over HTTP', () => {
  it.each([
    ['rebalance', '/api/rebalance'],
    ['tandemDemo', '/api/multi-agent/tandem-demo'],
    ['copilotInsights', '/api/ai-copilot/insights'],
  ])('%s: the same answer as dispatch, and the same stored run', async (op, path) => {
    const http = await post(path, request);
    expect(http.status).toBe(200);
    const direct = await app.dispatch(op, request, ctx);
    expect(direct.ok).toBe(true);
    expect(stable(http.body)).toBe(stable(JSON.stringify(direct.ok && direct.value)));
    const a = app.store.runs.get((JSON.parse(http.body) as { run_id: string }).run_id)!;
    const b = app.store.runs.get((direct as { value: { run_id: string } }).value.run_id)!;
    expect(a.input_json).toBe(b.input_json);
    expect(a.input_hash).toBe(b.input_hash);
    expect(stable(a.output_json)).toBe(stable(b.output_json));
    expect(a.kind).toBe(b.kind);
    expect(Number(http.headers['content-length'])).toBe(Buffer.byteLength(http.body));
  });

  it('a run past 2 Mi characters is stored in parts, read back and verified whole', async () => {
    const big = benchRequest(400, 250);
    const http = await post('/api/rebalance', big);
    expect(http.status).toBe(200);
    const { run_id } = JSON.parse(http.body) as { run_id: string };
    const stored = app.store.runs.get(run_id)!;
    expect(stored.input_json.length + stored.output_json.length).toBeGreaterThan(PARTS_THRESHOLD);
    const db = (app.store.runs as unknown as { db: Database.Database }).db;
    const row = db.prepare('SELECT text_id FROM runs WHERE run_id = ?').get(run_id) as {
      text_id: string | null;
    };
    expect(row.text_id).toMatch(/^[0-9a-f]{32}$/);
    // The stored output is the answer without its run_id, canonical JSON (keys sorted).
    const answer = JSON.parse(http.body) as Record<string, unknown>;
    delete answer.run_id;
    expect(JSON.parse(stored.output_json)).toEqual(answer);
    const got = await raw(app.server.port, {
      method: 'GET',
      path: `/api/runs/${run_id}`,
      headers: { authorization: `Bearer ${app.token}` },
    });
    expect(got.status).toBe(200);
    expect((JSON.parse(got.body) as { output: unknown }).output).toEqual({ run_id, ...answer });
    expect((await app.store.audit.verifyAsync()).ok).toBe(true);
  });

  it('refuses a bad body with the errors dispatch gives, and saves nothing', async () => {
    const before = app.store.runs.list({ limit: 500 }).items.length;
    const bad = { ...request, drift_threshold: -1, assets: 'x' };
    const http = await post('/api/rebalance', bad);
    const direct = await app.dispatch('rebalance', bad, ctx);
    expect(http.status).toBe(400);
    const body = JSON.parse(http.body) as { code: string; details: unknown; error: string };
    expect(direct.ok).toBe(false);
    if (direct.ok) return;
    expect(body.code).toBe(direct.error.code);
    expect(body.details).toEqual(direct.error.details);
    expect(body.error).toBe(direct.error.message);
    const notJson = await raw(app.server.port, {
      method: 'POST',
      path: '/api/rebalance',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${app.token}` },
      body: '{"assets":',
    });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toMatchObject({ details: [{ path: '(body)' }] });
    expect(app.store.runs.list({ limit: 500 }).items.length).toBe(before);
  });

  it('an unknown portfolio_id is 404 naming it, with no run saved', async () => {
    const before = app.store.runs.list({ limit: 500 }).items.length;
    const r = await post('/api/rebalance', { ...request, portfolio_id: 'nope' });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toMatchObject({ details: [{ path: 'portfolio_id' }] });
    expect(app.store.runs.list({ limit: 500 }).items.length).toBe(before);
  });

  it('imports: the same answers as dispatch, large fields spliced from the worker', async () => {
    const content = readFileSync(join(root, 'test/fixtures/pypfopt_stock_prices.csv'), 'utf8');
    const prices = {
      filename: 'p.csv',
      format: 'csv',
      content,
      symbols: ['AAPL', 'AMZN', 'BABA'],
      date_policy: 'own_range',
      allow_duplicate: true,
    };
    const http = await post('/api/import/prices', prices);
    expect(http.status).toBe(200);
    const direct = await app.dispatch('importPrices', prices, ctx);
    expect(http.body).toBe(JSON.stringify(direct.ok && direct.value));
    const csv =
      'asset,asset_class,quantity,price,target_weight\nA,ETF,10,100,0.5\nB,Stocks,5,200,0.5\n';
    const portfolio = {
      filename: 'book.csv',
      format: 'csv',
      content: csv,
      name: 'Book',
      allow_duplicate: true,
    };
    const p1 = await post('/api/import/portfolio', portfolio);
    expect(p1.status).toBe(200);
    const p2 = await app.dispatch('importPortfolio', portfolio, ctx);
    const strip = (t: string) => t.replace(/"portfolio_id":"[^"]+"/g, '"portfolio_id":"-"');
    expect(strip(p1.body)).toBe(strip(JSON.stringify(p2.ok && p2.value)));
  });
});
