/**
 * Historical value at risk and conditional value at risk at several confidence levels, for a
 * return series or for drawdowns (docs/methods.md, "Metrics of return series"). Positive numbers
 * are losses (0.02 = a 2% loss; a sure gain gives a negative VaR), one period ahead.
 *
 * Two estimators, chosen per request (`tail_method`):
 * - `quantile` (default; numpy, empyrical, the product's risk metrics): with α = 1 − c,
 *   q = Q_α(x) by type-7 linear interpolation (numpy's; the order statistics found by selection,
 *   not a sort — equal bit for bit to `quantile` in ../stats.ts), VaR = −q, CVaR = −mean{x_t : x_t ≤ q} (empyrical `conditional_value_at_risk`);
 * - `rockafellar_uryasev` (skfolio, Riskfolio-Lib, R PerformanceAnalytics' order statistics):
 *   k = α·n (snapped to the nearest integer when within 1e-12 relative of it, so (1 − 0.95) × 100
 *   is 5 and not 5.000000000000004, while c = 0.95 + 1e-12 still gives k < 5, as in skfolio),
 *   j = ⌊k⌋, VaR = −x_(j) (0-based order statistic: the (⌊k⌋ + 1)-th smallest value),
 *   CVaR = VaR + Σ_t max(−x_t − VaR, 0) / k (Rockafellar & Uryasev 2002).
 *   Riskfolio-Lib takes x_(⌈k⌉−1) as VaR, which differs only when k is an integer; the CVaR is
 *   the same for both (any VaR in [x_(k−1), x_(k)] minimizes the Rockafellar–Uryasev objective).
 *
 * Speed: a tail needs only the m smallest values (m ≈ αn + 2), so one pass first copies the
 * values at or below a threshold read from a sorted stride sample of 128 values (with a margin of
 * 2.5 standard deviations of the sample rank) into a small buffer; the order statistics are
 * then selected (Floyd–Rivest, `selectInPlace`) in that buffer, and the tail means summed over it.
 * When fewer than m values pass (an unlucky sample) or the tail is large, every value is copied:
 * the figures are the same either way, bit for bit the order statistics of the whole series.
 * A full selection over 2,520 values costs about 13 ns a value in mispredicted branches; the
 * filter about 1 ns.
 */
import { selectInPlace } from '../stats';

export type TailMethod = 'quantile' | 'rockafellar_uryasev';

/** Confidence levels in request order and the permutation that sorts their tails ascending. */
export interface TailPlan {
  levels: readonly number[];
  /** order[i] = index in `levels` of the i-th smallest tail probability α = 1 − c. */
  order: Int32Array;
  /** α ascending (α_i = 1 − levels[order[i]]). */
  alphas: Float64Array;
}

/** The plan for confidence levels c_j in (0, 1), distinct. Example: [0.95, 0.99] → alphas [0.01, 0.05]. */
export function tailPlan(levels: readonly number[]): TailPlan {
  const idx = levels.map((_, i) => i).sort((a, b) => levels[b]! - levels[a]!);
  const order = Int32Array.from(idx);
  const alphas = Float64Array.from(idx, (i) => 1 - levels[i]!);
  return { levels, order, alphas };
}

/**
 * k = α·n, snapped to a positive integer within 1e-12 (relative, at least absolute 1e-12): the
 * rounding error of 1 − c and of the product is about 1e-16 relative.
 * Example: tailCount(1 - 0.95, 100) = 5 (the product is 5.000000000000004);
 * tailCount(1 - (0.95 + 1e-12), 100) ≈ 4.9999999999 (not snapped).
 */
export function tailCount(alpha: number, n: number): number {
  const k = alpha * n;
  const kr = Math.round(k);
  // Never snap to 0: a tail of less than one observation keeps its fractional size.
  return kr > 0 && Math.abs(k - kr) <= 1e-12 * Math.max(1, k) ? kr : k;
}

/**
 * VaR and CVaR of x[0..n) (n ≥ 1) at every level of `plan`, written to outVar[j], outCvar[j] in
 * the plan's request order. `work` (length ≥ n, not x) is overwritten; x is not modified.
 * Example (quantile): x = [−0.05, −0.03, −0.01, 0, 0.01, 0.02, 0.02, 0.03, 0.04, 0.05], c = 0.95
 * → h = 9·0.05 = 0.45, q = −0.05 + 0.45·0.02 = −0.041, VaR 0.041, CVaR 0.05. The same x with
 * `rockafellar_uryasev`: k = 0.5, j = 0, VaR = CVaR = 0.05.
 */
export function tailRisk(
  x: Float64Array,
  plan: TailPlan,
  method: TailMethod,
  work: Float64Array,
  outVar: Float64Array,
  outCvar: Float64Array,
): void {
  const n = x.length;
  const L = plan.alphas.length;
  const aMax = plan.alphas[L - 1]!;
  // How many of the smallest values the largest tail needs: ranks j and j + 1 (type 7), or
  // ranks 0..j (Rockafellar–Uryasev).
  const need =
    method === 'quantile'
      ? Math.min(n, Math.floor((n - 1) * aMax) + 2)
      : Math.min(Math.floor(tailCount(aMax, n)), n - 1) + 1;
  const c = gatherSmallest(x, need, work);
  const a = work.subarray(0, c);
  if (method === 'quantile') quantileTails(a, n, plan, outVar, outCvar);
  else ruTails(a, n, plan, outVar, outCvar);
}

const SAMPLE = 128;
/** Margin above the expected sample rank, in its standard deviations (about 1 failure in 160). */
const MARGIN_SD = 2.5;
const sample = new Float64Array(SAMPLE);

/**
 * Copies to `out` a set of values of x that contains its `need` smallest (as a multiset) and
 * returns how many were copied: those ≤ a sampled threshold, or all of x.
 */
function gatherSmallest(x: Float64Array, need: number, out: Float64Array): number {
  const n = x.length;
  if (n >= 4 * SAMPLE && need * 4 <= n) {
    const f = need / n;
    const i = Math.ceil(f * SAMPLE + MARGIN_SD * Math.sqrt(SAMPLE * f * (1 - f)) + 1);
    if (i < SAMPLE) {
      const thr = sampledOrderStatistic(x, i);
      let c = 0;
      // Every value is written and the count advances only past those ≤ thr: no branch to
      // mispredict (out has room for all n).
      for (let t = 0; t < n; t++) {
        const v = x[t]!;
        out[c] = v;
        c += +(v <= thr);
      }
      if (c >= need) return c;
    }
  }
  out.set(x);
  return n;
}

/**
 * The i-th smallest (0-based) of a stride sample of SAMPLE values of x, kept by insertion into a
 * sorted list of the i + 1 smallest seen so far (a few dozen moves for a small i; sorting the
 * whole sample cost as much as the filter pass itself).
 */
function sampledOrderStatistic(x: Float64Array, i: number): number {
  const step = x.length / SAMPLE;
  let m = 0; // values held in sample[0..m), ascending
  for (let s = 0; s < SAMPLE; s++) {
    const v = x[Math.floor((s + 0.5) * step)]!;
    if (m <= i) m++;
    else if (!(v < sample[i]!)) continue;
    let k = m - 1;
    while (k > 0 && sample[k - 1]! > v) {
      sample[k] = sample[k - 1]!;
      k--;
    }
    sample[k] = v;
  }
  return sample[i]!;
}

/** numpy's _lerp: a + (b − a)·t, from the nearer end for t ≥ 0.5 (as `lerp` in ../stats.ts). */
function lerp(lo: number, hi: number, t: number): number {
  const d = hi - lo;
  return t >= 0.5 ? hi - d * (1 - t) : lo + d * t;
}

/**
 * Type-7 tails of a series of n values whose smallest ones are in a (see gatherSmallest): the
 * order statistics x_(j), x_(j+1), j = ⌊(n − 1)α⌋, are selected in a from the largest tail down
 * (as quantilesInPlace's selection path: a[0..bound] holds the ranks 0..bound as a set), and the
 * tail mean is shifted by q and compensated (as historicalVarCvar in ../metrics.ts), so a
 * constant series has CVaR = VaR exactly.
 */
function quantileTails(
  a: Float64Array,
  n: number,
  plan: TailPlan,
  outVar: Float64Array,
  outCvar: Float64Array,
): void {
  const c = a.length;
  let bound = c - 1;
  for (let i = plan.alphas.length - 1; i >= 0; i--) {
    const h = (n - 1) * plan.alphas[i]!;
    const j = Math.floor(h);
    const t = h - j;
    const v0 = selectInPlace(a, j, 0, bound);
    let q = v0;
    if (t !== 0 && j < n - 1) {
      // x_(j+1) is the smallest value right of j: within a[j+1..bound] unless j = bound.
      const end = j < bound ? bound : c - 1;
      let v1 = a[j + 1]!;
      for (let u = j + 2; u <= end; u++) if (a[u]! < v1) v1 = a[u]!;
      q = lerp(v0, v1, t);
    }
    let s = 0;
    let comp = 0;
    let k = 0;
    for (let u = 0; u < c; u++) {
      const v0u = a[u]!;
      if (v0u <= q) {
        const v = v0u - q;
        const w = s + v;
        if (Math.abs(s) >= Math.abs(v)) comp += s - w + v;
        else comp += v - w + s;
        s = w;
        k++;
      }
    }
    const o = plan.order[i]!;
    outVar[o] = -q;
    // k ≥ 1: the minimum is ≤ every type-7 quantile.
    outCvar[o] = -(q + (s + comp) / k);
    bound = j;
  }
}

/** Rockafellar–Uryasev tails (see the module comment), selected in a like quantileTails. */
function ruTails(
  a: Float64Array,
  n: number,
  plan: TailPlan,
  outVar: Float64Array,
  outCvar: Float64Array,
): void {
  let bound = a.length - 1;
  for (let i = plan.alphas.length - 1; i >= 0; i--) {
    const k = tailCount(plan.alphas[i]!, n);
    const j = Math.min(Math.floor(k), n - 1);
    const v = selectInPlace(a, j, 0, bound);
    // Σ_{u<j} (x_(u) − x_(j)) ≤ 0, compensated.
    let s = 0;
    let comp = 0;
    for (let u = 0; u < j; u++) {
      const d = a[u]! - v;
      const w = s + d;
      if (Math.abs(s) >= Math.abs(d)) comp += s - w + d;
      else comp += d - w + s;
      s = w;
    }
    const o = plan.order[i]!;
    outVar[o] = -v;
    outCvar[o] = -v - (s + comp) / k;
    bound = j;
  }
}
