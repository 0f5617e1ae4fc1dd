/**
 * Level filling ("water filling"): moves a set of quantities by a total amount R, always moving
 * first the ones furthest from their targets, each within its own bound. Used to spread the cash
 * a rebalance releases (or needs) over the assets toward their targets (src/optimize/bands.ts)
 * and a class's trade over its securities (src/execution/allocate.ts).
 *
 * Raising by R > 0: x_i(λ) = clamp(t_i + λ, b_i, c_i), with the level λ chosen so that
 * Σ (x_i − b_i) = R. Each item starts at its base b_i and rises only once the common level
 * t_i + λ passes it: the most underweight (b_i − t_i smallest) move first, and all movers end the
 * same distance λ from their targets unless their ceiling c_i stops them.
 * Lowering (R < 0) is the mirror image with floors.
 *
 * Among all ways to move the items in one direction by R within their bounds, this is the one
 * closest to the targets in Σ (x_i − t_i)² (the KKT conditions of that QP are exactly
 * x_i = clamp(t_i + λ, b_i, c_i)). It never moves an item away from its target while another
 * item sits further from its own, which is what "toward their targets" means.
 */

/** One item: base value, target, and the bound in the direction of the move. */
export interface LevelItem {
  /** Starting value b_i. */
  base: number;
  /** Target t_i. */
  target: number;
  /** Ceiling c_i ≥ b_i when raising; floor ≤ b_i when lowering. */
  bound: number;
}

export interface LevelFillResult {
  /** New values x_i, in input order. */
  values: Float64Array;
  /** Part of R that did not fit within the bounds (same sign as R; 0 when it all fit). */
  leftover: number;
  /** The level λ reached (x_i = clamp(t_i + λ, …)); ±Infinity when every item hit its bound; 0 (meaningless) when R = 0. */
  level: number;
}

/**
 * Moves the items by a total of `amount` (raise when > 0, lower when < 0), by level filling.
 *
 * @example Raise by 0.03 two items {base 0.10, target 0.15, bound 0.17} and {base 0.18,
 *   target 0.20, bound 0.22}. The first starts rising at λ = 0.10 − 0.15 = −0.05, the second at
 *   λ = −0.02; between them only the first moves, and at λ = −0.02 it has moved 0.03 = R.
 *   Result: values [0.13, 0.18], leftover 0, level −0.02 (the second never moved: it was
 *   closer to its target than the first ever got).
 */
export function levelFill(items: readonly LevelItem[], amount: number): LevelFillResult {
  const n = items.length;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = (items[i] as LevelItem).base;
  if (!(amount !== 0) || n === 0) return { values, leftover: amount || 0, level: 0 };
  const sign = amount > 0 ? 1 : -1;
  const R = amount * sign;
  // Work in the raising direction: negate everything when lowering.
  const base = new Float64Array(n);
  const target = new Float64Array(n);
  const cap = new Float64Array(n);
  let room = 0;
  const events: number[] = [];
  for (let i = 0; i < n; i++) {
    const it = items[i] as LevelItem;
    const b = it.base * sign;
    const c = Math.max(b, it.bound * sign);
    base[i] = b;
    target[i] = it.target * sign;
    cap[i] = c;
    if (c > b) {
      room += c - b;
      events.push(i);
    }
  }
  if (R >= room) {
    // Everything to its bound; the rest does not fit.
    for (let i = 0; i < n; i++) values[i] = (cap[i] as number) * sign;
    return { values, leftover: (R - room) * sign, level: sign * Infinity };
  }
  // Breakpoints of g(λ) = Σ clamp(t_i + λ, b_i, c_i) − b_i: item i starts rising at b_i − t_i
  // and stops at c_i − t_i. g is piecewise linear, slope = number of rising items.
  const m = events.length;
  const at = new Float64Array(2 * m);
  const delta = new Int8Array(2 * m);
  for (let q = 0; q < m; q++) {
    const i = events[q] as number;
    at[2 * q] = (base[i] as number) - (target[i] as number);
    delta[2 * q] = 1;
    at[2 * q + 1] = (cap[i] as number) - (target[i] as number);
    delta[2 * q + 1] = -1;
  }
  const order = Array.from({ length: 2 * m }, (_, k) => k);
  // Ties: a stop (−1) before a start (+1) at the same level keeps the slope count exact.
  order.sort(
    (a, b) => (at[a] as number) - (at[b] as number) || (delta[a] as number) - (delta[b] as number),
  );
  let g = 0;
  let slope = 0;
  let lambda = at[order[0] as number] as number;
  for (const k of order) {
    const next = at[k] as number;
    const gNext = g + slope * (next - lambda);
    if (slope > 0 && gNext >= R) break;
    g = gNext;
    lambda = next;
    slope += delta[k] as number;
  }
  // Within the final segment: g(λ*) = R.
  if (slope > 0) lambda += (R - g) / slope;
  for (let i = 0; i < n; i++) {
    const x = Math.min(
      cap[i] as number,
      Math.max(base[i] as number, (target[i] as number) + lambda),
    );
    values[i] = x * sign;
  }
  return { values, leftover: 0, level: lambda * sign };
}
