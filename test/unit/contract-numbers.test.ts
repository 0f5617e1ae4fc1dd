import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodDetails } from '../../src/contract/common';
import {
  MAX_NUMBER_ISSUES,
  numberArray,
  type NumberArrayOptions,
} from '../../src/contract/numbers';
import { RebalanceRequest } from '../../src/contract/rebalance';

/** What numberArray replaces: one zod number schema per element. */
function elementWise(o: NumberArrayOptions) {
  let el = z.number();
  if (o.gt !== undefined) el = el.gt(o.gt, o.messages?.gt);
  if (o.min !== undefined) el = el.min(o.min, o.messages?.min);
  if (o.max !== undefined) el = el.max(o.max, o.messages?.max);
  const a = z.array(el);
  return o.maxLength !== undefined ? a.max(o.maxLength) : a;
}

const RETURNS: NumberArrayOptions = {
  gt: -1,
  max: 10,
  maxLength: 20000,
  messages: { gt: 'a return must be > -1 (a price cannot go below zero)' },
};
const PRICES: NumberArrayOptions = { gt: 0, max: 1e12, messages: { gt: 'prices must be > 0' } };

const issuesOf = (s: z.ZodType, v: unknown) =>
  (s.safeParse(v).error?.issues ?? []).map((i) => ({
    code: i.code,
    path: i.path,
    message: i.message,
  }));

const days = ['2026-01-02', '2026-01-05', '2026-01-06', '2026-01-07'];
const prices = (n: number) => Array.from({ length: n }, (_, i) => 100 + i);
function request(series: unknown[]) {
  return {
    portfolio_value: 1e6,
    assets: [
      { asset: 'AAPL', target_weight: 0.5, current_weight: 0.5, price: 100 },
      { asset: 'MSFT', target_weight: 0.5, current_weight: 0.5, price: 100 },
    ],
    price_history: {
      dates: Array.from({ length: series.length }, (_, i) =>
        new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10),
      ),
      prices: { AAPL: series, MSFT: prices(series.length) },
    },
  };
}

describe('numberArray in the rebalance request', () => {
  it('accepts a valid request and returns the very same arrays', () => {
    const raw = request(prices(30));
    const parsed = RebalanceRequest.parse(raw);
    expect(parsed.price_history!.prices.AAPL).toBe(raw.price_history.prices.AAPL);
    expect(parsed.price_history!.prices.AAPL).toEqual(prices(30));
  });
  it('reports each bad price with its index in the path', () => {
    const s: unknown[] = prices(30);
    s[3] = 0;
    s[17] = -5;
    s[20] = 2e12;
    s[25] = 'x';
    const r = RebalanceRequest.safeParse(request(s));
    expect(r.success).toBe(false);
    const details = zodDetails(r.error!).filter((d) => d.path.startsWith('price_history.prices'));
    expect(details).toEqual([
      { path: 'price_history.prices.AAPL.3', message: 'prices must be > 0' },
      { path: 'price_history.prices.AAPL.17', message: 'prices must be > 0' },
      {
        path: 'price_history.prices.AAPL.20',
        message: 'Too big: expected number to be <=1000000000000',
      },
      {
        path: 'price_history.prices.AAPL.25',
        message: 'Invalid input: expected number, received string',
      },
    ]);
  });
  it('checks historical_returns and benchmark.prices the same way', () => {
    const raw = {
      ...request(prices(days.length)),
      assets: [
        {
          asset: 'AAPL',
          target_weight: 1,
          current_weight: 1,
          price: 100,
          historical_returns: [0.01, -1, 0.02, 11],
        },
      ],
      benchmark: { prices: [100, NaN, 101, 102] },
    };
    const d = zodDetails(RebalanceRequest.safeParse(raw).error!);
    expect(d).toEqual(
      expect.arrayContaining([
        {
          path: 'assets.0.historical_returns.1',
          message: 'a return must be > -1 (a price cannot go below zero)',
        },
        { path: 'assets.0.historical_returns.3', message: 'Too big: expected number to be <=10' },
        { path: 'benchmark.prices.1', message: 'Invalid input: expected number, received NaN' },
      ]),
    );
  });
});

describe('numberArray', () => {
  const s = numberArray(PRICES);
  it('rejects NaN, ±Infinity, strings, null, booleans and holes, as z.number() does', () => {
    // eslint-disable-next-line no-sparse-arrays
    const bad = [1, NaN, Infinity, -Infinity, '2', null, true, undefined, , 3];
    const got = issuesOf(s, bad);
    expect(got.map((i) => i.path)).toEqual([[1], [2], [3], [4], [5], [6], [7], [8]]);
    expect(got).toEqual(issuesOf(elementWise(PRICES), bad));
    expect(got[0]!.message).toBe('Invalid input: expected number, received NaN');
    expect(got[1]!.message).toBe('Invalid input: expected number, received Infinity');
  });
  it('rejects a non-array with one issue, as z.array does', () => {
    for (const v of ['1,2', 3, null, undefined, { 0: 1, length: 1 }]) {
      const got = issuesOf(s, v);
      expect(got).toHaveLength(1);
      expect(got).toEqual(issuesOf(elementWise(PRICES), v));
    }
    expect(issuesOf(s, 'x')[0]!.message).toBe('Invalid input: expected array, received string');
  });
  it('refuses a too-long array with the length issue only', () => {
    const t = numberArray({ ...RETURNS, maxLength: 3 });
    const v = [0, -2, 0, 0];
    expect(issuesOf(t, v)).toEqual([
      { code: 'too_big', path: [], message: 'Too big: expected array to have <=3 items' },
    ]);
    expect(issuesOf(t, v)).toEqual(issuesOf(elementWise({ ...RETURNS, maxLength: 3 }), v));
    expect(t.safeParse([0, 0, 0]).success).toBe(true);
  });
  it('lists the first 20 bad values, then one summary issue', () => {
    const v = Array.from({ length: 100 }, (_, i) => (i % 2 ? -i : i + 1));
    const got = issuesOf(s, v);
    expect(got).toHaveLength(MAX_NUMBER_ISSUES + 1);
    expect(got.slice(0, MAX_NUMBER_ISSUES).map((i) => i.path[0])).toEqual(
      Array.from({ length: 20 }, (_, k) => 2 * k + 1),
    );
    expect(got[MAX_NUMBER_ISSUES]).toEqual({
      code: 'custom',
      path: [],
      message: '30 more invalid values from index 41 on (only the first 20 are listed)',
    });
  });
  it('bounds: gt is exclusive, min and max inclusive', () => {
    expect(s.safeParse([1e12, Number.MIN_VALUE]).success).toBe(true);
    expect(s.safeParse([0]).success).toBe(false);
    expect(s.safeParse([1e12 + 1e-3]).success).toBe(false);
    const m = numberArray({ min: 0 });
    expect(m.safeParse([0, -0, 1e308]).success).toBe(true);
    expect(issuesOf(m, [-Number.MIN_VALUE])).toEqual(
      issuesOf(elementWise({ min: 0 }), [-Number.MIN_VALUE]),
    );
    expect(numberArray().safeParse([-1e308, 0, 1e308]).success).toBe(true);
    expect(numberArray().safeParse([Infinity]).success).toBe(false);
    expect(() => numberArray({ gt: 0, min: 0 })).toThrow(/gt or min/);
  });
  it('agrees with the element-wise schema on random arrays and bounds', () => {
    const value = fc.oneof(
      fc.double(),
      fc.constantFrom(-1, 0, -0, 10, 1e12, NaN, Infinity, -Infinity),
      fc.constantFrom('1', null, true, undefined),
    );
    const bounds = fc.record(
      {
        gt: fc.constantFrom(-1, 0),
        min: fc.constantFrom(-1, 0),
        max: fc.constantFrom(10, 1e12),
        maxLength: fc.integer({ min: 0, max: 12 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 15 }), bounds, (a, b) => {
        const o: NumberArrayOptions = b.gt !== undefined ? { ...b, min: undefined } : b;
        const r = numberArray(o).safeParse(a);
        expect(r.success).toBe(elementWise(o).safeParse(a).success);
        expect(issuesOf(numberArray(o), a)).toEqual(issuesOf(elementWise(o), a));
        if (r.success) expect(r.data).toBe(a);
      }),
      { numRuns: 500 },
    );
  });
  it('has the JSON Schema of the element-wise schema (OpenAPI unchanged)', () => {
    const js = (x: z.ZodType) =>
      JSON.stringify(z.toJSONSchema(x, { io: 'input', unrepresentable: 'any' }));
    for (const o of [RETURNS, PRICES, { min: 0, maxLength: 5 }, {}])
      expect(js(numberArray(o))).toBe(js(elementWise(o)));
    expect(js(numberArray(RETURNS).optional().describe('d'))).toBe(
      js(elementWise(RETURNS).optional().describe('d')),
    );
  });
});
