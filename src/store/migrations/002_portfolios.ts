import type { Migration } from './types';
import { ISO_MS_GLOB } from './001_audit_log';

/**
 * v2: versioned portfolios. A version is immutable (triggers); an edit inserts version n+1.
 * `content_json` is kept last in the row so listing versions does not read the large column.
 */
export const migration002: Migration = {
  version: 2,
  name: 'portfolios',
  up(db) {
    db.exec(`
      INSERT INTO audit_actions (action) VALUES
        ('portfolio.imported'), ('portfolio.created'), ('portfolio.edited');

      CREATE TABLE portfolios (
        id         TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
        name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at TEXT NOT NULL CHECK (created_at GLOB ${ISO_MS_GLOB})
      ) STRICT;

      CREATE TABLE portfolio_versions (
        portfolio_id TEXT NOT NULL REFERENCES portfolios (id),
        version      INTEGER NOT NULL CHECK (version >= 1),
        created_at   TEXT NOT NULL CHECK (created_at GLOB ${ISO_MS_GLOB}),
        content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
        content_json TEXT NOT NULL CHECK (json_valid(content_json)),
        PRIMARY KEY (portfolio_id, version)
      ) STRICT;

      CREATE TRIGGER portfolio_versions_no_update BEFORE UPDATE ON portfolio_versions
      BEGIN
        SELECT RAISE(ABORT, 'portfolio_versions are immutable: edit by adding a version');
      END;

      CREATE TRIGGER portfolio_versions_no_delete BEFORE DELETE ON portfolio_versions
      BEGIN
        SELECT RAISE(ABORT, 'portfolio_versions are immutable: DELETE is not allowed');
      END;
    `);
  },
};
