import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EngineError } from '../../../src/contract/common';
import { forecastTilt } from '../../../src/forecast';

const f64 = (xs: number[]) => Float64Array.from(xs);
const near = (a: ArrayLike<number>, b: number[], tol = 1e-12) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++)
    expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThanOrEqual(tol);
};
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0);

describe('forecastTilt, hand-worked', () => {
  it('two assets: f̄ = 0.06, z = [1, −1], raw = [0.55, 0.45] (within budget, s = 1)', () => {
    const out = forecastTilt({
      targets: f64([0.5, 0.5]),
      forecasts: f64([0.1, 0.02]),
      confidences: f64([1, 1]),
      tiltBudget: 0.05,
    });
    near(out, [0.55, 0.45]);
  });

  it('confidence scales each tilt: c = [0.5, 1] → raw = [0.525, 0.45], ÷ 0.975', () => {
    // z = [1, −1]; raw = [0.5 + 0.05·0.5, 0.5 − 0.05] = [0.525, 0.45]; Σ = 0.975
    // o = [0.538462, 0.461538]; max |o − t| = 0.038462 ≤ 0.05, so s = 1
    const out = forecastTilt({
      targets: f64([0.5, 0.5]),
      forecasts: f64([0.1, 0.02]),
      confidences: f64([0.5, 1]),
      tiltBudget: 0.05,
    });
    near(out, [0.525 / 0.975, 0.45 / 0.975]);
  });

  it('renormalization past the budget is scaled back: [0.4, 0.3, 0.3] → [0.65, 0.175, 0.175]', () => {
    // f = [1, 0, 0], c = 1, b = 0.25: f̄ = 0.4; f − f̄ = [0.6, −0.4, −0.4]; z = [1, −2/3, −2/3]
    // raw = [0.65, 0.3 − 1/6, 0.3 − 1/6] = [0.65, 2/15, 2/15]; Σ raw = 11/12
    // o = [7.8/11, 1.6/11, 1.6/11] = [0.709091, 0.145455, 0.145455]
    // o − t = [3.4/11, −1.7/11, −1.7/11]: 0.309091 > b, so s = 0.25 / (3.4/11) = 0.808824
    // opt = t + s (o − t) = [0.4 + 0.25, 0.3 − 0.125, 0.3 − 0.125]
    const out = forecastTilt({
      targets: f64([0.4, 0.3, 0.3]),
      forecasts: f64([1, 0, 0]),
      confidences: f64([1, 1, 1]),
      tiltBudget: 0.25,
    });
    near(out, [0.65, 0.175, 0.175]);
  });

  it('clamps at 0: t = [0.05, 0.95], f = [0, 1], b = 0.2 → [0, 1]', () => {
    // f̄ = 0.95; z = [−1, 0.05/0.95]; raw = [max(0, 0.05 − 0.2), 0.95 + 0.2·0.0526] = [0, 0.9605]
    // o = [0, 1]; |o − t| = 0.05 ≤ 0.2
    near(
      forecastTilt({
        targets: f64([0.05, 0.95]),
        forecasts: f64([0, 1]),
        confidences: f64([1, 1]),
        tiltBudget: 0.2,
      }),
      [0, 1],
    );
  });

  it('no tilt: budget 0, equal forecasts, or zero confidence → normalized targets', () => {
    const targets = f64([2, 1, 1]);
    const base = { targets, forecasts: f64([0.1, 0.2, 0.3]), confidences: f64([1, 1, 1]) };
    expect(Array.from(forecastTilt({ ...base, tiltBudget: 0 }))).toEqual([0.5, 0.25, 0.25]);
    expect(
      Array.from(forecastTilt({ ...base, forecasts: f64([0.07, 0.07, 0.07]), tiltBudget: 0.1 })),
    ).toEqual([0.5, 0.25, 0.25]);
    near(
      forecastTilt({ ...base, confidences: f64([0, 0, 0]), tiltBudget: 0.1 }),
      [0.5, 0.25, 0.25],
    );
    expect(targets[0]).toBe(2); // the input is not modified
  });

  it('bad input throws BAD_REQUEST naming each field', () => {
    try {
      forecastTilt({
        targets: f64([0.5, -0.1]),
        forecasts: f64([0.1, NaN]),
        confidences: f64([1.5, 0]),
        tiltBudget: -1,
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      expect((e as EngineError).details.map((d) => d.path)).toEqual([
        'targets.1',
        'forecasts.1',
        'confidences.0',
        'tiltBudget',
      ]);
    }
  });
});

const weights = fc
  .array(
    fc.oneof(
      fc.constant(0),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 1e-9, max: 1e-3, noNaN: true }),
    ),
    { minLength: 1, maxLength: 15 },
  )
  .filter((w) => w.some((x) => x > 0));

const scenario = weights.chain((t) =>
  fc.record({
    targets: fc.constant(t),
    forecasts: fc.array(
      fc.oneof(fc.double({ min: -2, max: 2, noNaN: true }), fc.constantFrom(0, 0.05, -0.05)),
      { minLength: t.length, maxLength: t.length },
    ),
    confidences: fc.array(
      fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1)),
      {
        minLength: t.length,
        maxLength: t.length,
      },
    ),
    b: fc.oneof(fc.double({ min: 0, max: 0.25, noNaN: true }), fc.constantFrom(0, 0.25, 1)),
  }),
);

describe('forecastTilt, properties', () => {
  it('Σ = 1 ± 1e-12, all ≥ 0, every |opt − t| ≤ b + 1e-12 (2,000 runs)', () => {
    fc.assert(
      fc.property(scenario, ({ targets, forecasts, confidences, b }) => {
        const out = forecastTilt({
          targets: f64(targets),
          forecasts: f64(forecasts),
          confidences: f64(confidences),
          tiltBudget: b,
        });
        const st = sum(targets);
        expect(Math.abs(sum(out) - 1)).toBeLessThanOrEqual(1e-12);
        for (let i = 0; i < out.length; i++) {
          const o = out[i] as number;
          expect(Number.isFinite(o)).toBe(true);
          expect(o).toBeGreaterThanOrEqual(0);
          expect(Math.abs(o - (targets[i] as number) / st)).toBeLessThanOrEqual(b + 1e-12);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('b = 0 is the identity on normalized targets (1,000 runs)', () => {
    fc.assert(
      fc.property(scenario, ({ targets, forecasts, confidences }) => {
        const out = forecastTilt({
          targets: f64(targets),
          forecasts: f64(forecasts),
          confidences: f64(confidences),
          tiltBudget: 0,
        });
        const st = sum(targets);
        expect(Array.from(out)).toEqual(targets.map((x) => x / st));
      }),
      { numRuns: 1000 },
    );
  });

  it('equal targets and confidences: a higher forecast never gets less weight (1,000 runs)', () => {
    // raw_i = 1/n + b·c·z_i is increasing in f_i; clamping, ÷ Σ raw and the scaling by s keep order
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 15 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (forecasts, c, b) => {
          const n = forecasts.length;
          const out = forecastTilt({
            targets: new Float64Array(n).fill(1),
            forecasts: f64(forecasts),
            confidences: new Float64Array(n).fill(c),
            tiltBudget: b,
          });
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++)
              if ((forecasts[i] as number) > (forecasts[j] as number))
                expect(out[i] as number).toBeGreaterThanOrEqual((out[j] as number) - 1e-12);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
