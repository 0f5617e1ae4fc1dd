/** Loads the committed price fixtures (test/fixtures, credits in test/fixtures/README.md). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export interface PriceTable {
  dates: string[];
  columns: Map<string, Float64Array>;
}

export function loadPrices(file: string): PriceTable {
  const path = fileURLToPath(new URL(`../../fixtures/${file}`, import.meta.url));
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const header = lines[0]!.split(',');
  const names = header.slice(1);
  const rows = lines.slice(1).map((l) => l.split(','));
  const columns = new Map<string, Float64Array>();
  names.forEach((name, k) =>
    columns.set(
      name,
      Float64Array.from(rows, (r) => Number(r[k + 1])),
    ),
  );
  return { dates: rows.map((r) => r[0]!), columns };
}

/** The last `rows` prices of a column. */
export function lastPrices(table: PriceTable, name: string, rows: number): Float64Array {
  const c = table.columns.get(name);
  if (!c) throw new Error(`no column ${name}`);
  return c.slice(c.length - rows);
}

/** Asserts |actual − expected| ≤ tol·|expected| (relative; absolute when expected is 0). */
export function expectRel(actual: number | null | undefined, expected: number, tol = 1e-10): void {
  expect(actual, `expected ${expected}, got null/undefined`).toBeTypeOf('number');
  const a = actual as number;
  const scale = expected === 0 ? 1 : Math.abs(expected);
  expect(Math.abs(a - expected) / scale, `actual ${a} vs expected ${expected}`).toBeLessThanOrEqual(
    tol,
  );
}

/** Asserts |actual − expected| ≤ tol. */
export function expectAbs(actual: number | null | undefined, expected: number, tol: number): void {
  expect(actual, `expected ${expected}, got null/undefined`).toBeTypeOf('number');
  const a = actual as number;
  expect(Math.abs(a - expected), `actual ${a} vs expected ${expected}`).toBeLessThanOrEqual(tol);
}
