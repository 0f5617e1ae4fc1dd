/**
 * What a computation needs from its surroundings, and the port through which the services ask for
 * one. The services decide what to compute and write the results; a ComputePort runs the work —
 * in-process (tests, CLI) or on a worker pool (the adapters: src/workers/pool), so a large
 * rebalance, import, replay or frontier never holds the thread that answers requests.
 */
import type { Sha256Parts } from '../../domain/canonical';
import type { QpSolverPort } from '../../optimize/qp/types';
import type { StressLibrary } from '../../risk/stress';
import type { Clock } from '../rebalance';
import type { ComputeOps } from './tasks';

/** The ports a computation may use; every field but the clock optional (pure defaults exist). */
export interface ComputeEnv {
  clock: Clock & { monotonicMs(): number };
  sha256?: Sha256Parts;
  solver?: QpSolverPort;
  stressLibrary?: StressLibrary | null;
}

export type ComputeOp = keyof ComputeOps;
export type ComputeArg<K extends ComputeOp> = Parameters<ComputeOps[K]>[0];
export type ComputeResult<K extends ComputeOp> = Awaited<ReturnType<ComputeOps[K]>>;

/**
 * Runs one computation. Arguments and results are plain data (structured-clonable): they cross a
 * thread boundary in the pool. An EngineError thrown by the task arrives as an EngineError.
 * A full pool answers EngineError('TOO_MANY_REQUESTS') at once (HTTP 429 with Retry-After).
 */
export interface ComputePort {
  run<K extends ComputeOp>(op: K, arg: ComputeArg<K>): Promise<ComputeResult<K>>;
  close(): Promise<void>;
}
