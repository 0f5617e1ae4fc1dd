/**
 * Book accounting of long-short books (issue #11 item 4; docs/methods.md, long-short books):
 * exposure figures, the contract's sign rules, the book read without normalization, short holdings
 * split pro rata, and short sales beyond the units held in execution.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Warning } from '../../../src/contract/common';
import { RebalanceRequest } from '../../../src/contract/rebalance';
import { bookExposure, exposureOf } from '../../../src/domain/exposure';
import { runRebalance } from '../../../src/services/rebalance';
import { readBook } from '../../../src/services/rebalance/book';
import { getSolver } from '../optimizer/helpers';

const rate2022 = (
  JSON.parse(
    readFileSync(join(import.meta.dirname, '../../../resources/scenarios.json'), 'utf8'),
  ) as { scenarios: { name: string; request: { assets: Record<string, unknown>[] } }[] }
).scenarios.find((s) => s.name.startsWith('2022'))!.request;
const clock = { now: () => new Date('2026-01-01T00:00:00Z') };

/** 130/30 with PG short 30% held through two holdings of −1,237 units at 121.255. */
function shortHoldingsRequest(extra: Record<string, unknown> = {}) {
  const w = [0.5, 0.3, 0.2, 0.15, 0.15, -0.3];
  return RebalanceRequest.parse({
    ...rate2022,
    assets: rate2022.assets.map((a, i) => ({
      ...a,
      current_weight: w[i],
      ...(i === 5
        ? {
            holdings: [
              { holding: 'PG-A', quantity: -1237, last_price: 121.255 },
              { holding: 'PG-B', quantity: -1237, last_price: 121.255 },
            ],
          }
        : {}),
    })),
    book: { type: 'long_short', gross_limit: 1.6 },
    method: 'track_target',
    turnover_limit: 1.2,
    ...extra,
  });
}

describe('exposure figures', () => {
  it('130/30: gross 1.6, net 1, long 1.3, short 0.3', () => {
    const e = exposureOf([0.8, 0.5, -0.3], 0);
    expect(e.gross).toBeCloseTo(1.6, 15);
    expect(e.net).toBeCloseTo(1, 15);
    expect(e.long).toBeCloseTo(1.3, 15);
    expect(e.short).toBeCloseTo(0.3, 15);
    expect(e.cash).toBe(0);
  });
  it('market neutral: net 0, cash 1; the block carries type and limit', () => {
    const b = bookExposure('market_neutral', 2, [0.5, -0.5], 1, [0.25, -0.25], 0.999);
    expect(b).toEqual({
      type: 'market_neutral',
      gross_limit: 2,
      before: { gross: 1, net: 0, long: 0.5, short: 0.5, cash: 1 },
      after: { gross: 0.5, net: 0, long: 0.25, short: 0.25, cash: 0.999 },
    });
    expect(bookExposure('long_only', undefined, [1], 0, [1], 0).gross_limit).toBeNull();
  });
});

describe('the contract and the book of a long-short request', () => {
  it('accepts signed weights with cash above 1 and reads them as given', () => {
    const req = RebalanceRequest.parse({
      ...rate2022,
      assets: rate2022.assets.map((a, i) => ({
        ...a,
        current_weight: [0.3, 0.2, -0.1, -0.2, 0.1, -0.3][i],
      })),
      cash_weight: 1,
      book: { type: 'market_neutral' },
      method: 'min_variance',
      turnover_limit: 3,
    });
    const warnings: Warning[] = [];
    const book = readBook(req, warnings);
    expect(Array.from(book.current)).toEqual([0.3, 0.2, -0.1, -0.2, 0.1, -0.3]);
    expect(book.cashWeight).toBe(1);
    expect(book.longShort).toBe(true);
    expect(book.securities.every((s) => s.shortable === true)).toBe(true);
    expect(warnings.filter((w) => w.code === 'WEIGHTS_NORMALIZED')).toEqual([]);
  });
  it('a long_only book keeps its securities capped at the holding', () => {
    const req = RebalanceRequest.parse({ ...rate2022 });
    const book = readBook(req, []);
    expect(book.longShort).toBe(false);
    expect(book.securities.some((s) => s.shortable !== undefined)).toBe(false);
  });
  it('short holdings: positive shares of a negative asset, no value-mismatch warning', () => {
    const warnings: Warning[] = [];
    const book = readBook(shortHoldingsRequest(), warnings);
    const pg = book.securitiesOf[5]!.map((j) => book.securities[j]!);
    expect(pg.map((s) => s.share)).toEqual([0.5, 0.5]);
    expect(pg[0]!.currentMinor).toBeCloseTo(-15_000_000, 6);
    expect(warnings.filter((w) => w.code === 'HOLDINGS_VALUE_MISMATCH')).toEqual([]);
  });
  it('refuses holding targets, and quantities of the opposite sign, in a long-short book', () => {
    const r = RebalanceRequest.safeParse({
      ...rate2022,
      assets: rate2022.assets.map((a, i) => ({
        ...a,
        current_weight: [0.5, 0.3, 0.2, 0.15, 0.15, -0.3][i],
        ...(i === 5
          ? {
              holdings: [
                { holding: 'PG-A', quantity: 10, last_price: 121.255, target_weight: 1 },
                { holding: 'PG-B', quantity: -10, last_price: 121.255, target_weight: 0 },
              ],
            }
          : {}),
      })),
      book: { type: 'long_short' },
      method: 'min_variance',
    });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'assets.5.holdings.0.quantity',
        'assets.5.holdings.0.target_weight',
        'assets.5.holdings.1.target_weight',
      ]),
    );
  });
});

describe('execution of a long-short decision', () => {
  it('covers a short held through holdings pro rata, and sells a long position into a short', async () => {
    const req = shortHoldingsRequest({
      method: 'mean_variance',
      risk_aversion: 4,
      turnover_limit: 1.5,
    });
    const r = await runRebalance(req, clock, { solver: await getSolver() });
    const opt = new Map(r.optimization!.weights.map((x) => [x.asset, x.weight]));
    for (const row of r.weights) {
      // Executed within lot rounding and costs of the decision (≤ 0.5% of NAV here).
      expect(Math.abs(row.proposed_weight - opt.get(row.asset)!)).toBeLessThan(0.005);
    }
    // PG's holdings trade in the same direction, pro rata (equal shares → equal orders ± 1 lot).
    const pgOrders = r.orders.filter((o) => o.asset === 'PG');
    expect(pgOrders).toHaveLength(2);
    expect(Math.sign(pgOrders[0]!.trade_units)).toBe(Math.sign(pgOrders[1]!.trade_units));
    expect(Math.abs(pgOrders[0]!.trade_units - pgOrders[1]!.trade_units)).toBeLessThanOrEqual(1);
    // A sell beyond what is held is a short sale: allowed, units negative.
    const sold = r.weights.filter((w) => w.current_weight > 0 && w.proposed_weight < 0);
    expect(sold.length).toBeGreaterThan(0);
    for (const w of sold) {
      const t = r.trades.find((x) => x.asset === w.asset)!;
      expect(t.action).toBe('Sell');
      expect(t.trade_units!).toBeLessThan(0);
    }
    expect(r.trade_summary.residual_cash).toBeGreaterThanOrEqual(0);
  });
});
