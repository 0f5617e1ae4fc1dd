/**
 * optimizePortfolio: the constrained optimizer's single entry point (issue #4).
 *
 * Methods (natural units: weights are fractions of the pre-trade value V, Σ and μ annual,
 * c_i the linear cost rate, Δw = w − w0; all share the constraints listed in build.ts):
 *   track_target   min (w − w_t)ᵀΣ(w − w_t) + Σ c_i|Δw_i|
 *   min_variance   min wᵀΣw + Σ c_i|Δw_i|
 *   mean_variance  max (μ − r_f)ᵀw − λ/2 wᵀΣw − Σ c_i|Δw_i|
 *   max_sharpe     max ((μ − r_f)ᵀw − Σ c_i|Δw_i|) / √(wᵀΣw)   (homogenized QP, build.ts)
 *   risk_parity    w_i(Σw)_i / wᵀΣw = b_i (Spinu, risk-parity.ts); if the constraints exclude
 *                  that portfolio, stage 2 returns the feasible portfolio closest to it in
 *                  tracking error (track_target with w_t = the parity weights) and says so.
 *   max_quadratic_utility  mean_variance under PyPortfolioOpt's name (the same problem)
 *   efficient_return  min wᵀΣw + costs s.t. r_f + (μ − r_f)ᵀw − costs ≥ target (efficient.ts)
 *   efficient_risk    max r_f + (μ − r_f)ᵀw − costs s.t. √(wᵀΣw) ≤ target (efficient.ts:
 *                     a parametric search over λ of mean_variance, KKT-certified)
 *   hrp            hierarchical risk parity (../hrp.ts); constraints as risk_parity (stage 2).
 * Whole lots and minimum trade sizes make the problem mixed-integer; the port solves it by
 * branch-and-bound (bnb.ts). For max_sharpe and risk_parity they are applied in stage 2.
 */
import { EngineError, type Warning } from '../../contract/common';
import type {
  CovarianceInfo,
  HrpInfo,
  OptimizationResult,
  TargetInfo,
} from '../../contract/optimize';
import { HRP_LINKAGES, hrpWeights, type HrpResult } from '../hrp';
import { buildSharpe, buildW, legPairs, type Built, type Objective } from './build';
import { diagnoseInfeasible, structuralConflicts } from './diagnose';
import { efficientReturn, efficientRisk, type EfficientOps } from './efficient';
import { kktCheck, refineDuals } from './kkt';
import { solverLimitError } from './limits';
import { covTimes, denseCov, normalize, quad, type Normalized } from './normalize';
import { riskContributions, riskParityWeights, type RiskParityResult } from './risk-parity';
import type { OptimizationProblem, QpSolution, QpSolverPort } from './types';

interface Acc {
  name: string;
  iterations: number;
  timeMs: number;
  solves: number;
  retries: number;
  options: Record<string, number | string | boolean>;
  modelStatus: string;
  nodes: number | null;
  gap: number | null;
  withinGap: boolean;
}

interface Stage {
  built: Built;
  sol: QpSolution;
}

export interface OptimizeContext {
  /** Shown in the result's `covariance` block (from estimateCovariance). */
  covarianceInfo?: CovarianceInfo;
  /** Warnings from earlier steps (e.g. covariance repair), passed through. */
  warnings?: Warning[];
}

/**
 * Solves a portfolio optimization problem with the given solver port.
 *
 * Example (min variance, two uncorrelated assets, Σ = diag(0.04, 0.09), full investment,
 * long-only): w = (0.6923, 0.3077) = (1/0.04, 1/0.09) normalized; variance 0.027692;
 * `binding_constraints` = [budget]; `kkt.verified` = true.
 */
export async function optimizePortfolio(
  problem: OptimizationProblem,
  solver: QpSolverPort,
  ctx: OptimizeContext = {},
): Promise<OptimizationResult> {
  const N = normalize(problem);
  const conflicts = structuralConflicts(N);
  if (conflicts) throw new EngineError('INFEASIBLE', conflicts.message, conflicts.details);
  const warnings: Warning[] = [...(ctx.warnings ?? [])];
  const acc: Acc = {
    name: solver.name,
    iterations: 0,
    timeMs: 0,
    solves: 0,
    retries: 0,
    options: {},
    modelStatus: 'Not solved',
    nodes: null,
    gap: null,
    withinGap: false,
  };
  const discrete = N.lotW !== null || N.minTradeW !== null;
  let stage: Stage | null = null;
  let w: Float64Array;
  let rp: { res: RiskParityResult; constrained: boolean } | null = null;
  const extra: Extra = {};

  switch (N.method) {
    case 'track_target':
    case 'min_variance':
    case 'mean_variance':
    case 'max_quadratic_utility': {
      const obj: Objective =
        N.method === 'track_target'
          ? 'track'
          : N.method === 'min_variance'
            ? 'variance'
            : 'mean_variance';
      const built = buildW(N, obj, { discrete });
      stage = await solveChecked(N, built, solver, acc, warnings);
      w = extractW(N, stage);
      break;
    }
    case 'efficient_return':
    case 'efficient_risk': {
      const ops: EfficientOps = {
        solve: (b, conflict) => solveChecked(N, b, solver, acc, warnings, conflict),
        extract: (st) => extractW(N, st),
        warnings,
        discrete,
      };
      const out =
        N.method === 'efficient_risk'
          ? await efficientRisk(N, problem.targetVolatility, ops)
          : await efficientReturn(N, problem.targetReturn, ops);
      stage = out.stage;
      w = out.w;
      extra.target = out.target;
      if (out.kktNote) extra.kktNote = out.kktNote;
      break;
    }
    case 'hrp': {
      const linkage = problem.hrpLinkage ?? 'single';
      if (!(HRP_LINKAGES as readonly string[]).includes(linkage))
        throw new EngineError('BAD_REQUEST', 'unknown hrp_linkage', [
          { path: 'hrp_linkage', message: `must be one of ${HRP_LINKAGES.join(', ')}` },
        ]);
      let res: HrpResult;
      try {
        res = hrpWeights(denseCov(N.cov, N.n), N.n, { linkage, labels: N.assets });
      } catch (err) {
        throw new EngineError(
          'BAD_REQUEST',
          'hierarchical risk parity is undefined for these inputs',
          [{ path: 'covariance', message: err instanceof Error ? err.message : String(err) }],
        );
      }
      const target = scaleToBudget(N, res.weights) ?? res.weights;
      const free = !discrete && satisfies(N, target);
      if (free) w = target;
      else {
        stage = await solveChecked(
          N,
          buildW(N, 'track', { target, discrete }),
          solver,
          acc,
          warnings,
        );
        w = extractW(N, stage);
      }
      extra.hrp = { res, target, constrained: !free };
      break;
    }
    case 'max_sharpe': {
      const e = N.excess as Float64Array;
      if (!e.some((v) => v > 0))
        throw new EngineError(
          'INFEASIBLE',
          'infeasible: max_sharpe needs at least one asset whose expected return exceeds the risk-free rate',
          [{ path: 'expected_returns', message: `every μ_i ≤ r_f = ${N.rf}` }],
        );
      stage = await solveChecked(
        N,
        buildSharpe(N),
        solver,
        acc,
        warnings,
        () =>
          new EngineError(
            'INFEASIBLE',
            'infeasible: no portfolio allowed by the constraints earns more than the risk-free rate net of costs',
            [{ path: 'expected_returns', message: 'no feasible positive excess return' }],
          ),
      );
      const sol = stage.sol;
      const kappa = sol.x[stage.built.layout.kappa] as number;
      const ws = new Float64Array(N.n);
      for (let i = 0; i < N.n; i++)
        ws[i] = N.noTrade[i] ? (N.w0[i] as number) : (sol.x[i] as number) / kappa;
      w = ws;
      if (discrete) {
        const b2 = buildW(N, 'track', { target: ws, discrete: true });
        stage = await solveChecked(N, b2, solver, acc, warnings);
        w = extractW(N, stage);
        warnings.push({
          code: 'DISCRETE_STAGE_2',
          message:
            'whole lots / minimum trades applied in a second stage: the closest discrete portfolio (tracking error) to the continuous max-Sharpe weights',
        });
      }
      break;
    }
    case 'risk_parity': {
      const S = denseCov(N.cov, N.n);
      let res: RiskParityResult;
      try {
        res = riskParityWeights(S, N.n, N.budgets as Float64Array);
      } catch (err) {
        throw new EngineError('BAD_REQUEST', 'risk parity is undefined for these inputs', [
          { path: 'covariance', message: err instanceof Error ? err.message : String(err) },
        ]);
      }
      const target = scaleToBudget(N, res.weights);
      if (!discrete && target && satisfies(N, target)) {
        w = target;
        rp = { res, constrained: false };
      } else {
        const b2 = buildW(N, 'track', { target: target ?? res.weights, discrete });
        stage = await solveChecked(N, b2, solver, acc, warnings);
        w = extractW(N, stage);
        rp = { res, constrained: true };
      }
      break;
    }
  }
  return report(N, w, stage, acc, warnings, rp, ctx.covarianceInfo ?? null, extra);
}

/** Method-specific parts of the report (efficient.ts targets, HRP). */
interface Extra {
  target?: TargetInfo;
  kktNote?: string;
  hrp?: { res: HrpResult; target: Float64Array; constrained: boolean };
}

async function solveChecked(
  N: Normalized,
  built: Built,
  solver: QpSolverPort,
  acc: Acc,
  warnings: Warning[],
  methodConflict?: () => EngineError,
): Promise<Stage> {
  const sol = await solver.solve(built.model, {
    timeLimitSeconds: N.timeLimit,
    maxNodes: N.maxNodes,
    mipRelGap: N.relGap,
  });
  acc.iterations += sol.iterations;
  acc.timeMs += sol.solveTimeMs;
  acc.solves += 1;
  acc.retries += sol.retries;
  Object.assign(acc.options, sol.options);
  acc.modelStatus = sol.modelStatus;
  if (sol.mip) {
    acc.nodes = (acc.nodes ?? 0) + sol.mip.nodes;
    acc.gap = sol.mip.gap;
  }
  if (sol.status === 'optimal') {
    if (!built.model.discrete && roundTrips(N, built, sol)) {
      // Re-solve exactly with buy/sell complementarity branching (see roundTrips).
      warnings.push({
        code: 'COSTS_FORCE_TRADING',
        message:
          'the limits leave cash that full investment must spend; solved with buy/sell complementarity branching so that no asset is bought and sold at once',
      });
      const b2: Built = {
        ...built,
        model: { ...built.model, discrete: legPairs(N, built.layout) },
      };
      return solveChecked(N, b2, solver, acc, warnings, methodConflict);
    }
    return { built, sol };
  }
  if (
    sol.mip &&
    (sol.status === 'node_limit' || sol.status === 'time_limit') &&
    sol.primalFeasible
  ) {
    acc.withinGap = true;
    warnings.push({
      code: 'MIP_NOT_PROVEN_OPTIMAL',
      message: `branch-and-bound stopped at the ${sol.status.replace('_', ' ')} after ${sol.mip.nodes} nodes; the returned discrete solution is within a relative gap of ${sol.mip.gap.toExponential(2)} of the optimum`,
    });
    return { built, sol };
  }
  if (sol.status === 'infeasible') {
    const discreteRules = (built.model.discrete ?? []).some((d) => d.pair === undefined);
    const diag = await diagnoseInfeasible(N, solver, { discrete: discreteRules });
    if (diag) throw diag;
    if ((built.model.discrete ?? []).some((d) => d.pair !== undefined))
      throw fullInvestmentConflict(N, built);
    if (methodConflict) throw methodConflict();
    throw new EngineError(
      'INFEASIBLE',
      'infeasible: the solver found no feasible portfolio (the phase-1 check found one; please report this case)',
      [{ path: 'solver', message: sol.modelStatus }],
    );
  }
  throw (
    solverLimitError(sol, N.timeLimit) ??
    new EngineError(
      'INTERNAL',
      `the optimizer did not reach a verified optimum: ${sol.message ?? sol.modelStatus} (status ${sol.status}); no weights are returned`,
      [
        {
          path: 'solver',
          message: `${sol.modelStatus}; retries with user_bound_scale: ${sol.retries}`,
        },
      ],
    )
  );
}

/**
 * Buying and selling the same asset (b_i, s_i > 0) only pays costs. A relaxation does it only when
 * full investment must spend cash that the limits let no asset absorb (e.g. a class maximum just
 * below 100 %): the honest set {Σw + Σc|Δw| = 1} is then not convex, and branch-and-bound on
 * b_i·s_i = 0 finds its exact optimum (or proves that no honest portfolio exists).
 */
function roundTrips(N: Normalized, built: Built, sol: QpSolution): boolean {
  const { b, s, n, kappa } = built.layout;
  if (b < 0) return false;
  // Legs in weight units: y-space legs are κ·w, w-space legs s·w.
  const scale = kappa >= 0 ? (sol.x[kappa] as number) : built.layout.wScale;
  for (let i = 0; i < n; i++) {
    // Without a cost a round trip changes nothing (the legs only need to cover the trade).
    if (!((N.cost[i] as number) > 0)) continue;
    if (Math.min(sol.x[b + i] as number, sol.x[s + i] as number) / scale > 1e-9) return true;
  }
  return false;
}

function fullInvestmentConflict(N: Normalized, built: Built): EngineError {
  const blocking = [...built.layout.duals.keys()].filter(
    (k) => k.startsWith('asset_max:') || k.startsWith('class_max:'),
  );
  return new EngineError(
    'INFEASIBLE',
    `infeasible: full investment cannot be reached; the asset and class maximums${N.tau !== null ? ' and the turnover cap' : ''} leave cash that could only be spent on transaction costs`,
    [
      { path: N.cashFloor === null ? 'budget' : 'cash_floor', message: 'full investment' },
      ...(N.tau !== null ? [{ path: 'turnover', message: 'limits buying' }] : []),
      ...blocking.slice(0, 20).map((path) => ({ path, message: 'maximum in the conflict' })),
    ],
  );
}

/** Weights from a w-space solution, snapped: exact whole lots, exact zero trades. */
function extractW(N: Normalized, stage: Stage): Float64Array {
  const { sol, built } = stage;
  const sc = built.layout.wScale;
  const w = new Float64Array(N.n);
  const steps = new Map<number, number>();
  for (const d of built.model.discrete ?? []) if (d.step > 0) steps.set(d.col, d.step);
  for (let i = 0; i < N.n; i++) {
    const w0 = N.w0[i] as number;
    if (N.noTrade[i]) {
      w[i] = w0;
      continue;
    }
    const x = sol.x[i] as number;
    const step = steps.get(i);
    if (step !== undefined && N.lotW) {
      const lots = Math.round((x - sc * w0) / step);
      w[i] = w0 + lots * (N.lotW[i] as number);
    } else {
      const v = x / sc;
      w[i] = Math.abs(v - w0) < 1e-11 ? w0 : v;
    }
  }
  return w;
}

/**
 * Scales parity weights u (Σu = 1) by α so that α Σu + Σ c_i |α u_i − w0_i| = 1 − cash floor
 * (the budget with costs paid from cash). The left side increases in α (slope ≥ 1 − max c), so
 * bisection finds α; returns null if even α = 0 overspends (costs of selling everything).
 */
function scaleToBudget(N: Normalized, u: Float64Array): Float64Array | null {
  const top = 1 - (N.cashFloor ?? 0);
  const g = (a: number) => {
    let s = 0;
    for (let i = 0; i < N.n; i++) {
      const v = a * (u[i] as number);
      s += v + (N.cost[i] as number) * Math.abs(v - (N.w0[i] as number));
    }
    return s;
  };
  if (!N.anyCost) return Float64Array.from(u, (v) => v * top);
  if (g(0) > top) return null;
  let lo = 0;
  let hi = 2 * top + 1;
  for (let it = 0; it < 200; it++) {
    const mid = (lo + hi) / 2;
    if (g(mid) > top) hi = mid;
    else lo = mid;
  }
  return Float64Array.from(u, (v) => v * lo);
}

/** Does w satisfy every continuous constraint (tolerance 1e-12)? */
function satisfies(N: Normalized, w: Float64Array): boolean {
  const tol = 1e-12;
  let turnover = 0;
  for (let i = 0; i < N.n; i++) {
    const v = w[i] as number;
    const w0 = N.w0[i] as number;
    if (N.noTrade[i] && Math.abs(v - w0) > tol) return false;
    if (v < (N.lo[i] as number) - tol || v > (N.hi[i] as number) + tol) return false;
    turnover += Math.abs(v - w0);
  }
  if (N.tau !== null && turnover / 2 > N.tau + tol) return false;
  if (N.gross !== null && grossOf(w) > N.gross + tol) return false;
  for (const c of N.classRows) {
    let s = 0;
    for (const i of c.members) s += w[i] as number;
    if (c.min !== null && s < c.min - tol) return false;
    if (c.max !== null && s > c.max + tol) return false;
  }
  return true;
}

function report(
  N: Normalized,
  w: Float64Array,
  stage: Stage | null,
  acc: Acc,
  warnings: Warning[],
  rp: { res: RiskParityResult; constrained: boolean } | null,
  covInfo: CovarianceInfo | null,
  extra: Extra = {},
): OptimizationResult {
  const n = N.n;
  const e = N.excess;
  let cost = 0;
  let turnover = 0;
  let sumW = 0;
  let trades = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs((w[i] as number) - (N.w0[i] as number));
    cost += (N.cost[i] as number) * d;
    turnover += d;
    sumW += w[i] as number;
    if (d > 0) trades++;
  }
  turnover /= 2;
  const cash = 1 - sumW - cost;
  const Sw = covTimes(N.cov, n, w, new Float64Array(n));
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (w[i] as number) * (Sw[i] as number);
  variance = Math.max(0, variance);
  const vol = Math.sqrt(variance);
  let excessRet: number | null = null;
  if (e) {
    excessRet = 0;
    for (let i = 0; i < n; i++) excessRet += (e[i] as number) * (w[i] as number);
  }
  let te2: number | null = null;
  if (N.wt) {
    const d = Float64Array.from(w, (v, i) => v - (N.wt as Float64Array)[i]!);
    te2 = Math.max(0, quad(N.cov, n, d, d));
  }
  const budgets = N.budgets;
  const contributions =
    variance > 0 ? Float64Array.from(w, (v, i) => (v * (Sw[i] as number)) / variance) : null;

  let objective: number;
  let description: string;
  switch (N.method) {
    case 'track_target':
      objective = (te2 as number) + cost;
      description = 'tracking variance (w − w_t)ᵀΣ(w − w_t) + costs (minimized)';
      break;
    case 'min_variance':
      objective = variance + cost;
      description = 'variance wᵀΣw + costs (minimized)';
      break;
    case 'mean_variance':
      objective = (N.lambda / 2) * variance - (excessRet as number) + cost;
      description = 'λ/2 wᵀΣw − (μ − r_f)ᵀw + costs (minimized; utility = −objective)';
      break;
    case 'max_quadratic_utility':
      objective = (N.lambda / 2) * variance - (excessRet as number) + cost;
      description =
        'λ/2 wᵀΣw − (μ − r_f)ᵀw + costs (minimized; utility = −objective): PyPortfolioOpt’s max_quadratic_utility, the same problem as mean_variance';
      break;
    case 'efficient_risk':
      objective = N.rf + (excessRet as number) - cost;
      description =
        'expected return r_f + (μ − r_f)ᵀw − costs (maximized) subject to √(wᵀΣw) ≤ target_volatility';
      break;
    case 'efficient_return':
      objective = variance + cost;
      description =
        'variance wᵀΣw + costs (minimized) subject to r_f + (μ − r_f)ᵀw − costs ≥ target_return';
      break;
    case 'hrp': {
      const h = extra.hrp?.target ?? w;
      const d = Float64Array.from(w, (v, i) => v - (h[i] as number));
      objective = Math.max(0, quad(N.cov, n, d, d));
      description =
        'tracking variance (w − w_hrp)ᵀΣ(w − w_hrp) to the HRP portfolio scaled to the budget (0 = the HRP portfolio itself)';
      break;
    }
    case 'max_sharpe':
      objective = vol > 0 ? ((excessRet as number) - cost) / vol : 0;
      description = 'Sharpe ratio net of costs ((μ − r_f)ᵀw − costs)/√(wᵀΣw) (maximized)';
      break;
    case 'risk_parity': {
      const S = denseCov(N.cov, n);
      objective = riskContributions(S, n, w, budgets as Float64Array).maxDeviation;
      description = 'max_i |RC_i − b_i|, risk contributions vs budgets (0 = exact parity)';
      break;
    }
  }

  // KKT check of the solved QP; HiGHS's duals first, our own recomputed from x if they miss.
  let kkt: OptimizationResult['kkt'] = null;
  if (stage) {
    const bounds = stage.sol.mip?.nodeBounds ?? [];
    const note = stage.sol.mip
      ? 'KKT of the continuous QP at the incumbent branch-and-bound node (integer decisions fixed by its bounds); duals are not reported for mixed-integer solutions'
      : stage.built.layout.space === 'y'
        ? 'KKT of the homogenized max-Sharpe QP (scaled units); duals are in that model’s units'
        : extra.kktNote
          ? extra.kktNote
          : rp
            ? 'KKT of the stage-2 QP (closest feasible portfolio to the risk-parity weights)'
            : extra.hrp
              ? 'KKT of the stage-2 QP (closest feasible portfolio to the HRP weights)'
              : `KKT of the scaled QP (weights × ${stage.built.layout.wScale}, objective × ${stage.built.layout.objScale})`;
    kkt = kktCheck(stage.built.model, stage.sol, bounds, `${note}; duals from HiGHS`);
    if (!kkt.verified) {
      const refined = refineDuals(stage.built.model, stage.sol.x, bounds, stage.sol.rowDual);
      if (refined) {
        const k2 = kktCheck(
          stage.built.model,
          { x: stage.sol.x, ...refined },
          bounds,
          `${note}; duals recomputed from the primal point`,
        );
        if (k2.verified || k2.stationarity_residual < kkt.stationarity_residual) {
          kkt = k2;
          stage = { built: stage.built, sol: { ...stage.sol, ...refined } };
        }
      }
    }
  }

  // Binding constraints, evaluated in natural units on the returned weights.
  const tolB = 1e-9;
  const binding: OptimizationResult['binding_constraints'] = [];
  const dualOf = (name: string): number | null => {
    if (!stage) return null;
    const ref = stage.built.layout.duals.get(name);
    if (!ref) return null;
    const raw = ref.kind === 'row' ? stage.sol.rowDual[ref.index] : stage.sol.colDual[ref.index];
    if (raw === undefined || !Number.isFinite(raw) || stage.sol.mip) return null;
    return (raw * ref.unit) / stage.built.layout.objScale;
  };
  for (let i = 0; i < n; i++) {
    const a = N.assets[i] as string;
    const v = w[i] as number;
    if (N.noTrade[i]) {
      binding.push({
        name: `no_trade:${a}`,
        side: 'equality',
        value: v,
        bound: N.w0[i] as number,
        dual: dualOf(`no_trade:${a}`),
      });
      continue;
    }
    if (v - (N.lo[i] as number) <= tolB)
      binding.push({
        name: `asset_min:${a}`,
        side: 'lower',
        value: v,
        bound: N.lo[i] as number,
        dual: dualOf(`asset_min:${a}`),
      });
    if ((N.hi[i] as number) - v <= tolB)
      binding.push({
        name: `asset_max:${a}`,
        side: 'upper',
        value: v,
        bound: N.hi[i] as number,
        dual: dualOf(`asset_max:${a}`),
      });
  }
  for (const c of N.classRows) {
    let s = 0;
    for (const i of c.members) s += w[i] as number;
    if (c.min !== null && s - c.min <= tolB)
      binding.push({
        name: `class_min:${c.name}`,
        side: 'lower',
        value: s,
        bound: c.min,
        dual: dualOf(`class_min:${c.name}`),
      });
    if (c.max !== null && c.max - s <= tolB)
      binding.push({
        name: `class_max:${c.name}`,
        side: 'upper',
        value: s,
        bound: c.max,
        dual: dualOf(`class_max:${c.name}`),
      });
  }
  const invested = sumW + cost;
  if (N.neutral)
    binding.push({
      name: 'market_neutral',
      side: 'equality',
      value: sumW,
      bound: 0,
      dual: dualOf('market_neutral'),
    });
  if (N.neutral) {
    if (N.cashFloor !== null && 1 - N.cashFloor - invested <= tolB)
      binding.push({
        name: 'cash_floor',
        side: 'upper',
        value: invested,
        bound: 1 - N.cashFloor,
        dual: dualOf('cash_floor'),
      });
  } else if (N.cashFloor === null) {
    if (Math.abs(1 - invested) <= tolB)
      binding.push({
        name: 'budget',
        side: 'equality',
        value: invested,
        bound: 1,
        dual: dualOf('budget'),
      });
  } else if (1 - N.cashFloor - invested <= tolB)
    binding.push({
      name: 'cash_floor',
      side: 'upper',
      value: invested,
      bound: 1 - N.cashFloor,
      dual: dualOf('cash_floor'),
    });
  if (N.tau !== null && N.tau - turnover <= tolB)
    binding.push({
      name: 'turnover',
      side: 'upper',
      value: turnover,
      bound: N.tau,
      dual: dualOf('turnover'),
    });
  const gross = grossOf(w);
  if (N.gross !== null && N.gross - gross <= tolB)
    binding.push({
      name: 'gross_exposure',
      side: 'upper',
      value: gross,
      bound: N.gross,
      dual: dualOf('gross_exposure'),
    });

  let integer: OptimizationResult['integer'] = null;
  if (stage?.sol.mip || N.lotW || N.minTradeW) {
    const rules: ('whole_lots' | 'min_trade')[] = [];
    if (N.lotW) rules.push('whole_lots');
    if (N.minTradeW) rules.push('min_trade');
    integer = {
      rules,
      residual_cash: (N.V ?? 0) * cash,
      residual_cash_weight: cash,
      trades,
      mip_gap: stage?.sol.mip?.gap ?? 0,
      nodes: stage?.sol.mip?.nodes ?? 0,
    };
  }

  if (extra.hrp?.constrained)
    warnings.push({
      code: 'HRP_CONSTRAINED',
      message: `the HRP portfolio violates the constraints; returned the closest feasible portfolio in tracking error, ${(100 * Math.sqrt(objective)).toFixed(3)}% annual tracking error to it`,
    });
  if (rp?.constrained)
    warnings.push({
      code: 'RISK_PARITY_CONSTRAINED',
      message: `the risk-parity portfolio violates the constraints; returned the closest feasible portfolio in tracking error, whose risk contributions deviate from the budgets by up to ${(100 * objective).toFixed(3)} percentage points`,
    });

  const weights = Array.from({ length: n }, (_, i) => {
    const v = w[i] as number;
    const w0 = N.w0[i] as number;
    let lots: number | null = null;
    let units: number | null = null;
    if (N.lotW && N.lotSize) {
      lots = N.noTrade[i] ? 0 : Math.round((v - w0) / (N.lotW[i] as number));
      units = lots * (N.lotSize[i] as number);
    }
    return {
      asset: N.assets[i] as string,
      current_weight: w0,
      weight: v,
      trade_weight: v - w0,
      risk_contribution: contributions ? (contributions[i] as number) : null,
      lots,
      units,
    };
  });

  const status: OptimizationResult['solver']['status'] = !stage
    ? 'closed_form'
    : acc.withinGap
      ? 'optimal_within_gap'
      : 'optimal';
  return {
    method: N.method,
    objective: finiteOr0(objective),
    objective_description: description,
    weights,
    cash_weight: cash,
    turnover,
    cost,
    expected_return: N.mu ? finiteOr0((excessRet as number) + N.rf * (sumW + cash)) : null,
    volatility: vol,
    sharpe: excessRet !== null && vol > 0 ? excessRet / vol : null,
    tracking_error: te2 !== null ? Math.sqrt(te2) : null,
    covariance: covInfo,
    solver: {
      name: stage ? acc.name : extra.hrp ? 'hrp' : `spinu-${rp?.res.algorithm ?? 'newton'}`,
      status,
      model_status: stage ? acc.modelStatus : 'Closed form (no solver call)',
      iterations: stage ? acc.iterations : (rp?.res.iterations ?? 0),
      solve_time_ms: acc.timeMs,
      solves: acc.solves,
      retries: acc.retries,
      options: acc.options,
      mip_nodes: acc.nodes,
      mip_gap: acc.gap,
    },
    binding_constraints: binding,
    kkt,
    integer,
    risk_parity: rp
      ? {
          budgets: Array.from(budgets as Float64Array),
          contributions: contributions ? Array.from(contributions) : [],
          max_deviation: objective,
          algorithm: rp.res.algorithm,
          iterations: rp.res.iterations,
          constrained: rp.constrained,
        }
      : null,
    target: extra.target ?? null,
    hrp: extra.hrp ? hrpInfo(N, w, extra.hrp) : null,
    warnings,
  };
}

function hrpInfo(N: Normalized, w: Float64Array, h: NonNullable<Extra['hrp']>): HrpInfo {
  const { res } = h;
  const d = Float64Array.from(w, (v, i) => v - (h.target[i] as number));
  const Z = res.linkage;
  return {
    linkage: res.linkageMethod,
    weights: Array.from(res.weights),
    order: Array.from(res.order, (i) => N.assets[i] as string),
    linkage_matrix: Array.from({ length: Z.length / 4 }, (_, k) => [
      Z[4 * k] as number,
      Z[4 * k + 1] as number,
      Z[4 * k + 2] as number,
      Z[4 * k + 3] as number,
    ]) as [number, number, number, number][],
    constrained: h.constrained,
    tracking_error: Math.sqrt(Math.max(0, quad(N.cov, N.n, d, d))),
  };
}

/** Σ|w_i|, the gross exposure. */
function grossOf(w: ArrayLike<number>): number {
  let g = 0;
  for (let i = 0; i < w.length; i++) g += Math.abs(w[i] as number);
  return g;
}

function finiteOr0(v: number): number {
  return Number.isFinite(v) ? v : 0;
}
