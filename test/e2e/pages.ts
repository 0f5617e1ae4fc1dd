/**
 * Page model of the workstation UI for the end-to-end suites (browser mode and Electron).
 * Every locator is a data-testid; every wait is on a state the page exposes (run-status
 * data-seq / data-state), never on time.
 */
import type { Locator, Page } from 'playwright-core';

export type TabId =
  | 'portfolio'
  | 'trades'
  | 'optimizer'
  | 'risk'
  | 'montecarlo'
  | 'houseview'
  | 'drilldown'
  | 'warnings';

export type ViewId = 'workstation' | 'runs' | 'import' | 'portfolios' | 'audit';

export class Workstation {
  constructor(readonly page: Page) {}

  id(testId: string): Locator {
    return this.page.getByTestId(testId);
  }

  /** Waits until the scenario cards have arrived from the engine. */
  async ready(): Promise<void> {
    await this.id('scenario-card').first().waitFor({ state: 'visible' });
  }

  card(namePrefix: string): Locator {
    return this.page.locator(
      `[data-testid="scenario-card"][data-name^=${JSON.stringify(namePrefix)}]`,
    );
  }

  async pick(namePrefix: string): Promise<void> {
    const card = this.card(namePrefix);
    await card.click();
    await this.page.waitForFunction(
      (prefix) =>
        document
          .querySelector('[data-testid="scenario-card"][aria-pressed="true"]')
          ?.getAttribute('data-name')
          ?.startsWith(prefix) === true,
      namePrefix,
    );
  }

  async runSeq(): Promise<number> {
    return Number(await this.id('run-status').getAttribute('data-seq'));
  }

  /** Clicks Run and waits for that run (not an earlier one) to finish; returns its state. */
  async run(): Promise<'done' | 'error'> {
    const before = await this.runSeq();
    await this.id('run-button').click();
    await this.page.waitForFunction(
      (n) =>
        Number(document.querySelector('[data-testid="run-status"]')?.getAttribute('data-seq')) > n,
      before,
      { timeout: 60_000 },
    );
    return (await this.id('run-status').getAttribute('data-state')) as 'done' | 'error';
  }

  /** Runs and fails with the problems the UI shows if the run did not succeed. */
  async runOk(): Promise<void> {
    const state = await this.run();
    if (state !== 'done') {
      const errors = this.id('request-errors');
      const text = (await errors.count()) ? await errors.innerText() : '(no error shown)';
      throw new Error(`the run ended in state "${state}": ${text}`);
    }
  }

  async tab(id: TabId): Promise<Locator> {
    await this.id(`tab-${id}`).click();
    const view = this.id(`view-${id}`);
    await view.waitFor({ state: 'visible' });
    return view;
  }

  async editorText(): Promise<string> {
    return this.id('request-editor').inputValue();
  }

  /**
   * Shows the request as JSON (the editor's "Advanced (JSON)" mode; it opens on the settings
   * form). A no-op where the mode switch does not exist.
   */
  async jsonMode(): Promise<void> {
    const tab = this.id('input-mode-json');
    if ((await tab.count()) > 0 && (await tab.getAttribute('aria-selected')) !== 'true') {
      await tab.click();
      await this.id('request-editor').waitFor({ state: 'visible' });
    }
  }

  async setEditorText(text: string): Promise<void> {
    await this.jsonMode();
    await this.id('request-editor').fill(text);
  }

  /**
   * Puts a long request into the editor at once, as a paste does: the value is set and one
   * `input` event fired (React's onChange). `fill` types it through the editing pipeline, which
   * takes seconds for a request carrying a year of price history.
   */
  async pasteEditorText(text: string): Promise<void> {
    await this.jsonMode();
    await this.id('request-editor').evaluate((el: HTMLTextAreaElement, value: string) => {
      const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set;
      set?.call(el, value);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, text);
    await this.page.waitForFunction(
      (len) =>
        (document.querySelector('[data-testid="request-editor"]') as HTMLTextAreaElement | null)
          ?.value.length === len,
      text.length,
    );
  }

  /** Text of the current and proposed cells of one risk metric row. */
  async riskCells(metric: string): Promise<{ current: string; proposed: string }> {
    const row = this.page.locator(`[data-testid="risk-row"][data-metric="${metric}"]`);
    return {
      current: (await row.getByTestId('risk-current').innerText()).trim(),
      proposed: (await row.getByTestId('risk-proposed').innerText()).trim(),
    };
  }

  /** Resizes the window (e.g. 1280×800, the smallest layout the UI is designed for). */
  async viewport(width: number, height: number): Promise<void> {
    await this.page.setViewportSize({ width, height });
  }

  /**
   * What overflows horizontally: the page itself, the result area, or a table (inside or outside
   * a scrolling .table-wrap). Each entry names the element and its widths; [] when all fit.
   */
  async horizontalOverflow(): Promise<string[]> {
    return this.page.evaluate(() => {
      const out: string[] = [];
      const check = (el: Element, name: string) => {
        if (el.scrollWidth > el.clientWidth + 1)
          out.push(`${name}: ${el.scrollWidth} > ${el.clientWidth}`);
      };
      check(document.documentElement, 'page');
      const main = document.querySelector('[data-testid="results"]');
      if (main) check(main, 'results');
      document.querySelectorAll('.table-wrap').forEach((w) => {
        const t = w.querySelector('table');
        check(w, `table ${t?.getAttribute('data-testid') ?? '?'}`);
      });
      return out;
    });
  }

  /** Switches the main area (top navigation) and waits for that view to be on screen. */
  async view(id: ViewId): Promise<Locator> {
    await this.id(`nav-${id}`).click();
    const main = this.id(id === 'workstation' ? 'results' : `main-${id}`);
    await main.waitFor({ state: 'visible' });
    return main;
  }

  /** Waits until the element with this test id carries `attr="value"`. */
  async waitAttr(testId: string, attr: string, value: string, timeout = 60_000): Promise<void> {
    await this.page
      .locator(`[data-testid="${testId}"][${attr}=${JSON.stringify(value)}]`)
      .first()
      .waitFor({ state: 'attached', timeout });
  }

  /**
   * Runs `action` and waits until the `data-seq` of the element with this test id has grown
   * (the view's "an answer arrived" counter), then returns its `data-state`.
   */
  async afterSeq(testId: string, action: () => Promise<unknown>): Promise<string | null> {
    const el = this.id(testId);
    await el.waitFor({ state: 'attached' });
    const before = Number(await el.getAttribute('data-seq'));
    await action();
    await this.page.waitForFunction(
      ([id, n]) =>
        Number(document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-seq')) > n,
      [testId, before] as const,
      { timeout: 60_000 },
    );
    return el.getAttribute('data-state');
  }

  /** Waits until the runs list has loaded (first page or a filter change). */
  async runsReady(): Promise<void> {
    await this.waitAttr('runs-view', 'data-state', 'ready');
  }

  runRow(runId: string): Locator {
    return this.page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
  }

  /** Any result tab by id (e.g. "agents", which `tab()`'s TabId predates); waits for its view. */
  async openTab(id: string): Promise<Locator> {
    await this.id(`tab-${id}`).click();
    const view = this.id(`view-${id}`);
    await view.waitFor({ state: 'visible' });
    return view;
  }

  /** Any top-level view by id (e.g. "policy", which `view()`'s ViewId predates). */
  async openView(id: string): Promise<Locator> {
    await this.id(`nav-${id}`).click();
    const main = this.id(id === 'workstation' ? 'results' : `main-${id}`);
    await main.waitFor({ state: 'visible' });
    return main;
  }

  /** The decision banner of the result on screen (Workstation, or an opened run). */
  banner(scope?: Locator): Locator {
    return (scope ?? this.page).getByTestId('decision-banner');
  }

  /** Texts of the elements with this test id inside `scope` (default: the page), in order. */
  async texts(testId: string, scope?: Locator): Promise<string[]> {
    return (scope ?? this.page)
      .getByTestId(testId)
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.trim()));
  }

  /** One attribute of every element with this test id inside `scope`, in order. */
  async attrs(testId: string, attr: string, scope?: Locator): Promise<(string | null)[]> {
    return (scope ?? this.page)
      .getByTestId(testId)
      .evaluateAll((els, a) => els.map((e) => e.getAttribute(a)), attr);
  }
}
