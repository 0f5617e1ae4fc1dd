/**
 * The Electron main process, built (out/main/index.js), run under Node against a recording fake
 * of the `electron` module. This checks the shell's security settings and its IPC adapter where
 * no Electron binary exists (here and in CI); electron.test.ts drives the real binary when one is
 * installed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RebalanceResponse } from '../../src/contract/rebalance';

/** vi.waitFor's bound here: a loaded 2-core machine can take more than its default 1 s. */
const WAIT = { timeout: 10_000 };
const ROOT = join(import.meta.dirname, '../..');

type Handler = (...a: unknown[]) => unknown;

interface FakeWindow {
  options: {
    webPreferences: Record<string, unknown>;
  };
  url: string | null;
}

// vi.hoisted: the fake must exist before vi.mock's factory runs (mocks are hoisted to the top).
const fake = vi.hoisted(() => {
  const state = {
    userData: '',
    documents: '',
    privileged: [] as unknown[],
    protocol: new Map<string, (req: Request) => Promise<Response>>(),
    ipc: new Map<string, Handler>(),
    appEvents: new Map<string, Handler[]>(),
    windows: [] as FakeWindow[],
    permissionRequest: null as Handler | null,
    permissionCheck: null as Handler | null,
    menu: null as unknown,
    quit: 0,
    exitCodes: [] as number[],
    /** webContents.send calls: [channel, payload]. */
    sent: [] as [string, unknown][],
    /** What the next open / save dialog answers. */
    openAnswer: { canceled: true, filePaths: [] as string[] },
    saveAnswer: { canceled: true, filePath: '' },
    shownInFolder: [] as string[],
    openedPaths: [] as string[],
    messages: [] as { type?: string; message?: string; detail?: string }[],
  };
  const on = (evt: string, fn: Handler) => {
    const list = state.appEvents.get(evt) ?? [];
    list.push(fn);
    state.appEvents.set(evt, list);
  };
  class BrowserWindow {
    webContents = {
      mainFrame: {},
      send: (channel: string, payload: unknown) => state.sent.push([channel, payload]),
    };
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    record: FakeWindow;
    constructor(options: FakeWindow['options']) {
      this.record = { options, url: null };
      state.windows.push(this.record);
    }
    once() {}
    on() {}
    loadURL(url: string) {
      this.record.url = url;
      return Promise.resolve();
    }
    static getAllWindows() {
      return state.windows;
    }
  }
  const electron = {
    app: {
      setPath: (_n: string, p: string) => (state.userData = p),
      requestSingleInstanceLock: () => true,
      on,
      whenReady: () => Promise.resolve(),
      quit: () => state.quit++,
      exit: (c: number) => state.exitCodes.push(c),
      isPackaged: false,
      getVersion: () => '0.0.0-test',
      getAppPath: () => process.cwd(),
      getPath: (name: string) => (name === 'documents' ? state.documents : state.userData),
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => state.privileged.push(...s),
      handle: (scheme: string, fn: (req: Request) => Promise<Response>) =>
        state.protocol.set(scheme, fn),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: Handler) => (state.permissionRequest = fn),
        setPermissionCheckHandler: (fn: Handler) => (state.permissionCheck = fn),
      },
    },
    ipcMain: { handle: (ch: string, fn: Handler) => state.ipc.set(ch, fn) },
    BrowserWindow,
    Menu: {
      buildFromTemplate: (t: unknown) => t,
      setApplicationMenu: (m: unknown) => (state.menu = m),
    },
    dialog: {
      showErrorBox: () => undefined,
      showMessageBox: (...a: unknown[]) => {
        state.messages.push(a[a.length - 1] as (typeof state.messages)[number]);
        return Promise.resolve({ response: 1 });
      },
      showOpenDialog: () => Promise.resolve(state.openAnswer),
      showSaveDialog: () => Promise.resolve(state.saveAnswer),
    },
    shell: {
      showItemInFolder: (p: string) => state.shownInFolder.push(p),
      openPath: (p: string) => {
        state.openedPaths.push(p);
        return Promise.resolve('');
      },
    },
    clipboard: { writeText: () => undefined },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    // No keychain here: the head key falls back to the 0600 key file (SPR_HEAD_KEY_FILE in tests).
    safeStorage: {
      isEncryptionAvailable: () => false,
      encryptString: () => Buffer.alloc(0),
      decryptString: () => '',
    },
  };
  return { state, electron };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const s = fake.state;
const MAIN = join(ROOT, 'out/main/index.js');
let dataDir: string;
let log: ReturnType<typeof vi.spyOn>;

/** Calls the rpc:invoke handler (or another channel's) as if from a frame at `url`. */
function invoke(
  payload: unknown,
  url = 'app://workstation/index.html',
  mainFrame = true,
  channel = 'rpc:invoke',
) {
  const frame = { url };
  const event = { senderFrame: frame, sender: { mainFrame: mainFrame ? frame : {} } };
  const h = s.ipc.get(channel);
  if (!h) throw new Error(`${channel} not registered`);
  return h(event, payload) as Promise<{
    ok: boolean;
    value?: unknown;
    error?: { code: string; details?: { path: string }[] };
  }>;
}

beforeAll(async () => {
  // @ts-expect-error: plain .mjs build script without type declarations
  const { buildIfStale } = (await import('../../scripts/build-if-stale.mjs')) as {
    buildIfStale: () => { built: boolean; ok: boolean };
  };
  if (!buildIfStale().ok || !existsSync(MAIN)) throw new Error('out/main/index.js not built');
  dataDir = mkdtempSync(join(tmpdir(), 'spr-shell-'));
  s.userData = dataDir;
  s.documents = join(dataDir, 'documents');
  log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await import(/* @vite-ignore */ MAIN);
  await vi.waitFor(
    () => {
      if (s.windows.length !== 1) throw new Error('no window yet');
    },
    { timeout: 30_000 },
  );
});

afterAll(async () => {
  // The shell closes the engine on will-quit, then quits again.
  const quitBefore = s.quit;
  let prevented = false;
  for (const fn of s.appEvents.get('will-quit') ?? [])
    fn({ preventDefault: () => (prevented = true) });
  expect(prevented).toBe(true);
  await vi.waitFor(() => {
    if (s.quit === quitBefore) throw new Error('not quit yet');
  }, WAIT);
  log?.mockRestore();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('Electron main process (built bundle, fake electron module)', () => {
  it('opens one window with the secure web preferences and the CommonJS preload', () => {
    const w = s.windows[0]!;
    expect(w.url).toBe('app://workstation/index.html');
    expect(w.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    const preload = w.options.webPreferences.preload as string;
    expect(preload.endsWith(join('out', 'preload', 'index.cjs'))).toBe(true);
    expect(existsSync(preload)).toBe(true);
    expect(readFileSync(preload, 'utf8')).toContain('exposeInMainWorld("desktop"');
    expect(readFileSync(preload, 'utf8')).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\)/);
    expect(s.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
  });

  it('starts the local API and prints the ready line with the token', () => {
    const lines = log.mock.calls.map((c: unknown[]) => String(c[0]));
    const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
    expect(
      lines.some((l: string) =>
        new RegExp(`ready at http://127\\.0\\.0\\.1:\\d+/\\?token=${token}$`).test(l),
      ),
    ).toBe(true);
  });

  it('denies every permission, navigation and new window', () => {
    let granted: boolean | null = null;
    s.permissionRequest?.({}, 'geolocation', (g: boolean) => (granted = g));
    expect(granted).toBe(false);
    expect(s.permissionCheck?.({}, 'media', 'app://workstation', {})).toBe(false);

    const listeners = new Map<string, Handler>();
    let openHandler: Handler | null = null;
    const contents = {
      on: (evt: string, fn: Handler) => listeners.set(evt, fn),
      setWindowOpenHandler: (fn: Handler) => (openHandler = fn),
    };
    for (const fn of s.appEvents.get('web-contents-created') ?? []) fn({}, contents);
    for (const evt of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      listeners.get(evt)?.({ preventDefault: () => (prevented = true) }, 'https://example.com/');
      expect(prevented, evt).toBe(true);
    }
    expect((openHandler as Handler | null)?.({ url: 'https://example.com/' })).toEqual({
      action: 'deny',
    });
  });

  it('serves the built renderer on app://workstation with a strict CSP, nothing outside it', async () => {
    const handle = s.protocol.get('app')!;
    const index = await handle(new Request('app://workstation/index.html'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    const html = await index.text();
    const js = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(js).toBeDefined();
    const script = await handle(new Request(`app://workstation/${js}`));
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    for (const bad of [
      'app://workstation/%2e%2e/%2e%2e/package.json',
      'app://workstation/..%2F..%2Fpackage.json',
      'app://other/index.html',
      'app://workstation/missing.js',
    ]) {
      expect((await handle(new Request(bad))).status, bad).toBe(404);
    }
  });

  it('app:// serves nothing outside the bundle for 200 fuzzed traversal paths', async () => {
    const handle = s.protocol.get('app')!;
    const bundle = join(ROOT, 'out', 'renderer');
    // Every file the bundle holds, by content: a 200 must be one of them.
    const inside = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else inside.add(createHash('sha256').update(readFileSync(p)).digest('hex'));
      }
    };
    walk(bundle);
    const step = fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2E%2E',
      '.%2e',
      '%2e.',
      '..%2f',
      '..%2F',
      '..%5c',
      '..\\',
      '%252e%252e',
      '%c0%ae%c0%ae',
      '%00',
      '',
      'assets',
      'index.html',
      'package.json',
      'etc',
      'passwd',
      'node_modules',
      'src',
      '~',
      '%2f',
      '%5c',
      '..;',
      '....//',
    );
    const target = fc.constantFrom('package.json', 'etc/passwd', 'out/main/index.js', 'README.md');
    const path = fc
      .tuple(fc.array(step, { minLength: 1, maxLength: 8 }), target)
      .map(([steps, t]) => `${steps.join('/')}/${t}`);
    const urls = fc.sample(path, { numRuns: 200, seed: 12 });
    expect(urls).toHaveLength(200);
    for (const p of urls) {
      const res = await handle(new Request(`app://workstation/${p}`));
      if (res.status === 200) {
        const body = Buffer.from(await res.arrayBuffer());
        expect(inside.has(createHash('sha256').update(body).digest('hex')), p).toBe(true);
      } else expect([400, 404], p).toContain(res.status);
    }
  });

  it('the preload exposes exactly window.desktop with five functions, on the four channels', async () => {
    const preload = s.windows[0]!.options.webPreferences.preload as string;
    const exposed = new Map<string, Record<string, unknown>>();
    const sentOn: string[] = [];
    const listeners = new Map<string, (...a: unknown[]) => void>();
    const electron = {
      contextBridge: {
        exposeInMainWorld: (name: string, api: Record<string, unknown>) => exposed.set(name, api),
      },
      ipcRenderer: {
        invoke: (channel: string, payload: unknown) => {
          sentOn.push(channel);
          return Promise.resolve({ channel, payload });
        },
        on: (channel: string, fn: (...a: unknown[]) => void) => listeners.set(channel, fn),
        removeListener: (channel: string) => listeners.delete(channel),
      },
    };
    // The sandboxed preload is CommonJS and may require only 'electron'.
    const required: string[] = [];
    const sandbox = {
      require: (id: string) => {
        required.push(id);
        if (id !== 'electron') throw new Error(`preload requires ${id}`);
        return electron;
      },
      module: { exports: {} },
      exports: {},
    };
    runInNewContext(readFileSync(preload, 'utf8'), sandbox, { filename: preload });
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['desktop']);
    const api = exposed.get('desktop')!;
    expect(Object.keys(api).sort()).toEqual([
      'invoke',
      'onMenuCommand',
      'saveFile',
      'setMenuState',
      'showInFolder',
    ]);
    for (const v of Object.values(api)) expect(typeof v).toBe('function');
    const call = (k: string, ...a: unknown[]) => (api[k] as (...x: unknown[]) => unknown)(...a);
    await call('invoke', 'health', {});
    await call('saveFile', 'a.csv', 'x');
    await call('showInFolder', '/tmp/a.csv');
    await call('setMenuState', { exportRun: true, exportOrders: 'yes' });
    expect(sentOn).toEqual(['rpc:invoke', 'file:save', 'file:show-in-folder', 'menu:state']);
    // Wrong argument types are answered without reaching main.
    expect(await call('invoke', 42, {})).toMatchObject({ ok: false });
    expect(sentOn).toHaveLength(4);
    // A menu command reaches the page without the IPC event (whose sender is ipcRenderer).
    const got: unknown[][] = [];
    const off = call('onMenuCommand', (...a: unknown[]) => got.push(a)) as () => void;
    const [channel] = [...listeners.keys()];
    listeners.get(channel!)!({ sender: electron.ipcRenderer }, { command: 'export-run' });
    expect(got).toEqual([[{ command: 'export-run' }]]);
    off();
    expect(listeners.size).toBe(0);
  });

  it('answers rpc:invoke from the app page with the dispatch Result', async () => {
    const health = await invoke({ op: 'health', input: {} });
    expect(health.ok).toBe(true);
    const scen = (await invoke({ op: 'previewScenarios', input: {} })) as {
      ok: true;
      value: { scenarios: { name: string; request: unknown }[] };
    };
    expect(scen.ok).toBe(true);
    const riskOff = scen.value.scenarios.find((x) => x.name === 'Risk-Off Shock')!;
    const run = await invoke({ op: 'rebalance', input: riskOff.request });
    expect(run.ok).toBe(true);
    expect((run.value as RebalanceResponse).weights).toHaveLength(6);
  });

  it('reports validation problems with their paths over IPC', async () => {
    const bad = await invoke({
      op: 'rebalance',
      input: {
        portfolio_value: 1000,
        assets: [{ asset: 'A', target_weight: 1, current_weight: 1, price: -1 }],
      },
    });
    expect(bad.ok).toBe(false);
    expect(bad.error?.code).toBe('BAD_REQUEST');
    expect(bad.error?.details?.map((d) => d.path)).toContain('assets.0.price');
  });

  it('refuses callers other than the app’s own top frame, and malformed payloads', async () => {
    const foreign = await invoke({ op: 'health', input: {} }, 'https://evil.example/');
    expect(foreign.error?.code).toBe('FORBIDDEN');
    const file = await invoke({ op: 'health', input: {} }, 'file:///etc/passwd');
    expect(file.error?.code).toBe('FORBIDDEN');
    const subframe = await invoke({ op: 'health', input: {} }, 'app://workstation/x', false);
    expect(subframe.error?.code).toBe('FORBIDDEN');
    const noOp = await invoke({ input: {} });
    expect(noOp.error?.code).toBe('BAD_REQUEST');
    const unknown = await invoke({ op: 'dropTables', input: {} });
    expect(unknown.error?.code).toBe('NOT_FOUND');
  });

  it('registers exactly the four page channels, each refusing every caller but the app’s top frame', async () => {
    expect([...s.ipc.keys()].sort()).toEqual([
      'file:save',
      'file:show-in-folder',
      'menu:state',
      'rpc:invoke',
    ]);
    const payloads: Record<string, unknown> = {
      'file:save': { name: 'x.csv', content: 'a' },
      'file:show-in-folder': { path: '/etc/passwd' },
      'menu:state': { exportRun: true, exportOrders: true },
      'rpc:invoke': { op: 'health', input: {} },
    };
    for (const [channel, payload] of Object.entries(payloads)) {
      for (const [url, top] of [
        ['https://evil.example/', true],
        ['file:///etc/passwd', true],
        ['data:text/html,<script>desktop.invoke()</script>', true],
        ['about:blank', true],
        ['app://other/index.html', true],
        ['app://workstation.evil.example/index.html', true],
        ['http://127.0.0.1:5173/', true],
        ['not a url', true],
        ['app://workstation/index.html', false],
      ] as const) {
        const r = await invoke(payload, url, top, channel);
        expect(r.error?.code, `${channel} from ${url} (top frame: ${top})`).toBe('FORBIDDEN');
      }
    }
  });

  /** The File menu of the application menu as last built (the fake returns the template). */
  const fileMenu = () => {
    const template = s.menu as {
      label?: string;
      submenu?: { label?: string; enabled?: boolean; click?: () => void }[];
    }[];
    return template.find((m) => m.label === 'File')!.submenu!;
  };
  const item = (label: string) => fileMenu().find((i) => i.label === label)!;

  it('File menu: the import and export items; exports enabled only while the page shows a run', async () => {
    expect(
      fileMenu()
        .map((i) => i.label)
        .filter(Boolean),
    ).toEqual([
      'Import Portfolio…',
      'Import Prices…',
      'Export Run…',
      'Export Orders…',
      'Local API for Scripts',
      'Copy Local API Address',
    ]);
    expect(item('Export Run…').enabled).toBe(false);
    expect(item('Export Orders…').enabled).toBe(false);
    const on = await invoke(
      { exportRun: true, exportOrders: false },
      undefined,
      true,
      'menu:state',
    );
    expect(on.ok).toBe(true);
    expect(item('Export Run…').enabled).toBe(true);
    expect(item('Export Orders…').enabled).toBe(false);
    const bad = await invoke({ exportRun: 'yes' }, undefined, true, 'menu:state');
    expect(bad.error?.code).toBe('BAD_REQUEST');

    // A click sends the command to the page, which knows the run it shows.
    s.sent.length = 0;
    item('Export Run…').click!();
    expect(s.sent).toEqual([['menu:command', { type: 'export', what: 'run' }]]);
  });

  it('File ▸ Import Portfolio…: the chosen file’s bytes go to the page; a file over the limit is refused with a dialog', async () => {
    const csv = join(ROOT, 'test/fixtures/import/holdings.csv');
    s.sent.length = 0;
    s.openAnswer = { canceled: false, filePaths: [csv] };
    item('Import Portfolio…').click!();
    await vi.waitFor(() => {
      if (s.sent.length === 0) throw new Error('nothing sent yet');
    }, WAIT);
    const [channel, cmd] = s.sent[0]! as [
      string,
      { type: string; kind: string; name: string; bytes: Uint8Array },
    ];
    expect(channel).toBe('menu:command');
    expect(cmd).toMatchObject({ type: 'import', kind: 'portfolio', name: 'holdings.csv' });
    expect(Buffer.from(cmd.bytes).toString('utf8')).toBe(readFileSync(csv, 'utf8'));

    // A JSON file is no price file: refused with a message, nothing sent.
    s.sent.length = 0;
    s.messages.length = 0;
    s.openAnswer = { canceled: false, filePaths: [join(ROOT, 'package.json')] };
    item('Import Prices…').click!();
    await vi.waitFor(() => {
      if (s.messages.length === 0) throw new Error('no dialog yet');
    }, WAIT);
    expect(s.messages[0]).toMatchObject({ type: 'error' });
    expect(s.messages[0]!.message).toContain('package.json cannot be imported as prices');
    expect(s.sent).toEqual([]);
  });

  it('saves an export where the user chose, and shows in its folder only a file it saved', async () => {
    const target = join(dataDir, 'orders-x.csv');
    s.saveAnswer = { canceled: false, filePath: target };
    const saved = await invoke(
      { name: 'orders-x.csv', content: 'a,b\r\n' },
      undefined,
      true,
      'file:save',
    );
    expect(saved).toEqual({ ok: true, value: { saved: true, path: target, name: 'orders-x.csv' } });
    expect(readFileSync(target, 'utf8')).toBe('a,b\r\n');
    const shown = await invoke({ path: target }, undefined, true, 'file:show-in-folder');
    expect(shown.ok).toBe(true);
    expect(s.shownInFolder).toEqual([target]);
    const other = await invoke(
      { path: join(dataDir, 'api-token') },
      undefined,
      true,
      'file:show-in-folder',
    );
    expect(other.error?.code).toBe('FORBIDDEN');
    expect(s.shownInFolder).toEqual([target]);
    const badName = await invoke(
      { name: '../../x.csv', content: '' },
      undefined,
      true,
      'file:save',
    );
    expect(badName.error?.code).toBe('BAD_REQUEST');
    expect(badName.error?.details?.map((d) => d.path)).toContain('name');
  });

  it('Help ▸ Documentation opens the README of the checkout', () => {
    const help = (
      s.menu as { role?: string; submenu?: { label?: string; click?: () => void }[] }[]
    ).find((m) => m.role === 'help')!.submenu!;
    expect(help.map((i) => i.label).filter(Boolean)).toEqual([
      'Documentation',
      'Local API Address and Token…',
      'Rotate Local API Token…',
      'About Smart Portfolio Rebalancer',
    ]);
    help.find((i) => i.label === 'Documentation')!.click!();
    expect(s.openedPaths).toEqual([join(process.cwd(), 'README.md')]);
  });
});
