import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { AssetForecast } from '../../../src/contract/rebalance';
import { forecastAsset, forecastFromReturns, forecastHolding } from '../../../src/forecast';
import { loadSp500, simpleReturns } from './fixture';

const { prices } = loadSp500();
const XOM = simpleReturns(prices.XOM as Float64Array, 300);
const KO = simpleReturns(prices.KO as Float64Array, 300);

describe('forecastAsset', () => {
  it('uses the history when there are ≥ 20 returns, and the output satisfies the contract', () => {
    const { forecast, warnings } = forecastAsset({
      asset: 'XOM',
      returns: XOM,
      source: 'price_history',
      marketReturn: 0.07,
      path: 'price_history.prices.XOM',
    });
    const f = forecastFromReturns(XOM);
    expect(warnings).toEqual([]);
    expect(forecast).toEqual({
      asset: 'XOM',
      momentum: f.momentum,
      mean_reversion: f.mean_reversion,
      ewma: f.ewma,
      historical_mean: f.historical_mean,
      ensemble_unshrunk: f.ensemble_unshrunk,
      ensemble: f.ensemble,
      confidence: f.confidence,
      observations: 300,
      source: 'price_history',
    });
    expect(AssetForecast.parse(forecast)).toEqual(forecast);
    // the reported ensemble is the shrunk one: c · unshrunk + (1 − c) · historical mean
    const c = forecast.confidence;
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThan(1);
    expect(
      Math.abs(
        forecast.ensemble - (c * forecast.ensemble_unshrunk + (1 - c) * forecast.historical_mean),
      ),
    ).toBeLessThanOrEqual(1e-15);
    expect(forecast.ensemble).not.toBe(forecast.ensemble_unshrunk);
  });

  it('exactly 20 returns is enough; 19 falls back to market_return with a warning', () => {
    const ok = forecastAsset({
      asset: 'A',
      returns: XOM.slice(0, 20),
      source: 'historical_returns',
      marketReturn: 0.05,
      path: 'assets.0.historical_returns',
    });
    expect(ok.forecast.source).toBe('historical_returns');
    expect(ok.warnings).toEqual([]);

    const short = forecastAsset({
      asset: 'A',
      returns: XOM.slice(0, 19),
      source: 'historical_returns',
      marketReturn: 0.05,
      path: 'assets.0.historical_returns',
    });
    expect(short.forecast).toEqual({
      asset: 'A',
      momentum: 0.05,
      mean_reversion: 0.05,
      ewma: 0.05,
      historical_mean: 0.05,
      ensemble_unshrunk: 0.05,
      ensemble: 0.05,
      confidence: 0,
      observations: 19,
      source: 'market_return',
    });
    expect(short.warnings).toHaveLength(1);
    expect(short.warnings[0]).toMatchObject({
      code: 'INSUFFICIENT_HISTORY',
      path: 'assets.0.historical_returns',
    });
  });

  it('no history at all (null) falls back with observations 0', () => {
    const r = forecastAsset({
      asset: 'Gold',
      returns: null,
      source: 'historical_returns',
      marketReturn: -0.01,
      path: 'assets.3.historical_returns',
    });
    expect(r.forecast.ensemble).toBe(-0.01);
    expect(r.forecast.observations).toBe(0);
    expect(r.forecast.source).toBe('market_return');
    expect(r.warnings[0]?.code).toBe('INSUFFICIENT_HISTORY');
  });

  it('a series too extreme to annualize falls back with FORECAST_NOT_FINITE', () => {
    const r = forecastAsset({
      asset: 'Meme',
      returns: new Float64Array(25).fill(1e200),
      source: 'historical_returns',
      marketReturn: 0.1,
      path: 'assets.1.historical_returns',
    });
    // log1p(1e200) = 460.5 a day: exp(252 · 460.5) overflows a double
    expect(r.forecast).toEqual({
      asset: 'Meme',
      momentum: 0.1,
      mean_reversion: 0.1,
      ewma: 0.1,
      historical_mean: 0.1,
      ensemble_unshrunk: 0.1,
      ensemble: 0.1,
      confidence: 0,
      observations: 25,
      source: 'market_return',
    });
    expect(r.warnings[0]?.code).toBe('FORECAST_NOT_FINITE');
  });

  it('bad input throws BAD_REQUEST naming each field', () => {
    const bad = XOM.slice(0, 30);
    bad[4] = -1.5;
    try {
      forecastAsset({
        asset: 'X',
        returns: bad,
        source: 'historical_returns',
        marketReturn: NaN,
        path: 'assets.2.historical_returns',
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      expect((e as EngineError).code).toBe('BAD_REQUEST');
      expect((e as EngineError).details.map((d) => d.path)).toEqual([
        'marketReturn',
        'assets.2.historical_returns.4',
      ]);
    }
  });
});

describe('forecastHolding', () => {
  const assetFc = forecastAsset({
    asset: 'Energy',
    returns: XOM,
    source: 'price_history',
    marketReturn: 0.06,
    path: 'price_history.prices.Energy',
  }).forecast;
  const marketFc = forecastAsset({
    asset: 'Energy',
    returns: null,
    source: 'price_history',
    marketReturn: 0.06,
    path: 'price_history.prices.Energy',
  }).forecast;

  it('its own history when it has ≥ 20 returns (the shrunk ensemble)', () => {
    const own = forecastFromReturns(KO);
    expect(own.ensemble).not.toBe(own.ensemble_unshrunk);
    expect(
      forecastHolding({ holdingReturns: KO, assetForecast: assetFc, assetReturns: XOM }),
    ).toEqual({
      predicted_return: own.ensemble,
      forecast_confidence: own.confidence,
      forecast_source: 'holding_history',
    });
  });
  it("the asset's history forecast when the holding has fewer than 20 returns", () => {
    for (const holdingReturns of [null, KO.slice(0, 19)])
      expect(
        forecastHolding({ holdingReturns, assetForecast: assetFc, assetReturns: XOM }),
      ).toEqual({
        predicted_return: assetFc.ensemble,
        forecast_confidence: assetFc.confidence,
        forecast_source: 'asset_history',
      });
  });
  it('asset returns when the asset forecast was not built from them', () => {
    const f = forecastFromReturns(XOM);
    expect(
      forecastHolding({ holdingReturns: null, assetForecast: marketFc, assetReturns: XOM }),
    ).toEqual({
      predicted_return: f.ensemble,
      forecast_confidence: f.confidence,
      forecast_source: 'asset_history',
    });
  });
  it('market_return with confidence 0 when nothing has enough history', () => {
    expect(
      forecastHolding({
        holdingReturns: KO.slice(0, 5),
        assetForecast: marketFc,
        assetReturns: null,
      }),
    ).toEqual({ predicted_return: 0.06, forecast_confidence: 0, forecast_source: 'market_return' });
  });
});
