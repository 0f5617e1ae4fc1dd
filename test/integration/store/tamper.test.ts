import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../../src/ports/store';
import {
  DB_FILE_NAME,
  chainHash,
  createStore,
  readHeadFile,
  sha256Hex,
  verifyChain,
} from '../../../src/store';
import type { ChainResult, HeadRead } from '../../../src/store';
import { mulberry32, randInt, tempDir } from './helpers';

/**
 * Tamper trials on copies of one 200-event chain. Each copy is an in-memory database made from
 * a rollback-journal image (VACUUM INTO) with the append-only triggers dropped and CHECK
 * constraints ignored — what someone with the file and a SQLite shell can do. The head file is
 * the real one written by the store.
 */
const N = 200;
const TRIALS_PER_KIND = 200;
const SEED = 20261102;

type Row = {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  subject: string;
  payload_json: string;
  payload_hash: string;
  prev_hash: string;
  hash: string;
};
const COLS = 'ts, actor, action, subject, payload_json, payload_hash, prev_hash, hash';

let image: Buffer;
let head: HeadRead;
let cleanup: () => void;

beforeAll(() => {
  const t = tempDir('store-tamper-');
  cleanup = t.cleanup;
  const store = createStore({ dir: t.dir });
  const actions = ['settings.changed', 'prices.imported', 'audit.correction'] as const;
  const batch: AuditEventInput[] = [];
  for (let i = 1; i <= N; i++) {
    batch.push({
      actor: ['alice', 'bob', 'carol'][i % 3]!,
      action: actions[i % 3]!,
      subject: `subject-${i % 17}`,
      payload: { i, note: `event number ${i}`, values: [i * 0.5, i % 7] },
    });
    // Several transactions of different sizes, as in real use.
    if (i % 37 === 0 || i === N) store.audit.append(batch.splice(0));
  }
  expect(store.audit.verify()).toMatchObject({
    ok: true,
    events: N,
    first_bad_seq: null,
    reason: null,
  });
  store.close();
  head = readHeadFile(t.dir);
  const copy = path.join(t.dir, 'image.sqlite');
  const db = new Database(path.join(t.dir, DB_FILE_NAME), { readonly: true });
  db.prepare('VACUUM INTO ?').run(copy);
  db.close();
  const c = new Database(copy);
  c.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
  c.close();
  image = fs.readFileSync(copy);
});
afterAll(() => cleanup?.());

function fresh(): Database.Database {
  const db = new Database(image);
  db.pragma('ignore_check_constraints = ON');
  db.pragma('foreign_keys = OFF');
  return db;
}

function row(db: Database.Database, seq: number): Row {
  return db.prepare(`SELECT seq, ${COLS} FROM audit_events WHERE seq = ?`).get(seq) as Row;
}

function setRow(db: Database.Database, seq: number, r: Omit<Row, 'seq'>): void {
  db.prepare(
    `UPDATE audit_events SET ts = ?, actor = ?, action = ?, subject = ?, payload_json = ?,
     payload_hash = ?, prev_hash = ?, hash = ? WHERE seq = ?`,
  ).run(
    r.ts,
    r.actor,
    r.action,
    r.subject,
    r.payload_json,
    r.payload_hash,
    r.prev_hash,
    r.hash,
    seq,
  );
}

/** A well-formed event at `seq` after `prevHash`: every hash recomputed by the forger. */
function forged(seq: number, prevHash: string, ts: string, rand: () => number): Omit<Row, 'seq'> {
  const payload_json = JSON.stringify({ i: seq, note: `forged ${randInt(rand, 0, 1e9)}` });
  const payload_hash = sha256Hex(payload_json);
  const actor = 'mallory';
  const action = 'settings.changed';
  const subject = 'subject-1';
  return {
    ts,
    actor,
    action,
    subject,
    payload_json,
    payload_hash,
    prev_hash: prevHash,
    hash: chainHash(seq, ts, actor, action, subject, payload_hash, prevHash),
  };
}

type Kind =
  | 'edit-payload-byte'
  | 'delete-middle-row'
  | 'swap-rows'
  | 'forge-insert-middle'
  | 'forge-replace-middle'
  | 'rewrite-suffix'
  | 'truncate-tail';

/** Applies one tampering; returns the first_bad_seq verify must name (null: detected, no seq). */
function tamper(db: Database.Database, kind: Kind, rand: () => number): number | null {
  switch (kind) {
    case 'edit-payload-byte': {
      const k = randInt(rand, 1, N);
      const r = row(db, k);
      const pos = randInt(rand, 0, r.payload_json.length - 1);
      const old = r.payload_json.charCodeAt(pos);
      let c = randInt(rand, 32, 126);
      if (c === old) c = c === 126 ? 32 : c + 1;
      const text =
        r.payload_json.slice(0, pos) + String.fromCharCode(c) + r.payload_json.slice(pos + 1);
      db.prepare('UPDATE audit_events SET payload_json = ? WHERE seq = ?').run(text, k);
      return k;
    }
    case 'delete-middle-row': {
      const k = randInt(rand, 2, N - 1);
      db.prepare('DELETE FROM audit_events WHERE seq = ?').run(k);
      return k;
    }
    case 'swap-rows': {
      const i = randInt(rand, 1, N - 1);
      const j = randInt(rand, i + 1, N);
      const a = row(db, i);
      const b = row(db, j);
      setRow(db, i, b);
      setRow(db, j, a);
      return i;
    }
    case 'forge-insert-middle': {
      // Shift seq k..N up by one (via negatives to dodge the primary key), insert at k.
      const k = randInt(rand, 2, N - 1);
      db.prepare('UPDATE audit_events SET seq = -(seq + 1) WHERE seq >= ?').run(k);
      db.prepare('UPDATE audit_events SET seq = -seq WHERE seq < 0').run();
      const prev = row(db, k - 1);
      const f = forged(k, prev.hash, prev.ts, rand);
      db.prepare(`INSERT INTO audit_events (seq, ${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        k,
        f.ts,
        f.actor,
        f.action,
        f.subject,
        f.payload_json,
        f.payload_hash,
        f.prev_hash,
        f.hash,
      );
      // The forged row is self-consistent; the break shows at its successor.
      return k + 1;
    }
    case 'forge-replace-middle': {
      const k = randInt(rand, 1, N - 1);
      const prevHash = k === 1 ? '0'.repeat(64) : row(db, k - 1).hash;
      setRow(db, k, forged(k, prevHash, row(db, k).ts, rand));
      return k + 1;
    }
    case 'rewrite-suffix': {
      // Replace events k..N with forged ones, every hash recomputed: the chain is internally
      // consistent and only the head file (different last hash) exposes it.
      const k = randInt(rand, 1, N);
      let prevHash = k === 1 ? '0'.repeat(64) : row(db, k - 1).hash;
      for (let s = k; s <= N; s++) {
        const f = forged(s, prevHash, row(db, s).ts, rand);
        setRow(db, s, f);
        prevHash = f.hash;
      }
      return null;
    }
    case 'truncate-tail': {
      const k = randInt(rand, 1, N);
      db.prepare('DELETE FROM audit_events WHERE seq > ?').run(N - k);
      return N - k + 1;
    }
  }
}

const KINDS: Kind[] = [
  'edit-payload-byte',
  'delete-middle-row',
  'swap-rows',
  'forge-insert-middle',
  'forge-replace-middle',
  'rewrite-suffix',
  'truncate-tail',
];

describe('tamper detection', () => {
  it('the untouched copy verifies', () => {
    const db = fresh();
    expect(verifyChain(db, head)).toEqual({
      ok: true,
      events: N,
      first_bad_seq: null,
      reason: null,
    });
    db.close();
  });

  it(`detects 100% of ${KINDS.length} × ${TRIALS_PER_KIND} random tamperings and names the first bad seq`, () => {
    const rand = mulberry32(SEED);
    const misses: string[] = [];
    const counts: Record<string, number> = {};
    for (let t = 0; t < TRIALS_PER_KIND; t++) {
      for (const kind of KINDS) {
        const db = fresh();
        let expected: number | null;
        let result: ChainResult;
        try {
          expected = tamper(db, kind, rand);
          result = verifyChain(db, head);
        } finally {
          db.close();
        }
        counts[kind] = (counts[kind] ?? 0) + 1;
        if (result.ok || result.first_bad_seq !== expected || !result.reason) {
          misses.push(`${kind} trial ${t}: expected ${expected}, got ${JSON.stringify(result)}`);
        }
      }
    }
    expect(misses.slice(0, 5)).toEqual([]);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1000);
  });

  it('truncation and rewrites are invisible to the chain alone but caught by the head file', () => {
    const db = fresh();
    db.prepare('DELETE FROM audit_events WHERE seq > ?').run(N - 3);
    // Against a head that agrees with the truncated chain (i.e. a tampered head file) the chain
    // alone looks fine; against the real head file the truncation is named.
    const h = db
      .prepare('SELECT hash FROM audit_events WHERE seq = ?')
      .pluck()
      .get(N - 3) as string;
    const forgedHead: HeadRead = {
      state: 'ok',
      counter: 1,
      slot: 0,
      mac: 'unchecked',
      head: { format: 1, committed: { seq: N - 3, hash: h }, pending: null },
    };
    expect(verifyChain(db, forgedHead).ok).toBe(true);
    expect(verifyChain(db, head)).toMatchObject({ ok: false, first_bad_seq: N - 2 });
    expect(verifyChain(db, head).reason).toMatch(/ends at seq 197 .* records seq 200/);
    db.close();
  });
});
