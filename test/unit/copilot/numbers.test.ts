/**
 * The copilot's number tools (src/copilot/numbers.ts): the fixed formatter, the extractor, the
 * numbers of a run and the check for numbers that are not the run's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  extractNumberTokens,
  extractNumbers,
  formatCount,
  formatMoney,
  formatPercent,
  numberSetOf,
  numbersOfRun,
  unknownNumbers,
} from '../../../src/copilot/numbers';

describe('formatter', () => {
  it('prints percents with 2 decimals and no negative zero', () => {
    expect(formatPercent(0.12345)).toBe('12.35%');
    expect(formatPercent(-0.0004)).toBe('-0.04%');
    expect(formatPercent(-0.00001)).toBe('0.00%');
    expect(formatPercent(1)).toBe('100.00%');
  });
  it('prints amounts with 2 decimals, thousands separators and the currency code', () => {
    expect(formatMoney(-1234567.891, 'USD')).toBe('USD -1,234,567.89');
    expect(formatMoney(980.36, 'EUR')).toBe('EUR 980.36');
    expect(formatMoney(-0.001, 'USD')).toBe('USD 0.00');
    expect(formatMoney(1000, 'USD')).toBe('USD 1,000.00');
  });
  it('prints counts as integers', () => {
    expect(formatCount(3)).toBe('3');
    expect(formatCount(1200)).toBe('1,200');
  });
});

describe('extractNumbers', () => {
  it('reads separators, signs, percents, currencies and basis points', () => {
    expect(extractNumbers('USD 1,234.56 and −2.5% or 12.3bp')).toEqual([
      1234.56, -2.5, -0.025, 12.3, 0.123, 0.00123,
    ]);
    expect(extractNumbers('$1,234 then -7 and 12 bps')).toEqual([1234, -7, 12, 0.12, 0.0012]);
  });
  it('does not read a hyphen inside a date or a name as a minus', () => {
    expect(extractNumbers('window 2008-09-15 to Q3-2008')).toEqual([2008, 9, 15, 3, 2008]);
  });
  it('keeps a list comma apart from a thousands separator', () => {
    expect(extractNumbers('sent 1,200, then 3,9 and 45.5%.')).toEqual([1200, 3, 9, 45.5, 0.455]);
  });
  it('records the written decimals, unit and currency of each token', () => {
    const [a, b] = extractNumberTokens('USD -3,960.00 and 12.35%');
    expect(a).toMatchObject({ value: -3960, decimals: 2, currency: 'USD', unit: null });
    expect(b).toMatchObject({ value: 12.35, decimals: 2, currency: null, unit: 'percent' });
    expect(b?.readings).toEqual([
      { value: 12.35, decimals: 2 },
      { value: 0.1235, decimals: 4 },
    ]);
  });
});

describe('numbersOfRun', () => {
  const run = {
    turnover_used: 0.0398518,
    trades: [{ trade_value: 3990 }, { trade_value: 980.36 }, { trade_value: 0 }],
    stress: [{ name: 'Autumn 2008', detail: 'loss 19.10% within the limit 60.00%' }],
    var_95: 0.0301774,
    metadata: { input_hash: 'ab12'.repeat(16), run_id: '01JABCDEFGHJKMNPQRSTVWXYZ9' },
  };
  const set = numbersOfRun(run);
  it('holds every number, as a fraction printed as a percent, rounded to 0/1/2 decimals', () => {
    expect(set.has(3.99, 2)).toBe(true); // 0.0398518 → 3.99%
    expect(set.has(4, 0)).toBe(true);
    expect(set.has(4.0, 1)).toBe(true);
    expect(set.has(3990, 2)).toBe(true);
    expect(set.has(980.36, 2)).toBe(true);
    expect(set.has(0.0398518, 7)).toBe(true); // finer than MAX_KEY_DECIMALS: compared at 6
    expect(set.has(3.98, 2)).toBe(false);
  });
  it('holds array lengths, numbers in strings and numbers in keys', () => {
    expect(set.has(3, 0)).toBe(true); // trades.length
    expect(set.has(2008, 0)).toBe(true);
    expect(set.has(19.1, 2)).toBe(true);
    expect(set.has(95, 0)).toBe(true); // var_95
  });
  it('leaves out the digits of digests and ULIDs', () => {
    expect(set.has(1212, 0)).toBe(false);
    expect(set.has(9, 0)).toBe(false);
  });
  it('ignores signs', () => {
    expect(numberSetOf([-0.0123]).has(1.23, 2)).toBe(true);
  });
});

describe('unknownNumbers', () => {
  const set = numberSetOf([0.1234, 0.0301774, 3990, 6]);
  it('finds an invented percent, however it is written', () => {
    expect(unknownNumbers('volatility 99.99% and VaR 3.02%', set)).toEqual([99.99]);
    expect(unknownNumbers('volatility 12.34% then 12.3%, about 12%', set)).toEqual([]);
    expect(unknownNumbers('a 7% fall', set)).toEqual([7]);
  });
  it('checks amounts and decimals even when small', () => {
    expect(unknownNumbers('USD 3,990.00 and USD 5', set)).toEqual([5]);
    expect(unknownNumbers('a ratio of 2.5', set)).toEqual([2.5]);
  });
  it('lets small bare integers through as structural (ordinals, counts, steps)', () => {
    expect(unknownNumbers('the top 3 actions, step 2, 6 orders', set)).toEqual([]);
    expect(unknownNumbers('11 orders', set)).toEqual([11]);
  });
  it('reports each invented number once, in order', () => {
    expect(unknownNumbers('55.55% then 44.44% then 55.55%', set)).toEqual([55.55, 44.44]);
  });
});

describe('the formatter and the set agree', () => {
  const value = fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true });
  it('every percent and amount printed from a number is found in its set', () => {
    fc.assert(
      fc.property(value, (v) => {
        const set = numberSetOf([v]);
        expect(unknownNumbers(`${formatPercent(v)} and ${formatMoney(v, 'USD')}`, set)).toEqual([]);
      }),
      { numRuns: 500, seed: 8 },
    );
  });
});
