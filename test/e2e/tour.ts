/**
 * A tour of every main view of the workstation, for the checks that look at each view in turn:
 * the accessibility suite (axe-core on every stop) and `npm run screenshots` (a PNG per stop).
 *
 * The tour runs the first scenario and opens each result tab and each input mode (settings,
 * holdings grid, JSON), makes an optimizer run, then visits Agents (one scenario through all
 * agents), Runs (a saved run and a comparison), Import (a price file imported), Portfolios (one
 * saved), Models (an accounts file imported), Batches (one batch run to its end), Audit and
 * Policy. Every wait is on a data-testid or a state the page exposes, never on time.
 * Views are being added and reworked: a step that cannot be reached is reported through `warn`
 * and the tour goes on, so the caller decides whether a missing stop is an error.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ROOT } from './harness';
import { Workstation } from './pages';

export type Theme = 'light' | 'dark';

/** Where the tour stopped: a name usable as a file name, e.g. "workstation-risk", "runs". */
export type Visit = (stop: string) => Promise<void>;

export interface TourOptions {
  /** Called once at each stop, after the view has settled. */
  visit: Visit;
  /** Told about each stop that could not be reached (the tour continues). */
  warn: (message: string) => void;
  /** How long a step may wait for an element before it counts as missing (default 10 s). */
  stepTimeout?: number;
  /**
   * Saves what Models and Batches show (a model and the price library: test/e2e/book.ts), just
   * before the tour reaches them; without it they are visited with whatever the engine holds.
   */
  seed?: () => Promise<void>;
}

const IMPORTS = join(ROOT, 'test/fixtures/import');
const BATCH_ENDED =
  '[data-testid="batch-detail"]:is([data-status="done"], [data-status="failed"], [data-status="cancelled"])';

/**
 * CSS that stops every animation and transition and hides the text caret, so a view looks the
 * same whenever it is captured. Injected by `freezeMotion` before the app's own scripts run.
 */
const FREEZE_CSS =
  '*,*::before,*::after{animation-duration:0s!important;animation-delay:0s!important;' +
  'transition-duration:0s!important;transition-delay:0s!important;caret-color:transparent!important}';

/**
 * Makes every page of `context` motion-free: reduced motion is emulated (for code that honours
 * it, such as chart.js options) and the CSS above is added to each document as it loads.
 */
export async function freezeMotion(context: BrowserContext): Promise<void> {
  // A string, not a function: tsx (esbuild keepNames) wraps named inner functions in a helper
  // that does not exist in the page.
  await context.addInitScript(`(() => {
    const css = ${JSON.stringify(FREEZE_CSS)};
    const add = () => {
      const s = document.createElement('style');
      s.setAttribute('data-freeze-motion', '');
      s.textContent = css;
      document.head.appendChild(s);
    };
    if (document.head) add();
    else document.addEventListener('DOMContentLoaded', add, { once: true });
  })()`);
}

/**
 * Opens the app at `url` in `theme`: the colour scheme is emulated before navigation (the app
 * follows the system), reduced motion too. Resolves once the scenario cards are on screen.
 */
export async function openApp(page: Page, url: string, theme: Theme): Promise<Workstation> {
  await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
  await page.goto(url);
  const ws = new Workstation(page);
  await ws.ready();
  return ws;
}

/** The theme the page shows: `data-theme` on <html>, or null when the app sets none. */
export async function shownTheme(page: Page): Promise<string | null> {
  return page.evaluate(() => document.documentElement.getAttribute('data-theme'));
}

/**
 * In-page check (a string for the reason given in freezeMotion): true once every canvas has
 * looked the same for three consecutive animation frames, false after 600 frames.
 */
const CANVASES_STABLE = `new Promise((resolve) => {
  const snap = () => Array.from(document.querySelectorAll('canvas'))
    .map((c) => { try { return c.toDataURL(); } catch { return ''; } })
    .join('|');
  let prev = snap();
  let same = 0;
  let frames = 0;
  const tick = () => {
    const cur = snap();
    same = cur === prev ? same + 1 : 0;
    prev = cur;
    frames += 1;
    if (same >= 3) resolve(true);
    else if (frames >= 600) resolve(false);
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})`;

/**
 * Waits until the page is still: nothing loading or running (data-state, aria-busy), fonts
 * loaded, and every canvas (charts) unchanged over three consecutive animation frames.
 * Throws, naming what is still busy, after `timeout` ms.
 */
export async function settle(page: Page, timeout = 30_000): Promise<void> {
  const busy = '[data-state="loading"], [data-state="running"], [aria-busy="true"]';
  try {
    await page.waitForFunction((sel) => !document.querySelector(sel), busy, { timeout });
  } catch {
    const still = await page.evaluate(
      (sel) =>
        Array.from(document.querySelectorAll(sel)).map(
          (e) => e.getAttribute('data-testid') ?? e.tagName.toLowerCase(),
        ),
      busy,
    );
    throw new Error(`the page is still busy after ${timeout} ms: ${still.join(', ')}`);
  }
  await page.evaluate(async () => {
    await document.fonts.ready;
  });
  const stable = (await page.evaluate(CANVASES_STABLE)) as boolean;
  if (!stable) throw new Error('a chart kept changing for 600 animation frames');
}

/** Scrolls every scrolling area and the page back to the top (screenshots start at the top). */
async function scrollTop(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const el of Array.from(document.querySelectorAll('*'))) {
      if (el.scrollTop) el.scrollTop = 0;
    }
    window.scrollTo(0, 0);
  });
}

/**
 * Runs the tour on an app already opened with `openApp` (no run made yet). Each stop is
 * settled, scrolled to the top and handed to `visit`; a step that fails is reported through
 * `warn` and skipped. Returns the stops visited, in order.
 */
export async function tour(ws: Workstation, opts: TourOptions): Promise<string[]> {
  const page = ws.page;
  const stepTimeout = opts.stepTimeout ?? 10_000;
  const visited: string[] = [];
  /** `show`: the test id of what the stop is about, scrolled to the top of its view. */
  const stop = async (name: string, show?: string) => {
    await settle(page);
    await scrollTop(page);
    if (show)
      await ws
        .id(show)
        .first()
        .evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await opts.visit(name);
    visited.push(name);
  };
  /** One step: failures are reported, never thrown. Returns whether it succeeded. */
  const step = async (what: string, fn: () => Promise<void>): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (e) {
      const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
      opts.warn(`${what}: skipped (${msg})`);
      return false;
    }
  };
  /** Resolves when the element is attached; throws "missing" after stepTimeout. */
  const need = async (testId: string) => {
    await ws.id(testId).first().waitFor({ state: 'attached', timeout: stepTimeout });
  };

  await step('workstation before a run', () => stop('workstation'));

  // The first scenario, run as it ships.
  const ran = await step('the first scenario run', async () => {
    const name = await ws.id('scenario-card').first().getAttribute('data-name');
    await ws.pick(name ?? '');
    await ws.runOk();
  });
  if (ran) {
    const tabs = await tabIds(ws);
    for (const id of tabs.filter((t) => t !== 'optimizer')) {
      await step(`result tab ${id}`, async () => {
        await ws.openTab(id);
        await stop(`workstation-${id}`);
      });
    }
    if (tabs.includes('drilldown')) {
      await step('drilldown into a holding', async () => {
        await ws.openTab('drilldown');
        await need('drill-class');
        // The class whose assets list holdings, when one does (the asset table shows counts).
        await ws.id('drill-class').first().click();
        await need('drill-asset');
        const withHoldings = page.locator('[data-testid="drill-asset"]:not([data-holdings="0"])');
        await (await pickFirst(withHoldings, ws.id('drill-asset'))).click();
        await need('drill-detail');
        await stop('workstation-drilldown-asset');
      });
    }
  }

  // The request's input modes (settings form, holdings grid, JSON), with the scenario loaded.
  const modes = await ws.page
    .locator('[data-testid^="input-mode-"]')
    .evaluateAll((els) => els.map((e) => (e.getAttribute('data-testid') ?? '').slice(11)));
  for (const m of modes) {
    await step(`input mode ${m}`, async () => {
      await ws.id(`input-mode-${m}`).click();
      await stop(`workstation-inputs-${m}`);
    });
  }
  if (modes.length)
    await step('back to the first input mode', () => ws.id(`input-mode-${modes[0]}`).click());

  // An optimizer run: an optimized method needs price history, which the seed's first
  // scenarios lack, so the scenarios are tried from the last one back until one runs.
  await step('an optimizer run', async () => {
    const names = await ws.attrs('scenario-card', 'data-name');
    let last = '';
    for (const name of names.reverse()) {
      await ws.pick(name ?? '');
      await need('method-select');
      const options = await ws
        .id('method-select')
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      const method = ['min_variance', 'mean_variance', 'risk_parity'].find((m) =>
        options.includes(m),
      );
      if (!method) throw new Error(`no optimized method among ${options.join(', ')}`);
      await ws.id('method-select').selectOption(method);
      if ((await ws.run()) === 'done') {
        await need('tab-optimizer');
        await ws.openTab('optimizer');
        await stop('workstation-optimizer');
        return;
      }
      last = name ?? '';
    }
    throw new Error(`no scenario ran with an optimized method (last tried: ${last})`);
  });

  // Agents: the architecture and, when offered, one scenario run through every agent.
  if (
    await step('Agents', async () => {
      if ((await ws.id('nav-agents').count()) === 0) throw new Error('there is no Agents view');
      await ws.openView('agents');
      await stop('agents');
    })
  ) {
    await step('a scenario through all agents', async () => {
      await need('scenario-flow-run');
      await ws.id('scenario-flow-run').first().click();
      await page
        .locator('[data-testid="flow-result"]:is([data-state="done"], [data-state="error"])')
        .first()
        .waitFor({ state: 'attached', timeout: 60_000 });
      await stop('agents-flow', 'flow-result');
    });
  }

  // Runs: the list, one saved run opened, and two runs compared.
  if (await step('Runs', () => ws.openView('runs').then(() => ws.runsReady()))) {
    await step('runs list', () => stop('runs'));
    await step('a saved run', async () => {
      await page.locator('[data-testid="run-row"][data-kind="rebalance"]').first().click();
      await ws.waitAttr('run-detail', 'data-state', 'ready', stepTimeout);
      await stop('run-detail');
    });
    await step('a comparison of two runs', async () => {
      const rows = page.locator('[data-testid="run-row"][data-kind="rebalance"]');
      if ((await rows.count()) < 2) throw new Error('fewer than two rebalance runs are listed');
      await rows.nth(0).getByTestId('run-select').check();
      await rows.nth(1).getByTestId('run-select').check();
      await ws.id('runs-compare').click();
      await ws.waitAttr('compare-panel', 'data-state', 'ready', stepTimeout);
      await stop('compare');
    });
  }

  // Import: the empty form, then a price file imported.
  if (await step('Import', () => ws.openView('import').then(() => undefined))) {
    await step('import form', () => stop('import'));
    await step('a price import', async () => {
      await need('import-kind-prices');
      await ws.id('import-kind-prices').click();
      await ws.id('import-file').setInputFiles(join(IMPORTS, 'prices_long.csv'));
      await ws.afterSeq('import-view', () => ws.id('import-button').click());
      await stop('import-prices');
    });
  }

  // Portfolios: the request in the editor saved as a portfolio, then opened.
  await step('Portfolios', async () => {
    await ws.openView('portfolios');
    await need('portfolio-name');
    await ws.id('portfolio-name').fill('Model portfolio');
    await ws.afterSeq('portfolios-view', () => ws.id('portfolio-save-new').click());
    await ws.id('portfolio-row').first().click();
    await need('portfolio-detail');
    await stop('portfolios');
  });

  // Models & accounts: the accounts file imported (following the first model, when there is
  // one), then Batches: a batch of that model run to its end.
  if (opts.seed) await step('the book for Models and Batches', opts.seed);
  await step('Models', async () => {
    await ws.openView('models');
    await ws.waitAttr('models-view', 'data-state', 'ready', stepTimeout);
    await need('book-file');
    await ws.id('book-file').setInputFiles(join(IMPORTS, 'accounts.csv'));
    const model = await ws.id('book-model').locator('option').nth(1);
    if ((await model.count()) > 0)
      await ws.id('book-model').selectOption((await model.getAttribute('value')) ?? '');
    await ws.afterSeq('book-import', () => ws.id('book-import-button').click());
    await stop('models');
  });
  await step('Batches', async () => {
    await ws.openView('batches');
    await ws.waitAttr('batches-view', 'data-state', 'ready', stepTimeout);
    if (await ws.id('batch-start-button').isEnabled()) {
      await ws.id('batch-start-button').click();
      await page.locator(BATCH_ENDED).waitFor({ state: 'attached', timeout: 60_000 });
    }
    await stop('batches');
  });

  await step('Audit', async () => {
    await ws.openView('audit');
    await ws.waitAttr('audit-view', 'data-state', 'ready', stepTimeout);
    await stop('audit');
  });

  await step('Audit verify', async () => {
    await ws.id('audit-verify').click();
    await ws.waitAttr('audit-verify-result', 'data-state', 'done', stepTimeout);
    await stop('audit-verify');
  });

  await step('Policy', async () => {
    await ws.openView('policy');
    await ws.waitAttr('policy-view', 'data-state', 'ready', stepTimeout);
    await stop('policy');
  });

  return visited;
}

/** The ids of the result tabs on screen (tab-<id> inside the results), in order. */
async function tabIds(ws: Workstation): Promise<string[]> {
  return ws.page
    .locator('[data-testid="results"] [role="tab"][data-testid^="tab-"]')
    .evaluateAll((els) => els.map((e) => (e.getAttribute('data-testid') ?? '').slice(4)));
}

/** The first element of `preferred` if there is one, else the first of `fallback`. */
async function pickFirst(
  preferred: ReturnType<Page['locator']>,
  fallback: ReturnType<Page['locator']>,
) {
  return (await preferred.count()) > 0 ? preferred.first() : fallback.first();
}
