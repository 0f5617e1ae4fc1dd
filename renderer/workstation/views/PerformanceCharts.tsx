/**
 * Performance section of the Risk tab: cumulative return and drawdown of the current and the
 * proposed portfolio (and the benchmark when the request had one) over the run's price history,
 * from `runPerformance` (GET /api/runs/{run_id}/performance). Weights are held constant every
 * day (constant mix, cash at 0), the same series the risk metrics use, so the proposed
 * portfolio's maximum drawdown here equals the Risk table's.
 *
 * A history can be 7,000+ days: the data go to chart.js pre-parsed (`parsing: false`,
 * `normalized: true`, x = day index) and its min-max decimation draws at most about one point
 * per pixel column; the table fallback lists period ends (shared/charts/sample.ts).
 */
import { useId, useMemo } from 'react';
import type { ChartConfiguration } from 'chart.js';
import type { RunPerformanceResponse } from '../../../src/contract/analytics';
import { call } from '../../shared/api';
import { ErrorBox } from '../../shared/ErrorBox';
import { pct, spct } from '../../shared/format';
import type { RebalanceResponse } from '../../shared/types';
import { useData } from '../../shared/useData';
import { Empty } from '../../shared/ui';
import { ChartFigure, type ChartTable } from '../../shared/charts/Chart';
import { axis, baseOptions, pctTick } from '../../shared/charts/options';
import { PERIOD_WORD, periodEnds } from '../../shared/charts/sample';
import type { ChartTheme } from '../../shared/charts/theme';

type Series = RunPerformanceResponse['series'][number];
type Field = 'cumulative_return' | 'drawdown';
type Point = { x: number; y: number };
type Cfg = ChartConfiguration<'line', Point[], unknown>;

/** Most rows the table fallback lists (period ends beyond that). */
const MAX_TABLE_ROWS = 260;

/** Line colour and width of each series: proposed stands out (accent, thicker). */
function style(name: Series['name'], t: ChartTheme) {
  if (name === 'proposed') return { borderColor: t.accent, borderWidth: 2, borderDash: [] };
  // Solid: a dash pattern over thousands of daily points reads as noise.
  if (name === 'benchmark') return { borderColor: t.warn, borderWidth: 1.25, borderDash: [] };
  return { borderColor: t.muted, borderWidth: 1.5, borderDash: [] };
}

/** Axis tick of a day index: its date, to the month when the history spans over a year. */
function dateTick(dates: readonly string[], v: number): string {
  const d = dates[Math.round(v)] ?? '';
  return dates.length > 300 ? d.slice(0, 7) : d;
}

interface PerfData {
  perf: RunPerformanceResponse;
  field: Field;
}

function buildPerformance({ perf, field }: PerfData, t: ChartTheme): Cfg {
  const base = baseOptions<'line'>(t);
  const last = Math.max(0, perf.dates.length - 1);
  return {
    type: 'line',
    data: {
      datasets: perf.series.map((s) => ({
        label: s.label,
        data: s[field].map((y, x) => ({ x, y })),
        ...style(s.name, t),
        backgroundColor: style(s.name, t).borderColor,
        pointRadius: 0,
        pointHoverRadius: 3,
        tension: 0,
        fill: false,
      })),
    },
    options: {
      ...base,
      parsing: false,
      normalized: true,
      interaction: { mode: 'index', axis: 'x', intersect: false },
      plugins: {
        ...base.plugins,
        decimation: { enabled: true, algorithm: 'min-max' },
        legend: {
          ...base.plugins?.legend,
          labels: { ...base.plugins?.legend?.labels, usePointStyle: true, pointStyle: 'line' },
        },
        tooltip: {
          ...base.plugins?.tooltip,
          callbacks: {
            title: (items) => perf.dates[Math.round(items[0]?.parsed.x ?? 0)] ?? '',
            label: (i) => `${i.dataset.label ?? ''}: ${spct(i.parsed.y)}`,
          },
        },
      },
      scales: {
        x: {
          ...axis(t, '', { grid: false }),
          type: 'linear',
          min: 0,
          max: last,
          ticks: {
            ...axis(t, '').ticks,
            maxTicksLimit: 8,
            maxRotation: 0,
            callback: (v: number | string) => dateTick(perf.dates, Number(v)),
          },
        },
        y: axis(t, field === 'drawdown' ? 'drawdown from peak' : 'cumulative return', {
          tickFormat: pctTick,
        }),
      },
    },
  };
}

function performanceTable(perf: RunPerformanceResponse, field: Field): ChartTable {
  const { period, indices } = periodEnds(perf.dates, MAX_TABLE_ROWS);
  return {
    columns: [
      { id: 'date', label: 'Date' },
      ...perf.series.map((s) => ({ id: s.name, label: s.label, numeric: true })),
    ],
    rows: indices.map((i) => ({
      key: perf.dates[i] ?? String(i),
      cells: {
        date: perf.dates[i] ?? '',
        ...Object.fromEntries(perf.series.map((s) => [s.name, spct(s[field][i])])),
      },
    })),
    note:
      period === 'day'
        ? `every day of the history (${perf.dates.length} dates)`
        : `${PERIOD_WORD[period]} values of ${perf.dates.length.toLocaleString('en-US')} dates; the chart draws every day`,
  };
}

/** Total return and maximum drawdown of each series over the whole history. */
function Summary({ perf }: { perf: RunPerformanceResponse }) {
  const first = perf.dates[0] ?? '';
  const last = perf.dates[perf.dates.length - 1] ?? '';
  return (
    <table className="grid compact chart-summary" data-testid="perf-summary">
      <caption className="small muted">
        {first} → {last} · {perf.dates.length.toLocaleString('en-US')} dates · weights held constant
        every day (constant mix), cash earns 0
      </caption>
      <thead>
        <tr>
          <th scope="col">Series</th>
          <th scope="col" className="n">
            Total return
          </th>
          <th scope="col" className="n">
            Max drawdown
          </th>
        </tr>
      </thead>
      <tbody>
        {perf.series.map((s) => (
          <tr key={s.name} data-testid="perf-summary-row" data-series={s.name}>
            <th scope="row" className="strong">
              {s.label}
            </th>
            <td className="n" data-col="total_return">
              {spct(s.total_return)}
            </td>
            <td className="n" data-col="max_drawdown">
              {pct(s.max_drawdown)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The two charts of one answer of runPerformance. */
function PerformanceCharts({ perf }: { perf: RunPerformanceResponse }) {
  const cumulative = useMemo(() => ({ perf, field: 'cumulative_return' as const }), [perf]);
  const drawdown = useMemo(() => ({ perf, field: 'drawdown' as const }), [perf]);
  const names = perf.series.map((s) => s.label.toLowerCase()).join(', ');
  const span = `${perf.dates[0] ?? ''} to ${perf.dates[perf.dates.length - 1] ?? ''}`;
  return (
    <>
      <Summary perf={perf} />
      {/* Stacked, full width: a long daily history needs the width more than a bar chart. */}
      <div>
        <ChartFigure
          testId="chart-performance"
          label={`Cumulative return over the price history, ${span}: ${names}`}
          caption={
            <>
              Cumulative return <span className="muted">· from the first date</span>
            </>
          }
          data={cumulative}
          build={buildPerformance}
          table={performanceTable(perf, 'cumulative_return')}
          height={220}
        />
        <ChartFigure
          testId="chart-drawdown"
          label={`Drawdown from the running peak over the price history, ${span}: ${names}`}
          caption={
            <>
              Drawdown <span className="muted">· fall from the running peak</span>
            </>
          }
          data={drawdown}
          build={buildPerformance}
          table={performanceTable(perf, 'drawdown')}
          height={220}
        />
      </div>
    </>
  );
}

/**
 * The Performance block: loads the series of the run (by run_id) and shows them, or says why
 * there are none. Only runs whose every asset has dated prices have a performance history.
 */
export function PerformanceSection({ r }: { r: RebalanceResponse }) {
  const runId = r.run_id ?? null;
  // The engine refuses (422) without dated prices for every asset: do not ask then.
  const dated = r.risk_metrics.source === 'price_history';
  const { data } = useData(
    () => (runId !== null && dated ? call('runPerformance', { run_id: runId }) : null),
    [runId, dated],
  );
  const titleId = useId();
  let body;
  if (!dated) {
    body = (
      <Empty testId="perf-none">
        Performance history: not available for this run: it needs dated prices (price_history) for
        every asset, and this request has{' '}
        {r.risk_metrics.source === 'historical_returns'
          ? 'returns without dates'
          : 'no history for some assets'}
        .
      </Empty>
    );
  } else if (runId === null) {
    body = (
      <Empty testId="perf-none">
        Performance history: not available: this answer was not saved as a run.
      </Empty>
    );
  } else if (data.state === 'error') {
    body = (
      <ErrorBox
        error={data.error}
        title="The performance history could not be computed"
        testId="perf-error"
      />
    );
  } else if (data.value === null || data.value.run_id !== runId) {
    body = (
      <div className="muted small" data-testid="perf-loading">
        Computing the performance history…
      </div>
    );
  } else {
    body = <PerformanceCharts perf={data.value} />;
  }
  return (
    <section
      className="block perf"
      aria-labelledby={titleId}
      data-testid="perf-section"
      data-state={dated && runId !== null ? data.state : 'none'}
    >
      <div className="block-head">
        <h3 className="sub-title" id={titleId}>
          Performance
        </h3>
        <span className="muted small">
          current and proposed weights applied to the whole price history
        </span>
      </div>
      {body}
    </section>
  );
}
