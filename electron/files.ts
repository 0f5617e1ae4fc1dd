/**
 * Native file dialogs for File ▸ Import and the exports, with every effect injected (dialogs,
 * the file system, the shell) so the logic runs in a plain-Node unit test.
 *
 * - Import: an open dialog filtered to what the importer takes; a file of another kind or over
 *   the importer's size limit is refused with a dialog saying why, before it is read.
 * - Save: the page sends a suggested name and the content; the user picks the place. The page
 *   never names a folder or a path.
 * - Show in folder: only for a path this object itself wrote in this session. The page cannot
 *   make the shell reveal (or probe) any other path.
 */
import { basename, dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { zodDetails, type Result } from '../src/contract/common';
import {
  SaveRequest,
  ShowInFolderRequest,
  type MenuCommand,
  type SaveOutcome,
} from '../src/contract/desktop';
import {
  importExtensions,
  importFormatOf,
  IMPORT_FORMATS,
  maxImportFileBytes,
  type ImportKind,
} from '../src/contract/importFiles';

export interface FileDeps {
  showOpenDialog(opts: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(opts: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
  fileSize(path: string): Promise<number>;
  readFile(path: string): Promise<Uint8Array<ArrayBuffer>>;
  writeFile(path: string, content: string): Promise<void>;
  showItemInFolder(path: string): void;
  /** A modal message saying why nothing happened (refused file, failed read). */
  showError(message: string, detail: string): void;
  /** Where the first dialog of a session opens (the user's documents folder). */
  defaultDir(): string;
}

export type ImportCommand = Extract<MenuCommand, { type: 'import' }>;

const KIND_LABEL: Record<ImportKind, string> = {
  portfolio: 'Portfolio files (CSV, XLSX, JSON)',
  prices: 'Price files (CSV, XLSX)',
};

const SAVE_FILTERS = {
  csv: { name: 'CSV (comma-separated values)', extensions: ['csv'] },
  json: { name: 'JSON', extensions: ['json'] },
};

/** 50,331,648 → "48.0 MB" (binary megabytes, as file managers mostly show them). */
export function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function badRequest(message: string, error: z.ZodError): Result<never> {
  return { ok: false, error: { code: 'BAD_REQUEST', message, details: zodDetails(error) } };
}

export class DesktopFiles {
  /** Every path written by save() in this session, resolved. */
  private readonly saved = new Set<string>();
  private lastSaveDir: string | null = null;
  private lastOpenDir: string | null = null;

  constructor(private readonly deps: FileDeps) {}

  /**
   * File ▸ Import Portfolio… / Import Prices…: the chosen file's bytes for the page, or null when
   * the dialog was cancelled or the file refused (the user has been told why).
   */
  async openForImport(kind: ImportKind): Promise<ImportCommand | null> {
    const r = await this.deps.showOpenDialog({
      title: kind === 'portfolio' ? 'Import portfolio' : 'Import prices',
      defaultPath: this.lastOpenDir ?? this.deps.defaultDir(),
      properties: ['openFile'],
      filters: [{ name: KIND_LABEL[kind], extensions: importExtensions(kind) }],
    });
    const path = r.filePaths[0];
    if (r.canceled || !path) return null;
    this.lastOpenDir = dirname(path);
    const name = basename(path);
    const format = importFormatOf(name);
    if (!format || !IMPORT_FORMATS[kind].includes(format)) {
      this.deps.showError(
        `${name} cannot be imported as ${kind === 'portfolio' ? 'a portfolio' : 'prices'}`,
        `${KIND_LABEL[kind]} only: ${importExtensions(kind)
          .map((e) => `.${e}`)
          .join(', ')}.`,
      );
      return null;
    }
    const limit = maxImportFileBytes(format);
    try {
      const size = await this.deps.fileSize(path);
      if (size > limit) {
        this.deps.showError(`${name} is too large to import`, tooLarge(size, limit, format));
        return null;
      }
      const bytes = await this.deps.readFile(path);
      // The file may have grown between the size check and the read.
      if (bytes.byteLength > limit) {
        this.deps.showError(
          `${name} is too large to import`,
          tooLarge(bytes.byteLength, limit, format),
        );
        return null;
      }
      return { type: 'import', kind, name, bytes };
    } catch (e) {
      this.deps.showError(`${name} could not be read`, e instanceof Error ? e.message : String(e));
      return null;
    }
  }

  /** file:save — validates, asks where, writes. Cancelled is a success with `saved: false`. */
  async save(payload: unknown): Promise<Result<SaveOutcome>> {
    const parsed = SaveRequest.safeParse(payload);
    if (!parsed.success) return badRequest('not a valid save request', parsed.error);
    const { name, content } = parsed.data;
    const ext = name.toLowerCase().endsWith('.csv') ? 'csv' : 'json';
    const r = await this.deps.showSaveDialog({
      title: ext === 'csv' ? 'Export orders' : 'Export run',
      defaultPath: join(this.lastSaveDir ?? this.deps.defaultDir(), name),
      filters: [SAVE_FILTERS[ext]],
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    });
    if (r.canceled || !r.filePath) return { ok: true, value: { saved: false } };
    const path = resolve(r.filePath);
    try {
      await this.deps.writeFile(path, content);
    } catch (e) {
      return {
        ok: false,
        error: {
          code: 'INTERNAL',
          message: `${path} could not be written: ${e instanceof Error ? e.message : String(e)}`,
        },
      };
    }
    this.saved.add(path);
    this.lastSaveDir = dirname(path);
    return { ok: true, value: { saved: true, path, name: basename(path) } };
  }

  /** file:show-in-folder — only a path save() wrote in this session. */
  showInFolder(payload: unknown): Result<{ shown: true }> {
    const parsed = ShowInFolderRequest.safeParse(payload);
    if (!parsed.success) return badRequest('not a valid show-in-folder request', parsed.error);
    const path = resolve(parsed.data.path);
    if (!this.saved.has(path)) {
      return {
        ok: false,
        error: {
          code: 'FORBIDDEN',
          message: 'only a file exported from this window in this session can be shown',
          details: [{ path: 'path', message: 'not a file this session saved' }],
        },
      };
    }
    this.deps.showItemInFolder(path);
    return { ok: true, value: { shown: true } };
  }
}

function tooLarge(size: number, limit: number, format: 'csv' | 'xlsx' | 'json'): string {
  const what = format === 'xlsx' ? 'an XLSX workbook' : `a ${format.toUpperCase()} file`;
  return `It is ${megabytes(size)}; the importer takes ${what} of at most ${megabytes(limit)}. Split it into smaller files (fewer rows or series) and import them one by one.`;
}
