import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HEAD_KEY_BYTES, loadOrCreateHeadKeyFile, parseHeadKey } from '../src/store/headKey';
import { PRIVATE_FILE_MODE, tightenFile } from '../src/store/fileModes';

/** The part of Electron's `safeStorage` this module uses (a fake in unit tests). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which secret store backs the encryption. */
  getSelectedStorageBackend?: () => string;
}

/** File (in the userData folder) holding the head key encrypted by safeStorage. */
export const ENCRYPTED_HEAD_KEY_FILE = 'audit-head-key.safestorage';

export interface DesktopHeadKeyOptions {
  safeStorage: SafeStorageLike;
  /** Electron's userData folder (`app.getPath('userData')`). */
  userDataDir: string;
  /** The 0600 key file used when safeStorage cannot protect the key (defaultHeadKeyFile()). */
  fallbackKeyFile: string;
  log: (message: string) => void;
}

/**
 * The desktop app's head key (the key of the audit head file's MAC; see src/store/headFile.ts).
 *
 * Generated once (32 random bytes), encrypted with Electron `safeStorage` — the OS keychain
 * (macOS Keychain, Windows DPAPI, Linux Secret Service / KWallet) — and kept in
 * `<userData>/audit-head-key.safestorage` (0600). Someone who copies or edits the data
 * directory gets only the ciphertext; decrypting it needs the user's logged-in OS session.
 *
 * When safeStorage cannot protect it (`isEncryptionAvailable()` false, or Linux's
 * `basic_text` backend, which encrypts with a fixed, public password), the key comes from the
 * plain 0600 key file `fallbackKeyFile` instead, and the log says so. An encrypted key that no
 * longer decrypts (another OS account, a reset keychain) is an error, not silently replaced:
 * a new key would make the existing head file fail its check.
 */
export function loadOrCreateDesktopHeadKey(opts: DesktopHeadKeyOptions): Buffer {
  const encFile = path.join(opts.userDataDir, ENCRYPTED_HEAD_KEY_FILE);
  const unusable = whySafeStorageUnusable(opts.safeStorage);
  if (unusable !== null) {
    opts.log(
      `audit head key: ${unusable}; using the key file ${opts.fallbackKeyFile} (mode 0600) instead` +
        (fs.existsSync(encFile)
          ? ` — the key encrypted earlier in ${encFile} cannot be used now, so the audit head ` +
            'file will be reported as written with another key'
          : ''),
    );
    return loadOrCreateHeadKeyFile(opts.fallbackKeyFile);
  }
  if (fs.existsSync(encFile)) return readSealedKey(opts.safeStorage, encFile);
  const key = randomBytes(HEAD_KEY_BYTES);
  const sealed = opts.safeStorage.encryptString(key.toString('hex'));
  fs.mkdirSync(opts.userDataDir, { recursive: true });
  try {
    // O_EXCL: never overwrite a key another start wrote in the meantime; read that one instead.
    fs.writeFileSync(encFile, sealed, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      return readSealedKey(opts.safeStorage, encFile);
    }
    throw e;
  }
  tightenFile(encFile);
  opts.log(`audit head key: created, encrypted with the OS keychain, in ${encFile}`);
  return key;
}

function readSealedKey(s: SafeStorageLike, encFile: string): Buffer {
  tightenFile(encFile);
  let text: string;
  try {
    text = s.decryptString(fs.readFileSync(encFile));
  } catch (e) {
    throw new Error(
      `cannot decrypt the audit head key in ${encFile} (${(e as Error).message}); it was ` +
        'encrypted for another OS account or keychain. Restore that keychain, or move the file ' +
        'away to start a new key (verify will then report the head file as written with another key)',
    );
  }
  return parseHeadKey(text, encFile);
}

/** Why safeStorage cannot protect the key, or null when it can. */
function whySafeStorageUnusable(s: SafeStorageLike): string | null {
  if (!s.isEncryptionAvailable()) return 'Electron safeStorage encryption is not available';
  const backend = s.getSelectedStorageBackend?.();
  if (backend === 'basic_text') {
    return "Electron safeStorage uses the 'basic_text' backend (no OS keyring; a fixed password)";
  }
  return null;
}
