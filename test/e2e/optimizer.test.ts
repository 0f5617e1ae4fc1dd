/**
 * End-to-end: the optimizer in the workstation UI (browser mode, Debian's Chromium through
 * playwright-core, same set-up as workstation.test.ts). The Method control edits the request
 * JSON; the Optimizer tab shows the solver report; an infeasible request shows the engine's
 * explanation and every constraint in conflict. Figures shown are checked against the engine's
 * own answer for the same request. The pure helpers behind the control run everywhere.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RebalanceResponse } from '../../src/contract/rebalance';
import type { App } from '../../src/server/app';
import { sci } from '../../renderer/shared/format';
import { constraintField, readMethod, writeMethod } from '../../renderer/workstation/method';
import { type Harness, hasChromium, SHOTS, startHarness, warnIfNoChromium } from './harness';
import { Workstation } from './pages';

warnIfNoChromium('the optimizer UI suite');

const RATE_SHOCK = '2022: the rate shock';

/** A percentage as the UI shows it, back to a number: "12.34%" → 12.34 (NaN when not one). */
const fromPct = (s: string) => (/^-?\d+\.\d{2}%$/.test(s) ? Number(s.slice(0, -1)) : Number.NaN);

describe('Method control helpers (pure)', () => {
  const text = JSON.stringify({
    portfolio_value: 1000,
    assets: [{ asset: 'A', current_weight: 1, target_weight: 1, price: 1 }],
    covariance: { estimator: 'ewma', halflife: 21 },
    custom_note: 'kept',
  });

  it('reads the fields, or the contract defaults when absent', () => {
    const r = readMethod(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.fields).toEqual({
      method: 'threshold',
      risk_aversion: 1,
      estimator: 'ewma',
      whole_lots: false,
      hrp_linkage: 'single',
    });
  });

  it('writes only its own fields and keeps every other one (unknown keys included)', () => {
    const out = writeMethod(text, {
      method: 'mean_variance',
      risk_aversion: 3,
      estimator: 'sample',
    });
    expect(out).not.toBeNull();
    const v = JSON.parse(out!) as Record<string, unknown>;
    expect(v).toEqual({
      portfolio_value: 1000,
      assets: [{ asset: 'A', current_weight: 1, target_weight: 1, price: 1 }],
      covariance: { estimator: 'sample', halflife: 21 },
      custom_note: 'kept',
      method: 'mean_variance',
      risk_aversion: 3,
    });
    const again = writeMethod(out!, { whole_lots: true });
    expect((JSON.parse(again!) as { whole_lots: boolean }).whole_lots).toBe(true);
  });

  it('refuses text that is not a JSON object', () => {
    expect(readMethod('{"method": ').ok).toBe(false);
    expect(readMethod('[1, 2]').ok).toBe(false);
    expect(readMethod('  ').ok).toBe(false);
    expect(writeMethod('{"method": ', { method: 'min_variance' })).toBeNull();
  });

  it('maps constraint names of an INFEASIBLE answer to request fields', () => {
    expect(constraintField('turnover')).toBe('turnover_limit');
    expect(constraintField('class_min:ETF')).toBe('class_bounds.ETF.min');
    expect(constraintField('class_max:Crypto')).toBe('class_bounds.Crypto.max');
    expect(constraintField('asset_max:AAPL')).toBe('bounds.AAPL.max');
    expect(constraintField('no_trade:GLD')).toBe('no_trade');
    expect(constraintField('budget')).toBeNull();
    expect(constraintField('covariance.factors')).toBe('covariance.factors');
  });

  it('formats residuals and duals (hand-worked)', () => {
    expect(sci(0)).toBe('0');
    expect(sci(0.06129498871030484)).toBe('0.06129');
    expect(sci(-0.02156079959263467)).toBe('-0.02156');
    expect(sci(4.6044986553425524e-12)).toBe('4.6e-12');
    expect(sci(null)).toBe('—');
    expect(sci(Number.NaN)).toBe('—');
  });
});

describe.skipIf(!hasChromium)('optimizer in the workstation UI (Chromium)', () => {
  let app: App;
  let page: Page;
  let ws: Workstation;
  let consoleErrors: string[];
  let harness: Harness | undefined;

  beforeAll(async () => {
    // The infeasible request is refused with 422 on purpose.
    harness = await startHarness({ dataDirPrefix: 'spr-e2e-opt-', ignoreConsole: /status of 422/ });
    ({ app, page, consoleErrors } = harness);
    ws = new Workstation(page);
    await page.goto(app.url);
    await ws.ready();
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('a threshold run has no Optimizer tab', async () => {
    await ws.pick(RATE_SHOCK);
    expect(await ws.id('method-select').inputValue()).toBe('threshold');
    await ws.runOk();
    expect(await ws.id('tab-optimizer').count()).toBe(0);
  });

  it('the control is disabled with a hint while the JSON does not parse', async () => {
    await ws.pick(RATE_SHOCK);
    const good = await ws.editorText();
    await ws.setEditorText(`${good},`);
    await ws.waitAttr('method-control', 'data-enabled', 'false');
    expect(await ws.id('method-select').isDisabled()).toBe(true);
    expect(await ws.id('method-hint').innerText()).toMatch(/does not parse/);
    await ws.setEditorText(good);
    await ws.waitAttr('method-control', 'data-enabled', 'true');
  });

  it('mean_variance offers λ, written into the JSON as typed', async () => {
    await ws.pick(RATE_SHOCK);
    await ws.id('method-select').selectOption('mean_variance');
    const lambda = ws.id('method-risk-aversion');
    expect(await lambda.inputValue()).toBe('1');
    await lambda.fill('2.5');
    await expect
      .poll(
        async () => (JSON.parse(await ws.editorText()) as { risk_aversion: number }).risk_aversion,
      )
      .toBe(2.5);
    await ws.id('method-estimator').selectOption('ewma');
    await ws.id('method-whole-lots').check();
    const req = JSON.parse(await ws.editorText()) as Record<string, unknown>;
    // The estimator changes; the other covariance keys (the scenario's half-life) are kept.
    expect(req.covariance).toEqual({ estimator: 'ewma', halflife: 63 });
    expect(req.whole_lots).toBe(true);
    expect(req.method).toBe('mean_variance');
    expect(req).toHaveProperty('price_history');
    await ws.id('method-control').screenshot({ path: join(SHOTS, 'optimizer-method-control.png') });
  });

  it('min_variance chosen in the control: solver report, weights and trades', async () => {
    await ws.pick(RATE_SHOCK);
    const before = JSON.parse(await ws.editorText()) as Record<string, unknown>;
    await ws.id('method-select').selectOption('min_variance');
    const request = JSON.parse(await ws.editorText()) as Record<string, unknown>;
    // The control changed the method and nothing else.
    expect(request).toEqual({ ...before, method: 'min_variance' });
    // Mean–variance only: λ is not offered for min_variance; the estimator and lots are.
    expect(await ws.id('method-risk-aversion').count()).toBe(0);
    expect(await ws.id('method-estimator').inputValue()).toBe('ledoit_wolf');
    expect(await ws.id('method-whole-lots').isChecked()).toBe(false);
    await ws.runOk();

    const ref = await app.dispatch('rebalance', request, { actor: 'test', transport: 'inprocess' });
    expect(ref.ok).toBe(true);
    const r = (ref as { ok: true; value: RebalanceResponse }).value;
    const o = r.optimization!;
    expect(o).not.toBeNull();

    const view = await ws.tab('optimizer');
    expect(await ws.id('opt-status').getAttribute('data-status')).toBe('optimal');
    expect(await ws.id('opt-kkt').getAttribute('data-verified')).toBe('true');
    expect(await ws.id('opt-kkt').innerText()).toContain('✓');
    expect(await ws.id('opt-method').getAttribute('data-method')).toBe('min_variance');
    expect(await ws.id('opt-header').innerText()).toContain(o.objective_description);
    expect(await ws.id('opt-iterations').innerText()).toContain(String(o.solver.iterations));
    expect(await ws.id('opt-kkt-residuals').innerText()).toContain('primal residual');

    const rows = view.getByTestId('opt-weight-row');
    expect(await rows.count()).toBe(6);
    for (const w of o.weights) {
      const row = page.locator(`[data-testid="opt-weight-row"][data-asset="${w.asset}"]`);
      // Cells: asset, current, optimized, trade, risk contribution. Compared as numbers to half
      // a unit of the last digit shown: 0.17024999999999998 may print as 17.02% or 17.03%.
      const cells = (await row.innerText()).split('\t').map((c) => c.trim());
      expect(cells[0]).toBe(w.asset);
      expect(Math.abs(fromPct(cells[1]!) - w.current_weight * 100)).toBeLessThanOrEqual(0.0051);
      expect(Math.abs(fromPct(cells[2]!) - w.weight * 100)).toBeLessThanOrEqual(0.0051);
      expect(Math.abs(fromPct(cells[4]!) - w.risk_contribution! * 100)).toBeLessThanOrEqual(0.0051);
    }
    // The turnover cap of the scenario (20%) binds, with its dual.
    expect(o.binding_constraints.some((b) => b.name === 'turnover')).toBe(true);
    const turnover = page.locator('[data-testid="opt-binding-row"][data-name="turnover"]');
    expect(await turnover.count()).toBe(1);
    expect(await ws.id('opt-covariance').innerText()).toContain('ledoit_wolf');
    await page.screenshot({ path: join(SHOTS, 'optimizer.png') });

    const trades = await ws.tab('trades');
    const acting = r.trades.filter((t) => t.action !== 'Hold');
    expect(acting.length).toBeGreaterThan(0);
    expect(
      await trades.locator('[data-testid="trade-row"]:not([data-action="Hold"])').count(),
    ).toBe(acting.length);
  });

  it('an impossible class bound: the INFEASIBLE message and the turnover path are shown', async () => {
    const req = JSON.parse(await ws.editorText()) as Record<string, unknown>;
    req.class_bounds = { ETF: { min: 0.9 } };
    req.turnover_limit = 0.05;
    await ws.pasteEditorText(JSON.stringify(req, null, 2));
    expect(await ws.run()).toBe('error');
    const errors = ws.id('request-errors');
    await errors.waitFor({ state: 'visible' });
    expect(await errors.getAttribute('data-code')).toBe('INFEASIBLE');

    const ref = await app.dispatch('rebalance', req, { actor: 'test', transport: 'inprocess' });
    expect(ref.ok).toBe(false);
    const e = (ref as { ok: false; error: { message: string; details?: { path: string }[] } })
      .error;
    expect(await ws.id('infeasible-message').innerText()).toBe(e.message);
    const turnover = page.locator('[data-testid="field-error"][data-path="turnover"]');
    await turnover.waitFor();
    expect(await turnover.innerText()).toContain('turnover');
    expect(await ws.id('field-error').count()).toBe(e.details?.length ?? 0);
    // The previous (feasible) result stays on screen under the banner.
    expect(await ws.id('stale-banner').count()).toBe(1);
    // Clicking the path selects the request field behind it.
    await turnover.getByRole('button').click();
    const selected = await ws
      .id('request-editor')
      .evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd));
    expect(selected).toBe('0.05');
    await page.screenshot({ path: join(SHOTS, 'optimizer-infeasible.png') });
  });

  it('logs no page errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
