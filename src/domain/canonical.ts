import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit order, no whitespace, numbers as
 * JavaScript prints them (shortest round-trip form), `undefined` members dropped. Two inputs
 * that mean the same thing hash the same, whatever key order a client used. A non-finite number
 * (which JSON cannot represent; JSON.stringify would silently write null) throws a TypeError
 * naming its path. Used for input hashes, stored runs and audit payloads alike.
 *
 * Example: canonicalJson({b: 1, a: [true, null]}) === '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  try {
    return encode(value);
  } catch (e) {
    if (!(e instanceof NonFinite)) throw e;
    throw new TypeError(`canonicalJson: ${['(root)', ...e.path].join('.')} is not a finite number`);
  }
}

/** Thrown at a non-finite number; each enclosing level prepends its key on the way out. */
class NonFinite extends Error {
  readonly path: string[] = [];
}

function encode(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new NonFinite();
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    // Price series dominate request size: a flat array of finite numbers has no keys to sort,
    // and the native serializer prints numbers exactly as the general path below would.
    if (isFiniteNumberArray(value)) return JSON.stringify(value);
    return `[${value.map((v, i) => (v === undefined ? 'null' : member(v, String(i)))).join(',')}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${member(obj[k], k)}`).join(',')}}`;
}

function member(v: unknown, key: string): string {
  try {
    return encode(v);
  } catch (e) {
    if (e instanceof NonFinite) e.path.unshift(key);
    throw e;
  }
}

function isFiniteNumberArray(a: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) return false;
  }
  return true;
}

/**
 * SHA-256 of a string's UTF-8 bytes, lowercase hex (FIPS 180-4).
 * Example: sha256Hex('abc') === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** A SHA-256 implementation: lowercase hex of the UTF-8 bytes of `text`. */
export type Sha256Hex = (text: string) => string;

/**
 * Hash identifying an input: SHA-256 of its canonical JSON. Adapters may pass a native
 * SHA-256 (Node's is about 10× faster on multi-megabyte price histories); the result is the same.
 */
export function inputHash(value: unknown, hash: Sha256Hex = sha256Hex): string {
  return hash(canonicalJson(value));
}
