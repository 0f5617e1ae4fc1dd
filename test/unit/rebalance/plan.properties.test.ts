/**
 * Properties of the whole plan — decision, execution and the loop between them — through
 * runRebalance (threshold method), over random books of 2–200 assets with random bands, lots,
 * prices, costs, cash and cash flows (fast-check, 1,000 runs each). docs/methods.md, Rebalancing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RebalanceRequest, type RebalanceResponse } from '../../../src/contract/rebalance';
import { runRebalance } from '../../../src/services/rebalance';

const clock = { now: () => new Date(0) };
const CLASSES = ['Stocks', 'ETF', 'Mutual Fund', 'Commodity', 'FX', 'Crypto'] as const;

interface Gen {
  n: number;
  costBps: number;
  flow: number;
  cash: number;
  h: number;
  mode: 'target' | 'band_edge' | 'full';
  fractional: boolean;
}

const positive = (n: number) =>
  fc
    .array(fc.integer({ min: 0, max: 1000 }), { minLength: n, maxLength: n })
    .filter((xs) => xs.some((x) => x > 0));

/** A random request; `fractional` uses lots worth at most about 1 USD. */
function request(g: Gen) {
  return fc
    .tuple(
      positive(g.n),
      positive(g.n),
      fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: g.n, maxLength: g.n }),
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: g.n, maxLength: g.n }),
    )
    .map(([curRaw, tgtRaw, prices, cls]) => {
      const V = 1_000_000;
      const norm = (xs: number[]) => {
        const t = xs.reduce((a, x) => a + x, 0);
        return xs.map((x) => x / t);
      };
      const cur = norm(curRaw);
      const tgt = norm(tgtRaw);
      return RebalanceRequest.parse({
        portfolio_value: V,
        cash_weight: g.cash,
        cash_flow: g.flow * V,
        drift_threshold: g.h,
        rebalance_to: g.mode,
        turnover_limit: 1,
        transaction_cost_bps: g.costBps,
        assets: cur.map((c, i) => {
          const price = (prices[i] as number) / 10;
          return {
            asset: `A${i}`,
            asset_class: CLASSES[cls[i] as number],
            current_weight: c,
            target_weight: tgt[i] as number,
            price,
            lot_size: g.fractional ? 1e-4 : 1,
          };
        }),
      });
    });
}

const gen = (fractional: boolean, withCosts: boolean) =>
  fc
    .record({
      n: fc.integer({ min: 2, max: 200 }),
      costBps: withCosts ? fc.integer({ min: 0, max: 50 }) : fc.constant(0),
      flow: fc.oneof(
        fc.constant(0),
        fc.integer({ min: -300, max: 500 }).map((k) => k / 1000),
      ),
      cash: fc.integer({ min: 0, max: 100 }).map((k) => k / 1000),
      h: fc.integer({ min: 5, max: 100 }).map((k) => k / 1000),
      mode: fc.constantFrom<Gen['mode']>('target', 'band_edge', 'full'),
      fractional: fc.constant(fractional),
    })
    .filter((g) => g.cash + g.flow > -0.6)
    .chain(request);

const cents = (x: number) => Math.round(x * 100);

async function run(req: RebalanceRequest): Promise<RebalanceResponse> {
  return runRebalance(req, clock);
}

describe('plan properties (fast-check, 1,000 runs each)', () => {
  it('with no cap and fractional lots every asset ends inside its band (± one lot)', async () => {
    await fc.assert(
      fc.asyncProperty(gen(true, true), async (req) => {
        const out = await run(req);
        // A withdrawal can need more than 100% one-way turnover; then the cap (1) binds.
        if (out.trade_summary.turnover_limit_binding) return;
        // Costs larger than the bands' room cannot be paid inside the bands: the engine must say
        // so (CASH_NOT_PLACED, and a constraint on each asset left outside).
        if (out.warnings.some((w) => w.code === 'CASH_NOT_PLACED')) {
          for (const w of out.weights)
            if (w.post_trade_band_status === 'outside') expect(w.band_constraint).not.toBeNull();
          return;
        }
        const Vp = out.trade_summary.value_after_flow;
        out.weights.forEach((w, i) => {
          const o = out.orders[i] as RebalanceResponse['orders'][number];
          const lot = (o.lot_size * o.price) / Vp + 0.01 / Vp;
          const v = w.current_weight_after_flow + (out.trades[i]?.signed_trade_value ?? 0) / Vp;
          expect(v).toBeGreaterThanOrEqual(w.band_lower - lot - 1e-9);
          expect(v).toBeLessThanOrEqual(w.band_upper + lot + 1e-9);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('conserves cash to the cent: Σ sells − Σ buys − costs = change in cash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean().chain((f) => gen(f, true)),
        async (req) => {
          const out = await run(req);
          const s = out.trade_summary;
          let buys = 0;
          let sells = 0;
          let costs = 0;
          for (const o of out.orders) {
            if (o.action === 'Buy') buys += cents(o.trade_value);
            if (o.action === 'Sell') sells += cents(o.trade_value);
            costs += cents(o.estimated_cost);
            // Units are whole lots; values are the units at the price, rounded to the cent.
            const k = o.trade_units / o.lot_size;
            expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-6 + 1e-12 * Math.abs(k));
            expect(cents(o.trade_value)).toBe(Math.round(Math.abs(o.trade_units) * o.price * 100));
          }
          expect(cents(s.total_buys)).toBe(buys);
          expect(cents(s.total_sells)).toBe(sells);
          expect(cents(s.total_costs)).toBe(costs);
          expect(cents(s.residual_cash) - cents(s.cash_before)).toBe(sells - buys - costs);
          expect(s.residual_cash).toBeGreaterThanOrEqual(0);
          // Proposed weights and cash make up the whole portfolio after costs.
          const total = out.weights.reduce((a, w) => a + w.proposed_weight, 0);
          expect(total + s.residual_cash / (s.value_after_flow - s.total_costs)).toBeCloseTo(1, 9);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a contribution never sells when buys alone restore the bands (no costs)', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(gen(true, false), async (req) => {
        if (!(req.cash_flow > 0) || req.rebalance_to === 'full') return;
        const out = await run(req);
        const above = out.weights.some((w) => w.current_weight_after_flow > w.band_upper + 1e-12);
        const need = out.weights.reduce(
          (a, w) => a + Math.max(0, w.band_lower - w.current_weight_after_flow),
          0,
        );
        const cash = out.trade_summary.cash_before / out.trade_summary.value_after_flow;
        if (above || need > cash) return;
        checked++;
        expect(out.orders.filter((o) => o.action === 'Sell')).toEqual([]);
      }),
      { numRuns: 1000 },
    );
    expect(checked).toBeGreaterThan(50);
  });
});
