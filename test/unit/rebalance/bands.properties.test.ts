/**
 * Properties of the threshold decision (src/optimize/bands.ts) over random books of 2–200 assets
 * with random bands, cash, buffers and flows (fast-check, 1,000 runs each):
 * - when anything trades, every asset ends inside its band and the cash at its buffer;
 * - `band_edge` one-way turnover equals the minimum of the LP
 *     min Σ (b_i + s_i) / 2  s.t.  l_i ≤ c_i + b_i − s_i ≤ u_i,  Σ (b_i − s_i) = c_0 − b,  b, s ≥ 0
 *   solved by HiGHS, to 1e-9;
 * - with a contribution, when buys alone can restore the bands (no asset above its band and
 *   enough cash to lift every asset below its band to its lower edge), no asset is sold — in both
 *   modes.
 */
import fc from 'fast-check';
import loadHighs from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bandsOf, decideBands, type RebalanceTo } from '../../../src/optimize/bands';

type Highs = Awaited<ReturnType<typeof loadHighs>>;
let highs: Highs;
beforeAll(async () => {
  highs = await loadHighs();
});

interface Book {
  current: Float64Array;
  target: Float64Array;
  cash: number;
  buffer: number;
  h: number;
}

/** Random positive weights on a 1e-6 grid, normalized to `total`. */
const weights = (n: number, total: number) =>
  fc
    .array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: n, maxLength: n })
    .filter((xs) => xs.some((x) => x > 0))
    .map((xs) => {
      const s = xs.reduce((a, b) => a + b, 0);
      return Float64Array.from(xs, (x) => (x * total) / s);
    });

const book: fc.Arbitrary<Book> = fc
  .record({
    n: fc.integer({ min: 2, max: 200 }),
    cash: fc.integer({ min: 0, max: 150 }).map((k) => k / 1000),
    buffer: fc.integer({ min: 0, max: 50 }).map((k) => k / 1000),
    h: fc.integer({ min: 1, max: 100 }).map((k) => k / 1000),
  })
  .chain(({ n, cash, buffer, h }) =>
    fc
      .tuple(weights(n, 1 - cash), weights(n, 1 - buffer))
      .map(([current, target]) => ({ current, target, cash, buffer, h })),
  );

function decide(b: Book, mode: RebalanceTo, flowSign: -1 | 0 | 1 = 0) {
  return decideBands({
    current: b.current,
    target: b.target,
    currentCash: b.cash,
    cashTarget: b.buffer,
    costReserve: 0,
    halfWidth: b.h,
    rebalanceTo: mode,
    fixed: new Uint8Array(b.current.length),
    flowSign,
  });
}

/** The LP minimum of one-way turnover that puts every asset in its band with cash at b. */
function lpMinTurnover(b: Book): number {
  const n = b.current.length;
  const { lower, upper } = bandsOf(b.current, b.target, b.h);
  const obj = Array.from({ length: n }, (_, i) => `0.5 b${i} + 0.5 s${i}`).join(' + ');
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = b.current[i] as number;
    rows.push(` lo${i}: b${i} - s${i} >= ${(lower[i] as number) - c}`);
    rows.push(` hi${i}: b${i} - s${i} <= ${(upper[i] as number) - c}`);
  }
  const budget = Array.from({ length: n }, (_, i) => `b${i} - s${i}`).join(' + ');
  rows.push(` cash: ${budget} = ${b.cash - b.buffer}`);
  const lp = `Minimize\n obj: ${obj}\nSubject To\n${rows.join('\n')}\nEnd\n`;
  const sol = highs.solve(lp, {
    primal_feasibility_tolerance: 1e-10,
    dual_feasibility_tolerance: 1e-10,
  });
  expect(sol.Status).toBe('Optimal');
  return sol.ObjectiveValue;
}

function oneWay(b: Book, w: Float64Array): number {
  let t = 0;
  for (let i = 0; i < w.length; i++) t += Math.abs((w[i] as number) - (b.current[i] as number));
  return t / 2;
}

describe('decideBands properties (fast-check, 1,000 runs each)', () => {
  it('ends every asset inside its band with cash at the buffer, in every mode', () => {
    fc.assert(
      fc.property(book, fc.constantFrom<RebalanceTo>('target', 'band_edge', 'full'), (b, mode) => {
        const d = decide(b, mode);
        if (!d.triggered) {
          expect(d.position.every((p) => p === 'inside')).toBe(true);
          return;
        }
        let s = 0;
        for (let i = 0; i < d.weights.length; i++) {
          const w = d.weights[i] as number;
          s += w;
          expect(w).toBeGreaterThanOrEqual((d.lower[i] as number) - 1e-12);
          expect(w).toBeLessThanOrEqual((d.upper[i] as number) + 1e-12);
        }
        expect(d.unplaced).toBe(0);
        expect(Math.abs(s - (1 - b.buffer))).toBeLessThan(1e-12);
      }),
      { numRuns: 1000 },
    );
  });

  it('band_edge turnover equals the HiGHS LP minimum within 1e-9', () => {
    fc.assert(
      fc.property(book, (b) => {
        const d = decide(b, 'band_edge');
        if (!d.triggered) return;
        expect(Math.abs(oneWay(b, d.weights) - lpMinTurnover(b))).toBeLessThan(1e-9);
      }),
      { numRuns: 1000 },
    );
  });

  it('a contribution sells nothing when buys alone restore the bands', () => {
    let checked = 0;
    fc.assert(
      fc.property(book, fc.constantFrom<RebalanceTo>('target', 'band_edge'), (b, mode) => {
        const { lower, position } = bandsOf(b.current, b.target, b.h);
        if (position.includes('above')) return;
        let need = 0;
        for (let i = 0; i < position.length; i++)
          if (position[i] === 'below') need += (lower[i] as number) - (b.current[i] as number);
        if (need > b.cash - b.buffer) return;
        checked++;
        const d = decide(b, mode, 1);
        for (let i = 0; i < d.weights.length; i++)
          expect(d.weights[i] as number).toBeGreaterThanOrEqual((b.current[i] as number) - 1e-15);
      }),
      { numRuns: 1000 },
    );
    // The property must have been exercised, not vacuously true.
    expect(checked).toBeGreaterThan(100);
  });
});
