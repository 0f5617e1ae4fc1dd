import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { SavedRun } from '../../../src/ports/store';
import { HEAD_FILE_NAME, sha256Hex } from '../../../src/store';
import { keyedStore, ofKind, saveRuns, tamper } from './binding-helpers';

/**
 * Issue #10, "runs bound to the chain": each tamper trial is done on a real store's file (the
 * store closed, a raw better-sqlite3 connection, triggers dropped where the attack needs it),
 * and verify must both fail and name the run, the event and what differs.
 */
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function seeded() {
  const s = keyedStore();
  cleanups.push(s.cleanup);
  const store = s.open();
  const runs = saveRuns(store);
  const clean = store.audit.verify();
  store.close();
  return { ...s, runs, clean };
}

function run(runs: SavedRun[], i: number): SavedRun {
  const r = runs[i];
  if (!r) throw new Error(`no run ${i}`);
  return r;
}

describe('run binding: what run.created records', () => {
  it('a fresh store verifies ok, with every run checked and the head keyed', () => {
    const { clean, runs } = seeded();
    expect(clean).toEqual({
      ok: true,
      events: runs.length,
      first_bad_seq: null,
      reason: null,
      runs_checked: runs.length,
      head_keyed: true,
      problems: [],
      problems_total: 0,
    });
  });

  it('run.created binds the SHA-256 of the stored input, output and model versions, and status', () => {
    const { open, runs } = seeded();
    const store = open();
    try {
      const r = run(runs, 3);
      const [ev] = store.audit.list({ subject: r.run_id });
      const p = JSON.parse(ev!.payload_json) as Record<string, unknown>;
      expect(p).toMatchObject({
        run_id: r.run_id,
        status: 'succeeded',
        input_json_hash: sha256Hex(r.input_json),
        output_hash: sha256Hex(r.output_json),
        model_versions_hash: sha256Hex(r.model_versions_json),
        input_hash: 'a'.repeat(64), // the caller's own hash of another form of the input
        duration_ms: 3,
      });
      expect(ev!.ts).toBe(r.created_at);
    } finally {
      store.close();
    }
  });
});

describe('tamper trials: detected and named by verify', () => {
  it("editing a run's output (UPDATE refused by the trigger; done with it dropped)", () => {
    const { dir, open, runs } = seeded();
    const r = run(runs, 0);
    tamper(dir, (db) => {
      expect(() =>
        db.prepare(`UPDATE runs SET output_json = '{"trades":[1]}' WHERE run_id = ?`).run(r.run_id),
      ).toThrow(/immutable/);
    });
    tamper(
      dir,
      (db) => {
        db.prepare(`UPDATE runs SET output_json = '{"trades":[1]}' WHERE run_id = ?`).run(r.run_id);
      },
      { dropTriggers: true },
    );
    const store = open();
    const v = store.audit.verify();
    store.close();
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([
      {
        kind: 'run_mismatch',
        run_id: r.run_id,
        seq: r.audit_seq,
        fields: ['output_json'],
        message: expect.stringMatching(
          new RegExp(
            `run ${r.run_id} differs from its run.created event \\(seq ${r.audit_seq}\\): output_json hashes to`,
          ),
        ) as unknown as string,
      },
    ]);
    expect(v.reason).toBe(v.problems[0]!.message);
    expect(v.events).toBe(runs.length); // the chain itself is intact
  });

  it("editing a run's input", () => {
    const { dir, open, runs } = seeded();
    const r = run(runs, 3);
    tamper(
      dir,
      (db) => {
        db.prepare(`UPDATE runs SET input_json = '{"assets":[],"z":3}' WHERE run_id = ?`).run(
          r.run_id,
        );
      },
      { dropTriggers: true },
    );
    const store = open();
    const v = store.audit.verify();
    store.close();
    expect(v.ok).toBe(false);
    expect(v.problems).toMatchObject([
      { kind: 'run_mismatch', run_id: r.run_id, seq: r.audit_seq, fields: ['input_json'] },
    ]);
  });

  it("editing a run's status (and its decision)", () => {
    const { dir, open, runs } = seeded();
    const failed = run(runs, 1);
    const tandem = run(runs, 2);
    tamper(
      dir,
      (db) => {
        db.prepare(`UPDATE runs SET status = 'succeeded' WHERE run_id = ?`).run(failed.run_id);
        db.prepare(`UPDATE runs SET decision = 'APPROVED' WHERE run_id = ?`).run(tandem.run_id);
      },
      { dropTriggers: true },
    );
    const store = open();
    const v = store.audit.verify();
    store.close();
    expect(v.problems_total).toBe(2);
    const byRun = new Map(v.problems.map((p) => [p.run_id, p]));
    expect(byRun.get(failed.run_id)).toMatchObject({
      kind: 'run_mismatch',
      seq: failed.audit_seq,
      fields: ['status'],
      message: expect.stringContaining(
        'status is "succeeded", the event recorded "failed"',
      ) as unknown as string,
    });
    expect(byRun.get(tandem.run_id)).toMatchObject({
      kind: 'run_mismatch',
      seq: tandem.audit_seq,
      fields: ['decision'],
    });
  });

  it('replacing a run: every REPLACE path is refused; with the triggers dropped it is named', () => {
    const { dir, open, runs } = seeded();
    const r = run(runs, 0);
    const other = run(runs, 1);
    const cols =
      'run_id, kind, portfolio_id, portfolio_version, created_at, status, engine_version, ' +
      'input_hash, duration_ms, decision, model_versions_json, input_json, output_json';
    const evil = `SELECT run_id, kind, portfolio_id, portfolio_version, created_at, status,
      engine_version, input_hash, duration_ms, decision, model_versions_json, input_json,
      '{"trades":["evil"]}' FROM runs WHERE run_id = '${r.run_id}'`;
    tamper(dir, (db) => {
      for (const sql of [
        `INSERT OR REPLACE INTO runs (${cols}) ${evil}`,
        `REPLACE INTO runs (${cols}) ${evil}`,
        `INSERT INTO runs (${cols}) ${evil} ON CONFLICT (run_id) DO UPDATE SET output_json = excluded.output_json`,
        // By the hidden rowid: a new run_id on the rowid of an existing run.
        `INSERT OR REPLACE INTO runs (rowid, ${cols})
           SELECT (SELECT rowid FROM runs WHERE run_id = '${other.run_id}'),
                  '01ZZZZZZZZZZZZZZZZZZZZZZZZ', kind, portfolio_id, portfolio_version,
                  created_at, status, engine_version, input_hash, duration_ms, decision,
                  model_versions_json, input_json, output_json
           FROM runs WHERE run_id = '${r.run_id}'`,
      ]) {
        expect(() => db.exec(sql), sql).toThrow(/runs are immutable/);
      }
      expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(runs.length);
    });
    tamper(dir, (db) => db.exec(`INSERT OR REPLACE INTO runs (${cols}) ${evil}`), {
      dropTriggers: true,
    });
    const store = open();
    const v = store.audit.verify();
    store.close();
    expect(v.ok).toBe(false);
    expect(v.problems).toMatchObject([
      { kind: 'run_mismatch', run_id: r.run_id, seq: r.audit_seq, fields: ['output_json'] },
    ]);
  });

  it('replacing a run by its rowid with the triggers dropped: both runs are named', () => {
    const { dir, open, runs } = seeded();
    const victim = run(runs, 1);
    const forged = '01ZZZZZZZZZZZZZZZZZZZZZZZZ';
    tamper(
      dir,
      (db) => {
        db.exec(`INSERT OR REPLACE INTO runs (rowid, run_id, kind, created_at, status,
          engine_version, input_hash, duration_ms, model_versions_json, input_json, output_json)
          SELECT rowid, '${forged}', kind, created_at, status, engine_version, input_hash,
                 duration_ms, model_versions_json, input_json, output_json
          FROM runs WHERE run_id = '${victim.run_id}'`);
      },
      { dropTriggers: true },
    );
    const store = open();
    const v = store.audit.verify();
    store.close();
    expect(ofKind(v, 'run_without_event')).toMatchObject([{ run_id: forged }]);
    expect(ofKind(v, 'event_without_run')).toMatchObject([
      { run_id: victim.run_id, seq: victim.audit_seq },
    ]);
  });

  it('deleting a run row (DELETE refused by the trigger; done with it dropped)', () => {
    const { dir, open, runs } = seeded();
    const r = run(runs, 2);
    tamper(dir, (db) => {
      expect(() => db.prepare('DELETE FROM runs WHERE run_id = ?').run(r.run_id)).toThrow(
        /immutable/,
      );
    });
    tamper(dir, (db) => db.prepare('DELETE FROM runs WHERE run_id = ?').run(r.run_id), {
      dropTriggers: true,
    });
    const store = open();
    const v = store.audit.verify();
    store.close();
    expect(v.ok).toBe(false);
    expect(v.runs_checked).toBe(runs.length - 1);
    expect(v.problems).toEqual([
      {
        kind: 'event_without_run',
        run_id: r.run_id,
        seq: r.audit_seq,
        message: `audit event seq ${r.audit_seq} (run.created) names run ${r.run_id}, which is not stored`,
      },
    ]);
  });

  it('deleting every audit event and the head file: each run is named as without its event', () => {
    const { dir, open, runs } = seeded();
    tamper(dir, (db) => db.exec('DELETE FROM audit_events'), { dropTriggers: true });
    fs.rmSync(`${dir}/${HEAD_FILE_NAME}`);
    const store = open();
    const v = store.audit.verify();
    store.close();
    expect(v.ok).toBe(false);
    expect(v.events).toBe(0);
    expect(v.runs_checked).toBe(runs.length);
    expect(v.problems_total).toBe(runs.length);
    expect(new Set(ofKind(v, 'run_without_event').map((p) => p.run_id))).toEqual(
      new Set(runs.map((r) => r.run_id)),
    );
    expect(v.reason).toMatch(/is stored but has no run.created audit event/);
  });

  it('forging the run.created payload to match an edited run breaks the chain at that seq', () => {
    const { dir, open, runs } = seeded();
    const r = run(runs, 0);
    tamper(
      dir,
      (db) => {
        db.prepare(`UPDATE runs SET status = 'failed' WHERE run_id = ?`).run(r.run_id);
        const ev = db
          .prepare('SELECT payload_json FROM audit_events WHERE seq = ?')
          .pluck()
          .get(r.audit_seq) as string;
        const forged = ev.replace('"status":"succeeded"', '"status":"failed"');
        db.prepare('UPDATE audit_events SET payload_json = ?, payload_hash = ? WHERE seq = ?').run(
          forged,
          sha256Hex(forged),
          r.audit_seq,
        );
      },
      { dropTriggers: true },
    );
    const store = open();
    const v = store.audit.verify();
    store.close();
    expect(v.ok).toBe(false);
    expect(v.first_bad_seq).toBe(r.audit_seq);
    expect(ofKind(v, 'chain')).toMatchObject([
      { seq: r.audit_seq, message: `seq ${r.audit_seq}: hash does not match the event's contents` },
    ]);
    expect(ofKind(v, 'run_mismatch')).toEqual([]);
  });

  it('a second run.created for a run is named as a duplicate', () => {
    const { open, runs } = seeded();
    const r = run(runs, 0);
    const store = open();
    store.audit.append({
      actor: 'mallory',
      action: 'run.created',
      subject: r.run_id,
      payload_json: store.audit.list({ subject: r.run_id })[0]!.payload_json,
    });
    const v = store.audit.verify();
    store.close();
    expect(v.problems).toMatchObject([
      { kind: 'duplicate_event', run_id: r.run_id, seq: runs.length + 1 },
      // A copied payload in a later transaction: its ts is not the run's created_at.
      { kind: 'run_mismatch', run_id: r.run_id, seq: runs.length + 1, fields: ['created_at'] },
    ]);
  });
});

describe('verify in steps (the HTTP handler runs it cooperatively)', () => {
  it('lets writes in between its steps and checks the snapshot it started from', async () => {
    const s = keyedStore();
    cleanups.push(s.cleanup);
    const store = s.open();
    try {
      for (let i = 0; i < 30; i++) saveRuns(store);
      const before = store.audit.head().seq;
      let interleaved = 0;
      let done = false;
      const pending = store.audit.verifyAsync({}, 0).finally(() => {
        done = true;
      });
      const writer = (): void => {
        if (done) return;
        saveRuns(store);
        interleaved++;
        setImmediate(writer);
      };
      setImmediate(writer);
      const v = await pending;
      expect(interleaved).toBeGreaterThan(0);
      expect(v).toMatchObject({ ok: true, events: before, problems: [] });
      expect(v.runs_checked).toBeGreaterThanOrEqual(before);
      expect(store.audit.verify()).toMatchObject({
        ok: true,
        events: before + interleaved * 4,
        runs_checked: before + interleaved * 4,
      });
    } finally {
      store.close();
    }
  });
});
