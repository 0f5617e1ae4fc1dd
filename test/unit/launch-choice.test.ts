/**
 * Binary selection for Node vs Electron (issue #12): which way `npm start` opens the workstation
 * and why it falls back (scripts/launch-choice.mjs), and which better-sqlite3 module the desktop
 * app opens its store with (electron/sqliteBinding.ts). No Electron binary is needed.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { electronSqliteBinding } from '../../electron/sqliteBinding';
// @ts-expect-error: plain .mjs script without type declarations
import { browserModeReason as untyped } from '../../scripts/launch-choice.mjs';

interface Facts {
  args: string[];
  electronBinary: string | null;
  platform: string;
  env: Record<string, string | undefined>;
  mainBuilt: boolean;
  sqliteBuilt: boolean;
  sqliteLoads: () => boolean;
}
const browserModeReason = untyped as (f: Facts) => string | null;

const ready: Facts = {
  args: [],
  electronBinary: '/x/node_modules/electron/dist/electron',
  platform: 'linux',
  env: { DISPLAY: ':0' },
  mainBuilt: true,
  sqliteBuilt: true,
  sqliteLoads: () => true,
};

describe('npm start: desktop app or browser mode', () => {
  it('opens the desktop app when every fact allows it (Wayland, macOS and Windows need no DISPLAY)', () => {
    expect(browserModeReason(ready)).toBeNull();
    expect(browserModeReason({ ...ready, env: { WAYLAND_DISPLAY: 'wayland-0' } })).toBeNull();
    expect(browserModeReason({ ...ready, platform: 'darwin', env: {} })).toBeNull();
    expect(browserModeReason({ ...ready, platform: 'win32', env: {} })).toBeNull();
  });

  it('names the first missing fact, in the order a user fixes them', () => {
    const cases: [Partial<Facts>, RegExp][] = [
      [{ args: ['--browser'] }, /--browser was given/],
      [{ args: ['--queue', 'redis://127.0.0.1:6379'] }, /BullMQ queue .* browser mode/],
      [{ env: { DISPLAY: ':0', SPR_QUEUE: 'redis://127.0.0.1:6379' } }, /BullMQ queue/],
      [{ electronBinary: null }, /no Electron binary is installed/],
      [{ env: {} }, /no display \(DISPLAY\/WAYLAND_DISPLAY unset\)/],
      [{ mainBuilt: false }, /Electron main process is not built/],
      [{ sqliteBuilt: false }, /better-sqlite3 has no Electron build .*npm run setup/],
      [{ sqliteLoads: () => false }, /does not load in this Electron .*rebuild/],
      // several missing: the first in the list above is named
      [{ electronBinary: null, env: {}, mainBuilt: false }, /no Electron binary/],
    ];
    for (const [change, reason] of cases)
      expect(browserModeReason({ ...ready, ...change }), JSON.stringify(change)).toMatch(reason);
  });

  it('starts Electron to probe the module only when everything else allows the desktop app', () => {
    const probe = vi.fn(() => true);
    browserModeReason({ ...ready, electronBinary: null, sqliteLoads: probe });
    browserModeReason({ ...ready, sqliteBuilt: false, sqliteLoads: probe });
    expect(probe).not.toHaveBeenCalled();
    browserModeReason({ ...ready, sqliteLoads: probe });
    expect(probe).toHaveBeenCalledTimes(1);
  });
});

describe('the desktop app’s better-sqlite3 module', () => {
  const appPath = join('/src', 'spr');
  const electronBuild = join(appPath, 'node_modules', '.spr-electron', 'better_sqlite3.node');

  it('from a checkout: the Electron-ABI build beside the Node one', () => {
    const exists = vi.fn((f: string) => f === electronBuild);
    expect(electronSqliteBinding({ isPackaged: false, appPath, exists })).toBe(electronBuild);
    expect(exists).toHaveBeenCalledWith(electronBuild);
  });

  it('from a checkout without it: better-sqlite3’s default (npm start does not get this far)', () => {
    expect(electronSqliteBinding({ isPackaged: false, appPath, exists: () => false })).toBeNull();
  });

  it('packaged: the package’s own module, rebuilt for Electron by electron-builder', () => {
    const exists = vi.fn(() => true);
    expect(electronSqliteBinding({ isPackaged: true, appPath, exists })).toBeNull();
    expect(exists).not.toHaveBeenCalled();
  });
});
