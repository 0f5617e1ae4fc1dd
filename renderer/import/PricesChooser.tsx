/**
 * After a price import: choose the series to keep, the date policy and merge the chosen series
 * into the request in the editor. The figures come from the engine's answer (each series' own
 * range, `series_history`) and the pure functions of ./merge (tested); the merge itself adds or
 * replaces only the chosen series and keeps the request's benchmark aligned (see mergeSeries).
 */
import { useMemo } from 'react';
import { num } from '../shared/format';
import type { PriceImport } from '../shared/types';
import { Empty } from '../shared/ui';
import { ChangeReport } from './ChangeReport';
import {
  commonDates,
  importedSeries,
  onCommonDates,
  unionCount,
  type MergeChange,
  type MergeOutcome,
  type Series,
} from './merge';
import './import.css';
import { Segmented } from '../shared/Segmented';

/** `intersection`: the chosen series on the dates all of them have; `own_range`: each whole. */
export type DatePolicy = 'intersection' | 'own_range';

/**
 * Merges (apply = true) or previews (apply = false) the chosen series into the editor's request;
 * held by App, which owns the editor text.
 */
export type MergePrices = (
  imported: ReadonlyMap<string, Series>,
  chosen: readonly string[],
  apply: boolean,
) => MergeOutcome;

/** What the chooser keeps while another view is shown (part of ImportUi). */
export interface ChooserState {
  /** Chosen symbols; null = every series (the default after an import). */
  chosen: string[] | null;
  policy: DatePolicy;
  /** The last merge: what changed, or why nothing did. */
  merged: { ok: true; change: MergeChange } | { ok: false; reason: string } | null;
}

export const INITIAL_CHOOSER: ChooserState = { chosen: null, policy: 'intersection', merged: null };

const plural = (n: number, one: string, many = `${one}s`) => `${num(n, 0)} ${n === 1 ? one : many}`;

const list = (names: readonly string[]) => names.join(', ');

/** One line saying what a merge would do, or why it cannot. */
function previewText(p: MergeOutcome): string {
  if (!p.ok) return p.reason;
  const c = p.change;
  const parts = [
    c.added.length ? `adds ${list(c.added)}` : '',
    c.replaced.length ? `replaces ${list(c.replaced)}` : '',
  ].filter(Boolean);
  const bench = c.benchmark
    ? c.benchmark.realigned
      ? `; benchmark ${c.benchmark.name} cut to the same dates (${plural(c.benchmark.dropped, 'point')} dropped)`
      : `; benchmark ${c.benchmark.name} stays aligned`
    : '';
  return `Merging ${parts.join(' and ')}: the request gets ${plural(c.datesAfter, 'date')} (${c.firstAfter} … ${c.lastAfter})${c.datesBefore ? `, had ${num(c.datesBefore, 0)}` : ''}${bench}.`;
}

export function PricesChooser({
  imp,
  state,
  setState,
  onMerge,
}: {
  imp: PriceImport;
  state: ChooserState;
  setState: (f: (s: ChooserState) => ChooserState) => void;
  onMerge: MergePrices;
}) {
  const h = imp.price_history;
  const imported = useMemo(() => importedSeries(imp), [imp]);
  const symbols = useMemo(() => imp.series.map((s) => s.symbol), [imp]);
  const chosen = useMemo(() => {
    if (state.chosen === null) return symbols;
    const set = new Set(state.chosen);
    return symbols.filter((s) => set.has(s));
  }, [state.chosen, symbols]);
  const chosenSet = useMemo(() => new Set(chosen), [chosen]);
  const policy = state.policy;

  // The chosen series' dates: in common (intersection) and in all (union).
  const figure = useMemo(() => {
    const picked = chosen.map((s) => imported.get(s)).filter((s): s is Series => s !== undefined);
    const common = commonDates(picked);
    return { common, union: unionCount(picked) };
  }, [chosen, imported]);

  // What is merged is what the policy shows: common dates, or each series whole.
  const toMerge = useMemo(
    () => (policy === 'intersection' ? onCommonDates(imported, chosen) : imported),
    [policy, imported, chosen],
  );
  const preview = useMemo(
    () => (chosen.length > 0 ? onMerge(toMerge, chosen, false) : null),
    [onMerge, toMerge, chosen],
  );

  const setChosen = (next: string[] | null) =>
    setState((s) => ({ ...s, chosen: next, merged: null }));
  const toggle = (sym: string, on: boolean) => {
    const set = new Set(chosen);
    if (on) set.add(sym);
    else set.delete(sym);
    setChosen(symbols.filter((s) => set.has(s)));
  };
  const merge = () => {
    const out = onMerge(toMerge, chosen, true);
    setState((s) => ({
      ...s,
      merged: out.ok ? { ok: true, change: out.change } : { ok: false, reason: out.reason },
    }));
  };

  const kept = policy === 'intersection' ? figure.common.length : figure.union;
  return (
    <div
      className="block"
      data-testid="import-prices"
      data-policy={policy}
      data-chosen={chosen.length}
    >
      <div className="block-head">
        <h4 className="sub-title">Price history</h4>
        <span className="muted small" data-testid="import-prices-engine">
          {imp.series.length} series · {h ? h.dates.length : 0} common dates
          {imp.dropped_dates
            ? ` (${imp.dropped_dates} date${imp.dropped_dates === 1 ? '' : 's'} dropped: not every series has a price on it)`
            : ''}
        </span>
      </div>

      <div className="chooser-bar">
        <div className="chooser-pick" role="group" aria-label="Choose series">
          <button
            type="button"
            className="btn"
            data-testid="import-select-all"
            disabled={chosen.length === symbols.length}
            onClick={() => setChosen(null)}
          >
            Select all
          </button>
          <button
            type="button"
            className="btn"
            data-testid="import-select-none"
            disabled={chosen.length === 0}
            onClick={() => setChosen([])}
          >
            Select none
          </button>
          <span className="muted small" data-testid="import-chosen-count">
            {chosen.length} of {symbols.length} chosen
          </span>
        </div>
        <div className="chooser-policy">
          <span className="stat-label" id="import-policy-label">
            Dates
          </span>
          <Segmented
            labelledBy="import-policy-label"
            options={[
              ['intersection', 'Common to the chosen series'],
              ['own_range', 'Each series’ own range'],
            ]}
            value={policy}
            testId={(p) => `import-policy-${p}`}
            onChange={(p) => setState((s) => ({ ...s, policy: p, merged: null }))}
          />
        </div>
      </div>

      <div
        className="kept-figure small"
        data-testid="import-kept-dates"
        data-kept={kept}
        data-union={figure.union}
      >
        {chosen.length === 0 ? (
          'No series chosen.'
        ) : policy === 'intersection' ? (
          <>
            <strong>{plural(figure.common.length, 'date')}</strong> common to the{' '}
            {plural(chosen.length, 'chosen series', 'chosen series')}
            {figure.common.length
              ? ` (${figure.common[0]} … ${figure.common[figure.common.length - 1]})`
              : ''}
            ; {num(figure.union - figure.common.length, 0)} of their {num(figure.union, 0)} dates
            left out because a chosen series has no price on them.
          </>
        ) : (
          <>
            Each chosen series keeps all its dates:{' '}
            <strong>{plural(figure.union, 'distinct date')}</strong> in all, none left out. A
            request holds one set of dates, so a merge keeps the dates the series share with it.
          </>
        )}
      </div>

      <div className="merge-bar">
        <span
          className={`small merge-preview ${preview && !preview.ok ? 'bad' : ''}`}
          data-testid="import-merge-preview"
          data-ok={preview ? preview.ok : false}
          data-dates={preview?.ok ? preview.change.datesAfter : 0}
        >
          {preview ? previewText(preview) : 'Choose at least one series to merge.'}
        </span>
        <button
          type="button"
          className="btn primary-outline"
          data-testid="import-merge"
          // A refused merge would change nothing: the reason is shown beside the button.
          disabled={!preview?.ok}
          title="Adds or replaces only the chosen series in the request in the editor; its other series and benchmark are cut to the dates they share"
          onClick={merge}
        >
          Merge into request
        </button>
      </div>

      {state.merged ? (
        state.merged.ok ? (
          <ChangeReport change={state.merged.change} filename={imp.report.filename} />
        ) : (
          <div className="note-warn small" data-testid="import-used" data-warn="true" role="alert">
            {state.merged.reason}
          </div>
        )
      ) : null}

      {!h && imp.series.length > 1 ? (
        <Empty>
          Fewer than two dates on which every series has a price: choose fewer series, or the ones
          with the longest history.
        </Empty>
      ) : null}
      <div tabIndex={0} className="table-wrap chooser-table">
        <table className="grid compact" aria-label="Imported series: choose the ones to merge">
          <thead>
            <tr>
              <th className="c">Merge</th>
              <th>Symbol</th>
              <th>First date</th>
              <th>Last date</th>
              <th className="n">Prices</th>
              <th className="n">Kept</th>
            </tr>
          </thead>
          <tbody>
            {imp.series.map((s) => {
              const on = chosenSet.has(s.symbol);
              const keptHere = !on
                ? null
                : policy === 'intersection'
                  ? figure.common.length
                  : s.count;
              return (
                <tr
                  key={s.symbol}
                  data-testid="import-series-row"
                  data-symbol={s.symbol}
                  data-chosen={on}
                >
                  <td className="c">
                    <input
                      type="checkbox"
                      checked={on}
                      aria-label={`Merge ${s.symbol}`}
                      data-testid="import-series-check"
                      data-symbol={s.symbol}
                      onChange={(e) => toggle(s.symbol, e.target.checked)}
                    />
                  </td>
                  <td className="strong">{s.symbol}</td>
                  <td>{s.first_date ?? '—'}</td>
                  <td>{s.last_date ?? '—'}</td>
                  <td className="n">{num(s.count, 0)}</td>
                  <td className="n" data-testid="import-series-kept">
                    {keptHere === null ? '—' : num(keptHere, 0)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
