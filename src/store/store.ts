import type { Store } from '../ports/store';
import { SqliteApprovalRepository } from './approvals';
import { SqliteAuditLog } from './audit';
import { openDatabase } from './database';
import type { OpenDatabaseOptions } from './database';
import { SqliteImportRepository } from './imports';
import { SqlitePolicyRepository } from './policies';
import { SqlitePortfolioRepository } from './portfolios';
import { SqliteRunRepository } from './runs';

export interface CreateStoreOptions {
  /** Data directory: holds rebalancer.sqlite, audit-head.json and backups/. */
  dir: string;
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
 * connection is closed before the error is rethrown.
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
  const openOpts: OpenDatabaseOptions = { dir: options.dir, now };
  const opened = openDatabase(openOpts);
  const { db } = opened;
  try {
    const audit = new SqliteAuditLog(db, options.dir, now);
    const runs = new SqliteRunRepository(db, audit);
    const portfolios = new SqlitePortfolioRepository(db, audit);
    const imports = new SqliteImportRepository(db, audit, portfolios);
    const policies = new SqlitePolicyRepository(db, audit);
    const approvals = new SqliteApprovalRepository(db, audit);
    let closed = false;
    return {
      portfolios,
      runs,
      imports,
      policies,
      approvals,
      audit,
      schema_version: opened.version,
      file: opened.file,
      backup_file: opened.backup_file,
      close() {
        if (closed) return;
        closed = true;
        try {
          audit.close();
        } finally {
          db.close();
        }
      },
    };
  } catch (e) {
    db.close();
    throw e;
  }
}
