/**
 * End-to-end (issue #9, item 5): a price import that keeps data. In Chromium at 1280×800 against
 * browser mode with a fresh data directory: import PyPortfolioOpt's 20 tickers (BABA starts in
 * 2014, so all 20 share only 896 of 7,126 dates), choose symbols and the date policy, merge ONE
 * series into a scenario's request, read the change report and run the rebalance (the benchmark
 * stays aligned). A second import merges a series into the March 2020 scenario whose history
 * runs past the file's end, so the benchmark is re-aligned, and the run still succeeds. Every
 * expected count is computed here from the CSV and resources/scenarios.json, not from the UI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import type { App } from '../../src/server/app';
import { type Harness, hasChromium, ROOT, SHOTS, startHarness, warnIfNoChromium } from './harness';
import { Workstation } from './pages';

warnIfNoChromium('the import-and-merge UI suite');

const PYPFOPT = join(ROOT, 'test/fixtures/pypfopt_stock_prices.csv');
const RISKFOLIO = join(ROOT, 'test/fixtures/riskfolio_stock_prices.csv');

/** A wide CSV read independently of the engine: symbol → (date → price). */
function readWide(path: string): Map<string, Map<string, number>> {
  const [head, ...rows] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const symbols = (head ?? '').split(',').slice(1);
  const out = new Map(symbols.map((s) => [s, new Map<string, number>()]));
  for (const row of rows) {
    const [date, ...cells] = row.split(',');
    cells.forEach((c, j) => {
      if (c.trim() !== '') out.get(symbols[j] as string)?.set(date as string, Number(c));
    });
  }
  return out;
}

interface Req {
  assets: { asset: string }[];
  price_history: { dates: string[]; prices: Record<string, number[]> };
  benchmark: { name: string; prices: number[] };
}

const scenarios = (
  JSON.parse(readFileSync(join(ROOT, 'resources/scenarios.json'), 'utf8')) as {
    scenarios: { name: string; request: Req }[];
  }
).scenarios;
const scenario = (prefix: string) => scenarios.find((s) => s.name.startsWith(prefix))!.request;

describe.skipIf(!hasChromium)('price import that keeps data (Chromium, 1280×800)', () => {
  let app: App;
  let page: Page;
  let ws: Workstation;
  let harness: Harness | undefined;
  let consoleErrors: string[];
  const pyp = readWide(PYPFOPT);

  beforeAll(async () => {
    harness = await startHarness({ dataDirPrefix: 'spr-e2e-import-' });
    ({ app, page, consoleErrors } = harness);
    ws = new Workstation(page);
    await page.goto(app.url);
    await ws.viewport(1280, 800);
    await ws.ready();
  });

  afterAll(async () => {
    await harness?.close();
  });

  const editorRequest = async () => {
    await ws.jsonMode();
    return JSON.parse(await ws.editorText()) as Req;
  };

  const importFile = async (path: string) => {
    await ws.view('import');
    await ws.id('import-kind-prices').click();
    await ws.id('import-file').setInputFiles(path);
    return ws.afterSeq('import-view', () => ws.id('import-button').click());
  };

  const kept = async () => Number(await ws.id('import-kept-dates').getAttribute('data-kept'));

  it('imports 20 series where BABA starts in 2014: all 20 share 896 dates, each keeps its own', async () => {
    await ws.pick('Autumn 2008');
    expect(await importFile(PYPFOPT)).toBe('ok');

    // The engine's figure for the whole file, as before: 896 common dates.
    const common = [...(pyp.get('AAPL') as Map<string, number>).keys()].filter((d) =>
      [...pyp.values()].every((s) => s.has(d)),
    );
    expect(common).toHaveLength(896);
    expect(await ws.id('import-prices-engine').innerText()).toContain(
      `20 series · 896 common dates (${7126 - 896} dates dropped`,
    );
    const baba = page.locator('[data-testid="import-series-row"][data-symbol="BABA"]');
    expect(await baba.innerText()).toMatch(/2014-09-19[\s\S]*2018-04-11[\s\S]*896/);

    // Every series chosen, common dates: 896 kept; own range: 7,126 distinct dates, none dropped.
    expect(await ws.id('import-chosen-count').innerText()).toBe('20 of 20 chosen');
    expect(await kept()).toBe(896);
    await ws.id('import-policy-own_range').click();
    expect(await kept()).toBe(7126);
    expect(await ws.id('import-kept-dates').innerText()).toContain('none left out');
    expect(
      await page
        .locator('[data-testid="import-series-row"][data-symbol="AAPL"]')
        .getByTestId('import-series-kept')
        .innerText(),
    ).toBe('7,126');

    // Merging all 20 into a 2007–2008 request is refused: together they start in 2014.
    expect(await ws.id('import-merge-preview').getAttribute('data-ok')).toBe('false');
    expect(await ws.id('import-merge-preview').innerText()).toBe(
      'The chosen series (2014-09-19 … 2018-04-11) and the request’s history (2007-10-11 … 2008-10-10) share only 0 dates; a price history needs at least 2. Nothing was changed.',
    );
    // The button is off: a refused merge would change nothing.
    expect(await ws.id('import-merge').isDisabled()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'import-merge-chooser.png') });
  });

  it('chooses one series, sees the kept dates before merging, and merges only it', async () => {
    const before = await editorRequest();
    expect(before.price_history.dates).toHaveLength(253);

    await ws.id('import-select-none').click();
    expect(await ws.id('import-chosen-count').innerText()).toBe('0 of 20 chosen');
    await page.locator('[data-testid="import-series-check"][data-symbol="AAPL"]').check();
    expect(await ws.id('import-chosen-count').innerText()).toBe('1 of 20 chosen');

    // Common dates of AAPL alone: all of its 7,126.
    await ws.id('import-policy-intersection').click();
    expect(await kept()).toBe(7126);

    // The 2008 request's 253 dates all have an AAPL price in the file (checked here).
    const aapl = pyp.get('AAPL') as Map<string, number>;
    expect(before.price_history.dates.every((d) => aapl.has(d))).toBe(true);
    const preview = ws.id('import-merge-preview');
    expect(await preview.getAttribute('data-ok')).toBe('true');
    expect(await preview.getAttribute('data-dates')).toBe('253');
    expect(await preview.innerText()).toContain('replaces AAPL');

    await ws.id('import-merge').click();
    await ws.id('import-change').waitFor();
    expect(await ws.id('import-change-added').innerText()).toBe('none');
    expect(await ws.id('import-change-replaced').innerText()).toBe('AAPL');
    expect(await ws.id('import-change-kept').innerText()).toContain('JPM, BAC, XOM, JNJ, WMT');
    const dates = ws.id('import-change-dates');
    expect([
      await dates.getAttribute('data-before'),
      await dates.getAttribute('data-after'),
    ]).toEqual(['253', '253']);
    expect(await dates.innerText()).toBe(
      '253 (2007-10-11 … 2008-10-10) → 253 (2007-10-11 … 2008-10-10)',
    );
    const bench = ws.id('import-change-benchmark');
    expect(await bench.getAttribute('data-realigned')).toBe('false');
    expect(await bench.innerText()).toBe('S&P 500 still aligned: 253 points, none dropped');
    expect(await ws.id('import-change-missing').innerText()).toBe('none');
    expect(await ws.id('import-used').getAttribute('data-warn')).toBe('false');
    await page.screenshot({ path: join(SHOTS, 'import-merge-change.png') });
    expect(await ws.horizontalOverflow()).toEqual([]);

    // The editor: AAPL from the file on the same dates, every other series and the benchmark
    // untouched, nothing else of the file (no BABA).
    const after = await editorRequest();
    expect(after.price_history.dates).toEqual(before.price_history.dates);
    expect(after.price_history.prices.AAPL).toEqual(
      before.price_history.dates.map((d) => aapl.get(d)),
    );
    for (const s of ['JPM', 'BAC', 'XOM', 'JNJ', 'WMT'])
      expect(after.price_history.prices[s]).toEqual(before.price_history.prices[s]);
    expect(Object.keys(after.price_history.prices).sort()).toEqual([
      'AAPL',
      'BAC',
      'JNJ',
      'JPM',
      'WMT',
      'XOM',
    ]);
    expect(after.benchmark).toEqual(before.benchmark);
    expect(await ws.id('request-dirty').count()).toBe(1);
  });

  it('runs the rebalance on the merged request', async () => {
    await ws.runOk();
    expect(await ws.id('run-status').getAttribute('data-state')).toBe('done');
  });

  it('merging into a request whose history runs past the file re-aligns the benchmark', async () => {
    // March 2020: 253 dates to 2020-03-23; riskfolio's file ends on 2019-12-27.
    await ws.pick('March 2020');
    const req = scenario('March 2020');
    const jpm = readWide(RISKFOLIO).get('JPM') as Map<string, number>;
    const shared = req.price_history.dates.filter((d) => jpm.has(d));
    expect(shared.length).toBeGreaterThan(100);
    expect(shared.length).toBeLessThan(253);

    expect(await importFile(RISKFOLIO)).toBe('ok');
    await ws.id('import-select-none').click();
    await page.locator('[data-testid="import-series-check"][data-symbol="JPM"]').check();
    await ws.id('import-policy-own_range').click();
    expect(await ws.id('import-merge-preview').getAttribute('data-dates')).toBe(
      String(shared.length),
    );
    await ws.id('import-merge').click();
    await ws.id('import-change').waitFor();
    expect(await ws.id('import-change-replaced').innerText()).toBe('JPM');
    const bench = ws.id('import-change-benchmark');
    expect(await bench.getAttribute('data-realigned')).toBe('true');
    expect(await bench.getAttribute('data-dropped')).toBe(String(253 - shared.length));
    expect(await ws.id('import-change-dates').innerText()).toBe(
      `253 (2019-03-22 … 2020-03-23) → ${shared.length} (${shared[0]} … ${shared.at(-1)})`,
    );
    await page.screenshot({ path: join(SHOTS, 'import-merge-realigned.png') });

    // Every series and the benchmark are cut to the same dates: the benchmark keeps its prices
    // on the shared dates.
    const after = await editorRequest();
    expect(after.price_history.dates).toEqual(shared);
    const at = new Map(req.price_history.dates.map((d, i) => [d, i]));
    expect(after.benchmark.prices).toEqual(
      shared.map((d) => req.benchmark.prices[at.get(d) as number]),
    );
    for (const [s, p] of Object.entries(after.price_history.prices))
      expect(p, s).toHaveLength(shared.length);
    expect(after.price_history.prices.JPM).toEqual(shared.map((d) => jpm.get(d)));
    await ws.runOk();
  });

  it('a running import shows the elapsed time and can be cancelled', async () => {
    // The engine runs in this test's own process, where a long synchronous parse would also stall
    // the browser driver; so the engine's answer is held back at the network instead, which is
    // what a slow 100,000-row import looks like to the page.
    let held: Route | null = null;
    await page.route('**/api/import/prices', (route) => {
      held = route;
    });
    try {
      await ws.view('import');
      await ws.id('import-file').setInputFiles(PYPFOPT);
      const state = await ws.afterSeq('import-view', async () => {
        await ws.id('import-button').click();
        await ws.waitAttr('import-view', 'data-state', 'running');
        // The clock ticks while the answer is awaited.
        await page.waitForFunction(
          () =>
            parseFloat(
              document.querySelector('[data-testid="import-elapsed"]')?.textContent ?? '0',
            ) >= 0.3,
        );
        await page.screenshot({ path: join(SHOTS, 'import-running.png') });
        await ws.id('import-cancel').click();
      });
      expect(state).toBe('cancelled');
      expect(await ws.id('import-cancelled').innerText()).toMatch(
        /^Import of “pypfopt_stock_prices\.csv” cancelled after \d+\.\d s\./,
      );
      expect(await ws.id('import-cancel').count()).toBe(0);
      expect(await ws.id('import-button').isEnabled()).toBe(true);
    } finally {
      await page.unroute('**/api/import/prices');
      await (held as Route | null)?.abort().catch(() => undefined);
    }
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
