/**
 * The one chart wrapper every chart of the renderer uses. A `<figure>` holding:
 * - the chart.js canvas, `role="img"` with an accessible name saying what it shows;
 * - a `<figcaption>` (visible title);
 * - the same figures as an accessible `<table>`, always in the DOM: visually hidden while the
 *   chart is shown (screen readers still reach it), shown instead of the chart after "Table".
 * The chart is built from `data` by a pure `build(data, theme)`, rebuilt when the data or the
 * theme changes (colours from the CSS variables) and destroyed on unmount. Sizing follows the
 * box (chart.js `responsive`); there is no animation.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { ChartConfiguration, ChartType, DefaultDataPoint } from 'chart.js';
import { Chart } from './options';
import { useChartTheme, type ChartTheme } from './theme';
import './charts.css';

/** A column of the table fallback; `numeric` right-aligns it. */
export interface TableColumn {
  id: string;
  label: string;
  numeric?: boolean;
  title?: string;
}

/** A row of the table fallback: its key (`data-key`) and its cells' text by column id. */
export interface TableRow {
  key: string;
  cells: Record<string, string>;
}

export interface ChartTable {
  columns: TableColumn[];
  rows: TableRow[];
  /** Said under the table when it is shown (e.g. "month-end values of 7,126 days"). */
  note?: string;
}

export interface ChartFigureProps<TType extends ChartType, TData, D> {
  /** data-testid of the figure, e.g. "chart-allocation"; rows are `${testId}-row`. */
  testId: string;
  /** data-testid of the canvas; default `${testId}-canvas`. */
  canvasTestId?: string;
  /** Accessible name of the canvas: what the chart shows, in one sentence. */
  label: string;
  /** Visible title. */
  caption: ReactNode;
  /** What the chart is drawn from; the chart is rebuilt when this changes (keep it stable). */
  data: D;
  /** Pure: the chart.js configuration for the data in this theme (module-level function). */
  build: (data: D, theme: ChartTheme) => ChartConfiguration<TType, TData, unknown>;
  table: ChartTable;
  /** Height of the drawing area in px (default 260). */
  height?: number;
  /** Shown under the chart (legend hints, what a mark means). */
  footnote?: ReactNode;
}

/** Counts the data points drawn, for `data-points` (tests read it; 0 means nothing drawn). */
function pointCount(config: { data: { datasets: readonly { data?: unknown }[] } }): number {
  let n = 0;
  for (const d of config.data.datasets) n += Array.isArray(d.data) ? d.data.length : 0;
  return n;
}

/** A chart with its caption, its table fallback and the Chart/Table toggle. */
export function ChartFigure<
  TType extends ChartType = ChartType,
  TData = DefaultDataPoint<TType>,
  D = unknown,
>({
  testId,
  canvasTestId,
  label,
  caption,
  data,
  build,
  table,
  height = 260,
  footnote,
}: ChartFigureProps<TType, TData, D>) {
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const theme = useChartTheme();
  const [showTable, setShowTable] = useState(false);
  const tableId = useId();
  const captionId = useId();

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const config = build(data, theme);
    // Counted before chart.js sees the data: its decimation swaps in a thinned array.
    el.dataset.points = String(pointCount(config));
    const chart = new Chart(el, config);
    return () => chart.destroy();
  }, [data, build, theme]);

  return (
    <figure
      className="chart-fig"
      data-testid={testId}
      data-view={showTable ? 'table' : 'chart'}
      aria-labelledby={captionId}
    >
      <div className="chart-head">
        <figcaption id={captionId} className="chart-caption">
          {caption}
        </figcaption>
        <button
          type="button"
          className="chart-toggle"
          data-testid="chart-table-toggle"
          aria-pressed={showTable}
          aria-controls={tableId}
          title={showTable ? 'Show the chart' : 'Show the figures as a table'}
          onClick={() => setShowTable((s) => !s)}
        >
          {showTable ? 'Chart' : 'Table'}
        </button>
      </div>
      <div className={`chart-area ${showTable ? 'is-hidden' : ''}`} style={{ height }}>
        <canvas
          ref={canvas}
          role="img"
          aria-label={label}
          data-testid={canvasTestId ?? `${testId}-canvas`}
        />
      </div>
      {/* No .table-wrap while hidden (a clipped table is no overflow); shown, it scrolls in its
          own box, focusable so the keyboard can scroll it. */}
      <div
        id={tableId}
        className={showTable ? 'chart-table table-wrap' : 'chart-table sr-only'}
        {...(showTable ? { tabIndex: 0, role: 'region', 'aria-label': `${label} (table)` } : {})}
      >
        <table className="grid compact" data-testid={`${testId}-table`}>
          <caption className="sr-only">{label}</caption>
          <thead>
            <tr>
              {table.columns.map((c) => (
                <th key={c.id} scope="col" className={c.numeric ? 'n' : undefined} title={c.title}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r.key} data-testid={`${testId}-row`} data-key={r.key}>
                {table.columns.map((c, i) =>
                  i === 0 ? (
                    <th key={c.id} scope="row" data-col={c.id} className="strong">
                      {r.cells[c.id] ?? ''}
                    </th>
                  ) : (
                    <td key={c.id} data-col={c.id} className={c.numeric ? 'n' : undefined}>
                      {r.cells[c.id] ?? ''}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {table.note ? <p className="small muted chart-table-note">{table.note}</p> : null}
      </div>
      {footnote ? <div className="chart-foot small muted">{footnote}</div> : null}
    </figure>
  );
}
