/**
 * The six agents as the rebalance use case, on real history: a clean book is APPROVED; each
 * policy limit breached alone gives the decision the policy says and names that limit; data
 * health at `block` stops the run with 422 naming the finding; weights summing to 1.2 are never
 * approved; the step records chain and their durations account for the run.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { PolicyDocument, type PolicyDocument as Policy } from '../../../src/contract/policy';
import { RebalanceResponse } from '../../../src/contract/rebalance';
import { AGENT_NAMES } from '../../../src/contract/agents';
import { DEFAULT_POLICY_IN_FORCE, policyHash } from '../../../src/agents/registry';
import { runRebalance } from '../../../src/services/rebalance';
import { loadStressLibrary } from '../../../src/server/stressData';
import { realBook } from './book';

const ROOT = new URL('../../..', import.meta.url).pathname;
const library = loadStressLibrary(ROOT);
const clock = { now: () => new Date('2026-01-05T10:00:00.000Z') };

function policyOf(edit: (p: Policy) => void) {
  const doc = PolicyDocument.parse(JSON.parse(JSON.stringify(DEFAULT_POLICY_IN_FORCE.document)));
  edit(doc);
  return { document: doc, version: 7, hash: policyHash(doc) };
}

const run = (req = realBook(), edit?: (p: Policy) => void) =>
  runRebalance(req, clock, {
    stressLibrary: library,
    ...(edit ? { policy: policyOf(edit) } : {}),
  });

describe('the pipeline on a clean real book', () => {
  it('is APPROVED with every check listed, and the response satisfies the contract', async () => {
    const out = await run();
    expect(out.decision, out.decision_reasons.join('\n')).toBe('APPROVED');
    expect(out.decision_reasons).toEqual(['Every policy check passed.']);
    expect(out.supervisor.policy_version).toBe(0);
    expect(out.supervisor.checks.filter((c) => c.result === 'breach')).toEqual([]);
    expect(() => RebalanceResponse.parse(out)).not.toThrow();
    expect(out.trades.some((t) => t.action !== 'Hold')).toBe(true);
    expect(out.stress_tests.map((s) => s.name).slice(0, 3)).toEqual([
      'Autumn 2008',
      'March 2020',
      '2022',
    ]);
  });

  it('records eight steps of the six agents in flow order, chained by hashes', async () => {
    const out = await run();
    expect(out.agent_steps.map((s) => `${s.agent}: ${s.phase}`)).toEqual([
      'Supervisor Agent: intake',
      'Market Data Agent: data health',
      'Forecast Agent: forecast',
      'Risk Agent: current risk',
      'Rebalance Optimizer Agent: decide',
      'Execution Agent: execute',
      'Risk Agent: proposed risk and stress',
      'Supervisor Agent: decision',
    ]);
    expect(new Set(out.agent_steps.map((s) => s.agent))).toEqual(new Set(AGENT_NAMES));
    for (const s of out.agent_steps) {
      expect(s.input_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(s.output_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(s.summary.length).toBeGreaterThan(10);
      expect(s.evidence.length).toBeGreaterThan(0);
    }
    // Every step's input hash differs (the chain moves on).
    expect(new Set(out.agent_steps.map((s) => s.input_hash)).size).toBe(8);
  });

  it('is deterministic: the same request and policy give the same record, timings aside', async () => {
    const strip = (o: RebalanceResponse) =>
      JSON.stringify({
        ...o,
        agent_steps: o.agent_steps.map((s) => ({
          ...s,
          started_at: 0,
          ended_at: 0,
          duration_ms: 0,
        })),
      });
    expect(strip(await run())).toBe(strip(await run()));
  });
});

/** Each limit set just below (or, for a minimum, above) this run's own figure. */
const LIMIT_CASES: {
  check: string;
  set: (p: Policy, value: number, on: 'review' | 'reject') => void;
  value: (o: RebalanceResponse) => number;
}[] = [
  {
    check: 'max_turnover',
    set: (p, v, on) => (p.limits.max_turnover = { limit: v * 0.9, on_breach: on }),
    value: (o) => o.turnover_used,
  },
  {
    check: 'max_asset_weight',
    set: (p, v, on) => (p.limits.max_asset_weight = { limit: v * 0.99, on_breach: on }),
    value: (o) => Math.max(...o.weights.map((w) => w.proposed_weight)),
  },
  {
    check: 'max_asset_class_weight',
    set: (p, v, on) => (p.limits.max_asset_class_weight = { limit: v * 0.99, on_breach: on }),
    value: (o) => o.weights.reduce((s, w) => s + w.proposed_weight, 0),
  },
  {
    check: 'max_var_95',
    set: (p, v, on) => (p.limits.max_var_95 = { limit: v * 0.9, on_breach: on }),
    value: (o) => o.proposed_risk_metrics.var_95 as number,
  },
  {
    check: 'max_cvar_95',
    set: (p, v, on) => (p.limits.max_cvar_95 = { limit: v * 0.9, on_breach: on }),
    value: (o) => o.proposed_risk_metrics.cvar_95 as number,
  },
  {
    check: 'max_tracking_error',
    set: (p, v, on) => (p.limits.max_tracking_error = { limit: v * 0.9, on_breach: on }),
    value: (o) => o.proposed_risk_metrics.tracking_error as number,
  },
  {
    check: 'max_stress_loss',
    set: (p, v, on) => (p.limits.max_stress_loss = { limit: v * 0.9, on_breach: on }),
    value: (o) => -Math.min(...o.stress_tests.map((s) => s.proposed.pnl_pct)),
  },
  {
    check: 'min_cash_weight',
    set: (p, v, on) => (p.limits.min_cash_weight = { limit: v + 0.01, on_breach: on }),
    value: (o) => 1 - o.weights.reduce((s, w) => s + w.proposed_weight, 0),
  },
];

describe('each policy limit breached alone', async () => {
  const base = await run();
  for (const c of LIMIT_CASES)
    for (const on of ['review', 'reject'] as const)
      it(`${c.check} (${on}) → ${on === 'review' ? 'REVIEW_REQUIRED' : 'REJECTED'}, naming it`, async () => {
        const value = c.value(base);
        expect(value).toBeGreaterThan(0);
        const out = await run(realBook(), (p) => c.set(p, value, on));
        const breached = out.supervisor.checks.filter((x) => x.result === 'breach');
        expect(breached.map((x) => x.check)).toEqual([c.check]);
        expect(breached[0]?.value).toBeCloseTo(value, 12);
        expect(out.decision).toBe(on === 'review' ? 'REVIEW_REQUIRED' : 'REJECTED');
        expect(out.decision_reasons).toHaveLength(1);
        expect(out.decision_reasons[0]).toContain(breached[0]?.label);
      });

  it('a restricted asset that trades → REJECTED by default, naming it', async () => {
    const traded = base.orders.find((o) => o.trade_units !== 0)?.security as string;
    const out = await run(realBook(), (p) => (p.restricted_assets = [traded]));
    const breached = out.supervisor.checks.filter((x) => x.result === 'breach');
    expect(breached.map((x) => x.check)).toEqual(['restricted_assets', 'pre_trade_controls']);
    expect(out.decision).toBe('REJECTED');
    expect(out.decision_reasons.join(' ')).toContain(traded);
  });

  it('sign-off required → REVIEW_REQUIRED even when every limit passes', async () => {
    const out = await run(realBook(), (p) => (p.require_sign_off = true));
    expect(out.decision).toBe('REVIEW_REQUIRED');
    expect(out.supervisor.checks.filter((x) => x.result === 'breach').map((x) => x.check)).toEqual([
      'sign_off',
    ]);
  });

  it('a check within 10% of its limit is near, not breached', async () => {
    const v = base.turnover_used;
    const out = await run(
      realBook(),
      (p) => (p.limits.max_turnover = { limit: v / 0.95, on_breach: 'review' }),
    );
    expect(out.supervisor.checks.find((x) => x.check === 'max_turnover')?.result).toBe('near');
    expect(out.decision).toBe('APPROVED');
  });
});

describe('data health gates', () => {
  it('weights summing to 1.2 are sent to review by the default policy, never approved', async () => {
    const req = realBook();
    const bad = realBook({
      assets: req.assets.map((a, i) => ({
        ...a,
        current_weight: i === 0 ? a.current_weight + 0.2 : a.current_weight,
      })),
    });
    const out = await run(bad);
    expect(out.decision).toBe('REVIEW_REQUIRED');
    expect(out.data_health.findings.map((f) => f.check)).toContain('weights_sum');
    expect(out.decision_reasons.join(' ')).toMatch(/weights sum/i);
  });

  it('a finding at block stops the run before any figure: DATA_BLOCKED naming it', async () => {
    const req = realBook();
    const bad = realBook({
      assets: req.assets.map((a, i) => ({
        ...a,
        current_weight: i === 0 ? a.current_weight + 0.2 : a.current_weight,
      })),
    });
    const err = await run(bad, (p) => (p.data_health.severities.weights_sum = 'block')).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('DATA_BLOCKED');
    expect((err as EngineError).details.map((d) => d.message).join(' ')).toContain('weights_sum');
  });

  it('a fat-finger quoted price (×100) is caught by the data gate and the price collar', async () => {
    const req = realBook();
    const bad = realBook({
      assets: req.assets.map((a, i) => ({
        ...a,
        price: i === 0 ? (a.price as number) * 100 : a.price,
      })),
    });
    const out = await run(bad);
    expect(out.data_health.findings.map((f) => f.check)).toContain('price_mismatch');
    expect(out.decision).not.toBe('APPROVED');
    const aapl = out.execution.orders.find((o) => o.security === 'AAPL');
    expect(aapl?.blocked_by).toContain('price_collar');
  });

  it('stale history relative to as_of goes to review', async () => {
    const out = await run(realBook({ as_of: '2022-03-31' }));
    expect(out.data_health.findings.map((f) => f.check)).toContain('stale_history');
    expect(out.decision).toBe('REVIEW_REQUIRED');
  });
});
