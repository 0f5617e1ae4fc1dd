/**
 * A book to batch-rebalance in tests: the price library from Riskfolio-Lib's real closes
 * (test/fixtures/riskfolio_stock_prices.csv, 11 series), a three-asset model and accounts whose
 * holdings drift from it by a deterministic pattern, written straight into a store.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccountContent, ModelContent } from '../../src/contract/models';
import { canonicalJson } from '../../src/domain/canonical';
import type { Store } from '../../src/ports/store';

const FIXTURE = join(import.meta.dirname, '../fixtures/riskfolio_stock_prices.csv');

/** The fixture's last `days` closes per symbol. */
export function fixtureSeries(days = 300): Map<string, { dates: string[]; closes: number[] }> {
  const lines = readFileSync(FIXTURE, 'utf8').trim().split('\n');
  const symbols = (lines[0] as string).split(',').slice(1);
  const rows = lines.slice(-days).map((l) => l.split(','));
  return new Map(
    symbols.map((s, j) => [
      s,
      { dates: rows.map((r) => r[0] as string), closes: rows.map((r) => Number(r[j + 1])) },
    ]),
  );
}

export const GROWTH = {
  targets: [
    { asset: 'SPY', asset_class: 'ETF', target_weight: 0.5 },
    { asset: 'JPM', asset_class: 'Stocks', target_weight: 0.3 },
    { asset: 'AMZN', asset_class: 'Stocks', target_weight: 0.2 },
  ],
  drift_threshold: 0.03,
  rebalance_to: 'target',
} as const;

/** Positions of account k: SPY, JPM and AMZN in a pattern that drifts from the model. */
export function accountContent(k: number) {
  return {
    currency: 'USD',
    cash: 1000 + 37 * (k % 11),
    positions: [
      { asset: 'SPY', asset_class: 'ETF', quantity: 20 + (k % 7) * 5, price: 300 },
      { asset: 'JPM', asset_class: 'Stocks', quantity: 30 + (k % 5) * 12, price: 120 },
      { asset: 'AMZN', asset_class: 'Stocks', quantity: 40 + (k % 3) * 30, price: 90 },
    ],
  };
}

/**
 * Writes the library, the model `growth` (or `model`) and `n` accounts ACC-0000… following it.
 * Returns the account ids in order.
 */
export function seedBook(
  store: Store,
  n: number,
  model: Record<string, unknown> = GROWTH,
  days = 300,
): string[] {
  store.priceLibrary.putMany(
    [...fixtureSeries(days)].map(([symbol, content]) => ({ symbol, content, expected_version: 0 })),
    'test',
    { filename: 'riskfolio_stock_prices.csv' },
  );
  store.models.save({
    id: 'growth',
    name: 'Growth',
    content_json: canonicalJson(ModelContent.parse(model)),
  });
  const ids = Array.from({ length: n }, (_, k) => `ACC-${String(k).padStart(4, '0')}`);
  store.accounts.saveMany(
    ids.map((id, k) => ({
      id,
      name: `Account ${k}`,
      model_id: 'growth',
      content_json: canonicalJson(AccountContent.parse(accountContent(k))),
    })),
  );
  return ids;
}
