import { randomBytes } from 'node:crypto';

/** Crockford base32 (no I, L, O, U): sorts the same as the numbers it encodes. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const MAX_TIME = 2 ** 48 - 1;

/**
 * Encodes a millisecond Unix time as the 10-character ULID time prefix (48 bits, big-endian,
 * 5 bits a character). Example from the ULID spec: 1469918176385 → '01ARYZ6S41'.
 */
export function encodeUlidTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_TIME) {
    throw new RangeError(`ULID time must be an integer in [0, 2^48): ${ms}`);
  }
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET.charAt(t % 32) + out;
    t = Math.floor(t / 32);
  }
  return out;
}

/** Inverse of encodeUlidTime on the first 10 characters of a ULID. */
export function decodeUlidTime(id: string): number {
  let t = 0;
  for (let i = 0; i < 10; i++) {
    const v = ALPHABET.indexOf(id.charAt(i));
    if (v < 0) throw new RangeError(`not a ULID: ${id}`);
    t = t * 32 + v;
  }
  return t;
}

export const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * Monotonic ULID generator (https://github.com/ulid/spec): 26 characters = 48-bit ms time +
 * 80 random bits from node:crypto. Within one millisecond (or if the clock steps back) the
 * random part of the previous id is incremented by one, so ids from one generator are strictly
 * increasing as strings. Lexicographic order = creation order.
 */
export class UlidGenerator {
  private lastTime = -1;
  /** The 80-bit random part as 16 base-32 digits (values 0..31). */
  private readonly digits = new Uint8Array(16);

  next(nowMs: number): string {
    if (nowMs > this.lastTime) {
      this.lastTime = nowMs;
      const bytes = randomBytes(10);
      // 80 bits → 16 groups of 5 bits, most significant first.
      let acc = 0;
      let bits = 0;
      let k = 0;
      for (let i = 0; i < 10; i++) {
        acc = (acc << 8) | (bytes[i] ?? 0);
        bits += 8;
        while (bits >= 5) {
          bits -= 5;
          this.digits[k++] = (acc >> bits) & 31;
        }
        acc &= (1 << bits) - 1;
      }
    } else {
      // Same millisecond (or clock went back): increment, keeping the previous time.
      let i = 15;
      while (i >= 0 && this.digits[i] === 31) this.digits[i--] = 0;
      if (i < 0) {
        // 2^80 ids in one millisecond cannot happen; move to the next millisecond instead.
        this.lastTime += 1;
      } else {
        this.digits[i] = (this.digits[i] ?? 0) + 1;
      }
    }
    let out = encodeUlidTime(this.lastTime);
    for (let i = 0; i < 16; i++) out += ALPHABET.charAt(this.digits[i] ?? 0);
    return out;
  }
}
