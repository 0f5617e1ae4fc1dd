/**
 * The texts a batch's result frames leave out (resultCodec): the price history, which is two
 * thirds of an item's input_json (≈ 200 KB of a ≈ 317 KB result at 20 assets × 1,260 days) and the
 * same for every account of a model holding the same assets. A worker writes each text once per
 * batch under `textKey` and frames leave it out; the owner reads it once, checks its SHA-256, and
 * puts it back into every run's input_json, so the stored runs are byte-for-byte what they were.
 * Redis then carries, holds and hands back a third of what it did per result.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { canonicalJson } from '../domain/canonical';
import { BATCH_KEY_TTL_SECONDS, textKey } from './keys';
import { Lru } from './lru';
import type { LeaveOut } from './resultCodec';

/** Texts shorter than this stay in the frame: a key of their own would cost more than it saves. */
export const MIN_LEFT_OUT_CHARS = 4096;

/** The JSON key whose value a frame may leave out. */
const HISTORY_KEY = '"price_history":';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What a worker leaves out of one frame, and the text itself (to store once). */
export type LeftOut = LeaveOut & { text: string };

/**
 * A worker's finder of the part of input_json to leave out, remembering the SHA-256 of the last
 * `capacity` texts (a text is hashed once, not once per item).
 */
export function historyLeaveOut(capacity = 32) {
  const hashes = new Lru<string, string>(capacity);
  /**
   * The request's price history as it stands in `input_json` (canonical JSON: the value printed
   * alone is the text printed inside the request), or null when it is short or absent.
   * Example: input_json `{"as_of":"…","price_history":{"dates":[…],…},"…"}` with that history →
   * `{start: <index after "price_history":>, length, hash, text}`.
   */
  return (input_json: string, history: unknown): LeftOut | null => {
    if (history === undefined || history === null) return null;
    const text = canonicalJson(history);
    if (text.length < MIN_LEFT_OUT_CHARS) return null;
    const at = input_json.indexOf(HISTORY_KEY + text);
    if (at < 0) return null;
    let hash = hashes.get(text);
    if (hash === undefined) {
      hash = sha256(text);
      hashes.set(text, hash);
    }
    return { start: at + HISTORY_KEY.length, length: text.length, hash, text };
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
    if (sha256(text) !== hash) {
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
