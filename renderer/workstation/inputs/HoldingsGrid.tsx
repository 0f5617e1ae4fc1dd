/**
 * The holdings / targets grid: one row per asset of the request (name, class, current and target
 * weight in percent, price, market return, lot size, minimum trade, holdings). Rows can be added,
 * removed and pasted from a spreadsheet; every cell is checked against the contract as it is
 * typed, and the engine's field errors of a failed run are shown at their cell.
 */
import { useEffect, useId, useState, type ClipboardEvent, type ReactNode } from 'react';
import { ASSET_CLASSES } from '../../../src/contract/common';
import { pct } from '../../shared/format';
import { numberControl, textControl, type ControlState } from './controls';
import { ASSET_HELP, ASSET_NUMBER_FIELDS, HOLDING_NUMBER_FIELDS, checkName } from './fields';
import { newAssetRow, shiftPath, sumOff, weightSums } from './grid';
import { atPath, unitSuffix } from './numbers';
import { applyPaste, parsePaste, type ColumnKey } from './paste';
import { getAt, isObject } from './request';
import { useInputs, type InputsApi } from './state';

/** Rows rendered at once; more are shown on request (a 5,000-asset book stays responsive). */
const PAGE = 200;

type AssetNumberKey = keyof typeof ASSET_NUMBER_FIELDS;
const NUMBER_COLUMNS: { key: AssetNumberKey; head: string }[] = [
  { key: 'current_weight', head: 'Current %' },
  { key: 'target_weight', head: 'Target %' },
  { key: 'price', head: 'Price' },
  { key: 'market_return', head: 'Return %/yr' },
  { key: 'lot_size', head: 'Lot' },
  { key: 'min_trade_value', head: 'Min trade' },
];

export function HoldingsGrid({
  reveal,
  onShowJson,
}: {
  /** A path to bring into view (an error clicked in the list). */
  reveal: { path: string; seq: number } | null;
  onShowJson: () => void;
}) {
  const api = useInputs();
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());
  const [limit, setLimit] = useState(PAGE);
  const [pasteOpen, setPasteOpen] = useState(false);
  const [note, setNote] = useState<{ text: string; warn: boolean } | null>(null);

  const list = api.req?.assets;
  const assets: unknown[] | null = Array.isArray(list) ? list : null;

  // A path to show (a clicked error): expand its row's holdings and page down to it.
  useEffect(() => {
    if (!reveal) return;
    const m = /^assets\.(\d+)(\.holdings)?/.exec(reveal.path);
    if (!m) return;
    const row = Number(m[1]);
    if (row >= limit) setLimit(Math.ceil((row + 1) / PAGE) * PAGE);
    if (m[2]) setExpanded((s) => (s.has(row) ? s : new Set(s).add(row)));
  }, [reveal, limit]);

  if (!api.req || !assets)
    return (
      <div className="inputs-hint" data-testid="grid-disabled">
        {api.req ? 'The request’s assets is not a list.' : api.reason}
        <button type="button" className="link" onClick={onShowJson}>
          Open Advanced (JSON)
        </button>
      </div>
    );

  const sums = weightSums(assets);
  const cash = typeof api.req.cash_weight === 'number' ? api.req.cash_weight : 0;
  const floor = typeof api.req.cash_floor === 'number' ? api.req.cash_floor : 0;
  const sumsProblems = api.serverAt('assets');

  const addRow = () => {
    const row = newAssetRow(assets);
    api.commit([{ path: `assets.${assets.length}`, value: row }]);
    setLimit((l) => Math.max(l, assets.length + 1));
    setNote(null);
    const path = `assets.${assets.length}.asset`;
    requestAnimationFrame(() => {
      const el = document.querySelector<HTMLInputElement>(`[data-path="${path}"]`);
      el?.focus();
      el?.select();
    });
  };
  const removeRow = (i: number) => {
    api.commit([{ path: `assets.${i}`, value: undefined }]);
    api.remapDrafts((p) => shiftPath(p, 'assets', i));
    setExpanded((s) => new Set([...s].filter((k) => k !== i).map((k) => (k > i ? k - 1 : k))));
    setNote(null);
  };
  const paste = (text: string, anchor: { row: number; col: ColumnKey } | null): boolean => {
    const block = parsePaste(text, anchor?.col ?? 'asset');
    if (block.rows.length === 0) {
      setNote({ text: 'Nothing to paste: the block has no data rows.', warn: true });
      return false;
    }
    const r = applyPaste(assets, block, block.header ? null : (anchor?.row ?? null), api.currency);
    api.commit([{ path: 'assets', value: r.assets }]);
    for (const d of r.drafts) api.setDraft(d.path, { raw: d.raw, error: d.error, label: d.label });
    setLimit((l) => Math.max(l, r.assets.length));
    const parts = [
      `Pasted ${block.rows.length} row${block.rows.length === 1 ? '' : 's'}${block.header ? ' (with a header)' : ''}: ${r.updated} updated, ${r.added} added.`,
    ];
    if (r.drafts.length)
      parts.push(
        `${r.drafts.length} value${r.drafts.length === 1 ? '' : 's'} could not be used: see the red cells.`,
      );
    if (r.ignored.length) parts.push(`Ignored: ${r.ignored.join(', ')}.`);
    if (r.note) parts.push(r.note);
    setNote({ text: parts.join(' '), warn: r.drafts.length > 0 || r.note !== null });
    return true;
  };

  const shown = assets.slice(0, limit);
  return (
    <div className="grid-panel" data-testid="holdings-grid-panel">
      <div className="grid-tools">
        <button type="button" className="btn" data-testid="grid-add-row" onClick={addRow}>
          + Add asset
        </button>
        <button
          type="button"
          className="btn"
          data-testid="grid-paste-open"
          aria-expanded={pasteOpen}
          onClick={() => setPasteOpen((o) => !o)}
        >
          Paste rows…
        </button>
        <span className="spacer" />
        <SumBadge
          label="Σ current"
          value={sums.current}
          expected={1 - cash}
          testId="sum-current"
          what={cash > 0 ? `100% or 100% − cash held (${pct(cash)})` : '100%'}
        />
        <SumBadge
          label="Σ target"
          value={sums.target}
          expected={1 - floor}
          testId="sum-target"
          what={floor > 0 ? `100% or 100% − cash floor (${pct(floor)})` : '100%'}
        />
      </div>
      {pasteOpen ? (
        <PasteBox
          onApply={(t) => {
            if (paste(t, null)) setPasteOpen(false);
          }}
          onCancel={() => setPasteOpen(false)}
        />
      ) : null}
      {note ? (
        <div
          className={`grid-note small ${note.warn ? 'note-warn' : 'muted'}`}
          data-testid="paste-note"
          role="status"
        >
          {note.text}
        </div>
      ) : null}
      {sumsProblems.map((s, k) => (
        <div key={k} className="cell-error" data-testid="cell-error" data-source="server">
          Engine: {s.message}
        </div>
      ))}
      <div className="grid-wrap">
        <table className="grid hgrid" data-testid="holdings-grid">
          <thead>
            <tr>
              <th className="n">#</th>
              <th title={ASSET_HELP.asset}>Asset</th>
              <th title={ASSET_HELP.asset_class}>Class</th>
              {NUMBER_COLUMNS.map((c) => (
                <th key={c.key} className="n" title={headTitle(c.key, api.currency)}>
                  {c.head}
                </th>
              ))}
              <th title="Securities inside the asset, each ordered at its own price">Holdings</th>
              <th>
                <span className="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row, i) => (
              <AssetRow
                key={i}
                i={i}
                row={row}
                open={expanded.has(i)}
                onToggle={() =>
                  setExpanded((s) => {
                    const n = new Set(s);
                    if (n.has(i)) n.delete(i);
                    else n.add(i);
                    return n;
                  })
                }
                onRemove={() => removeRow(i)}
                onPaste={(t, col) => paste(t, { row: i, col })}
              />
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td />
              <td colSpan={2} className="muted">
                {assets.length} asset{assets.length === 1 ? '' : 's'}
              </td>
              <td className="n" data-testid="foot-current">
                {pct(sums.current)}
              </td>
              <td className="n" data-testid="foot-target">
                {pct(sums.target)}
              </td>
              <td colSpan={NUMBER_COLUMNS.length} />
            </tr>
          </tfoot>
        </table>
      </div>
      {assets.length > shown.length ? (
        <button
          type="button"
          className="btn"
          data-testid="grid-more"
          onClick={() => setLimit((l) => l + PAGE)}
        >
          Show {Math.min(PAGE, assets.length - shown.length)} more of {assets.length - shown.length}
        </button>
      ) : null}
    </div>
  );
}

function headTitle(key: AssetNumberKey, currency: string): string {
  const unit = unitSuffix(ASSET_NUMBER_FIELDS[key].unit, currency);
  const help = ASSET_HELP[key] ?? '';
  return `${help}${help ? ' ' : ''}${unit === '%' ? '(percent: 25 = 25%)' : unit ? `(${unit})` : ''}`.trim();
}

function SumBadge({
  label,
  value,
  expected,
  testId,
  what,
}: {
  label: string;
  value: number;
  expected: number;
  testId: string;
  what: string;
}) {
  const off = sumOff(value, expected);
  return (
    <span
      className={`sum-badge ${off ? 'off' : ''}`}
      data-testid={testId}
      data-off={off ? 'true' : 'false'}
      title={
        off
          ? `Expected ${what}. The engine scales the weights to it and warns (WEIGHTS_NORMALIZED).`
          : `Expected ${what}.`
      }
    >
      {label} <strong>{pct(value)}</strong>
    </span>
  );
}

/** A text box to paste a spreadsheet block into (rows are added, or updated by name). */
function PasteBox({ onApply, onCancel }: { onApply: (t: string) => void; onCancel: () => void }) {
  const [text, setText] = useState('');
  const id = useId();
  return (
    <div className="paste-box">
      <label htmlFor={id} className="small">
        Paste cells copied from a spreadsheet. With a header row (Asset, Class, Current %, Target %,
        Price, Return, Lot, Min trade) rows update the asset of the same name or are added; without
        one, columns are read in the grid’s order and rows are added.
      </label>
      <textarea
        id={id}
        data-testid="paste-box"
        rows={4}
        spellCheck={false}
        wrap="off"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <div className="paste-actions">
        <button
          type="button"
          className="btn"
          data-testid="paste-apply"
          disabled={text.trim() === ''}
          onClick={() => onApply(text)}
        >
          Add / update rows
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function assetName(row: unknown, i: number): string {
  return isObject(row) && typeof row.asset === 'string' && row.asset.trim() !== ''
    ? row.asset
    : `row ${i + 1}`;
}

/** One editable cell of a grid row: its control state and how it is drawn. */
interface CellModel {
  col: string;
  path: string;
  label: string;
  kind: 'text' | 'number' | 'class';
  c: ControlState;
  placeholder?: string | undefined;
  title?: string | undefined;
  onPaste?: ((e: ClipboardEvent<HTMLElement>) => void) | undefined;
}

const nameCheck = (what: string) => (raw: string) => checkName(raw, what);
const storedName = (v: unknown) =>
  typeof v === 'string' ? null : v === undefined ? 'required' : 'must be text';

/**
 * The asset class: one of the contract's six, or absent (the engine infers it from the name).
 * A value the JSON holds that is not a class is shown, flagged.
 */
function classControl(api: InputsApi, path: string): ControlState {
  const stored = getAt(api.req, path);
  const draft = api.draftAt(path);
  const value = draft ? draft.raw : typeof stored === 'string' ? stored : '';
  const known = value === '' || (ASSET_CLASSES as readonly string[]).includes(value);
  const client =
    draft?.error ??
    (stored !== undefined && !known ? `must be one of: ${ASSET_CLASSES.join(', ')}` : null);
  const server = api.serverAt(path)[0];
  return {
    text: value,
    isDefault: false,
    disabled: api.req === null,
    problem: client
      ? { message: client, source: 'client' }
      : server
        ? { message: server.message, source: 'server' }
        : null,
    onChange: (v) => api.commit([{ path, value: v === '' ? undefined : v }]),
    onBlur: () => undefined,
  };
}

/**
 * A grid row's cells, then one line per cell with a problem, starting under that cell and
 * running to the right (so a long message never widens a column).
 */
function CellsAndProblems({
  lead,
  cells,
  tail,
  trProps,
}: {
  lead: ReactNode;
  cells: CellModel[];
  tail: ReactNode;
  trProps: Record<string, string | number | undefined>;
}) {
  const id = useId();
  const total = 1 + cells.length + 2;
  return (
    <>
      <tr {...trProps}>
        {lead}
        {cells.map((cell) => (
          <GridCell key={cell.col} cell={cell} errorId={`${id}-${cell.col}`} />
        ))}
        {tail}
      </tr>
      {cells.map((cell, k) =>
        cell.c.problem ? (
          <tr key={cell.col} className="cell-error-row">
            <td colSpan={1 + k} />
            <td colSpan={total - 1 - k}>
              <div
                id={`${id}-${cell.col}`}
                className="cell-error"
                data-testid="cell-error"
                data-field={cell.path}
                data-source={cell.c.problem.source}
              >
                {cell.c.problem.source === 'server' ? 'Engine: ' : ''}
                {cell.c.problem.message}
              </div>
            </td>
          </tr>
        ) : null,
      )}
    </>
  );
}

function GridCell({ cell, errorId }: { cell: CellModel; errorId: string }) {
  const { c } = cell;
  const common = {
    className: `cell-input ${cell.kind === 'text' ? 'name' : ''} ${c.isDefault ? 'is-default' : ''}`,
    'data-testid': 'cell-input',
    'data-path': cell.path,
    'aria-label': cell.label,
    'aria-invalid': c.problem !== null,
    'aria-describedby': c.problem ? errorId : undefined,
    disabled: c.disabled,
    title: c.isDefault ? 'Not in the request: the engine uses this default' : cell.title,
  };
  return (
    <td
      className={`cell ${cell.kind === 'number' ? 'n' : ''} ${c.problem ? 'bad' : ''}`}
      data-col={cell.col}
      onPaste={cell.kind === 'class' ? cell.onPaste : undefined}
    >
      {cell.kind === 'class' ? (
        <select {...common} value={c.text} onChange={(e) => c.onChange(e.target.value)}>
          <option value="">auto</option>
          {ASSET_CLASSES.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
          {c.text !== '' && !(ASSET_CLASSES as readonly string[]).includes(c.text) ? (
            <option value={c.text}>{c.text} (not a class)</option>
          ) : null}
        </select>
      ) : (
        <input
          {...common}
          type="text"
          inputMode={cell.kind === 'number' ? 'decimal' : undefined}
          autoComplete="off"
          spellCheck={false}
          placeholder={cell.placeholder}
          value={c.text}
          onChange={(e) => c.onChange(e.target.value)}
          onBlur={c.onBlur}
          onPaste={cell.onPaste}
        />
      )}
    </td>
  );
}

function AssetRow({
  i,
  row,
  open,
  onToggle,
  onRemove,
  onPaste,
}: {
  i: number;
  row: unknown;
  open: boolean;
  onToggle: () => void;
  onRemove: () => void;
  onPaste: (text: string, col: ColumnKey) => boolean;
}) {
  const api = useInputs();
  const name = assetName(row, i);
  const holdings = isObject(row) && Array.isArray(row.holdings) ? row.holdings : null;
  const hasHoldings = (holdings?.length ?? 0) > 0;
  const holdingErrors = api.serverUnder(`assets.${i}.holdings`);
  const rowErrors = api.serverAt(`assets.${i}`);
  const pasteHandler = (col: ColumnKey) => (e: ClipboardEvent<HTMLElement>) => {
    const t = e.clipboardData.getData('text/plain');
    // A single value is typed into the cell as usual; a block (tabs or lines) fills the grid.
    if (!/[\t\n\r]/.test(t.replace(/[\r\n]+$/, ''))) return;
    e.preventDefault();
    onPaste(t, col);
  };
  const base = `assets.${i}`;
  const cells: CellModel[] = [
    {
      col: 'asset',
      path: `${base}.asset`,
      label: `Asset name, row ${i + 1}`,
      kind: 'text',
      c: textControl(
        api,
        `${base}.asset`,
        `row ${i + 1} asset name`,
        nameCheck('asset'),
        storedName,
      ),
      onPaste: pasteHandler('asset'),
    },
    {
      col: 'asset_class',
      path: `${base}.asset_class`,
      label: `Asset class of ${name}`,
      kind: 'class',
      c: classControl(api, `${base}.asset_class`),
      title: 'auto: the engine infers the class from the name (a class name), else Stocks',
      onPaste: pasteHandler('asset_class'),
    },
    ...NUMBER_COLUMNS.map((col): CellModel => ({
      col: col.key,
      path: `${base}.${col.key}`,
      label: `${col.head} of ${name}`,
      kind: 'number',
      c: numberControl(
        api,
        atPath(ASSET_NUMBER_FIELDS[col.key], `${base}.${col.key}`),
        `${name} ${col.head}`,
      ),
      placeholder: col.key === 'price' && hasHoldings ? '—' : undefined,
      title:
        col.key === 'price' && hasHoldings
          ? 'Ordered through its holdings, each at its own last price'
          : undefined,
      onPaste: pasteHandler(col.key),
    })),
  ];
  const span = cells.length + 3;
  return (
    <>
      <CellsAndProblems
        trProps={{
          'data-testid': 'grid-row',
          'data-row': i,
          'data-asset': name,
          className: rowErrors.length ? 'row-bad' : undefined,
        }}
        lead={<td className="n muted idx">{i + 1}</td>}
        cells={cells}
        tail={
          <>
            <td className={`holdings-cell ${holdingErrors.length ? 'bad' : ''}`}>
              <button
                type="button"
                className="btn tiny"
                data-testid="holdings-toggle"
                data-path={`${base}.holdings`}
                data-count={holdings?.length ?? 0}
                aria-expanded={open}
                aria-label={`${holdings?.length ?? 0} holdings of ${name}: ${open ? 'hide' : 'show'}`}
                onClick={onToggle}
              >
                {holdings?.length ?? 0} {open ? '▾' : '▸'}
              </button>
            </td>
            <td>
              <button
                type="button"
                className="btn tiny quiet"
                data-testid="grid-remove-row"
                aria-label={`Remove ${name}`}
                title={`Remove ${name}`}
                onClick={onRemove}
              >
                ✕
              </button>
            </td>
          </>
        }
      />
      {rowErrors.length || (holdingErrors.length && !open) ? (
        <tr className="cell-error-row">
          <td />
          <td colSpan={span - 1}>
            {rowErrors.map((e, k) => (
              <div key={k} className="cell-error" data-testid="cell-error" data-source="server">
                Engine: {e.message}
              </div>
            ))}
            {holdingErrors.length && !open ? (
              <div className="cell-error" data-testid="cell-error" data-source="server">
                Engine: {holdingErrors.length} problem{holdingErrors.length === 1 ? '' : 's'} in the
                holdings of {name} (open them with {holdings?.length ?? 0} ▸)
              </div>
            ) : null}
          </td>
        </tr>
      ) : null}
      {open ? (
        <tr className="sub-row">
          <td />
          <td colSpan={span - 1}>
            <HoldingsSubGrid i={i} name={name} holdings={holdings ?? []} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

type HoldingNumberKey = keyof typeof HOLDING_NUMBER_FIELDS;
const HOLDING_COLUMNS: { key: HoldingNumberKey; head: string }[] = [
  { key: 'holding_weight', head: 'Weight in asset %' },
  { key: 'quantity', head: 'Quantity' },
  { key: 'last_price', head: 'Last price' },
  { key: 'target_weight', head: 'Target in asset %' },
  { key: 'lot_size', head: 'Lot' },
];

/** The securities inside one asset; each is ordered at its own price and lot size. */
function HoldingsSubGrid({ i, name, holdings }: { i: number; name: string; holdings: unknown[] }) {
  const api = useInputs();
  const list = `assets.${i}.holdings`;
  const add = () => {
    const used = new Set(holdings.map((h) => (isObject(h) ? h.holding : undefined)));
    let k = 1;
    while (used.has(`Holding ${k}`)) k++;
    api.commit([{ path: `${list}.${holdings.length}`, value: { holding: `Holding ${k}` } }]);
  };
  const remove = (j: number) => {
    api.commit([
      holdings.length === 1
        ? { path: list, value: undefined }
        : { path: `${list}.${j}`, value: undefined },
    ]);
    api.remapDrafts((p) => shiftPath(p, list, j));
  };
  return (
    <div className="sub-grid" data-testid="holdings-subgrid" data-asset={name}>
      <table className="grid hgrid sub">
        <thead>
          <tr>
            <th className="n">#</th>
            <th>Holding</th>
            {HOLDING_COLUMNS.map((c) => (
              <th key={c.key} className="n">
                {c.head}
              </th>
            ))}
            <th>
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {holdings.map((h, j) => {
            const hn = isObject(h) && typeof h.holding === 'string' ? h.holding : `#${j + 1}`;
            const base = `${list}.${j}`;
            const cells: CellModel[] = [
              {
                col: 'holding',
                path: `${base}.holding`,
                label: `Holding name ${j + 1} of ${name}`,
                kind: 'text',
                c: textControl(
                  api,
                  `${base}.holding`,
                  `${name} holding ${j + 1} name`,
                  nameCheck('holding'),
                  storedName,
                ),
              },
              ...HOLDING_COLUMNS.map((col): CellModel => ({
                col: col.key,
                path: `${base}.${col.key}`,
                label: `${col.head} of ${hn} in ${name}`,
                kind: 'number',
                c: numberControl(
                  api,
                  atPath(HOLDING_NUMBER_FIELDS[col.key], `${base}.${col.key}`),
                  `${hn} ${col.head}`,
                ),
              })),
            ];
            return (
              <CellsAndProblems
                key={j}
                trProps={{ 'data-testid': 'holding-row', 'data-holding': hn }}
                lead={<td className="n muted idx">{j + 1}</td>}
                cells={cells}
                tail={
                  <>
                    <td />
                    <td>
                      <button
                        type="button"
                        className="btn tiny quiet"
                        data-testid="holding-remove"
                        aria-label={`Remove holding ${hn}`}
                        onClick={() => remove(j)}
                      >
                        ✕
                      </button>
                    </td>
                  </>
                }
              />
            );
          })}
        </tbody>
      </table>
      <button type="button" className="btn tiny" data-testid="holding-add" onClick={add}>
        + Add holding
      </button>
      {holdings.length === 0 ? (
        <span className="small muted">
          {' '}
          No holdings: the asset is ordered as one security at its own price.
        </span>
      ) : null}
    </div>
  );
}
