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

describe('backtestAccuracy, hand-worked', () => {
  // t = 2, train [0.1, −0.1]: momentum 1.1·0.9 − 1 = −0.01; mean reversion: means 0 → 0;
  //   ewma 0.5·0.1 + 0.5·(−0.1) = 0; ensemble −0.01/3; realized (1.2·1.0)^(2/2) − 1 = 0.2
  // t = 4, train [0.1, −0.1, 0.2, 0]: momentum 0.2, mean reversion 0.05, ewma 0.1 (see
  //   models.test.ts case A), ensemble 0.35/3; realized 1.1·1.1 − 1 = 0.21
  const b = backtestAccuracy(SMALL, SMALL_OPTS);
  it('scores the two origins', () => {
    expect(b.origins).toBe(2);
    expect(b.points?.map((p) => p.origin)).toEqual([2, 4]);
    close(b.points?.[0]?.realized ?? NaN, 0.2);
    close(b.points?.[1]?.realized ?? NaN, 0.21);
  });
  it('momentum: errors −0.21, −0.01 → MAE 0.11, RMSE √0.0221, bias −0.11, hits 1/2', () => {
    const s = b.models.momentum;
    close(s.mae, 0.11);
    close(s.rmse, Math.sqrt(0.0221));
    close(s.bias, -0.11);
    expect(s.hit_rate).toBe(0.5); // sign(−0.01) ≠ sign(0.2); sign(0.2) = sign(0.21)
  });
  it('mean reversion: errors −0.2, −0.16 → MAE 0.18, RMSE √0.0328, hits 1/2 (0 has no sign)', () => {
    close(b.models.mean_reversion.mae, 0.18);
    close(b.models.mean_reversion.rmse, Math.sqrt(0.0328));
    expect(b.models.mean_reversion.hit_rate).toBe(0.5);
  });
  it('ewma: errors −0.2, −0.11 → MAE 0.155, RMSE √0.02605', () => {
    close(b.models.ewma.mae, 0.155);
    close(b.models.ewma.rmse, Math.sqrt(0.02605));
  });
  it('ensemble: errors −0.01/3 − 0.2, 0.35/3 − 0.21 → MAE 0.148333…', () => {
    close(b.models.ensemble.mae, (0.2 + 0.01 / 3 + 0.21 - 0.35 / 3) / 2);
    expect(b.models.ensemble.hit_rate).toBe(0.5);
  });
  it('baselines: zero MAE (0.2 + 0.21)/2; historical mean 2·0 = 0 and 2·0.05 = 0.1', () => {
    close(b.baselines.zero.mae, 0.205);
    expect(b.baselines.zero.hit_rate).toBeNull();
    close(b.baselines.historical_mean.mae, (0.2 + 0.11) / 2);
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
      expect([p.momentum, p.mean_reversion, p.ewma, p.ensemble, p.confidence]).toEqual([
        f.momentum,
        f.mean_reversion,
        f.ewma,
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
            expect([q.momentum, q.mean_reversion, q.ewma, q.ensemble, q.confidence]).toEqual([
              p.momentum,
              p.mean_reversion,
              p.ewma,
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
