import type { ComputeEnv, ComputePort } from './env';
import { computeOps } from './tasks';

/**
 * A ComputePort that runs every task on the calling thread (tests, CLI, benchmarks of the
 * engine itself). The adapters use the worker pool (src/workers/pool) instead.
 * Example: `const compute = createInProcessCompute({ clock }); await compute.run('run', task)`.
 */
export function createInProcessCompute(env: ComputeEnv): ComputePort {
  return {
    run: async (op, arg) => {
      const f = computeOps[op] as (a: typeof arg, e: ComputeEnv) => unknown;
      return (await f(arg, env)) as never;
    },
    close: async () => undefined,
  };
}
