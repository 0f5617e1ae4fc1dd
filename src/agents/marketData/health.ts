/**
 * The Market Data agent's data-health checks: what is wrong with the book and its history before
 * any figure is computed from them. Pure: the request (already validated by the contract), the
 * class of each asset and the policy's `data_health` part in, findings out.
 * docs/agents.md, "Market Data agent".
 */
import type { AssetClass } from '../../contract/common';
import type { DataHealth, DataHealthFinding } from '../../contract/agents';
import {
  DATA_HEALTH_CHECKS,
  type DataHealthCheck,
  type PolicyDocument,
} from '../../contract/policy';
import type { RebalanceRequest } from '../../contract/rebalance';
import { own } from '../../domain/names';
import { neumaierSum } from '../../domain/sums';

type HealthPolicy = PolicyDocument['data_health'];

/** The series an asset's return history is read from (the rule of services/rebalance/history). */
interface AssetSeries {
  /** price_history.prices[asset] (wins), else historical_returns, else none. */
  kind: 'prices' | 'returns' | 'none';
  values: readonly number[];
  /** Input path of the series (`assets.i.historical_returns` when there is none). */
  path: string;
  /** Number of daily returns the series gives: prices − 1, or the returns' count. */
  returns: number;
}

/**
 * Runs the nine data-health checks on a validated rebalance request, in the order of
 * DATA_HEALTH_CHECKS. Every finding carries `severity = policy.severities[check]`, the input
 * `path` at fault, a message with the figures, and `value` / `limit` (numbers or null).
 *
 * Formulas and units (weights are fractions, prices in the portfolio currency, days are calendar
 * days, returns are simple daily returns r_t = p_t / p_{t−1} − 1):
 * - weights_sum: S_c = Σ current_weight. Accepted when |S_c + cash_weight − 1| ≤ tol or
 *   |S_c − 1| ≤ tol (the invested-mix reading of services/rebalance/book.ts), tol =
 *   weight_sum_tolerance. Same for S_t = Σ target_weight with cash_floor (absent: 0). One finding
 *   per side, path `assets`, value = the sum, limit = tol.
 * - duplicate_asset: a holding name equal to another asset's name, or one holding name in two
 *   assets (one security, two sleeves → two orders; one price_history key, two meanings). Path:
 *   the second occurrence in input order. Duplicate asset names, and duplicate holdings inside one
 *   asset, are refused by the contract (400) before this runs.
 * - price_missing: an asset with no holdings and no `price` (its orders cannot be sized in units).
 * - price_mismatch: d = |price / P_last − 1| > price_tolerance, P_last the last price of
 *   price_history.prices[asset]; likewise each holding's last_price against
 *   price_history.prices[holding]. value = d (fraction), limit = price_tolerance.
 * - stale_history (needs as_of and price_history): age = days(as_of) − days(last date).
 *   age > max_history_age_days is stale (path = the last date); age < 0 is history from the
 *   future (path = the first date after as_of, limit 0). value = age in days.
 * - history_gap: g_k = days(dates_k) − days(dates_{k−1}); one finding when any g_k >
 *   max_gap_days: value = the largest g_k, path `price_history.dates.<k>` of that step, message
 *   with how many steps are too long.
 * - misaligned_history: L_i = returns of asset i's series (0 without one), L = max_i L_i. Each
 *   asset with L_i < L cuts the window common to every asset, which the optimizer's sample, ewma
 *   and ledoit_wolf covariances use (the risk figures use each asset's full history where the
 *   method allows; an asset without history makes them null): value = L − L_i returns outside
 *   that window, limit 0. Also a price_history series or
 *   the benchmark whose length differs from price_history.dates (value = |difference|).
 * - outlier_return: m_i = max_t |r_t| over an asset's series (and over the price_history series
 *   of each of its holdings); m_i > outlier_return_bound is a finding with value = m_i and the date
 *   of that return (dates_t for prices; the index for historical_returns).
 * - short_history: L_i < min_history_returns (value = L_i, limit = the minimum).
 *
 * Cost: one pass over the dates and one over each series, so O(input size); no value is ever NaN
 * (dates that do not parse and non-finite numbers, which the contract refuses, are skipped).
 * Findings are ordered by check (DATA_HEALTH_CHECKS), then by asset.
 *
 * @example Weekday dates 2024-01-01..2024-02-09 (30 dates, 29 returns), as_of 2024-02-19, policy
 *   defaults, two assets: A (current 0.6, target 0.5, price 101, prices ending at 100) and B
 *   (current 0.6, target 0.5, price 50, prices 50, 50, …, 5000 on 2024-01-24, …, 50):
 *   - weights_sum: S_c = 1.2, |1.2 − 1| = 0.2 > 0.005 → finding (path assets, value 1.2);
 *     S_t = 1.0 → none;
 *   - price_mismatch: A: |101 / 100 − 1| = 0.01 ≤ 0.1 → none;
 *   - stale_history: 2024-02-19 − 2024-02-09 = 10 days > 7 → finding (value 10, limit 7);
 *   - history_gap: largest step Friday → Monday = 3 days ≤ 7 → none;
 *   - outlier_return: B: 5000 / 50 − 1 = 99 on 2024-01-24 (and −0.99 the day after) → finding
 *     (value 99, limit 0.5);
 *   - short_history: 29 < 252 for A and for B → two findings (value 29, limit 252).
 */
export function checkDataHealth(
  req: RebalanceRequest,
  classes: readonly AssetClass[],
  policy: HealthPolicy,
): DataHealth {
  const found: Record<DataHealthCheck, DataHealthFinding[]> = {
    weights_sum: [],
    duplicate_asset: [],
    price_missing: [],
    price_mismatch: [],
    stale_history: [],
    history_gap: [],
    misaligned_history: [],
    outlier_return: [],
    short_history: [],
  };
  const add = (
    check: DataHealthCheck,
    path: string,
    message: string,
    value: number | null,
    limit: number | null,
  ): void => {
    found[check].push({
      check,
      severity: policy.severities[check],
      path,
      message,
      value: value !== null && Number.isFinite(value) ? value : null,
      limit: limit !== null && Number.isFinite(limit) ? limit : null,
    });
  };
  const label = (i: number): string => {
    const a = req.assets[i];
    const cls = classes[i];
    return a ? `${a.asset}${cls ? ` (${cls})` : ''}` : `asset ${i}`;
  };

  checkWeights(req, policy, add);
  checkDuplicates(req, label, add);
  const series = req.assets.map((_, i) => seriesOf(req, i));
  checkPrices(req, policy, label, add);
  checkDates(req, policy, add);
  checkAlignment(req, series, label, add);
  checkOutliers(req, series, policy, label, add);
  series.forEach((s, i) => {
    if (s.returns < policy.min_history_returns)
      add(
        'short_history',
        s.path,
        s.kind === 'none'
          ? `${label(i)} has no price history or historical_returns; at least ${policy.min_history_returns} daily returns are expected`
          : `${label(i)} has ${s.returns} daily returns; at least ${policy.min_history_returns} are expected`,
        s.returns,
        policy.min_history_returns,
      );
  });

  return {
    checks_run: [...DATA_HEALTH_CHECKS],
    findings: DATA_HEALTH_CHECKS.flatMap((c) => found[c]),
    as_of: req.as_of ?? null,
  };
}

type Add = (
  check: DataHealthCheck,
  path: string,
  message: string,
  value: number | null,
  limit: number | null,
) => void;
type Label = (i: number) => string;

/** weights_sum: Σ w + cash ≈ 1, or Σ w ≈ 1 (the invested mix), for current and target weights. */
function checkWeights(req: RebalanceRequest, policy: HealthPolicy, add: Add): void {
  const tol = policy.weight_sum_tolerance;
  const side = (field: 'current_weight' | 'target_weight', cash: number, cashName: string) => {
    const sum = neumaierSum(req.assets.map((a) => a[field]));
    if (Math.abs(sum + cash - 1) <= tol || Math.abs(sum - 1) <= tol) return;
    const expected =
      cash > 0
        ? `expected ${fmt(1 - cash)} (1 − ${cashName} ${fmt(cash)}) or 1 (the mix of the invested part), ± ${fmt(tol)}`
        : `expected 1 ± ${fmt(tol)}`;
    add(
      'weights_sum',
      'assets',
      `${field} values sum to ${fmt(sum)}; ${expected}; the engine would scale them to sum to ${fmt(1 - cash)}`,
      sum,
      tol,
    );
  };
  side('current_weight', req.cash_weight, 'cash_weight');
  side('target_weight', req.cash_floor ?? 0, 'cash_floor');
}

/** duplicate_asset: one security name used by two assets (as an asset or as a holding). */
function checkDuplicates(req: RebalanceRequest, label: Label, add: Add): void {
  const where = (path: string) => (path.endsWith('.asset') ? 'the asset' : 'a holding of');
  /** name → where it first occurs (asset index, path). */
  const first = new Map<string, { asset: number; path: string }>();
  req.assets.forEach((a, i) => {
    const assetPath = `assets.${i}.asset`;
    const prev = first.get(a.asset);
    // A holding of an earlier asset has this asset's name (earlier asset names are unique).
    if (prev && prev.asset !== i)
      add(
        'duplicate_asset',
        assetPath,
        `asset ${label(i)} has the name of ${where(prev.path)} ${label(prev.asset)} (${prev.path}): one security in two sleeves would be ordered twice and its price_history series is ambiguous`,
        null,
        null,
      );
    else if (!prev) first.set(a.asset, { asset: i, path: assetPath });
    (a.holdings ?? []).forEach((h, j) => {
      const path = `assets.${i}.holdings.${j}.holding`;
      const seen = first.get(h.holding);
      if (seen && seen.asset !== i)
        add(
          'duplicate_asset',
          path,
          `holding "${h.holding}" of ${label(i)} is also ${where(seen.path)} ${label(seen.asset)} (${seen.path}): one security in two sleeves would be ordered twice`,
          null,
          null,
        );
      else if (!seen) first.set(h.holding, { asset: i, path });
    });
  });
}

/** price_missing and price_mismatch (asset price and holding last_price vs price_history). */
function checkPrices(req: RebalanceRequest, policy: HealthPolicy, label: Label, add: Add): void {
  const prices = req.price_history?.prices;
  const tol = policy.price_tolerance;
  const mismatch = (path: string, what: string, price: number, key: string) => {
    const s = own(prices, key);
    const last = s?.[s.length - 1];
    if (last === undefined || !(last > 0) || !Number.isFinite(price)) return;
    const d = price / last - 1;
    if (Math.abs(d) > tol)
      add(
        'price_mismatch',
        path,
        `${what} ${fmt(price)} is ${pct(d)} from the last price ${fmt(last)} of price_history.prices.${key} (accepted: ± ${pct(tol, false)})`,
        Math.abs(d),
        tol,
      );
  };
  req.assets.forEach((a, i) => {
    const hs = a.holdings ?? [];
    if (hs.length === 0 && a.price === undefined)
      add(
        'price_missing',
        `assets.${i}.price`,
        `${label(i)} has no holdings and no price: its orders cannot be sized in units`,
        null,
        null,
      );
  });
  req.assets.forEach((a, i) => {
    if (a.price !== undefined)
      mismatch(`assets.${i}.price`, `price of ${label(i)}`, a.price, a.asset);
    (a.holdings ?? []).forEach((h, j) =>
      mismatch(
        `assets.${i}.holdings.${j}.last_price`,
        `last_price of holding ${h.holding} in ${label(i)}`,
        h.last_price,
        h.holding,
      ),
    );
  });
}

/** stale_history (last date vs as_of) and history_gap (steps between consecutive dates). */
function checkDates(req: RebalanceRequest, policy: HealthPolicy, add: Add): void {
  const dates = req.price_history?.dates;
  if (!dates || dates.length === 0) return;
  const lastIndex = dates.length - 1;
  const lastDate = dates[lastIndex] as string;
  const last = dayNumber(lastDate);
  const asOf = req.as_of === undefined ? NaN : dayNumber(req.as_of);
  if (Number.isFinite(asOf) && Number.isFinite(last)) {
    const age = asOf - last;
    if (age > policy.max_history_age_days)
      add(
        'stale_history',
        `price_history.dates.${lastIndex}`,
        `price_history ends ${lastDate}, ${age} calendar days before as_of ${req.as_of}; at most ${policy.max_history_age_days} are accepted`,
        age,
        policy.max_history_age_days,
      );
    else if (age < 0) {
      let k = lastIndex;
      let after = 0;
      // Dates increase, so the dates after as_of are a suffix: walk back to its start.
      while (k >= 0 && dayNumber(dates[k] as string) > asOf) {
        k--;
        after++;
      }
      add(
        'stale_history',
        `price_history.dates.${k + 1}`,
        `price_history ends ${lastDate}, ${-age} calendar days after as_of ${req.as_of}: ${after} date(s) lie in the future of the valuation date`,
        age,
        0,
      );
    }
  }
  let worst = 0;
  let worstAt = -1;
  let count = 0;
  let prev = dayNumber(dates[0] as string);
  for (let k = 1; k < dates.length; k++) {
    const cur = dayNumber(dates[k] as string);
    const gap = cur - prev;
    if (gap > policy.max_gap_days) {
      count++;
      if (gap > worst) {
        worst = gap;
        worstAt = k;
      }
    }
    prev = cur;
  }
  if (count > 0)
    add(
      'history_gap',
      `price_history.dates.${worstAt}`,
      `${count} step(s) between consecutive price_history dates exceed ${policy.max_gap_days} calendar days; the longest is ${worst} days, ${dates[worstAt - 1]} → ${dates[worstAt]}`,
      worst,
      policy.max_gap_days,
    );
}

/** misaligned_history: series of different lengths, whose most recent common window is shorter. */
function checkAlignment(
  req: RebalanceRequest,
  series: readonly AssetSeries[],
  label: Label,
  add: Add,
): void {
  let longest = 0;
  let longestAt = -1;
  series.forEach((s, i) => {
    if (s.returns > longest) {
      longest = s.returns;
      longestAt = i;
    }
  });
  if (longest > 0)
    series.forEach((s, i) => {
      if (s.returns >= longest) return;
      add(
        'misaligned_history',
        s.path,
        s.kind === 'none'
          ? `${label(i)} has no history while ${label(longestAt)} has ${longest} returns: portfolio risk figures and Monte Carlo, which need every asset's history, are null`
          : `${label(i)} has ${s.returns} returns (${s.path}) while ${label(longestAt)} has ${longest}: the window common to every asset is at most the most recent ${s.returns} days (${longest - s.returns} returns of the longer series outside it), which the optimizer's sample, ewma and ledoit_wolf covariances use; the risk figures use each asset's full history where the method allows (history_observations)`,
        longest - s.returns,
        0,
      );
    });
  const ph = req.price_history;
  if (ph)
    for (const [key, s] of Object.entries(ph.prices))
      if (s.length !== ph.dates.length)
        add(
          'misaligned_history',
          `price_history.prices.${key}`,
          `price_history.prices.${key} has ${s.length} prices but there are ${ph.dates.length} dates`,
          Math.abs(s.length - ph.dates.length),
          0,
        );
  if (req.benchmark) {
    const n = req.benchmark.prices.length;
    if (!ph)
      add(
        'misaligned_history',
        'benchmark.prices',
        `the benchmark has ${n} prices but there is no price_history to date them`,
        null,
        0,
      );
    else if (n !== ph.dates.length)
      add(
        'misaligned_history',
        'benchmark.prices',
        `the benchmark has ${n} prices but there are ${ph.dates.length} dates`,
        Math.abs(n - ph.dates.length),
        0,
      );
  }
}

/** outlier_return: the largest |daily return| of each asset's series and its holdings' series. */
function checkOutliers(
  req: RebalanceRequest,
  series: readonly AssetSeries[],
  policy: HealthPolicy,
  label: Label,
  add: Add,
): void {
  const bound = policy.outlier_return_bound;
  const ph = req.price_history;
  const scanned = new Set<string>();
  const report = (path: string, who: string, m: Extreme, dated: boolean) => {
    if (!(m.abs > bound)) return;
    const when = dated
      ? `on ${ph?.dates[m.at] ?? `index ${m.at}`}`
      : `at historical_returns[${m.at}]`;
    const also = m.count > 1 ? `; ${m.count} returns exceed the bound in all` : '';
    add(
      'outlier_return',
      path,
      `${who} has a daily return of ${pct(m.signed)} ${when}, beyond ± ${pct(bound, false)}${also}: check for a wrong price (e.g. a misplaced decimal) or a missing split adjustment`,
      m.abs,
      bound,
    );
  };
  series.forEach((s, i) => {
    const a = req.assets[i];
    if (!a) return;
    if (s.kind === 'prices') {
      scanned.add(a.asset);
      report(s.path, label(i), priceExtreme(s.values, bound), true);
    } else if (s.kind === 'returns') {
      report(s.path, label(i), returnExtreme(s.values, bound), false);
    }
    for (const h of a.holdings ?? []) {
      const hs = own(ph?.prices, h.holding);
      if (!hs || scanned.has(h.holding)) continue;
      scanned.add(h.holding);
      report(
        `price_history.prices.${h.holding}`,
        `holding ${h.holding} of ${label(i)}`,
        priceExtreme(hs, bound),
        true,
      );
    }
  });
}

/** The largest |return| of a series: its absolute value, sign, index, and how many exceed the bound. */
interface Extreme {
  abs: number;
  signed: number;
  at: number;
  count: number;
}

/** One pass over prices: r_t = p_t / p_{t−1} − 1, t = 1..n−1; `at` = t (the index of p_t). */
function priceExtreme(p: readonly number[], bound: number): Extreme {
  const m: Extreme = { abs: 0, signed: 0, at: -1, count: 0 };
  let prev = p[0];
  for (let t = 1; t < p.length; t++) {
    const cur = p[t] as number;
    if (prev !== undefined && prev > 0 && Number.isFinite(cur)) {
      const r = cur / prev - 1;
      if (Number.isFinite(r)) record(m, r, t, bound);
    }
    prev = cur;
  }
  return m;
}

/** One pass over given returns; `at` = the index in historical_returns. */
function returnExtreme(r: readonly number[], bound: number): Extreme {
  const m: Extreme = { abs: 0, signed: 0, at: -1, count: 0 };
  for (let t = 0; t < r.length; t++) {
    const x = r[t] as number;
    if (Number.isFinite(x)) record(m, x, t, bound);
  }
  return m;
}

function record(m: Extreme, r: number, t: number, bound: number): void {
  const a = Math.abs(r);
  if (a > bound) m.count++;
  if (a > m.abs) {
    m.abs = a;
    m.signed = r;
    m.at = t;
  }
}

/** price_history.prices[asset] wins over historical_returns (services/rebalance/history.ts). */
function seriesOf(req: RebalanceRequest, i: number): AssetSeries {
  const a = req.assets[i];
  const prices = a ? own(req.price_history?.prices, a.asset) : undefined;
  if (a && prices)
    return {
      kind: 'prices',
      values: prices,
      path: `price_history.prices.${a.asset}`,
      returns: Math.max(prices.length - 1, 0),
    };
  const r = a?.historical_returns;
  if (r && r.length > 0)
    return {
      kind: 'returns',
      values: r,
      path: `assets.${i}.historical_returns`,
      returns: r.length,
    };
  return { kind: 'none', values: [], path: `assets.${i}.historical_returns`, returns: 0 };
}

/**
 * Days since 1970-01-01 of a YYYY-MM-DD date in the proleptic Gregorian calendar (Hinnant's
 * days_from_civil): the difference of two is the number of calendar days between them. NaN when
 * the string does not hold three numbers. Example: dayNumber('2024-03-01') − dayNumber('2024-02-28')
 * = 2 (2024 is a leap year).
 */
export function dayNumber(iso: string): number {
  const y0 = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  if (!(Number.isInteger(y0) && Number.isInteger(m) && Number.isInteger(d))) return NaN;
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** A number for a message: up to 6 significant digits, no exponent for ordinary figures. */
function fmt(x: number): string {
  return String(+x.toPrecision(6));
}

/** A fraction as a percentage for a message, signed unless `signed` is false. */
function pct(x: number, signed = true): string {
  const s = `${+(x * 100).toPrecision(4)}%`;
  return signed && x > 0 ? `+${s}` : s;
}
