/**
 * Compensated / corrected two-pass sums (src/domain/sums.ts) and their use in src/risk: worked
 * examples, accuracy against exact rational arithmetic, and the constant-series regression
 * ("a money-market series reports volatility 2.7e-15 and Sharpe 9.4e14 with no warning").
 *
 * Reference values: test/reference/sums_reference.py (python3 test/reference/sums_reference.py),
 * which computes each mean and variance EXACTLY with fractions.Fraction on the same doubles as
 * the generators below (built with + − × / only, so both languages produce them bit for bit) and
 * rounds once to the nearest double; skewness, kurtosis and correlation at 60 decimal digits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RiskMetrics } from '../../../src/contract/rebalance';
import {
  covarianceOf,
  isZeroVolatility,
  meanOf,
  meanVariance,
  neumaierSum,
  weightedMeanOf,
  ZERO_VOLATILITY_RELATIVE,
} from '../../../src/domain/sums';
import { ewmaCovariance, ledoitWolf, sampleCovariance } from '../../../src/risk/covariance';
import { computeRiskMetrics } from '../../../src/risk/metrics';
import { runMonteCarlo } from '../../../src/risk/montecarlo';
import { simpleReturns } from '../../../src/risk/returns';
import {
  correlation,
  covariance,
  excessKurtosis,
  mean,
  skewness,
  std,
  variance,
} from '../../../src/risk/stats';
import { expectRel, lastPrices, loadPrices } from './fixtures';

// ── Helpers ────────────────────────────────────────────────────────────────────────────────────

/** Signed distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const f = new Float64Array([a, b]);
  const i = new BigInt64Array(f.buffer);
  return Number(i[0]! - i[1]!);
}

function expectUlps(actual: number, expected: number, max: number, label: string): void {
  const d = Math.abs(ulps(actual, expected));
  expect(d, `${label}: ${actual} vs ${expected} (${d} ulps)`).toBeLessThanOrEqual(max);
}

/** The code this change replaced: Σ x / n. */
function naiveMean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

/** The replaced variance: two passes around the naive mean, no correction term. */
function naiveVariance(x: ArrayLike<number>, ddof = 1): number {
  const m = naiveMean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! - m) ** 2;
  return s / (x.length - ddof);
}

// ── Generators: the same doubles as test/reference/sums_reference.py ──────────────────────────

const T = 1260;

function uniforms(seed: number, n: number): number[] {
  let s = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(s / 4294967296);
  }
  return out;
}

const SCALES = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];
const offset = uniforms(1, T).map((u) => 1e8 + (u - 0.5) * 1e-3);
const u3 = uniforms(3, T);
const offset2 = offset.map((x, t) => 1e8 + 0.6 * (x - 1e8) + (u3[t]! - 0.5) * 1e-3);
const tenth: number[] = new Array<number>(T).fill(0.1);
const u2 = uniforms(2, (2 * T) / 3);
const magnitude: number[] = [];
for (let k = 0; k < T / 3; k++) {
  const b = (2 * u2[2 * k + 1]! - 1) * 1e8;
  magnitude.push((2 * u2[2 * k]! - 1) * SCALES[k % 9]!, b, -b);
}
const productPrices = [1];
for (let t = 0; t < T; t++) productPrices.push(productPrices[t]! * 1.0000793);
const money = Array.from({ length: T }, (_, t) => productPrices[t + 1]! / productPrices[t]! - 1);
const accrual = uniforms(5, T).map((u) => 0.0000793 + (u - 0.5) * 1e-19);
const skewed = uniforms(4, T).map((u) => 1e4 + (u - 0.5) * (u - 0.5) * (u - 0.5) * 1e-2);

/** The bug report's series: prices 1.00000·(1 + 0.0000793)^t by Math.pow, turned into returns. */
const powPrices = Float64Array.from({ length: T + 1 }, (_, t) => Math.pow(1 + 0.0000793, t));
const moneyPow = simpleReturns(powPrices);

// Printed by sums_reference.py: [first value, last value, mean, variance ddof 1, ddof 0].
const REF: Record<string, [number[], number, number, number, number, number]> = {
  offset: [
    offset,
    99999999.99973646,
    100000000.00003138,
    100000000.00000995,
    8.477793008029402e-8,
    8.471064600880171e-8,
  ],
  offset2: [
    offset2,
    99999999.9995791,
    100000000.00006472,
    99999999.99999695,
    1.1673032478560434e-7,
    1.1663768167069514e-7,
  ],
  tenth: [tenth, 0.1, 0.1, 0.1, 0, 0],
  magnitude: [
    magnitude,
    -5.26313844602555e-9,
    -79665686.65578961,
    -0.0016834290713856363,
    2319780020798269.0,
    2317938925543667.5,
  ],
  money: [money, 7.929999999989334e-5, 7.929999999989334e-5, 7.929999999989334e-5, 0, 0],
  accrual: [
    accrual,
    7.929999999999998e-5,
    7.93e-5,
    7.93e-5,
    8.559061989649995e-40,
    8.552269083309003e-40,
  ],
  skewed: [
    skewed,
    9999.99981936529,
    10000.000001500151,
    10000.000021346517,
    2.2508603302363452e-7,
    2.2490739331488562e-7,
  ],
};
const SKEWED_G1 = 0.04282865098348029;
const SKEWED_G2 = 0.7631704631472076;
const COV_OFFSET_DDOF1 = 5.3192842680934274e-8;
const COV_OFFSET_DDOF0 = 5.315062613912401e-8;
const CORR_OFFSET = 0.5347120223402931;
const WEIGHTED_MEAN_STEPS20 = 99999999.99999726;

// Real daily returns (1,260 of them) for benchmarks, references and covariance neighbours.
const table = loadPrices('skfolio_sp500_dataset.csv');
const aapl = simpleReturns(lastPrices(table, 'AAPL', T + 1));
const xom = simpleReturns(lastPrices(table, 'XOM', T + 1));

// ── src/domain/sums.ts ─────────────────────────────────────────────────────────────────────────

describe('src/domain/sums.ts: worked examples of the doc comments', () => {
  it('neumaierSum([1, 1e100, 1, −1e100]) = 2 where a plain loop gives 0; ranges', () => {
    expect(neumaierSum([1, 1e100, 1, -1e100])).toBe(2);
    let plain = 0;
    for (const v of [1, 1e100, 1, -1e100]) plain += v;
    expect(plain).toBe(0);
    expect(neumaierSum([5, 1, 1e100, 1, -1e100, 7], 1, 5)).toBe(2);
    expect(neumaierSum([])).toBe(0);
  });

  it('meanOf([0.1, 0.2, 0.3]) = 0.2 exactly (naive 0.20000000000000004); empty → NaN', () => {
    expect(meanOf([0.1, 0.2, 0.3])).toBe(0.2);
    expect((0.1 + 0.2 + 0.3) / 3).toBe(0.20000000000000004);
    expect(meanOf([9, 0.1, 0.2, 0.3, 9], 1, 4)).toBe(0.2);
    expect(meanOf([])).toBeNaN();
  });

  it('meanVariance([1, 2, 3, 6]) = {3, 14/3, 4}; ddof 0 → 3.5; constant → exactly 0', () => {
    expect(meanVariance([1, 2, 3, 6])).toEqual({ mean: 3, variance: 14 / 3, n: 4 });
    expect(meanVariance([1, 2, 3, 6], 0).variance).toBe(3.5);
    expect(meanVariance([0.0001, 0.0001, 0.0001]).variance).toBe(0);
    // n ≤ ddof → variance 0 (no estimate), mean still defined.
    expect(meanVariance([5])).toEqual({ mean: 5, variance: 0, n: 1 });
  });

  it('isZeroVolatility: σ = 0 or σ ≤ 1e-10·|μ|', () => {
    expect(ZERO_VOLATILITY_RELATIVE).toBe(1e-10);
    expect(isZeroVolatility(1e-4, 2.7e-19)).toBe(true);
    expect(isZeroVolatility(4e-4, 0.012)).toBe(false);
    expect(isZeroVolatility(0, 0)).toBe(true);
    expect(isZeroVolatility(0, 1e-300)).toBe(false);
    // The boundary is inclusive: σ = 1e-10·|μ| counts as zero, the next double up does not.
    expect(isZeroVolatility(-1, 1e-10)).toBe(true);
    expect(isZeroVolatility(-1, 1.0000000000000002e-10)).toBe(false);
  });

  it('covarianceOf([1, 2, 3], [2, 4, 7]) = 2.5; ddof 0 → 5/3; negative; n ≤ ddof → 0', () => {
    expect(covarianceOf([1, 2, 3], [2, 4, 7])).toBe(2.5);
    expect(covarianceOf([1, 2, 3], [2, 4, 7], 0)).toBe(5 / 3);
    expect(covarianceOf([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(covarianceOf([1], [2])).toBe(0);
    // Ranges: the same pair embedded in longer arrays.
    expect(covarianceOf([0, 1, 2, 3, 0], [9, 2, 4, 7, 9], 1, 1, 4)).toBe(2.5);
    // cov(x, x) is the variance: the same algorithm except that meanVariance sums the squares
    // plainly (≈ √n·u ≈ 4e-15 relative for n = 1,260) where covarianceOf compensates.
    expectRel(covarianceOf(aapl, aapl), meanVariance(aapl).variance, 1e-14);
  });

  it('weightedMeanOf([0.01, 0.04], [0.5, 1]) = 0.03; constant series exact with EWMA weights', () => {
    expect(weightedMeanOf([0.01, 0.04], [0.5, 1])).toBe(0.03);
    // Half-life-63 weights over 1,260 days (not normalized, Σ w ≠ 1 in floating point).
    const w = Float64Array.from({ length: T }, (_, t) => Math.pow(2, -(T - 1 - t) / 63));
    expect(weightedMeanOf(tenth, w)).toBe(0.1);
    let sw = 0;
    let swx = 0;
    for (let t = 0; t < T; t++) {
      sw += w[t]!;
      swx += w[t]! * 0.1;
    }
    expect(swx / sw).not.toBe(0.1); // the naive Σ w x / Σ w: 0.09999999999999998
    expect(weightedMeanOf([], [])).toBeNaN();
    expect(weightedMeanOf([1, 2], [0, 0])).toBeNaN();
  });

  it('properties: a constant series has mean = value and variance = covariance = 0 exactly', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e300, max: 1e300, noNaN: true }),
        fc.integer({ min: 1, max: 400 }),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), {
          minLength: 400,
          maxLength: 400,
        }),
        (v, n, ys) => {
          const x = new Float64Array(n).fill(v);
          // Numeric equality (=== treats −0 and +0 alike: the mean of [−0] may come back as +0).
          expect(meanOf(x) === v, `meanOf ${v}`).toBe(true);
          expect(meanVariance(x).variance === 0).toBe(true);
          expect(covarianceOf(x, ys.slice(0, n)) === 0).toBe(true);
          // Any positive weights (Σ w = 0 would be NaN, as documented).
          const w = ys.slice(0, n).map((y) => Math.abs(y) + 0.5);
          expect(weightedMeanOf(x, w) === v).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: meanOf is within [min, max] and within two roundings of the exact mean', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1 }), (ints) => {
        // Integers (scaled by a power of two) sum exactly, so Σ / n is the mean rounded once.
        const scaled = ints.map((k) => k / 1024);
        const exact = ints.reduce((a, b) => a + b, 0) / ints.length / 1024;
        const k = scaled[0]!;
        // meanOf = k + (Σ (x − k)) / n: here the shifted sum is exact, then the division and the
        // addition round once each: |error| ≤ u·|mean − k| + u·|mean| (+ the reference's u·|mean|).
        const bound = 2 ** -53 * (Math.abs(exact - k) + 2 * Math.abs(exact));
        expect(Math.abs(meanOf(scaled) - exact)).toBeLessThanOrEqual(bound);
        expect(meanOf(ints)).toBeGreaterThanOrEqual(Math.min(...ints));
        expect(meanOf(ints)).toBeLessThanOrEqual(Math.max(...ints));
      }),
    );
  });
});

// ── Accuracy against exact rationals ────────────────────────────────────────────────────────────

describe('accuracy on ill-conditioned series vs exact rationals (sums_reference.py)', () => {
  it('the generators reproduce the reference doubles bit for bit', () => {
    for (const [name, [x, first, last]] of Object.entries(REF)) {
      expect(x, name).toHaveLength(T);
      expect(x[0], name).toBe(first);
      expect(x[T - 1], name).toBe(last);
    }
  });

  it('means: within 2 ulps (Neumaier: ≤ 2 ulps of the sum, then one division and one add)', () => {
    for (const [name, [x, , , m]] of Object.entries(REF)) {
      if (name === 'magnitude') continue; // see the next test
      expectUlps(meanOf(x), m, 2, `meanOf ${name}`);
      expectUlps(mean(x), m, 2, `stats.mean ${name}`);
    }
    // The naive Σ / n that was replaced misses by far more on the ill-conditioned ones.
    expect(Math.abs(ulps(naiveMean(offset), REF.offset![3]))).toBeGreaterThan(8); // 11 ulps
    expect(Math.abs(ulps(naiveMean(tenth), 0.1))).toBeGreaterThan(100); // 165 ulps
    expect(Math.abs(ulps(naiveMean(accrual), 7.93e-5))).toBeGreaterThan(50); // 68 ulps
  });

  it('values over 16 decades whose ±1e8 terms cancel (Σ|x| / |Σx| ≈ 1e10)', () => {
    const [x, , , m] = REF.magnitude!;
    // The compensated sum itself is exact to 2 ulps; the naive running sum loses the small
    // values' digits next to ±1e8 (3.4e-8 relative, about 1e8 ulps).
    expectUlps(neumaierSum(x) / T, m, 2, 'neumaierSum / n');
    expect(Math.abs(naiveMean(x) / m - 1)).toBeGreaterThan(1e-8);
    // meanOf shifts by k = x_1 first, and x_i − k is rounded when |x_i| ≫ |k| (here k ≈ −5e-9 is
    // dropped from every ±1e8 term, always in the same direction). Its error is therefore bounded
    // by (u·Σ|x_i − k| + 2u·|Σ x|) / n, not by a few ulps: 5e-7 relative on this series.
    // (Adding the exact TwoSum error of x_i − k to the compensation would make it exact; meanOf
    // is shared with src/forecast and left unchanged here — reported.)
    const k = x[0]!;
    let spread = 0;
    for (const v of x) spread += Math.abs(v - k);
    const bound = (2 ** -53 * spread + 2 ** -52 * Math.abs(m * T)) / T;
    expect(Math.abs(meanOf(x) - m)).toBeLessThanOrEqual(bound);
    expect(Math.abs(mean(x) - m)).toBeLessThanOrEqual(bound);
  });

  it('variances: exact where the deviations are exact, ≤ 4 ulps on the offset series', () => {
    for (const name of ['offset', 'offset2', 'accrual']) {
      const [x, , , , v1, v0] = REF[name]!;
      expectUlps(meanVariance(x).variance, v1, 4, `meanVariance ${name}`);
      expectUlps(variance(x), v1, 4, `stats.variance ${name}`);
      expectUlps(variance(x, 0), v0, 4, `stats.variance ddof 0 ${name}`);
      expectUlps(sampleCovariance([Float64Array.from(x)])[0]!, v1, 4, `sampleCovariance ${name}`);
      expectUlps(ledoitWolf([Float64Array.from(x)]).cov[0]!, v0, 4, `ledoitWolf ${name}`);
    }
    for (const name of ['tenth', 'money']) {
      const x = REF[name]![0];
      expect(variance(x), name).toBe(0);
      expect(std(x), name).toBe(0);
      expect(sampleCovariance([Float64Array.from(x)])[0], name).toBe(0);
      expect(ewmaCovariance([Float64Array.from(x)], 63)[0], name).toBe(0);
      expect(ledoitWolf([Float64Array.from(x)]).cov[0], name).toBe(0);
    }
    // What the replaced code reported: the mean's rounding error enters squared.
    expect(Math.abs(naiveVariance(offset) / REF.offset![4] - 1)).toBeGreaterThan(1e-7); // 3.0e-7 …
    expect(naiveVariance(accrual) / REF.accrual![4]).toBeGreaterThan(100); // … and 994× here
    expect(naiveVariance(tenth)).toBeGreaterThan(0); // 5.2e-30 for a constant series
  });

  it('variances of the wide-range and skewed series: ≤ 1e-14 relative', () => {
    // meanVariance sums the squared deviations plainly (terms ≥ 0, so no cancellation): relative
    // error ≤ (n − 1)·u ≈ 1.4e-13 in the worst case, about √n·u ≈ 4e-15 in practice; measured
    // 1.4e-15 (12 ulps) on `skewed`. The blocked sums of sampleCovariance do better.
    for (const name of ['magnitude', 'skewed']) {
      const [x, , , , v1, v0] = REF[name]!;
      expectRel(meanVariance(x).variance, v1, 1e-14);
      expectRel(variance(x, 0), v0, 1e-14);
      expectRel(sampleCovariance([Float64Array.from(x)])[0], v1, 1e-14);
    }
  });

  it('covariance and correlation of the two offset series: ≤ 4 ulps; naive off by 1e-7', () => {
    expectUlps(covarianceOf(offset, offset2), COV_OFFSET_DDOF1, 4, 'covarianceOf');
    expectUlps(covariance(offset, offset2), COV_OFFSET_DDOF1, 4, 'stats.covariance');
    expectUlps(covariance(offset, offset2, 0), COV_OFFSET_DDOF0, 4, 'stats.covariance ddof 0');
    expectUlps(correlation(offset, offset2), CORR_OFFSET, 4, 'stats.correlation');
    const C = sampleCovariance([Float64Array.from(offset), Float64Array.from(offset2)]);
    expectUlps(C[0]!, REF.offset![4], 4, 'sampleCovariance 11');
    expectUlps(C[1]!, COV_OFFSET_DDOF1, 4, 'sampleCovariance 12');
    expect(C[2]).toBe(C[1]);
    expectUlps(C[3]!, REF.offset2![4], 4, 'sampleCovariance 22');
    // The replaced covariance: centred on naive means, no correction.
    const mx = naiveMean(offset);
    const my = naiveMean(offset2);
    let s = 0;
    for (let t = 0; t < T; t++) s += (offset[t]! - mx) * (offset2[t]! - my);
    expect(Math.abs(s / (T - 1) / COV_OFFSET_DDOF1 - 1)).toBeGreaterThan(1e-8); // 8.3e-8
  });

  it('skewness and excess kurtosis of the skewed series: ≤ 1e-13 relative; naive off by 1e-6', () => {
    // g1 = m3/m2^1.5 and g2 = m4/m2² − 3 inherit the moments' ~1e-15 errors, amplified by
    // (g2 + 3)/g2 ≈ 5 for the kurtosis; measured 2e-15 and 1.1e-14.
    expectRel(skewness(skewed), SKEWED_G1, 1e-13);
    expectRel(excessKurtosis(skewed), SKEWED_G2, 1e-13);
    // The replaced moments (naive mean, no shift correction): g1 off by 1.25e-6 relative.
    const m = naiveMean(skewed);
    let s2 = 0;
    let s3 = 0;
    for (const v of skewed) {
      s2 += (v - m) ** 2;
      s3 += (v - m) ** 3;
    }
    const g1 = s3 / T / Math.pow(s2 / T, 1.5);
    expect(Math.abs(g1 / SKEWED_G1 - 1)).toBeGreaterThan(1e-7);
  });

  it('weighted mean of the offset series (weights halving every 20 days): ≤ 2 ulps', () => {
    const w = new Array<number>(T).fill(0);
    w[T - 1] = 1;
    for (let t = T - 2; t >= 0; t--) w[t] = (T - 1 - t) % 20 === 0 ? w[t + 1]! / 2 : w[t + 1]!;
    expectUlps(weightedMeanOf(offset, w), WEIGHTED_MEAN_STEPS20, 2, 'weightedMeanOf');
  });
});

// ── Regression: constant return series in the risk metrics ─────────────────────────────────────

/** Every figure finite or null, the schema valid, and exactly one ZERO_VOLATILITY warning. */
function expectZeroVolatility(r: ReturnType<typeof computeRiskMetrics>): void {
  const { metrics, warnings } = r;
  expect(metrics.volatility).toBe(0);
  expect(metrics.sharpe).toBeNull();
  expect(metrics.sortino).toBeNull();
  expect(warnings.filter((w) => w.code === 'ZERO_VOLATILITY')).toHaveLength(1);
  expect(warnings.map((w) => w.code)).not.toContain('ZERO_DOWNSIDE_DEVIATION');
  expect(warnings.map((w) => w.code)).not.toContain('NON_FINITE_RESULT');
  const msg = warnings.find((w) => w.code === 'ZERO_VOLATILITY')!.message;
  expect(msg).toMatch(/constant/);
  expect(msg).toMatch(/Sharpe and Sortino/);
  expect(msg).toMatch(/undefined \(null\)/);
  expect(RiskMetrics.safeParse(metrics).success).toBe(true);
  for (const v of Object.values(metrics))
    if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
}

describe('constant return series: volatility 0, Sharpe/Sortino null, ZERO_VOLATILITY', () => {
  it('0.0001 repeated 1,260 times (benchmark and reference real series)', () => {
    const flat = new Float64Array(T).fill(0.0001);
    const r = computeRiskMetrics({
      returns: flat,
      riskFreeRate: 0.02,
      benchmarkReturns: aapl,
      referenceReturns: xom,
      source: 'price_history',
    });
    expectZeroVolatility(r);
    expect(r.warnings.map((w) => w.code)).toEqual(['ZERO_VOLATILITY']);
    const m = r.metrics;
    // μ = 0.0001 exactly (meanOf), σ = 0: VaR figures are −μ, a sure daily gain.
    expect(m.expected_annual_return).toBe(252 * 0.0001);
    expect(m.parametric_var_95).toBe(-0.0001);
    expect(m.cornish_fisher_var_95).toBe(-0.0001);
    expect(m.var_95).toBe(-0.0001);
    expect(m.cvar_95).toBe(-0.0001);
    expect(m.max_drawdown).toBe(0); // wealth only rises
    expect(m.beta).toBe(0); // a constant series does not move with the benchmark
    // r − ref has the reference's spread: tracking error = std(XOM)·√252 (up to rounding).
    expectRel(m.tracking_error, Math.sqrt(variance(xom)) * Math.sqrt(252), 1e-12);
    expect(m.observations).toBe(T);
  });

  it("the bug report's money-market accrual (Math.pow prices): float noise only", () => {
    // The returns differ in the 13th significant digit (pow and division rounding) …
    expect(new Set(moneyPow).size).toBeGreaterThan(1);
    // … which the replaced code turned into σ > 0 and a Sharpe ratio of about −1e10.
    const oldSigma = Math.sqrt(naiveVariance(moneyPow)) * Math.sqrt(252);
    expect(oldSigma).toBeGreaterThan(0);
    expect(Math.abs((252 * naiveMean(moneyPow) - 0.02) / oldSigma)).toBeGreaterThan(1e9);

    const r = computeRiskMetrics({
      returns: moneyPow,
      riskFreeRate: 0.02,
      benchmarkReturns: aapl,
      source: 'price_history',
    });
    expectZeroVolatility(r);
    const mu = meanOf(moneyPow);
    expectRel(mu, 0.0000793, 1e-11);
    // σ/|μ| here is about 1e-12, below the 1e-10 tolerance.
    expect(Math.sqrt(variance(moneyPow)) / mu).toBeLessThan(ZERO_VOLATILITY_RELATIVE);
    const m = r.metrics;
    expect(m.expected_annual_return).toBe(252 * mu);
    expect(m.parametric_var_95).toBe(-mu);
    expect(m.cornish_fisher_var_95).toBe(-mu);
    expectRel(m.var_95, -mu, 1e-11); // an order statistic: μ up to the noise
    expectRel(m.cvar_95, -mu, 1e-11);
    expect(m.max_drawdown).toBe(0);
    expect(m.beta).toBe(0);
  });

  it('the noisy accrual of the reference (±4 ulps around 7.93e-5): mean exact, figures −μ', () => {
    const r = computeRiskMetrics({
      returns: Float64Array.from(accrual),
      riskFreeRate: 0.05, // above the accrual: every day is "downside", still no Sortino
      source: 'price_history',
    });
    expectZeroVolatility(r);
    expect(r.metrics.expected_annual_return).toBe(252 * 7.93e-5);
    expect(r.metrics.parametric_var_95).toBe(-7.93e-5);
    // The replaced code: σ = 2.9e-18·√252 from the mean's rounding (1,000× the true 2.9e-20).
    expect(Math.sqrt(naiveVariance(accrual))).toBeGreaterThan(1e-19);
  });

  it('a constant loss −0.0001/day: drawdown 1 − 0.9999^1260, VaR = +0.0001', () => {
    const down = new Float64Array(T).fill(-0.0001);
    const r = computeRiskMetrics({ returns: down, riskFreeRate: 0.02, source: 'price_history' });
    expectZeroVolatility(r);
    let w = 1;
    for (let t = 0; t < T; t++) w *= 1 - 0.0001;
    expect(r.metrics.max_drawdown).toBe(1 - w);
    expect(r.metrics.var_95).toBe(0.0001);
    expect(r.metrics.parametric_var_95).toBe(0.0001);
  });

  it('the tolerance: σ just above 1e-10·|μ| keeps the ratios, σ below it does not', () => {
    // μ = 1e-4 ± d alternating: σ ≈ d, tolerance 1e-10 · 1e-4 = 1e-14.
    const alt = (d: number) => Float64Array.from({ length: T }, (_, t) => 1e-4 + (t % 2 ? d : -d));
    const above = computeRiskMetrics({
      returns: alt(2e-14),
      riskFreeRate: 0,
      source: 'price_history',
    });
    expect(above.metrics.volatility).toBeGreaterThan(0);
    expect(above.metrics.sharpe).not.toBeNull();
    expect(above.warnings.map((w) => w.code)).not.toContain('ZERO_VOLATILITY');
    const below = computeRiskMetrics({
      returns: alt(5e-15),
      riskFreeRate: 0,
      source: 'price_history',
    });
    expectZeroVolatility(below);
  });

  it('constant benchmark → beta null (ZERO_BENCHMARK_VARIANCE); constant active return → TE 0', () => {
    const r = computeRiskMetrics({
      returns: aapl,
      riskFreeRate: 0.02,
      benchmarkReturns: moneyPow,
      referenceReturns: aapl.map((v) => v - 0.00002), // AAPL minus a fixed daily fee
      source: 'price_history',
    });
    expect(r.metrics.beta).toBeNull();
    expect(r.metrics.tracking_error).toBe(0);
    expect(r.metrics.sharpe).not.toBeNull();
    expect(r.warnings.map((w) => w.code)).toEqual(['ZERO_BENCHMARK_VARIANCE']);
    expect(r.warnings[0]!.message).toMatch(/constant/);
  });

  it('property: any constant series of ≥ 20 returns', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -0.5, max: 1, noNaN: true }),
        fc.integer({ min: 20, max: 300 }),
        fc.double({ min: -0.2, max: 1, noNaN: true }),
        (v, n, rf) => {
          const x = new Float64Array(n).fill(v);
          const r = computeRiskMetrics({
            returns: x,
            riskFreeRate: rf,
            benchmarkReturns: aapl.slice(0, n),
            referenceReturns: xom.slice(0, n),
            source: 'historical_returns',
          });
          expectZeroVolatility(r);
          expect(r.metrics.parametric_var_95 === -v).toBe(true);
          expect(r.metrics.cornish_fisher_var_95 === -v).toBe(true);
          if (n >= 100) expect(r.metrics.var_95 === -v && r.metrics.cvar_95 === -v).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('constant series in the covariance estimators and the Monte Carlo', () => {
  const flat = new Float64Array(T).fill(0.0001);

  it('a constant asset has an exactly zero row and column (sample, EWMA, Ledoit–Wolf)', () => {
    const R = [aapl, flat, xom];
    for (const [name, C] of [
      ['sample', sampleCovariance(R)],
      ['ewma', ewmaCovariance(R, 63)],
      ['ledoit_wolf off-diagonal', ledoitWolf(R).cov],
    ] as const)
      for (let j = 0; j < 3; j++) {
        if (name.startsWith('ledoit') && j === 1) continue; // the shrinkage target adds s·μ
        expect(C[1 * 3 + j], `${name} (1, ${j})`).toBe(0);
        expect(C[j * 3 + 1], `${name} (${j}, 1)`).toBe(0);
      }
    // The replaced estimator centred on Σ/n: 0.0001·1260/1260 ≠ 0.0001, variance 5.9e-40 …
    expect(naiveVariance(flat)).toBeGreaterThan(0);
  });

  it('gaussian Monte Carlo of a constant history: every path identical, no repair warning', () => {
    for (const rebalancing of ['constant_mix', 'buy_and_hold'] as const) {
      for (const [weights, assets] of [
        [[1], [flat]],
        [
          [0.5, 0.5],
          [flat, flat.map((v) => v * 2)],
        ],
      ] as const) {
        const { result, warnings } = runMonteCarlo({
          weights: Float64Array.from(weights),
          assetReturns: assets.map((a) => Float64Array.from(a)),
          settings: {
            paths: 500,
            horizon_days: 21,
            seed: 3,
            method: 'gaussian',
            block_size: 5,
            rebalancing,
          },
          initialValue: 1,
        });
        expect(warnings, rebalancing).toEqual([]);
        for (const b of result!.bands) {
          expect(b.p5, `${rebalancing} day ${b.day}`).toBe(b.p95);
          expect(b.p5).toBeGreaterThanOrEqual(1);
        }
        expect(result!.probability_of_loss).toBe(0);
      }
    }
  });

  it('buy_and_hold with a constant asset among varying ones: exact zero row, no repair', () => {
    const { warnings, result } = runMonteCarlo({
      weights: new Float64Array([0.4, 0.3, 0.3]),
      assetReturns: [aapl, flat, xom],
      settings: {
        paths: 300,
        horizon_days: 10,
        seed: 9,
        method: 'gaussian',
        block_size: 5,
        rebalancing: 'buy_and_hold',
      },
      initialValue: 1,
    });
    expect(warnings).toEqual([]);
    expect(result!.bands[10]!.p5).toBeLessThan(result!.bands[10]!.p95);
  });
});
