import { describe, expect, it } from 'vitest';
import { backtestAccuracy, forecastFromReturns, type ReturnsForecast } from '../../../src/forecast';
import { loadSp500, simpleReturns } from './fixture';

// Expected values printed by test/reference/forecast_reference.py (numpy 2.x, independent
// vectorized implementation with the closed-form EWMA weights) on
// test/fixtures/skfolio_sp500_dataset.csv.
const REL = 1e-12;
const rel = (a: number | null, b: number) => {
  expect(a).not.toBeNull();
  expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(REL * Math.abs(b));
};

type Expected = Omit<ReturnsForecast, 'observations'> & { observations: number };

const AAPL_1260: Expected = {
  momentum: -0.29292554209004174,
  mean_reversion: 1.2044900358674768,
  ewma: -1.58122183803912,
  ensemble: -0.223219114753895,
  dispersion: 1.3941635128689276,
  volatility: 0.33448980174791104,
  confidence: 0.17590666409594513,
  observations: 1260,
};
const XOM_1260: Expected = {
  momentum: 0.8265554337398908,
  mean_reversion: 0.3055973498847775,
  ewma: 0.19846317014667067,
  ensemble: 0.44353865125711295,
  dispersion: 0.3359997393817946,
  volatility: 0.33820808391054996,
  confidence: 0.45603430254296706,
  observations: 1260,
};
// XOM's first 30 returns: L = 30 < 252 exercises the short-series annualization (252/30).
const XOM_FIRST30: Expected = {
  momentum: -0.30882334750868334,
  mean_reversion: -0.4648557515422639,
  ewma: -0.4877729962905418,
  ensemble: -0.42048403178049637,
  dispersion: 0.09737751966316584,
  volatility: 0.21557985746187922,
  confidence: 0.13247064273532186,
  observations: 30,
};

function check(f: ReturnsForecast, e: Expected) {
  expect(f.observations).toBe(e.observations);
  for (const k of [
    'momentum',
    'mean_reversion',
    'ewma',
    'ensemble',
    'dispersion',
    'volatility',
    'confidence',
  ] as const)
    rel(f[k], e[k]);
}

describe('numpy reference values (forecast_reference.py)', () => {
  const { prices } = loadSp500();
  it('AAPL, last 1,260 returns', () => {
    check(forecastFromReturns(simpleReturns(prices.AAPL as Float64Array, 1260)), AAPL_1260);
  });
  it('XOM, last 1,260 returns', () => {
    check(forecastFromReturns(simpleReturns(prices.XOM as Float64Array, 1260)), XOM_1260);
  });
  it('XOM, first 30 returns', () => {
    const r = simpleReturns(prices.XOM as Float64Array).subarray(0, 30);
    check(forecastFromReturns(r), XOM_FIRST30);
  });

  it('walk-forward backtest, AAPL last 1,260 returns, h = 21, step = 21, minTrain = 252', () => {
    const r = simpleReturns(prices.AAPL as Float64Array, 1260);
    const b = backtestAccuracy(r, { horizon: 21, step: 21, minTrain: 252 });
    expect(b.origins).toBe(48);
    expect(b.realized_up_share).toBe(28 / 48); // 0.5833333333333334
    const expected = {
      momentum: [1.9425663822808084, 4.137802476757675, -1.1011063632180254, 0.5625],
      mean_reversion: [2.0365060112834628, 4.241022662878342, -1.227515396015478, 0.5],
      ewma: [2.0750155692933903, 4.259277962389425, -1.2220273349249193, 0.5833333333333334],
      ensemble: [1.9497209452064903, 4.178171447101607, -1.1835496980528075, 0.5416666666666666],
    } as const;
    for (const k of ['momentum', 'mean_reversion', 'ewma', 'ensemble'] as const) {
      const [mae, rmse, bias, hit] = expected[k];
      const s = b.models[k];
      expect(s.count).toBe(48);
      rel(s.mae, mae);
      rel(s.rmse, rmse);
      rel(s.bias, bias);
      expect(s.hit_rate).toBe(hit);
    }
    rel(b.baselines.zero.mae, 1.9223299767014754);
    rel(b.baselines.zero.rmse, 4.291745781357748);
    expect(b.baselines.zero.hit_rate).toBeNull();
    rel(b.baselines.historical_mean.mae, 1.9198315534075583);
    rel(b.baselines.historical_mean.rmse, 4.193112375530056);
    rel(b.baselines.historical_mean.bias, -1.202487549292716);
    expect(b.baselines.historical_mean.hit_rate).toBe(28 / 48);
  });
});
