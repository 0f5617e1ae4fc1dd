import fs from 'node:fs';
import path from 'node:path';

/** A point in the audit chain: the last event's seq and hash (seq 0 = empty chain). */
export interface ChainPoint {
  seq: number;
  hash: string;
}

/**
 * The audit head kept outside the database, in `<dir>/audit-head.json`.
 *
 * `committed` is the last event known to be committed. `pending` is set only while a write
 * transaction is between "head written" and "COMMIT returned": the file is written with
 * `pending` before COMMIT and rewritten with `pending: null` after it, so after a crash at any
 * instant the database's last event equals `committed` or `pending` (see docs/methods/store.md).
 */
export interface HeadFile {
  format: 1;
  committed: ChainPoint;
  pending: ChainPoint | null;
}

export const HEAD_FILE_NAME = 'audit-head.json';
const TMP_SUFFIX = '.tmp';

export function headFilePath(dir: string): string {
  return path.join(dir, HEAD_FILE_NAME);
}

const HASH_RE = /^[0-9a-f]{64}$/;

function isPoint(v: unknown): v is ChainPoint {
  if (v === null || typeof v !== 'object') return false;
  const p = v as Record<string, unknown>;
  return (
    typeof p.seq === 'number' &&
    Number.isInteger(p.seq) &&
    p.seq >= 0 &&
    typeof p.hash === 'string' &&
    HASH_RE.test(p.hash)
  );
}

/** Parses head-file text; null when it is not a valid head file. */
export function parseHeadFile(text: string): HeadFile | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (v === null || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (o.format !== 1 || !isPoint(o.committed)) return null;
  if (o.pending !== null && !isPoint(o.pending)) return null;
  return { format: 1, committed: o.committed, pending: o.pending };
}

export type HeadRead =
  { state: 'ok'; head: HeadFile } | { state: 'missing' } | { state: 'invalid'; text: string };

export function readHeadFile(dir: string): HeadRead {
  let text: string;
  try {
    text = fs.readFileSync(headFilePath(dir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    throw e;
  }
  const head = parseHeadFile(text);
  return head ? { state: 'ok', head } : { state: 'invalid', text };
}

/**
 * Atomic replace: write `<file>.tmp`, fsync it, rename over the file. With `syncDir`, also
 * fsync the directory so the rename itself survives power loss (skipped where directories
 * cannot be fsynced, i.e. Windows).
 */
export function writeHeadFile(dir: string, head: HeadFile, syncDir: boolean): void {
  const target = headFilePath(dir);
  const tmp = target + TMP_SUFFIX;
  const fd = fs.openSync(tmp, 'w', 0o644);
  try {
    fs.writeSync(fd, JSON.stringify(head) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, target);
  if (syncDir) fsyncDir(dir);
}

function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Removes a temp file left by a crash during writeHeadFile (it never holds the truth). */
export function removeStaleTemp(dir: string): void {
  fs.rmSync(headFilePath(dir) + TMP_SUFFIX, { force: true });
}
