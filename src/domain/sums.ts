/**
 * Accurate sums, means and variances for every layer of the engine (risk, forecast, optimizer
 * inputs). docs/methods.md (Conventions, "Sums and means") states the rule:
 *
 * - sums use Neumaier's compensated summation (an improved Kahan sum): the error is bounded by
 *   about 2 ulp of the true sum whatever n is, where a naive loop can lose n·ulp;
 * - means are computed on the series shifted by its first value, x̄ = x_1 + Σ (x_i − x_1) / n, so a
 *   constant series has a mean equal to its value bit for bit and a variance of exactly 0;
 * - variances are two-pass (deviations from that mean), with the Chan–Golub–LeVeque correction
 *   term (Σ e_i)² / n removed, which cancels what is left of the mean's own rounding error.
 *
 * Pure functions on ArrayLike<number>; the caller validates that values are finite.
 */

/**
 * Neumaier (1974) compensated sum of x[from..to).
 *   s ← s + x_i, and the low-order part lost by that addition is accumulated in c;
 *   result = s + c.
 * Example: neumaierSum([1, 1e100, 1, -1e100]) === 2 (a naive loop gives 0).
 */
export function neumaierSum(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const v = x[i] as number;
    const t = s + v;
    // Whichever operand is larger in magnitude keeps its bits; recover what the other lost.
    if (Math.abs(s) >= Math.abs(v)) c += s - t + v;
    else c += v - t + s;
    s = t;
  }
  return s + c;
}

/**
 * Mean of x[from..to) (n = to − from ≥ 1), shifted by the first value and summed with
 * compensation: x̄ = k + Σ (x_i − k) / n, k = x[from].
 * A constant series returns its value exactly. Example: meanOf([0.1, 0.2, 0.3]) === 0.2
 * (a naive (0.1 + 0.2 + 0.3) / 3 gives 0.20000000000000004). NaN for an empty range.
 */
export function meanOf(x: ArrayLike<number>, from = 0, to = x.length): number {
  const n = to - from;
  if (n <= 0) return NaN;
  const k = x[from] as number;
  let s = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const xi = x[i] as number;
    const v = xi - k;
    // The shift itself rounds when |x_i| ≫ |k|: keep its exact error (Knuth's TwoSum).
    const z = v - xi;
    c += xi - (v - z) + (-k - z);
    const t = s + v;
    if (Math.abs(s) >= Math.abs(v)) c += s - t + v;
    else c += v - t + s;
    s = t;
  }
  return k + (s + c) / n;
}

/** Mean and variance of a series (see `meanVariance`). */
export interface MeanVariance {
  mean: number;
  /** Σ (x_i − x̄)² / (n − ddof); 0 when n ≤ ddof. */
  variance: number;
  n: number;
}

/**
 * Mean and variance of x[from..to) by the corrected two-pass algorithm (Chan, Golub & LeVeque
 * 1983): with e_i = x_i − x̄,
 *   variance = (Σ e_i² − (Σ e_i)² / n) / (n − ddof),
 * clamped at 0 (the correction can only remove rounding error). ddof = 1 gives the sample
 * variance. Example: meanVariance([1, 2, 3, 6]) → { mean: 3, variance: 14/3, n: 4 };
 * meanVariance([0.0001, 0.0001, 0.0001]) → variance exactly 0.
 */
export function meanVariance(
  x: ArrayLike<number>,
  ddof = 1,
  from = 0,
  to = x.length,
): MeanVariance {
  const n = to - from;
  const mean = meanOf(x, from, to);
  if (n <= ddof) return { mean, variance: 0, n };
  let se = 0;
  let se2 = 0;
  for (let i = from; i < to; i++) {
    const e = (x[i] as number) - mean;
    se += e;
    se2 += e * e;
  }
  const v = (se2 - (se * se) / n) / (n - ddof);
  return { mean, variance: v > 0 ? v : 0, n };
}

/**
 * Relative tolerance under which a standard deviation counts as zero: σ ≤ 1e-10 · |x̄|.
 * A money-market series accruing 0.01% a day with float noise in the 16th digit has σ/|x̄|
 * around 1e-13; any real market series is many orders of magnitude above 1e-10.
 */
export const ZERO_VOLATILITY_RELATIVE = 1e-10;

/**
 * Whether a series with this mean and standard deviation is constant for reporting purposes:
 * σ = 0, or σ ≤ ZERO_VOLATILITY_RELATIVE · |mean|. Ratios with σ in the denominator (Sharpe,
 * Sortino) are then undefined and reported as null with ZERO_VOLATILITY.
 * Example: isZeroVolatility(1e-4, 2.7e-19) === true; isZeroVolatility(4e-4, 0.012) === false.
 */
export function isZeroVolatility(mean: number, std: number): boolean {
  return !(std > ZERO_VOLATILITY_RELATIVE * Math.abs(mean));
}

/**
 * Covariance of x[from..to) and y[from..to) (same indices; the caller checks the lengths) by the
 * corrected two-pass algorithm, the two-series form of `meanVariance`: with means x̄, ȳ from
 * `meanOf`, d_i = x_i − x̄ and e_i = y_i − ȳ,
 *   cov = (Σ d_i e_i − (Σ d_i)(Σ e_i) / n) / (n − ddof),
 * where the correction removes what is left of the means' rounding error and Σ d_i e_i is summed
 * with Neumaier compensation (its terms have both signs, so a naive sum can cancel). Units: those
 * of x times those of y (daily return² for two daily return series). 0 when n ≤ ddof; not clamped
 * (a covariance may be negative). covarianceOf(x, x) equals meanVariance(x).variance up to
 * rounding.
 * Example: covarianceOf([1, 2, 3], [2, 4, 7]) → x̄ = 2, ȳ = 13/3, d = (−1, 0, 1),
 * e = (−7/3, −1/3, 8/3), Σ d e = 7/3 + 8/3 = 5, Σ d = 0 → 5 / 2 = 2.5.
 */
export function covarianceOf(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  ddof = 1,
  from = 0,
  to = x.length,
): number {
  const n = to - from;
  if (n <= ddof) return 0;
  const mx = meanOf(x, from, to);
  const my = meanOf(y, from, to);
  let sd = 0;
  let se = 0;
  let s = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const d = (x[i] as number) - mx;
    const e = (y[i] as number) - my;
    sd += d;
    se += e;
    const v = d * e;
    const t = s + v;
    if (Math.abs(s) >= Math.abs(v)) c += s - t + v;
    else c += v - t + s;
    s = t;
  }
  return (s + c - (sd * se) / n) / (n - ddof);
}

/**
 * Weighted mean of x[from..to) with non-negative weights w (same indices, Σ w > 0), shifted by the
 * first value and summed with compensation like `meanOf`:
 *   x̄_w = k + Σ w_i (x_i − k) / Σ w_i,  k = x[from].
 * The weights need not be normalized: dividing by their own compensated sum means a constant
 * series returns its value exactly even when Σ w is not exactly 1 in floating point. Units: those
 * of x. NaN for an empty range or Σ w = 0.
 * Example: weightedMeanOf([0.01, 0.04], [0.5, 1]) → k = 0.01, Σ w (x − k) = 1 · 0.03,
 * Σ w = 1.5 → 0.01 + 0.03 / 1.5 = 0.03 (the half-life-1 EWMA of those two days).
 */
export function weightedMeanOf(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  from = 0,
  to = x.length,
): number {
  if (to - from <= 0) return NaN;
  const k = x[from] as number;
  let s = 0;
  let c = 0;
  let sw = 0;
  let cw = 0;
  for (let i = from; i < to; i++) {
    const wi = w[i] as number;
    const v = wi * ((x[i] as number) - k);
    const t = s + v;
    if (Math.abs(s) >= Math.abs(v)) c += s - t + v;
    else c += v - t + s;
    s = t;
    const tw = sw + wi;
    if (sw >= wi) cw += sw - tw + wi;
    else cw += wi - tw + sw;
    sw = tw;
  }
  const W = sw + cw;
  return W > 0 ? k + (s + c) / W : NaN;
}
