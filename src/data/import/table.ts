/**
 * Files → a table of string cells with the file line of every row. CSV goes through papaparse,
 * XLSX through exceljs (loaded lazily: CSV imports never pay for it). Both produce the same
 * `Table`, so the portfolio and price readers do not care where the cells came from.
 */
import Papa from 'papaparse';
import type * as ExcelNs from 'exceljs';
import type { CellValue } from 'exceljs';
import { MAX_XLSX_EXPANDED } from './types';
import type { Rejection } from './types';
import { expandedSize } from './zip';

export interface Table {
  /** Header cells, trimmed. */
  header: string[];
  /** Line of the header (1 unless blank lines precede it). */
  headerLine: number;
  /** Non-blank data rows, cells as written (untrimmed strings). */
  rows: string[][];
  /** File line (CSV) or sheet row (XLSX) of each data row, 1-based. */
  lines: number[];
}

export type TableRead =
  { ok: true; table: Table; notes: string[] } | { ok: false; rejections: Rejection[] };

const unsupported = (line: number, message: string): Rejection => ({
  line,
  column: null,
  reason_code: 'UNSUPPORTED_FORMAT',
  message,
});

const empty = (message: string): TableRead => ({
  ok: false,
  rejections: [{ line: 0, column: null, reason_code: 'EMPTY_FILE', message }],
});

function isBlankRow(row: readonly string[]): boolean {
  for (let i = 0; i < row.length; i++) if ((row[i] as string).trim() !== '') return false;
  return true;
}

/** Counts '\n' in the cells of a row (a quoted cell may span several file lines). */
function newlinesIn(row: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < row.length; i++) {
    const c = row[i] as string;
    for (let p = c.indexOf('\n'); p >= 0; p = c.indexOf('\n', p + 1)) n++;
  }
  return n;
}

/**
 * Splits rows into header + data, dropping blank rows (all cells empty) but keeping line numbers.
 */
function toTable(rows: string[][], lineOf: (i: number) => number): TableRead {
  let h = 0;
  while (h < rows.length && isBlankRow(rows[h] as string[])) h++;
  if (h >= rows.length) return empty('the file has no content');
  const header = (rows[h] as string[]).map((c) => c.trim());
  const data: string[][] = [];
  const lines: number[] = [];
  for (let i = h + 1; i < rows.length; i++) {
    const r = rows[i] as string[];
    if (isBlankRow(r)) continue;
    data.push(r);
    lines.push(lineOf(i));
  }
  if (data.length === 0) return empty('the file has a header but no data rows');
  return { ok: true, table: { header, headerLine: lineOf(h), rows: data, lines }, notes: [] };
}

/**
 * Parses CSV text (delimiter detected among `,` `;` tab `|`; CRLF, LF and CR line endings).
 * Line numbers count physical lines, so a quoted cell spanning two lines advances them by two.
 */
export function readCsv(input: string): TableRead {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.trim().length === 0) return empty('the file is empty');
  if (text.startsWith('PK\u0003\u0004'))
    return {
      ok: false,
      rejections: [unsupported(0, 'this is a ZIP/XLSX file, not CSV text; import it as xlsx')],
    };
  if (text.includes('\u0000'))
    return { ok: false, rejections: [unsupported(0, 'binary content (NUL bytes), not CSV text')] };
  const normalized = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  const parsed = Papa.parse<string[]>(normalized, {
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
    newline: '\n',
    delimitersToGuess: [',', ';', '\t', '|'],
  });
  const rows = parsed.data;
  // Physical line of each parsed row: rows advance one line plus any newlines inside quoted cells.
  const lines = new Int32Array(rows.length + 1);
  const quoted = normalized.includes('"');
  let line = 1;
  for (let i = 0; i < rows.length; i++) {
    lines[i] = line;
    line += 1 + (quoted ? newlinesIn(rows[i] as string[]) : 0);
  }
  const quoteErrors: Rejection[] = [];
  for (const e of parsed.errors) {
    if (e.type !== 'Quotes') continue;
    const row = typeof e.row === 'number' && e.row >= 0 ? e.row : -1;
    quoteErrors.push(
      unsupported(row >= 0 && row < rows.length ? (lines[row] as number) : 0, `CSV: ${e.message}`),
    );
  }
  if (quoteErrors.length > 0) return { ok: false, rejections: quoteErrors };
  const read = toTable(rows, (i) => lines[i] as number);
  if (read.ok && parsed.meta.delimiter !== ',')
    read.notes.push(`delimiter ${JSON.stringify(parsed.meta.delimiter)}`);
  return read;
}

type ExcelModule = typeof ExcelNs;

/** Resolves exceljs whether the runtime exposes CommonJS exports as named or as `default`. */
async function loadExcel(): Promise<ExcelModule> {
  const ns = (await import('exceljs')) as ExcelModule & { default?: ExcelModule };
  return typeof ns.Workbook === 'function' ? ns : (ns.default as ExcelModule);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** One XLSX cell → the text a CSV export would hold (dates as ISO, formulas by their result). */
function cellText(v: CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    const t = v.getTime();
    if (!Number.isFinite(t)) return '';
    const day = `${v.getUTCFullYear()}-${pad2(v.getUTCMonth() + 1)}-${pad2(v.getUTCDate())}`;
    // Excel date cells are midnight UTC; any other time is kept so that it is rejected as intraday.
    return t % 86_400_000 === 0 ? day : v.toISOString();
  }
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('error' in v) return String(v.error);
    if ('result' in v) return cellText(v.result as CellValue);
    if ('formula' in v || 'sharedFormula' in v) return '';
    if ('text' in v) return String(v.text);
  }
  return '';
}

/**
 * Reads one worksheet of an XLSX workbook. `sheet` is a name or a 1-based index; by default the
 * first worksheet with any cell. Line numbers are the sheet's row numbers.
 */
export async function readXlsx(bytes: Uint8Array, sheet?: string | number): Promise<TableRead> {
  if (bytes.length === 0) return empty('the file is empty');
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0)
    return {
      ok: false,
      rejections: [unsupported(0, 'legacy .xls workbook: save it as .xlsx or .csv')],
    };
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04))
    return { ok: false, rejections: [unsupported(0, 'not an XLSX file (no ZIP signature)')] };
  const expansion = await expandedSize(bytes, MAX_XLSX_EXPANDED);
  if (!expansion.ok && expansion.over) {
    const mb = (n: number) => Math.round(n / (1024 * 1024));
    return {
      ok: false,
      rejections: [
        unsupported(
          0,
          `the workbook unzips to more than ${mb(MAX_XLSX_EXPANDED)} MB (${mb(expansion.bytes)} MB counted before stopping); save the sheet as CSV, which has no such limit`,
        ),
      ],
    };
  }
  const Excel = await loadExcel();
  const wb = new Excel.Workbook();
  try {
    // exceljs types its input as Buffer (declared there as an ArrayBuffer); JSZip reads both.
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    await wb.xlsx.load(ab as ArrayBuffer);
  } catch (e) {
    return {
      ok: false,
      rejections: [unsupported(0, `not a readable XLSX workbook (${errorText(e)})`)],
    };
  }
  const sheets = wb.worksheets;
  let ws = sheets.find((w) => w.actualRowCount > 0);
  if (sheet !== undefined) {
    ws = typeof sheet === 'number' ? sheets[sheet - 1] : sheets.find((w) => w.name === sheet);
    if (!ws)
      return {
        ok: false,
        rejections: [
          unsupported(
            0,
            `no worksheet ${JSON.stringify(sheet)} (sheets: ${sheets.map((w) => w.name).join(', ')})`,
          ),
        ],
      };
  }
  if (!ws) return empty('the workbook has no cells');
  const rows: string[][] = [];
  const rowNumbers: number[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as CellValue[];
    const cells: string[] = [];
    for (let c = 1; c < values.length; c++) cells.push(cellText(values[c]));
    rows.push(cells);
    rowNumbers.push(rowNumber);
  });
  const read = toTable(rows, (i) => rowNumbers[i] as number);
  if (read.ok) read.notes.push(`worksheet "${ws.name}"`);
  return read;
}

export function errorText(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 120 ? `${m.slice(0, 117)}...` : m;
}
