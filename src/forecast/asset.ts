/**
 * Forecasts for one asset and for one holding inside an asset, with the market_return fallback
 * when history is short (see docs/methods.md (forecast) §5).
 */
import { EngineError, type ErrorDetail, type Warning } from '../contract/common';
import type { AssetForecast } from '../contract/rebalance';
import {
  checkReturns,
  forecastUnchecked,
  resolveForecastOptions,
  type ForecastOptions,
  type ResolvedForecastOptions,
  type ReturnsForecast,
} from './models';

export interface ForecastAssetInput {
  asset: string;
  /** Daily simple returns, oldest first; null when the asset has no history. */
  returns: Float64Array | null;
  /** Where `returns` came from (reported as the forecast's source when it is used). */
  source: 'price_history' | 'historical_returns';
  /** The request's annual expected return for this asset: the fallback forecast. */
  marketReturn: number;
  /** Input path of the history, for warnings and errors (e.g. `assets.2.historical_returns`). */
  path: string;
}

export interface ForecastAssetResult {
  forecast: AssetForecast;
  warnings: Warning[];
}

function validateSeries(returns: Float64Array | null, path: string, details: ErrorDetail[]): void {
  if (returns === null) return;
  if (!(returns instanceof Float64Array)) {
    details.push({ path, message: 'must be a Float64Array or null' });
    return;
  }
  for (const d of checkReturns(returns, path)) details.push(d);
}

/** Runs the models, or returns null when the series is too extreme to annualize. */
function tryForecast(returns: Float64Array, o: ResolvedForecastOptions): ReturnsForecast | null {
  try {
    return forecastUnchecked(returns, o);
  } catch (e) {
    if (e instanceof EngineError) return null;
    throw e;
  }
}

function fallback(asset: string, marketReturn: number, observations: number): AssetForecast {
  return {
    asset,
    momentum: marketReturn,
    mean_reversion: marketReturn,
    ewma: marketReturn,
    historical_mean: marketReturn,
    ensemble_unshrunk: marketReturn,
    ensemble: marketReturn,
    confidence: 0,
    observations,
    source: 'market_return',
  };
}

/**
 * The ensemble forecast of one asset.
 * With T ≥ minHistory (20) returns: the three models, the historical mean, the unshrunk and the
 * shrunk ensemble and the confidence (see forecastFromReturns), source = input.source; every
 * figure is an annual simple return ≥ −1. Otherwise every model, historical_mean,
 * ensemble_unshrunk and ensemble equal marketReturn, confidence 0, source 'market_return', and a
 * warning INSUFFICIENT_HISTORY at input.path. `observations` is the number of returns supplied (0 for null), used or not.
 * A series whose forecast overflows a double falls back the same way with FORECAST_NOT_FINITE.
 * Throws BAD_REQUEST for a non-finite marketReturn or a return that is not finite and > −1.
 * Example: { asset: 'X', returns: 12 returns, marketReturn: 0.07 } → ensemble 0.07,
 * confidence 0, source 'market_return', warnings [{ code: 'INSUFFICIENT_HISTORY', … }].
 */
export function forecastAsset(
  input: ForecastAssetInput,
  opts?: ForecastOptions,
): ForecastAssetResult {
  const o = resolveForecastOptions(opts);
  const details: ErrorDetail[] = [];
  if (typeof input.asset !== 'string' || input.asset.length === 0)
    details.push({ path: 'asset', message: 'must be a non-empty string' });
  if (!Number.isFinite(input.marketReturn))
    details.push({ path: 'marketReturn', message: 'must be a finite number' });
  if (input.source !== 'price_history' && input.source !== 'historical_returns')
    details.push({ path: 'source', message: "must be 'price_history' or 'historical_returns'" });
  validateSeries(input.returns, input.path, details);
  if (details.length) throw new EngineError('BAD_REQUEST', 'invalid forecast input', details);

  const { asset, returns, marketReturn, path } = input;
  const T = returns?.length ?? 0;
  if (returns === null || T < o.minHistory) {
    return {
      forecast: fallback(asset, marketReturn, T),
      warnings: [
        {
          code: 'INSUFFICIENT_HISTORY',
          path,
          message: `${asset}: ${T} returns, fewer than the ${o.minHistory} a forecast needs; market_return ${marketReturn} is used with confidence 0`,
        },
      ],
    };
  }
  const f = tryForecast(returns, o);
  if (f === null) {
    return {
      forecast: fallback(asset, marketReturn, T),
      warnings: [
        {
          code: 'FORECAST_NOT_FINITE',
          path,
          message: `${asset}: the returns are too extreme to annualize; market_return ${marketReturn} is used with confidence 0`,
        },
      ],
    };
  }
  return {
    forecast: {
      asset,
      momentum: f.momentum,
      mean_reversion: f.mean_reversion,
      ewma: f.ewma,
      historical_mean: f.historical_mean,
      ensemble_unshrunk: f.ensemble_unshrunk,
      ensemble: f.ensemble,
      confidence: f.confidence,
      observations: f.observations,
      source: input.source,
    },
    warnings: [],
  };
}

export interface ForecastHoldingInput {
  /** The holding's own daily returns, oldest first; null when it has none. */
  holdingReturns: Float64Array | null;
  /** The forecast of the asset that contains the holding (from forecastAsset). */
  assetForecast: AssetForecast;
  /**
   * The asset's returns. Used only when assetForecast did not come from history (e.g. it was
   * built elsewhere): with ≥ minHistory returns the holding then falls back to them.
   */
  assetReturns: Float64Array | null;
}

export interface HoldingForecast {
  predicted_return: number;
  forecast_confidence: number;
  forecast_source: 'holding_history' | 'asset_history' | 'market_return';
}

/**
 * A holding's forecast, from the best history available:
 *   1. the holding's own returns when there are ≥ minHistory (20): their (shrunk) ensemble and
 *      confidence;
 *   2. else the asset's history forecast (assetForecast when its source is price_history or
 *      historical_returns, otherwise assetReturns when long enough);
 *   3. else market_return: assetForecast.ensemble (the asset's market_return) with confidence 0.
 * Example: 5 holding returns and an asset forecast {ensemble 0.09, confidence 0.6, source
 * 'price_history'} → { predicted_return: 0.09, forecast_confidence: 0.6, 'asset_history' }.
 */
export function forecastHolding(
  input: ForecastHoldingInput,
  opts?: ForecastOptions,
): HoldingForecast {
  const o = resolveForecastOptions(opts);
  const details: ErrorDetail[] = [];
  validateSeries(input.holdingReturns, 'holdingReturns', details);
  validateSeries(input.assetReturns, 'assetReturns', details);
  const af = input.assetForecast as AssetForecast | undefined;
  if (!af || !Number.isFinite(af.ensemble) || !Number.isFinite(af.confidence))
    details.push({
      path: 'assetForecast',
      message: 'must be an AssetForecast with finite numbers',
    });
  if (details.length || !af)
    throw new EngineError('BAD_REQUEST', 'invalid holding forecast input', details);

  const hr = input.holdingReturns;
  if (hr !== null && hr.length >= o.minHistory) {
    const f = tryForecast(hr, o);
    if (f)
      return {
        predicted_return: f.ensemble,
        forecast_confidence: f.confidence,
        forecast_source: 'holding_history',
      };
  }
  if (af.source === 'price_history' || af.source === 'historical_returns')
    return {
      predicted_return: af.ensemble,
      forecast_confidence: af.confidence,
      forecast_source: 'asset_history',
    };
  const ar = input.assetReturns;
  if (ar !== null && ar.length >= o.minHistory) {
    const f = tryForecast(ar, o);
    if (f)
      return {
        predicted_return: f.ensemble,
        forecast_confidence: f.confidence,
        forecast_source: 'asset_history',
      };
  }
  return {
    predicted_return: af.ensemble,
    forecast_confidence: 0,
    forecast_source: 'market_return',
  };
}
