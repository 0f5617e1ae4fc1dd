/**
 * End-to-end: the Audit view's verification (browser mode, Debian's Chromium driven by
 * playwright-core, production build, engine in-process on a random loopback port). Two runs are
 * made through the API; Verify reports the chain intact with the runs checked; the head is
 * exported (a download) and checked back; then the app is closed, one run's stored output is
 * edited in the database file (as test/integration/store/chain-binding.test.ts does) and, after a
 * restart on the same data directory, the problems table names that run.
 *
 * Its own lifecycle rather than startHarness: the engine is restarted on the same data directory
 * with the same head key, which the harness (one engine, directory removed on close) does not do.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpOutput } from '../../src/contract/operations';
import type { App } from '../../src/server/app';
import { DB_FILE_NAME } from '../../src/store';
import { CHROMIUM, hasChromium, ROOT, SHOTS, warnIfNoChromium } from './harness';
import { Workstation } from './pages';

warnIfNoChromium('the audit UI suite');

const ctx = { actor: 'test', transport: 'inprocess' as const };

describe.skipIf(!hasChromium)('audit verification in the UI (Chromium)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'spr-e2e-audit-'));
  const headKey = randomBytes(32);
  let app: App | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let ws: Workstation;
  const consoleErrors: string[] = [];
  const runIds: string[] = [];
  let exported: OpOutput<'exportAuditHead'>;
  let exportedText = '';

  const start = async (): Promise<App> => {
    const { startApp } = await import('../../src/server/app');
    return startApp({ dataDir, port: 0, staticDir: join(ROOT, 'out/renderer'), headKey });
  };

  const ok = async <T>(op: string, input: unknown): Promise<T> => {
    const r = await app!.dispatch(op as never, input, ctx);
    if (!r.ok) throw new Error(`${op} failed: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };

  /** Opens the app in a fresh page and goes to the Audit view, its events loaded. */
  const openAudit = async (): Promise<void> => {
    await context?.close();
    context = await browser!.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    ws = new Workstation(page);
    await page.goto(app!.url);
    await ws.ready();
    await ws.openView('audit');
    await ws.waitAttr('audit-view', 'data-state', 'ready');
  };

  /** Clicks `testId` and waits for a new finished verification; returns its result element. */
  const verifyBy = async (testId: string) => {
    const result = ws.id('audit-verify-result');
    const before = (await result.count()) ? Number(await result.getAttribute('data-seq')) : 0;
    await ws.id(testId).click();
    await page.waitForFunction((n) => {
      const el = document.querySelector('[data-testid="audit-verify-result"]');
      return el?.getAttribute('data-state') === 'done' && Number(el.getAttribute('data-seq')) > n;
    }, before);
    return result;
  };

  const noHorizontalOverflow = async () =>
    page.evaluate(() => {
      const d = document.documentElement;
      const m = document.querySelector('[data-testid="main-audit"]');
      return d.scrollWidth <= d.clientWidth && (!m || m.scrollWidth <= m.clientWidth);
    });

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'out/renderer/index.html'))) {
      throw new Error('the renderer is not built (npx electron-vite build)');
    }
    app = await start();
    const scen = await ok<OpOutput<'previewScenarios'>>('previewScenarios', {});
    for (const s of scen.scenarios.slice(0, 2)) {
      const r = await ok<{ run_id?: string }>('rebalance', s.request);
      if (!r.run_id) throw new Error('the rebalance saved no run');
      runIds.push(r.run_id);
    }
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    await openAudit();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('verifies an intact chain: ok, events and runs checked, head keyed, no problems', async () => {
    const v = await verifyBy('audit-verify');
    expect(await v.getAttribute('data-ok')).toBe('true');
    expect(await v.getAttribute('data-known-head')).toBe('');
    const engine = await ok<OpOutput<'verifyAudit'>>('verifyAudit', {});
    expect(engine.runs_checked).toBeGreaterThanOrEqual(1);
    expect(await v.innerText()).toContain(`${engine.events} events verified`);
    expect(await ws.id('audit-verify-events').innerText()).toContain(String(engine.events));
    expect(await ws.id('audit-verify-runs').innerText()).toMatch(/Runs checked\s*2/i);
    expect(await ws.id('audit-verify-keyed').innerText()).toMatch(/keyed: its signature/i);
    expect(await ws.id('audit-problems').count()).toBe(0);
    expect(await noHorizontalOverflow()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'audit-verify-ok.png') });
  });

  it('exports the head as audit-head-<seq>-<date>.json, the engine’s own answer', async () => {
    const [dl] = (await Promise.all([
      page.waitForEvent('download'),
      ws.id('audit-export-head').click(),
    ])) as [Download, void];
    exportedText = readFileSync(await dl.path(), 'utf8');
    exported = JSON.parse(exportedText) as OpOutput<'exportAuditHead'>;
    const engine = await ok<OpOutput<'exportAuditHead'>>('exportAuditHead', {});
    expect(exported.format).toBe('spr-audit-head-export/1');
    expect(exported.seq).toBe(engine.seq);
    expect(exported.hash).toBe(engine.hash);
    expect(exported.mac).toBe(engine.mac);
    expect(exported.mac).toMatch(/^[0-9a-f]{64}$/);
    expect(dl.suggestedFilename()).toBe(
      `audit-head-${engine.seq}-${exported.exported_at.slice(0, 10)}.json`,
    );
    expect(await ws.id('audit-export-result').getAttribute('data-seq')).toBe(String(engine.seq));
  });

  it('checks the chain against the exported file: ok, the head still held', async () => {
    await ws.id('audit-head-file').setInputFiles({
      name: 'audit-head.json',
      mimeType: 'application/json',
      buffer: Buffer.from(exportedText),
    });
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="audit-head-text"]') as HTMLTextAreaElement | null)
          ?.value !== '',
    );
    const v = await verifyBy('audit-head-check');
    await ws.waitAttr('audit-verify-result', 'data-known-head', String(exported.seq));
    expect(await v.getAttribute('data-ok')).toBe('true');
    expect(await ws.id('audit-verify-known').innerText()).toMatch(
      new RegExp(`seq ${exported.seq}: still held by the chain`),
    );
  });

  it('refuses text that is not an exported head, in plain words, without calling verify', async () => {
    await ws.id('audit-head-text').fill('{"seq": "x"}');
    await ws.id('audit-head-check').click();
    const err = ws.id('audit-head-error');
    await err.waitFor();
    expect(await err.innerText()).toMatch(/not an exported audit head/i);
    expect(await err.innerText()).toMatch(/seq/);
    // The previous result stays on screen.
    expect(await ws.id('audit-verify-result').getAttribute('data-ok')).toBe('true');
  });

  it('after a run’s stored output is edited, lists a run_mismatch naming the run', async () => {
    await context?.close();
    context = undefined;
    await app?.close();
    app = undefined;
    const target = runIds[0]!;
    const db = new Database(join(dataDir, DB_FILE_NAME));
    try {
      const triggers = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .pluck()
        .all() as string[];
      for (const t of triggers) db.exec(`DROP TRIGGER "${t}"`);
      db.prepare(`UPDATE runs SET output_json = '{"trades":[1]}' WHERE run_id = ?`).run(target);
    } finally {
      db.close();
    }
    app = await start();
    await openAudit();

    const v = await verifyBy('audit-verify');
    expect(await v.getAttribute('data-ok')).toBe('false');
    expect(await v.getAttribute('data-problems-total')).toBe('1');
    const rows = ws.id('audit-problem');
    expect(await rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.getAttribute('data-kind')).toBe('run_mismatch');
    expect(await row.getAttribute('data-run-id')).toBe(target);
    const text = await row.innerText();
    expect(text).toContain('run differs from its audit record');
    expect(text).toContain(target);
    expect(await row.getByTestId('audit-problem-fields').innerText()).toBe('output_json');
    expect(await row.getByTestId('audit-problem-message').innerText()).toMatch(
      /differs from its run\.created event/,
    );
    expect(await ws.id('audit-problems-more').count()).toBe(0);
    expect(await noHorizontalOverflow()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'audit-verify-problems.png') });

    // The exported head is still held (only a run was edited, not the chain): the check against
    // it lists the same run problem and no known_head problem.
    await ws.id('audit-head-text').fill(exportedText);
    const k = await verifyBy('audit-head-check');
    await ws.waitAttr('audit-verify-result', 'data-known-head', String(exported.seq));
    expect(await k.getAttribute('data-ok')).toBe('false');
    expect(
      await ws.page.locator('[data-testid="audit-problem"][data-kind="known_head"]').count(),
    ).toBe(0);
  });

  it('reports a known_head problem for a head the chain does not hold', async () => {
    const later = { ...exported, seq: exported.seq + 5, mac: null };
    await ws.id('audit-head-text').fill(JSON.stringify(later));
    await verifyBy('audit-head-check');
    await ws.waitAttr('audit-verify-result', 'data-known-head', String(later.seq));
    const row = page.locator('[data-testid="audit-problem"][data-kind="known_head"]');
    await row.waitFor();
    expect(await row.getAttribute('data-seq')).toBe(String(later.seq));
    expect(await row.innerText()).toContain('exported head no longer in the chain');
    expect(await ws.id('audit-verify-known').innerText()).toMatch(/NOT held by the chain/);
  });

  it('logs no page errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
