/**
 * The holdings grid's model, as pure functions over the request's `assets` list: weight sums,
 * a new row, and where drafts move when a row is removed.
 */
import { isObject } from './request';

/** Tolerance of the weight sums before the engine rescales them and warns (docs/methods.md, Book). */
export const SUM_TOLERANCE = 0.005;

export interface WeightSums {
  /** Σ current_weight and Σ target_weight over the rows that hold a number there. */
  current: number;
  target: number;
  rows: number;
}

/**
 * Sums of the current and target weights (fractions), skipping values that are not numbers:
 * `weightSums([{current_weight: 0.6, target_weight: 0.5}, {current_weight: 0.4}])` →
 * `{current: 1, target: 0.5, rows: 2}`. Compensated (Neumaier) so 0.1 + 0.2 + … reads exactly.
 */
export function weightSums(assets: readonly unknown[]): WeightSums {
  const sum = (key: string) => {
    let s = 0;
    let c = 0;
    for (const a of assets) {
      const x = isObject(a) ? a[key] : undefined;
      if (typeof x !== 'number' || !Number.isFinite(x)) continue;
      const t = s + x;
      c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
      s = t;
    }
    return s + c;
  };
  return { current: sum('current_weight'), target: sum('target_weight'), rows: assets.length };
}

/**
 * Whether a weight sum is far enough from the expected total that the engine rescales it (with
 * a WEIGHTS_NORMALIZED warning). Current weights are expected to sum to 1 − cash held, targets
 * to 1 − cash floor; a sum of 1 is always accepted as "the mix of the invested part".
 */
export function sumOff(sum: number, expected: number): boolean {
  return Math.abs(sum - 1) > SUM_TOLERANCE && Math.abs(sum - expected) > SUM_TOLERANCE;
}

/**
 * A new asset row: a name not yet used ("New asset 1", "New asset 2" …) and weights of 0, so the
 * row is valid as it stands and a PM types over the values shown. Its price is left out: the
 * engine asks for it (at the price cell) unless holdings are added.
 */
export function newAssetRow(assets: readonly unknown[]): Record<string, unknown> {
  const used = new Set(
    assets.map((a) => (isObject(a) && typeof a.asset === 'string' ? a.asset.trim() : '')),
  );
  let k = 1;
  while (used.has(`New asset ${k}`)) k++;
  return { asset: `New asset ${k}`, target_weight: 0, current_weight: 0 };
}

/**
 * Where a draft's path goes when row `removed` of `list` (e.g. `assets`, or
 * `assets.2.holdings`) is deleted: rows below move up one, the removed row's drafts are dropped.
 * `shiftPath('assets.5.price', 'assets', 3)` → `assets.4.price`; `… 'assets.3.price' …` → null.
 */
export function shiftPath(path: string, list: string, removed: number): string | null {
  const prefix = `${list}.`;
  if (!path.startsWith(prefix)) return path;
  const rest = path.slice(prefix.length);
  const m = /^(\d+)(.*)$/.exec(rest);
  if (!m) return path;
  const i = Number(m[1]);
  if (i === removed) return null;
  return i > removed ? `${prefix}${i - 1}${m[2] ?? ''}` : path;
}
