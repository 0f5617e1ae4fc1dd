/**
 * Security-level orders (docs/methods.md, Rebalancing, E0): an asset that lists holdings is
 * ordered per holding, in that holding's lots at its own price; the asset row is the sum.
 */
import { describe, expect, it } from 'vitest';
import { RebalanceRequest, type RebalanceResponse } from '../../../src/contract/rebalance';
import { runRebalance } from '../../../src/services/rebalance';

const clock = { now: () => new Date(0) };
const h = (holding: string, quantity: number, last_price: number, target_weight?: number) => ({
  holding,
  quantity,
  last_price,
  ...(target_weight !== undefined ? { target_weight } : {}),
});

// 3 classes, 12 holdings, whole shares; values are quantity × price so the classes' current
// weights match their holdings exactly: US Equity 580,000, Bonds 300,000, Real Assets 120,000.
const BOOK = {
  portfolio_value: 1_000_000,
  drift_threshold: 0.03,
  transaction_cost_bps: 5,
  assets: [
    {
      asset: 'US Equity',
      asset_class: 'Stocks',
      target_weight: 0.5,
      current_weight: 0.58,
      holdings: [
        h('AAPL', 1000, 190), // 190,000
        h('MSFT', 300, 400), // 120,000
        h('JPM', 600, 200), // 120,000
        h('XOM', 1000, 100), // 100,000
        h('JNJ', 250, 200), // 50,000
      ],
    },
    {
      asset: 'Bonds',
      asset_class: 'Mutual Fund',
      target_weight: 0.35,
      current_weight: 0.3,
      holdings: [
        h('VBTLX', 10000, 10, 0.5), // 100,000
        h('VWITX', 10000, 12.5, 0.3), // 125,000
        h('VFSTX', 5000, 10, 0.2), // 50,000
        h('PIMIX', 2500, 10, 0), // 25,000
      ],
    },
    {
      asset: 'Real Assets',
      asset_class: 'ETF',
      target_weight: 0.15,
      current_weight: 0.12,
      holdings: [h('GLD', 300, 200), h('SLV', 1500, 24), h('DBC', 1200, 20)], // 60,000 + 36,000 + 24,000
    },
  ],
};

async function run(over: object = {}): Promise<RebalanceResponse> {
  return runRebalance(RebalanceRequest.parse({ ...BOOK, ...over }), clock);
}

describe('security-level orders', () => {
  it('a 3-class, 12-holding book gives whole-share orders summing to the class trades', async () => {
    const out = await run();
    expect(out.orders).toHaveLength(12);
    expect(out.warnings.map((w) => w.code)).not.toContain('HOLDINGS_VALUE_MISMATCH');
    const V = out.trade_summary.value_after_flow;
    out.trades.forEach((t, i) => {
      const w = out.weights[i] as RebalanceResponse['weights'][number];
      const orders = out.orders.filter((o) => o.asset === t.asset);
      // Every order is a whole number of lots at the holding's own price.
      for (const o of orders) {
        expect(Number.isInteger(Math.round((o.trade_units / o.lot_size) * 1e6) / 1e6)).toBe(true);
        expect(o.trade_value).toBeCloseTo(Math.abs(o.trade_units) * o.price, 2);
      }
      // The asset row is exactly the sum of its orders, and has no units or price of its own.
      const sum = orders.reduce((s, o) => s + Math.round(o.signed_trade_value * 100), 0);
      expect(Math.round(t.signed_trade_value * 100)).toBe(sum);
      expect(t.trade_units).toBeNull();
      expect(t.price).toBeNull();
      // ... and within one lot per holding of the class trade the decision asked for.
      const intended = (w.decided_weight - w.current_weight_after_flow) * V;
      const lots = orders.reduce((s, o) => s + o.lot_size * o.price, 0);
      expect(Math.abs(sum / 100 - intended)).toBeLessThanOrEqual(lots + 0.01);
      expect(w.post_trade_band_status).toBe('inside');
    });
  });

  it('splits pro rata to the current holdings when no holding targets are given', async () => {
    const out = await run();
    const eq = out.orders.filter((o) => o.asset === 'US Equity');
    const total = eq.reduce((s, o) => s + o.signed_trade_value, 0);
    // Shares 190/580, 120/580, 120/580, 100/580, 50/580 of the class trade, each within one lot.
    const shares = [190, 120, 120, 100, 50].map((x) => x / 580);
    eq.forEach((o, j) => {
      expect(o.action).toBe('Sell');
      expect(Math.abs(o.signed_trade_value - total * (shares[j] as number))).toBeLessThanOrEqual(
        o.price + 0.01,
      );
    });
  });

  it('with holding targets, buys go to the most underweight holding first', async () => {
    const out = await run();
    const bonds = out.orders.filter((o) => o.asset === 'Bonds');
    // Bonds grow to about 350,000: targets 175k / 105k / 70k / 0 against 100k / 125k / 50k / 25k.
    // VBTLX (75k under) is bought first; VWITX and PIMIX are over target and not bought.
    const by = Object.fromEntries(bonds.map((o) => [o.security, o]));
    expect(by.VBTLX?.action).toBe('Buy');
    expect(by.VWITX?.action).toBe('Hold');
    expect(by.PIMIX?.action).toBe('Hold');
    expect(by.VBTLX!.trade_value).toBeGreaterThan(by.VFSTX!.trade_value);
  });

  it('a holding without a price is a 400 naming it; nothing is invented', () => {
    const bad = structuredClone(BOOK) as { assets: { holdings: Record<string, unknown>[] }[] };
    delete bad.assets[1]!.holdings[2]!.last_price;
    const r = RebalanceRequest.safeParse(bad);
    expect(r.success).toBe(false);
    const issue = r.error?.issues.find(
      (i) => i.path.join('.') === 'assets.1.holdings.2.last_price',
    );
    expect(issue?.message).toMatch(/needs its own last_price.*none is invented/);
  });

  it('an asset with neither holdings nor a price is refused, naming its price', () => {
    const r = RebalanceRequest.safeParse({
      portfolio_value: 100,
      assets: [{ asset: 'X', target_weight: 1, current_weight: 1 }],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['assets.0.price']);
  });

  it('quantities cap the sells: a holding is never sold below zero units', async () => {
    // Everything out of US Equity (target 0): each holding sells at most what it holds.
    const book = structuredClone(BOOK);
    book.assets[0]!.target_weight = 0;
    book.assets[1]!.target_weight = 0.85;
    const out = await run({ assets: book.assets });
    for (const o of out.orders.filter((x) => x.asset === 'US Equity')) {
      const held = BOOK.assets[0]!.holdings.find((x) => x.holding === o.security)!.quantity;
      expect(-o.trade_units).toBeLessThanOrEqual(held);
    }
  });

  it("the drilldown shows each holding's own order", async () => {
    const out = await run();
    expect(new Set(out.orders.map((o) => o.security)).size).toBe(12);
    expect(out.asset_drilldown['Bonds']?.holdings.map((x) => x.trade_units)).toEqual(
      out.orders.filter((o) => o.asset === 'Bonds').map((o) => o.trade_units),
    );
  });
});
