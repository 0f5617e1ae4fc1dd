/**
 * The JSON text of long arrays of finite numbers, kept for the next request that holds the same
 * numbers. In a model batch every account's request carries the same price series (the library's
 * closes over the same window); printing them is the largest single cost of storing a run — 20
 * series × 1,260 closes take 1.85 ms of an item's ≈ 11 ms — and printing a double in its shortest
 * round-trip form costs far more than comparing it. A kept text is used only when every number is
 * equal (`===`, so −0 and 0 share a text, as JSON prints both as `0`); anything else prints anew.
 */
import { Lru } from './lru';

/** Arrays shorter than this are printed every time (the comparison would not pay). */
export const MIN_KEPT_LENGTH = 256;

/** Texts kept at once (per thread): the series of a few batches of ≈ 20-asset accounts. */
export const KEPT_TEXTS = 64;

interface Kept {
  values: Float64Array;
  text: string;
}

/** At most KEPT_TEXTS, the most recently used, looked up by length and three sample values. */
const kept = new Lru<string, Kept>(KEPT_TEXTS);

const sampleKey = (a: readonly number[]): string =>
  `${a.length}|${a[0]}|${a[a.length >> 1]}|${a[a.length - 1]}`;

function sameValues(a: readonly number[], values: Float64Array): boolean {
  if (a.length !== values.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== values[i]) return false;
  return true;
}

/**
 * JSON.stringify(a) for an array of finite numbers, from the kept texts when the same numbers were
 * printed lately. Example: `printFiniteNumbers([1, 0.1, -0])` → `'[1,0.1,0]'`; a second call
 * with an equal array of 256 or more numbers returns the kept text without printing.
 */
export function printFiniteNumbers(a: readonly number[]): string {
  if (a.length < MIN_KEPT_LENGTH) return JSON.stringify(a);
  const key = sampleKey(a);
  const hit = kept.get(key);
  if (hit && sameValues(a, hit.values)) return hit.text;
  const text = JSON.stringify(a);
  kept.set(key, { values: Float64Array.from(a), text });
  return text;
}
