/**
 * Moments of one return series in one pass after the mean: variance, skewness, excess kurtosis,
 * semi-deviation and downside deviation (docs/methods.md, "Metrics of return series").
 *
 * The mean is `meanOf` (compensated, shifted: a constant series has its value as mean and a
 * variance of exactly 0). The central moments use the same exact shift identities as
 * `centralMoments` in ../stats.ts (whose values they reproduce; test/unit/metrics/moments.test.ts
 * checks equality with `meanVariance` and `skewnessAndExcessKurtosis`), fused with the two
 * lower partial moments so a series is read twice instead of six times — the 1,000 × 2,520
 * benchmark's budget. S3 is summed with Neumaier compensation (terms of both signs); the other
 * sums have terms of one sign, whose plain sum has a small relative error.
 */
import { meanOf } from '../../domain/sums';

export interface SeriesMoments {
  n: number;
  /** Arithmetic mean per period. */
  mean: number;
  /** Sample variance per period, Σ (r − r̄)² / (n − 1) (0 for n = 1). */
  variance: number;
  /** Population skewness g1 = m3 / m2^{3/2}; 0 when m2 = 0. */
  skewness: number;
  /** Population excess kurtosis g2 = m4 / m2² − 3; 0 when m2 = 0. */
  excessKurtosis: number;
  /** Semi-deviation per period about the mean, √(Σ min(r − r̄, 0)² / (n − 1)) (0 for n = 1). */
  semiDeviation: number;
  /** Downside deviation per period below τ, √(Σ min(r − τ, 0)² / n). */
  downsideDeviation: number;
}

/**
 * The moments of r[0..n) with target τ (per period) for the downside deviation.
 * With e = r − r̄ (r̄ = meanOf) and δ = Σ e / n, S_k = Σ e^k:
 *   m2 = (S2 − nδ²)/n, m3 = (S3 − 3δS2 + 2nδ³)/n, m4 = (S4 − 4δS3 + 6δ²S2 − 3nδ⁴)/n,
 *   variance = (S2 − nδ²)/(n − 1) (= meanVariance's corrected two-pass value),
 *   semi = √(Σ min(e, 0)² / (n − 1)), downside = √(Σ min(r − τ, 0)² / n).
 * Example: r = [0.02, −0.01, −0.03, 0.01], τ = 0 → mean −0.0025, variance
 * (0.000506 + 0.000056 + 0.000756 + 0.000156)/3 ≈ 4.9167e-4, semi = √((0.0075² + 0.0275²)/3)
 * ≈ 0.016457, downside = √((0.0001 + 0.0009)/4) ≈ 0.015811.
 */
export function seriesMoments(r: Float64Array, tau: number): SeriesMoments {
  const n = r.length;
  const m = meanOf(r);
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let c3 = 0;
  let s4 = 0;
  let semi = 0;
  let down = 0;
  for (let i = 0; i < n; i++) {
    const x = r[i]!;
    const e = x - m;
    const e2 = e * e;
    const v = e2 * e;
    s1 += e;
    s2 += e2;
    const t = s3 + v;
    if (Math.abs(s3) >= Math.abs(v)) c3 += s3 - t + v;
    else c3 += v - t + s3;
    s3 = t;
    s4 += e2 * e2;
    // Lower parts without a branch: half the returns are below the mean in no predictable
    // order, and a mispredicted branch per value tripled this loop's time. (y − |y|)/2 is
    // min(y, 0) exactly (2y and the halving are exact).
    const eLow = (e - Math.abs(e)) * 0.5;
    semi += eLow * eLow;
    const dt = x - tau;
    const dLow = (dt - Math.abs(dt)) * 0.5;
    down += dLow * dLow;
  }
  s3 += c3;
  const d = s1 / n;
  const ss = s2 - n * d * d;
  const m2 = ss / n;
  let skewness = 0;
  let excessKurtosis = 0;
  if (m2 > 0) {
    const m3 = (s3 - 3 * d * s2 + 2 * n * d * d * d) / n;
    const m4 = (s4 - 4 * d * s3 + 6 * d * d * s2 - 3 * n * d * d * d * d) / n;
    const g1 = m3 / Math.pow(m2, 1.5);
    const g2 = m4 / (m2 * m2) - 3;
    skewness = Number.isFinite(g1) ? g1 : 0;
    excessKurtosis = Number.isFinite(g2) ? g2 : 0;
  }
  return {
    n,
    mean: m,
    variance: n > 1 && ss > 0 ? ss / (n - 1) : 0,
    skewness,
    excessKurtosis,
    semiDeviation: n > 1 ? Math.sqrt(semi / (n - 1)) : 0,
    downsideDeviation: n > 0 ? Math.sqrt(down / n) : 0,
  };
}
