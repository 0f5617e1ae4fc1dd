import type { Migration } from './types';
import { ISO_MS_GLOB } from './001_audit_log';
import { noReplaceTrigger } from './006_chain_binding';

/** UPDATE and DELETE refused on an append-only table (REPLACE: noReplaceTrigger). */
function immutable(table: string, what: string): string {
  return `
      CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
      BEGIN
        SELECT RAISE(ABORT, '${what} are immutable: edit by adding a version');
      END;
      CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
      BEGIN
        SELECT RAISE(ABORT, '${what} are immutable: DELETE is not allowed');
      END;`;
}

/**
 * v8 (issue #13, item 1): model portfolios, accounts that follow them, and the shared price
 * library. Every table is append-only (UPDATE, DELETE and every REPLACE path refused): a change is
 * a new version row, written with its audit event in one transaction (src/store/versioned.ts,
 * src/store/priceLibrary.ts), and verify checks every version row against its event
 * (src/store/verifyVersions.ts).
 *
 * - `models` / `model_versions`: a model's targets, band and method settings (content_json, a
 *   canonical JSON of contract `ModelContent`); the name is versioned with the content, so it is
 *   bound by the version's event too.
 * - `accounts` / `account_versions`: positions, cash and currency (content_json, `AccountContent`)
 *   and the model the account follows (`model_id`, a column so accounts can be listed by model).
 * - `price_series` / `price_series_versions`: one close series per symbol; a re-import that
 *   changes it adds version n+1 (the stored series merged with the file's), never an overwrite.
 *   first_date, last_date and count are kept as columns for listing (bound by the event).
 */
export const migration008: Migration = {
  version: 8,
  name: 'models_accounts',
  up(db) {
    db.exec(`
      INSERT INTO audit_actions (action) VALUES
        ('model.created'), ('model.edited'),
        ('account.created'), ('account.edited'), ('account.imported'), ('account.assigned'),
        ('price_series.imported');

      CREATE TABLE models (
        model_id   TEXT PRIMARY KEY NOT NULL CHECK (length(model_id) BETWEEN 1 AND 64),
        created_at TEXT NOT NULL CHECK (created_at GLOB ${ISO_MS_GLOB})
      ) STRICT;

      CREATE TABLE model_versions (
        model_id     TEXT NOT NULL REFERENCES models (model_id),
        version      INTEGER NOT NULL CHECK (version >= 1),
        created_at   TEXT NOT NULL CHECK (created_at GLOB ${ISO_MS_GLOB}),
        name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
        content_json TEXT NOT NULL CHECK (json_valid(content_json)),
        PRIMARY KEY (model_id, version)
      ) STRICT;

      CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY NOT NULL CHECK (length(account_id) BETWEEN 1 AND 64),
        created_at TEXT NOT NULL CHECK (created_at GLOB ${ISO_MS_GLOB})
      ) STRICT;

      CREATE TABLE account_versions (
        account_id   TEXT NOT NULL REFERENCES accounts (account_id),
        version      INTEGER NOT NULL CHECK (version >= 1),
        created_at   TEXT NOT NULL CHECK (created_at GLOB ${ISO_MS_GLOB}),
        name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        model_id     TEXT REFERENCES models (model_id),
        content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
        content_json TEXT NOT NULL CHECK (json_valid(content_json)),
        PRIMARY KEY (account_id, version)
      ) STRICT;
      CREATE INDEX account_versions_by_model ON account_versions (model_id);

      CREATE TABLE price_series (
        symbol     TEXT PRIMARY KEY NOT NULL CHECK (length(symbol) BETWEEN 1 AND 128),
        created_at TEXT NOT NULL CHECK (created_at GLOB ${ISO_MS_GLOB})
      ) STRICT;

      CREATE TABLE price_series_versions (
        symbol       TEXT NOT NULL REFERENCES price_series (symbol),
        version      INTEGER NOT NULL CHECK (version >= 1),
        created_at   TEXT NOT NULL CHECK (created_at GLOB ${ISO_MS_GLOB}),
        first_date   TEXT NOT NULL CHECK (length(first_date) = 10),
        last_date    TEXT NOT NULL CHECK (length(last_date) = 10),
        count        INTEGER NOT NULL CHECK (count >= 1),
        content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
        content_json TEXT NOT NULL CHECK (json_valid(content_json)),
        PRIMARY KEY (symbol, version)
      ) STRICT;
      ${immutable('models', 'models')}
      ${immutable('model_versions', 'model_versions')}
      ${immutable('accounts', 'accounts')}
      ${immutable('account_versions', 'account_versions')}
      ${immutable('price_series', 'price_series')}
      ${immutable('price_series_versions', 'price_series_versions')}
      ${noReplaceTrigger('models', 'model_id = NEW.model_id', 'models are immutable')}
      ${noReplaceTrigger(
        'model_versions',
        'model_id = NEW.model_id AND version = NEW.version',
        'model_versions are immutable',
      )}
      ${noReplaceTrigger('accounts', 'account_id = NEW.account_id', 'accounts are immutable')}
      ${noReplaceTrigger(
        'account_versions',
        'account_id = NEW.account_id AND version = NEW.version',
        'account_versions are immutable',
      )}
      ${noReplaceTrigger('price_series', 'symbol = NEW.symbol', 'price_series are immutable')}
      ${noReplaceTrigger(
        'price_series_versions',
        'symbol = NEW.symbol AND version = NEW.version',
        'price_series_versions are immutable',
      )}
    `);
  },
};
