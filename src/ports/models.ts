/**
 * The persistence port of models, accounts and the price library (issue #13, item 1). Pure types,
 * as src/ports/store.ts. Every record is versioned: a save appends version n+1 with its audit
 * event in one transaction; older versions stay readable; nothing is overwritten.
 */

/** One immutable version of a model or an account. */
export interface RecordVersion {
  id: string;
  version: number;
  created_at: string;
  name: string;
  /** Accounts: the model followed (null: none). Models: always null. */
  model_id: string | null;
  /** Canonical JSON of the contract's ModelContent / AccountContent. */
  content_json: string;
  /** SHA-256 hex of the UTF-8 bytes of `content_json`. */
  content_hash: string;
}

export interface RecordSummary {
  id: string;
  name: string;
  model_id: string | null;
  created_at: string;
  latest_version: number;
  /** created_at of the latest version. */
  updated_at: string;
}

export interface RecordVersionInfo {
  version: number;
  created_at: string;
  content_hash: string;
}

/** Which audit action a write records. */
export type RecordOrigin = 'created' | 'edited' | 'imported' | 'assigned';

export interface SaveRecordInput {
  /** Absent: a new record with a generated id (ULID). */
  id?: string;
  name: string;
  content_json: string;
  /** Accounts only; ignored for models. */
  model_id?: string | null;
  /**
   * Optimistic concurrency: the latest version the caller saw (0 = the record must not exist).
   * Absent: the record must not exist when `id` is given. A mismatch throws CONFLICT.
   */
  expected_version?: number;
  actor?: string;
  origin?: RecordOrigin;
  /** Extra fields recorded in the audit payload (an import's filename and file hash). */
  note?: Record<string, string>;
}

export interface VersionedRepository {
  /** Writes version n+1 (or creates the record) and its audit event in one transaction. */
  save(input: SaveRecordInput): RecordVersion;
  /** Every input in ONE transaction (all or nothing), each with its own audit event. */
  saveMany(inputs: readonly SaveRecordInput[]): RecordVersion[];
  /** Latest version when `version` is omitted; null when absent. */
  get(id: string, version?: number): RecordVersion | null;
  /** Every record, most recently updated first; `model_id` filters accounts by their latest version. */
  list(filter?: { model_id?: string }): RecordSummary[];
  versions(id: string): RecordVersionInfo[];
}

/** One stored close series: ascending ISO dates and their closes. */
export interface SeriesContent {
  dates: string[];
  closes: number[];
}

export interface PriceSeriesVersion {
  symbol: string;
  version: number;
  created_at: string;
  first_date: string;
  last_date: string;
  count: number;
  content_json: string;
  content_hash: string;
}

export type PriceSeriesSummary = Omit<PriceSeriesVersion, 'content_json'>;

export interface PutSeriesInput {
  symbol: string;
  content: SeriesContent;
  /** The version the caller merged into (0: new series). A mismatch throws CONFLICT. */
  expected_version: number;
}

export interface PriceLibraryRepository {
  /**
   * Writes one version per series (and a `price_series.imported` event each) in one transaction.
   * `note` (filename, file hash) goes into every event.
   */
  putMany(
    series: readonly PutSeriesInput[],
    actor: string,
    note: Record<string, string>,
  ): PriceSeriesVersion[];
  get(symbol: string, version?: number): PriceSeriesVersion | null;
  /** The latest version of every series, by symbol. */
  list(): PriceSeriesSummary[];
}
