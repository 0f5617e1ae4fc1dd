/**
 * CSV out (RFC 4180) for files a person opens in a spreadsheet: the order file of a run.
 *
 * Text that starts with = + - @ (or a tab or carriage return) would be read by Excel, LibreOffice
 * and Google Sheets as a formula — an asset or holding named `=HYPERLINK(…)` in an imported
 * portfolio would run in the reader's spreadsheet (CSV injection, OWASP). Such text is written
 * with a leading apostrophe, which spreadsheets show as text. Numbers are written as they are:
 * −1250.5 is a number, not a formula, and must stay one.
 */

/** First characters that make a spreadsheet read a cell as a formula (OWASP's list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: empty for null/undefined, numbers as JavaScript prints them, text neutralized and quoted when needed. */
export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = String(v);
  if (typeof v === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A header line and one line per row, CRLF line ends (RFC 4180), a final CRLF. */
export function toCsv<C extends string>(
  columns: readonly C[],
  rows: readonly Partial<Record<C, string | number | boolean | null | undefined>>[],
): string {
  const lines = [columns.map((c) => csvCell(c)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
