import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import {
  DB_FILE_NAME,
  POLICY_SUBJECT,
  canonicalJson,
  createStore,
  sha256Hex,
} from '../../../src/store';
import type { SqliteStore } from '../../../src/store';
import { fakeClock, tempDir } from './helpers';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});
function open(now?: () => number): { store: SqliteStore; dir: string } {
  const t = tempDir('store-pol-');
  cleanups.push(t.cleanup);
  const store = createStore(now ? { dir: t.dir, now } : { dir: t.dir });
  cleanups.push(() => store.close());
  return { store, dir: t.dir };
}

const DOC1 = canonicalJson({ max_turnover: 0.2, restricted: ['XYZ'] });
const DOC2 = canonicalJson({ max_turnover: 0.1, restricted: [] });

function thrown(f: () => unknown): EngineError {
  try {
    f();
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected an EngineError');
}

describe('policies: versions and the policy.changed event', () => {
  it('starts empty: no current version (the built-in default is version 0, never stored)', () => {
    const { store } = open();
    expect(store.policies.current()).toBeNull();
    expect(store.policies.get(1)).toBeNull();
    expect(thrown(() => store.policies.get(0)).code).toBe('BAD_REQUEST');
    expect(thrown(() => store.policies.get(1.5)).code).toBe('BAD_REQUEST');
  });

  it('put writes version n+1 and a policy.changed event with the document hash, one commit', () => {
    const clock = fakeClock(Date.UTC(2026, 9, 1, 12, 0, 0, 7));
    const { store } = open(clock.now);
    const v1 = store.policies.put({ document_json: DOC1, actor: 'alice', expected_version: 0 });
    expect(v1).toEqual({
      version: 1,
      created_at: '2026-10-01T12:00:00.007Z',
      actor: 'alice',
      document_json: DOC1,
      hash: sha256Hex(DOC1),
    });
    clock.tick(1000);
    const v2 = store.policies.put({
      document_json: DOC2,
      hash: sha256Hex(DOC2),
      actor: 'bob',
      expected_version: 1,
    });
    expect(v2).toMatchObject({ version: 2, actor: 'bob', created_at: '2026-10-01T12:00:01.007Z' });
    expect(store.policies.current()).toEqual(v2);
    expect(store.policies.get(1)).toEqual(v1);
    expect(store.policies.get(2)).toEqual(v2);
    expect(store.policies.get(3)).toBeNull();

    const events = store.audit.list({ subject: POLICY_SUBJECT });
    expect(events.map((e) => [e.action, e.actor, e.ts])).toEqual([
      ['policy.changed', 'alice', v1.created_at],
      ['policy.changed', 'bob', v2.created_at],
    ]);
    expect(events.map((e) => e.payload_json)).toEqual([
      canonicalJson({ version: 1, hash: sha256Hex(DOC1), previous_version: 0 }),
      canonicalJson({ version: 2, hash: sha256Hex(DOC2), previous_version: 1 }),
    ]);
    expect(events[0]!.payload_hash).toBe(sha256Hex(events[0]!.payload_json));
    expect(store.audit.verify()).toMatchObject({
      ok: true,
      events: 2,
      first_bad_seq: null,
      reason: null,
    });
  });

  it('the hash is of the canonical document: layout does not change it, bytes are kept', () => {
    const { store } = open();
    const pretty = '{\n  "restricted": ["XYZ"],\n  "max_turnover": 0.20\n}';
    const v = store.policies.put({ document_json: pretty, actor: 'a', expected_version: 0 });
    expect(v.document_json).toBe(pretty);
    expect(v.hash).toBe(sha256Hex(DOC1));
  });

  it('a stale or future expected_version is a CONFLICT naming version; nothing is written', () => {
    const { store } = open();
    store.policies.put({ document_json: DOC1, actor: 'a', expected_version: 0 });
    store.policies.put({ document_json: DOC2, actor: 'b', expected_version: 1 });
    const head = store.audit.head();
    for (const expected_version of [0, 1, 3]) {
      const e = thrown(() =>
        store.policies.put({ document_json: DOC1, actor: 'c', expected_version }),
      );
      expect(e.code).toBe('CONFLICT');
      expect(e.message).toBe(
        `the policy is at version 2, not ${expected_version}: reload it and edit again`,
      );
      expect(e.details.map((d) => d.path)).toEqual(['version']);
    }
    expect(store.audit.head()).toEqual(head);
    expect(store.policies.current()?.version).toBe(2);
    expect(store.audit.verify().ok).toBe(true);
  });

  it('bad input is a BAD_REQUEST listing every field; nothing is written', () => {
    const { store } = open();
    const e = thrown(() =>
      store.policies.put({
        document_json: '{nope',
        hash: 'ABC',
        actor: '',
        expected_version: -1,
      }),
    );
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.details.map((d) => d.path)).toEqual([
      'document_json',
      'hash',
      'actor',
      'expected_version',
    ]);
    const m = thrown(() =>
      store.policies.put({
        document_json: DOC1,
        hash: sha256Hex(DOC2),
        actor: 'a',
        expected_version: 0,
      }),
    );
    expect(m.details).toEqual([
      { path: 'hash', message: 'does not match SHA-256 of the canonical document JSON' },
    ]);
    expect(store.policies.current()).toBeNull();
    expect(store.audit.head().seq).toBe(0);
  });

  it('versions survive a reopen; direct UPDATE, DELETE, REPLACE and gaps are refused', () => {
    const { store, dir } = open();
    const v1 = store.policies.put({ document_json: DOC1, actor: 'a', expected_version: 0 });
    store.close();

    const db = new Database(path.join(dir, DB_FILE_NAME));
    for (const recursive of [false, true]) {
      db.pragma(`recursive_triggers = ${recursive ? 'ON' : 'OFF'}`);
      const ins = `(version, created_at, actor, hash, document_json) VALUES (?, '${v1.created_at}', 'x', '${'0'.repeat(64)}', '{}')`;
      const attempts: [string, unknown[], RegExp][] = [
        ["UPDATE policies SET document_json = '{}'", [], /policies are immutable: UPDATE/],
        ['DELETE FROM policies', [], /policies are immutable: DELETE/],
        [`INSERT OR REPLACE INTO policies ${ins}`, [1], /current one \+ 1/],
        [`REPLACE INTO policies ${ins}`, [1], /current one \+ 1/],
        [`INSERT INTO policies ${ins}`, [3], /current one \+ 1/],
      ];
      for (const [sql, args, msg] of attempts) {
        expect(() => db.prepare(sql).run(...args), sql).toThrow(msg);
      }
    }
    db.close();

    const again = createStore({ dir });
    try {
      expect(again.policies.current()).toEqual(v1);
      expect(again.audit.verify().ok).toBe(true);
      const v2 = again.policies.put({ document_json: DOC2, actor: 'b', expected_version: 1 });
      expect(v2.version).toBe(2);
    } finally {
      again.close();
    }
  });
});
