/**
 * POST /api/import/prices with `symbols` and `date_policy` (issue #9, item 5) over HTTP, on
 * PyPortfolioOpt's 20-ticker file where BABA starts in 2014 (896 of 7,126 dates in common).
 * Counts: see test/unit/import/selection.test.ts (checked by hand with a separate script).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/server/app';
import { json, raw } from '../support/http';

const root = join(import.meta.dirname, '../..');
const content = readFileSync(join(root, 'test/fixtures/pypfopt_stock_prices.csv'), 'utf8');

let app: App;
const post = (path: string, body: unknown) =>
  raw(app.server.port, { method: 'POST', path, ...json(app.token, body) });
const body = <T>(r: { body: string }) => JSON.parse(r.body) as T;

interface PricesOut {
  ok: boolean;
  series: { symbol: string; first_date: string; last_date: string; count: number }[];
  price_history: { dates: string[]; prices: Record<string, number[]> } | null;
  dropped_dates: number;
  series_history: Record<string, { dates: string[]; prices: number[] }> | null;
  portfolio: { version: number } | null;
}

const file = { filename: 'pypfopt_stock_prices.csv', format: 'csv', content };

beforeAll(async () => {
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'spr-import-')), port: 0 });
});
afterAll(async () => {
  await app?.close();
});

describe('price import: symbols and date policy over HTTP', () => {
  it('default (intersection, every series): 896 common dates, no series_history', async () => {
    const r = await post('/api/import/prices', file);
    expect(r.status).toBe(200);
    const b = body<PricesOut>(r);
    expect(b.series).toHaveLength(20);
    expect(b.price_history?.dates).toHaveLength(896);
    expect(b.dropped_dates).toBe(7126 - 896);
    expect(b.series_history).toBeNull();
  });

  it('symbols + own_range: only the chosen series, each over its own range', async () => {
    const r = await post('/api/import/prices', {
      ...file,
      allow_duplicate: true,
      symbols: ['AAPL', 'GOOG'],
      date_policy: 'own_range',
    });
    expect(r.status).toBe(200);
    const b = body<PricesOut>(r);
    expect(b.series.map((s) => [s.symbol, s.first_date, s.count])).toEqual([
      ['AAPL', '1989-12-29', 7126],
      ['GOOG', '2004-08-19', 3435],
    ]);
    expect(Object.keys(b.price_history?.prices ?? {})).toEqual(['AAPL', 'GOOG']);
    expect(b.price_history?.dates).toHaveLength(3435);
    expect(b.dropped_dates).toBe(7126 - 3435);
    expect(Object.keys(b.series_history ?? {})).toEqual(['AAPL', 'GOOG']);
    expect(b.series_history?.AAPL?.dates).toHaveLength(7126);
    expect(b.series_history?.GOOG?.dates[0]).toBe('2004-08-19');
    expect(b.series_history?.GOOG?.prices).toHaveLength(3435);
  });

  it('an unknown symbol is a 400 naming symbols.<i> and the symbols the file has', async () => {
    const r = await post('/api/import/prices', { ...file, symbols: ['AAPL', 'TSLA'] });
    expect(r.status).toBe(400);
    const b = body<{ code: string; details: { path: string; message: string }[] }>(r);
    expect(b.code).toBe('BAD_REQUEST');
    expect(b.details).toHaveLength(1);
    expect(b.details[0]?.path).toBe('symbols.1');
    expect(b.details[0]?.message).toMatch(
      /^no series "TSLA" in the imported prices; the file has: GOOG, AAPL, FB, BABA/,
    );
  });

  it('an unknown date_policy is refused by the contract', async () => {
    const r = await post('/api/import/prices', { ...file, date_policy: 'union' });
    expect(r.status).toBe(400);
    expect(body<{ details: { path: string }[] }>(r).details[0]?.path).toBe('date_policy');
  });

  it('attaching to a portfolio uses the chosen series only', async () => {
    const assets = ['AAPL', 'GE'].map((s) => ({
      asset: s,
      asset_class: 'Stocks',
      target_weight: 0.5,
      current_weight: 0.5,
      price: 100,
    }));
    const p = body<{ portfolio_id: string }>(
      await post('/api/portfolios', {
        name: 'Two stocks',
        content: { portfolio_value: 1e6, assets },
      }),
    );
    const r = await post('/api/import/prices', {
      ...file,
      allow_duplicate: true,
      symbols: ['AAPL', 'GE'],
      portfolio_id: p.portfolio_id,
    });
    expect(r.status).toBe(200);
    const b = body<PricesOut>(r);
    expect(b.portfolio?.version).toBe(2);
    expect(b.price_history?.dates).toHaveLength(7126);
  });
});
