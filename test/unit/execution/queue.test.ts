/**
 * The Execution agent's staged queue and pre-trade controls (src/execution/queue.ts,
 * src/execution/controls.ts) on hand-worked cases: fat-finger orders each blocked by the named
 * control, a clean set that passes everything, the liquidity stages with sells first, slicing that
 * sums back exactly (units, value and the planner's cost), funds never sliced, and properties of
 * the split over random orders.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExecutionQueue } from '../../../src/contract/agents';
import type { AssetClass } from '../../../src/contract/common';
import {
  DEFAULT_POLICY,
  PRE_TRADE_CONTROLS,
  type PolicyDocument,
} from '../../../src/contract/policy';
import type { OrderRow } from '../../../src/contract/rebalance';
import {
  checkOrder,
  countOrderKeys,
  type ControlContext,
  type OrderLike,
} from '../../../src/execution/controls';
import { lotSpec, unitsForLots } from '../../../src/execution/lots';
import { toMinor } from '../../../src/execution/money';
import {
  MAX_CHILDREN_PER_ORDER,
  buildExecutionQueue,
  childCount,
  splitOrder,
} from '../../../src/execution/queue';
import { costMinor, valueMinor } from '../../../src/execution/sizing';

const SCALE = 100;
const BPS = 10;
const FEE = 5;

/** An order row as the planner writes it: value and cost to the minor unit. */
function row(
  security: string,
  asset_class: AssetClass,
  units: number,
  price: number,
  over: Partial<OrderRow> & { bps?: number; fee?: number } = {},
): OrderRow {
  const { bps = BPS, fee = FEE, ...rest } = over;
  const lot = rest.lot_size ?? 1;
  const v = valueMinor(units, price, SCALE);
  const tv = v / SCALE;
  return {
    security,
    asset: security,
    asset_class,
    action: units > 0 ? 'Buy' : units < 0 ? 'Sell' : 'Hold',
    trade_units: units,
    price,
    lot_size: lot,
    trade_value: tv,
    signed_trade_value: units < 0 ? -tv : tv,
    estimated_cost: costMinor(v, bps, toMinor(fee, SCALE)) / SCALE,
    status: units === 0 ? 'in_band' : 'traded',
    reason: '',
    ...rest,
  };
}

function ctx(
  over: Partial<PolicyDocument['pre_trade']> = {},
  last: Record<string, number> = {},
  restricted: string[] = [],
  nav = 10_000_000,
): ControlContext {
  return {
    nav,
    lastPrice: (s) => last[s] ?? null,
    restricted: new Set(restricted),
    policy: { ...DEFAULT_POLICY.pre_trade, ...over },
  };
}

function queue(orders: OrderRow[], c: ControlContext = ctx()) {
  const q = buildExecutionQueue({ orders, ctx: c, costBps: BPS, fixedFee: FEE, scale: SCALE });
  ExecutionQueue.parse(q);
  return q;
}

const bySecurity = (q: ExecutionQueue, s: string) => q.orders.filter((o) => o.security === s);

/** A clean book: last prices match the order prices within 1%. */
const LAST = { SPY: 450, EURUSD: 1.08, ACME: 50, GOLD: 180, FUND: 12.5, BTC: 60_000 };
const clean = (): OrderRow[] => [
  row('SPY', 'ETF', -100, 451),
  row('EURUSD', 'FX', 20_000, 1.0805, { lot_size: 1000 }),
  row('ACME', 'Stocks', 300, 50.2),
  row('GOLD', 'Commodity', -50, 179.5),
  row('FUND', 'Mutual Fund', 1000.5, 12.51, { lot_size: 0.001 }),
  row('BTC', 'Crypto', 0.5, 60_100, { lot_size: 1e-8 }),
];

describe('pre-trade controls: fat-finger orders', () => {
  const policy = { max_order_notional: 5_000_000, min_trade_value: 1_000 };

  it('price ×100 is blocked by price_collar only', () => {
    const q = queue([row('SPY', 'ETF', 100, 45_000)], ctx(policy, LAST, [], 1e9));
    const [o] = q.orders;
    expect(o?.status).toBe('blocked');
    expect(o?.blocked_by).toEqual(['price_collar']);
    const collar = o?.controls.find((r) => r.control === 'price_collar');
    expect(collar?.value).toBeCloseTo(99, 12); // |45,000 / 450 − 1|
    expect(collar?.limit).toBe(0.1);
    expect(collar?.message).toBe(
      'order price 45000 is 9900.00% from the last history price 450, outside the collar ±10.00%',
    );
  });

  it('quantity ×1,000 is blocked by max_order_notional and max_order_nav_fraction', () => {
    // 100 SPY at 451 = 45,100.00 intended; typed 100,000 → 45,100,000.00.
    const q = queue([row('SPY', 'ETF', 100_000, 451)], ctx(policy, LAST));
    const [o] = q.orders;
    expect(o?.blocked_by).toEqual(['max_order_notional', 'max_order_nav_fraction']);
    const n = o?.controls.find((r) => r.control === 'max_order_notional');
    expect([n?.value, n?.limit]).toEqual([45_100_000, 5_000_000]);
    expect(n?.message).toBe('notional 45100000.00 > limit 5000000.00');
    const f = o?.controls.find((r) => r.control === 'max_order_nav_fraction');
    expect(f?.value).toBeCloseTo(4.51, 12);
    expect(f?.message).toBe(
      'notional 45100000.00 is 451.00% of the portfolio value 10000000.00, above the limit 25.00%',
    );
    // Sliced into children (> 1,000,000.00), every child carries the block.
    expect(q.child_orders).toBe(46);
    expect(q.orders.every((c) => c.status === 'blocked')).toBe(true);
    expect(q.blocked_orders).toBe(1);
  });

  it('a restricted asset, or a restricted holding, is blocked by restricted_list', () => {
    const orders = [
      row('ACME', 'Stocks', 300, 50.2),
      { ...row('VOW3', 'Stocks', 10, 100), asset: 'Autos' },
    ];
    const q = queue(orders, ctx(policy, LAST, ['ACME', 'VOW3']));
    expect(q.orders.map((o) => o.blocked_by)).toEqual([['restricted_list'], ['restricted_list']]);
    expect(bySecurity(q, 'ACME')[0]?.controls[4]?.message).toBe('ACME is on the restricted list');
    // By asset name too.
    const q2 = queue(orders, ctx(policy, LAST, ['Autos']));
    expect(bySecurity(q2, 'VOW3')[0]?.blocked_by).toEqual(['restricted_list']);
    expect(bySecurity(q2, 'ACME')[0]?.status).toBe('ready');
  });

  it('the same security and side twice blocks both copies by duplicate_order', () => {
    const q = queue(
      [
        row('ACME', 'Stocks', 300, 50.2),
        row('ACME', 'Stocks', 300, 50.2),
        row('SPY', 'ETF', 5, 451),
      ],
      ctx(policy, LAST),
    );
    const acme = bySecurity(q, 'ACME');
    expect(acme.map((o) => o.blocked_by)).toEqual([['duplicate_order'], ['duplicate_order']]);
    const d = acme[0]?.controls.find((r) => r.control === 'duplicate_order');
    expect([d?.value, d?.limit, d?.message]).toEqual([2, 1, '2 BUY orders for ACME (at most 1)']);
    expect(bySecurity(q, 'SPY')[0]?.status).toBe('ready');
    expect(q.blocked_orders).toBe(2);
  });

  it('a buy and a sell of the same security are not duplicates', () => {
    const q = queue(
      [row('ACME', 'Stocks', 300, 50.2), row('ACME', 'Stocks', -300, 50.2)],
      ctx(policy, LAST),
    );
    expect(q.orders.every((o) => o.status === 'ready')).toBe(true);
  });

  it('an order below the minimum trade value is blocked by min_trade_value', () => {
    const q = queue([row('ACME', 'Stocks', 2, 50.2)], ctx(policy, LAST));
    const [o] = q.orders;
    expect(o?.blocked_by).toEqual(['min_trade_value']);
    const m = o?.controls.find((r) => r.control === 'min_trade_value');
    expect([m?.value, m?.limit, m?.message]).toEqual([
      100.4,
      1000,
      'notional 100.40 < minimum 1000.00',
    ]);
  });

  it('a clean set of orders passes all six controls', () => {
    const q = queue(clean(), ctx(policy, LAST));
    expect(q.blocked_orders).toBe(0);
    for (const o of q.orders) {
      expect(o.status).toBe('ready');
      expect(o.blocked_by).toEqual([]);
      expect(o.controls.map((r) => r.control)).toEqual([...PRE_TRADE_CONTROLS]);
      expect(o.controls.every((r) => r.passed)).toBe(true);
    }
  });
});

describe('pre-trade controls: edges', () => {
  const o: OrderLike = {
    security: 'X',
    asset: 'X',
    trade_units: 10,
    price: 100,
    trade_value: 1000,
  };

  it('no last history price: price_collar passes, not checked', () => {
    const r = checkOrder(o, ctx(), new Map());
    const c = r.find((x) => x.control === 'price_collar');
    expect(c).toEqual({
      control: 'price_collar',
      passed: true,
      value: null,
      limit: 0.1,
      message: 'not checked: no last history price for X',
    });
  });

  it('a price exactly at the collar passes (decimal equality)', () => {
    const r = checkOrder({ ...o, price: 110 }, ctx({}, { X: 100 }), new Map());
    expect(r.find((x) => x.control === 'price_collar')?.passed).toBe(true);
    const r2 = checkOrder({ ...o, price: 110.01 }, ctx({}, { X: 100 }), new Map());
    expect(r2.find((x) => x.control === 'price_collar')?.passed).toBe(false);
  });

  it('null limits turn controls off (pass, limit null)', () => {
    const huge = { ...o, trade_units: 1e9, trade_value: 1e11, price: 1e4 };
    const r = checkOrder(
      huge,
      ctx({ max_order_notional: null, max_order_nav_fraction: null, price_collar: null }, { X: 1 }),
      new Map(),
    );
    expect(r.every((x) => x.passed)).toBe(true);
    expect(r.slice(0, 3).map((x) => x.limit)).toEqual([null, null, null]);
    expect(r[2]?.value).toBeCloseTo(9999, 9);
  });

  it('a non-positive nav fails max_order_nav_fraction with value null, never NaN', () => {
    const r = checkOrder(o, ctx({}, {}, [], 0), new Map());
    const f = r.find((x) => x.control === 'max_order_nav_fraction');
    expect([f?.passed, f?.value]).toEqual([false, null]);
  });

  it('countOrderKeys counts per security and side; an absent key counts as 1', () => {
    const seen = countOrderKeys([
      { security: 'A', trade_units: 1 },
      { security: 'A', trade_units: 2 },
      { security: 'A', trade_units: -1 },
    ]);
    expect([...seen.values()]).toEqual([2, 1]);
    expect(checkOrder(o, ctx(), new Map())[3]?.passed).toBe(true);
  });

  it('max_order_notional and min_trade_value boundaries are inclusive', () => {
    const r = checkOrder(o, ctx({ max_order_notional: 1000, min_trade_value: 1000 }), new Map());
    expect(r[0]?.passed).toBe(true);
    expect(r[5]?.passed).toBe(true);
  });
});

describe('staging', () => {
  it('FX/ETF → stocks/commodities → funds → crypto, sells first, then larger notional', () => {
    const orders = [
      row('BTC', 'Crypto', 0.5, 60_000, { lot_size: 1e-8 }),
      row('ETH', 'Crypto', -2, 3_000, { lot_size: 1e-8 }),
      row('FUND', 'Mutual Fund', 1000, 12.5, { lot_size: 0.001 }),
      row('GOLD', 'Commodity', 100, 180),
      row('ACME', 'Stocks', -300, 50),
      row('ZETA', 'Stocks', 1000, 20),
      row('ALFA', 'Stocks', 1000, 20),
      row('EURUSD', 'FX', 20_000, 1.08, { lot_size: 1000 }),
      row('SPY', 'ETF', -10, 450),
      row('QQQ', 'ETF', 100, 400),
      row('HOLD', 'Stocks', 0, 10), // not queued
    ];
    const q = queue(orders);
    expect(q.orders.map((o) => `${o.stage_order}:${o.action}:${o.security}`)).toEqual([
      '1:SELL:SPY',
      '1:BUY:QQQ', // 40,000 > EURUSD 21,600
      '1:BUY:EURUSD',
      '2:SELL:ACME',
      '2:BUY:ALFA', // 20,000 each: by name
      '2:BUY:ZETA',
      '2:BUY:GOLD', // 18,000
      '3:BUY:FUND',
      '4:SELL:ETH',
      '4:BUY:BTC',
    ]);
    expect(q.orders.map((o) => o.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(q.orders.map((o) => o.stage)).toEqual([
      'fx_etf',
      'fx_etf',
      'fx_etf',
      'stocks_commodities',
      'stocks_commodities',
      'stocks_commodities',
      'stocks_commodities',
      'funds_at_cutoff',
      'crypto_children',
      'crypto_children',
    ]);
    expect(q.parent_orders).toBe(10);
    // Units and notional are positive; the side is the action.
    expect(q.orders.every((o) => (o.units ?? 0) > 0 && o.notional > 0)).toBe(true);
  });

  it('is deterministic: any input order gives the same queue', () => {
    const a = queue(clean(), ctx({}, LAST));
    const b = queue([...clean()].reverse(), ctx({}, LAST));
    expect(b).toEqual(a);
    expect(JSON.stringify(a)).not.toMatch(/NaN|Infinity/);
  });
});

describe('slicing', () => {
  it('splits into k = ⌈N / M⌉ children of whole lots that sum back exactly', () => {
    // 2,500 ACME at 1,000.01 = 2,500,025.00 > 1,000,000.00 → 3 children.
    const parent = row('ACME', 'Stocks', 2500, 1000.01);
    const q = queue([parent]);
    const kids = q.orders;
    expect(kids.map((c) => [c.child, c.children, c.units])).toEqual([
      [1, 3, 834],
      [2, 3, 833],
      [3, 3, 833],
    ]);
    expect(kids.reduce((s, c) => s + (c.units ?? 0), 0)).toBe(2500);
    const vMinor = kids.map((c) => toMinor(c.notional, SCALE));
    expect(vMinor).toEqual([83_400_834, 83_300_833, 83_300_833]);
    expect(vMinor.reduce((s, v) => s + v, 0)).toBe(toMinor(parent.trade_value, SCALE));
    expect(kids.every((c) => c.notional <= 1_000_000)).toBe(true);
    // Costs: Σ children = the planner's cost of the parent, fee on the first child.
    const cMinor = kids.map((c) => toMinor(c.estimated_cost, SCALE));
    expect(cMinor.reduce((s, v) => s + v, 0)).toBe(toMinor(parent.estimated_cost, SCALE));
    expect(cMinor).toEqual([834_01 + 500, 833_01, 833_01]);
    // And each child is within one minor unit of round(bps × v_i / 10,000) (+ fee on the first).
    kids.forEach((c, i) => {
      const own = Math.round((BPS * (vMinor[i] as number)) / 10000) + (i === 0 ? 500 : 0);
      expect(Math.abs((cMinor[i] as number) - own)).toBeLessThanOrEqual(1);
    });
    expect(q.parent_orders).toBe(1);
    expect(q.child_orders).toBe(3);
    expect(q.estimated_cost).toBe(parent.estimated_cost);
    expect(q.max_child_notional).toBe(1_000_000);
  });

  it('adds a child when whole lots would push one over the limit', () => {
    // Lots of 600,000.00: N = 3,000,000.00 → ⌈N / M⌉ = 3, but only one lot fits in a child → 5.
    const q = queue([row('BLOCK', 'Stocks', 5, 600_000)], ctx({ max_order_notional: null }));
    expect(q.orders.map((c) => c.units)).toEqual([1, 1, 1, 1, 1]);
    expect(q.orders.every((c) => c.notional <= 1_000_000)).toBe(true);
  });

  it('crypto is sliced with the same rule, to the satoshi', () => {
    const parent = row('BTC', 'Crypto', 41.66666667, 60_000, { lot_size: 1e-8 });
    const q = queue([parent], ctx({ max_order_notional: null, max_order_nav_fraction: null }));
    const kids = q.orders;
    expect(kids).toHaveLength(3);
    expect(kids.every((c) => c.stage === 'crypto_children')).toBe(true);
    const lots = kids.map((c) => Math.round((c.units ?? 0) / 1e-8));
    expect(lots).toEqual([1_388_888_889, 1_388_888_889, 1_388_888_889]);
    expect(lots.reduce((s, l) => s + l, 0)).toBe(4_166_666_667);
    expect(kids.reduce((s, c) => s + toMinor(c.notional, SCALE), 0)).toBe(
      toMinor(parent.trade_value, SCALE),
    );
    expect(kids.reduce((s, c) => s + toMinor(c.estimated_cost, SCALE), 0)).toBe(
      toMinor(parent.estimated_cost, SCALE),
    );
    // A small crypto order is still one child (k ≥ 1).
    const small = queue([row('BTC', 'Crypto', 0.01, 60_000, { lot_size: 1e-8 })]);
    expect(small.orders.map((c) => [c.child, c.children, c.units])).toEqual([[1, 1, 0.01]]);
  });

  it('a mutual fund over the child limit is one order at the cut-off, never sliced', () => {
    const parent = row('FUND', 'Mutual Fund', 200_000.123, 12.5, { lot_size: 0.001 });
    expect(parent.trade_value).toBeGreaterThan(1_000_000);
    const q = queue([parent], ctx({ max_order_nav_fraction: null }));
    expect(q.orders).toHaveLength(1);
    const [o] = q.orders;
    expect([o?.stage, o?.child, o?.children, o?.units, o?.notional, o?.estimated_cost]).toEqual([
      'funds_at_cutoff',
      1,
      1,
      200_000.123,
      parent.trade_value,
      parent.estimated_cost,
    ]);
  });

  it('the worked example of the doc comment', () => {
    const q = buildExecutionQueue({
      orders: [
        row('ACME', 'Stocks', 30_000, 50, { fee: 0 }),
        row('SPY', 'ETF', -500, 100, { fee: 0 }),
        row('GLOBAL FUND', 'Mutual Fund', 2_000, 1_000, { fee: 0, lot_size: 0.001 }),
      ],
      ctx: ctx(),
      costBps: 10,
      fixedFee: 0,
      scale: SCALE,
    });
    expect(
      q.orders.map((o) => [o.security, o.action, o.units, o.notional, o.estimated_cost]),
    ).toEqual([
      ['SPY', 'SELL', 500, 50_000, 50],
      ['ACME', 'BUY', 15_000, 750_000, 750],
      ['ACME', 'BUY', 15_000, 750_000, 750],
      ['GLOBAL FUND', 'BUY', 2_000, 2_000_000, 2_000],
    ]);
    expect([q.parent_orders, q.child_orders, q.blocked_orders, q.estimated_cost]).toEqual([
      3, 4, 0, 3_550,
    ]);
  });

  it('the worked example of docs/_fragments/execution.md', () => {
    const q = queue(
      [
        row('FUND', 'Mutual Fund', 300_000.5, 12.5, { lot_size: 0.001 }),
        row('ACME', 'Stocks', 2500, 1000.01),
        row('SPY', 'ETF', -100, 451),
      ],
      ctx({}, { ACME: 1000, SPY: 450 }, [], 12_000_000),
    );
    expect(
      q.orders.map((o) => [
        o.sequence,
        o.security,
        o.action,
        o.units,
        o.notional,
        o.estimated_cost,
      ]),
    ).toEqual([
      [1, 'SPY', 'SELL', 100, 45_100, 50.1],
      [2, 'ACME', 'BUY', 834, 834_008.34, 839.01],
      [3, 'ACME', 'BUY', 833, 833_008.33, 833.01],
      [4, 'ACME', 'BUY', 833, 833_008.33, 833.01],
      [5, 'FUND', 'BUY', 300_000.5, 3_750_006.25, 3_755.01],
    ]);
    expect(q.orders.map((o) => o.blocked_by)).toEqual([[], [], [], [], ['max_order_nav_fraction']]);
    const fund = q.orders[4]?.controls;
    expect(fund?.[1]?.value).toBeCloseTo(3_750_006.25 / 12_000_000, 15);
    expect(fund?.[2]).toMatchObject({ passed: true, value: null });
    expect([q.parent_orders, q.child_orders, q.blocked_orders, q.estimated_cost]).toEqual([
      3, 5, 1, 6_310.14,
    ]);
  });

  it('per-asset cost overrides keep Σ child costs equal to the planner cost', () => {
    const parent = row('ACME', 'Stocks', 2500, 1000.01, { bps: 25 });
    const q = buildExecutionQueue({
      orders: [parent],
      ctx: ctx(),
      costBps: BPS,
      fixedFee: FEE,
      scale: SCALE,
      assetCostBps: { ACME: 25 },
    });
    expect(q.estimated_cost).toBe(parent.estimated_cost);
  });

  it('caps the children of one parent at MAX_CHILDREN_PER_ORDER', () => {
    const q = queue(
      [row('ACME', 'Stocks', 1_000_000, 10)],
      ctx({ max_child_notional: 1, max_order_notional: null, max_order_nav_fraction: null }),
    );
    expect(q.child_orders).toBe(MAX_CHILDREN_PER_ORDER);
    expect(q.orders.reduce((s, c) => s + (c.units ?? 0), 0)).toBe(1_000_000);
  });
});

describe('split properties (random parents)', () => {
  it('Σ lots = L, Σ values = N, Σ costs = planner cost, children within M when a lot fits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000_000_000 }),
        fc.constantFrom(1, 1000, 0.001, 1e-8, 0.25),
        fc.double({ min: 0.01, max: 1e5, noNaN: true }),
        fc.double({ min: 100, max: 1e7, noNaN: true }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 2_000 }),
        (L, lot, price, maxChild, bps, feeMinor) => {
          const spec = lotSpec(lot);
          const units = unitsForLots(L, spec);
          const v = valueMinor(units, price, SCALE);
          fc.pre(v <= 1e15); // LIMITS.maxPortfolioValue in minor units
          const lotMinor = lot * price * SCALE;
          const M = maxChild * SCALE;
          const k = childCount(L, v, lotMinor, M);
          const kids = splitOrder({
            lots: L,
            lotSize: lot,
            units,
            valueMinor: v,
            price,
            bps,
            feeMinor,
            k,
            scale: SCALE,
          });
          expect(kids).toHaveLength(k);
          expect(kids.reduce((s, c) => s + c.lots, 0)).toBe(L);
          expect(kids.reduce((s, c) => s + c.valueMinor, 0)).toBe(v);
          expect(kids.reduce((s, c) => s + c.costMinor, 0)).toBe(costMinor(v, bps, feeMinor));
          const sane = kids.every(
            (c) => c.lots >= 1 && Number.isFinite(c.units) && c.valueMinor >= 0 && c.costMinor >= 0,
          );
          expect(sane).toBe(true);
          // The last child takes the rounding remainder of the others (≤ ½ minor unit each).
          if (k > 1 && lotMinor <= M && k < MAX_CHILDREN_PER_ORDER)
            expect(Math.max(...kids.map((c) => c.valueMinor))).toBeLessThanOrEqual(M + k / 2);
          if (v <= M) expect(k).toBe(1);
        },
      ),
      { numRuns: 500, seed: 8 },
    );
  });
});
