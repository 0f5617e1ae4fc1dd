/**
 * The chain's head kept elsewhere: "Export head" downloads the last event (seq, hash, MAC) as a
 * small JSON file; "Check against an exported head" reads such a file back (loaded or pasted)
 * and verifies that the chain still holds that exact event (a rollback or a truncation fails).
 */
import { useState, type ChangeEvent } from 'react';
import type { RpcError } from '../../src/contract/common';
import { call } from '../shared/api';
import { ErrorBox } from '../shared/ErrorBox';
import { download } from '../shared/files';
import { prettyJson } from '../shared/json';
import { headFileName, parseExportedHead, type KnownHead } from './verifyText';

type Export =
  | { state: 'idle' }
  | { state: 'running' }
  | { state: 'done'; file: string; seq: number }
  | { state: 'error'; error: RpcError };

export function HeadTools({
  busy,
  onCheck,
}: {
  /** A verification is running: the check waits for it. */
  busy: boolean;
  /** Verifies the chain against this exported head. */
  onCheck: (head: KnownHead) => void;
}) {
  const [exp, setExp] = useState<Export>({ state: 'idle' });
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [parseError, setParseError] = useState<RpcError | null>(null);

  const doExport = async () => {
    setExp({ state: 'running' });
    const r = await call('exportAuditHead', {});
    if (!r.ok) {
      setExp({ state: 'error', error: r.error });
      return;
    }
    const file = headFileName(r.value);
    download(file, prettyJson(r.value), 'application/json');
    setExp({ state: 'done', file, seq: r.value.seq });
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (!f) return;
    setFileName(f.name);
    setParseError(null);
    setText(await f.text());
  };

  const check = () => {
    const p = parseExportedHead(text);
    if (!p.ok) {
      setParseError(p.error);
      return;
    }
    setParseError(null);
    onCheck(p.head);
  };

  return (
    <div className="audit-tools">
      <section
        className="audit-tool"
        data-testid="audit-export"
        aria-labelledby="audit-export-title"
      >
        <h3 className="sub-title" id="audit-export-title">
          Keep the head elsewhere
        </h3>
        <p className="small muted audit-tool-help">
          Save the chain&apos;s last event outside this computer&apos;s data folder (another drive,
          an e-mail to yourself); later load it below to check the chain still holds it.
        </p>
        <div className="audit-tool-row">
          <button
            type="button"
            className="btn"
            data-testid="audit-export-head"
            disabled={exp.state === 'running'}
            onClick={() => void doExport()}
          >
            {exp.state === 'running' ? 'Exporting…' : 'Export head'}
          </button>
          {exp.state === 'done' ? (
            <span
              className="small muted audit-tool-note"
              data-testid="audit-export-result"
              data-seq={exp.seq}
            >
              Saved <code>{exp.file}</code> (head at event #{exp.seq})
            </span>
          ) : null}
        </div>
        {exp.state === 'error' ? (
          <ErrorBox
            error={exp.error}
            title="The head could not be exported"
            testId="audit-export-error"
          />
        ) : null}
      </section>

      <section className="audit-tool" data-testid="audit-known" aria-labelledby="audit-known-title">
        <h3 className="sub-title" id="audit-known-title">
          Check against an exported head
        </h3>
        <div className="audit-tool-row">
          <label className="btn audit-file">
            Load file…
            <input
              type="file"
              accept=".json,application/json"
              data-testid="audit-head-file"
              className="sr-only"
              onChange={(e) => void onFile(e)}
            />
          </label>
          <span
            className="small muted audit-file-name"
            data-testid="audit-head-file-name"
            title={fileName ?? undefined}
          >
            {fileName ?? 'or paste its JSON'}
          </span>
          <button
            type="button"
            className="btn primary-outline"
            data-testid="audit-head-check"
            disabled={busy || text.trim() === ''}
            onClick={check}
          >
            Check
          </button>
        </div>
        <textarea
          className="audit-head-text"
          data-testid="audit-head-text"
          aria-label="Exported head JSON"
          rows={3}
          spellCheck={false}
          placeholder='{"format": "spr-audit-head-export/1", "seq": …, "hash": "…", "mac": "…"}'
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setFileName(null);
            setParseError(null);
          }}
        />
        {parseError ? (
          <ErrorBox
            error={parseError}
            title="This is not an exported audit head"
            testId="audit-head-error"
          />
        ) : null}
      </section>
    </div>
  );
}
