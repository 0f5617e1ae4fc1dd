import type { Migration } from './types';
import { ISO_MS_GLOB } from './001_audit_log';

/**
 * v3: runs, each with its inputs, outputs, versions and input hash so it can be replayed.
 * Column order matters: the small columns come first and the JSON texts last, so listing
 * (which reads only the small ones) never touches the overflow pages of a 20 KB output.
 * Runs are records of what happened: immutable (approval is an audit event, not an UPDATE).
 */
export const migration003: Migration = {
  version: 3,
  name: 'runs',
  up(db) {
    db.exec(`
      INSERT INTO audit_actions (action) VALUES
        ('run.created'), ('run.approved'), ('run.rejected');

      CREATE TABLE runs (
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
        model_versions_json TEXT NOT NULL CHECK (json_valid(model_versions_json)),
        input_json          TEXT NOT NULL CHECK (json_valid(input_json)),
        output_json         TEXT NOT NULL CHECK (json_valid(output_json)),
        CHECK (portfolio_version IS NULL OR portfolio_id IS NOT NULL),
        FOREIGN KEY (portfolio_id, portfolio_version)
          REFERENCES portfolio_versions (portfolio_id, version)
      ) STRICT;

      -- Keyset pagination, newest first: (created_at, run_id) DESC, optionally per portfolio/kind.
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
    `);
  },
};
