/**
 * Heavy work runs on the worker pool (issue #10): the pool computes what this thread would, a
 * full pool answers 429 with Retry-After at once, and /api/health answers while every thread is
 * busy. Latency figures are measured by `npm run bench` (suite `pool`), not asserted here.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchRequest, invalidPortfolioJson, widePriceCsv } from '../../bench/data';
import { RebalanceRequest } from '../../src/contract/rebalance';
import { DEFAULT_POLICY_IN_FORCE } from '../../src/agents/registry';
import { createInProcessCompute } from '../../src/services/compute/inProcess';
import { withoutTimings } from '../../src/services/compute/replay';
import { startApp, type App } from '../../src/server/app';
import { loadStressLibrary } from '../../src/server/stressData';
import { sha256Parts } from '../../src/store';
import { createInThreadQpSolver } from '../../src/workers/highs-solver';
import { createPoolCompute } from '../../src/workers/pool/pool';

const ROOT = join(import.meta.dirname, '../..');
const clock = { now: () => new Date(), monotonicMs: () => performance.now() };

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  at: number;
}

async function call(app: App, method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(`${app.server.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${app.token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: await res.json(),
    at: performance.now(),
  };
}

describe('compute pool', () => {
  it('computes byte-identical outputs to this thread (timings aside)', async () => {
    const pool = createPoolCompute({ root: ROOT, threads: 1 });
    const here = createInProcessCompute({
      clock,
      sha256: sha256Parts,
      solver: await createInThreadQpSolver(),
      stressLibrary: loadStressLibrary(ROOT),
    });
    try {
      for (const method of ['threshold', 'min_variance'] as const) {
        const input = RebalanceRequest.parse({ ...benchRequest(12, 260), method });
        const task = {
          input,
          policy: DEFAULT_POLICY_IN_FORCE,
          derive: 'tandem' as const,
          pinnedNow: '2026-01-02T00:00:00.000Z',
        };
        const [a, b] = [await pool.run('run', task), await here.run('run', task)];
        expect(a.status).toBe('succeeded');
        expect(a.input_json).toBe(b.input_json);
        expect(a.input_hash).toBe(b.input_hash);
        const blank = (j: string) => JSON.stringify(withoutTimings(JSON.parse(j) as never));
        expect(blank(a.output_json)).toBe(blank(b.output_json));
      }
    } finally {
      await pool.close();
    }
  });

  it('carries an engine error across the thread with its code and details', async () => {
    const pool = createPoolCompute({ root: ROOT, threads: 1 });
    try {
      await expect(
        pool.run('frontier', { run_id: 'r1', input_json: '{}', output_json: '{}', points: 5 }),
      ).rejects.toMatchObject({ name: 'EngineError', code: 'BAD_REQUEST' });
    } finally {
      await pool.close();
    }
  });

  it('stops a computation that outgrows its heap with 413, and the next task runs', async () => {
    const pool = createPoolCompute({ root: ROOT, threads: 1, heapMb: 64 });
    const req = { filename: 'p.csv', format: 'csv', decimal_separator: '.' } as const;
    try {
      await expect(
        pool.run('importPrices', {
          req: {
            ...req,
            content: widePriceCsv(20e6),
            allow_duplicate: false,
            date_policy: 'intersection',
          },
          attach_to: null,
        }),
      ).rejects.toMatchObject({ name: 'EngineError', code: 'PAYLOAD_TOO_LARGE' });
      const small = await pool.run('importPortfolio', {
        ...req,
        allow_duplicate: false,
        content:
          'asset,asset_class,target_weight,current_weight\nA,Stocks,0.5,0.5\nB,ETF,0.5,0.5\n',
      });
      expect(small.report.rows_read).toBe(2);
    } finally {
      await pool.close();
    }
  });
});

describe('a saturated server', () => {
  let app: App;
  const heavy = benchRequest(2000, 250);

  beforeAll(async () => {
    app = await startApp({
      dataDir: mkdtempSync(join(tmpdir(), 'spr-pool-')),
      port: 0,
      threads: 1,
      maxQueue: 1,
    });
  });
  afterAll(() => app.close());

  it('refuses beyond threads + queue with 429 and Retry-After, and keeps answering health', async () => {
    const heavies = Array.from({ length: 4 }, () => call(app, 'POST', '/api/rebalance', heavy));
    // Wait until the pool is full (one running, one waiting), then ask for health and send one
    // more heavy request whose body is not even JSON: it is refused before its body is read.
    while (app.compute.hasRoom()) await new Promise((r) => setTimeout(r, 20));
    const health = await call(app, 'GET', '/api/health');
    const early = await fetch(`${app.server.url}/api/rebalance`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'application/json' },
      body: 'not json at all',
    });
    expect(early.status).toBe(429);
    expect(early.headers.get('retry-after')).toBe('1');
    const results = await Promise.all(heavies);
    expect(health.status).toBe(200);
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    // One running + one waiting are accepted; the other two are refused at once.
    expect(ok).toHaveLength(2);
    expect(refused).toHaveLength(2);
    for (const r of refused) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(r.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
      // Refused before the accepted ones finished: the refusal does not wait for the pool.
      expect(r.at).toBeLessThan(Math.min(...ok.map((o) => o.at)));
    }
    // Health was answered while the pool was still computing.
    expect(health.at).toBeLessThan(Math.max(...ok.map((o) => o.at)));
  });

  it('imports a 5 MB JSON file of 5,000 invalid assets in under 2 s, answering health meanwhile', async () => {
    const content = invalidPortfolioJson(5e6);
    const t0 = performance.now();
    const imported = call(app, 'POST', '/api/import/portfolio', {
      filename: 'big.json',
      format: 'json',
      content,
    });
    await new Promise((r) => setTimeout(r, 50));
    const health = await call(app, 'GET', '/api/health');
    const r = await imported;
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: false, portfolio: null });
    const report = (r.body as { report: { rejected_count: number } }).report;
    expect(report.rejected_count).toBeGreaterThanOrEqual(5000);
    expect(health.status).toBe(200);
    // The bound the issue names (the quadratic locator took 129 s on this file).
    expect(r.at - t0).toBeLessThan(2000);
    expect(health.at).toBeLessThan(r.at);
  });
});
