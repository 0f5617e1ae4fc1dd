/**
 * Symbol choice and date policy of the price import (issue #9, item 5), on PyPortfolioOpt's
 * 20-ticker file where BABA starts on 2014-09-19: the intersection of all 20 series keeps only
 * BABA's 896 dates of 7,126; choosing series or asking for each series' own range keeps the rest.
 *
 * Reference counts were taken by hand from the file with a separate script (Python csv module:
 * per column, the rows with a non-blank cell; the common rows are those where all chosen columns
 * are non-blank): AAPL 7,126 (1989-12-29..2018-04-11), GOOG 3,435 (from 2004-08-19), BABA 896
 * (from 2014-09-19), FB 1,483 (from 2012-05-18); every series ends on 2018-04-11 with no gap.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  importPrices,
  selectSymbols,
  toPriceHistory,
  toSeriesHistory,
} from '../../../src/data/import';
import type { ImportedPrices } from '../../../src/data/import';
import { EngineError } from '../../../src/contract/common';
import { PriceHistory } from '../../../src/contract/rebalance';
import { fixtureText } from './fixtures';

let data: ImportedPrices;

beforeAll(async () => {
  const r = await importPrices({
    filename: 'pypfopt_stock_prices.csv',
    content: fixtureText('pypfopt_stock_prices.csv'),
  });
  if (!r.ok) throw new Error('fixture did not import');
  data = r.data;
});

function thrown(f: () => unknown): EngineError {
  try {
    f();
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('intersection (default): the dates every chosen series has', () => {
  it('all 20 series: BABA cuts the history to 896 of 7,126 dates', () => {
    const ph = toPriceHistory(data);
    expect([ph.kept_dates, ph.dropped_dates]).toEqual([896, 7126 - 896]);
    expect(ph.price_history?.dates[0]).toBe('2014-09-19');
  });

  it('choosing AAPL and GOOG keeps GOOG’s 3,435 dates; AAPL alone keeps all 7,126', () => {
    const two = toPriceHistory(data, ['GOOG', 'AAPL']);
    expect([two.kept_dates, two.dropped_dates]).toEqual([3435, 7126 - 3435]);
    expect(two.price_history?.dates[0]).toBe('2004-08-19');
    expect(two.price_history?.dates.at(-1)).toBe('2018-04-11');
    // Keys in the chosen order, nothing else.
    expect(Object.keys(two.price_history?.prices ?? {})).toEqual(['GOOG', 'AAPL']);
    expect(PriceHistory.safeParse(two.price_history).success).toBe(true);
    const one = toPriceHistory(data, ['AAPL']);
    expect([one.kept_dates, one.dropped_dates]).toEqual([7126, 0]);
  });

  it('a late starter chosen with long series: the common dates are the late one’s (BABA 896)', () => {
    const ph = toPriceHistory(data, ['AAPL', 'BABA', 'GE']);
    expect(ph.kept_dates).toBe(896);
    expect(ph.price_history?.dates[0]).toBe('2014-09-19');
    // The last price of AAPL is the file's last AAPL cell (2018-04-11).
    expect(ph.price_history?.prices.AAPL?.at(-1)).toBe(data.prices.AAPL?.at(-1));
  });
});

describe('own_range: each chosen series over its own full range', () => {
  it('keeps 7,126 AAPL dates and 896 BABA dates: nothing dropped', () => {
    const own = toSeriesHistory(data, ['AAPL', 'BABA', 'FB']);
    expect(Object.keys(own)).toEqual(['AAPL', 'BABA', 'FB']);
    const counts = Object.fromEntries(
      Object.entries(own).map(([s, h]) => [s, [h.dates.length, h.dates[0], h.dates.at(-1)]]),
    );
    expect(counts).toEqual({
      AAPL: [7126, '1989-12-29', '2018-04-11'],
      BABA: [896, '2014-09-19', '2018-04-11'],
      FB: [1483, '2012-05-18', '2018-04-11'],
    });
    // Each series' prices are aligned with its own dates: the first BABA price is the cell on
    // 2014-09-19 in the file.
    const i = data.dates.indexOf('2014-09-19');
    expect(own.BABA?.prices[0]).toBe(data.prices.BABA?.[i]);
    expect(own.BABA?.prices).toHaveLength(896);
    expect(own.AAPL?.prices[0]).toBe(0.117203);
  });

  it('has a null prototype: asset names are data, not inherited keys', () => {
    const own = toSeriesHistory(data, ['AAPL']);
    expect(Object.getPrototypeOf(own)).toBeNull();
    expect('toString' in own).toBe(false);
  });

  it('skips a gap inside a series instead of dropping the date for every series', () => {
    const d: ImportedPrices = {
      dates: ['2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07'],
      symbols: ['A', 'B'],
      prices: { A: [1, null, 3, 4], B: [null, 6, 7, 8] },
      series: [],
    };
    const own = toSeriesHistory(d);
    expect(own.A).toEqual({ dates: ['2020-01-02', '2020-01-06', '2020-01-07'], prices: [1, 3, 4] });
    expect(own.B).toEqual({ dates: ['2020-01-03', '2020-01-06', '2020-01-07'], prices: [6, 7, 8] });
    // The intersection keeps only 01-06 and 01-07.
    expect(toPriceHistory(d).price_history?.dates).toEqual(['2020-01-06', '2020-01-07']);
  });
});

describe('symbols: refused when unknown or repeated, at symbols.<i>', () => {
  it('names the position and the symbols the file has', () => {
    const e = thrown(() => toPriceHistory(data, ['AAPL', 'TSLA']));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.details).toHaveLength(1);
    expect(e.details[0]?.path).toBe('symbols.1');
    expect(e.details[0]?.message).toBe(
      'no series "TSLA" in the imported prices; the file has: GOOG, AAPL, FB, BABA, AMZN, GE, AMD, WMT, BAC, GM, T, UAA, SHLD, XOM, RRC, BBY, MA, PFE, JPM, SBUX',
    );
    expect(() => toSeriesHistory(data, ['ZZZ'])).toThrow(EngineError);
  });

  it('refuses a symbol chosen twice, and lists at most 50 available symbols', () => {
    const e = thrown(() => selectSymbols(data, ['AAPL', 'GE', 'AAPL']));
    expect(e.details).toEqual([{ path: 'symbols.2', message: '"AAPL" is also symbols.0' }]);
    const many: ImportedPrices = {
      dates: [],
      symbols: Array.from({ length: 60 }, (_, i) => `S${i}`),
      prices: {},
      series: [],
    };
    const m = thrown(() => selectSymbols(many, ['toString'])).details[0]?.message ?? '';
    expect(m).toMatch(/S49 … and 10 more$/);
    expect(m).not.toContain('S50');
  });

  it('without symbols, every series in file order', () => {
    expect(selectSymbols(data)).toEqual(data.symbols);
  });
});
