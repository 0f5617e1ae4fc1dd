/**
 * The persistence port: what services need from storage, with no storage technology in sight.
 *
 * Pure types only (no `node:*`, no better-sqlite3). `src/store` implements it with SQLite;
 * tests may implement it in memory. All methods are synchronous on purpose: the SQLite adapter
 * returns only after COMMIT, so a value in hand means the write is durable and the caller may
 * answer the user.
 *
 * Field names are snake_case, like the HTTP contract. Timestamps are UTC ISO-8601 strings with
 * milliseconds (`2026-11-02T09:15:00.123Z`). Hashes are lowercase SHA-256 hex (64 characters).
 * `*_json` fields are JSON text stored byte-for-byte as given, so a replay can compare bytes.
 */
import { RUN_KIND, RUN_STATUS } from '../contract/store';
import type { BatchRepository } from './batches';
import type { PriceLibraryRepository, VersionedRepository } from './models';

export type * from './models';
export type * from './batches';

/** What produced a run (defined once, in the contract). */
export type RunKind = (typeof RUN_KIND.options)[number];
export const RUN_KINDS: readonly RunKind[] = RUN_KIND.options;

/** Outcome of a run. A failed run is stored too (its output is the error envelope). */
export type RunStatus = (typeof RUN_STATUS.options)[number];
export const RUN_STATUSES: readonly RunStatus[] = RUN_STATUS.options;

/**
 * The supervisor's verdict on a tandem run, stored with the run (null for runs without one).
 * Not a human approval: that is a separate, later record (RunApproval).
 */
export type RunDecision = 'APPROVED' | 'REVIEW_REQUIRED' | 'REJECTED';
export const RUN_DECISIONS: readonly RunDecision[] = ['APPROVED', 'REVIEW_REQUIRED', 'REJECTED'];

/** A human's decision on a stored run. */
export type ApprovalDecision = 'approved' | 'rejected';
export const APPROVAL_DECISIONS: readonly ApprovalDecision[] = ['approved', 'rejected'];

/** Audit actions known to schema v9. Adding one is a migration (a row in `audit_actions`). */
export type AuditAction =
  | 'run.created'
  | 'run.bound'
  | 'run.approved'
  | 'run.rejected'
  | 'portfolio.imported'
  | 'portfolio.created'
  | 'portfolio.edited'
  | 'prices.imported'
  | 'settings.changed'
  | 'policy.changed'
  | 'audit.correction'
  | 'model.created'
  | 'model.edited'
  | 'account.created'
  | 'account.edited'
  | 'account.imported'
  | 'account.assigned'
  | 'price_series.imported'
  | 'batch.created'
  | 'batch.finished'
  | 'batch.cancelled';
export const AUDIT_ACTIONS: readonly AuditAction[] = [
  'run.created',
  'run.bound',
  'run.approved',
  'run.rejected',
  'portfolio.imported',
  'portfolio.created',
  'portfolio.edited',
  'prices.imported',
  'settings.changed',
  'policy.changed',
  'audit.correction',
  'model.created',
  'model.edited',
  'account.created',
  'account.edited',
  'account.imported',
  'account.assigned',
  'price_series.imported',
  'batch.created',
  'batch.finished',
  'batch.cancelled',
];

/** Any JSON value (what an audit payload may hold). */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

// ───────────────────────────── portfolios ─────────────────────────────

/** One immutable version of a portfolio. `content_json` is a full rebalance request payload. */
export interface PortfolioVersion {
  portfolio_id: string;
  name: string;
  version: number;
  created_at: string;
  content_json: string;
  /** SHA-256 hex of the UTF-8 bytes of `content_json`. */
  content_hash: string;
}

export interface PortfolioSummary {
  portfolio_id: string;
  name: string;
  created_at: string;
  latest_version: number;
  /** created_at of the latest version. */
  updated_at: string;
}

export interface PortfolioVersionInfo {
  version: number;
  created_at: string;
  content_hash: string;
}

export interface CreatePortfolioInput {
  name: string;
  /** JSON text (canonical JSON recommended); stored exactly as given. */
  content_json: string;
  /** Who did it (audit actor). Default `'system'`. */
  actor?: string;
  /** `'imported'` records the audit action `portfolio.imported` instead of `portfolio.created`. */
  origin?: 'created' | 'imported';
}

export interface EditPortfolioInput {
  content_json: string;
  /** New display name; the name is not versioned. */
  name?: string;
  actor?: string;
}

export interface PortfolioRepository {
  /** Creates portfolio + version 1 and its audit event in one transaction. */
  create(input: CreatePortfolioInput): PortfolioVersion;
  /** Latest version when `version` is omitted; null when absent. */
  get(portfolio_id: string, version?: number): PortfolioVersion | null;
  /** All portfolios, most recently updated first. */
  list(): PortfolioSummary[];
  /** Version history, oldest first; empty when the portfolio does not exist. */
  versions(portfolio_id: string): PortfolioVersionInfo[];
  /** Appends version n+1 (older versions stay readable). Throws NOT_FOUND for an unknown id. */
  edit(portfolio_id: string, input: EditPortfolioInput): PortfolioVersion;
}

// ─────────────────────────────── runs ────────────────────────────────

export interface SaveRunInput {
  kind: RunKind;
  status: RunStatus;
  portfolio_id?: string | null;
  portfolio_version?: number | null;
  engine_version: string;
  /** JSON text, e.g. `{"forecast":"1.0.0","risk":"1.2.0"}`. */
  model_versions_json: string;
  input_json: string;
  output_json: string;
  /** Defaults to SHA-256 hex of `input_json`. Pass your own when you hash a different form. */
  input_hash?: string;
  /**
   * SHA-256 hex of `input_json` and `output_json` when the caller already has them (a pool
   * worker hashes the texts it made, so the owner thread does not hash megabytes again); default:
   * computed here. They go into `run.created`; verify recomputes both from the stored row, so a
   * wrong one is reported as a mismatch, never hidden.
   */
  text_hashes?: { input_json: string; output_json: string };
  /** Wall time of the computation in milliseconds (≥ 0). */
  duration_ms: number;
  /** Audit actor for the `run.created` event. Default `'system'`. */
  actor?: string;
  /** The supervisor's verdict (tandem runs). Default null; recorded in `run.created` when set. */
  decision?: RunDecision | null;
}

/** A stored run without its (large) input and output. */
export interface RunSummary {
  run_id: string;
  kind: RunKind;
  portfolio_id: string | null;
  portfolio_version: number | null;
  created_at: string;
  status: RunStatus;
  engine_version: string;
  input_hash: string;
  duration_ms: number;
  /** The supervisor's verdict stored with the run; null for runs without one (all before v5). */
  decision: RunDecision | null;
  /** The human decision recorded for the run (ApprovalRepository), or null while none is. */
  approval: ApprovalDecision | null;
}

export interface RunRecord extends RunSummary {
  model_versions_json: string;
  input_json: string;
  output_json: string;
}

/** What `save` returns: the stored record and the seq of its `run.created` audit event. */
export interface SavedRun extends RunRecord {
  audit_seq: number;
}

export interface ListRunsQuery {
  portfolio_id?: string;
  kind?: RunKind;
  /** Inclusive lower bound on created_at (ISO string). */
  created_from?: string;
  /** Exclusive upper bound on created_at (ISO string). */
  created_to?: string;
  /** Page size, 1..500, default 50. */
  limit?: number;
  /** Opaque cursor from a previous page's `next_cursor`. */
  cursor?: string | null;
}

export interface RunPage {
  /** Newest first (created_at DESC, run_id DESC). */
  items: RunSummary[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  next_cursor: string | null;
}

export interface RunRepository {
  /** Writes the run and its `run.created` audit event in one transaction; returns after COMMIT. */
  save(input: SaveRunInput): SavedRun;
  /**
   * As save(), for texts that may be large (a run computed on the pool): past 2 Mi characters
   * they are written in parts, the thread free in between; resolves after COMMIT.
   */
  saveLarge(input: SaveRunInput): Promise<SavedRun>;
  get(run_id: string): RunRecord | null;
  list(query?: ListRunsQuery): RunPage;
}

// ────────────────────────────── imports ──────────────────────────────

/** What a file import brought in. */
export type ImportKind = 'portfolio' | 'prices';
export const IMPORT_KINDS: readonly ImportKind[] = ['portfolio', 'prices'];

export interface RecordImportInput {
  kind: ImportKind;
  /** The file's name as the user chose it (1..1024 characters). */
  filename: string;
  /** SHA-256 hex of the file's raw bytes (duplicate detection). */
  content_hash: string;
  /** Rows accepted from the file (integer ≥ 0). */
  rows: number;
  actor?: string;
  /**
   * Save the result into a portfolio in the same transaction. Without `portfolio_id` a new
   * portfolio is created (kind 'portfolio' only); with it, version n+1 of that portfolio is
   * added and the portfolio is renamed to `name` if that differs.
   */
  portfolio?: { portfolio_id?: string; content_json: string; name: string };
}

export interface ImportRecord {
  import_id: string;
  kind: ImportKind;
  filename: string;
  content_hash: string;
  rows: number;
  actor: string;
  created_at: string;
  portfolio_id: string | null;
  portfolio_version: number | null;
  /** seq of the `portfolio.imported` / `prices.imported` audit event written with it. */
  audit_seq: number;
}

export interface ImportRepository {
  /**
   * Writes the import record, the portfolio version (if any) and one audit event
   * (`portfolio.imported` or `prices.imported`) in one transaction; returns after COMMIT.
   */
  record(input: RecordImportInput): ImportRecord;
  /** The most recent import of the same bytes and kind, or null. */
  findByHash(content_hash: string, kind: ImportKind): ImportRecord | null;
  get(import_id: string): ImportRecord | null;
  /** Newest first, at most `limit` (1..500, default 50). */
  list(limit?: number): ImportRecord[];
}

// ───────────────────────────── policies ──────────────────────────────

/**
 * One immutable version of the supervisor's policy. Versions are 1, 2, … without gaps; version 0
 * is the built-in default and is never stored.
 */
export interface StoredPolicy {
  version: number;
  created_at: string;
  /** Who saved this version. */
  actor: string;
  /** The policy document as JSON text, stored as given (canonical JSON recommended). */
  document_json: string;
  /** SHA-256 hex of the canonical JSON of the document (whatever the layout of document_json). */
  hash: string;
}

export interface PutPolicyInput {
  document_json: string;
  /** Optional; when given it must equal SHA-256 of the canonical JSON of `document_json`. */
  hash?: string;
  actor: string;
  /**
   * The version the caller edited (0 = the built-in default). If another version has been
   * saved since, `put` throws CONFLICT and writes nothing (optimistic concurrency).
   */
  expected_version: number;
}

export interface PolicyRepository {
  /** The highest version, or null when only the built-in default exists. */
  current(): StoredPolicy | null;
  get(version: number): StoredPolicy | null;
  /** Inserts version expected_version + 1 and its `policy.changed` event in one transaction. */
  put(input: PutPolicyInput): StoredPolicy;
}

// ───────────────────────────── approvals ─────────────────────────────

/** A human's final decision on a run. At most one per run; it is never changed or removed. */
export interface RunApproval {
  run_id: string;
  decision: ApprovalDecision;
  /** The reviewer's note, 1..2000 characters. */
  note: string;
  actor: string;
  created_at: string;
  /** SHA-256 hex of the run's `output_json`: the exact output that was approved or rejected. */
  run_output_hash: string;
}

export interface DecideRunInput {
  run_id: string;
  decision: ApprovalDecision;
  note: string;
  /** The reviewer (audit actor). Required: an approval is a person's act. */
  actor: string;
}

export interface ApprovalRepository {
  /**
   * Records the decision and its `run.approved` / `run.rejected` event in one transaction.
   * NOT_FOUND for an unknown run; CONFLICT when the run already has a decision.
   */
  decide(input: DecideRunInput): RunApproval;
  get(run_id: string): RunApproval | null;
}

// ──────────────────────────── audit log ─────────────────────────────

export interface AuditEventInput {
  actor: string;
  action: AuditAction;
  /** What the event is about: a run_id, portfolio_id, setting name… */
  subject: string;
  /** Serialized as canonical JSON (keys sorted) when `payload_json` is absent. */
  payload?: JsonValue;
  /** JSON text stored as given; wins over `payload`. */
  payload_json?: string;
}

export interface AuditEvent {
  seq: number;
  ts: string;
  actor: string;
  action: AuditAction;
  subject: string;
  payload_json: string;
  payload_hash: string;
  prev_hash: string;
  hash: string;
}

export interface AuditListQuery {
  /** Events with seq > after_seq (default 0), ascending. */
  after_seq?: number;
  /** 1..1000, default 100. */
  limit?: number;
  /** Only events about this subject. */
  subject?: string;
}

export interface CorrectionInput {
  actor: string;
  /** The seq of the event being corrected; must exist. */
  corrects_seq: number;
  reason: string;
  /** Extra detail, stored under `detail` in the payload. */
  detail?: JsonValue;
}

/**
 * What verify found wrong, one entry per finding:
 * - `chain`: an event breaks the hash chain (seq = the first bad one);
 * - `head`: the chain's end differs from the head file, or the head file is missing/unreadable;
 * - `head_mac`: the head file's keyed MAC is missing or does not verify with the store's key
 *   (now, or when the store was opened — then an evidence file keeps it, as below);
 * - `head_evidence`: a head mismatch found when the store was opened (this or an earlier
 *   session; an `audit-head.mismatch-*.json` file holds the evidence until it is removed);
 * - `known_head`: the chain no longer holds a previously exported head (rollback/truncation);
 * - `run_without_event`: a stored run has no `run.created` event;
 * - `event_without_run`: a `run.created`/`run.bound` event names a run that is not stored;
 * - `run_mismatch`: a stored run differs from what its event recorded (`fields` says where);
 * - `run_unbound`: the run's events do not cover every bound field (`fields` lists the gaps);
 * - `duplicate_event`: a run has more than one `run.created` (or `run.bound`) event, or a
 *   model, account or price series version (or a batch) more than one event;
 * - `record_without_event`: a model, account or price series version has no audit event, or a
 *   batch no `batch.created` (or, finished, no `batch.finished` / `batch.cancelled`);
 * - `event_without_record`: a model, account, price series or batch event names a record not
 *   stored (a run's `run.created` naming a batch item that does not name the run, too);
 * - `record_mismatch`: such a record differs from its event (`fields` says where).
 */
export type VerifyProblemKind =
  | 'chain'
  | 'head'
  | 'head_mac'
  | 'head_evidence'
  | 'known_head'
  | 'run_without_event'
  | 'event_without_run'
  | 'run_mismatch'
  | 'run_unbound'
  | 'duplicate_event'
  | 'record_without_event'
  | 'event_without_record'
  | 'record_mismatch';

/**
 * The tables verify checks besides runs: the versioned ones (schema v8) and the batches (v9; a
 * batch_items record's `version` is the item's index, a batch's is 0).
 */
export type VersionTable =
  'model_versions' | 'account_versions' | 'price_series_versions' | 'batches' | 'batch_items';

export interface VerifyProblem {
  kind: VerifyProblemKind;
  /** The audit event concerned, when there is one. */
  seq?: number;
  /** The run concerned, when there is one. */
  run_id?: string;
  /** The model, account or price series version, batch or batch item concerned, if any. */
  record?: { table: VersionTable; id: string; version: number };
  /** Stored fields that differ or are not bound, by column name (e.g. `output_json`). */
  fields?: string[];
  message: string;
}

export interface VerifyResult {
  /** True only when `problems_total` is 0. */
  ok: boolean;
  /** Number of events walked. */
  events: number;
  /** First seq at which the chain is wrong (for a truncated tail: the first missing seq). */
  first_bad_seq: number | null;
  /** The first problem's message, or null. */
  reason: string | null;
  /** Stored runs compared with their audit events. */
  runs_checked: number;
  /** Whether the head file was checked with a key (false: the store was opened without one). */
  head_keyed: boolean;
  /** The first problems found (at most 100, chain and head first, then runs in run_id order). */
  problems: VerifyProblem[];
  /** Every problem found, including those beyond the list. */
  problems_total: number;
}

/** A head the user exported earlier (exportHead), to check the chain still contains it. */
export interface KnownHead {
  seq: number;
  hash: string;
  /** The export's MAC; checked when given and the store has a key. */
  mac?: string;
}

export interface VerifyOptions {
  known_head?: KnownHead;
}

/** The chain's last event, for the user to keep outside the data directory. */
export interface ExportedHead {
  format: 'spr-audit-head-export/1';
  /** seq of the last event (0 for an empty chain); equals the number of events. */
  seq: number;
  /** Its chain hash (64 zeros for an empty chain). */
  hash: string;
  events: number;
  /** Timestamp of that event, or null for an empty chain. */
  event_ts: string | null;
  exported_at: string;
  /**
   * HMAC-SHA256 over (seq, hash) with the store's head key, or null when the store has none:
   * verify then knows this export came from this installation.
   */
  mac: string | null;
}

export interface AuditLog {
  /** Appends all events in one transaction (one disk flush); returns them after COMMIT. */
  append(events: AuditEventInput | readonly AuditEventInput[]): AuditEvent[];
  /** Appends an `audit.correction` event whose payload references `corrects_seq`. */
  correct(input: CorrectionInput): AuditEvent;
  list(query?: AuditListQuery): AuditEvent[];
  /** The last committed (seq, hash); seq 0 and 64 zeros for an empty log. */
  head(): { seq: number; hash: string };
  /** The last event as an exportable record (see ExportedHead). */
  exportHead(): ExportedHead;
  /**
   * Walks the whole chain, compares its end with the head kept outside the database (and its
   * MAC), checks every stored run against its audit events, and, when given, that the chain
   * still contains `known_head`. Reads in pages: memory does not grow with the log.
   */
  verify(options?: VerifyOptions): VerifyResult;
  /**
   * The same check without stalling the process: it pauses every ~10 ms so other work (HTTP
   * requests) is served meanwhile, and checks the chain as it was when it started.
   */
  verifyAsync(options?: VerifyOptions): Promise<VerifyResult>;
}

// ─────────────────────────────── store ───────────────────────────────

export interface Store {
  readonly portfolios: PortfolioRepository;
  readonly runs: RunRepository;
  readonly imports: ImportRepository;
  readonly policies: PolicyRepository;
  readonly approvals: ApprovalRepository;
  readonly models: VersionedRepository;
  readonly accounts: VersionedRepository;
  readonly priceLibrary: PriceLibraryRepository;
  readonly batches: BatchRepository;
  readonly audit: AuditLog;
  /** Schema version of the open database (PRAGMA user_version). */
  readonly schema_version: number;
  close(): void;
}
