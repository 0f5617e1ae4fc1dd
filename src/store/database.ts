import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './errors';
import { ensurePrivateDir, ensurePrivateFile, tightenFile } from './fileModes';
import { APPLICATION_ID, LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
import type { Migration } from './migrations';

export const DB_FILE_NAME = 'rebalancer.sqlite';
export const BACKUP_DIR_NAME = 'backups';
export const BUSY_TIMEOUT_MS = 5000;
/**
 * WAL size at which SQLite checkpoints: 256 pages = 1 MiB (SQLite's default is 1,000). The
 * checkpoint runs inside the COMMIT that crosses the mark, on the thread that answers HTTP:
 * copying 4 MiB took 17–22 ms there, 1 MiB ≤ 9 ms, for the same total (docs/methods.md).
 */
export const WAL_AUTOCHECKPOINT_PAGES = 256;
/** The read-only probe fails fast when another process holds the exclusive lock. */
const PROBE_TIMEOUT_MS = 250;

export interface OpenDatabaseOptions {
  /**
   * Data directory; created if missing and set to 0700 (tightened if it exists). The database
   * is `<dir>/rebalancer.sqlite`, mode 0600 like its `-wal` and `-shm` files.
   */
  dir: string;
  /** Migrate up to this version (tests build older schemas with it). Default: latest. */
  migrateTo?: number;
  /** The migration list (tests only). Default: MIGRATIONS. */
  migrations?: readonly Migration[];
  /** Clock for backup file names, ms since epoch. Default Date.now. */
  now?: () => number;
  /**
   * Path of the better-sqlite3 native module to load instead of the package's own: the desktop
   * app's Electron-ABI build (scripts/electron-sqlite.mjs). Default: the package's (Node's).
   */
  nativeBinding?: string;
}

export interface OpenedDatabase {
  db: Database.Database;
  /** Absolute path of the database file. */
  file: string;
  /** user_version found on disk before migrating (0 for a new file). */
  from_version: number;
  /** user_version after migrating. */
  version: number;
  /** Backup written before migrating, or null (new/empty database, or nothing to migrate). */
  backup_file: string | null;
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

function inUse(file: string): StoreError {
  return new StoreError(
    'DATA_DIR_IN_USE',
    `database ${file} is in use by another process (the store holds an exclusive lock); close the other instance`,
  );
}

function tooNew(found: number, app: number): StoreError {
  return new StoreError(
    'SCHEMA_TOO_NEW',
    `database schema v${found} is newer than this app (v${app}); upgrade the app or restore a backup`,
  );
}

/** `2026-11-02T09:15:00.123Z` → `20261102T091500123Z` (safe in file names everywhere). */
function fileStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

interface Probe {
  version: number;
  objects: number;
  application_id: number;
}

function probe(db: Database.Database): Probe {
  return {
    version: db.pragma('user_version', { simple: true }) as number,
    application_id: db.pragma('application_id', { simple: true }) as number,
    objects: (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n,
  };
}

function checkProbe(p: Probe, file: string, latest: number): void {
  if (p.version > latest) throw tooNew(p.version, latest);
  if (p.version === 0 && p.objects > 0) {
    throw new StoreError(
      'NOT_A_REBALANCER_DATABASE',
      `${file} holds tables but no schema version; it is not a rebalancer database, refusing to change it`,
    );
  }
  if (p.version > 0 && p.application_id !== APPLICATION_ID) {
    throw new StoreError(
      'NOT_A_REBALANCER_DATABASE',
      `${file} has application_id ${p.application_id}, not the rebalancer's ${APPLICATION_ID}; refusing to change it`,
    );
  }
}

/**
 * Opens (creating if needed) `<dir>/rebalancer.sqlite` and migrates it.
 *
 * Order matters so that a database we must refuse is never written:
 * 1. an existing file is first probed through a read-only connection (user_version,
 *    application_id); newer than the app → StoreError SCHEMA_TOO_NEW, file untouched;
 * 2. the read-write connection takes `locking_mode=EXCLUSIVE` and a write lock at once
 *    (single writer, and a second process fails fast with DATA_DIR_IN_USE);
 * 3. pragmas: journal_mode=WAL, synchronous=FULL, foreign_keys=ON, recursive_triggers=ON,
 *    busy_timeout=5000, wal_autocheckpoint=256; the directory is 0700 and the database,
 *    -wal and -shm files 0600 (see fileModes);
 * 4. if user_version < target and the database is not empty: `VACUUM INTO`
 *    `<dir>/backups/rebalancer-v<old>-<yyyymmddThhmmssmmmZ>.sqlite`, then each migration in its
 *    own transaction together with `PRAGMA user_version = n`; then `PRAGMA foreign_key_check`.
 */
export function openDatabase(options: OpenDatabaseOptions): OpenedDatabase {
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = options.migrations ? migrations.length : LATEST_SCHEMA_VERSION;
  const target = options.migrateTo ?? latest;
  if (!Number.isInteger(target) || target < 0 || target > latest) {
    throw new RangeError(`migrateTo must be an integer in [0, ${latest}]`);
  }
  const now = options.now ?? Date.now;
  const binding = options.nativeBinding ? { nativeBinding: options.nativeBinding } : {};
  ensurePrivateDir(options.dir);
  const file = path.resolve(options.dir, DB_FILE_NAME);

  if (fs.existsSync(file)) {
    let ro: Database.Database | undefined;
    try {
      ro = new Database(file, {
        readonly: true,
        fileMustExist: true,
        timeout: PROBE_TIMEOUT_MS,
        ...binding,
      });
      checkProbe(probe(ro), file, latest);
    } catch (e) {
      if (isBusy(e)) throw inUse(file);
      throw e;
    } finally {
      ro?.close();
    }
  }

  // Created 0600 before SQLite opens it (SQLite gives -wal/-shm the database file's mode);
  // an existing file is tightened. Only reached once the probe accepted the file.
  ensurePrivateFile(file);
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS, ...binding });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('locking_mode = EXCLUSIVE');
    let p: Probe;
    try {
      // Take the lock now: in EXCLUSIVE locking mode it is kept until close.
      db.exec('BEGIN IMMEDIATE');
      p = probe(db);
      db.exec('COMMIT');
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      if (isBusy(e)) throw inUse(file);
      throw e;
    }
    // Re-check under the lock: another process may have migrated since the probe.
    checkProbe(p, file, latest);

    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`could not enable WAL journal mode (got ${String(mode)})`);
    db.pragma('synchronous = FULL');
    // Automatic checkpoint every 1 MiB of WAL (inside the COMMIT that crosses it). A deferred
    // checkpoint after COMMIT was tried and gave no measurable p99 gain here.
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    db.pragma('foreign_keys = ON');
    // A REPLACE conflict deletes the old row; with recursive_triggers the append-only tables'
    // BEFORE DELETE triggers see that delete too. Only this connection: the tables' own
    // no-replace triggers (migration 006) hold for any connection.
    db.pragma('recursive_triggers = ON');
    // Files SQLite made before this open (or an older version made 0644) are tightened too.
    tightenFile(`${file}-wal`);
    tightenFile(`${file}-shm`);

    let backup: string | null = null;
    if (p.version < target) {
      if (p.version > 0) backup = backupBeforeMigrate(db, options.dir, p.version, now());
      for (const m of migrations) {
        if (m.version <= p.version || m.version > target) continue;
        runMigration(db, m, backup);
      }
      const bad = db.pragma('foreign_key_check') as unknown[];
      if (bad.length > 0) {
        throw new StoreError(
          'MIGRATION_FAILED',
          `foreign key check failed after migrating to v${target} (${bad.length} rows)` +
            (backup ? `; a backup is at ${backup}` : ''),
        );
      }
    }
    return {
      db,
      file,
      from_version: p.version,
      version: db.pragma('user_version', { simple: true }) as number,
      backup_file: backup,
    };
  } catch (e) {
    db.close();
    throw e;
  }
}

function runMigration(db: Database.Database, m: Migration, backup: string | null): void {
  const step = db.transaction(() => {
    m.up(db);
    // PRAGMA user_version is transactional: it commits or rolls back with the schema change.
    db.pragma(`user_version = ${m.version}`);
  });
  try {
    step.immediate();
  } catch (e) {
    throw new StoreError(
      'MIGRATION_FAILED',
      `migration ${String(m.version).padStart(3, '0')}_${m.name} failed: ${(e as Error).message}` +
        (backup ? `; the database is unchanged at this step and a backup is at ${backup}` : ''),
    );
  }
}

/** VACUUM INTO writes a consistent, compacted copy (rollback-journal mode) in one statement. */
function backupBeforeMigrate(
  db: Database.Database,
  dir: string,
  version: number,
  nowMs: number,
): string {
  const backups = path.resolve(dir, BACKUP_DIR_NAME);
  ensurePrivateDir(backups);
  const base = `rebalancer-v${version}-${fileStamp(nowMs)}`;
  let target = path.join(backups, `${base}.sqlite`);
  for (let i = 1; fs.existsSync(target); i++) target = path.join(backups, `${base}-${i}.sqlite`);
  db.prepare('VACUUM INTO ?').run(target);
  tightenFile(target);
  return target;
}
