/**
 * Shapes of the import feature: options in, report and data out. Zod schemas are exported so the
 * contract (src/contract) can reuse them for the HTTP routes without redefining anything.
 */
import { z } from 'zod';
import { Warning } from '../../contract/common';
import type { AssetClass } from '../../contract/common';
import type { RebalanceRequest } from '../../contract/rebalance';

/** Every reason a row or a file can be rejected. See docs/methods.md (import) for each. */
export const REASON_CODES = [
  'BAD_NUMBER',
  'UNKNOWN_DATE',
  'DUPLICATE_SYMBOL',
  'NEGATIVE_PRICE',
  'WEIGHTS_NOT_SUMMING',
  'MISSING_COLUMN',
  'EMPTY_FILE',
  'UNSUPPORTED_FORMAT',
  'BAD_VALUE',
] as const;
export const ReasonCode = z.enum(REASON_CODES);
export type ReasonCode = z.infer<typeof ReasonCode>;

/** At most this many rejections are listed in a report; `rejected_count` keeps the total. */
export const MAX_LISTED_REJECTIONS = 1000;

/** At most this many warnings are listed in a report; a last WARNINGS_TRUNCATED gives the total. */
export const MAX_LISTED_WARNINGS = 1000;

/**
 * Largest price array an import builds (symbols × dates, 10 million cells: at most ~240 MB of
 * numbers in the engine's heap). A file asking for more is rejected instead of exhausting memory.
 */
export const MAX_PRICE_CELLS = 10_000_000;

/**
 * Largest XLSX workbook read, measured unzipped (64 MiB, counted by inflating, not by what the
 * archive declares): exceljs needs ~15 bytes of memory per byte of sheet XML. CSV has no such limit.
 */
export const MAX_XLSX_EXPANDED = 64 * 1024 * 1024;

export const Rejection = z.object({
  line: z
    .number()
    .int()
    .min(0)
    .describe('1-based line of the file (header = 1; XLSX: sheet row); 0 = the whole file.'),
  column: z
    .string()
    .nullable()
    .describe('Header as written in the file, a field name for a missing column, or a JSON path.'),
  reason_code: ReasonCode,
  message: z.string(),
});
export type Rejection = z.infer<typeof Rejection>;

export const ImportFormat = z.enum(['csv', 'xlsx', 'json']);
export type ImportFormat = z.infer<typeof ImportFormat>;

export const ImportReport = z.object({
  kind: z.enum(['portfolio', 'prices', 'accounts']),
  filename: z.string(),
  format: ImportFormat.nullable().describe('null when the format could not be determined.'),
  rows_read: z.number().int().min(0).describe('Data rows read (blank lines and header excluded).'),
  rows_accepted: z
    .number()
    .int()
    .min(0)
    .describe('Rows imported: rows_read when ok, 0 otherwise (all-or-nothing).'),
  rejected: z.array(Rejection).describe(`The first ${MAX_LISTED_REJECTIONS} rejections.`),
  rejected_count: z.number().int().min(0),
  warnings: z.array(Warning),
  detected_mapping: z
    .record(z.string(), z.string())
    .describe('Field → header actually used; pass it back as `mapping` to reuse it.'),
  layout: z.enum(['long', 'wide']).optional().describe('Prices only.'),
  content_hash: z.string().describe('SHA-256 (hex) of the raw bytes of the file.'),
});
export type ImportReport = z.infer<typeof ImportReport>;

/** Canonical portfolio fields a column can map to. */
export const PORTFOLIO_FIELDS = [
  'asset',
  'holding',
  'asset_class',
  'quantity',
  'price',
  'current_weight',
  'target_weight',
  'lot_size',
] as const;
export type PortfolioField = (typeof PORTFOLIO_FIELDS)[number];

/** Canonical price-file fields (long form uses all three, wide form only `date`). */
export const PRICE_FIELDS = ['date', 'symbol', 'price'] as const;
export type PriceField = (typeof PRICE_FIELDS)[number];

// A header may be blank (e.g. a pandas index column), so '' is a valid mapping target.
const header = z.string().max(256).nullable();

export const PortfolioMapping = z
  .object({
    asset: header,
    holding: header,
    asset_class: header,
    quantity: header,
    price: header,
    current_weight: header,
    target_weight: header,
    lot_size: header,
  })
  .partial()
  .strict()
  .describe('Field → header in the file. null disables a field; absent fields are auto-detected.');
export type PortfolioMapping = z.infer<typeof PortfolioMapping>;

export const PriceMapping = z
  .object({ date: header, symbol: header, price: header })
  .partial()
  .strict();
export type PriceMapping = z.infer<typeof PriceMapping>;

/** Raw content: text, or base64 text for XLSX, or the file's bytes. */
const Content = z.union([
  z.string(),
  z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected text or a Uint8Array'),
]);

export const DATE_FORMATS = [
  'YYYY-MM-DD',
  'YYYY/MM/DD',
  'YYYY.MM.DD',
  'YYYYMMDD',
  'DD/MM/YYYY',
  'DD-MM-YYYY',
  'DD.MM.YYYY',
  'MM/DD/YYYY',
  'MM-DD-YYYY',
  'MM.DD.YYYY',
] as const;

const common = {
  filename: z.string().max(1024).default(''),
  format: z
    .string()
    .max(16)
    .optional()
    .describe('csv | xlsx | json; inferred from the filename extension when absent.'),
  content: Content,
  decimal_separator: z
    .enum(['.', ','])
    .default('.')
    .describe('"," reads 1.234,56 as 1234.56 (thousands separator "." or space).'),
  sheet: z
    .union([z.string().min(1), z.number().int().min(1)])
    .optional()
    .describe('XLSX worksheet name or 1-based index; default: the first sheet with data.'),
};

export const PortfolioImportOptions = z.object({
  ...common,
  mapping: PortfolioMapping.optional(),
});
export type PortfolioImportOptions = z.input<typeof PortfolioImportOptions>;

export const PriceImportOptions = z.object({
  ...common,
  mapping: PriceMapping.optional(),
  layout: z.enum(['long', 'wide']).optional().describe('Forces the layout; default: detected.'),
  date_format: z
    .enum(DATE_FORMATS)
    .optional()
    .describe('Order of day and month for numeric dates such as 01/02/2020.'),
});
export type PriceImportOptions = z.input<typeof PriceImportOptions>;

/** One holding inside an asset (RebalanceRequest's Holding). */
export interface ImportedHolding {
  holding: string;
  holding_weight?: number;
  last_price: number;
  quantity?: number;
  /** Share of the asset's target, when every holding row of the asset gave a target. */
  target_weight?: number;
  lot_size?: number;
  min_trade_value?: number;
}

/** One asset, with RebalanceRequest's field names (extra `quantity` is stripped by the contract). */
export interface ImportedAsset {
  asset: string;
  asset_class?: AssetClass;
  target_weight: number;
  current_weight: number;
  /** Absent when the asset is ordered through its holdings (each has its own price). */
  price?: number;
  lot_size?: number;
  quantity?: number;
  holdings?: ImportedHolding[];
}

export interface ImportedPortfolio {
  assets: ImportedAsset[];
  /** Σ quantity × price when every row gives a quantity (blank = 0); null otherwise. */
  portfolio_value: number | null;
  /** The whole validated payload, for JSON imports only. */
  request?: RebalanceRequest;
}

export interface SeriesInfo {
  symbol: string;
  first_date: string | null;
  last_date: string | null;
  /** Number of non-missing prices. */
  count: number;
}

export interface ImportedPrices {
  /** Ascending ISO dates: the union of every symbol's dates. */
  dates: string[];
  /** Symbols in file order (object keys that look like integers would lose that order). */
  symbols: string[];
  /**
   * Per symbol, aligned with `dates`; null where the file has no price. A null-prototype object,
   * so a symbol such as `__proto__` is an own key like any other (a structured clone keeps every
   * key and gains Object.prototype: look keys up through `symbols`, never by `in`).
   */
  prices: Record<string, (number | null)[]>;
  series: SeriesInfo[];
}

export type ImportResult<T> =
  { ok: true; data: T; report: ImportReport } | { ok: false; report: ImportReport };
