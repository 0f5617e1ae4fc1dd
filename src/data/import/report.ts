/**
 * What every import shares: option validation, format resolution, content decoding, the content
 * hash, and the report builder that enforces all-or-nothing.
 */
import type { z } from 'zod';
import { EngineError, zodDetails } from '../../contract/common';
import type { Warning } from '../../contract/common';
import { decodeBase64, decodeText, sha256Hex, sha256HexOfText } from './bytes';
import { MAX_LISTED_REJECTIONS, MAX_LISTED_WARNINGS } from './types';
import type { ImportFormat, ImportReport, ImportResult, ReasonCode, Rejection } from './types';

/**
 * Collects rejections (listing the first MAX_LISTED_REJECTIONS) and warnings (the first
 * MAX_LISTED_WARNINGS): a report's size is bounded whatever the file.
 */
export class ReportBuilder {
  readonly rejected: Rejection[] = [];
  rejectedCount = 0;
  readonly warnings: Warning[] = [];
  /** Warnings past MAX_LISTED_WARNINGS are counted, not listed (a file can warn once per row). */
  private warningCount = 0;
  rowsRead = 0;
  detectedMapping: Record<string, string> = {};
  layout: 'long' | 'wide' | undefined;

  constructor(
    readonly kind: 'portfolio' | 'prices' | 'accounts',
    readonly filename: string,
    public format: ImportFormat | null,
    public contentHash: string,
  ) {}

  reject(line: number, column: string | null, reason_code: ReasonCode, message: string): void {
    this.rejectedCount++;
    if (this.rejected.length < MAX_LISTED_REJECTIONS)
      this.rejected.push({ line, column, reason_code, message });
  }

  rejectAll(rejections: readonly Rejection[]): void {
    for (const r of rejections) this.reject(r.line, r.column, r.reason_code, r.message);
  }

  warn(code: string, message: string, path?: string): void {
    this.warningCount++;
    if (this.warnings.length < MAX_LISTED_WARNINGS)
      this.warnings.push(path === undefined ? { code, message } : { code, message, path });
  }

  get failed(): boolean {
    return this.rejectedCount > 0;
  }

  report(ok: boolean): ImportReport {
    // The truncation notes are always listed, past the cap.
    if (this.warningCount > this.warnings.length)
      this.warnings.push({
        code: 'WARNINGS_TRUNCATED',
        message: `${this.warningCount} warnings; the first ${this.warnings.length} are listed`,
      });
    if (this.rejectedCount > this.rejected.length)
      this.warnings.push({
        code: 'REJECTIONS_TRUNCATED',
        message: `${this.rejectedCount} rejections; the first ${this.rejected.length} are listed`,
      });
    const r: ImportReport = {
      kind: this.kind,
      filename: this.filename,
      format: this.format,
      rows_read: this.rowsRead,
      rows_accepted: ok ? this.rowsRead : 0,
      // File-level problems (line 0) first, then by line; stable, so a row's problems keep order.
      rejected: [...this.rejected].sort((a, b) => a.line - b.line),
      rejected_count: this.rejectedCount,
      warnings: this.warnings,
      detected_mapping: this.detectedMapping,
      content_hash: this.contentHash,
    };
    if (this.layout) r.layout = this.layout;
    return r;
  }

  /** All-or-nothing: data is returned only when no row and no file-level check was rejected. */
  result<T>(data: T | null): ImportResult<T> {
    if (data === null || this.failed) return { ok: false, report: this.report(false) };
    return { ok: true, data, report: this.report(true) };
  }
}

/** Validates caller options (not file content): bad options are the caller's bug → BAD_REQUEST. */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success)
    throw new EngineError('BAD_REQUEST', 'invalid import options', zodDetails(r.error));
  return r.data;
}

// A Map: `format` is caller text, and "constructor" must not find Object.prototype's.
const EXTENSIONS = new Map<string, ImportFormat>([
  ['csv', 'csv'],
  ['tsv', 'csv'],
  ['txt', 'csv'],
  ['xlsx', 'xlsx'],
  ['xlsm', 'xlsx'],
  ['json', 'json'],
]);

/** The decoded content ready for a reader, or the file-level rejection that stops the import. */
export type Prepared =
  | { ok: true; format: 'csv' | 'json'; text: string }
  | { ok: true; format: 'xlsx'; bytes: Uint8Array }
  | { ok: false };

/** The format as named: explicit, else the filename's extension; lowercase ('' when neither). */
function formatName(rb: ReportBuilder, format: string | undefined): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(rb.filename)?.[1]?.toLowerCase();
  return (format ?? ext ?? '').toLowerCase();
}

function resolveFormat(rb: ReportBuilder, format: string | undefined): ImportFormat | undefined {
  return EXTENSIONS.get(formatName(rb, format));
}

/**
 * Resolves the format (explicit, else from the filename extension), decodes the content and sets
 * the content hash: SHA-256 of the raw bytes — the UTF-8 bytes of text content, the decoded bytes
 * of base64 XLSX content, or the bytes given.
 */
export function prepare(
  rb: ReportBuilder,
  format: string | undefined,
  content: string | Uint8Array,
  allowed: readonly ImportFormat[],
): Prepared {
  // Hashed once: base64 XLSX text by its decoded bytes below, anything else here.
  const base64Xlsx = typeof content === 'string' && resolveFormat(rb, format) === 'xlsx';
  if (!base64Xlsx)
    rb.contentHash = typeof content === 'string' ? sha256HexOfText(content) : sha256Hex(content);
  const name = formatName(rb, format);
  const f = EXTENSIONS.get(name);
  if (!f || !allowed.includes(f)) {
    const hint =
      name === 'xls'
        ? 'legacy .xls: save it as .xlsx or .csv'
        : `expected one of ${allowed.join(', ')}`;
    rb.reject(
      0,
      null,
      'UNSUPPORTED_FORMAT',
      `format ${JSON.stringify(name || '(none)')} is not supported here (${hint})`,
    );
    return { ok: false };
  }
  rb.format = f;
  if (f === 'xlsx') {
    if (typeof content !== 'string') return { ok: true, format: f, bytes: content };
    const bytes = decodeBase64(content);
    if (bytes === null) {
      rb.contentHash = sha256HexOfText(content);
      rb.reject(0, null, 'UNSUPPORTED_FORMAT', 'XLSX content must be base64 text');
      return { ok: false };
    }
    rb.contentHash = sha256Hex(bytes);
    return { ok: true, format: f, bytes };
  }
  if (typeof content === 'string') return { ok: true, format: f, text: content };
  const decoded = decodeText(content);
  if (decoded.encoding === 'windows-1252')
    rb.warn('ENCODING_ASSUMED', 'the bytes are not valid UTF-8; read as Windows-1252');
  else if (decoded.encoding !== 'utf-8')
    rb.warn('ENCODING_DETECTED', `read as ${decoded.encoding} (byte-order mark)`);
  return { ok: true, format: f, text: decoded.text };
}

/** The safety net's message prefix: seeing it means a reader bug, never expected content. */
export const INTERNAL_PREFIX = 'internal error while reading the file';
