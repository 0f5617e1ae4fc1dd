import type { Migration } from './types';

/** `SPRB` in ASCII: marks the file as a Smart Portfolio Rebalancer database. */
export const APPLICATION_ID = 0x53505242;

/** ISO-8601 UTC with milliseconds, e.g. 2026-11-02T09:15:00.123Z. */
export const ISO_MS_GLOB =
  "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'";

/**
 * v1: the hash-chained, append-only audit log.
 * Actions are rows of `audit_actions` (a foreign key), so a later migration adds an action with
 * one INSERT instead of rebuilding an append-only table. v1 knows the actions that do not need
 * later tables; v2 and v3 add the portfolio and run actions.
 */
export const migration001: Migration = {
  version: 1,
  name: 'audit_log',
  up(db) {
    db.exec(`
      PRAGMA application_id = ${APPLICATION_ID};

      CREATE TABLE audit_actions (
        action TEXT PRIMARY KEY NOT NULL
      ) STRICT, WITHOUT ROWID;

      INSERT INTO audit_actions (action) VALUES
        ('prices.imported'), ('settings.changed'), ('audit.correction');

      CREATE TABLE audit_events (
        seq          INTEGER PRIMARY KEY CHECK (seq >= 1),
        ts           TEXT NOT NULL CHECK (ts GLOB ${ISO_MS_GLOB}),
        actor        TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
        action       TEXT NOT NULL REFERENCES audit_actions (action),
        subject      TEXT NOT NULL CHECK (length(subject) <= 500),
        payload_json TEXT NOT NULL CHECK (json_valid(payload_json)),
        payload_hash TEXT NOT NULL CHECK (length(payload_hash) = 64),
        prev_hash    TEXT NOT NULL CHECK (length(prev_hash) = 64),
        hash         TEXT NOT NULL CHECK (length(hash) = 64)
      ) STRICT;

      CREATE INDEX audit_events_by_subject ON audit_events (subject, seq);

      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
      BEGIN
        SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE is not allowed');
      END;

      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
      BEGIN
        SELECT RAISE(ABORT, 'audit_events is append-only: DELETE is not allowed');
      END;
    `);
  },
};
