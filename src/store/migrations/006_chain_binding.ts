import type { Migration } from './types';

/** The pending task that binds runs stored before v6 (see src/store/legacyBinding.ts). */
export const BIND_LEGACY_RUNS_TASK = 'bind_legacy_runs';

/**
 * A no-replace guard that also covers the hidden rowid.
 *
 * Why v5's guards were not enough: they look the new row up by its declared key, but `runs`,
 * `imports`, `portfolio_versions` and `run_decisions` are rowid tables, and
 * `INSERT OR REPLACE INTO runs (rowid, run_id, …) VALUES (<an existing rowid>, <a new id>, …)`
 * conflicts on the rowid instead: REPLACE deletes the old row (no DELETE trigger fires unless
 * the connection has recursive_triggers on) and the guard, seeing a new run_id, let it pass.
 * In a BEFORE INSERT trigger NEW.rowid is the rowid given explicitly, or -1 when SQLite is to
 * choose one, so checking it costs one rowid lookup and never matches a normal insert (the
 * store never writes rowids; a row with rowid -1 could only come from outside the store).
 * Both lookups are by primary key / rowid.
 */
export function noReplaceTrigger(table: string, keyWhere: string, what: string): string {
  return `
      DROP TRIGGER IF EXISTS ${table}_no_replace;
      CREATE TRIGGER ${table}_no_replace BEFORE INSERT ON ${table}
      WHEN EXISTS (SELECT 1 FROM ${table} WHERE rowid = NEW.rowid)
        OR EXISTS (SELECT 1 FROM ${table} WHERE ${keyWhere})
      BEGIN
        SELECT RAISE(ABORT, '${what}: this row exists and cannot be replaced');
      END;`;
}

/**
 * v6: every stored run bound to the audit chain.
 *
 * - `run.bound`: a new audit action. From v6 on, `run.created` carries the SHA-256 of the
 *   stored `input_json` and the run's `duration_ms` as well (runs.ts); runs stored before v6
 *   have a `run.created` event without them. Those are bound once, at the first open after this
 *   migration, by one `run.bound` event per run (legacyBinding.ts) — written through the normal
 *   audit write protocol, which a migration cannot use (it runs before the head file is read).
 * - `pending_tasks`: the flag that asks for that step; deleted in the same transaction that
 *   writes the events, so a crash leaves either both or neither.
 * - The no-replace guards of the rowid tables also check the rowid (see noReplaceTrigger).
 *   `audit_events.seq` and `policies.version` are INTEGER PRIMARY KEYs, i.e. the rowid itself,
 *   so their v5 guards already cover it.
 */
export const migration006: Migration = {
  version: 6,
  name: 'chain_binding',
  up(db) {
    db.exec(`
      INSERT INTO audit_actions (action) VALUES ('run.bound');

      CREATE TABLE pending_tasks (
        task TEXT PRIMARY KEY NOT NULL
      ) STRICT, WITHOUT ROWID;

      INSERT INTO pending_tasks (task)
        SELECT '${BIND_LEGACY_RUNS_TASK}' WHERE EXISTS (SELECT 1 FROM runs);
      ${noReplaceTrigger('runs', 'run_id = NEW.run_id', 'runs are immutable')}
      ${noReplaceTrigger('imports', 'import_id = NEW.import_id', 'imports are immutable')}
      ${noReplaceTrigger(
        'portfolio_versions',
        'portfolio_id = NEW.portfolio_id AND version = NEW.version',
        'portfolio_versions are immutable',
      )}
      ${noReplaceTrigger('run_decisions', 'run_id = NEW.run_id', 'run decisions are final')}
    `);
  },
};
