/**
 * Rebuilds resources/scenarios.json: the seed's two scenarios with their parameters, plus
 * scenarios built from real prices in resources/data (see its README for credits).
 *
 * For the real scenarios the current weights are not invented: the portfolio starts at its
 * targets on the drift start date and each weight then moves with the asset's actual price,
 * w_i ∝ t_i · P_i(end) / P_i(start). Prices are the closes on the end date; the price history
 * is the 253 closes (252 returns) ending that day; the benchmark is the S&P 500 index.
 *
 *   npx tsx scripts/build-scenarios.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

interface Table {
  dates: string[];
  cols: Record<string, number[]>;
}

function readWide(file: string): Table {
  const lines = readFileSync(join(root, 'resources', 'data', file), 'utf8')
    .split(/\r?\n/)
    .filter(Boolean);
  const header = (lines[0] as string).split(',');
  const dates: string[] = [];
  const cols: Record<string, number[]> = {};
  for (const h of header.slice(1)) cols[h] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    dates.push(cells[0] as string);
    header.slice(1).forEach((h, j) => (cols[h] as number[]).push(Number(cells[j + 1])));
  }
  return { dates, cols };
}

const stocks = readWide('skfolio_sp500_dataset.csv');
const index = readWide('skfolio_sp500_index.csv');
const factors = readWide('skfolio_factors_dataset.csv');

interface Pick {
  table: Table;
  symbol: string;
  asset_class: 'Stocks' | 'ETF';
  target: number;
}

function realScenario(
  name: string,
  description: string,
  end: string,
  driftStart: string,
  picks: Pick[],
  extra: Record<string, unknown>,
) {
  const endIdx = stocks.dates.indexOf(end);
  if (endIdx < 252) throw new Error(`${end} not in data`);
  const dates = stocks.dates.slice(endIdx - 252, endIdx + 1);
  const prices: Record<string, number[]> = {};
  for (const p of picks) {
    const idx = dates.map((d) => p.table.dates.indexOf(d));
    if (idx.some((i) => i < 0)) throw new Error(`${p.symbol}: missing dates`);
    prices[p.symbol] = idx.map((i) => p.table.cols[p.symbol]?.[i] as number);
  }
  const s = dates.indexOf(driftStart);
  if (s < 0) throw new Error(`${driftStart} not in window`);
  const grown = picks.map(
    (p) =>
      (p.target * ((prices[p.symbol] as number[])[252] as number)) /
      ((prices[p.symbol] as number[])[s] as number),
  );
  const total = grown.reduce((a, b) => a + b, 0);
  const benchIdx = dates.map((d) => index.dates.indexOf(d));
  return {
    name,
    description,
    source: `Real adjusted closes ${dates[0]}..${end} (skfolio datasets, BSD-3-Clause); weights drifted from targets since ${driftStart} by actual price moves.`,
    request: {
      portfolio_value: 1_000_000,
      drift_threshold: 0.02,
      turnover_limit: 0.2,
      transaction_cost_bps: 10,
      risk_free_rate: 0.02,
      ...extra,
      assets: picks.map((p, i) => ({
        asset: p.symbol,
        asset_class: p.asset_class,
        target_weight: p.target,
        current_weight: Number(((grown[i] as number) / total).toFixed(6)),
        price: (prices[p.symbol] as number[])[252] as number,
      })),
      price_history: { dates, prices },
      benchmark: { name: 'S&P 500', prices: benchIdx.map((i) => index.cols.SP500?.[i] as number) },
    },
  };
}

const seedAsset = (asset: string, t: number, c: number, r: number, price: number) => ({
  asset,
  target_weight: t,
  current_weight: c,
  market_return: r,
  price,
});

const scenarios = [
  {
    name: 'Risk-Off Shock',
    description: 'Equities and crypto pull back while bonds/FX cushion portfolio.',
    source:
      'The seed’s scenario and parameters. No price history: risk figures are null until history is supplied.',
    request: {
      portfolio_value: 100000,
      drift_threshold: 0.02,
      turnover_limit: 0.15,
      transaction_cost_bps: 12,
      assets: [
        seedAsset('Mutual Fund', 0.25, 0.23, -0.012, 42),
        seedAsset('ETF', 0.2, 0.24, -0.024, 95),
        seedAsset('Stocks', 0.2, 0.22, -0.031, 130),
        seedAsset('Commodity', 0.1, 0.11, 0.007, 77),
        seedAsset('FX', 0.1, 0.08, 0.004, 1.2),
        seedAsset('Crypto', 0.15, 0.12, -0.055, 26000),
      ],
    },
  },
  {
    name: 'Risk-On Rally',
    description: 'Growth assets outperform and optimizer reduces concentration risk.',
    source:
      'The seed’s scenario and parameters. No price history: risk figures are null until history is supplied.',
    request: {
      portfolio_value: 100000,
      drift_threshold: 0.02,
      turnover_limit: 0.25,
      transaction_cost_bps: 10,
      assets: [
        seedAsset('Mutual Fund', 0.25, 0.21, 0.01, 42),
        seedAsset('ETF', 0.2, 0.19, 0.018, 95),
        seedAsset('Stocks', 0.2, 0.23, 0.026, 130),
        seedAsset('Commodity', 0.1, 0.09, 0.011, 77),
        seedAsset('FX', 0.1, 0.08, 0.003, 1.2),
        seedAsset('Crypto', 0.15, 0.2, 0.061, 26000),
      ],
    },
  },
  realScenario(
    'Autumn 2008: Lehman and the credit crunch',
    'Six large caps after the week of 6–10 October 2008; banks collapsed, staples held up.',
    '2008-10-10',
    '2008-06-30',
    [
      { table: stocks, symbol: 'JPM', asset_class: 'Stocks', target: 0.15 },
      { table: stocks, symbol: 'BAC', asset_class: 'Stocks', target: 0.15 },
      { table: stocks, symbol: 'XOM', asset_class: 'Stocks', target: 0.2 },
      { table: stocks, symbol: 'JNJ', asset_class: 'Stocks', target: 0.2 },
      { table: stocks, symbol: 'WMT', asset_class: 'Stocks', target: 0.15 },
      { table: stocks, symbol: 'AAPL', asset_class: 'Stocks', target: 0.15 },
    ],
    {},
  ),
  realScenario(
    'March 2020: COVID crash',
    'Factor ETFs and large caps at the 23 March 2020 low, drifted since year end.',
    '2020-03-23',
    '2019-12-31',
    [
      { table: factors, symbol: 'USMV', asset_class: 'ETF', target: 0.2 },
      { table: factors, symbol: 'MTUM', asset_class: 'ETF', target: 0.15 },
      { table: factors, symbol: 'VLUE', asset_class: 'ETF', target: 0.15 },
      { table: stocks, symbol: 'MSFT', asset_class: 'Stocks', target: 0.2 },
      { table: stocks, symbol: 'XOM', asset_class: 'Stocks', target: 0.15 },
      { table: stocks, symbol: 'JPM', asset_class: 'Stocks', target: 0.15 },
    ],
    {
      monte_carlo: {
        paths: 10000,
        horizon_days: 21,
        seed: 2020,
        method: 'bootstrap',
        block_size: 5,
      },
    },
  ),
  realScenario(
    '2022: the rate shock',
    'Growth sold off and energy rallied as rates rose; weights drifted since the end of 2021.',
    '2022-10-12',
    '2021-12-31',
    [
      { table: factors, symbol: 'QUAL', asset_class: 'ETF', target: 0.2 },
      { table: factors, symbol: 'USMV', asset_class: 'ETF', target: 0.2 },
      { table: stocks, symbol: 'AAPL', asset_class: 'Stocks', target: 0.15 },
      { table: stocks, symbol: 'MSFT', asset_class: 'Stocks', target: 0.15 },
      { table: stocks, symbol: 'CVX', asset_class: 'Stocks', target: 0.15 },
      { table: stocks, symbol: 'PG', asset_class: 'Stocks', target: 0.15 },
    ],
    { tilt_budget: 0.02 },
  ),
];

writeFileSync(
  join(root, 'resources', 'scenarios.json'),
  `${JSON.stringify({ scenarios }, null, 1)}\n`,
);
console.log(`wrote ${scenarios.length} scenarios`);
