/**
 * End-to-end: saved runs, comparison, file import, portfolios and the audit log in the
 * workstation UI (browser mode, Debian's Chromium driven by playwright-core, production build,
 * engine in-process on a random loopback port with a fresh data directory). What the page shows
 * is checked against the engine's own answers for the same operations and, for the import
 * reports, against the fixture files read line by line here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import type { RebalanceResponse } from '../../src/contract/rebalance';
import type { App } from '../../src/server/app';
import { type Harness, hasChromium, ROOT, SHOTS, startHarness, warnIfNoChromium } from './harness';
import { Workstation } from './pages';

const IMPORTS = join(ROOT, 'test/fixtures/import');

warnIfNoChromium('the runs/import/audit UI suite');

const AUTUMN_2008 = 'Autumn 2008';
const RISK_OFF = 'Risk-Off Shock';
const ctx = { actor: 'test', transport: 'inprocess' as const };

/** Independent formatting of a fraction as the UI should show it: 0.1234 → "12.34%". */
const asPct = (x: number) =>
  `${(x * 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}%`;

describe.skipIf(!hasChromium)('runs, import, portfolios and audit in the UI (Chromium)', () => {
  let app: App;
  let page: Page;
  let ws: Workstation;
  let dataDir: string;
  let consoleErrors: string[];
  let harness: Harness | undefined;
  // Filled as the scenario runs: the run ids the engine returned, oldest first.
  const runIds: string[] = [];

  const ok = async <T>(op: string, input: unknown): Promise<T> => {
    const r = await app.dispatch(op as never, input, ctx);
    if (!r.ok) throw new Error(`${op} failed: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };

  /** Clicks and returns the download it starts, with its content as text. */
  const downloadText = async (testId: string): Promise<{ name: string; text: string }> => {
    const [dl] = (await Promise.all([page.waitForEvent('download'), ws.id(testId).click()])) as [
      Download,
      void,
    ];
    const path = await dl.path();
    return { name: dl.suggestedFilename(), text: readFileSync(path, 'utf8') };
  };

  beforeAll(async () => {
    // Chromium logs every non-2xx fetch; none is expected in this suite.
    harness = await startHarness({ dataDirPrefix: 'spr-e2e-runs-', acceptDownloads: true });
    ({ app, page, dataDir, consoleErrors } = harness);
    ws = new Workstation(page);
    await page.goto(app.url);
    await ws.ready();
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('saves every run: two scenarios run in the editor both appear in Runs, newest first', async () => {
    for (const name of [RISK_OFF, AUTUMN_2008]) {
      await ws.pick(name);
      await ws.runOk();
      const id = await ws.id('run-meta-id').innerText();
      expect(id).toMatch(/^[0-9A-Z]{26}$/);
      runIds.push(id);
    }
    expect(new Set(runIds).size).toBe(2);

    const main = await ws.view('runs');
    await ws.runsReady();
    const listed = await main
      .getByTestId('run-row')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')));
    // Newest first: the Autumn 2008 run, then Risk-Off.
    expect(listed).toEqual([runIds[1], runIds[0]]);
    const row = ws.runRow(runIds[1]!);
    expect(await row.getAttribute('data-kind')).toBe('rebalance');
    expect(await row.getAttribute('data-status')).toBe('succeeded');
    // The short input hash is the first 10 characters of the engine's SHA-256 of the input.
    const saved = await ok<{ input_hash: string }>('getRun', { run_id: runIds[1] });
    expect(await row.innerText()).toContain(saved.input_hash.slice(0, 10));
    expect(await ws.id('runs-end').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'runs-list.png') });
  });

  it('opens a saved run in the result views, with the figures of its saved output', async () => {
    await ws.runRow(runIds[1]!).click();
    await ws.waitAttr('run-detail', 'data-state', 'ready');
    const detail = ws.id('run-detail');
    expect(await detail.getAttribute('data-run-id')).toBe(runIds[1]);

    const run = await ok<{ output: RebalanceResponse; input: Record<string, unknown> }>('getRun', {
      run_id: runIds[1],
    });
    const out = run.output;
    // Portfolio & drift: one row per asset, JPM's current weight as saved.
    const weights = detail.getByTestId('weight-row');
    expect(await weights.count()).toBe(out.weights.length);
    const jpm = out.weights.find((w) => w.asset === 'JPM')!;
    expect(
      await detail.locator('[data-testid="weight-row"][data-asset="JPM"]').innerText(),
    ).toContain(asPct(jpm.current_weight));
    await page.screenshot({ path: join(SHOTS, 'runs-open-portfolio.png') });

    // Trades and risk: the saved figures.
    await detail.getByTestId('tab-trades').click();
    await detail.getByTestId('view-trades').waitFor();
    expect(await detail.getByTestId('trade-row').count()).toBe(out.trades.length);
    expect(await detail.getByTestId('sum-count').innerText()).toContain(
      String(out.trade_summary.trade_count),
    );
    await detail.getByTestId('tab-risk').click();
    expect((await ws.riskCells('volatility')).current).toBe(asPct(out.risk_metrics.volatility!));

    // The saved input, as JSON.
    await detail.getByTestId('tab-input').click();
    const input = JSON.parse(await ws.id('run-input').innerText()) as Record<string, unknown>;
    expect(input).toEqual(run.input);
    expect(input).toHaveProperty('price_history');
    await page.screenshot({ path: join(SHOTS, 'runs-open-input.png') });
  });

  it('replays a saved run and reports it identical', async () => {
    await ws.id('run-replay').click();
    await ws.waitAttr('run-replay-result', 'data-state', 'done');
    const line = ws.id('run-replay-result');
    expect(await line.getAttribute('data-identical')).toBe('true');
    expect(await line.innerText()).toMatch(/^Identical\./);
    await page.screenshot({ path: join(SHOTS, 'runs-replay.png') });
  });

  it('Export Orders and Export Run download the files (browser mode), equal to what the engine serves, with a notice', async () => {
    const csv = await downloadText('run-export-orders');
    expect(csv.name).toBe(`orders-${runIds[1]}.csv`);
    expect(csv.text).toBe(await ok<string>('runTradesCsv', { run_id: runIds[1] }));
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe(
      'security,asset,asset_class,action,trade_units,price,lot_size,trade_value,signed_trade_value,estimated_cost,status,reason',
    );
    // One line per security order of the saved output, in its order (and a final CRLF).
    const run = await ok<{ input: unknown; output: RebalanceResponse }>('getRun', {
      run_id: runIds[1],
    });
    const orders = run.output.orders;
    expect(lines.slice(1, -1).map((l) => l.split(',')[0])).toEqual(orders.map((o) => o.security));
    expect(lines.at(-1)).toBe('');
    const notice = ws.id('run-detail').getByTestId('export-notice');
    await ws.waitAttr('export-notice', 'data-state', 'downloaded');
    expect(await notice.getAttribute('data-what')).toBe('orders');
    expect(await notice.innerText()).toContain(`Downloaded orders-${runIds[1]}.csv`);
    // No folder to show in browser mode: the browser has the file.
    expect(await notice.getByTestId('export-show-in-folder').count()).toBe(0);

    const json = await downloadText('run-export-run');
    expect(json.name).toBe(`run-${runIds[1]}.json`);
    const exported = JSON.parse(json.text) as { run_id: string; input: unknown; output: unknown };
    expect(exported.run_id).toBe(runIds[1]);
    expect(exported.input).toEqual(run.input);
    expect(exported.output).toEqual(run.output);
    // The whole stored run, as the API returns it.
    expect(exported).toEqual(await ok('getRun', { run_id: runIds[1] }));
    await ws.waitAttr('export-notice', 'data-what', 'run');
    expect(await notice.innerText()).toContain(`Downloaded run-${runIds[1]}.json`);
    await page.screenshot({ path: join(SHOTS, 'runs-export-notice.png') });
    await notice.getByTestId('export-dismiss').click();
    expect(await ws.id('export-notice').count()).toBe(0);
  });

  it('loads a saved input back into the request editor', async () => {
    await ws.id('run-load-editor').click();
    await ws.id('run-loaded').waitFor();
    const run = await ok<{ input: unknown }>('getRun', { run_id: runIds[0] });
    // Load the other run too, to see the editor follow the opened run.
    await ws.runRow(runIds[0]!).click();
    await page
      .locator(`[data-testid="run-detail"][data-run-id="${runIds[0]}"][data-state="ready"]`)
      .waitFor();
    await ws.id('run-load-editor').click();
    expect(JSON.parse(await ws.editorText())).toEqual(run.input);
    expect(await ws.id('request-origin').innerText()).toBe(`Run …${runIds[0]!.slice(-8)}`);
    expect(await ws.id('request-dirty').count()).toBe(0);
    // Risk-Off has no price history: the saved run is still shown, with "—" for volatility.
    await ws.id('run-detail').getByTestId('tab-risk').click();
    expect((await ws.riskCells('volatility')).current).toBe('—');
  });

  it('compares the two runs: explanations first, then the changes in tables', async () => {
    await ws.runRow(runIds[0]!).getByTestId('run-select').check();
    await ws.runRow(runIds[1]!).getByTestId('run-select').check();
    await ws.id('runs-compare').click();
    await ws.waitAttr('compare-panel', 'data-state', 'ready');

    // Older run is A: the engine's comparison of (Risk-Off, Autumn 2008).
    const ref = await ok<{
      explanations: string[];
      trade_changes: unknown[];
      input_changes: unknown[];
      risk_changes: { metric: string }[];
    }>('compareRuns', { a: runIds[0], b: runIds[1] });
    const shown = await ws
      .id('compare-explanation')
      .evaluateAll((els) => els.map((e) => e.textContent));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(ref.explanations);
    // Explanations come before every change table.
    const order = await page.evaluate(() => {
      const ex = document.querySelector('[data-testid="compare-explanations"]');
      const tables = ['compare-trades', 'compare-risk', 'compare-inputs'].map((id) =>
        document.querySelector(`[data-testid="${id}"]`),
      );
      return tables.map((t) =>
        ex && t ? Boolean(ex.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) : null,
      );
    });
    expect(order).toEqual([true, true, true]);
    expect(await ws.id('compare-trade-row').count()).toBe(ref.trade_changes.length);
    expect(await ws.id('compare-risk-row').count()).toBe(ref.risk_changes.length);
    // Autumn 2008 has history, Risk-Off has none: the price history is an input change.
    expect(shown.some((x) => /price history differs/.test(x ?? ''))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'runs-compare.png') });
    // The whole panel: a tall window, so the scrolling main area holds all of it.
    await page.setViewportSize({ width: 1440, height: 1900 });
    await ws.id('compare-panel').screenshot({ path: join(SHOTS, 'runs-compare-panel.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('filters runs by kind', async () => {
    let state = await ws.afterSeq('runs-view', () =>
      ws.id('runs-filter-kind').selectOption('optimize'),
    );
    expect(state).toBe('ready');
    expect(await ws.id('run-row').count()).toBe(0);
    await ws.id('runs-empty').waitFor();
    state = await ws.afterSeq('runs-view', () => ws.id('runs-filter-kind').selectOption(''));
    expect(state).toBe('ready');
    expect(await ws.id('run-row').count()).toBe(2);
  });

  it('imports a valid portfolio CSV: report with every row accepted, portfolio saved', async () => {
    await ws.view('import');
    await ws.id('import-file').setInputFiles(join(IMPORTS, 'holdings.csv'));
    await ws.id('import-value').fill('100000');
    const state = await ws.afterSeq('import-view', () => ws.id('import-button').click());
    expect(state).toBe('ok');
    // holdings.csv: a header and 6 data rows (3 asset rows, 4 holdings; GLD is both on one line).
    const dataRows =
      readFileSync(join(IMPORTS, 'holdings.csv'), 'utf8').trim().split('\n').length - 1;
    expect(dataRows).toBe(6);
    expect(await ws.id('import-rows-read').innerText()).toContain(String(dataRows));
    expect(await ws.id('import-rows-accepted').innerText()).toContain(String(dataRows));
    expect(await ws.id('import-rejected-count').innerText()).toContain('0');
    expect(await ws.id('reject-row').count()).toBe(0);
    expect(await ws.id('import-saved').innerText()).toMatch(
      /Saved as portfolio holdings\.csv, version 1/,
    );
    const assets = await ws
      .id('import-asset-row')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-asset')));
    expect(assets).toEqual(['Equity ETFs', 'Bonds', 'Gold']);
    await page.screenshot({ path: join(SHOTS, 'import-portfolio-ok.png') });

    // Use it: the request, linked to the saved portfolio, goes into the editor and runs.
    await ws.id('import-use').click();
    await ws.id('import-used').waitFor();
    const listed = await ok<{ portfolios: { portfolio_id: string; name: string }[] }>(
      'listPortfolios',
      {},
    );
    const saved = listed.portfolios.find((p) => p.name === 'holdings.csv')!;
    const req = JSON.parse(await ws.editorText()) as {
      portfolio_id: string;
      portfolio_value: number;
      assets: { asset: string }[];
    };
    expect(req.portfolio_id).toBe(saved.portfolio_id);
    expect(req.portfolio_value).toBe(100000);
    expect(req.assets.map((a) => a.asset)).toEqual(['Equity ETFs', 'Bonds', 'Gold']);
    await ws.runOk();
    const runId = await ws.id('run-meta-id').innerText();

    // The run is filed under the portfolio.
    await ws.view('runs');
    await ws.runsReady();
    const state2 = await ws.afterSeq('runs-view', () =>
      ws.id('runs-filter-portfolio').selectOption(saved.portfolio_id),
    );
    expect(state2).toBe('ready');
    const rows = await ws
      .id('run-row')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')));
    expect(rows).toEqual([runId]);
    expect(await ws.runRow(runId).innerText()).toContain('holdings.csv v1');
    await ws.afterSeq('runs-view', () => ws.id('runs-filter-portfolio').selectOption(''));
  });

  it('says plainly when the same file is imported again, and saves nothing', async () => {
    await ws.view('import');
    await ws.id('import-file').setInputFiles(join(IMPORTS, 'holdings.csv'));
    const state = await ws.afterSeq('import-view', () => ws.id('import-button').click());
    expect(state).toBe('ok');
    const dup = ws.id('import-duplicate');
    await dup.waitFor();
    expect(await dup.innerText()).toMatch(
      /Duplicate file\.[\s\S]*holdings\.csv[\s\S]*Nothing was saved/,
    );
    expect(await ws.id('import-saved').count()).toBe(0);
    expect(await ws.id('import-anyway').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'import-duplicate.png') });
  });

  it('imports a broken portfolio CSV: nothing imported, every rejected row with line and reason', async () => {
    await ws.id('import-file').setInputFiles(join(IMPORTS, 'portfolio_broken.csv'));
    const state = await ws.afterSeq('import-view', () => ws.id('import-button').click());
    expect(state).toBe('rejected');
    expect(await ws.id('import-outcome').innerText()).toMatch(/^Not imported\./);
    expect(await ws.id('import-rows-accepted').innerText()).toContain('0');
    const rows = await ws
      .id('reject-row')
      .evaluateAll((els) =>
        els.map((e) => [
          Number(e.getAttribute('data-line')),
          e.getAttribute('data-column'),
          e.getAttribute('data-reason'),
        ]),
      );
    // From the file (line 1 = header), read by hand:
    //   3 MSFT,Equity,5,abc,20%      "abc" is not a price       Price     BAD_NUMBER
    //   4 AAPL again                  duplicate asset             Ticker    DUPLICATE_SYMBOL
    //   5 GLD,Gold,…                  "Gold" is no asset class    Asset Class BAD_VALUE
    //   6 BND,ETF,-2,…                negative quantity           Units     BAD_NUMBER
    //   7 ,ETF,…                      empty asset name            Ticker    BAD_VALUE
    //   8 BTC,Crypto,0.5,-3,x         price -3, weight "x"        Price / Target %
    //   9 last line                   price 0                     Price     NEGATIVE_PRICE
    expect(rows).toEqual([
      [3, 'Price', 'BAD_NUMBER'],
      [4, 'Ticker', 'DUPLICATE_SYMBOL'],
      [5, 'Asset Class', 'BAD_VALUE'],
      [6, 'Units', 'BAD_NUMBER'],
      [7, 'Ticker', 'BAD_VALUE'],
      [8, 'Price', 'NEGATIVE_PRICE'],
      [8, 'Target %', 'BAD_NUMBER'],
      [9, 'Price', 'NEGATIVE_PRICE'],
    ]);
    const line3 = page.locator('[data-testid="reject-row"][data-line="3"]');
    expect(await line3.innerText()).toContain('"abc" is not a price');
    expect(await ws.id('import-portfolio').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'import-portfolio-rejected.png') });
  });

  it('a file dropped on the window opens Import with it; a file of another kind is named and refused', async () => {
    await ws.view('workstation');
    const drop = async (name: string, content: string) => {
      const dt = await page.evaluateHandle(
        ([n, c]) => {
          const d = new DataTransfer();
          d.items.add(new File([c as string], n as string, { type: 'text/csv' }));
          return d;
        },
        [name, content],
      );
      await page.dispatchEvent('[data-testid="app"]', 'drop', { dataTransfer: dt });
    };
    await drop('shot.png', 'not a table');
    expect(await ws.id('drop-note').innerText()).toMatch(/shot\.png: not a CSV, XLSX or JSON file/);
    expect(await ws.id('main-import').count()).toBe(0);

    const broken = readFileSync(join(IMPORTS, 'portfolio_broken.csv'), 'utf8');
    await drop('dropped_broken.csv', broken);
    await ws.id('main-import').waitFor();
    expect(await ws.id('import-dropped').innerText()).toContain('dropped_broken.csv');
    await page.screenshot({ path: join(SHOTS, 'import-dropped.png') });
    expect(await ws.id('drop-note').count()).toBe(0);
    const state = await ws.afterSeq('import-view', () => ws.id('import-button').click());
    expect(state).toBe('rejected');
    expect(await ws.id('import-outcome').innerText()).toMatch(/^Not imported\./);
  });

  it('imports an XLSX workbook: bytes read in the page and sent as base64', async () => {
    // A workbook written here with exceljs: two assets, 10 × 400 + 20 × 100 = 6,000 in value.
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Holdings');
    sheet.addRow(['Asset', 'Asset Class', 'Quantity', 'Price', 'Target']);
    sheet.addRow(['SPY', 'ETF', 10, 400, 0.6]);
    sheet.addRow(['AGG', 'Mutual Fund', 20, 100, 0.4]);
    const file = join(dataDir, 'model.xlsx');
    await wb.xlsx.writeFile(file);

    await ws.id('import-file').setInputFiles(file);
    await ws.id('import-name').fill('Workbook model');
    const state = await ws.afterSeq('import-view', () => ws.id('import-button').click());
    expect(state).toBe('ok');
    expect(await ws.id('import-rows-accepted').innerText()).toContain('2');
    expect(await ws.id('import-saved').innerText()).toContain('Workbook model');
    expect(await ws.id('import-report').innerText()).toContain('xlsx');
    // Current weights from quantities × prices: SPY 4,000 / 6,000 = 66.67%, AGG 33.33%.
    const spy = page.locator('[data-testid="import-asset-row"][data-asset="SPY"]');
    expect(await spy.innerText()).toContain('66.67%');
    expect(await ws.id('import-portfolio').innerText()).toContain('$6,000');
  });

  it('imports a price file and merges its history into the request in the editor', async () => {
    await ws.id('import-kind-prices').click();
    await ws.id('import-file').setInputFiles(join(IMPORTS, 'prices_long.csv'));
    const state = await ws.afterSeq('import-view', () => ws.id('import-button').click());
    expect(state).toBe('ok');
    // prices_long.csv: MSFT on 2020-01-02 and 01-03, AAPL on 01-02, 01-03 and 01-06, so two
    // dates are common to both series and one is dropped.
    const series = await ws
      .id('import-series-row')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-symbol'), e.textContent]));
    expect(series.map((s) => s[0]).sort()).toEqual(['AAPL', 'MSFT']);
    expect(await ws.id('import-prices').innerText()).toMatch(/2 common dates[\s\S]*1 date dropped/);
    await ws.id('import-merge').click();
    const used = ws.id('import-used');
    await used.waitFor();
    expect(await used.getAttribute('data-warn')).toBe('true');
    // The editor holds the imported holdings portfolio, whose assets are not AAPL or MSFT.
    expect(await used.innerText()).toMatch(
      /0 of 3 assets covered; no prices for Equity ETFs, Bonds, Gold/,
    );
    const req = JSON.parse(await ws.editorText()) as { price_history: unknown };
    expect(req.price_history).toEqual({
      dates: ['2020-01-02', '2020-01-03'],
      prices: { MSFT: [156.97, 155.01], AAPL: [73.41, 72.7] },
    });
    expect(await ws.id('request-dirty').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'import-prices.png') });
  });

  it('lists saved portfolios with versions, loads one and saves a new version', async () => {
    await ws.view('portfolios');
    const row = page.locator('[data-testid="portfolio-row"][data-name="holdings.csv"]');
    await row.waitFor();
    await row.click();
    await ws.waitAttr('portfolio-detail', 'data-state', 'ready');
    expect(await ws.id('portfolio-version-row').count()).toBe(1);
    await ws.id('portfolio-load').click();
    await ws.id('portfolio-loaded').waitFor();
    const req = JSON.parse(await ws.editorText()) as { portfolio_value: number };
    expect(req.portfolio_value).toBe(100000);

    // Change the value and save as version 2.
    await ws.setEditorText(JSON.stringify({ ...req, portfolio_value: 250000 }, null, 2));
    await ws.afterSeq('portfolios-view', () => ws.id('portfolio-save-version').click());
    expect(await ws.id('portfolio-saved').innerText()).toMatch(/holdings\.csv version 2/);
    await page
      .locator('[data-testid="portfolio-detail"][data-version="2"][data-state="ready"]')
      .waitFor();
    expect(await ws.id('portfolio-version-row').count()).toBe(2);
    const v2 = await ok<{ version: number; content: { portfolio_value: number } }>('getPortfolio', {
      portfolio_id: JSON.parse(await ws.editorText()).portfolio_id,
    });
    expect(v2.version).toBe(2);
    expect(v2.content.portfolio_value).toBe(250000);
    // The stored content carries no link to itself; the editor's copy does.
    expect(v2.content).not.toHaveProperty('portfolio_id');

    // Version 1 is still there.
    await page.locator('[data-testid="portfolio-version-row"][data-version="1"]').click();
    await page
      .locator('[data-testid="portfolio-detail"][data-version="1"][data-state="ready"]')
      .waitFor();
    expect(await ws.id('portfolio-detail').innerText()).toContain('$100,000');
    await page.screenshot({ path: join(SHOTS, 'portfolios.png') });

    // A new portfolio from the editor's request.
    await ws.pick(RISK_OFF);
    await ws.view('portfolios');
    await ws.id('portfolio-name').fill('Risk-off model');
    await ws.afterSeq('portfolios-view', () => ws.id('portfolio-save-new').click());
    await page.locator('[data-testid="portfolio-row"][data-name="Risk-off model"]').waitFor();
    expect(await ws.id('request-origin').innerText()).toBe('Risk-off model v1');
  });

  it('shows the latest audit events and verifies the chain', async () => {
    await ws.view('audit');
    await ws.waitAttr('audit-view', 'data-state', 'ready');
    const seqs = await ws
      .id('audit-row')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    // Newest first and contiguous down from the last event.
    expect(seqs.length).toBeGreaterThan(5);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const all = await ok<{ events: { seq: number; action: string }[] }>('listAudit', {
      after_seq: 0,
      limit: 1000,
    });
    expect(seqs[0]).toBe(all.events.at(-1)!.seq);
    expect(seqs.length).toBe(Math.min(100, all.events.length));
    const actions = await ws
      .id('audit-row')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    expect(new Set(actions)).toEqual(new Set(all.events.map((e) => e.action)));
    expect(actions).toContain('run.created');

    // Click a row: its payload.
    await ws.id('audit-row').first().click();
    await ws.id('audit-payload').waitFor();

    await ws.id('audit-verify').click();
    await ws.waitAttr('audit-verify-result', 'data-state', 'done');
    const v = ws.id('audit-verify-result');
    expect(await v.getAttribute('data-ok')).toBe('true');
    expect(await v.innerText()).toContain(`${all.events.length} events verified`);
    await page.screenshot({ path: join(SHOTS, 'audit.png') });
  });

  it('logs no page errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
