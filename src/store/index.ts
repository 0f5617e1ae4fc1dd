/** Node-only persistence adapter (better-sqlite3). Services depend on src/ports/store instead. */
export { createStore } from './store';
export type { CreateStoreOptions, SqliteStore } from './store';
export { openDatabase, DB_FILE_NAME, BACKUP_DIR_NAME } from './database';
export type { OpenDatabaseOptions, OpenedDatabase } from './database';
export { LATEST_SCHEMA_VERSION, MIGRATIONS, APPLICATION_ID } from './migrations';
export type { Migration } from './migrations';
export { StoreError } from './errors';
export type { StoreErrorCode } from './errors';
export { verifyChain, walkChain, compareWithHead, SqliteAuditLog } from './audit';
export type { ChainResult, ChainWalk } from './audit';
export { verifySteps } from './verify';
export { runSteps, runStepsCooperatively } from './steps';
export {
  loadOrCreateHeadKeyFile,
  defaultHeadKeyFile,
  parseHeadKey,
  HEAD_KEY_ENV,
  HEAD_KEY_BYTES,
} from './headKey';
export { ensurePrivateDir, ensurePrivateFile, tightenFile, writePrivateFile } from './fileModes';
export {
  readHeadFile,
  writeHeadFile,
  parseHeadFile,
  exportHeadMac,
  HEAD_FILE_NAME,
} from './headFile';
export type { HeadFile, HeadRead, HeadMacState, ChainPoint } from './headFile';
export { sha256Hex, sha256Parts, canonicalJson, chainHash, GENESIS_HASH } from './hash';
export { UlidGenerator, encodeUlidTime, decodeUlidTime } from './ids';
export { encodeCursor, decodeCursor, listRunsSql, SqliteRunRepository } from './runs';
export { SqlitePortfolioRepository } from './portfolios';
export { SqliteImportRepository } from './imports';
export { SqlitePolicyRepository, POLICY_SUBJECT } from './policies';
export { SqliteApprovalRepository, MAX_NOTE } from './approvals';
export { SqliteVersionedRepository, MODEL_KIND, ACCOUNT_KIND } from './versioned';
export { SqlitePriceLibraryRepository } from './priceLibrary';
export { SqliteBatchRepository } from './batches';
export { itemsHash, outcomesHash } from './batchHashes';
