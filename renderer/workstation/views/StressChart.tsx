/**
 * Stress-test P&L per scenario (Risk tab): the current and the proposed book side by side, as a
 * fraction of the portfolio (`pnl_pct`), horizontal bars so long scenario names stay readable.
 * The table also gives the P&L in currency.
 */
import type { ChartConfiguration } from 'chart.js';
import { money, spct } from '../../shared/format';
import type { StressResult } from '../../shared/types';
import { ChartFigure, type ChartTable } from '../../shared/charts/Chart';
import { axis, baseOptions, withTooltipLabel, pctTick } from '../../shared/charts/options';
import { withAlpha, type ChartTheme } from '../../shared/charts/theme';

type Cfg = ChartConfiguration<'bar', number[], string>;

function buildStress(tests: readonly StressResult[], t: ChartTheme): Cfg {
  const base = baseOptions<'bar'>(t);
  return {
    type: 'bar',
    data: {
      labels: tests.map((s) => s.name),
      datasets: [
        {
          label: 'Current',
          data: tests.map((s) => s.current.pnl_pct),
          backgroundColor: withAlpha(t.muted, 0.55),
          borderColor: t.muted,
          borderWidth: 1,
        },
        {
          label: 'Proposed',
          data: tests.map((s) => s.proposed.pnl_pct),
          backgroundColor: t.accent,
          borderColor: t.accent,
          borderWidth: 1,
        },
      ],
    },
    options: {
      ...base,
      indexAxis: 'y',
      interaction: { mode: 'index', intersect: false },
      plugins: withTooltipLabel(base, (i) => `${i.dataset.label ?? ''}: ${spct(i.parsed.x)}`),
      scales: {
        x: axis(t, 'P&L, share of the portfolio (negative = loss)', { tickFormat: pctTick }),
        y: axis(t, '', { grid: false }),
      },
    },
  };
}

function stressTable(tests: readonly StressResult[], ccy: string): ChartTable {
  return {
    columns: [
      { id: 'scenario', label: 'Scenario' },
      { id: 'current_pct', label: 'Current %', numeric: true },
      { id: 'proposed_pct', label: 'Proposed %', numeric: true },
      { id: 'current_pnl', label: 'Current P&L', numeric: true },
      { id: 'proposed_pnl', label: 'Proposed P&L', numeric: true },
    ],
    rows: tests.map((s) => ({
      key: s.name,
      cells: {
        scenario: s.name,
        current_pct: spct(s.current.pnl_pct),
        proposed_pct: spct(s.proposed.pnl_pct),
        current_pnl: money(s.current.pnl, ccy, 0),
        proposed_pnl: money(s.proposed.pnl, ccy, 0),
      },
    })),
  };
}

/** Horizontal grouped bars of stress P&L, current vs proposed, with the table fallback. */
export function StressChart({
  tests,
  currency,
}: {
  tests: readonly StressResult[];
  currency: string;
}) {
  return (
    <ChartFigure
      testId="chart-stress"
      label={`Stress-test P&L per scenario as a share of the portfolio, current versus proposed book, ${tests.length} scenarios`}
      caption={
        <>
          Stress-test P&amp;L <span className="muted">· current vs proposed, % of portfolio</span>
        </>
      }
      data={tests}
      build={buildStress}
      table={stressTable(tests, currency)}
      // One pair of bars per scenario plus axis and legend.
      height={Math.max(160, 70 + 34 * tests.length)}
    />
  );
}
