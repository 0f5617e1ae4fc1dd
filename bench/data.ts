/**
 * Benchmark inputs built from the real S&P 500 prices shipped in resources/data.
 *
 * n ≤ 20 uses distinct stocks over the most recent `days` returns. Larger n reuses the 20 real
 * series over different, overlapping windows (asset k = stock k mod 20, window shifted by
 * 7·⌊k/20⌋ days back): every series is real price history, the correlations are realistic, and
 * no two assets are identical.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RebalanceRequestInput } from '../src/contract/rebalance';

const root = join(import.meta.dirname, '..');

export function readSp500(): { dates: string[]; symbols: string[]; cols: number[][] } {
  const lines = readFileSync(join(root, 'resources/data/skfolio_sp500_dataset.csv'), 'utf8')
    .split(/\r?\n/)
    .filter(Boolean);
  const header = (lines[0] as string).split(',');
  const symbols = header.slice(1);
  const cols: number[][] = symbols.map(() => []);
  const dates: string[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    dates.push(cells[0] as string);
    for (let j = 0; j < symbols.length; j++) (cols[j] as number[]).push(Number(cells[j + 1]));
  }
  return { dates, symbols, cols };
}

export function benchRequest(n: number, days: number): RebalanceRequestInput {
  const { dates, symbols, cols } = readSp500();
  const end = dates.length;
  const prices: Record<string, number[]> = {};
  const assets: RebalanceRequestInput['assets'] = [];
  const classes = ['Stocks', 'ETF', 'Mutual Fund', 'Commodity', 'FX', 'Crypto'] as const;
  for (let k = 0; k < n; k++) {
    const j = k % symbols.length;
    const shift = 7 * Math.floor(k / symbols.length);
    const series = (cols[j] as number[]).slice(end - days - 1 - shift, end - shift);
    const name = n <= symbols.length ? (symbols[j] as string) : `${symbols[j]}-w${shift}`;
    prices[name] = series;
    const target = 1 / n;
    // Deterministic drift pattern: every third asset 30% over target, every third 30% under.
    const current = target * (k % 3 === 0 ? 1.3 : k % 3 === 1 ? 0.7 : 1);
    assets.push({
      asset: name,
      asset_class: classes[k % classes.length],
      target_weight: target,
      current_weight: current,
      price: series[series.length - 1] as number,
    });
  }
  return {
    portfolio_value: 10_000_000,
    drift_threshold: n <= 20 ? 0.02 : 0.2 / n,
    turnover_limit: 0.2,
    transaction_cost_bps: 10,
    assets,
    price_history: { dates: dates.slice(end - days - 1), prices },
    monte_carlo: { paths: 10000, horizon_days: 21, seed: 7 },
  };
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return (
    (s[lo] as number) +
    ((s[Math.min(lo + 1, s.length - 1)] as number) - (s[lo] as number)) * (h - lo)
  );
}

/**
 * A JSON portfolio file of about `bytes` bytes with `assets` assets (at most the contract's
 * 5,000), every one invalid (a negative target weight and a non-numeric current weight), each
 * padded by a note to reach the size: the file of issue #10's finding, where every problem had to
 * be located in the text.
 */
export function invalidPortfolioJson(bytes: number, assets = 5000): string {
  const one = (k: number, note: string) =>
    JSON.stringify({
      asset: `A${k}`,
      asset_class: 'Stocks',
      target_weight: -0.1,
      current_weight: 'n/a',
      note,
    });
  const pad = Math.max(0, Math.floor(bytes / assets) - one(0, '').length - 2);
  const note = 'x'.repeat(pad);
  const rows = Array.from({ length: assets }, (_, k) => one(k, note));
  return `{
 "portfolio_value": 1000000,
 "assets": [
${rows.join(',\n')}
 ]
}
`;
}

/**
 * A wide CSV price file of about `bytes` bytes: `date` then 500 symbols, one row per business
 * day going back from 2024-12-31, prices a deterministic random walk with 4 decimals.
 */
export function widePriceCsv(bytes: number, symbols = 500): string {
  const header = ['date', ...Array.from({ length: symbols }, (_, j) => `S${j}`)].join(',');
  const rows: string[] = [header];
  let size = header.length + 1;
  const p = Array.from({ length: symbols }, (_, j) => 50 + j);
  let seed = 1;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.02;
  const day = new Date(Date.UTC(1960, 0, 1));
  while (size < bytes) {
    do day.setUTCDate(day.getUTCDate() + 1);
    while (day.getUTCDay() === 0 || day.getUTCDay() === 6);
    const cells = p.map((v, j) => (p[j] = v * (1 + rnd())).toFixed(4));
    const line = `${day.toISOString().slice(0, 10)},${cells.join(',')}`;
    rows.push(line);
    size += line.length + 1;
  }
  return rows.join('\n') + '\n';
}
