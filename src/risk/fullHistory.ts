/**
 * Moments of portfolios from histories of unequal length, each asset's full history used
 * (docs/methods.md, "Histories of unequal length"). The model of a book:
 *   μ̂_i = mean of asset i's own daily returns (all L_i of them, compensated `meanOf`);
 *   Σ̂   = pairwise sample covariance (src/risk/pairwise.ts: entry (i, j) over the last
 *         min(L_i, L_j) days, ddof 1), replaced once by the nearest positive semi-definite matrix
 *         (`nearestPsd`, eigenvalue clipping) when it is not PSD.
 * A portfolio w (cash earning 0) then has daily mean wᵀμ̂ and variance wᵀΣ̂w ≥ 0, and any
 * principal submatrix of Σ̂ (the assets a portfolio holds) is PSD too.
 * Figures that need the portfolio's return on each date (historical VaR/CVaR, drawdown, Sortino,
 * skewness and kurtosis, beta) cannot use this; `heldWindow` gives the days common to the
 * assets a portfolio holds, which is where those are measured.
 */
import { meanOf } from '../domain/sums';
import { nearestPsd } from './covariance';
import { pairwiseCovariance } from './pairwise';

export interface FullHistoryModel {
  n: number;
  /** L_i, each asset's number of daily returns. */
  lengths: number[];
  /** Daily mean of each asset over its own history. */
  mean: Float64Array;
  /** Daily pairwise covariance, PSD (n×n row-major). */
  cov: Float64Array;
  /** Whether Σ̂ had to be clipped to PSD, and its smallest eigenvalue before (daily). */
  repaired: boolean;
  minEigenvalueBefore: number | null;
}

/**
 * The model of end-aligned histories (each ≥ 2 returns). Cost: the pairwise covariance (at most
 * n²L/2 multiply-adds) plus, when a plain Cholesky fails, an O(n³) eigendecomposition.
 * Example: histories [0.01, 0.03, −0.02, 0.02] and [0.01, −0.01] → μ̂ = [0.01, 0], Σ̂ before repair
 * [[4.667e-4, −4e-4], [−4e-4, 2e-4]] (not PSD: eigenvalue −8.8e-5), so Σ̂ is its clipped form.
 */
export function fullHistoryModel(histories: readonly Float64Array[]): FullHistoryModel {
  const n = histories.length;
  const raw = pairwiseCovariance(histories);
  const fixed = nearestPsd(raw, n);
  return {
    n,
    lengths: histories.map((h) => h.length),
    mean: Float64Array.from(histories, (h) => meanOf(h)),
    cov: fixed.matrix,
    repaired: fixed.repaired,
    minEigenvalueBefore: fixed.minEigenvalueBefore,
  };
}

/** Indices with a non-zero weight. Example: [0.5, 0, −0.1] → [0, 2]. */
export function heldAssets(w: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < w.length; i++) if ((w[i] as number) !== 0) out.push(i);
  return out;
}

/** The days common to the given assets: min of their lengths (0 for none). Example: lengths [1003, 600, 300], held [0, 1] → 600. */
export function heldWindow(lengths: readonly number[], held: readonly number[]): number {
  return held.length === 0 ? 0 : Math.min(...held.map((i) => lengths[i] as number));
}

/**
 * Daily mean wᵀμ̂ and variance wᵀΣ̂w of a portfolio (only held assets enter the sums; the variance
 * is clamped at 0 against rounding, Σ̂ being PSD).
 * Example: μ̂ = [0.001, 0], Σ̂ = [[4e-4, 0], [0, 1e-4]], w = [0.5, 0.5] → mean 5e-4,
 * variance 0.25·4e-4 + 0.25·1e-4 = 1.25e-4.
 */
export function portfolioMoments(
  model: FullHistoryModel,
  w: ArrayLike<number>,
): { mean: number; variance: number } {
  const { n, cov } = model;
  const held = heldAssets(w);
  let mean = 0;
  let v = 0;
  for (const i of held) {
    const wi = w[i] as number;
    mean += wi * (model.mean[i] as number);
    let s = 0;
    for (const j of held) s += (cov[i * n + j] as number) * (w[j] as number);
    v += wi * s;
  }
  return { mean, variance: v > 0 ? v : 0 };
}

/**
 * Risk contributions RC_i = w_i (Σ̂w)_i / wᵀΣ̂w (Σ RC = 1), or null when wᵀΣ̂w = 0.
 * Example: Σ̂ = diag(4e-4, 1e-4), w = (0.5, 0.5) → RC = (0.8, 0.2).
 */
export function contributionsOf(
  model: FullHistoryModel,
  w: ArrayLike<number>,
): Float64Array | null {
  const { n, cov } = model;
  const held = heldAssets(w);
  const out = new Float64Array(n);
  let total = 0;
  for (const i of held) {
    let s = 0;
    for (const j of held) s += (cov[i * n + j] as number) * (w[j] as number);
    out[i] = (w[i] as number) * s;
    total += out[i] as number;
  }
  if (!(total > 0)) return null;
  for (const i of held) out[i] = (out[i] as number) / total;
  return out;
}

/** The sub-model of some assets (their means and the principal submatrix of Σ̂). */
export function subModel(
  model: FullHistoryModel,
  idx: readonly number[],
): { mean: Float64Array; cov: Float64Array } {
  const k = idx.length;
  const cov = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++)
      cov[a * k + b] = model.cov[(idx[a] as number) * model.n + (idx[b] as number)] as number;
  return { mean: Float64Array.from(idx, (i) => model.mean[i] as number), cov };
}
