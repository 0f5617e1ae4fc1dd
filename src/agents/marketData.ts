/**
 * Market Data Agent: reads the book and its history and gates the run on data health. A finding
 * the policy sets to `block` stops the run here, before any figure is produced (422 DATA_BLOCKED
 * naming every finding). docs/agents.md, "Market Data agent".
 */
import { z } from 'zod';
import { DataHealth } from '../contract/agents';
import { EngineError } from '../contract/common';
import { readBook, type Book } from '../services/rebalance/book';
import { readHistory, type BookHistory } from '../services/rebalance/history';
import type { RunContext } from './context';
import { checkDataHealth } from './marketData/health';
import { ev, type AgentDef } from './types';

export const marketDataAgent: AgentDef = {
  name: 'Market Data Agent',
  role: 'Reads holdings, prices and history; checks their health against the policy.',
  objective:
    'Validate weights, prices and history; block, send to review or warn as the policy says.',
  version: '1.0.0',
  input: z.object({
    assets: z.unknown().describe('holdings, weights, prices'),
    price_history: z.unknown().describe('dated prices per asset or holding'),
    benchmark: z.unknown(),
    as_of: z.unknown().describe('valuation date for the staleness check'),
    cash_weight: z.unknown(),
    cash_flow: z.unknown(),
  }),
  output: z.object({ data_health: DataHealth }),
  writes: ['data_health'],
  models: [{ name: 'data-health checks', version: '1.0.0' }],
};

export interface MarketData {
  book: Book;
  history: BookHistory;
  health: DataHealth;
}

export function readMarketData(ctx: RunContext): MarketData {
  const { req, warnings } = ctx;
  const book = readBook(req, warnings);
  const history = readHistory(req, warnings);
  const health = checkDataHealth(req, book.classes, ctx.policy.document.data_health);
  if (health.as_of === null && req.price_history)
    warnings.push({
      code: 'AS_OF_MISSING',
      path: 'as_of',
      message: 'no as_of date given: the staleness of the price history was not checked',
    });
  const blocking = health.findings.filter((f) => f.severity === 'block');
  if (blocking.length > 0)
    throw new EngineError(
      'DATA_BLOCKED',
      `data health: ${blocking.length} finding${blocking.length > 1 ? 's' : ''} the policy sets to block: ${[...new Set(blocking.map((f) => f.check))].join(', ')}`,
      blocking.map((f) => ({ path: f.path, message: `${f.check}: ${f.message}` })),
    );
  for (const f of health.findings)
    warnings.push({
      code: `DATA_${f.check.toUpperCase()}`,
      path: f.path,
      message: `${f.message} (${f.severity})`,
    });
  return { book, history, health };
}

export function reportMarketData(m: MarketData) {
  const count = (s: string) => m.health.findings.filter((f) => f.severity === s).length;
  const T = m.history.aligned ? (m.history.aligned[0]?.length ?? 0) : 0;
  const review = count('review');
  const warn = count('warn');
  return {
    summary:
      `${m.book.n} assets, ${m.book.securities.length} securities, ${T} aligned daily returns (${m.history.source}); ` +
      (review + warn === 0
        ? `all ${m.health.checks_run.length} data-health checks passed.`
        : `${review} finding(s) for review, ${warn} warning(s).`),
    evidence: [
      ev('assets', m.book.n),
      ev('securities', m.book.securities.length),
      ev('portfolio_value', m.book.value, 'currency'),
      ev('value_after_flow', m.book.valueAfterFlow, 'currency'),
      ev('aligned_returns', T, 'days'),
      ev('history_source', m.history.source),
      ev('as_of', m.health.as_of),
      ev('checks_run', m.health.checks_run.length),
      ev('findings_review', review),
      ev('findings_warn', warn),
    ],
  };
}
