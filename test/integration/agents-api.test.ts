/**
 * The agents through the local API as a script uses them: the decision on POST /api/rebalance,
 * the tandem timeline built from the real step records, the blueprint, the policy (versioned,
 * audited, 409 on a stale version), human approval (audit events, 409 on a second decision),
 * the order-file gate, and replay of the whole record.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RebalanceResponse } from '../../src/contract/rebalance';
import type { PolicyResponse } from '../../src/contract/policy';
import type { BlueprintResponse, TandemResponse } from '../../src/contract/tandem';
import { startApp, type App } from '../../src/server/app';
import { realBook } from '../unit/agents/book';
import { json, raw } from '../support/http';

let app: App;
const call = (method: string, path: string, body?: unknown) =>
  raw(app.server.port, {
    method,
    path,
    ...(body === undefined
      ? { headers: { Authorization: `Bearer ${app.token}` } }
      : json(app.token, body)),
  });
const ok = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const r = await call(method, path, body);
  expect(r.status, r.body).toBe(200);
  return JSON.parse(r.body) as T;
};

beforeAll(async () => {
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'spr-agents-')), port: 0 });
});
afterAll(async () => app?.close());

const book = () => realBook();

describe('POST /api/rebalance runs the six agents', () => {
  it('adds decision, decision_reasons and agent_steps, saved with the run', async () => {
    const out = await ok<RebalanceResponse>('POST', '/api/rebalance', book());
    expect(out.decision).toBe('APPROVED');
    expect(out.agent_steps).toHaveLength(8);
    const detail = await ok<{ output: RebalanceResponse; decision: string }>(
      'GET',
      `/api/runs/${out.run_id}`,
    );
    expect(detail.output.agent_steps).toEqual(out.agent_steps);
    expect(detail.decision).toBe('APPROVED');
  });

  it('answers 422 DATA_BLOCKED naming every blocking finding, and saves the failed run', async () => {
    const p = await ok<PolicyResponse>('GET', '/api/policy');
    await ok('PUT', '/api/policy', {
      ...p,
      data_health: {
        ...p.data_health,
        severities: { ...p.data_health.severities, weights_sum: 'block' },
      },
    });
    const b = book();
    const r = await call('POST', '/api/rebalance', {
      ...b,
      assets: b.assets.map((a, i) =>
        i === 0 ? { ...a, current_weight: a.current_weight + 0.2 } : a,
      ),
    });
    expect(r.status).toBe(422);
    const err = JSON.parse(r.body) as {
      code: string;
      details: { path: string; message: string }[];
    };
    expect(err.code).toBe('DATA_BLOCKED');
    expect(err.details.some((d) => d.message.startsWith('weights_sum'))).toBe(true);
    // Put the default severities back for the other tests (a new version, not an edit).
    const now = await ok<PolicyResponse>('GET', '/api/policy');
    await ok('PUT', '/api/policy', { ...now, data_health: p.data_health });
  });
});

describe('tandem demo and blueprint', () => {
  it('timeline: six agents in flow order with the seed names, built from the step records', async () => {
    const t = await ok<TandemResponse>('POST', '/api/multi-agent/tandem-demo', book());
    expect(t.timeline.map((e) => e.agent)).toEqual([
      'Market Data Agent',
      'Forecast Agent',
      'Risk Agent',
      'Rebalance Optimizer Agent',
      'Execution Agent',
      'Supervisor Agent',
    ]);
    for (const e of t.timeline) {
      expect(e).toHaveProperty('step');
      expect(e).toHaveProperty('objective');
      expect(e.output.length).toBeGreaterThan(0);
      expect(e.evidence.length).toBeGreaterThan(0);
    }
    const run = await ok<{ kind: string; duration_ms: number; output: RebalanceResponse }>(
      'GET',
      `/api/runs/${t.run_id}`,
    );
    expect(run.kind).toBe('tandem');
    expect(t.decision).toBe(run.output.decision);
    const sum = t.timeline.reduce((s, e) => s + e.duration_ms, 0);
    // The steps account for the run: within 5% of the pipeline's wall time, or 2 ms (the untimed
    // hand-offs between steps take about 0.1–0.2 ms, which on a warm, fast thread running a 4 ms
    // pipeline is already 3–4 %; a GC pause between steps adds to it).
    const total = t.orchestration.total_duration_ms;
    expect(sum).toBeLessThanOrEqual(total);
    expect(total - sum).toBeLessThanOrEqual(Math.max(0.05 * total, 2));
    const risk = t.timeline[2];
    expect(risk?.phases).toEqual(['current risk', 'proposed risk and stress']);
  });

  it('replay reproduces the tandem record byte for byte, timings aside', async () => {
    const t = await ok<TandemResponse>('POST', '/api/multi-agent/tandem-demo', book());
    const r = await ok<{ identical: boolean; differences: unknown[] }>(
      'POST',
      `/api/runs/${t.run_id}/replay`,
      {},
    );
    expect(r.differences).toEqual([]);
    expect(r.identical).toBe(true);
  });

  it('blueprint: the registry in flow order, the policy in force, measured accuracy', async () => {
    const b = await ok<BlueprintResponse>('GET', '/api/multi-agent-blueprint');
    expect(b.agents.map((a) => a.name)).toEqual([
      'Market Data Agent',
      'Forecast Agent',
      'Risk Agent',
      'Rebalance Optimizer Agent',
      'Execution Agent',
      'Supervisor Agent',
    ]);
    expect(b.agents.every((a) => a.version && a.inputs.length > 0 && a.outputs.length > 0)).toBe(
      true,
    );
    const models = b.forecast_accuracy?.models.map((m) => m.model) ?? [];
    expect(models).toContain('ensemble');
    expect(models).toContain('historical_mean');
    expect(b.governance.pre_trade_controls).toHaveLength(6);
    expect(typeof b.policy.version).toBe('number');
  });
});

describe('policy', () => {
  it('PUT accepts the document GET returns; each change is a new version with an audit event', async () => {
    const p = await ok<PolicyResponse>('GET', '/api/policy');
    const next = await ok<PolicyResponse>('PUT', '/api/policy', { ...p, name: 'Desk policy' });
    expect(next.version).toBe(p.version + 1);
    expect(next.name).toBe('Desk policy');
    const stale = await call('PUT', '/api/policy', { ...p, name: 'Someone else' });
    expect(stale.status).toBe(409);
    const audit = await ok<{ events: { action: string }[] }>('GET', '/api/audit?limit=500');
    expect(audit.events.filter((e) => e.action === 'policy.changed').length).toBeGreaterThanOrEqual(
      next.version,
    );
    const bad = await call('PUT', '/api/policy', {
      ...next,
      limits: { ...next.limits, max_turnover: { limit: 2, on_breach: 'maybe' } },
    });
    expect(bad.status).toBe(400);
    const err = JSON.parse(bad.body) as { details: { path: string }[] };
    expect(err.details.map((d) => d.path)).toEqual(
      expect.arrayContaining(['limits.max_turnover.limit', 'limits.max_turnover.on_breach']),
    );
  });
});

describe('human approval and the order file', () => {
  it('approve writes run.approved; a second decision is 409; the CSV then exports', async () => {
    const p = await ok<PolicyResponse>('GET', '/api/policy');
    await ok('PUT', '/api/policy', { ...p, require_sign_off: true });
    const out = await ok<RebalanceResponse>('POST', '/api/rebalance', book());
    expect(out.decision).toBe('REVIEW_REQUIRED');
    const before = await call('GET', `/api/runs/${out.run_id}/trades.csv`);
    expect(before.status).toBe(409);
    const missingNote = await call('POST', `/api/runs/${out.run_id}/approve`, {});
    expect(missingNote.status).toBe(400);
    const a = await ok<{ decision: string; actor: string }>(
      'POST',
      `/api/runs/${out.run_id}/approve`,
      { note: 'checked the trades against the model', actor: 'pm@desk' },
    );
    expect(a.decision).toBe('approved');
    expect(a.actor).toBe('pm@desk');
    expect((await call('POST', `/api/runs/${out.run_id}/approve`, { note: 'again' })).status).toBe(
      409,
    );
    expect((await call('POST', `/api/runs/${out.run_id}/reject`, { note: 'no' })).status).toBe(409);
    const csv = await call('GET', `/api/runs/${out.run_id}/trades.csv`);
    expect(csv.status).toBe(200);
    expect(csv.body.split('\r\n')[0]).toContain('security');
    const audit = await ok<{ events: { action: string; subject: string }[] }>(
      'GET',
      '/api/audit?limit=500',
    );
    expect(
      audit.events.filter((e) => e.action === 'run.approved' && e.subject === out.run_id),
    ).toHaveLength(1);
    const verify = await ok<{ ok: boolean }>('GET', '/api/audit/verify');
    expect(verify.ok).toBe(true);
    const now = await ok<PolicyResponse>('GET', '/api/policy');
    await ok('PUT', '/api/policy', { ...now, require_sign_off: false });
  });

  it('reject writes run.rejected and the CSV is refused; a policy-REJECTED run cannot be approved', async () => {
    const out = await ok<RebalanceResponse>('POST', '/api/rebalance', book());
    await ok('POST', `/api/runs/${out.run_id}/reject`, { note: 'wrong model portfolio' });
    expect((await call('GET', `/api/runs/${out.run_id}/trades.csv`)).status).toBe(409);

    const p = await ok<PolicyResponse>('GET', '/api/policy');
    await ok('PUT', '/api/policy', { ...p, restricted_assets: ['AAPL'] });
    const rej = await ok<RebalanceResponse>('POST', '/api/rebalance', book());
    expect(rej.decision).toBe('REJECTED');
    const r = await call('POST', `/api/runs/${rej.run_id}/approve`, { note: 'override' });
    expect(r.status).toBe(409);
    expect((await call('GET', `/api/runs/${rej.run_id}/trades.csv`)).status).toBe(409);
    const now = await ok<PolicyResponse>('GET', '/api/policy');
    await ok('PUT', '/api/policy', { ...now, restricted_assets: [] });
  });

  it('unknown run → 404', async () => {
    const r = await call('POST', '/api/runs/01JGFJJZ000000000000000000/approve', { note: 'x' });
    expect(r.status).toBe(404);
  });
});

describe('copilot insights', () => {
  it('writes the brief from the run, saves a copilot run, and replays identically', async () => {
    const c = await ok<{
      run_id: string;
      narrative: string;
      top_actions: { rank: number; asset: string; reason: string }[];
      risk_flags: unknown[];
      execution_playbook: { stage: string }[];
      cutting_edge_model_stack: { in_use: unknown[]; could_add: { status: string }[] };
      decision: string;
      rephrased: boolean;
    }>('POST', '/api/ai-copilot/insights', book());
    expect(c.narrative.length).toBeGreaterThan(50);
    expect(c.rephrased).toBe(false);
    expect(c.top_actions.map((a) => a.rank)).toEqual(c.top_actions.map((_, i) => i + 1));
    expect(c.execution_playbook.length).toBeGreaterThan(0);
    expect(c.cutting_edge_model_stack.could_add.every((m) => m.status === 'not implemented')).toBe(
      true,
    );
    const run = await ok<{ kind: string; output: { decision: string } }>(
      'GET',
      `/api/runs/${c.run_id}`,
    );
    expect(run.kind).toBe('copilot');
    expect(c.decision).toBe(run.output.decision);
    const r = await ok<{ identical: boolean }>('POST', `/api/runs/${c.run_id}/replay`, {});
    expect(r.identical).toBe(true);
  });

  it('asked to rephrase without a configured model: the deterministic brief and a warning', async () => {
    const c = await ok<{ rephrased: boolean; warnings: { code: string }[] }>(
      'POST',
      '/api/ai-copilot/insights',
      { ...book(), rephrase: true },
    );
    expect(c.rephrased).toBe(false);
    expect(c.warnings.map((w) => w.code)).toContain('COPILOT_REPHRASE_NOT_CONFIGURED');
  });
});

describe('run detail says whether the order file exports', () => {
  it('export_blocked names the reason until a person approves', async () => {
    const p = await ok<PolicyResponse>('GET', '/api/policy');
    await ok('PUT', '/api/policy', { ...p, require_sign_off: true });
    const out = await ok<RebalanceResponse>('POST', '/api/rebalance', book());
    const before = await ok<{ export_blocked: string | null }>('GET', `/api/runs/${out.run_id}`);
    expect(before.export_blocked).toMatch(/approval/);
    await ok('POST', `/api/runs/${out.run_id}/approve`, { note: 'ok' });
    const after = await ok<{ export_blocked: string | null; approval: string }>(
      'GET',
      `/api/runs/${out.run_id}`,
    );
    expect(after.export_blocked).toBeNull();
    expect(after.approval).toBe('approved');
    const now = await ok<PolicyResponse>('GET', '/api/policy');
    await ok('PUT', '/api/policy', { ...now, require_sign_off: false });
  });
});
