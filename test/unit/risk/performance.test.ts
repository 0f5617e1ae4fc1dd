import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxDrawdown } from '../../../src/risk/metrics';
import { wealthPath } from '../../../src/risk/performance';

describe('wealthPath', () => {
  it('hand-worked: r = [0.1, −0.2, 0.05]', () => {
    // W = 1, 1.1, 0.88, 0.924; peak 1.1 from day 1.
    const p = wealthPath([0.1, -0.2, 0.05]);
    const want = {
      cumulative_return: [0, 0.1, -0.12, -0.076],
      drawdown: [0, 0, -0.2, -0.16],
      total_return: -0.076,
      max_drawdown: 0.2,
    };
    p.cumulative_return.forEach((v, i) => expect(v).toBeCloseTo(want.cumulative_return[i]!, 14));
    p.drawdown.forEach((v, i) => expect(v).toBeCloseTo(want.drawdown[i]!, 14));
    expect(p.total_return).toBeCloseTo(want.total_return, 14);
    expect(p.max_drawdown).toBeCloseTo(want.max_drawdown, 14);
  });

  it('an empty series is one date at W = 1', () => {
    expect(wealthPath([])).toEqual({
      cumulative_return: [0],
      drawdown: [0],
      total_return: 0,
      max_drawdown: 0,
    });
  });

  it('property: drawdown ≤ 0, max_drawdown = −min drawdown = maxDrawdown (bit for bit)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { maxLength: 400 }),
        (r) => {
          const p = wealthPath(r);
          expect(p.cumulative_return).toHaveLength(r.length + 1);
          expect(p.drawdown.every((d) => d <= 0)).toBe(true);
          expect(p.max_drawdown).toBe(maxDrawdown(r));
          // (+ 0 turns −0 into 0: with no drawdown, min is 0 and −0 is not Object.is 0)
          expect(-Math.min(...p.drawdown) + 0).toBe(p.max_drawdown);
          expect(p.total_return).toBe(p.cumulative_return.at(-1));
        },
      ),
      { numRuns: 300 },
    );
  });
});
