/**
 * POST /api/analytics/metrics over HTTP: the curl call of docs/api.md (prices with dates, a
 * benchmark, two confidence levels), a 400 naming each field, a lowered min_observations with its
 * warning, and the 422 when no series is long enough. The computation runs on the worker pool.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsResponse } from '../../src/contract/metrics';
import { startApp, type App } from '../../src/server/app';
import { loadPrices } from '../unit/risk/fixtures';
import { json, raw } from '../support/http';

let app: App;
const post = (body: unknown) =>
  raw(app.server.port, {
    method: 'POST',
    path: '/api/analytics/metrics',
    ...json(app.token, body),
  });

beforeAll(async () => {
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'spr-metrics-')), port: 0 });
});
afterAll(async () => {
  await app?.close();
});

const stocks = loadPrices('skfolio_sp500_dataset.csv');
const index = loadPrices('skfolio_sp500_index.csv');
const ROWS = 253;
const dates = stocks.dates.slice(-ROWS);
const prices = (t: typeof stocks, name: string) => Array.from(t.columns.get(name)!.slice(-ROWS));

describe('POST /api/analytics/metrics', () => {
  it('answers every figure for prices with dates against a benchmark (the docs/api.md call)', async () => {
    const res = await post({
      series: [
        { name: 'AAPL', prices: prices(stocks, 'AAPL'), dates },
        { name: 'KO', prices: prices(stocks, 'KO'), dates },
      ],
      benchmark: { name: 'SP500', prices: prices(index, 'SP500'), dates },
      risk_free_rate: 0.02,
      confidence_levels: [0.95, 0.99],
      weights: { AAPL: 0.6, KO: 0.4 },
    });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as MetricsResponse;
    expect(body.periods_per_year).toBe(252);
    expect(body.series.map((s) => s.name)).toEqual(['AAPL', 'KO']);
    const aapl = body.series[0]!;
    expect(aapl.observations).toBe(252);
    expect(aapl.first_date).toBe(dates[1]);
    expect(aapl.relative!.alignment).toBe('dates');
    expect(aapl.tail_risk.map((t) => t.confidence)).toEqual([0.95, 0.99]);
    for (const k of ['cagr', 'sharpe', 'sortino', 'calmar', 'max_drawdown', 'ulcer_index'] as const)
      expect(aapl[k]).toBeTypeOf('number');
    expect(aapl.tail_risk[1]!.historical_cvar!).toBeGreaterThan(
      aapl.tail_risk[0]!.historical_cvar!,
    );
    expect(body.portfolio!.effective_number_of_assets).toBeCloseTo(1 / 0.52, 12);
    expect(body.portfolio!.diversification_ratio!).toBeGreaterThan(1);
    expect(res.headers['server-timing']).toBeDefined();
  });

  it('400 names each bad field', async () => {
    const res = await post({
      series: [{ name: 'A', prices: [100, 0, 101] }],
      confidence_levels: [1.5],
    });
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body) as { code: string; details: { path: string }[] };
    expect(body.code).toBe('BAD_REQUEST');
    expect(body.details.map((d) => d.path).sort()).toEqual([
      'confidence_levels.0',
      'series.0.prices.1',
    ]);
  });

  it('a lowered min_observations measures a short series and warns', async () => {
    const res = await post({
      series: [{ name: 'short', returns: [0.01, -0.02, 0.015, 0.003, -0.007] }],
      periodicity: 'monthly',
      min_observations: 5,
    });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as MetricsResponse;
    expect(body.warnings[0]).toMatchObject({
      code: 'MIN_OBSERVATIONS_LOWERED',
      path: 'min_observations',
    });
    expect(body.series[0]!.annual_volatility).toBeTypeOf('number');
    expect(body.series[0]!.tail_risk[0]!.historical_var).toBeNull();
  });

  it('422 DATA_BLOCKED when no series reaches min_observations', async () => {
    const res = await post({ series: [{ name: 'short', returns: [0.01, -0.02] }] });
    expect(res.status).toBe(422);
    const body = JSON.parse(res.body) as {
      code: string;
      details: { path: string; message: string }[];
    };
    expect(body.code).toBe('DATA_BLOCKED');
    expect(body.details).toEqual([
      { path: 'series.0', message: 'has 2 returns; min_observations is 20' },
    ]);
  });

  it('needs the token', async () => {
    const res = await raw(app.server.port, {
      method: 'POST',
      path: '/api/analytics/metrics',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
  });
});
