/**
 * Merging imported price series into the request in the editor, keeping everything aligned.
 *
 * A rebalance request holds one set of dates (`price_history.dates`) and every series in
 * `price_history.prices` and the benchmark's prices are aligned with it. A merge therefore adds or
 * replaces only the chosen series and cuts the request's other series and its benchmark to the
 * dates every one of them shares with the chosen series, so the next run is valid. Pure: no React,
 * no I/O (unit-tested in test/unit/renderer/merge.test.ts).
 */
import { LIMITS } from '../../src/contract/rebalance';

/** One series over its own dates (ascending ISO dates, prices aligned with them). */
export interface Series {
  dates: readonly string[];
  prices: readonly number[];
}

/** What a merge changed, for the report shown to the user. */
export interface MergeChange {
  /** Chosen series the request did not have. */
  added: string[];
  /** Chosen series that replaced a series of the same name. */
  replaced: string[];
  /** The request's other series, kept and cut to the merged dates. */
  kept: string[];
  datesBefore: number;
  datesAfter: number;
  firstBefore: string | null;
  lastBefore: string | null;
  firstAfter: string;
  lastAfter: string;
  /** Oldest common dates left out because a request holds at most LIMITS.maxHistory dates. */
  truncated: number;
  /** null when the request has no benchmark. */
  benchmark: {
    name: string;
    /** True when its prices were cut to the merged dates (some points dropped). */
    realigned: boolean;
    pointsBefore: number;
    pointsAfter: number;
    dropped: number;
  } | null;
  /** Assets with no series of their own and not every holding priced, after the merge. */
  assetsWithoutPrices: string[];
  assetCount: number;
}

export type MergeOutcome =
  | { ok: true; request: Record<string, unknown>; change: MergeChange }
  | { ok: false; reason: string };

interface History {
  dates: string[];
  /** Series in the request's key order. */
  series: [string, number[]][];
}

interface Benchmark {
  name: string;
  prices: number[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const isNumberArray = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number');

/**
 * The dates every given series has, ascending. Example: A on d1,d2,d3 and B on d2,d3,d4 →
 * [d2, d3]; no series → [].
 */
export function commonDates(series: readonly Series[]): string[] {
  const [first, ...rest] = series;
  if (!first) return [];
  let keep = new Set(first.dates);
  for (const s of rest) {
    const next = new Set<string>();
    for (const d of s.dates) if (keep.has(d)) next.add(d);
    keep = next;
  }
  return [...keep].sort();
}

/**
 * The number of distinct dates across the given series (their union). Example: A on d1,d2 and
 * B on d2,d3 → 3.
 */
export function unionCount(series: readonly Series[]): number {
  const all = new Set<string>();
  for (const s of series) for (const d of s.dates) all.add(d);
  return all.size;
}

/** Reads the request's price_history; a reason string when it is not one set of aligned dates. */
function readHistory(ph: unknown): History | null | string {
  if (ph === undefined || ph === null) return null;
  if (!isObject(ph) || !Array.isArray(ph.dates) || !isObject(ph.prices))
    return 'its price_history is not an object with dates and prices';
  const dates = ph.dates;
  if (!dates.every((d): d is string => typeof d === 'string'))
    return 'its price_history.dates are not all dates';
  for (let i = 1; i < dates.length; i++)
    if (!((dates[i] as string) > (dates[i - 1] as string)))
      return `its price_history.dates are not in ascending order (${dates[i]} follows ${dates[i - 1]})`;
  const series: [string, number[]][] = [];
  for (const [name, values] of Object.entries(ph.prices)) {
    if (!isNumberArray(values)) return `its price_history series ${name} is not a list of prices`;
    if (values.length !== dates.length)
      return `its price_history series ${name} has ${values.length} prices for ${dates.length} dates`;
    series.push([name, values]);
  }
  return { dates, series };
}

/** Reads the request's benchmark; a reason string when it cannot be aligned with the history. */
function readBenchmark(b: unknown, history: History | null): Benchmark | null | string {
  if (b === undefined || b === null) return null;
  if (!isObject(b) || !isNumberArray(b.prices)) return 'its benchmark has no list of prices';
  const name = typeof b.name === 'string' ? b.name : 'Benchmark';
  if (!history)
    return 'it has a benchmark but no price_history, so the benchmark’s dates are unknown';
  if (b.prices.length !== history.dates.length)
    return `its benchmark has ${b.prices.length} prices for ${history.dates.length} price_history dates, so they cannot be matched by date`;
  return { name, prices: b.prices };
}

/** Picks `values` (aligned with `from`) at `dates`, which must all be in `from`. */
function slice(values: readonly number[], from: Map<string, number>, dates: string[]): number[] {
  return dates.map((d) => values[from.get(d) as number] as number);
}

/** Assets that have neither a series of their own nor a series for every one of their holdings. */
function withoutPrices(assets: unknown, have: ReadonlySet<string>): [string[], number] {
  if (!Array.isArray(assets)) return [[], 0];
  const missing: string[] = [];
  for (const a of assets) {
    if (!isObject(a)) continue;
    const name = String(a.asset);
    const hs = Array.isArray(a.holdings) ? a.holdings : [];
    const heldPriced = hs.length > 0 && hs.every((h) => isObject(h) && have.has(String(h.holding)));
    if (!have.has(name) && !heldPriced) missing.push(name);
  }
  return [missing, assets.length];
}

const span = (dates: readonly string[]) =>
  dates.length ? `${dates[0]} … ${dates[dates.length - 1]}` : 'no dates';

/**
 * Adds or replaces only the `chosen` series of `imported` in `request.price_history`.
 *
 * The merged dates are those common to the request's series that are kept (every series not
 * chosen), its benchmark (aligned with the request's dates) and each chosen series; when the
 * request keeps nothing dated (no history, or every series replaced and no benchmark) they are
 * the chosen series' common dates. Kept series and the benchmark are cut to those dates, so
 * everything stays aligned; at most the most recent LIMITS.maxHistory dates are kept. Fewer than
 * 2 merged dates → `{ok: false, reason}` and nothing changes. Other fields of the request are
 * untouched (same key order; price_history is added at the end when new).
 *
 * Example: request dates d1..d4 with A and a 4-point benchmark; chosen B on d2..d5 → dates
 * d2..d4, A and the benchmark cut to 3 points (1 dropped), B added.
 */
export function mergeSeries(
  request: unknown,
  imported: ReadonlyMap<string, Series>,
  chosen: readonly string[],
): MergeOutcome {
  if (!isObject(request))
    return {
      ok: false,
      reason: 'The editor holds no request to merge into: load a scenario, portfolio or run first.',
    };
  if (chosen.length === 0) return { ok: false, reason: 'Choose at least one series to merge.' };
  const picked: [string, Series][] = [];
  for (const name of chosen) {
    const s = imported.get(name);
    if (!s) return { ok: false, reason: `The import has no series “${name}”.` };
    if (s.dates.length !== s.prices.length)
      return { ok: false, reason: `The imported series “${name}” is not aligned with its dates.` };
    picked.push([name, s]);
  }
  const history = readHistory(request.price_history);
  if (typeof history === 'string')
    return { ok: false, reason: `The request cannot take prices: ${history}. Fix it first.` };
  const bench = readBenchmark(request.benchmark, history);
  if (typeof bench === 'string')
    return { ok: false, reason: `The request cannot take prices: ${bench}. Fix it first.` };

  const chosenSet = new Set(chosen);
  const kept = history ? history.series.filter(([n]) => !chosenSet.has(n)) : [];
  const existing = new Set(history ? history.series.map(([n]) => n) : []);
  // The request's dates constrain the merge only while something stays on them.
  const anchor = history !== null && (kept.length > 0 || bench !== null) ? history : null;
  const constraints: Series[] = picked.map(([, s]) => s);
  if (anchor) constraints.unshift({ dates: anchor.dates, prices: [] });
  const common = commonDates(constraints);
  const dates = common.slice(Math.max(0, common.length - LIMITS.maxHistory));
  if (dates.length < 2) {
    const own = commonDates(picked.map(([, s]) => s));
    const few = (n: number) => `only ${n} date${n === 1 ? '' : 's'}`;
    let why: string;
    if (own.length < 2) {
      // Name the series that starts last: it is usually the one that leaves nothing in common.
      const late = picked.reduce((a, b) => ((b[1].dates[0] ?? '') > (a[1].dates[0] ?? '') ? b : a));
      why = `The chosen series share ${few(own.length)} (${late[0]} starts on ${late[1].dates[0] ?? 'no date'})`;
    } else {
      why = `The chosen series (${span(own)}) and the request’s history (${span(anchor?.dates ?? [])}) share ${few(dates.length)}`;
    }
    return { ok: false, reason: `${why}; a price history needs at least 2. Nothing was changed.` };
  }

  const reqIndex = new Map((history?.dates ?? []).map((d, i) => [d, i]));
  // Asset names are data: a null-prototype object has no inherited keys for them to hit.
  const prices = Object.create(null) as Record<string, number[]>;
  const replacement = new Map(picked);
  for (const [name, values] of history?.series ?? []) {
    const s = replacement.get(name);
    prices[name] = s
      ? slice(s.prices, new Map(s.dates.map((d, i) => [d, i])), dates)
      : slice(values, reqIndex, dates);
  }
  for (const [name, s] of picked)
    if (!existing.has(name))
      prices[name] = slice(s.prices, new Map(s.dates.map((d, i) => [d, i])), dates);

  const next: Record<string, unknown> = { ...request, price_history: { dates, prices } };
  let benchmark: MergeChange['benchmark'] = null;
  if (bench) {
    const cut = slice(bench.prices, reqIndex, dates);
    next.benchmark = { ...(request.benchmark as Record<string, unknown>), prices: cut };
    benchmark = {
      name: bench.name,
      realigned: cut.length !== bench.prices.length,
      pointsBefore: bench.prices.length,
      pointsAfter: cut.length,
      dropped: bench.prices.length - cut.length,
    };
  }
  const [assetsWithoutPrices, assetCount] = withoutPrices(
    request.assets,
    new Set(Object.keys(prices)),
  );
  const before = history?.dates ?? [];
  return {
    ok: true,
    request: next,
    change: {
      added: chosen.filter((n) => !existing.has(n)),
      replaced: chosen.filter((n) => existing.has(n)),
      kept: kept.map(([n]) => n),
      datesBefore: before.length,
      datesAfter: dates.length,
      firstBefore: before[0] ?? null,
      lastBefore: before[before.length - 1] ?? null,
      firstAfter: dates[0] as string,
      lastAfter: dates[dates.length - 1] as string,
      truncated: common.length - dates.length,
      benchmark,
      assetsWithoutPrices,
      assetCount,
    },
  };
}

/**
 * The imported series by name, from an import answer: `series_history` (each series over its
 * own range) when present, else every series of `price_history` on its common dates.
 * Example: price_history {dates [d1, d2], prices {A: [1, 2]}} → Map {A → {dates [d1, d2],
 * prices [1, 2]}}.
 */
export function importedSeries(imp: {
  price_history: { dates: string[]; prices: Record<string, number[]> } | null;
  series_history: Record<string, { dates: string[]; prices: number[] }> | null;
}): Map<string, Series> {
  const out = new Map<string, Series>();
  if (imp.series_history) {
    for (const [name, s] of Object.entries(imp.series_history)) out.set(name, s);
  } else if (imp.price_history) {
    const { dates } = imp.price_history;
    for (const [name, prices] of Object.entries(imp.price_history.prices))
      out.set(name, { dates, prices });
  }
  return out;
}

/**
 * The chosen series cut to the dates all of them share (the `intersection` date policy), so
 * what is merged is exactly what the policy shows. Example: A on d1..d3, B on d2..d3 → both on
 * [d2, d3].
 */
export function onCommonDates(
  imported: ReadonlyMap<string, Series>,
  chosen: readonly string[],
): Map<string, Series> {
  const picked = chosen.map((n) => imported.get(n)).filter((s): s is Series => s !== undefined);
  const dates = commonDates(picked);
  const out = new Map<string, Series>();
  for (const name of chosen) {
    const s = imported.get(name);
    if (!s) continue;
    const at = new Map(s.dates.map((d, i) => [d, i]));
    out.set(name, { dates, prices: slice(s.prices, at, dates) });
  }
  return out;
}
