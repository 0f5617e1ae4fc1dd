import { z } from 'zod';

/** The six asset classes the product supports (the seed's names, verbatim). */
export const ASSET_CLASSES = ['Mutual Fund', 'ETF', 'Stocks', 'Commodity', 'FX', 'Crypto'] as const;
export const AssetClass = z.enum(ASSET_CLASSES);
export type AssetClass = z.infer<typeof AssetClass>;

/** A finite number (zod 4 rejects NaN and ±Infinity for z.number()). */
export const finite = () => z.number();

/** ISO calendar date, YYYY-MM-DD. */
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

/** A structured, non-fatal note attached to a result. `path` names the input field concerned. */
export const Warning = z.object({
  code: z.string(),
  message: z.string(),
  path: z.string().optional(),
});
export type Warning = z.infer<typeof Warning>;

/** One problem with the input: a dotted path such as `assets.2.price` and what is wrong. */
export const ErrorDetail = z.object({ path: z.string(), message: z.string() });
export type ErrorDetail = z.infer<typeof ErrorDetail>;

export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'TOO_MANY_REQUESTS',
  'INFEASIBLE',
  'DATA_BLOCKED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** HTTP status for each error code (the contract owns this mapping, adapters only read it). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INFEASIBLE: 422,
  /** A data-health finding the policy sets to `block`: no figure is produced. */
  DATA_BLOCKED: 422,
  INTERNAL: 500,
};

export interface RpcError {
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
}

/** What crosses every process boundary: IPC, HTTP (inside the adapter) and in-process calls. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: RpcError };

/** Error thrown inside the engine for a problem the caller can fix; dispatch turns it into a Result. */
export class EngineError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** Flattens zod issues into `{path, message}` for every problem (not just the first). */
export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}
