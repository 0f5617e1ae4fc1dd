/**
 * importPortfolio / importPrices run on a worker pool (issue #10), so what they return crosses a
 * thread by structured clone: it must hold only plain data — no functions, no class instances.
 * Null-prototype objects (price series keyed by symbol) are allowed: a clone keeps every own key,
 * `__proto__` included, and only gains Object.prototype.
 */
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { importPortfolio, importPrices } from '../../../src/data/import';
import type { ImportResult } from '../../../src/data/import';
import { fixtureText } from './fixtures';

/** Paths of everything reachable from v that is not JSON-like plain data. */
function nonPlain(v: unknown, path = '$', out: string[] = []): string[] {
  if (v === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof v)) return out;
  if (typeof v !== 'object') {
    out.push(`${path}: ${typeof v}`);
    return out;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (Array.isArray(v)) v.forEach((x, i) => nonPlain(x, `${path}[${i}]`, out));
  else if (proto === Object.prototype || proto === null)
    for (const k of Object.keys(v))
      nonPlain((v as Record<string, unknown>)[k], `${path}.${k}`, out);
  else out.push(`${path}: ${(v as object).constructor?.name ?? 'object'} instance`);
  return out;
}

async function xlsx(rows: (string | number)[][]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('S');
  for (const r of rows) ws.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe('import results are plain, structured-clonable data', () => {
  it('every format, accepted and rejected', async () => {
    const results: ImportResult<unknown>[] = [
      await importPortfolio({ filename: 'h.csv', content: fixtureText('import/holdings.csv') }),
      await importPortfolio({
        filename: 'b.csv',
        content: fixtureText('import/portfolio_broken.csv'),
      }),
      await importPortfolio({
        filename: 'p.json',
        content: JSON.stringify({
          portfolio_value: 100,
          assets: [{ asset: 'A', price: 1, current_weight: 1, target_weight: 1 }],
          price_history: { dates: ['2020-01-02', '2020-01-03'], prices: { A: [1, 2] } },
        }),
      }),
      await importPortfolio({ filename: 'bad.json', content: '{"assets": [{"asset": 1}]}' }),
      await importPortfolio({
        filename: 'p.xlsx',
        content: await xlsx([
          ['asset', 'price', 'weight', 'target'],
          ['A', 10, 1, 1],
        ]),
      }),
      await importPrices({ filename: 'l.csv', content: fixtureText('import/prices_long.csv') }),
      await importPrices({
        filename: 'w.csv',
        content: 'date,__proto__,B\n2020-01-02,1,2\n2020-01-03,,3\n',
      }),
      await importPrices({ filename: 'x.csv', content: 'date,A\nnot a date,-1\n' }),
    ];
    expect(results.map((r) => r.ok)).toEqual([true, false, true, false, true, true, true, false]);
    for (const r of results) {
      expect(nonPlain(r)).toEqual([]);
      // A clone carries the same data (toEqual: prototypes aside).
      expect(structuredClone(r)).toEqual(r);
    }
  });
});
