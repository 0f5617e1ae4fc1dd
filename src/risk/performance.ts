/**
 * Wealth, cumulative return and drawdown of a daily return series (docs/methods.md,
 * "Performance series"): the history behind the performance and drawdown charts of a run.
 */
import { maxDrawdown } from './metrics';

export interface WealthPath {
  /** W_t − 1 for t = 0..T (W_0 = 1 on the first date, so the first entry is 0). */
  cumulative_return: number[];
  /** W_t / max_{s≤t} W_s − 1 for t = 0..T (≤ 0; 0 at a new peak). */
  drawdown: number[];
  /** W_T − 1. */
  total_return: number;
  /**
   * Largest drawdown as a positive fraction, −min_t drawdown_t: computed by `maxDrawdown`, the
   * function behind risk_metrics.max_drawdown, so the two agree bit for bit.
   */
  max_drawdown: number;
}

/**
 * Compounds r_1..r_T from W_0 = 1: W_t = W_{t−1}·(1 + r_t) (the same product, in the same order,
 * as `maxDrawdown`), cumulative_return_t = W_t − 1, drawdown_t = W_t / max_{s≤t} W_s − 1.
 * Example: r = [0.1, −0.2, 0.05] → W = 1, 1.1, 0.88, 0.924; cumulative_return = [0, 0.1, −0.12,
 * −0.076]; drawdown = [0, 0, −0.2, −0.16]; total_return = −0.076; max_drawdown = 0.2.
 */
export function wealthPath(returns: ArrayLike<number>): WealthPath {
  const T = returns.length;
  const cumulative = new Array<number>(T + 1);
  const drawdown = new Array<number>(T + 1);
  cumulative[0] = 0;
  drawdown[0] = 0;
  let w = 1;
  let peak = 1;
  for (let t = 0; t < T; t++) {
    w *= 1 + (returns[t] as number);
    if (w > peak) peak = w;
    cumulative[t + 1] = w - 1;
    drawdown[t + 1] = w / peak - 1;
  }
  return {
    cumulative_return: cumulative,
    drawdown,
    total_return: w - 1,
    max_drawdown: maxDrawdown(returns),
  };
}
