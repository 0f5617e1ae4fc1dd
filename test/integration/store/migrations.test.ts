import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  APPLICATION_ID,
  DB_FILE_NAME,
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  SqliteAuditLog,
  SqlitePortfolioRepository,
  SqliteRunRepository,
  StoreError,
  canonicalJson,
  createStore,
  openDatabase,
  sha256Hex,
} from '../../../src/store';
import { fakeClock, runInput, tempDir } from './helpers';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function dir(): string {
  const t = tempDir('store-mig-');
  cleanups.push(t.cleanup);
  return t.dir;
}

function tables(db: Database.Database): string[] {
  return (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[]
  ).filter((n) => !n.startsWith('sqlite_'));
}

function backups(d: string): string[] {
  const b = path.join(d, 'backups');
  return fs.existsSync(b) ? fs.readdirSync(b).sort() : [];
}

/** The columns of `runs` at v3 and v4 (v5 adds `decision` before the JSON columns). */
const V3_RUN_COLS =
  'run_id, kind, portfolio_id, portfolio_version, created_at, status, engine_version, ' +
  'input_hash, duration_ms, model_versions_json, input_json, output_json';

/**
 * Saves a run into a v3/v4 database the way the v3/v4 app did: the row and its `run.created`
 * event (with the pre-v5 payload) in one write. Raw SQL, since today's run repository reads the
 * v5 columns.
 */
function saveRunBeforeV5(
  db: Database.Database,
  audit: SqliteAuditLog,
  run_id: string,
  portfolio: { portfolio_id: string; portfolio_version: number },
): { run_id: string; input_json: string; audit_seq: number } {
  const r = runInput(portfolio);
  const input_hash = sha256Hex(r.input_json);
  const ins = db.prepare(
    `INSERT INTO runs (${V3_RUN_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const [event] = audit.write(() => {
    ins.run(
      run_id,
      r.kind,
      portfolio.portfolio_id,
      portfolio.portfolio_version,
      audit.txTimestamp(),
      r.status,
      r.engine_version,
      input_hash,
      r.duration_ms,
      r.model_versions_json,
      r.input_json,
      r.output_json,
    );
    const payload_json = canonicalJson({
      run_id,
      kind: r.kind,
      status: r.status,
      portfolio_id: portfolio.portfolio_id,
      portfolio_version: portfolio.portfolio_version,
      engine_version: r.engine_version,
      input_hash,
      output_hash: sha256Hex(r.output_json),
      model_versions_hash: sha256Hex(r.model_versions_json),
    });
    return audit.appendInTx([
      {
        actor: 'system',
        action: 'run.created',
        subject: run_id,
        payload_json,
        payload_hash: sha256Hex(payload_json),
      },
    ]);
  });
  return { run_id, input_json: r.input_json, audit_seq: event!.seq };
}

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(
      Array.from({ length: MIGRATIONS.length }, (_, i) => i + 1),
    );
    expect(LATEST_SCHEMA_VERSION).toBe(9);
  });

  it('a new database opens with the required pragmas at the latest version', () => {
    const d = dir();
    const o = openDatabase({ dir: d });
    try {
      expect(o.file).toBe(path.resolve(d, DB_FILE_NAME));
      expect(o.from_version).toBe(0);
      expect(o.version).toBe(LATEST_SCHEMA_VERSION);
      expect(o.backup_file).toBeNull(); // nothing to back up in a new file
      expect(o.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(o.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(o.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(o.db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(o.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
      expect(tables(o.db)).toEqual([
        'account_versions',
        'accounts',
        'audit_actions',
        'audit_events',
        'batch_items',
        'batches',
        'imports',
        'model_versions',
        'models',
        'pending_tasks',
        'policies',
        'portfolio_versions',
        'portfolios',
        'price_series',
        'price_series_versions',
        'run_decisions',
        'run_text_parts',
        'runs',
      ]);
      // Every table is STRICT.
      const strict = o.db
        .prepare(
          "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'",
        )
        .all() as { name: string; strict: number }[];
      expect(strict.every((t) => t.strict === 1)).toBe(true);
      expect(backups(d)).toEqual([]);
    } finally {
      o.db.close();
    }
  });

  it('001 (v0 → v1): creates the audit log; v1 knows only the non-portfolio, non-run actions', () => {
    const d = dir();
    const o = openDatabase({ dir: d, migrateTo: 1 });
    try {
      expect(o.version).toBe(1);
      expect(tables(o.db)).toEqual(['audit_actions', 'audit_events']);
      expect(
        o.db.prepare('SELECT action FROM audit_actions ORDER BY action').pluck().all(),
      ).toEqual(['audit.correction', 'prices.imported', 'settings.changed']);
      const log = new SqliteAuditLog(o.db, d, Date.now);
      log.append({ actor: 'a', action: 'settings.changed', subject: 's', payload: { x: 1 } });
      // 'portfolio.created' is not a known action before v2: the foreign key rejects it.
      expect(() =>
        log.append({ actor: 'a', action: 'portfolio.created', subject: 'p', payload: {} }),
      ).toThrow(/FOREIGN KEY/);
      expect(log.verify().ok).toBe(true);
      log.close();
    } finally {
      o.db.close();
    }
  });

  it('002 (v1 → v2) with audit rows: rows kept, backup made, portfolio tables and actions added', () => {
    const d = dir();
    const clock = fakeClock(Date.UTC(2026, 2, 1, 8, 30, 0, 250));
    const v1 = openDatabase({ dir: d, migrateTo: 1 });
    const log = new SqliteAuditLog(v1.db, d, clock.now);
    const events = log.append([
      { actor: 'alice', action: 'prices.imported', subject: 'prices:SPY', payload: { rows: 10 } },
      { actor: 'alice', action: 'settings.changed', subject: 'theme', payload: { to: 'dark' } },
    ]);
    log.close();
    v1.db.close();

    const v2 = openDatabase({ dir: d, migrateTo: 2, now: clock.now });
    try {
      expect(v2.from_version).toBe(1);
      expect(v2.version).toBe(2);
      expect(tables(v2.db)).toEqual([
        'audit_actions',
        'audit_events',
        'portfolio_versions',
        'portfolios',
      ]);
      const rows = v2.db
        .prepare('SELECT seq, hash, payload_json FROM audit_events ORDER BY seq')
        .all();
      expect(rows).toEqual(
        events.map((e) => ({ seq: e.seq, hash: e.hash, payload_json: e.payload_json })),
      );
      // Backup: named after the old version and the clock, and it is the v1 database with its rows.
      expect(backups(d)).toEqual(['rebalancer-v1-20260301T083000250Z.sqlite']);
      expect(v2.backup_file).toBe(
        path.resolve(d, 'backups', 'rebalancer-v1-20260301T083000250Z.sqlite'),
      );
      const b = new Database(v2.backup_file!, { readonly: true });
      expect(b.pragma('user_version', { simple: true })).toBe(1);
      expect(b.prepare('SELECT count(*) FROM audit_events').pluck().get()).toBe(2);
      expect(tables(b)).toEqual(['audit_actions', 'audit_events']);
      b.close();

      // New actions are known now and portfolio_versions are immutable.
      const log2 = new SqliteAuditLog(v2.db, d, clock.now);
      expect(log2.verify()).toMatchObject({
        ok: true,
        events: 2,
        first_bad_seq: null,
        reason: null,
      });
      log2.append({ actor: 'alice', action: 'portfolio.created', subject: 'p1', payload: {} });
      v2.db
        .prepare("INSERT INTO portfolios VALUES ('p1', 'Core', '2026-03-01T08:30:00.250Z')")
        .run();
      v2.db
        .prepare(
          "INSERT INTO portfolio_versions VALUES ('p1', 1, '2026-03-01T08:30:00.250Z', ?, '{}')",
        )
        .run(sha256Hex('{}'));
      expect(() => v2.db.prepare('UPDATE portfolio_versions SET version = 2').run()).toThrow(
        /immutable/,
      );
      expect(() => v2.db.prepare('DELETE FROM portfolio_versions').run()).toThrow(/immutable/);
      expect(() =>
        log2.append({ actor: 'a', action: 'run.created', subject: 'r', payload: {} }),
      ).toThrow(/FOREIGN KEY/);
      log2.close();
    } finally {
      v2.db.close();
    }
  });

  it('003 (v2 → v3) with audit and portfolio rows: rows kept, backup made, runs work', () => {
    const d = dir();
    const clock = fakeClock(Date.UTC(2026, 3, 2, 10, 0, 0, 0));
    const v2 = openDatabase({ dir: d, migrateTo: 2 });
    const log = new SqliteAuditLog(v2.db, d, clock.now);
    log.append([
      { actor: 'alice', action: 'portfolio.created', subject: 'p1', payload: { version: 1 } },
      { actor: 'alice', action: 'portfolio.edited', subject: 'p1', payload: { version: 2 } },
    ]);
    v2.db.prepare("INSERT INTO portfolios VALUES ('p1', 'Core', '2026-04-02T10:00:00.000Z')").run();
    const ins = v2.db.prepare('INSERT INTO portfolio_versions VALUES (?, ?, ?, ?, ?)');
    ins.run('p1', 1, '2026-04-02T10:00:00.000Z', sha256Hex('{"v":1}'), '{"v":1}');
    ins.run('p1', 2, '2026-04-02T10:00:01.000Z', sha256Hex('{"v":2}'), '{"v":2}');
    log.close();
    v2.db.close();

    clock.tick(60_000);
    const v3 = openDatabase({ dir: d, migrateTo: 3, now: clock.now });
    try {
      expect(v3.version).toBe(3);
      expect(tables(v3.db)).toContain('runs');
      expect(tables(v3.db)).not.toContain('imports');
      expect(v3.backup_file).toBe(
        path.resolve(d, 'backups', 'rebalancer-v2-20260402T100100000Z.sqlite'),
      );
      const b = new Database(v3.backup_file!, { readonly: true });
      expect(b.pragma('user_version', { simple: true })).toBe(2);
      expect(b.prepare('SELECT count(*) FROM portfolio_versions').pluck().get()).toBe(2);
      b.close();

      // Old rows are readable through the repositories, and the new table references them.
      const audit = new SqliteAuditLog(v3.db, d, clock.now);
      const portfolios = new SqlitePortfolioRepository(v3.db, audit);
      expect(portfolios.get('p1')).toMatchObject({ version: 2, content_json: '{"v":2}' });
      expect(portfolios.get('p1', 1)).toMatchObject({ version: 1, content_json: '{"v":1}' });
      expect(audit.verify()).toMatchObject({
        ok: true,
        events: 2,
        first_bad_seq: null,
        reason: null,
      });
      const run = saveRunBeforeV5(v3.db, audit, '01JC0000000000000000000003', {
        portfolio_id: 'p1',
        portfolio_version: 1,
      });
      expect(
        v3.db
          .prepare('SELECT portfolio_id, portfolio_version FROM runs WHERE run_id = ?')
          .get(run.run_id),
      ).toEqual({ portfolio_id: 'p1', portfolio_version: 1 });
      expect(run.audit_seq).toBe(3);
      expect(audit.verify().ok).toBe(true);
      audit.close();
    } finally {
      v3.db.close();
    }
  });

  it('004 (v3 → v4) with audit, portfolio and run rows: rows kept, backup made, imports work', () => {
    const d = dir();
    const clock = fakeClock(Date.UTC(2026, 4, 3, 11, 0, 0, 0));
    const v3 = openDatabase({ dir: d, migrateTo: 3 });
    const audit = new SqliteAuditLog(v3.db, d, clock.now);
    const portfolios = new SqlitePortfolioRepository(v3.db, audit);
    const p = portfolios.create({ name: 'Core', content_json: '{"assets":[]}' });
    const r = saveRunBeforeV5(v3.db, audit, '01JC0000000000000000000004', {
      portfolio_id: p.portfolio_id,
      portfolio_version: 1,
    });
    const head = audit.head();
    audit.close();
    v3.db.close();

    clock.tick(1000);
    const store = createStore({ dir: d, now: clock.now });
    try {
      expect(store.schema_version).toBe(9);
      expect(path.basename(store.backup_file!)).toBe('rebalancer-v3-20260503T110001000Z.sqlite');
      const b = new Database(store.backup_file!, { readonly: true });
      expect(b.pragma('user_version', { simple: true })).toBe(3);
      expect(b.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(1);
      expect(tables(b)).not.toContain('imports');
      b.close();

      expect(store.runs.get(r.run_id)).toMatchObject({ input_json: r.input_json });
      expect(store.portfolios.get(p.portfolio_id)).toEqual(p);
      // The open that reached v6 bound the pre-v6 run with one run.bound event (seq 3).
      expect(store.audit.head().seq).toBe(head.seq + 1);
      const [bound] = store.audit.list({ after_seq: head.seq });
      expect(bound).toMatchObject({ action: 'run.bound', subject: r.run_id });
      const imp = store.imports.record({
        kind: 'prices',
        filename: 'prices.csv',
        content_hash: sha256Hex('file bytes'),
        rows: 3,
        portfolio: {
          portfolio_id: p.portfolio_id,
          content_json: '{"assets":[],"x":1}',
          name: 'Core',
        },
      });
      expect(imp).toMatchObject({
        portfolio_id: p.portfolio_id,
        portfolio_version: 2,
        audit_seq: 4,
      });
      expect(store.audit.verify()).toMatchObject({
        ok: true,
        events: 4,
        first_bad_seq: null,
        reason: null,
        runs_checked: 1,
        problems: [],
      });
    } finally {
      store.close();
    }
  });

  it('009 (v8 → v9) with a run: kept, backup made, batch actions known, a batch verifies', async () => {
    const d = dir();
    const clock = fakeClock(Date.UTC(2026, 6, 1, 9, 0, 0, 0));
    const v8 = openDatabase({ dir: d, migrateTo: 8, now: clock.now });
    const audit = new SqliteAuditLog(v8.db, d, clock.now);
    const run = new SqliteRunRepository(v8.db, audit).save(runInput());
    audit.close();
    v8.db.close();
    clock.tick(1000);
    const store = createStore({ dir: d, now: clock.now });
    try {
      expect(store.schema_version).toBe(9);
      expect(path.basename(store.backup_file!)).toBe('rebalancer-v8-20260701T090001000Z.sqlite');
      expect(store.runs.get(run.run_id)).toMatchObject({ input_json: run.input_json });
      const batch = store.batches.create({
        kind: 'requests',
        policy_version: 0,
        settings_json: 'null',
        library_json: '{}',
        items: [{ request_json: '{}' }],
        actor: 'pm',
      });
      await store.batches.saveRun(batch.batch_id, 0, runInput(), {
        decision: null,
        breaches: [],
        reasons: [],
        error: null,
      });
      expect(store.audit.list({ subject: batch.batch_id }).map((e) => e.action)).toEqual([
        'batch.created',
        'batch.finished',
      ]);
      expect(store.audit.verify()).toMatchObject({ ok: true, runs_checked: 2 });
    } finally {
      store.close();
    }
  });

  it('migrating an up-to-date database makes no backup', () => {
    const d = dir();
    createStore({ dir: d }).close();
    const s = createStore({ dir: d });
    expect(s.backup_file).toBeNull();
    s.close();
    expect(backups(d)).toEqual([]);
  });

  it('refuses a database newer than the app and leaves the file byte-for-byte untouched', () => {
    const d = dir();
    createStore({ dir: d }).close();
    const file = path.join(d, DB_FILE_NAME);
    const raw = new Database(file);
    raw.pragma('user_version = 11');
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = fs.readFileSync(file);
    const filesBefore = fs.readdirSync(d).sort();

    let err: unknown;
    try {
      createStore({ dir: d });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('SCHEMA_TOO_NEW');
    expect((err as Error).message).toBe(
      'database schema v11 is newer than this app (v9); upgrade the app or restore a backup',
    );
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(d).sort()).toEqual(filesBefore);
    expect(backups(d)).toEqual([]);
  });

  it('refuses a newer database that is still in WAL mode, without checkpointing it', () => {
    const d = dir();
    createStore({ dir: d }).close();
    const file = path.join(d, DB_FILE_NAME);
    const raw = new Database(file);
    raw.pragma('user_version = 10');
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openDatabase({ dir: d })).toThrow(
      'database schema v10 is newer than this app (v9); upgrade the app or restore a backup',
    );
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a file that is not a rebalancer database', () => {
    const d = dir();
    const raw = new Database(path.join(d, DB_FILE_NAME));
    raw.exec('CREATE TABLE other (x INTEGER)');
    raw.close();
    expect(() => openDatabase({ dir: d })).toThrow(/not a rebalancer database/);
    const raw2 = new Database(path.join(d, DB_FILE_NAME));
    raw2.pragma('user_version = 2');
    raw2.close();
    expect(() => openDatabase({ dir: d })).toThrow(/application_id/);
  });

  it('a second open of the same directory fails fast while the first is open', () => {
    const d = dir();
    const a = createStore({ dir: d });
    try {
      expect(() => createStore({ dir: d })).toThrow(
        expect.objectContaining({ code: 'DATA_DIR_IN_USE' }),
      );
    } finally {
      a.close();
    }
    createStore({ dir: d }).close(); // free again after close
  });

  it('a failing migration rolls back its step and keeps the previous version', () => {
    const d = dir();
    createStore({ dir: d }).close();
    const broken = [
      ...MIGRATIONS,
      {
        version: 10,
        name: 'broken',
        up(db: Database.Database) {
          db.exec('CREATE TABLE half_done (x INTEGER) STRICT');
          db.exec('THIS IS NOT SQL');
        },
      },
    ];
    expect(() => openDatabase({ dir: d, migrations: broken })).toThrow(
      /migration 010_broken failed: .*a backup is at .*rebalancer-v9-/,
    );
    const o = openDatabase({ dir: d });
    expect(o.version).toBe(9);
    expect(tables(o.db)).not.toContain('half_done');
    o.db.close();
    expect(backups(d)).toHaveLength(1);
  });
});
