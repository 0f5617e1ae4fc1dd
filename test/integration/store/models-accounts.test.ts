/**
 * Issue #13, item 1 (store): models, accounts and the price library are versioned, append-only,
 * bound to the audit chain by their events, and checked by verify: each tamper trial (done on the
 * closed store's file with a raw connection, triggers dropped where the attack needs it) must be
 * detected and named.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { sha256Hex } from '../../../src/store';
import type { SqliteStore } from '../../../src/store';
import { keyedStore, ofKind, tamper } from './binding-helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const MODEL_JSON = '{"targets":[{"asset":"SPY","target_weight":1}]}';
const ACCOUNT_JSON = '{"cash":100,"currency":"USD","positions":[{"asset":"SPY","quantity":3}]}';
const SERIES = { dates: ['2019-12-26', '2019-12-27'], closes: [322.9, 322.86] };

function seed(store: SqliteStore) {
  const m1 = store.models.save({ id: 'growth', name: 'Growth', content_json: MODEL_JSON });
  const m2 = store.models.save({
    id: 'growth',
    name: 'Growth 2',
    content_json: MODEL_JSON.replace('1}', '1.0}'),
    expected_version: 1,
  });
  const a1 = store.accounts.save({
    id: 'ACC-1',
    name: 'Smith',
    content_json: ACCOUNT_JSON,
    model_id: 'growth',
  });
  const s1 = store.priceLibrary.putMany(
    [{ symbol: 'SPY', content: SERIES, expected_version: 0 }],
    'alice',
    { filename: 'p.csv', file_hash: 'f'.repeat(64) },
  );
  return { m1, m2, a1, s1 };
}

function seeded() {
  const s = keyedStore('store-models-');
  cleanups.push(s.cleanup);
  const store = s.open();
  const rows = seed(store);
  const clean = store.audit.verify();
  store.close();
  return { ...s, rows, clean };
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof EngineError ? e.code : String(e);
  }
  return 'no error';
}

describe('versioned models, accounts and series', () => {
  it('each save is a new version; older versions stay readable; concurrency is checked', () => {
    const { open, rows } = seeded();
    const store = open();
    try {
      expect(rows.m1.version).toBe(1);
      expect(rows.m2.version).toBe(2);
      expect(store.models.get('growth', 1)?.name).toBe('Growth');
      expect(store.models.get('growth')?.name).toBe('Growth 2');
      expect(store.models.versions('growth').map((v) => v.version)).toEqual([1, 2]);
      expect(rows.m1.content_hash).toBe(sha256Hex(MODEL_JSON));
      // stale, missing and unknown expected versions
      const base = { id: 'growth', name: 'G', content_json: MODEL_JSON };
      expect(code(() => store.models.save({ ...base, expected_version: 1 }))).toBe('CONFLICT');
      expect(code(() => store.models.save(base))).toBe('CONFLICT');
      expect(code(() => store.models.save({ ...base, id: 'nope', expected_version: 3 }))).toBe(
        'NOT_FOUND',
      );
      expect(
        code(() =>
          store.accounts.save({ name: 'X', content_json: ACCOUNT_JSON, model_id: 'missing' }),
        ),
      ).toBe('NOT_FOUND');
      // a generated id when none is given
      const gen = store.models.save({ name: 'Generated', content_json: MODEL_JSON });
      expect(gen.id).toMatch(/^[0-9A-Z]{26}$/);
      // listing by model
      expect(store.accounts.list({ model_id: 'growth' }).map((a) => a.id)).toEqual(['ACC-1']);
      expect(store.accounts.list({ model_id: gen.id })).toEqual([]);
      // price series: v2 only from the version read
      expect(
        code(() =>
          store.priceLibrary.putMany(
            [{ symbol: 'SPY', content: SERIES, expected_version: 0 }],
            'a',
            {},
          ),
        ),
      ).toBe('CONFLICT');
      const [v2] = store.priceLibrary.putMany(
        [
          {
            symbol: 'SPY',
            content: { dates: ['2019-12-30'], closes: [321.08] },
            expected_version: 1,
          },
        ],
        'a',
        {},
      );
      expect(v2).toMatchObject({ version: 2, first_date: '2019-12-30', count: 1 });
      expect(store.priceLibrary.get('SPY', 1)?.count).toBe(2);
      expect(store.audit.verify().ok).toBe(true);
    } finally {
      store.close();
    }
  });

  it('every write is an audit event binding the content hash, at the version’s own time', () => {
    const { open, rows, clean } = seeded();
    expect(clean).toMatchObject({ ok: true, problems: [], problems_total: 0 });
    const store = open();
    try {
      const [created, edited] = store.audit.list({ subject: 'growth' });
      expect(created).toMatchObject({ action: 'model.created', ts: rows.m1.created_at });
      expect(JSON.parse(edited!.payload_json)).toEqual({
        model_id: 'growth',
        version: 2,
        previous_version: 1,
        name: 'Growth 2',
        content_hash: rows.m2.content_hash,
      });
      const [acc] = store.audit.list({ subject: 'ACC-1' });
      expect(JSON.parse(acc!.payload_json)).toMatchObject({
        account_id: 'ACC-1',
        model_id: 'growth',
        content_hash: sha256Hex(ACCOUNT_JSON),
      });
      const [spy] = store.audit.list({ subject: 'SPY' });
      expect(spy!.action).toBe('price_series.imported');
      expect(JSON.parse(spy!.payload_json)).toMatchObject({
        symbol: 'SPY',
        version: 1,
        first_date: '2019-12-26',
        last_date: '2019-12-27',
        count: 2,
        filename: 'p.csv',
        content_hash: rows.s1[0]!.content_hash,
      });
    } finally {
      store.close();
    }
  });

  it('the tables refuse UPDATE, DELETE and REPLACE', () => {
    const { dir } = seeded();
    tamper(dir, (db) => {
      for (const [table, key] of [
        ['model_versions', "model_id = 'growth'"],
        ['account_versions', "account_id = 'ACC-1'"],
        ['price_series_versions', "symbol = 'SPY'"],
        ['models', "model_id = 'growth'"],
      ] as const) {
        expect(() =>
          db.prepare(`UPDATE ${table} SET created_at = created_at WHERE ${key}`).run(),
        ).toThrow(/immutable/);
        expect(() => db.prepare(`DELETE FROM ${table} WHERE ${key}`).run()).toThrow(/immutable/);
      }
      expect(() =>
        db
          .prepare(
            "INSERT OR REPLACE INTO model_versions SELECT * FROM model_versions WHERE model_id = 'growth' AND version = 1",
          )
          .run(),
      ).toThrow(/immutable/);
    });
  });
});

describe('tamper trials on the new tables: detected and named by verify', () => {
  it("a model's content edited (and its hash recomputed) → record_mismatch on content_hash", () => {
    const { dir, open } = seeded();
    const forged = MODEL_JSON.replace('SPY', 'QQQ');
    tamper(
      dir,
      (db) =>
        db
          .prepare(
            "UPDATE model_versions SET content_json = ?, content_hash = ? WHERE model_id = 'growth' AND version = 1",
          )
          .run(forged, sha256Hex(forged)),
      { dropTriggers: true },
    );
    const store = open();
    try {
      const v = store.audit.verify();
      expect(v.ok).toBe(false);
      const [p] = ofKind(v, 'record_mismatch');
      expect(p).toMatchObject({
        record: { table: 'model_versions', id: 'growth', version: 1 },
        fields: ['content_hash'],
      });
      expect(p!.message).toMatch(/model growth version 1 differs from its model.created event/);
    } finally {
      store.close();
    }
  });

  it("an account's content edited without its hash → record_mismatch on content_json", () => {
    const { dir, open } = seeded();
    tamper(
      dir,
      (db) =>
        db
          .prepare("UPDATE account_versions SET content_json = ? WHERE account_id = 'ACC-1'")
          .run(ACCOUNT_JSON.replace('3', '300')),
      { dropTriggers: true },
    );
    const store = open();
    try {
      const [p] = ofKind(store.audit.verify(), 'record_mismatch');
      expect(p).toMatchObject({
        record: { table: 'account_versions', id: 'ACC-1', version: 1 },
        fields: ['content_json'],
      });
    } finally {
      store.close();
    }
  });

  it('an account moved to another model → record_mismatch on model_id', () => {
    const { dir, open } = seeded();
    tamper(
      dir,
      (db) => {
        db.prepare("INSERT INTO models VALUES ('other', '2026-01-01T00:00:00.000Z')").run();
        db.prepare(
          "UPDATE account_versions SET model_id = 'other' WHERE account_id = 'ACC-1'",
        ).run();
      },
      { dropTriggers: true },
    );
    const store = open();
    try {
      const [p] = ofKind(store.audit.verify(), 'record_mismatch');
      expect(p).toMatchObject({ record: { id: 'ACC-1' }, fields: ['model_id'] });
    } finally {
      store.close();
    }
  });

  it("a price series' closes and count rewritten → record_mismatch naming them", () => {
    const { dir, open } = seeded();
    const forged = '{"closes":[1,2,3],"dates":["2019-12-24","2019-12-26","2019-12-27"]}';
    tamper(
      dir,
      (db) =>
        db
          .prepare(
            "UPDATE price_series_versions SET content_json = ?, content_hash = ?, first_date = '2019-12-24', count = 3 WHERE symbol = 'SPY'",
          )
          .run(forged, sha256Hex(forged)),
      { dropTriggers: true },
    );
    const store = open();
    try {
      const [p] = ofKind(store.audit.verify(), 'record_mismatch');
      expect(p).toMatchObject({
        record: { table: 'price_series_versions', id: 'SPY', version: 1 },
        fields: ['content_hash', 'first_date', 'count'],
      });
    } finally {
      store.close();
    }
  });

  it('a version deleted → event_without_record; a version inserted → record_without_event', () => {
    const { dir, open } = seeded();
    tamper(
      dir,
      (db) => {
        db.prepare("DELETE FROM model_versions WHERE model_id = 'growth' AND version = 2").run();
        db.prepare(
          "INSERT INTO account_versions SELECT account_id, 2, created_at, name, model_id, content_hash, content_json FROM account_versions WHERE account_id = 'ACC-1'",
        ).run();
        db.prepare(
          "INSERT INTO price_series_versions SELECT symbol, 2, created_at, first_date, last_date, count, content_hash, content_json FROM price_series_versions WHERE symbol = 'SPY'",
        ).run();
      },
      { dropTriggers: true },
    );
    const store = open();
    try {
      const v = store.audit.verify();
      expect(ofKind(v, 'event_without_record')).toMatchObject([
        { record: { table: 'model_versions', id: 'growth', version: 2 } },
      ]);
      expect(ofKind(v, 'record_without_event').map((p) => p.record)).toEqual([
        { table: 'account_versions', id: 'ACC-1', version: 2 },
        { table: 'price_series_versions', id: 'SPY', version: 2 },
      ]);
    } finally {
      store.close();
    }
  });

  it('every event and the head file deleted: the rows remain and are each named', () => {
    const { dir, open } = seeded();
    tamper(dir, (db) => db.prepare('DELETE FROM audit_events').run(), { dropTriggers: true });
    const store = open();
    try {
      const v = store.audit.verify();
      expect(v.ok).toBe(false);
      expect(ofKind(v, 'record_without_event')).toHaveLength(4); // 2 model, 1 account, 1 series
    } finally {
      store.close();
    }
  });
});
