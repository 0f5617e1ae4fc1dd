/**
 * Bytes in, text out, without Node's Buffer: a pure base64 decoder, BOM-aware text decoding and the
 * SHA-256 content hash. Everything here runs unchanged in Node and Chromium.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

const B64 = new Int16Array(128).fill(-1);
{
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) B64[alphabet.charCodeAt(i)] = i;
  // URL-safe alphabet (RFC 4648 §5) decodes to the same values.
  B64[45] = 62; // '-'
  B64[95] = 63; // '_'
}

/**
 * Decodes base64 (RFC 4648, standard or URL-safe alphabet) to bytes. Whitespace is ignored, `=`
 * padding is optional, and a `data:…;base64,` prefix is skipped. Returns null when the text is not
 * base64 (a character outside the alphabet, padding in the middle, or a length ≡ 1 mod 4).
 *
 * Every 4 characters carry 3 bytes: n characters → ⌊3n/4⌋ bytes.
 * Example: decodeBase64('TWFu') → Uint8Array [77, 97, 110] ("Man").
 */
export function decodeBase64(text: string): Uint8Array | null {
  let start = 0;
  if (text.startsWith('data:')) {
    const comma = text.indexOf(',');
    if (comma < 0 || !text.slice(0, comma).endsWith(';base64')) return null;
    start = comma + 1;
  }
  const n = text.length;
  const out = new Uint8Array(Math.floor(((n - start) * 3) / 4) + 3);
  let acc = 0;
  let bits = 0;
  let o = 0;
  let sextets = 0;
  let padding = 0;
  for (let i = start; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (c === 61) {
      padding++;
      continue;
    }
    const v = c < 128 ? (B64[c] as number) : -1;
    if (v < 0 || padding > 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    sextets++;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if (sextets % 4 === 1 || padding > 2) return null;
  if (padding > 0 && (sextets + padding) % 4 !== 0) return null;
  return out.subarray(0, o);
}

/** Lowercase hex SHA-256 of bytes (FIPS 180-4). Example: sha256Hex(utf8('abc')) = 'ba7816bf…15ad'. */
export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}

/** UTF-8 encoding of a string (the bytes hashed for text content). */
export function utf8(text: string): Uint8Array {
  return utf8ToBytes(text);
}

/** Characters encoded at a time by sha256HexOfText (at most 3 MB of UTF-8 held at once). */
const HASH_CHUNK = 1 << 20;

/**
 * sha256Hex(utf8(text)) without the whole UTF-8 copy: a 50 MB text is encoded and hashed 1 Mi
 * characters at a time. A chunk never ends between the two halves of a surrogate pair, so the
 * bytes are exactly those of utf8(text) (a lone surrogate still becomes U+FFFD, as there).
 */
export function sha256HexOfText(text: string): string {
  const h = sha256.create();
  for (let i = 0; i < text.length;) {
    let end = Math.min(text.length, i + HASH_CHUNK);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    h.update(utf8ToBytes(text.slice(i, end)));
    i = end;
  }
  return bytesToHex(h.digest());
}

interface TextDecoderLike {
  decode(bytes: Uint8Array): string;
}
type TextDecoderCtor = new (label?: string, options?: { fatal?: boolean }) => TextDecoderLike;
// TextDecoder exists in Node and every browser but is not part of the ES library typings.
const TD = (globalThis as unknown as { TextDecoder?: TextDecoderCtor }).TextDecoder;

export interface DecodedText {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
}

/**
 * Bytes → text. A byte-order mark picks UTF-8 / UTF-16; otherwise strict UTF-8 is tried and, if the
 * bytes are not valid UTF-8, Windows-1252 (what Excel on Windows writes for "CSV") is assumed —
 * the caller reports that as a warning. The BOM is removed.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf)
    return { text: decodeWith('utf-8', bytes.subarray(3), false) ?? '', encoding: 'utf-8' };
  if (b0 === 0xff && b1 === 0xfe)
    return { text: decodeWith('utf-16le', bytes.subarray(2), false) ?? '', encoding: 'utf-16le' };
  if (b0 === 0xfe && b1 === 0xff)
    return { text: decodeWith('utf-16be', bytes.subarray(2), false) ?? '', encoding: 'utf-16be' };
  const strict = decodeWith('utf-8', bytes, true);
  if (strict !== null) return { text: strict, encoding: 'utf-8' };
  return { text: windows1252(bytes), encoding: 'windows-1252' };
}

// Windows-1252 differs from Latin-1 only in 0x80–0x9F (WHATWG Encoding index). Decoded here
// because Node's TextDecoder('windows-1252') returns Latin-1 for those bytes (0x80 → U+0080).
const CP1252_80_9F =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function windows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const chunk: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    chunk.push(b >= 0x80 && b <= 0x9f ? CP1252_80_9F.charCodeAt(b - 0x80) : b);
    if (chunk.length === 8192) {
      parts.push(String.fromCharCode(...chunk));
      chunk.length = 0;
    }
  }
  parts.push(String.fromCharCode(...chunk));
  return parts.join('');
}

function decodeWith(label: string, bytes: Uint8Array, fatal: boolean): string | null {
  if (!TD) return label === 'utf-8' ? null : windows1252(bytes);
  try {
    return new TD(label, { fatal }).decode(bytes);
  } catch {
    return null;
  }
}
