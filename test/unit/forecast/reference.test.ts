import { describe, expect, it } from 'vitest';
import {
  BACKTEST_MODELS,
  backtestAccuracy,
  forecastFromReturns,
  type ReturnsForecast,
} from '../../../src/forecast';
import { loadSp500, simpleReturns } from './fixture';

// Expected values printed by test/reference/forecast_reference.py (numpy 2.4, independent
// vectorized implementation: momentum and realized returns as price ratios, closed-form EWMA
// weights on the log returns, numpy's pairwise means) on test/fixtures/skfolio_sp500_dataset.csv.
const REL = 1e-12;
const rel = (a: number | null, b: number) => {
  expect(a).not.toBeNull();
  expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(REL * Math.abs(b));
};

type Expected = Omit<ReturnsForecast, 'observations'> & { observations: number };

const AAPL_1260: Expected = {
  momentum: -0.29292554209004174,
  mean_reversion: 2.1539738947070703,
  ewma: -0.8070859122528012,
  historical_mean: 0.254602622532589,
  ensemble_unshrunk: 0.35132081345474253,
  ensemble: 0.2699471510018354,
  dispersion: 1.5821690238633987,
  volatility: 0.33448980174791104,
  confidence: 0.15865193840936243,
  observations: 1260,
};
const XOM_1260: Expected = {
  momentum: 0.8265554337398908,
  mean_reversion: 0.2636658502153343,
  ewma: 0.1781994637060467,
  historical_mean: 0.10912825411490445,
  ensemble_unshrunk: 0.42280691588709063,
  ensemble: 0.24880813511565258,
  dispersion: 0.3522581085752157,
  volatility: 0.33820808391054996,
  confidence: 0.44529608807816434,
  observations: 1260,
};
// XOM's first 30 returns: L = 30 < 252 exercises the short-series annualization (252/30); with
// L = T momentum and the historical mean are the same number.
const XOM_FIRST30: Expected = {
  momentum: -0.30882334750868334,
  mean_reversion: -0.3862271049716211,
  ewma: -0.3979526177467755,
  historical_mean: -0.3088233475086846,
  ensemble_unshrunk: -0.36433435674236003,
  ensemble: -0.31754027891446907,
  dispersion: 0.04843011482606743,
  volatility: 0.21557985746187922,
  confidence: 0.15703067780825633,
  observations: 30,
};

function check(f: ReturnsForecast, e: Expected) {
  expect(f.observations).toBe(e.observations);
  for (const k of [
    'momentum',
    'mean_reversion',
    'ewma',
    'historical_mean',
    'ensemble_unshrunk',
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
    // [MAE, RMSE, bias, hits of 48]
    const expected = {
      momentum: [1.9425663822808084, 4.137802476757675, -1.1011063632180254, 27],
      mean_reversion: [2.1211427585019997, 4.279140078157573, -1.0402336624634108, 22],
      ewma: [2.2824751838504334, 4.445363052655635, -0.7902439612654032, 27],
      ensemble_unshrunk: [2.0175762041715792, 4.197070072422923, -0.9771946623156129, 28],
      ensemble: [1.9380464823918666, 4.185096883824787, -1.1734921521629815, 28],
    } as const;
    for (const k of BACKTEST_MODELS) {
      const [mae, rmse, bias, hits] = expected[k];
      const s = b.models[k];
      expect(s.count).toBe(48);
      rel(s.mae, mae);
      rel(s.rmse, rmse);
      rel(s.bias, bias);
      expect(s.hit_rate).toBe(hits / 48);
    }
    rel(b.baselines.zero.mae, 1.9223299767014754);
    rel(b.baselines.zero.rmse, 4.291745781357748);
    rel(b.baselines.zero.bias, -1.5207035442264687);
    expect(b.baselines.zero.hit_rate).toBeNull();
    rel(b.baselines.historical_mean.mae, 1.9277465188828178);
    rel(b.baselines.historical_mean.rmse, 4.197027783513128);
    rel(b.baselines.historical_mean.bias, -1.2077478329831421);
    expect(b.baselines.historical_mean.hit_rate).toBe(28 / 48);
  });
});
