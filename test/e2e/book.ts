/**
 * A small book for the batch suites and the tour: model "growth" (SPY 50%, JPM 30%, AMZN 20%,
 * band ±3 pp) and the price library from Riskfolio-Lib's fixture (11 series of real closes,
 * test/fixtures/README.md), saved through the engine's own operations. The accounts come from
 * test/fixtures/import/accounts.csv (3 accounts × positions), imported by the suite itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../../src/server/app';
import { ROOT } from './harness';

export const ACCOUNTS_CSV = join(ROOT, 'test/fixtures/import/accounts.csv');
export const PRICES_CSV = join(ROOT, 'test/fixtures/riskfolio_stock_prices.csv');

export const GROWTH = {
  targets: [
    { asset: 'SPY', asset_class: 'ETF', target_weight: 0.5 },
    { asset: 'JPM', asset_class: 'Stocks', target_weight: 0.3 },
    { asset: 'AMZN', asset_class: 'Stocks', target_weight: 0.2 },
  ],
  drift_threshold: 0.03,
  rebalance_to: 'target',
} as const;

const ctx = { actor: 'test', transport: 'inprocess' as const };

/** Calls one operation in-process and returns its value; throws with the engine's error. */
export async function ok<T = unknown>(app: App, op: string, input: unknown): Promise<T> {
  const r = await app.dispatch(op as never, input, ctx);
  if (!r.ok) throw new Error(`${op} failed: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

/** Model "growth" and the price library (no account). */
export async function seedBook(app: App): Promise<void> {
  await ok(app, 'saveModel', { model_id: 'growth', name: 'Growth', content: GROWTH });
  await ok(app, 'importPriceLibrary', {
    filename: 'riskfolio_stock_prices.csv',
    format: 'csv',
    content: readFileSync(PRICES_CSV, 'utf8'),
  });
}
