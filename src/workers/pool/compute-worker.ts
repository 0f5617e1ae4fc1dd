/**
 * A pool worker: runs one named computation (services/compute/tasks.ts) per task with this
 * thread's own ports — HiGHS loaded on this thread, the stress library read once, native
 * SHA-256, the wall clock. An EngineError comes back as data (`{ok: false, error}`) so the owner
 * re-throws it with its code; anything else is thrown and becomes INTERNAL there.
 */
import { workerData } from 'node:worker_threads';
import loadHighs from 'highs';
import { EngineError } from '../../contract/common';
import { createHighsQpSolver } from '../../optimize/qp/highs-adapter';
import type { QpSolverPort } from '../../optimize/qp/types';
import type { ComputeEnv, ComputeOp } from '../../services/compute/env';
import { computeOps } from '../../services/compute/tasks';
import { loadStressLibrary } from '../../server/stressData';
import { sha256Parts } from '../../store/hash';
import type { PoolReply, PoolTask } from './protocol';
import { sharedUnpacker } from './sharedArg';

const { root } = workerData as { root: string };

let solver: Promise<QpSolverPort> | null = null;
const solverOnce = () => (solver ??= loadHighs().then((h) => createHighsQpSolver(h)));

/** Tasks that may solve a QP or need the stress windows get them; imports do not load HiGHS. */
const NEEDS_ENGINE: ReadonlySet<ComputeOp> = new Set([
  'run',
  'request',
  'replay',
  'frontier',
  'batchItem',
]);

async function envFor(op: ComputeOp): Promise<ComputeEnv> {
  const clock = { now: () => new Date(), monotonicMs: () => performance.now() };
  if (!NEEDS_ENGINE.has(op)) return { clock, sha256: sha256Parts };
  return {
    clock,
    sha256: sha256Parts,
    solver: await solverOnce(),
    stressLibrary: loadStressLibrary(root),
  };
}

/** This thread's unpacked shared parts (a batch's shared data, deserialized once per batch). */
const unpacker = sharedUnpacker();

/** The task's argument with its packed `shared` field put back. */
function argOf(task: PoolTask): unknown {
  if (!task.shared) return task.arg;
  return { ...(task.arg as object), shared: unpacker.unpack(task.shared) };
}

export default async function run(task: PoolTask): Promise<PoolReply> {
  const f = computeOps[task.op] as (arg: unknown, env: ComputeEnv) => unknown;
  try {
    return { ok: true, value: await f(argOf(task), await envFor(task.op)) };
  } catch (e) {
    if (e instanceof EngineError)
      return { ok: false, error: { code: e.code, message: e.message, details: e.details } };
    throw e;
  }
}
