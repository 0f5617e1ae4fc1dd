/**
 * User-chosen names (assets, holdings, price series, proxies) are data, never object keys that
 * can reach Object.prototype. On a plain object `rec["constructor"]` is the Object function when
 * the user gave no entry of that name, and `rec["__proto__"] = x` replaces the prototype instead
 * of storing x. Reads go through `own`, collections keyed by names start from `byName()`.
 *
 * The contract already hands out null-prototype records (src/contract/names.ts), but a record
 * that crossed a worker boundary (structured clone) or was built by a test or a caller in-process
 * is a plain object again, so readers cannot rely on the prototype.
 */

/**
 * `rec[name]` when `name` is an own key of `rec`, else undefined.
 * Example: own({}, 'constructor') === undefined; own(JSON.parse('{"__proto__": 1}'), '__proto__') === 1.
 */
export function own<V>(
  rec: Readonly<Record<string, V>> | null | undefined,
  name: string,
): V | undefined {
  return rec != null && Object.hasOwn(rec, name) ? rec[name] : undefined;
}

/**
 * An empty object without a prototype, to collect values under user names: `out[name] = v`
 * stores v for every name, `__proto__` included, and JSON.stringify writes it like any other key.
 */
export function byName<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/**
 * A null-prototype copy of the own entries of each record in turn (later ones win), as object
 * spread would merge them but safe to read with `rec[name]`.
 * Example: mergeByName({A: 'x'}, {A: 'y', B: 'z'}) → {A: 'y', B: 'z'} with no prototype.
 */
export function mergeByName<V>(
  ...recs: readonly (Readonly<Record<string, V>> | null | undefined)[]
): Record<string, V> {
  const out = byName<V>();
  for (const r of recs) if (r) for (const [k, v] of Object.entries(r)) out[k] = v;
  return out;
}
