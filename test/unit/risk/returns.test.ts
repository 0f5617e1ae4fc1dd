import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { portfolioReturns, simpleReturns } from '../../../src/risk/returns';
import { expectRel, lastPrices, loadPrices } from './fixtures';

describe('simpleReturns', () => {
  it('hand-worked: [100, 110, 99] → [0.1, −0.1]', () => {
    // 110/100 − 1 = 0.1; 99/110 − 1 = −0.1.
    const r = simpleReturns([100, 110, 99]);
    expectRel(r[0], 0.1, 1e-15);
    expectRel(r[1], -0.1, 1e-15);
    expect(r.length).toBe(2);
  });

  it('fewer than two prices → empty', () => {
    expect(simpleReturns([5]).length).toBe(0);
    expect(simpleReturns([]).length).toBe(0);
  });

  it('rejects non-positive or non-finite prices, naming each index', () => {
    try {
      simpleReturns([1, 0, Number.NaN, 2]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      expect((e as EngineError).code).toBe('BAD_REQUEST');
      expect((e as EngineError).details.map((d) => d.path)).toEqual(['prices.1', 'prices.2']);
    }
  });
});

describe('portfolioReturns (daily-rebalanced constant mix)', () => {
  it('hand-worked: r1 = [0.01, −0.02], r2 = [0.03, 0], w = [0.5, 0.5]', () => {
    // Day 1: 0.5·0.01 + 0.5·0.03 = 0.02; day 2: 0.5·(−0.02) + 0.5·0 = −0.01.
    const r = portfolioReturns(
      [new Float64Array([0.01, -0.02]), new Float64Array([0.03, 0])],
      [0.5, 0.5],
    );
    expectRel(r[0], 0.02, 1e-15);
    expectRel(r[1], -0.01, 1e-15);
  });

  it('weights below 1 leave cash at 0%', () => {
    const r = portfolioReturns([new Float64Array([0.1])], [0.6]);
    expectRel(r[0], 0.06, 1e-15);
  });

  it('matches numpy R @ w for the equal-weight AAPL/JNJ/XOM fixture portfolio', () => {
    // test/reference/risk_reference.py: first_rp (last 1,260 price rows).
    const table = loadPrices('skfolio_sp500_dataset.csv');
    const series = ['AAPL', 'JNJ', 'XOM'].map((t) => simpleReturns(lastPrices(table, t, 1260)));
    const rp = portfolioReturns(series, [1 / 3, 1 / 3, 1 / 3]);
    expect(rp.length).toBe(1259);
    expectRel(rp[0], 0.0013956767334766993, 1e-12);
    expectRel(rp[1], -0.007110320365991277, 1e-12);
    expectRel(rp[2], 0.010345574780192452, 1e-12);
  });

  it('rejects mismatched lengths and weights', () => {
    expect(() => portfolioReturns([new Float64Array(3), new Float64Array(4)], [0.5, 0.5])).toThrow(
      EngineError,
    );
    expect(() => portfolioReturns([new Float64Array(3)], [0.5, 0.5])).toThrow(/invalid/);
    expect(() => portfolioReturns([new Float64Array(3)], [Number.NaN])).toThrow(EngineError);
  });
});
