/**
 * Efficient frontier of an optimizer run (Optimizer tab), from `runFrontier`
 * (GET /api/runs/{run_id}/frontier): the minimum-variance portfolios for evenly spaced return
 * targets as a line in (annual volatility, annual expected return), with the current, target,
 * proposed, max-Sharpe and minimum-variance portfolios marked and labelled. The engine's notes
 * (what μ and Σ are, markers outside the constraints) are shown under the chart as text.
 */
import { useId } from 'react';
import type { ChartConfiguration, Plugin } from 'chart.js';
import type { FrontierMarker, RunFrontierResponse } from '../../../src/contract/analytics';
import { call } from '../../shared/api';
import { ErrorBox } from '../../shared/ErrorBox';
import { pct } from '../../shared/format';
import type { RebalanceResponse } from '../../shared/types';
import { useData } from '../../shared/useData';
import { Empty } from '../../shared/ui';
import { ChartFigure, type ChartTable } from '../../shared/charts/Chart';
import { axis, baseOptions, chartFont, pctTick } from '../../shared/charts/options';
import { withAlpha, type ChartTheme } from '../../shared/charts/theme';

type Point = { x: number; y: number };
type Cfg = ChartConfiguration<'scatter', Point[], unknown>;
type MarkerName = FrontierMarker['name'];

/** Frontier points asked for (the engine allows 5–60). */
const POINTS = 25;

export const MARKER_LABEL: Record<MarkerName, string> = {
  current: 'Current',
  target: 'Target',
  proposed: 'Proposed',
  max_sharpe: 'Max Sharpe',
  min_variance: 'Min variance',
};

/** Colour and point shape of each marker; the proposed portfolio is the largest. */
function markerStyle(name: MarkerName, t: ChartTheme) {
  switch (name) {
    case 'proposed':
      return { color: t.accent, pointStyle: 'circle', radius: 7 };
    case 'current':
      return { color: t.muted, pointStyle: 'rect', radius: 6 };
    case 'target':
      return { color: t.ink2, pointStyle: 'triangle', radius: 7 };
    case 'max_sharpe':
      return { color: t.pos, pointStyle: 'star', radius: 8 };
    default:
      return { color: t.warn, pointStyle: 'rectRot', radius: 6 };
  }
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Draws each marker's name beside it, so the chart reads without the legend. */
function markerLabels(t: ChartTheme): Plugin<'scatter'> {
  return {
    id: 'markerLabels',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.font = `${chartFont(t).size}px ${chartFont(t).family ?? 'sans-serif'}`;
      ctx.fillStyle = t.ink;
      ctx.textBaseline = 'middle';
      const area = chart.chartArea;
      const placed: Box[] = [];
      chart.data.datasets.forEach((ds, i) => {
        if (i === 0 || !chart.isDatasetVisible(i)) return;
        const el = chart.getDatasetMeta(i).data[0];
        if (!el) return;
        const text = String(ds.label ?? '');
        const w = ctx.measureText(text).width;
        const h = chartFont(t).size + 2;
        // Right-above, right-below, left-above, left-below: the first that stays inside the
        // plot and clear of the labels already drawn (markers often sit close together).
        const options: Box[] = [
          { x: el.x + 9, y: el.y - 9 - h / 2, w, h },
          { x: el.x + 9, y: el.y + 9 - h / 2, w, h },
          { x: el.x - 9 - w, y: el.y - 9 - h / 2, w, h },
          { x: el.x - 9 - w, y: el.y + 9 - h / 2, w, h },
          { x: el.x + 9, y: el.y - 2 * h - h / 2, w, h },
          { x: el.x - 9 - w, y: el.y + 2 * h - h / 2, w, h },
        ];
        const inside = (b: Box) =>
          b.x >= area.left &&
          b.x + b.w <= area.right &&
          b.y >= area.top &&
          b.y + b.h <= area.bottom;
        const box =
          options.find((b) => inside(b) && !placed.some((p) => overlaps(p, b))) ??
          options.find(inside) ??
          (options[0] as Box);
        placed.push(box);
        ctx.fillText(text, box.x, box.y + h / 2);
      });
      ctx.restore();
    },
  };
}

function buildFrontier(f: RunFrontierResponse, t: ChartTheme): Cfg {
  const base = baseOptions<'scatter'>(t);
  return {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'Efficient frontier',
          data: f.points.map((p) => ({ x: p.volatility, y: p.expected_return })),
          showLine: true,
          borderColor: t.accent,
          backgroundColor: withAlpha(t.accent, 0.5),
          borderWidth: 2,
          pointRadius: 2,
          tension: 0,
          order: 9,
        },
        ...f.markers.map((m) => {
          const s = markerStyle(m.name, t);
          return {
            label: MARKER_LABEL[m.name],
            data: [{ x: m.volatility, y: m.expected_return }],
            pointStyle: s.pointStyle,
            pointRadius: s.radius,
            pointHoverRadius: s.radius + 1,
            backgroundColor: s.color,
            // A star is drawn with strokes only: it needs its colour on the border.
            borderColor: s.pointStyle === 'star' ? s.color : t.panel,
            borderWidth: s.pointStyle === 'star' ? 2 : 1,
            order: 1,
          };
        }),
      ],
    },
    options: {
      ...base,
      plugins: {
        ...base.plugins,
        legend: {
          ...base.plugins?.legend,
          labels: { ...base.plugins?.legend?.labels, usePointStyle: true },
        },
        tooltip: {
          ...base.plugins?.tooltip,
          callbacks: {
            label: (i) =>
              `${i.dataset.label ?? ''}: volatility ${pct(i.parsed.x)}, expected return ${pct(i.parsed.y)}`,
          },
        },
      },
      scales: {
        // grace: room around the outermost points so markers and their labels are not cut.
        x: {
          ...axis(t, 'volatility (annual)', { tickFormat: pctTick }),
          type: 'linear',
          grace: '8%',
        },
        y: { ...axis(t, 'expected return (annual)', { tickFormat: pctTick }), grace: '8%' },
      },
    },
    plugins: [markerLabels(t)],
  };
}

function frontierTable(f: RunFrontierResponse): ChartTable {
  return {
    columns: [
      { id: 'portfolio', label: 'Portfolio' },
      { id: 'volatility', label: 'Volatility', numeric: true },
      { id: 'expected_return', label: 'Expected return', numeric: true },
    ],
    rows: [
      ...f.markers.map((m) => ({
        key: `marker-${m.name}`,
        cells: {
          portfolio: MARKER_LABEL[m.name],
          volatility: pct(m.volatility),
          expected_return: pct(m.expected_return),
        },
      })),
      ...f.points.map((p, i) => ({
        key: `point-${i}`,
        cells: {
          portfolio: `Frontier point ${i + 1}`,
          volatility: pct(p.volatility),
          expected_return: pct(p.expected_return),
        },
      })),
    ],
    note: 'annual figures; frontier points from the minimum-variance portfolio up to the largest attainable return',
  };
}

/** The frontier block of the Optimizer tab: loads the frontier of the run and draws it. */
export function FrontierSection({ r }: { r: RebalanceResponse }) {
  const runId = r.run_id ?? null;
  // Without an aligned history there is no Σ: the engine refuses, so do not ask.
  const hasHistory = r.risk_metrics.source !== 'market_return';
  const titleId = useId();
  const { data } = useData(
    () =>
      runId !== null && hasHistory ? call('runFrontier', { run_id: runId, points: POINTS }) : null,
    [runId, hasHistory],
  );
  let body;
  if (!hasHistory || runId === null) {
    body = (
      <Empty testId="frontier-none">
        Efficient frontier: not available for this run:{' '}
        {runId === null
          ? 'this answer was not saved as a run.'
          : 'it needs a daily history for every asset to estimate the covariance.'}
      </Empty>
    );
  } else if (data.state === 'error') {
    body = (
      <ErrorBox
        error={data.error}
        title="The efficient frontier could not be computed"
        testId="frontier-error"
      />
    );
  } else if (data.value === null || data.value.run_id !== runId) {
    body = (
      <div className="muted small" data-testid="frontier-loading">
        Computing the efficient frontier…
      </div>
    );
  } else {
    const f = data.value;
    body = (
      <ChartFigure
        testId="chart-frontier"
        label={`Efficient frontier: expected return against volatility of ${f.points.length} minimum-variance portfolios, with the ${f.markers.map((m) => MARKER_LABEL[m.name].toLowerCase()).join(', ')} portfolios marked`}
        caption={
          <>
            Efficient frontier{' '}
            <span className="muted">
              · annual expected return vs volatility, risk-free {pct(f.risk_free_rate)}
            </span>
          </>
        }
        data={f}
        build={buildFrontier}
        table={frontierTable(f)}
        height={300}
        footnote={
          f.notes.length > 0 ? (
            <ul className="notes-list" data-testid="frontier-notes">
              {f.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          ) : null
        }
      />
    );
  }
  return (
    <section
      className="block"
      aria-labelledby={titleId}
      data-testid="frontier-section"
      data-state={hasHistory && runId !== null ? data.state : 'none'}
    >
      <h3 className="sub-title" id={titleId}>
        Efficient frontier
      </h3>
      {body}
    </section>
  );
}
