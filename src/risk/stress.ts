/**
 * Stress tests of the Risk agent: what the current and the proposed portfolio would have gained
 * or lost over three historical market crashes, and under the policy's hypothetical shocks.
 * docs/agents.md ("Stress tests") states the rules; this file implements them.
 *
 * - A window return of a price series is P(last date ≤ end) / P(last date ≤ start) − 1, where
 *   each price must be dated no more than `STRESS_MAX_GAP_DAYS` calendar days before the date it
 *   stands for (else the series does not cover the window).
 * - Each asset's return for a window comes from, in this order: its own price history, the
 *   user's proxy series, its asset class's proxy series, else it is unmapped (counted as 0, with
 *   a warning). Shocks apply by_asset, then by_class, else 0.
 * - P&L fraction = Σ w_i r_i (compensated sum); P&L = that fraction × portfolio value, rounded
 *   half away from zero to the currency's minor unit.
 *
 * Pure: no Node built-ins. The shipped library is read by src/server/stressData.ts.
 */
import { EngineError, type AssetClass, type Warning } from '../contract/common';
import type { StressResult } from '../contract/agents';
import type { StressShock } from '../contract/policy';
import { fromMinor, toMinor } from '../execution/money';
import { neumaierSum } from '../domain/sums';

/** A daily price series, dates ISO YYYY-MM-DD strictly ascending, prices finite and > 0. */
export interface PriceSeries {
  dates: readonly string[];
  prices: Float64Array;
}

/** A historical stress window: the return is measured from the close of `start` to `end`. */
export interface StressWindow {
  name: string;
  start: string;
  end: string;
}

/**
 * The historical windows, oldest first (docs/agents.md, "Stress tests"):
 * - Autumn 2008: 2008-09-12 (Friday close before Lehman Brothers filed for bankruptcy on Monday
 *   15 September) to 2008-11-20, the lowest S&P 500 close of 2008 (752.44).
 * - March 2020: 2020-02-19, the S&P 500's record close before COVID-19 (3386.15), to 2020-03-23,
 *   the trough (2237.40).
 * - 2022: 2022-01-03, the record close (4796.56), to 2022-10-12, the year's lowest close (3577.03).
 */
export const STRESS_WINDOWS: readonly StressWindow[] = Object.freeze([
  Object.freeze({ name: 'Autumn 2008', start: '2008-09-12', end: '2008-11-20' }),
  Object.freeze({ name: 'March 2020', start: '2020-02-19', end: '2020-03-23' }),
  Object.freeze({ name: '2022', start: '2022-01-03', end: '2022-10-12' }),
]);

/**
 * Largest number of calendar days between a window date and the price that stands for it (the
 * last price on or before that date). 7 covers weekends and holiday runs; a series that stops
 * trading for longer does not cover the window.
 */
export const STRESS_MAX_GAP_DAYS = 7;

/** The proxy series shipped with the app, merged from every CSV. */
export interface StressLibrary {
  series: ReadonlyMap<string, PriceSeries>;
  /** Series used for an asset class when neither own history nor a user proxy covers a window. */
  classProxies: Partial<Record<AssetClass, string>>;
  /** Attribution of the shipped data (source and licence). */
  credit: string;
}

/** Series used as the class proxy of Stocks, ETF and Mutual Fund. */
export const EQUITY_PROXY_SERIES = 'SP500';

const EQUITY_CLASSES: readonly AssetClass[] = ['Stocks', 'ETF', 'Mutual Fund'];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

/**
 * Parses a wide price CSV: a header `Date,Name1,Name2,…` then one row per date, dates ISO
 * YYYY-MM-DD strictly ascending. CRLF or LF line endings, an optional UTF-8 BOM, blank lines
 * ignored. An empty cell means that series has no price that day (it is left out of the series,
 * so each series keeps only its own dates). A non-empty cell must be a finite number > 0.
 * Throws BAD_REQUEST naming the line (1-based) of the first problems otherwise.
 * Example: "Date,A,B\r\n2020-01-02,1,\r\n2020-01-03,2,5\r\n" →
 *   A: dates [2020-01-02, 2020-01-03], prices [1, 2]; B: dates [2020-01-03], prices [5].
 */
export function parsePriceCsv(text: string): Map<string, PriceSeries> {
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);
  let h = 0;
  while (h < lines.length && (lines[h] as string).trim() === '') h++;
  const details: { path: string; message: string }[] = [];
  const fail = (line: number, message: string): void => {
    if (details.length < 20) details.push({ path: `line ${line}`, message });
  };
  const header = (lines[h] ?? '').split(',').map(unquote);
  const names = header.slice(1);
  if (header.length < 2 || !/^date$/i.test(header[0] ?? '')) {
    throw new EngineError('BAD_REQUEST', 'price CSV must start with a header Date,Name1,…', [
      { path: `line ${h + 1}`, message: 'expected a header Date,Name1,…' },
    ]);
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (n === '' || seen.has(n)) fail(h + 1, `column name "${n}" is empty or repeated`);
    seen.add(n);
  }
  const cols = names.map(() => ({ dates: [] as string[], prices: [] as number[] }));
  let prev = '';
  for (let li = h + 1; li < lines.length; li++) {
    const line = lines[li] as string;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    const date = unquote(cells[0] ?? '');
    if (!ISO_DATE.test(date)) {
      fail(li + 1, `date "${date}" is not YYYY-MM-DD`);
      continue;
    }
    if (date <= prev) fail(li + 1, `dates must be strictly increasing (${date} follows ${prev})`);
    prev = date;
    if (cells.length > names.length + 1)
      fail(li + 1, `${cells.length} cells for ${header.length} columns`);
    for (let c = 0; c < names.length; c++) {
      const cell = unquote(cells[c + 1] ?? '');
      if (cell === '') continue;
      const p = Number(cell);
      if (!(Number.isFinite(p) && p > 0)) {
        fail(li + 1, `${names[c]}: price "${cell}" is not a finite number > 0`);
        continue;
      }
      const col = cols[c]!;
      col.dates.push(date);
      col.prices.push(p);
    }
  }
  if (details.length) throw new EngineError('BAD_REQUEST', 'invalid price CSV', details);
  const out = new Map<string, PriceSeries>();
  names.forEach((n, c) => {
    const col = cols[c]!;
    out.set(n, { dates: col.dates, prices: Float64Array.from(col.prices) });
  });
  return out;
}

/**
 * Merges the series of several price CSVs into one library (a name already read from an earlier
 * file keeps its first series). Class proxies: Stocks, ETF and Mutual Fund → 'SP500' when a file
 * provides it; Commodity, FX and Crypto have none (no honest proxy ships: the library holds US
 * equities, the S&P 500 and US equity factor ETFs only).
 */
export function buildStressLibrary(files: readonly { text: string }[], credit = ''): StressLibrary {
  const series = new Map<string, PriceSeries>();
  for (const f of files) {
    for (const [name, s] of parsePriceCsv(f.text)) if (!series.has(name)) series.set(name, s);
  }
  const classProxies: Partial<Record<AssetClass, string>> = {};
  if (series.has(EQUITY_PROXY_SERIES)) {
    for (const c of EQUITY_CLASSES) classProxies[c] = EQUITY_PROXY_SERIES;
  }
  return { series, classProxies, credit };
}

export interface StressInput {
  /** The book's assets, in the order of the weight vectors. */
  assets: readonly { asset: string; asset_class: AssetClass }[];
  /** The request's price history (dates strictly ascending, each series aligned with dates). */
  priceHistory?:
    { dates: readonly string[]; prices: Readonly<Record<string, readonly number[]>> } | undefined;
  /** Weights as fractions of the portfolio value; cash is the rest and returns 0. */
  current: ArrayLike<number>;
  proposed: ArrayLike<number>;
  /** Portfolio values in currency. */
  valueCurrent: number;
  valueProposed: number;
  /** Minor units per currency unit (100 for USD). */
  scale: number;
  shocks: readonly StressShock[];
  /** Asset → library series name (the user's mapping). */
  proxies: Readonly<Record<string, string>>;
  library: StressLibrary | null;
}

type Source = StressResult['assets'][number]['source'];

/** YYYY-MM-DD of `iso` minus `days` calendar days (proleptic Gregorian, UTC). */
export function isoMinusDays(iso: string, days: number): string {
  const t = Date.UTC(
    Number(iso.slice(0, 4)),
    Number(iso.slice(5, 7)) - 1,
    Number(iso.slice(8, 10)),
  );
  return new Date(t - days * 86_400_000).toISOString().slice(0, 10);
}

interface ResolvedWindow extends StressWindow {
  /** Earliest acceptable date of the start price and of the end price. */
  startFloor: string;
  endFloor: string;
}

const RESOLVED: readonly ResolvedWindow[] = STRESS_WINDOWS.map((w) => ({
  ...w,
  startFloor: isoMinusDays(w.start, STRESS_MAX_GAP_DAYS),
  endFloor: isoMinusDays(w.end, STRESS_MAX_GAP_DAYS),
}));

/** Index of the last entry of dates[0..n) that is ≤ d (ISO strings compare as dates); −1 if none. */
function lastOnOrBefore(dates: readonly string[], n: number, d: string): number {
  let lo = 0;
  let hi = n; // answer in [lo − 1, hi − 1]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((dates[mid] as string) <= d) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Index of the price standing for date d: the last valid (finite, > 0) price dated ≤ d and
 * ≥ floor; −1 when there is none.
 */
function priceIndex(
  dates: readonly string[],
  prices: ArrayLike<number>,
  d: string,
  floor: string,
): number {
  const n = Math.min(dates.length, prices.length);
  for (let k = lastOnOrBefore(dates, n, d); k >= 0 && (dates[k] as string) >= floor; k--) {
    const p = prices[k] as number;
    if (Number.isFinite(p) && p > 0) return k;
  }
  return -1;
}

/**
 * Simple return of a series over a window, P(end) / P(start) − 1 (see `priceIndex` for which
 * prices stand for the two dates), or null when the series does not cover the window.
 */
export function windowReturn(
  dates: readonly string[],
  prices: ArrayLike<number>,
  window: StressWindow,
): number | null {
  const w =
    RESOLVED.find((r) => r.start === window.start && r.end === window.end) ??
    ({
      ...window,
      startFloor: isoMinusDays(window.start, STRESS_MAX_GAP_DAYS),
      endFloor: isoMinusDays(window.end, STRESS_MAX_GAP_DAYS),
    } satisfies ResolvedWindow);
  return resolvedReturn(dates, prices, w);
}

function resolvedReturn(
  dates: readonly string[],
  prices: ArrayLike<number>,
  w: ResolvedWindow,
): number | null {
  const i = priceIndex(dates, prices, w.start, w.startFloor);
  if (i < 0) return null;
  const j = priceIndex(dates, prices, w.end, w.endFloor);
  if (j < i) return null;
  return (prices[j] as number) / (prices[i] as number) - 1;
}

/**
 * Window returns of a library series, one per STRESS_WINDOWS entry, computed on first use and
 * kept for as long as the series object lives (library series are immutable once built).
 */
const WINDOW_RETURNS = new WeakMap<PriceSeries, readonly (number | null)[]>();

function seriesWindowReturns(s: PriceSeries): readonly (number | null)[] {
  let r = WINDOW_RETURNS.get(s);
  if (!r) {
    r = RESOLVED.map((w) => resolvedReturn(s.dates, s.prices, w));
    WINDOW_RETURNS.set(s, r);
  }
  return r;
}

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function finiteOr0(x: number | undefined): number {
  return x !== undefined && Number.isFinite(x) ? x : 0;
}

/** P&L of a weight vector under per-asset returns (null counted as 0). */
function pnlOf(
  weights: ArrayLike<number>,
  returns: readonly (number | null)[],
  value: number,
  scale: number,
): StressResult['current'] {
  const terms = new Float64Array(returns.length);
  for (let i = 0; i < returns.length; i++) {
    terms[i] = finiteOr0(weights[i]) * (returns[i] ?? 0);
  }
  const pct = neumaierSum(terms) || 0;
  return { pnl: fromMinor(toMinor(pct * finiteOr0(value), scale), scale), pnl_pct: pct };
}

const MAX_NAMES_IN_WARNING = 20;

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, MAX_NAMES_IN_WARNING).join(', ');
  const more = names.length - MAX_NAMES_IN_WARNING;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

/**
 * Runs the historical windows (STRESS_WINDOWS order) then the shocks (policy order) for the
 * current and the proposed weights. Never NaN: a return that cannot be found is null, counted as
 * 0 and reported (STRESS_UNMAPPED, one warning per window); a user proxy naming no library
 * series gives STRESS_PROXY_UNKNOWN (path stress_proxies.<asset>).
 * Cost after the library is built: two binary searches per asset and window for own histories;
 * a library series' window returns are computed once (first use) and cached with the series.
 */
export function runStressTests(input: StressInput): {
  results: StressResult[];
  warnings: Warning[];
} {
  const { assets, priceHistory, library, proxies } = input;
  const n = assets.length;
  const scale = input.scale > 0 && Number.isFinite(input.scale) ? input.scale : 1;
  const warnings: Warning[] = [];
  const results: StressResult[] = [];

  // The user proxy of each asset, when the library holds that series.
  const userProxy: (string | null)[] = new Array<string | null>(n).fill(null);
  for (let i = 0; i < n; i++) {
    const a = assets[i]!;
    if (!has(proxies, a.asset)) continue;
    const name = proxies[a.asset] as string;
    if (library?.series.has(name)) userProxy[i] = name;
    else {
      warnings.push({
        code: 'STRESS_PROXY_UNKNOWN',
        message: library
          ? `stress proxy "${name}" of ${a.asset} is not a series of the stress library (${listNames([...library.series.keys()])}); the asset falls back to its own history or class proxy`
          : `stress proxy "${name}" of ${a.asset} cannot be used: no stress library is loaded`,
        path: `stress_proxies.${a.asset}`,
      });
    }
  }

  const libReturn = (name: string, wi: number): number | null => {
    const s = library?.series.get(name);
    return s ? seriesWindowReturns(s)[wi]! : null;
  };

  for (let wi = 0; wi < RESOLVED.length; wi++) {
    const w = RESOLVED[wi]!;
    const returns: (number | null)[] = new Array<number | null>(n);
    const impacts: StressResult['assets'] = new Array<StressResult['assets'][number]>(n);
    const unmapped: string[] = [];
    const unmappedW: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = assets[i]!;
      let r: number | null = null;
      let source: Source = 'unmapped';
      let series: string | null = null;
      if (priceHistory && has(priceHistory.prices, a.asset)) {
        r = resolvedReturn(priceHistory.dates, priceHistory.prices[a.asset]!, w);
        if (r !== null) {
          source = 'own_history';
          series = a.asset;
        }
      }
      const up = userProxy[i];
      if (r === null && up) {
        r = libReturn(up, wi);
        if (r !== null) {
          source = 'proxy';
          series = up;
        }
      }
      const cp = library?.classProxies[a.asset_class];
      if (r === null && cp && library.series.has(cp)) {
        r = libReturn(cp, wi);
        if (r !== null) {
          source = 'class_proxy';
          series = cp;
        }
      }
      if (r === null) {
        unmapped.push(a.asset);
        unmappedW.push(finiteOr0(input.proposed[i]));
      }
      returns[i] = r;
      impacts[i] = { asset: a.asset, asset_class: a.asset_class, return: r, source, series };
    }
    const unmappedWeight = neumaierSum(unmappedW) || 0;
    if (unmapped.length) {
      warnings.push({
        code: 'STRESS_UNMAPPED',
        message: `${w.name} (${w.start}..${w.end}): no price history, proxy or class proxy covers ${listNames(unmapped)}; counted as a 0% return (proposed weight ${(unmappedWeight * 100).toFixed(2)}%). Map them in stress_proxies.`,
      });
    }
    results.push({
      name: w.name,
      kind: 'historical',
      start: w.start,
      end: w.end,
      current: pnlOf(input.current, returns, input.valueCurrent, scale),
      proposed: pnlOf(input.proposed, returns, input.valueProposed, scale),
      unmapped_weight: unmappedWeight,
      assets: impacts,
    });
  }

  for (const shock of input.shocks) {
    const byAsset = shock.by_asset ?? {};
    const byClass = shock.by_class ?? {};
    const returns: number[] = new Array<number>(n);
    const impacts: StressResult['assets'] = new Array<StressResult['assets'][number]>(n);
    for (let i = 0; i < n; i++) {
      const a = assets[i]!;
      const r = has(byAsset, a.asset)
        ? finiteOr0(byAsset[a.asset])
        : has(byClass, a.asset_class)
          ? finiteOr0(byClass[a.asset_class])
          : 0;
      returns[i] = r;
      impacts[i] = {
        asset: a.asset,
        asset_class: a.asset_class,
        return: r,
        source: 'shock',
        series: null,
      };
    }
    results.push({
      name: shock.name,
      kind: 'shock',
      start: null,
      end: null,
      current: pnlOf(input.current, returns, input.valueCurrent, scale),
      proposed: pnlOf(input.proposed, returns, input.valueProposed, scale),
      unmapped_weight: 0,
      assets: impacts,
    });
  }
  return { results, warnings };
}

/**
 * The worst stress result for the proposed book: the lowest proposed pnl_pct, ties by name
 * (code-unit order); null when there is none. The Supervisor's stress-loss check and the
 * copilot brief both name this one.
 * @example worstStress([{name: 'B', proposed: {pnl_pct: -0.2}}, {name: 'A', proposed: {pnl_pct: -0.2}}]) → A
 */
export function worstStress(results: readonly StressResult[]): StressResult | null {
  let worst: StressResult | null = null;
  for (const s of results)
    if (
      worst === null ||
      s.proposed.pnl_pct < worst.proposed.pnl_pct ||
      (s.proposed.pnl_pct === worst.proposed.pnl_pct && s.name < worst.name)
    )
      worst = s;
  return worst;
}
