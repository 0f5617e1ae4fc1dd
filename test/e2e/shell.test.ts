/**
 * End-to-end: the shell of the workstation at 1280×800 in browser mode (Debian's Chromium,
 * playwright-core, production build, engine in-process on a fresh data directory):
 * light and dark themes (the toggle, the system preference, text contrast), the result tabs as
 * WAI-ARIA tabs (arrow keys, Home/End, focus follows), no horizontal overflow in any main view,
 * the page opened without its token (a readable explanation, a dot that is not green), and a
 * 100,000-path Monte Carlo run that shows its elapsed time and is cancelled.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { OpName, OpOutput } from '../../src/contract/operations';
import type { App } from '../../src/server/app';
import { type Harness, hasChromium, SHOTS, startHarness, warnIfNoChromium } from './harness';
import { Workstation } from './pages';

warnIfNoChromium('the shell UI suite');

const AUTUMN_2008 = 'Autumn 2008';
const CTX = { actor: 'test', transport: 'inprocess' as const };

/** Colours the page computes for a few samples: text, its effective background, and contrast. */
interface Sample {
  name: string;
  color: string;
  background: string;
  ratio: number;
}

/**
 * For each selector, the first match's text colour, the first non-transparent background up its
 * ancestors, and their WCAG contrast ratio (relative luminance, (L1 + 0.05) / (L2 + 0.05)).
 */
async function samples(page: Page, selectors: string[]): Promise<Sample[]> {
  return page.evaluate((sels) => {
    const rgb = (c: string): [number, number, number, number] => {
      const m = c.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0];
      return [m[0] ?? 0, m[1] ?? 0, m[2] ?? 0, m[3] ?? 1];
    };
    const lum = (c: string) => {
      const [r, g, b] = rgb(c).map((v, i) =>
        i > 2 ? v : v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4,
      );
      return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
    };
    const bgOf = (el: Element | null): string => {
      for (let e = el; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor;
        if (rgb(bg)[3] > 0 && bg !== 'transparent') return bg;
      }
      return 'rgb(255, 255, 255)';
    };
    return sels.map((s) => {
      const el = document.querySelector(s);
      const color = el ? getComputedStyle(el).color : '';
      const background = bgOf(el);
      const [a, b] = [lum(color), lum(background)];
      return {
        name: s,
        color,
        background,
        ratio: el ? (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) : 0,
      };
    });
  }, selectors);
}

/**
 * What overflows horizontally at this size: the page, the main area, or any panel of the main
 * area that is not itself a scroll wrapper (overflow-x auto/scroll, e.g. .table-wrap, .list-box).
 */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const de = document.documentElement;
    if (de.scrollWidth > de.clientWidth) out.push(`page ${de.scrollWidth} > ${de.clientWidth}`);
    document.querySelectorAll('.main').forEach((m) => {
      if (m.scrollWidth > m.clientWidth + 1)
        out.push(`main area ${m.scrollWidth} > ${m.clientWidth}`);
    });
    const topbar = document.querySelector('.topbar');
    if (topbar && topbar.scrollWidth > topbar.clientWidth + 1)
      out.push(`top bar ${topbar.scrollWidth} > ${topbar.clientWidth}`);
    document.querySelectorAll('.main *').forEach((el) => {
      const cs = getComputedStyle(el);
      if (cs.display === 'inline' || cs.display === 'contents' || el.clientWidth <= 2) return;
      if (['auto', 'scroll', 'hidden', 'clip'].includes(cs.overflowX)) return;
      if (el.scrollWidth > el.clientWidth + 1) {
        const id = el.getAttribute('data-testid');
        out.push(
          `${el.tagName.toLowerCase()}${id ? `[${id}]` : ''}.${(el.getAttribute('class') ?? '').replace(/ +/g, '.')} ${el.scrollWidth} > ${el.clientWidth}`,
        );
      }
    });
    return out;
  });
}

describe.skipIf(!hasChromium)('the shell at 1280×800 (Chromium)', () => {
  let app: App;
  let context: BrowserContext;
  let page: Page;
  let ws: Workstation;
  let consoleErrors: string[];
  let harness: Harness | undefined;

  beforeAll(async () => {
    // The no-token page provokes 401s on purpose (in its own tab).
    harness = await startHarness({ ignoreConsole: /status of 401/ });
    ({ app, context, page, consoleErrors } = harness);
    ws = new Workstation(page);
    await ws.viewport(1280, 800);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(app.url);
    await ws.ready();
    await ws.pick(AUTUMN_2008);
    await ws.runOk();
  });

  afterAll(async () => {
    await harness?.close();
  });

  /** One operation in-process; fails the test on an error envelope. */
  const ok = async <K extends OpName>(op: K, input: unknown): Promise<OpOutput<K>> => {
    const r = await app.dispatch(op as never, input, CTX);
    if (!r.ok) throw new Error(`${op} failed: ${r.error.code} ${r.error.message}`);
    return r.value as OpOutput<K>;
  };

  it('shows a green dot only when the engine answers and the page is signed in', async () => {
    expect(await ws.id('engine-dot').getAttribute('data-state')).toBe('ok');
    expect(await ws.id('engine-status').innerText()).toMatch(/^engine \d+\.\d+\.\d+$/);
  });

  it('renders the dark theme from the toggle, remembers it, and keeps text readable', async () => {
    const toggle = ws.id('theme-toggle');
    expect(await toggle.inputValue()).toBe('system');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    const probes = [
      'body',
      '[data-testid="kpis"] .kpi-value',
      '[data-testid="kpis"] .kpi-label',
      '[role="tab"][aria-selected="true"]',
      '[role="tab"][aria-selected="false"]',
      '.tab-body .caption, .tab-body .muted',
      '[data-testid="run-meta"]',
      '.side .card-title',
    ];
    const light = await samples(page, probes);
    const lightPanel = await ws.id('kpis').evaluate((el) => getComputedStyle(el).backgroundColor);

    await toggle.selectOption('dark');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    expect(await page.evaluate(() => document.documentElement.style.colorScheme)).toBe('dark');
    const dark = await samples(page, probes);
    const darkPanel = await ws.id('kpis').evaluate((el) => getComputedStyle(el).backgroundColor);
    await page.screenshot({ path: join(SHOTS, 'shell-dark-1280x800.png') });

    // Body and panels change colour; every sampled text keeps WCAG AA contrast (4.5:1).
    expect(dark[0]?.background).not.toBe(light[0]?.background);
    expect(darkPanel).not.toBe(lightPanel);
    for (const s of [...light, ...dark]) {
      expect(s.ratio, `${s.name}: ${s.color} on ${s.background}`).toBeGreaterThanOrEqual(4.5);
    }

    // Remembered across a reload of the tab (localStorage), without a flash back to light.
    await page.reload();
    await ws.ready();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await ws.id('theme-toggle').inputValue()).toBe('dark');

    await ws.id('theme-toggle').selectOption('light');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    await ws.id('theme-toggle').selectOption('system');
    // The reload dropped the result: run again for the next tests.
    await ws.pick(AUTUMN_2008);
    await ws.runOk();
  });

  it('follows the system preference while the choice is "system"', async () => {
    expect(await ws.id('theme-toggle').inputValue()).toBe('system');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(bg);
    // A fixed choice wins over the system.
    await ws.id('theme-toggle').selectOption('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await ws.id('theme-toggle').selectOption('system');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  });

  it('moves through the result tabs with the arrow keys, Home and End; focus follows', async () => {
    const list = page.locator('[role="tablist"][aria-label="Result views"]');
    const ids = await list
      .locator('[role="tab"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
    expect(ids[0]).toBe('tab-portfolio');
    expect(ids[1]).toBe('tab-trades');
    const state = () =>
      page.evaluate(() => {
        const tabs = Array.from(
          document.querySelectorAll('[aria-label="Result views"] [role="tab"]'),
        );
        const sel = tabs.filter((t) => t.getAttribute('aria-selected') === 'true');
        const panel = document.getElementById(sel[0]?.getAttribute('aria-controls') ?? '');
        return {
          selected: sel.map((t) => t.getAttribute('data-testid')),
          focused: document.activeElement?.getAttribute('data-testid') ?? null,
          tabbable: tabs.filter((t) => t.getAttribute('tabindex') === '0').length,
          panelRole: panel?.getAttribute('role') ?? null,
          panelLabel: panel?.getAttribute('aria-labelledby') === sel[0]?.id,
        };
      });

    await ws.id('tab-portfolio').click();
    await ws.id('tab-portfolio').focus();
    await page.keyboard.press('ArrowRight');
    await ws.id('view-trades').waitFor();
    expect(await state()).toEqual({
      selected: ['tab-trades'],
      focused: 'tab-trades',
      tabbable: 1,
      panelRole: 'tabpanel',
      panelLabel: true,
    });
    await page.keyboard.press('ArrowLeft');
    await ws.id('view-portfolio').waitFor();
    expect((await state()).focused).toBe('tab-portfolio');
    // Left from the first wraps to the last; End and Home go to the ends.
    await page.keyboard.press('ArrowLeft');
    expect(await state()).toMatchObject({ selected: [ids.at(-1)], focused: ids.at(-1) });
    await page.keyboard.press('Home');
    expect(await state()).toMatchObject({ selected: ['tab-portfolio'], focused: 'tab-portfolio' });
    await page.keyboard.press('End');
    expect(await state()).toMatchObject({ selected: [ids.at(-1)], focused: ids.at(-1) });
    await page.keyboard.press('ArrowRight');
    expect(await state()).toMatchObject({ selected: ['tab-portfolio'], focused: 'tab-portfolio' });
    await ws.id('view-portfolio').waitFor();
  });

  it('fits every main view into 1280×800 without horizontal overflow', async () => {
    const found: string[] = [];
    const check = async (where: string) => {
      for (const o of await overflow(page)) found.push(`${where}: ${o}`);
    };
    for (const theme of ['light', 'dark'] as const) {
      await ws.id('theme-toggle').selectOption(theme);
      await ws.view('workstation');
      const tabs = await page
        .locator('[aria-label="Result views"] [role="tab"]')
        .evaluateAll((els) => els.map((e) => (e.getAttribute('data-testid') ?? '').slice(4)));
      for (const t of tabs) {
        await ws.openTab(t);
        await check(`${theme} workstation/${t}`);
      }
      for (const v of ['runs', 'import', 'portfolios', 'audit', 'policy', 'agents']) {
        if ((await ws.id(`nav-${v}`).count()) === 0) continue;
        await ws.openView(v);
        if (v === 'runs') {
          await ws.runsReady();
          await ws.id('run-row').first().click();
          await ws.waitAttr('run-detail', 'data-state', 'ready');
        }
        await check(`${theme} ${v}`);
        await page.screenshot({ path: join(SHOTS, `shell-${v}-${theme}-1280x800.png`) });
      }
    }
    await ws.id('theme-toggle').selectOption('system');
    await ws.view('workstation');
    expect(found).toEqual([]);
  });

  it('cancels a 100,000-path Monte Carlo run and returns to the previous result', async () => {
    await ws.view('workstation');
    await ws.id('tab-portfolio').click();
    const before = await ws.id('run-meta').innerText();
    const scen = await ok('previewScenarios', {});
    const s = scen.scenarios.find((x) => x.name.startsWith(AUTUMN_2008));
    if (!s) throw new Error('no Autumn 2008 scenario');
    // 100,000 paths × 250 days (the most the contract allows), asset-level bootstrap: real work
    // for the engine to finish and save after the page has given up on it.
    const heavy = {
      ...(s.request as Record<string, unknown>),
      monte_carlo: {
        paths: 100_000,
        horizon_days: 250,
        method: 'bootstrap',
        rebalancing: 'buy_and_hold',
        seed: 7,
      },
    };
    const runsBefore = await ok('listRuns', { limit: 500 });

    // The request goes to the real engine at once, but its answer is held back until the page
    // has pressed Cancel: how long 100,000 paths take depends on the machine (a fast one finished
    // before the counter read 1 s), and this test is about the page, not the machine's speed.
    const pressed = () =>
      page
        .evaluate(
          () => (window as unknown as { __cancel?: { elapsed?: string } }).__cancel?.elapsed,
        )
        .catch(() => 'the page is gone');
    await page.route('**/api/rebalance', async (route) => {
      const response = await route.fetch({ timeout: 120_000 });
      // Held until pressed, however slow the page is (the test's own timeout bounds it).
      while ((await pressed()) === undefined) {
        await new Promise((r) => setTimeout(r, 50));
      }
      // The page aborted its request on Cancel, so there may be nobody left to answer.
      await route.fulfill({ response }).catch(() => undefined);
    });

    await ws.pasteEditorText(JSON.stringify(heavy, null, 2));
    // The page itself presses Cancel, noting what the progress line showed, as soon as the
    // elapsed counter reads 1 s or more (a page starved of CPU may skip from 0 s to 2 s).
    await page.evaluate(() => {
      const w = window as unknown as { __cancel: { progress?: string; elapsed?: string } };
      w.__cancel = {};
      const t = window.setInterval(() => {
        const btn = document.querySelector<HTMLButtonElement>('[data-testid="run-cancel"]');
        if (!btn) return;
        w.__cancel.progress ??= document.querySelector<HTMLElement>(
          '[data-testid="run-progress"]',
        )?.innerText;
        const elapsed = document.querySelector<HTMLElement>('[data-testid="run-elapsed"]');
        if (!/^[1-9]\d* s$/.test(elapsed?.innerText ?? '')) return;
        window.clearInterval(t);
        w.__cancel.elapsed = elapsed?.innerText;
        btn.click();
      }, 20);
    });
    const seq = await ws.runSeq();
    await ws.id('run-button').click();
    await page.waitForFunction(
      (n) =>
        Number(document.querySelector('[data-testid="run-status"]')?.getAttribute('data-seq')) > n,
      seq,
      { timeout: 60_000 },
    );
    await page.unroute('**/api/rebalance');
    expect(await ws.id('run-status').getAttribute('data-state')).toBe('cancelled');
    const seen = await page.evaluate(
      () => (window as unknown as { __cancel: { progress?: string; elapsed?: string } }).__cancel,
    );
    expect(seen.progress).toMatch(/Running the rebalance… \d+ s/);
    expect(seen.elapsed).toMatch(/^[1-9]\d* s$/);

    // Back to the previous result, with an honest note; no error, nothing dimmed.
    const note = await ws.id('run-cancelled').innerText();
    expect(note).toMatch(/cancelled after \d+\.\d s/i);
    expect(note).toContain('the engine may still finish and save the run; see Runs');
    expect(note).toContain(AUTUMN_2008);
    expect(await ws.id('run-meta').innerText()).toBe(before);
    expect(await ws.id('run-progress').count()).toBe(0);
    expect(await ws.id('stale-banner').count()).toBe(0);
    expect(await ws.id('run-button').isEnabled()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'shell-cancelled-1280x800.png') });

    // The note is true: the engine finishes the cancelled request on its worker pool and saves
    // it (the API keeps answering meanwhile, so wait for the save rather than assume it is done).
    let runsAfter = await ok('listRuns', { limit: 500 });
    for (let i = 0; i < 300 && runsAfter.runs.length === runsBefore.runs.length; i++) {
      await new Promise((r) => setTimeout(r, 200));
      runsAfter = await ok('listRuns', { limit: 500 });
    }
    expect(runsAfter.runs.length).toBe(runsBefore.runs.length + 1);
  });

  it('explains in full what to open when the page has no token; the dot is not green', async () => {
    const p = await context.newPage();
    try {
      await p.setViewportSize({ width: 1280, height: 800 });
      // A fresh tab: no token in the address and none in this tab's sessionStorage.
      await p.goto(`${app.server.url}/`);
      const box = p.getByTestId('load-error');
      await box.waitFor();
      const text = await box.innerText();
      expect(text).toMatch(/not signed in/);
      expect(text).toMatch(/UNAUTHORIZED[\s\S]*\?token=/);
      expect(text).toContain('api-token');
      // Readable: a full panel in the main area, nothing clipped.
      const size = await box.evaluate((el) => ({
        inMain: el.closest('.main') !== null,
        height: el.getBoundingClientRect().height,
        width: el.getBoundingClientRect().width,
        clipped: el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1,
      }));
      expect(size).toMatchObject({ inMain: true, clipped: false });
      expect(size.height).toBeGreaterThan(150);
      expect(size.width).toBeGreaterThan(500);

      const dot = p.getByTestId('engine-dot');
      await p.waitForFunction(
        () =>
          document.querySelector('[data-testid="engine-dot"]')?.getAttribute('data-state') ===
          'denied',
      );
      const colours = await dot.evaluate((el) => {
        const probe = document.createElement('span');
        probe.style.color = 'var(--dot-ok)';
        document.body.append(probe);
        const ok = getComputedStyle(probe).color;
        probe.remove();
        return { dot: getComputedStyle(el).backgroundColor, ok };
      });
      expect(colours.dot).not.toBe(colours.ok);
      expect(await p.getByTestId('engine-status').innerText()).toMatch(/not signed in/);
      await p.screenshot({ path: join(SHOTS, 'shell-no-token-1280x800.png') });
    } finally {
      await p.close();
    }
  });

  it('logs no page errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
