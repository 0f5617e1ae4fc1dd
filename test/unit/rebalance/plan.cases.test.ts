/**
 * Hand-worked cases for the threshold rebalancer (rules 1–9 of docs/methods.md (rebalance)).
 * Each expected figure is worked out in the comment above it; every case was also recomputed in
 * exact rational arithmetic by test/reference/rebalance_cases.py (a second, independent
 * implementation), whose printed output agrees with every number asserted here.
 */
import { describe, expect, it } from 'vitest';
import type { AssetClass } from '../../../src/contract/common';
import { EngineError } from '../../../src/contract/common';
import {
  planRebalance,
  type Plan,
  type PlanAsset,
  type PlanInput,
} from '../../../src/optimize/threshold';

function asset(
  name: string,
  assetClass: AssetClass,
  target: number,
  current: number,
  price: number,
  extra: { d?: number; lot?: number; min?: number } = {},
): PlanAsset {
  return {
    asset: name,
    assetClass,
    target,
    current,
    destinationTarget: extra.d ?? target,
    price,
    ...(extra.lot !== undefined ? { lotSize: extra.lot } : {}),
    minTradeValue: extra.min ?? 0,
  };
}

function input(over: Partial<PlanInput> & Pick<PlanInput, 'assets'>): PlanInput {
  return {
    portfolioValue: 100_000,
    currency: 'USD',
    driftThreshold: 0.02,
    rebalanceTo: 'target',
    turnoverLimit: 1,
    costBps: 0,
    fixedFee: 0,
    ...over,
  };
}

/** [action, units, value, cost] per row, for compact exact assertions. */
function rows(p: Plan) {
  return p.trades.map((t) => [t.action, t.trade_units, t.trade_value, t.estimated_cost]);
}

function expectHoldZeros(p: Plan, i: number) {
  const t = p.trades[i]!;
  expect(t.action).toBe('Hold');
  expect(Object.is(t.trade_value, 0)).toBe(true);
  expect(Object.is(t.signed_trade_value, 0)).toBe(true);
  expect(Object.is(t.trade_units, 0)).toBe(true);
  expect(Object.is(t.estimated_cost, 0)).toBe(true);
}

// The seed's "Risk-Off Shock" preview scenario.
const RISK_OFF: PlanAsset[] = [
  asset('Mutual Fund', 'Mutual Fund', 0.25, 0.23, 42),
  asset('ETF', 'ETF', 0.2, 0.24, 95),
  asset('Stocks', 'Stocks', 0.2, 0.22, 130),
  asset('Commodity', 'Commodity', 0.1, 0.11, 77),
  asset('FX', 'FX', 0.1, 0.08, 1.2),
  asset('Crypto', 'Crypto', 0.15, 0.12, 26000),
];
const riskOff = (rebalanceTo: PlanInput['rebalanceTo']) =>
  input({ assets: RISK_OFF, turnoverLimit: 0.15, costBps: 12, rebalanceTo });

describe('Risk-Off Shock (seed scenario), rebalance_to target', () => {
  // V = 100,000 USD, h = 0.02, L = 0.15, 12 bps, no fixed fee.
  // Rule 1, drift c − d (d = t): MF −2.00 pp, ETF +4.00, Stocks +2.00, Commodity +1.00,
  //   FX −2.00, Crypto −3.00. |drift| ≤ 2.00 pp (+1e-12) is inside, so MF, Stocks and FX sit
  //   exactly on their band edge and hold; ETF and Crypto are outside.
  // Rule 2: Δ_ETF = 0.20 − 0.24 = −0.04, Δ_Crypto = 0.15 − 0.12 = +0.03.
  // Rule 3: sells 0.04 > buys 0.03 → sells × 0.75 → Δ_ETF = −0.03.
  // Rule 4: τ = (0.03 + 0.03)/2 = 0.03 ≤ 0.15 → scale 1, not binding.
  // Rule 6/7, sell: 0.03 × 100,000 = 3,000.00 / 95 = 31.58 → 31 shares; 31 × 95 = 2,945.00;
  //   cost 0.0012 × 2,945.00 = 3.534 → 3.53. Cash A = 2,945.00 − 3.53 = 2,941.47.
  // Buy: intended 3,000.00; s = 2,941.47 / (1.0012 × 3,000) = 0.97931; cap 2,941.47 / 1.0012 =
  //   2,937.9445 → /26,000 = 0.1129978641 → 0.11299786 (lot 1e-8); 0.11299786 × 26,000 =
  //   2,937.94436 → 2,937.94; cost 0.0012 × 2,937.94 = 3.5255 → 3.53; 2,937.94 + 3.53 = 2,941.47 ≤ A.
  // Totals: costs 7.06; residual = 2,945.00 − 2,937.94 − 7.06 = 0.00;
  //   turnover used = (2,945.00 + 2,937.94) / 200,000 = 0.0294147;
  //   rounding residual = (3,000 − 2,945) + (3,000 − 2,937.94) = 117.06.
  const p = planRebalance(riskOff('target'));

  it('trades exactly the hand-worked lots, values and costs', () => {
    expect(rows(p)).toEqual([
      ['Hold', 0, 0, 0],
      ['Sell', -31, 2945, 3.53],
      ['Hold', 0, 0, 0],
      ['Hold', 0, 0, 0],
      ['Hold', 0, 0, 0],
      ['Buy', 0.11299786, 2937.94, 3.53],
    ]);
    expect(p.trades[1]!.signed_trade_value).toBe(-2945);
    expect(p.trades[5]!.signed_trade_value).toBe(2937.94);
    expect(p.trades.map((t) => t.lot_size)).toEqual([0.001, 1, 1, 1, 1000, 1e-8]);
    for (const i of [0, 2, 3, 4]) expectHoldZeros(p, i);
  });

  it('summary: totals, cash, turnover and rounding residual', () => {
    const s = p.summary;
    expect(s.total_sells).toBe(2945);
    expect(s.total_buys).toBe(2937.94);
    expect(s.total_costs).toBe(7.06);
    expect(s.cash_change).toBe(0);
    expect(s.residual_cash).toBe(0);
    expect(s.turnover_before_cap).toBeCloseTo(0.03, 15);
    expect(s.turnover_scale).toBe(1);
    expect(s.turnover_limit_binding).toBe(false);
    expect(s.rounding_residual).toBe(117.06);
    expect(s.trade_count).toBe(2);
    expect(p.turnoverUsed).toBeCloseTo(0.0294147, 15);
    expect(p.warnings).toEqual([]);
  });

  it('proposed weights are post-trade values over V − costs = 99,992.94', () => {
    const den = 99_992.94;
    const want = [23_000, 24_000 - 2_945, 22_000, 11_000, 8_000, 12_000 + 2_937.94].map(
      (v) => v / den,
    );
    want.forEach((w, i) => expect(p.proposedWeights[i]).toBeCloseTo(w, 14));
    expect(p.residualCashWeight).toBe(0);
  });

  it('bands are d ± h and flag ETF and Crypto', () => {
    expect(p.bands.map((b) => b.outside)).toEqual([false, true, false, false, false, true]);
    expect(p.bands[1]!.lower).toBeCloseTo(0.18, 15);
    expect(p.bands[1]!.upper).toBeCloseTo(0.22, 15);
  });

  it('reasons say why', () => {
    expect(p.trades[0]!.reason).toBe('Inside band: drift -2.00 pp within ±2.00 pp');
    expect(p.trades[1]!.reason).toBe(
      'Drift +4.00 pp outside ±2.00 pp band; sell to target; scaled 0.75 to match the other side; rounded down to whole lots of 1',
    );
    expect(p.trades[5]!.reason).toBe(
      'Drift -3.00 pp outside ±2.00 pp band; buy to target; scaled 0.9793 to fit cash after costs',
    );
  });
});

describe('Risk-Off Shock, rebalance_to band_edge', () => {
  // Rule 2: ETF (over) goes to d + h = 0.22 → Δ = −0.02; Crypto (under) to d − h = 0.13 → +0.01.
  // Rule 3: sells 0.02 > buys 0.01 → sells × 0.5 → Δ_ETF = −0.01. τ = 0.01.
  // Sell 1,000.00 / 95 = 10.53 → 10 shares = 950.00; cost 0.0012 × 950 = 1.14; A = 948.86.
  // Buy cap 948.86 / 1.0012 = 947.7227 → /26,000 = 0.0364508743 → 0.03645087 units;
  //   × 26,000 = 947.72262 → 947.72; cost 0.0012 × 947.72 = 1.1373 → 1.14; 947.72 + 1.14 = 948.86.
  // Residual 950.00 − 947.72 − 2.28 = 0.00; rounding residual 50.00 + 52.28 = 102.28.
  const p = planRebalance(riskOff('band_edge'));
  it('moves only to the band edges', () => {
    expect(rows(p)).toEqual([
      ['Hold', 0, 0, 0],
      ['Sell', -10, 950, 1.14],
      ['Hold', 0, 0, 0],
      ['Hold', 0, 0, 0],
      ['Hold', 0, 0, 0],
      ['Buy', 0.03645087, 947.72, 1.14],
    ]);
    expect(p.summary.total_costs).toBe(2.28);
    expect(p.summary.residual_cash).toBe(0);
    expect(p.summary.rounding_residual).toBe(102.28);
    expect(p.summary.turnover_before_cap).toBeCloseTo(0.01, 15);
    expect(p.turnoverUsed).toBeCloseTo(0.0094886, 15);
    expect(p.trades[1]!.reason).toContain('sell to band edge; scaled 0.5 to match the other side');
  });
});

describe('turnover cap binding', () => {
  // V = 1,000,000, h = 0.02, L = 0.10, 10 bps.
  // Drifts: A +20 pp, B −15 pp, C −5 pp (all outside). Δ = −0.20, +0.15, +0.05: already balanced.
  // Rule 4: τ = 0.40/2 = 0.20 > 0.10 → every Δ × 0.5 → −0.10, +0.075, +0.025.
  // Sell A: 100,000.00 / 100 = 1,000 shares = 100,000.00; cost 100.00; A = 99,900.00.
  // s = 99,900 / (1.001 × 100,000) = 0.998002;
  //   B cap 74,850.15 / 50 = 1,497.003 → 1,497 shares = 74,850.00, cost 74.85;
  //   C cap 24,950.05 / 20 = 1,247.5 → 1,247 shares = 24,940.00, cost 24.94.
  //   Spent 74,850 + 74.85 + 24,940 + 24.94 = 99,889.79 ≤ 99,900.00.
  // Residual = 100,000 − 99,790 − 100 − 99.79 = 10.21; turnover used = 199,790 / 2,000,000 =
  //   0.099895 ≤ 0.10; rounding residual = 0 + 150 + 60 = 210.
  const p = planRebalance(
    input({
      portfolioValue: 1_000_000,
      turnoverLimit: 0.1,
      costBps: 10,
      assets: [
        asset('A', 'Stocks', 0.4, 0.6, 100),
        asset('B', 'ETF', 0.3, 0.15, 50),
        asset('C', 'Commodity', 0.3, 0.25, 20),
      ],
    }),
  );
  it('scales every trade by L/τ and reports it', () => {
    expect(rows(p)).toEqual([
      ['Sell', -1000, 100000, 100],
      ['Buy', 1497, 74850, 74.85],
      ['Buy', 1247, 24940, 24.94],
    ]);
    const s = p.summary;
    expect(s.turnover_before_cap).toBeCloseTo(0.2, 15);
    expect(s.turnover_scale).toBeCloseTo(0.5, 15);
    expect(s.turnover_limit_binding).toBe(true);
    expect(s.total_costs).toBe(199.79);
    expect(s.residual_cash).toBe(10.21);
    expect(s.cash_change).toBe(10.21);
    expect(s.rounding_residual).toBe(210);
    expect(p.turnoverUsed).toBeCloseTo(0.099895, 15);
    expect(p.turnoverUsed).toBeLessThanOrEqual(0.1);
    expect(p.trades[0]!.reason).toBe(
      'Drift +20.00 pp outside ±2.00 pp band; sell to target; scaled by turnover cap 0.5',
    );
    // Invested weights + cash weight = 1; cash weight = 10.21 / (1,000,000 − 199.79).
    expect(p.residualCashWeight).toBeCloseTo(10.21 / 999_800.21, 15);
    expect(p.proposedWeights[0]).toBeCloseTo(500_000 / 999_800.21, 14);
  });
});

describe('lot rounding: whole shares, FX lots, fractional crypto and fund units', () => {
  // V = 50,000, h = 0.02, no costs. Stocks +15 pp (sell 7,500.00); FX, Crypto and Fund −5 pp
  //   (buy 2,500.00 each); ETF on target. Buys 0.15 = sells 0.15.
  // Sell Stocks: 7,500 / 187.33 = 40.04 → 40 shares; 40 × 187.33 = 7,493.20 = A.
  // s = 7,493.20 / 7,500 = 0.999093; each buy cap 2,497.7333:
  //   FX, lot 1,000: 2,497.7333 / 1,087.30 = 2.297 → 2 lots = 2,000 units; 2,000 × 1.0873 = 2,174.60.
  //   Crypto, lot 1e-8: 2,497.7333 / 43,210.5 = 0.0578038517 → 0.05780385;
  //     × 43,210.5 = 2,497.73326 → 2,497.73.
  //   Fund, lot 0.001: 2,497.7333 / 12.3456 = 202.3177 → 202.317; × 12.3456 = 2,497.72476 → 2,497.72.
  // Buys 7,170.05; residual 7,493.20 − 7,170.05 = 323.15 (mostly FX's lot of 1,087.30).
  const p = planRebalance(
    input({
      portfolioValue: 50_000,
      assets: [
        asset('Stocks', 'Stocks', 0.25, 0.4, 187.33),
        asset('FX', 'FX', 0.2, 0.15, 1.0873),
        asset('Crypto', 'Crypto', 0.2, 0.15, 43210.5),
        asset('Fund', 'Mutual Fund', 0.25, 0.2, 12.3456),
        asset('ETF', 'ETF', 0.1, 0.1, 50),
      ],
    }),
  );
  it('units are whole lots, values rounded to the cent', () => {
    expect(rows(p)).toEqual([
      ['Sell', -40, 7493.2, 0],
      ['Buy', 2000, 2174.6, 0],
      ['Buy', 0.05780385, 2497.73, 0],
      ['Buy', 202.317, 2497.72, 0],
      ['Hold', 0, 0, 0],
    ]);
    expect(p.summary.total_buys).toBe(7170.05);
    expect(p.summary.residual_cash).toBe(323.15);
    expect(p.summary.rounding_residual).toBe(336.75);
    // Proposed weights (no costs, so over V): (20,000 − 7,493.20)/50,000 etc.
    const want = [0.250136, 0.193492, 0.1999546, 0.2499544, 0.1];
    want.forEach((w, i) => expect(p.proposedWeights[i]).toBeCloseTo(w, 14));
    expect(p.residualCashWeight).toBeCloseTo(323.15 / 50_000, 15);
  });
});

describe('minimum trade value', () => {
  // V = 100,000, h = 0.01, no costs. Drifts: A +5.0 pp, B −4.0, C −1.5 (min 2,000), D +0.5 (inside).
  // Rule 3: buys 0.04 + 0.015 = 0.055 > sells 0.05 → buys × 0.05/0.055 = 0.90909:
  //   B +0.036364, C +0.013636.
  // Rule 5: C is 1,363.64 < 2,000 → Hold with a warning; re-balance: sells 0.05 > buys 0.036364
  //   → A × 0.72727 → −0.036364 (3,636.36).
  // Sell A: 3,636.36 / 100 → 36 shares = 3,600.00 = A. Buy B: s = 3,600 / 3,636.36 = 0.99 →
  //   3,600.00 → 36 shares. Residual 0. Rounding residual (vs the rule-4 intent) =
  //   (5,000 − 3,600) + (3,636.36 − 3,600) + 1,363.64 = 2,800.00.
  const p = planRebalance(
    input({
      driftThreshold: 0.01,
      assets: [
        asset('A', 'Stocks', 0.25, 0.3, 100),
        asset('B', 'Stocks', 0.24, 0.2, 100),
        asset('C', 'Stocks', 0.11, 0.095, 100, { min: 2000 }),
        asset('D', 'Stocks', 0.4, 0.405, 100),
      ],
    }),
  );
  it('drops the small trade, warns, and re-balances the rest', () => {
    expect(rows(p)).toEqual([
      ['Sell', -36, 3600, 0],
      ['Buy', 36, 3600, 0],
      ['Hold', 0, 0, 0],
      ['Hold', 0, 0, 0],
    ]);
    expectHoldZeros(p, 2);
    expect(p.warnings).toEqual([
      {
        code: 'BELOW_MIN_TRADE_VALUE',
        path: 'assets.2.min_trade_value',
        message:
          'C: trade of 1363.64 USD is below the minimum trade value 2000.00 USD; not traded.',
      },
    ]);
    expect(p.trades[2]!.reason).toBe(
      'Below minimum trade value 2000.00 USD (trade would be 1363.64 USD): drift -1.50 pp outside ±1.00 pp band',
    );
    expect(p.summary.residual_cash).toBe(0);
    expect(p.summary.rounding_residual).toBe(2800);
    expect(p.trades[0]!.reason).toContain('scaled 0.7273 after minimum trade values');
  });
});

describe('fixed fee per trade', () => {
  it('is charged once per executed trade and funded by the sells', () => {
    // V = 10,000, fee 5.00, 0 bps. Sell A 1,000 / 10 = 100 shares = 1,000.00, cost 5.00; A = 995.00.
    // Buy B: budget 995 − 5 = 990 → s = 0.99 → 990.00 / 10 = 99 shares, cost 5.00.
    // Residual 1,000 − 990 − 10 = 0.
    const p = planRebalance(
      input({
        portfolioValue: 10_000,
        fixedFee: 5,
        assets: [asset('A', 'Stocks', 0.5, 0.6, 10), asset('B', 'Stocks', 0.5, 0.4, 10)],
      }),
    );
    expect(rows(p)).toEqual([
      ['Sell', -100, 1000, 5],
      ['Buy', 99, 990, 5],
    ]);
    expect(p.summary.total_costs).toBe(10);
    expect(p.summary.residual_cash).toBe(0);
  });

  it('drops a sell whose fee is at least its proceeds, and then the buy it would fund', () => {
    // V = 1,000, h = 0.001, fee 5. A sells 0.004 × 1,000 = 4.00 (4 units at 1) but costs 5.00 ≥ 4.00.
    const p = planRebalance(
      input({
        portfolioValue: 1000,
        driftThreshold: 0.001,
        fixedFee: 5,
        assets: [asset('A', 'Stocks', 0.498, 0.502, 1), asset('B', 'Stocks', 0.502, 0.498, 1)],
      }),
    );
    expect(rows(p)).toEqual([
      ['Hold', 0, 0, 0],
      ['Hold', 0, 0, 0],
    ]);
    // Rule 5 removes the sell before funding; B is then a buy with nothing to fund it.
    expect(p.warnings.map((w) => w.code)).toEqual(['COST_EXCEEDS_PROCEEDS', 'NO_OFFSETTING_TRADE']);
    expect(p.trades[1]!.reason).toBe(
      'No offsetting trade left once unexecutable trades were removed, not traded: drift -0.40 pp outside ±0.10 pp band',
    );
    expect(p.summary.trade_count).toBe(0);
    expect(p.summary.rounding_residual).toBe(8);
  });

  it('drops buys whose fees the cash cannot pay rather than go negative', () => {
    // V = 10,000, h = 0, fee 5. A sells 0.0009 × 10,000 = 9.00 (9 units), cost 5 → A = 4.00.
    // B and C each intend 4.50; two fees (10) > 4 → s = 0, drop C (equal size: the later one),
    // then one fee (5) > 4 → drop B. Residual 9.00 − 5.00 = 4.00 (cash weight 4/9,995).
    const p = planRebalance(
      input({
        portfolioValue: 10_000,
        driftThreshold: 0,
        fixedFee: 5,
        assets: [
          asset('A', 'Stocks', 0.4991, 0.5, 1),
          asset('B', 'Stocks', 0.25045, 0.25, 1),
          asset('C', 'Stocks', 0.25045, 0.25, 1),
        ],
      }),
    );
    expect(rows(p)).toEqual([
      ['Sell', -9, 9, 5],
      ['Hold', 0, 0, 0],
      ['Hold', 0, 0, 0],
    ]);
    expect(p.summary.residual_cash).toBe(4);
    expect(p.residualCashWeight).toBeCloseTo(4 / 9995, 15);
    expect(p.warnings.map((w) => w.code)).toEqual(['BUY_NOT_FUNDED', 'BUY_NOT_FUNDED']);
  });
});

describe('one-sided breach', () => {
  // h = 0.025. A is +6 pp (outside); B, C, D are each −2 pp (inside). Every out-of-band drift is
  // positive, so the only possible buyers are in-band assets, which rule 1 forbids → no trades.
  const p = planRebalance(
    input({
      driftThreshold: 0.025,
      costBps: 10,
      assets: [
        asset('A', 'Stocks', 0.25, 0.31, 10),
        asset('B', 'Stocks', 0.25, 0.23, 10),
        asset('C', 'Stocks', 0.25, 0.23, 10),
        asset('D', 'Stocks', 0.25, 0.23, 10),
      ],
    }),
  );
  it('trades nothing and warns, naming the asset', () => {
    for (let i = 0; i < 4; i++) expectHoldZeros(p, i);
    expect(p.summary.trade_count).toBe(0);
    expect(p.summary.total_costs).toBe(0);
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]!.code).toBe('ONE_SIDED_BREACH');
    expect(p.warnings[0]!.message).toContain('A (+6.00 pp)');
    expect(p.warnings[0]!.message).toContain('narrower drift_threshold');
    expect(p.bands[0]!.outside).toBe(true);
    expect(Array.from(p.proposedWeights)).toEqual([0.31, 0.23, 0.23, 0.23]);
  });
});

describe('JPY (no minor unit) with a 100-share board lot', () => {
  // V = 10,000,000 JPY, h = 0.02, 10 bps. Toyota (lot 100) +10 pp: sell 1,000,000 →
  //   1,000,000 / (100 × 2,345.5) = 4.26 → 4 lots = 400 shares = 938,200 JPY; cost 938.2 → 938.
  // A = 937,262. Fund (lot 1): cap 937,262 / 1.001 = 936,325.67 → / 1,013.7 = 923.67 → 923
  //   shares = 935,645.1 → 935,645 JPY; cost 935.645 → 936. Spent 936,581 ≤ 937,262.
  // Residual = 938,200 − 935,645 − 938 − 936 = 681 JPY.
  const p = planRebalance(
    input({
      portfolioValue: 10_000_000,
      currency: 'JPY',
      costBps: 10,
      assets: [
        asset('Toyota', 'Stocks', 0.5, 0.6, 2345.5, { lot: 100 }),
        asset('Fund', 'Stocks', 0.5, 0.4, 1013.7),
      ],
    }),
  );
  it('rounds money to whole yen', () => {
    expect(rows(p)).toEqual([
      ['Sell', -400, 938200, 938],
      ['Buy', 923, 935645, 936],
    ]);
    expect(p.summary.total_costs).toBe(1874);
    expect(p.summary.residual_cash).toBe(681);
    expect(p.summary.rounding_residual).toBe(126155);
    expect(p.trades[0]!.lot_size).toBe(100);
  });
});

describe('tilted destination target', () => {
  // V = 200,000; policy t = 0.50/0.50 equals current c, but the optimizer moved d to 0.46/0.54.
  // The band is centred on d: A drifts +4 pp, B −4 pp from d → both outside (h = 0.02).
  // 5 bps + 1.50 fee. Sell A 8,000 / 80 = 100 shares = 8,000.00; cost 4.00 + 1.50 = 5.50; A = 7,994.50.
  // Buy B: budget 7,994.50 − 1.50 = 7,993.00; cap 7,993 / 1.0005 = 7,989.01 → /40 = 199.7 →
  //   199 shares = 7,960.00; cost 3.98 + 1.50 = 5.48. Residual 8,000 − 7,960 − 10.98 = 29.02.
  const p = planRebalance(
    input({
      portfolioValue: 200_000,
      costBps: 5,
      fixedFee: 1.5,
      assets: [
        asset('A', 'ETF', 0.5, 0.5, 80, { d: 0.46 }),
        asset('B', 'ETF', 0.5, 0.5, 40, { d: 0.54 }),
      ],
    }),
  );
  it('trades toward the optimized target', () => {
    expect(rows(p)).toEqual([
      ['Sell', -100, 8000, 5.5],
      ['Buy', 199, 7960, 5.48],
    ]);
    expect(p.summary.residual_cash).toBe(29.02);
    expect(p.bands[0]!.lower).toBeCloseTo(0.44, 15);
    expect(p.trades[0]!.reason).toBe(
      'Drift +4.00 pp outside ±2.00 pp band around the optimized target; sell to optimized target',
    );
  });
});

describe('no drift at all', () => {
  it('holds everything with zeros and no warnings', () => {
    const p = planRebalance(
      input({ assets: [asset('A', 'ETF', 0.6, 0.6, 10), asset('B', 'ETF', 0.4, 0.4, 10)] }),
    );
    expect(rows(p)).toEqual([
      ['Hold', 0, 0, 0],
      ['Hold', 0, 0, 0],
    ]);
    expect(p.summary.turnover_before_cap).toBe(0);
    expect(p.warnings).toEqual([]);
    expect(p.trades[0]!.reason).toBe('Inside band: drift 0.00 pp within ±2.00 pp');
  });
});

describe('bad input', () => {
  it('throws BAD_REQUEST naming every bad field', () => {
    const bad = input({
      portfolioValue: -1,
      currency: 'usd',
      driftThreshold: Number.NaN,
      turnoverLimit: 0,
      assets: [
        { ...asset('A', 'ETF', 0.5, 0.5, 0), lotSize: -1, minTradeValue: Number.POSITIVE_INFINITY },
        asset('B', 'Bonds' as AssetClass, 0.7, 0.5, 10),
      ],
    });
    let err: unknown;
    try {
      planRebalance(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineError);
    const e = err as EngineError;
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.details.map((d) => d.path)).toEqual([
      'portfolio_value',
      'currency',
      'drift_threshold',
      'turnover_limit',
      'assets.0.price',
      'assets.0.lot_size',
      'assets.0.min_trade_value',
      'assets.1.asset_class',
      'assets',
      'assets',
    ]);
  });

  it('rejects an empty asset list and a portfolio too large for exact cents', () => {
    expect(() => planRebalance(input({ assets: [] }))).toThrow(EngineError);
    try {
      planRebalance(input({ portfolioValue: 1e14, assets: [asset('A', 'ETF', 1, 1, 10)] }));
      expect.unreachable('1e14 USD is 1e16 cents > 2^53');
    } catch (e) {
      expect((e as EngineError).details).toEqual([
        {
          path: 'portfolio_value',
          message: 'must be at most 90071992547409 USD so that amounts in minor units are exact',
        },
      ]);
    }
    // The same value is fine in a currency without a minor unit.
    expect(() =>
      planRebalance(
        input({ portfolioValue: 1e14, currency: 'KRW', assets: [asset('A', 'ETF', 1, 1, 10)] }),
      ),
    ).not.toThrow();
  });
});
