/**
 * Frontier targets (issue #11): `efficient_return` and `efficient_risk`, on the optimizer's own
 * model builder (build.ts) and checked solves (optimize.ts passes `solveChecked` in as `ops.solve`).
 * Natural units as in optimize.ts; e = μ − r_f; the net excess return of w is
 *   R(w) = eᵀw − Σ c_i |w_i − w0_i|      (costs paid from cash; cash earns r_f),
 * and the expected return the targets speak of is r_f + R(w). Constraints C: every constraint of
 * the other methods (bounds, classes, budget or cash floor, turnover, no-trade, costs; whole lots
 * and minimum trades as noted below).
 *
 * efficient_return   min wᵀΣw + Σ c_i|Δw_i|   s.t. r_f + R(w) ≥ target_return, w ∈ C
 *   One QP (buildW 'variance' with its return-floor row), whole lots / minimum trades included
 *   (branch-and-bound). First the LP R_max = max R(w) over C: a target above r_f + R_max is
 *   refused with 422 INFEASIBLE naming target_return and the attainable range.
 *
 * efficient_risk     max r_f + R(w)           s.t. √(wᵀΣw) ≤ σ* (target_volatility), w ∈ C
 *   A convex QCQP, which HiGHS does not take. It is solved exactly by a parametric search on
 *     P(t):  min ½wᵀΣw − t·R(w)  over C,   t = 1/λ ≥ 0
 *   (the mean-variance QP with risk aversion λ; buildW 'mean_variance' with λ = 1 and its linear
 *   terms × t). Along t the solution w(t) is piecewise affine (a fixed active set makes the KKT
 *   system linear in t) and σ(t) = √(w(t)ᵀΣw(t)) is non-decreasing: for t₁ < t₂ optimality of
 *   each point gives (t₂ − t₁)(R₂ − R₁) ≥ 0, then ½(V₁ − V₂) ≤ t₁(R₁ − R₂) ≤ 0. So:
 *   - t = 0 is the minimum-variance portfolio (σ_min): a target below it is infeasible (422);
 *   - t grows from 1 until σ(t) ≥ σ* (bracket) or w(t) reaches the maximum-return portfolio
 *     (R(w) = the LP's R_max and w no longer moves: σ* is beyond the frontier's end and that
 *     portfolio is the answer); each next t is where the line through the last two solutions
 *     reaches variance σ*², kept within [1.01 t, 10 t];
 *   - inside the bracket [t_lo, t_hi] each step solves at the t where a line through two solved
 *     points reaches variance σ*² (a quadratic along the line): the last two points when they lie
 *     on the same side of σ*, else the bracket's ends. Since w(t) is affine on each active set,
 *     the step is exact when the two points share the target's active set; a bisection step
 *     whenever one end was kept three times guarantees progress;
 *   - it stops when |σ(t) − σ*| ≤ 1e-9 (annual) or after 60 solves; `achieved` allows 1e-6.
 *     On 150 seeded random problems (n = 3–62, bounds, costs, turnover caps, cash floors) the
 *     search took 4–13 solves (mean 7.8), the LP included.
 *
 *   Certificate. The final P(t*) is solved and KKT-checked like every QP (kkt.ts): with row and
 *   bound multipliers (y, z),  t*·∇(−R)(w) + Σw − Aᵀy − z = 0  plus feasibility and
 *   complementarity (the cost terms enter through the legs b, s exactly as in the model).
 *   Dividing by t* > 0 gives  ∇(−R)(w) + λ·Σw − Aᵀ(y/t*) − z/t* = 0  with λ = 1/t*, which is
 *   the KKT system of the QCQP min −R(w) s.t. ½wᵀΣw ≤ ½σ², w ∈ C at σ = σ(w*), with the
 *   multiplier λ ≥ 0 of the quadratic constraint — active, so complementary. A convex problem's
 *   KKT point is optimal, so w* is the exact QCQP optimum for σ(w*), which is within the
 *   tolerance of σ*. (At t* = 0 the QCQP's feasible set is the minimum-variance portfolio alone;
 *   at the maximum-return end the constraint is slack and w* maximizes R over C.)
 *   Whole lots / minimum trades: the search runs on the continuous problem, then stage 2 returns
 *   the closest discrete portfolio in tracking error (as max_sharpe), with a warning; `achieved`
 *   is judged on the discrete weights.
 */
import { EngineError, type Warning } from '../../contract/common';
import type { TargetInfo } from '../../contract/optimize';
import { buildW, type Built } from './build';
import { quad, type Normalized } from './normalize';
import type { QpSolution } from './types';

export interface EfficientStage {
  built: Built;
  sol: QpSolution;
}

/** What optimize.ts lends: its checked solve (statistics, retries, diagnosis) and extraction. */
export interface EfficientOps {
  solve(built: Built, methodConflict?: () => EngineError): Promise<EfficientStage>;
  extract(stage: EfficientStage): Float64Array;
  warnings: Warning[];
  /** Whole lots or minimum trades apply. */
  discrete: boolean;
}

export interface EfficientOutcome {
  w: Float64Array;
  stage: EfficientStage;
  target: TargetInfo;
  /** Replaces the generic KKT note (what the checked QP certifies). */
  kktNote: string;
}

/** |σ − σ*| at which the search stops, and up to which `achieved` still holds (annual). */
export const VOL_STOP = 1e-9;
export const VOL_TOL = 1e-6;
/** Return floor tolerance (annual): HiGHS's primal tolerance on the scaled row is ~1e-9 here. */
export const RET_TOL = 1e-8;
const MAX_SOLVES = 60;

const fmt = (x: number) => `${+x.toPrecision(6)}`;

/** R(w) = eᵀw − Σ c_i |w_i − w0_i| (annual net excess return). */
export function netExcessReturn(N: Normalized, w: ArrayLike<number>): number {
  const e = N.excess as Float64Array;
  let r = 0;
  for (let i = 0; i < N.n; i++)
    r +=
      (e[i] as number) * (w[i] as number) -
      (N.cost[i] as number) * Math.abs((w[i] as number) - (N.w0[i] as number));
  return r;
}

function volatility(N: Normalized, w: ArrayLike<number>): number {
  return Math.sqrt(Math.max(0, quad(N.cov, N.n, w, w)));
}

function requireTarget(value: number | undefined, field: string, method: string): number {
  if (value === undefined)
    throw new EngineError('BAD_REQUEST', `method ${method} needs ${field}`, [
      { path: field, message: `required for method ${method}` },
    ]);
  if (!Number.isFinite(value) || (field === 'target_volatility' && !(value > 0)))
    throw new EngineError('BAD_REQUEST', `invalid ${field}`, [
      {
        path: field,
        message: field === 'target_volatility' ? 'must be a number > 0' : 'must be finite',
      },
    ]);
  return value;
}

/** The LP max R(w) over C (buildW 'mean_variance' with λ = 0): its stage, weights and R_max. */
async function maxReturn(N: Normalized, ops: EfficientOps) {
  const stage = await ops.solve(buildW({ ...N, lambda: 0 }, 'mean_variance', { discrete: false }));
  const w = ops.extract(stage);
  return { stage, w, R: netExcessReturn(N, w) };
}

/**
 * min wᵀΣw + costs s.t. r_f + R(w) ≥ target_return and the constraints (see the file comment).
 *
 * Example: Σ = diag(0.04, 0.09), μ = (0.06, 0.10), r_f = 0, long-only, full investment, target
 * 0.09: the floor binds (the minimum-variance portfolio returns 0.0723), w = (0.25, 0.75),
 * volatility √(0.0025 + 0.050625) = 0.2305.
 */
export async function efficientReturn(
  N: Normalized,
  targetReturn: number | undefined,
  ops: EfficientOps,
): Promise<EfficientOutcome> {
  const target = requireTarget(targetReturn, 'target_return', 'efficient_return');
  const top = await maxReturn(N, ops);
  const goal = target - N.rf;
  const rMaxTotal = N.rf + top.R;
  const slack = RET_TOL * Math.max(1, Math.abs(top.R));
  if (goal > top.R + slack)
    throw new EngineError(
      'INFEASIBLE',
      `infeasible: target_return ${fmt(target)} is above the largest expected return attainable under the constraints, ${fmt(rMaxTotal)} (r_f + (μ − r_f)ᵀw − costs); attainable targets: up to ${fmt(rMaxTotal)}`,
      [{ path: 'target_return', message: `must be ≤ ${fmt(rMaxTotal)}` }],
    );
  // A target within the tolerance above R_max asks for R_max itself (said in the note).
  const floor = Math.min(goal, top.R);
  let stage: EfficientStage;
  let w: Float64Array;
  let note = `min wᵀΣw + costs with r_f + (μ − r_f)ᵀw − costs ≥ ${fmt(target)}`;
  let kktNote = 'KKT of the minimum-variance QP with the return floor (scaled units)';
  const sentinel = new EngineError('INFEASIBLE', 'return floor');
  try {
    stage = await ops.solve(
      buildW(N, 'variance', { minExcessReturn: floor, discrete: ops.discrete }),
      () => sentinel,
    );
    w = ops.extract(stage);
  } catch (err) {
    if (err !== sentinel) throw err;
    if (ops.discrete)
      throw new EngineError(
        'INFEASIBLE',
        `infeasible: no portfolio that meets the whole lots / minimum trades reaches target_return ${fmt(target)} (the continuous maximum is ${fmt(rMaxTotal)})`,
        [
          { path: 'target_return', message: `not attainable with the discrete rules` },
          N.lotW
            ? { path: 'whole_lots', message: 'discrete rule' }
            : { path: 'min_trade_value', message: 'discrete rule' },
        ],
      );
    // At R_max the floor leaves only the maximum-return face; the LP's vertex is on it.
    stage = top.stage;
    w = top.w;
    note = `the target equals the largest attainable return; the maximum-return portfolio (LP) is returned`;
    kktNote = 'KKT of the maximum-return LP (scaled units)';
  }
  const reached = N.rf + netExcessReturn(N, w);
  return {
    w,
    stage,
    kktNote,
    target: {
      kind: 'return',
      target,
      achieved_value: reached,
      achieved: reached >= target - RET_TOL * Math.max(1, Math.abs(target)),
      binding: Math.abs(reached - target) <= RET_TOL * Math.max(1, Math.abs(target)),
      attainable_min: null,
      attainable_max: rMaxTotal,
      risk_aversion: null,
      solves: 2,
      note,
    },
  };
}

interface Point {
  t: number;
  stage: EfficientStage;
  w: Float64Array;
  vol: number;
}

/**
 * max r_f + R(w) s.t. √(wᵀΣw) ≤ target_volatility and the constraints, by the parametric search
 * of the file comment.
 *
 * Example: Σ = diag(0.04, 0.09), μ = (0.06, 0.10), r_f = 0, long-only, full investment, target
 * 0.20 (the minimum-variance portfolio (9/13, 4/13) has 0.1664): 0.04(1 − w₂)² + 0.09w₂² = 0.04
 * gives w = (5/13, 8/13), expected return 0.084615; stationarity 0.06 − 0.04λw₁ = 0.10 − 0.09λw₂
 * gives λ = 1 (`target.risk_aversion`).
 */
export async function efficientRisk(
  N: Normalized,
  targetVolatility: number | undefined,
  ops: EfficientOps,
): Promise<EfficientOutcome> {
  const sigma = requireTarget(targetVolatility, 'target_volatility', 'efficient_risk');
  const base = buildW({ ...N, lambda: 1 }, 'mean_variance', { discrete: false });
  const lin = base.model.colCost;
  let solves = 0;
  const at = async (t: number): Promise<Point> => {
    const built: Built = {
      model: { ...base.model, colCost: lin.map((v) => v * t) },
      layout: base.layout,
    };
    const stage = await ops.solve(built);
    solves++;
    const w = ops.extract(stage);
    return { t, stage, w, vol: volatility(N, w) };
  };
  const warnCount = ops.warnings.length;
  let rMax: number | null = null;
  /** p is the maximum-return end: R(p) = R_max (the LP) and w did not move since `prev`. */
  const isTop = async (p: Point, prev: Point): Promise<boolean> => {
    if (rMax === null) {
      rMax = (await maxReturn(N, ops)).R;
      solves++;
    }
    if (netExcessReturn(N, p.w) < rMax - 1e-9 * Math.max(1, Math.abs(rMax))) return false;
    let moved = 0;
    for (let i = 0; i < N.n; i++)
      moved = Math.max(moved, Math.abs((p.w[i] as number) - (prev.w[i] as number)));
    return moved <= 1e-9;
  };
  /**
   * Grows t (1, 10, 100, …) from p0 until σ(t) ≥ σ* (with `bracket`) or w(t) reaches the
   * maximum-return portfolio.
   */
  const grow = async (p0: Point, bracket: boolean) => {
    let lo = p0;
    let t = 1;
    while (solves < MAX_SOLVES && t <= 1e12) {
      const p = await at(t);
      if (bracket && p.vol >= sigma - VOL_STOP) return { lo, hi: p, top: null };
      if (await isTop(p, lo)) return { lo, hi: null, top: p };
      // Next t: where the line through the last two points reaches σ* (exact on one segment),
      // at least 1.01 t and at most 10 t; ×10 when it does not reach it.
      let next = 10 * t;
      if (bracket) {
        const d = Float64Array.from(p.w, (v, i) => v - lo.w[i]!);
        const u = lineRoots(N, p.w, d, sigma * sigma).find((x) => x > 0);
        if (u !== undefined) next = Math.min(10 * t, Math.max(1.01 * t, t + u * (t - lo.t)));
      }
      lo = p;
      t = next;
    }
    return { lo, hi: null, top: null };
  };

  const p0 = await at(0);
  const sigmaMin = p0.vol;
  if (sigma < sigmaMin - VOL_STOP) {
    const g = await grow(p0, false);
    const sigmaTop = g.top ? g.top.vol : null;
    throw new EngineError(
      'INFEASIBLE',
      `infeasible: target_volatility ${fmt(sigma)} is below the lowest volatility attainable under the constraints, ${fmt(sigmaMin)} (the minimum-variance portfolio); attainable targets: from ${fmt(sigmaMin)}${sigmaTop !== null ? ` to ${fmt(sigmaTop)} (the maximum-return portfolio’s volatility; any higher target returns that portfolio)` : ' up'}`,
      [{ path: 'target_volatility', message: `must be ≥ ${fmt(sigmaMin)}` }],
    );
  }
  const done = (p: Point, binding: boolean, sigmaTop: number | null, note: string) =>
    finishRisk(N, ops, { p, sigma, sigmaMin, sigmaTop, binding, solves, note, warnCount });
  if (Math.abs(sigmaMin - sigma) <= VOL_STOP)
    return done(p0, true, null, 'the target equals the minimum-variance portfolio’s volatility');

  const g = await grow(p0, true);
  if (g.top)
    return done(
      g.top,
      false,
      g.top.vol,
      `the target is above the maximum-return portfolio’s volatility ${fmt(g.top.vol)}: that portfolio is returned`,
    );
  if (!g.hi) throw searchFailed(sigma, solves);
  let lo = g.lo;
  let hi = g.hi;
  if (Math.abs(hi.vol - sigma) <= VOL_STOP) return done(hi, true, null, searchNote(hi, solves));

  // Each step solves where variance σ*² is reached along a line through two solved points: the
  // last two when they lie on the same side of the target (they are likely on the segment next
  // to it — exact if so), else the bracket's ends (exact when they share a segment). A bisection
  // whenever one end was kept three times guarantees the bracket shrinks.
  let kept: 'lo' | 'hi' | null = null;
  let sameSide = 0;
  let prev: Point | null = null;
  let last: Point = hi;
  const vStar = sigma * sigma;
  const inside = (t: number) => t > lo.t && t < hi.t;
  while (solves < MAX_SOLVES && hi.t - lo.t > 1e-15 * hi.t) {
    let t = NaN;
    if (sameSide < 3) {
      if (prev && sameSide >= 2) {
        // w(t) = w_last + u (w_last − w_prev), u = (t − t_last) / (t_last − t_prev).
        const d = Float64Array.from(last.w, (v, i) => v - (prev as Point).w[i]!);
        const span = last.t - prev.t;
        // Of the roots inside the bracket, the one nearest the last point.
        const ts = lineRoots(N, last.w, d, vStar)
          .map((u) => last.t + u * span)
          .filter(inside)
          .sort((x, y) => Math.abs(x - last.t) - Math.abs(y - last.t));
        if (ts.length) t = ts[0] as number;
      }
      if (!inside(t)) {
        const d = Float64Array.from(hi.w, (v, i) => v - lo.w[i]!);
        const u = lineRoots(N, lo.w, d, vStar).find((x) => x > 0 && x < 1);
        if (u !== undefined) t = lo.t + u * (hi.t - lo.t);
      }
    }
    if (!inside(t)) {
      sameSide = 0;
      if (lo.t > 0 && hi.t / lo.t > 4) t = Math.sqrt(lo.t * hi.t);
      else if (lo.t === 0 && hi.t > 8) t = hi.t / 8;
      else t = (lo.t + hi.t) / 2;
    }
    if (!inside(t)) break;
    const p = await at(t);
    if (Math.abs(p.vol - sigma) <= VOL_STOP) return done(p, true, null, searchNote(p, solves));
    const side = p.vol < sigma ? 'lo' : 'hi';
    if (side === 'lo') lo = p;
    else hi = p;
    sameSide = side === kept ? sameSide + 1 : 1;
    kept = side;
    prev = last;
    last = p;
  }
  // Not within VOL_STOP: the closer end if within VOL_TOL, else the end below the target.
  const closer = hi.vol - sigma < sigma - lo.vol ? hi : lo;
  const best = Math.abs(closer.vol - sigma) <= VOL_TOL ? closer : lo;
  return done(
    best,
    Math.abs(best.vol - sigma) <= VOL_TOL,
    null,
    Math.abs(best.vol - sigma) <= VOL_TOL
      ? searchNote(best, solves)
      : `the search stopped after ${solves} solves at volatility ${fmt(best.vol)}: σ(λ) jumps from ${fmt(lo.vol)} to ${fmt(hi.vol)} (a singular covariance), so no portfolio of the frontier has the target volatility`,
  );
}

function searchNote(p: Point, solves: number): string {
  return `parametric search over λ: ${solves} solves; the final mean-variance QP has λ = ${fmt(1 / p.t)}`;
}

function searchFailed(sigma: number, solves: number): EngineError {
  return new EngineError(
    'INTERNAL',
    `the efficient_risk search found no portfolio with volatility ${fmt(sigma)} after ${solves} solves; no weights are returned`,
    [{ path: 'target_volatility', message: 'search did not bracket the target' }],
  );
}

/**
 * The real roots u of (w + u d)ᵀΣ(w + u d) = v* (a quadratic in u), ascending; none when d has
 * no variance or the line stays on one side of v*.
 */
function lineRoots(N: Normalized, w: Float64Array, d: Float64Array, vStar: number): number[] {
  const a = quad(N.cov, N.n, w, w);
  const b = quad(N.cov, N.n, w, d);
  const c = quad(N.cov, N.n, d, d);
  if (!(c > 0)) return [];
  const r = vStar - a;
  const disc = b * b + c * r;
  if (!(disc >= 0)) return [];
  const sq = Math.sqrt(disc);
  // c u² + 2b u − r = 0 without cancellation: q = −(b + sign(b)√disc), roots q/c and −r/q.
  const q = b >= 0 ? -(b + sq) : -(b - sq);
  const u1 = q / c;
  const u2 = q !== 0 ? -r / q : u1;
  return u1 < u2 ? [u1, u2] : [u2, u1];
}

async function finishRisk(
  N: Normalized,
  ops: EfficientOps,
  r: {
    p: Point;
    sigma: number;
    sigmaMin: number;
    sigmaTop: number | null;
    binding: boolean;
    solves: number;
    note: string;
    warnCount: number;
  },
): Promise<EfficientOutcome> {
  const { p, sigma, sigmaMin, sigmaTop, binding, note, warnCount } = r;
  let solves = r.solves;
  // One COSTS_FORCE_TRADING (or other) warning per kind, however many solves raised it.
  const seen = new Set<string>();
  const later = ops.warnings.splice(warnCount);
  for (const wn of later)
    if (!seen.has(wn.code)) {
      seen.add(wn.code);
      ops.warnings.push(wn);
    }
  let stage = p.stage;
  let w = p.w;
  let kktNote = !binding
    ? `KKT of the mean-variance QP at t = 1/λ = ${fmt(p.t)} (scaled units); the volatility target does not bind: these weights maximize (μ − r_f)ᵀw − costs under the constraints`
    : p.t > 0
      ? `KKT of the final mean-variance QP min ½wᵀΣw − t·((μ − r_f)ᵀw − costs) at t = 1/λ = ${fmt(p.t)} (scaled units); with multiplier λ on ½wᵀΣw ≤ ½σ² it is the KKT system of the efficient-risk problem at σ = ${fmt(p.vol)}`
      : 'KKT of the minimum-variance QP (t = 0): the target equals the lowest attainable volatility';
  if (ops.discrete) {
    stage = await ops.solve(buildW(N, 'track', { target: p.w, discrete: true }));
    solves++;
    w = ops.extract(stage);
    kktNote = '';
    ops.warnings.push({
      code: 'DISCRETE_STAGE_2',
      message:
        'whole lots / minimum trades applied in a second stage: the closest discrete portfolio (tracking error) to the continuous efficient-risk weights; its volatility may differ from the target',
    });
  }
  const vol = volatility(N, w);
  return {
    w,
    stage,
    kktNote,
    target: {
      kind: 'volatility',
      target: sigma,
      achieved_value: vol,
      achieved: vol <= sigma + VOL_TOL,
      binding: binding && Math.abs(vol - sigma) <= VOL_TOL,
      attainable_min: sigmaMin,
      attainable_max: sigmaTop,
      risk_aversion: binding && p.t > 0 ? 1 / p.t : null,
      solves,
      note,
    },
  };
}
