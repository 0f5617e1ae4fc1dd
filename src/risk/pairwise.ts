/**
 * Histories of unequal length: each asset's daily returns over its own dates, and covariances
 * estimated pair by pair over the dates the two assets share (pairwise deletion, as
 * pandas.DataFrame.cov and so PyPortfolioOpt's sample_cov do with a late listing).
 *
 * Layout ("end-aligned histories"): `series[i]` holds asset i's daily simple returns, oldest first,
 * L_i = series[i].length of them, and every series ends on the same (most recent) date — a late
 * listing is a shorter series. Two assets then share their last n_ij = min(L_i, L_j) days. This is
 * how a rebalance request holds history (`historical_returns` of any length, ending on the last
 * day; a price series covers every date of price_history), so no gap inside a series arises.
 *
 * Accuracy follows docs/methods.md "Sums and means": each series is centred on its own (full)
 * compensated mean, e_i = r_i − r̄_i; the pairwise covariance over the last n_ij days is the
 * shifted-data formula with the Chan–Golub–LeVeque term,
 *   C_ij = (Σ_{last n_ij} e_i e_j − (Σ_{last n_ij} e_i)(Σ_{last n_ij} e_j) / n_ij) / (n_ij − 1),
 * which is exact algebra for any shift and equals the covariance about the pair's own means.
 * With equal lengths it is computed by the very same operations as `sampleCovariance`, so the two
 * agree bit for bit.
 */
import { EngineError, type ErrorDetail } from '../contract/common';
import { PAIR_LIST_MAX_ASSETS, type PairObservations } from '../contract/estimators';
import { meanOf } from '../domain/sums';
import { gram } from './covariance';

/** Checks end-aligned histories: at least one, each with ≥ minLength finite returns. */
export function validateHistories(series: readonly Float64Array[], minLength: number): void {
  const details: ErrorDetail[] = [];
  if (series.length === 0) details.push({ path: 'series', message: 'at least one is required' });
  series.forEach((r, i) => {
    if (r.length < minLength)
      details.push({
        path: `series.${i}`,
        message: `has ${r.length} returns; at least ${minLength} are needed`,
      });
    for (let t = 0; t < r.length; t++)
      if (!Number.isFinite(r[t] as number)) {
        details.push({ path: `series.${i}.${t}`, message: 'must be a finite number' });
        break;
      }
  });
  if (details.length) throw new EngineError('BAD_REQUEST', 'invalid return histories', details);
}

/**
 * Distinct lengths, longest first, and for each the assets at least that long (ascending index).
 * Block k covers the days k counts back from the end in [ℓ_{k+1}, ℓ_k) (ℓ_{K+1} = 0); exactly
 * the assets with L_i ≥ ℓ_k have data there.
 */
function lengthBlocks(lengths: readonly number[]): { lengths: number[]; active: number[][] } {
  const distinct = [...new Set(lengths)].sort((a, b) => b - a);
  const active = distinct.map((l) => lengths.flatMap((L, i) => (L >= l ? [i] : [])));
  return { lengths: distinct, active };
}

/**
 * Pairwise sample covariance (ddof 1, daily) of end-aligned histories: entry (i, j) over the last
 * n_ij = min(L_i, L_j) days (see the file comment for the formula). Every L_i ≥ 2. The result is
 * symmetric but need not be positive semi-definite (each entry has its own sample); repair it with
 * `nearestPsd` (src/risk/covariance.ts) before using it as a covariance matrix.
 * Cost: Σ_k m_k² · d_k / 2 multiply-adds for blocks of d_k days with m_k assets — at most that of
 * `sampleCovariance` on the longest history.
 * Example: r_1 = [0.01, 0.03, −0.02, 0.02] and r_2 = [0.01, −0.01] (listed two days later):
 * n_12 = 2 over the last two days, r_1 → [−0.02, 0.02] (mean 0), r_2 → [0.01, −0.01] (mean 0):
 * C_12 = ((−0.02)(0.01) + (0.02)(−0.01)) / 1 = −0.0004; C_11 = var(r_1) over its 4 days
 * (mean 0.01, squared deviations 0, 0.0004, 0.0009, 0.0001) = 0.0014/3 ≈ 4.6667e-4; C_22 = 0.0002.
 * (Not positive semi-definite: C_12² = 1.6e-7 > C_11·C_22 ≈ 9.3e-8.)
 */
export function pairwiseCovariance(series: readonly Float64Array[]): Float64Array {
  validateHistories(series, 2);
  const n = series.length;
  const L = series.map((r) => r.length);
  // Centre each series on its own full-history mean; keep the centred copies.
  const e = series.map((r) => {
    const m = meanOf(r);
    const c = new Float64Array(r.length);
    for (let t = 0; t < r.length; t++) c[t] = (r[t] as number) - m;
    return c;
  });
  const { lengths, active } = lengthBlocks(L);
  const K = lengths.length;
  const S = new Float64Array(n * n);
  const G = new Float64Array(n * n);
  // suffix[k][i]: Σ of e_i over the last ℓ_k days (for i active in block k).
  const suffix: Float64Array[] = [];
  // Most recent block first, so suffix sums accumulate from the end backward.
  const running = new Float64Array(n);
  for (let k = K - 1; k >= 0; k--) {
    const hi = lengths[k] as number;
    const lo = k + 1 < K ? (lengths[k + 1] as number) : 0;
    const act = active[k] as number[];
    const m = act.length;
    const views = act.map((i) => {
      const Li = L[i] as number;
      return (e[i] as Float64Array).subarray(Li - hi, Li - lo);
    });
    const d = hi - lo;
    gram(views, m, d, G);
    for (let a = 0; a < m; a++) {
      const i = act[a] as number;
      const v = views[a] as Float64Array;
      let s = 0;
      for (let t = 0; t < d; t++) s += v[t] as number;
      running[i] = (running[i] as number) + s;
      for (let b = 0; b < m; b++) {
        const j = act[b] as number;
        S[i * n + j] = (S[i * n + j] as number) + (G[a * m + b] as number);
      }
    }
    suffix[k] = Float64Array.from(running);
  }
  // Block index of each length, for the suffix sum over a pair's overlap.
  const blockOf = new Map(lengths.map((l, k) => [l, k]));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const nij = Math.min(L[i] as number, L[j] as number);
      const sk = suffix[blockOf.get(nij) as number] as Float64Array;
      const v =
        ((S[i * n + j] as number) - ((sk[i] as number) * (sk[j] as number)) / nij) / (nij - 1);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  return out;
}

/** Overlap counts of the pairs (i < j) of end-aligned histories, summarized. */
export interface PairOverlap {
  /** Number of pairs, n(n − 1)/2. */
  pairs: number;
  min: number;
  /** Median over the pairs (the mean of the two middle values for an even count). */
  median: number;
  max: number;
}

/**
 * min, median and max of n_ij = min(L_i, L_j) over the pairs i < j; null for fewer than two
 * assets. O(n log n): with the lengths sorted ascending, the k-th smallest (0-based) is the
 * overlap of n − 1 − k pairs.
 * Example: lengths [100, 50, 80] → overlaps 50 (1–2), 80 (1–3), 50 (2–3) → min 50, median 50,
 * max 80.
 */
export function pairOverlap(lengths: readonly number[]): PairOverlap | null {
  const n = lengths.length;
  if (n < 2) return null;
  const sorted = [...lengths].sort((a, b) => a - b);
  const pairs = (n * (n - 1)) / 2;
  // The value at 0-based position p of the sorted multiset of overlaps.
  const at = (p: number): number => {
    let seen = 0;
    for (let k = 0; k < n - 1; k++) {
      seen += n - 1 - k;
      if (p < seen) return sorted[k] as number;
    }
    return sorted[n - 2] as number;
  };
  const median = pairs % 2 === 1 ? at((pairs - 1) / 2) : (at(pairs / 2 - 1) + at(pairs / 2)) / 2;
  return { pairs, min: sorted[0] as number, median, max: sorted[n - 2] as number };
}

/**
 * The pair report of end-aligned histories: min/median/max of n_ij = min(L_i, L_j), and every
 * pair when there are at most PAIR_LIST_MAX_ASSETS assets.
 * Example: lengths [100, 50, 80] → min 50, median 50, max 80, counts (A,B) 50, (A,C) 80, (B,C) 50.
 */
export function pairObservations(
  lengths: readonly number[],
  assets?: readonly string[],
): PairObservations | null {
  const o = pairOverlap(lengths);
  if (!o) return null;
  const n = lengths.length;
  const name = (i: number) => assets?.[i] ?? `asset ${i}`;
  const counts: NonNullable<PairObservations['counts']> = [];
  if (n <= PAIR_LIST_MAX_ASSETS)
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++)
        counts.push({
          asset_1: name(i),
          asset_2: name(j),
          observations: Math.min(lengths[i] as number, lengths[j] as number),
        });
  return { ...o, counts: n <= PAIR_LIST_MAX_ASSETS ? counts : null };
}
