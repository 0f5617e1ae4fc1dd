/**
 * The compute environment of a queue worker: the same ports the engine's pool threads give a
 * computation (src/workers/pool/compute-worker.ts) — HiGHS loaded once, the stress library read
 * once from `<root>/resources/data`, native SHA-256, the wall clock (a batch item's run clock is
 * pinned to the batch's creation anyway) — so an item computes to the same result on any machine.
 */
import loadHighs from 'highs';
import { createHighsQpSolver } from '../optimize/qp/highs-adapter';
import type { ComputeEnv } from '../services/compute/env';
import { loadStressLibrary } from '../server/stressData';
import { sha256Parts } from '../store/hash';

/**
 * Builds the environment (loads HiGHS' WebAssembly and parses the stress library: ~0.5 s).
 * Example: `const env = await engineComputeEnv(ROOT); await computeBatchItem(job, shared, env)`.
 */
export async function engineComputeEnv(root: string): Promise<ComputeEnv> {
  return {
    clock: { now: () => new Date(), monotonicMs: () => performance.now() },
    sha256: sha256Parts,
    solver: createHighsQpSolver(await loadHighs()),
    stressLibrary: loadStressLibrary(root),
  };
}
