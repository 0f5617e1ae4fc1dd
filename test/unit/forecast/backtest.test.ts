import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EngineError } from '../../../src/contract/common';
import { backtestAccuracy, forecastFromReturns } from '../../../src/forecast';
import { loadSp500, simpleReturns } from './fixture';

const close = (a: number | null, b: number, tol = 1e-12) => {
  expect(a).not.toBeNull();
  expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(tol);
};

// Hand-worked walk-forward with small parameters (periodsPerYear 2 keeps the powers trivial):
// r = [0.1, −0.1, 0.2, 0.0, 0.1, 0.1], lookback 2, shortWindow 2, κ 0.5, λ 0.5, minHistory 2,
// horizon 2, step 2, minTrain 2 → origins t = 2 and t = 4 (t = 6 has no future).
const SMALL = Float64Array.from([0.1, -0.1, 0.2, 0.0, 0.1, 0.1]);
const SMALL_OPTS = {
  horizon: 2,
  step: 2,
  minTrain: 2,
  includePoints: true,
  forecast: {
    periodsPerYear: 2,
    lookback: 2,
    shortWindow: 2,
    kappa: 0.5,
    lambda: 0.5,
    minHistory: 2,
    confidenceT0: 4,
  },
};

// Case A of models.test.ts (the forecast at t = 4), in closed form.
const A_MR = Math.pow(1.188, 0.75) / Math.sqrt(1.2) - 1; // 0.0387755
const A_EWMA = Math.pow(0.99, 0.25) * Math.sqrt(1.2) - 1; // 0.0926962
const A_HIST = Math.sqrt(1.188) - 1; // 0.0899541
const A_UNSHRUNK = (0.2 + A_MR + A_EWMA) / 3; // 0.1104906
const A_ENSEMBLE = 0.0970379690819439; // confidence 0.344940 (models.test.ts)

describe('backtestAccuracy, hand-worked', () => {
  // t = 2, train [0.1, −0.1], l = [ln 1.1, ln 0.9]: L = S = T = 2, so momentum, mean reversion,
  //   EWMA (m = (l1 + l2)/2) and the historical mean are all exp(2 · ln(0.99)/2) − 1 = −0.01;
  //   realized exp((2/2)(ln 1.2 + ln 1)) − 1 = 0.2
  // t = 4, train [0.1, −0.1, 0.2, 0]: case A of models.test.ts; realized 1.1 · 1.1 − 1 = 0.21
  const b = backtestAccuracy(SMALL, SMALL_OPTS);
  it('scores the two origins', () => {
    expect(b.origins).toBe(2);
    expect(b.points?.map((p) => p.origin)).toEqual([2, 4]);
    close(b.points?.[0]?.realized ?? NaN, 0.2);
    close(b.points?.[1]?.realized ?? NaN, 0.21);
    const p0 = b.points?.[0];
    for (const v of [
      p0?.momentum,
      p0?.mean_reversion,
      p0?.ewma,
      p0?.historical_mean,
      p0?.ensemble_unshrunk,
      p0?.ensemble,
    ])
      close(v ?? NaN, -0.01);
    close(b.points?.[1]?.ensemble ?? NaN, A_ENSEMBLE);
  });
  it('momentum: errors −0.21, −0.01 → MAE 0.11, RMSE √0.0221, bias −0.11, hits 1/2', () => {
    const s = b.models.momentum;
    close(s.mae, 0.11);
    close(s.rmse, Math.sqrt(0.0221));
    close(s.bias, -0.11);
    expect(s.hit_rate).toBe(0.5); // sign(−0.01) ≠ sign(0.2); sign(0.2) = sign(0.21)
  });
  it('mean reversion: errors −0.21, 0.0387755 − 0.21 → MAE 0.190612, hits 1/2', () => {
    close(b.models.mean_reversion.mae, (0.21 + 0.21 - A_MR) / 2);
    close(b.models.mean_reversion.rmse, Math.sqrt((0.21 ** 2 + (A_MR - 0.21) ** 2) / 2));
    close(b.models.mean_reversion.mae, 0.19061223873671565);
    expect(b.models.mean_reversion.hit_rate).toBe(0.5);
  });
  it('ewma: errors −0.21, 0.0926962 − 0.21 → MAE 0.163652', () => {
    close(b.models.ewma.mae, (0.21 + 0.21 - A_EWMA) / 2);
    close(b.models.ewma.rmse, Math.sqrt((0.21 ** 2 + (A_EWMA - 0.21) ** 2) / 2));
  });
  it('ensembles: unshrunk errors −0.21, 0.1104906 − 0.21; shrunk −0.21, 0.0970380 − 0.21', () => {
    close(b.models.ensemble_unshrunk.mae, (0.42 - A_UNSHRUNK) / 2);
    close(b.models.ensemble.mae, (0.42 - A_ENSEMBLE) / 2);
    close(b.models.ensemble.bias, (A_ENSEMBLE - 0.42) / 2);
    expect(b.models.ensemble.hit_rate).toBe(0.5);
  });
  it('baselines: zero MAE (0.2 + 0.21)/2; historical mean −0.01 and √1.188 − 1', () => {
    close(b.baselines.zero.mae, 0.205);
    expect(b.baselines.zero.hit_rate).toBeNull();
    close(b.baselines.historical_mean.mae, (0.42 - A_HIST) / 2);
    expect(b.baselines.historical_mean.hit_rate).toBe(0.5);
    expect(b.realized_up_share).toBe(1);
  });
});

describe('backtestAccuracy, no look-ahead', () => {
  const r = simpleReturns(loadSp500().prices.MSFT as Float64Array, 1500);
  const base = backtestAccuracy(r, { includePoints: true });

  it('each origin forecast equals forecastFromReturns on returns[0..t) alone', () => {
    expect(base.origins).toBe(Math.floor((1500 - 21 - 252) / 21) + 1);
    for (const p of base.points ?? []) {
      const f = forecastFromReturns(r.slice(0, p.origin));
      expect([
        p.momentum,
        p.mean_reversion,
        p.ewma,
        p.historical_mean,
        p.ensemble_unshrunk,
        p.ensemble,
        p.confidence,
      ]).toEqual([
        f.momentum,
        f.mean_reversion,
        f.ewma,
        f.historical_mean,
        f.ensemble_unshrunk,
        f.ensemble,
        f.confidence,
      ]);
    }
  });

  it('property: changing returns from index k on leaves every forecast at origins ≤ k unchanged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 252, max: 1499 }),
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        (k, shock) => {
          const changed = r.slice();
          for (let i = k; i < changed.length; i++) changed[i] = shock;
          const after = backtestAccuracy(changed, { includePoints: true });
          const before = base.points ?? [];
          const now = after.points ?? [];
          expect(now.length).toBe(before.length);
          for (let j = 0; j < before.length; j++) {
            const p = before[j];
            const q = now[j];
            if (!p || !q || p.origin > k) continue;
            expect([
              q.momentum,
              q.mean_reversion,
              q.ewma,
              q.historical_mean,
              q.ensemble_unshrunk,
              q.ensemble,
              q.confidence,
            ]).toEqual([
              p.momentum,
              p.mean_reversion,
              p.ewma,
              p.historical_mean,
              p.ensemble_unshrunk,
              p.ensemble,
              p.confidence,
            ]);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('backtestAccuracy, edges', () => {
  it('too little history: no origins, null statistics and a warning', () => {
    const b = backtestAccuracy(new Float64Array(272).fill(0.001));
    expect(b.origins).toBe(0);
    expect(b.models.ensemble).toEqual({
      mae: null,
      rmse: null,
      bias: null,
      hit_rate: null,
      count: 0,
    });
    expect(b.warnings[0]?.code).toBe('INSUFFICIENT_HISTORY');
    expect(backtestAccuracy(new Float64Array(273).fill(0.001)).origins).toBe(1);
  });
  it('bad options throw BAD_REQUEST naming each field', () => {
    try {
      backtestAccuracy(new Float64Array(500), { horizon: 0, step: 1.5, minTrain: 10 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      expect((e as EngineError).details.map((d) => d.path)).toEqual([
        'opts.horizon',
        'opts.step',
        'opts.minTrain',
      ]);
    }
  });
});
