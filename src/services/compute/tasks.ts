/**
 * Every computation a ComputePort runs, by name. A pool worker and the in-process port call the
 * same functions, so the results are the same wherever they are computed.
 */
import { runFrontier, runPerformance, type StoredRunJson } from '../analytics';
import type { ComputeEnv } from './env';
import { parsePortfolioFile, parsePriceFile, type PortfolioIn, type PricesIn } from './imports';
import { computeReplay, type ReplayTask } from './replay';
import { computeRun, type RunTask } from './run';

export const computeOps = {
  run: (task: RunTask, env: ComputeEnv) => computeRun(task, env),
  replay: (task: ReplayTask, env: ComputeEnv) => computeReplay(task, env),
  performance: (task: StoredRunJson, _env: ComputeEnv) => runPerformance(task),
  frontier: (task: StoredRunJson & { points: number }, env: ComputeEnv) =>
    runFrontier(task, { solver: env.solver }),
  importPortfolio: (req: PortfolioIn, _env: ComputeEnv) => parsePortfolioFile(req),
  importPrices: (task: { req: PricesIn; attach_to: string | null }, _env: ComputeEnv) =>
    parsePriceFile(task),
};

export type ComputeOps = typeof computeOps;
