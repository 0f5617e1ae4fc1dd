/**
 * Exports of a saved run, the same from the Runs view's buttons and from File ▸ Export in the
 * desktop app: the run as the API returns it (`getRun`, pretty JSON) and its order file (the
 * engine's `runTradesCsv`: one line per security, text a spreadsheet would run as a formula
 * neutralized, and refused for a run the policy or a person rejected or that awaits approval).
 * The desktop app saves through the shell's save dialog; browser mode downloads.
 */
import type { RpcError } from '../../src/contract/common';
import { MAX_SAVE_CHARS, SaveOutcome } from '../../src/contract/desktop';
import { call } from './api';
import { desktopFiles } from './desktop';
import { download } from './files';
import { prettyJson } from './json';

export type ExportWhat = 'run' | 'orders';

export type ExportResult =
  | { state: 'saved'; name: string; path: string }
  | { state: 'downloaded'; name: string }
  | { state: 'cancelled' }
  | { state: 'error'; error: RpcError };

const TYPE: Record<ExportWhat, string> = { run: 'application/json', orders: 'text/csv' };

/**
 * The suggested file name: `run-<id>.json`, `orders-<id>.csv`. Anything but letters, digits, `_`
 * and `-` in the id becomes `_` (ids are ULIDs; this keeps a name the shell accepts regardless).
 */
export function exportFileName(what: ExportWhat, runId: string): string {
  const id = runId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'run';
  return what === 'run' ? `run-${id}.json` : `orders-${id}.csv`;
}

/** Saves text as a file: the desktop save dialog, or a browser download. */
export async function saveText(name: string, content: string, type: string): Promise<ExportResult> {
  const files = desktopFiles();
  if (!files) {
    download(name, content, type);
    return { state: 'downloaded', name };
  }
  // The shell refuses more (electron/files.ts); saying so here avoids sending it over IPC.
  if (content.length > MAX_SAVE_CHARS) {
    return {
      state: 'error',
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: `${name} would be ${content.length} characters; the desktop app saves at most ${MAX_SAVE_CHARS}`,
      },
    };
  }
  let r;
  try {
    r = await files.saveFile(name, content);
  } catch (e) {
    return {
      state: 'error',
      error: { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) },
    };
  }
  if (!r.ok) return { state: 'error', error: r.error };
  const out = SaveOutcome.safeParse(r.value);
  if (!out.success) {
    return {
      state: 'error',
      error: { code: 'INTERNAL', message: 'unexpected answer from the shell' },
    };
  }
  return out.data.saved
    ? { state: 'saved', name: out.data.name, path: out.data.path }
    : { state: 'cancelled' };
}

/** Fetches the run (or its order file) from the engine and saves it. */
export async function exportRun(what: ExportWhat, runId: string): Promise<ExportResult> {
  const name = exportFileName(what, runId);
  if (what === 'run') {
    const r = await call('getRun', { run_id: runId });
    return r.ok
      ? saveText(name, prettyJson(r.value), TYPE.run)
      : { state: 'error', error: r.error };
  }
  const r = await call('runTradesCsv', { run_id: runId });
  return r.ok ? saveText(name, r.value, TYPE.orders) : { state: 'error', error: r.error };
}
