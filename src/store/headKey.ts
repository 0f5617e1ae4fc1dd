import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePrivateDir, tightenFile, PRIVATE_FILE_MODE } from './fileModes';

/** Length of a generated head key: 256 bits, the HMAC-SHA256 block-size-safe default. */
export const HEAD_KEY_BYTES = 32;
/** Shortest key createStore accepts (128 bits). */
export const MIN_HEAD_KEY_BYTES = 16;
/** Environment variable that overrides where browser mode keeps its head key. */
export const HEAD_KEY_ENV = 'SPR_HEAD_KEY_FILE';
const APP_DIR = 'smart-portfolio-rebalancer';
const KEY_FILE = 'head.key';
const KEY_RE = /^[0-9a-f]{64}$/;

/**
 * Where browser mode keeps the head key unless told otherwise: `$SPR_HEAD_KEY_FILE`, else the
 * per-user configuration folder — `%APPDATA%\smart-portfolio-rebalancer\head.key` on Windows,
 * `$XDG_CONFIG_HOME/smart-portfolio-rebalancer/head.key` or
 * `~/.config/smart-portfolio-rebalancer/head.key` elsewhere.
 *
 * Why there: the default data directory is `~/.smart-portfolio-rebalancer`, so the key lives
 * in a different folder that a copy, backup or sync of the data directory does not carry
 * along. It is still the same user's home: this separates the key from the database, it does
 * not protect it from that user's own processes (see docs/security.md).
 */
export function defaultHeadKeyFile(
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
  platform: NodeJS.Platform = process.platform,
): string {
  const override = env[HEAD_KEY_ENV];
  if (override !== undefined && override !== '') return path.resolve(override);
  const appData = env.APPDATA;
  if (platform === 'win32' && appData) return path.join(appData, APP_DIR, KEY_FILE);
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.config');
  return path.join(base, APP_DIR, KEY_FILE);
}

/**
 * Reads the head key from `file` (64 hex characters and a newline), creating it with a fresh
 * random key if it does not exist. The file is created 0600 in a directory made 0700 (an
 * existing file is tightened to 0600; an existing directory is left as it is unless this call
 * created it, since it may be a shared folder such as ~/.config). Two processes starting at
 * once end up with the same key. A file that exists but does not hold a
 * key is an error, never silently replaced: replacing it would make every existing head file
 * fail its check.
 *
 * Example: loadOrCreateHeadKeyFile('/tmp/t/head.key') → a 32-byte Buffer; the file holds
 * its hex form, e.g. `3f9c…e1\n`.
 */
export function loadOrCreateHeadKeyFile(file: string): Buffer {
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) ensurePrivateDir(dir);
  if (!fs.existsSync(file)) {
    const key = randomBytes(HEAD_KEY_BYTES);
    // Written whole to a private temp file, then hard-linked into place: link fails with
    // EEXIST if another process got there first, so a reader never sees a half-written key
    // and both processes end up with the same one.
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const fd = fs.openSync(tmp, 'wx', PRIVATE_FILE_MODE);
    try {
      fs.writeSync(fd, `${key.toString('hex')}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      tightenFile(tmp);
      fs.linkSync(tmp, file);
      return key;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  tightenFile(file);
  return parseHeadKey(fs.readFileSync(file, 'utf8'), file);
}

/** The key held by a key file's text; throws naming `file` when it is not 64 hex characters. */
export function parseHeadKey(text: string, file: string): Buffer {
  const hex = text.trim();
  if (!KEY_RE.test(hex)) {
    throw new Error(
      `${file} does not hold a head key (64 lowercase hex characters); ` +
        'restore it from a backup, or move it away to start a new key (the audit head file ' +
        'will then be reported as written with another key)',
    );
  }
  return Buffer.from(hex, 'hex');
}
