import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { sha256Hex } from '../../../src/store';
import { keyedStore, tamper } from './binding-helpers';
import { runInput } from './helpers';

/**
 * Item 3 of issue #10: no UPDATE-or-REPLACE path into an append-only table. Raw SQL on the
 * database file of a closed store, as a script or a SQLite shell would run it; the guards are
 * triggers in the schema, so they hold for any connection (recursive_triggers off, the
 * SQLite default, and on).
 */
let s: ReturnType<typeof keyedStore>;

beforeAll(() => {
  s = keyedStore('store-guards-');
  const store = s.open();
  const p = store.portfolios.create({ name: 'Core', content_json: '{"assets":[]}' });
  store.portfolios.edit(p.portfolio_id, { content_json: '{"assets":[],"v":2}' });
  store.imports.record({
    kind: 'prices',
    filename: 'prices.csv',
    content_hash: sha256Hex('bytes'),
    rows: 3,
  });
  store.policies.put({ document_json: '{"v":1}', actor: 'alice', expected_version: 0 });
  const r = store.runs.save(runInput());
  store.runs.save(runInput({ output_json: '{"other":1}' }));
  store.approvals.decide({ run_id: r.run_id, decision: 'approved', note: 'ok', actor: 'bob' });
  store.close();
});
afterAll(() => s.cleanup());

/** Each append-only table, and how to give a copied row a key that does not exist yet. */
const TABLES: { table: string; newKey: Record<string, string>; rowid: boolean }[] = [
  { table: 'runs', newKey: { run_id: "'01ZZZZZZZZZZZZZZZZZZZZZZZZ'" }, rowid: true },
  { table: 'imports', newKey: { import_id: "'01ZZZZZZZZZZZZZZZZZZZZZZZZ'" }, rowid: true },
  { table: 'portfolio_versions', newKey: { version: 'version + 100' }, rowid: true },
  { table: 'run_decisions', newKey: { run_id: "'01ZZZZZZZZZZZZZZZZZZZZZZZZ'" }, rowid: true },
  // seq and version are INTEGER PRIMARY KEYs: the key is the rowid.
  { table: 'audit_events', newKey: {}, rowid: false },
  { table: 'policies', newKey: {}, rowid: false },
];

function columns(db: Database.Database, table: string): string[] {
  return db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[];
}

function snapshot(db: Database.Database, table: string): unknown[] {
  return db.prepare(`SELECT rowid AS _rowid, * FROM ${table} ORDER BY rowid`).all();
}

/** Every way to overwrite an existing row of `table` that SQLite offers. */
function attacks(db: Database.Database, t: (typeof TABLES)[number]): string[] {
  const cols = columns(db, t.table);
  const list = cols.join(', ');
  // The first row, with its rowid; `WHERE true` lets an upsert follow the SELECT.
  const first = `FROM (SELECT rowid AS rid_, * FROM ${t.table} ORDER BY rowid LIMIT 1) WHERE true`;
  const same = `SELECT ${list} ${first}`;
  const sql = [
    `INSERT OR REPLACE INTO ${t.table} (${list}) ${same}`,
    `REPLACE INTO ${t.table} (${list}) ${same}`,
    `INSERT OR IGNORE INTO ${t.table} (${list}) ${same}`,
    `INSERT INTO ${t.table} (${list}) ${same} ON CONFLICT DO UPDATE SET ${cols[1]} = excluded.${cols[1]}`,
    `INSERT OR REPLACE INTO ${t.table} (rowid, ${list}) SELECT rid_, ${list} ${first}`,
  ];
  if (t.rowid) {
    // A new key on the rowid of an existing row: REPLACE would delete that row.
    const moved = cols.map((c) => t.newKey[c] ?? c).join(', ');
    sql.push(`INSERT OR REPLACE INTO ${t.table} (rowid, ${list}) SELECT rid_, ${moved} ${first}`);
  }
  return sql;
}

describe('append-only tables refuse every REPLACE path (raw SQL on the file)', () => {
  for (const recursive of [false, true]) {
    for (const t of TABLES) {
      it(`${t.table} (recursive_triggers ${recursive ? 'on' : 'off'})`, () => {
        tamper(s.dir, (db) => {
          db.pragma(`recursive_triggers = ${recursive ? 'ON' : 'OFF'}`);
          const before = snapshot(db, t.table);
          expect(before.length).toBeGreaterThan(0);
          for (const sql of attacks(db, t)) {
            expect(() => db.exec(sql), sql).toThrow(/immutable|append-only|final|version/);
          }
          expect(() => db.exec(`UPDATE ${t.table} SET rowid = rowid`)).toThrow();
          expect(() => db.exec(`DELETE FROM ${t.table}`)).toThrow();
          expect(snapshot(db, t.table)).toEqual(before);
        });
      });
    }
  }

  it('the store still verifies after all the refused attempts', () => {
    const store = s.open();
    try {
      expect(store.audit.verify()).toMatchObject({ ok: true, problems: [], runs_checked: 2 });
    } finally {
      store.close();
    }
  });
});
