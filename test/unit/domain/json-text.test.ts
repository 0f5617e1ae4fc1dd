import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/domain/canonical';
import { JsonText, stringifyWith } from '../../../src/domain/jsonText';
import { mulberry32 } from '../../integration/store/helpers';

describe('stringifyWith', () => {
  it('splices JsonText values as they are and leaves everything else to JSON.stringify', () => {
    expect(stringifyWith({ a: 1, b: new JsonText('[1,2]'), c: [new JsonText('{"x":null}')] })).toBe(
      '{"a":1,"b":[1,2],"c":[{"x":null}]}',
    );
    expect(stringifyWith(new JsonText('{"k":true}'))).toBe('{"k":true}');
    const plain = { s: 'q"\u0000\n', n: [1.5, -0], o: { z: null } };
    expect(stringifyWith(plain)).toBe(JSON.stringify(plain));
  });

  it('a user string that looks like a token is written as a string', () => {
    const forged = '\u0000jtabc:0';
    const out = stringifyWith({ user: forged, raw: new JsonText('7') });
    expect(JSON.parse(out)).toEqual({ user: forged, raw: 7 });
  });

  it('text with $ patterns is spliced literally', () => {
    expect(stringifyWith({ a: new JsonText('"$&$1$$"') })).toBe('{"a":"$&$1$$"}');
  });
});

/** The definition, written plainly: sorted keys, undefined members dropped, no whitespace. */
function reference(v: unknown): string {
  if (Array.isArray(v))
    return `[${v.map((x) => (x === undefined ? 'null' : reference(x))).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function randomValue(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth <= 0 || r < 0.35) {
    const k = Math.floor(rand() * 7);
    if (k === 0) return null;
    if (k === 1) return rand() < 0.5;
    if (k === 2) return Math.floor(rand() * 2000) - 1000;
    if (k === 3) return (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
    if (k === 4) return rand() < 0.1 ? -0 : rand();
    if (k === 5)
      return String.fromCharCode(...Array.from({ length: 4 }, () => Math.floor(rand() * 0x3000)));
    return undefined;
  }
  if (r < 0.6)
    return Array.from({ length: Math.floor(rand() * 5) }, () => randomValue(rand, depth - 1));
  const o: Record<string, unknown> = {};
  const names = ['b', 'a', 'é', 'Z', '__proto__x', '10', '2', 'aa', '\u0001'];
  for (let i = Math.floor(rand() * 6); i > 0; i--)
    o[names[Math.floor(rand() * names.length)] as string] = randomValue(rand, depth - 1);
  return o;
}

describe('canonicalJson (single-pass encoder)', () => {
  it('equals the plain definition on 2,000 random values', () => {
    const rand = mulberry32(20261206);
    for (let i = 0; i < 2000; i++) {
      const v = randomValue(rand, 4);
      expect(canonicalJson(v)).toBe(reference(v) ?? 'null');
    }
  });

  it('names the path of a non-finite number in canonical key order', () => {
    expect(() => canonicalJson({ b: [1, { c: NaN }], a: { x: Infinity } })).toThrow(
      'canonicalJson: (root).a.x is not a finite number',
    );
    expect(() => canonicalJson({ b: [1, { c: NaN }] })).toThrow(
      'canonicalJson: (root).b.1.c is not a finite number',
    );
  });
});
