import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EngineError } from '../../../src/contract/common';
import { AssetForecast } from '../../../src/contract/rebalance';
import {
  ewmaMean,
  forecastAsset,
  forecastFromReturns,
  type ReturnsForecast,
} from '../../../src/forecast';
import { loadSp500 } from './fixture';

// The user's report: "House view: annual forecasts of −408.94% (EWMA, BAC, autumn 2008) and
// −122.21% (ensemble): a long position cannot lose more than 100%." Every forecast is now
// exp(252 · daily log mean) − 1 or a convex combination of such numbers, so it is ≥ −1.

const FIELDS = [
  'momentum',
  'mean_reversion',
  'ewma',
  'historical_mean',
  'ensemble_unshrunk',
  'ensemble',
] as const;

function expectBounded(f: Pick<ReturnsForecast, (typeof FIELDS)[number]>): void {
  for (const k of FIELDS) {
    expect(Number.isFinite(f[k]), k).toBe(true);
    expect(f[k], k).toBeGreaterThanOrEqual(-1);
  }
  // the shrunk ensemble lies between its anchor and the unshrunk ensemble
  expect(f.ensemble).toBeGreaterThanOrEqual(Math.min(f.historical_mean, f.ensemble_unshrunk));
  expect(f.ensemble).toBeLessThanOrEqual(Math.max(f.historical_mean, f.ensemble_unshrunk));
}

/**
 * Largest exponent 252 · (daily log mean) of the four forecasts, computed naively and
 * independently of src/forecast: above log(Number.MAX_VALUE) = 709.78 exp overflows and the
 * forecast is legitimately "too extreme to annualize".
 */
function largestExponent(r: number[]): number {
  const l = r.map((x) => Math.log1p(x));
  const n = l.length;
  const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
  const lr = mean(l);
  const s = mean(l.slice(n - Math.min(21, n)));
  let m = l[0] as number;
  for (let i = 1; i < n; i++) m = 0.94 * m + 0.06 * (l[i] as number);
  return 252 * Math.max(mean(l.slice(n - Math.min(252, n))), lr - 0.5 * (s - lr), m, lr);
}

// Returns in (−1, 1]: uniform draws (fast-check also favours the ends: −1 + 2^−53, 1, 0), and
// crash-like series mixing calm days, crash days down to almost −100% and rebounds.
const anyReturn = fc.double({ min: -1, max: 1, minExcluded: true, noNaN: true });
const calm = fc.double({ min: -0.03, max: 0.03, noNaN: true });
const crash = fc.double({ min: -1, max: -0.1, minExcluded: true, noNaN: true });
const rebound = fc.double({ min: 0.1, max: 1, noNaN: true });
const crashDay = fc.oneof(
  { arbitrary: calm, weight: 6 },
  { arbitrary: crash, weight: 3 },
  { arbitrary: rebound, weight: 1 },
);
const series = fc.oneof(
  fc.array(anyReturn, { minLength: 20, maxLength: 600 }),
  fc.array(crashDay, { minLength: 20, maxLength: 600 }),
  // calm history ending in a run of crash days (the autumn-2008 shape)
  fc
    .tuple(
      fc.array(calm, { minLength: 0, maxLength: 560 }),
      fc.array(crash, { minLength: 20, maxLength: 40 }),
    )
    .map(([a, b]) => [...a, ...b]),
);

describe('every forecast is a return that can happen (≥ −100%)', () => {
  it('property: all six forecasts are finite and ≥ −1, ensemble between anchor and unshrunk', () => {
    let computed = 0;
    let tooExtreme = 0;
    fc.assert(
      fc.property(series, (xs) => {
        const r = Float64Array.from(xs);
        let f: ReturnsForecast;
        try {
          f = forecastFromReturns(r);
        } catch (e) {
          // only a genuine overflow of exp may refuse a valid series (forecastAsset then falls
          // back to market_return with FORECAST_NOT_FINITE)
          expect(e).toBeInstanceOf(EngineError);
          expect(largestExponent(xs)).toBeGreaterThan(700);
          tooExtreme++;
          const a = forecastAsset({
            asset: 'X',
            returns: r,
            source: 'historical_returns',
            marketReturn: -0.2,
            path: 'p',
          });
          expect(a.warnings[0]?.code).toBe('FORECAST_NOT_FINITE');
          expectBounded(a.forecast);
          return;
        }
        computed++;
        expectBounded(f);
        expect(f.confidence).toBeGreaterThanOrEqual(0);
        expect(f.confidence).toBeLessThanOrEqual(1);
      }),
      { numRuns: 1000 },
    );
    // the property must be exercised on real forecasts, not on fallbacks
    expect(computed).toBeGreaterThan(900);
    expect(computed + tooExtreme).toBe(1000);
  });
  it('a near-total wipe-out after calm days: mean reversion overflows, forecastAsset falls back', () => {
    // 579 zeros then 21 days of −(1 − 2^−53): l = −36.7; μ_LR = −1.285, μ_S = −36.7,
    // f = μ_LR − 0.5(μ_S − μ_LR) = 16.4 a day → exp(252 · 16.4) overflows a double
    const xs = [...new Array<number>(579).fill(0), ...new Array<number>(21).fill(-1 + 2 ** -53)];
    expect(largestExponent(xs)).toBeGreaterThan(4000);
    expect(() => forecastFromReturns(Float64Array.from(xs))).toThrow(EngineError);
    const a = forecastAsset({
      asset: 'X',
      returns: Float64Array.from(xs),
      source: 'historical_returns',
      marketReturn: -0.2,
      path: 'p',
    });
    expect(a.warnings.map((w) => w.code)).toEqual(['FORECAST_NOT_FINITE']);
    for (const k of FIELDS) expect(a.forecast[k]).toBe(-0.2);
  });
});

interface Scenario {
  name: string;
  request: { price_history: { dates: string[]; prices: Record<string, number[]> } };
}

function autumn2008(): Scenario {
  const file = JSON.parse(
    readFileSync(new URL('../../../resources/scenarios.json', import.meta.url), 'utf8'),
  ) as { scenarios: Scenario[] };
  const s = file.scenarios.find((x) => x.name.includes('2008'));
  if (!s) throw new Error('no 2008 scenario in resources/scenarios.json');
  return s;
}

const simple = (p: ArrayLike<number>) => {
  const r = new Float64Array(p.length - 1);
  for (let i = 1; i < p.length; i++) r[i - 1] = (p[i] as number) / (p[i - 1] as number) - 1;
  return r;
};

describe('regression: BAC in autumn 2008 (the "Autumn 2008" scenario window)', () => {
  const scenario = autumn2008();
  const dates = scenario.request.price_history.dates;
  const { dates: csvDates, prices } = loadSp500();
  const i0 = csvDates.indexOf(dates[0] as string);
  const i1 = csvDates.indexOf(dates[dates.length - 1] as string);
  const bac = (prices.BAC as Float64Array).subarray(i0, i1 + 1);
  const r = simple(bac);

  it('the scenario window is 2007-10-11..2008-10-10, 253 closes, the same as the CSV', () => {
    expect([dates[0], dates[dates.length - 1], dates.length]).toEqual([
      '2007-10-11',
      '2008-10-10',
      253,
    ]);
    expect(csvDates.slice(i0, i1 + 1)).toEqual(dates);
    expect(Array.from(bac)).toEqual(scenario.request.price_history.prices.BAC);
  });

  it('reproduces the report: 252 × arithmetic EWMA of simple returns was −408.94%', () => {
    close(252 * ewmaMean(r), -4.089364793153994, 1e-12);
  });

  it('every forecast is ≥ −1 and matches numpy (forecast_reference.py)', () => {
    const f = forecastFromReturns(r);
    expectBounded(f);
    // numpy: test/reference/forecast_reference.py, "BAC 2007-10-11..2008-10-10"
    const expected = {
      momentum: -0.5728962693588984,
      mean_reversion: 3.410619343819784,
      ewma: -0.9963306299019862,
      historical_mean: -0.5728962693588987,
      ensemble_unshrunk: 0.6137974815196331,
      ensemble: -0.37577793391505776,
      dispersion: 2.4313542649112647,
      volatility: 0.8068278891723789,
      confidence: 0.16610716564228176,
    } as const;
    for (const k of Object.keys(expected) as (keyof typeof expected)[])
      close(f[k], expected[k], 1e-12);
    expect(f.observations).toBe(252);
  });

  it('the product path: forecastAsset on every asset of the scenario stays ≥ −1', () => {
    for (const [asset, p] of Object.entries(scenario.request.price_history.prices)) {
      const { forecast, warnings } = forecastAsset({
        asset,
        returns: simple(p),
        source: 'price_history',
        marketReturn: 0.05,
        path: `price_history.prices.${asset}`,
      });
      expect(warnings).toEqual([]);
      expect(forecast.source).toBe('price_history');
      expectBounded(forecast);
      expect(AssetForecast.parse(forecast)).toEqual(forecast);
    }
  });
});

function close(a: number, b: number, rel: number): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.abs(b));
}
