/**
 * Asset names are data, never object keys (issue #10, item 3). An asset named `__proto__` lost its
 * price history (z.record skipped the key); `constructor`, `toString`, `hasOwnProperty` read
 * Object.prototype's functions wherever a lookup missed. Each run here is made twice — once with
 * such names, once with the same request renamed to plain ones — and must give the same numbers.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Handlers } from '../../../src/contract/operations';
import { PolicyDocument } from '../../../src/contract/policy';
import { RebalanceRequest, RebalanceResponse } from '../../../src/contract/rebalance';
import { canonicalJson, inputHash } from '../../../src/domain/canonical';
import { diffJson } from '../../../src/domain/diff';
import { own } from '../../../src/domain/names';
import { policyHash } from '../../../src/agents/registry';
import { createDispatch } from '../../../src/rpc/dispatch';
import { loadStressLibrary } from '../../../src/server/stressData';
import { runRebalance } from '../../../src/services/rebalance';
import { getSolver } from '../optimizer/helpers';

/** Plain name → the hostile name it stands for in the second run of each request. */
const HOSTILE: Readonly<Record<string, string>> = {
  ASSET_A: '__proto__',
  ASSET_B: 'constructor',
  ASSET_C: 'toString',
  ASSET_D: 'hasOwnProperty',
  HOLD_1: 'valueOf',
  HOLD_2: '__defineGetter__',
  FACTOR_F: 'isPrototypeOf',
};
const PLAIN = new Map(Object.entries(HOSTILE).map(([p, h]) => [h, p]));

/** JSON text with every plain name (always a whole JSON string) swapped for its hostile one. */
function hostileText(value: unknown): string {
  let text = JSON.stringify(value);
  for (const [p, h] of Object.entries(HOSTILE)) text = text.split(`"${p}"`).join(`"${h}"`);
  return text;
}

/** A copy of a JSON value with hostile names (as keys, values or inside text) mapped back. */
function plainNames(v: unknown): unknown {
  if (typeof v === 'string') {
    let s = v;
    for (const [h, p] of PLAIN) s = s.split(h).join(p);
    return s;
  }
  if (Array.isArray(v)) return v.map(plainNames);
  if (v === null || typeof v !== 'object') return v;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, x] of Object.entries(v)) out[PLAIN.get(k) ?? k] = plainNames(x);
  return out;
}

/** Deterministic geometric random walks (LCG), one per series, all on the same dates. */
function history(names: readonly string[], days: number) {
  let s = 12345;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const dates: string[] = [];
  for (
    let d = new Date(Date.UTC(2024, 0, 2));
    dates.length < days;
    d.setUTCDate(d.getUTCDate() + 1)
  )
    if (d.getUTCDay() % 6 !== 0) dates.push(d.toISOString().slice(0, 10));
  const prices: Record<string, number[]> = {};
  names.forEach((n, k) => {
    let p = 50 + 20 * k;
    prices[n] = dates.map(() => (p *= 1 + (0.0004 * k - 0.0002) + 0.012 * (u() - 0.5)));
  });
  return { dates, prices };
}

const ph = history(
  ['ASSET_A', 'ASSET_B', 'ASSET_C', 'ASSET_D', 'HOLD_1', 'HOLD_2', 'FACTOR_F'],
  300,
);
const last = (n: string) => ph.prices[n]!.at(-1)!;

/** A request on the plain names; `extra` adds method-specific fields. */
function request(extra: Record<string, unknown>) {
  return {
    portfolio_value: 1_000_000,
    as_of: ph.dates.at(-1),
    drift_threshold: 0.01,
    turnover_limit: 0.5,
    assets: [
      {
        asset: 'ASSET_A',
        asset_class: 'Commodity',
        target_weight: 0.3,
        current_weight: 0.2,
        price: last('ASSET_A'),
      },
      {
        asset: 'ASSET_B',
        asset_class: 'Crypto',
        target_weight: 0.1,
        current_weight: 0.25,
        price: last('ASSET_B'),
        // Used only where price_history has no ASSET_B series (the last case below).
        historical_returns: ph.prices
          .ASSET_B!.slice(1)
          .map((p, t) => p / ph.prices.ASSET_B![t]! - 1),
      },
      {
        asset: 'ASSET_C',
        asset_class: 'Stocks',
        target_weight: 0.35,
        current_weight: 0.3,
        holdings: [
          { holding: 'HOLD_1', holding_weight: 0.6, last_price: last('HOLD_1') },
          { holding: 'HOLD_2', holding_weight: 0.4, last_price: last('HOLD_2') },
        ],
      },
      {
        asset: 'ASSET_D',
        asset_class: 'ETF',
        target_weight: 0.25,
        current_weight: 0.25,
        price: last('ASSET_D'),
      },
    ],
    price_history: ph,
    stress_proxies: { ASSET_A: 'XOM', ASSET_B: 'AAPL' },
    asset_cost_bps: { ASSET_A: 25, ASSET_B: 80, ASSET_D: 3 },
    monte_carlo: { paths: 500, horizon_days: 10, seed: 7 },
    ...extra,
  };
}

const POLICY = {
  stress: {
    shocks: [
      {
        name: 'Named shocks',
        by_class: { Stocks: -0.1 },
        by_asset: { ASSET_A: -0.3, ASSET_B: 0.2 },
      },
    ],
    proxies: { ASSET_D: 'SP500' },
  },
};

const CASES: [string, Record<string, unknown>][] = [
  ['threshold', { method: 'threshold' }],
  [
    'mean_variance with bounds and an observed factor',
    {
      method: 'mean_variance',
      bounds: { ASSET_A: { min: 0.05, max: 0.3 }, ASSET_B: { min: 0, max: 0.12 } },
      covariance: { estimator: 'sample', factor_series: ['FACTOR_F'] },
    },
  ],
  [
    'risk_parity with budgets',
    { method: 'risk_parity', risk_budgets: { ASSET_A: 2, ASSET_B: 1, ASSET_C: 1, ASSET_D: 0.5 } },
  ],
  [
    // A name missing from price_history must read as missing, not as Object.prototype.constructor.
    'min_variance with ASSET_B on historical_returns (no series of its name)',
    {
      method: 'min_variance',
      price_history: {
        dates: ph.dates,
        prices: Object.fromEntries(Object.entries(ph.prices).filter(([k]) => k !== 'ASSET_B')),
      },
    },
  ],
];

const clock = { now: () => new Date('2026-01-02T03:04:05.678Z') };
const library = loadStressLibrary(join(import.meta.dirname, '../../..'));

/**
 * Parses and runs a request under a policy. The parsed request and policy are structured-cloned,
 * as a worker thread receives them: the contract's null-prototype records become plain objects
 * again, so the engine's own lookups are what keeps `constructor` from reading Object.prototype.
 */
async function run(text: string, policyText: string) {
  const document = structuredClone(PolicyDocument.parse(JSON.parse(policyText)));
  const req = structuredClone(RebalanceRequest.parse(JSON.parse(text)));
  expect(Object.getPrototypeOf(req.asset_cost_bps)).toBe(Object.prototype);
  return runRebalance(req, clock, {
    solver: await getSolver(),
    stressLibrary: library,
    policy: { document, version: 1, hash: policyHash(document) },
    monotonicMs: () => 0,
  });
}

/**
 * The output with timings and every SHA-256 (whole, or the 12-digit prefix a summary quotes)
 * blanked: input, policy and step hashes cover the names, so they differ between the runs by design.
 */
function comparable(out: unknown): unknown {
  return JSON.parse(JSON.stringify(out), (k, v: unknown) =>
    k.endsWith('_ms')
      ? '(timing)'
      : typeof v === 'string'
        ? v.replace(/\b[0-9a-f]{12}(?:[0-9a-f]{52})?\b/g, '#')
        : v,
  );
}

describe('hostile asset, holding and series names give the same run as plain ones', () => {
  it('the contract keeps a "__proto__" price series, bound, cost and proxy', () => {
    const req = RebalanceRequest.parse(JSON.parse(hostileText(request({}))));
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])
      expect(Object.hasOwn(req.price_history!.prices, name), name).toBe(true);
    expect(req.price_history!.prices.__proto__).toHaveLength(300);
    expect(Object.keys(req.asset_cost_bps!)).toEqual([
      '__proto__',
      'constructor',
      'hasOwnProperty',
    ]);
    expect(Object.hasOwn(req.stress_proxies!, '__proto__')).toBe(true);
    const policy = PolicyDocument.parse(JSON.parse(hostileText(POLICY)));
    expect(Object.keys(policy.stress.shocks[0]!.by_asset)).toEqual(['__proto__', 'constructor']);
    expect(Object.keys(policy.stress.proxies)).toEqual(['hasOwnProperty']);
  });

  it('reports a bad "__proto__" series at its path', () => {
    const bad = JSON.parse(hostileText(request({}))) as {
      price_history: { prices: Record<string, number[]> };
    };
    bad.price_history.prices.__proto__![3] = -1;
    const r = RebalanceRequest.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(
      'price_history.prices.__proto__.3',
    );
  });

  for (const [label, extra] of CASES)
    it(label, async () => {
      const plain = await run(JSON.stringify(request(extra)), JSON.stringify(POLICY));
      const hostile = await run(hostileText(request(extra)), hostileText(POLICY));
      expect(RebalanceResponse.safeParse(hostile).success).toBe(true);
      // Every asset kept its history (299 daily returns): no figure fell back to market_return.
      expect(hostile.risk_metrics.observations).toBe(299);
      expect(Object.hasOwn(hostile.asset_drilldown, '__proto__')).toBe(true);
      expect(hostile.weights.map((w) => w.asset)).toEqual([
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
      ]);
      expect(diffJson(plainNames(comparable(hostile)), comparable(plain))).toEqual([]);
      if (extra.method !== 'threshold')
        expect(['optimal', 'closed_form']).toContain(hostile.optimization?.solver.status);
    });

  it('goes through dispatch (input and output validated) and JSON with the hostile names intact', async () => {
    const solver = await getSolver();
    const handlers = {
      rebalance: (req: RebalanceRequest) =>
        runRebalance(req, clock, { solver, monotonicMs: () => 0 }),
    } as unknown as Handlers;
    const dispatch = createDispatch(handlers, (_op, e) => {
      throw e;
    });
    const text = hostileText(request({ method: 'min_variance' }));
    const r = await dispatch('rebalance', JSON.parse(text), {
      actor: 'test',
      transport: 'inprocess',
    });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const body = JSON.parse(
      JSON.stringify((r as { value: RebalanceResponse }).value),
    ) as RebalanceResponse;
    expect(Object.keys(body.asset_drilldown)).toEqual([
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
    ]);
    // (TypeScript itself reads `.toString` on a record as Object.prototype's method.)
    expect(own(body.asset_drilldown, '__proto__')!.holdings).toEqual([]);
    expect(own(body.asset_drilldown, 'toString')!.holdings.map((h) => h.holding)).toEqual([
      'valueOf',
      '__defineGetter__',
    ]);
  });
});

describe('canonical JSON, input hash and diff treat "__proto__" as an ordinary key', () => {
  const a = JSON.parse('{"b": 1, "__proto__": {"x": [1, 2]}, "constructor": 3}') as unknown;

  it('canonicalJson writes an own "__proto__" key in order, and reading it back round-trips', () => {
    const text = canonicalJson(a);
    expect(text).toBe('{"__proto__":{"x":[1,2]},"b":1,"constructor":3}');
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });

  it('the input hash tells a "__proto__" entry from its absence', () => {
    expect(inputHash(a)).not.toBe(inputHash(JSON.parse('{"b": 1, "constructor": 3}')));
  });

  it('diffJson reports a key present on one side only, never an inherited value', () => {
    const b = JSON.parse('{"b": 1}') as unknown;
    expect(diffJson(a, b)).toEqual([
      { path: '__proto__', a: '{…}', b: null },
      { path: 'constructor', a: 3, b: null },
    ]);
    expect(diffJson({}, JSON.parse('{"toString": 1}'))).toEqual([
      { path: 'toString', a: null, b: 1 },
    ]);
    expect(diffJson(a, JSON.parse(JSON.stringify(a)))).toEqual([]);
  });
});
