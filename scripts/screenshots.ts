/**
 * `npm run screenshots`: PNGs of every main view of the workstation, in the light and the dark
 * theme, at 1280×800, written to docs/screenshots/<view>-<theme>.png.
 *
 * Builds the UI if stale, then for each theme starts the engine in browser mode (in-process,
 * random loopback port) on a fresh temporary data directory, so both themes show the same
 * content, and drives Debian's Chromium (SPR_CHROMIUM overrides) through the tour of
 * test/e2e/tour.ts: the first scenario run and each result tab, an optimizer run, Runs (a run
 * opened, two compared), Import, Portfolios, Audit, Policy and Agents. Deterministic: no
 * animations or transitions, every wait is on a data-testid or a state, never on time.
 * A view that cannot be reached is reported and skipped; the script fails only when the app
 * does not start or no screenshot at all was written.
 *
 *   npm run screenshots              (build if stale, both themes)
 *   npm run screenshots -- --no-build --theme dark
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startApp } from '../src/server/app';
import { CHROMIUM, ROOT } from '../test/e2e/harness';
import { freezeMotion, openApp, shownTheme, type Theme, tour } from '../test/e2e/tour';

const OUT = join(ROOT, 'docs/screenshots');
const VIEWPORT = { width: 1280, height: 800 };
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--hide-scrollbars'];

const args = process.argv.slice(2);
const themeArg = args.includes('--theme') ? args[args.indexOf('--theme') + 1] : undefined;
const themes: Theme[] =
  themeArg === 'light' || themeArg === 'dark' ? [themeArg] : ['light', 'dark'];

if (!args.includes('--no-build')) {
  // @ts-expect-error: plain .mjs build script without type declarations
  const { buildIfStale } = (await import('./build-if-stale.mjs')) as {
    buildIfStale: () => { built: boolean; ok: boolean };
  };
  const b = buildIfStale();
  if (!b.ok) throw new Error('the renderer could not be built (npx electron-vite build)');
  if (b.built) console.log('built the UI');
}
if (!existsSync(join(ROOT, 'out/renderer/index.html'))) {
  throw new Error('out/renderer/index.html is missing: build the UI first (npm run build)');
}
if (!existsSync(CHROMIUM)) {
  throw new Error(`${CHROMIUM} does not exist: install Chromium or set SPR_CHROMIUM`);
}

// Old PNGs of the themes being made are removed, so a view that no longer exists leaves none.
mkdirSync(OUT, { recursive: true });
for (const f of readdirSync(OUT)) {
  if (themes.some((t) => f.endsWith(`-${t}.png`))) rmSync(join(OUT, f));
}

const written: string[] = [];
const warnings: string[] = [];
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  for (const theme of themes) {
    const dataDir = mkdtempSync(join(tmpdir(), 'spr-screenshots-'));
    const app = await startApp({ dataDir, port: 0, staticDir: join(ROOT, 'out/renderer') });
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    try {
      await freezeMotion(context);
      const page = await context.newPage();
      const ws = await openApp(page, app.url, theme);
      const shown = await shownTheme(page);
      if (theme === 'dark' && shown !== 'dark') {
        warnings.push(`dark: <html data-theme> is ${JSON.stringify(shown)}, not "dark"`);
      }
      await tour(ws, {
        warn: (m) => warnings.push(`${theme}: ${m}`),
        visit: async (stop) => {
          const file = join(OUT, `${stop}-${theme}.png`);
          await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
          written.push(file);
          console.log(`wrote ${file.slice(ROOT.length + 1)}`);
        },
      });
    } finally {
      await context.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
} finally {
  await browser.close();
}

for (const w of warnings) console.warn(`warning: ${w}`);
console.log(`${written.length} screenshots in ${OUT.slice(ROOT.length + 1)}`);
if (written.length === 0) process.exitCode = 1;
