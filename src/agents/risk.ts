/**
 * Risk Agent: runs twice. Before the optimizer it measures the current book (volatility, VaR,
 * CVaR on the aligned history); after execution it measures the proposed book, simulates it
 * (Monte Carlo) and applies the stress tests (historical windows and policy shocks) to both.
 * The Supervisor checks its figures against the policy limits. docs/agents.md, "Risk agent".
 */
import { z } from 'zod';
import { StressResult } from '../contract/agents';
import type { RebalanceResponse, RiskMetrics } from '../contract/rebalance';
import { percentOrNa as fmt } from '../domain/format';
import { mergeByName } from '../domain/names';
import { runStressTests, worstStress } from '../risk/stress';
import { buildDrilldown } from '../services/rebalance/drilldown';
import type { BookForecasts } from '../services/rebalance/forecasts';
import type { PlanRows } from '../services/rebalance/orders';
import { riskModel, type RiskModel } from '../services/rebalance/risk';
import type { RunContext } from './context';
import type { MarketData } from './marketData';
import { ev, type AgentDef } from './types';

export const riskAgent: AgentDef = {
  name: 'Risk Agent',
  role: 'Measures current and proposed risk, simulates the proposed book and stress-tests both.',
  objective: 'Risk now and after the trades, Monte Carlo, historical and shock stress tests.',
  version: '1.3.0',
  input: z.object({
    aligned_history: z.unknown(),
    benchmark: z.unknown(),
    weights: z.unknown().describe('current and proposed'),
    stress: z.unknown().describe('policy shocks and proxies, request stress_proxies'),
  }),
  output: z.object({
    risk_metrics: z.unknown(),
    proposed_risk_metrics: z.unknown(),
    risk_contributions: z.unknown().describe('share of variance per asset, current and proposed'),
    monte_carlo: z.unknown(),
    stress_tests: z.array(StressResult),
  }),
  writes: [
    'risk_metrics',
    'proposed_risk_metrics',
    'risk_contributions',
    'monte_carlo',
    'stress_tests',
    'asset_drilldown',
  ],
  models: [
    { name: 'historical risk metrics', version: '1.1.0' },
    { name: 'risk contributions', version: '1.0.0' },
    { name: 'monte carlo', version: '1.1.0' },
    { name: 'stress tests', version: '1.0.0' },
  ],
};

export interface CurrentRisk {
  model: RiskModel;
  current: RiskMetrics;
}

export function assessCurrent(ctx: RunContext, m: MarketData, f: BookForecasts): CurrentRisk {
  const model = riskModel(ctx.req, m.history, f.forecasts, m.book.target, ctx.warnings);
  return { model, current: model.metrics(m.book.current, 'current portfolio') };
}

const riskEvidence = (prefix: string, r: RiskMetrics) => [
  ev(`${prefix}_volatility`, r.volatility, 'annual'),
  ev(`${prefix}_var_95`, r.var_95, '1-day loss fraction'),
  ev(`${prefix}_cvar_95`, r.cvar_95, '1-day loss fraction'),
  ev(`${prefix}_max_drawdown`, r.max_drawdown),
];

export function reportCurrent(c: CurrentRisk) {
  return {
    summary: `Current book: volatility ${fmt(c.current.volatility)}, VaR95 ${fmt(c.current.var_95)}, CVaR95 ${fmt(c.current.cvar_95)} (${c.current.observations} days).`,
    evidence: [...riskEvidence('current', c.current), ev('observations', c.current.observations)],
  };
}

export interface ProposedRisk {
  proposed: RiskMetrics;
  contributions: RebalanceResponse['risk_contributions'];
  monteCarlo: RebalanceResponse['monte_carlo'];
  stress: StressResult[];
  drilldown: RebalanceResponse['asset_drilldown'];
}

export function assessProposed(
  ctx: RunContext,
  m: MarketData,
  f: BookForecasts,
  cur: CurrentRisk,
  rows: PlanRows,
  weights: RebalanceResponse['weights'],
): ProposedRisk {
  const { req, warnings } = ctx;
  const { book } = m;
  const valueAfterCosts = book.valueAfterFlow - rows.summary.total_costs;
  const proposed = cur.model.metrics(rows.proposed, 'proposed portfolio');
  const rcCurrent = cur.model.contributions(book.current);
  const rcProposed = cur.model.contributions(rows.proposed);
  const contributions = weights.map((row, i) => ({
    asset: row.asset,
    asset_class: row.asset_class,
    current: rcCurrent ? (rcCurrent[i] as number) : null,
    proposed: rcProposed ? (rcProposed[i] as number) : null,
  }));
  const monteCarlo = cur.model.monteCarlo(rows.proposed, valueAfterCosts);
  const stress = runStressTests({
    assets: req.assets.map((a, i) => ({
      asset: a.asset,
      asset_class: book.classes[i] ?? 'Stocks',
    })),
    priceHistory: req.price_history,
    current: book.current,
    proposed: rows.proposed,
    valueCurrent: book.value,
    valueProposed: valueAfterCosts,
    scale: book.scale,
    shocks: ctx.policy.document.stress.shocks,
    proxies: mergeByName(ctx.policy.document.stress.proxies, req.stress_proxies),
    library: ctx.options.stressLibrary ?? null,
  });
  warnings.push(...stress.warnings);
  const drilldown = buildDrilldown(
    req,
    book,
    m.history,
    f.forecasts,
    weights,
    rows.trades,
    rows.orders,
  );
  return { proposed, contributions, monteCarlo, stress: stress.results, drilldown };
}

export function reportProposed(p: ProposedRisk) {
  const w = worstStress(p.stress);
  return {
    summary:
      `Proposed book: volatility ${fmt(p.proposed.volatility)}, VaR95 ${fmt(p.proposed.var_95)}; ` +
      (w ? `worst stress ${w.name} ${fmt(w.proposed.pnl_pct)}` : 'no stress test') +
      (p.monteCarlo
        ? `; Monte Carlo ${p.monteCarlo.paths} paths.`
        : '; no Monte Carlo (no history).'),
    evidence: [
      ...riskEvidence('proposed', p.proposed),
      ev('monte_carlo_paths', p.monteCarlo?.paths ?? null),
      ev('stress_tests', p.stress.length),
      ev('worst_stress', w?.name ?? null),
      ev('worst_stress_pnl_pct', w?.proposed.pnl_pct ?? null),
      ev('worst_stress_pnl', w?.proposed.pnl ?? null, 'currency'),
    ],
  };
}
