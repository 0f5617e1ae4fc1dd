/**
 * The Market Data agent's data-health checks (src/agents/marketData/health.ts): a clean book gives
 * no finding, each check fires alone on a crafted input with its path, value, limit and severity,
 * and real prices (test/fixtures/skfolio_sp500_dataset.csv) pass.
 */
import { describe, expect, it } from 'vitest';
import type { AssetClass } from '../../../src/contract/common';
import type { DataHealth } from '../../../src/contract/agents';
import { DATA_HEALTH_CHECKS, PolicyDocument } from '../../../src/contract/policy';
import { RebalanceRequest, type RebalanceRequestInput } from '../../../src/contract/rebalance';
import { resolveAssetClass } from '../../../src/domain/weights';
import { checkDataHealth, dayNumber } from '../../../src/agents/marketData/health';
import { loadPrices } from '../risk/fixtures';

type AssetIn = RebalanceRequestInput['assets'][number];

const DEFAULT = PolicyDocument.parse({}).data_health;

/** `n` weekday dates from Monday 2023-01-02, as YYYY-MM-DD. */
function weekdays(n: number, start = '2023-01-02'): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  while (out.length < n) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** A deterministic price path: p_0 = start, daily returns of at most ±1.5%. */
function path(n: number, start: number, phase: number): number[] {
  const p = [start];
  for (let t = 1; t < n; t++)
    p.push((p[t - 1] as number) * (1 + 0.01 * Math.sin(0.7 * t + phase) + 0.0003));
  return p;
}

const NAMES = ['AAA', 'BBB', 'CCC'] as const;

/** Three assets with `n` prices each on weekday dates, weights 1/3, price = last price, as_of = last date. */
function cleanInput(n = 300): RebalanceRequestInput {
  const dates = weekdays(n);
  const prices: Record<string, number[]> = {};
  NAMES.forEach((a, i) => (prices[a] = path(n, 50 + 25 * i, i)));
  return {
    portfolio_value: 1_000_000,
    as_of: dates[n - 1],
    assets: NAMES.map((a) => ({
      asset: a,
      asset_class: 'Stocks' as const,
      current_weight: 1 / 3,
      target_weight: 1 / 3,
      price: last(prices[a] as number[]),
    })),
    price_history: { dates, prices },
  };
}

const last = (xs: readonly number[]): number => xs[xs.length - 1] as number;

function run(input: RebalanceRequestInput, policy = DEFAULT): DataHealth {
  const req = RebalanceRequest.parse(input);
  const classes: AssetClass[] = req.assets.map((a, i) =>
    resolveAssetClass(a.asset, a.asset_class, i, []),
  );
  return checkDataHealth(req, classes, policy);
}

function assetAt(input: RebalanceRequestInput, i: number): AssetIn {
  return input.assets[i] as AssetIn;
}

function seriesOf(input: RebalanceRequestInput, name: string): number[] {
  return input.price_history?.prices[name] as number[];
}

describe('checkDataHealth: a clean book', () => {
  it('gives no finding, runs all nine checks and echoes as_of', () => {
    const input = cleanInput();
    const h = run(input);
    expect(h.findings).toEqual([]);
    expect(h.checks_run).toEqual([...DATA_HEALTH_CHECKS]);
    expect(h.as_of).toBe(input.price_history?.dates[299]);
  });

  it('accepts weights that describe the invested mix or add up with cash', () => {
    const mix = cleanInput();
    mix.cash_weight = 0.1; // Σ current = 1: the invested-mix reading
    mix.cash_floor = 0.05;
    expect(run(mix).findings).toEqual([]);
    const withCash = cleanInput();
    withCash.cash_weight = 0.1;
    withCash.cash_floor = 0.1;
    withCash.assets.forEach((a) => {
      a.current_weight = 0.3;
      a.target_weight = 0.3;
    });
    expect(run(withCash).findings).toEqual([]);
  });

  it('leaves as_of null (and staleness unchecked) when the request has none', () => {
    const input = cleanInput();
    delete input.as_of;
    const h = run(input);
    expect(h.as_of).toBeNull();
    expect(h.findings).toEqual([]);
  });

  it('a holding equal to its own asset is not a duplicate', () => {
    const input = cleanInput();
    const a = assetAt(input, 0);
    a.holdings = [{ holding: 'AAA', holding_weight: 1, last_price: a.price as number }];
    expect(run(input).findings).toEqual([]);
  });
});

describe('checkDataHealth: each check alone', () => {
  it('weights_sum: current weights summing to 1.2', () => {
    const input = cleanInput();
    input.assets.forEach((a) => (a.current_weight = 0.4));
    const h = run(input);
    expect(h.findings).toHaveLength(1);
    const f = h.findings[0];
    expect(f).toMatchObject({
      check: 'weights_sum',
      severity: 'review',
      path: 'assets',
      limit: 0.005,
    });
    expect(f?.value).toBeCloseTo(1.2, 12);
    expect(f?.message).toContain('current_weight values sum to 1.2');
  });

  it('weights_sum: current and target both off give two findings, current first', () => {
    const input = cleanInput();
    input.cash_weight = 0.05;
    input.assets.forEach((a) => {
      a.current_weight = 0.2; // 0.6 + 0.05 = 0.65
      a.target_weight = 0.4; // 1.2
    });
    const h = run(input);
    expect(h.findings.map((f) => [f.check, f.path])).toEqual([
      ['weights_sum', 'assets'],
      ['weights_sum', 'assets'],
    ]);
    expect(h.findings[0]?.value).toBeCloseTo(0.6, 12);
    expect(h.findings[0]?.message).toContain('current_weight');
    expect(h.findings[0]?.message).toContain(
      'sum to 0.6; expected 0.95 (1 − cash_weight 0.05) or 1',
    );
    expect(h.findings[1]?.value).toBeCloseTo(1.2, 12);
    expect(h.findings[1]?.message).toContain('target_weight');
  });

  it('weights_sum: a sum just inside the tolerance passes, just outside fails', () => {
    const inside = cleanInput();
    assetAt(inside, 0).current_weight = 1 / 3 + 0.0049;
    expect(run(inside).findings).toEqual([]);
    const outside = cleanInput();
    assetAt(outside, 0).current_weight = 1 / 3 + 0.0051;
    expect(run(outside).findings.map((f) => f.check)).toEqual(['weights_sum']);
  });

  it('duplicate_asset: one holding in two sleeves, path at the second occurrence', () => {
    const input = cleanInput();
    assetAt(input, 1).holdings = [{ holding: 'XYZ', holding_weight: 1, last_price: 10 }];
    assetAt(input, 2).holdings = [
      { holding: 'QQQ', holding_weight: 0.5, last_price: 10 },
      { holding: 'XYZ', holding_weight: 0.5, last_price: 10 },
    ];
    const h = run(input);
    expect(h.findings).toHaveLength(1);
    expect(h.findings[0]).toMatchObject({
      check: 'duplicate_asset',
      severity: 'block',
      path: 'assets.2.holdings.1.holding',
      value: null,
      limit: null,
    });
    expect(h.findings[0]?.message).toContain('assets.1.holdings.0.holding');
  });

  it('duplicate_asset: a holding named like another asset (either order)', () => {
    const later = cleanInput();
    assetAt(later, 0).holdings = [
      { holding: 'CCC', holding_weight: 1, last_price: assetAt(later, 2).price as number },
    ];
    const h1 = run(later);
    expect(h1.findings.map((f) => [f.check, f.path])).toEqual([
      ['duplicate_asset', 'assets.2.asset'],
    ]);
    const earlier = cleanInput();
    assetAt(earlier, 2).holdings = [
      { holding: 'AAA', holding_weight: 1, last_price: assetAt(earlier, 0).price as number },
    ];
    const h2 = run(earlier);
    expect(h2.findings.map((f) => [f.check, f.path])).toEqual([
      ['duplicate_asset', 'assets.2.holdings.0.holding'],
    ]);
    expect(h2.findings[0]?.message).toContain('the asset AAA (Stocks)');
  });

  it('price_missing: an asset with no holdings and no price (the contract refuses it; checked anyway)', () => {
    const req = RebalanceRequest.parse(cleanInput());
    delete (req.assets[1] as { price?: number }).price;
    const h = checkDataHealth(req, ['Stocks', 'Stocks', 'Stocks'], DEFAULT);
    expect(h.findings).toEqual([
      expect.objectContaining({
        check: 'price_missing',
        severity: 'review',
        path: 'assets.1.price',
        value: null,
        limit: null,
      }),
    ]);
  });

  it('price_mismatch: an asset price 20% above its last history price', () => {
    const input = cleanInput();
    const p = last(seriesOf(input, 'BBB'));
    assetAt(input, 1).price = p * 1.2;
    const h = run(input);
    expect(h.findings).toHaveLength(1);
    expect(h.findings[0]).toMatchObject({
      check: 'price_mismatch',
      severity: 'review',
      path: 'assets.1.price',
      limit: 0.1,
    });
    expect(h.findings[0]?.value).toBeCloseTo(0.2, 12);
    expect(h.findings[0]?.message).toContain('+20%');
  });

  it('price_mismatch: a holding last_price against its own series; within tolerance passes', () => {
    const input = cleanInput();
    const dates = input.price_history?.dates as string[];
    const hp = path(dates.length, 200, 5);
    (input.price_history as { prices: Record<string, number[]> }).prices.HOLD = hp;
    assetAt(input, 0).holdings = [
      { holding: 'HOLD', holding_weight: 0.5, last_price: last(hp) * 0.5 },
      { holding: 'OTHER', holding_weight: 0.5, last_price: 1 },
    ];
    const h = run(input);
    expect(h.findings.map((f) => [f.check, f.path, f.value])).toEqual([
      ['price_mismatch', 'assets.0.holdings.0.last_price', 0.5],
    ]);
    assetAt(input, 0).holdings = [
      { holding: 'HOLD', holding_weight: 1, last_price: last(hp) * 1.09 },
    ];
    expect(run(input).findings).toEqual([]);
  });

  it('stale_history: as_of 30 days after the last date', () => {
    const input = cleanInput();
    const dates = input.price_history?.dates as string[];
    const lastDate = dates[299] as string;
    input.as_of = addDays(lastDate, 30);
    const h = run(input);
    expect(h.findings).toEqual([
      expect.objectContaining({
        check: 'stale_history',
        severity: 'review',
        path: 'price_history.dates.299',
        value: 30,
        limit: 7,
      }),
    ]);
    input.as_of = addDays(lastDate, 7); // exactly the limit: accepted
    expect(run(input).findings).toEqual([]);
  });

  it('stale_history: history from the future of as_of', () => {
    const input = cleanInput();
    const dates = input.price_history?.dates as string[];
    input.as_of = dates[297]; // two dates (3 calendar days) after as_of
    const h = run(input);
    expect(h.findings).toHaveLength(1);
    expect(h.findings[0]).toMatchObject({
      check: 'stale_history',
      path: 'price_history.dates.298',
      value: dayNumber(dates[297] as string) - dayNumber(dates[299] as string),
      limit: 0,
    });
    expect(h.findings[0]?.value).toBeLessThan(0);
    expect(h.findings[0]?.message).toContain('2 date(s)');
  });

  it('history_gap: reports the longest step and how many', () => {
    const input = cleanInput();
    const dates = weekdays(300);
    // Shift the dates from index 100 on by 14 days, and from index 200 on by 7 more.
    const shifted = dates.map((d, k) =>
      k >= 200 ? addDays(d, 21) : k >= 100 ? addDays(d, 14) : d,
    );
    (input.price_history as { dates: string[] }).dates = shifted;
    input.as_of = shifted[299];
    const h = run(input);
    expect(h.findings).toHaveLength(1);
    const gap100 = dayNumber(shifted[100] as string) - dayNumber(shifted[99] as string);
    const gap200 = dayNumber(shifted[200] as string) - dayNumber(shifted[199] as string);
    expect(gap100).toBeGreaterThan(7);
    expect(gap200).toBeGreaterThan(7);
    const worst = Math.max(gap100, gap200);
    expect(h.findings[0]).toMatchObject({
      check: 'history_gap',
      severity: 'warn',
      path: `price_history.dates.${gap100 >= gap200 ? 100 : 200}`,
      value: worst,
      limit: 7,
    });
    expect(h.findings[0]?.message).toContain('2 step(s)');
  });

  it('misaligned_history: historical_returns shorter than the price series', () => {
    const input = cleanInput();
    const ph = input.price_history as { prices: Record<string, number[]> };
    const ccc = ph.prices.CCC as number[];
    delete ph.prices.CCC;
    const returns = ccc.slice(1).map((p, t) => p / (ccc[t] as number) - 1);
    assetAt(input, 2).historical_returns = returns.slice(19); // 280 returns vs 299
    const h = run(input);
    expect(h.findings).toEqual([
      expect.objectContaining({
        check: 'misaligned_history',
        severity: 'warn',
        path: 'assets.2.historical_returns',
        value: 19,
        limit: 0,
      }),
    ]);
  });

  it('misaligned_history: an asset with no history while the others have one', () => {
    const input = cleanInput();
    const ph = input.price_history as { prices: Record<string, number[]> };
    delete ph.prices.AAA;
    const h = run(input);
    expect(h.findings.map((f) => [f.check, f.path, f.value])).toEqual([
      ['misaligned_history', 'assets.0.historical_returns', 299],
      ['short_history', 'assets.0.historical_returns', 0],
    ]);
    expect(h.findings[0]?.message).toContain('null');
  });

  it('misaligned_history: a benchmark of another length (the contract refuses it; checked anyway)', () => {
    const input = cleanInput();
    input.benchmark = { prices: path(300, 100, 9) };
    const req = RebalanceRequest.parse(input);
    (req.benchmark as { prices: number[] }).prices.pop();
    const h = checkDataHealth(req, ['Stocks', 'Stocks', 'Stocks'], DEFAULT);
    expect(h.findings.map((f) => [f.check, f.path, f.value])).toEqual([
      ['misaligned_history', 'benchmark.prices', 1],
    ]);
  });

  it('outlier_return: a fat-finger price ×100 in the middle of the history', () => {
    const input = cleanInput();
    const dates = input.price_history?.dates as string[];
    const bbb = seriesOf(input, 'BBB');
    const p149 = bbb[149] as number;
    const p150 = bbb[150] as number;
    bbb[150] = p150 * 100;
    const h = run(input);
    expect(h.findings).toHaveLength(1);
    const f = h.findings[0];
    expect(f).toMatchObject({
      check: 'outlier_return',
      severity: 'review',
      path: 'price_history.prices.BBB',
      limit: 0.5,
    });
    expect(f?.value).toBeCloseTo((p150 * 100) / p149 - 1, 9);
    expect(f?.message).toContain(dates[150]);
    expect(f?.message).toContain('2 returns exceed');
  });

  it('outlier_return: in historical_returns, reported by index', () => {
    const input = cleanInput();
    const ph = input.price_history as { prices: Record<string, number[]> };
    delete ph.prices.CCC;
    const returns = Array.from({ length: 299 }, (_, t) => 0.01 * Math.sin(t));
    returns[42] = -0.6;
    assetAt(input, 2).historical_returns = returns;
    const h = run(input);
    expect(h.findings.map((f) => [f.check, f.path, f.value])).toEqual([
      ['outlier_return', 'assets.2.historical_returns', 0.6],
    ]);
    expect(h.findings[0]?.message).toContain('historical_returns[42]');
    expect(h.findings[0]?.message).toContain('-60%');
  });

  it('short_history: fewer returns than min_history_returns', () => {
    const h = run(cleanInput(200));
    expect(h.findings.map((f) => [f.check, f.path, f.value, f.limit, f.severity])).toEqual(
      NAMES.map((a) => ['short_history', `price_history.prices.${a}`, 199, 252, 'warn']),
    );
  });
});

describe('checkDataHealth: combinations, policy and ordering', () => {
  it('a fat-finger ×100 on the last history price triggers outlier_return and price_mismatch', () => {
    const input = cleanInput();
    const aaa = seriesOf(input, 'AAA');
    aaa[299] = (aaa[299] as number) * 100;
    const jump = (aaa[299] as number) / (aaa[298] as number) - 1;
    const h = run(input);
    expect(h.findings.map((f) => [f.check, f.path])).toEqual([
      ['price_mismatch', 'assets.0.price'],
      ['outlier_return', 'price_history.prices.AAA'],
    ]);
    expect(h.findings[0]?.value).toBeCloseTo(0.99, 12);
    expect(h.findings[1]?.value).toBe(jump);
  });

  it('severities follow a policy override', () => {
    const policy = PolicyDocument.parse({
      data_health: { severities: { stale_history: 'block', weights_sum: 'warn' } },
    }).data_health;
    const input = cleanInput();
    input.as_of = addDays(input.price_history?.dates[299] as string, 10);
    input.assets.forEach((a) => (a.target_weight = 0.4));
    const h = run(input, policy);
    expect(h.findings.map((f) => [f.check, f.severity])).toEqual([
      ['weights_sum', 'warn'],
      ['stale_history', 'block'],
    ]);
  });

  it('thresholds follow the policy', () => {
    const policy = PolicyDocument.parse({
      data_health: {
        max_history_age_days: 0,
        max_gap_days: 2,
        outlier_return_bound: 0.005,
        min_history_returns: 300,
        price_tolerance: 0,
        weight_sum_tolerance: 0,
      },
    }).data_health;
    const input = cleanInput();
    assetAt(input, 0).price = (assetAt(input, 0).price as number) * 1.001;
    input.as_of = addDays(input.price_history?.dates[299] as string, 1);
    const h = run(input, policy);
    const checks = new Set(h.findings.map((f) => f.check));
    expect([...checks]).toEqual([
      'price_mismatch',
      'stale_history',
      'history_gap',
      'outlier_return',
      'short_history',
    ]);
    // Sorted by check order, then asset order.
    const order = h.findings.map((f) => DATA_HEALTH_CHECKS.indexOf(f.check));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(h.findings.filter((f) => f.check === 'outlier_return').map((f) => f.path)).toEqual(
      NAMES.map((a) => `price_history.prices.${a}`),
    );
  });

  it('never reports NaN and is deterministic', () => {
    const input = cleanInput(40);
    input.assets.forEach((a) => (a.current_weight = 0.9));
    input.assets.push({ asset: 'DDD', current_weight: 0.1, target_weight: 0, price: 1 });
    const a = run(input);
    const b = run(input);
    expect(a).toEqual(b);
    for (const f of a.findings) {
      if (f.value !== null) expect(Number.isFinite(f.value)).toBe(true);
      if (f.limit !== null) expect(Number.isFinite(f.limit)).toBe(true);
    }
    expect(a.findings.some((f) => f.path === 'assets.3.historical_returns')).toBe(true);
  });

  it('runs in linear time on a large book (5000 assets × 1000 prices)', () => {
    const n = 1000;
    const dates = weekdays(n);
    const base = path(n, 100, 0);
    const prices: Record<string, number[]> = {};
    const assets: AssetIn[] = [];
    for (let i = 0; i < 5000; i++) {
      prices[`S${i}`] = base;
      assets.push({
        asset: `S${i}`,
        asset_class: 'Stocks',
        current_weight: 1 / 5000,
        target_weight: 1 / 5000,
        price: last(base),
      });
    }
    const req = RebalanceRequest.parse({
      portfolio_value: 1e9,
      as_of: dates[n - 1],
      assets,
      price_history: { dates, prices },
    });
    const classes = req.assets.map(() => 'Stocks' as const);
    const t0 = performance.now();
    const h = checkDataHealth(req, classes, DEFAULT);
    const ms = performance.now() - t0;
    expect(h.findings).toEqual([]);
    expect(ms).toBeLessThan(2000);
  });
});

describe('checkDataHealth: the worked example of the doc comment and docs/agents.md', () => {
  it('gives weights_sum, stale_history, outlier_return and two short_history findings', () => {
    const dates = weekdays(30, '2024-01-01');
    expect([dates[0], dates[29]]).toEqual(['2024-01-01', '2024-02-09']);
    const k = dates.indexOf('2024-01-24');
    const b = dates.map((_, t) => (t === k ? 5000 : 50));
    const h = run({
      portfolio_value: 100_000,
      as_of: '2024-02-19',
      assets: [
        { asset: 'A', asset_class: 'ETF', current_weight: 0.6, target_weight: 0.5, price: 101 },
        { asset: 'B', asset_class: 'Stocks', current_weight: 0.6, target_weight: 0.5, price: 50 },
      ],
      price_history: { dates, prices: { A: dates.map(() => 100), B: b } },
    });
    expect(h.findings.map((f) => [f.check, f.severity, f.path, f.value, f.limit])).toEqual([
      ['weights_sum', 'review', 'assets', 1.2, 0.005],
      ['stale_history', 'review', 'price_history.dates.29', 10, 7],
      ['outlier_return', 'review', 'price_history.prices.B', 99, 0.5],
      ['short_history', 'warn', 'price_history.prices.A', 29, 252],
      ['short_history', 'warn', 'price_history.prices.B', 29, 252],
    ]);
    expect(h.findings.map((f) => f.message)).toEqual([
      'current_weight values sum to 1.2; expected 1 ± 0.005; the engine would scale them to sum to 1',
      'price_history ends 2024-02-09, 10 calendar days before as_of 2024-02-19; at most 7 are accepted',
      'B (Stocks) has a daily return of +9900% on 2024-01-24, beyond ± 50%; 2 returns exceed the bound in all: check for a wrong price (e.g. a misplaced decimal) or a missing split adjustment',
      'A (ETF) has 29 daily returns; at least 252 are expected',
      'B (Stocks) has 29 daily returns; at least 252 are expected',
    ]);
  });
});

describe('checkDataHealth: real prices (skfolio S&P 500 fixture)', () => {
  const table = loadPrices('skfolio_sp500_dataset.csv');

  function realBook(names: string[], from: string, to: string): RebalanceRequestInput {
    const k0 = table.dates.findIndex((d) => d >= from);
    const k1 = table.dates.findLastIndex((d) => d <= to);
    const dates = table.dates.slice(k0, k1 + 1);
    const prices: Record<string, number[]> = {};
    for (const nm of names) prices[nm] = Array.from(table.columns.get(nm)!.slice(k0, k1 + 1));
    return {
      portfolio_value: 250_000,
      as_of: dates[dates.length - 1],
      assets: names.map((nm) => ({
        asset: nm,
        asset_class: 'Stocks' as const,
        current_weight: 1 / names.length,
        target_weight: 1 / names.length,
        price: last(prices[nm] as number[]),
      })),
      price_history: { dates, prices },
    };
  }

  it('AAPL, JNJ and XOM over 2018–2019 form a clean book', () => {
    const input = realBook(['AAPL', 'JNJ', 'XOM'], '2018-01-01', '2019-12-31');
    expect(input.price_history?.dates).toHaveLength(503);
    const h = run(input);
    expect(h.findings).toEqual([]);
  });

  it('a one-week market closure (2001-09-11) is within the default gap; a 6-day limit is not', () => {
    const input = realBook(['AAPL', 'JNJ', 'XOM'], '2001-01-01', '2001-12-31');
    expect(run(input).findings.filter((f) => f.check === 'history_gap')).toEqual([]);
    const policy = PolicyDocument.parse({ data_health: { max_gap_days: 6 } }).data_health;
    const gap = run(input, policy).findings.find((f) => f.check === 'history_gap');
    expect(gap?.value).toBe(7);
    expect(gap?.message).toContain('2001-09-10 → 2001-09-17');
  });

  it('finds the real AAPL crash of 2000-09-29 (−51.8%) as an outlier', () => {
    const input = realBook(['AAPL', 'JNJ', 'XOM'], '1999-07-01', '2000-12-31');
    const h = run(input);
    expect(h.findings.map((f) => [f.check, f.path])).toEqual([
      ['outlier_return', 'price_history.prices.AAPL'],
    ]);
    expect(h.findings[0]?.value).toBeCloseTo(0.5185, 4);
    expect(h.findings[0]?.message).toContain('2000-09-29');
  });
});

describe('dayNumber', () => {
  it('matches Date.UTC across leap years and centuries', () => {
    for (const d of [
      '1900-02-28',
      '1900-03-01',
      '2000-02-29',
      '2000-03-01',
      '2024-12-31',
      '1970-01-01',
    ])
      expect(dayNumber(d)).toBe(
        Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10)) / 864e5,
      );
    expect(dayNumber('2024-03-01') - dayNumber('2024-02-28')).toBe(2);
  });
});

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
