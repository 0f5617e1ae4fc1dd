import { canonicalJson } from './canonical';
import { own } from './names';

export interface Difference {
  path: string;
  a: unknown;
  b: unknown;
}

/** Numeric arrays longer than this are compared as a whole and summarized, not element-wise. */
const SUMMARIZE_ARRAYS_OVER = 16;

/** A side's value as reported; absent (undefined) is null, so it survives JSON. */
function summarize(v: unknown): unknown {
  if (v === undefined) return null;
  if (Array.isArray(v) && v.length > SUMMARIZE_ARRAYS_OVER) {
    return `[${v.length} values]`;
  }
  if (v !== null && typeof v === 'object') return '{…}';
  return v;
}

/**
 * Leaf-by-leaf differences between two JSON values, in a stable order, at most `limit` of them.
 * Long arrays (price series, Monte Carlo bands) are reported once, as a whole, with their
 * lengths, so a changed price history is one line rather than thousands.
 *
 * Example: diffJson({x: 1, y: [1, 2]}, {x: 2, y: [1, 2]}) → [{path: 'x', a: 1, b: 2}]
 */
export function diffJson(a: unknown, b: unknown, limit = 200, path = ''): Difference[] {
  const out: Difference[] = [];
  walk(a, b, path, out, limit);
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: Difference[], limit: number): void {
  if (out.length >= limit) return;
  if (a === b) return;
  const aObj = a !== null && typeof a === 'object';
  const bObj = b !== null && typeof b === 'object';
  if (!aObj || !bObj || Array.isArray(a) !== Array.isArray(b)) {
    out.push({ path: path || '(root)', a: summarize(a), b: summarize(b) });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length > SUMMARIZE_ARRAYS_OVER || b.length > SUMMARIZE_ARRAYS_OVER) {
      if (canonicalJson(a) !== canonicalJson(b))
        out.push({ path, a: summarize(a), b: summarize(b) });
      return;
    }
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) walk(a[i], b[i], path ? `${path}.${i}` : String(i), out, limit);
    return;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort();
  // Own values only: a key on one side alone ("constructor", "__proto__") is absent on the other,
  // never a value inherited from Object.prototype.
  for (const k of keys) walk(own(ao, k), own(bo, k), path ? `${path}.${k}` : k, out, limit);
}
