import type { Migration } from './types';
import { ISO_MS_GLOB } from './001_audit_log';

/**
 * v4: file imports (portfolio and price files). One row per accepted import, linked to the
 * portfolio version it produced (if any) and to its audit event; looked up by the file's
 * SHA-256 to flag a second import of the same bytes. Immutable like the other records.
 */
export const migration004: Migration = {
  version: 4,
  name: 'imports',
  up(db) {
    db.exec(`
      CREATE TABLE imports (
        import_id         TEXT PRIMARY KEY NOT NULL CHECK (length(import_id) = 26),
        kind              TEXT NOT NULL CHECK (kind IN ('portfolio', 'prices')),
        filename          TEXT NOT NULL CHECK (length(filename) BETWEEN 1 AND 1024),
        content_hash      TEXT NOT NULL CHECK (length(content_hash) = 64),
        row_count         INTEGER NOT NULL CHECK (row_count >= 0),
        actor             TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
        created_at        TEXT NOT NULL CHECK (created_at GLOB ${ISO_MS_GLOB}),
        portfolio_id      TEXT REFERENCES portfolios (id),
        portfolio_version INTEGER,
        audit_seq         INTEGER NOT NULL REFERENCES audit_events (seq),
        CHECK (portfolio_version IS NULL OR portfolio_id IS NOT NULL),
        FOREIGN KEY (portfolio_id, portfolio_version)
          REFERENCES portfolio_versions (portfolio_id, version)
      ) STRICT;

      CREATE INDEX imports_by_hash ON imports (content_hash, kind, created_at);
      CREATE INDEX imports_by_time ON imports (created_at, import_id);

      CREATE TRIGGER imports_no_update BEFORE UPDATE ON imports
      BEGIN
        SELECT RAISE(ABORT, 'imports are immutable: UPDATE is not allowed');
      END;

      CREATE TRIGGER imports_no_delete BEFORE DELETE ON imports
      BEGIN
        SELECT RAISE(ABORT, 'imports are immutable: DELETE is not allowed');
      END;
    `);
  },
};
