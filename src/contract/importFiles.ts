/**
 * Which files the importer takes, once: the extensions of each format, the formats of each kind
 * of import and the size limit. The Import page (its file input and the drop check), the desktop
 * shell's File ▸ Import dialogs and the import operations' schemas all read this table, so a file
 * one of them offers is a file the others accept.
 */

export type ImportFileFormat = 'csv' | 'xlsx' | 'json';
export type ImportKind = 'portfolio' | 'prices';

/** File extensions (lower case, no dot) read as each format; TSV and TXT go through the CSV reader. */
export const IMPORT_EXTENSIONS: Readonly<Record<ImportFileFormat, readonly string[]>> = {
  csv: ['csv', 'txt', 'tsv'],
  xlsx: ['xlsx', 'xlsm'],
  json: ['json'],
};

/** The formats each import takes: price files are tables only. */
export const IMPORT_FORMATS: Readonly<Record<ImportKind, readonly ImportFileFormat[]>> = {
  portfolio: ['csv', 'xlsx', 'json'],
  prices: ['csv', 'xlsx'],
};

/**
 * The longest `content` an import operation accepts, in characters. XLSX travels as base64, 4/3
 * of the file: 48 MiB of text is a 36 MiB workbook.
 */
export const MAX_IMPORT_CONTENT = 48 * 1024 * 1024;

/**
 * The largest file of a format that fits in MAX_IMPORT_CONTENT: a workbook's base64 is 4 chars
 * per 3 bytes; CSV and JSON text has at most one character per byte of UTF-8.
 */
export function maxImportFileBytes(format: ImportFileFormat): number {
  return format === 'xlsx' ? Math.floor(MAX_IMPORT_CONTENT / 4) * 3 : MAX_IMPORT_CONTENT;
}

/** Import format from a file name: "Book1.XLSX" → "xlsx"; null when the extension is not listed. */
export function importFormatOf(filename: string): ImportFileFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  if (!ext) return null;
  for (const f of ['csv', 'xlsx', 'json'] as const) {
    if (IMPORT_EXTENSIONS[f].includes(ext)) return f;
  }
  return null;
}

/** Every extension an import of `kind` takes, e.g. for a file dialog's filter. */
export function importExtensions(kind: ImportKind): string[] {
  return IMPORT_FORMATS[kind].flatMap((f) => IMPORT_EXTENSIONS[f]);
}
