/**
 * Rolling Sharpe ratio over a window of w returns (docs/methods.md, "Metrics of return series"):
 * for each window end t = w − 1..n − 1, (mean − rf_p) / std · √P over r[t − w + 1..t] (ddof 1),
 * empyrical's roll_sharpe_ratio(r, window = w) with risk_free = rf_p.
 */
import { meanOf, ZERO_VOLATILITY_RELATIVE } from '../../domain/sums';

/** Windows between exact recomputations of the sliding sums (bounds their drift). */
const RESYNC = 256;
/**
 * isZeroVolatility's tolerance, read once: the test is written inline in the loop below, where a
 * call through the module binding cost more than the rest of the window's arithmetic.
 */
const ZERO_VOL = ZERO_VOLATILITY_RELATIVE;

/**
 * Writes the n − w + 1 rolling Sharpe ratios to out (NaN where the window is constant in the
 * isZeroVolatility sense, σ ≤ 1e-10·|mean|; the caller reports those as null). O(n): sliding sums of d = r − c,
 * c = the series mean (the shift keeps S2 − S1²/w well conditioned), recomputed exactly every 256
 * windows so rounding does not build up.
 * Example: r = [0.01, −0.01, 0.02, 0.0], w = 3, rf_p = 0, P = 252 → windows [0.01, −0.01, 0.02]
 * (mean 0.006667, std 0.015275, Sharpe 6.928203) and [−0.01, 0.02, 0] (mean 0.003333, std
 * 0.015275, Sharpe 3.464102).
 */
export function rollingSharpe(
  r: Float64Array,
  w: number,
  rfp: number,
  P: number,
  out: Float64Array,
): void {
  const n = r.length;
  const c = meanOf(r);
  const sqrtP = Math.sqrt(P);
  let s1 = 0;
  let s2 = 0;
  for (let t = 0; t < n; t++) {
    const k = t - w + 1; // window index ending at t
    if (k > 0 && k % RESYNC === 0) {
      s1 = 0;
      s2 = 0;
      for (let u = k; u <= t; u++) {
        const d = r[u]! - c;
        s1 += d;
        s2 += d * d;
      }
    } else {
      const d = r[t]! - c;
      s1 += d;
      s2 += d * d;
      if (k > 0) {
        const o = r[k - 1]! - c;
        s1 -= o;
        s2 -= o * o;
      }
    }
    if (k < 0) continue;
    const m = c + s1 / w;
    const v = (s2 - (s1 * s1) / w) / (w - 1);
    const sd = v > 0 ? Math.sqrt(v) : 0;
    // isZeroVolatility(m, sd): sd = 0 or sd ≤ 1e-10·|m|.
    out[k] = !(sd > ZERO_VOL * Math.abs(m)) ? NaN : ((m - rfp) / sd) * sqrtP;
  }
}
