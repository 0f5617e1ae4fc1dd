import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ENCRYPTED_HEAD_KEY_FILE,
  loadOrCreateDesktopHeadKey,
  type SafeStorageLike,
} from '../../electron/headKey';

/**
 * electron/headKey.ts in plain Node, with a fake safeStorage: "encryption" is XOR with the
 * keychain's secret byte behind a header naming that keychain, so the file never holds the key
 * in clear, and another keychain cannot decrypt it (Electron throws in that case too).
 */
function fakeSafeStorage(secret: number, opts: { available?: boolean; backend?: string } = {}) {
  const calls = { encrypt: 0, decrypt: 0 };
  const header = Buffer.from(`SEAL${secret}:`);
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ secret));
  const s: SafeStorageLike = {
    isEncryptionAvailable: () => opts.available ?? true,
    encryptString(text) {
      calls.encrypt++;
      return Buffer.concat([header, xor(Buffer.from(text, 'utf8'))]);
    },
    decryptString(buf) {
      calls.decrypt++;
      if (!buf.subarray(0, header.length).equals(header)) {
        throw new Error('Error while decrypting the ciphertext provided to safeStorage');
      }
      return xor(buf.subarray(header.length)).toString('utf8');
    },
    ...(opts.backend !== undefined ? { getSelectedStorageBackend: () => opts.backend! } : {}),
  };
  return { s, calls };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'electron-head-key-'));
  dirs.push(d);
  return d;
}

function setup(storage: SafeStorageLike) {
  const root = temp();
  const userDataDir = path.join(root, 'userData');
  const fallbackKeyFile = path.join(root, 'config', 'head.key');
  const log: string[] = [];
  const load = (s: SafeStorageLike = storage) =>
    loadOrCreateDesktopHeadKey({
      safeStorage: s,
      userDataDir,
      fallbackKeyFile,
      log: (m) => log.push(m),
    });
  return { userDataDir, fallbackKeyFile, log, load };
}

describe('desktop head key (Electron safeStorage)', () => {
  it('generates a key once, stores it only encrypted (0600), and decrypts it at the next start', () => {
    const { s, calls } = fakeSafeStorage(0x5a);
    const { userDataDir, fallbackKeyFile, log, load } = setup(s);
    const first = load();
    const second = load();
    expect(first).toHaveLength(32);
    expect(second.equals(first)).toBe(true);
    expect(calls).toEqual({ encrypt: 1, decrypt: 1 });
    const file = path.join(userDataDir, ENCRYPTED_HEAD_KEY_FILE);
    const onDisk = fs.readFileSync(file);
    expect(onDisk.includes(Buffer.from(first.toString('hex')))).toBe(false);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(fallbackKeyFile)).toBe(false);
    expect(log).toEqual([expect.stringMatching(/created, encrypted with the OS keychain/)]);
  });

  it('falls back to the 0600 key file when encryption is unavailable, and logs it', () => {
    const { s, calls } = fakeSafeStorage(0x5a, { available: false });
    const { fallbackKeyFile, log, load } = setup(s);
    const key = load();
    expect(calls).toEqual({ encrypt: 0, decrypt: 0 });
    expect(fs.readFileSync(fallbackKeyFile, 'utf8')).toBe(`${key.toString('hex')}\n`);
    expect(load().equals(key)).toBe(true);
    expect(log[0]).toMatch(
      /safeStorage encryption is not available; using the key file .*head\.key/,
    );
  });

  it("treats Linux's basic_text backend as unavailable (a fixed password protects nothing)", () => {
    const { s, calls } = fakeSafeStorage(0x5a, { backend: 'basic_text' });
    const { fallbackKeyFile, log, load } = setup(s);
    load();
    expect(calls.encrypt).toBe(0);
    expect(fs.existsSync(fallbackKeyFile)).toBe(true);
    expect(log[0]).toMatch(/basic_text/);
  });

  it('says so when a key sealed earlier cannot be used because encryption went away', () => {
    const { s } = fakeSafeStorage(0x5a);
    const { log, load } = setup(s);
    const sealed = load();
    const fallback = load(fakeSafeStorage(0x5a, { available: false }).s);
    expect(fallback.equals(sealed)).toBe(false);
    expect(log.at(-1)).toMatch(/cannot be used now.*written with another key/);
  });

  it('a key sealed for another keychain is an error, and the file is kept', () => {
    const { s } = fakeSafeStorage(0x5a);
    const { userDataDir, load } = setup(s);
    load();
    const file = path.join(userDataDir, ENCRYPTED_HEAD_KEY_FILE);
    const before = fs.readFileSync(file);
    expect(() => load(fakeSafeStorage(0x33).s)).toThrow(/cannot decrypt the audit head key/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
