/**
 * The queue layer's small parts (issue #13, item 4): job ids BullMQ 6 accepts and that map back to
 * item keys one to one, the batch prefix cancel removes by, the queue address check, the shared
 * data cache's LRU bound, and the worker's and browser mode's command lines.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args';
import { parseWorkerArgs } from '../../src/cli/workerArgs';
import { isJobOfBatch, jobIdOf, keyOfJobId } from '../../src/queue/keys';
import { Lru } from '../../src/domain/lru';
import { CorruptResult, packResult, readFrame, unpackResult } from '../../src/queue/resultCodec';
import { historyLeaveOut, MIN_LEFT_OUT_CHARS } from '../../src/queue/texts';
import type { Redis } from 'ioredis';
import { ENGINE_VERSION } from '../../src/contract/operations';
import { envelopeOf, QUEUE_PROTOCOL } from '../../src/queue/protocol';
import { createSharedCache } from '../../src/queue/sharedCache';
import type { BatchShared } from '../../src/services/batches/job';
import { canonicalJson } from '../../src/domain/canonical';
import { itemRequest, computeBatchItem } from '../../src/services/batches/job';
import { syntheticBatch } from '../support/queueBatch';
import { parseQueueUrl } from '../../src/queue/url';

describe('job ids', () => {
  it('contain no ":" and map back to the key, one to one', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.nat(), (a, b, i) => {
        const ka = `${a}:${i}`;
        const kb = `${b}:${i}`;
        expect(jobIdOf(ka)).not.toContain(':');
        expect(keyOfJobId(jobIdOf(ka))).toBe(ka);
        if (a !== b) expect(jobIdOf(ka)).not.toBe(jobIdOf(kb));
      }),
      { numRuns: 1000 },
    );
    expect(jobIdOf('bat_1:7')).toBe('bat_1%3A7');
    expect(jobIdOf('50%:1')).toBe('50%25%3A1');
  });

  it('name their batch exactly (a batch id that extends another is not it)', () => {
    expect(isJobOfBatch(jobIdOf('b:12'), 'b')).toBe(true);
    expect(isJobOfBatch(jobIdOf('b:x:1'), 'b')).toBe(false);
    expect(isJobOfBatch(jobIdOf('bb:1'), 'b')).toBe(false);
    expect(isJobOfBatch(jobIdOf('b:1'), 'bb')).toBe(false);
  });
});

describe('queue address', () => {
  it('takes redis:// and rediss:// with a host, and hides a password', () => {
    expect(parseQueueUrl('redis://127.0.0.1:6380')).toMatchObject({
      host: '127.0.0.1',
      port: 6380,
    });
    expect(parseQueueUrl('redis://redis')).toMatchObject({ host: 'redis', port: 6379 });
    expect(parseQueueUrl('rediss://u:secret@h:1/2').display).toBe('rediss://u:***@h:1/2');
  });

  it.each([
    ['localhost:6379', /redis:\/\//],
    ['http://h:1', /must start with redis:\/\//],
    ['redis://h:99999', /not a port|not a queue address/],
    ['redis://h:1/x', /database number/],
  ])('refuses %s', (text, says) => {
    expect(() => parseQueueUrl(text)).toThrow(says);
  });
});

describe('LRU', () => {
  it('keeps the most recently used entries', () => {
    const m = new Lru<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.get('a')).toBe(1);
    m.set('c', 3);
    expect([m.get('a'), m.get('b'), m.get('c'), m.size]).toEqual([1, undefined, 3, 2]);
  });
});

describe('command lines', () => {
  it('worker: --queue (or SPR_QUEUE) required, numbers checked', () => {
    expect(parseWorkerArgs(['--queue', 'redis://h:1', '--concurrency', '2'], {})).toEqual({
      queue: 'redis://h:1',
      concurrency: 2,
    });
    expect(parseWorkerArgs([], { SPR_QUEUE: 'redis://h:2' }).queue).toBe('redis://h:2');
    expect(() => parseWorkerArgs([], {})).toThrow(/--queue redis:\/\/HOST:PORT is required/);
    expect(() => parseWorkerArgs(['--queue', 'redis://h:1', '--concurrency', '0'], {})).toThrow(
      /--concurrency/,
    );
    expect(() => parseWorkerArgs(['--queue', 'h:1'], {})).toThrow(/redis:\/\//);
    expect(() => parseWorkerArgs(['--queue', 'redis://h:1', '--x'], {})).toThrow(/unknown option/);
  });

  it('browser mode: --queue is checked and passed on', () => {
    expect(parseArgs(['--queue', 'redis://127.0.0.1:6379']).queue).toBe('redis://127.0.0.1:6379');
    expect(() => parseArgs(['--queue', 'nope'])).toThrow(/queue address/);
  });
});

describe('result frames', () => {
  const computedResult = (key: string, input_json: string, output_json: string) =>
    ({
      key,
      outcome: 'computed',
      computed: {
        status: 'succeeded',
        input_json,
        input_hash: 'a'.repeat(64),
        output_json,
        duration_ms: 12.5,
        outcome: { decision: 'AUTO_APPROVE', breached_after: [], reasons: [] },
      },
      text_hashes: { input_json: 'b'.repeat(64), output_json: 'c'.repeat(64) },
    }) as unknown as Parameters<typeof packResult>[0];

  it('give back exactly the result they were made of, whatever the texts hold', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'binary' }),
        (key, a, b) => {
          const r = computedResult(key, a, b);
          expect(unpackResult(packResult(r))).toEqual(r);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leave a part of input_json out and give it back in place when given it, whatever the texts hold', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'grapheme', minLength: 1 }),
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'grapheme' }),
        (before, text, after, output) => {
          const r = computedResult('b:3', before + text + after, output);
          const hash = 'd'.repeat(64);
          const frame = packResult(r, { start: before.length, length: text.length, hash });
          const f = readFrame(frame);
          expect(f.ref).toEqual({ hash, at: Buffer.byteLength(before) });
          expect(frame.includes(Buffer.from(before + after))).toBe(true);
          expect(f.complete(text)).toEqual(r);
          expect(unpackResult(frame, text)).toEqual(r);
          expect(() => f.complete()).toThrow(CorruptResult);
        },
      ),
      { numRuns: 300 },
    );
    // The frame is shorter by the text's bytes.
    const r = computedResult('b:4', `{"h":${'7'.repeat(5000)}}`, '{}');
    const left = packResult(r, { start: 5, length: 5000, hash: 'e'.repeat(64) });
    expect(packResult(r).length - left.length).toBeGreaterThan(5000 - 100);
  });

  it('refuse a reference that points past the input text', () => {
    const r = computedResult('b:5', '{"a":1}', '{}');
    const frame = packResult(r, { start: 5, length: 1, hash: 'f'.repeat(64) });
    const text = frame.toString('latin1').replace('"at":5', '"at":9');
    expect(() => readFrame(Buffer.from(text, 'latin1'))).toThrow(/input reference is not one/);
  });

  it('are refused, naming why, when cut short or not a frame', () => {
    const frame = packResult(computedResult('b:1', '{"a":1}', '{"é":"—"}'));
    expect(unpackResult(frame).computed.output_json).toBe('{"é":"—"}');
    const refused = (f: Buffer) => {
      expect(() => unpackResult(f)).toThrow(CorruptResult);
      try {
        unpackResult(f);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    expect(refused(Buffer.from('not a frame'))).toMatch(/does not start with SPR1/);
    expect(refused(frame.subarray(0, 12))).toMatch(/head runs past its end/);
    const head = frame.readUInt32BE(4);
    expect(refused(frame.subarray(0, 8 + head + 6))).toMatch(/input text runs past its end/);
    const notJson = Buffer.from(frame);
    notJson.write('!', 8);
    expect(refused(notJson)).toMatch(/head is not JSON/);
    const unbuilt = Buffer.from('SPR1\x00\x00\x00\x02{}\x00\x00\x00\x00', 'latin1');
    expect(refused(unbuilt)).toMatch(/not a computed result/);
  });
});

describe("a worker's left-out text", () => {
  it('is the price history exactly as it stands in the stored input_json, hashed once', async () => {
    const { shared, jobs } = syntheticBatch('b_left', {
      accounts: 3,
      assets: 8,
      days: 120,
      paths: 200,
    });
    const leave = historyLeaveOut();
    const env = { clock: { now: () => new Date(0), monotonicMs: () => 0 } };
    const hashes = new Set<string>();
    for (const job of jobs) {
      const req = itemRequest(job.spec, shared);
      if (!req.ok) throw new Error(req.error.message);
      const r = await computeBatchItem(job, shared, env);
      if (r.outcome !== 'computed') throw new Error('not computed');
      const left = leave(r.computed.input_json);
      if (!left) throw new Error('nothing left out');
      expect(left.text).toBe(canonicalJson(req.request.price_history));
      expect(r.computed.input_json.slice(left.start, left.start + left.length)).toBe(left.text);
      expect(r.computed.input_json.slice(left.start - 16, left.start)).toBe('"price_history":');
      expect(left.hash).toBe(createHash('sha256').update(left.text).digest('hex'));
      hashes.add(left.hash);
    }
    // The accounts hold the same assets: one text for the batch.
    expect(hashes.size).toBe(1);
  });

  it('is nothing when the part is short, absent or unended', () => {
    const leave = historyLeaveOut();
    const long = canonicalJson({ dates: [], prices: { A: Array(MIN_LEFT_OUT_CHARS).fill(1) } });
    expect(leave(`{"price_history":{"dates":["2024-01-02"],"prices":{"A":[1]}},"z":0}`)).toBeNull();
    expect(leave('{"a":1}')).toBeNull();
    expect(leave(`{"price_history":${long}`)).toBeNull();
    expect(leave(`{"price_history":${long},"z":0}`)).toMatchObject({ start: 17, text: long });
    // Two texts alike at both ends and in length, different inside: each gets its own hash.
    const mid = long.indexOf('1', long.length / 2);
    const other = `${long.slice(0, mid)}2${long.slice(mid + 1)}`;
    const h = (t: string) => createHash('sha256').update(t).digest('hex');
    expect(leave(`{"price_history":${other},"z":0}`)?.hash).toBe(h(other));
    expect(leave(`{"price_history":${long},"z":0}`)?.hash).toBe(h(long));
  });

  it('put back where it was left out gives the text again, whatever the text (property)', () => {
    // Asset names that hold `}},` end the part early: what is left out is still put back exactly.
    const leave = historyLeaveOut(2);
    const pad = 'x'.repeat(MIN_LEFT_OUT_CHARS);
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (a, b, c) => {
        const input = `{${a}"price_history":{"${pad}${b}}},"${c}`;
        const left = leave(input);
        if (left === null) return;
        expect(input.slice(0, left.start) + left.text + input.slice(left.start + left.length)).toBe(
          input,
        );
        expect(input.slice(left.start, left.start + left.length)).toBe(left.text);
        expect(left.hash).toBe(createHash('sha256').update(left.text).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });
});

describe("a worker's shared-data cache", () => {
  const shared = { batch_id: 'b_env', settings: { history_days: 2 } } as unknown as BatchShared;
  const fake = (envelope: unknown) => {
    let gets = 0;
    const redis = {
      get: () => {
        gets++;
        return Promise.resolve(JSON.stringify(envelope));
      },
    } as unknown as Redis;
    return { redis, gets: () => gets };
  };

  it('reads a batch once and refuses one from another engine version or queue protocol', async () => {
    const ok = fake(envelopeOf(shared));
    const cache = createSharedCache(ok.redis);
    expect(await cache.get('b_env')).toEqual(shared);
    await cache.get('b_env');
    expect(ok.gets()).toBe(1);
    const older = createSharedCache(fake({ engine_version: ENGINE_VERSION, shared }).redis);
    await expect(older.get('b_env')).rejects.toThrow(
      `queue protocol 1; this worker speaks ${QUEUE_PROTOCOL}`,
    );
    const other = createSharedCache(
      fake({ engine_version: '0.0.1', protocol: QUEUE_PROTOCOL, shared }).redis,
    );
    await expect(other.get('b_env')).rejects.toThrow(`created by engine 0.0.1`);
  });
});
