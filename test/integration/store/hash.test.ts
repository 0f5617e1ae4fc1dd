import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  UlidGenerator,
  canonicalJson,
  chainHash,
  decodeCursor,
  decodeUlidTime,
  encodeCursor,
  encodeUlidTime,
  sha256Hex,
} from '../../../src/store';

describe('sha256Hex', () => {
  it('matches FIPS 180-2 test vectors', () => {
    // FIPS 180-2 appendix B.1 and B.2.
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });
});

describe('canonicalJson', () => {
  it('sorts keys recursively and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [true, null, { d: 'x', c: 2 }] })).toBe(
      '{"a":[true,null,{"c":2,"d":"x"}],"b":1}',
    );
  });
  it('rejects non-finite numbers instead of writing null', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(/\(root\)\.a\.1/);
    expect(() => canonicalJson(Infinity)).toThrow(/finite/);
  });
});

describe('chain hash', () => {
  // Values printed by test/reference/store_audit_hash.py (Python hashlib + json).
  const REF = [
    {
      ts: '2026-01-01T00:00:00.000Z',
      actor: 'alice',
      action: 'settings.changed',
      subject: 'theme',
      payload: { to: 'dark', from: 'light' },
      payload_json: '{"from":"light","to":"dark"}',
      payload_hash: '36fcf749376d6c8696ec6608289d6fd6ba7f578609b43beb6cc11ee0a668d871',
      hash: 'a1652f591eadf3b5e87a252c2c2bb09c88227dd1096783e2216eed1922b90ff3',
    },
    {
      ts: '2026-01-01T00:00:01.500Z',
      actor: 'bob',
      action: 'prices.imported',
      subject: 'prices:SPY',
      payload: { rows: 2520, file: 'spy.csv' },
      payload_json: '{"file":"spy.csv","rows":2520}',
      payload_hash: 'ad6e1e44e9d6f693788a88526c6f7577acc06048d417efe08ab95c379550fd23',
      hash: '8531d49c4ac3e5b06406cc4aae2cde17b77904c127708bb9924530c5e449bf50',
    },
    {
      ts: '2026-01-02T09:30:00.007Z',
      actor: 'alice',
      action: 'audit.correction',
      subject: 'audit:1',
      payload: { corrects_seq: 1, reason: 'wrong theme name, Zürich' },
      payload_json: '{"corrects_seq":1,"reason":"wrong theme name, Zürich"}',
      payload_hash: 'd5598467db91614bdc762084230f115405b47ecd469a7dfc88679a63a30e18bb',
      hash: '41b5c443d64a84697cc155be7c9648a1362ce5ecda57303e2b7915029e5fa7ac',
    },
  ];

  it('reproduces the Python reference chain', () => {
    let prev = GENESIS_HASH;
    expect(prev).toBe('0'.repeat(64));
    REF.forEach((e, i) => {
      const pj = canonicalJson(e.payload);
      expect(pj).toBe(e.payload_json);
      const ph = sha256Hex(pj);
      expect(ph).toBe(e.payload_hash);
      const h = chainHash(i + 1, e.ts, e.actor, e.action, e.subject, ph, prev);
      expect(h).toBe(e.hash);
      prev = h;
    });
  });

  it('changes when any field changes', () => {
    const e = REF[0]!;
    const base = chainHash(1, e.ts, e.actor, e.action, e.subject, e.payload_hash, GENESIS_HASH);
    expect(chainHash(2, e.ts, e.actor, e.action, e.subject, e.payload_hash, GENESIS_HASH)).not.toBe(
      base,
    );
    // Field boundaries are unambiguous: moving a character between fields changes the hash.
    expect(
      chainHash(1, e.ts, 'alic', 'esettings.changed', e.subject, e.payload_hash, GENESIS_HASH),
    ).not.toBe(base);
  });
});

describe('ULID', () => {
  it('encodes the time prefix like the ULID spec example', () => {
    // https://github.com/ulid/spec: 1469918176385 → 01ARYZ6S41
    expect(encodeUlidTime(1469918176385)).toBe('01ARYZ6S41');
    expect(decodeUlidTime('01ARYZ6S41DEADBEEFDEADBEEF')).toBe(1469918176385);
    expect(encodeUlidTime(0)).toBe('0000000000');
    expect(encodeUlidTime(2 ** 48 - 1)).toBe('7ZZZZZZZZZ');
    expect(() => encodeUlidTime(2 ** 48)).toThrow(RangeError);
  });

  it('is strictly increasing within a millisecond and when the clock steps back', () => {
    const g = new UlidGenerator();
    const t = Date.UTC(2026, 0, 1);
    const ids = [g.next(t), g.next(t), g.next(t), g.next(t - 5), g.next(t + 1), g.next(t + 1)];
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    expect(decodeUlidTime(ids[3]!)).toBe(t); // kept the later time
    expect(decodeUlidTime(ids[4]!)).toBe(t + 1);
  });

  it('draws fresh randomness each millisecond', () => {
    const a = new UlidGenerator().next(1000);
    const b = new UlidGenerator().next(1000);
    expect(a.slice(0, 10)).toBe(b.slice(0, 10));
    expect(a.slice(10)).not.toBe(b.slice(10)); // 2^-80 chance of a false failure
  });
});

describe('cursor', () => {
  it('round-trips and matches the documented example', () => {
    const c = encodeCursor('2026-01-01T00:00:00.000Z', '01JGFJJZ000000000000000000');
    expect(c).toBe('MjAyNi0wMS0wMVQwMDowMDowMC4wMDBafDAxSkdGSkpaMDAwMDAwMDAwMDAwMDAwMDAw');
    expect(decodeCursor(c)).toEqual({
      created_at: '2026-01-01T00:00:00.000Z',
      run_id: '01JGFJJZ000000000000000000',
    });
  });
  it('rejects anything else', () => {
    expect(decodeCursor('not a cursor')).toBeNull();
    expect(decodeCursor(Buffer.from('x|y').toString('base64url'))).toBeNull();
    expect(
      decodeCursor(
        Buffer.from('2026-01-01T00:00:00.000Z|01JGFJJZ000000000000000000|x').toString('base64url'),
      ),
    ).toBeNull();
  });
});
