/**
 * Run kinds and statuses are defined once, in the contract (RUN_KIND, RUN_STATUS). The runs
 * table's CHECK constraints live in frozen migrations, so this test holds them to the contract.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { RUN_KIND, RUN_STATUS } from '../../../src/contract/store';
import { DB_FILE_NAME, createStore } from '../../../src/store';
import { tempDir } from './helpers';

let cleanup = () => {};
afterEach(() => cleanup());

/** The quoted values of `column IN ('a', 'b')` in a table's CREATE statement. */
function checkList(sql: string, column: string): string[] {
  const m = new RegExp(`CHECK\\s*\\(\\s*${column}\\s+IN\\s*\\(([^)]*)\\)`, 'i').exec(sql);
  if (!m?.[1]) throw new Error(`no CHECK on ${column}`);
  return [...m[1].matchAll(/'([^']*)'/g)].map((x) => x[1] as string);
}

describe('run kinds and statuses: the contract and the runs table agree', () => {
  it('the CHECK constraints list exactly RUN_KIND and RUN_STATUS', () => {
    const t = tempDir('run-kinds-');
    cleanup = t.cleanup;
    createStore({ dir: t.dir }).close();
    const db = new Database(path.join(t.dir, DB_FILE_NAME), { readonly: true });
    const sql = (
      db.prepare("SELECT sql FROM sqlite_master WHERE name = 'runs'").get() as {
        sql: string;
      }
    ).sql;
    db.close();
    expect(checkList(sql, 'kind')).toEqual([...RUN_KIND.options]);
    expect(checkList(sql, 'status')).toEqual([...RUN_STATUS.options]);
  });
});
