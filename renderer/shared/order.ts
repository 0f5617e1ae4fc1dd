/**
 * Key order for showing a stored request. Runs and portfolios are stored as canonical JSON (keys
 * sorted), so "assets" would come before "portfolio_value"; in the editor the request reads in
 * the order of the contract's schema instead (scalars first, price history last), with any key
 * the schema does not know kept after the known ones. Values are never changed.
 */
import { RebalanceRequest } from '../../src/contract/rebalance';

/** The parts of a zod 4 schema definition this walk needs (`schema.def`). */
interface SchemaLike {
  def: {
    type: string;
    shape?: Record<string, SchemaLike>;
    innerType?: SchemaLike;
    element?: SchemaLike;
    valueType?: SchemaLike;
    in?: SchemaLike;
  };
}

/** Strips optional / default / nullable / pipe wrappers down to the shape-bearing schema. */
function unwrap(s: SchemaLike | undefined): SchemaLike | undefined {
  let cur = s;
  for (let i = 0; i < 16 && cur; i++) {
    const d = cur.def;
    if (d.innerType) cur = d.innerType;
    else if (d.type === 'pipe' && d.in) cur = d.in;
    else break;
  }
  return cur;
}

/**
 * `value` with object keys in the order of `schema`'s shape, recursively:
 * `orderLike({b: 1, a: 2}, z.object({a: …, b: …}))` → `{a: 2, b: 1}`.
 */
export function orderLike(value: unknown, schema: SchemaLike | undefined): unknown {
  const s = unwrap(schema);
  if (Array.isArray(value)) {
    const el = s?.def.type === 'array' ? s.def.element : undefined;
    return value.map((v) => orderLike(v, el));
  }
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  if (s?.def.type === 'record') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = orderLike(v, s.def.valueType);
    return out;
  }
  const shape = s?.def.type === 'object' ? s.def.shape : undefined;
  if (!shape) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(shape)) if (k in obj) out[k] = orderLike(obj[k], shape[k]);
  for (const k of Object.keys(obj)) if (!(k in out)) out[k] = obj[k];
  return out;
}

/** A rebalance request in the contract's field order (see orderLike). */
export function requestOrder(value: unknown): unknown {
  return orderLike(value, RebalanceRequest as unknown as SchemaLike);
}
