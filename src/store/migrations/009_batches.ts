import type { Migration } from './types';
import { ISO_MS_GLOB } from './001_audit_log';
import { noReplaceTrigger } from './006_chain_binding';

const STATUSES = "('queued', 'running', 'done', 'failed', 'cancelled')";
const STATES = "('pending', 'succeeded', 'failed', 'unbuilt', 'cancelled')";

/**
 * v9 (issue #13, items 2–3): batch runs.
 *
 * - `batches`: what a batch runs — kind, the model version (model batches), the policy version,
 *   the run settings and the price-library versions its items read (`library_json`,
 *   {symbol: version}), the number of items — written once with its `batch.created` event, which
 *   binds them (and the hash of the item list); then its status, the executor's trouble, who
 *   cancelled it and when it finished. Only status, trouble, cancelled_by and finished_at may
 *   change, and a final status (done, cancelled once finished) never does.
 * - `batch_items`: one row per item, (batch_id, idx) unique — an account version or a request's
 *   canonical JSON (immutable, bound by `batch.created`), then its outcome: a pending item gets
 *   exactly one (the state may leave `pending` once), with the run it saved (`run_id`, UNIQUE:
 *   a run belongs to one item), which is written in the same transaction as the outcome; the
 *   run's `run.created` event names the batch and the index. An executor that delivers a result
 *   twice finds the item no longer pending, and nothing is written (src/store/batches.ts).
 * - `batch.finished` / `batch.cancelled`: written with the last item's outcome (or the cancel),
 *   binding the hash of every item's outcome (verifyBatches.ts).
 */
export const migration009: Migration = {
  version: 9,
  name: 'batches',
  up(db) {
    db.exec(`
      INSERT INTO audit_actions (action) VALUES
        ('batch.created'), ('batch.finished'), ('batch.cancelled');

      CREATE TABLE batches (
        batch_id       TEXT PRIMARY KEY NOT NULL CHECK (length(batch_id) = 26),
        created_at     TEXT NOT NULL CHECK (created_at GLOB ${ISO_MS_GLOB}),
        kind           TEXT NOT NULL CHECK (kind IN ('model', 'requests')),
        model_id       TEXT,
        model_version  INTEGER,
        policy_version INTEGER NOT NULL CHECK (policy_version >= 0),
        settings_json  TEXT NOT NULL CHECK (json_valid(settings_json)),
        library_json   TEXT NOT NULL CHECK (json_valid(library_json)),
        total          INTEGER NOT NULL CHECK (total >= 1),
        actor          TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
        status         TEXT NOT NULL CHECK (status IN ${STATUSES}),
        trouble        TEXT,
        cancelled_by   TEXT,
        finished_at    TEXT CHECK (finished_at IS NULL OR finished_at GLOB ${ISO_MS_GLOB}),
        CHECK ((kind = 'model') = (model_id IS NOT NULL AND model_version IS NOT NULL)),
        CHECK (kind = 'model' OR (model_id IS NULL AND model_version IS NULL)),
        FOREIGN KEY (model_id, model_version) REFERENCES model_versions (model_id, version)
      ) STRICT;
      CREATE INDEX batches_unfinished ON batches (status) WHERE finished_at IS NULL;

      CREATE TABLE batch_items (
        batch_id        TEXT NOT NULL REFERENCES batches (batch_id),
        idx             INTEGER NOT NULL CHECK (idx >= 0),
        account_id      TEXT,
        account_version INTEGER,
        request_json    TEXT CHECK (request_json IS NULL OR json_valid(request_json)),
        state           TEXT NOT NULL CHECK (state IN ${STATES}),
        run_id          TEXT UNIQUE REFERENCES runs (run_id),
        decision        TEXT CHECK (decision IS NULL
                          OR decision IN ('APPROVED', 'REVIEW_REQUIRED', 'REJECTED')),
        breaches_json   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(breaches_json)),
        reasons_json    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(reasons_json)),
        error_json      TEXT CHECK (error_json IS NULL OR json_valid(error_json)),
        PRIMARY KEY (batch_id, idx),
        CHECK ((account_id IS NULL) = (account_version IS NULL)),
        CHECK ((account_id IS NULL) <> (request_json IS NULL)),
        CHECK ((state IN ('succeeded', 'failed')) = (run_id IS NOT NULL)),
        FOREIGN KEY (account_id, account_version) REFERENCES account_versions (account_id, version)
      ) STRICT;
      CREATE INDEX batch_items_by_state ON batch_items (batch_id, state);

      CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches
      BEGIN
        SELECT RAISE(ABORT, 'batches are records: DELETE is not allowed');
      END;
      CREATE TRIGGER batches_fixed BEFORE UPDATE OF
        batch_id, created_at, kind, model_id, model_version, policy_version, settings_json,
        library_json, total, actor ON batches
      BEGIN
        SELECT RAISE(ABORT, 'a batch''s definition is immutable');
      END;
      CREATE TRIGGER batches_final BEFORE UPDATE ON batches
      WHEN OLD.finished_at IS NOT NULL
      BEGIN
        SELECT RAISE(ABORT, 'a finished batch is final');
      END;
      CREATE TRIGGER batch_items_no_delete BEFORE DELETE ON batch_items
      BEGIN
        SELECT RAISE(ABORT, 'batch items are records: DELETE is not allowed');
      END;
      CREATE TRIGGER batch_items_fixed BEFORE UPDATE OF
        batch_id, idx, account_id, account_version, request_json ON batch_items
      BEGIN
        SELECT RAISE(ABORT, 'a batch item''s definition is immutable');
      END;
      CREATE TRIGGER batch_items_once BEFORE UPDATE ON batch_items
      WHEN OLD.state <> 'pending'
      BEGIN
        SELECT RAISE(ABORT, 'a batch item''s outcome is final');
      END;
      ${noReplaceTrigger('batches', 'batch_id = NEW.batch_id', 'batches')}
      ${noReplaceTrigger('batch_items', 'batch_id = NEW.batch_id AND idx = NEW.idx', 'batch items')}
    `);
  },
};
