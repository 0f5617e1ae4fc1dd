/**
 * Histogram of simulated terminal wealth per 1 invested (Monte Carlo tab), from the engine's
 * `monte_carlo.terminal_histogram`: bin k is [edges[k], edges[k+1]) with counts[k] paths.
 * Bins wholly below 1 (a loss) are red, bins wholly above are blue, the bin holding 1 is grey.
 */
import type { ChartConfiguration } from 'chart.js';
import type { MonteCarloResult } from '../../../src/contract/rebalance';
import { num, pct } from '../../shared/format';
import { Empty } from '../../shared/ui';
import { ChartFigure, type ChartTable } from '../../shared/charts/Chart';
import { axis, baseOptions } from '../../shared/charts/options';
import { withAlpha, type ChartTheme } from '../../shared/charts/theme';

type Histogram = MonteCarloResult['terminal_histogram'];
type Cfg = ChartConfiguration<'bar', number[], string>;

/** One bin's edges; the last edge when a bin has no right edge (never with a valid answer). */
function bin(h: Histogram, k: number): [number, number] {
  const lo = h.edges[k] ?? Number.NaN;
  return [lo, h.edges[k + 1] ?? lo];
}

function buildHistogram(h: Histogram, t: ChartTheme): Cfg {
  const base = baseOptions<'bar'>(t);
  const colours = h.counts.map((_, k) => {
    const [lo, hi] = bin(h, k);
    if (hi <= 1 && lo < 1) return withAlpha(t.neg, 0.7);
    if (lo >= 1 && hi > 1) return withAlpha(t.accent, 0.7);
    return withAlpha(t.muted, 0.7);
  });
  return {
    type: 'bar',
    data: {
      labels: h.counts.map((_, k) => num(bin(h, k)[0], 3)),
      datasets: [
        {
          label: 'paths',
          data: h.counts,
          backgroundColor: colours,
          borderColor: colours,
          borderWidth: 0,
          barPercentage: 1,
          categoryPercentage: 1,
        },
      ],
    },
    options: {
      ...base,
      plugins: {
        ...base.plugins,
        legend: { display: false },
        tooltip: {
          ...base.plugins?.tooltip,
          callbacks: {
            title: (items) => {
              const [lo, hi] = bin(h, items[0]?.dataIndex ?? 0);
              return `${num(lo, 4)} to ${num(hi, 4)} per 1 invested`;
            },
            label: (i) => `${i.parsed.y ?? 0} paths`,
          },
        },
      },
      scales: {
        x: {
          ...axis(t, 'terminal wealth per 1 invested (bin from)', { grid: false }),
          ticks: { ...axis(t, '').ticks, maxTicksLimit: 10, maxRotation: 0 },
        },
        y: { ...axis(t, 'paths'), beginAtZero: true },
      },
    },
  };
}

function histogramTable(h: Histogram): ChartTable {
  const total = h.counts.reduce((a, b) => a + b, 0);
  return {
    columns: [
      { id: 'from', label: 'From' },
      { id: 'to', label: 'To', numeric: true },
      { id: 'paths', label: 'Paths', numeric: true },
      { id: 'share', label: 'Share', numeric: true },
    ],
    rows: h.counts.map((c, k) => {
      const [lo, hi] = bin(h, k);
      return {
        key: String(k),
        cells: {
          from: num(lo, 4),
          to: num(hi, 4),
          paths: c.toLocaleString('en-US'),
          share: pct(total > 0 ? c / total : null, 2),
        },
      };
    }),
    note: 'terminal wealth per 1 invested; each bin includes its lower edge (the last also its upper)',
  };
}

/** The terminal-value histogram, or why there is none (runs saved before it existed). */
export function TerminalHistogram({ mc }: { mc: MonteCarloResult }) {
  // Runs saved before the histogram existed have no `terminal_histogram` key.
  const h = (mc.terminal_histogram as Histogram | undefined) ?? null;
  if (h === null || h.counts.length === 0) {
    return (
      <Empty testId="chart-mc-histogram-none">
        Terminal-value histogram: not available for this run (saved before the engine reported it;
        replay the run to compute it).
      </Empty>
    );
  }
  return (
    <ChartFigure
      testId="chart-mc-histogram"
      label={`Histogram of simulated terminal wealth per 1 invested after ${mc.horizon_days} trading days, ${mc.paths} paths in ${h.counts.length} bins`}
      caption={
        <>
          Terminal value{' '}
          <span className="muted">· paths per bin after {mc.horizon_days} days; red = loss</span>
        </>
      }
      data={h}
      build={buildHistogram}
      table={histogramTable(h)}
      height={220}
    />
  );
}
