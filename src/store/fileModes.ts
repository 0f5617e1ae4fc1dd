import fs from 'node:fs';

/**
 * Owner-only file modes for everything the store keeps on disk (database, WAL, SHM, head file,
 * head key, backups, evidence, API token).
 *
 * Why explicit chmod after create: the `mode` given to open/mkdir is masked by the process
 * umask (bits can only be removed), and it is ignored for a file or directory that already
 * exists — a data directory made 0755 by an older version would stay 0755. chmod states the
 * mode exactly, so an existing one is tightened too. Windows has no POSIX modes (Node maps
 * chmod to the read-only flag only), so these are no-ops there; its per-user profile ACLs are
 * what protect the files.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const POSIX = process.platform !== 'win32';

/** Creates `dir` (and missing parents) and sets the leaf to 0700, even if it existed. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (POSIX) fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Sets an existing file to 0600; a missing file is skipped (e.g. a WAL not created yet). */
export function tightenFile(file: string): void {
  if (!POSIX) return;
  try {
    fs.chmodSync(file, PRIVATE_FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/**
 * Makes sure `file` exists with mode 0600 without changing its content: created empty (0600
 * from the first instant, so no other user can open it in between) or tightened if present.
 * SQLite then creates `-wal`/`-shm` with the database file's mode.
 */
export function ensurePrivateFile(file: string): void {
  const fd = fs.openSync(file, 'a', PRIVATE_FILE_MODE);
  fs.closeSync(fd);
  tightenFile(file);
}

/** Writes `data` to a new or existing file and leaves it 0600. */
export function writePrivateFile(file: string, data: string | Buffer): void {
  fs.writeFileSync(file, data, { mode: PRIVATE_FILE_MODE });
  tightenFile(file);
}
