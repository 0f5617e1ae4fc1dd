import type { Migration } from './types';

/**
 * v7: the JSON texts of a large run stored in parts (runParts.ts).
 *
 * Why: a 2,000-asset rebalance stores 4 MB of input and 8.5 MB of output. Written as one row,
 * its INSERT (json_valid over 12 MB, then the pages) and COMMIT held the one connection's
 * thread — the thread that answers every HTTP request — for 100–250 ms. Written as ~1 MB parts,
 * each in its own short transaction with the event loop free in between, no single step holds
 * it for more than a few milliseconds; the run row and its `run.created` event are then one
 * small transaction, as for any run.
 *
 * - `run_text_parts`: (text_id, field, seq) → part. A run's text is the concatenation of its
 *   parts in seq order. Parts are immutable; a part may be deleted only while no run refers to
 *   its text_id (the leftovers of a save interrupted before its run row committed).
 * - `runs.text_id`: null for a run whose texts are in the row (every run before v7, and every
 *   small run); else the id of its parts, and the row's `input_json` / `output_json` hold the
 *   JSON text `null`. A run row naming a text_id must find both texts' parts.
 *
 * The run's `run.created` event binds the SHA-256 of each assembled text exactly as for a text
 * in the row, so verify detects a changed, added or removed part as a hash mismatch.
 */
export const migration007: Migration = {
  version: 7,
  name: 'run_text_parts',
  up(db) {
    db.exec(`
      CREATE TABLE run_text_parts (
        text_id TEXT NOT NULL CHECK (length(text_id) = 32),
        field   TEXT NOT NULL CHECK (field IN ('input_json', 'output_json')),
        seq     INTEGER NOT NULL CHECK (seq >= 0),
        part    TEXT NOT NULL,
        PRIMARY KEY (text_id, field, seq)
      ) STRICT;

      CREATE TRIGGER run_text_parts_no_update BEFORE UPDATE ON run_text_parts
      BEGIN
        SELECT RAISE(ABORT, 'run text parts are immutable: UPDATE is not allowed');
      END;

      CREATE TRIGGER run_text_parts_no_replace BEFORE INSERT ON run_text_parts
      WHEN EXISTS (SELECT 1 FROM run_text_parts WHERE rowid = NEW.rowid)
        OR EXISTS (SELECT 1 FROM run_text_parts
                   WHERE text_id = NEW.text_id AND field = NEW.field AND seq = NEW.seq)
      BEGIN
        SELECT RAISE(ABORT, 'run text parts: this row exists and cannot be replaced');
      END;

      ALTER TABLE runs ADD COLUMN text_id TEXT
        CHECK (text_id IS NULL OR (length(text_id) = 32
               AND input_json = 'null' AND output_json = 'null'));

      CREATE INDEX runs_by_text ON runs (text_id) WHERE text_id IS NOT NULL;

      CREATE TRIGGER run_text_parts_no_delete BEFORE DELETE ON run_text_parts
      WHEN EXISTS (SELECT 1 FROM runs WHERE text_id = OLD.text_id)
      BEGIN
        SELECT RAISE(ABORT, 'run text parts of a stored run cannot be deleted');
      END;

      CREATE TRIGGER runs_text_parts_exist BEFORE INSERT ON runs
      WHEN NEW.text_id IS NOT NULL AND (
        NOT EXISTS (SELECT 1 FROM run_text_parts
                    WHERE text_id = NEW.text_id AND field = 'input_json')
        OR NOT EXISTS (SELECT 1 FROM run_text_parts
                       WHERE text_id = NEW.text_id AND field = 'output_json'))
      BEGIN
        SELECT RAISE(ABORT, 'runs: the parts of this run''s texts are missing');
      END;
    `);
  },
};
