/**
 * Packaging (issue #12, item 4) where no Electron binary and no installer tool can run: the
 * electron-builder config names the icons, the targets and the fuse hook; the icons are what
 * their extensions say; and the afterPack hook, run on a file carrying an Electron fuse wire,
 * leaves exactly the fuses we want — read back with @electron/fuses' own reader.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };

interface BuilderConfig {
  icon: string;
  afterPack: string;
  asar: boolean;
  npmRebuild: boolean;
  linux: { icon: string; target: string[] };
  win: { icon: string; target: string[] };
  mac: { icon: string; target: string[] };
}
const config = yaml.load(
  fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8'),
) as BuilderConfig;

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

describe('electron-builder configuration', () => {
  it('builds AppImage and deb, nsis, dmg with the icons, rebuilt natives and the fuse hook', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.npmRebuild).toBe(true);
    expect(config.asar).toBe(true);
    expect(fs.existsSync(path.join(ROOT, config.afterPack))).toBe(true);
    const magic: [string, number[]][] = [
      [config.linux.icon, [0x89, 0x50, 0x4e, 0x47]],
      [config.win.icon, [0, 0, 1, 0]],
      [config.mac.icon, [...Buffer.from('icns')]],
    ];
    for (const [file, head] of magic) {
      const bytes = fs.readFileSync(path.join(ROOT, file));
      expect([...bytes.subarray(0, 4)]).toEqual(head);
    }
    // The PNG is 512×512 (IHDR width and height), the size every platform's icon asks for.
    const png = fs.readFileSync(path.join(ROOT, config.linux.icon));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });
});

describe('afterPack fuses', () => {
  it('flips the fuses of the packaged executable to the wanted state', async () => {
    const hook = require(path.join(ROOT, 'scripts/after-pack.cjs')) as {
      default: (ctx: unknown) => Promise<void>;
      FUSES: Record<number, boolean>;
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spr-fuses-'));
    try {
      // A stand-in for the Linux executable: bytes around a V1 fuse wire of 8 fuses, all enabled.
      const exe = path.join(dir, 'smart-portfolio-rebalancer');
      fs.writeFileSync(
        exe,
        Buffer.concat([
          Buffer.from('ELF…padding…'),
          Buffer.from(SENTINEL, 'ascii'),
          Buffer.from([1, 8]),
          Buffer.from('11111111', 'ascii'),
          Buffer.from('…rest of the binary'),
        ]),
      );
      await hook.default({
        electronPlatformName: 'linux',
        arch: 1,
        appOutDir: dir,
        packager: {
          executableName: 'smart-portfolio-rebalancer',
          appInfo: { productFilename: 'Smart Portfolio Rebalancer' },
        },
      });
      const wire = await getCurrentFuseWire(exe);
      expect(wire.version).toBe(FuseVersion.V1);
      const state = (o: FuseV1Options) => String.fromCharCode(wire[o] as number);
      expect(state(FuseV1Options.RunAsNode)).toBe('0');
      expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe('0');
      expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe('0');
      expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe('1');
      expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe('1');
      expect(state(FuseV1Options.EnableCookieEncryption)).toBe('1');
      // Fuses we do not set keep the binary's own state.
      expect(state(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot)).toBe('1');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
