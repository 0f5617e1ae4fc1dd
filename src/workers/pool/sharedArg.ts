/**
 * A task argument's part that many tasks repeat — a batch's shared data (policy, model, price
 * library: ≈ 0.5 MB for 20 assets × 1,260 days) — sent to the pool's threads once instead of with
 * every task. Posting it with each of a batch's items cost, per item, ≈ 1.1 ms of structured clone
 * on the owner's thread (the one answering requests) and ≈ 3.2 ms of rebuilding it on the pool
 * thread: a third of an item's compute (bench/batch.bench.ts, docs/scale.md).
 *
 * The owner serializes the value once (v8.serialize) into a SharedArrayBuffer, which postMessage
 * shares instead of copying; each thread deserializes a key once and keeps the few most recent.
 * The value must not change after it is first packed (a batch's shared data never does: it is
 * built from stored versions).
 */
import { deserialize, serialize } from 'node:v8';
import { Lru } from '../../domain/lru';

/** The shared part as posted: its key (unique in this process) and its serialized bytes. */
export interface PackedShared {
  key: string;
  bytes: SharedArrayBuffer;
}

/** Values a thread keeps deserialized (batches computing at once, with room for a few more). */
export const THREAD_SHARED_CAPACITY = 4;

let sequence = 0;
const packed = new WeakMap<object, PackedShared>();

/**
 * The packed form of `value`, serialized on its first call only (the same object gives the same
 * key and bytes). Example: `packShared(shared) === packShared(shared)` → true; a second batch's
 * shared object gets a new key.
 */
export function packShared(value: object): PackedShared {
  const known = packed.get(value);
  if (known) return known;
  const data = serialize(value);
  const bytes = new SharedArrayBuffer(data.length);
  new Uint8Array(bytes).set(data);
  const p: PackedShared = { key: `shared-${++sequence}`, bytes };
  packed.set(value, p);
  return p;
}

/** A thread's store of unpacked values, with a count of deserializations (for tests). */
export interface SharedUnpacker {
  unpack(p: PackedShared): unknown;
  readonly deserialized: number;
}

/**
 * Unpacks on a key's first use and keeps `capacity` values. Example: `const u =
 * sharedUnpacker(); u.unpack(p); u.unpack(p); u.deserialized` → 1.
 */
export function sharedUnpacker(capacity = THREAD_SHARED_CAPACITY): SharedUnpacker {
  const lru = new Lru<string, unknown>(capacity);
  let deserialized = 0;
  return {
    unpack(p) {
      const hit = lru.get(p.key);
      if (hit !== undefined) return hit;
      const value: unknown = deserialize(new Uint8Array(p.bytes));
      deserialized++;
      lru.set(p.key, value);
      return value;
    },
    get deserialized() {
      return deserialized;
    },
  };
}
