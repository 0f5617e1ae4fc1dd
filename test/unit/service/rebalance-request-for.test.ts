/**
 * rebalanceRequestFor (issue #13, item 1): an account's positions + its model + the price library
 * → an ordinary POST /api/rebalance body. The example is worked by hand in the function's comment:
 * model A 60 %, B 40 %; account A × 10, C × 5, cash 100; last closes A 12, B 20, C 40 →
 * V = 120 + 0 + 200 + 100 = 420.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccountContent, ModelContent } from '../../../src/contract/models';
import { RebalanceRequest } from '../../../src/contract/rebalance';
import { mergeSeries } from '../../../src/services/accounts/library';
import {
  HistoryMemo,
  rebalanceRequestFor,
} from '../../../src/services/accounts/rebalanceRequestFor';
import type { SeriesContent } from '../../../src/ports/models';

const D = ['2024-01-02', '2024-01-03', '2024-01-04'];
const model = {
  model_id: 'm1',
  content: ModelContent.parse({
    targets: [
      { asset: 'A', asset_class: 'ETF', target_weight: 0.6 },
      { asset: 'B', target_weight: 0.4 },
    ],
    drift_threshold: 0.05,
    rebalance_to: 'band_edge',
  }),
};
const account = {
  account_id: 'ACC-1',
  content: AccountContent.parse({
    currency: 'EUR',
    cash: 100,
    positions: [
      { asset: 'A', quantity: 10 },
      { asset: 'C', quantity: 5, asset_class: 'Stocks', lot_size: 5 },
    ],
  }),
};
const library = new Map<string, SeriesContent>([
  ['A', { dates: D, closes: [10, 11, 12] }],
  ['B', { dates: D, closes: [20, 21, 20] }],
  // C lacks the first date and has one more: only the 2 common dates go to price_history, and
  // its own last close (2024-01-05) values the position.
  ['C', { dates: [...D.slice(1), '2024-01-05'], closes: [45, 50, 40] }],
]);

describe('rebalanceRequestFor', () => {
  it('values the account at the last closes and takes targets from the model (worked example)', () => {
    const built = rebalanceRequestFor(account, model, library, { history_days: 756 });
    if (!built.ok) throw new Error(built.error.message);
    const r = built.request;
    expect(r.portfolio_value).toBe(420);
    expect(r.cash_weight).toBeCloseTo(100 / 420, 15);
    expect(r.currency).toBe('EUR');
    expect(r.as_of).toBe('2024-01-05');
    expect(r.drift_threshold).toBe(0.05);
    expect(r.rebalance_to).toBe('band_edge');
    expect(r.assets).toEqual([
      { asset: 'A', asset_class: 'ETF', target_weight: 0.6, current_weight: 120 / 420, price: 12 },
      { asset: 'B', target_weight: 0.4, current_weight: 0, price: 20 },
      {
        asset: 'C',
        asset_class: 'Stocks',
        target_weight: 0,
        current_weight: 200 / 420,
        price: 40,
        lot_size: 5,
      },
    ]);
    expect(r.price_history).toEqual({
      dates: ['2024-01-03', '2024-01-04'],
      prices: { A: [11, 12], B: [21, 20], C: [45, 50] },
    });
    // An ordinary request: the contract accepts it as it is.
    expect(RebalanceRequest.safeParse(r).success).toBe(true);
  });

  it('as_of values at the closes on or before it; history_days keeps the last dates', () => {
    const built = rebalanceRequestFor(account, model, library, {
      history_days: 2,
      as_of: '2024-01-04',
    });
    if (!built.ok) throw new Error(built.error.message);
    // A 12, C 50: V = 120 + 250 + 100 = 470
    expect(built.request.portfolio_value).toBe(470);
    expect(built.request.as_of).toBe('2024-01-04');
    expect(built.request.price_history?.dates).toEqual(['2024-01-03', '2024-01-04']);
  });

  it('an asset without library history is a structured error naming it', () => {
    const lib = new Map(library);
    lib.delete('B');
    lib.delete('C');
    const built = rebalanceRequestFor(account, model, lib, { history_days: 756 });
    expect(built).toEqual({
      ok: false,
      error: {
        code: 'CONFLICT',
        message: 'account ACC-1: 2 asset(s) without price history in the library',
        details: [
          {
            path: 'library.B',
            message:
              'the price library has no history for B (in the model); import it with POST /api/price-library/import',
          },
          {
            path: 'library.C',
            message:
              'the price library has no history for C (held by the account); import it with POST /api/price-library/import',
          },
        ],
      },
    });
  });

  it('an account with nothing invested is refused at positions', () => {
    const cashOnly = { ...account, content: { ...account.content, positions: [] } };
    const built = rebalanceRequestFor(cashOnly, model, library, { history_days: 756 });
    expect(built.ok).toBe(false);
    if (!built.ok) expect(built.error.details?.[0]?.path).toBe('positions');
  });
});

describe('rebalanceRequestFor with a history memo (a batch reusing common histories)', () => {
  // Libraries with gaps: each asset misses some dates, so universes differ in their common dates.
  const symbols = ['A', 'B', 'C', 'D', 'E'];
  const dates = Array.from({ length: 40 }, (_, i) => `2024-02-${String(i + 1).padStart(2, '0')}`);
  const gappyLibrary = (gaps: number[][]) =>
    new Map<string, SeriesContent>(
      symbols.map((a, k) => {
        const kept = dates.filter((_, i) => !(gaps[k] ?? []).includes(i));
        return [a, { dates: kept, closes: kept.map((_, i) => 10 + k + i / 7) }];
      }),
    );
  const accountOf = (held: string[], qty: number) => ({
    account_id: `ACC-${held.join('')}-${qty}`,
    content: AccountContent.parse({
      currency: 'USD',
      cash: 5,
      positions: held.map((asset) => ({ asset, quantity: qty })),
    }),
  });

  it('builds the same request as without it, for accounts of any universe, in any order (property)', () => {
    const gaps = fc.array(fc.array(fc.integer({ min: 0, max: 39 }), { maxLength: 6 }), {
      minLength: 5,
      maxLength: 5,
    });
    const accounts = fc.array(
      fc.record({
        held: fc.subarray(symbols, { minLength: 1 }),
        qty: fc.integer({ min: 1, max: 50 }),
      }),
      { minLength: 1, maxLength: 12 },
    );
    const settings = fc.record({
      history_days: fc.integer({ min: 2, max: 45 }),
      as_of: fc.option(fc.constantFrom(...dates), { nil: undefined }),
    });
    fc.assert(
      fc.property(gaps, accounts, settings, (g, list, set) => {
        const lib = gappyLibrary(g);
        const memo = new HistoryMemo(3);
        for (const { held, qty } of list) {
          const a = accountOf(held, qty);
          expect(rebalanceRequestFor(a, model, lib, set, memo)).toEqual(
            rebalanceRequestFor(a, model, lib, set),
          );
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives each request its own arrays: changing one request leaves the next unchanged', () => {
    const memo = new HistoryMemo();
    const lib = gappyLibrary([[3], [], [7], [], []]);
    const first = rebalanceRequestFor(
      accountOf(['A', 'B'], 3),
      model,
      lib,
      { history_days: 30 },
      memo,
    );
    if (!first.ok) throw new Error(first.error.message);
    const h = first.request.price_history as { dates: string[]; prices: Record<string, number[]> };
    h.dates.reverse();
    (h.prices.A as number[])[0] = -1;
    const second = rebalanceRequestFor(
      accountOf(['A', 'B'], 4),
      model,
      lib,
      { history_days: 30 },
      memo,
    );
    const fresh = rebalanceRequestFor(accountOf(['A', 'B'], 4), model, lib, { history_days: 30 });
    expect(second).toEqual(fresh);
  });
});

describe('mergeSeries (price library re-import)', () => {
  it('adds new dates, replaces and counts differing closes, reports unchanged', () => {
    const stored = { dates: ['d1', 'd2'], closes: [10, 11] };
    expect(mergeSeries(stored, { dates: ['d2', 'd3'], closes: [11.5, 12] })).toEqual({
      content: { dates: ['d1', 'd2', 'd3'], closes: [10, 11.5, 12] },
      action: 'revised',
      added_dates: 1,
      revised_closes: 1,
    });
    expect(mergeSeries(stored, { dates: ['d0'], closes: [9] }).action).toBe('extended');
    expect(mergeSeries(stored, { dates: ['d2'], closes: [11] }).action).toBe('unchanged');
    expect(mergeSeries(null, stored).action).toBe('created');
  });
});
