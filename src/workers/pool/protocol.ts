import type { RpcError } from '../../contract/common';
import type { ComputeOp } from '../../services/compute/env';

/** One task posted to a pool worker: a computation by name and its plain-data argument. */
export interface PoolTask {
  op: ComputeOp;
  arg: unknown;
}

/** A worker's answer: the value, or an EngineError as data (its code survives the thread hop). */
export type PoolReply = { ok: true; value: unknown } | { ok: false; error: Required<RpcError> };
