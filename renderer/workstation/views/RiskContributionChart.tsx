/**
 * Risk contribution per asset (Risk tab): each asset's share of portfolio variance,
 * w_i (Σw)_i / wᵀΣw (Σ over assets = 1), for the current and the proposed weights, from the
 * answer's `risk_contributions`. Runs saved before the field existed do not have it, and a run
 * without history has nulls: both are said in words instead of an empty chart.
 */
import type { ChartConfiguration } from 'chart.js';
import type { RiskContribution } from '../../../src/contract/rebalance';
import { pct } from '../../shared/format';
import type { RebalanceResponse } from '../../shared/types';
import { Empty } from '../../shared/ui';
import { ChartFigure, type ChartTable } from '../../shared/charts/Chart';
import { axis, baseOptions, withTooltipLabel, pctTick } from '../../shared/charts/options';
import { withAlpha, type ChartTheme } from '../../shared/charts/theme';

type Cfg = ChartConfiguration<'bar', (number | null)[], string>;

function buildContribution(rows: readonly RiskContribution[], t: ChartTheme): Cfg {
  const base = baseOptions<'bar'>(t);
  return {
    type: 'bar',
    data: {
      labels: rows.map((c) => c.asset),
      datasets: [
        {
          label: 'Current',
          data: rows.map((c) => c.current),
          backgroundColor: withAlpha(t.muted, 0.55),
          borderColor: t.muted,
          borderWidth: 1,
        },
        {
          label: 'Proposed',
          data: rows.map((c) => c.proposed),
          backgroundColor: t.accent,
          borderColor: t.accent,
          borderWidth: 1,
        },
      ],
    },
    options: {
      ...base,
      interaction: { mode: 'index', intersect: false },
      plugins: withTooltipLabel(
        base,
        (i) => `${i.dataset.label ?? ''}: ${pct(i.parsed.y)} of variance`,
      ),
      scales: {
        x: axis(t, '', { grid: false }),
        y: axis(t, 'share of portfolio variance', { tickFormat: pctTick }),
      },
    },
  };
}

function contributionTable(rows: readonly RiskContribution[]): ChartTable {
  return {
    columns: [
      { id: 'asset', label: 'Asset' },
      { id: 'class', label: 'Class' },
      { id: 'current', label: 'Current', numeric: true },
      { id: 'proposed', label: 'Proposed', numeric: true },
    ],
    rows: rows.map((c) => ({
      key: c.asset,
      cells: {
        asset: c.asset,
        class: c.asset_class,
        current: pct(c.current),
        proposed: pct(c.proposed),
      },
    })),
    note: 'share of portfolio variance, w_i (Σw)_i / wᵀΣw; each column sums to 100%',
  };
}

/** Current vs proposed risk contribution per asset, or why there is none for this run. */
export function RiskContributionChart({ r }: { r: RebalanceResponse }) {
  // `?? null`: runs saved before the field existed have no `risk_contributions` key at all.
  const rows = (r.risk_contributions as RiskContribution[] | undefined) ?? null;
  if (rows === null) {
    return (
      <Empty testId="chart-risk-contribution-none">
        Risk contribution per asset: not available for this run (it was saved before the engine
        reported it; replay the run to compute it).
      </Empty>
    );
  }
  if (rows.length === 0 || rows.every((c) => c.current === null && c.proposed === null)) {
    return (
      <Empty testId="chart-risk-contribution-none">
        Risk contribution per asset: not available for this run: it needs a daily history for every
        asset (see the notes on missing figures).
      </Empty>
    );
  }
  return (
    <ChartFigure
      testId="chart-risk-contribution"
      label={`Risk contribution per asset: share of portfolio variance of ${rows.length} assets, current versus proposed weights`}
      caption={
        <>
          Risk contribution <span className="muted">· share of variance, current vs proposed</span>
        </>
      }
      data={rows}
      build={buildContribution}
      table={contributionTable(rows)}
      height={240}
    />
  );
}
