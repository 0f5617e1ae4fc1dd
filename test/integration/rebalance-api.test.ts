/**
 * Rebalancing through POST /api/rebalance as a script calls it: cash flows, security-level
 * orders and their CSV, and the structured errors (400 naming a holding without a price, 422 for
 * a withdrawal the turnover cap cannot raise).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RebalanceResponse } from '../../src/contract/rebalance';
import { startApp, type App } from '../../src/server/app';
import { json, raw } from '../support/http';

const scenarios = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../../resources/scenarios.json'), 'utf8')) as {
    scenarios: { name: string; request: Record<string, unknown> }[];
  }
).scenarios;
const seed = scenarios.find((s) => s.name === 'Risk-Off Shock')!.request;

let app: App;
const post = (path: string, body: unknown) =>
  raw(app.server.port, { method: 'POST', path, ...json(app.token, body) });
const get = (path: string) =>
  raw(app.server.port, { path, headers: { Authorization: `Bearer ${app.token}` } });

beforeAll(async () => {
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'spr-rebal-')), port: 0 });
});
afterAll(async () => app?.close());

describe('POST /api/rebalance: cash flows, holdings, errors', () => {
  it('invests a contribution into underweight assets without selling', async () => {
    const r = await post('/api/rebalance', { ...seed, cash_flow: 20000 });
    expect(r.status, r.body).toBe(200);
    const b = JSON.parse(r.body) as RebalanceResponse;
    expect(b.trade_summary.cash_flow).toBe(20000);
    expect(b.trade_summary.cash_before).toBe(20000);
    expect(b.trade_summary.value_after_flow).toBe(120000);
    expect(b.orders.filter((o) => o.action === 'Sell')).toEqual([]);
    expect(b.weights.every((w) => w.post_trade_band_status === 'inside')).toBe(true);
    // Cash to the cent.
    const c = (x: number) => Math.round(x * 100);
    const s = b.trade_summary;
    expect(c(s.residual_cash) - c(s.cash_before)).toBe(
      c(s.total_sells) - c(s.total_buys) - c(s.total_costs),
    );
  });

  it('raises a withdrawal; 422 naming cash_flow and turnover_limit when the cap cannot', async () => {
    const ok = await post('/api/rebalance', { ...seed, cash_flow: -10000 });
    expect(ok.status, ok.body).toBe(200);
    const b = JSON.parse(ok.body) as RebalanceResponse;
    expect(b.trade_summary.residual_cash).toBeGreaterThanOrEqual(0);
    expect(b.trade_summary.total_sells).toBeGreaterThanOrEqual(10000);
    const bad = await post('/api/rebalance', { ...seed, cash_flow: -30000, turnover_limit: 0.05 });
    expect(bad.status).toBe(422);
    const e = JSON.parse(bad.body) as { code: string; details: { path: string }[] };
    expect(e.code).toBe('INFEASIBLE');
    expect(e.details.map((d) => d.path)).toEqual(['cash_flow', 'turnover_limit']);
  });

  it('a withdrawal larger than the portfolio is a 400 naming cash_flow', async () => {
    const r = await post('/api/rebalance', { ...seed, cash_flow: -100000 });
    expect(r.status).toBe(400);
    expect((JSON.parse(r.body) as { details: { path: string }[] }).details[0]?.path).toBe(
      'cash_flow',
    );
  });

  it('orders per security for a holdings-level book, and the CSV lists them', async () => {
    const body = {
      portfolio_value: 100000,
      assets: [
        {
          asset: 'Equity',
          asset_class: 'ETF',
          target_weight: 0.6,
          current_weight: 0.7,
          holdings: [
            { holding: 'SPY', quantity: 100, last_price: 500 },
            { holding: 'QQQ', quantity: 50, last_price: 400 },
          ],
        },
        {
          asset: 'Bonds',
          asset_class: 'ETF',
          target_weight: 0.4,
          current_weight: 0.3,
          holdings: [{ holding: 'AGG', quantity: 300, last_price: 100 }],
        },
      ],
    };
    const r = await post('/api/rebalance', body);
    expect(r.status, r.body).toBe(200);
    const b = JSON.parse(r.body) as RebalanceResponse & { run_id: string };
    expect(b.orders.map((o) => [o.security, o.action])).toEqual([
      ['SPY', 'Sell'],
      ['QQQ', 'Sell'],
      ['AGG', 'Buy'],
    ]);
    const csv = await get(`/api/runs/${b.run_id}/trades.csv`);
    const lines = csv.body.trim().split('\r\n');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['SPY', 'QQQ', 'AGG']);
  });

  it('a holding without a price is a 400 naming it', async () => {
    const r = await post('/api/rebalance', {
      portfolio_value: 100000,
      assets: [
        {
          asset: 'A',
          target_weight: 1,
          current_weight: 1,
          holdings: [{ holding: 'X', quantity: 1 }],
        },
      ],
    });
    expect(r.status).toBe(400);
    const e = JSON.parse(r.body) as { details: { path: string; message: string }[] };
    expect(e.details).toContainEqual({
      path: 'assets.0.holdings.0.last_price',
      message: expect.stringMatching(/none is invented/) as unknown as string,
    });
  });
});
