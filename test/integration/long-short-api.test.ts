/**
 * Long-short books end to end through POST /api/rebalance (issue #11 item 4): a 130/30 book with a
 * short position rebalanced by mean_variance under a gross limit and a turnover cap above 1, a
 * market-neutral efficient_risk book, the `book_exposure` block, short sales and buy-to-cover in the
 * trades, finite risk / Monte Carlo figures, and the 400 / 422 refusals naming their fields.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/server/app';
import { json, raw } from '../support/http';

const scenarios = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../../resources/scenarios.json'), 'utf8')) as {
    scenarios: { name: string; request: Record<string, unknown> }[];
  }
).scenarios;
const rate2022 = scenarios.find((s) => s.name.startsWith('2022'))!.request as {
  assets: Record<string, unknown>[];
} & Record<string, unknown>;
/** QUAL, USMV, AAPL, MSFT, CVX, PG: a 130/30 book (PG short 30%), and a market-neutral one. */
const withWeights = (w: number[]) =>
  rate2022.assets.map((a, i) => ({ ...a, current_weight: w[i] }));
const BOOK_130_30 = withWeights([0.5, 0.3, 0.2, 0.15, 0.15, -0.3]);
const BOOK_NEUTRAL = withWeights([0.3, 0.2, -0.1, -0.2, 0.1, -0.3]);

let app: App;
const post = (body: unknown) =>
  raw(app.server.port, { method: 'POST', path: '/api/rebalance', ...json(app.token, body) });

beforeAll(async () => {
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'spr-ls-')), port: 0 });
});
afterAll(async () => app?.close());

interface Exposure {
  gross: number;
  net: number;
  long: number;
  short: number;
  cash: number;
}
interface Out {
  book_exposure: { type: string; gross_limit: number | null; before: Exposure; after: Exposure };
  optimization: {
    weights: { asset: string; weight: number; current_weight: number }[];
    binding_constraints: { name: string; value: number; bound: number; dual: number | null }[];
    kkt: { verified: boolean } | null;
    turnover: number;
    cash_weight: number;
    target: { achieved: boolean; achieved_value: number } | null;
  };
  weights: { asset: string; current_weight: number; proposed_weight: number }[];
  trades: { asset: string; action: string; signed_trade_value: number; trade_units: number }[];
  trade_summary: {
    residual_cash: number;
    cash_change: number;
    total_buys: number;
    total_sells: number;
    total_costs: number;
  };
  turnover_used: number;
  risk_metrics: Record<string, unknown>;
  proposed_risk_metrics: Record<string, unknown>;
  risk_contributions: { current: number | null; proposed: number | null }[];
  monte_carlo: { expected_terminal_value: number; probability_of_loss: number } | null;
}

const finiteNumbers = (o: unknown, path = ''): string[] => {
  if (typeof o === 'number') return Number.isFinite(o) ? [] : [path];
  if (Array.isArray(o)) return o.flatMap((v, i) => finiteNumbers(v, `${path}.${i}`));
  if (o && typeof o === 'object')
    return Object.entries(o).flatMap(([k, v]) => finiteNumbers(v, `${path}.${k}`));
  return [];
};

describe('long-short books through POST /api/rebalance', () => {
  it('130/30 mean_variance: gross limit binds with its dual, shorts traded, turnover above 1', async () => {
    const r = await post({
      ...rate2022,
      assets: BOOK_130_30,
      method: 'mean_variance',
      risk_aversion: 4,
      book: { type: 'long_short', gross_limit: 1.6 },
      turnover_limit: 1.5,
    });
    expect(r.status, r.body.slice(0, 800)).toBe(200);
    const b = JSON.parse(r.body) as Out;
    expect(b.optimization.kkt?.verified).toBe(true);
    const g = b.optimization.binding_constraints.find((c) => c.name === 'gross_exposure');
    expect(g).toBeDefined();
    expect(g!.bound).toBe(1.6);
    expect(g!.value).toBeCloseTo(1.6, 9);
    expect(g!.dual).toBeLessThan(0);
    const w = b.optimization.weights.map((x) => x.weight);
    expect(w.reduce((s, v) => s + Math.abs(v), 0)).toBeLessThanOrEqual(1.6 + 1e-9);
    // The optimizer turns over more than the NAV: allowed by the long-short cap of 1.5.
    expect(b.optimization.turnover).toBeGreaterThan(1);
    expect(b.optimization.turnover).toBeLessThanOrEqual(1.5 + 1e-9);
    expect(b.turnover_used).toBeGreaterThan(1);
    // A long position sold through zero into a short: a sell larger than the holding.
    const flipped = b.optimization.weights.filter((x) => x.current_weight > 0 && x.weight < -0.01);
    expect(flipped.length).toBeGreaterThan(0);
    for (const f of flipped) {
      const t = b.trades.find((x) => x.asset === f.asset)!;
      const row = b.weights.find((x) => x.asset === f.asset)!;
      expect(t.action).toBe('Sell');
      expect(-t.signed_trade_value).toBeGreaterThan(f.current_weight * 1_000_000);
      expect(row.proposed_weight).toBeLessThan(0);
      expect(row.proposed_weight).toBeCloseTo(f.weight, 2);
    }
    // Book exposure before and after.
    const e = b.book_exposure;
    expect(e.type).toBe('long_short');
    expect(e.gross_limit).toBe(1.6);
    expect(e.before.gross).toBeCloseTo(1.6, 12);
    expect(e.before.net).toBeCloseTo(1, 12);
    expect(e.before.short).toBeCloseTo(0.3, 12);
    expect(e.after.long - e.after.short).toBeCloseTo(e.after.net, 12);
    expect(e.after.net + e.after.cash).toBeCloseTo(1, 9);
    // Proposed weights are shares of V' − costs: the gross may exceed G by about the costs.
    expect(e.after.gross).toBeLessThan(1.6 * (1 + 0.01));
    // Cash is conserved; every number is finite, the risk figures and Monte Carlo exist.
    const s = b.trade_summary;
    expect(Math.round((s.total_sells - s.total_buys - s.total_costs) * 100)).toBe(
      Math.round(s.cash_change * 100),
    );
    expect(s.residual_cash).toBeGreaterThanOrEqual(0);
    expect(finiteNumbers(b)).toEqual([]);
    expect(b.proposed_risk_metrics.volatility).toEqual(expect.any(Number));
    expect(b.monte_carlo?.expected_terminal_value).toEqual(expect.any(Number));
    for (const c of b.risk_contributions) expect(c.proposed).toEqual(expect.any(Number));
  });

  it('market_neutral efficient_risk: Σw = 0, the NAV in the cash leg, the target reached', async () => {
    const r = await post({
      ...rate2022,
      assets: BOOK_NEUTRAL,
      cash_weight: 1,
      method: 'efficient_risk',
      target_volatility: 0.08,
      book: { type: 'market_neutral', gross_limit: 2 },
      turnover_limit: 2,
    });
    expect(r.status, r.body.slice(0, 800)).toBe(200);
    const b = JSON.parse(r.body) as Out;
    const w = b.optimization.weights.map((x) => x.weight);
    expect(Math.abs(w.reduce((s, v) => s + v, 0))).toBeLessThanOrEqual(1e-9);
    expect(b.optimization.binding_constraints.map((c) => c.name)).toContain('market_neutral');
    expect(b.optimization.target?.achieved).toBe(true);
    expect(b.optimization.target?.achieved_value).toBeLessThanOrEqual(0.08 + 1e-6);
    // Cash leg: 1 − costs.
    expect(b.optimization.cash_weight).toBeGreaterThan(0.99);
    expect(b.book_exposure.type).toBe('market_neutral');
    expect(b.book_exposure.before.cash).toBe(1);
    expect(Math.abs(b.book_exposure.before.net)).toBeLessThan(1e-12);
    // Executed book: net within the lot rounding and costs of 0.
    expect(Math.abs(b.book_exposure.after.net)).toBeLessThan(0.005);
    expect(finiteNumbers(b)).toEqual([]);
  });
});

describe('the efficient frontier of a saved long-short run', () => {
  it('GET /api/runs/:id/frontier honours the market-neutral book: finite, non-decreasing', async () => {
    const r = await post({
      ...rate2022,
      assets: BOOK_NEUTRAL,
      cash_weight: 1,
      method: 'mean_variance',
      risk_aversion: 8,
      book: { type: 'market_neutral', gross_limit: 2 },
      turnover_limit: 2,
    });
    expect(r.status, r.body.slice(0, 500)).toBe(200);
    const id = (JSON.parse(r.body) as { run_id: string }).run_id;
    const f = await raw(app.server.port, {
      method: 'GET',
      path: `/api/runs/${id}/frontier?points=7`,
      headers: { authorization: `Bearer ${app.token}` },
    });
    expect(f.status, f.body.slice(0, 500)).toBe(200);
    const b = JSON.parse(f.body) as { points: { volatility: number; expected_return: number }[] };
    expect(b.points.length).toBeGreaterThan(1);
    expect(finiteNumbers(b)).toEqual([]);
    b.points.forEach((p, k) => {
      if (k > 0) expect(p.volatility).toBeGreaterThanOrEqual(b.points[k - 1]!.volatility - 1e-9);
    });
  });
});

describe('long-short refusals', () => {
  const details = (body: string) =>
    (JSON.parse(body) as { details: { path: string; message: string }[] }).details;
  it('a negative current weight in a long_only book is a 400 naming the field', async () => {
    const r = await post({ ...rate2022, assets: BOOK_130_30, method: 'min_variance' });
    expect(r.status).toBe(400);
    const d = details(r.body).find((x) => x.path === 'assets.5.current_weight');
    expect(d?.message).toMatch(/must be >= 0 in a long_only book/);
  });
  it('a negative holding quantity in a long_only book is a 400 naming it', async () => {
    const assets = rate2022.assets.map((a, i) =>
      i === 0
        ? {
            ...a,
            holdings: [
              { holding: 'Q1', quantity: -10, last_price: 100 },
              { holding: 'Q2', quantity: 10, last_price: 100 },
            ],
          }
        : a,
    );
    const r = await post({ ...rate2022, assets });
    expect(r.status).toBe(400);
    expect(details(r.body).map((x) => x.path)).toContain('assets.0.holdings.0.quantity');
  });
  it('turnover_limit above 1 in a long_only book is a 400 naming it', async () => {
    const r = await post({ ...rate2022, method: 'min_variance', turnover_limit: 1.5 });
    expect(r.status).toBe(400);
    expect(details(r.body).map((x) => x.path)).toContain('turnover_limit');
  });
  it('weights and cash that do not add up to 1 in a long_short book: 400 naming cash_weight', async () => {
    const r = await post({
      ...rate2022,
      assets: BOOK_130_30,
      cash_weight: 0.5,
      method: 'min_variance',
      book: { type: 'long_short' },
    });
    expect(r.status).toBe(400);
    expect(details(r.body).find((x) => x.path === 'cash_weight')?.message).toMatch(/must be 1/);
  });
  for (const method of ['risk_parity', 'hrp', 'threshold'] as const)
    it(`${method} with a long_short book is a 400 naming book.type`, async () => {
      const r = await post({
        ...rate2022,
        assets: BOOK_130_30,
        method,
        book: { type: 'long_short' },
      });
      expect(r.status).toBe(400);
      expect(details(r.body).map((x) => x.path)).toContain('book.type');
    });
  it('max_sharpe with a market_neutral book is a 400 saying why', async () => {
    const r = await post({
      ...rate2022,
      assets: BOOK_NEUTRAL,
      cash_weight: 1,
      method: 'max_sharpe',
      book: { type: 'market_neutral' },
    });
    expect(r.status).toBe(400);
    expect(details(r.body).find((x) => x.path === 'book.type')?.message).toMatch(/Sharpe/);
  });
  it('gross_limit below the net exposure is a 422 INFEASIBLE with the reason', async () => {
    const r = await post({
      ...rate2022,
      assets: BOOK_130_30,
      method: 'min_variance',
      transaction_cost_bps: 0,
      book: { type: 'long_short', gross_limit: 0.8 },
      turnover_limit: 2,
    });
    expect(r.status).toBe(422);
    const b = JSON.parse(r.body) as { code: string; error: string; details: { path: string }[] };
    expect(b.code).toBe('INFEASIBLE');
    expect(b.error).toMatch(/gross_limit 80% is below the 100% net exposure/);
    expect(b.details.map((d) => d.path)).toEqual(
      expect.arrayContaining(['gross_exposure', 'book.gross_limit', 'budget']),
    );
  });
});
