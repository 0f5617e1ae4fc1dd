import type { Store } from '../ports/store';
import { SqliteApprovalRepository } from './approvals';
import { SqliteBatchRepository } from './batches';
import { SqliteAuditLog } from './audit';
import { openDatabase } from './database';
import type { OpenDatabaseOptions } from './database';
import { MIN_HEAD_KEY_BYTES } from './headKey';
import { SqliteImportRepository } from './imports';
import { bindLegacyRuns } from './legacyBinding';
import { SqlitePolicyRepository } from './policies';
import { SqlitePortfolioRepository } from './portfolios';
import { SqlitePriceLibraryRepository } from './priceLibrary';
import { sweepStaged } from './runParts';
import { SqliteRunRepository } from './runs';
import { ACCOUNT_KIND, MODEL_KIND, SqliteVersionedRepository } from './versioned';

export interface CreateStoreOptions {
  /** Data directory (0700): holds rebalancer.sqlite, audit-head.json and backups/. */
  dir: string;
  /**
   * Key of the head file's MAC (≥ 16 bytes), kept apart from `dir`: browser mode reads it with
   * loadOrCreateHeadKeyFile(defaultHeadKeyFile()), the desktop app from Electron safeStorage
   * (electron/headKey.ts). Without it the head file carries no MAC and verify reports
   * `head_keyed: false`; a data directory once opened with a key then reports its next keyed
   * open as `head_mac` (the head was written by something without the key).
   */
  headKey?: Buffer;
  /** better-sqlite3's native module to load (the desktop app's Electron build); see openDatabase. */
  nativeBinding?: string;
  /** Clock in ms since epoch (tests). Default Date.now. */
  now?: () => number;
}

/** The SQLite implementation of the Store port, with a few adapter-only extras. */
export interface SqliteStore extends Store {
  readonly portfolios: SqlitePortfolioRepository;
  readonly runs: SqliteRunRepository;
  readonly imports: SqliteImportRepository;
  readonly policies: SqlitePolicyRepository;
  readonly approvals: SqliteApprovalRepository;
  readonly models: SqliteVersionedRepository;
  readonly accounts: SqliteVersionedRepository;
  readonly priceLibrary: SqlitePriceLibraryRepository;
  readonly batches: SqliteBatchRepository;
  readonly audit: SqliteAuditLog;
  /** Path of the database file. */
  readonly file: string;
  /** Backup written before this open migrated the database, else null. */
  readonly backup_file: string | null;
}

/**
 * Opens the store in `dir` (creating and migrating as needed; see openDatabase) over ONE
 * connection, which is the only writer. Throws StoreError SCHEMA_TOO_NEW / DATA_DIR_IN_USE /
 * NOT_A_REBALANCER_DATABASE / MIGRATION_FAILED. If the audit log cannot be set up, the
 * connection is closed before the error is rethrown. After an upgrade from before v6, the runs
 * stored until then are bound to the chain by `run.bound` events (legacyBinding.ts).
 *
 * Example:
 *   const store = createStore({ dir: '/data' });
 *   const run = store.runs.save({ kind: 'rebalance', status: 'succeeded', engine_version: '0.1.0',
 *     model_versions_json: '{}', input_json: '{"a":1}', output_json: '{"b":2}', duration_ms: 12 });
 *   // run.run_id is durable here; store.audit.verify().ok === true
 *   store.close();
 */
export function createStore(options: CreateStoreOptions): SqliteStore {
  const now = options.now ?? Date.now;
  const key = options.headKey ?? null;
  if (key !== null && (!Buffer.isBuffer(key) || key.length < MIN_HEAD_KEY_BYTES)) {
    throw new RangeError(`headKey must be a Buffer of at least ${MIN_HEAD_KEY_BYTES} bytes`);
  }
  const openOpts: OpenDatabaseOptions = {
    dir: options.dir,
    now,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  };
  const opened = openDatabase(openOpts);
  const { db } = opened;
  let audit: SqliteAuditLog | undefined;
  try {
    // The open that upgrades to v6 finds a head file written without a key: adopt it once.
    const upgraded = opened.from_version >= 1 && opened.from_version < 6 && opened.version >= 6;
    audit = new SqliteAuditLog(db, options.dir, now, { key, adoptUnkeyedHead: upgraded });
    const log = audit;
    const runs = new SqliteRunRepository(db, audit);
    const portfolios = new SqlitePortfolioRepository(db, audit);
    const imports = new SqliteImportRepository(db, audit, portfolios);
    const policies = new SqlitePolicyRepository(db, audit);
    const approvals = new SqliteApprovalRepository(db, audit);
    const models = new SqliteVersionedRepository(db, audit, MODEL_KIND);
    const accounts = new SqliteVersionedRepository(db, audit, ACCOUNT_KIND);
    const priceLibrary = new SqlitePriceLibraryRepository(db, audit);
    const batches = new SqliteBatchRepository(db, audit, runs);
    bindLegacyRuns(db, audit);
    // Parts of saves that a crash interrupted before their run row committed (never acknowledged).
    sweepStaged(db);
    let closed = false;
    return {
      portfolios,
      runs,
      imports,
      policies,
      approvals,
      models,
      accounts,
      priceLibrary,
      batches,
      audit,
      schema_version: opened.version,
      file: opened.file,
      backup_file: opened.backup_file,
      close() {
        if (closed) return;
        closed = true;
        try {
          log.close();
        } finally {
          db.close();
        }
      },
    };
  } catch (e) {
    audit?.close();
    db.close();
    throw e;
  }
}
