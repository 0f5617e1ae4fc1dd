/**
 * Forecast layer: return models (on log returns), historical-mean anchor, shrunk ensemble,
 * confidence, tilt, house view and backtest.
 */
export {
  FORECAST_DEFAULTS,
  annualizedVolatility,
  checkReturns,
  dispersion3,
  ewmaForecast,
  ewmaMean,
  forecastConfidence,
  forecastFromReturns,
  historicalMeanForecast,
  logReturns,
  meanReversionForecast,
  momentumForecast,
  resolveForecastOptions,
} from './models';
export type { ForecastOptions, ResolvedForecastOptions, ReturnsForecast } from './models';
export { forecastAsset, forecastHolding } from './asset';
export type {
  ForecastAssetInput,
  ForecastAssetResult,
  ForecastHoldingInput,
  HoldingForecast,
} from './asset';
export { forecastTilt } from './tilt';
export type { ForecastTiltInput } from './tilt';
export { HOUSE_VIEW_SIZE, rankHouseView } from './houseView';
export type { HouseViewRanking } from './houseView';
export { BACKTEST_MODELS, backtestAccuracy } from './backtest';
export type {
  AccuracyStats,
  BacktestModel,
  BacktestOptions,
  BacktestPoint,
  BacktestResult,
} from './backtest';
