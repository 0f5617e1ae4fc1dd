/**
 * The copilot brief (src/copilot/brief.ts) on real engine runs of the shipped scenarios. The key
 * acceptance test: every number of every narrative is a number of its run.
 */
import { describe, expect, it } from 'vitest';
import { CopilotInsights, CopilotRequest } from '../../../src/contract/copilot';
import { writeBrief } from '../../../src/copilot/brief';
import { extractNumberTokens, numbersOfRun, unknownNumbers } from '../../../src/copilot/numbers';
import { SCENARIOS, scenarioRun, type Run } from './scenarioRuns';

/** Every token of `text` (small integers too) whose readings are all absent from the run. */
function strictUnknown(text: string, out: Run): string[] {
  const set = numbersOfRun(out);
  return extractNumberTokens(text)
    .filter((t) => !t.readings.some((r) => set.has(r.value, r.decimals)))
    .map((t) => t.raw);
}

/** A run where every branch of the template has something to say. */
async function eventfulRun(): Promise<Run> {
  const base = await scenarioRun('Autumn 2008');
  const out = structuredClone(base);
  out.decision = 'REVIEW_REQUIRED';
  out.decision_reasons = ['Worst stress loss (proposed) 31.25% above the limit 30.00%.'];
  const first = out.execution.orders[0];
  if (!first) throw new Error('the 2008 run has no queued order');
  first.status = 'blocked';
  first.blocked_by = ['price_collar'];
  out.execution.blocked_orders = 1;
  out.data_health.findings.push({
    check: 'outlier_return',
    severity: 'review',
    path: 'price_history.prices.BAC.14',
    message: 'BAC return of 52.31% on 2008-10-13 is more than 10 standard deviations from its mean',
    value: 0.5231,
    limit: 10,
  });
  out.supervisor.checks.push({
    check: 'max_stress_loss_test',
    label: 'Stress loss',
    value: 0.3125,
    limit: 0.3,
    result: 'breach',
    on_breach: 'review',
    detail: 'loss 31.25% above the limit 30.00%',
  });
  out.trade_summary.turnover_limit_binding = true;
  out.trade_summary.turnover_scale = 0.8731;
  return out;
}

describe('writeBrief: every number of the narrative is a number of the run', () => {
  for (const s of SCENARIOS)
    it(s.name, async () => {
      const out = await scenarioRun(s.name);
      const brief = writeBrief(out);
      expect(brief.narrative.length).toBeGreaterThan(0);
      expect(extractNumberTokens(brief.narrative).length).toBeGreaterThan(3);
      expect(strictUnknown(brief.narrative, out)).toEqual([]);
      expect(unknownNumbers(brief.narrative, numbersOfRun(out))).toEqual([]);
      for (const a of brief.top_actions) expect(strictUnknown(a.reason, out)).toEqual([]);
    });

  it('on a run with a review decision, a binding cap, a blocked order and a finding', async () => {
    const out = await eventfulRun();
    const n = writeBrief(out).narrative;
    expect(n).toContain('Decision: REVIEW_REQUIRED, because Worst stress loss (proposed) 31.25%');
    expect(n).toContain('The turnover cap was binding: the trades were scaled to 87.31%');
    expect(n).toMatch(/1 of \d+ child orders are blocked by pre-trade controls \(price collar\)/);
    expect(n).toContain('(review)');
    expect(strictUnknown(n, out)).toEqual([]);
  });

  it('the check is not vacuous: a changed figure is caught', async () => {
    const out = await scenarioRun('Autumn 2008');
    const n = writeBrief(out).narrative;
    const vol = /annualized volatility (\d+\.\d\d)%/.exec(n)?.[1];
    expect(vol).toBeDefined();
    const changed = n.replace(`${vol}%`, '99.99%');
    expect(unknownNumbers(changed, numbersOfRun(out))).toEqual([99.99]);
  });
});

describe('writeBrief: content', () => {
  it('is deterministic and a valid CopilotInsights once the rephrase fields are added', async () => {
    for (const s of SCENARIOS) {
      const out = await scenarioRun(s.name);
      const a = writeBrief(out);
      expect(writeBrief(structuredClone(out))).toEqual(a);
      expect(() => CopilotInsights.parse({ ...a, rephrased: false, warnings: [] })).not.toThrow();
      expect(a.run_id).toBe(out.run_id);
      expect(a.decision).toBe(out.decision);
    }
  });

  it('tells the decision, turnover and cost, the largest trades, risk and the worst stress', async () => {
    const out = await scenarioRun('Autumn 2008');
    const n = writeBrief(out).narrative;
    expect(n).toMatch(/^Decision: (APPROVED|REVIEW_REQUIRED|REJECTED)/);
    expect(n).toContain(`The plan sends ${out.trade_summary.trade_count} order(s)`);
    expect(n).toContain('Largest trades: sell JPM for USD 65,829.74, buy AAPL for USD 49,123.36');
    expect(n).toMatch(/annualized volatility \d+\.\d\d% now against \d+\.\d\d% after the trades/);
    expect(n).toMatch(/1-day 95% VaR \d+\.\d\d% now against/);
    expect(n).toContain('Worst stress test (');
    expect(n).toContain('Data health:');
  });

  it('says when risk cannot be measured (no history)', async () => {
    const n = writeBrief(await scenarioRun('Risk-Off')).narrative;
    expect(n).toContain('Risk figures are not available');
  });

  it('flags exactly the supervisor checks that breached or are near', async () => {
    const out = await eventfulRun();
    const flags = writeBrief(out).risk_flags;
    const expected = out.supervisor.checks.filter(
      (c) => c.result === 'breach' || c.result === 'near',
    );
    expect(flags.map((f) => [f.check, f.status])).toEqual(expected.map((c) => [c.check, c.result]));
    expect(flags.find((f) => f.check === 'max_stress_loss_test')).toEqual({
      check: 'max_stress_loss_test',
      label: 'Stress loss',
      value: 0.3125,
      limit: 0.3,
      status: 'breach',
      message: 'loss 31.25% above the limit 30.00%',
    });
  });

  it('groups the execution queue by stage, in stage order, counting blocked orders', async () => {
    const out = await eventfulRun();
    const pb = writeBrief(out).execution_playbook;
    expect(pb.reduce((t, s) => t + s.orders, 0)).toBe(out.execution.orders.length);
    expect(pb.reduce((t, s) => t + s.blocked, 0)).toBe(1);
    expect(pb.map((s) => s.stage_order)).toEqual([...pb.map((s) => s.stage_order)].sort());
    const total = out.execution.orders.reduce((t, o) => t + o.notional, 0);
    expect(pb.reduce((t, s) => t + s.notional, 0)).toBeCloseTo(total, 1);
    expect(pb.find((s) => s.blocked > 0)?.instruction).toContain('Resolve the blocked order(s)');
  });

  it('lists the agents that ran with their versions, and what could be added', async () => {
    const out = await scenarioRun('Autumn 2008');
    const stack = writeBrief(out).cutting_edge_model_stack;
    const agents = [...new Set(out.agent_steps.map((s) => s.agent))];
    for (const a of agents) {
      const step = out.agent_steps.find((s) => s.agent === a);
      expect(stack.in_use).toContainEqual(
        expect.objectContaining({ name: a, version: step?.version }),
      );
    }
    expect(stack.in_use.map((m) => m.name)).toContain('Shrunk ensemble');
    expect(stack.could_add.length).toBeGreaterThan(0);
    for (const c of stack.could_add) expect(c.status).toBe('not implemented');
    const noHistory = writeBrief(await scenarioRun('Risk-Off')).cutting_edge_model_stack;
    expect(noHistory.in_use.map((m) => m.name)).toContain('Market return input');
  });
});

describe('CopilotRequest', () => {
  const request = SCENARIOS[0]?.request as Record<string, unknown>;
  it('is the rebalance request plus rephrase (default false)', () => {
    expect(CopilotRequest.parse(request).rephrase).toBe(false);
    expect(CopilotRequest.parse({ ...request, rephrase: true }).rephrase).toBe(true);
    expect(CopilotRequest.parse(request).drift_threshold).toBe(0.02);
  });
  it('keeps the rebalance request’s cross-field checks', () => {
    const assets = request.assets as unknown[];
    const r = CopilotRequest.safeParse({ ...request, assets: [...assets, assets[0]] });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toContain('duplicate asset "Mutual Fund"');
    expect(CopilotRequest.safeParse({ ...request, rephrase: 'yes' }).success).toBe(false);
  });
});
