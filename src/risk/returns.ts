/**
 * Return series from prices and portfolio returns from asset returns.
 * Convention: simple daily returns r_t = p_t / p_{t−1} − 1, oldest first.
 */
import { EngineError, type ErrorDetail } from '../contract/common';

/**
 * Simple returns r_t = p_t / p_{t−1} − 1 for t = 1..n−1 (length n − 1; empty for n < 2).
 * Prices must be finite and > 0 (BAD_REQUEST naming each bad index otherwise).
 * Example: prices [100, 110, 99] → [0.1, −0.1].
 */
export function simpleReturns(prices: ArrayLike<number>): Float64Array {
  const n = prices.length;
  const details: ErrorDetail[] = [];
  for (let i = 0; i < n; i++) {
    const p = prices[i]!;
    if (!(Number.isFinite(p) && p > 0)) {
      details.push({ path: `prices.${i}`, message: `price ${p} is not a finite number > 0` });
      if (details.length >= 20) break;
    }
  }
  if (details.length) throw new EngineError('BAD_REQUEST', 'invalid prices', details);
  if (n < 2) return new Float64Array(0);
  const out = new Float64Array(n - 1);
  let prev = prices[0]!;
  for (let i = 1; i < n; i++) {
    const p = prices[i]!;
    out[i - 1] = p / prev - 1;
    prev = p;
  }
  return out;
}

/**
 * Portfolio returns of a daily-rebalanced constant mix: r_p,t = Σ_i w_i r_i,t.
 * The weights are held constant every day (the portfolio is traded back to w each close), so this
 * is not the return of a buy-and-hold position whose weights drift. Weights are used as given:
 * when Σ w < 1 the remainder is cash earning 0.
 * Example: r_1 = [0.01, −0.02], r_2 = [0.03, 0.00], w = [0.5, 0.5] → [0.02, −0.01].
 */
export function portfolioReturns(
  assetReturns: Float64Array[],
  weights: ArrayLike<number>,
): Float64Array {
  const k = assetReturns.length;
  const details: ErrorDetail[] = [];
  if (k === 0) details.push({ path: 'assetReturns', message: 'at least one asset is required' });
  if (weights.length !== k)
    details.push({
      path: 'weights',
      message: `has ${weights.length} weights but there are ${k} assets`,
    });
  for (let i = 0; i < weights.length; i++)
    if (!Number.isFinite(weights[i]!))
      details.push({ path: `weights.${i}`, message: 'must be a finite number' });
  const T = k > 0 ? assetReturns[0]!.length : 0;
  for (let i = 1; i < k; i++)
    if (assetReturns[i]!.length !== T)
      details.push({
        path: `assetReturns.${i}`,
        message: `has ${assetReturns[i]!.length} returns but asset 0 has ${T}`,
      });
  if (details.length) throw new EngineError('BAD_REQUEST', 'invalid portfolio inputs', details);
  const out = new Float64Array(T);
  for (let i = 0; i < k; i++) {
    const w = weights[i]!;
    if (w === 0) continue;
    const r = assetReturns[i]!;
    for (let t = 0; t < T; t++) out[t] = out[t]! + w * r[t]!;
  }
  return out;
}
