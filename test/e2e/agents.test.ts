/**
 * End-to-end: the six agents in tandem in the workstation UI (browser mode, Debian's Chromium
 * driven by playwright-core): the Supervisor's decision banner with every reason, human approval
 * and rejection (a note is required, one decision per run, the API answers 409 afterwards), the
 * Agents tab (step records in order, evidence, supervisor checks, data health), stress tests in
 * Risk, the execution queue in Trades, decisions in the run history, and the Policy view (field
 * errors, a new version, 409 on a stale version). What the UI shows is compared with the
 * engine's own JSON for the same request. The pure wording helpers are tested everywhere.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { RebalanceResponse } from '../../src/contract/rebalance';
import type { App } from '../../src/server/app';
import {
  approvalOf,
  checkValue,
  decisionWording,
  evidenceValue,
  FRACTION_CHECKS,
} from '../../renderer/agents/agents';
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
    const exc = ws.id('agent-exceptions');
    expect(await exc.getAttribute('data-blocked')).toBe(String(blocked.length));
    expect(await ws.attrs('exception-blocked-order', 'data-security')).toEqual(
      blocked.map((o) => o.security),
    );
    expect(await exc.innerText()).toContain('max_order_nav_fraction');
    // Findings for review only (short history is a warning under the default policy).
    const forReview = ref.data_health.findings.filter((f) => f.severity !== 'warn');
    expect(await ws.id('exception-finding').count()).toBe(forReview.length);

    // The Agents tab's count says how many steps were recorded.
    expect(await ws.id('agents-count').innerText()).toBe(String(ref.agent_steps.length));

    await ws.viewport(1280, 800);
    expect(await ws.horizontalOverflow()).toEqual([]);
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
    expect(await ws.horizontalOverflow()).toEqual([]);
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
    expect(await ws.horizontalOverflow()).toEqual([]);
    await toTop(trades.getByTestId('execution-queue'));
    await page.screenshot({ path: join(SHOTS, 'agents-queue-1280x800.png') });
    await ws.tab('risk');
    expect(await ws.horizontalOverflow()).toEqual([]);
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
    expect(await ws.horizontalOverflow()).toEqual([]);
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
    expect(await page.getByRole('button', { name: 'Store as a new policy version' }).count()).toBe(
      1,
    );

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
    expect(await ws.horizontalOverflow()).toEqual([]);
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
    // The Orders CSV button shows the engine's refusal.
    await detail.getByTestId('run-download-csv').click();
    await expect.poll(() => detail.getByRole('alert').first().innerText()).toContain('CONFLICT');

    await ws.viewport(1280, 800);
    expect(await ws.horizontalOverflow()).toEqual([]);
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
