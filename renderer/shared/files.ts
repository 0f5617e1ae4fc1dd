/**
 * Files in and out of the page, without any network: a picked file is read in the browser
 * (text, or base64 for XLSX as the import operations expect) and an export is handed to the
 * browser as a download of an in-memory Blob (`<a download href="blob:…">`).
 */
import { importFormatOf } from '../../src/contract/importFiles';

/** Import format from a file name: "Book1.XLSX" → "xlsx"; null when not csv, xlsx or json. */
export const formatOf = importFormatOf;

/**
 * Standard base64 (RFC 4648, with padding) of bytes: [77, 97, 110] → "TWFu". Built in chunks so
 * a large workbook does not overflow the argument list of String.fromCharCode.
 */
export function base64(bytes: Uint8Array): string {
  let bin = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(bin);
}

/** The content an import operation takes: text for CSV/JSON, base64 of the bytes for XLSX. */
export async function readForImport(file: File, format: 'csv' | 'xlsx' | 'json'): Promise<string> {
  if (format === 'xlsx') return base64(new Uint8Array(await file.arrayBuffer()));
  return file.text();
}

/**
 * Offers `content` as a file download. The object URL lives only until the click has been
 * handled; nothing leaves the machine.
 */
export function download(filename: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
