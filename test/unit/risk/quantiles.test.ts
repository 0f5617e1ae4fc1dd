import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanOf } from '../../../src/domain/sums';
import { sampleCovariance } from '../../../src/risk/covariance';
import {
  BAND_PROBABILITIES,
  runMonteCarlo,
  simulatePortfolioGaussianPaths,
} from '../../../src/risk/montecarlo';
import { simpleReturns } from '../../../src/risk/returns';
import { MULTI_SELECT_MIN_N, quantilesInPlace } from '../../../src/risk/stats';
import { lastPrices, loadPrices } from './fixtures';

/**
 * Plain type-7 quantile by a full sort (numpy.quantile, method="linear"): h = (n − 1)p,
 * j = ⌊h⌋, t = h − j, then numpy's _lerp(x_(j), x_(j+1), t), which for t ≥ 0.5 is computed from
 * the upper end. Bit for bit what numpy returns for these order statistics.
 */
function sortQuantile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const h = (n - 1) * p;
  const j = Math.floor(h);
  const t = h - j;
  const lo = sorted[j]!;
  if (t === 0 || j >= n - 1) return lo;
  const hi = sorted[j + 1]!;
  const d = hi - lo;
  return t >= 0.5 ? hi - d * (1 - t) : lo + d * t;
}

function sortQuantiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => sortQuantile(sorted, p));
}

/** ±0 are equal values whose order a sort and a selection may report differently: use +0 only. */
const noNegZero = (v: number) => (v === 0 ? 0 : v);

// Value distributions: heavy ties, a handful of distinct values, ordinary doubles, wealth-like
// values with far outliers (the sampled slot range then misses some order statistics), the full
// double range (slot arithmetic overflows → selection fallback) and tiny subnormal spreads.
const values = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map((v) => v / 8),
  fc.constantFrom(0.5, 1, 1.25),
  fc.double({ min: -1e3, max: 1e3, noNaN: true }).map(noNegZero),
  fc.oneof(
    { weight: 20, arbitrary: fc.double({ min: 0.8, max: 1.2, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 1e-300, 1e9, -1e9, 5e307) },
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(noNegZero),
  fc.double({ min: -1e-310, max: 1e-310, noNaN: true }).map(noNegZero),
);

/** One array: tiny, below the counting threshold, or above it; constant arrays included. */
const arrays = fc.oneof(
  fc.array(values, { minLength: 1, maxLength: 4 }),
  fc.array(values, { minLength: 1, maxLength: MULTI_SELECT_MIN_N - 1 }),
  fc
    .integer({ min: MULTI_SELECT_MIN_N, max: 3000 })
    .chain((n) => fc.array(values, { minLength: n, maxLength: n })),
  fc
    .tuple(values, fc.integer({ min: 1, max: 2000 }))
    .map(([v, n]) => Array.from({ length: n }, () => v)),
  // Mostly one value with a few others: most ranks share one slot.
  fc
    .tuple(
      fc.integer({ min: MULTI_SELECT_MIN_N, max: 2000 }),
      fc.array(fc.tuple(fc.nat(), values), { maxLength: 20 }),
    )
    .map(([n, others]) => {
      const a = Array.from({ length: n }, () => 1);
      for (const [i, v] of others) a[i % n] = v;
      return a;
    }),
);

const probabilityLists = fc.oneof(
  fc.constant([...BAND_PROBABILITIES]),
  fc.constant([0, 1]),
  fc
    .array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.05, 0.5, 1)), {
      minLength: 1,
      maxLength: 8,
    })
    .map((ps) => ps.sort((a, b) => a - b)),
);

describe('quantilesInPlace equals a sort-based type-7 quantile exactly', () => {
  it('random data incl. ties, equal values, outliers and tiny arrays (1,000 runs)', () => {
    fc.assert(
      fc.property(arrays, probabilityLists, (vals, ps) => {
        const out = new Float64Array(ps.length);
        quantilesInPlace(Float64Array.from(vals), ps, out);
        const want = sortQuantiles(vals, ps);
        for (let k = 0; k < ps.length; k++) expect(out[k]).toBe(want[k]);
      }),
      { numRuns: 1000 },
    );
  });

  it('adversarial orders: sorted, reversed, sawtooth, outliers only off the sample stride', () => {
    const n = 10_000;
    const cases: Float64Array[] = [
      Float64Array.from({ length: n }, (_, i) => i),
      Float64Array.from({ length: n }, (_, i) => -i / 3),
      Float64Array.from({ length: n }, (_, i) => (i % 97) / 7),
      // Every odd index an extreme: a stride sample can see only one kind of value.
      Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1e12 * (i % 5) : 1 + i * 1e-9)),
      Float64Array.from({ length: n }, (_, i) => (i % 100 === 0 ? -1e200 : 1)),
      Float64Array.from({ length: 257 }, (_, i) => (i === 128 ? 2 : 1)),
    ];
    const lists = [[...BAND_PROBABILITIES], [0, 0.001, 0.5, 0.999, 1], [0.5, 0.5, 0.5]];
    for (const a of cases)
      for (const ps of lists) {
        const out = new Float64Array(ps.length);
        quantilesInPlace(Float64Array.from(a), ps, out);
        expect(Array.from(out)).toEqual(sortQuantiles(a, ps));
      }
  });

  it('non-finite values give the results of the selection path (sort order for ±Infinity)', () => {
    const n = 1000;
    const a = Float64Array.from({ length: n }, (_, i) =>
      i % 10 === 3 ? Infinity : i % 10 === 7 ? -Infinity : (i * 7919) % 1009,
    );
    const ps = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1];
    const out = new Float64Array(ps.length);
    quantilesInPlace(Float64Array.from(a), ps, out);
    expect(Array.from(out)).toEqual(sortQuantiles(a, ps));
  });
});

describe('runMonteCarlo bands and terminal quantile equal sort-based type-7 exactly', () => {
  it('6 assets × 1,260 days, 10,000 paths × 21 days, gaussian constant mix', () => {
    const table = loadPrices('skfolio_sp500_dataset.csv');
    const names = ['AAPL', 'AMD', 'BAC', 'JNJ', 'KO', 'XOM'];
    const R = names.map((t) => simpleReturns(lastPrices(table, t, 1261)));
    const w = new Float64Array(6).fill(1 / 6);
    const P = 10_000;
    const H = 21;
    const { result } = runMonteCarlo({
      weights: w,
      assetReturns: R,
      settings: {
        paths: P,
        horizon_days: H,
        seed: 42,
        method: 'gaussian',
        block_size: 5,
        rebalancing: 'constant_mix',
      },
      initialValue: 1,
    });
    // The same simulation, with the portfolio series built as runMonteCarlo builds it.
    const rp = new Float64Array(R[0]!.length);
    for (let i = 0; i < 6; i++)
      for (let t = 0; t < rp.length; t++) rp[t] = rp[t]! + w[i]! * R[i]![t]!;
    const store = new Float64Array(P * H);
    const terminal = new Float64Array(P);
    const s = Math.sqrt(sampleCovariance([rp])[0]!);
    simulatePortfolioGaussianPaths(meanOf(rp), s, P, H, 42, store, terminal);
    const ps = [...BAND_PROBABILITIES];
    for (let d = 1; d <= H; d++) {
      const [p5, p25, p50, p75, p95] = sortQuantiles(store.subarray((d - 1) * P, d * P), ps);
      expect(result!.bands[d]).toEqual({ day: d, p5, p25, p50, p75, p95 });
    }
    const q05 = sortQuantiles(terminal, [0.05])[0]!;
    expect(result!.worst_5pct_terminal_value).toBe(q05);
    let tail = 0;
    let count = 0;
    for (const v of terminal)
      if (v <= q05) {
        tail += v;
        count++;
      }
    expect(result!.expected_shortfall_terminal_value).toBe(tail / count);
  });
});
