/**
 * The constrained portfolio optimizer (issue #4): pure model building, a solver port, and the
 * HiGHS adapter (given a loaded runtime). Node callers get a worker-backed port from
 * src/workers/highs-solver.ts.
 */
export { optimizePortfolio, type OptimizeContext } from './optimize';
export { createHighsQpSolver, type HighsQpSolver } from './highs-adapter';
export {
  estimateCovariance,
  pcaFactorModel,
  observedFactorModel,
  ANNUALIZATION,
} from './covariance-model';
export type { CovarianceEstimate } from './covariance-model';
export { riskParityWeights, riskContributions } from './risk-parity';
export {
  buildOptimizationProblem,
  type RequestAsset,
  type BuildProblemInput,
} from './from-request';
export type {
  OptimizationProblem,
  OptimizationMethod,
  CovarianceInput,
  QpModel,
  QpSolution,
  QpSolverPort,
  SolveOptions,
} from './types';
export { OPTIMIZED_METHODS } from './types';
