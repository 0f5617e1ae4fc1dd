/**
 * The rebalance use case. It IS the agent pipeline (src/agents/pipeline.ts): book → history →
 * forecasts → current risk → decide (threshold rule or optimizer) → execute (one planner for
 * every method) → proposed risk, Monte Carlo and stress → supervisor decision. This module keeps
 * the entry point the services and tests call. docs/methods.md, "How a rebalance response is
 * put together"; docs/agents.md.
 */
export { runAgents as runRebalance, CONVENTIONS } from '../../agents/pipeline';
export type { Clock } from '../../agents/pipeline';
export type { EngineOptions } from '../../agents/context';
