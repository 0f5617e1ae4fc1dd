import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SavedRun, VerifyProblem, VerifyResult } from '../../../src/ports/store';
import { DB_FILE_NAME, createStore } from '../../../src/store';
import type { SqliteStore } from '../../../src/store';
import { runInput, tempDir } from './helpers';

/** A store in a fresh directory with a head key, and a way to reopen it with the same key. */
export function keyedStore(prefix = 'store-binding-') {
  const t = tempDir(prefix);
  const key = randomBytes(32);
  const open = (): SqliteStore => createStore({ dir: t.dir, headKey: key });
  return { dir: t.dir, key, open, cleanup: t.cleanup };
}

/** Four runs of different shapes: succeeded, failed, with a supervisor decision, optimize. */
export function saveRuns(store: SqliteStore): SavedRun[] {
  return [
    store.runs.save(runInput()),
    store.runs.save(runInput({ status: 'failed', output_json: '{"error":{"code":"X"}}' })),
    store.runs.save(
      runInput({ kind: 'tandem', decision: 'REVIEW_REQUIRED', output_json: '{"d":1}' }),
    ),
    store.runs.save(
      runInput({
        kind: 'optimize',
        input_json: '{"assets":[],"z":2}',
        input_hash: 'a'.repeat(64),
        output_json: '{"w":[0.5,0.5]}',
        duration_ms: 3,
      }),
    ),
  ];
}

/**
 * What someone with the file and a SQLite shell does: opens the database of a CLOSED store,
 * optionally drops the append-only triggers, runs `work`, closes.
 */
export function tamper(
  dir: string,
  work: (db: Database.Database) => void,
  opts: { dropTriggers?: boolean } = {},
): void {
  const db = new Database(path.join(dir, DB_FILE_NAME));
  try {
    if (opts.dropTriggers) {
      const triggers = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .pluck()
        .all() as string[];
      for (const t of triggers) db.exec(`DROP TRIGGER "${t}"`);
    }
    work(db);
  } finally {
    db.close();
  }
}

/** The problems of one kind. */
export function ofKind(v: VerifyResult, kind: VerifyProblem['kind']): VerifyProblem[] {
  return v.problems.filter((p) => p.kind === kind);
}
