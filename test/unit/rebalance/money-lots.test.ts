/**
 * Money in minor units, lot sizes and the lot/cash sizing helpers, against hand-worked values.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LOT_SIZE,
  lotDecimals,
  lotSizeFor,
  lotSpec,
  unitsForLots,
} from '../../../src/execution/lots';
import {
  formatMoney,
  fromMinor,
  minorScale,
  minorUnits,
  roundToMinor,
  toMinor,
} from '../../../src/execution/money';
import {
  DROP_CASH,
  DROP_NONE,
  DROP_ZERO_LOTS,
  costMinor,
  fitBuys,
  maxLotsWithin,
  valueMinor,
} from '../../../src/execution/sizing';

describe('money', () => {
  it('minor units: 2 decimals except JPY and KRW', () => {
    expect(minorUnits('USD')).toBe(2);
    expect(minorUnits('EUR')).toBe(2);
    expect(minorUnits('JPY')).toBe(0);
    expect(minorUnits('KRW')).toBe(0);
    expect(minorScale('GBP')).toBe(100);
    expect(minorScale('JPY')).toBe(1);
  });

  it('rounds half away from zero and never returns -0', () => {
    expect(toMinor(3.534, 100)).toBe(353);
    expect(toMinor(3.535, 100)).toBe(354); // 3.535 × 100 = 353.5 → 354
    // 1.005 is stored as 1.00499999999999989…, so it rounds to 1.00: rounding acts on the double.
    expect(toMinor(1.005, 100)).toBe(100);
    expect(toMinor(-0.125, 100)).toBe(-13);
    expect(Object.is(toMinor(-0.001, 100), 0)).toBe(true);
    expect(Object.is(fromMinor(-0, 100), 0)).toBe(true);
    expect(fromMinor(294147, 100)).toBe(2941.47);
    expect(roundToMinor(2937.94436, 'USD')).toBe(2937.94);
    expect(roundToMinor(938.2, 'JPY')).toBe(938);
    expect(roundToMinor(935645.1, 'KRW')).toBe(935645);
  });

  it('formats without locale grouping', () => {
    expect(formatMoney(1500, 'USD')).toBe('1500.00 USD');
    expect(formatMoney(681, 'JPY')).toBe('681 JPY');
    expect(formatMoney(-0.001, 'USD')).toBe('0.00 USD');
  });
});

describe('lots', () => {
  it('class defaults (docs/methods.md (rebalance) rule 7)', () => {
    expect(DEFAULT_LOT_SIZE).toEqual({
      Stocks: 1,
      ETF: 1,
      'Mutual Fund': 0.001,
      Crypto: 1e-8,
      Commodity: 1,
      FX: 1000,
    });
    expect(lotSizeFor('FX')).toBe(1000);
    expect(lotSizeFor('Stocks', 100)).toBe(100);
  });

  it('decimals of a lot', () => {
    expect(lotDecimals(1e-8)).toBe(8);
    expect(lotDecimals(0.001)).toBe(3);
    expect(lotDecimals(0.1)).toBe(1);
    expect(lotDecimals(0.25)).toBe(2);
    expect(lotDecimals(1)).toBe(0);
    expect(lotDecimals(1000)).toBe(0);
    expect(lotDecimals(1 / 3)).toBe(-1);
    expect(lotDecimals(1e-10)).toBe(10);
  });

  it('units are formed from the integer lot count without float drift', () => {
    // 5780385 × 1e-8 in plain doubles is 0.057803850000000004; formed as 5780385 / 1e8 it is
    // the double nearest to 0.05780385 (the Crypto buy of the lot-rounding case).
    expect(5780385 * 1e-8).not.toBe(0.05780385);
    expect(unitsForLots(5780385, lotSpec(1e-8))).toBe(0.05780385);
    expect(unitsForLots(11299786, lotSpec(1e-8))).toBe(0.11299786);
    expect(unitsForLots(3, lotSpec(0.1))).toBe(0.3); // 3 × 0.1 = 0.30000000000000004
    expect(unitsForLots(202317, lotSpec(0.001))).toBe(202.317);
    expect(unitsForLots(-4, lotSpec(1000))).toBe(-4000);
    expect(unitsForLots(3, lotSpec(1 / 3))).toBe(1); // no finite decimals: plain product
    expect(Object.is(unitsForLots(0, lotSpec(1)), 0)).toBe(true);
  });
});

describe('sizing', () => {
  it('value and cost in minor units', () => {
    expect(valueMinor(0.11299786, 26000, 100)).toBe(293794); // 2,937.94436 → 2,937.94
    expect(valueMinor(-31, 95, 100)).toBe(294500);
    expect(costMinor(294500, 12, 0)).toBe(353); // 3.534 → 3.53
    expect(costMinor(293794, 12, 0)).toBe(353); // 3.5255 → 3.53
    expect(costMinor(800000, 5, 150)).toBe(550); // 4.00 + 1.50
    expect(costMinor(0, 12, 500)).toBe(0);
  });

  it('largest lot count whose rounded value fits the cap', () => {
    expect(maxLotsWithin(300000, 95, lotSpec(1), 100)).toBe(31); // 2,945.00 ≤ 3,000.00
    // A cap meant to be exactly 2,400.00 but computed a hair low still buys 2 lots of 1,000 at 1.2.
    expect(maxLotsWithin(239999.99999999997, 1.2, lotSpec(1000), 100)).toBe(2);
    // Half-cent rounding must not overshoot the cap: 1 lot at 1,000.005 is 100,000.5 cents,
    // rounded to 1,000.01 > 1,000.00, so no lot fits.
    expect(maxLotsWithin(100000, 1000.005, lotSpec(1), 100)).toBe(0);
    expect(maxLotsWithin(50, 1, lotSpec(1), 100)).toBe(0); // 0.50 < one lot of 1.00
    expect(maxLotsWithin(0, 1, lotSpec(1), 100)).toBe(0);
    // Huge lot counts (k − 1 === k in doubles) still end, below the cap.
    const k = maxLotsWithin(9e15, 1e-6, lotSpec(1e-8), 100);
    expect(k).toBeGreaterThan(0);
    expect(valueMinor(unitsForLots(k, lotSpec(1e-8)), 1e-6, 100)).toBeLessThanOrEqual(9e15);
  });

  it('fitBuys: scales to the cash, drops what cannot be funded, ends within the cash', () => {
    // Risk-Off buy: A = 294,147 cents, Crypto intends 300,000 → 11,299,786 lots, 293,794 + 353.
    const lots = [lotSpec(1e-8)];
    const out = {
      lotsOut: new Float64Array(1),
      valueOut: new Float64Array(1),
      costOut: new Float64Array(1),
      dropOut: new Uint8Array(1),
    };
    const s = fitBuys(
      {
        buys: [0],
        intendedMinor: Float64Array.of(300000),
        price: Float64Array.of(26000),
        lots,
        minMinor: Float64Array.of(0),
        availMinor: 294147,
        bps: Float64Array.of(12),
        feeMinor: 0,
        scale: 100,
      },
      out,
    );
    expect(s).toBeCloseTo(294147 / (1.0012 * 300000), 15);
    expect(Array.from(out.lotsOut)).toEqual([11299786]);
    expect(Array.from(out.valueOut)).toEqual([293794]);
    expect(Array.from(out.costOut)).toEqual([353]);
    expect(out.dropOut[0]).toBe(DROP_NONE);

    // Two buys of 450 cents, 500 fee each, 400 cents of cash: both dropped (the later first).
    const out2 = {
      lotsOut: new Float64Array(2),
      valueOut: new Float64Array(2),
      costOut: new Float64Array(2),
      dropOut: new Uint8Array(2),
    };
    fitBuys(
      {
        buys: [0, 1],
        intendedMinor: Float64Array.of(450, 450),
        price: Float64Array.of(1, 1),
        lots: [lotSpec(1), lotSpec(1)],
        minMinor: Float64Array.of(0, 0),
        availMinor: 400,
        bps: Float64Array.of(0, 0),
        feeMinor: 500,
        scale: 100,
      },
      out2,
    );
    expect(Array.from(out2.dropOut)).toEqual([DROP_CASH, DROP_CASH]);
    expect(Array.from(out2.valueOut)).toEqual([0, 0]);

    // A buy smaller than one lot is dropped as such, whatever the cash.
    const out3 = {
      lotsOut: new Float64Array(1),
      valueOut: new Float64Array(1),
      costOut: new Float64Array(1),
      dropOut: new Uint8Array(1),
    };
    fitBuys(
      {
        buys: [0],
        intendedMinor: Float64Array.of(99),
        price: Float64Array.of(1),
        lots: [lotSpec(1)],
        minMinor: Float64Array.of(0),
        availMinor: 1e6,
        bps: Float64Array.of(0),
        feeMinor: 0,
        scale: 100,
      },
      out3,
    );
    expect(out3.dropOut[0]).toBe(DROP_ZERO_LOTS);
  });
});
