/**
 * The renderer's side of the desktop File menu, in Chromium with a stand-in for the preload
 * (no Electron binary here): `window.desktop` forwards engine calls to the in-process engine and
 * file calls to the shell's real DesktopFiles (electron/files.ts) with scripted dialogs. Checked:
 * File ▸ Import hands the chosen file to the Import view (the drop path), File ▸ Export and the
 * Export buttons save through the shell, Show in folder reveals only what was saved, and the
 * page keeps the export items' enabled state up to date.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { writeFile, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DesktopFiles } from '../../electron/files';
import type { MenuCommand, MenuState } from '../../src/contract/desktop';
import type { App } from '../../src/server/app';
import { type Harness, hasChromium, ROOT, SHOTS, startHarness, warnIfNoChromium } from './harness';
import { Workstation } from './pages';

warnIfNoChromium('the desktop menu suite');

const IMPORTS = join(ROOT, 'test/fixtures/import');
const ctx = { actor: 'test', transport: 'inprocess' as const };

describe.skipIf(!hasChromium)(
  'desktop File menu and exports in the page (Chromium, stand-in preload)',
  () => {
    let harness: Harness | undefined;
    let app: App;
    let page: Page;
    let ws: Workstation;
    let exportsDir: string;
    let nextOpen: string[] = [];
    const shown: string[] = [];
    let files: DesktopFiles;
    let runId = '';

    const ok = async <T>(op: string, input: unknown): Promise<T> => {
      const r = await app.dispatch(op as never, input, ctx);
      if (!r.ok) throw new Error(`${op} failed: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    };

    /** A File menu command, as main's webContents.send delivers it (bytes as a Uint8Array). */
    const send = (cmd: MenuCommand) =>
      page.evaluate(
        (c) => {
          const w = window as unknown as { __menuListener: ((c: unknown) => void) | null };
          const bytes = 'bytes' in c ? new Uint8Array(c.bytes as number[]) : undefined;
          w.__menuListener?.(bytes ? { ...c, bytes } : c);
        },
        'bytes' in cmd ? { ...cmd, bytes: Array.from(cmd.bytes) } : cmd,
      );
    const menuStates = () =>
      page.evaluate(() => (window as unknown as { __menuStates: MenuState[] }).__menuStates);
    const lastMenuState = async () => (await menuStates()).at(-1);
    const importFromMenu = async (kind: 'portfolio' | 'prices', file: string) => {
      nextOpen = [file];
      const cmd = await files.openForImport(kind);
      if (!cmd) throw new Error('the shell refused the file');
      await send(cmd);
    };

    beforeAll(async () => {
      harness = await startHarness({ dataDirPrefix: 'spr-e2e-desktop-' });
      ({ app, page } = harness);
      exportsDir = join(harness.dataDir, 'exports');
      mkdirSync(exportsDir, { recursive: true });
      // The shell's own file logic; only the dialogs are scripted: the open dialog answers the
      // next file queued, the save dialog accepts the suggested name in exportsDir.
      files = new DesktopFiles({
        showOpenDialog: async () => ({ canceled: false, filePaths: nextOpen }),
        showSaveDialog: async (o) => ({
          canceled: false,
          filePath: join(exportsDir, basename(o.defaultPath ?? 'x')),
        }),
        fileSize: async (p) => (await stat(p)).size,
        readFile: async (p) => new Uint8Array(await readFile(p)),
        writeFile: (p, c) => writeFile(p, c, 'utf8'),
        showItemInFolder: (p) => void shown.push(p),
        showError: (m, d) => {
          throw new Error(`${m}: ${d}`);
        },
        defaultDir: () => exportsDir,
      });
      await page.exposeFunction('__engine', (op: string, input: unknown) =>
        app.dispatch(op as never, input, { actor: 'desktop', transport: 'ipc' }),
      );
      await page.exposeFunction('__save', (name: string, content: string) =>
        files.save({ name, content }),
      );
      await page.exposeFunction('__show', (path: string) => files.showInFolder({ path }));
      await page.addInitScript(() => {
        const w = window as unknown as Record<string, unknown> & {
          __engine: (op: string, input: unknown) => Promise<unknown>;
          __save: (n: string, c: string) => Promise<unknown>;
          __show: (p: string) => Promise<unknown>;
        };
        const states: unknown[] = [];
        w.__menuStates = states;
        w.__menuListener = null;
        w.desktop = {
          invoke: (op: string, input: unknown) => w.__engine(op, input),
          saveFile: (name: string, content: string) => w.__save(name, content),
          showInFolder: (path: string) => w.__show(path),
          setMenuState: async (s: unknown) => {
            states.push(s);
            return { ok: true, value: s };
          },
          onMenuCommand: (l: (c: unknown) => void) => {
            w.__menuListener = l;
            return () => {
              if (w.__menuListener === l) w.__menuListener = null;
            };
          },
        };
      });
      ws = new Workstation(page);
      // No token: the page can only reach the engine through the bridge.
      await page.goto(`${app.server.url}/`);
      await ws.ready();
    });

    afterAll(async () => {
      expect(harness?.consoleErrors ?? []).toEqual([]);
      await harness?.close();
    });

    it('reports the export items’ state: off with no run, on once a saved run is shown', async () => {
      expect(await ws.id('transport').innerText()).toContain('IPC');
      expect(await lastMenuState()).toEqual({ exportRun: false, exportOrders: false });
      await ws.pick('Risk-Off Shock');
      await ws.runOk();
      runId = await ws.id('run-meta-id').innerText();
      await page.waitForFunction(() => {
        const s = (window as unknown as { __menuStates: MenuState[] }).__menuStates.at(-1);
        return s?.exportRun === true && s.exportOrders === true;
      });
      await ws.view('import');
      await page.waitForFunction(
        () =>
          (window as unknown as { __menuStates: MenuState[] }).__menuStates.at(-1)?.exportRun ===
          false,
      );
    });

    it('File ▸ Export with no run shown says so, in a notice', async () => {
      await send({ type: 'export', what: 'run' });
      await ws.waitAttr('export-notice', 'data-state', 'no-run');
      expect(await ws.id('export-notice').innerText()).toContain('No run is shown to export');
      await page.screenshot({ path: join(SHOTS, 'desktop-export-no-run.png') });
      await ws.id('export-dismiss').click();
      expect(await ws.id('export-notice').count()).toBe(0);
    });

    it('File ▸ Import Portfolio… opens the Import view with the chosen file, as a drop does', async () => {
      await ws.view('workstation');
      await importFromMenu('portfolio', join(IMPORTS, 'holdings.csv'));
      await ws.id('main-import').waitFor();
      const note = ws.id('import-dropped');
      expect(await note.getAttribute('data-via')).toBe('menu');
      expect(await note.innerText()).toBe('Opened with File ▸ Import: holdings.csv');
      expect(await ws.id('import-kind-portfolio').getAttribute('aria-checked')).toBe('true');
      const state = await ws.afterSeq('import-view', () => ws.id('import-button').click());
      expect(state).toBe('ok');
      expect(await ws.id('import-outcome').innerText()).toContain('“holdings.csv”');

      // Import Prices… switches the view to a price import.
      await importFromMenu('prices', join(IMPORTS, 'prices_long.csv'));
      await ws.waitAttr('import-kind-prices', 'aria-checked', 'true');
      expect(await ws.id('import-dropped').innerText()).toContain('prices_long.csv');
      expect(await ws.id('import-file').getAttribute('accept')).toBe('.csv,.txt,.tsv,.xlsx,.xlsm');
    });

    it('File ▸ Export Orders… saves the open run’s order file through the shell; Show in folder reveals it', async () => {
      await ws.view('runs');
      await ws.runsReady();
      await ws.runRow(runId).click();
      await ws.waitAttr('run-detail', 'data-state', 'ready');
      await page.waitForFunction(
        () =>
          (window as unknown as { __menuStates: MenuState[] }).__menuStates.at(-1)?.exportOrders ===
          true,
      );
      await send({ type: 'export', what: 'orders' });
      await ws.waitAttr('export-notice', 'data-state', 'saved');
      const notice = ws.id('run-detail').getByTestId('export-notice');
      const path = join(exportsDir, `orders-${runId}.csv`);
      expect(await notice.getByTestId('export-path').innerText()).toBe(path);
      expect(readFileSync(path, 'utf8')).toBe(await ok<string>('runTradesCsv', { run_id: runId }));
      await page.screenshot({ path: join(SHOTS, 'desktop-export-notice.png') });
      await notice.getByTestId('export-show-in-folder').click();
      await expect.poll(() => shown).toEqual([path]);
      expect(await ws.id('export-folder-error').count()).toBe(0);
    });

    it('the Export Run button saves the stored run JSON, as the API returns it', async () => {
      await ws.id('run-export-run').click();
      await ws.waitAttr('export-notice', 'data-what', 'run');
      await ws.waitAttr('export-notice', 'data-state', 'saved');
      const path = join(exportsDir, `run-${runId}.json`);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(await ok('getRun', { run_id: runId }));
    });

    it('the page cannot have the shell reveal a path it did not save', async () => {
      const r = await page.evaluate(() =>
        (
          window as unknown as { desktop: { showInFolder(p: string): Promise<unknown> } }
        ).desktop.showInFolder('/etc/passwd'),
      );
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(shown).toHaveLength(1);
    });
  },
);
