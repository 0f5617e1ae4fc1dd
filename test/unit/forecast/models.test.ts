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
  historicalMeanForecast,
  logReturns,
  meanReversionForecast,
  momentumForecast,
} from '../../../src/forecast';

const f64 = (xs: number[]) => Float64Array.from(xs);
const filled = (n: number, v: number) => new Float64Array(n).fill(v);
const close = (a: number, b: number, tol = 1e-12) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

// Hand-worked case A, with small parameters so the arithmetic fits in a comment:
// r = [0.10, −0.10, 0.20, 0.00], periodsPerYear 2, lookback 2, shortWindow 2, κ 0.5, λ 0.5, T0 4.
// Log returns l = [ln 1.1, ln 0.9, ln 1.2, 0]; every model is exp(2 · daily log mean) − 1, which
// here has a closed form in powers of the price ratios.
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
const A_MOM = 0.2;
// f = μ_LR − 0.5(μ_S − μ_LR) = 1.5 · ln(1.188)/4 − 0.5 · ln(1.2)/2 → exp(2f) = 1.188^0.75 / 1.2^0.5
const A_MR = Math.pow(1.188, 0.75) / Math.sqrt(1.2) - 1; // 0.0387755
// m = l1; ½m + ½l2; ½m + ½l3; ½m + ½·0 → m = ln(0.99)/8 + ln(1.2)/4 → exp(2m) = 0.99^¼ · 1.2^½
const A_EWMA = Math.pow(0.99, 0.25) * Math.sqrt(1.2) - 1; // 0.0926962
// μ = ln(1.1 · 0.9 · 1.2 · 1)/4 = ln(1.188)/4 → exp(2μ) − 1 = √1.188 − 1
const A_HIST = Math.sqrt(1.188) - 1; // 0.0899541

describe('hand-worked case A', () => {
  it('momentum: last L = 2 returns, exp((2/2)(ln 1.2 + 0)) − 1 = 0.2', () => {
    close(momentumForecast(A, 2, 2), A_MOM);
  });
  it('mean reversion: 1.188^0.75 / 1.2^0.5 − 1 = 0.0387755', () => {
    close(meanReversionForecast(A, 2, 0.5, 2), A_MR);
    close(A_MR, 0.038775522526568684);
  });
  it('ewma on log returns: m = ln(0.99)/8 + ln(1.2)/4, exp(2m) − 1 = 0.0926962', () => {
    close(ewmaMean(logReturns(A), 0.5), Math.log(0.99) / 8 + Math.log(1.2) / 4);
    close(ewmaForecast(A, 0.5, 2), A_EWMA);
    close(A_EWMA, 0.09269617210272307);
  });
  it('historical mean: √1.188 − 1 = 0.0899541 (the arithmetic 2 · mean r would say 0.1)', () => {
    close(historicalMeanForecast(A, 2), A_HIST);
  });
  it('unshrunk and shrunk ensemble, dispersion, volatility and confidence', () => {
    const f = forecastFromReturns(A, A_OPTS);
    close(f.momentum, A_MOM);
    close(f.mean_reversion, A_MR);
    close(f.ewma, A_EWMA);
    close(f.historical_mean, A_HIST);
    // (0.2 + 0.0387755 + 0.0926962) / 3 = 0.1104906
    const u = (A_MOM + A_MR + A_EWMA) / 3;
    close(f.ensemble_unshrunk, u);
    close(u, 0.1104905648764306);
    // sample std of the three (numpy): 0.0820720
    const d = Math.sqrt(((A_MOM - u) ** 2 + (A_MR - u) ** 2 + (A_EWMA - u) ** 2) / 2);
    close(f.dispersion, d);
    close(d, 0.08207200097952999);
    // simple returns: mean 0.05; deviations 0.05, −0.15, 0.15, −0.05; Σ squares 0.05; ÷ 3 × 2
    close(f.volatility, Math.sqrt(1 / 30));
    // T/(T + T0) = 4/8; σ/(σ + d) = 0.182574/(0.182574 + 0.082072) = 0.689880 → 0.344940
    const c = (0.5 * Math.sqrt(1 / 30)) / (Math.sqrt(1 / 30) + d);
    close(f.confidence, c);
    close(c, 0.34494014070750484);
    // ensemble = 0.344940 · 0.1104906 + 0.655060 · 0.0899541 = 0.0970380
    close(f.ensemble, c * u + (1 - c) * A_HIST);
    close(f.ensemble, 0.0970379690819439);
    expect(f.observations).toBe(4);
  });
  it('custom weights [1, 0, 1]: unshrunk (0.2 + 0.0926962)/2, confidence unchanged', () => {
    const f = forecastFromReturns(A, { ...A_OPTS, weights: [1, 0, 1] });
    close(f.ensemble_unshrunk, (A_MOM + A_EWMA) / 2);
    close(f.ensemble, f.confidence * ((A_MOM + A_EWMA) / 2) + (1 - f.confidence) * A_HIST);
    close(f.ensemble, 0.1094066674814469);
  });
});

describe('log returns', () => {
  it('l = log1p(r): exact for tiny r, where log(1 + r) loses the low bits', () => {
    const l = logReturns(f64([1e-17, 0.01, -0.01]));
    expect(l[0]).toBe(1e-17); // Math.log(1 + 1e-17) would give 0
    close(l[1] as number, 0.009950330853168083);
    close(l[2] as number, -0.010050335853501442);
  });
});

describe('momentum', () => {
  it('uses only the last 252 returns: 48 returns of +50% then 252 zeros → 0', () => {
    const r = new Float64Array(300);
    r.fill(0.5, 0, 48);
    expect(momentumForecast(r)).toBe(0);
  });
  it('annualizes a short series: 21 returns of 1% → exp((252/21) · 21 ln 1.01) − 1 = 1.01^252 − 1', () => {
    // 1.01^252 − 1 = 11.27400209924021670… (mpmath, 40 digits)
    close(momentumForecast(filled(21, 0.01)), 11.274002099240217);
  });
  it('252 returns of 0.1% → 1.001^252 − 1 = 0.28643404437618774… (mpmath)', () => {
    close(momentumForecast(filled(252, 0.001)), 0.28643404437618775);
  });
  it('equals the price ratio p_T/p_{T−L} annualized (product over the same window)', () => {
    const r = f64(Array.from({ length: 300 }, (_, i) => 0.03 * Math.sin(i * 1.7)));
    close(momentumForecast(r), priceRatio(r, 252) - 1, 1e-13);
    close(momentumForecast(r, 100), Math.pow(priceRatio(r, 100), 252 / 100) - 1, 1e-13);
  });
  it('the log sum does not overflow where the product would: 40 days of +1e9 %', () => {
    // Π (1 + 1e9)^40 ≈ 1e360 overflows a double; exp((1/40) · 40 · ln(1 + 1e9)) − 1 = 1e9 does not
    close(momentumForecast(filled(40, 1e9), 252, 1), 1e9, 1e-9);
  });
  it('a crash cannot forecast more than −100%: 20 days of −99% → exactly −1', () => {
    // old arithmetic annualization of the same days: 252 · (−0.99) = −249.48
    expect(momentumForecast(filled(20, -0.99))).toBe(-1);
  });
});

/** p_T / p_{T−L}: the product of 1 + r over the last L returns. */
function priceRatio(r: Float64Array, L: number): number {
  let p = 1;
  for (let i = r.length - L; i < r.length; i++) p *= 1 + (r[i] as number);
  return p;
}

describe('mean reversion', () => {
  it('21 zeros then 21 returns of 1%: f = ln(1.01)/2 − 0.5 · ln(1.01)/2 → 1.01^63 − 1', () => {
    const r = new Float64Array(42);
    r.fill(0.01, 21);
    close(meanReversionForecast(r), Math.pow(1.01, 63) - 1);
    close(meanReversionForecast(r), 0.8717444252272818);
  });
  it('κ = 0 gives the historical mean 1.01^126 − 1; κ = 1 mirrors the recent mean: 0', () => {
    const r = new Float64Array(42);
    r.fill(0.01, 21);
    close(meanReversionForecast(r, 21, 0), Math.pow(1.01, 126) - 1);
    close(meanReversionForecast(r, 21, 0), historicalMeanForecast(r));
    close(meanReversionForecast(r, 21, 1), 0);
  });
  it('stays above −100% whatever κ: a rally then κ = 5 pushes the daily log mean far below 0', () => {
    const r = new Float64Array(42);
    r.fill(0.05, 21);
    // μ_LR = ln(1.05)/2, μ_S = ln(1.05), f = μ_LR − 5(μ_S − μ_LR) = −4 μ_LR = −2 ln(1.05)
    const m = meanReversionForecast(r, 21, 5);
    close(m, Math.pow(1.05, -504) - 1);
    expect(m).toBeGreaterThanOrEqual(-1);
  });
});

describe('ewma seeding', () => {
  it('the first value is x_1, not 0 (a zero seed would give 0.06 · 0.02 = 0.0012)', () => {
    expect(ewmaMean(f64([0.02]))).toBe(0.02);
  });
  it('[0.02, 0.04] → 0.94·0.02 + 0.06·0.04 = 0.0212 (zero seed: 0.003528)', () => {
    close(ewmaMean(f64([0.02, 0.04])), 0.0212);
  });
  it('forecast on log returns: [0.01, −0.01] → 1.01^(252·0.94) · 0.99^(252·0.06) − 1', () => {
    const e = Math.pow(1.01, 252 * 0.94) * Math.pow(0.99, 252 * 0.06) - 1;
    close(ewmaForecast(f64([0.01, -0.01])), e);
    close(e, 8.070916390807689);
  });
  it('a constant series keeps its EWMA exactly, equal to the historical mean bit for bit', () => {
    expect(ewmaMean(filled(25, 0.001))).toBe(0.001);
    expect(ewmaForecast(filled(25, 0.001))).toBe(historicalMeanForecast(filled(25, 0.001)));
    close(ewmaForecast(filled(25, 0.001)), 0.28643404437618775);
  });
});

describe('historical mean', () => {
  it('[0.01, −0.01]: exp(126 · ln 0.9999) − 1 = 0.9999^126 − 1 (volatility drag; 252·mean r = 0)', () => {
    close(historicalMeanForecast(f64([0.01, -0.01])), Math.pow(0.9999, 126) - 1);
    close(historicalMeanForecast(f64([0.01, -0.01])), -0.012521574501523);
  });
  it('is the compound growth of the whole series: (p_T/p_0)^(252/T) − 1', () => {
    const r = f64(Array.from({ length: 500 }, (_, i) => 0.02 * Math.cos(i * 0.9) + 0.0003));
    let p = 1;
    for (const x of r) p *= 1 + x;
    close(historicalMeanForecast(r), Math.pow(p, 252 / 500) - 1, 1e-13);
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
  it('a constant series: σ_a = 0 and the log-return models agree exactly → d = 0, c = 2/3', () => {
    // (with 252 × arithmetic means, compounding made momentum 0.286 against 0.252: c was 0)
    const f = forecastFromReturns(filled(252, 0.001));
    expect(f.volatility).toBe(0);
    expect(f.dispersion).toBe(0);
    for (const v of [f.mean_reversion, f.ewma, f.historical_mean, f.ensemble_unshrunk, f.ensemble])
      expect(v).toBe(f.momentum);
    close(f.momentum, 0.28643404437618775);
    close(f.confidence, 252 / 378);
    // all-zero returns: every forecast 0, credibility only → 252/(252 + 126) = 2/3
    const z = forecastFromReturns(filled(252, 0));
    expect(z.ensemble).toBe(0);
    close(z.confidence, 2 / 3);
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
          for (const v of [
            f.momentum,
            f.mean_reversion,
            f.ewma,
            f.historical_mean,
            f.ensemble_unshrunk,
            f.ensemble,
            f.confidence,
          ])
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
