import { ENGINE_VERSION, SERVICE_NAME, type Handlers } from '../contract/operations';
import type { PreviewScenario } from '../contract/operations';
import type { z } from 'zod';
import { RebalanceRequest } from '../contract/rebalance';
import { runRebalance, type Clock } from './rebalance';

export interface ServiceDeps {
  clock: Clock;
  /** Scenario definitions shipped in resources/scenarios.json, loaded by the adapter. */
  scenarios: z.input<typeof PreviewScenario>[];
}

/** The handler map for every operation in the contract. */
export function createHandlers(deps: ServiceDeps) {
  // Parsed once: a shipped scenario that no longer satisfies the contract fails at start-up, and
  // clients see every default spelled out.
  const scenarios = deps.scenarios.map((s) => ({ ...s, request: RebalanceRequest.parse(s.request) }));
  return {
    health: () => {
      const ts = deps.clock.now().toISOString();
      return {
        status: 'ok' as const,
        service: SERVICE_NAME,
        version: ENGINE_VERSION,
        metadata: { timestamp_utc: ts, version: ENGINE_VERSION },
      };
    },
    rebalance: (input) => runRebalance(input, deps.clock),
    previewScenarios: () => ({
      scenarios: scenarios.map((s) => ({
        ...s,
        portfolio_value: s.request.portfolio_value,
        drift_threshold: s.request.drift_threshold,
        turnover_limit: s.request.turnover_limit,
        transaction_cost_bps: s.request.transaction_cost_bps,
        assets: s.request.assets,
      })),
    }),
  } satisfies Handlers;
}
