/**
 * The return series of a request's series, written into a reusable buffer (docs/methods.md,
 * "Metrics of return series"): given returns are copied, prices become simple returns
 * r_t = p_t / p_{t−1} − 1 — the formula of `simpleReturns` (../returns.ts), without its
 * allocation, for the many-series request whose every series would otherwise allocate one.
 * The values were validated at the boundary (returns > −1, prices > 0, all finite).
 */

/**
 * Writes the returns of `values` (returns, or prices when `prices`) to out and returns the view
 * of their length: n for returns, n − 1 for prices.
 * Example: returnsInto([100, 110, 99], true, out) → [0.1, −0.1]; returnsInto([0.01], false, out)
 * → [0.01].
 */
export function returnsInto(
  values: ArrayLike<number>,
  prices: boolean,
  out: Float64Array,
): Float64Array {
  const n = values.length;
  if (!prices) {
    const r = out.subarray(0, n);
    for (let i = 0; i < n; i++) r[i] = values[i]!;
    return r;
  }
  const m = Math.max(0, n - 1);
  const r = out.subarray(0, m);
  let prev = values[0]!;
  for (let i = 1; i < n; i++) {
    const p = values[i]!;
    r[i - 1] = p / prev - 1;
    prev = p;
  }
  return r;
}

/**
 * Adds w · x to acc element-wise (the constant-mix portfolio r_p = Σ_i w_i r_i, built one series
 * at a time as `portfolioReturns` in ../returns.ts would build it from all of them at once).
 * Example: acc = [0, 0], w = 0.5, x = [0.02, −0.04] → acc = [0.01, −0.02].
 */
export function addWeighted(acc: Float64Array, w: number, x: Float64Array): void {
  for (let t = 0; t < acc.length; t++) acc[t] = acc[t]! + w * x[t]!;
}
