/**
 * Batches in the store (schema v9): an item's run and outcome are one transaction, written only
 * while the item is pending (a result delivered twice is saved once); the last outcome finishes
 * the batch with its event; cancel leaves the running items to finish; the triggers keep a
 * batch's definition and an item's outcome final; verify finds a batch or an item edited behind
 * the store's back.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreateBatchInput } from '../../../src/ports/store';
import type { SqliteStore } from '../../../src/store';
import { DB_FILE_NAME, createStore } from '../../../src/store';
import { runInput, tempDir } from './helpers';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function open(dir?: string): { store: SqliteStore; dir: string } {
  let d = dir;
  if (d === undefined) {
    const t = tempDir('store-batches-');
    d = t.dir;
    cleanups.push(t.cleanup);
  }
  const store = createStore({ dir: d });
  cleanups.unshift(() => store.close());
  return { store, dir: d };
}

const outcome = { decision: 'APPROVED' as const, breaches: [], reasons: [], error: null };

function requestBatch(store: SqliteStore, n: number) {
  const input: CreateBatchInput = {
    kind: 'requests',
    policy_version: 0,
    settings_json: 'null',
    library_json: '{}',
    items: Array.from({ length: n }, (_, i) => ({ request_json: `{"i":${i}}` })),
    actor: 'tester',
  };
  return store.batches.create(input);
}

const runOf = (i: number) =>
  runInput({ input_json: `{"i":${i}}`, output_json: `{"out":${i}}`, decision: 'APPROVED' });

describe('batch items', () => {
  it('saves a result once however often it is delivered, and finishes the batch with it', async () => {
    const { store } = open();
    const b = requestBatch(store, 2);
    expect(b).toMatchObject({ status: 'queued', total: 2, finished_at: null });
    const first = await store.batches.saveRun(b.batch_id, 0, runOf(0), outcome);
    expect(first).toMatchObject({ kind: 'saved', finished: false });
    expect(await store.batches.saveRun(b.batch_id, 0, runOf(0), outcome)).toEqual({
      kind: 'duplicate',
    });
    expect(store.runs.list().items).toHaveLength(1);
    const run_id = first.kind === 'saved' ? first.run?.run_id : undefined;
    const created = store.audit.list({ subject: run_id as string })[0];
    expect(JSON.parse(created?.payload_json ?? '{}')).toMatchObject({
      batch_id: b.batch_id,
      batch_index: 0,
    });

    const unbuilt = { code: 'CONFLICT', message: 'no history', details: [] };
    expect(store.batches.saveUnbuilt(b.batch_id, 1, unbuilt)).toEqual({
      kind: 'saved',
      run: null,
      finished: true,
    });
    expect(store.batches.saveUnbuilt(b.batch_id, 1, unbuilt)).toEqual({ kind: 'duplicate' });
    expect(store.batches.get(b.batch_id)).toMatchObject({ status: 'done' });
    expect(store.batches.counts(b.batch_id)).toMatchObject({
      succeeded: 1,
      unbuilt: 1,
      pending: 0,
      by_decision: { APPROVED: 1 },
    });
    const actions = store.audit.list({ subject: b.batch_id }).map((e) => e.action);
    expect(actions).toEqual(['batch.created', 'batch.finished']);
    expect(store.audit.verify()).toMatchObject({ ok: true, problems_total: 0 });
  });

  it('cancel: items not started are cancelled, a running one is saved, then batch.cancelled', async () => {
    const { store } = open();
    const b = requestBatch(store, 4);
    await store.batches.saveRun(b.batch_id, 0, runOf(0), outcome);
    const after = store.batches.cancel(b.batch_id, new Set([1]), 'canceller');
    expect(after).toMatchObject({ status: 'cancelled', finished_at: null });
    expect(store.batches.counts(b.batch_id)).toMatchObject({ cancelled: 2, pending: 1 });
    // A result for an item cancelled before it started is dropped; the running one is saved.
    expect(await store.batches.saveRun(b.batch_id, 2, runOf(2), outcome)).toEqual({
      kind: 'dropped',
    });
    expect(await store.batches.saveRun(b.batch_id, 1, runOf(1), outcome)).toMatchObject({
      kind: 'saved',
      finished: true,
    });
    expect(store.batches.get(b.batch_id)).toMatchObject({ status: 'cancelled' });
    expect(store.batches.get(b.batch_id)?.finished_at).not.toBeNull();
    const ends = store.audit.list({ subject: b.batch_id }).slice(1);
    expect(ends.map((e) => [e.action, e.actor])).toEqual([['batch.cancelled', 'canceller']]);
    expect(store.runs.list().items).toHaveLength(2);
    // Cancelling again answers the batch as it is; a done batch cannot be cancelled.
    expect(store.batches.cancel(b.batch_id, new Set(), 'x').status).toBe('cancelled');
    const done = requestBatch(store, 1);
    await store.batches.saveRun(done.batch_id, 0, runOf(9), outcome);
    expect(() => store.batches.cancel(done.batch_id, new Set(), 'x')).toThrow(/is done/);
    expect(store.audit.verify()).toMatchObject({ ok: true });
  });

  it('keeps a batch’s definition and an item’s outcome final (triggers)', async () => {
    const { store, dir } = open();
    const b = requestBatch(store, 1);
    await store.batches.saveRun(b.batch_id, 0, runOf(0), outcome);
    const open2 = requestBatch(store, 1);
    store.close();
    const db = new Database(path.join(dir, DB_FILE_NAME));
    const where = (id: string) => `WHERE batch_id = '${id}'`;
    try {
      expect(() =>
        db.prepare(`UPDATE batches SET settings_json = '{}' ${where(open2.batch_id)}`).run(),
      ).toThrow(/immutable/);
      expect(() =>
        db.prepare(`UPDATE batches SET status = 'running' ${where(b.batch_id)}`).run(),
      ).toThrow(/final/);
      expect(() => db.prepare("UPDATE batch_items SET decision = 'REJECTED'").run()).toThrow(
        /final/,
      );
      expect(() => db.prepare('DELETE FROM batch_items').run()).toThrow(/DELETE/);
    } finally {
      db.close();
    }
  });
});

describe('verify and batches', () => {
  /** A finished 2-item batch, then `sql` run on the file with the batch triggers dropped. */
  async function tampered(sql: string) {
    const { store, dir } = open();
    const b = requestBatch(store, 2);
    await store.batches.saveRun(b.batch_id, 0, runOf(0), outcome);
    await store.batches.saveRun(b.batch_id, 1, runOf(1), {
      ...outcome,
      decision: 'REVIEW_REQUIRED',
    });
    expect(store.audit.verify().ok).toBe(true);
    store.close();
    const db = new Database(path.join(dir, DB_FILE_NAME));
    db.exec(`DROP TRIGGER batches_fixed; DROP TRIGGER batches_final;
             DROP TRIGGER batch_items_fixed; DROP TRIGGER batch_items_once;`);
    db.exec(sql.replaceAll('$B', b.batch_id));
    db.close();
    const again = open(dir).store;
    return again.audit.verify();
  }

  it('finds an edited batch definition', async () => {
    const v = await tampered("UPDATE batches SET policy_version = 3 WHERE batch_id = '$B'");
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual(
      expect.objectContaining({
        kind: 'record_mismatch',
        record: expect.objectContaining({ table: 'batches' }),
        fields: ['policy_version'],
      }),
    );
  });

  it('finds an edited item outcome of a finished batch', async () => {
    const v = await tampered(
      "UPDATE batch_items SET decision = 'APPROVED' WHERE batch_id = '$B' AND idx = 1",
    );
    expect(v.problems).toContainEqual(
      expect.objectContaining({ kind: 'record_mismatch', fields: ['batch_items'] }),
    );
  });

  it('finds an item whose run was unlinked, and a finished batch set back to running', async () => {
    const v = await tampered(
      `UPDATE batch_items SET run_id = NULL, state = 'pending' WHERE batch_id = '$B' AND idx = 0;
       UPDATE batches SET status = 'running', finished_at = NULL WHERE batch_id = '$B';`,
    );
    const kinds = v.problems.map((p) => [p.kind, p.record?.table]);
    // The batch is not finished but has its batch.finished event; item 0's run names an item
    // that no longer names it.
    expect(kinds).toContainEqual(['record_mismatch', 'batches']);
    expect(kinds).toContainEqual(['event_without_record', 'batch_items']);
  });
});
