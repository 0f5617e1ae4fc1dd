/**
 * End-to-end: the six agents in tandem in the workstation UI (browser mode, Debian's Chromium
 * driven by playwright-core): the Supervisor's decision banner with every reason, human approval
 * and rejection (a note is required, one decision per run, the API answers 409 afterwards), the
 * Agents tab (step records in order, evidence, supervisor checks, data health), stress tests in
 * Risk, the execution queue in Trades, decisions in the run history, and the Policy view (field
 * errors, a new version, 409 on a stale version), the exceptions at the top of a result, and the
 * Agents view (architecture cards and flow banner from the blueprint, scenario cards running
 * rebalance → tandem → copilot in one click, approval of a tandem run seen in Runs and Audit, the
 * brief rendered as text). What the UI shows is compared with the engine's own JSON for the same
 * request. The pure helpers (wording, exceptions, the one-click flow) are tested everywhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Result } from '../../src/contract/common';
import { RebalanceRequest, type RebalanceResponse } from '../../src/contract/rebalance';
import type { App } from '../../src/server/app';
import { runRebalance } from '../../src/services/rebalance';
import {
  approvalOf,
  checkValue,
  decisionWording,
  evidenceValue,
  FRACTION_CHECKS,
} from '../../renderer/agents/agents';
import {
  flowState,
  newFlow,
  runFlow,
  shortFigure,
  splitFlowEntry,
  type Brief,
  type Blueprint,
  type FlowDeps,
  type FlowRun,
  type Tandem,
} from '../../renderer/agents/flow';
import {
  bandStatuses,
  dataWarnings,
  exceptionsOf,
} from '../../renderer/workstation/exceptionItems';
import { type Harness, hasChromium, SHOTS, startHarness, warnIfNoChromium } from './harness';
import { Workstation } from './pages';

warnIfNoChromium('the agents UI suite');

/** Independent formatting of a fraction as the UI shows it: 0.1234 → "12.34%". */
const asPct = (x: number) =>
  `${(x * 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}%`;
const asSpct = (x: number) => `${x > 0 ? '+' : ''}${asPct(x)}`;

/**
 * A hand-made book far from its targets (worked by hand): AAA 10% → 70%, BBB 90% → 30% with the
 * turnover limit at 100%. One-way turnover ≈ 60% (> the default policy's 50%) and each order is
 * ≈ 60% of NAV (> 25% per order): at least two review breaches (turnover, two blocked orders)
 * under the default policy → REVIEW_REQUIRED. No history, so the Market Data agent warns about
 * short history for both assets.
 */
const REVIEW_BOOK = {
  portfolio_value: 1_000_000,
  drift_threshold: 0.02,
  turnover_limit: 1,
  assets: [
    { asset: 'AAA', asset_class: 'Stocks', target_weight: 0.7, current_weight: 0.1, price: 100 },
    { asset: 'BBB', asset_class: 'ETF', target_weight: 0.3, current_weight: 0.9, price: 50 },
  ],
};

const CTX = { actor: 'test', transport: 'inprocess' as const };

const SCENARIOS = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../../resources/scenarios.json'), 'utf8')) as {
    scenarios: { name: string; request: Record<string, unknown> }[];
  }
).scenarios;
const AUTUMN_2008 = 'Autumn 2008: Lehman and the credit crunch';

/** A shipped scenario's request with some fields replaced. */
function scenarioRequest(
  name: string,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario ${name}`);
  return { ...structuredClone(s.request), ...over };
}

/**
 * Autumn 2008 moved fully to target under a 3% turnover cap: the cap binds and leaves assets
 * outside their band (JPM, XOM, AAPL in the engine's answer), each held back by the cap.
 */
const TIGHT_CAP = scenarioRequest(AUTUMN_2008, { rebalance_to: 'full', turnover_limit: 0.03 });

/** Markup a text field might carry; rendered as text it never runs. */
const XSS_NAME = 'AAA<img src=x onerror="window.__xss=1">';

/** Fractions as the UI shows them (two decimals). */
const pct2 = (x: number) => `${(x * 100).toFixed(2)}%`;

/*
 * Overflow checks poll: after a window resize, charts re-measure on their ResizeObserver's next
 * callback, so the first frame may still be laid out for the previous width.
 */

/** Scrolls the element to the top of its scrolling container (for a screenshot of what follows). */
async function toTop(el: Locator): Promise<void> {
  await el.evaluate((e) => e.scrollIntoView({ block: 'start' }));
}

describe('agent wording helpers', () => {
  it('formats weight and risk checks as percentages and the rest as counts', () => {
    for (const c of [
      'max_turnover',
      'max_asset_weight',
      'max_asset_class_weight',
      'max_var_95',
      'max_cvar_95',
      'max_tracking_error',
      'max_stress_loss',
      'min_cash_weight',
    ]) {
      expect(FRACTION_CHECKS.has(c)).toBe(true);
    }
    expect(checkValue('max_turnover', 0.5999)).toBe('59.99%');
    expect(checkValue('min_cash_weight', 7e-7)).toBe('0.00%');
    expect(checkValue('pre_trade_controls', 2)).toBe('2');
    expect(checkValue('max_assets_outside_band', 0)).toBe('0');
    expect(checkValue('data_health.short_history', 1234)).toBe('1,234');
    expect(checkValue('max_var_95', null)).toBe('—');
    expect(checkValue('max_turnover', Number.NaN)).toBe('—');
  });

  it('words every decision and reads approvals from summaries, details and decisions', () => {
    expect(decisionWording('APPROVED').tone).toBe('ok');
    expect(decisionWording('REVIEW_REQUIRED').tone).toBe('warn');
    expect(decisionWording('REJECTED').tone).toBe('bad');
    expect(decisionWording('SOMETHING_NEW').label).toBe('something new');
    expect(approvalOf(null)).toBeNull();
    expect(approvalOf(undefined)).toBeNull();
    expect(approvalOf({ decision: 'REVIEW_REQUIRED', approval: null })).toBeNull();
    expect(approvalOf({ decision: 'REVIEW_REQUIRED', approval: 'approved' })).toEqual({
      decision: 'approved',
      note: null,
      actor: null,
      created_at: null,
    });
    const full = { run_id: 'r', decision: 'rejected', note: 'n', actor: 'a', created_at: 't' };
    expect(approvalOf(full)).toEqual({
      decision: 'rejected',
      note: 'n',
      actor: 'a',
      created_at: 't',
    });
    expect(
      approvalOf({ decision: 'REVIEW_REQUIRED', approval: 'rejected', approval_detail: full }),
    ).toEqual({ decision: 'rejected', note: 'n', actor: 'a', created_at: 't' });
    expect(evidenceValue(0.1234567)).toBe('0.123457');
    expect(evidenceValue(true)).toBe('yes');
    expect(evidenceValue(null)).toBe('—');
    expect(evidenceValue(1500)).toBe('1,500');
  });
});

describe('exceptions of a result', () => {
  const clock = { now: () => new Date(0) };
  const run = (req: unknown) => runRebalance(RebalanceRequest.parse(req), clock);

  it('lists every asset a binding turnover cap leaves outside, with the constraint', async () => {
    const r = await run(TIGHT_CAP);
    const stuck = r.weights.filter((w) => w.post_trade_band_status === 'outside');
    expect(stuck.length).toBeGreaterThan(0);
    const items = exceptionsOf(r);
    expect(items.filter((i) => i.kind === 'band').map((i) => i.subject)).toEqual(
      stuck.map((w) => w.asset),
    );
    for (const w of stuck) {
      const it = items.find((i) => i.subject === w.asset)!;
      expect(it.tab).toBe('portfolio');
      expect(it.reason).toContain(pct2(w.proposed_weight));
      expect(it.reason).toContain(`${(w.band_lower * 100).toFixed(2)}–${pct2(w.band_upper)}`);
      expect(it.reason).toContain('turnover cap');
    }
    expect(bandStatuses(r).map((b) => [b.asset, b.status, b.constraintCode])).toEqual(
      r.weights.map((w) => [
        w.asset,
        w.post_trade_band_status,
        w.post_trade_band_status === 'outside' ? w.band_constraint : null,
      ]),
    );
  });

  it('lists blocked orders by control and only data-health findings for review', async () => {
    const r = await run(REVIEW_BOOK);
    const items = exceptionsOf(r);
    const blocked = r.execution.orders.filter((o) => o.status === 'blocked');
    expect(blocked.length).toBe(2);
    const got = items.filter((i) => i.kind === 'blocked');
    expect(got.map((i) => i.subject)).toEqual(blocked.map((o) => o.security));
    for (const [k, o] of blocked.entries()) {
      expect(got[k]!.reason).toContain(`order #${o.sequence}`);
      for (const c of o.blocked_by) expect(got[k]!.reason).toContain(c);
      expect(got[k]!.tab).toBe('trades');
    }
    const review = r.data_health.findings.filter((f) => f.severity !== 'warn');
    expect(items.filter((i) => i.kind === 'data').map((i) => i.subject)).toEqual(
      review.map((f) => f.path),
    );
    expect(dataWarnings(r)).toBe(r.data_health.findings.length - review.length);
  });

  it('has none for the seed scenario, whose every asset ends inside its band', async () => {
    const r = await run(scenarioRequest('Risk-Off Shock'));
    expect(exceptionsOf(r)).toEqual([]);
    expect(bandStatuses(r).every((b) => b.status === 'inside')).toBe(true);
  });
});

describe('one-click flow (rebalance → tandem → copilot)', () => {
  const ok = <T>(value: T): Result<T> => ({ ok: true, value });
  const fail = (message: string): Result<never> => ({
    ok: false,
    error: { code: 'BAD_REQUEST', message },
  });
  const REB = {
    decision: 'APPROVED',
    weights: [],
    supervisor: { checks: [] },
  } as unknown as RebalanceResponse;
  const TAN = { run_id: 't1', decision: 'APPROVED', timeline: [] } as unknown as Tandem;
  const BRIEF = { run_id: 'c1', narrative: 'n' } as unknown as Brief;

  /** Fake engine calls recording what was asked, in order. */
  function fake(over: Partial<FlowDeps> = {}) {
    const calls: string[] = [];
    const sent: unknown[] = [];
    let t = 0;
    const deps: FlowDeps = {
      rebalance: async (req) => (calls.push('rebalance'), sent.push(req), ok(REB)),
      tandem: async (req) => (calls.push('tandem'), sent.push(req), ok(TAN)),
      runOutput: async (id) => (calls.push(`getRun ${id}`), ok(REB)),
      copilot: async (req) => (calls.push('copilot'), sent.push(req), ok(BRIEF)),
      now: () => (t += 10),
      ...over,
    };
    return { deps, calls, sent };
  }

  it('runs the three stages in order, reads the tandem run, asks the copilot for no rephrasing', async () => {
    const { deps, calls, sent } = fake();
    const seen: FlowRun[] = [];
    const f = await runFlow(newFlow(1, 'k', 'K'), { a: 1 }, deps, (x) => seen.push(x));
    expect(calls).toEqual(['rebalance', 'tandem', 'getRun t1', 'copilot']);
    expect(sent).toEqual([{ a: 1 }, { a: 1 }, { a: 1, rephrase: false }]);
    expect(flowState(f)).toBe('done');
    expect(f.tandem.state === 'done' && f.tandem.value.output).toBe(REB);
    expect(f.copilot.state === 'done' && f.copilot.value).toBe(BRIEF);
    // Progress is reported stage by stage: running before done, each once.
    expect(seen.map((x) => FLOW_ORDER.map((s) => x[s].state).join(','))).toEqual([
      'running,waiting,waiting',
      'done,waiting,waiting',
      'done,running,waiting',
      'done,done,waiting',
      'done,done,running',
      'done,done,done',
    ]);
    expect(f.rebalance.state === 'done' && f.rebalance.ms).toBe(10);
  });

  it('stops at the first failure and marks the later stages as not run', async () => {
    const { deps, calls } = fake({ tandem: async () => fail('bad') });
    const f = await runFlow(newFlow(1, 'k', 'K'), { a: 1 }, deps, () => {});
    expect(calls).toEqual(['rebalance']);
    expect(f.rebalance.state).toBe('done');
    expect(f.tandem.state === 'error' && f.tandem.error.message).toBe('bad');
    expect(f.copilot.state).toBe('skipped');
    expect(flowState(f)).toBe('error');
    const first = await runFlow(
      newFlow(2, 'k', 'K'),
      [],
      fake({ rebalance: async () => fail('x') }).deps,
      () => {},
    );
    expect([first.tandem.state, first.copilot.state]).toEqual(['skipped', 'skipped']);
  });

  it('still shows the tandem when its saved run cannot be read', async () => {
    const { deps } = fake({ runOutput: async () => ok({ not: 'a run' }) });
    const f = await runFlow(newFlow(1, 'k', 'K'), {}, deps, () => {});
    expect(f.tandem.state === 'done' && f.tandem.value.output).toBeNull();
    expect(f.tandem.state === 'done' && f.tandem.value.outputError?.code).toBe('INTERNAL');
    expect(flowState(f)).toBe('done');
  });

  it('splits flow entries and shortens hashes only', () => {
    expect(splitFlowEntry('Risk Agent: proposed risk and stress')).toEqual({
      agent: 'Risk Agent',
      phase: 'proposed risk and stress',
    });
    expect(splitFlowEntry('Lonely')).toEqual({ agent: 'Lonely', phase: '' });
    expect(shortFigure('a'.repeat(64))).toBe(`${'a'.repeat(12)}…`);
    expect(shortFigure('threshold')).toBe('threshold');
    expect(shortFigure('1,000,000')).toBe('1,000,000');
  });
});

const FLOW_ORDER = ['rebalance', 'tandem', 'copilot'] as const;

describe.skipIf(!hasChromium)('six agents in tandem in the UI (Chromium)', () => {
  let app: App;
  let page: Page;
  let ws: Workstation;
  let consoleErrors: string[];
  let harness: Harness | undefined;
  /** The engine's answer for REVIEW_BOOK under the default policy. */
  let ref: RebalanceResponse;
  /** The run made in the UI under the default policy (approved below). */
  let reviewRunId = '';

  beforeAll(async () => {
    // 409 (decisions, exports, stale policy) and 400 (invalid policy) are provoked on purpose.
    harness = await startHarness({
      dataDirPrefix: 'spr-e2e-agents-',
      ignoreConsole: /status of (400|409)/,
    });
    ({ app, page, consoleErrors } = harness);
    ws = new Workstation(page);
    const r = await app.dispatch('rebalance', REVIEW_BOOK, CTX);
    expect(r.ok).toBe(true);
    ref = (r as { ok: true; value: RebalanceResponse }).value;
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('shows the supervisor decision, the policy version and every reason of the engine', async () => {
    await page.goto(app.url);
    await ws.ready();
    await ws.pasteEditorText(JSON.stringify(REVIEW_BOOK, null, 2));
    await ws.runOk();
    reviewRunId = await ws.id('run-meta-id').innerText();
    expect(reviewRunId).not.toBe('');

    expect(ref.decision).toBe('REVIEW_REQUIRED');
    expect(ref.decision_reasons.length).toBeGreaterThanOrEqual(2);
    expect(ref.decision_reasons.some((x) => /turnover/i.test(x))).toBe(true);
    expect(ref.decision_reasons.some((x) => /blocked/i.test(x))).toBe(true);
    const banner = ws.banner();
    expect(await banner.getAttribute('data-decision')).toBe(ref.decision);
    expect(await ws.id('decision-badge').innerText()).toBe('REVIEW REQUIRED');
    expect(await ws.texts('decision-reason')).toEqual(ref.decision_reasons);
    expect(await ws.id('decision-policy-version').innerText()).toBe(
      `v${ref.supervisor.policy_version}`,
    );

    // The buttons wait for a note.
    await expect.poll(() => ws.id('approve-button').isDisabled()).toBe(true);
    expect(await ws.id('reject-button').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Approve this run' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Reject this run' }).count()).toBe(1);

    // Exceptions at the top: the blocked orders, each naming its control.
    const blocked = ref.execution.orders.filter((o) => o.status === 'blocked');
    expect(blocked.length).toBe(ref.execution.blocked_orders);
    expect(blocked.length).toBe(2);
    const exc = ws.id('exceptions');
    expect(await exc.getAttribute('data-blocked')).toBe(String(blocked.length));
    const blockedItems = exc.locator('[data-testid="exception-item"][data-kind="blocked"]');
    expect(
      await blockedItems.evaluateAll((els) => els.map((e) => e.getAttribute('data-subject'))),
    ).toEqual(blocked.map((o) => o.security));
    expect(await exc.innerText()).toContain('max_order_nav_fraction');
    // Findings for review only (short history is a warning under the default policy).
    const forReview = ref.data_health.findings.filter((f) => f.severity !== 'warn');
    expect(await exc.locator('[data-testid="exception-item"][data-kind="data"]').count()).toBe(
      forReview.length,
    );
    expect(await exc.getAttribute('data-findings')).toBe(String(forReview.length));
    // Each blocked order links to the queue in Trades.
    await blockedItems.first().getByTestId('exception-go').click();
    await ws.id('view-trades').waitFor();
    expect(await ws.id('tab-trades').getAttribute('aria-selected')).toBe('true');
    await ws.tab('portfolio');

    // The Agents tab's count says how many steps were recorded.
    expect(await ws.id('agents-count').innerText()).toBe(String(ref.agent_steps.length));

    await ws.viewport(1280, 800);
    await expect.poll(() => ws.horizontalOverflow()).toEqual([]);
    const box = await banner.boundingBox();
    expect(box).not.toBeNull();
    // The banner, reasons and the decision form fit the window's width and are on screen.
    expect(box!.x + box!.width).toBeLessThanOrEqual(1280);
    expect(box!.y + box!.height).toBeLessThan(800);
    await page.screenshot({ path: join(SHOTS, 'agents-banner-1280x800.png') });
    await ws.viewport(1440, 900);
  });

  it('lists the step records in the Agents tab: same agents, same order, with evidence', async () => {
    const view = await ws.openTab('agents');
    const steps = ref.agent_steps;
    expect(await view.getByTestId('agent-step').count()).toBe(steps.length);
    expect(await ws.attrs('agent-step', 'data-agent', view)).toEqual(steps.map((s) => s.agent));
    expect(await ws.attrs('agent-step', 'data-phase', view)).toEqual(steps.map((s) => s.phase));
    expect(await ws.texts('agent-step-summary', view)).toEqual(steps.map((s) => s.summary));
    // The flow opens and closes with the Supervisor, and every agent of the six takes part.
    expect(steps[0]!.agent).toBe('Supervisor Agent');
    expect(steps.at(-1)!.agent).toBe('Supervisor Agent');
    expect(new Set(steps.map((s) => s.agent)).size).toBe(6);
    expect(await view.getByTestId('agent-step-bar').count()).toBe(steps.length);

    // Expand the Execution agent's step: its evidence, warnings and hashes.
    const exec = steps.find((s) => s.agent === 'Execution Agent')!;
    const row = view.locator(`[data-testid="agent-step"][data-step="${exec.step}"]`);
    const toggle = row.getByTestId('agent-step-toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const detail = view.locator(`[data-testid="agent-step-detail"][data-step="${exec.step}"]`);
    expect(await ws.attrs('evidence-row', 'data-name', detail)).toEqual(
      exec.evidence.map((e) => e.name),
    );
    expect(await detail.getByTestId('agent-input-hash').getAttribute('title')).toBe(
      exec.input_hash,
    );
    expect(await detail.getByTestId('agent-output-hash').getAttribute('title')).toBe(
      exec.output_hash,
    );
    expect(await detail.getByTestId('agent-input-hash').innerText()).toBe(
      `${exec.input_hash.slice(0, 12)}…`,
    );
    // The Market Data step carries the short-history warnings.
    const md = steps.find((s) => s.agent === 'Market Data Agent')!;
    expect(md.warnings.length).toBeGreaterThan(0);
    await view
      .locator(`[data-testid="agent-step"][data-step="${md.step}"]`)
      .getByTestId('agent-step-toggle')
      .click();
    const mdDetail = view.locator(`[data-testid="agent-step-detail"][data-step="${md.step}"]`);
    expect(await ws.attrs('agent-warning', 'data-code', mdDetail)).toEqual(
      md.warnings.map((w) => w.code),
    );

    // Supervisor checks: one row each, results and formatted values as the engine's.
    const checks = ref.supervisor.checks;
    expect(await ws.attrs('check-row', 'data-check', view)).toEqual(checks.map((c) => c.check));
    expect(await ws.attrs('check-row', 'data-result', view)).toEqual(checks.map((c) => c.result));
    const turnover = checks.find((c) => c.check === 'max_turnover')!;
    const tRow = view.locator('[data-testid="check-row"][data-check="max_turnover"]');
    expect(await tRow.getByTestId('check-value').innerText()).toBe(asPct(turnover.value!));
    expect(await tRow.getByTestId('check-limit').innerText()).toBe(asPct(turnover.limit!));
    expect(turnover.result).toBe('breach');
    const ptc = checks.find((c) => c.check === 'pre_trade_controls')!;
    const pRow = view.locator('[data-testid="check-row"][data-check="pre_trade_controls"]');
    expect(await pRow.getByTestId('check-value').innerText()).toBe(String(ptc.value));
    expect(await pRow.getByRole('table').count()).toBe(0);
    expect(await page.getByRole('table', { name: /Supervisor checks/ }).count()).toBe(1);

    // Data health: every finding.
    expect(await ws.attrs('finding-row', 'data-check', view)).toEqual(
      ref.data_health.findings.map((f) => f.check),
    );

    await ws.viewport(1280, 800);
    await expect.poll(() => ws.horizontalOverflow()).toEqual([]);
    await toTop(ws.id('tab-agents'));
    await page.screenshot({ path: join(SHOTS, 'agents-tab-1280x800.png') });
    await toTop(view.getByTestId('checks-table'));
    await page.screenshot({ path: join(SHOTS, 'agents-checks-1280x800.png') });
    await ws.viewport(1440, 900);
  });

  it('shows the stress tests in Risk and the execution queue in Trades', async () => {
    const risk = await ws.tab('risk');
    const stress = ref.stress_tests;
    expect(stress.length).toBeGreaterThan(0);
    expect(await ws.attrs('stress-row', 'data-name', risk)).toEqual(stress.map((s) => s.name));
    for (const s of stress) {
      const row = risk.locator(`[data-testid="stress-row"][data-name=${JSON.stringify(s.name)}]`);
      expect(await row.getByTestId('stress-proposed-pct').innerText()).toBe(
        asSpct(s.proposed.pnl_pct),
      );
      expect(await row.getByTestId('stress-current-pct').innerText()).toBe(
        asSpct(s.current.pnl_pct),
      );
      expect(await row.getByTestId('stress-unmapped').innerText()).toBe(asPct(s.unmapped_weight));
      expect(await row.getByTestId('stress-window').innerText()).toBe(
        s.kind === 'shock' ? 'instant shock' : `${s.start} → ${s.end}`,
      );
    }
    await risk.getByTestId('stress-toggle').first().click();
    expect(await risk.getByTestId('stress-asset-row').count()).toBe(stress[0]!.assets.length);

    const trades = await ws.tab('trades');
    const q = ref.execution;
    expect(await ws.attrs('queue-row', 'data-security', trades)).toEqual(
      q.orders.map((o) => o.security),
    );
    expect(await ws.attrs('queue-row', 'data-status', trades)).toEqual(
      q.orders.map((o) => o.status),
    );
    expect(await ws.texts('queue-child', trades)).toEqual(
      q.orders.map((o) => `${o.child}/${o.children}`),
    );
    expect(await ws.texts('queue-blocked-by', trades)).toEqual(
      q.orders.flatMap((o) => o.blocked_by),
    );
    await trades.getByTestId('queue-toggle').first().click();
    expect(await ws.attrs('control-row', 'data-passed', trades)).toEqual(
      q.orders[0]!.controls.map((c) => String(c.passed)),
    );
    await ws.viewport(1280, 800);
    await expect.poll(() => ws.horizontalOverflow()).toEqual([]);
    await toTop(trades.getByTestId('execution-queue'));
    await page.screenshot({ path: join(SHOTS, 'agents-queue-1280x800.png') });
    await ws.tab('risk');
    await expect.poll(() => ws.horizontalOverflow()).toEqual([]);
    await toTop(ws.id('stress-tests'));
    await page.screenshot({ path: join(SHOTS, 'agents-stress-1280x800.png') });
    await ws.viewport(1440, 900);
  });

  it('approves with a note once; a second decision is impossible and the API answers 409', async () => {
    // Not exportable before a person approved it.
    const before = await app.dispatch('runTradesCsv', { run_id: reviewRunId }, CTX);
    expect(before.ok).toBe(false);
    expect((before as { ok: false; error: { code: string } }).error.code).toBe('CONFLICT');

    await ws.id('decision-note').fill('   ');
    expect(await ws.id('approve-button').isDisabled()).toBe(true);
    await ws.id('decision-note').fill('Turnover accepted: moving to the new targets in one go.');
    await ws.id('decision-actor').fill('Jane PM');
    expect(await ws.id('approve-button').isEnabled()).toBe(true);
    expect(await ws.id('reject-button').isEnabled()).toBe(true);
    await ws.id('approve-button').click();
    await ws.waitAttr('decision-banner', 'data-approval', 'approved');

    const shown = ws.id('decision-approval');
    expect(await shown.getAttribute('data-decision')).toBe('approved');
    expect(await ws.id('decision-actor-shown').innerText()).toBe('Jane PM');
    expect(await ws.id('decision-note-shown').innerText()).toContain('Turnover accepted');
    // No way to decide again in the UI.
    expect(await ws.id('approve-button').count()).toBe(0);
    expect(await ws.id('reject-button').count()).toBe(0);
    expect(await ws.id('decision-note').count()).toBe(0);
    await ws.viewport(1280, 800);
    await toTop(ws.banner());
    await page.screenshot({ path: join(SHOTS, 'agents-approved-1280x800.png') });

    // The engine holds the same decision and refuses another one.
    const again = await app.dispatch('approveRun', { run_id: reviewRunId, note: 'again' }, CTX);
    expect(again.ok).toBe(false);
    expect((again as { ok: false; error: { code: string } }).error.code).toBe('CONFLICT');
    const reject = await app.dispatch('rejectRun', { run_id: reviewRunId, note: 'no' }, CTX);
    expect((reject as { ok: false; error: { code: string } }).error.code).toBe('CONFLICT');
    const after = await app.dispatch('runTradesCsv', { run_id: reviewRunId }, CTX);
    expect(after.ok).toBe(true);

    // Other views unmount the result; coming back, the decision is still shown, not the form.
    await ws.view('runs');
    await ws.runsReady();
    const row = ws.runRow(reviewRunId);
    expect(await row.getAttribute('data-decision')).toBe('REVIEW_REQUIRED');
    expect(await row.getAttribute('data-approval')).toBe('approved');
    expect(await row.getByTestId('run-decision').innerText()).toBe('Review required');
    expect(await row.getByTestId('run-approval').innerText()).toBe('approved');
    await expect.poll(() => ws.horizontalOverflow()).toEqual([]);
    // Every column of the run list (its box scrolls sideways otherwise) fits at 1280×800.
    const widths = await ws.id('runs-table').evaluate((t) => ({
      scroll: t.parentElement!.scrollWidth,
      client: t.parentElement!.clientWidth,
      cols: Array.from(t.querySelectorAll('thead th')).map((th) =>
        Math.round(th.getBoundingClientRect().width),
      ),
    }));
    expect(widths.scroll, JSON.stringify(widths)).toBeLessThanOrEqual(widths.client + 1);
    await page.screenshot({ path: join(SHOTS, 'agents-runs-list-1280x800.png') });
    await ws.viewport(1440, 900);
    // The opened run reads the approval from the store (who, when, note).
    await row.click();
    await ws.waitAttr('run-detail', 'data-state', 'ready');
    const detail = ws.id('run-detail');
    await ws.waitAttr('decision-banner', 'data-approval', 'approved');
    expect(await detail.getByTestId('decision-actor-shown').innerText()).toBe('Jane PM');
    expect(await detail.getByTestId('approve-button').count()).toBe(0);
    await ws.view('workstation');
    expect(await ws.banner().getAttribute('data-approval')).toBe('approved');
    expect(await ws.id('approve-button').count()).toBe(0);
  });

  /** Clicks "Run all agents" on a card and waits for that flow (not an earlier one) to end. */
  async function runAll(cardKey: string): Promise<string | null> {
    const result = ws.id('flow-result');
    const before = (await result.count()) ? Number(await result.getAttribute('data-seq')) : 0;
    await page
      .locator(`[data-testid="scenario-flow-card"][data-name=${JSON.stringify(cardKey)}]`)
      .getByTestId('scenario-flow-run')
      .click();
    await page.waitForFunction(
      (n) =>
        Number(document.querySelector('[data-testid="flow-result"]')?.getAttribute('data-seq')) > n,
      before,
      { timeout: 60_000 },
    );
    return result.getAttribute('data-state');
  }

  /** A stored run as the API returns it. */
  async function storedRun(
    runId: string,
  ): Promise<{ kind: string; output: Record<string, unknown> }> {
    const r = await app.dispatch('getRun', { run_id: runId }, CTX);
    expect(r.ok).toBe(true);
    return (r as { ok: true; value: { kind: string; output: Record<string, unknown> } }).value;
  }

  it('lists an asset still outside its band at the top of the result, with the reason and a link', async () => {
    await ws.view('workstation');
    await ws.pasteEditorText(JSON.stringify(TIGHT_CAP, null, 2));
    await ws.runOk();
    const r = (
      (await app.dispatch('rebalance', TIGHT_CAP, CTX)) as { ok: true; value: RebalanceResponse }
    ).value;
    const stuck = r.weights.filter((w) => w.post_trade_band_status === 'outside');
    // The engine's answer: the cap binds and leaves JPM, XOM and AAPL outside.
    expect(stuck.map((w) => w.asset).sort()).toEqual(['AAPL', 'JPM', 'XOM']);
    const exc = ws.id('exceptions');
    expect(await exc.getAttribute('data-outside')).toBe(String(stuck.length));
    expect(await exc.getAttribute('data-count')).toBe(String(stuck.length));
    const items = exc.locator('[data-testid="exception-item"][data-kind="band"]');
    expect(
      await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-subject'))),
    ).toEqual(stuck.map((w) => w.asset));
    for (const w of stuck) {
      const text = await exc
        .locator(`[data-testid="exception-item"][data-subject="${w.asset}"]`)
        .innerText();
      expect(text).toContain(pct2(w.proposed_weight));
      expect(text).toContain('turnover cap');
    }
    // The strip: every asset's post-trade status and constraint, as the engine's.
    expect(await ws.attrs('band-status', 'data-asset', exc)).toEqual(r.weights.map((w) => w.asset));
    expect(await ws.attrs('band-status', 'data-status', exc)).toEqual(
      r.weights.map((w) => w.post_trade_band_status),
    );
    expect(await ws.attrs('band-status', 'data-constraint', exc)).toEqual(
      r.weights.map((w) =>
        w.post_trade_band_status === 'outside' ? (w.band_constraint ?? '') : '',
      ),
    );
    // At the top of the result: above the KPI strip and the tabs.
    const excBox = (await exc.boundingBox())!;
    expect(excBox.y).toBeLessThan((await ws.id('kpis').boundingBox())!.y);
    // The button opens the tab that shows the asset in full.
    await ws.tab('trades');
    await items.first().getByTestId('exception-go').click();
    await ws.id('view-portfolio').waitFor();
    expect(await ws.id('tab-portfolio').getAttribute('aria-selected')).toBe('true');

    await ws.viewport(1280, 800);
    await expect.poll(() => ws.horizontalOverflow()).toEqual([]);
    await toTop(exc);
    await page.screenshot({ path: join(SHOTS, 'agents-exceptions-cap-1280x800.png') });

    // None: one line says so.
    await ws.pick('Risk-Off Shock');
    await ws.runOk();
    await ws.waitAttr('exceptions', 'data-count', '0');
    expect(await ws.id('exceptions-none').count()).toBe(1);
    expect(await ws.id('exception-item').count()).toBe(0);
    expect(await ws.attrs('band-status', 'data-status')).toEqual(Array(6).fill('inside'));
    await ws.viewport(1440, 900);
  });

  it('shows the architecture from the blueprint: the flow banner and one card per agent', async () => {
    const bp = ((await app.dispatch('blueprint', {}, CTX)) as { ok: true; value: Blueprint }).value;
    const view = await ws.openView('agents');
    await ws.waitAttr('agents-page', 'data-state', 'ready');
    // Flow: every step of a run, agent and phase, in order (the Supervisor opens and closes it).
    expect(bp.flow.length).toBe(8);
    expect(await ws.attrs('flow-step', 'data-agent', view)).toEqual(
      bp.flow.map((f) => splitFlowEntry(f).agent),
    );
    expect(await ws.attrs('flow-step', 'data-phase', view)).toEqual(
      bp.flow.map((f) => splitFlowEntry(f).phase),
    );
    // Cards: one per agent in flow order, with version, role, inputs and outputs.
    expect(await ws.attrs('agent-card', 'data-agent', view)).toEqual(bp.agents.map((a) => a.name));
    expect(bp.agents.length).toBe(6);
    for (const a of bp.agents) {
      const card = view.locator(`[data-testid="agent-card"][data-agent="${a.name}"]`);
      expect(await card.getByTestId('agent-card-version').innerText()).toBe(`v${a.version}`);
      expect(await card.getByTestId('agent-card-role').innerText()).toBe(a.role);
      expect(await ws.texts('agent-card-input', card)).toEqual(a.inputs);
      expect(await ws.texts('agent-card-output', card)).toEqual(a.outputs);
      expect(await ws.texts('agent-card-model', card)).toEqual(
        a.models.map((m) => `${m.name} v${m.version}`),
      );
    }
    expect(await page.getByRole('list', { name: 'Orchestration flow' }).count()).toBe(1);
    await ws.viewport(1280, 800);
    await expect.poll(() => ws.horizontalOverflow()).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'agents-architecture-1280x800.png') });
    await ws.viewport(1440, 900);
  });

  it('runs rebalance → tandem → copilot on a scenario card in one click', async () => {
    expect(await runAll(AUTUMN_2008)).toBe('done');
    const result = ws.id('flow-result');
    expect(await ws.attrs('flow-stage', 'data-stage', result)).toEqual([...FLOW_ORDER]);
    expect(await ws.attrs('flow-stage', 'data-state', result)).toEqual(['done', 'done', 'done']);
    const card = page.locator(`[data-testid="scenario-flow-card"][data-name="${AUTUMN_2008}"]`);
    expect(await ws.attrs('flow-card-stage', 'data-state', card)).toEqual(['done', 'done', 'done']);

    // Three runs, one per stage, each stored with its kind.
    const rebId = await result.getByTestId('flow-rebalance-run').innerText();
    const tandemId = (await result.getByTestId('tandem-timeline').getAttribute('data-run-id'))!;
    const briefId = (await result.getByTestId('copilot-brief').getAttribute('data-run-id'))!;
    expect(new Set([rebId, tandemId, briefId]).size).toBe(3);
    expect((await storedRun(rebId)).kind).toBe('rebalance');
    const t = await storedRun(tandemId);
    expect(t.kind).toBe('tandem');
    const c = await storedRun(briefId);
    expect(c.kind).toBe('copilot');

    // Timeline: a card per agent, in flow order, with its objective and output.
    const timeline = (t.output.tandem as Tandem).timeline;
    expect(timeline.length).toBe(6);
    expect(await ws.attrs('tandem-step', 'data-agent', result)).toEqual(
      timeline.map((e) => e.agent),
    );
    expect(await ws.texts('tandem-step-output', result)).toEqual(timeline.map((e) => e.output));
    expect(
      (await ws.texts('tandem-step-objective', result)).map((x) => x.replace(/^Objective\s*/i, '')),
    ).toEqual(timeline.map((e) => e.objective));
    expect(await ws.attrs('tandem-step', 'data-warnings', result)).toEqual(
      timeline.map((e) => String(e.warnings.length)),
    );

    // The Supervisor's decision on the tandem run, with every policy check.
    const out = t.output as unknown as RebalanceResponse;
    const banner = ws.banner(result);
    expect(await banner.getAttribute('data-decision')).toBe(out.decision);
    expect(await ws.texts('decision-reason', result)).toEqual(out.decision_reasons);
    expect(await ws.attrs('check-row', 'data-check', result)).toEqual(
      out.supervisor.checks.map((x) => x.check),
    );
    expect(await ws.attrs('check-row', 'data-result', result)).toEqual(
      out.supervisor.checks.map((x) => x.result),
    );
    const turnover = out.supervisor.checks.find((x) => x.check === 'max_turnover')!;
    const tRow = result.locator('[data-testid="check-row"][data-check="max_turnover"]');
    expect(await tRow.getByTestId('check-value').innerText()).toBe(asPct(turnover.value!));
    expect(await tRow.getByTestId('check-limit').innerText()).toBe(asPct(turnover.limit!));

    // The brief: narrative, ranked actions and playbook, as stored.
    const brief = c.output.copilot as Omit<Brief, 'run_id'>;
    expect(await result.getByTestId('brief-narrative').innerText()).toBe(brief.narrative);
    expect(await ws.attrs('brief-action', 'data-asset', result)).toEqual(
      brief.top_actions.map((a) => a.asset),
    );
    expect(await ws.attrs('brief-stage', 'data-stage', result)).toEqual(
      [...brief.execution_playbook]
        .sort((a, b) => a.stage_order - b.stage_order)
        .map((s) => s.stage),
    );
    expect(await ws.attrs('brief-flag', 'data-check', result)).toEqual(
      brief.risk_flags.map((f) => f.check),
    );

    await ws.viewport(1280, 800);
    await expect.poll(() => ws.horizontalOverflow()).toEqual([]);
    await toTop(result);
    await page.screenshot({ path: join(SHOTS, 'agents-flow-decision-1280x800.png') });
    await toTop(result.getByTestId('tandem-timeline'));
    await page.screenshot({ path: join(SHOTS, 'agents-flow-timeline-1280x800.png') });
    await toTop(result.getByTestId('copilot-brief'));
    await page.screenshot({ path: join(SHOTS, 'agents-flow-brief-1280x800.png') });
    await ws.viewport(1440, 900);
  });

  it('approves a tandem run needing review with a note; it shows in Runs and the Audit trail', async () => {
    await ws.pasteEditorText(JSON.stringify(REVIEW_BOOK, null, 2));
    expect(await runAll('editor')).toBe('done');
    const result = ws.id('flow-result');
    expect(await result.getAttribute('data-key')).toBe('editor');
    const banner = ws.banner(result);
    expect(await banner.getAttribute('data-decision')).toBe('REVIEW_REQUIRED');
    const runId = (await result.getByTestId('tandem-timeline').getAttribute('data-run-id'))!;
    expect((await storedRun(runId)).kind).toBe('tandem');

    // The note is required: blank or spaces keep both buttons disabled.
    const approve = result.getByTestId('approve-button');
    expect(await approve.isDisabled()).toBe(true);
    await result.getByTestId('decision-note').fill('   ');
    expect(await approve.isDisabled()).toBe(true);
    expect(await result.getByTestId('reject-button').isDisabled()).toBe(true);
    await result
      .getByTestId('decision-note')
      .fill('Tandem reviewed: the one-off turnover is accepted.');
    await result.getByTestId('decision-actor').fill('Ann PM');
    await approve.click();
    await ws.waitAttr('decision-banner', 'data-approval', 'approved');
    expect(await result.getByTestId('decision-note-shown').innerText()).toContain(
      'one-off turnover',
    );
    expect(await result.getByTestId('approve-button').count()).toBe(0);
    expect(
      approvalOf(
        ((await app.dispatch('getRun', { run_id: runId }, CTX)) as { ok: true; value: unknown })
          .value,
      )?.decision,
    ).toBe('approved');

    // Runs history: the tandem run, decided.
    await ws.view('runs');
    await ws.runsReady();
    const row = ws.runRow(runId);
    expect(await row.getAttribute('data-decision')).toBe('REVIEW_REQUIRED');
    expect(await row.getAttribute('data-approval')).toBe('approved');

    // Audit trail: the run.approved event with the run as its subject.
    const events = (
      (await app.dispatch('listAudit', { after_seq: 0, limit: 500 }, CTX)) as {
        ok: true;
        value: { events: { action: string; subject: string; actor: string }[] };
      }
    ).value.events.filter((e) => e.action === 'run.approved' && e.subject === runId);
    expect(events.length).toBe(1);
    expect(events[0]!.actor).toBe('Ann PM');
    await ws.openView('audit');
    await ws.waitAttr('audit-view', 'data-state', 'ready');
    const ev = page
      .locator('[data-testid="audit-row"][data-action="run.approved"]')
      .filter({ hasText: runId });
    expect(await ev.count()).toBe(1);
    expect(await ev.innerText()).toContain('Ann PM');

    // Back in the Agents view, the decision is shown, not the form.
    await ws.openView('agents');
    await ws.waitAttr('decision-banner', 'data-approval', 'approved');
    expect(await ws.id('approve-button').count()).toBe(0);
  });

  it('renders the brief and the exceptions as text: markup in an asset name never runs', async () => {
    const book = structuredClone(REVIEW_BOOK);
    book.assets[0]!.asset = XSS_NAME;
    await ws.pasteEditorText(JSON.stringify(book, null, 2));
    expect(await runAll('editor')).toBe('done');
    const result = ws.id('flow-result');
    // The asset is ranked in the brief and named in its narrative, as literal text.
    expect(await ws.texts('brief-action-asset', result)).toContain(XSS_NAME);
    expect(await result.getByTestId('brief-narrative').innerText()).toContain(XSS_NAME);
    expect(await result.locator('img').count()).toBe(0);
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss),
    ).toBeUndefined();

    // The same in the workstation: the blocked order names the security as text.
    await ws.view('workstation');
    await ws.runOk();
    expect(await ws.id('exceptions').innerText()).toContain(XSS_NAME);
    expect(await page.locator('[data-testid="results"] img').count()).toBe(0);
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss),
    ).toBeUndefined();
    // The suites after this one run the review book from the editor.
    await ws.pasteEditorText(JSON.stringify(REVIEW_BOOK, null, 2));
  });

  it('shows the policy in force, its field errors, and stores a new version (409 when stale)', async () => {
    const view = await ws.openView('policy');
    await ws.waitAttr('policy-view', 'data-state', 'ready');
    const api = await app.dispatch('getPolicy', {}, CTX);
    expect(api.ok).toBe(true);
    const policy = (api as { ok: true; value: { version: number } & Record<string, unknown> })
      .value;
    expect(await ws.id('policy-version').getAttribute('data-version')).toBe(String(policy.version));
    expect(await ws.id('policy-version').innerText()).toBe(`version ${policy.version}`);
    expect(await view.getByTestId('policy-limit-row').count()).toBe(
      Object.keys(policy.limits as object).length + 1,
    );
    expect(await view.getByTestId('policy-severity-row').count()).toBe(9);
    expect(await page.getByRole('button', { name: /^Save as version \d+$/ }).count()).toBe(1);

    // An invalid edit: the engine's field errors, each with its path; nothing stored.
    const editor = ws.id('policy-editor');
    const doc = JSON.parse(await editor.inputValue()) as {
      version: number;
      limits: Record<string, { limit: number; on_breach: string } | null>;
      data_health: { severities: Record<string, string> };
    };
    const bad = structuredClone(doc);
    bad.limits.max_turnover!.limit = 2;
    bad.data_health.severities.weights_sum = 'sometimes';
    await editor.fill(JSON.stringify(bad, null, 2));
    await ws.afterSeq('policy-view', () => ws.id('policy-save').click());
    expect(await ws.id('policy-save-error').getAttribute('data-code')).toBe('BAD_REQUEST');
    expect((await ws.attrs('policy-field-error', 'data-path')).sort()).toEqual([
      'data_health.severities.weights_sum',
      'limits.max_turnover.limit',
    ]);

    // A valid edit: cash after trades must be at least 5%, or the run is rejected.
    const good = structuredClone(doc);
    good.limits.min_cash_weight = { limit: 0.05, on_breach: 'reject' };
    await editor.fill(JSON.stringify(good, null, 2));
    await ws.afterSeq('policy-view', () => ws.id('policy-save').click());
    expect(await ws.id('policy-saved').innerText()).toContain(`version ${doc.version + 1}`);
    expect(await ws.id('policy-version').getAttribute('data-version')).toBe(
      String(doc.version + 1),
    );
    const now = await app.dispatch('getPolicy', {}, CTX);
    expect((now as { ok: true; value: { version: number } }).value.version).toBe(doc.version + 1);
    const cashRow = view.locator('[data-testid="policy-limit-row"][data-limit="min_cash_weight"]');
    expect(await cashRow.innerText()).toContain('5.00%');

    await ws.viewport(1280, 800);
    await expect.poll(() => ws.horizontalOverflow()).toEqual([]);
    await toTop(ws.id('policy-view'));
    await page.screenshot({ path: join(SHOTS, 'agents-policy-1280x800.png') });
    await toTop(ws.id('policy-editor'));
    await page.screenshot({ path: join(SHOTS, 'agents-policy-editor-1280x800.png') });
    await ws.viewport(1440, 900);

    // Stale: an edit of the version before answers 409 with the engine's message.
    const stale = structuredClone(good);
    stale.version = doc.version;
    stale.limits.max_turnover!.limit = 0.4;
    await editor.fill(JSON.stringify(stale, null, 2));
    await ws.afterSeq('policy-view', () => ws.id('policy-save').click());
    expect(await ws.id('policy-save-error').getAttribute('data-code')).toBe('CONFLICT');
    const direct = await app.dispatch('putPolicy', stale, CTX);
    expect(direct.ok).toBe(false);
    expect(await ws.id('policy-save-message').innerText()).toBe(
      (direct as { ok: false; error: { message: string } }).error.message,
    );
    expect(await ws.id('policy-version').getAttribute('data-version')).toBe(
      String(doc.version + 1),
    );
    await ws.id('policy-revert').click();
    expect(await ws.id('policy-save').isDisabled()).toBe(true);
  });

  it('rejects a policy-REJECTED run from the run history; it can never be approved', async () => {
    await ws.view('workstation');
    await ws.runOk();
    const runId = await ws.id('run-meta-id').innerText();
    expect(runId).not.toBe(reviewRunId);
    const r = await app.dispatch('rebalance', REVIEW_BOOK, CTX);
    const rej = (r as { ok: true; value: RebalanceResponse }).value;
    expect(rej.decision).toBe('REJECTED');
    expect(await ws.banner().getAttribute('data-decision')).toBe('REJECTED');
    expect(await ws.texts('decision-reason')).toEqual(rej.decision_reasons);
    expect(rej.decision_reasons.some((x) => /cash/i.test(x))).toBe(true);
    expect(await ws.id('decision-policy-version').innerText()).toBe(
      `v${rej.supervisor.policy_version}`,
    );
    // A note does not make a REJECTED run approvable.
    await ws.id('decision-note').fill('Trying to approve anyway');
    expect(await ws.id('approve-button').isDisabled()).toBe(true);
    expect(await ws.id('reject-button').isEnabled()).toBe(true);

    // Reject it from the run history.
    await ws.view('runs');
    await ws.runsReady();
    const row = ws.runRow(runId);
    expect(await row.getAttribute('data-decision')).toBe('REJECTED');
    expect(await row.getAttribute('data-approval')).toBe('');
    await row.click();
    await ws.waitAttr('run-detail', 'data-state', 'ready');
    const detail = ws.id('run-detail');
    const banner = ws.banner(detail);
    expect(await banner.getAttribute('data-decision')).toBe('REJECTED');
    expect(await detail.getByTestId('reject-button').isDisabled()).toBe(true);
    await detail.getByTestId('decision-note').fill('Cash buffer below 5%: rerun with cash.');
    expect(await detail.getByTestId('approve-button').isDisabled()).toBe(true);
    await detail.getByTestId('reject-button').click();
    await ws.waitAttr('decision-banner', 'data-approval', 'rejected');
    expect(await detail.getByTestId('decision-approval').innerText()).toContain('Rejected');
    expect(await detail.getByTestId('decision-approval').innerText()).toContain(
      'Cash buffer below 5%',
    );
    expect(await detail.getByTestId('reject-button').count()).toBe(0);
    expect(await row.getAttribute('data-approval')).toBe('rejected');

    const approve = await app.dispatch('approveRun', { run_id: runId, note: 'please' }, CTX);
    expect((approve as { ok: false; error: { code: string } }).error.code).toBe('CONFLICT');
    const csv = await app.dispatch('runTradesCsv', { run_id: runId }, CTX);
    expect((csv as { ok: false; error: { code: string } }).error.code).toBe('CONFLICT');
    // The Export Orders button shows the engine's refusal.
    await detail.getByTestId('run-export-orders').click();
    const refusal = detail.locator('[role="alert"][data-code="CONFLICT"]');
    await refusal.first().waitFor();
    expect(await refusal.first().innerText()).toContain('not exported');

    await ws.viewport(1280, 800);
    await expect.poll(() => ws.horizontalOverflow()).toEqual([]);
    await toTop(detail);
    await page.screenshot({ path: join(SHOTS, 'agents-runs-rejected-1280x800.png') });
    await ws.viewport(1440, 900);
  });

  it('a 409 from the engine is shown in the banner and the decision taken elsewhere appears', async () => {
    // A new run, decided by a script while the page still offers the buttons.
    await ws.view('workstation');
    await ws.runOk();
    const runId = await ws.id('run-meta-id').innerText();
    const byScript = await app.dispatch(
      'rejectRun',
      { run_id: runId, note: 'rejected by the overnight script', actor: 'batch' },
      CTX,
    );
    expect(byScript.ok).toBe(true);
    await ws.id('decision-note').fill('Looks fine');
    await ws.id('reject-button').click();
    await ws.waitAttr('decision-error', 'data-code', 'CONFLICT');
    expect(await ws.id('decision-error').innerText()).toContain('already rejected');
    await ws.waitAttr('decision-banner', 'data-approval', 'rejected');
    expect(await ws.id('decision-actor-shown').innerText()).toBe('batch');
  });

  it('raised no page errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
