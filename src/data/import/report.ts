/**
 * What every import shares: option validation, format resolution, content decoding, the content
 * hash, and the report builder that enforces all-or-nothing.
 */
import type { z } from 'zod';
import { EngineError, zodDetails } from '../../contract/common';
import type { Warning } from '../../contract/common';
import { decodeBase64, decodeText, sha256Hex, utf8 } from './bytes';
import { MAX_LISTED_REJECTIONS } from './types';
import type { ImportFormat, ImportReport, ImportResult, ReasonCode, Rejection } from './types';

/** Collects rejections (listing the first MAX_LISTED_REJECTIONS) and warnings. */
export class ReportBuilder {
  readonly rejected: Rejection[] = [];
  rejectedCount = 0;
  readonly warnings: Warning[] = [];
  rowsRead = 0;
  detectedMapping: Record<string, string> = {};
  layout: 'long' | 'wide' | undefined;

  constructor(
    readonly kind: 'portfolio' | 'prices',
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
    this.warnings.push(path === undefined ? { code, message } : { code, message, path });
  }

  get failed(): boolean {
    return this.rejectedCount > 0;
  }

  report(ok: boolean): ImportReport {
    if (this.rejectedCount > this.rejected.length)
      this.warn(
        'REJECTIONS_TRUNCATED',
        `${this.rejectedCount} rejections; the first ${this.rejected.length} are listed`,
      );
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

const EXTENSIONS: Record<string, ImportFormat> = {
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  xlsx: 'xlsx',
  xlsm: 'xlsx',
  json: 'json',
};

/** The decoded content ready for a reader, or the file-level rejection that stops the import. */
export type Prepared =
  | { ok: true; format: 'csv' | 'json'; text: string }
  | { ok: true; format: 'xlsx'; bytes: Uint8Array }
  | { ok: false };

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
  const raw = typeof content === 'string' ? utf8(content) : content;
  rb.contentHash = sha256Hex(raw);
  const ext = /\.([A-Za-z0-9]+)$/.exec(rb.filename)?.[1]?.toLowerCase();
  const name = (format ?? ext ?? '').toLowerCase();
  const f = EXTENSIONS[name];
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
