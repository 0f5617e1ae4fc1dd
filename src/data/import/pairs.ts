/**
 * Duplicate (symbol, date) pairs in a long price file, found without a string key per row: a Map
 * keyed by `${date}\0${symbol}` held one fresh string per row (2.4 million for a 50 MB file) and
 * dominated the import's time and heap. Here everything is typed arrays: O(n + groups + values).
 */

/**
 * For rows k = 0..n−1 with small-integer keys (group[k], value[k]) — 0 ≤ group[k] < groups,
 * 0 ≤ value[k] < values, group[k] = −1 to leave row k out — returns earlier[k]: the first row
 * before k with the same pair, or −1 when k is the pair's first row (or left out).
 * Method: a stable counting sort of the rows by group, then, group by group, one stamp array
 * over the values marks which were already met in that group and at which row.
 * Example: group [0, 1, 0, 0], value [5, 5, 5, 6] (values = 7) → [−1, −1, 0, −1].
 */
export function earlierSamePair(
  group: Int32Array,
  value: Int32Array,
  groups: number,
  values: number,
): Int32Array {
  const n = group.length;
  const earlier = new Int32Array(n).fill(-1);
  // start[g] .. start[g + 1] is group g's slice of `order`, rows ascending.
  const start = new Int32Array(groups + 1);
  for (let k = 0; k < n; k++) {
    const g = group[k] as number;
    if (g >= 0) start[g + 1] = (start[g + 1] as number) + 1;
  }
  for (let g = 0; g < groups; g++) start[g + 1] = (start[g + 1] as number) + (start[g] as number);
  const next = start.slice(0, groups);
  const order = new Int32Array(start[groups] as number);
  for (let k = 0; k < n; k++) {
    const g = group[k] as number;
    if (g >= 0) {
      const at = next[g] as number;
      order[at] = k;
      next[g] = at + 1;
    }
  }
  // stamp[v] = g + 1 when value v was met in group g (0: never); first[v] = that row.
  const stamp = new Int32Array(values);
  const first = new Int32Array(values);
  for (let g = 0; g < groups; g++)
    for (let p = start[g] as number; p < (start[g + 1] as number); p++) {
      const k = order[p] as number;
      const v = value[k] as number;
      if (stamp[v] === g + 1) earlier[k] = first[v] as number;
      else {
        stamp[v] = g + 1;
        first[v] = k;
      }
    }
  return earlier;
}
