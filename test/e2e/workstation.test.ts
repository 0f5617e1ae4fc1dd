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

/** Signed percent as the UI shows it: 0.012 → "+1.20%", −0.25 → "-25.00%". */
const asSpct = (x: number) => `${x > 0 ? '+' : ''}${asPct(x)}`;

/** Money in USD as the UI shows it: −22800 → "$22,800.00" (absolute) or "-$22,800.00". */
const asUsd = (x: number) =>
  x.toLocaleString('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });

/**
 * A book ordered through its holdings (hand-made, values consistent: quantity × last_price of
 * each asset's holdings = current_weight × portfolio_value): three assets with holdings (one with
 * holding targets and fractional lots, one where DBC's order falls below its minimum trade), one
 * asset traded as itself (BIL), and a 20,000 contribution.
 */
const HOLDINGS_BOOK = {
  portfolio_value: 1_000_000,
  drift_threshold: 0.03,
  transaction_cost_bps: 5,
  cash_flow: 20_000,
  assets: [
    {
      asset: 'US Equity',
      asset_class: 'Stocks',
      target_weight: 0.5,
      current_weight: 0.58,
      holdings: [
        { holding: 'AAPL', quantity: 1000, last_price: 190 },
        { holding: 'MSFT', quantity: 500, last_price: 400 },
        { holding: 'JPM', quantity: 1000, last_price: 190 },
      ],
    },
    {
      asset: 'Bond Funds',
      asset_class: 'Mutual Fund',
      target_weight: 0.35,
      current_weight: 0.3,
      holdings: [
        { holding: 'VBTLX', quantity: 15000, last_price: 10, target_weight: 0.5, lot_size: 0.001 },
        { holding: 'VWITX', quantity: 7500, last_price: 12, target_weight: 0.3, lot_size: 0.001 },
        { holding: 'VFSTX', quantity: 6000, last_price: 10, target_weight: 0.2, lot_size: 0.001 },
      ],
    },
    {
      asset: 'Commodities',
      asset_class: 'ETF',
      target_weight: 0.1,
      current_weight: 0.07,
      holdings: [
        { holding: 'GLD', quantity: 250, last_price: 200 },
        { holding: 'SLV', quantity: 500, last_price: 25 },
        { holding: 'DBC', quantity: 375, last_price: 20, min_trade_value: 5000 },
      ],
    },
    { asset: 'BIL', asset_class: 'ETF', target_weight: 0.05, current_weight: 0.05, price: 91.5 },
  ],
};

/** The screen sizes every result view must fit without horizontal scrolling. */
const SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 800 },
] as const;

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
    // Decided weight and the band status after the trades, per asset, as the engine says.
    for (const w of r.weights) {
      const row = page.locator(`[data-testid="weight-row"][data-asset="${w.asset}"]`);
      expect(await row.getByTestId('decided-weight').innerText()).toBe(asPct(w.decided_weight));
      expect(await row.getByTestId('post-band').getAttribute('data-status')).toBe(
        w.post_trade_band_status,
      );
    }
    // Every asset ends inside its band: no exceptions box.
    expect(r.trade_summary.band_breaches_remaining).toBe(0);
    expect(await ws.id('band-exceptions').count()).toBe(0);
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
    // Status per asset, in words.
    for (const t of r.trades) {
      const row = page.locator(`[data-testid="trade-row"][data-asset="${t.asset}"]`);
      expect(await row.getByTestId('order-status').getAttribute('data-status')).toBe(t.status);
    }
    expect(r.trades.find((t) => t.asset === 'JPM')!.status).toBe('traded');
    expect(
      await page
        .locator('[data-testid="trade-row"][data-asset="JPM"] [data-testid="order-status"]')
        .innerText(),
    ).toBe('traded');
    // Summary: cash before and after, band breaches after the trades.
    expect(await ws.id('sum-cash-before').innerText()).toContain(
      asUsd(r.trade_summary.cash_before),
    );
    expect(await ws.id('sum-cash').innerText()).toContain(asUsd(r.trade_summary.residual_cash));
    expect(await ws.id('sum-breaches').innerText()).toMatch(/band breaches after trades\s+0/i);
    // Orders: every asset is traded as itself here, one order per asset that trades.
    const sent = r.orders.filter((o) => o.action !== 'Hold');
    expect(await ws.id('order-row').count()).toBe(sent.length);
    expect(await ws.id('per-security').count()).toBe(0);
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
    const head = await ws.id('forecast-table').locator('thead').innerText();
    expect(head).toMatch(/Ensemble \(unshrunk\)/i);
    expect(head).toMatch(/Historical mean/i);
    expect(head).toMatch(/Forecast \(shrunk\)/i);
    const fJpm = r.house_view.asset_forecasts.find((f) => f.asset === 'JPM')!;
    const fJpmRow = page.locator('[data-testid="forecast-row"][data-asset="JPM"]');
    expect(await fJpmRow.innerText()).toContain(asSpct(fJpm.historical_mean));
    expect(await fJpmRow.innerText()).toContain(asSpct(fJpm.ensemble_unshrunk));
    expect(await fJpmRow.getByTestId('forecast-ensemble').innerText()).toBe(asSpct(fJpm.ensemble));
    // Plan vs forecast: one row per asset, with / against as the engine says, with its reason.
    expect(await ws.id('alignment-row').count()).toBe(r.house_view.alignment.length);
    for (const a of r.house_view.alignment) {
      const row = page.locator(`[data-testid="alignment-row"][data-asset="${a.asset}"]`);
      expect(await row.getAttribute('data-alignment')).toBe(a.alignment);
      expect(await row.innerText()).toContain(a.reason);
    }
    const against = r.house_view.alignment.filter((a) => a.alignment === 'against').length;
    expect(await ws.id('alignment-summary').innerText()).toContain(`${against} of`);
    await page.screenshot({ path: join(SHOTS, 'workstation-2008-houseview.png') });

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

  it('a binding turnover cap leaves assets outside their band: exceptions box and post-trade status', async () => {
    await ws.pick(AUTUMN_2008);
    const req = JSON.parse(await ws.editorText()) as Record<string, unknown>;
    req.rebalance_to = 'full';
    req.turnover_limit = 0.03;
    await ws.pasteEditorText(JSON.stringify(req, null, 2));
    await ws.runOk();
    const ref = await app.dispatch('rebalance', req, { actor: 'test', transport: 'inprocess' });
    const r = (ref as { ok: true; value: RebalanceResponse }).value;
    const stuck = r.weights.filter((w) => w.post_trade_band_status === 'outside');
    // The engine's answer for this request: the cap binds and leaves JPM, XOM, AAPL outside.
    expect(r.trade_summary.turnover_limit_binding).toBe(true);
    expect(r.trade_summary.band_breaches_remaining).toBe(stuck.length);
    expect(stuck.map((w) => w.asset).sort()).toEqual(['AAPL', 'JPM', 'XOM']);
    expect(new Set(stuck.map((w) => w.band_constraint))).toEqual(new Set(['turnover_cap']));

    for (const size of SIZES) {
      await ws.viewport(size.width, size.height);
      const tag = `${size.width}x${size.height}`;

      // Portfolio: the exceptions box first, as an alert, one row per asset still outside.
      await ws.tab('portfolio');
      const box = page.getByRole('alert', { name: /remain outside the band after the trades/ });
      await box.waitFor();
      expect(await box.getAttribute('data-testid')).toBe('band-exceptions');
      expect(await box.innerText()).toContain('3 assets remain outside the band after the trades');
      expect(await ws.id('exception-row').count()).toBe(stuck.length);
      for (const w of stuck) {
        const row = page.locator(`[data-testid="exception-row"][data-asset="${w.asset}"]`);
        expect(await row.getAttribute('data-constraint')).toBe('turnover_cap');
        const text = await row.innerText();
        expect(text).toContain(asPct(w.proposed_weight));
        expect(text).toContain('turnover cap');
        // The weights table says the same in its post-trade column.
        const post = page
          .locator(`[data-testid="weight-row"][data-asset="${w.asset}"]`)
          .getByTestId('post-band');
        expect(await post.getAttribute('data-status')).toBe('outside');
        expect((await post.innerText()).replace(/\s+/g, ' ')).toBe('outside turnover cap');
      }
      const inside = r.weights.filter((w) => w.post_trade_band_status === 'inside');
      expect(
        await page
          .locator('[data-testid="weight-row"] [data-testid="post-band"][data-status="inside"]')
          .count(),
      ).toBe(inside.length);
      expect(await ws.id('portfolio-caption').innerText()).toContain(
        'full (every asset to target)',
      );
      expect(await ws.id('kpi-outside').innerText()).toContain('after trades: 3');
      await page.screenshot({ path: join(SHOTS, `workstation-cap-portfolio-${tag}.png`) });
      expect.soft(await ws.horizontalOverflow(), `${tag}`).toEqual([]);

      // Trades: every asset scaled by the cap; 3 breaches after the trades.
      await ws.tab('trades');
      for (const t of r.trades) {
        const badge = page
          .locator(`[data-testid="trade-row"][data-asset="${t.asset}"]`)
          .getByTestId('order-status');
        expect(await badge.getAttribute('data-status')).toBe(t.status);
      }
      expect(r.trades.every((t) => t.status === 'scaled_by_cap')).toBe(true);
      expect(
        await page
          .locator('[data-testid="trade-row"] [data-testid="order-status"]')
          .first()
          .innerText(),
      ).toBe('scaled by cap');
      expect(await ws.id('sum-breaches').innerText()).toMatch(/band breaches after trades\s+3/i);
      expect(await ws.id('sum-scale').innerText()).toContain('cap binding');
      await page.screenshot({ path: join(SHOTS, `workstation-cap-trades-${tag}.png`) });
      expect.soft(await ws.horizontalOverflow(), `${tag}`).toEqual([]);

      // House view: forecasts and the plan against them.
      await ws.tab('houseview');
      expect(await ws.id('alignment-row').count()).toBe(r.house_view.alignment.length);
      await page.screenshot({ path: join(SHOTS, `workstation-cap-houseview-${tag}.png`) });
      expect.soft(await ws.horizontalOverflow(), `${tag}`).toEqual([]);
    }
    await ws.viewport(1440, 900);
  });

  it('a holdings-level book: asset rows ordered per security, the orders table, holdings’ own orders', async () => {
    await ws.setEditorText(JSON.stringify(HOLDINGS_BOOK, null, 2));
    await ws.runOk();
    const ref = await app.dispatch('rebalance', HOLDINGS_BOOK, {
      actor: 'test',
      transport: 'inprocess',
    });
    expect(ref.ok).toBe(true);
    const r = (ref as { ok: true; value: RebalanceResponse }).value;
    const sent = r.orders.filter((o) => o.action !== 'Hold');
    const held = r.orders.filter((o) => o.action === 'Hold');
    // Hand-checked shape of the engine's answer: 9 orders sent, DBC held below its minimum.
    expect(sent.map((o) => o.security)).toEqual([
      'AAPL',
      'MSFT',
      'JPM',
      'VBTLX',
      'VWITX',
      'VFSTX',
      'GLD',
      'SLV',
      'BIL',
    ]);
    expect(held.map((o) => [o.security, o.status])).toEqual([['DBC', 'below_min_trade']]);

    for (const size of SIZES) {
      await ws.viewport(size.width, size.height);
      const tag = `${size.width}x${size.height}`;
      await ws.tab('trades');

      // Asset rows: "per security" instead of units/price/lot for assets with holdings.
      const usEq = page.locator('[data-testid="trade-row"][data-asset="US Equity"]');
      expect(await usEq.getByTestId('per-security').innerText()).toBe('per security · 3 orders');
      const bil = page.locator('[data-testid="trade-row"][data-asset="BIL"]');
      expect(await bil.getByTestId('per-security').count()).toBe(0);
      const bilTrade = r.trades.find((t) => t.asset === 'BIL')!;
      expect(await bil.innerText()).toContain(String(bilTrade.trade_units));

      // Orders: the securities that trade, each with its own units, price, value and status.
      const rows = ws.id('order-row');
      expect(await rows.count()).toBe(sent.length);
      expect(
        await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-security'))),
      ).toEqual(sent.map((o) => o.security));
      for (const o of sent) {
        const row = page.locator(`[data-testid="order-row"][data-security="${o.security}"]`);
        expect(await row.getAttribute('data-asset')).toBe(o.asset);
        expect(await row.getAttribute('data-status')).toBe(o.status);
        const text = await row.innerText();
        expect(text).toContain(o.trade_units.toLocaleString('en-US', { maximumFractionDigits: 8 }));
        expect(text).toContain(asUsd(o.trade_value));
      }
      // AAPL by hand: 1,000 held at 190; sells 120 (22,800.00).
      const aapl = await page
        .locator('[data-testid="order-row"][data-security="AAPL"]')
        .innerText();
      expect(aapl).toContain('-120');
      expect(aapl).toContain('$22,800.00');
      // The Hold order is behind the toggle.
      expect(await page.locator('[data-testid="order-row"][data-security="DBC"]').count()).toBe(0);
      await ws.id('orders-show-hold').check();
      const dbc = page.locator('[data-testid="order-row"][data-security="DBC"]');
      await dbc.waitFor();
      expect(await dbc.getByTestId('order-status').innerText()).toBe('below min. trade');
      expect(await dbc.innerText()).toContain('minimum trade value');

      // Cash before includes the contribution.
      const cashBefore = await ws.id('sum-cash-before').innerText();
      expect(cashBefore).toContain('$20,000.00');
      expect(cashBefore).toContain('contribution');
      await page.screenshot({ path: join(SHOTS, `workstation-holdings-trades-${tag}.png`) });
      await ws
        .id('orders')
        .screenshot({ path: join(SHOTS, `workstation-holdings-orders-${tag}.png`) });
      expect.soft(await ws.horizontalOverflow(), `${tag}`).toEqual([]);
      await ws.id('orders-show-hold').uncheck();
    }
    await ws.viewport(1440, 900);

    // Portfolio: the contribution is in the caption, current weights after the flow shown.
    await ws.tab('portfolio');
    expect(await ws.id('portfolio-caption').innerText()).toContain(
      'contribution of $20,000.00 to invest',
    );
    expect(await ws.id('weights-table').locator('thead').innerText()).toMatch(/after flow/i);
    const bonds = r.weights.find((w) => w.asset === 'Bond Funds')!;
    // 30% of 1,000,000 is 29.41% of 1,020,000.
    expect(asPct(bonds.current_weight_after_flow)).toBe('29.41%');
    expect(
      await page.locator('[data-testid="weight-row"][data-asset="Bond Funds"]').innerText(),
    ).toContain('29.41%');
    for (const size of SIZES) {
      await ws.viewport(size.width, size.height);
      await page.screenshot({
        path: join(SHOTS, `workstation-holdings-portfolio-${size.width}x${size.height}.png`),
      });
      expect.soft(await ws.horizontalOverflow(), `${size.width}`).toEqual([]);
    }
    await ws.viewport(1440, 900);

    // Drilldown: each holding shows its own order.
    const drill = await ws.tab('drilldown');
    await drill.locator('[data-testid="drill-class"][data-class="Stocks"]').click();
    await page.locator('[data-testid="drill-asset"][data-asset="US Equity"]').click();
    const detail = page.locator('[data-testid="drill-detail"][data-asset="US Equity"]');
    await detail.waitFor();
    expect(await detail.innerText()).toContain('per holding (3 orders)');
    for (const h of r.asset_drilldown['US Equity']!.holdings) {
      const row = page.locator(`[data-testid="drill-holding-row"][data-holding="${h.holding}"]`);
      expect(await row.getByTestId('holding-units').innerText()).toBe(
        h.trade_units.toLocaleString('en-US'),
      );
      expect(await row.getByTestId('order-status').getAttribute('data-status')).toBe(h.status);
    }
    for (const size of SIZES) {
      await ws.viewport(size.width, size.height);
      await page.screenshot({
        path: join(SHOTS, `workstation-holdings-drilldown-${size.width}x${size.height}.png`),
      });
      expect.soft(await ws.horizontalOverflow(), `${size.width}`).toEqual([]);
    }
    await ws.viewport(1440, 900);
    await ws.id('drill-crumb-root').click();
    await drill.locator('[data-testid="drill-class"][data-class="ETF"]').click();
    await page.locator('[data-testid="drill-asset"][data-asset="Commodities"]').click();
    const dbcRow = page.locator('[data-testid="drill-holding-row"][data-holding="DBC"]');
    await dbcRow.waitFor();
    expect(await dbcRow.getByTestId('order-status').getAttribute('data-status')).toBe(
      'below_min_trade',
    );
    expect(await dbcRow.getByTestId('holding-units').innerText()).toBe('0');
    await ws.id('drill-crumb-root').click();
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
    // The longest source label ("no history · market_return") still fits at 1280×800.
    await ws.viewport(1280, 800);
    await page.screenshot({ path: join(SHOTS, 'workstation-riskoff-houseview-1280x800.png') });
    expect.soft(await ws.horizontalOverflow()).toEqual([]);
    await ws.viewport(1440, 900);
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
    expect(await price.innerText()).toContain('must be more than 0');
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
