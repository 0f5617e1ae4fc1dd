/**
 * The efficient frontier of a portfolio problem (docs/methods.md, "Efficient frontier"): the
 * least volatility attainable for each expected return, under the problem's own constraints,
 * solved with the optimizer's own model builder (buildW with a return floor) and solver port.
 *
 * Which constraints: long-only or the per-asset bounds, the budget (full investment, or cash of at
 * least the cash floor earning r_f), and the class bounds. The turnover cap, transaction costs,
 * no_trade, minimum trades and whole lots are left out: they describe the trade from one starting
 * book, not which portfolios can be held.
 */
import { EngineError } from '../../contract/common';
import { buildW } from './build';
import { structuralConflicts } from './diagnose';
import { solverLimitError } from './limits';
import { normalize, quad, type Normalized } from './normalize';
import { optimizePortfolio } from './optimize';
import type { OptimizationProblem, QpSolverPort } from './types';

export interface FrontierPortfolio {
  /** μᵀw + r_f · (1 − Σw), annual. */
  expected_return: number;
  /** √(wᵀΣw), annual. */
  volatility: number;
}

export interface FrontierMarkerInput {
  name: 'current' | 'target' | 'proposed';
  label: string;
  weights: ArrayLike<number>;
}

export interface FrontierResult {
  points: FrontierPortfolio[];
  markers: (FrontierPortfolio & {
    name: 'current' | 'target' | 'proposed' | 'max_sharpe' | 'min_variance';
  })[];
  notes: string[];
}

/** The problem with every rule about the trade itself removed (see the file comment). */
export function frontierProblem(p: OptimizationProblem): OptimizationProblem {
  const {
    turnoverCap: _t,
    costBps: _c,
    noTrade: _n,
    minTradeValue: _m,
    lots: _l,
    riskBudgets: _b,
    ...rest
  } = p;
  return { ...rest, method: 'min_variance' };
}

/** Expected return and volatility of w under the problem's μ and Σ (cash earning r_f). */
export function evaluatePortfolio(N: Normalized, w: ArrayLike<number>): FrontierPortfolio {
  const e = N.excess as Float64Array;
  let ex = 0;
  for (let i = 0; i < N.n; i++) ex += (e[i] as number) * (w[i] as number);
  return {
    expected_return: N.rf + ex,
    volatility: Math.sqrt(Math.max(0, quad(N.cov, N.n, w, w))),
  };
}

/**
 * The minimum-variance weights with expected return at least `target` (annual):
 * min wᵀΣw s.t. (μ − r_f)ᵀw ≥ target − r_f and the frontier constraints; null when the solver
 * does not reach an optimum (e.g. a target above the largest attainable return); throws
 * EngineError('SOLVER_LIMIT') when the solve stopped at its time or iteration limit.
 */
export async function minVarianceAt(
  N: Normalized,
  solver: QpSolverPort,
  target: number,
): Promise<Float64Array | null> {
  const built = buildW(N, 'variance', { minExcessReturn: target - N.rf });
  const sol = await solver.solve(built.model, { timeLimitSeconds: N.timeLimit });
  const limit = solverLimitError(
    sol,
    N.timeLimit,
    `the frontier point at expected return ${target}`,
  );
  if (limit) throw limit;
  if (sol.status !== 'optimal') return null;
  const sc = built.layout.wScale;
  return Float64Array.from({ length: N.n }, (_, i) => (sol.x[i] as number) / sc);
}

/**
 * Traces the frontier in `points` return targets μ_k = μ_mv + k (μ_max − μ_mv) / (points − 1),
 * k = 0..points−1, where μ_mv is the return of the minimum-variance portfolio and μ_max the largest
 * attainable return (the linear program max (μ − r_f)ᵀw). Point 0 is the minimum-variance
 * portfolio; point k > 0 solves `minVarianceAt(μ_k)`; the top point falls back to the max-return
 * portfolio if the solver cannot certify the QP at exactly μ_max. Markers: the given weights and
 * the max-Sharpe (omitted, with a note, when no asset’s μ exceeds r_f) and minimum-variance
 * portfolios, all evaluated with the same μ and Σ. Solves: points + 2 (max Sharpe, min variance,
 * max return; point 0 is the min-variance solve).
 * Example: Σ = diag(0.04, 0.09), μ = (0.06, 0.10), full investment, long-only: the minimum-variance
 * portfolio w = (9/13, 4/13) returns 0.07231 at volatility 0.16641; the top point is w = (0, 1),
 * return 0.10 at volatility 0.30.
 */
export async function efficientFrontier(
  problem: OptimizationProblem,
  solver: QpSolverPort,
  points: number,
  markers: readonly FrontierMarkerInput[],
): Promise<FrontierResult> {
  if (!(Number.isInteger(points) && points >= 2))
    throw new EngineError('BAD_REQUEST', 'the frontier needs at least 2 points', [
      { path: 'points', message: 'must be an integer >= 2' },
    ]);
  const fp = frontierProblem(problem);
  const N = normalize(fp);
  if (!N.excess)
    throw new EngineError('BAD_REQUEST', 'the frontier needs expected returns', [
      { path: 'expected_returns', message: 'required' },
    ]);
  const conflicts = structuralConflicts(N);
  if (conflicts) throw new EngineError('INFEASIBLE', conflicts.message, conflicts.details);
  const notes: string[] = [constraintNote(N)];

  const weightsOf = (r: Awaited<ReturnType<typeof optimizePortfolio>>) =>
    Float64Array.from(r.weights, (x) => x.weight);
  const wMv = weightsOf(await optimizePortfolio(fp, solver));
  const wMax = weightsOf(
    await optimizePortfolio({ ...fp, method: 'mean_variance', riskAversion: 0 }, solver),
  );
  const mv = evaluatePortfolio(N, wMv);
  const top = evaluatePortfolio(N, wMax);
  const span = top.expected_return - mv.expected_return;
  const out: FrontierPortfolio[] = [mv];
  if (!(span > 1e-12 * Math.max(1, Math.abs(top.expected_return)))) {
    notes.push(
      'every attainable portfolio has the same expected return as the minimum-variance portfolio: the frontier is a single point',
    );
    for (let k = 1; k < points; k++) out.push(mv);
  } else
    for (let k = 1; k < points; k++) {
      const target =
        k === points - 1 ? top.expected_return : mv.expected_return + (span * k) / (points - 1);
      const w = await minVarianceAt(N, solver, target);
      if (w) out.push(evaluatePortfolio(N, w));
      else if (k === points - 1) out.push(top);
      else
        throw new EngineError(
          'INTERNAL',
          `the frontier point at expected return ${target} could not be solved to optimality`,
          [{ path: `points.${k}`, message: 'solver did not reach an optimum' }],
        );
    }

  const marks: FrontierResult['markers'] = [];
  for (const m of markers) {
    marks.push({ name: m.name, ...evaluatePortfolio(N, m.weights) });
    const why = outsideConstraints(N, m.weights);
    if (why)
      notes.push(
        `${m.label} ${why}, outside the frontier’s constraints: it can lie left of the frontier`,
      );
  }
  if (N.neutral)
    notes.push(
      'market_neutral book: every multiple of a Σw = 0 portfolio has the same Sharpe ratio, so there is no single maximum-Sharpe portfolio',
    );
  else if ((N.excess as Float64Array).some((v) => v > 0)) {
    const wS = weightsOf(await optimizePortfolio({ ...fp, method: 'max_sharpe' }, solver));
    marks.push({ name: 'max_sharpe', ...evaluatePortfolio(N, wS) });
  } else
    notes.push(
      `no asset’s expected return exceeds the risk-free rate (${N.rf}): there is no maximum-Sharpe portfolio`,
    );
  marks.push({ name: 'min_variance', ...mv });
  return { points: out, markers: marks, notes };
}

/** One sentence naming the constraints the frontier keeps and those it leaves out. */
function constraintNote(N: Normalized): string {
  let shorts = false;
  let capped = false;
  for (let i = 0; i < N.n; i++) {
    if ((N.lo[i] as number) < 0) shorts = true;
    if ((N.lo[i] as number) > 0 || (N.hi[i] as number) < 1) capped = true;
  }
  const kept = [
    shorts
      ? 'the per-asset bounds (short positions where a bound is negative)'
      : capped
        ? 'long-only within the per-asset bounds'
        : 'long-only',
    N.neutral
      ? 'market neutral (Σw = 0, the NAV in cash earning the risk-free rate)'
      : N.cashFloor === null
        ? 'full investment (Σw = 1)'
        : `cash of at least ${N.cashFloor} earning the risk-free rate (Σw ≤ ${1 - N.cashFloor})`,
    ...(N.gross !== null ? [`gross exposure Σ|w| ≤ ${N.gross}`] : []),
    ...(N.classRows.length ? [`the bounds of ${N.classRows.map((c) => c.name).join(', ')}`] : []),
  ];
  return `Constraints: ${kept.join('; ')}. Left out: the turnover cap, transaction costs, no_trade, minimum trades and whole lots (they limit the trade from today's book, not which portfolios can be held).`;
}

/**
 * Residual cash below this (0.01 percentage point, e.g. what lot rounding leaves) is not reported:
 * it moves a marker left of the fully invested frontier by at most that fraction of its volatility.
 */
export const CASH_NOTE_THRESHOLD = 1e-4;

/**
 * Why w breaks a frontier constraint (bounds to 1e-9; the budget to CASH_NOTE_THRESHOLD), or
 * null when it satisfies them all.
 */
function outsideConstraints(N: Normalized, w: ArrayLike<number>): string | null {
  const tol = 1e-9;
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  let sum = 0;
  for (let i = 0; i < N.n; i++) sum += w[i] as number;
  const why: string[] = [];
  if (N.neutral && Math.abs(sum) > CASH_NOTE_THRESHOLD)
    why.push(`has a net exposure of ${pct(sum)} (not market neutral)`);
  let gross = 0;
  for (let i = 0; i < N.n; i++) gross += Math.abs(w[i] as number);
  if (N.gross !== null && gross > N.gross + CASH_NOTE_THRESHOLD)
    why.push(`has a gross exposure of ${pct(gross)}, above the ${pct(N.gross)} limit`);
  if (N.neutral) {
    // Σw = 0 replaces the budget: cash is the whole NAV, nothing else to report.
  } else if (N.cashFloor === null && Math.abs(1 - sum) > CASH_NOTE_THRESHOLD)
    why.push(sum < 1 ? `holds ${pct(1 - sum)} cash` : `is invested ${pct(sum)}`);
  if (!N.neutral && N.cashFloor !== null && sum > 1 - N.cashFloor + CASH_NOTE_THRESHOLD)
    why.push(`holds less than the ${pct(N.cashFloor)} cash floor`);
  for (let i = 0; i < N.n && why.length < 4; i++) {
    const v = w[i] as number;
    if (v < (N.lo[i] as number) - tol || v > (N.hi[i] as number) + tol)
      why.push(`breaks the bounds of ${N.assets[i] as string}`);
  }
  for (const c of N.classRows) {
    let s = 0;
    for (const i of c.members) s += w[i] as number;
    if ((c.min !== null && s < c.min - tol) || (c.max !== null && s > c.max + tol))
      why.push(`breaks the bounds of ${c.name}`);
  }
  return why.length ? why.join(', ') : null;
}
