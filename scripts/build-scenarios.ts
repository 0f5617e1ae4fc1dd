/**
 * Rebuilds resources/scenarios.json: the seed's two scenarios with their parameters, plus
 * scenarios built from real prices in resources/data (see its README for credits).
 *
 * For the real scenarios the current weights are not invented: the portfolio starts at its
 * targets on the drift start date and each weight then moves with the asset's actual price,
 * w_i ∝ t_i · P_i(end) / P_i(start). Prices are the closes on the end date; the price history
 * is the 253 closes (252 returns) ending that day; the benchmark is the S&P 500 index.
 *
 * The seed's two scenarios keep their weights and parameters and ship example holdings in every
 * asset class (so the drilldown to holdings works out of the box): each holding's quantity is
 * chosen so that Σ quantity × last_price equals the asset's current value, current_weight ×
 * portfolio_value, to within 0.05% (the engine warns above 0.5%). Stocks and ETFs are real
 * tickers at their adjusted closes of 2022-12-28 in resources/data; funds, commodities, FX and
 * crypto have no series there and carry illustrative prices near that day's market.
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

/** The day the seed's holdings are priced (the last close in resources/data). */
const HOLDINGS_DATE = '2022-12-28';

/** A close of `symbol` on HOLDINGS_DATE from a shipped table. */
function closeOn(table: Table, symbol: string): number {
  const i = table.dates.indexOf(HOLDINGS_DATE);
  const p = table.cols[symbol]?.[i];
  if (i < 0 || p === undefined || !(p > 0))
    throw new Error(`${symbol}: no close on ${HOLDINGS_DATE}`);
  return p;
}

/**
 * One example holding: its price and its share of the asset's value. `decimals` is how finely
 * it is held: 0 for whole shares, contracts and currency units, 3 for fund shares, 8 for coins.
 */
interface HoldingSpec {
  holding: string;
  last_price: number;
  share: number;
  decimals: number;
}

type SeedClass = 'Mutual Fund' | 'ETF' | 'Stocks' | 'Commodity' | 'FX' | 'Crypto';

/** The seed's example holdings per asset class (the asset is named after its class). */
const SEED_HOLDINGS: Record<SeedClass, HoldingSpec[]> = {
  // Illustrative fund NAVs (Vanguard 500 Index, Total Bond Market, Total International Stock).
  'Mutual Fund': [
    { holding: 'VFIAX', last_price: 349.92, share: 0.5, decimals: 3 },
    { holding: 'VBTLX', last_price: 9.33, share: 0.3, decimals: 3 },
    { holding: 'VTIAX', last_price: 27.74, share: 0.2, decimals: 3 },
  ],
  // Real iShares factor ETFs, adjusted closes from skfolio_factors_dataset.csv.
  ETF: [
    { holding: 'USMV', last_price: closeOn(factors, 'USMV'), share: 0.4, decimals: 0 },
    { holding: 'QUAL', last_price: closeOn(factors, 'QUAL'), share: 0.35, decimals: 0 },
    { holding: 'MTUM', last_price: closeOn(factors, 'MTUM'), share: 0.25, decimals: 0 },
  ],
  // Real S&P 500 stocks, adjusted closes from skfolio_sp500_dataset.csv.
  Stocks: [
    { holding: 'AAPL', last_price: closeOn(stocks, 'AAPL'), share: 0.3, decimals: 0 },
    { holding: 'MSFT', last_price: closeOn(stocks, 'MSFT'), share: 0.3, decimals: 0 },
    { holding: 'JNJ', last_price: closeOn(stocks, 'JNJ'), share: 0.2, decimals: 0 },
    { holding: 'XOM', last_price: closeOn(stocks, 'XOM'), share: 0.2, decimals: 0 },
  ],
  // Illustrative spot prices: gold per gram, WTI crude per barrel.
  Commodity: [
    { holding: 'Gold bullion (g)', last_price: 58.35, share: 0.6, decimals: 0 },
    { holding: 'WTI crude oil (bbl)', last_price: 78.96, share: 0.4, decimals: 0 },
  ],
  // Illustrative USD value of one unit of each currency.
  FX: [
    { holding: 'EUR', last_price: 1.0611, share: 0.5, decimals: 0 },
    { holding: 'GBP', last_price: 1.2027, share: 0.3, decimals: 0 },
    { holding: 'JPY', last_price: 0.00744, share: 0.2, decimals: 0 },
  ],
  // Illustrative coin prices in USD.
  Crypto: [
    { holding: 'BTC', last_price: 16552, share: 0.7, decimals: 8 },
    { holding: 'ETH', last_price: 1189, share: 0.3, decimals: 8 },
  ],
};

const roundTo = (x: number, decimals: number) => Number(x.toFixed(decimals));

/**
 * Quantities whose value Σ q_j × p_j is closest to `value` (currency): each holding gets
 * round(share_j × value / p_j) at its decimals, the last one takes what is left, and for whole
 * units every combination of ±3 units on the others is tried (the closest total wins, then the
 * split closest to the shares). Throws when the best is more than 0.05% off.
 *
 * Example: 22,000 over AAPL 125.674 (30%), MSFT 233.434 (30%), JNJ 174.085 (20%), XOM 106.627
 * (20%) gives whole shares worth 22,000 within a few dollars.
 */
function fitQuantities(value: number, specs: HoldingSpec[]): number[] {
  const first = specs.slice(0, -1);
  const last = specs.at(-1) as HoldingSpec;
  const base = first.map((h) => roundTo((h.share * value) / h.last_price, h.decimals));
  let best: { q: number[]; err: number; dev: number } | null = null;
  const visit = (k: number, q: number[]) => {
    if (k === first.length) {
      const used = q.reduce((t, x, j) => t + x * (first[j] as HoldingSpec).last_price, 0);
      const qLast = roundTo((value - used) / last.last_price, last.decimals);
      if (qLast < 0) return;
      const all = [...q, qLast];
      const total = all.reduce((t, x, j) => t + x * (specs[j] as HoldingSpec).last_price, 0);
      const err = Math.abs(total - value);
      const dev = all.reduce(
        (t, x, j) =>
          t +
          Math.abs(
            (x * (specs[j] as HoldingSpec).last_price) / value - (specs[j] as HoldingSpec).share,
          ),
        0,
      );
      if (!best || err < best.err - 1e-9 || (Math.abs(err - best.err) <= 1e-9 && dev < best.dev))
        best = { q: all, err, dev };
      return;
    }
    const h = first[k] as HoldingSpec;
    const b = base[k] as number;
    const steps = h.decimals === 0 ? [-3, -2, -1, 0, 1, 2, 3] : [0];
    for (const d of steps) if (b + d >= 0) visit(k + 1, [...q, b + d]);
  };
  visit(0, []);
  const found = best as { q: number[]; err: number } | null;
  if (!found || found.err > 0.0005 * value)
    throw new Error(`no quantities within 0.05% of ${value} (best ${found?.err})`);
  return found.q;
}

/** A seed asset (named after its class) with its example holdings sized to its current value. */
const seedAsset = (asset: SeedClass, t: number, c: number, r: number, value: number) => {
  const specs = SEED_HOLDINGS[asset];
  const q = fitQuantities(c * value, specs);
  return {
    asset,
    target_weight: t,
    current_weight: c,
    market_return: r,
    holdings: specs.map((h, j) => ({
      holding: h.holding,
      quantity: q[j] as number,
      last_price: h.last_price,
    })),
  };
};

/** The seed's portfolio value (USD). */
const SEED_VALUE = 100_000;

const SEED_SOURCE =
  'The seed’s scenario and parameters. No price history: risk figures are null until history is supplied. ' +
  `Example holdings in every class, priced on ${HOLDINGS_DATE}: stocks and ETFs at real adjusted closes (skfolio datasets, BSD-3-Clause); funds, commodities, FX and crypto at illustrative prices.`;

const scenarios = [
  {
    name: 'Risk-Off Shock',
    description: 'Equities and crypto pull back while bonds/FX cushion portfolio.',
    source: SEED_SOURCE,
    request: {
      portfolio_value: SEED_VALUE,
      drift_threshold: 0.02,
      turnover_limit: 0.15,
      transaction_cost_bps: 12,
      assets: [
        seedAsset('Mutual Fund', 0.25, 0.23, -0.012, SEED_VALUE),
        seedAsset('ETF', 0.2, 0.24, -0.024, SEED_VALUE),
        seedAsset('Stocks', 0.2, 0.22, -0.031, SEED_VALUE),
        seedAsset('Commodity', 0.1, 0.11, 0.007, SEED_VALUE),
        seedAsset('FX', 0.1, 0.08, 0.004, SEED_VALUE),
        seedAsset('Crypto', 0.15, 0.12, -0.055, SEED_VALUE),
      ],
    },
  },
  {
    name: 'Risk-On Rally',
    description: 'Growth assets outperform and optimizer reduces concentration risk.',
    source: SEED_SOURCE,
    request: {
      portfolio_value: SEED_VALUE,
      drift_threshold: 0.02,
      turnover_limit: 0.25,
      transaction_cost_bps: 10,
      assets: [
        seedAsset('Mutual Fund', 0.25, 0.21, 0.01, SEED_VALUE),
        seedAsset('ETF', 0.2, 0.19, 0.018, SEED_VALUE),
        seedAsset('Stocks', 0.2, 0.23, 0.026, SEED_VALUE),
        seedAsset('Commodity', 0.1, 0.09, 0.011, SEED_VALUE),
        seedAsset('FX', 0.1, 0.08, 0.003, SEED_VALUE),
        seedAsset('Crypto', 0.15, 0.2, 0.061, SEED_VALUE),
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
