/**
 * Import benchmark: wall time to import the real S&P 500 price file (8,313 rows × 20 tickers,
 * CRLF) from text, p50 of 10 runs after warm-up. Target: ≤ 500 ms. Also reported, without a
 * target: the same file as bytes, PyPortfolioOpt's file, and the S&P file as an XLSX workbook.
 * Run: npx tsx bench/import.bench.ts (prints one JSON line per figure).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { importPrices } from '../src/data/import';
import { percentile } from './data';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));

interface Figure {
  bench: string;
  case: string;
  runs: number;
  warmup: number;
  p50_ms: number;
  min_ms: number;
  max_ms: number;
  rows: number;
  target_ms?: number;
  within_target?: boolean;
}

async function time(
  name: string,
  run: () => Promise<number>,
  runs: number,
  warmup: number,
  target?: number,
): Promise<Figure> {
  let rows = 0;
  for (let i = 0; i < warmup; i++) rows = await run();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    rows = await run();
    ms.push(performance.now() - t0);
  }
  const p50 = percentile(ms, 0.5);
  const f: Figure = {
    bench: 'import',
    case: name,
    runs,
    warmup,
    p50_ms: Math.round(p50 * 100) / 100,
    min_ms: Math.round(Math.min(...ms) * 100) / 100,
    max_ms: Math.round(Math.max(...ms) * 100) / 100,
    rows,
  };
  if (target !== undefined) {
    f.target_ms = target;
    f.within_target = p50 <= target;
  }
  return f;
}

async function rowsOf(p: ReturnType<typeof importPrices>): Promise<number> {
  const r = await p;
  if (!r.ok) throw new Error(`benchmark input rejected: ${JSON.stringify(r.report.rejected[0])}`);
  return r.report.rows_accepted;
}

/**
 * Runs every case and returns one figure per case (bench/run.ts prints each as a JSON line; so
 * does running this file directly).
 */
export async function runImportBench(): Promise<Figure[]> {
  const spText = readFileSync(fixture('skfolio_sp500_dataset.csv'), 'utf8');
  const spBytes = new Uint8Array(readFileSync(fixture('skfolio_sp500_dataset.csv')));
  const pyText = readFileSync(fixture('pypfopt_stock_prices.csv'), 'utf8');
  const figures: Figure[] = [];
  figures.push(
    await time(
      'skfolio_sp500_dataset.csv (text, 8313 rows x 20)',
      () => rowsOf(importPrices({ filename: 'sp500.csv', content: spText })),
      10,
      3,
      500,
    ),
  );
  figures.push(
    await time(
      'skfolio_sp500_dataset.csv (bytes)',
      () => rowsOf(importPrices({ filename: 'sp500.csv', content: spBytes })),
      10,
      3,
    ),
  );
  figures.push(
    await time(
      'pypfopt_stock_prices.csv (text, 7126 rows x 20, leading blanks)',
      () => rowsOf(importPrices({ filename: 'pypfopt.csv', content: pyText })),
      10,
      3,
    ),
  );
  // The same S&P data as a workbook (numbers and date cells), imported from base64.
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Prices');
  for (const [i, line] of spText.split('\r\n').entries()) {
    if (line === '') continue;
    const cells = line.split(',');
    if (i === 0) ws.addRow(cells);
    else ws.addRow([new Date(`${cells[0]}T00:00:00Z`), ...cells.slice(1).map(Number)]);
  }
  const xlsxB64 = Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
  figures.push(
    await time(
      'skfolio_sp500_dataset as XLSX (base64)',
      () => rowsOf(importPrices({ filename: 'sp500.xlsx', content: xlsxB64 })),
      5,
      1,
    ),
  );
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of await runImportBench()) console.log(JSON.stringify(f));
}
