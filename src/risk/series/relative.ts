/**
 * Figures of a return series against a benchmark: CAPM beta and alpha, tracking error,
 * information ratio and excess Sharpe (docs/methods.md, "Metrics of return series").
 */
import { isZeroVolatility, meanOf } from '../../domain/sums';

export interface RelativeFigures {
  /** cov(r, b) / var(b); null when the benchmark is constant. */
  beta: number | null;
  /** P · mean((r − rf_p) − β(b − rf_p)), annual arithmetic; null with beta. */
  alpha: number | null;
  /** std(r − b)·√P (ddof 1); 0 when r − b is constant. */
  trackingError: number;
  /** P·mean(r − b) / trackingError; null when the tracking error is 0. */
  informationRatio: number | null;
  /** mean(r − b) / std(r − b) per period; null when the tracking error is 0. */
  excessSharpe: number | null;
  zeroBenchmarkVariance: boolean;
  zeroTrackingError: boolean;
}

/**
 * Relative figures of aligned r, b (n ≥ 2) with per-period risk-free rate rfp and P periods a
 * year; `constantSeries` when r itself is constant (its beta is then 0, as in computeRiskMetrics);
 * meanR, meanB: `meanOf` of r and b when the caller has computed them.
 * One pass after the two means (`meanOf`): with d = r − r̄, e = b − b̄ and a = d − e,
 *   var(b) = (Σe² − (Σe)²/n)/(n − 1), cov = (Σde − ΣdΣe/n)/(n − 1) (Σde compensated),
 *   var(r − b) = (Σa² − (Σa)²/n)/(n − 1), mean(r − b) = r̄ − b̄.
 * Example: r = [0.01, 0.03, −0.02], b = [0.005, 0.02, −0.01], rf = 0, P = 252 →
 * cov = 0.000375, var(b) = 0.000225, β = 5/3; alpha = 252·(0.006667 − 5/3·0.005) = −0.42;
 * r − b = [0.005, 0.01, −0.01], mean 0.001667, std 0.010408, excess Sharpe 0.160128,
 * tracking error 0.165227, information ratio 2.541956.
 */
export function relativeFigures(
  r: Float64Array,
  b: Float64Array,
  rfp: number,
  P: number,
  constantSeries: boolean,
  meanR: number | null = null,
  meanB: number | null = null,
): RelativeFigures {
  const n = r.length;
  // meanOf(r), meanOf(b), unless the caller has them already (the service does).
  const mr = meanR ?? meanOf(r);
  const mb = meanB ?? meanOf(b);
  let sd = 0;
  let se = 0;
  let see = 0;
  let saa = 0;
  let sde = 0;
  let cde = 0;
  for (let t = 0; t < n; t++) {
    const d = r[t]! - mr;
    const e = b[t]! - mb;
    sd += d;
    se += e;
    see += e * e;
    const a = d - e;
    saa += a * a;
    const v = d * e;
    const u = sde + v;
    if (Math.abs(sde) >= Math.abs(v)) cde += sde - u + v;
    else cde += v - u + sde;
    sde = u;
  }
  const varB = Math.max(0, (see - (se * se) / n) / (n - 1));
  const cov = (sde + cde - (sd * se) / n) / (n - 1);
  const sa = sd - se;
  const varA = Math.max(0, (saa - (sa * sa) / n) / (n - 1));
  const meanA = mr - mb;
  const sqrtP = Math.sqrt(P);
  const zeroBenchmarkVariance = isZeroVolatility(mb, Math.sqrt(varB));
  let beta: number | null = null;
  let alpha: number | null = null;
  if (!zeroBenchmarkVariance) {
    beta = constantSeries ? 0 : cov / varB;
    alpha = P * (mr - rfp - beta * (mb - rfp));
  }
  const sdA = Math.sqrt(varA);
  const zeroTrackingError = isZeroVolatility(meanA, sdA);
  const excessSharpe = zeroTrackingError ? null : meanA / sdA;
  return {
    beta,
    alpha,
    trackingError: zeroTrackingError ? 0 : sdA * sqrtP,
    informationRatio: excessSharpe === null ? null : excessSharpe * sqrtP,
    excessSharpe,
    zeroBenchmarkVariance,
    zeroTrackingError,
  };
}
