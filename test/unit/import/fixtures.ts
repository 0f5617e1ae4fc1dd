import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** Reads a file under test/fixtures as text (UTF-8, line endings untouched). */
export function fixtureText(rel: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/${rel}`, import.meta.url)), 'utf8');
}

/** Reads a file under test/fixtures as bytes. */
export function fixtureBytes(rel: string): Uint8Array {
  return new Uint8Array(
    readFileSync(fileURLToPath(new URL(`../../fixtures/${rel}`, import.meta.url))),
  );
}

/** Independent SHA-256 (node:crypto / OpenSSL), to check the pure @noble/hashes path. */
export function opensslSha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** True when every number reachable from v is finite (no NaN / ±Infinity anywhere). */
export function allFinite(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(allFinite);
  if (v !== null && typeof v === 'object') return Object.values(v).every(allFinite);
  return true;
}
