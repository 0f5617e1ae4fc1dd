/**
 * Level filling (src/domain/levelFill.ts): the worked example, the mirror image, leftovers, and a
 * property against its defining conditions — x_i = clamp(t_i + λ, b_i, c_i) for one λ, with
 * Σ (x_i − b_i) = R — which are the KKT conditions of min Σ (x − t)² over one-directional moves.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { levelFill, type LevelItem } from '../../../src/domain/levelFill';

describe('levelFill', () => {
  it('raises the most underweight first (the doc example)', () => {
    const r = levelFill(
      [
        { base: 0.1, target: 0.15, bound: 0.17 },
        { base: 0.18, target: 0.2, bound: 0.22 },
      ],
      0.03,
    );
    expect(r.values[0]).toBeCloseTo(0.13, 15);
    expect(r.values[1]).toBe(0.18);
    expect(r.level).toBeCloseTo(-0.02, 15);
    expect(r.leftover).toBe(0);
  });

  it('lowers as the mirror image, most overweight first', () => {
    const r = levelFill(
      [
        { base: 0.2, target: 0.15, bound: 0.13 },
        { base: 0.22, target: 0.2, bound: 0.18 },
      ],
      -0.03,
    );
    expect(r.values[0]).toBeCloseTo(0.17, 15);
    expect(r.values[1]).toBe(0.22);
    expect(r.level).toBeCloseTo(0.02, 15);
  });

  it('moves everything to its bound and reports what did not fit', () => {
    const r = levelFill(
      [
        { base: 0.1, target: 0.15, bound: 0.12 },
        { base: 0.3, target: 0.2, bound: 0.31 },
      ],
      0.05,
    );
    expect(Array.from(r.values)).toEqual([0.12, 0.31]);
    expect(r.leftover).toBeCloseTo(0.02, 15);
  });

  it('keeps every base when R = 0 and handles unbounded ceilings', () => {
    const items = [
      { base: 1, target: 5, bound: Infinity },
      { base: 4, target: 5, bound: Infinity },
    ];
    expect(Array.from(levelFill(items, 0).values)).toEqual([1, 4]);
    // Raise by 5: the first rises alone to 4 (3), then both by 1 each → [5, 5].
    const r = levelFill(items, 5);
    expect(r.values[0]).toBeCloseTo(5, 12);
    expect(r.values[1]).toBeCloseTo(5, 12);
  });

  it('satisfies x = clamp(t + λ, b, c) and Σ(x − b) = R (fast-check, 1,000 runs)', () => {
    // Weights on a 1e-6 grid, as books are: no denormals that no portfolio has.
    const unit = (max: number) => fc.integer({ min: 0, max: max * 1e6 }).map((k) => k / 1e6);
    const item = fc.record({ base: unit(1), target: unit(1), room: unit(0.5) });
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (raw, frac, up) => {
          const items: LevelItem[] = raw.map((x) => ({
            base: x.base,
            target: x.target,
            bound: up ? x.base + x.room : x.base - x.room,
          }));
          const room = items.reduce((s, x) => s + Math.abs(x.bound - x.base), 0);
          const R = (up ? 1 : -1) * frac * room * 1.2;
          const r = levelFill(items, R);
          let moved = 0;
          items.forEach((it, i) => {
            const x = r.values[i] as number;
            const lo = Math.min(it.base, it.bound);
            const hi = Math.max(it.base, it.bound);
            expect(x).toBeGreaterThanOrEqual(lo - 1e-12);
            expect(x).toBeLessThanOrEqual(hi + 1e-12);
            moved += x - it.base;
            if (R !== 0 && Number.isFinite(r.level)) {
              const want = Math.min(hi, Math.max(lo, it.target + r.level));
              expect(Math.abs(x - want)).toBeLessThan(1e-12);
            }
          });
          expect(Math.abs(moved + r.leftover - R)).toBeLessThan(1e-9);
          if (Math.abs(R) <= room) expect(r.leftover).toBe(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
