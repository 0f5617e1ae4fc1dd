/**
 * The five shipped scenarios (resources/scenarios.json) end with every asset inside its band, in
 * every mode, or name the constraint that prevented it with a warning. Regressions from the issue:
 * Risk-On Rally left Crypto at 17.50% against 13–17%; 2022 left CVX at 18.69% against
 * 13.8–17.8%; with a 5 pp band, CVX at +9.33 pp got no trade at all.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RebalanceRequest, type RebalanceResponse } from '../../../src/contract/rebalance';
import { runRebalance } from '../../../src/services/rebalance';

const scenarios = (
  JSON.parse(
    readFileSync(new URL('../../../resources/scenarios.json', import.meta.url), 'utf8'),
  ) as { scenarios: { name: string; request: unknown }[] }
).scenarios;
const clock = { now: () => new Date(0) };

async function run(name: string, over: object = {}): Promise<RebalanceResponse> {
  const s = scenarios.find((x) => x.name.startsWith(name));
  if (!s) throw new Error(`no scenario ${name}`);
  return runRebalance(RebalanceRequest.parse({ ...(s.request as object), ...over }), clock);
}

const weight = (out: RebalanceResponse, asset: string) =>
  out.weights.find((w) => w.asset === asset) as RebalanceResponse['weights'][number];

describe('shipped scenarios', () => {
  for (const s of scenarios)
    for (const mode of ['target', 'band_edge', 'full'] as const)
      it(`${s.name} (${mode}): every asset ends inside its band`, async () => {
        const out = await run(s.name, { rebalance_to: mode });
        for (const w of out.weights) {
          expect(w.post_trade_band_status, `${w.asset} ${w.band_constraint}`).toBe('inside');
          expect(w.band_constraint).toBeNull();
        }
        expect(out.trade_summary.band_breaches_remaining).toBe(0);
        expect(out.warnings.map((w) => w.code)).not.toContain('BAND_BREACH_REMAINS');
        expect(out.trade_summary.residual_cash).toBeGreaterThanOrEqual(0);
      });

  it('Risk-On Rally: Crypto (20%) is sold back inside 13–17%', async () => {
    const out = await run('Risk-On');
    const c = weight(out, 'Crypto');
    expect(c.current_weight).toBeCloseTo(0.2, 12);
    const post = c.current_weight_after_flow + (out.trades[5]?.signed_trade_value ?? 0) / 100000;
    expect(post).toBeLessThanOrEqual(0.17);
    expect(post).toBeGreaterThanOrEqual(0.13);
  });

  it('2022: CVX ends inside 13.8–17.8%, and with a 5 pp band still trades', async () => {
    const out = await run('2022');
    const cvx = weight(out, 'CVX');
    expect(cvx.post_trade_band_status).toBe('inside');
    expect(cvx.proposed_weight).toBeLessThan(cvx.band_upper);
    const wide = await run('2022', { drift_threshold: 0.05 });
    const t = wide.trades.find((x) => x.asset === 'CVX');
    expect(t?.action).toBe('Sell');
    expect(weight(wide, 'CVX').post_trade_band_status).toBe('inside');
  });

  it('with a turnover cap too tight for the bands, the constraint is named and warned', async () => {
    const out = await run('Autumn 2008', { rebalance_to: 'full', turnover_limit: 0.03 });
    const outside = out.weights.filter((w) => w.post_trade_band_status === 'outside');
    expect(outside.length).toBeGreaterThan(0);
    for (const w of outside) expect(w.band_constraint).toBe('turnover_cap');
    const warn = out.warnings.find((w) => w.code === 'BAND_BREACH_REMAINS');
    for (const w of outside) expect(warn?.message).toContain(`${w.asset} at`);
    expect(out.trade_summary.turnover_limit_binding).toBe(true);
    expect(out.turnover_used).toBeLessThanOrEqual(0.03 + 1e-9);
  });

  it('restricting a breaching asset names the restriction', async () => {
    const out = await run('Risk-On', { no_trade: ['Crypto'] });
    const c = weight(out, 'Crypto');
    expect(c.post_trade_band_status).toBe('outside');
    expect(c.band_constraint).toBe('restriction');
    // Crypto is ordered through its holdings (BTC, ETH): every one of its orders is restricted.
    const crypto = out.orders.filter((o) => o.asset === 'Crypto');
    expect(crypto.map((o) => o.security)).toEqual(['BTC', 'ETH']);
    for (const o of crypto) expect(o.status).toBe('restricted');
    // Everything else still ends inside its band.
    for (const w of out.weights.filter((x) => x.asset !== 'Crypto'))
      expect(w.post_trade_band_status).toBe('inside');
  });
});
