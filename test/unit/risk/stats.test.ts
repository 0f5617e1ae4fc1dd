import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import {
  correlation,
  covariance,
  excessKurtosis,
  mean,
  quantile,
  quantileInPlace,
  quantilesInPlace,
  selectInPlace,
  skewness,
  skewnessAndExcessKurtosis,
  std,
  variance,
} from '../../../src/risk/stats';
import { expectAbs, expectRel } from './fixtures';

// Ten daily returns used throughout; reference values from test/reference/risk_reference.py
// ("stats on small arrays": numpy mean/var(ddof=1), scipy skew/kurtosis(bias=True),
// numpy.quantile(method="linear"), numpy cov/corrcoef).
const X = [0.012, -0.034, 0.005, 0.021, -0.008, 0.017, -0.022, 0.003, 0.029, -0.011];
const Y = [0.01, -0.02, 0.004, 0.018, -0.012, 0.011, -0.015, 0.006, 0.02, -0.004];

/** Independent type-7 quantile by full sort (the textbook definition). */
function sortedQuantile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const j = Math.floor(h);
  const lo = s[j]!;
  const hi = s[Math.min(j + 1, s.length - 1)]!;
  return lo + (h - j) * (hi - lo);
}

describe('mean, variance, std', () => {
  it('hand-worked: [1, 2, 3, 6]', () => {
    // x̄ = 12/4 = 3; deviations −2, −1, 0, 3; squares 4, 1, 0, 9 → Σ = 14; s² = 14/3.
    expect(mean([1, 2, 3, 6])).toBe(3);
    expectRel(variance([1, 2, 3, 6]), 14 / 3, 1e-15);
    expectRel(std([1, 2, 3, 6]), Math.sqrt(14 / 3), 1e-15);
    // Population variance (ddof 0): 14/4.
    expectRel(variance([1, 2, 3, 6], 0), 3.5, 1e-15);
  });

  it('matches numpy on ten returns', () => {
    // Σx = 0.012 → x̄ = 0.0012.
    expectRel(mean(X), 0.0012000000000000003, 1e-13);
    expectRel(variance(X), 0.00039551111111111117, 1e-12);
  });

  it('rejects too-short input with BAD_REQUEST', () => {
    expect(() => mean([])).toThrow(EngineError);
    expect(() => variance([1])).toThrow(/at least 2/);
  });
});

describe('skewness and excess kurtosis (population g1, g2)', () => {
  it('hand-worked: [0, 0, 3]', () => {
    // x̄ = 1; d = −1, −1, 2; m2 = (1+1+4)/3 = 2; m3 = (−1−1+8)/3 = 2; m4 = (1+1+16)/3 = 6.
    // g1 = 2 / 2^1.5 = 1/√2; g2 = 6/2² − 3 = −1.5.
    expectRel(skewness([0, 0, 3]), 1 / Math.SQRT2, 1e-15);
    expectRel(excessKurtosis([0, 0, 3]), -1.5, 1e-15);
  });

  it('matches scipy.stats.skew/kurtosis(bias=True)', () => {
    expectRel(skewness(X), -0.3601002838825168, 1e-12);
    expectRel(excessKurtosis(X), -0.8838187992779747, 1e-12);
  });

  it('constant series → 0, never NaN', () => {
    expect(skewness([0.01, 0.01, 0.01])).toBe(0);
    expect(excessKurtosis([0.01, 0.01, 0.01])).toBe(0);
    // 1,260 × 0.0001: a naive mean leaves deviations of 1.9e-18, whose moment ratios were noise;
    // the compensated mean makes every deviation exactly 0.
    expect(skewness(new Float64Array(1260).fill(0.0001))).toBe(0);
    expect(skewnessAndExcessKurtosis(new Float64Array(1260).fill(0.0001))).toEqual([0, 0]);
  });

  it('skewnessAndExcessKurtosis: one pass, the same numbers as the two functions', () => {
    const [g1, g2] = skewnessAndExcessKurtosis([0, 0, 3]);
    expectRel(g1, 1 / Math.SQRT2, 1e-15);
    expectRel(g2, -1.5, 1e-15);
    expect(skewnessAndExcessKurtosis(X)).toEqual([skewness(X), excessKurtosis(X)]);
  });
});

describe('covariance and correlation', () => {
  it('hand-worked: x = [1, 2, 3], y = [2, 4, 7]', () => {
    // x̄ = 2, ȳ = 13/3; (−1)(−7/3) + 0·(−1/3) + 1·(8/3) = 5; /(3 − 1) = 2.5.
    expectRel(covariance([1, 2, 3], [2, 4, 7]), 2.5, 1e-15);
    // σ_x = 1, σ_y² = ((7/3)² + (1/3)² + (8/3)²)/2 = (49 + 1 + 64)/18 = 19/3.
    expectRel(correlation([1, 2, 3], [2, 4, 7]), 2.5 / Math.sqrt(19 / 3), 1e-15);
  });

  it('matches numpy', () => {
    expectRel(covariance(X, Y), 0.0002701555555555555, 1e-12);
    expectRel(correlation(X, Y), 0.9742859243894803, 1e-12);
  });

  it('constant series → correlation 0; mismatched lengths throw', () => {
    expect(correlation([1, 1, 1], [1, 2, 3])).toBe(0);
    expect(() => covariance([1, 2], [1, 2, 3])).toThrow(EngineError);
  });
});

describe('quantile (type 7, quickselect)', () => {
  it('hand-worked on the ten returns', () => {
    // Sorted: −0.034, −0.022, −0.011, −0.008, 0.003, 0.005, 0.012, 0.017, 0.021, 0.029.
    // p = 0.05: h = 9·0.05 = 0.45 → −0.034 + 0.45·(−0.022 + 0.034) = −0.0286.
    expectRel(quantile(X, 0.05), -0.0286, 1e-13);
    // p = 0.25: h = 2.25 → −0.011 + 0.25·0.003 = −0.01025.
    expectRel(quantile(X, 0.25), -0.01025, 1e-13);
    // p = 0.5: h = 4.5 → (0.003 + 0.005)/2 = 0.004.
    expectRel(quantile(X, 0.5), 0.004, 1e-13);
    // p = 0.73: h = 6.57 → 0.012 + 0.57·0.005 = 0.01485.
    expectRel(quantile(X, 0.73), 0.01485, 1e-13);
  });

  it('matches numpy.quantile(method="linear")', () => {
    const ref: [number, number][] = [
      [0.0, -0.034],
      [0.05, -0.0286],
      [0.1, -0.0232],
      [0.25, -0.010249999999999999],
      [0.5, 0.004],
      [0.73, 0.014850000000000002],
      [0.95, 0.025399999999999992],
      [1.0, 0.029],
    ];
    for (const [p, q] of ref) expectRel(quantile(X, p), q, 1e-14);
  });

  it('does not modify its input; quantileInPlace does', () => {
    const x = Float64Array.from(X);
    quantile(x, 0.3);
    expect(Array.from(x)).toEqual(X);
  });

  it('agrees with a sort-based type-7 quantile on random data (incl. ties)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (ints, p) => {
          const vals = ints.map((v) => v / 7);
          const got = quantileInPlace(Float64Array.from(vals), p);
          const want = sortedQuantile(vals, p);
          expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12);
        },
      ),
    );
  });

  it('quantilesInPlace equals separate quantile calls', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (vals) => {
          const ps = [0.05, 0.25, 0.5, 0.75, 0.95];
          const out = new Float64Array(5);
          quantilesInPlace(Float64Array.from(vals), ps, out);
          ps.forEach((p, k) => expect(out[k]).toBe(quantile(vals, p)));
        },
      ),
    );
  });

  it('selectInPlace partitions around the k-th smallest', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 100 }),
        fc.nat(),
        (vals, kk) => {
          const a = Float64Array.from(vals);
          const k = kk % a.length;
          const v = selectInPlace(a, k);
          expect(v).toBe([...vals].sort((x, y) => x - y)[k]);
          for (let i = 0; i < k; i++) expect(a[i]!).toBeLessThanOrEqual(v);
          for (let i = k + 1; i < a.length; i++) expect(a[i]!).toBeGreaterThanOrEqual(v);
        },
      ),
    );
  });

  it('is linear-time friendly on sorted and constant input (no quadratic blow-up)', () => {
    const n = 200_000;
    const sorted = Float64Array.from({ length: n }, (_, i) => i);
    expectAbs(quantileInPlace(sorted, 0.05), 0.05 * (n - 1), 1e-9);
    expect(quantileInPlace(new Float64Array(n).fill(2), 0.5)).toBe(2);
  });

  it('rejects p outside [0, 1] and descending probability lists', () => {
    expect(() => quantile(X, 1.5)).toThrow(EngineError);
    expect(() => quantilesInPlace(Float64Array.from(X), [0.5, 0.1], new Float64Array(2))).toThrow(
      /ascending/,
    );
  });
});
