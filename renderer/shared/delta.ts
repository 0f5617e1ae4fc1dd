/**
 * The change shown in the Δ column (the engine's Δ when it gave one, else B − A when both sides
 * are finite numbers, else none) of the A/B comparison table (shared/Compare.tsx).
 *
 * Example: `rowDelta({ a: 0.15, b: 0.2 })` → 0.05; `rowDelta({ a: null, b: 0.2 })` → null.
 */
export function rowDelta(r: {
  a: number | null | undefined;
  b: number | null | undefined;
  delta?: number | null | undefined;
}): number | null {
  if (r.delta !== undefined) return r.delta;
  return typeof r.a === 'number' &&
    typeof r.b === 'number' &&
    Number.isFinite(r.a) &&
    Number.isFinite(r.b)
    ? r.b - r.a
    : null;
}
