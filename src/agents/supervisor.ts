/**
 * Supervisor Agent: opens the run (policy in force, input hash) and closes it with the decision.
 * Every check compares one figure of the run with one policy limit; the decision is
 *   REJECTED        if any breached check's on_breach is `reject`,
 *   REVIEW_REQUIRED else if any breached check's on_breach is `review` (or sign-off is required),
 *   APPROVED        otherwise.
 * A check is `near` when it passes within 10% of its limit (value > 0.9·limit for a maximum,
 * value < 1.1·limit for a minimum). docs/agents.md, "Supervisor and policy".
 */
import { z } from 'zod';
import {
  SupervisorReport,
  type DataHealth,
  type Decision,
  type ExecutionQueue,
  type StressResult,
  type SupervisorCheck,
} from '../contract/agents';
import type { AssetClass } from '../contract/common';
import { DATA_HEALTH_CHECKS, type BreachAction, type PolicyDocument } from '../contract/policy';
import type { OrderRow, RiskMetrics } from '../contract/rebalance';
import type { PolicyInForce } from './context';
import { percent as pct } from '../domain/format';
import { worstStress } from '../risk/stress';
import { ev, type AgentDef } from './types';

export const supervisorAgent: AgentDef = {
  name: 'Supervisor Agent',
  role: 'Holds the policy; opens the run and decides APPROVED, REVIEW_REQUIRED or REJECTED.',
  objective:
    'Check every figure against the policy; decide; require sign-off where the policy says.',
  version: '1.0.0',
  input: z.object({
    policy: z.unknown().describe('GET /api/policy'),
    figures: z.unknown().describe('turnover, weights, risk, stress, cash, orders, data health'),
  }),
  output: z.object({ decision: z.unknown(), supervisor: SupervisorReport }),
  writes: ['decision', 'decision_reasons', 'supervisor'],
  models: [{ name: 'policy checks', version: '1.0.0' }],
};

/** The figures of a run the supervisor checks. */
export interface RunFigures {
  turnover: number;
  assets: readonly { asset: string; asset_class: AssetClass; proposed_weight: number }[];
  proposedRisk: RiskMetrics;
  stress: readonly StressResult[];
  /** Cash after the trades, fraction of V' − costs. */
  cashWeight: number;
  orders: readonly OrderRow[];
  queue: ExecutionQueue;
  health: DataHealth;
  bandBreachesRemaining: number;
}

type Limit = { limit: number; on_breach: BreachAction } | null;

/** A maximum (value ≤ limit) or minimum (value ≥ limit) check; null value = not applicable. */
function limitCheck(
  check: string,
  label: string,
  value: number | null,
  l: Limit,
  kind: 'max' | 'min',
  show: (x: number) => string,
  what: string,
): SupervisorCheck {
  if (l === null)
    return {
      check,
      label,
      value,
      limit: null,
      result: 'not_applicable',
      on_breach: null,
      detail: 'check off in the policy',
    };
  if (value === null)
    return {
      check,
      label,
      value,
      limit: l.limit,
      result: 'not_applicable',
      on_breach: l.on_breach,
      detail: `${what} not available for this run`,
    };
  const breach = kind === 'max' ? value > l.limit : value < l.limit;
  const near =
    !breach &&
    (kind === 'max' ? l.limit > 0 && value > 0.9 * l.limit : l.limit > 0 && value < 1.1 * l.limit);
  const cmp = kind === 'max' ? (breach ? 'exceeds' : 'within') : breach ? 'below' : 'at or above';
  return {
    check,
    label,
    value,
    limit: l.limit,
    result: breach ? 'breach' : near ? 'near' : 'pass',
    on_breach: l.on_breach,
    detail: `${what} ${show(value)} ${cmp} the limit ${show(l.limit)}`,
  };
}

/** Every policy check on a run's figures, in a fixed order. */
export function policyChecks(policy: PolicyDocument, f: RunFigures): SupervisorCheck[] {
  const L = policy.limits;
  const checks: SupervisorCheck[] = [];
  checks.push(
    limitCheck(
      'max_turnover',
      'Turnover',
      f.turnover,
      L.max_turnover,
      'max',
      pct,
      'one-way turnover',
    ),
  );
  let top: (typeof f.assets)[number] | null = null;
  const byClass = new Map<AssetClass, number>();
  for (const a of f.assets) {
    if (!top || a.proposed_weight > top.proposed_weight) top = a;
    byClass.set(a.asset_class, (byClass.get(a.asset_class) ?? 0) + a.proposed_weight);
  }
  checks.push(
    limitCheck(
      'max_asset_weight',
      'Largest asset weight',
      top?.proposed_weight ?? null,
      L.max_asset_weight,
      'max',
      pct,
      `${top?.asset ?? '-'} proposed weight`,
    ),
  );
  let topClass: [AssetClass, number] | null = null;
  for (const e of byClass) if (!topClass || e[1] > topClass[1]) topClass = e;
  checks.push(
    limitCheck(
      'max_asset_class_weight',
      'Largest asset-class weight',
      topClass?.[1] ?? null,
      L.max_asset_class_weight,
      'max',
      pct,
      `${topClass?.[0] ?? '-'} proposed weight`,
    ),
  );
  checks.push(
    limitCheck(
      'max_var_95',
      'VaR 95% (proposed)',
      f.proposedRisk.var_95,
      L.max_var_95,
      'max',
      pct,
      '1-day VaR95',
    ),
  );
  checks.push(
    limitCheck(
      'max_cvar_95',
      'CVaR 95% (proposed)',
      f.proposedRisk.cvar_95,
      L.max_cvar_95,
      'max',
      pct,
      '1-day CVaR95',
    ),
  );
  checks.push(
    limitCheck(
      'max_tracking_error',
      'Tracking error to target (proposed)',
      f.proposedRisk.tracking_error,
      L.max_tracking_error,
      'max',
      pct,
      'annual tracking error',
    ),
  );
  const w = worstStress(f.stress);
  const loss = w ? Math.max(0, -w.proposed.pnl_pct) : null;
  checks.push(
    limitCheck(
      'max_stress_loss',
      'Worst stress loss (proposed)',
      loss,
      L.max_stress_loss,
      'max',
      pct,
      `${w?.name ?? 'stress'} loss`,
    ),
  );
  checks.push(
    limitCheck(
      'min_cash_weight',
      'Cash after trades',
      f.cashWeight,
      L.min_cash_weight,
      'min',
      pct,
      'cash weight',
    ),
  );
  checks.push(
    limitCheck(
      'max_assets_outside_band',
      'Assets outside their band after trades',
      f.bandBreachesRemaining,
      L.max_assets_outside_band,
      'max',
      String,
      'assets outside their band',
    ),
  );
  const restricted = new Set(policy.restricted_assets);
  const hits = f.orders.filter(
    (o) => o.trade_units !== 0 && (restricted.has(o.asset) || restricted.has(o.security)),
  );
  checks.push({
    check: 'restricted_assets',
    label: 'Trades in restricted assets',
    value: hits.length,
    limit: 0,
    result: hits.length > 0 ? 'breach' : 'pass',
    on_breach: policy.restricted_on_breach,
    detail:
      hits.length > 0
        ? `orders in restricted assets: ${hits.map((o) => o.security).join(', ')}`
        : `${restricted.size} restricted asset(s), none traded`,
  });
  const blocked = f.queue.orders.filter((o) => o.status === 'blocked' && o.child === 1);
  checks.push({
    check: 'pre_trade_controls',
    label: 'Orders blocked by a pre-trade control',
    value: blocked.length,
    limit: 0,
    result: blocked.length > 0 ? 'breach' : 'pass',
    on_breach: policy.pre_trade.on_block,
    detail:
      blocked.length > 0
        ? `blocked: ${blocked.map((o) => `${o.security} (${o.blocked_by.join(', ')})`).join('; ')}`
        : `${f.queue.parent_orders} order(s) passed every control`,
  });
  for (const c of DATA_HEALTH_CHECKS) {
    const found = f.health.findings.filter((x) => x.check === c);
    const severity = policy.data_health.severities[c];
    checks.push({
      check: `data_health.${c}`,
      label: `Data health: ${c.replace(/_/g, ' ')}`,
      value: found.length,
      limit: 0,
      result: found.length === 0 ? 'pass' : severity === 'warn' ? 'warn' : 'breach',
      on_breach: severity === 'warn' ? null : severity === 'block' ? 'block' : 'review',
      detail: found.length === 0 ? 'no finding' : found.map((x) => x.message).join('; '),
    });
  }
  checks.push({
    check: 'sign_off',
    label: 'Human sign-off',
    value: null,
    limit: null,
    result: policy.require_sign_off ? 'breach' : 'not_applicable',
    on_breach: policy.require_sign_off ? 'review' : null,
    detail: policy.require_sign_off
      ? 'the policy requires a person to approve every run'
      : 'not required by the policy',
  });
  return checks;
}

/** Decision from the checks (see the file comment); reasons name every breached check. */
export function decideFromChecks(checks: readonly SupervisorCheck[]): {
  decision: Decision;
  reasons: string[];
} {
  const breached = checks.filter((c) => c.result === 'breach');
  const decision: Decision = breached.some(
    (c) => c.on_breach === 'reject' || c.on_breach === 'block',
  )
    ? 'REJECTED'
    : breached.length > 0
      ? 'REVIEW_REQUIRED'
      : 'APPROVED';
  const reasons = breached.map(
    (c) => `${c.label}: ${c.detail} → ${c.on_breach === 'review' ? 'review required' : 'rejected'}`,
  );
  if (reasons.length === 0) reasons.push('Every policy check passed.');
  return { decision, reasons };
}

export function supervise(policy: PolicyInForce, f: RunFigures): SupervisorReport {
  const checks = policyChecks(policy.document, f);
  const { decision, reasons } = decideFromChecks(checks);
  return {
    decision,
    decision_reasons: reasons,
    policy_version: policy.version,
    policy_hash: policy.hash,
    require_sign_off: policy.document.require_sign_off,
    checks,
  };
}

export function reportIntake(policy: PolicyInForce, inputHash: string) {
  return {
    summary: `Policy "${policy.document.name}" version ${policy.version} in force; run input ${inputHash.slice(0, 12)}….`,
    evidence: [
      ev('policy_version', policy.version),
      ev('policy_hash', policy.hash),
      ev('require_sign_off', policy.document.require_sign_off),
      ev('input_hash', inputHash),
    ],
  };
}

export function reportDecision(r: SupervisorReport) {
  const count = (x: string) => r.checks.filter((c) => c.result === x).length;
  return {
    summary: `${r.decision}: ${count('breach')} check(s) breached, ${count('near')} near a limit, ${count('pass')} passed.`,
    evidence: [
      ev('decision', r.decision),
      ev('checks', r.checks.length),
      ev('breached', count('breach')),
      ev('near', count('near')),
      ev('passed', count('pass')),
    ],
  };
}
