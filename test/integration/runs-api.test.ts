import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/server/app';
import { json, raw } from '../support/http';

const root = join(import.meta.dirname, '../..');
const scenarios = (
  JSON.parse(readFileSync(join(root, 'resources/scenarios.json'), 'utf8')) as {
    scenarios: { name: string; request: Record<string, unknown> }[];
  }
).scenarios;
const lehman = scenarios.find((s) => s.name.startsWith('Autumn 2008'))!.request;
const seed = scenarios.find((s) => s.name === 'Risk-Off Shock')!.request;

let app: App;
const get = (path: string) =>
  raw(app.server.port, { path, headers: { Authorization: `Bearer ${app.token}` } });
const post = (path: string, body: unknown) =>
  raw(app.server.port, { method: 'POST', path, ...json(app.token, body) });
const body = <T = Record<string, unknown>>(r: { body: string }) => JSON.parse(r.body) as T;

beforeAll(async () => {
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'spr-runs-')), port: 0 });
});
afterAll(async () => {
  await app?.close();
});

describe('runs over HTTP', () => {
  let a = '';
  let b = '';
  it('POST /api/rebalance saves the run and returns run_id', async () => {
    const r1 = await post('/api/rebalance', lehman);
    const r2 = await post('/api/rebalance', { ...lehman, turnover_limit: 0.03 });
    expect(r1.status).toBe(200);
    expect(r2.status).toBe(200);
    a = body<{ run_id: string }>(r1).run_id;
    b = body<{ run_id: string }>(r2).run_id;
    expect(a).toMatch(/^[0-9A-Z]{26}$/);
    expect(b).not.toBe(a);
  });
  it('lists runs newest first and pages with a cursor', async () => {
    await post('/api/rebalance', seed);
    const all = body<{ runs: { run_id: string; kind: string }[]; next_cursor: string | null }>(
      await get('/api/runs'),
    );
    expect(all.runs.length).toBe(3);
    expect(all.runs[1]!.run_id).toBe(b);
    expect(all.runs[2]!.run_id).toBe(a);
    expect(all.next_cursor).toBeNull();
    const p1 = body<{ runs: { run_id: string }[]; next_cursor: string }>(
      await get('/api/runs?limit=2'),
    );
    expect(p1.runs).toHaveLength(2);
    const p2 = body<{ runs: { run_id: string }[]; next_cursor: string | null }>(
      await get(`/api/runs?limit=2&cursor=${encodeURIComponent(p1.next_cursor)}`),
    );
    expect(p2.runs.map((r) => r.run_id)).toEqual([a]);
    expect(p2.next_cursor).toBeNull();
    expect((await get('/api/runs?kind=copilot')).status).toBe(200);
    expect((await get('/api/runs?limit=0')).status).toBe(400);
    expect((await get('/api/runs?cursor=garbage')).status).toBe(400);
  });
  it('gets a run with its full input and output', async () => {
    const r = body<{
      run_id: string;
      input: { turnover_limit: number };
      output: { run_id: string; trades: unknown[] };
      engine_version: string;
    }>(await get(`/api/runs/${a}`));
    expect(r.output.run_id).toBe(a);
    expect(r.input.turnover_limit).toBe(0.2);
    expect(r.output.trades).toHaveLength(6);
    expect((await get('/api/runs/NOPE')).status).toBe(404);
  });
  it('replays a run to a byte-identical output', async () => {
    const r = await post(`/api/runs/${a}/replay`, {});
    expect(r.status).toBe(200);
    expect(body(r)).toMatchObject({ run_id: a, identical: true, differences: [] });
  });
  it('compares two runs and explains the difference', async () => {
    const r = body<{
      same_input: boolean;
      input_changes: { path: string }[];
      explanations: string[];
      trade_changes: unknown[];
    }>(await get(`/api/runs/compare?a=${a}&b=${b}`));
    expect(r.same_input).toBe(false);
    expect(r.input_changes).toEqual([{ path: 'turnover_limit', a: 0.2, b: 0.03 }]);
    expect(r.explanations.join(' ')).toMatch(/turnover cap changed.*0\.2 → 0\.03/);
    expect(r.trade_changes.length).toBeGreaterThan(0);
  });
  it('exports the trade list as CSV', async () => {
    const r = await get(`/api/runs/${a}/trades.csv`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/csv');
    const lines = r.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'security,asset,asset_class,action,trade_units,price,lot_size,trade_value,signed_trade_value,estimated_cost,status,reason',
    );
    expect(lines).toHaveLength(7);
    const run = body<{ output: { trades: { asset: string; trade_units: number }[] } }>(
      await get(`/api/runs/${a}`),
    );
    // One line per security; these assets have no holdings, so each is its own security.
    expect(lines[1]!.split(',')[0]).toBe(run.output.trades[0]!.asset);
    expect(Number(lines[1]!.split(',')[4])).toBe(run.output.trades[0]!.trade_units);
  });
});

describe('audit over HTTP', () => {
  it('lists run.created events and verifies the chain', async () => {
    const ev = body<{ events: { seq: number; action: string; hash: string; prev_hash: string }[] }>(
      await get('/api/audit?after_seq=0&limit=100'),
    );
    const created = ev.events.filter((e) => e.action === 'run.created');
    expect(created.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < ev.events.length; i++)
      expect(ev.events[i]!.prev_hash).toBe(ev.events[i - 1]!.hash);
    const v = body(await get('/api/audit/verify'));
    expect(v).toMatchObject({ ok: true, first_bad_seq: null });
    expect(v.events).toBe(ev.events.length);
  });
});

describe('portfolios and import over HTTP', () => {
  const holdings = readFileSync(join(root, 'test/fixtures/import/holdings.csv'), 'utf8');
  let pid = '';
  it('imports a portfolio file all-or-nothing and saves it as a portfolio', async () => {
    const r = await post('/api/import/portfolio', {
      filename: 'holdings.csv',
      format: 'csv',
      content: holdings,
      name: 'Imported book',
    });
    expect(r.status).toBe(200);
    const b = body<{
      ok: boolean;
      report: { rows_read: number; rows_accepted: number; content_hash: string };
      portfolio: { portfolio_id: string; version: number } | null;
    }>(r);
    expect(b.ok).toBe(true);
    expect(b.report.rows_accepted).toBe(b.report.rows_read);
    expect(b.portfolio).not.toBeNull();
    pid = b.portfolio!.portfolio_id;
    expect(b.portfolio!.version).toBe(1);
    const list = body<{ portfolios: { portfolio_id: string; name: string }[] }>(
      await get('/api/portfolios'),
    );
    expect(list.portfolios.map((p) => p.name)).toContain('Imported book');
    const saved = body<{ content: { assets: { asset: string }[]; portfolio_value: number } }>(
      await get(`/api/portfolios/${pid}`),
    );
    expect(saved.content.assets.map((x) => x.asset)).toContain('Equity ETFs');
    expect(saved.content.portfolio_value).toBeGreaterThan(0);
  });
  it('detects a re-import of the same bytes and does not save it again', async () => {
    const r = body<{ ok: boolean; duplicate_of: { filename: string } | null; portfolio: unknown }>(
      await post('/api/import/portfolio', {
        filename: 'again.csv',
        format: 'csv',
        content: holdings,
      }),
    );
    expect(r.duplicate_of?.filename).toBe('holdings.csv');
    expect(r.portfolio).toBeNull();
  });
  it('rejects a broken file with a report and saves nothing', async () => {
    const before = body<{ portfolios: unknown[] }>(await get('/api/portfolios')).portfolios.length;
    const content = readFileSync(join(root, 'test/fixtures/import/portfolio_broken.csv'), 'utf8');
    const r = body<{
      ok: boolean;
      report: { rejected: { line: number; reason_code: string }[]; rows_accepted: number };
      portfolio: unknown;
    }>(await post('/api/import/portfolio', { filename: 'broken.csv', format: 'csv', content }));
    expect(r.ok).toBe(false);
    expect(r.report.rows_accepted).toBe(0);
    expect(r.report.rejected.map((x) => x.reason_code)).toEqual(
      expect.arrayContaining(['BAD_NUMBER', 'DUPLICATE_SYMBOL']),
    );
    expect(r.portfolio).toBeNull();
    expect(body<{ portfolios: unknown[] }>(await get('/api/portfolios')).portfolios.length).toBe(
      before,
    );
  });
  it('versions a portfolio on edit and keeps old versions readable', async () => {
    const created = body<{ portfolio_id: string; version: number }>(
      await post('/api/portfolios', { name: 'Lehman book', content: lehman }),
    );
    const edited = body<{ version: number; versions: unknown[] }>(
      await post('/api/portfolios', {
        name: 'Lehman book',
        portfolio_id: created.portfolio_id,
        content: { ...lehman, drift_threshold: 0.05 },
      }),
    );
    expect(edited.version).toBe(2);
    expect(edited.versions).toHaveLength(2);
    const v1 = body<{ content: { drift_threshold: number } }>(
      await get(`/api/portfolios/${created.portfolio_id}?version=1`),
    );
    expect(v1.content.drift_threshold).toBe(0.02);
    const latest = body<{ version: number; content: { drift_threshold: number } }>(
      await get(`/api/portfolios/${created.portfolio_id}`),
    );
    expect(latest.version).toBe(2);
    expect(latest.content.drift_threshold).toBe(0.05);
    expect((await get('/api/portfolios/UNKNOWN')).status).toBe(404);
    const unknownEdit = await post('/api/portfolios', {
      name: 'x',
      portfolio_id: 'UNKNOWN',
      content: lehman,
    });
    expect(unknownEdit.status).toBe(404);
    expect(body<{ details: { path: string }[] }>(unknownEdit).details[0]!.path).toBe(
      'portfolio_id',
    );
    const unknownImport = await post('/api/import/portfolio', {
      filename: 'h.csv',
      format: 'csv',
      content: readFileSync(join(root, 'test/fixtures/import/holdings.csv'), 'utf8'),
      portfolio_id: 'UNKNOWN',
      allow_duplicate: true,
    });
    expect(unknownImport.status).toBe(404);
    // A run linked to the portfolio is listed under it.
    const run = body<{ run_id: string }>(
      await post('/api/rebalance', { ...lehman, portfolio_id: created.portfolio_id }),
    );
    const runs = body<{ runs: { run_id: string; portfolio_version: number }[] }>(
      await get(`/api/runs?portfolio_id=${created.portfolio_id}`),
    );
    expect(runs.runs.map((r) => r.run_id)).toEqual([run.run_id]);
    expect(runs.runs[0]!.portfolio_version).toBe(2);
  });
  it('imports real price history (S&P 500 file, CRLF) and attaches it to a portfolio', async () => {
    const content = readFileSync(join(root, 'test/fixtures/skfolio_sp500_dataset.csv'), 'utf8');
    const assets = ['AAPL', 'MSFT', 'XOM'].map((s) => ({
      asset: s,
      asset_class: 'Stocks',
      target_weight: 1 / 3,
      current_weight: 1 / 3,
      price: 100,
    }));
    const p = body<{ portfolio_id: string }>(
      await post('/api/portfolios', {
        name: 'Three stocks',
        content: { portfolio_value: 1e6, assets },
      }),
    );
    const r = body<{
      ok: boolean;
      series: unknown[];
      price_history: { dates: string[] };
      portfolio: { version: number };
    }>(
      await post('/api/import/prices', {
        filename: 'sp500.csv',
        format: 'csv',
        content,
        portfolio_id: p.portfolio_id,
      }),
    );
    expect(r.ok).toBe(true);
    expect(r.series).toHaveLength(20);
    expect(r.price_history.dates).toHaveLength(8313);
    expect(r.portfolio.version).toBe(2);
    const saved = body<{ content: { price_history: { prices: Record<string, number[]> } } }>(
      await get(`/api/portfolios/${p.portfolio_id}`),
    );
    expect(Object.keys(saved.content.price_history.prices)).toHaveLength(20);
    const ev = body<{ events: { action: string }[] }>(await get('/api/audit?limit=1000'));
    expect(ev.events.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'portfolio.imported',
        'prices.imported',
        'portfolio.created',
        'portfolio.edited',
      ]),
    );
    expect(body(await get('/api/audit/verify')).ok).toBe(true);
  });
});
