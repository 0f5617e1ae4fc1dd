/**
 * The six agents in flow order, and the policy every run is checked against by default. The
 * blueprint (GET /api/multi-agent-blueprint) and the tandem timeline are generated from here.
 */
import { canonicalJson, sha256Hex } from '../domain/canonical';
import { DEFAULT_POLICY, type PolicyDocument } from '../contract/policy';
import type { PolicyInForce } from './context';
import { executionAgent } from './execution';
import { forecastAgent } from './forecast';
import { marketDataAgent } from './marketData';
import { optimizerAgent } from './optimizer';
import { riskAgent } from './risk';
import { supervisorAgent } from './supervisor';
import type { AgentDef } from './types';

export const AGENTS: readonly AgentDef[] = [
  marketDataAgent,
  forecastAgent,
  riskAgent,
  optimizerAgent,
  executionAgent,
  supervisorAgent,
];

/** SHA-256 of the canonical JSON of a policy document (the `hash` of GET /api/policy). */
export function policyHash(doc: PolicyDocument): string {
  return sha256Hex(canonicalJson(doc));
}

/** The built-in default policy as version 0. */
export const DEFAULT_POLICY_IN_FORCE: PolicyInForce = {
  document: DEFAULT_POLICY,
  version: 0,
  hash: policyHash(DEFAULT_POLICY),
};

/** Versions stored with every run (model_versions), so a later difference can be explained. */
export function agentVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of AGENTS) out[a.name] = a.version;
  return out;
}
