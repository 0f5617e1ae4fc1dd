/**
 * Names shared by the owner (executor) and the workers: the queue, the Redis keys a batch keeps
 * beside BullMQ's own, and the BullMQ job id of an item.
 */
import { keyIndex } from '../services/batches/work';

/** The BullMQ queue batches go through unless `queueName` says otherwise. */
export const DEFAULT_QUEUE_NAME = 'spr-batches';

/** Seconds the batch's shared data and cancel marker live: a week, far beyond any batch. */
export const BATCH_KEY_TTL_SECONDS = 7 * 24 * 3600;

/** The batch's `BatchShared` as JSON (written once per batch by the owner). */
export const sharedKey = (batch_id: string): string => `spr:batch:${batch_id}:shared`;

/** Present once the batch is cancelled: workers skip its items instead of computing them. */
export const cancelKey = (batch_id: string): string => `spr:batch:${batch_id}:cancel`;

/**
 * A text many of the batch's results leave out of their frames (the price history of a universe
 * of assets), named by its SHA-256 (hex): written by the first worker that needs it, deleted by
 * the owner when the batch is done. Example: `textKey('b_1', 'ab12…')` → `'spr:batch:b_1:text:ab12…'`.
 */
export const textKey = (batch_id: string, hash: string): string =>
  `spr:batch:${batch_id}:text:${hash}`;

/**
 * A computed item's result (resultCodec's frame), written by the worker that computed it and
 * deleted by the owner once it has saved the run. Example: `resultKey('b_1:7')` →
 * `'spr:item:b_1:7:result'`.
 */
export const resultKey = (key: string): string => `spr:item:${key}:result`;

/**
 * The BullMQ job id of an item key (`${batch_id}:${index}`). BullMQ 6 refuses custom ids that
 * contain `:` (unless in three parts, for its repeatable jobs), so `%` and `:` are escaped; the
 * mapping is one-to-one, so ids stay unique and the key can be read back.
 * Example: `jobIdOf('b_1:7')` → `'b_1%3A7'`; `keyOfJobId('b_1%3A7')` → `'b_1:7'`.
 */
export function jobIdOf(key: string): string {
  return key.replace(/%/g, '%25').replace(/:/g, '%3A');
}

/** The item key of a job id made by `jobIdOf`. */
export function keyOfJobId(jobId: string): string {
  return jobId.replace(/%3A/g, ':').replace(/%25/g, '%');
}

/**
 * Whether `jobId` is an item of `batch_id`: its escaped key is the batch's, then `:` and an index.
 * Example: `isJobOfBatch('b%3A12', 'b')` → true; `isJobOfBatch('b%3Ax%3A1', 'b')` → false.
 */
export function isJobOfBatch(jobId: string, batch_id: string): boolean {
  return keyIndex(batch_id, keyOfJobId(jobId)) !== null;
}
