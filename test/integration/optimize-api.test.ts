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
const rate2022 = scenarios.find((s) => s.name.startsWith('2022'))!.request;
const seed = scenarios.find((s) => s.name === 'Risk-Off Shock')!.request;

let app: App;
const post = (path: string, body: unknown) =>
  raw(app.server.port, { method: 'POST', path, ...json(app.token, body) });

beforeAll(async () => {
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'spr-opt-')), port: 0 });
});
afterAll(async () => app?.close());

interface Out {
  run_id: string;
  method: string;
  optimization: {
    solver: { status: string };
    kkt: { verified: boolean } | null;
    weights: { asset: string; weight: number }[];
    turnover: number;
    binding_constraints: { name: string }[];
  };
  trades: { asset: string; signed_trade_value: number; trade_units: number; lot_size: number }[];
  trade_summary: {
    residual_cash: number;
    cash_change: number;
    total_buys: number;
    total_sells: number;
    total_costs: number;
    turnover_limit_binding: boolean;
  };
  turnover_used: number;
}

describe('optimized methods through POST /api/rebalance (HiGHS in a worker)', () => {
  for (const method of ['track_target', 'min_variance', 'mean_variance', 'risk_parity'] as const) {
    it(`${method}: verified optimum, executable trades within the cap, cash conserved`, async () => {
      const r = await post('/api/rebalance', { ...rate2022, method, turnover_limit: 0.1 });
      expect(r.status, r.body).toBe(200);
      const b = JSON.parse(r.body) as Out;
      expect(b.method).toBe(method);
      expect(b.optimization.solver.status).toMatch(/optimal|closed_form/);
      if (b.optimization.kkt) expect(b.optimization.kkt.verified).toBe(true);
      expect(b.optimization.turnover).toBeLessThanOrEqual(0.1 + 1e-8);
      // Lot rounding toward zero only lowers turnover.
      expect(b.turnover_used).toBeLessThanOrEqual(0.1 + 1e-9);
      for (const t of b.trades)
        expect(
          Math.abs(t.trade_units / t.lot_size - Math.round(t.trade_units / t.lot_size)),
        ).toBeLessThan(1e-9);
      const s = b.trade_summary;
      expect(Math.round((s.total_sells - s.total_buys - s.total_costs) * 100)).toBe(
        Math.round(s.cash_change * 100),
      );
      expect(s.residual_cash).toBeGreaterThanOrEqual(0);
      const capBinds = b.optimization.binding_constraints.some((x) => x.name === 'turnover');
      expect(s.turnover_limit_binding).toBe(capBinds);
    });
  }
  it('replays an optimized run to a byte-identical output', async () => {
    const r = JSON.parse(
      (await post('/api/rebalance', { ...rate2022, method: 'track_target', turnover_limit: 0.05 }))
        .body,
    ) as Out;
    const replay = await post(`/api/runs/${r.run_id}/replay`, {});
    expect(JSON.parse(replay.body), replay.body.slice(0, 1500)).toMatchObject({ identical: true });
  });
  it('an infeasible request is a 422 naming the conflicting constraints', async () => {
    const r = await post('/api/rebalance', {
      ...rate2022,
      method: 'min_variance',
      class_bounds: { ETF: { min: 0.9 } },
      turnover_limit: 0.05,
    });
    expect(r.status).toBe(422);
    const b = JSON.parse(r.body) as { code: string; details: { path: string }[]; error: string };
    expect(b.code).toBe('INFEASIBLE');
    expect(b.details.map((d) => d.path)).toEqual(expect.arrayContaining(['turnover']));
    expect(b.error).toMatch(/turnover cap 5% is too tight/);
  });
  it('an optimized method without history is a 400 naming price_history', async () => {
    const r = await post('/api/rebalance', { ...seed, method: 'min_variance' });
    expect(r.status).toBe(400);
    expect((JSON.parse(r.body) as { details: { path: string }[] }).details[0]!.path).toBe(
      'price_history',
    );
  });
  it('unknown assets in optimizer fields are 400s listing each', async () => {
    const r = await post('/api/rebalance', {
      ...rate2022,
      method: 'min_variance',
      bounds: { NOPE: { max: 0.1 } },
      no_trade: ['ALSO_NOPE'],
    });
    expect(r.status).toBe(400);
    const paths = (JSON.parse(r.body) as { details: { path: string }[] }).details.map(
      (d) => d.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['bounds.NOPE', 'no_trade.0']));
  });
});
