/**
 * Issue #13, item 1 over HTTP: models, accounts and the price library — CRUD, 400 naming each
 * field, 404, 409 on a stale version, the import of 3 accounts × positions from CSV, the price
 * library import (real closes from Riskfolio-Lib's fixture, test/fixtures/README.md) and an
 * account's rebalance request posted to /api/rebalance (200).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/server/app';
import { json, raw } from '../support/http';

const root = join(import.meta.dirname, '../..');
const lines = readFileSync(join(root, 'test/fixtures/riskfolio_stock_prices.csv'), 'utf8')
  .trim()
  .split('\n');
// The last 300 dates (2018-10-… .. 2019-12-27), and the 200 before them for the re-import.
const header = lines[0] as string;
const recent = [header, ...lines.slice(-300)].join('\n');
const older = [header, ...lines.slice(-500, -300)].join('\n');
const accountsCsv = readFileSync(join(root, 'test/fixtures/import/accounts.csv'), 'utf8');

let app: App;
const post = (path: string, body: unknown) =>
  raw(app.server.port, { method: 'POST', path, ...json(app.token, body) });
const get = (path: string) =>
  raw(app.server.port, { path, headers: { Authorization: `Bearer ${app.token}` } });
const body = <T = Record<string, unknown>>(r: { body: string }) => JSON.parse(r.body) as T;
const paths = (r: { body: string }) =>
  body<{ details: { path: string }[] }>(r).details.map((d) => d.path);

const growth = {
  targets: [
    { asset: 'SPY', asset_class: 'ETF', target_weight: 0.5 },
    { asset: 'JPM', asset_class: 'Stocks', target_weight: 0.3 },
    { asset: 'AMZN', asset_class: 'Stocks', target_weight: 0.2 },
  ],
  drift_threshold: 0.03,
  rebalance_to: 'target',
};

beforeAll(async () => {
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'spr-models-')), port: 0 });
});
afterAll(async () => {
  await app?.close();
});

describe('models over HTTP', () => {
  it('create, new version with expected_version, 409 stale, read a version, 404', async () => {
    const c = await post('/api/models', { model_id: 'growth', name: 'Growth', content: growth });
    expect(c.status).toBe(200);
    expect(body(c)).toMatchObject({ model_id: 'growth', version: 1 });
    const again = await post('/api/models', { model_id: 'growth', name: 'G', content: growth });
    expect(again.status).toBe(409);
    const v2 = await post('/api/models', {
      model_id: 'growth',
      name: 'Growth',
      expected_version: 1,
      content: { ...growth, drift_threshold: 0.05 },
    });
    expect(v2.status).toBe(200);
    expect(body(v2)).toMatchObject({ version: 2, content: { drift_threshold: 0.05 } });
    const stale = await post('/api/models', {
      model_id: 'growth',
      name: 'Growth',
      expected_version: 1,
      content: growth,
    });
    expect(stale.status).toBe(409);
    expect(paths(stale)).toEqual(['expected_version']);
    const v1 = await get('/api/models/growth?version=1');
    expect(body(v1)).toMatchObject({ version: 1, content: { drift_threshold: 0.03 } });
    expect(body<{ versions: unknown[] }>(v1).versions).toHaveLength(2);
    expect((await get('/api/models/nope')).status).toBe(404);
    expect((await get('/api/models/growth?version=9')).status).toBe(404);
    const list = body<{ models: { model_id: string }[] }>(await get('/api/models'));
    expect(list.models.map((m) => m.model_id)).toEqual(['growth']);
  });

  it('400 names every field: targets not summing to 1, a band out of range, a missing setting', async () => {
    const r = await post('/api/models', {
      name: ' ',
      content: {
        targets: [{ asset: 'SPY', target_weight: 0.9 }],
        drift_threshold: 2,
        method: 'efficient_risk',
      },
    });
    expect(r.status).toBe(400);
    // Every problem at once: the range, the blank name, the sum and the method's required setting.
    expect(paths(r).sort()).toEqual([
      'content.drift_threshold',
      'content.target_volatility',
      'content.targets',
      'name',
    ]);
    const r2 = await post('/api/models', {
      name: 'Bad',
      content: { targets: [{ asset: 'SPY', target_weight: 0.9 }], method: 'efficient_risk' },
    });
    expect(r2.status).toBe(400);
    expect(paths(r2).sort()).toEqual(['content.target_volatility', 'content.targets']);
  });
});

describe('price library over HTTP', () => {
  it('imports series once, lists them, and a re-import extends by a new version', async () => {
    const r = await post('/api/price-library/import', {
      filename: 'riskfolio_recent.csv',
      format: 'csv',
      content: recent,
    });
    expect(r.status).toBe(200);
    const b = body<{ ok: boolean; series: { symbol: string; action: string; count: number }[] }>(r);
    expect(b.ok).toBe(true);
    expect(b.series).toHaveLength(11);
    expect(b.series.every((s) => s.action === 'created' && s.count === 300)).toBe(true);
    const same = await post('/api/price-library/import', {
      filename: 'again.csv',
      format: 'csv',
      content: recent,
    });
    expect(body<typeof b>(same).series.every((s) => s.action === 'unchanged')).toBe(true);
    const ext = await post('/api/price-library/import', {
      filename: 'riskfolio_older.csv',
      format: 'csv',
      content: older,
      symbols: ['SPY'],
    });
    expect(body(ext)).toMatchObject({
      ok: true,
      series: [{ symbol: 'SPY', action: 'extended', version: 2, count: 500, added_dates: 200 }],
    });
    const lib = body<{ series: { symbol: string; version: number; last_date: string }[] }>(
      await get('/api/price-library'),
    );
    expect(lib.series).toHaveLength(11);
    expect(lib.series.find((s) => s.symbol === 'SPY')).toMatchObject({
      version: 2,
      last_date: '2019-12-27',
    });
  });
});

describe('accounts over HTTP', () => {
  it('imports 3 accounts × positions from CSV; re-import is unchanged; listing by model', async () => {
    const file = { filename: 'accounts.csv', format: 'csv', content: accountsCsv };
    const r = await post('/api/accounts/import', { ...file, model_id: 'growth' });
    expect(r.status).toBe(200);
    expect(body(r)).toMatchObject({
      ok: true,
      report: { kind: 'accounts', rows_read: 7, rows_accepted: 7, rejected_count: 0 },
      accounts: [
        {
          account_id: 'ACC-001',
          name: 'Smith family',
          model_id: 'growth',
          action: 'created',
          version: 1,
          positions: 3,
          cash: 2500,
        },
        {
          account_id: 'ACC-002',
          name: 'Jones pension',
          action: 'created',
          positions: 2,
          cash: 900,
        },
        { account_id: 'ACC-003', name: 'Lee trust', model_id: 'growth', positions: 2, cash: 15000 },
      ],
    });
    const again = await post('/api/accounts/import', { ...file, model_id: 'growth' });
    expect(body<{ accounts: { action: string }[] }>(again).accounts.map((a) => a.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    const acc = body(await get('/api/accounts/ACC-002'));
    expect(acc).toMatchObject({
      version: 1,
      model_id: 'growth',
      content: {
        cash: 900,
        currency: 'USD',
        positions: [
          { asset: 'SPY', asset_class: 'ETF', quantity: 40, price: 321.86 },
          { asset: 'MO', asset_class: 'Stocks', quantity: 200 },
        ],
      },
    });
    const listed = body<{ accounts: { account_id: string }[] }>(
      await get('/api/accounts?model_id=growth'),
    );
    expect(listed.accounts.map((a) => a.account_id).sort()).toEqual([
      'ACC-001',
      'ACC-002',
      'ACC-003',
    ]);
  });

  it('a file with bad rows saves nothing and names each line and column', async () => {
    const bad = [
      'account_id,asset,quantity,cash,model_id',
      'ACC-9,SPY,ten,,',
      'ACC-9,JPM,5,100,',
      'ACC-9,MO,5,200,',
      'bad id!,SPY,1,,',
      'ACC-8,SPY,1,,nomodel',
    ].join('\n');
    const r = await post('/api/accounts/import', {
      filename: 'bad.csv',
      format: 'csv',
      content: bad,
    });
    expect(r.status).toBe(200);
    const b = body<{ ok: boolean; report: { rejected: { line: number; column: string }[] } }>(r);
    expect(b.ok).toBe(false);
    expect(b.report.rejected.map((x) => [x.line, x.column])).toEqual([
      [2, 'quantity'],
      [4, 'cash'],
      [5, 'account_id'],
    ]);
    // The file's own rows pass; the unknown model is found against the store.
    const r2 = await post('/api/accounts/import', {
      filename: 'bad2.csv',
      format: 'csv',
      content: 'account_id,asset,quantity,model_id\nACC-8,SPY,1,nomodel',
    });
    expect(body(r2)).toMatchObject({
      ok: false,
      accounts: [],
      report: {
        rejected: [{ line: 2, column: 'model_id', message: 'account ACC-8: no model nomodel' }],
      },
    });
    expect((await get('/api/accounts/ACC-8')).status).toBe(404);
  });

  it('save with 400/404/409, and assign to a model as a new audited version', async () => {
    const content = { cash: 1000, positions: [{ asset: 'SPY', quantity: 10 }] };
    const bad = await post('/api/accounts', {
      account_id: 'ACC-010',
      name: 'New',
      content: {
        cash: -1,
        positions: [
          { asset: 'SPY', quantity: -3 },
          { asset: 'SPY', quantity: 1 },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(paths(bad).sort()).toEqual([
      'content.cash',
      'content.positions.0.quantity',
      'content.positions.1.asset',
    ]);
    const unknownModel = await post('/api/accounts', {
      account_id: 'ACC-010',
      name: 'New',
      model_id: 'nope',
      content,
    });
    expect(unknownModel.status).toBe(404);
    const c = await post('/api/accounts', { account_id: 'ACC-010', name: 'New', content });
    expect(body(c)).toMatchObject({ version: 1, model_id: null });
    expect(
      (await post('/api/accounts', { account_id: 'ACC-010', name: 'New', content })).status,
    ).toBe(409);
    const a = await post('/api/accounts/ACC-010/assign', {
      model_id: 'growth',
      expected_version: 1,
    });
    expect(a.status).toBe(200);
    expect(body(a)).toMatchObject({ version: 2, model_id: 'growth', content: { cash: 1000 } });
    const stale = await post('/api/accounts/ACC-010/assign', {
      model_id: null,
      expected_version: 1,
    });
    expect(stale.status).toBe(409);
    expect((await post('/api/accounts/ACC-999/assign', { model_id: 'growth' })).status).toBe(404);
    expect((await post('/api/accounts/ACC-010/assign', { model_id: 'nope' })).status).toBe(404);
    const events = body<{ events: { action: string; subject: string }[] }>(
      await get('/api/audit?limit=1000'),
    ).events.filter((e) => e.subject === 'ACC-010');
    expect(events.map((e) => e.action)).toEqual(['account.created', 'account.assigned']);
  });

  it("an account's rebalance request, posted to /api/rebalance, answers 200", async () => {
    const r = await get('/api/accounts/ACC-001/rebalance-request?history_days=250');
    expect(r.status).toBe(200);
    const req = body<{
      portfolio_value: number;
      as_of: string;
      assets: { asset: string; target_weight: number; current_weight: number; price: number }[];
      price_history: { dates: string[] };
    }>(r);
    expect(req.as_of).toBe('2019-12-27');
    expect(req.price_history.dates).toHaveLength(250);
    expect(req.assets.map((a) => [a.asset, a.target_weight])).toEqual([
      ['SPY', 0.5],
      ['JPM', 0.3],
      ['AMZN', 0.2],
    ]);
    // V = Σ quantity × last close + cash (2019-12-27 closes of the fixture)
    const value = req.assets.reduce((s, a) => s + a.current_weight * req.portfolio_value, 0);
    expect(value + 2500).toBeCloseTo(req.portfolio_value, 6);
    const spy = req.assets[0]!;
    expect(spy.current_weight * req.portfolio_value).toBeCloseTo(120 * spy.price, 6);
    const run = await post('/api/rebalance', req);
    expect(run.status).toBe(200);
    expect(body(run)).toHaveProperty('run_id');
  });

  it('409 names an asset without library history, and an account without a model', async () => {
    await post('/api/accounts', {
      account_id: 'ACC-011',
      name: 'Odd',
      model_id: 'growth',
      content: {
        cash: 0,
        positions: [
          { asset: 'XYZ', quantity: 1 },
          { asset: 'SPY', quantity: 1 },
        ],
      },
    });
    const r = await get('/api/accounts/ACC-011/rebalance-request');
    expect(r.status).toBe(409);
    expect(paths(r)).toEqual(['library.XYZ']);
    await post('/api/accounts', {
      account_id: 'ACC-012',
      name: 'Free',
      content: { positions: [] },
    });
    const free = await get('/api/accounts/ACC-012/rebalance-request');
    expect(free.status).toBe(409);
    expect(paths(free)).toEqual(['model_id']);
  });

  it('verify checks every new row and finds the store intact', async () => {
    const v = body<{ ok: boolean; problems: unknown[] }>(await get('/api/audit/verify'));
    expect(v).toMatchObject({ ok: true, problems: [] });
  });
});
