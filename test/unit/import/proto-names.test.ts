/**
 * Issue #10: asset names are data, never object keys. A series or asset named `__proto__`,
 * `constructor`, `toString` or `hasOwnProperty` is imported with its data, in every format.
 */
import { describe, expect, it } from 'vitest';
import {
  importPortfolio,
  importPrices,
  toPriceHistory,
  toSeriesHistory,
} from '../../../src/data/import';
import type { ImportResult, ImportedPortfolio, ImportedPrices } from '../../../src/data/import';

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const;

function data<T>(r: ImportResult<T>): T {
  if (!r.ok) throw new Error(`import failed: ${JSON.stringify(r.report.rejected)}`);
  return r.data;
}

/** Every name's series is an own entry with its prices, before and after a structured clone. */
function expectSeries(p: ImportedPrices, expected: Record<string, (number | null)[]>): void {
  for (const copy of [p, structuredClone(p)]) {
    expect(copy.symbols).toEqual(Object.keys(expected));
    for (const [name, prices] of Object.entries(expected)) {
      expect(Object.hasOwn(copy.prices, name)).toBe(true);
      expect(copy.prices[name]).toEqual(prices);
    }
    expect(Object.keys(copy.prices)).toEqual(Object.keys(expected));
  }
}

describe('price files', () => {
  const expected = Object.fromEntries(NAMES.map((n, j) => [n, [10 + j, 20 + j]]));

  it('long CSV: each reserved-looking symbol keeps its history', async () => {
    const rows = NAMES.flatMap((n, j) => [
      `2020-01-02,${n},${10 + j}`,
      `2020-01-03,${n},${20 + j}`,
    ]);
    const p = data(
      await importPrices({ filename: 'p.csv', content: `date,symbol,price\n${rows.join('\n')}` }),
    );
    expect(p.dates).toEqual(['2020-01-02', '2020-01-03']);
    expectSeries(p, expected);
    expect(p.series.map((s) => [s.symbol, s.count])).toEqual(NAMES.map((n) => [n, 2]));
  });

  it('wide CSV: reserved-looking headers are series like any other', async () => {
    const content = `date,${NAMES.join(',')}\n2020-01-02,10,11,12,13\n2020-01-03,20,21,22,23\n`;
    const p = data(await importPrices({ filename: 'p.csv', content }));
    expectSeries(p, expected);
  });

  it('the selection and the price_history built from it keep `__proto__`', async () => {
    const content = `date,${NAMES.join(',')}\n2020-01-02,10,11,12,13\n2020-01-03,20,21,22,23\n`;
    const p = data(await importPrices({ filename: 'p.csv', content }));
    const sel = toPriceHistory(p, ['__proto__', 'constructor']);
    expect(sel.symbols).toEqual(['__proto__', 'constructor']);
    const ph = sel.price_history;
    expect(ph && Object.hasOwn(ph.prices, '__proto__')).toBe(true);
    expect(ph?.prices['__proto__']).toEqual([10, 20]);
    expect(ph?.prices['constructor']).toEqual([11, 21]);
    const own = toSeriesHistory(p, ['__proto__']);
    expect(Object.keys(own)).toEqual(['__proto__']);
    expect(own['__proto__']).toEqual({ dates: ['2020-01-02', '2020-01-03'], prices: [10, 20] });
  });

  it('a duplicate `__proto__` column is still a duplicate (the Map sees the name)', async () => {
    const r = await importPrices({
      filename: 'p.csv',
      content: 'date,__proto__,__proto__\n2020-01-02,1,2\n',
    });
    expect(r.ok).toBe(false);
    expect(r.report.rejected.map((x) => x.reason_code)).toEqual(['DUPLICATE_SYMBOL']);
  });
});

describe('portfolio files', () => {
  const weights = NAMES.map(() => 1 / NAMES.length);
  const expectAssets = (p: ImportedPortfolio) => {
    for (const copy of [p, structuredClone(p)]) {
      expect(copy.assets.map((a) => a.asset)).toEqual([...NAMES]);
      copy.assets.forEach((a, j) => {
        expect(a.price).toBe(10 + j);
        expect(a.target_weight).toBeCloseTo(weights[j] as number, 12);
      });
    }
  };

  it('CSV: assets with reserved-looking names are imported', async () => {
    const rows = NAMES.map((n, j) => `${n},${10 + j},25%,25%`);
    const p = data(
      await importPortfolio({
        filename: 'p.csv',
        content: `asset,price,current_weight,target_weight\n${rows.join('\n')}`,
      }),
    );
    expectAssets(p);
  });

  it('CSV with holdings: reserved-looking asset and holding names are grouped by value', async () => {
    const content = [
      'asset,holding,quantity,price,target_weight',
      '__proto__,constructor,1,10,0.5',
      '__proto__,__proto__,3,10,',
      'toString,,2,5,0.5',
    ].join('\n');
    const p = data(await importPortfolio({ filename: 'p.csv', content }));
    expect(p.assets.map((a) => a.asset)).toEqual(['__proto__', 'toString']);
    expect(p.assets[0]?.holdings?.map((h) => [h.holding, h.holding_weight])).toEqual([
      ['constructor', 0.25],
      ['__proto__', 0.75],
    ]);
    expect(p.assets[1]?.holdings).toBeUndefined();
  });

  it('JSON: assets with reserved-looking names are imported', async () => {
    const assets = NAMES.map((asset, j) => ({
      asset,
      price: 10 + j,
      current_weight: weights[j],
      target_weight: weights[j],
    }));
    const content = JSON.stringify({ portfolio_value: 1000, assets }, null, 2);
    const p = data(await importPortfolio({ filename: 'p.json', content }));
    expectAssets(p);
  });

  it('an asset-class cell naming an Object.prototype member is an unknown class', async () => {
    for (const cls of ['constructor', '__proto__', 'toString', 'valueOf']) {
      const r = await importPortfolio({
        filename: 'p.csv',
        content: `asset,class,price,weight,target\nA,${cls},10,1,1\n`,
      });
      expect(r.ok).toBe(false);
      expect(r.report.rejected).toEqual([
        expect.objectContaining({ line: 2, column: 'class', reason_code: 'BAD_VALUE' }),
      ]);
    }
  });

  it('a format naming an Object.prototype member is unsupported, not a crash', async () => {
    for (const format of ['constructor', '__proto__', 'toString']) {
      const r = await importPortfolio({ filename: 'p', format, content: 'a' });
      expect(r.report.rejected).toEqual([
        expect.objectContaining({ line: 0, reason_code: 'UNSUPPORTED_FORMAT' }),
      ]);
    }
  });
});
