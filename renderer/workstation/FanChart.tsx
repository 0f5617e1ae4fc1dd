import { useEffect, useRef } from 'react';
import {
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import type { MonteCarloResult } from '../../src/contract/rebalance';

// Only what a line chart with filled bands needs: keeps the bundle small (tree-shaken).
Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  CategoryScale,
  Filler,
  Tooltip,
  Legend,
);

const OUTER = 'rgba(37, 99, 235, 0.12)';
const INNER = 'rgba(37, 99, 235, 0.28)';
const LINE = 'rgb(29, 78, 216)';

/**
 * Fan chart of simulated wealth per 1 invested: the p5–p95 band, the p25–p75 band and the
 * median, day 0 to the horizon. Bands fill between consecutive datasets (Filler '-1').
 */
export function FanChart({ mc }: { mc: MonteCarloResult }) {
  const canvas = useRef<HTMLCanvasElement | null>(null);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const labels = mc.bands.map((b) => String(b.day));
    const series = (k: 'p5' | 'p25' | 'p50' | 'p75' | 'p95') => mc.bands.map((b) => b[k]);
    const edge = { borderWidth: 0, pointRadius: 0, tension: 0.2 };
    const config: ChartConfiguration<'line', number[], string> = {
      type: 'line',
      data: {
        labels,
        datasets: [
          { label: 'p5', data: series('p5'), ...edge, fill: false, backgroundColor: OUTER },
          { label: 'p5–p95', data: series('p95'), ...edge, fill: '-1', backgroundColor: OUTER },
          { label: 'p25', data: series('p25'), ...edge, fill: false, backgroundColor: INNER },
          { label: 'p25–p75', data: series('p75'), ...edge, fill: '-1', backgroundColor: INNER },
          {
            label: 'median',
            data: series('p50'),
            borderColor: LINE,
            borderWidth: 2,
            pointRadius: 0,
            tension: 0.2,
            fill: false,
            backgroundColor: LINE,
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        plugins: {
          legend: {
            position: 'bottom',
            labels: {
              boxWidth: 14,
              font: { size: 11 },
              // The band edges p5 and p25 are drawn but need no legend entry of their own.
              filter: (item) => item.text !== 'p5' && item.text !== 'p25',
            },
          },
          tooltip: {
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
          x: {
            title: { display: true, text: 'trading day', font: { size: 11 } },
            ticks: { maxTicksLimit: 12, font: { size: 11 } },
            grid: { display: false },
          },
          y: {
            title: { display: true, text: 'wealth per 1 invested', font: { size: 11 } },
            ticks: { font: { size: 11 }, callback: (v) => Number(v).toFixed(3) },
          },
        },
      },
    };
    const chart = new Chart(el, config);
    return () => chart.destroy();
  }, [mc]);

  return (
    <div className="chart-box">
      <canvas
        ref={canvas}
        data-testid="fan-chart"
        role="img"
        aria-label={`Monte Carlo fan chart, ${mc.paths} paths over ${mc.horizon_days} days`}
      />
    </div>
  );
}
