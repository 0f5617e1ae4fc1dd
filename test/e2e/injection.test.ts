/**
 * End-to-end: 20 classic script-injection strings in every text a user or a file puts on screen
 * (browser mode, Debian's Chromium driven by playwright-core, production build, engine
 * in-process with a fresh data directory). Each string is used as an asset name, a holding name,
 * a portfolio name, an approval or rejection note, an import file name, a symbol in a price CSV
 * and an asset in a portfolio CSV: through the UI where it has a field (the request editor, the
 * note box, the portfolio and import forms, the file picker) and through the HTTP API from here
 * where it has none (19 more notes, 20 more portfolios and file names). Then every view that
 * shows them is opened.
 *
 * The page's Content-Security-Policy forbids inline scripts and handlers, which would hide a
 * rendering bug: this suite runs with the CSP bypassed, so a string parsed as HTML would run.
 * At each view: `window.__xss` is still undefined, no element or attribute came out of a string
 * (no inline handler, no javascript: URL, no iframe/object/img src=x…), and the string is on
 * screen as text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { App } from '../../src/server/app';
import { type Harness, hasChromium, startHarness, warnIfNoChromium } from './harness';
import { Workstation } from './pages';

warnIfNoChromium('the script-injection suite');

/** Each one, rendered as HTML (or evaluated as a template or URL), would set window.__xss. */
const INJECTIONS = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=1">',
  '"><svg onload=window.__xss=1>',
  'javascript:window.__xss=1',
  "{{constructor.constructor('window.__xss=1')()}}",
  '</textarea><script>window.__xss=1</script>',
  "'><script>window.__xss=1</script>",
  '<iframe src="javascript:window.__xss=1"></iframe>',
  '<body onload=window.__xss=1>',
  '<details open ontoggle=window.__xss=1>',
  '<a href="javascript:window.__xss=1">link</a>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>',
  '<input autofocus onfocus=window.__xss=1>',
  '${window.__xss=1}',
  '<svg><script>window.__xss=1</script></svg>',
  '<object data="javascript:window.__xss=1"></object>',
  '" onmouseover="window.__xss=1" x="',
  '<video><source onerror="window.__xss=1"></video>',
  '<marquee onstart=window.__xss=1>x</marquee>',
  '--><script>window.__xss=1</script><!--',
] as const;

const CLASSES = ['Stocks', 'ETF', 'Mutual Fund', 'Commodity', 'FX', 'Crypto'] as const;

/**
 * 20 assets named by the strings. All of the first ten is sold and all of the last ten bought:
 * one-way turnover 100% (over the default policy's 50%), so the Supervisor asks for review and
 * the run can be approved or rejected with a note.
 */
const ASSETS_REQUEST = {
  portfolio_value: 1_000_000,
  drift_threshold: 0.02,
  turnover_limit: 1,
  assets: INJECTIONS.map((s, i) => ({
    asset: s,
    asset_class: CLASSES[i % CLASSES.length],
    target_weight: i < 10 ? 0 : 0.1,
    current_weight: i < 10 ? 0.1 : 0,
    price: 10 + i,
  })),
};

/** Two sleeves whose 20 holdings are named by the strings; the first is sold into the second. */
const HOLDINGS_REQUEST = {
  portfolio_value: 1_000_000,
  drift_threshold: 0.02,
  turnover_limit: 1,
  assets: [0, 1].map((k) => ({
    asset: k === 0 ? 'Sleeve one' : 'Sleeve two',
    asset_class: k === 0 ? 'Stocks' : 'ETF',
    target_weight: k === 0 ? 0.3 : 0.7,
    current_weight: k === 0 ? 0.7 : 0.3,
    holdings: INJECTIONS.slice(k * 10, k * 10 + 10).map((s, j) => ({
      holding: s,
      quantity: 100 + 10 * j,
      last_price: 20 + j,
    })),
  })),
};

/** A CSV cell: quoted, inner quotes doubled (RFC 4180). */
const cell = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** A wide price file: a date column, then one column per string. */
const PRICES_CSV =
  ['date', ...INJECTIONS].map(cell).join(',') +
  '\n' +
  ['2024-01-02', '2024-01-03', '2024-01-04']
    .map((d, k) => [d, ...INJECTIONS.map((_, i) => String(10 + i + k))].join(','))
    .join('\n') +
  '\n';

/** A portfolio file: one asset per string, equal weights. */
const PORTFOLIO_CSV =
  'asset,asset_class,price,current_weight,target_weight\n' +
  INJECTIONS.map((s, i) => `${cell(s)},${CLASSES[i % CLASSES.length]},${10 + i},5%,5%`).join('\n') +
  '\n';

/** What an attack left in the page: __xss set, or an element or attribute parsed from a string. */
interface Traces {
  xss: unknown;
  found: string[];
}

async function traces(page: Page): Promise<Traces> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) {
        const v = a.value.trim().toLowerCase();
        if (a.name.startsWith('on')) found.push(`<${el.tagName.toLowerCase()} ${a.name}>`);
        if (
          ['href', 'src', 'data', 'action', 'formaction'].includes(a.name) &&
          v.startsWith('javascript:')
        )
          found.push(`<${el.tagName.toLowerCase()} ${a.name}="${a.value}">`);
      }
    }
    const sel =
      'body script, iframe, object, embed, base, marquee, video, math, mglyph, details[ontoggle], img[src="x"], input[autofocus]';
    for (const el of Array.from(document.querySelectorAll(sel))) {
      found.push(el.outerHTML.slice(0, 120));
    }
    return { xss: (window as unknown as { __xss?: unknown }).__xss, found };
  });
}

describe.skipIf(!hasChromium)('script injection in text fields (Chromium)', () => {
  let harness: Harness | undefined;
  let app: App;
  let context: BrowserContext;
  let page: Page;
  let ws: Workstation;
  const consoleErrors: string[] = [];
  /** Runs (id → note) decided with a string as the note. */
  const notes = new Map<string, string>();

  const api = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const r = await fetch(new URL(path, app.url), {
      method,
      headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await r.json()) as T;
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };

  /** Nothing ran and nothing was parsed into the page; `where` names the view in a failure. */
  const expectClean = async (where: string) => {
    const t = await traces(page);
    expect(t.xss, `window.__xss after ${where}`).toBeUndefined();
    expect(t.found, `elements or attributes from a string at ${where}`).toEqual([]);
  };

  /** The strings of `expected` that are not in the text of `scope` (default: the page). */
  const missingText = async (expected: readonly string[], scope?: Locator) => {
    const text = await (scope ?? page.locator('body')).evaluate((e) => e.textContent ?? '');
    return expected.filter((s) => !text.includes(s));
  };

  /** Waits until the Portfolios view lists every portfolio the engine has. */
  const allPortfoliosListed = async () => {
    const { portfolios } = await api<{ portfolios: unknown[] }>('GET', '/api/portfolios');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="portfolio-row"]').length === n,
      portfolios.length,
    );
  };

  /** Puts a request into the JSON editor (opening the Advanced section if it is folded). */
  const putRequest = async (req: unknown) => {
    const editor = ws.id('request-editor');
    if (!(await editor.isVisible())) {
      const advanced = page.getByRole('button', { name: /advanced|json/i }).first();
      if (await advanced.count()) await advanced.click();
    }
    await ws.pasteEditorText(JSON.stringify(req, null, 2));
  };

  /** Opens every result tab of the result on screen, checking each. */
  const everyTab = async (scope: Locator, label: string) => {
    const tabs = await scope
      .locator('[role="tab"][data-testid^="tab-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
    expect(tabs.length).toBeGreaterThan(3);
    for (const t of tabs) {
      await scope.getByTestId(t).click();
      await scope.getByTestId(`view-${t.slice(4)}`).waitFor({ state: 'visible' });
      await expectClean(`${label}, tab ${t.slice(4)}`);
    }
  };

  beforeAll(async () => {
    harness = await startHarness({ dataDirPrefix: 'spr-e2e-injection-' });
    app = harness.app;
    // Its own context: the CSP is bypassed so that a string rendered as HTML would execute.
    context = await harness.browser.newContext({
      bypassCSP: true,
      viewport: { width: 1280, height: 800 },
    });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    // Chromium's console line for a failed fetch lacks the address: record it here.
    page.on('response', (r) => {
      if (r.status() >= 400) consoleErrors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
    page.on('dialog', (d) => {
      consoleErrors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    ws = new Workstation(page);
    await page.goto(app.url);
    await ws.ready();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await harness?.close();
  });

  it('has 20 distinct strings, each accepted by the engine as a name (≤ 128 characters)', () => {
    expect(new Set(INJECTIONS).size).toBe(20);
    for (const s of INJECTIONS) {
      expect(s.length).toBeLessThanOrEqual(128);
      expect(s).toBe(s.trim());
    }
  });

  it('would see an injection: a string parsed as HTML runs here (CSP bypassed) and is detected', async () => {
    await page.evaluate((html) => {
      const probe = document.createElement('div');
      probe.id = 'injection-probe';
      probe.innerHTML = html;
      document.body.appendChild(probe);
      // Like INJECTIONS[1], with an image that fails without a request (no 404 in the log).
    }, '<img src="data:," onerror="window.__xss=1">');
    await page.waitForFunction(() => '__xss' in window);
    const t = await traces(page);
    expect(t.xss).toBe(1);
    expect(t.found.join(' ')).toContain('onerror');
    await page.evaluate(() => {
      document.getElementById('injection-probe')?.remove();
      delete (window as unknown as { __xss?: unknown }).__xss;
    });
    await expectClean('the probe was removed');
  });

  it('asset names: run from the editor, every result tab and the drilldown show them as text', async () => {
    await putRequest(ASSETS_REQUEST);
    await ws.runOk();
    const results = ws.id('results');
    await ws.tab('portfolio');
    expect(await missingText(INJECTIONS, results)).toEqual([]);
    await everyTab(results, 'the asset-name run');

    // The drilldown: every class lists its assets by name.
    const drill = await ws.tab('drilldown');
    const classes = await ws.attrs('drill-class', 'data-class');
    expect(classes.length).toBe(CLASSES.length);
    for (const c of classes) {
      await drill.locator(`[data-testid="drill-class"][data-class="${c}"]`).click();
      await ws.id('drill-assets').waitFor();
      const mine = INJECTIONS.filter((_, i) => CLASSES[i % CLASSES.length] === c);
      expect(await missingText(mine, ws.id('drill-assets'))).toEqual([]);
      await ws.id('drill-asset').first().click();
      await ws.id('drill-detail').waitFor();
      await expectClean(`the drilldown of ${c}`);
      await ws.id('drill-crumb-root').click();
    }
  });

  it('asset names in the input modes: the holdings grid and the settings form keep them as values', async () => {
    const modes = await page
      .locator('[data-testid^="input-mode-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
    for (const m of modes) {
      await ws.id(m).click();
      await expectClean(`the input mode ${m}`);
      if (m === 'input-mode-holdings') {
        // Names are edited in text boxes: their values, not markup.
        const shown = await ws
          .id('request-panel')
          .evaluate((el) =>
            [
              el.textContent ?? '',
              ...Array.from(el.querySelectorAll('input')).map((i) => i.value),
            ].join('\n'),
          );
        expect(INJECTIONS.filter((s) => !shown.includes(s))).toEqual([]);
      }
    }
    if (modes.length) await ws.id(modes[0]!).click();
  });

  it('asset names through all agents (Agents view, the request in the editor): stages, timeline and copilot brief', async () => {
    await ws.openView('agents');
    await ws.id('scenario-flow-card').last().getByTestId('scenario-flow-run').click();
    const result = page
      .locator('[data-testid="flow-result"]:is([data-state="done"], [data-state="error"])')
      .first();
    await result.waitFor({ state: 'attached', timeout: 60_000 });
    expect(await result.getAttribute('data-state')).toBe('done');
    await expectClean('the run through all agents');
    // The copilot's actions and the timeline name assets: at least one string is on screen.
    expect((await missingText(INJECTIONS, result)).length).toBeLessThan(INJECTIONS.length);
    await ws.view('workstation');
  });

  it('holding names: the drilldown of each sleeve and the orders show them as text', async () => {
    await putRequest(HOLDINGS_REQUEST);
    await ws.runOk();
    await ws.tab('drilldown');
    for (const [k, c] of ['Stocks', 'ETF'].entries()) {
      await ws.id('drill-crumb-root').click();
      await page.locator(`[data-testid="drill-class"][data-class="${c}"]`).click();
      await ws.id('drill-asset').first().click();
      const rows = ws.id('drill-holding-row');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(10);
      expect(
        await missingText(INJECTIONS.slice(k * 10, k * 10 + 10), ws.id('drill-holdings')),
      ).toEqual([]);
      await expectClean(`the holdings of sleeve ${k + 1}`);
    }
    const trades = await ws.tab('trades');
    // Every holding of the sold sleeve is sold: each has its own order row.
    expect(await missingText(INJECTIONS.slice(0, 10), trades)).toEqual([]);
    await everyTab(ws.id('results'), 'the holding-name run');
  });

  it('approval notes: one approved in the UI, 19 decided through the API; banner, run history and detail show them as text', async () => {
    await putRequest(ASSETS_REQUEST);
    await ws.runOk();
    expect(await ws.id('decision-badge').innerText()).toMatch(/review/i);
    const uiRun = await ws.id('run-meta-id').innerText();
    await ws.id('decision-note').fill(INJECTIONS[0]);
    await ws.id('approve-button').click();
    await ws.id('decision-note-shown').waitFor();
    expect(await ws.id('decision-note-shown').innerText()).toContain(INJECTIONS[0]);
    await expectClean('approving in the workstation');
    notes.set(uiRun, INJECTIONS[0]);

    for (const [i, note] of INJECTIONS.entries()) {
      if (i === 0) continue;
      const run = await api<{ run_id: string; supervisor: { decision: string } }>(
        'POST',
        '/api/rebalance',
        ASSETS_REQUEST,
      );
      expect(run.supervisor.decision).toBe('REVIEW_REQUIRED');
      await api('POST', `/api/runs/${run.run_id}/${i % 2 ? 'reject' : 'approve'}`, { note });
      notes.set(run.run_id, note);
    }

    await ws.view('runs');
    await ws.runsReady();
    await expectClean('the run history');
    for (const [runId, note] of notes) {
      await ws.runRow(runId).click();
      await page
        .locator(`[data-testid="run-detail"][data-run-id="${runId}"][data-state="ready"]`)
        .waitFor();
      const shown = ws.id('run-detail').getByTestId('decision-note-shown');
      expect(await shown.innerText(), `the note of run ${runId}`).toContain(note);
      await expectClean(`the saved run ${runId}`);
    }
    // One saved run through all its tabs (its asset names are strings too).
    await everyTab(ws.id('run-detail'), 'a saved run');
  });

  it('portfolio names: saved in the Portfolios view and through the API; list, detail and the Runs filter show them as text', async () => {
    // The editor holds the asset-name request: saved under a string as its name.
    await ws.view('portfolios');
    await ws.id('portfolio-name').fill(INJECTIONS[1]);
    await ws.afterSeq('portfolios-view', () => ws.id('portfolio-save-new').click());
    const content = {
      ...ASSETS_REQUEST,
      assets: ASSETS_REQUEST.assets.map((a) => ({
        ...a,
        current_weight: 0.05,
        target_weight: 0.05,
      })),
    };
    for (const name of INJECTIONS) await api('POST', '/api/portfolios', { name, content });

    await ws.view('runs');
    await ws.runsReady();
    const filter = ws.id('runs-filter-portfolio');
    expect(await missingText(INJECTIONS, filter)).toEqual([]);
    await expectClean('the Runs portfolio filter');

    await ws.view('portfolios');
    const table = ws.id('portfolios-table');
    await allPortfoliosListed();
    expect(await missingText(INJECTIONS, table)).toEqual([]);
    const row = page.locator(
      `[data-testid="portfolio-row"][data-name=${JSON.stringify(INJECTIONS[2])}]`,
    );
    await row.first().click();
    await ws.id('portfolio-detail').waitFor();
    expect(await missingText([INJECTIONS[2]], ws.id('portfolio-detail'))).toEqual([]);
    await expectClean('a portfolio opened');
  });

  it('import file names and file contents: a price CSV and a portfolio CSV with strings as symbols and assets, picked in the Import view', async () => {
    await ws.view('import');
    // Price file: its name and every symbol are strings.
    await ws.id('import-kind-prices').click();
    await ws.id('import-file').setInputFiles({
      name: `${INJECTIONS[3]}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(PRICES_CSV),
    });
    expect(await ws.afterSeq('import-view', () => ws.id('import-button').click())).not.toBe(
      'error',
    );
    expect(await ws.id('import-series-row').count()).toBe(INJECTIONS.length);
    expect(await missingText(INJECTIONS, ws.id('main-import'))).toEqual([]);
    await expectClean('a price import');

    // Portfolio file: its name, the portfolio's name and every asset are strings.
    await ws.id('import-kind-portfolio').click();
    await ws.id('import-file').setInputFiles({
      name: `${INJECTIONS[4]}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(PORTFOLIO_CSV),
    });
    await ws.id('import-name').fill(INJECTIONS[5]);
    await ws.id('import-value').fill('1000000');
    expect(await ws.afterSeq('import-view', () => ws.id('import-button').click())).not.toBe(
      'error',
    );
    expect(await ws.id('import-asset-row').count()).toBe(INJECTIONS.length);
    expect(await missingText(INJECTIONS, ws.id('main-import'))).toEqual([]);
    await expectClean('a portfolio import');

    // File names through the API: each import becomes a portfolio named after its file.
    for (const [i, s] of INJECTIONS.entries()) {
      await api('POST', '/api/import/portfolio', {
        filename: `${s}.csv`,
        format: 'csv',
        content: `asset,price,current_weight,target_weight\nA${i},10,60%,50%\nB${i},20,40%,50%\n`,
        portfolio_value: 100_000,
      });
    }
    await ws.view('portfolios');
    await allPortfoliosListed();
    expect(await missingText(INJECTIONS.map((s) => `${s}.csv`))).toEqual([]);
    await expectClean('portfolios named after files');
  });

  it('audit trail: the events of those runs, notes, portfolios and imports show them as text', async () => {
    await ws.view('audit');
    await ws.waitAttr('audit-view', 'data-state', 'ready');
    await expectClean('the audit log');
    // Each decision, save and import event's payload (JSON) carries its string.
    const rows = page.locator(
      '[data-testid="audit-row"]:is([data-action*="approve"], [data-action*="reject"], [data-action*="portfolio"], [data-action*="import"])',
    );
    const n = await rows.count();
    expect(n).toBeGreaterThan(0);
    let payloads = '';
    for (let k = 0; k < n; k++) {
      await rows.nth(k).click();
      payloads += await ws.id('audit-payload').innerText();
      await rows.nth(k).click();
    }
    await expectClean('the audit payloads');
    // JSON escapes quotes: the string as it appears inside a JSON document.
    const asJson = (s: string) => JSON.stringify(s).slice(1, -1);
    const absent = INJECTIONS.filter((s) => !payloads.includes(asJson(s)));
    expect(absent).toEqual([]);
  });

  it('the whole session: nothing executed, no script error and no dialog', async () => {
    await ws.view('workstation');
    await expectClean('the end of the session');
    expect(consoleErrors).toEqual([]);
  });
});
