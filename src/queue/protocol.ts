/**
 * What crosses Redis between the owner and the workers: a job's data (the item, never the
 * batch's shared data, which is read once per batch from `sharedKey`) and its return value.
 */
import { ENGINE_VERSION } from '../contract/operations';
import type { BatchItemResult, BatchItemSpec, BatchShared } from '../services/batches/job';

/** A job's data: the item and the batch it belongs to. */
export interface QueueJobData {
  batch_id: string;
  key: string;
  index: number;
  spec: BatchItemSpec;
}

/**
 * The version of what crosses Redis (job data, return values, result frames, left-out texts),
 * raised whenever one side would misread the other: 2 since frames may leave the price history
 * out (an owner of protocol 1 would store such a run's input without it).
 */
export const QUEUE_PROTOCOL = 2;

/**
 * What is stored at `sharedKey`: the batch's shared data, the engine version that wrote it and the
 * queue protocol its owner speaks (a worker refuses a batch whose owner differs in either).
 */
export interface SharedEnvelope {
  engine_version: string;
  protocol?: number;
  shared: BatchShared;
}

/**
 * Where a computed item's result is: at `resultKey(key)`, `bytes` long (resultCodec's frame). The
 * run's texts do not travel in the job's return value (see resultCodec for why).
 */
export interface StoredNote {
  key: string;
  stored: 'redis';
  bytes: number;
}

/**
 * A job's return value: an unbuilt item's result (small: its error), where a computed one's is
 * stored, or a note that it was skipped (batch cancelled).
 */
export type QueueReturn = BatchItemResult | StoredNote | { key: string; skipped: 'cancelled' };

/** The envelope the owner writes for `shared` (this process's engine version). */
export function envelopeOf(shared: BatchShared): SharedEnvelope {
  return { engine_version: ENGINE_VERSION, protocol: QUEUE_PROTOCOL, shared };
}

/** Whether a job's return value says where a computed result is stored. */
export function isStoredNote(v: unknown): v is StoredNote {
  if (!v || typeof v !== 'object') return false;
  const r = v as { key?: unknown; stored?: unknown; bytes?: unknown };
  return typeof r.key === 'string' && r.stored === 'redis' && typeof r.bytes === 'number';
}

/**
 * Whether a job's return value is an item result (computed or unbuilt), not a skip note or
 * anything else. Example: `isItemResult({key: 'b:0', skipped: 'cancelled'})` → false.
 */
export function isItemResult(v: unknown): v is BatchItemResult {
  if (!v || typeof v !== 'object') return false;
  const r = v as { key?: unknown; outcome?: unknown };
  return typeof r.key === 'string' && (r.outcome === 'computed' || r.outcome === 'unbuilt');
}
