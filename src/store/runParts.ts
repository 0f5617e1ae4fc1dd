import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';

/**
 * The texts of a large run written in parts (schema v7, migrations/007_run_text_parts.ts): each
 * ~1 MB part in its own short transaction, the event loop free in between, so that saving a
 * 12 MB run never holds the connection's thread — which answers every HTTP request — for more
 * than a few milliseconds at a time.
 */

export type TextField = 'input_json' | 'output_json';
export const TEXT_FIELDS: readonly TextField[] = ['input_json', 'output_json'];

/** Characters per part: ~0.5 MB of ASCII JSON, 2–4 ms of INSERT + COMMIT each. */
export const PART_CHARS = 1 << 19;
/** Runs whose two texts together are shorter than this (2 Mi) go in the row, in one transaction. */
export const PARTS_THRESHOLD = 4 * PART_CHARS;

/**
 * SQL for a run's text as stored, whichever way it is stored: the row's column when `text_id`
 * is null, else the concatenation of its parts in seq order ('' when they are gone, so that
 * verify reports a hash mismatch instead of a reader failing on null). `alias` is the runs
 * table's name or alias in the query. An expression built here, not a view in the database, so
 * that what verify hashes cannot be redefined by editing the schema.
 */
export function runTextSql(alias: string, field: TextField): string {
  const a = alias;
  return (
    `CASE WHEN ${a}.text_id IS NULL THEN ${a}.${field} ELSE coalesce((` +
    `SELECT group_concat(p.part, '' ORDER BY p.seq) FROM run_text_parts p ` +
    `WHERE p.text_id = ${a}.text_id AND p.field = '${field}'), '') END`
  );
}

/**
 * End of the part that starts at `from`: `from + size`, one less when that would split a UTF-16
 * surrogate pair (half a character cannot be stored as UTF-8), one more when the part would
 * then be empty, or the text's end.
 * Example: partEnd('ab😀', 0, 3) = 2 ('😀' is two code units at 2..3), partEnd('😀', 0, 1) = 2,
 * partEnd('abc', 0, 2) = 2.
 */
export function partEnd(text: string, from: number, size: number): number {
  const end = from + size;
  if (end >= text.length) return text.length;
  const c = text.charCodeAt(end - 1);
  if (c < 0xd800 || c > 0xdbff) return end;
  // A part of one code unit that would be half a pair takes the whole pair instead.
  return end - 1 > from ? end - 1 : end + 1;
}

/** What staging wrote: the id the run row refers to and each text's SHA-256 (UTF-8, hex). */
export interface StagedTexts {
  text_id: string;
  hashes: Record<TextField, string>;
  parts: number;
}

/**
 * Writes `texts` as parts under a fresh text_id, one part per transaction, awaiting `pause()`
 * between parts, and hashes each text on the way (no second pass over 12 MB) unless `hashes`
 * are given. On any failure the parts written so far are deleted (they belong to no run) and
 * the error is rethrown.
 *
 * Durability: each part commits with synchronous=NORMAL (appended to the WAL, not fsynced);
 * the run row's commit that follows is FULL, and its fsync of the WAL makes every frame before
 * it durable too. A crash before that commit loses only parts no acknowledged run refers to.
 * Example: stageTexts(db, {input_json: '{"a":1}', output_json: '[]'}, next, 4) writes
 * ('{"a"', ':1}') and ('[]') and returns their SHA-256 values.
 */
export async function stageTexts(
  db: Database.Database,
  texts: Record<TextField, string>,
  pause: () => Promise<void>,
  partChars = PART_CHARS,
  given?: Record<TextField, string>,
): Promise<StagedTexts> {
  const text_id = randomBytes(16).toString('hex');
  const insert = db.prepare(
    'INSERT INTO run_text_parts (text_id, field, seq, part) VALUES (?, ?, ?, ?)',
  );
  const tx = db.transaction((field: TextField, seq: number, part: string) => {
    insert.run(text_id, field, seq, part);
  });
  const one = (field: TextField, seq: number, part: string) => {
    db.pragma('synchronous = NORMAL');
    try {
      tx(field, seq, part);
    } finally {
      db.pragma('synchronous = FULL');
    }
  };
  const hashes = { input_json: '', output_json: '' };
  let parts = 0;
  try {
    for (const field of TEXT_FIELDS) {
      const text = texts[field];
      const h = given ? null : createHash('sha256');
      let seq = 0;
      let from = 0;
      do {
        const end = partEnd(text, from, partChars);
        const part = text.slice(from, end);
        h?.update(part, 'utf8');
        one(field, seq++, part);
        parts++;
        from = end;
        await pause();
      } while (from < text.length);
      hashes[field] = h ? h.digest('hex') : (given?.[field] ?? '');
    }
  } catch (e) {
    dropStaged(db, text_id);
    throw e;
  }
  return { text_id, hashes, parts };
}

/** Deletes the parts of `text_id` if no run refers to it (a save that did not complete). */
export function dropStaged(db: Database.Database, text_id: string): void {
  try {
    db.prepare('DELETE FROM run_text_parts WHERE text_id = ?').run(text_id);
  } catch {
    // Left for the next open's sweep (sweepStaged): unreferenced parts are never read.
  }
}

/**
 * Deletes the parts no run refers to: the leftovers of saves interrupted (a crash, a kill)
 * after some parts committed and before the run row did. Such a save was never acknowledged.
 * Run at open, when no save is in progress. Returns the number of parts deleted.
 */
export function sweepStaged(db: Database.Database): number {
  return db
    .prepare(
      `DELETE FROM run_text_parts WHERE text_id NOT IN
         (SELECT text_id FROM runs WHERE text_id IS NOT NULL)`,
    )
    .run().changes;
}
