/**
 * Every computation a ComputePort runs, by name. A pool worker and the in-process port call the
 * same functions, so the results are the same wherever they are computed.
 */
import { runFrontier, runPerformance, type StoredRunJson } from '../analytics';
import type { ComputeEnv } from './env';
import {
  parsePortfolioFile,
  parsePortfolioFileText,
  parsePriceFile,
  parsePriceFileText,
  type PortfolioIn,
  type PricesIn,
} from './imports';
import { computeReplay, type ReplayTask } from './replay';
import { parseAccountFile, type AccountsIn } from './accounts';
import { computeMetrics } from '../metrics';
import type { MetricsRequest } from '../../contract/metrics';
import { computeRequest, type RequestTask } from './request';
import { computeRun, type RunTask } from './run';
import { computeBatchItem, type BatchJob, type BatchShared } from '../batches/job';

export const computeOps = {
  run: (task: RunTask, env: ComputeEnv) => computeRun(task, env),
  replay: (task: ReplayTask, env: ComputeEnv) => computeReplay(task, env),
  request: (task: RequestTask, env: ComputeEnv) => computeRequest(task, env),
  performance: (task: StoredRunJson, _env: ComputeEnv) => runPerformance(task),
  frontier: (task: StoredRunJson & { points: number }, env: ComputeEnv) =>
    runFrontier(task, { solver: env.solver }),
  importPortfolio: (req: PortfolioIn, _env: ComputeEnv) => parsePortfolioFile(req),
  metrics: (req: MetricsRequest, _env: ComputeEnv) => computeMetrics(req),
  importPrices: (task: { req: PricesIn; attach_to: string | null }, _env: ComputeEnv) =>
    parsePriceFile(task),
  importPortfolioText: (req: PortfolioIn, _env: ComputeEnv) => parsePortfolioFileText(req),
  importPricesText: (task: { req: PricesIn; attach_to: string | null }, _env: ComputeEnv) =>
    parsePriceFileText(task),
  importAccounts: (req: AccountsIn, _env: ComputeEnv) => parseAccountFile(req),
  /** One batch item (services/batches): its request built and run, as any executor does. */
  batchItem: (task: { job: BatchJob; shared: BatchShared }, env: ComputeEnv) =>
    computeBatchItem(task.job, task.shared, env),
};

export type ComputeOps = typeof computeOps;
