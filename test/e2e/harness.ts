/**
 * Shared set-up for the browser-mode end-to-end suites (workstation, runs, optimizer): the
 * production renderer build (out/renderer), the engine in-process (startApp) on a random loopback
 * port with a fresh data directory, and Debian's Chromium driven by playwright-core at 1440×900.
 * Console errors and uncaught page errors are collected so each suite can assert there were none.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { App } from '../../src/server/app';

export const ROOT = join(import.meta.dirname, '../..');
export const CHROMIUM = process.env.SPR_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'test-results');
export const hasChromium = existsSync(CHROMIUM);

/**
 * Says plainly why a suite is skipped when Chromium is missing; a skipped suite alone would not
 * tell the reader what to install. `suite` names it, e.g. "the optimizer UI suite".
 */
export function warnIfNoChromium(suite: string): void {
  if (hasChromium) return;
  console.warn(
    `[e2e] SKIPPED: ${CHROMIUM} does not exist, so ${suite} cannot run. ` +
      'Install Debian’s Chromium (apt-get install -y chromium) or set SPR_CHROMIUM to a Chromium binary.',
  );
}

export interface HarnessOptions {
  /** Prefix of the temporary data directory (default "spr-e2e-"). */
  dataDirPrefix?: string;
  /** Console errors matching this are expected (e.g. a non-2xx fetch provoked on purpose). */
  ignoreConsole?: RegExp;
  /** Let the page download files (default false). */
  acceptDownloads?: boolean;
}

export interface Harness {
  app: App;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  dataDir: string;
  /** Console errors (other than ignored ones) and uncaught page errors, in order. */
  consoleErrors: string[];
  /** Closes context, browser and engine, then removes the data directory. */
  close(): Promise<void>;
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Builds the UI if stale, starts the engine and opens one page (not yet navigated). If any step
 * fails, whatever was already started is closed before the error is rethrown.
 */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  // The global set-up builds the UI; this is a no-op then, and covers running one file alone.
  // @ts-expect-error: plain .mjs build script without type declarations
  const { buildIfStale } = (await import('../../scripts/build-if-stale.mjs')) as {
    buildIfStale: () => { built: boolean; ok: boolean };
  };
  const build = buildIfStale();
  if (!build.ok || !existsSync(join(ROOT, 'out/renderer/index.html'))) {
    throw new Error('the renderer could not be built (npx electron-vite build)');
  }
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), opts.dataDirPrefix ?? 'spr-e2e-'));
  let app: App | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const close = async (): Promise<void> => {
    await context?.close();
    await browser?.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const { startApp } = await import('../../src/server/app');
    app = await startApp({ dataDir, port: 0, staticDir: join(ROOT, 'out/renderer') });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      ...(opts.acceptDownloads ? { acceptDownloads: true } : {}),
    });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const ignore = opts.ignoreConsole;
    page.on('console', (m) => {
      // Chromium logs every non-2xx fetch as a console error.
      if (m.type() === 'error' && !(ignore && ignore.test(m.text()))) consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    return { app, browser, context, page, dataDir, consoleErrors, close };
  } catch (e) {
    await close();
    throw e;
  }
}
