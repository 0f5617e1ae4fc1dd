/**
 * Pure helpers behind the Runs, Import, Portfolios and Audit views (no DOM): base64 of file
 * bytes, format from a file name, key order of stored requests, and the time, hash and duration
 * formats. Expected values are worked out by hand below.
 */
import { describe, expect, it } from 'vitest';
import { base64, formatOf } from '../../renderer/shared/files';
import { duration, shortHash } from '../../renderer/shared/format';
import { orderLike, requestOrder } from '../../renderer/shared/order';

describe('base64', () => {
  it('encodes bytes as RFC 4648 base64 with padding', () => {
    // RFC 4648 §10 test vectors: "f" → "Zg==", "fo" → "Zm8=", "foo" → "Zm9v", "foobar" → "Zm9vYmFy".
    const enc = (s: string) => base64(new TextEncoder().encode(s));
    expect(enc('')).toBe('');
    expect(enc('f')).toBe('Zg==');
    expect(enc('fo')).toBe('Zm8=');
    expect(enc('foo')).toBe('Zm9v');
    expect(enc('foobar')).toBe('Zm9vYmFy');
    // Bytes above 127 are bytes, not UTF-16 code units: 0xFF 0x00 0x80 → "/wCA".
    expect(base64(new Uint8Array([0xff, 0x00, 0x80]))).toBe('/wCA');
  });
  it('handles more than one chunk (32 KiB) without changing the result', () => {
    // 0x8000 + 3 bytes of 0x00: every 3 zero bytes are "AAAA"; 32771 = 3 × 10923 + 2.
    const n = 0x8000 + 3;
    const out = base64(new Uint8Array(n));
    expect(out.length).toBe(4 * Math.ceil(n / 3));
    expect(out).toBe(`${'AAAA'.repeat(10923)}AAA=`);
  });
});

describe('formatOf', () => {
  it('maps the extension to an import format', () => {
    expect(formatOf('holdings.csv')).toBe('csv');
    expect(formatOf('Book1.XLSX')).toBe('xlsx');
    expect(formatOf('model.json')).toBe('json');
    expect(formatOf('export.txt')).toBe('csv');
    expect(formatOf('old.xls')).toBeNull();
    expect(formatOf('noext')).toBeNull();
  });
});

describe('requestOrder', () => {
  it('puts a canonical (sorted) request back in the contract’s field order', () => {
    const stored = {
      assets: [{ target_weight: 0.5, price: 10, asset: 'A', current_weight: 0.5 }],
      currency: 'USD',
      portfolio_value: 1000,
      zzz_unknown: true,
      drift_threshold: 0.02,
    };
    const out = requestOrder(stored) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual([
      'portfolio_value',
      'drift_threshold',
      'currency',
      'assets',
      'zzz_unknown',
    ]);
    const a = (out.assets as Record<string, unknown>[])[0]!;
    expect(Object.keys(a)).toEqual(['asset', 'target_weight', 'current_weight', 'price']);
    // Same values: only the order changed.
    expect(out).toEqual(stored);
  });
  it('leaves values without a schema untouched', () => {
    expect(orderLike({ b: 1, a: 2 }, undefined)).toEqual({ b: 1, a: 2 });
    expect(Object.keys(orderLike({ b: 1, a: 2 }, undefined) as object)).toEqual(['b', 'a']);
    expect(requestOrder(null)).toBeNull();
    expect(requestOrder([3, 1])).toEqual([3, 1]);
  });
});

describe('run list formats', () => {
  it('shortens hashes and formats durations', () => {
    expect(shortHash('8b5b56cdde41516257397b603efd8a70')).toBe('8b5b56cdde');
    expect(shortHash('abc', 10)).toBe('abc');
    expect(shortHash(null)).toBe('—');
    expect(duration(0.61)).toBe('0.6 ms');
    expect(duration(42.4)).toBe('42 ms');
    expect(duration(2345)).toBe('2.35 s');
    expect(duration(Number.NaN)).toBe('—');
  });
});
