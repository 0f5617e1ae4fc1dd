/**
 * File import (issue #3): portfolios (CSV, XLSX, JSON) and price histories (CSV, XLSX), each
 * returning an all-or-nothing result with a report. Pure: runs in Node and Chromium.
 * Methods: docs/methods.md (import).
 */
export { importPortfolio, PORTFOLIO_SYNONYMS, WEIGHT_SUM_TOLERANCE } from './portfolio';
export {
  importPrices,
  selectSymbols,
  toPriceHistory,
  toSeriesHistory,
  PRICE_SYNONYMS,
} from './prices';
export type { OwnSeries, PriceHistorySelection } from './prices';
export { decodeBase64, sha256Hex } from './bytes';
export {
  REASON_CODES,
  MAX_LISTED_REJECTIONS,
  MAX_LISTED_WARNINGS,
  MAX_PRICE_CELLS,
  MAX_XLSX_EXPANDED,
  DATE_FORMATS,
  PORTFOLIO_FIELDS,
  PRICE_FIELDS,
  ReasonCode,
  Rejection,
  ImportFormat,
  ImportReport,
  PortfolioMapping,
  PriceMapping,
  PortfolioImportOptions,
  PriceImportOptions,
} from './types';
export type {
  ImportResult,
  ImportedAsset,
  ImportedHolding,
  ImportedPortfolio,
  ImportedPrices,
  SeriesInfo,
  PortfolioField,
  PriceField,
} from './types';
