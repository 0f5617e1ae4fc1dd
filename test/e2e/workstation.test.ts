/**
 * End-to-end: the workstation UI in browser mode, driven in Debian's Chromium by playwright-core.
 * The engine runs in-process (startApp) on a random loopback port with a fresh data directory;
 * the page is the production renderer build (out/renderer). Figures shown are checked against
 * the engine's own JSON for the same request, formatted independently here.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RebalanceResponse } from '../../src/contract/rebalance';
import type { App } from '../../src/server/app';
import { type Harness, hasChromium, SHOTS, startHarness, warnIfNoChromium } from './harness';
import { Workstation } from './pages';

warnIfNoChromium('the browser-mode UI suite');

const AUTUMN_2008 = 'Autumn 2008';
const RISK_OFF = 'Risk-Off Shock';

/** Independent formatting of a fraction as the UI should show it: 0.1234 → "12.34%". */
const asPct = (x: number) =>
  `${(x * 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}%`;

describe.skipIf(!hasChromium)('workstation UI in browser mode (Chromium)', () => {
  let app: App;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let ws: Workstation;
  let consoleErrors: string[];
  let harness: Harness | undefined;

  beforeAll(async () => {
    // The invalid-request test provokes one 400 on purpose.
    harness = await startHarness({ ignoreConsole: /status of 400/ });
    ({ app, browser, context, page, consoleErrors } = harness);
    ws = new Workstation(page);
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('opens with the token, removes it from the address bar and lists the scenarios', async () => {
    await page.goto(app.url);
    await ws.ready();
    expect(page.url()).not.toContain('token');
    expect(page.url()).toBe(`${app.server.url}/`);
    const names = await ws
      .id('scenario-card')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    expect(names).toContain(RISK_OFF);
    expect(names.some((n) => n?.startsWith(AUTUMN_2008))).toBe(true);
    await expect.poll(() => ws.id('engine-status').innerText()).toMatch(/^engine \d+\.\d+\.\d+/);
    expect(await ws.id('transport').innerText()).toContain('browser mode');
    await page.screenshot({ path: join(SHOTS, 'workstation-start.png') });
  });

  it('keeps working after a reload (token kept for this tab only)', async () => {
    await page.reload();
    await ws.ready();
    expect(page.url()).not.toContain('token');
    expect(await ws.id('load-error').count()).toBe(0);
  });

  it('runs Autumn 2008: trades, risk with real numbers, fan chart, drilldown', async () => {
    await ws.pick(AUTUMN_2008);
    const request = JSON.parse(await ws.editorText()) as Record<string, unknown>;
    expect(request).toHaveProperty('price_history');
    await ws.runOk();

    // The engine's own answer for the same request: the reference for what the UI shows.
    const ref = await app.dispatch('rebalance', request, { actor: 'test', transport: 'inprocess' });
    expect(ref.ok).toBe(true);
    const r = (ref as { ok: true; value: RebalanceResponse }).value;

    // Portfolio & drift
    const portfolio = await ws.tab('portfolio');
    expect(await portfolio.getByTestId('weight-row').count()).toBe(r.weights.length);
    const jpm = r.weights.find((w) => w.asset === 'JPM');
    expect(jpm).toBeDefined();
    const jpmRow = page.locator('[data-testid="weight-row"][data-asset="JPM"]');
    expect(await jpmRow.innerText()).toContain(asPct(jpm!.current_weight));
    await page.screenshot({ path: join(SHOTS, 'workstation-2008-portfolio.png') });

    // Trades
    const trades = await ws.tab('trades');
    const rows = trades.getByTestId('trade-row');
    expect(await rows.count()).toBe(r.trades.length);
    const acting = r.trades.filter((t) => t.action !== 'Hold');
    expect(acting.length).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="trade-row"]:not([data-action="Hold"])').count()).toBe(
      acting.length,
    );
    expect(await ws.id('sum-count').innerText()).toContain(String(r.trade_summary.trade_count));
    await page.screenshot({ path: join(SHOTS, 'workstation-2008-trades.png') });

    // Risk: real numbers, equal to the engine's
    await ws.tab('risk');
    const vol = await ws.riskCells('volatility');
    expect(vol.current).not.toBe('—');
    expect(r.risk_metrics.volatility).not.toBeNull();
    expect(vol.current).toBe(asPct(r.risk_metrics.volatility!));
    expect(vol.proposed).toBe(asPct(r.proposed_risk_metrics.volatility!));
    const var95 = await ws.riskCells('var_95');
    expect(var95.current).toMatch(/^\d+\.\d{2}%$/);
    expect(await ws.id('risk-source').innerText()).toBe('price history');
    await page.screenshot({ path: join(SHOTS, 'workstation-2008-risk.png') });

    // Monte Carlo
    await ws.tab('montecarlo');
    const canvas = ws.id('fan-chart');
    await canvas.waitFor({ state: 'visible' });
    const box = await canvas.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(200);
    expect(box?.height ?? 0).toBeGreaterThan(100);
    expect(r.monte_carlo).not.toBeNull();
    expect(await ws.id('mc-ploss').innerText()).toContain(
      `${(r.monte_carlo!.probability_of_loss * 100).toFixed(1)}%`,
    );
    await page.screenshot({ path: join(SHOTS, 'workstation-2008-montecarlo.png') });

    // House view: every asset has history here
    const hv = await ws.tab('houseview');
    expect(await hv.getByTestId('forecast-row').count()).toBe(r.weights.length);
    expect(await hv.getByTestId('no-history').count()).toBe(0);

    // Drilldown: class → asset → detail
    const drill = await ws.tab('drilldown');
    await drill.locator('[data-testid="drill-class"][data-class="Stocks"]').click();
    const assets = ws.id('drill-asset');
    await assets.first().waitFor();
    expect(await assets.count()).toBe(r.weights.filter((w) => w.asset_class === 'Stocks').length);
    await page.locator('[data-testid="drill-asset"][data-asset="JPM"]').click();
    const detail = page.locator('[data-testid="drill-detail"][data-asset="JPM"]');
    await detail.waitFor();
    expect(await detail.innerText()).toContain(asPct(jpm!.current_weight));
    // No scenario lists holdings: the UI says so rather than showing an empty table.
    expect(await ws.id('drill-no-holdings').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'workstation-2008-drilldown.png') });
    await ws.id('drill-crumb-root').click();
    await ws.id('drill-classes').waitFor();

    // Warnings: one row per warning
    const warnings = await ws.tab('warnings');
    expect(await warnings.getByTestId('warning-row').count()).toBe(r.warnings.length);
  });

  it('runs Risk-Off Shock: no history, so risk shows “—” with the warning that explains it', async () => {
    await ws.pick(RISK_OFF);
    await ws.runOk();
    await ws.tab('risk');
    const vol = await ws.riskCells('volatility');
    expect(vol.current).toBe('—');
    expect(vol.proposed).toBe('—');
    const note = page.locator('[data-testid="risk-note"][data-code="HISTORY_MISSING"]');
    await note.waitFor({ state: 'visible' });
    expect(await note.innerText()).toMatch(/no price history/);
    // Expected return is still shown, from market_return, and labelled as such.
    expect((await ws.riskCells('expected_annual_return')).current).toMatch(/%$/);
    expect(await ws.id('risk-source').innerText()).toContain('no history');
    await page.screenshot({ path: join(SHOTS, 'workstation-riskoff-risk.png') });

    await ws.tab('montecarlo');
    await ws.id('mc-none').waitFor();
    const hv = await ws.tab('houseview');
    expect(await hv.getByTestId('no-history').count()).toBe(6);
  });

  it('shows every validation problem with its field path', async () => {
    await ws.pick(RISK_OFF);
    const req = JSON.parse(await ws.editorText()) as {
      assets: { price: number; target_weight: number }[];
    };
    req.assets[0]!.price = -5;
    req.assets[1]!.target_weight = 2;
    await ws.setEditorText(JSON.stringify(req, null, 2));
    expect(await ws.id('request-dirty').count()).toBe(1);
    expect(await ws.run()).toBe('error');
    const errors = ws.id('request-errors');
    await errors.waitFor({ state: 'visible' });
    const price = page.locator('[data-testid="field-error"][data-path="assets.0.price"]');
    await price.waitFor();
    expect(await price.innerText()).toContain('assets.0.price');
    expect(await price.innerText()).toContain('must be > 0');
    const weight = page.locator('[data-testid="field-error"][data-path="assets.1.target_weight"]');
    expect(await weight.count()).toBe(1);
    // Clicking the path selects the offending value in the editor.
    await price.getByRole('button').click();
    const selected = await ws
      .id('request-editor')
      .evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd));
    expect(selected).toBe('-5');
    await page.screenshot({ path: join(SHOTS, 'workstation-invalid-request.png') });

    // Not JSON at all: the UI says where, without calling the engine.
    await ws.setEditorText('{"portfolio_value": 100000,');
    expect(await ws.run()).toBe('error');
    await ws.id('json-error').waitFor();
    expect(await errors.getAttribute('data-kind')).toBe('syntax');
  });

  it('drills into holdings of an edited request, labelled by forecast source', async () => {
    await ws.pick(RISK_OFF);
    const req = JSON.parse(await ws.editorText()) as {
      assets: { asset: string; holdings?: unknown[] }[];
    };
    const stocks = req.assets.find((a) => a.asset === 'Stocks')!;
    stocks.holdings = [
      { holding: 'AAPL', holding_weight: 0.6, last_price: 190 },
      { holding: 'MSFT', holding_weight: 0.4, last_price: 400 },
    ];
    await ws.setEditorText(JSON.stringify(req, null, 2));
    await ws.runOk();
    const ref = await app.dispatch('rebalance', req, { actor: 'test', transport: 'inprocess' });
    const dd = (ref as { ok: true; value: RebalanceResponse }).value.asset_drilldown.Stocks!;
    expect(await ws.id('stale-banner').count()).toBe(0);
    const drill = await ws.tab('drilldown');
    await drill.locator('[data-testid="drill-class"][data-class="Stocks"]').click();
    await page.locator('[data-testid="drill-asset"][data-asset="Stocks"]').click();
    const rows = ws.id('drill-holding-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    const aapl = page.locator('[data-testid="drill-holding-row"][data-holding="AAPL"]');
    const h = dd.holdings.find((x) => x.holding === 'AAPL')!;
    // 100,000 × 22% current × 60% = 13,200.00 implied notional (hand-worked).
    expect(h.implied_notional).toBeCloseTo(13_200, 2);
    expect(await aapl.innerText()).toContain('$13,200.00');
    expect(await aapl.getByTestId('source-tag').getAttribute('data-source')).toBe(
      h.forecast_source,
    );
    await page.screenshot({ path: join(SHOTS, 'workstation-holdings.png') });
  });

  it('uses window.desktop (the Electron bridge) instead of HTTP when it exists', async () => {
    // A fake bridge standing in for the preload: it forwards over HTTP itself, marking its
    // requests. The page is opened WITHOUT a token, so the UI can only work through the bridge.
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      await ctx.addInitScript((token: string) => {
        const calls: string[] = [];
        (window as unknown as { __bridgeCalls: string[] }).__bridgeCalls = calls;
        const routes: Record<string, [string, string]> = {
          health: ['GET', '/api/health'],
          previewScenarios: ['GET', '/api/preview-scenarios'],
          rebalance: ['POST', '/api/rebalance'],
        };
        (window as unknown as { desktop: unknown }).desktop = {
          invoke: async (op: string, input: unknown) => {
            calls.push(op);
            const [method, path] = routes[op] ?? ['GET', '/api/none'];
            const res = await fetch(path, {
              method,
              headers: {
                Authorization: `Bearer ${token}`,
                'Content-Type': 'application/json',
                'X-Fake-Ipc': '1',
              },
              body: method === 'POST' ? JSON.stringify(input) : undefined,
            });
            const body = (await res.json()) as { error?: string; code?: string; details?: [] };
            return res.ok
              ? { ok: true, value: body }
              : {
                  ok: false,
                  error: { code: body.code, message: body.error, details: body.details },
                };
          },
        };
      }, app.token);
      const p2 = await ctx.newPage();
      const direct: string[] = [];
      p2.on('request', (req) => {
        if (req.url().includes('/api/') && req.headers()['x-fake-ipc'] !== '1')
          direct.push(req.url());
      });
      await p2.goto(`${app.server.url}/`);
      const ws2 = new Workstation(p2);
      await ws2.ready();
      expect(await ws2.id('transport').innerText()).toContain('IPC');
      await ws2.pick(RISK_OFF);
      await ws2.runOk();
      const calls = await p2.evaluate(
        () => (window as unknown as { __bridgeCalls: string[] }).__bridgeCalls,
      );
      expect(new Set(calls)).toEqual(new Set(['health', 'previewScenarios', 'rebalance']));
      expect(direct).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('tells the user what to open when the page has no token', async () => {
    const p3 = await context.newPage();
    try {
      // A fresh tab: no token in the URL and none in this tab's sessionStorage.
      await p3.goto(`${app.server.url}/`);
      const err = p3.getByTestId('load-error');
      await err.waitFor();
      expect(await err.innerText()).toMatch(/UNAUTHORIZED[\s\S]*\?token=/);
    } finally {
      await p3.close();
    }
  });

  it('never leaves the token in the URL and logs no page errors', () => {
    expect(page.url()).not.toMatch(/token=/);
    expect(consoleErrors).toEqual([]);
  });
});
