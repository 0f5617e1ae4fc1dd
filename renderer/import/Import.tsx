/**
 * File import: a portfolio (CSV, XLSX, JSON) or a price history (CSV, XLSX) is read in the page
 * and sent to the engine, which checks every row and imports all or nothing. The report lists
 * every rejected row with its line, column and reason; a file imported before (same SHA-256) is
 * said to be a duplicate and not saved twice unless asked.
 */
import { useEffect, useRef, useState } from 'react';
import type { RpcError } from '../../src/contract/common';
import type { OpInput } from '../../src/contract/operations';
import { ImportPricesRequest } from '../../src/contract/store';
import { call, isCancelled } from '../shared/api';
import { ErrorBox } from '../shared/ErrorBox';
import { importExtensions } from '../../src/contract/importFiles';
import { formatOf, readForImport } from '../shared/files';
import { dateTime, money, num, pct, shortHash } from '../shared/format';
import type { ImportReport, PortfolioImport, PortfolioSummary, PriceImport } from '../shared/types';
import { linkToPortfolio } from '../portfolios/Portfolios';
import {
  INITIAL_CHOOSER,
  PricesChooser,
  type ChooserState,
  type MergePrices,
} from './PricesChooser';
import './import.css';
import { DecimalField } from '../shared/DecimalField';
import { Segmented } from '../shared/Segmented';

type Kind = 'portfolio' | 'prices';

type DateFormat = NonNullable<OpInput<'importPrices'>['date_format']>;

/** The date formats the price import understands: the contract's own list, never a copy. */
const DATE_FORMATS: readonly DateFormat[] = ImportPricesRequest.shape.date_format.unwrap().options;

type Outcome =
  | { kind: 'portfolio'; value: PortfolioImport }
  | { kind: 'prices'; value: PriceImport }
  | { kind: 'error'; error: RpcError }
  /** The user cancelled after `ms` milliseconds. */
  | { kind: 'cancelled'; ms: number; filename: string };

/** A file for the Import view: dropped on the window, or chosen with File ▸ Import. */
export interface IncomingFile {
  file: File;
  /** One per file: the Import view takes each once. */
  seq: number;
  via: 'drop' | 'menu';
}

/** What the view keeps while another view is shown (held by App). */
export interface ImportUi {
  kind: Kind;
  outcome: Outcome | null;
  /** Incremented when an import answer arrives (either way): tests wait on it. */
  seq: number;
  /** The series chooser of the last price import. */
  prices: ChooserState;
}

export const INITIAL_IMPORT_UI: ImportUi = {
  kind: 'portfolio',
  outcome: null,
  seq: 0,
  prices: INITIAL_CHOOSER,
};

/** Seconds with one decimal, for the elapsed time of a running import: 3210 → "3.2 s". */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Milliseconds since `start` (performance.now()), ticking every 100 ms while start is set. */
function useElapsed(start: number | null): number {
  const [now, setNow] = useState(0);
  useEffect(() => {
    if (start === null) return;
    setNow(performance.now());
    const t = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(t);
  }, [start]);
  return start === null ? 0 : Math.max(0, now - start);
}

/** What happened when an import was put into the editor; `warn` when it is incomplete. */
export interface Note {
  text: string;
  warn: boolean;
}

function UsedNote({ note }: { note: Note | null }) {
  if (!note) return null;
  return (
    <div
      className={`${note.warn ? 'note-warn' : 'note-ok'} small gap-below`}
      data-testid="import-used"
      data-warn={note.warn}
    >
      {note.text}
    </div>
  );
}

export function ImportView({
  ui,
  setUi,
  portfolios,
  onImported,
  onUsePortfolio,
  onMergePrices,
  dropped = null,
}: {
  ui: ImportUi;
  setUi: (f: (u: ImportUi) => ImportUi) => void;
  portfolios: PortfolioSummary[];
  /** Called after anything was saved (the portfolio list changes). */
  onImported: () => void;
  onUsePortfolio: (content: unknown, label: string) => void;
  /** Previews or merges chosen imported series into the editor's request (see mergeSeries). */
  onMergePrices: MergePrices;
  /** A file dropped on the window or chosen with File ▸ Import: the file to import. */
  dropped?: IncomingFile | null;
}) {
  const fileRef = useRef<HTMLInputElement | null>(null);
  const [file, setFile] = useState<File | null>(dropped?.file ?? null);
  const [droppedName, setDroppedName] = useState<string | null>(dropped?.file.name ?? null);
  const [droppedVia, setDroppedVia] = useState<IncomingFile['via']>(dropped?.via ?? 'drop');
  const dropSeq = dropped?.seq ?? 0;
  useEffect(() => {
    if (!dropped) return;
    setFile(dropped.file);
    setDroppedName(dropped.file.name);
    setDroppedVia(dropped.via);
    setFormError(null);
    if (fileRef.current) fileRef.current.value = '';
    // Runs once per drop (seq), not when the parent re-renders with the same drop.
  }, [dropSeq]);
  const [format, setFormat] = useState<'' | 'csv' | 'xlsx' | 'json'>('');
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [target, setTarget] = useState('');
  const [decimal, setDecimal] = useState<'.' | ','>('.');
  const [layout, setLayout] = useState<'' | 'long' | 'wide'>('');
  const [dateFormat, setDateFormat] = useState('');
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [used, setUsed] = useState<Note | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const running = startedAt !== null;
  const elapsed = useElapsed(startedAt);

  const kind = ui.kind;
  const detected = file ? formatOf(file.name) : null;
  const effective = format || detected;

  const run = async (allowDuplicate: boolean) => {
    setFormError(null);
    setUsed(null);
    if (!file) {
      setFormError('Choose a file first.');
      return;
    }
    if (!effective) {
      setFormError(
        `Cannot tell the format of “${file.name}” from its extension: choose CSV, XLSX or JSON.`,
      );
      return;
    }
    if (kind === 'prices' && effective === 'json') {
      setFormError('Price files are CSV or XLSX.');
      return;
    }
    const pv = value.trim() === '' ? undefined : Number(value.replace(/[, _]/g, ''));
    if (pv !== undefined && !(Number.isFinite(pv) && pv > 0)) {
      setFormError('Portfolio value must be a positive number (or left empty).');
      return;
    }
    // One import at a time: a new one (or Cancel) aborts the one before, whose answer is ignored.
    abortRef.current?.abort();
    const ctl = new AbortController();
    abortRef.current = ctl;
    const t0 = performance.now();
    setStartedAt(t0);
    const finish = (outcome: Outcome) => {
      // A newer import replaced this one: its answer (or its cancellation) is stale.
      if (abortRef.current !== ctl) return;
      abortRef.current = null;
      setStartedAt(null);
      setUi((u) => ({ ...u, outcome, seq: u.seq + 1, prices: INITIAL_CHOOSER }));
    };
    const cancelled = (): Outcome => ({
      kind: 'cancelled',
      ms: performance.now() - t0,
      filename: file.name,
    });
    let content: string;
    try {
      content = await readForImport(file, effective);
    } catch (e) {
      if (abortRef.current === ctl) {
        abortRef.current = null;
        setStartedAt(null);
      }
      setFormError(`Could not read “${file.name}”: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (ctl.signal.aborted) {
      finish(cancelled());
      return;
    }
    const common = {
      filename: file.name,
      content,
      decimal_separator: decimal,
      allow_duplicate: allowDuplicate,
      ...(target ? { portfolio_id: target } : {}),
    };
    const signal = { signal: ctl.signal };
    let outcome: Outcome;
    if (kind === 'portfolio') {
      const r = await call(
        'importPortfolio',
        {
          ...common,
          format: effective,
          ...(name.trim() ? { name: name.trim() } : {}),
          ...(pv !== undefined ? { portfolio_value: pv } : {}),
        },
        signal,
      );
      outcome = r.ok
        ? { kind: 'portfolio', value: r.value }
        : isCancelled(r.error)
          ? cancelled()
          : { kind: 'error', error: r.error };
    } else {
      // Each series over its own range comes back too, so choosing series and the date policy
      // afterwards needs no second trip to the engine.
      const r = await call(
        'importPrices',
        {
          ...common,
          format: effective === 'xlsx' ? 'xlsx' : 'csv',
          date_policy: 'own_range',
          ...(layout ? { layout } : {}),
          ...(dateFormat ? { date_format: dateFormat as DateFormat } : {}),
        },
        signal,
      );
      outcome = r.ok
        ? { kind: 'prices', value: r.value }
        : isCancelled(r.error)
          ? cancelled()
          : { kind: 'error', error: r.error };
    }
    finish(outcome);
    if ((outcome.kind === 'portfolio' || outcome.kind === 'prices') && outcome.value.portfolio)
      onImported();
  };

  // Leaving the view does not stop an import: its answer still lands in App's ImportUi.

  const outcome = ui.outcome;
  const state = running
    ? 'running'
    : !outcome
      ? 'idle'
      : outcome.kind === 'error' || outcome.kind === 'cancelled'
        ? outcome.kind
        : outcome.value.ok
          ? 'ok'
          : 'rejected';

  return (
    <div className="page" data-testid="import-view" data-state={state} data-seq={ui.seq}>
      <div className="page-head">
        <h2 className="page-title">Import</h2>
        <span className="muted small">
          Files are read on this machine and checked row by row; an import is all or nothing.
        </span>
      </div>

      <form
        className="form-panel"
        data-testid="import-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(false);
        }}
      >
        <Segmented
          label="What the file holds"
          options={[
            ['portfolio', 'Portfolio file'],
            ['prices', 'Price file'],
          ]}
          value={kind}
          testId={(k) => `import-kind-${k}`}
          onChange={(k) => {
            setUi((u) => ({ ...u, kind: k }));
            setTarget('');
          }}
        />

        <div className="form-grid">
          <label className="field wide">
            <span>File</span>
            <input
              ref={fileRef}
              type="file"
              data-testid="import-file"
              accept={importExtensions(kind)
                .map((e) => `.${e}`)
                .join(',')}
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setDroppedName(null);
                setFormError(null);
              }}
            />
            {droppedName && file?.name === droppedName ? (
              <small data-testid="import-dropped" data-via={droppedVia}>
                {droppedVia === 'menu' ? 'Opened with File ▸ Import' : 'Dropped on the window'}:{' '}
                {droppedName}
              </small>
            ) : null}
            <small>
              {kind === 'portfolio'
                ? 'CSV, XLSX or JSON: one row per asset (or holding) with price, quantity or weight, target.'
                : 'CSV or XLSX, long (date, symbol, price) or wide (date, one column per symbol).'}
            </small>
          </label>
          <label className="field">
            <span>Format</span>
            <select
              data-testid="import-format"
              value={format}
              onChange={(e) => setFormat(e.target.value as typeof format)}
            >
              <option value="">from extension{detected ? ` (${detected})` : ''}</option>
              <option value="csv">CSV</option>
              <option value="xlsx">XLSX</option>
              {kind === 'portfolio' ? <option value="json">JSON</option> : null}
            </select>
          </label>
          <DecimalField value={decimal} onChange={setDecimal} testId="import-decimal" />
          {kind === 'portfolio' ? (
            <>
              <label className="field">
                <span>Portfolio name</span>
                <input
                  type="text"
                  data-testid="import-name"
                  placeholder={file ? file.name : 'the file name'}
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                />
              </label>
              <label className="field">
                <span>Portfolio value</span>
                <input
                  type="text"
                  inputMode="decimal"
                  data-testid="import-value"
                  placeholder="from quantities × prices"
                  value={value}
                  onChange={(e) => setValue(e.target.value)}
                />
                <small>Needed when the file has weights but no quantities.</small>
              </label>
            </>
          ) : (
            <>
              <label className="field">
                <span>Layout</span>
                <select
                  data-testid="import-layout"
                  value={layout}
                  onChange={(e) => setLayout(e.target.value as typeof layout)}
                >
                  <option value="">detect</option>
                  <option value="long">long (date, symbol, price)</option>
                  <option value="wide">wide (date, one column per symbol)</option>
                </select>
              </label>
              <label className="field">
                <span>Date format</span>
                <select
                  data-testid="import-date-format"
                  value={dateFormat}
                  onChange={(e) => setDateFormat(e.target.value)}
                >
                  <option value="">detect</option>
                  {DATE_FORMATS.map((f) => (
                    <option key={f} value={f}>
                      {f}
                    </option>
                  ))}
                </select>
              </label>
            </>
          )}
          <label className="field">
            <span>{kind === 'portfolio' ? 'Save as new version of' : 'Attach to portfolio'}</span>
            <select
              data-testid="import-target"
              value={target}
              onChange={(e) => setTarget(e.target.value)}
            >
              <option value="">
                {kind === 'portfolio' ? '— a new portfolio —' : '— none (use in editor only) —'}
              </option>
              {portfolios.map((p) => (
                <option key={p.portfolio_id} value={p.portfolio_id}>
                  {p.name} (v{p.latest_version})
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="form-actions">
          <button
            type="submit"
            className="btn primary"
            data-testid="import-button"
            disabled={running || !file}
          >
            {running ? 'Importing…' : kind === 'portfolio' ? 'Import portfolio' : 'Import prices'}
          </button>
          {running ? (
            <span className="import-progress" role="status">
              <span className="elapsed small" data-testid="import-elapsed">
                {seconds(elapsed)}
              </span>
              <button
                type="button"
                className="btn"
                data-testid="import-cancel"
                onClick={() => abortRef.current?.abort()}
              >
                Cancel
              </button>
            </span>
          ) : null}
          {file ? (
            <span className="muted small" data-testid="import-file-name">
              {file.name} · {num(file.size / 1024, 1)} KB
            </span>
          ) : null}
          {formError ? (
            <span className="form-error" role="alert" data-testid="import-form-error">
              {formError}
            </span>
          ) : null}
        </div>
      </form>

      {outcome?.kind === 'error' ? (
        <ErrorBox error={outcome.error} title="The file was not imported" testId="import-error" />
      ) : null}

      {outcome?.kind === 'cancelled' ? (
        <div className="note-warn small" role="status" data-testid="import-cancelled">
          Import of “{outcome.filename}” cancelled after {seconds(outcome.ms)}. Nothing was put into
          the editor; the engine may still finish reading the file and list it in the audit trail.
        </div>
      ) : null}

      {outcome && (outcome.kind === 'portfolio' || outcome.kind === 'prices') ? (
        <section className="detail" data-testid="import-result" data-ok={outcome.value.ok}>
          <ReportHead
            report={outcome.value.report}
            ok={outcome.value.ok}
            saved={outcome.value.portfolio}
          />
          {outcome.value.duplicate_of ? (
            <div className="dup" data-testid="import-duplicate" role="status">
              <div>
                <strong>Duplicate file.</strong> The same bytes (SHA-256{' '}
                <code>{shortHash(outcome.value.report.content_hash, 12)}</code>) were imported on{' '}
                {dateTime(outcome.value.duplicate_of.ts)} as “{outcome.value.duplicate_of.filename}
                ”.
                {outcome.value.portfolio
                  ? ' Imported again because you asked to.'
                  : ' Nothing was saved this time.'}
              </div>
              {!outcome.value.portfolio && outcome.value.ok ? (
                <button
                  type="button"
                  className="btn"
                  data-testid="import-anyway"
                  disabled={running || !file}
                  onClick={() => void run(true)}
                >
                  Import anyway
                </button>
              ) : null}
            </div>
          ) : null}
          <Rejections report={outcome.value.report} />
          <ReportWarnings report={outcome.value.report} />
          {outcome.kind === 'portfolio' && outcome.value.ok ? (
            <PortfolioPreview
              imp={outcome.value}
              used={used}
              onUse={() => {
                const p = outcome.value.portfolio;
                onUsePortfolio(
                  p
                    ? linkToPortfolio(outcome.value.content, p.portfolio_id)
                    : outcome.value.content,
                  p
                    ? `${p.name} v${p.version} (import)`
                    : `${outcome.value.report.filename} (import)`,
                );
                setUsed({ text: 'The imported portfolio is in the request editor.', warn: false });
              }}
            />
          ) : null}
          {outcome.kind === 'prices' && outcome.value.ok ? (
            <PricesChooser
              key={ui.seq}
              imp={outcome.value}
              state={ui.prices}
              setState={(f) => setUi((u) => ({ ...u, prices: f(u.prices) }))}
              onMerge={onMergePrices}
            />
          ) : null}
          <Mapping report={outcome.value.report} />
        </section>
      ) : null}

      {!outcome ? (
        <div className="hint">
          Column names are recognised automatically (e.g. <code>Ticker</code>, <code>Units</code>,{' '}
          <code>Target %</code>); the report shows which header was used for each field. Rows that
          cannot be read are listed with their line number and the reason, and nothing is imported
          until the file is clean.
        </div>
      ) : null}
    </div>
  );
}

function ReportHead({
  report,
  ok,
  saved,
}: {
  report: ImportReport;
  ok: boolean;
  saved: PortfolioImport['portfolio'];
}) {
  return (
    <>
      <div
        className={`outcome ${ok ? 'outcome-ok' : 'outcome-bad'}`}
        data-testid="import-outcome"
        data-ok={ok}
      >
        {ok ? (
          <>
            <strong>Imported.</strong> {report.rows_accepted} of {report.rows_read} rows accepted
            from “{report.filename}”.
            {saved ? (
              <span data-testid="import-saved">
                {' '}
                Saved as portfolio <strong>{saved.name}</strong>, version {saved.version}.
              </span>
            ) : (
              ' Not saved.'
            )}
          </>
        ) : (
          <>
            <strong>Not imported.</strong> {report.rejected_count} problem
            {report.rejected_count === 1 ? '' : 's'} in “{report.filename}”; nothing was imported
            (all or nothing). Fix the rows below and import again.
          </>
        )}
      </div>
      <div className="summary-grid five" data-testid="import-report">
        <Fact label="Rows read" value={String(report.rows_read)} testId="import-rows-read" />
        <Fact
          label="Rows accepted"
          value={String(report.rows_accepted)}
          testId="import-rows-accepted"
          tone={ok ? 'pos' : ''}
        />
        <Fact
          label="Problems"
          value={String(report.rejected_count)}
          testId="import-rejected-count"
          tone={report.rejected_count ? 'neg' : ''}
        />
        <Fact
          label="Format"
          value={`${report.format ?? '?'}${report.layout ? ` · ${report.layout}` : ''}`}
        />
        <Fact label="File SHA-256" value={shortHash(report.content_hash, 16)} mono />
      </div>
    </>
  );
}

function Fact({
  label,
  value,
  testId,
  tone,
  mono,
}: {
  label: string;
  value: string;
  testId?: string;
  tone?: string;
  mono?: boolean;
}) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className={`stat-value ${tone ?? ''} ${mono ? 'mono' : ''}`}>{value}</div>
    </div>
  );
}

export function Rejections({ report }: { report: ImportReport }) {
  if (report.rejected.length === 0) return null;
  return (
    <div className="block">
      <h4 className="sub-title">
        Rejected rows <span className="count warn">{report.rejected_count}</span>
        {report.rejected_count > report.rejected.length ? (
          <span className="muted small"> (first {report.rejected.length} listed)</span>
        ) : null}
      </h4>
      <table className="grid compact" data-testid="import-rejections">
        <thead>
          <tr>
            <th className="n">Line</th>
            <th>Column</th>
            <th>Reason</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {report.rejected.map((r, i) => (
            <tr
              key={i}
              data-testid="reject-row"
              data-line={r.line}
              data-reason={r.reason_code}
              data-column={r.column ?? ''}
            >
              <td className="n">{r.line === 0 ? <span className="muted">file</span> : r.line}</td>
              <td>{r.column ?? <span className="muted">—</span>}</td>
              <td>
                <code className="reason-code">{r.reason_code}</code>
              </td>
              <td className="reason">{r.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ReportWarnings({ report }: { report: ImportReport }) {
  if (report.warnings.length === 0) return null;
  return (
    <div className="notes" data-testid="import-warnings">
      <h3>Warnings</h3>
      <ul>
        {report.warnings.map((w, i) => (
          <li key={i} data-testid="import-warning" data-code={w.code}>
            <code>{w.code}</code>
            {w.path ? <span className="path">{w.path}</span> : null}
            {w.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Mapping({ report }: { report: ImportReport }) {
  const entries = Object.entries(report.detected_mapping);
  if (entries.length === 0) return null;
  return (
    <div className="mapping" data-testid="import-mapping">
      <span className="stat-label">Columns used</span>
      {entries.map(([field, header]) => (
        <span key={field} className="map-pair" data-field={field}>
          <span className="muted">{field}</span> ← <code>{header === '' ? '(blank)' : header}</code>
        </span>
      ))}
    </div>
  );
}

interface ImportedAsset {
  asset: string;
  asset_class?: string;
  current_weight?: number;
  target_weight?: number;
  price?: number;
  holdings?: unknown[];
}

function PortfolioPreview({
  imp,
  used,
  onUse,
}: {
  imp: PortfolioImport;
  used: Note | null;
  onUse: () => void;
}) {
  const c = (imp.content ?? {}) as {
    portfolio_value?: number;
    currency?: string;
    assets?: ImportedAsset[];
  };
  const assets = c.assets ?? [];
  const ccy = c.currency ?? 'USD';
  return (
    <div className="block" data-testid="import-portfolio">
      <div className="block-head">
        <h4 className="sub-title">Portfolio</h4>
        <span className="muted small">
          {assets.length} asset{assets.length === 1 ? '' : 's'} · value{' '}
          {money(c.portfolio_value, ccy, 0)}
        </span>
        <span className="spacer" />
        <button
          type="button"
          className="btn primary-outline"
          data-testid="import-use"
          onClick={onUse}
        >
          Use in editor
        </button>
      </div>
      <UsedNote note={used} />
      <table className="grid compact">
        <thead>
          <tr>
            <th>Asset</th>
            <th>Class</th>
            <th className="n">Current</th>
            <th className="n">Target</th>
            <th className="n">Price</th>
            <th className="n">Holdings</th>
          </tr>
        </thead>
        <tbody>
          {assets.map((a) => (
            <tr key={a.asset} data-testid="import-asset-row" data-asset={a.asset}>
              <td className="strong">{a.asset}</td>
              <td>{a.asset_class ?? '—'}</td>
              <td className="n">{pct(a.current_weight)}</td>
              <td className="n">{pct(a.target_weight)}</td>
              <td className="n">{num(a.price, 2)}</td>
              <td className="n">{a.holdings?.length ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
