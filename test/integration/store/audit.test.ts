import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import type { AuditEventInput } from '../../../src/ports/store';
import {
  DB_FILE_NAME,
  GENESIS_HASH,
  HEAD_FILE_NAME,
  canonicalJson,
  chainHash,
  createStore,
  readHeadFile,
  sha256Hex,
  writeHeadFile,
} from '../../../src/store';
import type { SqliteStore } from '../../../src/store';
import { fakeClock, tempDir } from './helpers';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});
function open(d?: string, now?: () => number): { store: SqliteStore; dir: string } {
  let dir = d;
  if (!dir) {
    const t = tempDir('store-audit-');
    cleanups.push(t.cleanup);
    dir = t.dir;
  }
  const store = createStore(now ? { dir, now } : { dir });
  cleanups.push(() => store.close());
  return { store, dir };
}

const ev = (i: number): AuditEventInput => ({
  actor: i % 2 ? 'alice' : 'bob',
  action: 'settings.changed',
  subject: `setting-${i}`,
  payload: { i, value: `v${i}` },
});

/** The head record the reader would use. */
function rawHead(dir: string): unknown {
  const r = readHeadFile(dir);
  return r.state === 'ok' ? r.head : r.state;
}

describe('audit log: append, list, hashes', () => {
  it('appends a batch in one transaction with a correct chain and UTC-ms timestamps', () => {
    const clock = fakeClock(Date.UTC(2026, 5, 1, 12, 0, 0, 42));
    const { store, dir } = open(undefined, clock.now);
    expect(store.audit.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
    expect(rawHead(dir)).toEqual({
      format: 1,
      committed: { seq: 0, hash: GENESIS_HASH },
      pending: null,
    });
    const out = store.audit.append([ev(1), ev(2), ev(3)]);
    expect(out.map((e) => e.seq)).toEqual([1, 2, 3]);
    let prev = GENESIS_HASH;
    for (const e of out) {
      expect(e.ts).toBe('2026-06-01T12:00:00.042Z');
      expect(e.payload_json).toBe(canonicalJson({ i: e.seq, value: `v${e.seq}` }));
      expect(e.payload_hash).toBe(sha256Hex(e.payload_json));
      expect(e.prev_hash).toBe(prev);
      expect(e.hash).toBe(
        chainHash(e.seq, e.ts, e.actor, e.action, e.subject, e.payload_hash, e.prev_hash),
      );
      prev = e.hash;
    }
    expect(store.audit.head()).toEqual({ seq: 3, hash: prev });
    expect(rawHead(dir)).toEqual({ format: 1, committed: { seq: 3, hash: prev }, pending: null });
    expect(store.audit.list()).toEqual(out);
    expect(store.audit.list({ after_seq: 1, limit: 1 })).toEqual([out[1]]);
    expect(store.audit.list({ subject: 'setting-3' })).toEqual([out[2]]);
    expect(store.audit.verify()).toMatchObject({
      ok: true,
      events: 3,
      first_bad_seq: null,
      reason: null,
    });
  });

  it('stores payload_json exactly as given', () => {
    const { store } = open();
    const text = '{ "z": 1,  "a": [1.50, "é"] }';
    const [e] = store.audit.append({
      actor: 'a',
      action: 'prices.imported',
      subject: 'x',
      payload_json: text,
    });
    expect(e!.payload_json).toBe(text);
    expect(store.audit.list()[0]!.payload_hash).toBe(sha256Hex(text));
  });

  it('rejects bad events with every problem listed, and writes nothing', () => {
    const { store } = open();
    let err: unknown;
    try {
      store.audit.append([
        ev(1),
        { actor: '', action: 'nope' as never, subject: 'x', payload_json: '{bad' },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('BAD_REQUEST');
    expect((err as EngineError).details.map((d) => d.path)).toEqual([
      '1.actor',
      '1.action',
      '1.payload_json',
    ]);
    expect(store.audit.head().seq).toBe(0);
    expect(() => store.audit.append(ev(Number.NaN))).toThrow(EngineError);
  });

  it('corrections are new events that reference the corrected seq', () => {
    const { store } = open();
    store.audit.append([ev(1), ev(2)]);
    const c = store.audit.correct({
      actor: 'carol',
      corrects_seq: 2,
      reason: 'value was entered for the wrong account',
      detail: { right_value: 'v9' },
    });
    expect(c.seq).toBe(3);
    expect(c.action).toBe('audit.correction');
    expect(c.subject).toBe('audit:2');
    expect(JSON.parse(c.payload_json)).toEqual({
      corrects_seq: 2,
      reason: 'value was entered for the wrong account',
      detail: { right_value: 'v9' },
    });
    expect(store.audit.list({ after_seq: 1, limit: 1 })[0]!.payload_json).toBe(
      canonicalJson({ i: 2, value: 'v2' }),
    ); // the original is untouched
    expect(() => store.audit.correct({ actor: 'c', corrects_seq: 99, reason: 'x' })).toThrow(
      EngineError,
    );
    expect(() => store.audit.correct({ actor: 'c', corrects_seq: 1, reason: ' ' })).toThrow(
      EngineError,
    );
    expect(store.audit.verify().ok).toBe(true);
  });

  it('a failed write rolls back completely and leaves the head where it was', () => {
    const { store, dir } = open();
    store.audit.append(ev(1));
    const head = store.audit.head();
    expect(() => store.portfolios.edit('missing', { content_json: '{}' })).toThrow(/no portfolio/);
    expect(store.audit.head()).toEqual(head);
    expect(rawHead(dir)).toEqual({ format: 1, committed: head, pending: null });
    expect(store.audit.verify().ok).toBe(true);
  });
});

describe('audit log: append-only triggers', () => {
  it('reject UPDATE and DELETE on audit_events', () => {
    const { store, dir } = open();
    store.audit.append([ev(1), ev(2)]);
    store.close();
    const db = new Database(path.join(dir, DB_FILE_NAME));
    try {
      expect(() =>
        db.prepare("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1").run(),
      ).toThrow('audit_events is append-only: UPDATE is not allowed');
      expect(() => db.prepare('UPDATE audit_events SET seq = seq + 10').run()).toThrow(
        /append-only/,
      );
      expect(() => db.prepare('DELETE FROM audit_events WHERE seq = 2').run()).toThrow(
        'audit_events is append-only: DELETE is not allowed',
      );
      expect(() => db.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
      expect(db.prepare('SELECT count(*) FROM audit_events').pluck().get()).toBe(2);
      expect(db.prepare('SELECT actor FROM audit_events WHERE seq = 1').pluck().get()).toBe(
        'alice',
      );
    } finally {
      db.close();
    }
  });
});

describe('audit head file: crash recovery and tamper evidence', () => {
  function seeded(): { dir: string; head: { seq: number; hash: string } } {
    const { store, dir } = open();
    store.audit.append([ev(1), ev(2), ev(3)]);
    const head = store.audit.head();
    store.close();
    return { dir, head };
  }

  it('crash after COMMIT, before the head rewrite (last = pending): accepted and normalized', () => {
    const { dir, head } = seeded();
    const before = { seq: 2, hash: readSeqHash(dir, 2) };
    writeHeadFile(dir, { format: 1, committed: before, pending: head });
    const { store } = open(dir);
    expect(store.audit.verify().ok).toBe(true);
    expect(rawHead(dir)).toEqual({ format: 1, committed: head, pending: null });
  });

  it('crash before COMMIT (pending never committed): accepted and pending cleared', () => {
    const { dir, head } = seeded();
    writeHeadFile(dir, { format: 1, committed: head, pending: { seq: 4, hash: 'a'.repeat(64) } });
    const { store } = open(dir);
    expect(store.audit.verify().ok).toBe(true);
    expect(rawHead(dir)).toEqual({ format: 1, committed: head, pending: null });
  });

  it('a deleted head file with events is reported, kept as evidence, and survives a restart', () => {
    const { dir } = seeded();
    fs.rmSync(path.join(dir, HEAD_FILE_NAME));
    const first = open(dir);
    const r = first.store.audit.verify();
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/head file is missing/);
    // New writes still work (and rewrite the head), but the finding is not forgotten.
    first.store.audit.append(ev(4));
    expect(first.store.audit.verify().ok).toBe(false);
    first.store.close();
    const evidence = fs.readdirSync(dir).filter((f) => f.startsWith('audit-head.mismatch-'));
    expect(evidence).toHaveLength(1);
    const second = open(dir);
    const r2 = second.store.audit.verify();
    expect(r2.ok).toBe(false);
    expect(r2.reason).toMatch(/earlier|at open on .*head file is missing/);
    // After review, the operator removes the evidence file: verification passes again.
    fs.rmSync(path.join(dir, evidence[0]!));
    expect(second.store.audit.verify()).toMatchObject({
      ok: true,
      events: 4,
      first_bad_seq: null,
      reason: null,
    });
  });

  it('a head file that is behind the database (events appended outside the store) is reported', () => {
    const { dir } = seeded();
    writeHeadFile(dir, {
      format: 1,
      committed: { seq: 2, hash: readSeqHash(dir, 2) },
      pending: null,
    });
    const { store } = open(dir);
    expect(store.audit.verify()).toMatchObject({ ok: false, first_bad_seq: 3 });
  });

  it('an unreadable head file is reported', () => {
    const { dir } = seeded();
    fs.writeFileSync(path.join(dir, HEAD_FILE_NAME), '{"format":1,"committed":');
    const { store } = open(dir);
    expect(store.audit.verify()).toMatchObject({ ok: false });
    expect(store.audit.verify().reason).toMatch(/not valid/);
  });

  it('readHeadFile distinguishes missing, invalid and ok', () => {
    const { dir, head } = seeded();
    expect(readHeadFile(dir)).toMatchObject({
      state: 'ok',
      head: { format: 1, committed: head, pending: null },
    });
    fs.writeFileSync(
      path.join(dir, HEAD_FILE_NAME),
      '{"format":1,"committed":{"seq":-1,"hash":"x"},"pending":null}',
    );
    expect(readHeadFile(dir).state).toBe('invalid');
    fs.rmSync(path.join(dir, HEAD_FILE_NAME));
    expect(readHeadFile(dir).state).toBe('missing');
  });
});

describe('audit head file layout', () => {
  it('is a JSON array of two slots updated in place, alternating, at a constant size', () => {
    const { store, dir } = open();
    const file = path.join(dir, HEAD_FILE_NAME);
    const slots = () => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown[];
    expect(fs.statSync(file).size).toBe(8192);
    expect(slots()[1]).toBeNull(); // fresh file: one record
    const seen: number[] = [];
    for (let i = 1; i <= 3; i++) {
      store.audit.append(ev(i));
      const r = readHeadFile(dir);
      if (r.state !== 'ok') throw new Error('head unreadable');
      seen.push(r.slot);
      expect(r.head).toEqual({ format: 1, committed: store.audit.head(), pending: null });
      expect(fs.statSync(file).size).toBe(8192);
      const both = slots() as { counter: number; pending: unknown }[];
      // One slot has the committed head, the other the pending record written before COMMIT.
      expect(both.map((b) => b.pending === null).sort()).toEqual([false, true]);
      expect(Math.abs(both[0]!.counter - both[1]!.counter)).toBe(1);
    }
    expect(seen).toEqual([0, 0, 0]); // post-commit record always lands one slot after pending
  });

  it('a torn write of the newest slot falls back to the other slot, which is still valid', () => {
    const { store, dir } = open();
    store.audit.append([ev(1), ev(2)]);
    const head = store.audit.head();
    store.close();
    const file = path.join(dir, HEAD_FILE_NAME);
    const r = readHeadFile(dir);
    if (r.state !== 'ok') throw new Error('head unreadable');
    // Damage 40 bytes in the middle of the newest record (the post-commit one).
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(40, 0x41), 0, 40, r.slot * 4096 + 60);
    fs.closeSync(fd);
    const after = readHeadFile(dir);
    expect(after).toMatchObject({
      state: 'ok',
      counter: r.counter - 1,
      head: { committed: { seq: 0 }, pending: head },
    });
    // That older record (committed = before, pending = after) still accepts the database.
    const again = open(dir);
    expect(again.store.audit.verify().ok).toBe(true);
    expect(rawHead(dir)).toEqual({ format: 1, committed: head, pending: null });
  });

  it('a record with a wrong check value is ignored', () => {
    const { store, dir } = open();
    store.audit.append(ev(1));
    store.close();
    const file = path.join(dir, HEAD_FILE_NAME);
    const text = fs.readFileSync(file, 'utf8');
    // Forge both slots' seq without recomputing `check`.
    fs.writeFileSync(file, text.replace(/"seq":1/g, '"seq":7').replace(/"seq":0/g, '"seq":7'));
    expect(readHeadFile(dir).state).toBe('invalid');
  });
});

function readSeqHash(dir: string, seq: number): string {
  const db = new Database(path.join(dir, DB_FILE_NAME), { readonly: true });
  try {
    return db.prepare('SELECT hash FROM audit_events WHERE seq = ?').pluck().get(seq) as string;
  } finally {
    db.close();
  }
}
