/**
 * Monte Carlo fan chart of simulated wealth per 1 invested: the p5–p95 band, the p25–p75 band
 * and the median, day 0 to the horizon. Bands fill between consecutive datasets (Filler '-1').
 */
import type { ChartConfiguration } from 'chart.js';
import type { MonteCarloResult } from '../../src/contract/rebalance';
import { num } from '../shared/format';
import { ChartFigure, type ChartTable } from '../shared/charts/Chart';
import { axis, baseOptions } from '../shared/charts/options';
import { withAlpha, type ChartTheme } from '../shared/charts/theme';

type Band = MonteCarloResult['bands'][number];
type Key = 'p5' | 'p25' | 'p50' | 'p75' | 'p95';
const KEYS: Key[] = ['p5', 'p25', 'p50', 'p75', 'p95'];

function buildFan(
  mc: MonteCarloResult,
  t: ChartTheme,
): ChartConfiguration<'line', number[], string> {
  const labels = mc.bands.map((b) => String(b.day));
  const series = (k: Key) => mc.bands.map((b) => b[k]);
  const outer = withAlpha(t.accent, 0.14);
  const inner = withAlpha(t.accent, 0.32);
  const edge = { borderWidth: 0, pointRadius: 0, tension: 0.2 };
  const base = baseOptions<'line'>(t);
  return {
    type: 'line',
    data: {
      labels,
      datasets: [
        { label: 'p5', data: series('p5'), ...edge, fill: false, backgroundColor: outer },
        { label: 'p5–p95', data: series('p95'), ...edge, fill: '-1', backgroundColor: outer },
        { label: 'p25', data: series('p25'), ...edge, fill: false, backgroundColor: inner },
        { label: 'p25–p75', data: series('p75'), ...edge, fill: '-1', backgroundColor: inner },
        {
          label: 'median',
          data: series('p50'),
          borderColor: t.accent,
          borderWidth: 2,
          pointRadius: 0,
          tension: 0.2,
          fill: false,
          backgroundColor: t.accent,
        },
      ],
    },
    options: {
      ...base,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        ...base.plugins,
        legend: {
          ...base.plugins?.legend,
          labels: {
            ...base.plugins?.legend?.labels,
            // The band edges p5 and p25 are drawn but need no legend entry of their own.
            filter: (item) => item.text !== 'p5' && item.text !== 'p25',
          },
        },
        tooltip: {
          ...base.plugins?.tooltip,
          callbacks: {
            title: (items) => `day ${items[0]?.label ?? ''}`,
            label: (item) => {
              const name = ['p5', 'p95', 'p25', 'p75', 'p50'][item.datasetIndex] ?? '';
              return `${name}: ${(item.parsed.y ?? 0).toFixed(4)}`;
            },
          },
        },
      },
      scales: {
        x: axis(t, 'trading day', { grid: false, maxTicks: 12 }),
        y: axis(t, 'wealth per 1 invested', { tickFormat: (v) => v.toFixed(3) }),
      },
    },
  };
}

/** Days the table lists: all up to 253 rows, else every k-th day and always the horizon. */
function tableBands(bands: readonly Band[]): Band[] {
  if (bands.length <= 253) return [...bands];
  const step = Math.ceil(bands.length / 250);
  return bands.filter((_, i) => i % step === 0 || i === bands.length - 1);
}

function fanTable(mc: MonteCarloResult): ChartTable {
  const rows = tableBands(mc.bands);
  return {
    columns: [
      { id: 'day', label: 'Day' },
      ...KEYS.map((k) => ({ id: k, label: k === 'p50' ? 'Median' : k, numeric: true })),
    ],
    rows: rows.map((b) => ({
      key: String(b.day),
      cells: {
        day: String(b.day),
        ...Object.fromEntries(KEYS.map((k) => [k, num(b[k], 4)])),
      },
    })),
    note:
      rows.length < mc.bands.length
        ? `one row every ${rows[1]?.day ?? 1} trading days and the horizon (day ${mc.horizon_days}); wealth per 1 invested`
        : 'wealth per 1 invested',
  };
}

/** The fan chart with its table (percentiles per day) through the shared chart wrapper. */
export function FanChart({ mc }: { mc: MonteCarloResult }) {
  return (
    <ChartFigure
      testId="chart-mc-fan"
      canvasTestId="fan-chart"
      label={`Monte Carlo fan chart of the proposed portfolio: 5th, 25th, 50th, 75th and 95th percentile of wealth per 1 invested, ${mc.paths} paths over ${mc.horizon_days} trading days`}
      caption="Simulated wealth per 1 invested"
      data={mc}
      build={buildFan}
      table={fanTable(mc)}
      height={320}
    />
  );
}
