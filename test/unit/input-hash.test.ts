import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  INPUT_HASH_V2_TAG,
  inputHash,
  inputHashParts,
  packNumberArray,
  sha256Hex,
  sha256Parts,
  type Sha256Parts,
} from '../../src/domain/canonical';
import { sha256Parts as nativeSha256Parts } from '../../src/store';

/**
 * The test vector of docs/methods.md (Metadata). Keys deliberately out of order; −0 in a series,
 * an empty array, a user string equal to the placeholder and a non-ASCII name. The expected hash
 * and skeleton were printed by the independent test/reference/input_hash_reference.py.
 */
const VECTOR = {
  portfolio_value: 1000000,
  drift_threshold: 0.02,
  currency: 'EUR',
  assets: [
    {
      asset: 'SAN.PA',
      target_weight: 0.6,
      current_weight: 0.55,
      price: 92.5,
      historical_returns: [0.01, -0, -0.02, 0.015],
      holdings: [],
    },
    { asset: 'Société #1', target_weight: 0.4, current_weight: 0.45, price: 31.25 },
  ],
  price_history: {
    dates: ['2026-01-02', '2026-01-05', '2026-01-06'],
    prices: { 'Société #1': [30.5, 31, 31.25], 'SAN.PA': [90, 91.75, 92.5] },
  },
  benchmark: { name: '#', prices: [100, 100.5, 99.75] },
  monte_carlo: { paths: 1000, horizon_days: 21, seed: 42, method: 'gaussian' },
};
const VECTOR_HASH = '68a9b019b0781b0ac4694cd1f9e1014c22f5825a343eed0fe078a610c92ebd10';
const VECTOR_SKELETON =
  '{"assets":[{"asset":"SAN.PA","current_weight":0.55,"historical_returns":#,"holdings":[],"price":92.5,"target_weight":0.6},{"asset":"Société #1","current_weight":0.45,"price":31.25,"target_weight":0.4}],"benchmark":{"name":"#","prices":#},"currency":"EUR","drift_threshold":0.02,"monte_carlo":{"horizon_days":21,"method":"gaussian","paths":1000,"seed":42},"portfolio_value":1000000,"price_history":{"dates":["2026-01-02","2026-01-05","2026-01-06"],"prices":{"SAN.PA":#,"Société #1":#}}}';

/** The same value with every object's keys in reverse insertion order, at every depth. */
function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reverseKeys(x)]),
    );
  return v;
}

const skeletonOf = (v: unknown) => inputHashParts(v)[0] as string;
const hex = (b: Uint8Array | null) => {
  if (b === null) throw new Error('not packed');
  return Buffer.from(b).toString('hex');
};

describe('input hash v2: test vectors (independent Python reference)', () => {
  it('hashes the documented request to the reference hash, with either SHA-256', () => {
    expect(inputHash(VECTOR)).toBe(VECTOR_HASH);
    expect(inputHash(VECTOR, nativeSha256Parts)).toBe(VECTOR_HASH);
  });
  it('writes the documented skeleton and stream length', () => {
    expect(skeletonOf(VECTOR)).toBe(`${INPUT_HASH_V2_TAG}${VECTOR_SKELETON}\n`);
    const bytes = inputHashParts(VECTOR).reduce(
      (n, p) => n + (typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.length),
      0,
    );
    expect(bytes).toBe(644);
  });
  it('matches the worked example of the format comment', () => {
    const parts = inputHashParts({ b: 'x', a: [1.5, -0] });
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe('spr-input-hash/v2\n{"a":#,"b":"x"}\n');
    expect(hex(parts[1] as Uint8Array)).toBe(
      '0200000000000000' + '000000000000f83f' + '0000000000000000',
    );
    expect(inputHash({ b: 'x', a: [1.5, -0] })).toBe(
      '732c15f9d89935a9696508cba605eadc9f23eaf63ecaae2a033a08468213b023',
    );
  });
  it('is a new format: not the SHA-256 of the canonical JSON (v1)', () => {
    expect(inputHash(VECTOR)).not.toBe(sha256Hex(canonicalJson(VECTOR)));
  });
});

describe('input hash v2: meaning', () => {
  it('ignores key order at every depth', () => {
    const r = reverseKeys(VECTOR);
    expect(JSON.stringify(r)).not.toBe(JSON.stringify(VECTOR));
    expect(inputHash(r)).toBe(VECTOR_HASH);
  });
  it('treats −0 as 0, in series and in scalars, as canonical JSON does', () => {
    expect(inputHash({ a: [-0, 1] })).toBe(inputHash({ a: [0, 1] }));
    expect(inputHash({ a: -0 })).toBe(inputHash({ a: 0 }));
    expect(hex(packNumberArray([-0]))).toBe('0100000000000000' + '0000000000000000');
    // …and nothing else: the smallest subnormal is not zero.
    expect(inputHash({ a: [5e-324] })).not.toBe(inputHash({ a: [0] }));
  });
  it('changes with any value, length or array boundary', () => {
    const h = inputHash({ a: [1, 2], b: [3] });
    for (const v of [
      { a: [1, 2], b: [3.0000000000000004] },
      { a: [1], b: [2, 3] },
      { a: [1, 2, 3], b: [] },
      { a: [[1], [2]], b: [3] },
      { a: [1, 2], b: 3 },
      { a: [1, 2], b: ['3'] },
    ])
      expect(inputHash(v), JSON.stringify(v)).not.toBe(h);
  });
  it('refuses non-finite numbers, naming the path', () => {
    expect(() => inputHash({ prices: { A: [1, NaN] } })).toThrow(
      /\(root\)\.prices\.A\.1 is not a finite/,
    );
    expect(() => inputHash({ x: Infinity })).toThrow(/\(root\)\.x/);
  });
});

describe('input hash v2: framing', () => {
  it('a user string equal to the placeholder stays a quoted string, and does not collide', () => {
    expect(skeletonOf({ a: '#' })).toContain('{"a":"#"}');
    expect(skeletonOf({ a: [35] })).toContain('{"a":#}');
    expect(inputHash({ a: '#' })).not.toBe(inputHash({ a: [35] }));
    // A string that spells out a whole stream, placeholder and block bytes included.
    const block = String.fromCharCode(...packNumberArray([1])!);
    const forged = { a: `#}\n${block}` };
    expect(inputHash(forged)).not.toBe(inputHash({ a: [1] }));
    expect(skeletonOf(forged).split('\n')).toHaveLength(3); // tag, skeleton, (empty) — no raw LF
  });
  it('the skeleton never contains a raw line feed, whatever the strings and keys', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const s = skeletonOf(v).slice(INPUT_HASH_V2_TAG.length, -1);
        expect(s.includes('\n')).toBe(false);
      }),
    );
  });
  it('packs every non-empty all-number array; empty and mixed arrays stay JSON', () => {
    const v = {
      empty: [],
      one: [7],
      two: [1, 2],
      mixed: [1, 'a'],
      withNull: [1, null],
      nested: [[1, 2], [3], []],
      strings: ['x'],
    };
    expect(skeletonOf(v)).toBe(
      `${INPUT_HASH_V2_TAG}{"empty":[],"mixed":[1,"a"],"nested":[#,#,[]],"one":#,"strings":["x"],"two":#,"withNull":[1,null]}\n`,
    );
    const parts = inputHashParts(v);
    // Blocks in skeleton order: nested[0], nested[1], one, two.
    expect(parts.slice(1).map((p) => hex(p as Uint8Array).slice(0, 16))).toEqual([
      '0200000000000000',
      '0100000000000000',
      '0100000000000000',
      '0200000000000000',
    ]);
    // Below the rule (empty) and at its smallest (one element) the two forms differ.
    expect(inputHash({ a: [] })).not.toBe(inputHash({ a: [0] }));
  });
  it('the big-endian path writes the same bytes as the native one', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true })), (a) => {
        expect(hex(packNumberArray(a, false))).toBe(hex(packNumberArray(a, true)));
      }),
    );
    for (const native of [true, false]) {
      expect(packNumberArray([1, 'a'], native)).toBeNull();
      expect(packNumberArray([1, NaN], native)).toBeNull();
      expect(packNumberArray([null], native)).toBeNull();
      expect(hex(packNumberArray([], native))).toBe('0000000000000000');
    }
    expect(hex(packNumberArray([1, -2.5], false))).toBe(
      '0200000000000000' + '000000000000f03f' + '00000000000004c0',
    );
  });
});

describe('Sha256Parts implementations', () => {
  it('hash the concatenation of the parts, strings as UTF-8', () => {
    const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    for (const h of [sha256Parts, nativeSha256Parts]) {
      expect(h(['a', Uint8Array.of(0x62, 0x63)])).toBe(abc);
      expect(h(['abc'])).toBe(abc);
      expect(h([])).toBe(sha256Hex(''));
      expect(h(['é', Uint8Array.of(0xe2, 0x82, 0xac)])).toBe(sha256Hex('é€'));
    }
  });
  it('noble and node:crypto agree on arbitrary JSON values and on a large request', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(inputHash(v, nativeSha256Parts)).toBe(inputHash(v, sha256Parts));
        expect(inputHash(reverseKeys(v))).toBe(inputHash(v));
      }),
    );
    const big = {
      prices: Object.fromEntries(
        Array.from({ length: 20 }, (_, k) => [
          `S${k}`,
          Array.from({ length: 1261 }, (_, i) => 100 + Math.sin(i + k)),
        ]),
      ),
    };
    expect(inputHash(big, nativeSha256Parts)).toBe(inputHash(big, sha256Parts));
  });
});

describe('the services use the SHA-256 they are given', () => {
  it('runRebalance (EngineOptions.sha256) and createHandlers (ServiceDeps.sha256)', async () => {
    const { runRebalance } = await import('../../src/services/rebalance');
    const { createHandlers } = await import('../../src/services/handlers');
    const { RebalanceRequest } = await import('../../src/contract/rebalance');
    const req = RebalanceRequest.parse({
      portfolio_value: 100000,
      assets: [
        { asset: 'A', target_weight: 0.5, current_weight: 0.6, price: 10 },
        { asset: 'B', target_weight: 0.5, current_weight: 0.4, price: 20 },
      ],
    });
    const seen: number[] = [];
    const spy: Sha256Parts = (parts) => {
      seen.push(parts.length);
      return 'f'.repeat(64);
    };
    const clock = { now: () => new Date(0), monotonicMs: () => 0 };
    const out = await runRebalance(req, clock, { sha256: spy });
    expect(out.metadata.input_hash).toBe('f'.repeat(64));
    expect((await runRebalance(req, clock)).metadata.input_hash).toBe(inputHash(req));

    let stored: string | undefined;
    const store = {
      policies: { current: () => null },
      runs: {
        saveLarge: (r: { input_hash?: string }) => {
          stored = r.input_hash;
          return Promise.resolve({ run_id: '01TEST' });
        },
      },
    } as unknown as Parameters<typeof createHandlers>[0]['store'];
    const handlers = createHandlers({ clock, store, scenarios: [], sha256: spy });
    const res = await handlers.rebalance(req, { actor: 'test', transport: 'inprocess' });
    expect(res.metadata.input_hash).toBe('f'.repeat(64));
    expect(stored).toBe('f'.repeat(64));
    // Per run: the input hash (1 part), then the agent step chain (docs/agents.md): its seed
    // (4 parts) and, for each of the 8 steps, the output hash (1) and the next link (4).
    const perRun = [1, 4, ...Array.from({ length: 8 }, () => [1, 4]).flat()];
    expect(seen).toEqual([...perRun, ...perRun]);
  });
});
