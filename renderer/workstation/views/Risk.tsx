import { DASH, num, pct, sourceLabel } from '../../shared/format';
import type { RebalanceResponse, Warning } from '../../shared/types';
import type { RiskMetrics } from '../../../src/contract/rebalance';
import { Empty, signClass } from '../../shared/ui';
import { StressTests } from './Stress';
import { PerformanceSection } from './PerformanceCharts';
import { RiskContributionChart } from './RiskContributionChart';

type Key = Exclude<keyof RiskMetrics, 'source'>;

interface Row {
  key: Key;
  label: string;
  fmt: (x: number | null) => string;
  /** Unit of the difference column. */
  diff: 'pp' | 'num' | 'int';
  help: string;
}

const pct2 = (x: number | null) => pct(x, 2);
const num2 = (x: number | null) => num(x, 2);
const int = (x: number | null) => (x === null ? DASH : String(x));

/** Every metric of RiskMetrics, in the order an analyst reads them. */
export const RISK_ROWS: Row[] = [
  {
    key: 'expected_annual_return',
    label: 'Expected return (annual)',
    fmt: pct2,
    diff: 'pp',
    help: '252 × mean daily return; market_return when there is no history',
  },
  {
    key: 'volatility',
    label: 'Volatility (annual)',
    fmt: pct2,
    diff: 'pp',
    help: 'sample standard deviation of daily returns × √252',
  },
  {
    key: 'sharpe',
    label: 'Sharpe ratio',
    fmt: num2,
    diff: 'num',
    help: '(annual return − risk-free rate) / annual volatility',
  },
  {
    key: 'sortino',
    label: 'Sortino ratio',
    fmt: num2,
    diff: 'num',
    help: 'excess return / downside deviation below the daily risk-free rate, × √252',
  },
  {
    key: 'max_drawdown',
    label: 'Maximum drawdown',
    fmt: pct2,
    diff: 'pp',
    help: 'largest peak-to-trough fall of cumulated wealth, positive fraction',
  },
  {
    key: 'var_95',
    label: 'VaR 95% (1-day, historical)',
    fmt: pct2,
    diff: 'pp',
    help: 'loss not exceeded on 95% of days, positive = loss',
  },
  {
    key: 'cvar_95',
    label: 'CVaR 95% (1-day)',
    fmt: pct2,
    diff: 'pp',
    help: 'mean loss on the worst 5% of days',
  },
  {
    key: 'parametric_var_95',
    label: 'Parametric VaR 95% (normal)',
    fmt: pct2,
    diff: 'pp',
    help: 'normal approximation from mean and standard deviation',
  },
  {
    key: 'cornish_fisher_var_95',
    label: 'Cornish–Fisher VaR 95%',
    fmt: pct2,
    diff: 'pp',
    help: 'normal VaR adjusted for skewness and kurtosis',
  },
  {
    key: 'tracking_error',
    label: 'Tracking error to target (annual)',
    fmt: pct2,
    diff: 'pp',
    help: 'std of (portfolio − policy-target portfolio) daily returns × √252',
  },
  {
    key: 'beta',
    label: 'Beta to benchmark',
    fmt: num2,
    diff: 'num',
    help: 'covariance with the benchmark / benchmark variance',
  },
  {
    key: 'observations',
    label: 'Observations (days)',
    fmt: int,
    diff: 'int',
    help: 'daily returns used',
  },
];

/**
 * Warnings that explain missing risk figures: the engine prefixes those from the risk module
 * with "current portfolio:" / "proposed portfolio:", and reports absent asset history as
 * HISTORY_MISSING / HISTORY_TRUNCATED.
 */
export function riskWarnings(ws: readonly Warning[]): Warning[] {
  return ws.filter(
    (w) =>
      w.code === 'HISTORY_MISSING' ||
      w.code === 'HISTORY_TRUNCATED' ||
      /^(current|proposed) portfolio:/.test(w.message),
  );
}

/** Warning codes that, when present, explain a null in this metric specifically. */
const SPECIFIC: Partial<Record<Key, string[]>> = {
  sharpe: ['ZERO_VOLATILITY'],
  sortino: ['ZERO_DOWNSIDE_DEVIATION'],
  beta: ['ZERO_BENCHMARK_VARIANCE'],
};
const GENERAL = ['HISTORY_MISSING', 'NO_HISTORY', 'INSUFFICIENT_HISTORY', 'NON_FINITE_RESULT'];

/** The reasons, as text, why one metric is null (for the cell's tooltip). */
function explain(key: Key, notes: readonly Warning[], hasBenchmark: boolean): string {
  const codes = [...(SPECIFIC[key] ?? []), ...GENERAL];
  const hits = notes.filter((w) => codes.includes(w.code));
  const lines = hits.map((w) => `${w.code}: ${w.message}`);
  if (key === 'beta' && !hasBenchmark) lines.unshift(NO_BENCHMARK);
  return lines.join('\n') || 'The engine returned no figure and no warning explaining it.';
}

const NO_BENCHMARK =
  'no benchmark in the request: beta needs benchmark.prices aligned with price_history.dates';

function diffText(row: Row, a: number | null, b: number | null): string {
  if (a === null || b === null) return '';
  const d = b - a;
  if (row.diff === 'pp') {
    const v = Number((d * 100).toFixed(2));
    return `${v > 0 ? '+' : ''}${(v === 0 ? 0 : v).toFixed(2)} pp`;
  }
  if (row.diff === 'int') return d === 0 ? '0' : `${d > 0 ? '+' : ''}${d}`;
  const v = Number(d.toFixed(2));
  return `${v > 0 ? '+' : ''}${(v === 0 ? 0 : v).toFixed(2)}`;
}

/** Current and proposed portfolio side by side, every metric, with the reason for each gap. */
export function RiskView({ r, hasBenchmark }: { r: RebalanceResponse; hasBenchmark: boolean }) {
  const cur = r.risk_metrics;
  const pro = r.proposed_risk_metrics;
  const notes = riskWarnings(r.warnings);
  const anyNull = RISK_ROWS.some((row) => cur[row.key] === null || pro[row.key] === null);
  const betaNoBenchmark = !hasBenchmark && (cur.beta === null || pro.beta === null);
  return (
    <div data-testid="view-risk">
      <p className="caption">
        History: <strong data-testid="risk-source">{sourceLabel(cur.source)}</strong> ·{' '}
        {cur.observations} daily observations · 1-day VaR figures are positive loss fractions ·
        annualized with 252 trading days
      </p>
      <table className="grid risk" data-testid="risk-table">
        <thead>
          <tr>
            <th>Metric</th>
            <th className="n">Current</th>
            <th className="n">Proposed</th>
            <th className="n">Change</th>
            <th>Definition</th>
          </tr>
        </thead>
        <tbody>
          {RISK_ROWS.map((row) => {
            const a = cur[row.key];
            const b = pro[row.key];
            return (
              <tr key={row.key} data-testid="risk-row" data-metric={row.key}>
                <td className="strong">{row.label}</td>
                <td
                  className={`n ${a === null ? 'missing' : ''}`}
                  data-testid="risk-current"
                  title={a === null ? explain(row.key, notes, hasBenchmark) : undefined}
                >
                  {row.fmt(a)}
                </td>
                <td
                  className={`n ${b === null ? 'missing' : ''}`}
                  data-testid="risk-proposed"
                  title={b === null ? explain(row.key, notes, hasBenchmark) : undefined}
                >
                  {row.fmt(b)}
                </td>
                <td className={`n ${row.key === 'observations' ? '' : riskTone(row.key, a, b)}`}>
                  {diffText(row, a, b)}
                </td>
                <td className="muted small">{row.help}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {anyNull ? (
        <div className="notes" data-testid="risk-notes">
          <h3>Why some figures show “{DASH}”</h3>
          {notes.length === 0 && !betaNoBenchmark ? (
            <Empty>The engine returned no figure and no explanation for it.</Empty>
          ) : (
            <ul>
              {notes.map((w, i) => (
                <li key={i} data-testid="risk-note" data-code={w.code}>
                  <code>{w.code}</code>
                  {w.path ? <span className="path">{w.path}</span> : null} {w.message}
                </li>
              ))}
              {betaNoBenchmark ? (
                <li data-testid="risk-note" data-code="NO_BENCHMARK">
                  <code>no benchmark</code>{' '}
                  {NO_BENCHMARK.replace('no benchmark in the request: ', '')}{' '}
                  <span className="muted">(noted by the UI from the request)</span>
                </li>
              ) : null}
            </ul>
          )}
        </div>
      ) : null}
      <div className="block">
        <RiskContributionChart r={r} />
      </div>
      <PerformanceSection r={r} />
      <StressTests r={r} />
    </div>
  );
}

/** Green when the proposal improves the metric, red when it worsens it (direction per metric). */
function riskTone(key: Key, a: number | null, b: number | null): string {
  if (a === null || b === null || a === b) return '';
  const higherIsBetter = key === 'expected_annual_return' || key === 'sharpe' || key === 'sortino';
  const lowerIsBetter =
    key === 'volatility' ||
    key === 'var_95' ||
    key === 'cvar_95' ||
    key === 'parametric_var_95' ||
    key === 'cornish_fisher_var_95' ||
    key === 'tracking_error';
  if (key === 'max_drawdown') return signClass(Math.abs(a) - Math.abs(b));
  if (higherIsBetter) return signClass(b - a);
  if (lowerIsBetter) return signClass(a - b);
  return '';
}
