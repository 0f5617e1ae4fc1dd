/**
 * The KPI strip and the result tabs of one rebalance answer. Used for the live run (App) and for
 * a saved run opened from the history (views/Runs), so a saved run looks exactly like a new one.
 */
import type { ReactNode } from 'react';
import type { KnownApproval } from '../agents/agents';
import { money, pct } from '../shared/format';
import type { RebalanceResponse } from '../shared/types';
import { AgentsView } from '../agents/Agents';
import { DecisionBanner } from '../agents/Decision';
import { Exceptions } from './Exceptions';
import { DrilldownView } from './views/Drilldown';
import { HouseViewView } from './views/HouseView';
import { MonteCarloView } from './views/MonteCarlo';
import { OptimizerView } from './views/Optimizer';
import { PortfolioView } from './views/Portfolio';
import { RiskView, riskWarnings } from './views/Risk';
import { TradesView } from './views/Trades';
import { WarningsView } from './views/Warnings';
import { Kpi } from '../shared/Kpi';
import { Tabs } from '../shared/Tabs';

export const RESULT_TABS = [
  { id: 'portfolio', label: 'Portfolio & drift' },
  { id: 'trades', label: 'Trades' },
  { id: 'optimizer', label: 'Optimizer' },
  { id: 'risk', label: 'Risk' },
  { id: 'montecarlo', label: 'Monte Carlo' },
  { id: 'houseview', label: 'House view' },
  { id: 'drilldown', label: 'Drilldown' },
  { id: 'warnings', label: 'Warnings' },
  { id: 'agents', label: 'Agents' },
] as const;
export type ResultTab = (typeof RESULT_TABS)[number]['id'];

/**
 * The tabs a result has: Optimizer only when an optimized method produced a solver report;
 * Agents only when the result carries the agents' step records (runs saved before lack them).
 */
export function resultTabs(r: RebalanceResponse): (typeof RESULT_TABS)[number][] {
  // `?? null`: runs saved before the optimizer existed have no `optimization` key at all.
  const hasOpt = (r.optimization ?? null) !== null;
  const hasAgents = Array.isArray(r.agent_steps);
  return RESULT_TABS.filter(
    (t) => (t.id !== 'optimizer' || hasOpt) && (t.id !== 'agents' || hasAgents),
  );
}

/** The run a result's decision banner approves or rejects, and what the store knows of it. */
export interface DecisionTarget {
  runId: string | null;
  approval?: KnownApproval | null | undefined;
  onDecided?: ((a: KnownApproval) => void) | undefined;
}

/** A tab added by the caller after the result tabs (e.g. the saved input of a run). */
export interface ExtraTab {
  id: string;
  label: string;
  render: () => ReactNode;
}

/**
 * KPI strip, tab bar and the selected tab. `drillKey` resets the drilldown's own navigation when
 * a different result is shown; `stale` dims the body while a new run is under way.
 */
export function ResultTabs({
  r,
  hasBenchmark,
  tab: requested,
  onTab,
  drillKey,
  stale = false,
  extraTabs = [],
  decision,
}: {
  r: RebalanceResponse;
  hasBenchmark: boolean;
  tab: string;
  onTab: (t: string) => void;
  drillKey: string | number;
  stale?: boolean;
  extraTabs?: ExtraTab[];
  /** Default: the result's own run_id, approval unknown. */
  decision?: DecisionTarget;
}) {
  const warnCount = r.warnings.length;
  // Orders sent (one per security); results saved before orders existed count asset rows.
  const tradeCount = (r.orders ?? r.trades).filter((t) => t.action !== 'Hold').length;
  const tabs = resultTabs(r);
  // A tab this result does not have (Optimizer after a threshold run) falls back to the first.
  const tab =
    tabs.some((t) => t.id === requested) || extraTabs.some((t) => t.id === requested)
      ? requested
      : 'portfolio';
  const extra = extraTabs.find((t) => t.id === tab);
  const opt = r.optimization ?? null;
  const target = decision ?? { runId: r.run_id ?? null };
  return (
    <>
      <DecisionBanner
        key={target.runId ?? ''}
        r={r}
        runId={target.runId}
        approval={target.approval}
        onDecided={target.onDecided}
      />
      <Exceptions r={r} onTab={onTab} />
      <Kpis r={r} />
      <Tabs
        label="Result views"
        tabs={[
          ...tabs.map((t) => ({
            id: t.id,
            label: (
              <>
                {t.label}
                {t.id === 'trades' ? <span className="count">{tradeCount}</span> : null}
                {t.id === 'warnings' ? (
                  <span className={`count ${warnCount ? 'warn' : ''}`}>{warnCount}</span>
                ) : null}
                {t.id === 'agents' ? <AgentsCount r={r} /> : null}
              </>
            ),
          })),
          ...extraTabs.map((t) => ({ id: t.id, label: t.label, className: 'tab-extra' })),
        ]}
        active={tab}
        onChange={onTab}
        panelClassName={`tab-body ${stale ? 'stale' : ''}`}
      >
        {tab === 'portfolio' ? <PortfolioView r={r} /> : null}
        {tab === 'trades' ? <TradesView r={r} /> : null}
        {tab === 'optimizer' && opt ? <OptimizerView o={opt} currency={r.currency} r={r} /> : null}
        {tab === 'risk' ? <RiskView r={r} hasBenchmark={hasBenchmark} /> : null}
        {tab === 'montecarlo' ? <MonteCarloView r={r} /> : null}
        {tab === 'houseview' ? <HouseViewView r={r} /> : null}
        {tab === 'drilldown' ? <DrilldownView key={drillKey} r={r} /> : null}
        {tab === 'warnings' ? <WarningsView r={r} /> : null}
        {tab === 'agents' ? <AgentsView r={r} /> : null}
        {extra ? extra.render() : null}
      </Tabs>
    </>
  );
}

/** Steps recorded; red when a supervisor check is breached, amber when one is near or warns. */
function AgentsCount({ r }: { r: RebalanceResponse }) {
  const checks = r.supervisor?.checks ?? [];
  const tone = checks.some((c) => c.result === 'breach')
    ? 'bad'
    : checks.some((c) => c.result === 'near' || c.result === 'warn')
      ? 'warn'
      : '';
  return (
    <span className={`count ${tone}`} data-testid="agents-count">
      {r.agent_steps?.length ?? 0}
    </span>
  );
}

function Kpis({ r }: { r: RebalanceResponse }) {
  const cur = r.risk_metrics;
  const pro = r.proposed_risk_metrics;
  const outside = r.weights.filter((w) => w.outside_band).length;
  // Runs saved before the field existed lack it.
  const after = r.trade_summary.band_breaches_remaining as number | undefined;
  const riskMissing = cur.volatility === null || pro.volatility === null;
  const riskNote = riskMissing ? riskWarnings(r.warnings)[0] : undefined;
  return (
    <div className="kpis" data-testid="kpis">
      <Kpi label="Portfolio value" value={money(r.portfolio_value, r.currency, 0)} />
      <Kpi
        label="Outside band"
        value={`${outside} / ${r.weights.length}`}
        note={
          typeof after === 'number' ? `after trades: ${after === 0 ? 'none' : after}` : undefined
        }
        tone={after ? 'warn' : ''}
        testId="kpi-outside"
      />
      <Kpi
        label="Trades · turnover"
        value={`${r.trade_summary.trade_count} · ${pct(r.turnover_used)}`}
        note={`limit ${pct(r.turnover_limit)}${r.trade_summary.turnover_limit_binding ? ' (binding)' : ''}`}
      />
      <Kpi label="Est. costs" value={money(r.estimated_total_transaction_cost, r.currency)} />
      <Kpi
        label="Volatility → proposed"
        value={`${pct(cur.volatility)} → ${pct(pro.volatility)}`}
        note={
          riskNote
            ? 'no history: see Risk'
            : `${cur.observations} days of ${cur.source.replace('_', ' ')}`
        }
        testId="kpi-vol"
      />
      <Kpi
        label={`P(loss) ${r.monte_carlo ? `${r.monte_carlo.horizon_days}d` : ''}`}
        value={r.monte_carlo ? pct(r.monte_carlo.probability_of_loss, 1) : '—'}
        note={
          r.monte_carlo ? `${r.monte_carlo.paths.toLocaleString('en-US')} paths` : 'not simulated'
        }
      />
      <Kpi
        label="Warnings"
        value={String(r.warnings.length)}
        tone={r.warnings.length ? 'warn' : ''}
      />
    </div>
  );
}
