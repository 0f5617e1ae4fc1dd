/**
 * What the pipeline hands every agent: the validated request, the policy in force, the run's
 * shared warning list and the adapters' ports.
 */
import type { Warning } from '../contract/common';
import type { PolicyDocument } from '../contract/policy';
import type { RebalanceRequest } from '../contract/rebalance';
import type { Sha256Parts } from '../domain/canonical';
import type { QpSolverPort } from '../optimize/qp/types';
import type { StressLibrary } from '../risk/stress';

/** The policy a run is checked against, as stored (version 0 = the built-in default). */
export interface PolicyInForce {
  document: PolicyDocument;
  version: number;
  /** SHA-256 of the canonical JSON of `document`. */
  hash: string;
}

/** What adapters supply to the engine (every field optional: pure defaults exist). */
export interface EngineOptions {
  /** Optional faster SHA-256 for the input hash (see domain/canonical `inputHash`). */
  sha256?: Sha256Parts;
  /** QP solver for the optimized methods (a HiGHS worker in the adapters). */
  solver?: QpSolverPort;
  /** Policy to check the run against; default: the built-in policy (version 0). */
  policy?: PolicyInForce;
  /** Proxy series for the historical stress windows (the shipped real prices). */
  stressLibrary?: StressLibrary | null;
  /** Monotonic clock for step durations (performance.now in the adapters). */
  monotonicMs?: () => number;
}

export interface RunContext {
  req: RebalanceRequest;
  policy: PolicyInForce;
  warnings: Warning[];
  options: EngineOptions;
}
