/**
 * Invariants of the threshold rebalancer on random feasible inputs (fast-check, ≥ 1,000 runs
 * each): 2–30 assets of random classes and lot sizes, random normalized weights (some zero),
 * optional tilted destination targets, prices 0.01–100,000, thresholds 0–0.2, turnover limits
 * 0.01–1, 0–100 bps, fixed fees, minimum trade values, four currencies (two without decimals).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASSET_CLASSES, EngineError } from '../../../src/contract/common';
import type { AssetClass } from '../../../src/contract/common';
import { minorScale } from '../../../src/execution/money';
import {
  planRebalance,
  type Plan,
  type PlanAsset,
  type PlanInput,
} from '../../../src/optimize/threshold';

const RUNS = 1000;
const LOTS = [1e-8, 1e-6, 0.001, 0.01, 0.1, 0.25, 0.5, 1, 5, 10, 100, 1000];

const rawAsset = fc.record({
  cls: fc.constantFrom(...ASSET_CLASSES),
  // A quarter of the weights are exactly 0 (empty holdings, zero targets).
  c: fc.oneof(
    fc.constant(0),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
  ),
  t: fc.oneof(
    fc.constant(0),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
  ),
  tilt: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
  logPrice: fc.double({ min: -2, max: 5, noNaN: true }),
  lot: fc.option(fc.constantFrom(...LOTS), { nil: undefined }),
  min: fc.oneof(fc.constant(0), fc.constant(0), fc.double({ min: 0, max: 20_000, noNaN: true })),
});

function normalize(xs: number[]): number[] {
  const s = xs.reduce((a, b) => a + b, 0);
  return s > 0 ? xs.map((x) => x / s) : xs.map(() => 1 / xs.length);
}

const planInput: fc.Arbitrary<PlanInput> = fc
  .record({
    raw: fc.array(rawAsset, { minLength: 2, maxLength: 30 }),
    logV: fc.double({ min: 2, max: 10, noNaN: true }),
    currency: fc.constantFrom('USD', 'EUR', 'JPY', 'KRW'),
    h: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.2, noNaN: true })),
    mode: fc.constantFrom('target' as const, 'band_edge' as const),
    L: fc.double({ min: 0.01, max: 1, noNaN: true }),
    bps: fc.double({ min: 0, max: 100, noNaN: true }),
    fee: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 50, noNaN: true })),
    tilted: fc.boolean(),
  })
  .map(({ raw, logV, currency, h, mode, L, bps, fee, tilted }) => {
    const c = normalize(raw.map((r) => r.c));
    const t = normalize(raw.map((r) => r.t));
    const d = tilted ? normalize(t.map((x, i) => x * (1 + raw[i]!.tilt))) : t;
    const assets: PlanAsset[] = raw.map((r, i) => ({
      asset: `A${i}`,
      assetClass: r.cls as AssetClass,
      current: c[i]!,
      target: t[i]!,
      destinationTarget: d[i]!,
      price: Number((10 ** r.logPrice).toPrecision(8)),
      ...(r.lot !== undefined ? { lotSize: r.lot } : {}),
      minTradeValue: r.min,
    }));
    return {
      portfolioValue: Number((10 ** logV).toFixed(2)),
      currency,
      assets,
      driftThreshold: h,
      rebalanceTo: mode,
      turnoverLimit: L,
      costBps: bps,
      fixedFee: fee,
    };
  });

const cents = (x: number, scale: number) => Math.round(x * scale);

function check(prop: (input: PlanInput, plan: Plan) => void) {
  fc.assert(
    fc.property(planInput, (input) => {
      prop(input, planRebalance(input));
    }),
    { numRuns: RUNS },
  );
}

describe('planRebalance invariants (fast-check, 1,000 runs each)', () => {
  it('proposed weights + residual cash weight sum to 1 ± 1e-9; none is negative', () => {
    check((input, p) => {
      let s = p.residualCashWeight;
      for (const w of p.proposedWeights) {
        expect(w).toBeGreaterThanOrEqual(0);
        s += w;
      }
      expect(Math.abs(s - 1)).toBeLessThanOrEqual(1e-9);
      expect(p.residualCashWeight).toBeGreaterThanOrEqual(0);
      // Never sells more than is held (before the ≥ 0 guard on weights): tolerance 1e-9 of V.
      input.assets.forEach((a, i) =>
        expect(a.current * input.portfolioValue + p.trades[i]!.signed_trade_value).toBeGreaterThan(
          -1e-9 * input.portfolioValue,
        ),
      );
    });
  });

  it('turnover used ≤ limit + 1e-9 and equals (Σ buys + Σ sells) / 2V', () => {
    check((input, p) => {
      expect(p.turnoverUsed).toBeLessThanOrEqual(input.turnoverLimit + 1e-9);
      const traded = p.trades.reduce((s, t) => s + t.trade_value, 0);
      expect(p.turnoverUsed).toBeCloseTo(traded / (2 * input.portfolioValue), 12);
      const s = p.summary;
      if (s.turnover_limit_binding) {
        expect(s.turnover_before_cap).toBeGreaterThan(input.turnoverLimit);
        expect(s.turnover_scale).toBeCloseTo(input.turnoverLimit / s.turnover_before_cap, 12);
      } else expect(s.turnover_scale).toBe(1);
    });
  });

  it('no trade inside the band: value, signed value, units and cost are exactly 0', () => {
    check((input, p) => {
      input.assets.forEach((a, i) => {
        const b = p.bands[i]!;
        // Independent band test on the raw inputs, away from the 1e-12 tolerance edge.
        const gap = Math.abs(a.current - a.destinationTarget);
        if (gap <= input.driftThreshold - 1e-9) expect(b.outside).toBe(false);
        if (gap > input.driftThreshold + 1e-9) expect(b.outside).toBe(true);
        if (!b.outside) {
          const t = p.trades[i]!;
          expect(t.action).toBe('Hold');
          for (const x of [t.trade_value, t.signed_trade_value, t.trade_units, t.estimated_cost])
            expect(Object.is(x, 0)).toBe(true);
          expect(t.reason.startsWith('Inside band')).toBe(true);
        }
      });
    });
  });

  it('cash is conserved to the minor unit: sells − buys − costs = cash_change = residual ≥ 0', () => {
    check((input, p) => {
      const sc = minorScale(input.currency);
      let sells = 0;
      let buys = 0;
      let costs = 0;
      for (const t of p.trades) {
        // Every amount is a whole number of minor units: exactly the double nearest to n / scale.
        for (const x of [t.trade_value, t.estimated_cost]) expect(cents(x, sc) / sc).toBe(x);
        if (t.action === 'Sell') sells += cents(t.trade_value, sc);
        if (t.action === 'Buy') buys += cents(t.trade_value, sc);
        costs += cents(t.estimated_cost, sc);
      }
      const s = p.summary;
      expect(cents(s.total_sells, sc)).toBe(sells);
      expect(cents(s.total_buys, sc)).toBe(buys);
      expect(cents(s.total_costs, sc)).toBe(costs);
      expect(cents(s.cash_change, sc)).toBe(sells - buys - costs);
      expect(cents(s.residual_cash, sc)).toBe(sells - buys - costs);
      expect(sells - buys - costs).toBeGreaterThanOrEqual(0);
      expect(s.trade_count).toBe(p.trades.filter((t) => t.action !== 'Hold').length);
    });
  });

  it('units are whole multiples of the lot; value = |units| × price rounded; signs agree', () => {
    check((input, p) => {
      const sc = minorScale(input.currency);
      p.trades.forEach((t, i) => {
        const a = input.assets[i]!;
        const k = t.trade_units / t.lot_size;
        expect(Math.abs(k - Math.round(k))).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(k)));
        if (t.action === 'Buy') {
          expect(t.trade_units).toBeGreaterThan(0);
          expect(t.trade_value).toBeGreaterThan(0);
          expect(t.signed_trade_value).toBe(t.trade_value);
        } else if (t.action === 'Sell') {
          expect(t.trade_units).toBeLessThan(0);
          expect(t.trade_value).toBeGreaterThan(0);
          expect(t.signed_trade_value).toBe(-t.trade_value);
        } else {
          for (const x of [t.trade_value, t.signed_trade_value, t.trade_units, t.estimated_cost])
            expect(Object.is(x, 0)).toBe(true);
        }
        if (t.action !== 'Hold') {
          expect(cents(t.trade_value, sc)).toBe(Math.round(Math.abs(t.trade_units) * a.price * sc));
          // An executed trade respects the asset's minimum trade value.
          expect(cents(t.trade_value, sc)).toBeGreaterThanOrEqual(
            Math.ceil(a.minTradeValue * sc - 1e-9 * Math.max(1, a.minTradeValue * sc)),
          );
          // Costs: bps of notional (rounded to the minor unit) + the fixed fee.
          expect(cents(t.estimated_cost, sc)).toBe(
            Math.round((input.costBps * cents(t.trade_value, sc)) / 10000) +
              Math.round(input.fixedFee * sc),
          );
        }
      });
    });
  });

  it('no NaN or Infinity anywhere in the output', () => {
    const walk = (x: unknown): void => {
      if (typeof x === 'number') expect(Number.isFinite(x)).toBe(true);
      else if (x instanceof Float64Array) for (const v of x) walk(v);
      else if (Array.isArray(x)) for (const v of x) walk(v);
      else if (x && typeof x === 'object') for (const v of Object.values(x)) walk(v);
    };
    check((_input, p) => walk(p));
  });

  it('is deterministic: the same input twice gives deep-equal plans', () => {
    check((input, p) => {
      const again = planRebalance(structuredClone(input));
      expect(again).toEqual(p);
    });
  });

  it('bad input never crashes: it either plans or throws EngineError BAD_REQUEST', () => {
    const anyNum = fc.oneof(
      fc.double(),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1e300),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ c: anyNum, t: anyNum, p: anyNum, lot: anyNum, min: anyNum }), {
          maxLength: 5,
        }),
        anyNum,
        anyNum,
        anyNum,
        (raw, V, h, L) => {
          const input: PlanInput = {
            portfolioValue: V,
            currency: 'USD',
            assets: raw.map((r, i) => ({
              asset: `A${i}`,
              assetClass: 'Stocks',
              current: r.c,
              target: r.t,
              destinationTarget: r.t,
              price: r.p,
              lotSize: r.lot,
              minTradeValue: r.min,
            })),
            driftThreshold: h,
            rebalanceTo: 'target',
            turnoverLimit: L,
            costBps: 10,
            fixedFee: 0,
          };
          try {
            planRebalance(input);
          } catch (e) {
            expect(e).toBeInstanceOf(EngineError);
            expect((e as EngineError).code).toBe('BAD_REQUEST');
            expect((e as EngineError).details.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
