/**
 * Real engine runs of the shipped scenarios (resources/scenarios.json) for the copilot tests.
 * The stress library is the shipped one, so the historical windows are in the briefs too.
 */
import { readFileSync } from 'node:fs';
import { RebalanceRequest, type RebalanceResponse } from '../../../src/contract/rebalance';
import { runRebalance } from '../../../src/services/rebalance';
import { loadStressLibrary } from '../../../src/server/stressData';

const ROOT = new URL('../../..', import.meta.url).pathname;

export interface Scenario {
  name: string;
  request: unknown;
}

export const SCENARIOS: Scenario[] = (
  JSON.parse(
    readFileSync(new URL('../../../resources/scenarios.json', import.meta.url), 'utf8'),
  ) as { scenarios: Scenario[] }
).scenarios;

export const clock = { now: () => new Date('2026-01-01T00:00:00Z') };

export type Run = RebalanceResponse & { run_id: string };

const cache = new Map<string, Promise<Run>>();

/** The run of a scenario (by name prefix), with a run id; cached per test file. */
export function scenarioRun(name: string): Promise<Run> {
  let p = cache.get(name);
  if (!p) {
    const s = SCENARIOS.find((x) => x.name.startsWith(name));
    if (!s) throw new Error(`no scenario ${name}`);
    const options = { stressLibrary: loadStressLibrary(ROOT) };
    p = runRebalance(RebalanceRequest.parse(s.request), clock, options).then((out) => ({
      ...out,
      run_id: `run-${SCENARIOS.indexOf(s) + 1}`,
    }));
    cache.set(name, p);
  }
  return p;
}
