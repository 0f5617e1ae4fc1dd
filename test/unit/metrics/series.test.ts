/**
 * The pure computations of src/risk/series/: each against the product's existing functions it
 * reproduces (stats.ts, metrics.ts, returns.ts, sums.ts), its worked example, and brute force.
 */
import { describe, expect, it } from 'vitest';
import { meanVariance } from '../../../src/domain/sums';
import { downsideDeviation, historicalVarCvar, maxDrawdown } from '../../../src/risk/metrics';
import { portfolioReturns, simpleReturns } from '../../../src/risk/returns';
import { alignedValues, alignSeries } from '../../../src/risk/series/align';
import { compoundedDrawdowns, uncompoundedDrawdowns } from '../../../src/risk/series/drawdown';
import { seriesMoments } from '../../../src/risk/series/moments';
import { normalQuantile } from '../../../src/risk/series/normal';
import {
  compoundingYears,
  periodsPerYear,
  yearsBetween,
} from '../../../src/risk/series/periodicity';
import { diversificationRatio, effectiveNumberOfAssets } from '../../../src/risk/series/portfolio';
import { calmarRatio, sharpeRatio, sortinoRatio } from '../../../src/risk/series/ratios';
import { relativeFigures } from '../../../src/risk/series/relative';
import { addWeighted, returnsInto } from '../../../src/risk/series/returns';
import { rollingSharpe } from '../../../src/risk/series/rolling';
import { tailCount, tailPlan, tailRisk } from '../../../src/risk/series/tail';
import { quantile, skewnessAndExcessKurtosis } from '../../../src/risk/stats';
import { Z_05 } from '../../../src/risk/metrics';
import { mulberry32 } from '../../integration/store/helpers';
import { expectRel } from '../risk/fixtures';

function normals(seed: number, n: number, mu = 0.0004, sd = 0.012): Float64Array {
  const rand = mulberry32(seed);
  return Float64Array.from({ length: n }, () => {
    const u = rand() || 1e-12;
    return mu + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  });
}

describe('seriesMoments', () => {
  it('worked example', () => {
    const m = seriesMoments(Float64Array.from([0.02, -0.01, -0.03, 0.01]), 0);
    expectRel(m.mean, -0.0025, 1e-14);
    expectRel(m.variance, 0.001475 / 3, 1e-13);
    expectRel(m.semiDeviation, 0.01645701471510958, 1e-13);
    expectRel(m.downsideDeviation, Math.sqrt(0.00025), 1e-14);
  });

  it('reproduces meanVariance, skewnessAndExcessKurtosis and downsideDeviation', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = normals(seed, 20 + seed * 37);
      const tau = (seed % 5) * 0.001 - 0.002;
      const m = seriesMoments(r, tau);
      const mv = meanVariance(r, 1);
      const [S, K] = skewnessAndExcessKurtosis(r);
      expect(m.mean).toBe(mv.mean);
      expectRel(m.variance, mv.variance, 1e-15);
      expectRel(m.skewness, S, 1e-13);
      expectRel(m.excessKurtosis, K, 1e-13);
      expectRel(m.downsideDeviation, downsideDeviation(r, tau), 1e-13);
      let semi = 0;
      for (const x of r) semi += Math.min(x - mv.mean, 0) ** 2;
      expectRel(m.semiDeviation, Math.sqrt(semi / (r.length - 1)), 1e-12);
    }
  });

  it('a constant series has variance, skewness and kurtosis exactly 0', () => {
    const m = seriesMoments(new Float64Array(1260).fill(0.0001), 0);
    expect([m.variance, m.skewness, m.excessKurtosis, m.semiDeviation]).toEqual([0, 0, 0, 0]);
  });
});

describe('drawdowns', () => {
  it('worked examples, compounded and uncompounded', () => {
    const r = Float64Array.from([0.1, -0.2, 0.05]);
    const out = new Float64Array(3);
    const c = compoundedDrawdowns(r, out);
    expectRel(c.max, 0.2, 1e-14);
    expectRel(c.average, 0.12, 1e-13);
    expectRel(c.ulcer, Math.sqrt((0.04 + 0.0256) / 3), 1e-13);
    expectRel(c.cumulative, -0.076, 1e-13);
    expect(Array.from(out).map((x) => +x.toFixed(12))).toEqual([0, -0.2, -0.16]);
    const u = uncompoundedDrawdowns(r, out);
    expectRel(u.max, 0.2, 1e-14);
    expectRel(u.average, 0.35 / 3, 1e-13);
    expectRel(u.ulcer, Math.sqrt((0.04 + 0.0225) / 3), 1e-13);
    expectRel(u.cumulative, -0.05, 1e-13);
  });

  it('the compounded maximum is maxDrawdown (metrics.ts) bit for bit', () => {
    const out = new Float64Array(3000);
    for (let seed = 1; seed <= 30; seed++) {
      const r = normals(seed, 100 + seed * 90, 0, 0.02);
      expect(compoundedDrawdowns(r, out).max).toBe(maxDrawdown(r));
    }
  });

  it('the starting capital is a peak: a series opening with losses draws down from 1', () => {
    const out = new Float64Array(2);
    expectRel(compoundedDrawdowns(Float64Array.from([-0.1, -0.1]), out).max, 0.19, 1e-14);
    expectRel(uncompoundedDrawdowns(Float64Array.from([-0.1, -0.1]), out).max, 0.2, 1e-14);
  });
});

describe('tailRisk', () => {
  const sizes = [1, 2, 7, 50, 199, 511, 512, 1000, 2520, 5001];
  it('quantile: VaR is −quantile() (stats.ts) bit for bit, CVaR is historicalVarCvar', () => {
    for (const n of sizes)
      for (const levels of [[0.95], [0.99, 0.95, 0.5], [0.999], [0.01]]) {
        const x = normals(n, n);
        const plan = tailPlan(levels);
        const v = new Float64Array(levels.length);
        const cv = new Float64Array(levels.length);
        const copy = Float64Array.from(x);
        tailRisk(x, plan, 'quantile', new Float64Array(n), v, cv);
        expect(x).toEqual(copy);
        levels.forEach((c, j) => {
          expect(v[j]).toBe(-quantile(x, 1 - c));
          expectRel(cv[j], historicalVarCvar(x, 1 - c).cvar, 1e-14);
        });
      }
  });

  it('quantile: an adversarial layout that defeats the sample falls back to every value', () => {
    // The stride sample reads positions ⌊(i + 0.5)·n/128⌋: put the smallest values there, so the
    // sampled threshold is too low and fewer than the needed values pass it.
    const n = 2560;
    const x = normals(3, n, 0.01, 0.001);
    const step = n / 128;
    for (let i = 0; i < 128; i++) x[Math.floor((i + 0.5) * step)] = -1 + i * 1e-6;
    const v = new Float64Array(1);
    const cv = new Float64Array(1);
    tailRisk(x, tailPlan([0.9]), 'quantile', new Float64Array(n), v, cv);
    expect(v[0]).toBe(-quantile(x, 0.1));
    expectRel(cv[0], historicalVarCvar(x, 0.1).cvar, 1e-14);
  });

  it('rockafellar_uryasev: the brute-force definition on sorted values', () => {
    for (const n of sizes)
      for (const c of [0.95, 0.99, 0.5, 0.9]) {
        const x = normals(n + 1, n);
        const v = new Float64Array(1);
        const cv = new Float64Array(1);
        tailRisk(x, tailPlan([c]), 'rockafellar_uryasev', new Float64Array(n), v, cv);
        const s = Array.from(x).sort((a, b) => a - b);
        const k = tailCount(1 - c, n);
        const VaR = -s[Math.min(Math.floor(k), n - 1)]!;
        const CVaR = VaR + s.reduce((acc, xi) => acc + Math.max(-xi - VaR, 0), 0) / k;
        expect(v[0]).toBe(VaR);
        expectRel(cv[0], CVaR, 1e-12);
      }
  });

  it('rockafellar_uryasev: skfolio test_value_at_risk_integer_tail_size (losses 1..n permuted)', () => {
    // skfolio tests/test_measures/test_measures.py: when (1 − β)n is an integer k (inexact in
    // floating point), the VaR is the (k + 1)-th largest loss; expected = n − rank + 1.
    const cases: [number, number, number][] = [
      [20, 0.95, 2],
      [100, 0.99, 2],
      [100, 0.95, 6],
      [200, 0.95, 11],
      [1000, 0.99, 11],
      [1000, 0.975, 26],
      [10, 0.9, 2],
      [100, 0.8, 21],
      [252, 0.95, 13],
      [100, 0.995, 1],
      [100, 0.95 + 1e-12, 5],
      [100, 0.95 - 1e-12, 6],
    ];
    for (const [n, beta, rank] of cases) {
      const rand = mulberry32(n);
      const losses = Array.from({ length: n }, (_, i) => i + 1).sort(() => rand() - 0.5);
      const v = new Float64Array(1);
      const cv = new Float64Array(1);
      tailRisk(
        Float64Array.from(losses, (l) => -l),
        tailPlan([beta]),
        'rockafellar_uryasev',
        new Float64Array(n),
        v,
        cv,
      );
      expect(v[0]).toBe(n - rank + 1);
    }
  });
});

describe('normalQuantile', () => {
  it('Φ⁻¹(0.05) is the product’s Z_05 to 1 ulp, and the function is odd about 0.5', () => {
    expectRel(normalQuantile(0.05), Z_05, 4e-16);
    // Dyadic p, so that 1 − p is exact.
    for (const p of [2 ** -40, 2 ** -10, 0.25, 0.375, 0.46875])
      expectRel(normalQuantile(1 - p), -normalQuantile(p), 1e-15);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(Number.isNaN(normalQuantile(1.5))).toBe(true);
  });
});

describe('relativeFigures', () => {
  it('worked example', () => {
    const x = relativeFigures(
      Float64Array.from([0.01, 0.03, -0.02]),
      Float64Array.from([0.005, 0.02, -0.01]),
      0,
      252,
      false,
    );
    expectRel(x.beta, 5 / 3, 1e-13);
    expectRel(x.alpha, -0.42, 1e-12);
    expectRel(x.excessSharpe, 0.1601281538050871, 1e-13);
    expectRel(x.trackingError, 0.16522711641858306, 1e-13);
    expectRel(x.informationRatio, 2.5419556372089698, 1e-13);
  });

  it('given means give the same figures as computed ones', () => {
    const r = normals(5, 300);
    const b = normals(6, 300);
    const a = relativeFigures(r, b, 0.0001, 252, false);
    const m = relativeFigures(r, b, 0.0001, 252, false, meanVariance(r).mean, meanVariance(b).mean);
    expect(m).toEqual(a);
  });
});

describe('rollingSharpe', () => {
  it('worked example and the naive window formula across resynchronizations', () => {
    const out = new Float64Array(2);
    rollingSharpe(Float64Array.from([0.01, -0.01, 0.02, 0]), 3, 0, 252, out);
    expectRel(out[0], 6.92820323027551, 1e-12);
    expectRel(out[1], 3.4641016151377544, 1e-12);
    const r = normals(9, 1500);
    for (const w of [2, 5, 63, 700]) {
      const o = new Float64Array(r.length - w + 1);
      rollingSharpe(r, w, 0.00008, 252, o);
      for (let k = 0; k < o.length; k += 97) {
        const mv = meanVariance(r.subarray(k, k + w), 1);
        expectRel(o[k], ((mv.mean - 0.00008) / Math.sqrt(mv.variance)) * Math.sqrt(252), 1e-9);
      }
    }
  });

  it('a constant window is NaN (reported null)', () => {
    const out = new Float64Array(3);
    rollingSharpe(Float64Array.from([0.01, 0.01, 0.01, 0.02, 0.01]), 3, 0, 252, out);
    expect(Number.isNaN(out[0])).toBe(true);
    expect(Number.isFinite(out[1])).toBe(true);
  });
});

describe('alignment, returns, periodicity, ratios, portfolio', () => {
  it('alignSeries by dates and by position', () => {
    const a = alignSeries(
      [3, 2],
      [
        ['2024-01-02', '2024-01-03', '2024-01-04'],
        ['2024-01-03', '2024-01-04'],
      ],
    );
    expect(a.by).toBe('dates');
    expect(a.n).toBe(2);
    if (a.by === 'dates')
      expect(a.index.map((i) => Array.from(i))).toEqual([
        [1, 2],
        [0, 1],
      ]);
    const p = alignSeries([5, 3], [null, ['2024-01-01', '2024-01-02', '2024-01-03']]);
    expect(p).toEqual({ by: 'position', n: 3 });
    expect(
      Array.from(alignedValues(Float64Array.from([1, 2, 3, 4, 5]), p, 0, new Float64Array(5))),
    ).toEqual([3, 4, 5]);
    const gaps = alignSeries(
      [4, 4, 3],
      [
        ['2024-01-01', '2024-01-02', '2024-01-04', '2024-01-05'],
        ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'],
        ['2024-01-02', '2024-01-05', '2024-01-06'],
      ],
    );
    expect(gaps.by === 'dates' && gaps.dates).toEqual(['2024-01-02', '2024-01-05']);
  });

  it('returnsInto is simpleReturns; addWeighted builds portfolioReturns', () => {
    const p = [100, 110, 99, 120.5];
    const out = new Float64Array(4);
    expect(Array.from(returnsInto(p, true, out))).toEqual(Array.from(simpleReturns(p)));
    expect(Array.from(returnsInto([0.01, 0.02], false, out))).toEqual([0.01, 0.02]);
    const r1 = Float64Array.from([0.01, -0.02]);
    const r2 = Float64Array.from([0.03, 0]);
    const acc = new Float64Array(2);
    addWeighted(acc, 0.5, r1);
    addWeighted(acc, 0.5, r2);
    expect(Array.from(acc)).toEqual(Array.from(portfolioReturns([r1, r2], [0.5, 0.5])));
  });

  it('periods per year and compounding years', () => {
    expect([
      periodsPerYear('daily'),
      periodsPerYear('weekly'),
      periodsPerYear('monthly'),
      periodsPerYear('quarterly'),
      periodsPerYear('annual'),
      periodsPerYear(365),
    ]).toEqual([252, 52, 12, 4, 1, 365]);
    expectRel(yearsBetween('2020-01-01', '2021-01-01'), 366 / 365.25, 1e-15);
    expect(compoundingYears(12, 12, null, false)).toBe(1);
    expectRel(compoundingYears(2, 12, ['2020-01-31', '2021-01-31'], true), 366 / 365.25, 1e-15);
    const monthEnds = [
      '2020-02-29',
      '2020-03-31',
      '2020-04-30',
      '2020-05-31',
      '2020-06-30',
      '2020-07-31',
      '2020-08-31',
      '2020-09-30',
      '2020-10-31',
      '2020-11-30',
      '2020-12-31',
      '2021-01-31',
    ];
    expectRel(compoundingYears(12, 12, monthEnds, false), ((337 / 365.25) * 12) / 11, 1e-15);
  });

  it('ratio examples', () => {
    expectRel(sharpeRatio(0.0005, 0.01, 0.02, 252), 0.6677372356496347, 1e-14);
    expectRel(sortinoRatio(0.0005, 0.006, 0, 252), 1.3228756555322951, 1e-14);
    expect(calmarRatio(0.12, 0.3)).toBeCloseTo(0.4, 15);
    expect(calmarRatio(0.12, 0)).toBeNull();
    expect(sharpeRatio(0.001, 0, 0, 252)).toBeNull();
  });

  it('effective number of assets and diversification ratio examples', () => {
    expect(effectiveNumberOfAssets([0.25, 0.25, 0.25, 0.25])).toBe(4);
    expectRel(effectiveNumberOfAssets([0.5, 0.3, 0.2]), 1 / 0.38, 1e-15);
    expect(effectiveNumberOfAssets([0, 0])).toBeNull();
    expectRel(
      diversificationRatio([0.5, 0.5], [0.2, 0.2], Math.sqrt(2 * 0.25 * 0.04)),
      Math.SQRT2,
      1e-15,
    );
    expect(diversificationRatio([1], [0.2], 0)).toBeNull();
  });
});
