import { readFileSync } from 'node:fs';

/** Adjusted closes from test/fixtures/skfolio_sp500_dataset.csv (skfolio, BSD-3-Clause). */
export interface PriceTable {
  dates: string[];
  names: string[];
  /** prices[name] = closes, oldest first. */
  prices: Record<string, Float64Array>;
}

let cache: PriceTable | undefined;

export function loadSp500(): PriceTable {
  if (cache) return cache;
  const text = readFileSync(
    new URL('../../fixtures/skfolio_sp500_dataset.csv', import.meta.url),
    'utf8',
  );
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const names = (lines[0] as string).split(',').slice(1);
  const dates: string[] = [];
  const cols = names.map(() => new Float64Array(lines.length - 1));
  for (let i = 1; i < lines.length; i++) {
    const cells = (lines[i] as string).split(',');
    dates.push(cells[0] as string);
    for (let j = 0; j < names.length; j++) (cols[j] as Float64Array)[i - 1] = Number(cells[j + 1]);
  }
  const prices: Record<string, Float64Array> = {};
  names.forEach((n, j) => (prices[n] = cols[j] as Float64Array));
  cache = { dates, names, prices };
  return cache;
}

/** Simple returns r_t = p_t / p_{t−1} − 1 of the last `count` + 1 prices (all when omitted). */
export function simpleReturns(prices: Float64Array, count?: number): Float64Array {
  const p = count === undefined ? prices : prices.subarray(prices.length - count - 1);
  const r = new Float64Array(p.length - 1);
  for (let i = 1; i < p.length; i++) r[i - 1] = (p[i] as number) / (p[i - 1] as number) - 1;
  return r;
}
