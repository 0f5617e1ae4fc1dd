import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SqliteAuditLog,
  canonicalJson,
  createStore,
  openDatabase,
  readHeadFile,
  sha256Hex,
} from '../../../src/store';
import { ofKind, tamper } from './binding-helpers';
import { fakeClock, tempDir } from './helpers';

/**
 * Stores written before schema v6 must still open. Their run.created events do not bind the
 * stored input_json nor duration_ms; the first open at v6 binds each such run with one
 * run.bound event (unless the run already disagrees with its run.created, which stays named).
 */
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const RUN_IDS = ['01JD0000000000000000000001', '01JD0000000000000000000002'] as const;

/** A run and its run.created event exactly as the v5 store wrote them. */
function saveV5Run(db: Database.Database, audit: SqliteAuditLog, run_id: string, n: number) {
  const input_json = `{"assets":[],"n":${n}}`;
  const output_json = `{"trades":[${n}]}`;
  const model_versions_json = '{"forecast":"1.0.0"}';
  audit.write(() => {
    const created_at = audit.txTimestamp();
    db.prepare(
      `INSERT INTO runs (run_id, kind, created_at, status, engine_version, input_hash,
        duration_ms, model_versions_json, input_json, output_json)
       VALUES (?, 'rebalance', ?, 'succeeded', '0.3.0', ?, 7.5, ?, ?, ?)`,
    ).run(run_id, created_at, 'c'.repeat(64), model_versions_json, input_json, output_json);
    const payload_json = canonicalJson({
      run_id,
      kind: 'rebalance',
      status: 'succeeded',
      portfolio_id: null,
      portfolio_version: null,
      engine_version: '0.3.0',
      input_hash: 'c'.repeat(64),
      output_hash: sha256Hex(output_json),
      model_versions_hash: sha256Hex(model_versions_json),
    });
    audit.appendInTx([
      {
        actor: 'system',
        action: 'run.created',
        subject: run_id,
        payload_json,
        payload_hash: sha256Hex(payload_json),
      },
    ]);
  });
}

/** A v5 data directory (head file without MAC) holding two pre-v6 runs. */
function buildV5(before?: (db: Database.Database) => void) {
  const t = tempDir('store-legacy-');
  cleanups.push(t.cleanup);
  const clock = fakeClock();
  const o = openDatabase({ dir: t.dir, migrateTo: 5 });
  const audit = new SqliteAuditLog(o.db, t.dir, clock.now);
  RUN_IDS.forEach((id, i) => {
    clock.tick(10);
    saveV5Run(o.db, audit, id, i);
  });
  audit.close();
  o.db.close();
  if (before) tamper(t.dir, before, { dropTriggers: true });
  return { dir: t.dir, clock, key: randomBytes(32) };
}

describe('upgrading a v5 store: legacy runs bound by run.bound', () => {
  it('binds every pre-v6 run once, adopts the unkeyed head with a MAC, and verifies', () => {
    const { dir, clock, key } = buildV5();
    expect(readHeadFile(dir, key)).toMatchObject({ mac: 'absent' });
    let store = createStore({ dir, headKey: key, now: clock.now });
    try {
      expect(store.schema_version).toBe(9);
      const bound = store.audit.list({ after_seq: 2 });
      expect(bound.map((e) => [e.seq, e.action, e.subject])).toEqual([
        [3, 'run.bound', RUN_IDS[0]],
        [4, 'run.bound', RUN_IDS[1]],
      ]);
      expect(JSON.parse(bound[0]!.payload_json)).toMatchObject({
        created_seq: 1,
        input_json_hash: sha256Hex('{"assets":[],"n":0}'),
        duration_ms: 7.5,
      });
      expect(store.audit.verify()).toMatchObject({
        ok: true,
        runs_checked: 2,
        head_keyed: true,
        problems: [],
      });
      expect(readHeadFile(dir, key)).toMatchObject({ mac: 'ok' });
    } finally {
      store.close();
    }
    // Once only: no second binding, and the (now keyed) head is no longer adopted.
    store = createStore({ dir, headKey: key, now: clock.now });
    expect(store.audit.head().seq).toBe(4);
    expect(store.audit.verify().ok).toBe(true);
    store.close();
  });

  it("a legacy run's input edited after the upgrade is named through its run.bound event", () => {
    const { dir, clock, key } = buildV5();
    createStore({ dir, headKey: key, now: clock.now }).close();
    tamper(
      dir,
      (db) => {
        db.prepare(`UPDATE runs SET input_json = '{"assets":[],"n":9}' WHERE run_id = ?`).run(
          RUN_IDS[1],
        );
      },
      { dropTriggers: true },
    );
    const store = createStore({ dir, headKey: key, now: clock.now });
    const v = store.audit.verify();
    store.close();
    expect(v.problems).toMatchObject([
      { kind: 'run_mismatch', run_id: RUN_IDS[1], seq: 4, fields: ['input_json'] },
    ]);
  });

  it('a legacy run edited before the upgrade is not blessed: it stays named, and unbound', () => {
    const { dir, clock, key } = buildV5((db) => {
      db.prepare(`UPDATE runs SET output_json = '{"trades":["x"]}' WHERE run_id = ?`).run(
        RUN_IDS[0],
      );
    });
    const store = createStore({ dir, headKey: key, now: clock.now });
    const v = store.audit.verify();
    const bound = store.audit.list({ after_seq: 2 });
    store.close();
    expect(bound.map((e) => e.subject)).toEqual([RUN_IDS[1]]);
    expect(ofKind(v, 'run_mismatch')).toMatchObject([
      { run_id: RUN_IDS[0], seq: 1, fields: ['output_json'] },
    ]);
    expect(ofKind(v, 'run_unbound')).toMatchObject([
      { run_id: RUN_IDS[0], seq: 1, fields: ['duration_ms', 'input_json'] },
    ]);
    expect(v.problems_total).toBe(2);
  });
});
