/**
 * Imports into the book: an accounts file (one row per account × position, CSV, XLSX or JSON)
 * or price series into the shared price library (the price import's CSV/XLSX layouts). The file
 * is chosen or dropped here and read in the page; the engine checks every row and imports all or
 * nothing, and its report is shown under the form.
 */
import { useState } from 'react';
import type { RpcError } from '../../src/contract/common';
import { importExtensions } from '../../src/contract/importFiles';
import type { OpOutput } from '../../src/contract/operations';
import { call } from '../shared/api';
import { ErrorBox } from '../shared/ErrorBox';
import { FileDrop } from '../shared/FileDrop';
import { formatOf, readForImport } from '../shared/files';
import { ImportOutcome } from './ImportOutcome';
import { DecimalField } from '../shared/DecimalField';
import { Segmented } from '../shared/Segmented';

export type BookKind = 'accounts' | 'library';
type ModelRow = OpOutput<'listModels'>['models'][number];

export type BookOutcome =
  | { kind: 'accounts'; value: OpOutput<'importAccounts'> }
  | { kind: 'library'; value: OpOutput<'importPriceLibrary'> }
  | { kind: 'error'; error: RpcError };

const ACCEPT: Record<BookKind, readonly string[]> = {
  accounts: importExtensions('portfolio'),
  library: importExtensions('prices'),
};

export function BookImport({
  models,
  onImported,
}: {
  models: ModelRow[];
  /** Something was saved: the lists it changes are loaded again. */
  onImported: (kind: BookKind) => void;
}) {
  const [kind, setKind] = useState<BookKind>('accounts');
  const [file, setFile] = useState<File | null>(null);
  const [model, setModel] = useState('');
  const [decimal, setDecimal] = useState<'.' | ','>('.');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<BookOutcome | null>(null);
  const [seq, setSeq] = useState(0);
  const [formError, setFormError] = useState<string | null>(null);

  const run = async () => {
    if (!file) return;
    const format = formatOf(file.name);
    if (format === null || (kind === 'library' && format === 'json')) {
      setFormError(`${file.name}: not a ${ACCEPT[kind].join(', ')} file`);
      return;
    }
    setFormError(null);
    setBusy(true);
    let content: string;
    try {
      content = await readForImport(file, format);
    } catch (e) {
      setBusy(false);
      setFormError(`Could not read “${file.name}”: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const common = { filename: file.name, content, decimal_separator: decimal };
    let out: BookOutcome;
    if (kind === 'accounts') {
      const r = await call('importAccounts', {
        ...common,
        format,
        ...(model ? { model_id: model } : {}),
      });
      out = r.ok ? { kind, value: r.value } : { kind: 'error', error: r.error };
    } else {
      const r = await call('importPriceLibrary', {
        ...common,
        format: format === 'xlsx' ? 'xlsx' : 'csv',
      });
      out = r.ok ? { kind, value: r.value } : { kind: 'error', error: r.error };
    }
    setBusy(false);
    setOutcome(out);
    setSeq((n) => n + 1);
    if (out.kind !== 'error' && out.value.ok) onImported(out.kind);
  };

  const state = busy
    ? 'running'
    : !outcome
      ? 'idle'
      : outcome.kind === 'error'
        ? 'error'
        : outcome.value.ok
          ? 'ok'
          : 'rejected';

  return (
    <section
      className="form-panel book-import"
      aria-labelledby="book-import-title"
      data-testid="book-import"
      data-state={state}
      data-seq={seq}
    >
      <div className="block-head">
        <h3 className="sub-title" id="book-import-title">
          Import
        </h3>
        <Segmented
          label="What the file holds"
          options={[
            ['accounts', 'Accounts file'],
            ['library', 'Price library file'],
          ]}
          value={kind}
          testId={(k) => `book-kind-${k}`}
          onChange={(k) => {
            setKind(k);
            setFile(null);
            setFormError(null);
          }}
        />
      </div>
      <form
        className="book-import-row"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <FileDrop
          key={kind}
          label={kind === 'accounts' ? 'Accounts file' : 'Price file'}
          accept={ACCEPT[kind]}
          file={file}
          onFile={setFile}
          hint={
            kind === 'accounts'
              ? 'One row per account × position: account_id, asset, quantity, cash, model_id …'
              : 'Long (date, symbol, price) or wide (date, one column per symbol).'
          }
          testId="book-file"
        />
        {kind === 'accounts' ? (
          <label className="field">
            <span>Model for rows naming none</span>
            <select
              data-testid="book-model"
              value={model}
              onChange={(e) => setModel(e.target.value)}
            >
              <option value="">— none —</option>
              {models.map((m) => (
                <option key={m.model_id} value={m.model_id}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <DecimalField value={decimal} onChange={setDecimal} testId="book-decimal" />
        <div className="book-import-go">
          <button
            type="submit"
            className="btn primary"
            data-testid="book-import-button"
            disabled={busy || !file}
          >
            {busy ? 'Importing…' : kind === 'accounts' ? 'Import accounts' : 'Import prices'}
          </button>
          {formError ? (
            <span className="form-error" role="alert" data-testid="book-form-error">
              {formError}
            </span>
          ) : null}
        </div>
      </form>
      {outcome?.kind === 'error' ? (
        <ErrorBox
          error={outcome.error}
          title="The file was not imported"
          testId="book-import-error"
        />
      ) : null}
      {outcome && outcome.kind !== 'error' ? <ImportOutcome outcome={outcome} /> : null}
    </section>
  );
}
