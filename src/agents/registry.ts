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

/** The phase names of the eight steps of a run (step records and the blueprint's flow). */
export const PHASES = {
  intake: 'intake',
  dataHealth: 'data health',
  forecast: 'forecast',
  currentRisk: 'current risk',
  decide: 'decide',
  execute: 'execute',
  proposedRisk: 'proposed risk and stress',
  decision: 'decision',
} as const;

/** Every step of a run, in the order the pipeline runs them. */
export const FLOW: readonly (readonly [AgentDef, string])[] = [
  [supervisorAgent, PHASES.intake],
  [marketDataAgent, PHASES.dataHealth],
  [forecastAgent, PHASES.forecast],
  [riskAgent, PHASES.currentRisk],
  [optimizerAgent, PHASES.decide],
  [executionAgent, PHASES.execute],
  [riskAgent, PHASES.proposedRisk],
  [supervisorAgent, PHASES.decision],
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
