import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { importPortfolio, importPrices, REASON_CODES } from '../../../src/data/import';
import type { ImportReport, ImportResult } from '../../../src/data/import';
import { INTERNAL_PREFIX } from '../../../src/data/import/report';
import { WEIGHT_SUM_TOLERANCE } from '../../../src/data/import';
import { allFinite } from './fixtures';

const RUNS = 1000;

/** Invariants every import result must satisfy, whatever the content. */
function checkResult(r: ImportResult<unknown>): void {
  const rep: ImportReport = r.report;
  expect(typeof r.ok).toBe('boolean');
  expect(rep.content_hash).toMatch(/^[0-9a-f]{64}$/);
  expect(Number.isInteger(rep.rows_read) && rep.rows_read >= 0).toBe(true);
  expect(rep.rejected.length).toBeLessThanOrEqual(rep.rejected_count);
  for (const x of rep.rejected) {
    expect(REASON_CODES).toContain(x.reason_code);
    expect(Number.isInteger(x.line) && x.line >= 0).toBe(true);
    // The safety net must never be what answers: that would be a reader bug.
    expect(x.message.startsWith(INTERNAL_PREFIX)).toBe(false);
  }
  if (r.ok) {
    expect(rep.rejected_count).toBe(0);
    expect(rep.rows_accepted).toBe(rep.rows_read);
    expect(allFinite(r.data)).toBe(true);
  } else {
    expect(rep.rejected_count).toBeGreaterThan(0);
    expect(rep.rows_accepted).toBe(0);
  }
}

// Cells and headers drawn from what real files contain, so that generated files get deep into the
// readers (detection, numbers, dates, percent handling) instead of failing at the header.
const headerToken = fc.constantFrom(
  'asset', 'Ticker', 'price', 'Last', 'weight', 'Target %', 'target', 'qty', 'units', 'holding',
  'class', 'lot_size', 'date', 'Date', 'symbol', 'close', 'Adj Close', 'A', 'B', '', 'x',
); // prettier-ignore
const cellToken = fc.oneof(
  fc.constantFrom(
    '', '0', '1', '-1', '0.5', '50', '50%', '1e400', 'NaN', 'abc', '"q"', '"a,b"', '"x\ny"',
    '2020-01-02', '2020-02-30', '01/02/2020', '13/01/2020', '2 Jan 2020', 'ETF', 'Equity', 'Gold',
    '$1,234.5', '(3)', '#N/A', '__proto__', ' ', '"',
  ),
  fc.double({ noNaN: false }).map(String),
  fc.string({ maxLength: 6 }),
); // prettier-ignore
const sep = fc.constantFrom(',', ';', '\t', '|');
const eol = fc.constantFrom('\n', '\r\n', '\r');
const csvLike = fc
  .tuple(
    sep,
    eol,
    fc.array(headerToken, { minLength: 1, maxLength: 6 }),
    fc.array(fc.array(cellToken, { maxLength: 7 }), { maxLength: 8 }),
  )
  .map(([s, e, h, rows]) => [h.join(s), ...rows.map((r) => r.join(s))].join(e));

/** Replaces cell `at` (if any) of a row-major table with `token`: mostly-valid files. */
function corrupt(rows: string[][], at: number | null, token: string): string[][] {
  if (at === null) return rows;
  const flat = rows.flat();
  const k = at % flat.length;
  const width = (rows[0] as string[]).length;
  return rows.map((r, i) => r.map((c, j) => (i * width + j === k ? token : c)));
}

// Portfolio files that are valid unless `corrupt` hits a cell: targets k_i / Σk (as fractions or
// percent strings), current weights from quantity × price, a random delimiter and line ending.
const portfolioFile = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0.01, max: 1e4, noNaN: true }),
      ),
      { minLength: 1, maxLength: 8 },
    ),
    fc.constantFrom('fraction', 'sign', 'hundred'),
    sep,
    eol,
    fc.option(fc.nat(), { freq: 3 }),
    cellToken,
  )
  .map(([rows, pct, s, e, at, token]) => {
    const k = rows.map(([w]) => w);
    const total = k.reduce((a, b) => a + b, 0) || 1;
    const fmt = (w: number) =>
      pct === 'fraction'
        ? String(w / total)
        : pct === 'sign'
          ? `${(100 * w) / total}%`
          : String((100 * w) / total);
    const table = [
      ['Ticker', 'Units', 'Price', 'Target'],
      ...rows.map(([w, q, p], i) => [`T${i}`, String(q), String(p), fmt(w)]),
    ];
    const quoted =
      s === ','
        ? corrupt(table, at, token).map((r) => r.map((c) => (c.includes(',') ? `"${c}"` : c)))
        : corrupt(table, at, token);
    return quoted.map((r) => r.join(s)).join(e);
  });

// Wide price files: increasing ISO dates, positive prices with leading blanks, maybe one bad cell.
const pricesFile = fc
  .tuple(
    fc.integer({ min: 1, max: 5 }),
    fc.array(
      fc.tuple(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.option(fc.double({ min: 0.01, max: 1e6, noNaN: true }), { freq: 5 }), {
          minLength: 5,
          maxLength: 5,
        }),
      ),
      { minLength: 1, maxLength: 12 },
    ),
    eol,
    fc.option(fc.nat(), { freq: 3 }),
    cellToken,
  )
  .map(([n, rows, e, at, token]) => {
    let day = Date.UTC(2020, 0, 1);
    const table = [['Date', ...Array.from({ length: n }, (_, j) => `S${j}`)]];
    for (const [step, vals] of rows) {
      day += step * 86_400_000;
      table.push([
        new Date(day).toISOString().slice(0, 10),
        ...vals.slice(0, n).map((v) => (v === null ? '' : String(v))),
      ]);
    }
    return corrupt(table, at, token)
      .map((r) =>
        r
          .map((c) =>
            c.includes(',') || c.includes('"') || /[\r\n]/.test(c)
              ? `"${c.replace(/"/g, '""')}"`
              : c,
          )
          .join(','),
      )
      .join(e);
  });

describe('bad content never throws and always returns a report', () => {
  it(`arbitrary strings as CSV (portfolio and prices), ${RUNS} runs`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (s) => {
        checkResult(await importPortfolio({ filename: 'f.csv', content: s }));
        checkResult(await importPrices({ filename: 'f.csv', content: s }));
      }),
      { numRuns: RUNS },
    );
  });

  it(`CSV-shaped files built from realistic cells, ${RUNS} runs`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(csvLike, portfolioFile, pricesFile),
        fc.constantFrom('.', '.', ','),
        async (s, dec) => {
          const p = await importPortfolio({
            filename: 'f.csv',
            content: s,
            decimal_separator: dec,
          });
          checkResult(p);
          if (p.ok) {
            // Accepted portfolios keep the promises of the format: weights in [0, 1] summing to 1.
            let t = 0;
            let c = 0;
            for (const a of p.data.assets) {
              expect(a.price).toBeGreaterThan(0);
              expect(a.target_weight).toBeGreaterThanOrEqual(0);
              expect(a.target_weight).toBeLessThanOrEqual(1 + WEIGHT_SUM_TOLERANCE);
              t += a.target_weight;
              c += a.current_weight;
            }
            expect(Math.abs(t - 1)).toBeLessThanOrEqual(WEIGHT_SUM_TOLERANCE + 1e-9);
            expect(Math.abs(c - 1)).toBeLessThanOrEqual(WEIGHT_SUM_TOLERANCE + 1e-9);
          }
          const q = await importPrices({ filename: 'f.csv', content: s, decimal_separator: dec });
          checkResult(q);
          if (q.ok) {
            for (let i = 1; i < q.data.dates.length; i++)
              expect((q.data.dates[i] as string) > (q.data.dates[i - 1] as string)).toBe(true);
            for (const sym of q.data.symbols) {
              expect(q.data.prices[sym]).toHaveLength(q.data.dates.length);
              for (const v of q.data.prices[sym] ?? [])
                if (v !== null) expect(v).toBeGreaterThan(0);
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`arbitrary bytes as CSV, JSON and XLSX, ${RUNS} runs`, async () => {
    const zipLike = fc
      .uint8Array({ maxLength: 200 })
      .map((b) => new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...b]));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 300 }), zipLike),
        fc.constantFrom('csv', 'json', 'xlsx'),
        async (bytes, format) => {
          checkResult(await importPortfolio({ filename: 'f', format, content: bytes }));
          if (format !== 'json')
            checkResult(await importPrices({ filename: 'f', format, content: bytes }));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`arbitrary JSON values and mutated payloads, ${RUNS} runs`, async () => {
    const asset = fc.record(
      {
        asset: fc.oneof(fc.constantFrom('A', 'B', ''), fc.string({ maxLength: 4 })),
        target_weight: fc.oneof(fc.double(), fc.constant(0.5), fc.string({ maxLength: 3 })),
        current_weight: fc.oneof(fc.double(), fc.constant(0.5)),
        price: fc.oneof(fc.double(), fc.constant(10), fc.constant(null)),
        asset_class: fc.constantFrom('ETF', 'Stocks', 'Bonds', 7),
      },
      { requiredKeys: [] },
    );
    const payload = fc.record(
      {
        portfolio_value: fc.oneof(fc.double(), fc.constant(1000)),
        assets: fc.array(asset, { maxLength: 4 }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          payload.map((p) => JSON.stringify(p, null, 1)),
        ),
        async (text) => checkResult(await importPortfolio({ filename: 'f.json', content: text })),
      ),
      { numRuns: RUNS },
    );
  });
});
