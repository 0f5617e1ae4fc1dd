/**
 * Records keyed by names the user chose (assets, holdings, price series, proxies).
 *
 * `z.record` builds its output in a plain `{}` and, to keep `obj.__proto__ = …` from replacing
 * that object's prototype, silently skips a `"__proto__"` key. `JSON.parse` makes such a key an
 * ordinary own property, so `price_history: {"prices": {"__proto__": [...]}}` lost the series of
 * the asset named `__proto__` without a word. `nameRecord` is `z.record` (same JSON Schema, same
 * issues and paths) whose output is a null-prototype object holding every own key of the input,
 * `"__proto__"` included: `out[name]` is then that name's value or undefined, never something
 * inherited from Object.prototype (`constructor`, `toString`).
 *
 * Engine code must still read such records with own-property checks (src/domain/names.ts): a
 * structured clone (worker threads) turns a null-prototype object back into a plain one.
 */
import { z } from 'zod';
import * as core from 'zod/v4/core';

type StringKey = core.$ZodType<string, string>;

const PROTO = '__proto__';

/** The input's own `"__proto__"` value, or `absent`. */
const absent: unique symbol = Symbol('absent');
function ownProto(input: unknown): unknown {
  return input !== null && typeof input === 'object' && Object.hasOwn(input, PROTO)
    ? (input as Record<string, unknown>)[PROTO]
    : absent;
}

/**
 * Copies `parsed` into a null-prototype object and adds the `"__proto__"` entry z.record skipped,
 * validated by the record's own key and value schemas, at its position among the input's keys
 * (exact unless the key schema maps two input keys to one).
 */
function withProto(
  payload: core.ParsePayload,
  def: core.$ZodRecordDef,
  inst: core.$ZodType,
  input: unknown,
  proto: unknown,
  ctx: core.ParseContextInternal,
): core.ParsePayload {
  const parsed = payload.value as Record<string, unknown>;
  const out = Object.create(null) as Record<string, unknown>;
  if (proto === absent || parsed === null || typeof parsed !== 'object') {
    if (parsed !== null && typeof parsed === 'object')
      for (const k of Object.keys(parsed)) out[k] = parsed[k];
    else return payload;
    payload.value = out;
    return payload;
  }
  const key = def.keyType._zod.run({ value: PROTO, issues: [] }, ctx);
  if (key instanceof Promise) throw new Error('nameRecord: async key schemas are not supported');
  let entry: { key: string; value: unknown } | null = null;
  if (key.issues.length > 0) {
    payload.issues.push({
      code: 'invalid_key',
      origin: 'record',
      issues: key.issues.map((iss) => core.util.finalizeIssue(iss, ctx, core.config())),
      input: PROTO,
      path: [PROTO],
      inst,
    });
  } else {
    const value = def.valueType._zod.run({ value: proto, issues: [] }, ctx);
    if (value instanceof Promise)
      throw new Error('nameRecord: async value schemas are not supported');
    if (value.issues.length > 0)
      payload.issues.push(...core.util.prefixIssues(PROTO, value.issues));
    entry = { key: key.value as string, value: value.value };
  }
  const at = Object.keys(input as object).indexOf(PROTO);
  const keys = Object.keys(parsed);
  keys.forEach((k, i) => {
    if (i === at && entry) out[entry.key] = entry.value;
    out[k] = parsed[k];
  });
  if (entry && !Object.hasOwn(out, entry.key)) out[entry.key] = entry.value;
  payload.value = out;
  return payload;
}

/** z.record whose parse keeps a `"__proto__"` key and returns a null-prototype object. */
const NameRecord = core.$constructor<z.ZodRecord, core.$ZodRecordDef>('NameRecord', (inst, def) => {
  z.ZodRecord.init(inst, def);
  const parse = inst._zod.parse;
  // Replaced before $ZodType's deferred initializer copies `parse` into `run`; clones (.describe,
  // .meta) are built by this constructor again, so they keep it.
  inst._zod.parse = (payload, ctx) => {
    const input = payload.value;
    const proto = ownProto(input);
    const result = parse(payload, ctx);
    return result instanceof Promise
      ? result.then((r) => withProto(r, def, inst, input, proto, ctx))
      : withProto(result, def, inst, input, proto, ctx);
  };
});

/**
 * A record keyed by user-chosen names: validated exactly like `z.record(keyType, valueType)`
 * (same JSON Schema in the OpenAPI document), but every own key of the input is kept — an asset
 * named `__proto__` keeps its entry — and the output has no prototype.
 *
 * Example: nameRecord(z.string(), z.number()).parse(JSON.parse('{"__proto__": 1, "A": 2}'))
 *   → a null-prototype object with own keys "__proto__" (1) and "A" (2).
 */
export function nameRecord<K extends StringKey, V extends core.$ZodType>(
  keyType: K,
  valueType: V,
): z.ZodRecord<K, V> {
  return new NameRecord({ type: 'record', keyType, valueType }) as unknown as z.ZodRecord<K, V>;
}
