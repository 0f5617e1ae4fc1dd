/**
 * The engine without HTTP, and the desktop app's local API as a setting (issue #12, item 2):
 * createEngine opens no socket; the API can be turned off and on while the engine keeps
 * answering (the window's IPC path); the choice and the port are saved; a bad settings file
 * falls back to the defaults and says which field is wrong.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalApiController } from '../../electron/localApi';
import {
  DEFAULT_SETTINGS,
  SETTINGS_FILE,
  loadSettings,
  saveSettings,
} from '../../electron/settings';
import { createEngine, type Engine } from '../../src/server/app';

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'spr-desktop-'));
  cleanups.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}
function engineIn(dir: string): Engine {
  const engine = createEngine({ dataDir: dir, threads: 1 });
  cleanups.push(() => engine.close());
  return engine;
}
const ctx = { actor: 'desktop', transport: 'ipc' as const };

async function runsStatus(url: string, token: string): Promise<number | string> {
  try {
    const base = url.replace(/\/\?token=.*/, '');
    const r = await fetch(`${base}/api/runs`, { headers: { authorization: `Bearer ${token}` } });
    return r.status;
  } catch (e) {
    return ((e as Error).cause as { code?: string } | undefined)?.code ?? 'error';
  }
}

describe('engine without HTTP', () => {
  it('answers through dispatch with no socket open, and closes', async () => {
    const dir = tempDir();
    const engine = engineIn(dir);
    expect(engine).not.toHaveProperty('server');
    const r = await engine.dispatch('health', {}, ctx);
    expect(r.ok).toBe(true);
    expect(fs.existsSync(join(dir, 'api-token'))).toBe(false);
    await engine.close();
    await engine.close(); // idempotent
  });
});

describe('desktop local API setting', () => {
  it('on by default; off closes the socket while the engine keeps working; on again', async () => {
    const dir = tempDir();
    const engine = engineIn(dir);
    const c = new LocalApiController({
      engine,
      dataDir: dir,
      settingsDir: dir,
      settings: loadSettings(dir).settings,
      portOverride: null,
      log: () => undefined,
    });
    cleanups.push(() => c.stop());
    const on = await c.start();
    expect(on.enabled).toBe(true);
    if (!on.enabled) return;
    expect(on.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
    expect(await runsStatus(on.url, on.token)).toBe(200);

    const off = await c.setEnabled(false);
    expect(off).toEqual({ enabled: false });
    expect(await runsStatus(on.url, on.token)).toBe('ECONNREFUSED');
    expect((await engine.dispatch('health', {}, ctx)).ok).toBe(true);
    expect(loadSettings(dir)).toEqual({
      settings: { local_api: { enabled: false, port: 0 } },
      problem: null,
    });
    expect((fs.statSync(join(dir, SETTINGS_FILE)).mode & 0o777).toString(8)).toBe('600');

    const again = await c.setEnabled(true);
    expect(again.enabled).toBe(true);
    if (!again.enabled) return;
    // The same install token: the user's scripts keep working.
    expect(again.token).toBe(on.token);
    expect(await runsStatus(again.url, again.token)).toBe(200);
    expect(await runsStatus(again.url, 'f'.repeat(64))).toBe(401);
  });

  it('starts off when saved off, and on the saved port (or the --port override)', async () => {
    const dir = tempDir();
    const engine = engineIn(dir);
    saveSettings(dir, { local_api: { enabled: false, port: 0 } });
    const off = new LocalApiController({
      engine,
      dataDir: dir,
      settingsDir: dir,
      settings: loadSettings(dir).settings,
      portOverride: null,
      log: () => undefined,
    });
    expect(await off.start()).toEqual({ enabled: false });

    // A free port, then saved as the setting.
    const probe = new LocalApiController({
      engine,
      dataDir: dir,
      settingsDir: dir,
      settings: DEFAULT_SETTINGS,
      portOverride: null,
      log: () => undefined,
    });
    const first = await probe.start();
    if (!first.enabled) throw new Error('expected the API on');
    await probe.stop();
    saveSettings(dir, { local_api: { enabled: true, port: first.port } });
    const fixed = new LocalApiController({
      engine,
      dataDir: dir,
      settingsDir: dir,
      settings: loadSettings(dir).settings,
      portOverride: null,
      log: () => undefined,
    });
    cleanups.push(() => fixed.stop());
    const s = await fixed.start();
    expect(s.enabled && s.port).toBe(first.port);
    await fixed.stop();
    const override = new LocalApiController({
      engine,
      dataDir: dir,
      settingsDir: dir,
      settings: loadSettings(dir).settings,
      portOverride: 0,
      log: () => undefined,
    });
    cleanups.push(() => override.stop());
    const o = await override.start();
    expect(o.enabled).toBe(true);
  });

  it('rotating the token refuses the old one at once, saves the new one, and is audited', async () => {
    const dir = tempDir();
    const engine = engineIn(dir);
    const c = new LocalApiController({
      engine,
      dataDir: dir,
      settingsDir: dir,
      settings: DEFAULT_SETTINGS,
      portOverride: null,
      log: () => undefined,
    });
    cleanups.push(() => c.stop());
    const before = await c.start();
    if (!before.enabled) throw new Error('expected the API on');
    const after = c.rotateToken();
    if (!after.enabled) throw new Error('expected the API on');
    expect(after.token).toMatch(/^[0-9a-f]{64}$/);
    expect(after.token).not.toBe(before.token);
    expect(await runsStatus(before.url, before.token)).toBe(401);
    expect(await runsStatus(after.url, after.token)).toBe(200);
    const file = join(dir, 'api-token');
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(after.token);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    const ev = engine.store.audit.list({}).filter((e) => e.subject === 'local_api.token');
    expect(ev).toHaveLength(1);
    expect(JSON.parse(ev[0]!.payload_json)).toEqual({
      rotated: true,
      token_sha256: createHash('sha256').update(after.token).digest('hex'),
    });
    expect(ev[0]!.payload_json).not.toContain(after.token);
    await c.setEnabled(false);
    const off = engine.store.audit.list({}).filter((e) => e.subject === 'local_api.enabled');
    expect(off.map((e) => JSON.parse(e.payload_json) as unknown)).toEqual([{ enabled: false }]);
    expect(engine.store.audit.verify().ok).toBe(true);
  });

  it('a bad settings file gives the defaults and names each wrong field', () => {
    const dir = tempDir();
    fs.writeFileSync(join(dir, SETTINGS_FILE), '{"local_api":{"enabled":"yes","port":70000}}');
    const r = loadSettings(dir);
    expect(r.settings).toEqual(DEFAULT_SETTINGS);
    expect(r.problem).toContain('local_api.enabled');
    expect(r.problem).toContain('local_api.port');
    fs.writeFileSync(join(dir, SETTINGS_FILE), '{not json');
    expect(loadSettings(dir).problem).toMatch(/not JSON/);
    expect(() => saveSettings(dir, { local_api: { enabled: true, port: -1 } })).toThrow();
  });
});
