import fc from 'fast-check';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../../src/store';
import { createDispatch } from '../../../src/rpc/dispatch';
import { createHandlers } from '../../../src/services/handlers';
import type { RebalanceResponse } from '../../../src/contract/rebalance';

const file = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../resources/scenarios.json'), 'utf8'),
) as {
  scenarios: { name: string; request: Record<string, unknown> }[];
};
const byName = (p: string) =>
  structuredClone(file.scenarios.find((s) => s.name.startsWith(p))!.request);
const store = createStore({ dir: mkdtempSync(join(tmpdir(), 'spr-service-')) });
afterAll(() => store.close());
const dispatch = createDispatch(
  createHandlers({
    clock: {
      now: () => new Date('2026-01-02T03:04:05.678Z'),
      monotonicMs: () => performance.now(),
    },
    store,
    scenarios: file.scenarios as never,
  }),
  (op, e) => console.error(op, e),
);
const ctx = { actor: 'test', transport: 'inprocess' as const };

async function rebalance(input: unknown): Promise<RebalanceResponse> {
  const r = await dispatch('rebalance', input, ctx);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as RebalanceResponse;
}

/** Every number reachable in a value, with its path. */
function numbers(v: unknown, path = '$', out: [string, number][] = []): [string, number][] {
  if (typeof v === 'number') out.push([path, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => numbers(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) numbers(x, `${path}.${k}`, out);
  return out;
}

describe('rebalance service on real history (Autumn 2008 scenario)', () => {
  // Reference: test/reference/service_reference.py (numpy, independent of this code base).
  const REF = {
    volatility: 0.36436359587085176,
    expected_annual_return: -0.1448388071393391,
    sharpe: -0.4524019660783181,
    sortino: -0.626912215044908,
    max_drawdown: 0.24486327579999445,
    var_95: 0.03017743988971362,
    cvar_95: 0.05341265694789649,
    tracking_error: 0.044156862377837204,
    beta: 1.2151314192079687,
    parametric_var_95: 0.038328669748613486,
  };
  it('computes the current portfolio risk exactly as the numpy reference', async () => {
    const out = await rebalance(byName('Autumn 2008'));
    expect(out.risk_metrics.observations).toBe(252);
    expect(out.risk_metrics.source).toBe('price_history');
    for (const [k, v] of Object.entries(REF)) {
      const got = out.risk_metrics[k as keyof typeof REF] as number;
      expect(got, k).toBeCloseTo(v, 10);
      expect(Math.abs(got - v) / Math.abs(v), k).toBeLessThan(1e-9);
    }
  });
  it('reports proposed risk, a Monte Carlo block and no NaN anywhere', async () => {
    const out = await rebalance(byName('Autumn 2008'));
    expect(out.proposed_risk_metrics.volatility).toBeTypeOf('number');
    expect(out.monte_carlo).not.toBeNull();
    expect(out.monte_carlo!.bands).toHaveLength(out.monte_carlo!.horizon_days + 1);
    for (const [p, x] of numbers(out)) expect(Number.isFinite(x), p).toBe(true);
    expect(out.metadata.input_hash).toMatch(/^[0-9a-f]{64}$/);
  });
  it('Hold rows carry no trade and no cost', async () => {
    const out = await rebalance(byName('Autumn 2008'));
    for (const t of out.trades.filter((x) => x.action === 'Hold')) {
      expect([t.trade_value, t.signed_trade_value, t.trade_units, t.estimated_cost]).toEqual([
        0, 0, 0, 0,
      ]);
    }
  });
  it('the input hash ignores key order and defaults spelled out', async () => {
    const a = byName('Autumn 2008');
    const b = Object.fromEntries(Object.entries(a).reverse());
    const c = { ...a, rebalance_to: 'target', tilt_budget: 0 };
    const [x, y, z] = await Promise.all([rebalance(a), rebalance(b), rebalance(c)]);
    expect(y.metadata.input_hash).toBe(x.metadata.input_hash);
    expect(z.metadata.input_hash).toBe(x.metadata.input_hash);
  });
});

describe('rebalance service without history (seed scenario)', () => {
  it('never invents samples: risk is null with a warning, expected return from market_return', async () => {
    const out = await rebalance(byName('Risk-Off Shock'));
    expect(out.risk_metrics.volatility).toBeNull();
    expect(out.risk_metrics.var_95).toBeNull();
    expect(out.risk_metrics.source).toBe('market_return');
    expect(out.monte_carlo).toBeNull();
    expect(out.warnings.map((w) => w.code)).toContain('HISTORY_MISSING');
    // Σ w_i · market_return_i with the seed's current weights (they sum to 1).
    const expected =
      0.23 * -0.012 + 0.24 * -0.024 + 0.22 * -0.031 + 0.11 * 0.007 + 0.08 * 0.004 + 0.12 * -0.055;
    expect(out.risk_metrics.expected_annual_return).toBeCloseTo(expected, 12);
    for (const f of out.house_view.asset_forecasts) expect(f.source).toBe('market_return');
  });
});

describe('bad input never crashes (property)', () => {
  const bad = fc.constantFrom<unknown>(
    NaN,
    Infinity,
    -Infinity,
    -1,
    -1e308,
    1e308,
    'abc',
    null,
    true,
    {},
    [],
    '',
    0,
  );
  const fields = [
    'portfolio_value',
    'drift_threshold',
    'turnover_limit',
    'transaction_cost_bps',
    'risk_free_rate',
    'assets.0.price',
    'assets.0.target_weight',
    'assets.1.current_weight',
    'assets.2.market_return',
    'assets.0.lot_size',
    'assets.3.historical_returns',
    'monte_carlo.paths',
    'monte_carlo.horizon_days',
    'assets',
  ];
  it('gives a 400-class error or a finite answer, never INTERNAL or NaN', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), bad, async (field, value) => {
        const req = byName('Risk-On Rally') as Record<string, unknown>;
        const keys = field.split('.');
        let o = req as Record<string, unknown>;
        for (const k of keys.slice(0, -1)) {
          o[k] ??= {};
          o = o[k] as Record<string, unknown>;
        }
        o[keys.at(-1)!] = value;
        const r = await dispatch('rebalance', req, ctx);
        if (r.ok) {
          for (const [p, x] of numbers(r.value)) expect(Number.isFinite(x), p).toBe(true);
        } else {
          expect(r.error.code).toBe('BAD_REQUEST');
          expect(r.error.details!.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1000 },
    );
  });
  it('huge arrays are refused with a 400, not processed', async () => {
    const req = byName('Risk-On Rally') as { assets: Record<string, unknown>[] };
    req.assets[0]!.historical_returns = new Array(50_000).fill(0.001);
    const r = await dispatch('rebalance', req, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.details![0]!.path).toBe('assets.0.historical_returns');
  });
});
