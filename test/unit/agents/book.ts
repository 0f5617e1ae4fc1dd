/**
 * A real-history book for the agent tests: six S&P 500 stocks from the shipped skfolio fixture
 * (test/fixtures/skfolio_sp500_dataset.csv, BSD-3-Clause), the last `days` + 1 prices up to
 * `end`, with the S&P 500 index as benchmark. Current weights drift from the targets so the
 * threshold rule trades.
 */
import { readFileSync } from 'node:fs';
import { RebalanceRequest } from '../../../src/contract/rebalance';

function wide(file: string): { dates: string[]; cols: Map<string, number[]> } {
  const lines = readFileSync(new URL(`../../fixtures/${file}`, import.meta.url), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const names = (lines[0] as string).split(',').slice(1);
  const dates: string[] = [];
  const cols = new Map<string, number[]>(names.map((n) => [n, []]));
  for (const l of lines.slice(1)) {
    const cells = l.split(',');
    dates.push(cells[0] as string);
    names.forEach((n, j) => cols.get(n)?.push(Number(cells[j + 1])));
  }
  return { dates, cols };
}

const STOCKS = wide('skfolio_sp500_dataset.csv');
const INDEX = wide('skfolio_sp500_index.csv');

export const BOOK_ASSETS = ['AAPL', 'JNJ', 'XOM', 'KO', 'JPM', 'WMT'] as const;

export function realBook(over: Record<string, unknown> = {}, end = '2021-12-31', days = 1260) {
  const last = STOCKS.dates.findLastIndex((d) => d <= end);
  const from = last - days;
  const dates = STOCKS.dates.slice(from, last + 1);
  const prices: Record<string, number[]> = {};
  for (const a of BOOK_ASSETS) prices[a] = (STOCKS.cols.get(a) as number[]).slice(from, last + 1);
  const target = [0.2, 0.15, 0.15, 0.15, 0.2, 0.15];
  const current = [0.26, 0.13, 0.12, 0.15, 0.19, 0.15];
  return RebalanceRequest.parse({
    portfolio_value: 1_000_000,
    as_of: dates.at(-1),
    drift_threshold: 0.03,
    assets: BOOK_ASSETS.map((a, i) => ({
      asset: a,
      asset_class: 'Stocks',
      target_weight: target[i],
      current_weight: current[i],
      price: prices[a]?.at(-1),
    })),
    price_history: { dates, prices },
    benchmark: {
      name: 'S&P 500',
      prices: (INDEX.cols.get('SP500') as number[]).slice(from, last + 1),
    },
    monte_carlo: { paths: 2000, horizon_days: 21, seed: 7 },
    ...over,
  });
}
