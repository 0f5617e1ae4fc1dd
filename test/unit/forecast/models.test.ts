import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EngineError } from '../../../src/contract/common';
import {
  FORECAST_DEFAULTS,
  annualizedVolatility,
  dispersion3,
  ewmaForecast,
  ewmaMean,
  forecastConfidence,
  forecastFromReturns,
  meanReversionForecast,
  momentumForecast,
} from '../../../src/forecast';

const f64 = (xs: number[]) => Float64Array.from(xs);
const filled = (n: number, v: number) => new Float64Array(n).fill(v);
const close = (a: number, b: number, tol = 1e-12) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

// Hand-worked case A, with small parameters so the arithmetic fits in a comment:
// r = [0.10, −0.10, 0.20, 0.00], periodsPerYear 2, lookback 2, shortWindow 2, κ 0.5, λ 0.5, T0 4.
const A = f64([0.1, -0.1, 0.2, 0.0]);
const A_OPTS = {
  periodsPerYear: 2,
  lookback: 2,
  shortWindow: 2,
  kappa: 0.5,
  lambda: 0.5,
  confidenceT0: 4,
  minHistory: 2,
};

describe('hand-worked case A', () => {
  it('momentum: last L = 2 returns, (1.2 · 1.0)^(2/2) − 1 = 0.2', () => {
    close(momentumForecast(A, 2, 2), 0.2);
  });
  it('mean reversion: μ_LR = 2·0.05 = 0.1, μ_S = 2·0.1 = 0.2, 0.1 − 0.5·(0.2 − 0.1) = 0.05', () => {
    close(meanReversionForecast(A, 2, 0.5, 2), 0.05);
  });
  it('ewma: m = 0.1, 0.5·0.1 + 0.5·(−0.1) = 0, 0 + 0.1 = 0.1, 0.05 + 0 = 0.05; × 2 = 0.1', () => {
    close(ewmaMean(A, 0.5), 0.05);
    close(ewmaForecast(A, 0.5, 2), 0.1);
  });
  it('ensemble, dispersion, volatility and confidence', () => {
    const f = forecastFromReturns(A, A_OPTS);
    close(f.momentum, 0.2);
    close(f.mean_reversion, 0.05);
    close(f.ewma, 0.1);
    // (0.2 + 0.05 + 0.1) / 3 = 0.35 / 3
    close(f.ensemble, 0.35 / 3);
    // deviations from 7/60: 1/12, −1/15, −1/60; squares 25/3600 + 16/3600 + 1/3600 = 7/600;
    // ÷ (3 − 1) = 7/1200, d = √(7/1200) ≈ 0.0763763
    close(f.dispersion, Math.sqrt(7 / 1200));
    // mean 0.05; deviations 0.05, −0.15, 0.15, −0.05; Σ squares 0.05; ÷ 3 × 2 = 1/30
    close(f.volatility, Math.sqrt(1 / 30));
    // T/(T + T0) = 4/8; σ/(σ + d) = 0.182574/(0.182574 + 0.076376) = 0.705059 → 0.352530
    close(f.confidence, (0.5 * Math.sqrt(1 / 30)) / (Math.sqrt(1 / 30) + Math.sqrt(7 / 1200)));
    expect(f.observations).toBe(4);
  });
  it('custom weights [1, 0, 1] → (0.2 + 0.1) / 2 = 0.15', () => {
    close(forecastFromReturns(A, { ...A_OPTS, weights: [1, 0, 1] }).ensemble, 0.15);
  });
});

describe('momentum', () => {
  it('uses only the last 252 returns: 48 returns of +50% then 252 zeros → 0', () => {
    const r = new Float64Array(300);
    r.fill(0.5, 0, 48);
    expect(momentumForecast(r)).toBe(0);
  });
  it('annualizes a short series: 21 returns of 1% → 1.01^(21·252/21) − 1 = 1.01^252 − 1', () => {
    // 1.01^252 − 1 = 11.27400209924021670… (mpmath, 40 digits)
    close(momentumForecast(filled(21, 0.01)), 11.274002099240217);
  });
  it('252 returns of 0.1% → 1.001^252 − 1 = 0.28643404437618774… (mpmath)', () => {
    close(momentumForecast(filled(252, 0.001)), 0.28643404437618775);
  });
  it('falls back to a log sum when the product overflows and stays finite', () => {
    // Π (1 + 1e9)^40 ≈ 1e360 overflows a double; exp((1/40) · 40 · ln(1 + 1e9)) − 1 = 1e9 does not
    const r = filled(40, 1e9);
    const m = momentumForecast(r, 252, 1);
    // P^(1/40) with P = (1e9 + 1)^40 → 1e9 + 1, minus 1
    close(m, 1e9, 1e-9);
  });
});

describe('mean reversion', () => {
  it('21 zeros then 21 returns of 1%: μ_LR = 1.26, μ_S = 2.52, 1.26 − 0.5·1.26 = 0.63', () => {
    const r = new Float64Array(42);
    r.fill(0.01, 21);
    close(meanReversionForecast(r), 0.63);
  });
  it('κ = 0 gives the long-run mean; κ = 1 mirrors the recent mean around it', () => {
    const r = new Float64Array(42);
    r.fill(0.01, 21);
    close(meanReversionForecast(r, 21, 0), 1.26);
    close(meanReversionForecast(r, 21, 1), 0);
  });
});

describe('ewma seeding', () => {
  it('the first value is r_1, not 0 (a zero seed would give 0.06 · 0.02 = 0.0012)', () => {
    expect(ewmaMean(f64([0.02]))).toBe(0.02);
  });
  it('[0.02, 0.04] → 0.94·0.02 + 0.06·0.04 = 0.0212 (zero seed: 0.003528)', () => {
    close(ewmaMean(f64([0.02, 0.04])), 0.0212);
    close(ewmaForecast(f64([0.02, 0.04])), 252 * 0.0212);
  });
  it('a constant series has EWMA equal to the constant from the first day', () => {
    close(ewmaForecast(filled(25, 0.001)), 0.252, 1e-13);
  });
});

describe('volatility and dispersion', () => {
  it('σ_a of [0.01, −0.01] = √252 · √(0.0002 / 1)', () => {
    close(annualizedVolatility(f64([0.01, -0.01])), Math.sqrt(252 * 0.0002));
    expect(annualizedVolatility(f64([0.01]))).toBe(0);
  });
  it('sample std of (0.1, 0.2, 0.3) = 0.1; of equal values 0; huge values do not overflow', () => {
    close(dispersion3(0.1, 0.2, 0.3), 0.1);
    expect(dispersion3(5, 5, 5)).toBe(0);
    close(dispersion3(1e200, 2e200, 3e200), 1e200);
  });
});

describe('confidence', () => {
  it('worked example: T = 252, d = 0.05, σ = 0.2 → (252/378)·(0.2/0.25) = 0.533333', () => {
    close(forecastConfidence(252, 0.05, 0.2), (252 / 378) * 0.8);
  });
  it('σ_a = 0 does not divide by zero: d = 0 → credibility only, d > 0 → 0', () => {
    expect(forecastConfidence(126, 0, 0)).toBe(0.5);
    expect(forecastConfidence(126, 0.1, 0)).toBe(0);
  });
  it('a constant series: σ_a = 0 while compounding makes the models differ → confidence 0', () => {
    const f = forecastFromReturns(filled(252, 0.001));
    expect(f.volatility).toBe(0);
    // d = sample std of (0.286434, 0.252, 0.252) = 0.0198805 (numpy)
    close(f.dispersion, 0.01988050478985897, 1e-9);
    expect(f.confidence).toBe(0);
    // all-zero returns: the models agree exactly → 252/(252 + 126) = 2/3
    close(forecastFromReturns(filled(252, 0)).confidence, 2 / 3);
  });

  const nonNeg = fc.double({ min: 0, max: 10, noNaN: true });
  it('property: more agreement (smaller d) never lowers confidence', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20000 }), nonNeg, nonNeg, nonNeg, (T, d1, d2, s) => {
        const lo = Math.min(d1, d2);
        const hi = Math.max(d1, d2);
        expect(forecastConfidence(T, lo, s)).toBeGreaterThanOrEqual(forecastConfidence(T, hi, s));
      }),
      { numRuns: 2000 },
    );
  });
  it('property: more data (larger T) never lowers confidence', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20000 }),
        fc.integer({ min: 1, max: 20000 }),
        nonNeg,
        nonNeg,
        (a, b, d, s) => {
          expect(forecastConfidence(Math.max(a, b), d, s)).toBeGreaterThanOrEqual(
            forecastConfidence(Math.min(a, b), d, s),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('property: confidence is a number in [0, 1] for every series', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), {
          minLength: 20,
          maxLength: 300,
        }),
        (xs) => {
          const f = forecastFromReturns(Float64Array.from(xs));
          for (const v of [f.momentum, f.mean_reversion, f.ewma, f.ensemble, f.confidence])
            expect(Number.isFinite(v)).toBe(true);
          expect(f.confidence).toBeGreaterThanOrEqual(0);
          expect(f.confidence).toBeLessThanOrEqual(1);
          // the reported confidence is the documented function of T, d and σ_a
          expect(f.confidence).toBe(forecastConfidence(xs.length, f.dispersion, f.volatility));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('validation', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      return (e as EngineError).details.map((d) => d.path);
    }
    throw new Error('expected an EngineError');
  };
  it('fewer than 20 returns is refused (forecastAsset falls back instead)', () => {
    expect(code(() => forecastFromReturns(filled(19, 0)))).toEqual(['returns']);
    expect(forecastFromReturns(filled(20, 0)).observations).toBe(20);
  });
  it('names each bad return and each bad option', () => {
    const r = filled(30, 0.01);
    r[3] = NaN;
    r[7] = -1;
    expect(code(() => forecastFromReturns(r))).toEqual(['returns.3', 'returns.7']);
    expect(
      code(() =>
        forecastFromReturns(filled(30, 0), { lambda: 1, lookback: 0, weights: [0, 0, 0] }),
      ),
    ).toEqual(['opts.lookback', 'opts.lambda', 'opts.weights']);
  });
  it('exports the documented defaults', () => {
    expect(FORECAST_DEFAULTS).toMatchObject({
      lookback: 252,
      shortWindow: 21,
      kappa: 0.5,
      lambda: 0.94,
      confidenceT0: 126,
      minHistory: 20,
      periodsPerYear: 252,
    });
    expect(FORECAST_DEFAULTS.weights).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });
});
