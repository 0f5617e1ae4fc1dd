/**
 * Allocation per asset (Portfolio & drift tab): current, policy target and proposed weight as
 * grouped bars, straight from the `weights` rows of the answer.
 */
import type { ChartConfiguration } from 'chart.js';
import { pct } from '../../shared/format';
import type { Weight } from '../../shared/types';
import { ChartFigure, type ChartTable } from '../../shared/charts/Chart';
import { axis, baseOptions, withTooltipLabel, pctTick } from '../../shared/charts/options';
import { withAlpha, type ChartTheme } from '../../shared/charts/theme';

type Cfg = ChartConfiguration<'bar', number[], string>;

function buildAllocation(rows: readonly Weight[], t: ChartTheme): Cfg {
  const base = baseOptions<'bar'>(t);
  const bar = { borderWidth: 1, barPercentage: 0.85, categoryPercentage: 0.75 };
  return {
    type: 'bar',
    data: {
      labels: rows.map((w) => w.asset),
      datasets: [
        {
          label: 'Current',
          data: rows.map((w) => w.current_weight),
          backgroundColor: withAlpha(t.muted, 0.55),
          borderColor: t.muted,
          ...bar,
        },
        {
          // Outlined: the target is the reference the other two are read against.
          label: 'Target',
          data: rows.map((w) => w.target_weight),
          backgroundColor: withAlpha(t.ink, 0.06),
          borderColor: t.ink2,
          ...bar,
          borderWidth: 1.5,
        },
        {
          label: 'Proposed',
          data: rows.map((w) => w.proposed_weight),
          backgroundColor: t.accent,
          borderColor: t.accent,
          ...bar,
        },
      ],
    },
    options: {
      ...base,
      interaction: { mode: 'index', intersect: false },
      plugins: withTooltipLabel(base, (i) => `${i.dataset.label ?? ''}: ${pct(i.parsed.y)}`),
      scales: {
        x: axis(t, '', { grid: false }),
        y: { ...axis(t, 'weight', { tickFormat: pctTick }), beginAtZero: true },
      },
    },
  };
}

function allocationTable(rows: readonly Weight[]): ChartTable {
  return {
    columns: [
      { id: 'asset', label: 'Asset' },
      { id: 'current', label: 'Current', numeric: true },
      { id: 'target', label: 'Target', numeric: true },
      { id: 'proposed', label: 'Proposed', numeric: true },
    ],
    rows: rows.map((w) => ({
      key: w.asset,
      cells: {
        asset: w.asset,
        current: pct(w.current_weight),
        target: pct(w.target_weight),
        proposed: pct(w.proposed_weight),
      },
    })),
  };
}

/** Grouped bars of current, target and proposed weight per asset, with the table fallback. */
export function AllocationChart({ weights }: { weights: readonly Weight[] }) {
  return (
    <ChartFigure
      testId="chart-allocation"
      label={`Allocation per asset: current, target and proposed weight of ${weights.length} assets, grouped bars`}
      caption={
        <>
          Allocation <span className="muted">· current, target, proposed</span>
        </>
      }
      data={weights}
      build={buildAllocation}
      table={allocationTable(weights)}
      height={240}
    />
  );
}
