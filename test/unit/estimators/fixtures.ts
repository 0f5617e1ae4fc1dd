/**
 * Price fixtures with blank cells (late listings) for the estimator tests, read as PyPortfolioOpt
 * reads them: a blank is NaN; returns_from_prices = pct_change(fill_method=None) with the first row
 * dropped. Every ticker of these fixtures only has blanks before its first price, so each ticker's
 * returns are its own contiguous series ending on the last date (the engine's end-aligned form).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export interface Table {
  names: string[];
  /** One column per name, NaN for a blank cell. */
  columns: Float64Array[];
}

export function loadTable(file: string): Table {
  const path = fileURLToPath(new URL(`../../fixtures/${file}`, import.meta.url));
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const names = lines[0]!.split(',').slice(1);
  const rows = lines.slice(1).map((l) => l.split(','));
  const columns = names.map((_, k) =>
    Float64Array.from(rows, (r) => (r[k + 1] === '' ? NaN : Number(r[k + 1]))),
  );
  return { names, columns };
}

/**
 * A ticker's own daily simple returns from its first price on (leading blanks skipped), as
 * pct_change gives them after dropping NaN; throws on a gap inside the series.
 */
export function ownReturns(prices: Float64Array): Float64Array {
  let first = 0;
  while (first < prices.length && Number.isNaN(prices[first]!)) first++;
  const out = new Float64Array(Math.max(0, prices.length - first - 1));
  for (let t = first + 1; t < prices.length; t++) {
    const a = prices[t - 1]!;
    const b = prices[t]!;
    if (Number.isNaN(a) || Number.isNaN(b)) throw new Error('gap inside a series');
    out[t - first - 1] = b / a - 1;
  }
  return out;
}

export function series(table: Table, names: readonly string[]): Float64Array[] {
  return names.map((n) => {
    const k = table.names.indexOf(n);
    if (k < 0) throw new Error(`no column ${n}`);
    return ownReturns(table.columns[k]!);
  });
}

/** Deterministic PRNG (mulberry32), as test/integration/store/helpers.ts. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** |actual − expected| ≤ tol·max(|expected|, floor). */
export function close(actual: number | null | undefined, expected: number, tol = 1e-10, floor = 0) {
  expect(actual, `expected ${expected}, got ${actual}`).toBeTypeOf('number');
  const scale = Math.max(Math.abs(expected), floor) || 1;
  expect(
    Math.abs((actual as number) - expected) / scale,
    `${actual} vs ${expected}`,
  ).toBeLessThanOrEqual(tol);
}

export function closeAll(
  actual: ArrayLike<number>,
  expected: readonly number[],
  tol = 1e-10,
  floor = 0,
) {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => close(actual[i], e, tol, floor));
}
