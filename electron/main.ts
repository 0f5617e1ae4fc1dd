/**
 * Electron main process: a thin shell around the same engine browser mode runs.
 *
 * - starts the engine (`createEngine`, the composition root shared with browser mode) and, when
 *   the setting is on (the default), the local HTTP API for scripts on the saved loopback port,
 *   printing the same "ready at http://127.0.0.1:PORT/?token=…" line; File ▸ Local API for
 *   Scripts turns it on or off (electron/localApi.ts, electron/settings.ts);
 * - serves the built renderer from a privileged `app://workstation` scheme with a strict CSP;
 * - answers the renderer over IPC (electron/channels.ts), every channel behind the same
 *   sender-frame check (electron/ipc.ts): `rpc:invoke` for the engine, and the file channels of
 *   the File menu's exports (electron/files.ts: save dialog, show in folder) and its state;
 * - builds the application menu (electron/menu.ts): File ▸ Import Portfolio…/Prices… (open
 *   dialog, the file handed to the page's Import view), Export Run…/Orders… (the page makes the
 *   content, the shell saves it), the local API items, Help ▸ Documentation (electron/docs.ts);
 * - locks the window down: context isolation, sandbox, no Node, no navigation, no new windows,
 *   every permission denied.
 */
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
} from 'electron';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zodDetails, type Result } from '../src/contract/common';
import { MenuState as MenuStateRequest, type MenuCommand } from '../src/contract/desktop';
import type { ImportKind } from '../src/contract/importFiles';
import { createEngine, type Engine } from '../src/server/app';
import { MIME } from '../src/server/http/static';
import { defaultHeadKeyFile } from '../src/store/headKey';
import { electronSqliteBinding } from './sqliteBinding';
import { parseDesktopArgs } from './args';
import { CHANNELS } from './channels';
import { openDocs } from './docs';
import { DesktopFiles } from './files';
import { loadOrCreateDesktopHeadKey } from './headKey';
import { guarded, rpcHandler } from './ipc';
import { LocalApiController } from './localApi';
import { menuTemplate } from './menu';
import { loadSettings } from './settings';
import { restoreWindowState, saveWindowState } from './windowState';

const SCHEME = 'app';
const HOST = 'workstation';
const START_URL = `${SCHEME}://${HOST}/index.html`;
const TITLE = 'Smart Portfolio Rebalancer';

// Built layout (electron.vite.config.ts): out/main/index.js, out/preload/index.cjs, out/renderer/.
const RENDERER_DIR = resolve(fileURLToPath(new URL('../renderer/', import.meta.url)));
const PRELOAD = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));

// The renderer talks to the engine over IPC only, so it needs no network at all.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// Must run before `ready`: `standard` gives the scheme a real origin (so 'self' in the CSP means
// app://workstation), `secure` makes it a secure context.
protocol.registerSchemesAsPrivileged([
  { scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

let engine: Engine | null = null;
let localApi: LocalApiController | null = null;
let mainWindow: BrowserWindow | null = null;
/** What the page last said about File ▸ Export (menu:state); nothing until it says so. */
let exportState = { exportRun: false, exportOrders: false };

const showError = (message: string, detail: string) =>
  void dialog.showMessageBox({ type: 'error', title: TITLE, message, detail });

const files = new DesktopFiles({
  showOpenDialog: (o) =>
    mainWindow ? dialog.showOpenDialog(mainWindow, o) : dialog.showOpenDialog(o),
  showSaveDialog: (o) =>
    mainWindow ? dialog.showSaveDialog(mainWindow, o) : dialog.showSaveDialog(o),
  fileSize: async (p) => (await stat(p)).size,
  readFile: async (p) => new Uint8Array(await readFile(p)),
  writeFile: (p, content) => writeFile(p, content, 'utf8'),
  showItemInFolder: (p) => shell.showItemInFolder(p),
  showError,
  defaultDir: () => app.getPath('documents'),
});

function fail(message: string): never {
  console.error(`error: ${message}`);
  dialog.showErrorBox(TITLE, message);
  app.exit(1);
  throw new Error(message);
}

let args: ReturnType<typeof parseDesktopArgs>;
try {
  args = parseDesktopArgs(process.argv.slice(1));
} catch (e) {
  console.error(
    `error: ${(e as Error).message}\nusage: smart-portfolio-rebalancer [--port N] [--data-dir DIR]`,
  );
  app.exit(2);
  throw e;
}
// The data directory is the profile: the single-instance lock is per user-data directory, so
// two installs (or two test runs) with different --data-dir do not block each other.
if (args.dataDir) app.setPath('userData', resolve(args.dataDir));

function sqliteBinding(): string | null {
  return electronSqliteBinding({
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    exists: existsSync,
  });
}

function isAppUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    return u.protocol === `${SCHEME}:` && u.host === HOST;
  } catch {
    return false;
  }
}

/** Serves out/renderer/ under app://workstation/, refusing anything outside it. */
function registerAppProtocol(): void {
  protocol.handle(SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== HOST) return new Response('not found', { status: 404 });
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return new Response('bad path', { status: 400 });
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = resolve(RENDERER_DIR, `.${rel}`);
    if (!file.startsWith(RENDERER_DIR + sep)) return new Response('not found', { status: 404 });
    try {
      if (!(await stat(file)).isFile()) return new Response('not found', { status: 404 });
      const body = await readFile(file);
      return new Response(body, {
        status: 200,
        headers: {
          'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
          'Content-Security-Policy': CSP,
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'no-store',
        },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}

/** Every channel the page may call, each behind the sender-frame check (electron/ipc.ts). */
function registerIpc(dispatch: Engine['dispatch']): void {
  const handle = (
    channel: string,
    fn: (payload: unknown) => Result<unknown> | Promise<Result<unknown>>,
  ) => ipcMain.handle(channel, guarded(isAppUrl, fn));
  handle(CHANNELS.rpc, rpcHandler(dispatch));
  handle(CHANNELS.save, (payload) => files.save(payload));
  handle(CHANNELS.showInFolder, (payload) => files.showInFolder(payload));
  handle(CHANNELS.menuState, (payload) => {
    const parsed = MenuStateRequest.safeParse(payload);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'BAD_REQUEST',
          message: 'expected {exportRun, exportOrders}',
          details: zodDetails(parsed.error),
        },
      };
    }
    const changed =
      parsed.data.exportRun !== exportState.exportRun ||
      parsed.data.exportOrders !== exportState.exportOrders;
    exportState = parsed.data;
    if (changed) buildMenu();
    return { ok: true, value: exportState };
  });
}

/** A File menu command for the page (its Import view, or an export of the run it shows). */
function sendToPage(cmd: MenuCommand): void {
  const win = mainWindow;
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.webContents.send(CHANNELS.menuCommand, cmd);
}

async function importFromMenu(kind: ImportKind): Promise<void> {
  const cmd = await files.openForImport(kind);
  if (cmd) sendToPage(cmd);
}

function lockDownContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    // The workstation is a single page: any navigation is refused, and so is every new window.
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
    callback(false),
  );
  session.defaultSession.setPermissionCheckHandler(() => false);
}

function createWindow(): BrowserWindow {
  const userData = app.getPath('userData');
  const saved = restoreWindowState(
    userData,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...(saved
      ? { x: saved.x, y: saved.y, width: saved.width, height: saved.height }
      : { width: 1440, height: 900 }),
    minWidth: 1024,
    minHeight: 640,
    title: TITLE,
    show: false,
    backgroundColor: '#f3f4f6',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click (auxclick) could open links outside the navigation guards (electronegativity
      // AUXCLICK_JS_CHECK): the workstation has no use for it.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => {
    if (saved?.maximized) win.maximize();
    win.show();
  });
  // Size and position remembered for the next start (window-state.json in the data directory).
  win.on('close', () =>
    saveWindowState(userData, { ...win.getNormalBounds(), maximized: win.isMaximized() }),
  );
  win.on('closed', () => {
    if (mainWindow !== win) return;
    mainWindow = null;
    // No page, no run shown: the export items wait for the next window to say otherwise.
    exportState = { exportRun: false, exportOrders: false };
    buildMenu();
  });
  void win.loadURL(START_URL);
  return win;
}

function buildMenu(): void {
  const api = localApi?.status() ?? { enabled: false as const };
  const about = () =>
    void dialog.showMessageBox({
      type: 'info',
      title: TITLE,
      message: `${TITLE} ${app.getVersion()}`,
      detail: `Data directory: ${app.getPath('userData')}\nLocal API: ${api.enabled ? api.url.replace(/\?token=.*/, '') : 'off'} (token in the data directory, file api-token)`,
    });
  const showApi = () =>
    void dialog.showMessageBox({
      type: 'info',
      title: 'Local API for scripts',
      message: api.enabled
        ? `Listening on ${api.url.replace(/\/\?token=.*/, '')}`
        : 'The local API is off.',
      detail: api.enabled
        ? `Bearer token: ${api.token}\nExamples: docs/api.md. Turn it off in File ▸ Local API for Scripts.`
        : 'Turn it on in File ▸ Local API for Scripts; the workstation itself does not need it.',
    });
  const rotate = () =>
    void dialog
      .showMessageBox({
        type: 'warning',
        title: 'Rotate the local API token',
        message: 'Replace the local API token?',
        detail: 'Scripts using the current token are refused from their next request.',
        buttons: ['Rotate', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
      })
      .then(({ response }) => {
        if (response !== 0 || !localApi) return;
        localApi.rotateToken();
        buildMenu();
        showApi();
      });
  const toggleApi = (on: boolean) => {
    if (!localApi) return;
    void localApi.setEnabled(on).then(
      () => buildMenu(),
      (e: unknown) =>
        dialog.showErrorBox(TITLE, `Local API: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  const template = menuTemplate(
    {
      title: TITLE,
      isMac: process.platform === 'darwin',
      isPackaged: app.isPackaged,
      apiEnabled: api.enabled,
      ...exportState,
    },
    {
      importFile: (kind) => void importFromMenu(kind),
      exportRun: () => sendToPage({ type: 'export', what: 'run' }),
      exportOrders: () => sendToPage({ type: 'export', what: 'orders' }),
      setApiEnabled: toggleApi,
      copyApiAddress: () => {
        if (api.enabled) clipboard.writeText(api.url);
      },
      openDocs: () =>
        void openDocs({
          isPackaged: app.isPackaged,
          resourcesPath: process.resourcesPath,
          appPath: app.getAppPath(),
          exists: existsSync,
          openPath: (p) => shell.openPath(p),
          showError,
        }),
      showApi,
      rotateToken: rotate,
      about,
    },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function onReady(): Promise<void> {
  lockDownContents();
  registerAppProtocol();
  const dataDir = app.getPath('userData');
  try {
    // The audit head's MAC key, sealed by the OS keychain (safeStorage needs app 'ready').
    const headKey = loadOrCreateDesktopHeadKey({
      safeStorage,
      userDataDir: dataDir,
      fallbackKeyFile: defaultHeadKeyFile(),
      log: (m) => console.error(m),
    });
    engine = createEngine({
      dataDir,
      headKey,
      log: (m) => console.error(m),
      ...(sqliteBinding() ? { sqliteBinding: sqliteBinding() as string } : {}),
    });
  } catch (e) {
    fail(`the engine could not start: ${e instanceof Error ? e.message : String(e)}`);
  }
  const loaded = loadSettings(dataDir);
  if (loaded.problem) console.error(`settings ignored, defaults used: ${loaded.problem}`);
  localApi = new LocalApiController({
    engine,
    dataDir,
    settingsDir: dataDir,
    settings: loaded.settings,
    portOverride: args.port,
    staticDir: RENDERER_DIR,
    log: (m) => console.error(m),
  });
  try {
    const api = await localApi.start();
    console.log(
      api.enabled
        ? `${TITLE} (desktop) ready at ${api.url}`
        : `${TITLE} (desktop) ready; local API off (File ▸ Local API for Scripts)`,
    );
  } catch (e) {
    // The workstation works without the API (IPC): say why it is off instead of quitting.
    console.error(`local API not started: ${e instanceof Error ? e.message : String(e)}`);
  }
  console.log(`data directory: ${dataDir}`);
  registerIpc(engine.dispatch);
  buildMenu();
  mainWindow = createWindow();
}

if (!app.requestSingleInstanceLock()) {
  console.error(`${TITLE} is already running with this data directory; focusing it.`);
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (engine && BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
  let closed = false;
  app.on('will-quit', (e) => {
    // Close the local API, then the engine (pool, store) before the process ends.
    if (!engine || closed) return;
    e.preventDefault();
    closed = true;
    const eng = engine;
    void (localApi?.stop() ?? Promise.resolve()).then(() => eng.close()).finally(() => app.quit());
  });
  app.whenReady().then(onReady, (e: unknown) => fail(String(e)));
}
