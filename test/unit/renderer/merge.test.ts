/**
 * mergeSeries (renderer/import/merge.ts): adds or replaces only the chosen series and keeps the
 * request's other series and its benchmark on one set of dates. Every expected value below is
 * worked out by hand from the small inputs.
 */
import { describe, expect, it } from 'vitest';
import {
  commonDates,
  importedSeries,
  mergeSeries,
  onCommonDates,
  unionCount,
  type Series,
} from '../../../renderer/import/merge';
import { RebalanceRequest } from '../../../src/contract/rebalance';

const D = ['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07'];
const [d1, d2, d3, d4, d5] = D as [string, string, string, string, string];

/** A valid request on d1..d4 with series A and B, a benchmark and three assets. */
function request(): Record<string, unknown> {
  return {
    portfolio_value: 1000,
    assets: [
      { asset: 'A', target_weight: 0.4, current_weight: 0.4, price: 10 },
      { asset: 'B', target_weight: 0.3, current_weight: 0.3, price: 20 },
      { asset: 'C', target_weight: 0.3, current_weight: 0.3, price: 30 },
    ],
    price_history: {
      dates: [d1, d2, d3, d4],
      prices: { A: [1, 2, 3, 4], B: [10, 20, 30, 40] },
    },
    benchmark: { name: 'Index', prices: [100, 101, 102, 103] },
  };
}

const imported = (entries: [string, Series][]) => new Map(entries);

function ok(out: ReturnType<typeof mergeSeries>) {
  if (!out.ok) throw new Error(`refused: ${out.reason}`);
  return out;
}

describe('commonDates / unionCount / onCommonDates', () => {
  const a: Series = { dates: [d1, d2, d3], prices: [1, 2, 3] };
  const b: Series = { dates: [d2, d3, d4], prices: [5, 6, 7] };
  it('intersect and count dates', () => {
    expect(commonDates([a, b])).toEqual([d2, d3]);
    expect(commonDates([])).toEqual([]);
    expect(unionCount([a, b])).toBe(4);
  });
  it('cuts the chosen series to their common dates', () => {
    const m = onCommonDates(
      imported([
        ['A', a],
        ['B', b],
      ]),
      ['A', 'B'],
    );
    expect(m.get('A')).toEqual({ dates: [d2, d3], prices: [2, 3] });
    expect(m.get('B')).toEqual({ dates: [d2, d3], prices: [5, 6] });
  });
  it('reads an import answer: series_history first, else price_history', () => {
    const own = importedSeries({
      price_history: { dates: [d2, d3], prices: { A: [2, 3] } },
      series_history: { A: { dates: [d1, d2, d3], prices: [1, 2, 3] } },
    });
    expect(own.get('A')?.dates).toEqual([d1, d2, d3]);
    const common = importedSeries({
      price_history: { dates: [d2, d3], prices: { A: [2, 3] } },
      series_history: null,
    });
    expect(common.get('A')).toEqual({ dates: [d2, d3], prices: [2, 3] });
  });
});

describe('mergeSeries', () => {
  it('a late-starting series cuts the history, the kept series and the benchmark to its dates', () => {
    // C starts on d3 (and runs past the request to d5): merged dates d3, d4.
    const c: Series = { dates: [d3, d4, d5], prices: [7, 8, 9] };
    const out = ok(mergeSeries(request(), imported([['C', c]]), ['C']));
    expect(out.request.price_history).toEqual({
      dates: [d3, d4],
      prices: { A: [3, 4], B: [30, 40], C: [7, 8] },
    });
    expect(out.request.benchmark).toEqual({ name: 'Index', prices: [102, 103] });
    expect(out.change).toEqual({
      added: ['C'],
      replaced: [],
      kept: ['A', 'B'],
      datesBefore: 4,
      datesAfter: 2,
      firstBefore: d1,
      lastBefore: d4,
      firstAfter: d3,
      lastAfter: d4,
      truncated: 0,
      benchmark: { name: 'Index', realigned: true, pointsBefore: 4, pointsAfter: 2, dropped: 2 },
      assetsWithoutPrices: [],
      assetCount: 3,
    });
    // The merged request is valid for the engine: the benchmark is aligned with the dates.
    expect(RebalanceRequest.safeParse(out.request).success).toBe(true);
  });

  it('replaces a series in place, keeping the others and every date they share', () => {
    // New B on d1..d5: all four request dates are common; B's values are the imported ones.
    const b: Series = { dates: D, prices: [11, 21, 31, 41, 51] };
    const out = ok(mergeSeries(request(), imported([['B', b]]), ['B']));
    expect(out.request.price_history).toEqual({
      dates: [d1, d2, d3, d4],
      prices: { A: [1, 2, 3, 4], B: [11, 21, 31, 41] },
    });
    expect(Object.keys((out.request.price_history as { prices: object }).prices)).toEqual([
      'A',
      'B',
    ]);
    expect(out.change.replaced).toEqual(['B']);
    expect(out.change.added).toEqual([]);
    expect(out.change.benchmark).toEqual({
      name: 'Index',
      realigned: false,
      pointsBefore: 4,
      pointsAfter: 4,
      dropped: 0,
    });
    // C still has no series.
    expect(out.change.assetsWithoutPrices).toEqual(['C']);
  });

  it('only the chosen series are merged: other imported series are ignored', () => {
    const b: Series = { dates: D, prices: [11, 21, 31, 41, 51] };
    const z: Series = { dates: [d4, d5], prices: [1, 2] };
    const out = ok(
      mergeSeries(
        request(),
        imported([
          ['B', b],
          ['Z', z],
        ]),
        ['B'],
      ),
    );
    expect(out.change.datesAfter).toBe(4);
    expect(Object.keys((out.request.price_history as { prices: object }).prices)).toEqual([
      'A',
      'B',
    ]);
  });

  it('a request without history takes the chosen series on their common dates', () => {
    const req = { assets: [{ asset: 'X', target_weight: 1, current_weight: 1, price: 1 }] };
    const x: Series = { dates: [d1, d2, d3], prices: [1, 2, 3] };
    const y: Series = { dates: [d2, d3, d4], prices: [5, 6, 7] };
    const out = ok(
      mergeSeries(
        req,
        imported([
          ['X', x],
          ['Y', y],
        ]),
        ['X', 'Y'],
      ),
    );
    expect(out.request).toEqual({
      assets: req.assets,
      price_history: { dates: [d2, d3], prices: { X: [2, 3], Y: [5, 6] } },
    });
    expect(out.change).toMatchObject({
      added: ['X', 'Y'],
      datesBefore: 0,
      firstBefore: null,
      datesAfter: 2,
      benchmark: null,
    });
  });

  it('replacing every series of a request without benchmark drops its old dates', () => {
    const req = request();
    delete req.benchmark;
    const a: Series = { dates: [d4, d5], prices: [4, 5] };
    const b: Series = { dates: [d4, d5], prices: [40, 50] };
    const out = ok(
      mergeSeries(
        req,
        imported([
          ['A', a],
          ['B', b],
        ]),
        ['A', 'B'],
      ),
    );
    expect(out.request.price_history).toEqual({
      dates: [d4, d5],
      prices: { A: [4, 5], B: [40, 50] },
    });
    expect(out.change.replaced).toEqual(['A', 'B']);
  });

  it('counts an asset as priced when every one of its holdings has a series', () => {
    const req = {
      assets: [
        { asset: 'Funds', holdings: [{ holding: 'F1' }, { holding: 'F2' }] },
        { asset: 'Gold', price: 1 },
      ],
    };
    const f: Series = { dates: [d1, d2], prices: [1, 2] };
    const out = ok(
      mergeSeries(
        req,
        imported([
          ['F1', f],
          ['F2', f],
        ]),
        ['F1', 'F2'],
      ),
    );
    expect(out.change.assetsWithoutPrices).toEqual(['Gold']);
    expect(out.change.assetCount).toBe(2);
  });

  it('refuses, changing nothing, when fewer than 2 dates would remain', () => {
    const req = request();
    const copy = structuredClone(req);
    const late: Series = { dates: [d4, d5], prices: [1, 2] };
    const out = mergeSeries(req, imported([['L', late]]), ['L']);
    expect(out).toEqual({
      ok: false,
      reason: `The chosen series (${d4} … ${d5}) and the request’s history (${d1} … ${d4}) share only 1 date; a price history needs at least 2. Nothing was changed.`,
    });
    expect(req).toEqual(copy);
    // Chosen series that share nothing among themselves: the one starting last is named.
    const early: Series = { dates: [d1, d2], prices: [1, 2] };
    expect(
      mergeSeries(
        req,
        imported([
          ['E', early],
          ['L', late],
        ]),
        ['E', 'L'],
      ),
    ).toEqual({
      ok: false,
      reason: `The chosen series share only 0 dates (L starts on ${d4}); a price history needs at least 2. Nothing was changed.`,
    });
  });

  it('refuses a request whose benchmark is not aligned with its dates (the old merge’s damage)', () => {
    const req = { ...request(), benchmark: { name: 'Index', prices: [1, 2, 3] } };
    const out = mergeSeries(req, imported([['A', { dates: D, prices: [1, 2, 3, 4, 5] }]]), ['A']);
    expect(out.ok).toBe(false);
    expect(!out.ok && out.reason).toMatch(/benchmark has 3 prices for 4 price_history dates/);
  });

  it('refuses no request, no choice and an unknown series', () => {
    const s = imported([['A', { dates: D, prices: [1, 2, 3, 4, 5] }]]);
    expect(mergeSeries(null, s, ['A']).ok).toBe(false);
    expect(mergeSeries([], s, ['A']).ok).toBe(false);
    expect(mergeSeries(request(), s, [])).toEqual({
      ok: false,
      reason: 'Choose at least one series to merge.',
    });
    expect(mergeSeries(request(), s, ['Q'])).toEqual({
      ok: false,
      reason: 'The import has no series “Q”.',
    });
  });

  it('treats asset names as data: "constructor" and "toString" are ordinary series', () => {
    const req = { assets: [{ asset: 'constructor', price: 1 }] };
    const s = imported([
      ['constructor', { dates: [d1, d2], prices: [1, 2] }],
      ['toString', { dates: [d1, d2], prices: [3, 4] }],
    ]);
    const out = ok(mergeSeries(req, s, ['constructor', 'toString']));
    const json = JSON.parse(JSON.stringify(out.request)) as {
      price_history: { prices: Record<string, number[]> };
    };
    expect(json.price_history.prices).toEqual({ constructor: [1, 2], toString: [3, 4] });
    expect(out.change.assetsWithoutPrices).toEqual([]);
  });
});
