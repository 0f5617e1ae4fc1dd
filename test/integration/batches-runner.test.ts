/**
 * Issue #13, item 3: batch runs on the engine's pool. A result delivered twice is saved once;
 * cancel stops handing out items (those not started are cancelled, the running one is saved); a
 * batch interrupted by closing the engine finishes after it is opened again, every item saved
 * exactly once. State, not wall time, is asserted.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchDetail } from '../../src/contract/batches';
import type { Store } from '../../src/ports/store';
import type { BatchExecutor } from '../../src/services/batches/job';
import { createEngine, localBatchExecutor, type Engine } from '../../src/server/engine';
import { seedBook } from '../support/batches';

const ctx = { actor: 'tester', transport: 'inprocess' as const };
const SCENARIO = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../../resources/scenarios.json'), 'utf8')) as {
    scenarios: { request: unknown }[];
  }
).scenarios[0]?.request;
const key = randomBytes(32);
let engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines) await e.close();
  engines = [];
});

function engine(
  dataDir: string,
  batchExecutor?: Parameters<typeof createEngine>[0]['batchExecutor'],
) {
  const e = createEngine({
    dataDir,
    headKey: key,
    threads: 1,
    ...(batchExecutor ? { batchExecutor } : {}),
  });
  engines.push(e);
  return e;
}

async function create(e: Engine, input: unknown): Promise<BatchDetail> {
  const r = await e.dispatch('createBatch', input, ctx);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as BatchDetail;
}

const saved = (store: Store, id: string) => {
  const c = store.batches.counts(id);
  return c.succeeded + c.failed + c.unbuilt;
};

async function until(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((r) => setTimeout(r, 10));
}

/** run.created events that name a batch item, by `batch_id:index`. */
function linkedEvents(store: Store): Map<string, number> {
  const out = new Map<string, number>();
  let after = 0;
  for (;;) {
    const page = store.audit.list({ after_seq: after, limit: 1000 });
    for (const e of page) {
      const p = JSON.parse(e.payload_json) as { batch_id?: string; batch_index?: number };
      if (e.action === 'run.created' && p.batch_id !== undefined) {
        const k = `${p.batch_id}:${p.batch_index}`;
        out.set(k, (out.get(k) ?? 0) + 1);
      }
    }
    if (page.length < 1000) return out;
    after = (page.at(-1) as { seq: number }).seq;
  }
}

/** Every item has its own run, one run.created each, and verify passes; `others`: runs outside. */
function savedOnce(store: Store, batch_id: string, total: number, others = 0) {
  const items = store.batches.items(batch_id, 0, total);
  const runs = items.map((i) => i.run_id).filter((r) => r !== null);
  expect(new Set(runs).size).toBe(runs.length);
  const events = linkedEvents(store);
  for (const it of items.filter((i) => i.run_id !== null))
    expect(events.get(`${batch_id}:${it.index}`)).toBe(1);
  expect([...events.keys()].filter((k) => k.startsWith(batch_id))).toHaveLength(runs.length);
  expect(store.runs.list({ limit: 500 }).items.length).toBe(runs.length + others);
  expect(store.audit.verify()).toMatchObject({ ok: true, problems_total: 0 });
}

describe('batch runs on the pool', () => {
  it('saves a result delivered twice once', async () => {
    // An at-least-once executor: every result arrives twice, at once and on a later turn.
    const twice = (compute: Parameters<typeof localBatchExecutor>[0]): BatchExecutor => {
      const inner = localBatchExecutor(compute);
      return {
        ...inner,
        start: (shared, jobs, sink) =>
          inner.start(shared, jobs, {
            started: (k) => sink.started?.(k),
            trouble: (t) => sink.trouble(t),
            result: (r) => {
              sink.result(r);
              sink.result(r);
              setTimeout(() => sink.result(r), 5);
            },
          }),
      };
    };
    const e = engine(mkdtempSync(join(tmpdir(), 'spr-batch-dup-')), twice);
    seedBook(e.store, 6);
    const b = await create(e, { model_id: 'growth', settings: { history_days: 120 } });
    expect(await e.batches.settled(b.batch_id)).toMatchObject({ status: 'done' });
    await new Promise((r) => setTimeout(r, 50)); // the late copies arrive
    expect(e.store.batches.counts(b.batch_id)).toMatchObject({ succeeded: 6, pending: 0 });
    savedOnce(e.store, b.batch_id, 6);
  }, 60_000);

  it('cancel: no item starts after it, the running one is saved, the rest cancelled; interactive runs are served meanwhile', async () => {
    const e = engine(mkdtempSync(join(tmpdir(), 'spr-batch-cancel-')));
    seedBook(e.store, 80);
    const b = await create(e, { model_id: 'growth', settings: { history_days: 250 } });
    await until(() => saved(e.store, b.batch_id) >= 3);
    // Interactive work meanwhile is served, never refused as if the pool were full.
    const interactive = await Promise.all(
      [0, 1, 2].map(() => e.dispatch('rebalance', SCENARIO, ctx)),
    );
    expect(interactive.map((x) => (x.ok ? 'ok' : x.error.code))).toEqual(['ok', 'ok', 'ok']);
    expect(e.store.batches.get(b.batch_id)?.finished_at).toBeNull();
    const r = await e.dispatch('cancelBatch', { batch_id: b.batch_id }, ctx);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const atCancel = r.value as BatchDetail;
    expect(atCancel.status).toBe('cancelled');
    const savedAtCancel = atCancel.progress.done + atCancel.progress.failed;
    // Still pending: only what the pool was computing (one thread, so at most one item).
    expect(atCancel.progress.pending).toBeLessThanOrEqual(1);
    const end = await e.batches.settled(b.batch_id);
    expect(end).toMatchObject({ status: 'cancelled' });
    expect(end.finished_at).not.toBeNull();
    await new Promise((res) => setTimeout(res, 200));
    const c = e.store.batches.counts(b.batch_id);
    const savedEnd = c.succeeded + c.failed + c.unbuilt;
    expect(savedEnd).toBe(savedAtCancel + atCancel.progress.pending);
    expect(savedEnd).toBeLessThan(80);
    expect(c).toMatchObject({ pending: 0, cancelled: 80 - savedEnd });
    const events = e.store.audit.list({ subject: b.batch_id }).map((x) => [x.action, x.actor]);
    expect(events).toEqual([
      ['batch.created', 'tester'],
      ['batch.cancelled', 'tester'],
    ]);
    savedOnce(e.store, b.batch_id, 80, interactive.length);
  }, 60_000);

  it('a batch interrupted by closing the engine finishes when it is opened again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spr-batch-resume-'));
    const a = engine(dir);
    seedBook(a.store, 40);
    const b = await create(a, { model_id: 'growth', settings: { history_days: 250 } });
    await until(() => saved(a.store, b.batch_id) >= 3);
    await a.close();
    engines = engines.filter((x) => x !== a);
    const again = engine(dir);
    const before = saved(again.store, b.batch_id);
    expect(before).toBeLessThan(40);
    expect(again.store.batches.get(b.batch_id)?.status).toBe('running');
    expect(await again.batches.settled(b.batch_id)).toMatchObject({ status: 'done' });
    expect(again.store.batches.counts(b.batch_id)).toMatchObject({ succeeded: 40, pending: 0 });
    savedOnce(again.store, b.batch_id, 40);
  }, 60_000);
});
