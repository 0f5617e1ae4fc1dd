/**
 * The pool's shared-part packing (src/workers/pool/sharedArg.ts): an object is serialized once
 * however many tasks carry it, a thread deserializes each key once, and what it gets back equals
 * what was packed — with the values a batch's shared data holds (NaN-free numbers, -0, long
 * arrays, nested records, null).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { poolTask } from '../../src/workers/pool/pool';
import { packShared, sharedUnpacker } from '../../src/workers/pool/sharedArg';
import { benchBatch } from '../../bench/batch-queue.bench';

describe('pool shared parts', () => {
  it('packs an object once: the same object gives the same key and bytes, another a new key', () => {
    const { shared } = benchBatch('b_pack', 2);
    const a = packShared(shared);
    expect(packShared(shared)).toBe(a);
    expect(a.bytes).toBeInstanceOf(SharedArrayBuffer);
    const other = packShared({ ...shared });
    expect(other.key).not.toBe(a.key);
  });

  it("a batch item's task leaves its shared data out, packed once for every item of the batch", () => {
    const { shared, jobs } = benchBatch('b_task', 3);
    const tasks = jobs.map((job) => poolTask('batchItem', { job, shared }));
    for (const [i, t] of tasks.entries()) {
      expect(t.arg).toEqual({ job: jobs[i] });
      expect(t.shared).toBe(packShared(shared));
    }
    const run = { input: {}, policy: null };
    expect(poolTask('run', run as never)).toEqual({ op: 'run', arg: run });
  });

  it('a thread unpacks a key once and gets back an equal value (a batch of 20 × 1,260 closes)', () => {
    const { shared } = benchBatch('b_unpack', 2);
    const p = packShared(shared);
    const u = sharedUnpacker();
    const first = u.unpack(p);
    expect(first).toEqual(shared);
    expect(first).not.toBe(shared);
    expect(u.unpack(p)).toBe(first);
    expect(u.deserialized).toBe(1);
  });

  it('keeps the most recent keys: one evicted is deserialized again', () => {
    const u = sharedUnpacker(2);
    const [a, b, c] = [{ n: 1 }, { n: 2 }, { n: 3 }].map(packShared) as [
      ReturnType<typeof packShared>,
      ReturnType<typeof packShared>,
      ReturnType<typeof packShared>,
    ];
    u.unpack(a);
    u.unpack(b);
    u.unpack(a);
    u.unpack(c); // evicts b, the least recently used
    expect(u.deserialized).toBe(3);
    u.unpack(a);
    expect(u.deserialized).toBe(3);
    expect(u.unpack(b)).toEqual({ n: 2 });
    expect(u.deserialized).toBe(4);
  });

  it('round-trips any JSON-like value exactly (property)', () => {
    // Plain objects, as JSON.parse makes them (fast-check may otherwise give a null prototype).
    const plain = { noNullPrototype: true };
    const value = fc.dictionary(
      fc.string(),
      fc.oneof(
        fc.double({ noNaN: true }),
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 300 }),
        fc.string(),
        fc.constant(null),
        fc.dictionary(fc.string(), fc.array(fc.string()), plain),
      ),
      plain,
    );
    fc.assert(
      fc.property(value, (v) => {
        const back = sharedUnpacker().unpack(packShared(v));
        expect(back).toStrictEqual(v);
        // toStrictEqual tells -0 from 0 through Object.is on each number.
      }),
      { numRuns: 200 },
    );
  });
});
