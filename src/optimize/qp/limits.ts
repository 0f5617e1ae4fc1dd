/**
 * A solve that stops at a limit is an answer about the request, not an engine failure: the
 * caller asked for `optimizer_time_limit_seconds` (or a problem too large for the node and
 * iteration limits), so it gets EngineError('SOLVER_LIMIT') → 422 naming the limit, never a 500.
 */
import { EngineError } from '../../contract/common';
import type { QpSolution } from './types';

/** Seconds for a message: up to 6 significant digits. */
const seconds = (s: number) => `${+s.toPrecision(6)} s`;

/**
 * EngineError('SOLVER_LIMIT') for a solution that stopped at its time, iteration or node limit
 * before proving an answer; null for every other status. `what` names the solve in the message.
 * Example: solverLimitError({status: 'time_limit', modelStatus: 'Time limit reached', …}, 0.5)
 *   → "the optimizer reached its time limit of 0.5 s (optimizer_time_limit_seconds) …".
 */
export function solverLimitError(
  sol: Pick<QpSolution, 'status' | 'modelStatus' | 'mip'>,
  timeLimitSeconds: number,
  what = 'the optimizer',
): EngineError | null {
  const nodes = sol.mip ? ` after ${sol.mip.nodes} branch-and-bound nodes` : '';
  switch (sol.status) {
    case 'time_limit':
      return new EngineError(
        'SOLVER_LIMIT',
        `${what} reached its time limit of ${seconds(timeLimitSeconds)} (optimizer_time_limit_seconds)${nodes} before proving an optimum; no weights are returned. Raise the limit or make the problem smaller (fewer assets, no whole_lots).`,
        [
          {
            path: 'optimizer_time_limit_seconds',
            message: `time limit of ${seconds(timeLimitSeconds)} reached (${sol.modelStatus})`,
          },
        ],
      );
    case 'iteration_limit':
      return new EngineError(
        'SOLVER_LIMIT',
        `${what} reached the solver's iteration limit before proving an optimum; no weights are returned`,
        [{ path: 'solver', message: sol.modelStatus }],
      );
    case 'node_limit':
      return new EngineError(
        'SOLVER_LIMIT',
        `${what} reached the branch-and-bound node limit${nodes} before finding a portfolio that meets the discrete rules (whole lots, minimum trades, no buying and selling at once); no weights are returned`,
        [{ path: 'solver', message: `node limit reached (${sol.modelStatus})` }],
      );
    default:
      return null;
  }
}
