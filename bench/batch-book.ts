/**
 * The book the batch benchmark rebalances: 20 real S&P 500 series of 1,261 closes in the price
 * library (resources/data, the same data as bench/data.ts), an equal-weight model over them and
 * `n` accounts whose holdings drift from it (every third asset 30 % over, every third 30 % under,
 * rotated per account), written straight into the store.
 */
import { AccountContent, ModelContent } from '../src/contract/models';
import { canonicalJson } from '../src/domain/canonical';
import type { Store } from '../src/ports/store';
import { readSp500 } from './data';

export const BENCH_ASSETS = 20;
export const BENCH_DAYS = 1260;

/** Writes the library, the model `bench` and `n` accounts B-00000… following it. */
export function seedBenchBook(store: Store, n: number): void {
  const { dates, symbols, cols } = readSp500();
  const end = dates.length;
  const from = end - BENCH_DAYS - 1;
  const names = symbols.slice(0, BENCH_ASSETS) as string[];
  store.priceLibrary.putMany(
    names.map((symbol, j) => ({
      symbol,
      content: { dates: dates.slice(from), closes: (cols[j] as number[]).slice(from) },
      expected_version: 0,
    })),
    'bench',
    {},
  );
  const model = ModelContent.parse({
    targets: names.map((asset) => ({
      asset,
      asset_class: 'Stocks',
      target_weight: 1 / BENCH_ASSETS,
    })),
    drift_threshold: 0.02,
    turnover_limit: 0.2,
    transaction_cost_bps: 10,
  });
  store.models.save({ id: 'bench', name: 'Bench', content_json: canonicalJson(model) });
  const last = names.map((_, j) => (cols[j] as number[])[end - 1] as number);
  const accounts = Array.from({ length: n }, (_, k) => {
    const value = 1_000_000 + 1000 * (k % 97);
    const content = AccountContent.parse({
      currency: 'USD',
      cash: 0,
      positions: names.map((asset, j) => {
        const r = (j + k) % 3;
        const w = (1 / BENCH_ASSETS) * (r === 0 ? 1.3 : r === 1 ? 0.7 : 1);
        const price = last[j] as number;
        return { asset, asset_class: 'Stocks', quantity: (value * w) / price, price };
      }),
    });
    return {
      id: `B-${String(k).padStart(5, '0')}`,
      name: `Bench account ${k}`,
      model_id: 'bench',
      content_json: canonicalJson(content),
    };
  });
  for (let i = 0; i < accounts.length; i += 1000)
    store.accounts.saveMany(accounts.slice(i, i + 1000));
}
