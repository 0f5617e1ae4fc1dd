import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { printFiniteNumbers } from './printedSeries';

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit order, no whitespace, numbers as
 * JavaScript prints them (shortest round-trip form), `undefined` members dropped. Two inputs
 * that mean the same thing hash the same, whatever key order a client used. A non-finite number
 * (which JSON cannot represent; JSON.stringify would silently write null) throws a TypeError
 * naming its path. Used for stored runs and audit payloads, and as the skeleton of the input
 * hash (see `inputHash`).
 *
 * Example: canonicalJson({b: 1, a: [true, null]}) === '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return encodeRoot(value, null);
}

/**
 * Offered every array first: returns the text to write in its place, or null to write the
 * array as canonical JSON. Without a writer (canonical JSON itself) arrays of finite numbers go
 * to the native serializer.
 */
type ArrayWriter = ((a: readonly unknown[]) => string | null) | null;

function encodeRoot(value: unknown, arrays: ArrayWriter): string {
  try {
    return encode(value, arrays);
  } catch (e) {
    if (!(e instanceof NonFinite)) throw e;
    // Rare: walk again to name the place (the fast path keeps no path).
    const path = nonFinitePath(value) ?? [];
    throw new TypeError(`canonicalJson: ${['(root)', ...path].join('.')} is not a finite number`);
  }
}

/** Thrown at a non-finite number; encodeRoot then finds where it is. */
class NonFinite extends Error {}

/**
 * One pass, appending to a string (V8 joins the pieces once): the stored output of a run is a few
 * thousand small objects, where building an array per object and joining it cost 2.5 ms of the
 * 7 ms a small rebalance takes on a pool thread.
 */
function encode(value: unknown, arrays: ArrayWriter): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new NonFinite();
      // Number::toString, which JSON.stringify uses for a finite number (−0 prints as 0).
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      // undefined, a function or a symbol: what JSON.stringify writes in an array (null);
      // a bigint throws its TypeError.
      return JSON.stringify(value) ?? 'null';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (arrays) {
      const text = arrays(value);
      if (text !== null) return text;
    } else if (isFiniteNumberArray(value)) {
      // Price series dominate request size: a flat array of finite numbers has no keys to sort,
      // and the native serializer prints numbers exactly as the general path below would (the
      // text of a long one is kept for the next request holding the same series).
      return printFiniteNumbers(value as number[]);
    }
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const v: unknown = value[i];
      out += v === undefined ? 'null' : encode(v, arrays);
    }
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${quoted(k)}:${encode(v, arrays)}`;
    first = false;
  }
  return out + '}';
}

/**
 * A key as a JSON string. The same few hundred field names recur in every run; their quoted form
 * is kept (at most 4,096 of them, so asset names used as keys cannot grow it without bound).
 */
const QUOTED = new Map<string, string>();
function quoted(k: string): string {
  let q = QUOTED.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (QUOTED.size < 4096) QUOTED.set(k, q);
  }
  return q;
}

/** The keys down to the first non-finite number in canonical order, or null when none. */
function nonFinitePath(value: unknown): string[] | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : [];
  if (value === null || typeof value !== 'object') return null;
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.keys(value)
        .sort()
        .map((k) => [k, (value as Record<string, unknown>)[k]]);
  for (const [k, v] of entries) {
    const below = nonFinitePath(v);
    if (below) return [k, ...below];
  }
  return null;
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

/**
 * A SHA-256 implementation over a sequence of parts: lowercase hex of SHA-256 of the
 * concatenation of the parts, strings taken as their UTF-8 bytes. Only the concatenation counts,
 * so ['ab', 'c'] and ['abc'] hash alike; callers frame their data themselves.
 * Example: hash(['a', Uint8Array.of(0x62, 0x63)]) === sha256Hex('abc').
 */
export type Sha256Parts = (parts: readonly (string | Uint8Array)[]) => string;

/**
 * Pure-JS `Sha256Parts` (@noble/hashes, incremental). Adapters may pass a native one instead
 * (src/store/hash.ts, node:crypto, several times faster on the ~10 MB of a large request); both
 * give the same hex.
 */
export const sha256Parts: Sha256Parts = (parts) => {
  const h = sha256.create();
  for (const p of parts) h.update(typeof p === 'string' ? utf8ToBytes(p) : p);
  return bytesToHex(h.digest());
};

/** First bytes of every v2 input-hash stream (18 ASCII bytes, ending in a line feed). */
export const INPUT_HASH_V2_TAG = 'spr-input-hash/v2\n';

/**
 * Stands in the skeleton for a packed number array. `#` is no JSON token, and canonical JSON
 * writes every string (so every user-supplied `#`) inside quotes: a bare `#` can only be this.
 */
export const NUMBER_ARRAY_PLACEHOLDER = '#';

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * One packed array (a block of the v2 input-hash stream): u64 little-endian element count n,
 * then the n values as IEEE-754 float64 little-endian, −0 written as +0 (canonical JSON prints
 * −0 as 0, so both treat them as one value). 8·(n + 1) bytes, every field 8-byte aligned.
 * Returns null, having written nothing that matters, as soon as an element is not a finite
 * number: checking and packing are one pass over a price series.
 * `nativeOrder` (default: whether this machine is little-endian) writes through a Float64Array;
 * false writes each value through a DataView, the big-endian path (the bytes are the same).
 * Example: [1, -0] → 02 00 00 00 00 00 00 00 | 00 00 00 00 00 00 f0 3f | 00 × 8;
 *          [1, 'a'] → null.
 */
export function packNumberArray(
  a: readonly unknown[],
  nativeOrder = LITTLE_ENDIAN,
): Uint8Array | null {
  const n = a.length;
  // Most arrays that are not series (of objects, of dates) fail here, before any allocation.
  if (n > 0 && typeof a[0] !== 'number') return null;
  const buf = new ArrayBuffer(8 * (n + 1));
  const view = new DataView(buf);
  // The high 32 bits stay zero: a JavaScript array has fewer than 2^32 elements.
  view.setUint32(0, n, true);
  if (nativeOrder) {
    // Native byte order is the wire order: a typed-array store per element, no byte shuffling.
    const f = new Float64Array(buf, 8, n);
    for (let i = 0; i < n; i++) {
      const x = a[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) return null;
      f[i] = x === 0 ? 0 : x;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const x = a[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) return null;
      view.setFloat64(8 * (i + 1), x === 0 ? 0 : x, true);
    }
  }
  return new Uint8Array(buf);
}

/**
 * The byte stream behind `inputHash`, as parts (strings are UTF-8). Format v2:
 *
 *   stream   = "spr-input-hash/v2\n"                         18 ASCII bytes (the version tag)
 *            ‖ UTF-8(skeleton) ‖ "\n"
 *            ‖ block_1 ‖ … ‖ block_k                          one per `#`, in skeleton order
 *   skeleton = canonical JSON of the value in which every non-empty array whose elements are
 *              all finite numbers is written as the bare placeholder `#`
 *   block_j  = u64le(n) ‖ f64le(x_1) ‖ … ‖ f64le(x_n)         −0 written as +0
 *
 * "Skeleton order" is canonical order (keys sorted), so the stream ignores the client's key
 * order. Every such array is packed, whatever its length: the rule has no tuning constant to
 * freeze into stored hashes, and packing costs the same per number for short arrays. Empty
 * arrays stay `[]` (nothing to pack; an empty array has no element type). Arrays of arrays of
 * numbers become `[#,#,…]`.
 *
 * The stream decodes uniquely: the tag has fixed length; the skeleton ends at the first line
 * feed (canonical JSON never contains a raw one: strings escape control characters and no
 * whitespace is written); a bare `#` outside string literals marks a block, in order; and each
 * block carries its length. Two values with different canonical JSON therefore give different
 * streams, and values with equal canonical JSON equal streams (shortest round-trip printing
 * and float64 bytes distinguish exactly the same numbers, once −0 is folded into 0).
 *
 * Example: {b: 'x', a: [1.5, -0]} → "spr-input-hash/v2\n" ‖ '{"a":#,"b":"x"}' ‖ "\n"
 *          ‖ 02 00 00 00 00 00 00 00 ‖ 00 00 00 00 00 00 f8 3f ‖ 00 00 00 00 00 00 00 00
 */
export function inputHashParts(value: unknown): (string | Uint8Array)[] {
  const blocks: Uint8Array[] = [];
  const skeleton = encodeRoot(value, (a) => {
    // Empty arrays and arrays holding anything but finite numbers are written as JSON (which
    // also reports a non-finite number with its path).
    const block = a.length === 0 ? null : packNumberArray(a);
    if (block === null) return null;
    blocks.push(block);
    return NUMBER_ARRAY_PLACEHOLDER;
  });
  return [`${INPUT_HASH_V2_TAG}${skeleton}\n`, ...blocks];
}

/**
 * Hash identifying an input (`metadata.input_hash`, format v2): lowercase hex SHA-256 of the
 * byte stream of `inputHashParts` (tag, canonical-JSON skeleton, float64 blocks). Price series
 * are hashed as 8 bytes per number instead of being printed as ~18 characters each, so a
 * 1,000-asset × 1,261-day request hashes ~10 MB of bytes instead of ~25 MB of text.
 * A non-finite number throws a TypeError naming its path, as canonicalJson does. Adapters may
 * pass a native SHA-256; the result is the same. Test vector: docs/methods.md ("Metadata"),
 * checked by test/reference/input_hash_reference.py.
 */
export function inputHash(value: unknown, hash: Sha256Parts = sha256Parts): string {
  return hash(inputHashParts(value));
}
