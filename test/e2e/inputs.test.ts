/**
 * End-to-end: the request as a PM enters it (settings form, holdings grid, Advanced JSON) in
 * browser mode, driven in Debian's Chromium at 1280×800. The JSON text stays the one source of
 * truth: every check reads the editor's text (or the engine's answer for that text) back.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { RebalanceResponse } from '../../src/contract/rebalance';
import type { App } from '../../src/server/app';
import { type Harness, hasChromium, SHOTS, startHarness, warnIfNoChromium } from './harness';
import { Workstation } from './pages';

warnIfNoChromium('the request inputs suite');

const RATE_SHOCK = '2022';
const RISK_OFF = 'Risk-Off Shock';

interface Req {
  drift_threshold?: number;
  turnover_limit?: number;
  monte_carlo?: { paths?: number };
  risk_aversion?: number;
  assets: { asset: string; target_weight: number; current_weight: number; price?: number }[];
}

describe.skipIf(!hasChromium)('request inputs: form, grid and JSON (Chromium, 1280×800)', () => {
  let app: App;
  let page: Page;
  let ws: Workstation;
  let consoleErrors: string[];
  let harness: Harness | undefined;

  /** The request the editor holds (read from the JSON text, hidden or not). */
  const request = async (): Promise<Req> => JSON.parse(await ws.editorText()) as Req;
  const mode = async (m: 'settings' | 'holdings' | 'json') => {
    await ws.id(`input-mode-${m}`).click();
    await ws.waitAttr('request-panel', 'data-mode', m);
  };
  const cell = (path: string): Locator => page.locator(`input[data-path="${path}"]`);
  /** The problem shown in the table cell of a path. */
  const cellError = (path: string): Locator =>
    page.locator(`[data-testid="cell-error"][data-field="${path}"]`);
  /** The problem shown under a settings field. */
  const fieldError = (testId: string): Locator =>
    page.locator(`.fld:has([data-testid="${testId}"]) [data-testid="setting-error"]`);

  beforeAll(async () => {
    // Refused requests (400) are provoked on purpose.
    harness = await startHarness({
      dataDirPrefix: 'spr-e2e-inputs-',
      ignoreConsole: /status of 400/,
    });
    ({ app, page, consoleErrors } = harness);
    ws = new Workstation(page);
    await ws.viewport(1280, 800);
    await page.goto(app.url);
    await ws.ready();
    // The harness rebuilds the UI first when a source is newer than the build.
  }, 180_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('opens on the settings form, with the request’s values in a PM’s units', async () => {
    await ws.pick(RATE_SHOCK);
    expect(await ws.id('request-panel').getAttribute('data-mode')).toBe('settings');
    expect(await ws.id('input-mode-settings').getAttribute('aria-selected')).toBe('true');
    const req = await request();
    // 0.02 is shown as 2 (%), 0.2 as 20 (%), 10,000 paths with grouping.
    expect(req.drift_threshold).toBe(0.02);
    expect(await ws.id('setting-band').inputValue()).toBe('2');
    expect(await ws.id('setting-turnover').inputValue()).toBe('20');
    expect(await ws.id('setting-cost-bps').inputValue()).toBe('10');
    expect(await ws.id('setting-mc-paths').inputValue()).toBe('10,000');
    // The benchmark comes from the JSON: present, with its number of prices.
    const bench = ws.id('benchmark-status');
    expect(await bench.getAttribute('data-present')).toBe('true');
    expect(await bench.getAttribute('data-points')).toBe('253');
    expect(await bench.getAttribute('data-aligned')).toBe('true');
    // The JSON text is there but hidden: nothing here needs it.
    expect(await ws.id('request-editor').isVisible()).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'inputs-settings.png') });
  });

  it('a form-only rebalance: band, turnover cap and Monte Carlo paths reach the engine', async () => {
    await ws.pick(RATE_SHOCK);
    await ws.id('setting-band').fill('3.5');
    await ws.id('setting-turnover').fill('12.5');
    await ws.id('setting-mc-paths').fill('2000');
    await ws.runOk();
    // The JSON was never opened, and it holds exactly what the form says.
    expect(await ws.id('request-editor').isVisible()).toBe(false);
    const req = await request();
    expect(req.drift_threshold).toBe(0.035);
    expect(req.turnover_limit).toBe(0.125);
    expect(req.monte_carlo?.paths).toBe(2000);

    const ref = await app.dispatch('rebalance', req, { actor: 'test', transport: 'inprocess' });
    expect(ref.ok).toBe(true);
    const r = (ref as { ok: true; value: RebalanceResponse }).value;
    expect(r.turnover_limit).toBe(0.125);
    expect(r.drift_threshold).toBe(0.035);
    expect(r.monte_carlo?.paths).toBe(2000);
    // The result on screen is that answer: the KPIs show the cap and the paths.
    const kpis = await ws.id('kpis').innerText();
    expect(kpis).toContain('limit 12.50%');
    expect(kpis).toContain('2,000 paths');
    await page.screenshot({ path: join(SHOTS, 'inputs-form-run.png') });
  });

  it('an invalid control keeps the typed value, shows why and blocks Run', async () => {
    await ws.pick(RATE_SHOCK);
    const before = await ws.editorText();
    await ws.id('setting-band').fill('-5');
    expect(await ws.id('setting-band').inputValue()).toBe('-5');
    expect(await ws.id('setting-band').getAttribute('aria-invalid')).toBe('true');
    expect(await fieldError('setting-band').innerText()).toBe('must be from 0% to 50%');
    expect(await ws.id('run-button').isDisabled()).toBe(true);
    expect(await ws.id('run-blocked').innerText()).toContain('Tolerance band');
    expect(await ws.id('run-blocked').innerText()).toContain('must be from 0% to 50%');
    // Nothing was written: the JSON still holds the scenario's band.
    expect(await ws.editorText()).toBe(before);

    // λ of mean–variance: −5 stays −5, in red, and blocks Run too (it used to run with 1).
    await ws.id('setting-band').fill('2.5');
    await ws.id('method-select').selectOption('mean_variance');
    const lambda = (await request()).risk_aversion;
    await ws.id('method-risk-aversion').fill('-5');
    expect(await ws.id('method-risk-aversion').inputValue()).toBe('-5');
    expect(await ws.id('method-error').innerText()).toContain('must be from 0 to 10,000');
    expect(await ws.id('run-button').isDisabled()).toBe(true);
    expect(await ws.id('run-blocked').innerText()).toContain('Risk aversion λ');
    expect((await request()).risk_aversion).toBe(lambda);
    await page.screenshot({ path: join(SHOTS, 'inputs-blocked.png') });
    // The block holds in every mode (the draft is kept while the JSON is shown).
    await mode('json');
    expect(await ws.id('run-button').isDisabled()).toBe(true);
    await mode('settings');
    await ws.id('method-risk-aversion').fill('4');
    expect(await ws.id('run-button').isDisabled()).toBe(false);
    const req = await request();
    expect(req.risk_aversion).toBe(4);
    expect(req.drift_threshold).toBe(0.025);
    // A draft left invalid is dropped when another request is loaded (it was about this one).
    await ws.id('setting-band').fill('70');
    expect(await ws.id('run-button').isDisabled()).toBe(true);
    await ws.pick(RISK_OFF);
    expect(await ws.id('setting-band').inputValue()).toBe('2');
    expect(await ws.id('run-button').isDisabled()).toBe(false);
  });

  it('a grid cell with an invalid value shows the reason at that cell', async () => {
    await ws.pick(RATE_SHOCK);
    await mode('holdings');
    const rows = ws.id('grid-row');
    expect(await rows.count()).toBe(6);
    const target = cell('assets.1.target_weight');
    expect(await target.inputValue()).toBe('20');
    await target.fill('150');
    const err = cellError('assets.1.target_weight');
    expect(await err.innerText()).toBe('must be from 0% to 100%');
    expect(await err.getAttribute('data-source')).toBe('client');
    expect(await target.getAttribute('aria-invalid')).toBe('true');
    expect(await target.getAttribute('aria-describedby')).toBe(await err.getAttribute('id'));
    expect(await ws.id('run-button').isDisabled()).toBe(true);
    await target.fill('abc');
    expect(await err.innerText()).toBe('must be a number');
    expect((await request()).assets[1]?.target_weight).toBe(0.2);
    await page.screenshot({ path: join(SHOTS, 'inputs-grid-client-error.png') });
    await target.fill('22.5');
    expect(await err.count()).toBe(0);
    expect((await request()).assets[1]?.target_weight).toBe(0.225);
    // The sums follow: 100% + 2.5 pp.
    expect(await ws.id('sum-target').innerText()).toContain('102.50%');
    expect(await ws.id('sum-target').getAttribute('data-off')).toBe('true');
    expect(await ws.id('run-button').isDisabled()).toBe(false);
  });

  it('values the engine refuses: its field errors are shown at their cells', async () => {
    await ws.pick(RATE_SHOCK);
    await mode('holdings');
    // No client rule is broken (a price may be left out, a name may be anything), but the
    // contract refuses an asset without holdings and without price, and a duplicate name.
    await cell('assets.2.price').fill('');
    await cell('assets.4.asset').fill('AAPL');
    expect(await ws.id('run-button').isDisabled()).toBe(false);
    expect(await ws.run()).toBe('error');
    const price = cellError('assets.2.price');
    await price.waitFor();
    expect(await price.getAttribute('data-source')).toBe('server');
    expect(await price.innerText()).toContain(
      'required: the asset has no holdings, so its orders need its own price',
    );
    expect(await cell('assets.2.price').getAttribute('aria-invalid')).toBe('true');
    expect(await cell('assets.2.price').getAttribute('aria-describedby')).toBe(
      await price.getAttribute('id'),
    );
    const dup = cellError('assets.4.asset');
    expect(await dup.innerText()).toContain('duplicate asset "AAPL"');
    // The list under Run says the same in plain words; clicking goes to the cell.
    const item = page.locator('[data-testid="field-error"][data-path="assets.2.price"]');
    expect(await item.innerText()).toContain('asset #3 “AAPL” › price');
    await mode('settings');
    await item.getByRole('button').click();
    await ws.waitAttr('request-panel', 'data-mode', 'holdings');
    await page.waitForFunction(
      () => document.activeElement?.getAttribute('data-path') === 'assets.2.price',
    );
    await page.screenshot({ path: join(SHOTS, 'inputs-grid-server-error.png') });
    // Fixing the value removes the engine's error at that cell (it was about the old value).
    await cell('assets.2.price').fill('137.71');
    expect(await price.count()).toBe(0);
    expect(await dup.count()).toBe(1);
    await cell('assets.4.asset').fill('CVX');
    await ws.runOk();
    expect(await page.locator('[data-testid="cell-error"]').count()).toBe(0);
  });

  it('shows the holdings of an asset in a sub-grid, editable', async () => {
    await ws.pick(RISK_OFF);
    await mode('holdings');
    const req = (await request()) as unknown as {
      assets: { asset: string; holdings?: { holding: string; quantity?: number }[] }[];
    };
    const first = req.assets[0]!;
    const n = first.holdings?.length ?? 0;
    expect(n).toBeGreaterThan(0);
    const toggle = ws.id('holdings-toggle').first();
    expect(await toggle.getAttribute('data-count')).toBe(String(n));
    await toggle.click();
    const sub = ws.id('holdings-subgrid');
    expect(await sub.getByTestId('holding-row').count()).toBe(n);
    const name = sub.locator('input[data-path="assets.0.holdings.0.holding"]');
    expect(await name.inputValue()).toBe(first.holdings![0]!.holding);
    await name.fill('Renamed fund');
    const after = (await request()) as typeof req;
    expect(after.assets[0]!.holdings![0]!.holding).toBe('Renamed fund');
    await page.screenshot({ path: join(SHOTS, 'inputs-holdings-subgrid.png') });
  });

  it('weights the contract refuses as a whole are shown with the grid', async () => {
    await ws.pick(RISK_OFF);
    await mode('holdings');
    for (let i = 0; i < 6; i++) await cell(`assets.${i}.target_weight`).fill('0');
    expect(await ws.id('foot-target').innerText()).toBe('0.00%');
    expect(await ws.run()).toBe('error');
    const sums = page.locator('.grid-panel > [data-testid="cell-error"]');
    expect(await sums.innerText()).toContain('target weights sum to 0');
  });

  it('pastes a 3-row block from a spreadsheet, and a block into the cells', async () => {
    await ws.pick(RISK_OFF);
    await mode('holdings');
    await ws.id('grid-paste-open').click();
    await ws
      .id('paste-box')
      .fill('GLD\tCommodity\t0\t5\t$2,310\nBTC\tCrypto\t0\t2.5\t64,000\nTLT\tETF\t0\t7.5\t91.2');
    await ws.id('paste-apply').click();
    expect(await ws.id('grid-row').count()).toBe(9);
    expect(await ws.id('paste-note').innerText()).toContain('3 added');
    const req = await request();
    expect(req.assets.slice(6)).toEqual([
      {
        asset: 'GLD',
        asset_class: 'Commodity',
        current_weight: 0,
        target_weight: 0.05,
        price: 2310,
      },
      {
        asset: 'BTC',
        asset_class: 'Crypto',
        current_weight: 0,
        target_weight: 0.025,
        price: 64000,
      },
      { asset: 'TLT', asset_class: 'ETF', current_weight: 0, target_weight: 0.075, price: 91.2 },
    ]);

    // Ctrl+V of a 2×2 block into the current-weight cell of row 1 overwrites from there.
    await cell('assets.0.current_weight').evaluate((el, text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
    }, '30\t20\n14\t15\n');
    const after = await request();
    expect(after.assets[0]).toMatchObject({ current_weight: 0.3, target_weight: 0.2 });
    expect(after.assets[1]).toMatchObject({ current_weight: 0.14, target_weight: 0.15 });
    expect(after.assets).toHaveLength(9);
    await page.screenshot({ path: join(SHOTS, 'inputs-grid-paste.png') });

    // A row removed and one added.
    await ws.id('grid-remove-row').nth(8).click();
    expect(await ws.id('grid-row').count()).toBe(8);
    await ws.id('grid-add-row').click();
    expect((await request()).assets[8]).toEqual({
      asset: 'New asset 1',
      target_weight: 0,
      current_weight: 0,
    });
  });

  it('keeps the JSON and the form in sync both ways', async () => {
    await ws.pick(RISK_OFF);
    await mode('settings');
    // Form → JSON.
    await ws.id('setting-cost-bps').fill('7');
    expect((await request()) as unknown).toMatchObject({ transaction_cost_bps: 7 });
    await mode('json');
    expect(await ws.editorText()).toContain('"transaction_cost_bps": 7');
    // JSON → form and grid.
    const req = (await request()) as Req & Record<string, unknown>;
    req.drift_threshold = 0.04;
    req.assets[0]!.asset = 'Balanced fund';
    await ws.setEditorText(JSON.stringify(req, null, 2));
    await mode('settings');
    expect(await ws.id('setting-band').inputValue()).toBe('4');
    expect(await ws.id('setting-cost-bps').inputValue()).toBe('7');
    await mode('holdings');
    expect(await cell('assets.0.asset').inputValue()).toBe('Balanced fund');
    // An invalid draft lapses when the JSON value under it is changed there.
    await mode('settings');
    await ws.id('setting-band').fill('90');
    expect(await ws.id('run-button').isDisabled()).toBe(true);
    req.drift_threshold = 0.03;
    await ws.setEditorText(JSON.stringify(req, null, 2));
    await mode('settings');
    expect(await ws.id('setting-band').inputValue()).toBe('3');
    expect(await ws.id('run-button').isDisabled()).toBe(false);
    // A JSON that does not parse disables the form, with the way back.
    await ws.setEditorText('{"portfolio_value": 1,');
    await mode('settings');
    expect(await ws.id('settings-form').getAttribute('data-enabled')).toBe('false');
    expect(await ws.id('settings-hint').innerText()).toMatch(/does not parse/);
  });

  it('fits 1280×800 in every mode, the mode switch works from the keyboard', async () => {
    await ws.pick(RATE_SHOCK);
    for (const m of ['settings', 'holdings', 'json'] as const) {
      await mode(m);
      const over = await page.evaluate(() => {
        const out: string[] = [];
        const check = (el: Element | null, name: string) => {
          if (el && el.scrollWidth > el.clientWidth + 1)
            out.push(`${name}: ${el.scrollWidth} > ${el.clientWidth}`);
        };
        check(document.documentElement, 'page');
        check(document.querySelector('aside.side'), 'side');
        check(document.querySelector('[data-testid="request-panel"]'), 'editor');
        check(document.querySelector('.grid-wrap'), 'grid');
        return out;
      });
      expect.soft(over, m).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `inputs-${m}-1280x800.png`) });
    }
    await ws.id('input-mode-json').focus();
    await page.keyboard.press('ArrowLeft');
    await ws.waitAttr('request-panel', 'data-mode', 'holdings');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'input-mode-holdings',
    );
    await page.keyboard.press('Home');
    await ws.waitAttr('request-panel', 'data-mode', 'settings');
  });

  it('logs no page errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
