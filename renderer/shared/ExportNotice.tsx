/**
 * What became of an export: saved (desktop: where, and Show in folder), downloaded (browser
 * mode), refused by the engine, or not possible because no run is open. Shown under the run's
 * buttons in Runs, or floating at the window's corner when the File menu exported from elsewhere.
 */
import { useState } from 'react';
import { ErrorBox } from './ErrorBox';
import { desktopFiles } from './desktop';
import type { ExportResult, ExportWhat } from './exports';

export interface ExportNote {
  /** One per export started: a late answer of an earlier export is dropped. */
  seq: number;
  runId: string | null;
  what: ExportWhat;
  outcome:
    | ExportResult
    | { state: 'working' }
    /** File ▸ Export while no run is shown, or Export Orders for a run without orders. */
    | { state: 'no-run' }
    | { state: 'no-orders' };
}

const WHAT: Record<ExportWhat, string> = { run: 'run', orders: 'order file' };

export function ExportNotice({
  note,
  onDismiss,
  floating = false,
}: {
  note: ExportNote;
  onDismiss: () => void;
  floating?: boolean;
}) {
  const [folderError, setFolderError] = useState<string | null>(null);
  const o = note.outcome;
  if (o.state === 'cancelled') return null;
  const files = desktopFiles();
  const dismiss = (
    <button type="button" className="btn" data-testid="export-dismiss" onClick={onDismiss}>
      Dismiss
    </button>
  );
  const common = {
    'data-testid': 'export-notice',
    'data-state': o.state,
    'data-what': note.what,
    'data-seq': note.seq,
  };
  const wrap = floating ? 'export-notice floating' : 'export-notice';
  if (o.state === 'error') {
    return (
      <div className={wrap} {...common}>
        <ErrorBox error={o.error} title={`The ${WHAT[note.what]} was not exported`}>
          <div className="export-actions">{dismiss}</div>
        </ErrorBox>
      </div>
    );
  }
  return (
    <div
      className={`${wrap} ${o.state === 'no-run' || o.state === 'no-orders' ? 'note-warn' : 'note-ok'}`}
      role="status"
      {...common}
    >
      <span className="export-text" data-testid="export-text">
        {o.state === 'working' ? `Exporting the ${WHAT[note.what]}…` : null}
        {o.state === 'saved' ? (
          <>
            Saved <strong>{o.name}</strong> to <code data-testid="export-path">{o.path}</code>
          </>
        ) : null}
        {o.state === 'downloaded' ? (
          <>
            Downloaded <strong>{o.name}</strong> (your browser’s downloads folder)
          </>
        ) : null}
        {o.state === 'no-run'
          ? 'No run is shown to export: open one in Runs (or show the workstation’s saved result), then export again.'
          : null}
        {o.state === 'no-orders'
          ? 'This run has no orders to export (only a succeeded rebalance has an order file).'
          : null}
      </span>
      <span className="export-actions">
        {o.state === 'saved' && files ? (
          <button
            type="button"
            className="btn"
            data-testid="export-show-in-folder"
            onClick={() => {
              setFolderError(null);
              void files.showInFolder(o.path).then(
                (r) => {
                  if (!r.ok) setFolderError(r.error.message);
                },
                (e: unknown) => setFolderError(e instanceof Error ? e.message : String(e)),
              );
            }}
          >
            Show in folder
          </button>
        ) : null}
        {o.state !== 'working' ? dismiss : null}
      </span>
      {folderError ? (
        <span className="form-error small" role="alert" data-testid="export-folder-error">
          {folderError}
        </span>
      ) : null}
    </div>
  );
}
