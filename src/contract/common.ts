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

/**
 * Control characters (Unicode category Cc: U+0000–U+001F, U+007F–U+009F). A NUL cut a name short
 * inside SQLite (`length()` stops at it, so a CHECK on the length failed with a 500); the others
 * are invisible on screen, break a CSV or log line, or let a name pass for another. Refused rather
 * than stripped: the caller learns which field to fix, and what is stored is what was sent.
 */
const NO_CONTROL = /^\P{Cc}*$/u;
/** The same, but tab, line feed and carriage return pass: a free-text note may carry them. */
const NO_CONTROL_BUT_LINE_BREAKS = /^[\P{Cc}\t\n\r]*$/u;

/**
 * A one-line text a user names things with (portfolio and asset names, filenames, ids, series
 * keys): the given string schema, refusing every control character (tab and line breaks included,
 * so a name stays one cell of a table or a CSV). Keeps the schema's own trim/min/max; a 400 at the
 * field's path otherwise.
 */
export function plainText<T extends z.ZodString>(s: T): T {
  return s.regex(
    NO_CONTROL,
    'must not contain control characters (U+0000–U+001F, U+007F–U+009F), tab and line breaks included',
  ) as T;
}

/** Free text over several lines (a note): tab, LF and CR pass; NUL and every other control do not. */
export function noteText<T extends z.ZodString>(s: T): T {
  return s.regex(
    NO_CONTROL_BUT_LINE_BREAKS,
    'must not contain control characters other than tab and line breaks (U+0000–U+001F, U+007F–U+009F)',
  ) as T;
}

/** An opaque id in a path, query or body: letters, digits, `_` and `-`, at most 64. */
export const Identifier = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'not an id');

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
  'REQUEST_TIMEOUT',
  'HEADERS_TOO_LARGE',
  'INFEASIBLE',
  'DATA_BLOCKED',
  'SOLVER_LIMIT',
  'INTERNAL',
  'UNAVAILABLE',
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
  /** The connection sent its request too slowly (Node's headers/request timeout). */
  REQUEST_TIMEOUT: 408,
  /** The request's header block is larger than Node's limit (16 KiB by default). */
  HEADERS_TOO_LARGE: 431,
  INFEASIBLE: 422,
  /** A data-health finding the policy sets to `block`: no figure is produced. */
  DATA_BLOCKED: 422,
  /**
   * The optimizer stopped at a limit (optimizer_time_limit_seconds, or an iteration or
   * branch-and-bound node limit) before proving an answer: no weights; the message names the limit.
   */
  SOLVER_LIMIT: 422,
  INTERNAL: 500,
  /** The solver's worker gave no answer within its time limit plus a grace period; restarted. */
  UNAVAILABLE: 503,
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
