/**
 * Drift against the band per asset (Portfolio & drift tab). Everything is relative to the policy
 * target, in percentage points:
 * - the band: band_lower − target … band_upper − target (a floating bar; asymmetric when the
 *   lower edge is clipped at 0 weight);
 * - the drift before the trades: `drift` = current weight after the cash flow − target, red
 *   when the asset is outside its band;
 * - where the trades leave it: proposed weight − target (a marker).
 */
import type { ChartConfiguration } from 'chart.js';
import { pp } from '../../shared/format';
import type { Weight } from '../../shared/types';
import { ChartFigure, type ChartTable } from '../../shared/charts/Chart';
import { axis, baseOptions, withTooltipLabel } from '../../shared/charts/options';
import { withAlpha, type ChartTheme } from '../../shared/charts/theme';

type Cfg = ChartConfiguration<'bar' | 'line', (number | [number, number])[], string>;

/** Tick text of a weight difference in percentage points: 0.025 → "+2.5 pp". */
function ppTick(v: number): string {
  const p = Math.round(v * 1000) / 10;
  return `${p > 0 ? '+' : ''}${p === 0 ? 0 : p} pp`;
}

/** Band edges relative to the target: [band_lower − target, band_upper − target]. */
export function relativeBand(w: Weight): [number, number] {
  return [w.band_lower - w.target_weight, w.band_upper - w.target_weight];
}

function buildDrift(rows: readonly Weight[], t: ChartTheme): Cfg {
  const base = baseOptions<'bar' | 'line'>(t);
  return {
    type: 'bar',
    data: {
      labels: rows.map((w) => w.asset),
      datasets: [
        {
          type: 'line',
          label: 'After trades',
          data: rows.map((w) => w.proposed_weight - w.target_weight),
          showLine: false,
          pointStyle: 'rectRot',
          pointRadius: 5,
          pointHoverRadius: 6,
          backgroundColor: t.panel,
          borderColor: t.ink,
          borderWidth: 1.5,
          order: 0,
        },
        {
          type: 'bar',
          label: 'Drift before trades',
          data: rows.map((w) => w.drift),
          backgroundColor: rows.map((w) => (w.outside_band ? t.neg : t.accent)),
          borderColor: rows.map((w) => (w.outside_band ? t.neg : t.accent)),
          borderWidth: 1,
          barPercentage: 0.4,
          grouped: false,
          order: 1,
        },
        {
          type: 'bar',
          label: 'Band',
          data: rows.map(relativeBand),
          backgroundColor: withAlpha(t.accent, 0.12),
          borderColor: withAlpha(t.accent, 0.5),
          borderWidth: 1,
          borderSkipped: false,
          barPercentage: 0.85,
          grouped: false,
          order: 2,
        },
      ],
    },
    options: {
      ...base,
      interaction: { mode: 'index', intersect: false },
      plugins: withTooltipLabel(base, (i) => {
        const raw = i.raw;
        if (Array.isArray(raw)) return `Band: ${pp(raw[0])} to ${pp(raw[1])}`;
        return `${i.dataset.label ?? ''}: ${pp(typeof raw === 'number' ? raw : null)}`;
      }),
      scales: {
        x: axis(t, '', { grid: false }),
        y: axis(t, 'vs target', { tickFormat: ppTick }),
      },
    },
  };
}

function driftTable(rows: readonly Weight[]): ChartTable {
  return {
    columns: [
      { id: 'asset', label: 'Asset' },
      { id: 'drift', label: 'Drift', numeric: true, title: 'current after the cash flow − target' },
      { id: 'band_low', label: 'Band low', numeric: true, title: 'band_lower − target' },
      { id: 'band_high', label: 'Band high', numeric: true, title: 'band_upper − target' },
      { id: 'status', label: 'Before' },
      { id: 'after', label: 'After trades', numeric: true, title: 'proposed − target' },
      { id: 'post', label: 'After' },
    ],
    rows: rows.map((w) => {
      const [lo, hi] = relativeBand(w);
      return {
        key: w.asset,
        cells: {
          asset: w.asset,
          drift: pp(w.drift),
          band_low: pp(lo),
          band_high: pp(hi),
          status: w.outside_band ? 'outside' : 'inside',
          after: pp(w.proposed_weight - w.target_weight),
          post: w.post_trade_band_status,
        },
      };
    }),
    note: 'percentage points relative to the policy target',
  };
}

/** Drift bars inside the drawn band, with the post-trade position, and the table fallback. */
export function DriftChart({ weights }: { weights: readonly Weight[] }) {
  const outside = weights.filter((w) => w.outside_band).length;
  return (
    <ChartFigure
      testId="chart-drift"
      label={`Drift against the band per asset, in percentage points from target: band range, drift before the trades (${outside} of ${weights.length} outside) and position after the trades`}
      caption={
        <>
          Drift vs band <span className="muted">· pp from target; red = outside before trades</span>
        </>
      }
      data={weights}
      build={buildDrift}
      table={driftTable(weights)}
      height={240}
    />
  );
}
