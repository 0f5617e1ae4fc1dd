/**
 * The Electron main process, built (out/main/index.js), run under Node against a recording fake
 * of the `electron` module. This checks the shell's security settings and its IPC adapter where
 * no Electron binary exists (here and in CI); electron.test.ts drives the real binary when one is
 * installed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RebalanceResponse } from '../../src/contract/rebalance';

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
  };
  const on = (evt: string, fn: Handler) => {
    const list = state.appEvents.get(evt) ?? [];
    list.push(fn);
    state.appEvents.set(evt, list);
  };
  class BrowserWindow {
    webContents = { mainFrame: {} };
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
      getPath: () => state.userData,
      requestSingleInstanceLock: () => true,
      on,
      whenReady: () => Promise.resolve(),
      quit: () => state.quit++,
      exit: (c: number) => state.exitCodes.push(c),
      isPackaged: false,
      getVersion: () => '0.0.0-test',
      getAppPath: () => process.cwd(),
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
    dialog: { showErrorBox: () => undefined, showMessageBox: () => Promise.resolve() },
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

/** Calls the rpc:invoke handler as if from a frame at `url`. */
function invoke(payload: unknown, url = 'app://workstation/index.html', mainFrame = true) {
  const frame = { url };
  const event = { senderFrame: frame, sender: { mainFrame: mainFrame ? frame : {} } };
  const h = s.ipc.get('rpc:invoke');
  if (!h) throw new Error('rpc:invoke not registered');
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
  });
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
});
