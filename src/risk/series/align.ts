/**
 * Aligning return series with each other (a benchmark with a series, the weighted series of a
 * portfolio), docs/methods.md "Metrics of return series":
 * - by date when every series has dates: the returns on the dates they all have (an inner join;
 *   ISO dates compare as strings in calendar order, so each join is one merge of sorted lists);
 * - by position otherwise: the most recent m = min(n_i) returns of each (histories end together,
 *   e.g. today), so a longer history loses its oldest returns.
 */

/** Which observations of each series are aligned: index lists, or a common tail length. */
export type Alignment =
  { by: 'dates'; n: number; dates: string[]; index: Int32Array[] } | { by: 'position'; n: number };

/**
 * The alignment of series with `lengths` and optional `dates` (dates[i] null when series i has
 * none; when not all have dates the alignment is by position).
 * Example: dates [['2024-01-02', '2024-01-03', '2024-01-04'], ['2024-01-03', '2024-01-04']] →
 * by dates, n = 2, index [[1, 2], [0, 1]]; lengths [5, 3] without dates → by position, n = 3
 * (series 0 from index 2).
 */
export function alignSeries(
  lengths: readonly number[],
  dates: readonly (readonly string[] | null)[],
): Alignment {
  if (lengths.length > 0 && dates.every((d) => d !== null)) {
    const lists = dates as readonly (readonly string[])[];
    let common: readonly string[] = lists[0]!;
    for (let i = 1; i < lists.length; i++) {
      const next = lists[i]!;
      if (next === common || sameDates(next, common)) continue;
      common = intersect(common, next);
    }
    const index = lists.map((l) => positionsOf(common, l));
    return { by: 'dates', n: common.length, dates: [...common], index };
  }
  return { by: 'position', n: lengths.length ? Math.min(...lengths) : 0 };
}

function sameDates(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Sorted-list intersection (both strictly increasing). */
function intersect(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}

/** Index in `list` of each element of `sub` (a subsequence of the strictly increasing list). */
function positionsOf(sub: readonly string[], list: readonly string[]): Int32Array {
  const out = new Int32Array(sub.length);
  let j = 0;
  for (let i = 0; i < sub.length; i++) {
    const d = sub[i]!;
    while (list[j] !== d) j++;
    out[i] = j;
  }
  return out;
}

/**
 * Series i's aligned returns, written to `out` (length ≥ alignment.n) and returned as a view of
 * length n; by position, the view is of `r` itself (its last n values) and nothing is copied.
 */
export function alignedValues(
  r: Float64Array,
  a: Alignment,
  i: number,
  out: Float64Array,
): Float64Array {
  if (a.by === 'position') return r.subarray(r.length - a.n);
  const idx = a.index[i]!;
  const v = out.subarray(0, a.n);
  for (let t = 0; t < a.n; t++) v[t] = r[idx[t]!]!;
  return v;
}
