import type Database from 'better-sqlite3';
import type { Migration } from './types';
import { ISO_MS_GLOB } from './001_audit_log';

/**
 * A `BEFORE INSERT` trigger that refuses a row whose key already exists.
 *
 * Why: the UPDATE/DELETE triggers of the append-only tables do not stop
 * `INSERT OR REPLACE` (nor `REPLACE INTO`): REPLACE deletes the old row itself, and SQLite fires
 * DELETE triggers for that only when `recursive_triggers` is on (it is off by default, and any
 * connection may turn it off). The old row would be silently swapped for a new one. This
 * trigger runs before conflict resolution, so REPLACE, `ON CONFLICT DO UPDATE` and
 * `INSERT OR IGNORE` of an existing key all abort; a plain INSERT of an existing key now fails
 * with this message instead of the UNIQUE error. Cost: one primary-key lookup per insert.
 */
function noReplaceTrigger(table: string, key: string, what: string): string {
  return `
      CREATE TRIGGER ${table}_no_replace BEFORE INSERT ON ${table}
      WHEN EXISTS (SELECT 1 FROM ${table} WHERE ${key} = NEW.${key})
      BEGIN
        SELECT RAISE(ABORT, '${what}: a row with this ${key} exists and cannot be replaced');
      END;`;
}

function appendOnlyTriggers(table: string, what: string): string {
  return `
      CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
      BEGIN
        SELECT RAISE(ABORT, '${what}: UPDATE is not allowed');
      END;

      CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
      BEGIN
        SELECT RAISE(ABORT, '${what}: DELETE is not allowed');
      END;`;
}

/**
 * `runs` rebuilt with the supervisor's `decision` among the small leading columns.
 *
 * Why not `ALTER TABLE runs ADD COLUMN decision`: an added column goes after `output_json`, and
 * listing reads `decision` for every row; reaching it means walking the overflow pages of the
 * ~20 KB output (measured: a 50-row page read 2.7× slower with a warm cache, and it is five
 * extra page reads a row with a cold one). The copy keeps every byte of every run; the old
 * table's indexes and triggers go with it and are recreated with the same names. Nothing
 * references `runs` at v4, so the DROP (an implicit DELETE with foreign keys on, which fires
 * no trigger) is safe inside the migration's transaction.
 */
function rebuildRuns(db: Database.Database): void {
  const old =
    'run_id, kind, portfolio_id, portfolio_version, created_at, status, engine_version, ' +
    'input_hash, duration_ms, model_versions_json, input_json, output_json';
  db.exec(`
      CREATE TABLE runs_v5 (
        run_id              TEXT PRIMARY KEY NOT NULL CHECK (length(run_id) = 26),
        kind                TEXT NOT NULL
                              CHECK (kind IN ('rebalance', 'copilot', 'tandem', 'optimize')),
        portfolio_id        TEXT REFERENCES portfolios (id),
        portfolio_version   INTEGER,
        created_at          TEXT NOT NULL CHECK (created_at GLOB ${ISO_MS_GLOB}),
        status              TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
        engine_version      TEXT NOT NULL CHECK (length(engine_version) BETWEEN 1 AND 64),
        input_hash          TEXT NOT NULL CHECK (length(input_hash) = 64),
        duration_ms         REAL NOT NULL CHECK (duration_ms >= 0),
        decision            TEXT
                              CHECK (decision IS NULL
                                     OR decision IN ('APPROVED', 'REVIEW_REQUIRED', 'REJECTED')),
        model_versions_json TEXT NOT NULL CHECK (json_valid(model_versions_json)),
        input_json          TEXT NOT NULL CHECK (json_valid(input_json)),
        output_json         TEXT NOT NULL CHECK (json_valid(output_json)),
        CHECK (portfolio_version IS NULL OR portfolio_id IS NOT NULL),
        FOREIGN KEY (portfolio_id, portfolio_version)
          REFERENCES portfolio_versions (portfolio_id, version)
      ) STRICT;

      INSERT INTO runs_v5 (${old}) SELECT ${old} FROM runs ORDER BY rowid;
      DROP TABLE runs;
      ALTER TABLE runs_v5 RENAME TO runs;

      CREATE INDEX runs_by_time ON runs (created_at, run_id);
      CREATE INDEX runs_by_portfolio ON runs (portfolio_id, created_at, run_id)
        WHERE portfolio_id IS NOT NULL;
      CREATE INDEX runs_by_kind ON runs (kind, created_at, run_id);
      CREATE INDEX runs_by_portfolio_version ON runs (portfolio_id, portfolio_version)
        WHERE portfolio_version IS NOT NULL;

      CREATE TRIGGER runs_no_update BEFORE UPDATE ON runs
      BEGIN
        SELECT RAISE(ABORT, 'runs are immutable: UPDATE is not allowed');
      END;

      CREATE TRIGGER runs_no_delete BEFORE DELETE ON runs
      BEGIN
        SELECT RAISE(ABORT, 'runs are immutable: DELETE is not allowed');
      END;
      ${noReplaceTrigger('runs', 'run_id', 'runs are immutable')}
  `);
}

/**
 * v5: versioned supervisor policies and human decisions on runs, both bound to the audit chain.
 *
 * - `policies`: one immutable row per version (1, 2, …; version 0 is the built-in default and
 *   is never stored). Each insert is written with a `policy.changed` event.
 * - `run_decisions`: at most one human decision per run, for ever (a second one, or a change
 *   of mind, is refused; a correction is an `audit.correction` event). `run_output_hash` pins
 *   the output that was approved, so the approval cannot be carried over to other bytes.
 * - `runs`: gains `decision` (the supervisor's verdict for tandem runs, NULL for older runs) and
 *   a guard against INSERT OR REPLACE; see rebuildRuns.
 * - The other append-only tables (audit_events, portfolio_versions, imports) get the same
 *   REPLACE guard, which v1..v4 lacked.
 */
export const migration005: Migration = {
  version: 5,
  name: 'policy_approvals',
  up(db) {
    rebuildRuns(db);
    db.exec(`
      INSERT INTO audit_actions (action) VALUES ('policy.changed');

      CREATE TABLE policies (
        version       INTEGER PRIMARY KEY CHECK (version >= 1),
        created_at    TEXT NOT NULL CHECK (created_at GLOB ${ISO_MS_GLOB}),
        actor         TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
        hash          TEXT NOT NULL CHECK (length(hash) = 64),
        document_json TEXT NOT NULL CHECK (json_valid(document_json))
      ) STRICT;
      ${appendOnlyTriggers('policies', 'policies are immutable')}

      -- Versions are contiguous, and an existing version cannot be REPLACEd (see noReplaceTrigger):
      -- a new row is always current + 1.
      CREATE TRIGGER policies_next_version BEFORE INSERT ON policies
      WHEN NEW.version <> (SELECT coalesce(max(version), 0) + 1 FROM policies)
      BEGIN
        SELECT RAISE(ABORT, 'policies are immutable: a new version must be the current one + 1');
      END;

      -- The note (up to 2,000 characters) comes last, like the JSON columns elsewhere.
      CREATE TABLE run_decisions (
        run_id          TEXT PRIMARY KEY NOT NULL REFERENCES runs (run_id),
        decision        TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
        actor           TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
        created_at      TEXT NOT NULL CHECK (created_at GLOB ${ISO_MS_GLOB}),
        run_output_hash TEXT NOT NULL CHECK (length(run_output_hash) = 64),
        note            TEXT NOT NULL CHECK (length(note) BETWEEN 1 AND 2000)
      ) STRICT;
      ${appendOnlyTriggers('run_decisions', 'run decisions are final')}
      ${noReplaceTrigger('run_decisions', 'run_id', 'run decisions are final')}
      ${noReplaceTrigger('audit_events', 'seq', 'audit_events is append-only')}
      ${portfolioVersionsNoReplace()}
      ${noReplaceTrigger('imports', 'import_id', 'imports are immutable')}
    `);
  },
};

/** portfolio_versions has a two-column key, so its guard is written out. */
function portfolioVersionsNoReplace(): string {
  return `
      CREATE TRIGGER portfolio_versions_no_replace BEFORE INSERT ON portfolio_versions
      WHEN EXISTS (SELECT 1 FROM portfolio_versions
                   WHERE portfolio_id = NEW.portfolio_id AND version = NEW.version)
      BEGIN
        SELECT RAISE(ABORT,
          'portfolio_versions are immutable: this version exists and cannot be replaced');
      END;`;
}
