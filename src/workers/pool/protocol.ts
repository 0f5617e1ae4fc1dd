import type { RpcError } from '../../contract/common';
import type { ComputeOp } from '../../services/compute/env';
import type { PackedShared } from './sharedArg';

/**
 * One task posted to a pool worker: a computation by name and its plain-data argument. For the
 * ops of SHARED_FIELD_OPS the argument's `shared` field travels apart, packed (sharedArg.ts), and
 * the worker puts it back before computing.
 */
export interface PoolTask {
  op: ComputeOp;
  arg: unknown;
  shared?: PackedShared;
}

/** Ops whose argument has a `shared` field that many tasks repeat (a batch's shared data). */
export const SHARED_FIELD_OPS: ReadonlySet<ComputeOp> = new Set(['batchItem']);

/** A worker's answer: the value, or an EngineError as data (its code survives the thread hop). */
export type PoolReply = { ok: true; value: unknown } | { ok: false; error: Required<RpcError> };
