import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HISTOGRAM_BINS,
  runMonteCarlo,
  terminalHistogram,
  type MonteCarloRunSettings,
} from '../../../src/risk/montecarlo';
import { simpleReturns } from '../../../src/risk/returns';
import { lastPrices, loadPrices } from './fixtures';

/** Counts by the published edges alone: bin k is [e_k, e_{k+1}), the last also holds e_bins. */
function recount(values: number[], edges: number[]): number[] {
  const bins = edges.length - 1;
  return Array.from(
    { length: bins },
    (_, k) =>
      values.filter((v) =>
        k === bins - 1
          ? v >= (edges[k] as number) && v <= (edges[k + 1] as number)
          : v >= (edges[k] as number) && v < (edges[k + 1] as number),
      ).length,
  );
}

describe('terminalHistogram', () => {
  it('hand-checked: [0.9, 1.0, 1.1, 1.2] in 2 bins → edges [0.9, 1.05, 1.2], counts [2, 2]', () => {
    const h = terminalHistogram([1.2, 0.9, 1.1, 1.0], 2);
    expect(h.edges[0]).toBe(0.9);
    expect(h.edges[1]).toBeCloseTo(1.05, 15);
    expect(h.edges[2]).toBe(1.2);
    expect(h.counts).toEqual([2, 2]);
  });

  it('hand-checked: a value on an inner edge goes to the bin on its right; the maximum to the last', () => {
    // width 1: edges 0, 1, 2, 3, 4; values 0 | 1 | 2, 2 | 3, 4
    const h = terminalHistogram([0, 1, 2, 2, 3, 4], 4);
    expect(h.edges).toEqual([0, 1, 2, 3, 4]);
    expect(h.counts).toEqual([1, 1, 2, 2]);
  });

  it('a range so small that its width underflows still counts by the edges', () => {
    const values = [0, 5e-324, 5e-324];
    const h = terminalHistogram(values, 2);
    expect(h.counts).toEqual(recount(values, h.edges));
    expect(h.counts.reduce((s, c) => s + c, 0)).toBe(3);
  });

  it('every path ending at the same value: one bin [v, v]', () => {
    expect(terminalHistogram([1.01, 1.01, 1.01], 40)).toEqual({
      edges: [1.01, 1.01],
      counts: [3],
    });
  });

  it('property: counts agree with the published edges and sum to the number of values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 2, maxLength: 300 }),
        fc.integer({ min: 1, max: 60 }),
        (values, bins) => {
          const h = terminalHistogram(values, bins);
          expect(h.counts.reduce((s, c) => s + c, 0)).toBe(values.length);
          expect(h.edges.length).toBe(h.counts.length + 1);
          expect(h.counts).toEqual(recount(values, h.edges));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('Monte Carlo terminal_histogram', () => {
  const table = loadPrices('skfolio_sp500_dataset.csv');
  const R = ['AAPL', 'JNJ', 'XOM'].map((t) => simpleReturns(lastPrices(table, t, 253)));
  const w = new Float64Array([0.4, 0.3, 0.25]);
  const cases: Partial<MonteCarloRunSettings>[] = [
    { method: 'gaussian', rebalancing: 'constant_mix' },
    { method: 'bootstrap', rebalancing: 'constant_mix' },
    { method: 'gaussian', rebalancing: 'buy_and_hold' },
    { method: 'bootstrap', rebalancing: 'buy_and_hold', horizon_days: 63 },
  ];
  for (const over of cases)
    it(`${over.method} ${over.rebalancing}: 40 bins over all paths, min..max, loss within one bin`, () => {
      const settings: MonteCarloRunSettings = {
        paths: 3000,
        horizon_days: 21,
        seed: 7,
        method: 'gaussian',
        block_size: 5,
        rebalancing: 'constant_mix',
        ...over,
      };
      const r = runMonteCarlo({ weights: w, assetReturns: R, settings, initialValue: 1e6 }).result!;
      const { edges, counts } = r.terminal_histogram;
      expect(counts).toHaveLength(HISTOGRAM_BINS);
      expect(edges).toHaveLength(HISTOGRAM_BINS + 1);
      expect(counts.reduce((s, c) => s + c, 0)).toBe(r.paths);
      // The edges span the simulated range: the 5% quantile lies inside, the extremes on the edges.
      expect(edges[0]!).toBeLessThanOrEqual(r.worst_5pct_terminal_value);
      expect(edges[HISTOGRAM_BINS]!).toBeGreaterThanOrEqual(r.bands.at(-1)!.p95);
      expect(counts[0]).toBeGreaterThan(0);
      expect(counts[HISTOGRAM_BINS - 1]).toBeGreaterThan(0);
      // P(W_H < 1) from the bins: those entirely below 1 give a lower bound, adding the bin that
      // contains 1 an upper bound.
      let below = 0;
      let straddle = 0;
      for (let k = 0; k < counts.length; k++) {
        if (edges[k + 1]! <= 1) below += counts[k]!;
        else if (edges[k]! < 1) straddle += counts[k]!;
      }
      const losses = r.probability_of_loss * r.paths;
      expect(losses).toBeGreaterThanOrEqual(below);
      expect(losses).toBeLessThanOrEqual(below + straddle);
    });
});
