/**
 * The execution planner (src/execution/plan.ts, rules E1–E7 of docs/methods.md) on hand-worked
 * cases: lots and costs, the turnover cap (uniform and with a withdrawal), minimum trades,
 * restrictions, the cash floor and band repair.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { lotSpec } from '../../../src/execution/lots';
import { planExecution, type ExecSecurity, type ExecutionInput } from '../../../src/execution/plan';

function sec(over: Partial<ExecSecurity> & { asset: number; price: number }): ExecSecurity {
  return {
    id: `S${over.asset}`,
    lot: lotSpec(1),
    minTradeMinor: 0,
    costBps: 0,
    currentMinor: 1e9,
    heldUnits: null,
    restricted: false,
    ...over,
  };
}

function input(
  over: Partial<ExecutionInput> & Pick<ExecutionInput, 'securities' | 'intendedMinor'>,
): ExecutionInput {
  return {
    scale: 100,
    totalMinor: 100_000_00,
    cashBeforeMinor: 0,
    cashTargetMinor: 0,
    feeMinor: 0,
    turnoverLimit: 1,
    assets: over.securities.map(() => ({ lower: 0, upper: 1, currentMinor: 0 })),
    repairBands: false,
    ...over,
  };
}

describe('planExecution', () => {
  it('sells toward zero in lots, funds buys after costs, cash to the cent (doc example)', () => {
    const r = planExecution(
      input({
        securities: [
          sec({ asset: 0, price: 95, costBps: 12 }),
          sec({ asset: 1, price: 26000, lot: lotSpec(1e-8), costBps: 12 }),
        ],
        intendedMinor: Float64Array.of(-300000, 300000),
      }),
    );
    const [s, b] = r.orders;
    expect(s).toMatchObject({
      lots: -31,
      units: -31,
      valueMinor: 294500,
      costMinor: 353,
      status: 'traded',
    });
    // A = 294,500 − 353 = 294,147; s = 294,147 / (1.0012 × 300,000) = 0.979311…
    expect(r.cashScale).toBeCloseTo(294147 / (1.0012 * 300000), 14);
    expect(b).toMatchObject({
      units: 0.11299786,
      valueMinor: 293794,
      costMinor: 353,
      status: 'scaled_to_cash',
    });
    expect(r.cashAfterMinor).toBe(0);
    expect(r.turnover).toBeCloseTo((294500 + 293794) / (2 * 100_000_00), 15);
  });

  it('E1: scales every order by L/τ when the cap binds', () => {
    const r = planExecution(
      input({
        turnoverLimit: 0.05,
        securities: [sec({ asset: 0, price: 1 }), sec({ asset: 1, price: 1 })],
        intendedMinor: Float64Array.of(-10_000_00, 10_000_00),
      }),
    );
    expect(r.capBinding).toBe(true);
    expect(r.turnoverBeforeCap).toBeCloseTo(0.1, 15);
    expect(r.orders.map((o) => [o.units, o.status])).toEqual([
      [-5000, 'scaled_by_cap'],
      [5000, 'scaled_by_cap'],
    ]);
    expect(r.turnover).toBeCloseTo(0.05, 15);
  });

  it('E1 with a withdrawal: cash ends at 0 with the turnover at the cap', () => {
    // C0 = −2,000; S = 12,000, B = 10,000, V' = 100,000, L = 0.05: uniform s = 0.4545 would leave
    // −2,000 + 0.4545 × 2,000 < 0. s_b = (10,000 − 2,000) / 20,000 = 0.4, s_s = 6,000 / 12,000.
    const r = planExecution(
      input({
        turnoverLimit: 0.05,
        cashBeforeMinor: -2_000_00,
        securities: [sec({ asset: 0, price: 1 }), sec({ asset: 1, price: 1 })],
        intendedMinor: Float64Array.of(-12_000_00, 10_000_00),
      }),
    );
    expect(r.capScale.sell).toBeCloseTo(0.5, 15);
    expect(r.capScale.buy).toBeCloseTo(0.4, 15);
    expect(r.orders.map((o) => o.units)).toEqual([-6000, 4000]);
    expect(r.cashAfterMinor).toBe(0);
    expect(r.turnover).toBeCloseTo(0.05, 15);
  });

  it('E1: a withdrawal that alone needs more than the cap is INFEASIBLE, naming both fields', () => {
    let err: unknown;
    try {
      planExecution(
        input({
          turnoverLimit: 0.05,
          cashBeforeMinor: -20_000_00,
          securities: [sec({ asset: 0, price: 1 })],
          intendedMinor: Float64Array.of(-20_000_00),
        }),
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('INFEASIBLE');
    expect((err as EngineError).details.map((d) => d.path)).toEqual([
      'cash_flow',
      'turnover_limit',
    ]);
  });

  it('E2: an order below its minimum is not sent; restricted securities never trade', () => {
    const r = planExecution(
      input({
        cashBeforeMinor: 10_000_00,
        securities: [
          sec({ asset: 0, price: 10, minTradeMinor: 1000_00 }),
          sec({ asset: 1, price: 10, restricted: true }),
          sec({ asset: 2, price: 10 }),
        ],
        intendedMinor: Float64Array.of(500_00, 500_00, 500_00),
      }),
    );
    expect(r.orders.map((o) => [o.status, o.units])).toEqual([
      ['below_min_trade', 0],
      ['restricted', 0],
      ['traded', 50],
    ]);
    expect(r.cashAfterMinor).toBe(10_000_00 - 500_00);
  });

  it('E5: cash never ends below 0 — sells rounded down get whole lots more', () => {
    // A withdrawal of 1,000.50 raised by selling shares at 100: 10 shares raise 1,000.00, so
    // an 11th is sold; cash after 99.50.
    const r = planExecution(
      input({
        cashBeforeMinor: -1_000_50,
        securities: [sec({ asset: 0, price: 100, currentMinor: 50_000_00 })],
        intendedMinor: Float64Array.of(-1_000_50),
      }),
    );
    expect(r.orders[0]).toMatchObject({
      lots: -11,
      valueMinor: 1_100_00,
      status: 'traded',
      repairedLots: 1,
    });
    expect(r.cashAfterMinor).toBe(99_50);
  });

  it('E5: a withdrawal larger than everything sellable is INFEASIBLE', () => {
    expect(() =>
      planExecution(
        input({
          cashBeforeMinor: -1_000_00,
          securities: [sec({ asset: 0, price: 100, currentMinor: 500_00 })],
          intendedMinor: Float64Array.of(-500_00),
        }),
      ),
    ).toThrow(/withdrawal is larger than what can be sold/);
  });

  it('E6: band repair sells the one more lot that brings an asset back inside', () => {
    // Worth 22,050 of 100,000 with band [0.18, 0.22]: the decision sells 50.00 but one share is
    // 95.00, so rounding toward zero sells nothing; repair sells one share → 21,955 (0.21955).
    const r = planExecution(
      input({
        repairBands: true,
        securities: [sec({ asset: 0, price: 95, currentMinor: 22_050_00 })],
        assets: [{ lower: 0.18, upper: 0.22, currentMinor: 22_050_00 }],
        intendedMinor: Float64Array.of(-50_00),
      }),
    );
    expect(r.orders[0]).toMatchObject({
      lots: -1,
      valueMinor: 95_00,
      status: 'traded',
      repairedLots: 1,
    });
    expect(r.cashAfterMinor).toBe(95_00);
  });

  it('E3: never sells more units than held', () => {
    const r = planExecution(
      input({
        securities: [sec({ asset: 0, price: 10, heldUnits: 7, currentMinor: 1_000_00 })],
        intendedMinor: Float64Array.of(-1_000_00),
      }),
    );
    expect(r.orders[0]?.units).toBe(-7);
  });
});
