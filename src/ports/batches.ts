/**
 * The persistence port of batch runs (issue #13, items 2–3). Pure types, as src/ports/store.ts.
 *
 * A batch is one row (what it runs: model version, policy version, settings, price-library
 * versions; its status) and one row per item (what the item runs: an account version or a
 * rebalance request; its outcome). Each item's result is an ordinary run (RunRepository) written
 * in the same transaction as the item's outcome, and only while the item is still pending: a
 * result delivered twice is saved once.
 */
import type { ErrorDetail } from '../contract/common';
import type { RunDecision, SaveRunInput, SavedRun } from './store';

export type BatchKind = 'model' | 'requests';
export type BatchStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type ItemState = 'pending' | 'succeeded' | 'failed' | 'unbuilt' | 'cancelled';

/** One item as created: an account version (model batches) or a request's canonical JSON. */
export type NewBatchItem =
  { account_id: string; account_version: number } | { request_json: string };

export interface CreateBatchInput {
  kind: BatchKind;
  /** Model batches: the model version the accounts are rebalanced against. */
  model?: { model_id: string; version: number };
  policy_version: number;
  /** Canonical JSON of the run settings (model batches) or `null`. */
  settings_json: string;
  /** Canonical JSON of {symbol: price-series version} the items read (`{}` for requests). */
  library_json: string;
  items: readonly NewBatchItem[];
  actor: string;
}

export interface BatchRecord {
  batch_id: string;
  kind: BatchKind;
  created_at: string;
  model_id: string | null;
  model_version: number | null;
  policy_version: number;
  settings_json: string;
  library_json: string;
  total: number;
  actor: string;
  status: BatchStatus;
  trouble: string | null;
  finished_at: string | null;
}

export interface ItemError {
  code: string;
  message: string;
  details: ErrorDetail[];
}

export interface BatchItemRecord {
  batch_id: string;
  index: number;
  account_id: string | null;
  account_version: number | null;
  /** Request batches: the request; null for an account item (read only for pending items). */
  request_json: string | null;
  state: ItemState;
  run_id: string | null;
  decision: RunDecision | null;
  /** Assets still outside their band after the proposed trades (succeeded runs), else []. */
  breaches: string[];
  /** The supervisor's reasons for a REVIEW_REQUIRED or REJECTED run, else []. */
  reasons: string[];
  error: ItemError | null;
}

/** Item counts by state, and succeeded items by decision; `breached`: items with breaches. */
export interface BatchCounts {
  succeeded: number;
  failed: number;
  unbuilt: number;
  cancelled: number;
  pending: number;
  by_decision: Record<RunDecision, number>;
  breached: number;
}

/** What a run adds to its item (read from the run's output by the caller). */
export interface ItemOutcome {
  /** Succeeded runs: the supervisor's decision; failed runs: null. */
  decision: RunDecision | null;
  breaches: string[];
  reasons: string[];
  /** Failed runs: the engine's error; succeeded runs: null. */
  error: ItemError | null;
}

/**
 * What an item write did: `saved` (the item got its outcome now), `duplicate` (it already had
 * one: nothing written), `dropped` (the item was cancelled before it started: nothing written).
 */
export type ItemWrite =
  { kind: 'saved'; run: SavedRun | null; finished: boolean } | { kind: 'duplicate' | 'dropped' };

export interface BatchRepository {
  /**
   * Writes the batch (status `queued`), its items and the `batch.created` event (binding the
   * hashes of the settings, the library versions and the item list) in one transaction.
   */
  create(input: CreateBatchInput): BatchRecord;
  get(batch_id: string): BatchRecord | null;
  /** Newest first; `before` a batch_id: only batches created before it. */
  list(query: { limit: number; before?: string }): BatchRecord[];
  /** Items with index in [from, from + limit), by index (request texts not read). */
  items(batch_id: string, from: number, limit: number): BatchItemRecord[];
  /** Pending items, by index, with their request texts (to hand them to an executor). */
  pending(batch_id: string): BatchItemRecord[];
  counts(batch_id: string): BatchCounts;
  /** Batches to pick up at start: queued, running or failed, or cancelled with items pending. */
  unfinished(): BatchRecord[];
  /** queued/failed → running, running → failed (with `trouble`); a final status is kept. */
  setStatus(batch_id: string, status: 'running' | 'failed', trouble: string | null): void;
  /**
   * Saves the item's run (RunRepository.saveLarge, its `run.created` event carrying `batch_id`
   * and `batch_index`) and its outcome in ONE transaction, only if the item is pending; when it
   * was the last pending item, the batch is finished in the same transaction (`batch.finished`,
   * or `batch.cancelled` for a cancelled batch).
   */
  saveRun(
    batch_id: string,
    index: number,
    run: SaveRunInput,
    outcome: ItemOutcome,
  ): Promise<ItemWrite>;
  /** Marks a pending item `unbuilt` with its error (and finishes the batch if it was the last). */
  saveUnbuilt(batch_id: string, index: number, error: ItemError): ItemWrite;
  /**
   * Cancels the batch: status `cancelled`, every pending item not in `running` marked cancelled;
   * when nothing is left pending, the `batch.cancelled` event is written in the same transaction
   * (otherwise with the last running item's outcome). A done batch is refused (CONFLICT); a
   * finished cancelled one is returned as it is; a cancelled one still waiting for running items
   * has its pending items not in `running` cancelled (at start: `running` empty).
   */
  cancel(batch_id: string, running: ReadonlySet<number>, actor: string): BatchRecord;
}
