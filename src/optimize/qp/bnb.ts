/**
 * Branch-and-bound over convex QP relaxations, for the two discrete rules of the optimizer:
 * whole lots (x = base + step·k, k ∈ ℤ) and minimum trade size (x = base or |x − base| ≥ m), plus
 * buy/sell leg complementarity (b_i·s_i = 0) when costs would otherwise be "spent" on round trips.
 *
 * HiGHS solves LP, MIP and convex QP but not mixed-integer QP, so the search lives here and every
 * node is a continuous QP with tightened column bounds. The relaxation of a node is convex, so its
 * optimum is a valid lower bound for every completion below it; a node is pruned when that bound
 * is not better than the incumbent by more than the gap tolerance. Depth-first with the nearer
 * child first finds incumbents quickly; the reported best bound is the smallest bound among open
 * nodes when a limit stops the search (so the gap is honest).
 */
import type { BoundOverride, DiscreteColumn, QpStatus } from './types';

export interface RelaxOutcome {
  status: QpStatus;
  objective: number;
  x: Float64Array;
}

export interface BnbLimits {
  maxNodes: number;
  relGap: number;
  /** Absolute gap tolerance in (scaled) objective units. */
  absGap: number;
  /** Feasibility tolerance for the discrete rules, in column units. */
  tol: number;
  /** Returns true when the time budget is spent. */
  expired: () => boolean;
}

export interface BnbResult<T extends RelaxOutcome> {
  /** 'optimal' (search complete), 'infeasible' (no discrete-feasible point), or a limit. */
  status: 'optimal' | 'infeasible' | 'node_limit' | 'time_limit' | 'error';
  incumbent: T | null;
  incumbentBounds: BoundOverride[];
  nodes: number;
  relaxations: number;
  bestBound: number;
  gap: number;
  message?: string;
}

interface Node {
  bounds: BoundOverride[];
  parentBound: number;
  depth: number;
}

/**
 * Distance of value v from the discrete set of column d, and the branching children.
 * Returns null when v is feasible within tol.
 */
type Kind = 'lattice' | 'min_abs' | 'complement';

export function discreteViolation(
  d: DiscreteColumn,
  v: number,
  tol: number,
  vPair = 0,
): { score: number; kind: Kind; delta: number } | null {
  if (d.pair !== undefined) {
    const m = Math.min(v, vPair);
    return m > tol ? { score: m, kind: 'complement', delta: v - vPair } : null;
  }
  const delta = v - d.base;
  if (d.step > 0) {
    const k = delta / d.step;
    const kr = Math.round(k);
    const off = Math.abs(delta - kr * d.step);
    if (off > tol) {
      const frac = k - Math.floor(k);
      return { score: Math.min(frac, 1 - frac), kind: 'lattice', delta };
    }
    if (d.minAbs > 0 && kr !== 0 && Math.abs(kr * d.step) < d.minAbs - tol) {
      const a = Math.abs(kr * d.step);
      return { score: Math.min(a, d.minAbs - a) / d.minAbs, kind: 'min_abs', delta };
    }
    return null;
  }
  if (d.minAbs > 0) {
    const a = Math.abs(delta);
    if (a > tol && a < d.minAbs - tol)
      return { score: Math.min(a, d.minAbs - a) / d.minAbs, kind: 'min_abs', delta };
  }
  return null;
}

function withBound(
  bounds: BoundOverride[],
  col: number,
  lower: number,
  upper: number,
  rootLower: Float64Array,
  rootUpper: Float64Array,
): BoundOverride[] | null {
  let lo = rootLower[col] as number;
  let hi = rootUpper[col] as number;
  const out: BoundOverride[] = [];
  for (const b of bounds) {
    if (b.col === col) {
      lo = b.lower;
      hi = b.upper;
    } else out.push(b);
  }
  lo = Math.max(lo, lower);
  hi = Math.min(hi, upper);
  if (lo > hi) return null;
  out.push({ col, lower: lo, upper: hi });
  return out;
}

/** Children of a node for the violated column, nearest side first. */
function children(
  node: Node,
  d: DiscreteColumn,
  delta: number,
  kind: Kind,
  rootLower: Float64Array,
  rootUpper: Float64Array,
): BoundOverride[][] {
  const out: BoundOverride[][] = [];
  const push = (lo: number, hi: number) => {
    const b = withBound(node.bounds, d.col, lo, hi, rootLower, rootUpper);
    if (b) out.push(b);
  };
  if (kind === 'complement') {
    // Zero the smaller leg first.
    const pair = d.pair as number;
    const first = delta <= 0 ? d.col : pair;
    const second = first === d.col ? pair : d.col;
    for (const c of [first, second]) {
      const bnd = withBound(node.bounds, c, -Infinity, 0, rootLower, rootUpper);
      if (bnd) out.push(bnd);
    }
    return out;
  }
  if (kind === 'lattice') {
    const k = delta / d.step;
    const fl = Math.floor(k);
    const down = d.base + fl * d.step;
    const up = d.base + (fl + 1) * d.step;
    if (k - fl <= 0.5) {
      push(-Infinity, down);
      push(up, Infinity);
    } else {
      push(up, Infinity);
      push(-Infinity, down);
    }
    return out;
  }
  // Minimum trade size: the set {base} ∪ (−∞, base − m] ∪ [base + m, ∞) is not convex, so the
  // node splits three ways. With a lattice the threshold is already a multiple of the step.
  const m = d.minAbs;
  const a = Math.abs(delta);
  const far = () => (delta > 0 ? push(d.base + m, Infinity) : push(-Infinity, d.base - m));
  const zero = () => push(d.base, d.base);
  const other = () => (delta > 0 ? push(-Infinity, d.base - m) : push(d.base + m, Infinity));
  if (a >= m / 2) {
    far();
    zero();
  } else {
    zero();
    far();
  }
  other();
  return out;
}

/**
 * Depth-first branch-and-bound. `relax(bounds)` solves the QP with the given column bounds
 * replacing the root bounds of those columns.
 *
 * Worked example: one lot column with base 0, step 1 and a relaxation optimum at x = 2.4 gives
 * children x ≤ 2 (explored first) and x ≥ 3; the first with an optimal relaxation and x integer
 * becomes the incumbent, and x ≥ 3 is pruned when its relaxation bound is worse.
 */
export function branchAndBound<T extends RelaxOutcome>(
  discrete: readonly DiscreteColumn[],
  rootLower: Float64Array,
  rootUpper: Float64Array,
  relax: (bounds: BoundOverride[]) => T,
  limits: BnbLimits,
): BnbResult<T> {
  let incumbent: T | null = null;
  let incumbentObj = Infinity;
  let incumbentBounds: BoundOverride[] = [];
  let nodes = 0;
  let relaxations = 0;
  let stop: 'node_limit' | 'time_limit' | null = null;
  let errorMessage: string | undefined;
  const stack: Node[] = [{ bounds: [], parentBound: -Infinity, depth: 0 }];
  const gapTol = (obj: number) => Math.max(limits.absGap, limits.relGap * Math.abs(obj));

  const mostViolated = (x: Float64Array) => {
    let best: { d: DiscreteColumn; delta: number; kind: Kind } | null = null;
    let bestScore = -1;
    for (const d of discrete) {
      const v = discreteViolation(
        d,
        x[d.col] as number,
        limits.tol,
        d.pair !== undefined ? (x[d.pair] as number) : 0,
      );
      if (v && v.score > bestScore) {
        bestScore = v.score;
        best = { d, delta: v.delta, kind: v.kind };
      }
    }
    return best;
  };

  // Rounding heuristic: every discrete column at its nearest admissible value. One extra QP, and
  // a good incumbent early prunes most of the tree.
  const tryRounding = (x: Float64Array) => {
    let bounds: BoundOverride[] | null = [];
    for (const d of discrete) {
      if (d.pair !== undefined) {
        const small = (x[d.col] as number) <= (x[d.pair] as number) ? d.col : d.pair;
        bounds = withBound(bounds, small, -Infinity, 0, rootLower, rootUpper);
        if (!bounds) return;
        continue;
      }
      const v = x[d.col] as number;
      let t = v;
      if (d.step > 0) t = d.base + Math.round((v - d.base) / d.step) * d.step;
      const a = Math.abs(t - d.base);
      if (d.minAbs > 0 && a > limits.tol && a < d.minAbs - limits.tol)
        t = a >= d.minAbs / 2 ? d.base + Math.sign(t - d.base) * d.minAbs : d.base;
      bounds = withBound(bounds, d.col, t, t, rootLower, rootUpper);
      if (!bounds) return;
    }
    relaxations++;
    const r = relax(bounds);
    if (r.status === 'optimal' && r.objective < incumbentObj) {
      incumbent = r;
      incumbentObj = r.objective;
      incumbentBounds = bounds;
    }
  };

  while (stack.length > 0) {
    if (limits.expired()) {
      stop = 'time_limit';
      break;
    }
    if (nodes >= limits.maxNodes) {
      stop = 'node_limit';
      break;
    }
    const node = stack.pop() as Node;
    if (node.parentBound >= incumbentObj - gapTol(incumbentObj)) continue;
    nodes++;
    relaxations++;
    const r = relax(node.bounds);
    if (r.status === 'infeasible') continue;
    if (r.status === 'time_limit') {
      stack.push(node);
      stop = 'time_limit';
      break;
    }
    if (r.status !== 'optimal') {
      errorMessage = `a node relaxation ended with status ${r.status}`;
      stack.push(node);
      break;
    }
    if (r.objective >= incumbentObj - gapTol(incumbentObj)) continue;
    const v = mostViolated(r.x);
    if (!v) {
      incumbent = r;
      incumbentObj = r.objective;
      incumbentBounds = node.bounds;
      continue;
    }
    if (nodes === 1) tryRounding(r.x);
    const kids = children(node, v.d, v.delta, v.kind, rootLower, rootUpper);
    for (let i = kids.length - 1; i >= 0; i--)
      stack.push({
        bounds: kids[i] as BoundOverride[],
        parentBound: r.objective,
        depth: node.depth + 1,
      });
  }

  let bestBound = incumbentObj;
  for (const n of stack) if (n.parentBound < bestBound) bestBound = n.parentBound;
  const gap =
    incumbent === null
      ? Infinity
      : Math.max(0, incumbentObj - bestBound) / Math.max(1e-12, Math.abs(incumbentObj));
  const base = { incumbent, incumbentBounds, nodes, relaxations, bestBound, gap };
  if (errorMessage !== undefined) return { ...base, status: 'error', message: errorMessage };
  if (stop && stack.length > 0) return { ...base, status: stop };
  if (incumbent === null) return { ...base, status: 'infeasible', gap: Infinity };
  return { ...base, status: 'optimal' };
}
