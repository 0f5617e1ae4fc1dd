/**
 * The texts a batch's result frames leave out (resultCodec): the request's price history, two
 * thirds of a result (199 KB of a 303 KB frame at 20 assets × 1,260 days) and the same for every
 * account of a model holding the same assets. A worker writes each text once per batch under
 * `textKey` and frames leave it out; the owner reads it once, checks its SHA-256, and puts it back
 * into every run's input_json, so the stored runs are byte-for-byte what they were. Redis then
 * carries, holds and hands back a third of what it did per result (a 103 KB frame).
 */
import type { Redis } from 'ioredis';
import { sha256Hex } from '../store/hash';
import { BATCH_KEY_TTL_SECONDS, textKey } from './keys';
import { Lru } from '../domain/lru';
import type { LeaveOut } from './resultCodec';

/** Texts shorter than this stay in the frame: a key of their own would cost more than it saves. */
export const MIN_LEFT_OUT_CHARS = 4096;

/** The JSON key whose value a frame may leave out, and how that value ends in canonical JSON. */
const HISTORY_KEY = '"price_history":';
const HISTORY_END = '}},"';

/** What a worker leaves out of one frame, and the text itself (to store once). */
export type LeftOut = LeaveOut & { text: string };

/**
 * A worker's finder of the part of input_json to leave out: the request's price history, found
 * by searching the text (printing the history again to find it cost ≈ 1.6 ms an item). With the
 * request's keys in canonical order the history is `{"dates":[…],"prices":{…}}` and ends at the
 * first `}},"` after its key. An asset whose name holds `}},` ends the part early: the part left
 * out is then shorter and shared less, never wrong — the owner puts back exactly what was left
 * out, whatever it is. The SHA-256 of the last `capacity` texts is remembered (each compared in
 * full before its hash is reused), so a batch's history is hashed once per worker, not per item.
 */
export function historyLeaveOut(capacity = 8) {
  const known = new Lru<string, { text: string; hash: string }>(capacity);
  /**
   * Example: input_json `{"as_of":"…","price_history":{"dates":[…],"prices":{…}},"rebalance_to":…}`
   * → `{start: <index after "price_history":>, length: <up to and with "}}">, hash, text}`; null
   * when there is no such part or it is shorter than MIN_LEFT_OUT_CHARS.
   */
  return (input_json: string): LeftOut | null => {
    const key = input_json.indexOf(HISTORY_KEY);
    if (key < 0) return null;
    const start = key + HISTORY_KEY.length;
    const end = input_json.indexOf(HISTORY_END, start);
    if (end < 0 || end + 2 - start < MIN_LEFT_OUT_CHARS) return null;
    const text = input_json.slice(start, end + 2);
    // Cheap to compute, and collisions only cost a hash: the full comparison below decides.
    const print = `${text.length}:${text.slice(0, 48)}:${text.slice(-48)}`;
    let k = known.get(print);
    if (k === undefined || k.text !== text) {
      k = { text, hash: sha256Hex(text) };
      known.set(print, k);
    }
    return { start, length: text.length, hash: k.hash, text: k.text };
  };
}

/**
 * Makes sure the batch's text is in Redis for the owner, and will stay as long as a result: its
 * expiry is renewed, or, when it is not there (first use, expired, Redis lost it), it is written.
 */
export async function storeText(redis: Redis, batch_id: string, t: LeftOut): Promise<void> {
  const key = textKey(batch_id, t.hash);
  if ((await redis.expire(key, BATCH_KEY_TTL_SECONDS)) === 1) return;
  await redis.set(key, t.text, 'EX', BATCH_KEY_TTL_SECONDS);
}

/** The owner's reader of left-out texts, each read once per batch (a few kept per batch). */
export interface TextReader {
  /**
   * The text named `hash`, or null when Redis does not have it or what it has is not that text
   * (for the item to be computed again, which writes it anew). Throws when Redis is unreachable.
   */
  read(batch_id: string, hash: string): Promise<string | null>;
  /** The hashes read for the batch (their keys are deleted when it is done); forgets them. */
  forget(batch_id: string): string[];
}

/** Texts kept per batch: the universes its accounts hold (most share the model's). */
export const TEXTS_KEPT_PER_BATCH = 16;

/**
 * Example: `const t = textReader(redis, log); await t.read('b_1', h)` → the text (one GET), again
 * from memory; `t.forget('b_1')` → `[h]`.
 */
export function textReader(redis: Redis, log: (msg: string) => void): TextReader {
  const kept = new Map<string, Lru<string, Promise<string | null>>>();
  const seen = new Map<string, Set<string>>();
  const load = async (batch_id: string, hash: string): Promise<string | null> => {
    const text = await redis.get(textKey(batch_id, hash));
    if (text === null) return null;
    if (sha256Hex(text) !== hash) {
      log(`batch ${batch_id}: the stored text ${hash} does not match its name; it is dropped`);
      await redis.del(textKey(batch_id, hash));
      return null;
    }
    return text;
  };
  return {
    async read(batch_id, hash) {
      let lru = kept.get(batch_id);
      if (!lru) kept.set(batch_id, (lru = new Lru(TEXTS_KEPT_PER_BATCH)));
      let p = lru.get(hash);
      if (!p) {
        p = load(batch_id, hash);
        lru.set(hash, p);
        let s = seen.get(batch_id);
        if (!s) seen.set(batch_id, (s = new Set()));
        s.add(hash);
      }
      try {
        const text = await p;
        // Not kept when absent: the item is computed again and its worker writes the text anew.
        if (text === null) lru.delete(hash);
        return text;
      } catch (e) {
        lru.delete(hash);
        throw e;
      }
    },
    forget(batch_id) {
      kept.delete(batch_id);
      const hashes = [...(seen.get(batch_id) ?? [])];
      seen.delete(batch_id);
      return hashes;
    },
  };
}
