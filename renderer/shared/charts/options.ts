/**
 * chart.js set-up shared by every chart: the pieces registered once (tree-shaken: only what the
 * workstation's bar, line and scatter charts use) and the option blocks every chart repeats —
 * no animation (tests and screenshots are deterministic), legend and axes in theme colours.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartOptions,
  type ChartType,
  type TooltipItem,
} from 'chart.js';
import type { ChartTheme } from './theme';

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  CategoryScale,
  LinearScale,
  Decimation,
  Filler,
  Tooltip,
  Legend,
);

export { Chart };

const FONT_SIZE = 11;

/** Font of ticks, legend and titles: the page's own family at 11 px. */
export function chartFont(t: ChartTheme) {
  return { family: t.font || undefined, size: FONT_SIZE };
}

/**
 * Options every chart starts from: responsive inside a fixed-height box, no animation, the
 * legend at the bottom in text colour. Spread it and add `scales`/`plugins` per chart.
 */
export function baseOptions<T extends ChartType>(t: ChartTheme): ChartOptions<T> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    color: t.ink2,
    borderColor: t.line,
    font: chartFont(t),
    plugins: {
      legend: {
        position: 'bottom',
        labels: { color: t.ink2, boxWidth: 14, font: chartFont(t) },
      },
      tooltip: { titleFont: chartFont(t), bodyFont: chartFont(t) },
    },
  } as ChartOptions<T>;
}

/**
 * `base.plugins` of a bar chart with the tooltip's label set: the one part of the plugins the bar
 * charts change.
 * Example: `plugins: withTooltipLabel(base, (i) => `${i.dataset.label}: ${pct(i.parsed.y)}`)`.
 */
export function withTooltipLabel(
  base: ChartOptions<'bar'>,
  label: (item: TooltipItem<'bar'>) => string,
): ChartOptions<'bar'>['plugins'] {
  return { ...base.plugins, tooltip: { ...base.plugins?.tooltip, callbacks: { label } } };
}

/** One axis in theme colours, with a title. `grid: false` hides its grid lines. */
export function axis(
  t: ChartTheme,
  title: string,
  extra: { grid?: boolean; tickFormat?: (v: number) => string; maxTicks?: number } = {},
) {
  return {
    title: { display: title !== '', text: title, color: t.muted, font: chartFont(t) },
    ticks: {
      color: t.muted,
      font: chartFont(t),
      ...(extra.maxTicks ? { maxTicksLimit: extra.maxTicks } : {}),
      ...(extra.tickFormat
        ? { callback: (v: number | string) => extra.tickFormat!(Number(v)) }
        : {}),
    },
    grid: { display: extra.grid !== false, color: t.line },
    border: { color: t.line2 },
  };
}

/** Tick text of a fraction as a percent: 0.125 → "12.5%", 0.1 → "10%". */
export function pctTick(v: number): string {
  const p = Math.round(v * 1000) / 10;
  return `${p === 0 ? 0 : p}%`;
}
