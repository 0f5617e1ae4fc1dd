/**
 * Analytics of a saved run, recomputed from its stored input and output on request:
 * GET /api/runs/{run_id}/performance and GET /api/runs/{run_id}/frontier.
 * docs/methods.md, "Performance series" and "Efficient frontier"; docs/api.md.
 */
import type { RunFrontierResponse, RunPerformanceResponse } from '../contract/analytics';
import { EngineError } from '../contract/common';
import type { ExpectedReturnsInfo } from '../contract/estimators';
import { RebalanceRequest, type RebalanceResponse } from '../contract/rebalance';
import { efficientFrontier, type FrontierMarkerInput } from '../optimize/qp/frontier';
import type { QpSolverPort } from '../optimize/qp/types';
import type { Store } from '../ports/store';
import { MIN_MOMENT_OBSERVATIONS } from '../risk/metrics';
import { wealthPath } from '../risk/performance';
import { portfolioReturns } from '../risk/returns';
import { readBook } from './rebalance/book';
import { readHistory } from './rebalance/history';
import { runProblem } from './rebalance/optimize';
import { alignedBenchmark } from './rebalance/risk';
import { getRunOrThrow, REPLAYABLE } from './runs';

interface SavedRun {
  req: RebalanceRequest;
  out: RebalanceResponse;
}

/** A stored run as the analytics read it: its id and its stored request and response JSON. */
export interface StoredRunJson {
  run_id: string;
  input_json: string;
  output_json: string;
}

/**
 * The stored run behind an analytics request, read on the owner's side: NOT_FOUND for an unknown
 * run or a failed one (it has no weights, as trades.csv says), BAD_REQUEST for a kind without a
 * rebalance request.
 */
export function savedRunJson(store: Store, run_id: string): StoredRunJson {
  const r = getRunOrThrow(store, run_id);
  if (!REPLAYABLE.includes(r.kind))
    throw new EngineError(
      'BAD_REQUEST',
      `analytics cover ${REPLAYABLE.join(', ')} runs; this run is a ${r.kind} run`,
      [{ path: 'run_id', message: `a ${r.kind} run` }],
    );
  if (r.status !== 'succeeded')
    throw new EngineError('NOT_FOUND', `run ${run_id} failed: it has no weights to analyse`, [
      { path: 'run_id', message: 'a failed run' },
    ]);
  return { run_id, input_json: r.input_json, output_json: r.output_json };
}

/** The stored request, re-validated by this engine (BAD_REQUEST when it no longer passes). */
function savedRun({ run_id, input_json, output_json }: StoredRunJson): SavedRun {
  const parsed = RebalanceRequest.safeParse(JSON.parse(input_json));
  if (!parsed.success)
    throw new EngineError(
      'BAD_REQUEST',
      `the stored input of run ${run_id} is rejected by this engine version`,
      [{ path: 'input', message: parsed.error.issues[0]?.message ?? 'invalid' }],
    );
  return { req: parsed.data, out: JSON.parse(output_json) as RebalanceResponse };
}

/** Output weight rows in the request's asset order (they are stored in that order). */
function rowsInOrder(req: RebalanceRequest, out: RebalanceResponse) {
  const byAsset = new Map(out.weights.map((w) => [w.asset, w]));
  return req.assets.map((a) => {
    const row = byAsset.get(a.asset);
    if (!row) throw new EngineError('INTERNAL', `run output has no weight row for ${a.asset}`);
    return row;
  });
}

/**
 * Cumulative return and drawdown of the current and proposed portfolio (and the benchmark) over
 * the run's price history: the same portfolio series as the risk metrics (portfolioReturns of the
 * aligned history with the current weights of V and the proposed weights after the trades; cash
 * earns 0), compounded from W_0 = 1 on the first date. DATA_BLOCKED (422) naming price_history
 * when the run has none, or when an asset's history came from historical_returns (no dates).
 * Example: a run on 253 dated prices → 253 dates, series of 253 values each starting at 0.
 */
export function runPerformance(run: StoredRunJson): RunPerformanceResponse {
  const { run_id } = run;
  const { req, out } = savedRun(run);
  const ph = req.price_history;
  if (!ph)
    throw new EngineError(
      'DATA_BLOCKED',
      `run ${run_id} has no price_history: the performance series need dated prices for every asset`,
      [{ path: 'price_history', message: 'absent from the run’s request' }],
    );
  const history = readHistory(req, []);
  const undated = req.assets.filter((_, i) => history.assets[i]?.source !== 'price_history');
  if (!history.aligned || undated.length > 0)
    throw new EngineError(
      'DATA_BLOCKED',
      `run ${run_id}: price_history has no series for ${undated.map((a) => a.asset).join(', ')}; the performance series need dated prices for every asset`,
      undated.map((a) => ({ path: `price_history.prices.${a.asset}`, message: 'no series' })),
    );
  const aligned = history.aligned;
  const T = (aligned[0] as Float64Array).length;
  const rows = rowsInOrder(req, out);
  const series: RunPerformanceResponse['series'] = [
    {
      name: 'current',
      label: 'Current portfolio',
      ...wealthPath(
        portfolioReturns(
          aligned,
          rows.map((w) => w.current_weight),
        ),
      ),
    },
    {
      name: 'proposed',
      label: 'Proposed portfolio',
      ...wealthPath(
        portfolioReturns(
          aligned,
          rows.map((w) => w.proposed_weight),
        ),
      ),
    },
  ];
  const bench = alignedBenchmark(req, aligned);
  if (req.benchmark && bench)
    series.push({ name: 'benchmark', label: req.benchmark.name, ...wealthPath(bench) });
  return {
    run_id,
    rebalancing: 'constant_mix',
    dates: ph.dates.slice(ph.dates.length - (T + 1)),
    series,
  };
}

/** Where the frontier's μ came from, in the words of the run's `expected_returns`. */
function muSource(er: ExpectedReturnsInfo): string {
  switch (er.method) {
    case 'forecast':
      return "the annual forecast ensemble of each asset the run's optimizer used (house_view.asset_forecasts[].ensemble)";
    case 'historical_mean':
      return `the ${er.compounding ?? 'geometric'} historical mean of each asset's full history, annual`;
    case 'ewma':
      return `the exponentially weighted mean of each asset's returns (${er.span !== null ? `span ${er.span}` : `half-life ${er.halflife ?? ''} days`}), annual`;
    case 'capm':
      return `CAPM returns r_f + β(E[r_m] − r_f) against ${er.market?.name ?? er.market?.source ?? 'the market'}`;
    case 'user':
      return 'the expected returns given in the request (expected_returns.user)';
  }
}

/**
 * The efficient frontier of the run's optimizer problem (efficientFrontier): μ is what the run's
 * `expected_returns` asks for (default the forecast ensemble, house_view.asset_forecasts[].ensemble), Σ the run's
 * covariance spec on its aligned history, and the constraints the run's bounds, class bounds and
 * cash floor, all built by runProblem as for an optimized run. Markers: the current, target and
 * proposed weights of the run, plus the max-Sharpe and minimum-variance portfolios.
 * DATA_BLOCKED (422) naming price_history without at least 20 aligned daily returns.
 */
export async function runFrontier(
  task: StoredRunJson & { points: number },
  deps: { solver?: QpSolverPort | undefined },
): Promise<RunFrontierResponse> {
  const { run_id, points } = task;
  const { req, out } = savedRun(task);
  const history = readHistory(req, []);
  const T = history.aligned ? (history.aligned[0] as Float64Array).length : 0;
  if (!history.aligned || T < MIN_MOMENT_OBSERVATIONS)
    throw new EngineError(
      'DATA_BLOCKED',
      history.aligned
        ? `run ${run_id} has ${T} aligned daily returns: the frontier needs at least ${MIN_MOMENT_OBSERVATIONS} (price_history)`
        : `run ${run_id} has no history for ${history.missing.join(', ')}: the frontier needs price_history (or historical_returns) for every asset`,
      [{ path: 'price_history', message: `at least ${MIN_MOMENT_OBSERVATIONS} daily returns` }],
    );
  if (!deps.solver) throw new EngineError('INTERNAL', 'no optimizer available in this process');
  const book = readBook(req, []);
  const rows = rowsInOrder(req, out);
  const forecasts = new Map(out.house_view.asset_forecasts.map((f) => [f.asset, f.ensemble]));
  const ensemble = req.assets.map((a) => {
    const mu = forecasts.get(a.asset);
    if (mu === undefined)
      throw new EngineError('INTERNAL', `run output has no forecast for ${a.asset}`);
    return mu;
  });
  const { problem, context, expectedReturns } = runProblem(
    req,
    book,
    history.aligned,
    'min_variance',
    rows.map((w) => w.optimized_target_weight),
    ensemble,
  );
  const markers: FrontierMarkerInput[] = [
    { name: 'current', label: 'the current portfolio', weights: rows.map((w) => w.current_weight) },
    { name: 'target', label: 'the target portfolio', weights: rows.map((w) => w.target_weight) },
    {
      name: 'proposed',
      label: 'the proposed portfolio',
      weights: rows.map((w) => w.proposed_weight),
    },
  ];
  const f = await efficientFrontier(problem, deps.solver, points, markers);
  const cov = context.covarianceInfo;
  const notes = [
    `μ: ${muSource(expectedReturns)}; Σ: ${cov ? `${cov.estimator} covariance of ${cov.observations} daily returns × ${cov.annualization}${cov.factor_model ? ` as a ${cov.factor_model.kind} ${cov.factor_model.k}-factor model` : ''}` : 'the run’s covariance spec'}. Cash earns the risk-free rate ${req.risk_free_rate}, as in the optimizer (the risk metrics count it at 0).`,
    ...f.notes,
    ...(context.warnings ?? []).map((w) => w.message),
    ...(req.method === 'threshold'
      ? [
          'This run used the threshold rule, not the optimizer: the frontier is that of the optimizer’s problem for its request.',
        ]
      : []),
  ];
  return {
    run_id,
    method: req.method,
    risk_free_rate: req.risk_free_rate,
    points: f.points,
    markers: f.markers,
    notes,
  };
}
