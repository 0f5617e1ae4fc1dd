/**
 * Issue #13, item 2 over HTTP: POST /api/batches answers at once with the batch; polling GET
 * /api/batches/{batch_id} shows it run to `done` on the pool; every account's result is an
 * ordinary saved run, byte-identical (measured durations aside) to the same account run alone
 * in-process with the clock pinned; the exceptions list names the REVIEW_REQUIRED, REJECTED and
 * unbuilt accounts and the bands still breached; bad input is a 4xx naming each field.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchDetail } from '../../src/contract/batches';
import { ModelContent, AccountContent } from '../../src/contract/models';
import { RebalanceRequest } from '../../src/contract/rebalance';
import { canonicalJson } from '../../src/domain/canonical';
import { rebalanceRequestFor } from '../../src/services/accounts/rebalanceRequestFor';
import { libraryFor } from '../../src/services/accounts/library';
import { createInProcessCompute } from '../../src/services/compute/inProcess';
import { withoutTimings } from '../../src/services/compute/replay';
import { policyInForce } from '../../src/services/policy';
import { startApp, type App } from '../../src/server/app';
import { loadStressLibrary } from '../../src/server/stressData';
import { sha256Parts } from '../../src/store';
import { createInThreadQpSolver } from '../../src/workers/highs-solver';
import { GROWTH, fixtureSeries } from '../support/batches';
import { json, raw } from '../support/http';

const ROOT = join(import.meta.dirname, '../..');
let app: App;
const post = (path: string, body: unknown) =>
  raw(app.server.port, { method: 'POST', path, ...json(app.token, body) });
const get = (path: string) =>
  raw(app.server.port, { path, headers: { Authorization: `Bearer ${app.token}` } });
const body = <T = Record<string, unknown>>(r: { body: string }) => JSON.parse(r.body) as T;
const paths = (r: { body: string }) =>
  body<{ details: { path: string }[] }>(r).details.map((d) => d.path);

/** Polls the batch until it is finished (done or cancelled). */
async function finished(batch_id: string): Promise<BatchDetail> {
  for (;;) {
    const b = body<BatchDetail>(await get(`/api/batches/${batch_id}`));
    if (b.finished_at !== null) return b;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const series = fixtureSeries(300);
const last = (s: string) => series.get(s)?.closes.at(-1) as number;
/** An account worth 100,000 with these weights of SPY, JPM, AMZN (and any other holdings). */
function holding(w: Record<string, number>, extra: { asset: string; quantity: number }[] = []) {
  return AccountContent.parse({
    currency: 'USD',
    cash: 0,
    positions: [
      ...Object.entries(w).map(([asset, x]) => ({
        asset,
        quantity: (100_000 * x) / last(asset),
        price: last(asset),
      })),
      ...extra.map((e) => ({ ...e, price: 10 })),
    ],
  });
}

// AMZN may not trade (no_trade), turnover is not capped by the model; the policy rejects a
// turnover above 30 %. OK sits on target; REVIEW holds AMZN at 35 % (left outside its band);
// REJECT holds only SPY (50 % turnover); UNBUILT holds ZZZ, which the library lacks.
const MODEL = ModelContent.parse({ ...GROWTH, no_trade: ['AMZN'], turnover_limit: 1 });
const ACCOUNTS = {
  'ACC-OK': holding({ SPY: 0.5, JPM: 0.3, AMZN: 0.2 }),
  'ACC-REJECT': holding({ SPY: 1 }),
  'ACC-REVIEW': holding({ SPY: 0.45, JPM: 0.2, AMZN: 0.35 }),
  'ACC-UNBUILT': holding({ SPY: 0.5 }, [{ asset: 'ZZZ', quantity: 100 }]),
};

beforeAll(async () => {
  app = await startApp({
    dataDir: mkdtempSync(join(tmpdir(), 'spr-batches-')),
    port: 0,
    threads: 1,
  });
  app.store.priceLibrary.putMany(
    [...series].map(([symbol, content]) => ({ symbol, content, expected_version: 0 })),
    'test',
    {},
  );
  app.store.models.save({ id: 'growth', name: 'Growth', content_json: canonicalJson(MODEL) });
  app.store.models.save({ id: 'income', name: 'Income', content_json: canonicalJson(MODEL) });
  app.store.accounts.saveMany(
    Object.entries(ACCOUNTS).map(([id, content]) => ({
      id,
      name: id,
      model_id: 'growth',
      content_json: canonicalJson(content),
    })),
  );
  app.store.accounts.save({
    id: 'ACC-INCOME',
    name: 'Income account',
    model_id: 'income',
    content_json: canonicalJson(ACCOUNTS['ACC-OK']),
  });
  const policy = body<Record<string, unknown>>(await get('/api/policy'));
  const limits = policy.limits as Record<string, unknown>;
  const put = await raw(app.server.port, {
    method: 'PUT',
    path: '/api/policy',
    ...json(app.token, {
      ...policy,
      limits: { ...limits, max_turnover: { limit: 0.3, on_breach: 'reject' } },
    }),
  });
  expect(put.status).toBe(200);
}, 60_000);
afterAll(async () => {
  await app?.close();
});

describe('POST /api/batches refuses bad input, naming each field', () => {
  const one = {
    portfolio_value: 1,
    assets: [{ asset: 'A', target_weight: 1, current_weight: 1, price: 1 }],
  };
  const cases: [string, unknown, number, string[]][] = [
    ['neither model_id nor requests', {}, 400, ['model_id']],
    ['both', { model_id: 'growth', requests: [one] }, 400, ['requests']],
    ['an empty account list', { model_id: 'growth', account_ids: [] }, 400, ['account_ids']],
    [
      'a repeated account',
      { model_id: 'growth', account_ids: ['ACC-OK', 'ACC-OK'] },
      400,
      ['account_ids.1'],
    ],
    [
      'history_days below 2',
      { model_id: 'growth', settings: { history_days: 1 } },
      400,
      ['settings.history_days'],
    ],
    ['settings with requests', { requests: [one], settings: {} }, 400, ['settings']],
    ['an unknown model', { model_id: 'nope' }, 404, ['model_id']],
    [
      'an unknown account',
      { model_id: 'growth', account_ids: ['ACC-OK', 'ACC-NONE'] },
      404,
      ['account_ids.1'],
    ],
    [
      'an account following another model',
      { model_id: 'growth', account_ids: ['ACC-OK', 'ACC-INCOME'] },
      409,
      ['account_ids.1'],
    ],
  ];
  it.each(cases.map(([what, input, status, named]) => ({ what, input, status, named })))(
    '$what → $status',
    async ({ input, status, named }) => {
      const r = await post('/api/batches', input);
      expect(r.status).toBe(status);
      expect(paths(r)).toEqual(named);
    },
  );

  it('too many requests (more than 1,000) → 400 at requests; a model without accounts → 409', async () => {
    const r = await post('/api/batches', { requests: Array.from({ length: 1001 }, () => one) });
    expect(r.status).toBe(400);
    expect(paths(r)).toEqual(['requests']);
    app.store.models.save({ id: 'empty', name: 'Empty', content_json: canonicalJson(MODEL) });
    const e = await post('/api/batches', { model_id: 'empty' });
    expect(e.status).toBe(409);
    expect(paths(e)).toEqual(['model_id']);
    const missing = await post('/api/batches', { requests: [{ ...one, portfolio_id: 'nope' }] });
    expect(missing.status, missing.body).toBe(404);
    expect(paths(missing)).toEqual(['requests.0.portfolio_id']);
  });

  it('unknown batches → 404 on GET and cancel', async () => {
    expect((await get('/api/batches/nope')).status).toBe(404);
    expect((await post('/api/batches/nope/cancel', {})).status).toBe(404);
  });
});

describe('a model batch over HTTP', () => {
  let batch: BatchDetail;

  it('answers at once, runs every account on the pool, and lists the exceptions', async () => {
    const r = await post('/api/batches', { model_id: 'growth', settings: { history_days: 250 } });
    expect(r.status).toBe(200);
    const created = body<BatchDetail>(r);
    expect(created).toMatchObject({
      kind: 'model',
      status: 'queued',
      model_id: 'growth',
      model_version: 1,
      policy_version: 1,
      total: 4,
      executor: 'local',
    });
    batch = await finished(created.batch_id);
    expect(batch.status).toBe('done');
    expect(batch.progress).toEqual({
      total: 4,
      done: 3,
      failed: 1,
      cancelled: 0,
      pending: 0,
      by_decision: { APPROVED: 1, REVIEW_REQUIRED: 1, REJECTED: 1 },
      exceptions: batch.exceptions.length,
    });
    const byAccount = Object.fromEntries(batch.items.map((i) => [i.account_id, i]));
    expect(Object.keys(byAccount)).toEqual(['ACC-OK', 'ACC-REJECT', 'ACC-REVIEW', 'ACC-UNBUILT']);
    expect(byAccount['ACC-OK']).toMatchObject({ state: 'succeeded', decision: 'APPROVED' });
    expect(byAccount['ACC-UNBUILT']).toMatchObject({
      state: 'unbuilt',
      run_id: null,
      error: { code: 'CONFLICT', details: [{ path: 'library.ZZZ' }] },
    });
    const reasons = batch.exceptions.map((e) => [e.account_id, e.reason]);
    expect(reasons).toContainEqual(['ACC-REVIEW', 'REVIEW_REQUIRED']);
    expect(reasons).toContainEqual(['ACC-REVIEW', 'bands_breached']);
    expect(reasons).toContainEqual(['ACC-REJECT', 'REJECTED']);
    expect(reasons).toContainEqual(['ACC-UNBUILT', 'unbuilt']);
    expect(reasons.filter(([a]) => a === 'ACC-OK')).toEqual([]);
    const breached = batch.exceptions.find(
      (e) => e.account_id === 'ACC-REVIEW' && e.reason === 'bands_breached',
    );
    expect(breached?.assets).toContain('AMZN');
    const rejected = batch.exceptions.find((e) => e.reason === 'REJECTED');
    expect(rejected?.message).toMatch(/turnover/i);
    expect(batch.exceptions.find((e) => e.reason === 'unbuilt')?.message).toMatch(/ZZZ/);
    // Each result is an ordinary run.
    for (const it of batch.items.filter((i) => i.run_id !== null)) {
      const run = body(await get(`/api/runs/${it.run_id}`));
      expect(run).toMatchObject({ kind: 'rebalance', status: 'succeeded', decision: it.decision });
    }
  }, 60_000);

  it('equals each account run alone in-process with the clock pinned (durations aside)', async () => {
    const here = createInProcessCompute({
      clock: { now: () => new Date(), monotonicMs: () => performance.now() },
      sha256: sha256Parts,
      solver: await createInThreadQpSolver(),
      stressLibrary: loadStressLibrary(ROOT),
    });
    const policy = policyInForce(app.store);
    const library = libraryFor(app.store, series.keys());
    for (const it of batch.items.filter((i) => i.run_id !== null)) {
      const account = {
        account_id: it.account_id as string,
        content: ACCOUNTS[it.account_id as 'ACC-OK'],
      };
      const built = rebalanceRequestFor(account, { model_id: 'growth', content: MODEL }, library, {
        history_days: 250,
      });
      if (!built.ok) throw new Error(built.error.message);
      const alone = await here.run('run', {
        input: RebalanceRequest.parse(built.request),
        policy,
        derive: null,
        pinnedNow: batch.created_at,
      });
      const stored = app.store.runs.get(it.run_id as string);
      expect(stored?.input_json).toBe(alone.input_json);
      expect(stored?.input_hash).toBe(alone.input_hash);
      const blank = (j: string) => canonicalJson(withoutTimings(JSON.parse(j) as never));
      expect(blank(stored?.output_json as string)).toBe(blank(alone.output_json));
      expect(JSON.parse(stored?.output_json as string).metadata.timestamp_utc).toBe(
        batch.created_at,
      );
    }
  }, 60_000);

  it('pages items, lists batches, refuses to cancel a done batch, and verifies', async () => {
    const page = body<BatchDetail>(await get(`/api/batches/${batch.batch_id}?from=1&limit=2`));
    expect(page.items.map((i) => i.index)).toEqual([1, 2]);
    expect(page.next_from).toBe(3);
    expect(page.exceptions.every((e) => e.index >= 1 && e.index <= 2)).toBe(true);
    const cancel = await post(`/api/batches/${batch.batch_id}/cancel`, {});
    expect(cancel.status).toBe(409);
    const list = body<{ batches: { batch_id: string; status: string }[] }>(
      await get('/api/batches'),
    );
    expect(list.batches[0]).toMatchObject({ batch_id: batch.batch_id, status: 'done' });
    const v = body(await get('/api/audit/verify'));
    expect(v).toMatchObject({ ok: true, problems_total: 0 });
  });
});

describe('a request batch over HTTP', () => {
  it('saves each POST /api/rebalance body as a run', async () => {
    const scenarios = (
      JSON.parse(readFileSync(join(ROOT, 'resources/scenarios.json'), 'utf8')) as {
        scenarios: { request: unknown }[];
      }
    ).scenarios.slice(0, 2);
    const r = await post('/api/batches', { requests: scenarios.map((s) => s.request) });
    expect(r.status).toBe(200);
    const b = await finished(body<BatchDetail>(r).batch_id);
    expect(b).toMatchObject({ kind: 'requests', status: 'done', settings: null });
    expect(b.items.map((i) => [i.account_id, i.state])).toEqual([
      [null, 'succeeded'],
      [null, 'succeeded'],
    ]);
  }, 60_000);
});
