/**
 * Values a careless script or an attacker sends: wrong types, numbers at and beyond the edges,
 * strings that look like numbers, prototype keys, NUL and control characters, deep nesting,
 * long strings, and JSON literals that JSON.stringify cannot produce (`1e400`, huge integers).
 * Also `mutate`, which applies one such change at a random place of a valid document.
 */
import fc from 'fast-check';

/**
 * A piece of JSON text spliced verbatim into the body (JSON.stringify would turn 1e400 into
 * `null` and cannot write a 10 000-deep array without recursing).
 */
export class RawJson {
  constructor(readonly text: string) {}
}

const CONTROL = [...Array(32).keys()].map((c) => String.fromCharCode(c)).concat('\u007f');

/** Strings chosen to break parsers, checks and SQL: each is a realistic mistake or attack. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e999',
    '-0',
    '0x10',
    ' 1 ',
    'null',
    'undefined',
    'true',
    '[]',
    '{}',
    '__proto__',
    'constructor',
    'prototype',
    'hasOwnProperty',
    'toString',
    "'; DROP TABLE runs; --",
    '../../etc/passwd',
    '%',
    '%00',
    '%FF',
    '\uD800',
    '\uFEFF',
    '\u202E',
    '\r\nX-Injected: 1',
    '<script>alert(1)</script>',
    '=cmd|" /C calc"!A0',
    '😀'.repeat(50),
  ),
  fc.string({ unit: fc.constantFrom(...CONTROL), minLength: 1, maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
);

/** Numbers at the edges of what JSON can carry, as values and as raw literals. */
export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    0.5,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    -Number.MAX_SAFE_INTEGER,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    1e-300,
    1e300,
    2 ** 31,
    2 ** 32,
    2 ** 63,
  ),
  fc.constantFrom(
    new RawJson('1e400'),
    new RawJson('-1e400'),
    new RawJson('123456789012345678901234567890'),
    new RawJson('1.0000000000000000000000001'),
    new RawJson('-0.0'),
    new RawJson('1E+2'),
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** `depth` nested arrays or objects as raw JSON (never built as JS values, see RawJson). */
export const deepNesting: fc.Arbitrary<RawJson> = fc
  .tuple(fc.constantFrom(16, 200, 2_000, 20_000), fc.boolean())
  .map(([depth, arr]) =>
    arr
      ? new RawJson(`${'['.repeat(depth)}1${']'.repeat(depth)}`)
      : new RawJson(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  );

/** An object with an own `__proto__` / `constructor` key (JSON.parse keeps it as data). */
export const prototypeKeys: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.constantFrom('__proto__', 'constructor', 'prototype'),
    fc.constantFrom<unknown>({ polluted: 'yes' }, { prototype: { polluted: 'yes' } }, 1, null),
  )
  .map(([key, value]) => Object.defineProperty({}, key, { value, enumerable: true }));

/** A value of any JSON type, weighted towards the hostile ones. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 3 },
  { arbitrary: hostileNumber, weight: 3 },
  { arbitrary: prototypeKeys, weight: 1 },
  { arbitrary: deepNesting, weight: 1 },
  { arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], ['']), weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
);

/** JSON text of `value`, with RawJson pieces spliced in verbatim. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0000RAW${raws.length - 1}\u0000`;
    }
    return v;
  });
  if (text === undefined) return 'null';
  // The marker holds a NUL, which JSON.stringify writes as the escape \u0000.
  return text.replace(/"\\u0000RAW(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)] as string);
}

type Path = (string | number)[];

/** Every place in a JSON document (the root included) a mutation can target. */
function paths(doc: unknown, max = 400): Path[] {
  const out: Path[] = [[]];
  const walk = (v: unknown, p: Path) => {
    if (out.length >= max) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push([...p, i]);
        walk(x, [...p, i]);
      });
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        out.push([...p, k]);
        walk(x, [...p, k]);
      }
    }
  };
  walk(doc, []);
  return out;
}

export type Mutation =
  | { kind: 'set'; value: unknown }
  | { kind: 'delete' }
  | { kind: 'extra'; key: string; value: unknown }
  | { kind: 'duplicate' }
  | { kind: 'scale'; factor: number }
  | { kind: 'emptyContainer' };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: hostileValue.map((value) => ({ kind: 'set' as const, value })), weight: 4 },
  { arbitrary: fc.constant({ kind: 'delete' as const }), weight: 2 },
  {
    arbitrary: fc
      .tuple(
        fc.oneof(fc.constantFrom('__proto__', 'constructor', 'extra'), fc.string()),
        hostileValue,
      )
      .map(([key, value]) => ({ kind: 'extra' as const, key, value })),
    weight: 2,
  },
  { arbitrary: fc.constant({ kind: 'duplicate' as const }), weight: 1 },
  {
    arbitrary: fc
      .constantFrom(-1, 0, 1e-9, 2, 1e6, 1e300)
      .map((factor) => ({ kind: 'scale' as const, factor })),
    weight: 2,
  },
  { arbitrary: fc.constant({ kind: 'emptyContainer' as const }), weight: 1 },
);

/**
 * `doc` with one change: `pick` chooses the place (modulo the number of places), `m` the change.
 * Mutating the root replaces or extends the whole document. `doc` is not modified.
 */
export function mutate(doc: unknown, pick: number, m: Mutation): unknown {
  const copy = structuredClone(doc);
  const all = paths(copy);
  const path = all[pick % all.length] as Path;
  const apply = (v: unknown): unknown => {
    switch (m.kind) {
      case 'set':
        return m.value;
      case 'scale':
        return typeof v === 'number' ? v * m.factor : v;
      case 'emptyContainer':
        return Array.isArray(v) ? [] : v && typeof v === 'object' ? {} : '';
      case 'extra':
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          Object.defineProperty(v, m.key, { value: m.value, enumerable: true, writable: true });
        }
        return v;
      default:
        return v;
    }
  };
  if (path.length === 0) return m.kind === 'delete' ? {} : apply(copy);
  let parent: unknown = copy;
  for (const k of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[k];
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(parent)) {
    const i = last as number;
    if (m.kind === 'delete') parent.splice(i, 1);
    else if (m.kind === 'duplicate') parent.splice(i, 0, structuredClone(parent[i]));
    else parent[i] = apply(parent[i]);
  } else {
    const o = parent as Record<string, unknown>;
    if (m.kind === 'delete') delete o[last];
    else if (m.kind === 'duplicate') o[`${last}_copy`] = structuredClone(o[last]);
    else o[last] = apply(o[last]);
  }
  return copy;
}

/** A path segment as sent on the wire: random, encoded or deliberately malformed. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  hostileString.filter((s) => s.length < 5_000).map((s) => encodeURIComponent(safeForEncode(s))),
  fc.constantFrom(
    '%',
    '%%',
    '%G1',
    '%FF',
    '%C3%28',
    '%E2%82',
    '%ED%A0%80',
    '%00',
    '%2e%2e',
    '..',
    '.',
    '%2F',
    '%5C',
    '%u0041',
    '%25',
    'a%',
    '%0',
  ),
  // Raw bytes 0x21-0xFF are what Node lets a client put in a request line unescaped.
  fc.string({
    unit: fc
      .integer({ min: 0x21, max: 0xff })
      .map((c) => (c === 0x2f ? '_' : String.fromCharCode(c))),
    minLength: 1,
    maxLength: 30,
  }),
  fc.string({ minLength: 1, maxLength: 30 }).map((s) => encodeURIComponent(s)),
);

/** encodeURIComponent throws on a lone surrogate; replace them first. */
function safeForEncode(s: string): string {
  return s.replace(/[\uD800-\uDFFF]/g, '\uFFFD');
}

/** Content-Type headers other than plain `application/json` (some of them still JSON). */
export const hostileContentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined,
  '',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/json;;;',
  'application/jsonx',
  'application/xml',
  '*/*',
);

/** Bodies that are not JSON objects: random bytes, truncated JSON, other JSON types. */
export const hostileRawBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.from(b)),
  fc
    .constantFrom(
      '',
      '{',
      '{"a":',
      '[]',
      'null',
      '"x"',
      '1',
      'true',
      '{"a":1}}',
      '{"a":1,}',
      "{'a':1}",
      '\uFEFF{}',
      '{"a":"\\ud800"}',
      '{"a":"\u0000"}',
      '{"__proto__":{"polluted":"yes"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"a":1e400}',
    )
    .map((s) => Buffer.from(s, 'utf8')),
  fc.string({ unit: 'binary', maxLength: 500 }).map((s) => Buffer.from(s, 'utf8')),
  deepNesting.map((r) => Buffer.from(`{"a":${r.text}}`)),
);
