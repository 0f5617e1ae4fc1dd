import { describe, expect, it } from 'vitest';
import { covarianceOf, meanVariance } from '../../../src/domain/sums';
import { riskContributions } from '../../../src/risk/contribution';
import { sampleCovariance } from '../../../src/risk/covariance';
import { portfolioReturns, simpleReturns } from '../../../src/risk/returns';
import { lastPrices, loadPrices } from './fixtures';

const f = (x: number[]) => Float64Array.from(x);

/** Euler form, a second exact route: RC_i = w_i · cov(r_i, r_p) / var(r_p) on the portfolio series. */
function euler(returns: Float64Array[], w: number[]): number[] {
  const rp = portfolioReturns(returns, w);
  const v = meanVariance(rp, 1).variance;
  return returns.map((r, i) => ((w[i] as number) * covarianceOf(r, rp, 1)) / v);
}

/** The definition with Σ formed explicitly (the risk library's sample covariance, ddof 1). */
function explicit(returns: Float64Array[], w: number[]): number[] {
  const n = returns.length;
  const S = sampleCovariance(returns);
  const Sw = w.map((_, i) => w.reduce((s, wj, j) => s + (S[i * n + j] as number) * wj, 0));
  const wSw = w.reduce((s, wi, i) => s + wi * (Sw[i] as number), 0);
  return w.map((wi, i) => (wi * (Sw[i] as number)) / wSw);
}

describe('riskContributions: RC_i = w_i (Σw)_i / wᵀΣw', () => {
  it('hand-worked: two uncorrelated assets, variances 4:1, equal weights → 0.8, 0.2', () => {
    // Means 0; Σ a² = 0.0016, Σ b² = 0.0004, Σ ab = 0 → Σ = diag(0.0016, 0.0004) / 3.
    // Σw = (0.0008, 0.0002)/3, wᵀΣw = 0.0005/3 → RC = (0.0004, 0.0001)/0.0005 = (0.8, 0.2).
    const rc = riskContributions(
      [f([0.02, -0.02, 0.02, -0.02]), f([0.01, 0.01, -0.01, -0.01])],
      [0.5, 0.5],
    )!;
    expect(rc[0]).toBeCloseTo(0.8, 14);
    expect(rc[1]).toBeCloseTo(0.2, 14);
  });

  it('hand-worked: two correlated assets, w = (0.25, 0.75) → 16/73, 57/73', () => {
    // a = (2, −2, 2, −2)%, b = (3, −1, 1, −3)%: means 0, Σ a² = 0.0016, Σ b² = 0.002,
    // Σ ab = 0.0016, so 3Σ = [[0.0016, 0.0016], [0.0016, 0.002]].
    // 3Σw = (0.0016, 0.0019); 3wᵀΣw = 0.25·0.0016 + 0.75·0.0019 = 0.001825
    // → RC = (0.0004, 0.001425) / 0.001825 = (16/73, 57/73).
    const rc = riskContributions(
      [f([0.02, -0.02, 0.02, -0.02]), f([0.03, -0.01, 0.01, -0.03])],
      [0.25, 0.75],
    )!;
    expect(rc[0]).toBeCloseTo(16 / 73, 14);
    expect(rc[1]).toBeCloseTo(57 / 73, 14);
  });

  it('equals the Euler form and the explicit-Σ form on real prices, and sums to 1', () => {
    const table = loadPrices('skfolio_sp500_dataset.csv');
    const names = ['AAPL', 'JNJ', 'XOM', 'JPM', 'MSFT', 'WMT', 'PG'];
    const R = names.map((t) => simpleReturns(lastPrices(table, t, 1261)));
    for (const w of [
      [0.2, 0.1, 0.15, 0.05, 0.25, 0.15, 0.1],
      [0.3, 0, 0.2, 0.1, 0.1, 0.1, 0.1], // a zero weight contributes exactly 0
      [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], // 30% cash: the assets still share all the variance
    ]) {
      const rc = riskContributions(R, w)!;
      const e = euler(R, w);
      const x = explicit(R, w);
      rc.forEach((v, i) => {
        expect(Math.abs(v - (e[i] as number))).toBeLessThan(1e-12);
        expect(Math.abs(v - (x[i] as number))).toBeLessThan(1e-12);
      });
      expect(Math.abs(rc.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-13);
      w.forEach((wi, i) => wi === 0 && expect(rc[i]).toBe(0));
    }
  });

  it('a hedge has a negative contribution; the others then exceed their share', () => {
    const a = f([0.01, -0.02, 0.015, -0.005, 0.02, -0.01]);
    const hedge = Float64Array.from(a, (v, t) => -0.5 * v + 0.001 * (t % 2));
    const w = [0.8, 0.2];
    const rc = riskContributions([a, hedge], w)!;
    const e = euler([a, hedge], w);
    expect(rc[1]).toBeLessThan(0);
    expect(rc[0]).toBeGreaterThan(1);
    rc.forEach((v, i) => expect(Math.abs(v - (e[i] as number))).toBeLessThan(1e-12));
  });

  it('null when the portfolio series is constant (no variance to share) or too short', () => {
    expect(riskContributions([f([0.001, 0.001, 0.001])], [1])).toBeNull();
    expect(riskContributions([f([0.01, -0.01])], [0])).toBeNull();
    expect(riskContributions([f([0.01])], [1])).toBeNull();
  });
});
