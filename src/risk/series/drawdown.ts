/**
 * Drawdowns of a return series, compounded and uncompounded (docs/methods.md, "Metrics of return
 * series"). One value per return: DD_t after the t-th return, t = 1..n; the starting capital
 * counts as a peak (W_0 = 1, C_0 = 0) — R PerformanceAnalytics' and Riskfolio-Lib's convention
 * (skfolio before 2025 started the peak at the first period's wealth instead, which differs only
 * when the series opens with a loss).
 *
 * The arrays are filled with −DD_t ≤ 0 ("drawdown returns", skfolio's sign) so that the
 * conditional drawdown at risk is the CVaR of that array (./tail.ts); every figure returned here
 * is a positive fraction.
 */

export interface DrawdownSummary {
  /** max_t DD_t (0 when the series never falls below a peak). */
  max: number;
  /** Σ DD_t / n: the average drawdown over every period, those at a peak included. */
  average: number;
  /** Ulcer index √(Σ DD_t² / n) (Martin 1987). */
  ulcer: number;
  /** W_n − 1 (compounded) or C_n (uncompounded): the cumulative return. */
  cumulative: number;
}

/**
 * Compounded drawdowns: W_t = Π_{s≤t} (1 + r_s), DD_t = 1 − W_t / max(1, max_{s≤t} W_s); writes
 * −DD_t to out[t − 1]. The product and the quotient are computed as in `maxDrawdown`
 * (../metrics.ts), so `max` equals it bit for bit. Sums of DD and DD² have terms of one sign
 * (plain sums, relative error ≤ n·2⁻⁵³).
 * Example: r = [0.1, −0.2, 0.05] → W = 1.1, 0.88, 0.924; DD = 0, 0.2, 0.16; max 0.2,
 * average 0.12, ulcer √((0.04 + 0.0256)/3) ≈ 0.147874, cumulative −0.076.
 */
export function compoundedDrawdowns(r: Float64Array, out: Float64Array): DrawdownSummary {
  const n = r.length;
  let w = 1;
  let peak = 1;
  let max = 0;
  let s = 0;
  let s2 = 0;
  for (let t = 0; t < n; t++) {
    w *= 1 + r[t]!;
    if (w > peak) peak = w;
    const q = w / peak;
    const dd = 1 - q;
    out[t] = q - 1;
    if (dd > max) max = dd;
    s += dd;
    s2 += dd * dd;
  }
  return {
    max,
    average: n > 0 ? s / n : 0,
    ulcer: n > 0 ? Math.sqrt(s2 / n) : 0,
    cumulative: w - 1,
  };
}

/**
 * Uncompounded drawdowns: C_t = Σ_{s≤t} r_s, DD_t = max(0, max_{s≤t} C_s) − C_t, in units of
 * the starting capital (Riskfolio-Lib's `MDD_Abs`, `ADD_Abs`, `UCI_Abs`; skfolio's
 * `compounded=False`); writes −DD_t to out[t − 1].
 * Example: r = [0.1, −0.2, 0.05] → C = 0.1, −0.1, −0.05; DD = 0, 0.2, 0.15; max 0.2,
 * average 0.116667, ulcer √((0.04 + 0.0225)/3) ≈ 0.144338, cumulative −0.05.
 */
export function uncompoundedDrawdowns(r: Float64Array, out: Float64Array): DrawdownSummary {
  const n = r.length;
  let c = 0;
  let peak = 0;
  let max = 0;
  let s = 0;
  let s2 = 0;
  for (let t = 0; t < n; t++) {
    c += r[t]!;
    if (c > peak) peak = c;
    const dd = peak - c;
    out[t] = c - peak;
    if (dd > max) max = dd;
    s += dd;
    s2 += dd * dd;
  }
  return {
    max,
    average: n > 0 ? s / n : 0,
    ulcer: n > 0 ? Math.sqrt(s2 / n) : 0,
    cumulative: c,
  };
}
