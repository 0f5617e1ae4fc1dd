import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateToken } from '../../../src/server/token';
import {
  DB_FILE_NAME,
  HEAD_FILE_NAME,
  createStore,
  loadOrCreateHeadKeyFile,
  openDatabase,
} from '../../../src/store';
import { runInput, tempDir } from './helpers';

/** Issue #10 item 5: owner-only modes, set on creation and tightened on existing files. */
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function temp() {
  const t = tempDir('store-modes-');
  cleanups.push(t.cleanup);
  return t.dir;
}
const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe.skipIf(process.platform === 'win32')('file modes', () => {
  it('a new data directory is 0700; database, WAL, SHM, head file and token are 0600', () => {
    const dir = path.join(temp(), 'data');
    const token = loadOrCreateToken(dir);
    const store = createStore({ dir });
    try {
      store.runs.save(runInput());
      const db = path.join(dir, DB_FILE_NAME);
      expect(mode(dir)).toBe(0o700);
      expect(mode(db)).toBe(0o600);
      expect(fs.existsSync(`${db}-wal`)).toBe(true); // written, not yet checkpointed
      for (const f of [`${db}-wal`, `${db}-shm`]) {
        if (fs.existsSync(f)) expect(mode(f), f).toBe(0o600);
      }
      expect(mode(path.join(dir, HEAD_FILE_NAME))).toBe(0o600);
      expect(mode(path.join(dir, 'api-token'))).toBe(0o600);
      expect(token).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      store.close();
    }
  });

  it('an existing 0755 directory and 0644 files left by an older version are tightened', () => {
    const dir = temp();
    createStore({ dir }).close();
    loadOrCreateToken(dir);
    const db = path.join(dir, DB_FILE_NAME);
    // What an older version (or a careless copy) leaves: world-readable files and WAL.
    fs.chmodSync(dir, 0o755);
    for (const f of [db, path.join(dir, HEAD_FILE_NAME), path.join(dir, 'api-token')]) {
      fs.chmodSync(f, 0o644);
    }
    fs.writeFileSync(`${db}-wal`, '');
    fs.chmodSync(`${db}-wal`, 0o644);

    loadOrCreateToken(dir);
    const store = createStore({ dir });
    try {
      store.runs.save(runInput());
      expect(mode(dir)).toBe(0o700);
      expect(mode(db)).toBe(0o600);
      expect(mode(`${db}-wal`)).toBe(0o600);
      expect(mode(path.join(dir, HEAD_FILE_NAME))).toBe(0o600);
      expect(mode(path.join(dir, 'api-token'))).toBe(0o600);
    } finally {
      store.close();
    }
  });

  it('backups and head-mismatch evidence are 0600 too', () => {
    const dir = temp();
    const v4 = openDatabase({ dir, migrateTo: 4 });
    v4.db.close();
    createStore({ dir }).close(); // migrates: backup written
    fs.rmSync(path.join(dir, HEAD_FILE_NAME)); // with 0 events: not a mismatch
    const s = createStore({ dir });
    s.runs.save(runInput());
    s.close();
    fs.rmSync(path.join(dir, HEAD_FILE_NAME)); // with events: a mismatch, evidence kept
    createStore({ dir }).close();
    const backups = path.join(dir, 'backups');
    const evidence = fs.readdirSync(dir).filter((f) => f.startsWith('audit-head.mismatch-'));
    expect(evidence).toHaveLength(1);
    expect(mode(backups)).toBe(0o700);
    for (const f of fs.readdirSync(backups)) expect(mode(path.join(backups, f))).toBe(0o600);
    expect(mode(path.join(dir, evidence[0]!))).toBe(0o600);
  });

  it('a head key file is created 0600 in a new 0700 folder, and tightened if loosened', () => {
    const file = path.join(temp(), 'config', 'head.key');
    loadOrCreateHeadKeyFile(file);
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    fs.chmodSync(file, 0o644);
    loadOrCreateHeadKeyFile(file);
    expect(mode(file)).toBe(0o600);
  });

  it('a refused database is not touched, not even its mode', () => {
    const dir = temp();
    const db = path.join(dir, DB_FILE_NAME);
    const raw = new Database(db);
    raw.exec('CREATE TABLE other (x INTEGER)');
    raw.close();
    fs.chmodSync(db, 0o644);
    expect(() => createStore({ dir })).toThrow(/not a rebalancer database/);
    expect(mode(db)).toBe(0o644);
  });
});
