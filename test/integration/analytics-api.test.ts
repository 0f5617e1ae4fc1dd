import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunFrontierResponse, RunPerformanceResponse } from '../../src/contract/analytics';
import type { RebalanceResponse } from '../../src/contract/rebalance';
import { startApp, type App } from '../../src/server/app';
import { json, raw } from '../support/http';

const root = join(import.meta.dirname, '../..');
interface Req {
  assets: { asset: string }[];
  price_history: { dates: string[]; prices: Record<string, number[]> };
  benchmark?: { name: string; prices: number[] };
  [k: string]: unknown;
}
const scenarios = (
  JSON.parse(readFileSync(join(root, 'resources/scenarios.json'), 'utf8')) as {
    scenarios: { name: string; request: Req }[];
  }
).scenarios;
const covid = scenarios.find((s) => s.name.startsWith('March 2020'))!.request;
const seed = scenarios.find((s) => s.name === 'Risk-Off Shock')!.request;

let app: App;
const get = (path: string) =>
  raw(app.server.port, { path, headers: { Authorization: `Bearer ${app.token}` } });
const post = (path: string, body: unknown) =>
  raw(app.server.port, { method: 'POST', path, ...json(app.token, body) });
const body = <T>(r: { body: string }) => JSON.parse(r.body) as T;

/** Simple returns of a price series (test-side, independent of the engine). */
const returnsOf = (p: number[]) => p.slice(1).map((v, t) => v / p[t]! - 1);

beforeAll(async () => {
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'spr-analytics-')), port: 0 });
});
afterAll(async () => {
  await app?.close();
});

describe('analytics of a saved run over HTTP', () => {
  let threshold: RebalanceResponse & { run_id: string };
  let sharpe: RebalanceResponse & { run_id: string };
  let seedRun = '';

  beforeAll(async () => {
    threshold = body(await post('/api/rebalance', covid));
    sharpe = body(await post('/api/rebalance', { ...covid, method: 'max_sharpe' }));
    seedRun = body<{ run_id: string }>(await post('/api/rebalance', seed)).run_id;
  });

  it('risk_contributions: w_i cov(r_i, r_p)/var(r_p) from the request’s prices, summing to 1', () => {
    const R = covid.assets.map((a) => returnsOf(covid.price_history.prices[a.asset]!));
    const T = R[0]!.length;
    for (const side of ['current', 'proposed'] as const) {
      const w = threshold.weights.map((x) =>
        side === 'current' ? x.current_weight : x.proposed_weight,
      );
      const rp = Array.from({ length: T }, (_, t) => R.reduce((s, r, i) => s + w[i]! * r[t]!, 0));
      const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
      const mp = mean(rp);
      const vp = rp.reduce((s, v) => s + (v - mp) ** 2, 0);
      const rc = threshold.risk_contributions.map((x) => x[side]!);
      expect(threshold.risk_contributions.map((x) => x.asset)).toEqual(
        threshold.weights.map((x) => x.asset),
      );
      R.forEach((r, i) => {
        const mi = mean(r);
        const c = r.reduce((s, v, t) => s + (v - mi) * (rp[t]! - mp), 0);
        expect(Math.abs(rc[i]! - (w[i]! * c) / vp)).toBeLessThan(1e-9);
      });
      expect(Math.abs(rc.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
    }
  });

  it('risk_contributions are null without history, with the HISTORY_MISSING warning', async () => {
    const r = body<{ output: RebalanceResponse }>(await get(`/api/runs/${seedRun}`)).output;
    expect(r.risk_contributions.every((x) => x.current === null && x.proposed === null)).toBe(true);
    expect(r.warnings.some((w) => w.code === 'HISTORY_MISSING')).toBe(true);
  });

  it('monte_carlo.terminal_histogram: 40 bins, Σ counts = paths', () => {
    const mc = threshold.monte_carlo!;
    expect(mc.terminal_histogram.counts).toHaveLength(40);
    expect(mc.terminal_histogram.edges).toHaveLength(41);
    expect(mc.terminal_histogram.counts.reduce((s, c) => s + c, 0)).toBe(mc.paths);
  });

  it('GET /performance: max drawdowns equal the risk metrics; series from the run’s prices', async () => {
    for (const run of [threshold, sharpe]) {
      const t0 = performance.now();
      const r = await get(`/api/runs/${run.run_id}/performance`);
      const ms = performance.now() - t0;
      expect(r.status).toBe(200);
      expect(ms).toBeLessThan(2000);
      const p = body<RunPerformanceResponse>(r);
      expect(p.run_id).toBe(run.run_id);
      expect(p.rebalancing).toBe('constant_mix');
      expect(p.dates).toEqual(covid.price_history.dates);
      expect(p.series.map((s) => s.name)).toEqual(['current', 'proposed', 'benchmark']);
      expect(p.series[2]!.label).toBe(covid.benchmark!.name);
      const [cur, prop, bench] = p.series as [
        (typeof p.series)[0],
        (typeof p.series)[0],
        (typeof p.series)[0],
      ];
      expect(cur.max_drawdown).toBe(run.risk_metrics.max_drawdown);
      expect(prop.max_drawdown).toBe(run.proposed_risk_metrics.max_drawdown);
      for (const s of p.series) {
        expect(s.cumulative_return).toHaveLength(p.dates.length);
        expect(s.drawdown).toHaveLength(p.dates.length);
        expect(s.cumulative_return[0]).toBe(0);
        expect(s.total_return).toBe(s.cumulative_return.at(-1));
        expect(Math.max(...s.drawdown)).toBeLessThanOrEqual(0);
        expect(-Math.min(...s.drawdown)).toBeCloseTo(s.max_drawdown, 14);
      }
      // Independent: the benchmark's total return is last/first price − 1; the current
      // portfolio's is Π(1 + Σ_i w_i r_i,t) − 1 from the request's prices and its weights.
      const bp = covid.benchmark!.prices;
      expect(bench.total_return).toBeCloseTo(bp.at(-1)! / bp[0]! - 1, 12);
      const R = covid.assets.map((a) => returnsOf(covid.price_history.prices[a.asset]!));
      let W = 1;
      for (let t = 0; t < R[0]!.length; t++)
        W *= 1 + R.reduce((s, r, i) => s + run.weights[i]!.current_weight * r[t]!, 0);
      expect(cur.total_return).toBeCloseTo(W - 1, 12);
    }
  });

  it('GET /frontier: default 25 points, markers, volatility non-decreasing, markers not left', async () => {
    const t0 = performance.now();
    const r = await get(`/api/runs/${sharpe.run_id}/frontier`);
    const ms = performance.now() - t0;
    expect(r.status).toBe(200);
    expect(ms).toBeLessThan(10000);
    const f = body<RunFrontierResponse>(r);
    expect(f.method).toBe('max_sharpe');
    expect(f.risk_free_rate).toBe(covid.risk_free_rate ?? 0.02);
    expect(f.points).toHaveLength(25);
    expect(f.markers.map((m) => m.name).sort()).toEqual(
      ['current', 'max_sharpe', 'min_variance', 'proposed', 'target'].sort(),
    );
    const mv = f.markers.find((m) => m.name === 'min_variance')!;
    f.points.forEach((p, k) => {
      expect(p.volatility).toBeGreaterThanOrEqual(mv.volatility - 1e-9);
      if (k > 0) expect(p.volatility).toBeGreaterThanOrEqual(f.points[k - 1]!.volatility - 1e-9);
    });
    // σ_frontier is non-decreasing in μ above μ_mv, so at a marker's return it is at least the
    // volatility of the last point at or below that return.
    for (const m of f.markers) {
      const below = f.points.filter((p) => p.expected_return <= m.expected_return + 1e-12);
      const floor = below.length ? below.at(-1)!.volatility : mv.volatility;
      expect(m.volatility).toBeGreaterThanOrEqual(floor * (1 - 1e-4) - 1e-9);
    }
    // The run's optimizer solved max_sharpe with the same μ and Σ (plus trade rules): its Sharpe
    // cannot beat the frontier's tangency portfolio.
    const ms_ = f.markers.find((m) => m.name === 'max_sharpe')!;
    expect(sharpe.optimization!.sharpe!).toBeLessThanOrEqual(
      (ms_.expected_return - f.risk_free_rate) / ms_.volatility + 1e-9,
    );
    expect(f.notes.length).toBeGreaterThanOrEqual(2);

    const five = body<RunFrontierResponse>(
      await get(`/api/runs/${sharpe.run_id}/frontier?points=5`),
    );
    expect(five.points).toHaveLength(5);
    expect(five.points[0]).toEqual(f.points[0]);
    expect((await get(`/api/runs/${sharpe.run_id}/frontier?points=4`)).status).toBe(400);
    expect((await get(`/api/runs/${sharpe.run_id}/frontier?points=61`)).status).toBe(400);
  });

  it('422 naming price_history for a run without it; 404 for an unknown run', async () => {
    for (const what of ['performance', 'frontier']) {
      const r = await get(`/api/runs/${seedRun}/${what}`);
      expect(r.status).toBe(422);
      const e = body<{ error: string; details: { path: string }[] }>(r);
      expect(e.error).toContain('price_history');
      expect(e.details.some((d) => d.path.startsWith('price_history'))).toBe(true);
      expect((await get(`/api/runs/01NOSUCHRUN000000000000000/${what}`)).status).toBe(404);
    }
  });

  it('needs the token', async () => {
    const r = await raw(app.server.port, { path: `/api/runs/${sharpe.run_id}/frontier` });
    expect(r.status).toBe(401);
  });
});
