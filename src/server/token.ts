import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, tightenFile, writePrivateFile } from '../store/fileModes';

export const TOKEN_FILE = 'api-token';

/**
 * Per-install bearer token: 256 random bits as 64 hex characters in `<dataDir>/api-token`.
 * Created once; later starts reuse it so the user's scripts keep working. The data directory
 * is made (or tightened to) 0700 and the token file 0600, also when an older version left them
 * more open: the token grants the whole API.
 */
export function loadOrCreateToken(dataDir: string): string {
  ensurePrivateDir(dataDir);
  const file = join(dataDir, TOKEN_FILE);
  if (existsSync(file)) {
    tightenFile(file);
    const token = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(token)) return token;
  }
  const token = randomBytes(32).toString('hex');
  writePrivateFile(file, `${token}\n`);
  return token;
}

/**
 * Replaces the install's token with a new random one (written to a temporary file, 0600, then
 * renamed over the old one) and returns it. Scripts holding the old token must be given the new
 * one; the running API refuses the old one from its next request (startLocalApi's rotateToken).
 */
export function rotateToken(dataDir: string): string {
  ensurePrivateDir(dataDir);
  const file = join(dataDir, TOKEN_FILE);
  const token = randomBytes(32).toString('hex');
  const tmp = `${file}.tmp-${process.pid}`;
  writePrivateFile(tmp, `${token}\n`);
  renameSync(tmp, file);
  return token;
}

/**
 * Constant-time comparison. Both sides are hashed first so the comparison time does not depend
 * on where they differ nor on the presented length.
 */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
