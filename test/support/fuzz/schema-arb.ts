/**
 * JSON Schema (the 2020-12 subset the OpenAPI document uses) → fast-check arbitrary of values
 * that are *shaped* like the schema: the right keys and types, bounds and enums respected where
 * cheap. The values are "valid-ish": cross-field rules (weights summing to one, dates ascending)
 * are not modelled, so most of them exercise validation; mutations and hostile values are added
 * on top by the request builder.
 */
import fc from 'fast-check';

export type JsonSchema = Record<string, unknown>;

/** Per-property overrides: a known run id for `run_id`, for instance. Checked by property name. */
export type Hints = Readonly<Record<string, fc.Arbitrary<unknown> | undefined>>;

export interface SchemaArbOptions {
  /** The document the `$ref`s point into (`#/components/...`). */
  root: JsonSchema;
  hints?: Hints;
  /** Largest array generated, whatever the schema allows (keeps heavy routes fast). */
  maxItems?: number;
  /** Largest string generated, whatever the schema allows. */
  maxStringLength?: number;
}

const isObj = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null;

function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObj(node) ? node[key] : undefined;
  }
  if (!isObj(node)) throw new Error(`dangling $ref ${ref}`);
  return node;
}

function numberArb(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  let min = num('minimum');
  let max = num('maximum');
  const exMin = num('exclusiveMinimum');
  const exMax = num('exclusiveMaximum');
  if (integer) {
    if (exMin !== undefined) min = Math.max(min ?? -Infinity, Math.floor(exMin) + 1);
    if (exMax !== undefined) max = Math.min(max ?? Infinity, Math.ceil(exMax) - 1);
    const lo = Math.max(min ?? -1e6, Number.MIN_SAFE_INTEGER);
    const hi = Math.min(max ?? 1e6, Number.MAX_SAFE_INTEGER);
    // Small values matter most (counts, limits, versions); the bounds themselves too.
    return fc.oneof(
      fc.integer({ min: lo, max: Math.min(hi, lo + 100) }),
      fc.constantFrom(lo, hi),
      fc.integer({ min: lo, max: hi }),
    );
  }
  const lo = Math.max(exMin ?? min ?? -1e9, -1e12);
  const hi = Math.min(exMax ?? max ?? 1e9, 1e12);
  const inner = fc.double({
    min: lo,
    max: hi,
    minExcluded: exMin !== undefined,
    maxExcluded: exMax !== undefined,
    noNaN: true,
    noDefaultInfinity: true,
  });
  const edges = [min, max].filter((x): x is number => x !== undefined);
  return edges.length > 0 ? fc.oneof(inner, fc.constantFrom(...edges)) : inner;
}

function stringArb(s: JsonSchema, cap: number): fc.Arbitrary<string> {
  const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
  const maxLength = Math.max(
    minLength,
    Math.min(typeof s.maxLength === 'number' ? s.maxLength : cap, cap),
  );
  if (s.format === 'date-time') {
    return fc
      .date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  if (typeof s.pattern === 'string') {
    // The pattern bounds the length itself (`^[0-9a-f]{64}$`): only the declared bounds apply.
    const declaredMax = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
    const inLength = (x: string) => x.length >= minLength && x.length <= declaredMax;
    // fast-check cannot generate from Unicode property escapes (`^\P{Cc}*$`): filter instead.
    if (/\\[pP]\{/.test(s.pattern)) {
      const re = new RegExp(s.pattern, 'u');
      return fc
        .string({ minLength, maxLength, unit: 'grapheme' })
        .filter((x) => re.test(x) && inLength(x));
    }
    return fc.stringMatching(new RegExp(s.pattern)).filter(inLength);
  }
  return fc.string({ minLength, maxLength, unit: 'grapheme' });
}

/** A fast-check arbitrary for values of `schema`; see the file comment for what "shaped" means. */
export function schemaArb(schema: unknown, opts: SchemaArbOptions): fc.Arbitrary<unknown> {
  const maxItems = opts.maxItems ?? 6;
  const cap = opts.maxStringLength ?? 40;
  const go = (s: unknown, name?: string): fc.Arbitrary<unknown> => {
    const hint = name === undefined ? undefined : opts.hints?.[name];
    const own = build(s);
    return hint ? fc.oneof({ arbitrary: hint, weight: 3 }, { arbitrary: own, weight: 1 }) : own;
  };
  const build = (s: unknown): fc.Arbitrary<unknown> => {
    if (s === true || !isObj(s) || Object.keys(s).length === 0 || (isObj(s) && noType(s)))
      return fc.jsonValue({ maxDepth: 2 });
    if (typeof s.$ref === 'string') return build(resolveRef(opts.root, s.$ref));
    if ('const' in s) return fc.constant(s.const);
    if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...s.enum);
    const alts = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
    if (Array.isArray(alts) && alts.length > 0) return fc.oneof(...alts.map((a) => build(a)));
    if (Array.isArray(s.allOf) && s.allOf.length > 0) return build(s.allOf[0]);
    if (Array.isArray(s.type)) {
      return fc.oneof(...(s.type as string[]).map((t) => build({ ...s, type: t })));
    }
    const nullable = s.nullable === true;
    const base = buildTyped(s);
    return nullable ? fc.option(base, { nil: null }) : base;
  };
  const noType = (s: JsonSchema) =>
    !('type' in s) &&
    !('$ref' in s) &&
    !('const' in s) &&
    !('enum' in s) &&
    !('anyOf' in s) &&
    !('oneOf' in s) &&
    !('allOf' in s);
  const buildTyped = (s: JsonSchema): fc.Arbitrary<unknown> => {
    switch (s.type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return numberArb(s, true);
      case 'number':
        return numberArb(s, false);
      case 'string':
        return stringArb(s, cap);
      case 'array': {
        const minLength = typeof s.minItems === 'number' ? s.minItems : 0;
        const declaredMax = typeof s.maxItems === 'number' ? s.maxItems : maxItems;
        const maxLength = Math.max(minLength, Math.min(declaredMax, maxItems));
        if (Array.isArray(s.prefixItems)) {
          return fc.tuple(...(s.prefixItems as unknown[]).map((p) => build(p)));
        }
        return fc.array(build(s.items), { minLength, maxLength });
      }
      case 'object':
        return objectArb(s);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  };
  const objectArb = (s: JsonSchema): fc.Arbitrary<unknown> => {
    const props = isObj(s.properties) ? s.properties : {};
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    const keys = Object.keys(props);
    const fixed = fc.record(Object.fromEntries(keys.map((k) => [k, go(props[k], k)])), {
      requiredKeys: keys.filter((k) => required.has(k)),
    });
    // A record/map type (`z.record`): keys from propertyNames, values from additionalProperties.
    if (keys.length === 0 && isObj(s.additionalProperties)) {
      const keyArb = isObj(s.propertyNames)
        ? (build(s.propertyNames) as fc.Arbitrary<string>)
        : fc.string({ minLength: 1, maxLength: 12 });
      return fc.dictionary(keyArb, build(s.additionalProperties), {
        maxKeys: maxItems,
        noNullPrototype: true,
      });
    }
    return fixed;
  };
  return go(schema);
}
