/**
 * The copilot's ranked actions (src/copilot/actions.ts): the score formula on a hand-worked case,
 * the ranking order (score, then name), eligibility and the cap of five; then on real runs.
 */
import { describe, expect, it } from 'vitest';
import type { StressResult } from '../../../src/contract/agents';
import type { RebalanceResponse } from '../../../src/contract/rebalance';
import { rankActions, SCORE_WEIGHTS } from '../../../src/copilot/actions';
import { worstStress } from '../../../src/risk/stress';
import { SCENARIOS, scenarioRun } from './scenarioRuns';

type Weight = RebalanceResponse['weights'][number];
type Trade = RebalanceResponse['trades'][number];
type Forecast = RebalanceResponse['house_view']['asset_forecasts'][number];

interface Spec {
  asset: string;
  current: number;
  proposed: number;
  target: number;
  outside: boolean;
  trade: number; // signed
  status?: Trade['status'];
  ensemble: number;
  confidence: number;
  stress: number | null;
}

function weight(s: Spec): Weight {
  return {
    asset: s.asset,
    asset_class: 'Stocks',
    target_weight: s.target,
    optimized_target_weight: s.target,
    current_weight: s.current,
    drift: s.current - s.target,
    current_weight_after_flow: s.current,
    band_lower: s.target - 0.02,
    band_upper: s.target + 0.02,
    outside_band: s.outside,
    decided_weight: s.proposed,
    proposed_weight: s.proposed,
    post_trade_band_status: 'inside',
    band_constraint: null,
    forecast_return: s.ensemble,
    forecast_confidence: s.confidence,
    forecast_source: 'price_history',
  };
}

function trade(s: Spec): Trade {
  return {
    asset: s.asset,
    asset_class: 'Stocks',
    action: s.trade > 0 ? 'Buy' : s.trade < 0 ? 'Sell' : 'Hold',
    trade_value: Math.abs(s.trade),
    signed_trade_value: s.trade,
    trade_units: s.trade / 100,
    price: 100,
    lot_size: 1,
    estimated_cost: 0,
    status: s.status ?? (s.trade !== 0 ? 'traded' : 'in_band'),
    orders: s.trade !== 0 ? 1 : 0,
    reason: '',
  };
}

function forecast(s: Spec): Forecast {
  return {
    asset: s.asset,
    momentum: s.ensemble,
    mean_reversion: s.ensemble,
    ewma: s.ensemble,
    historical_mean: s.ensemble,
    ensemble_unshrunk: s.ensemble,
    ensemble: s.ensemble,
    confidence: s.confidence,
    observations: 252,
    source: 'price_history',
  };
}

function stressTest(name: string, pnlPct: number, specs: Spec[]): StressResult {
  return {
    name,
    kind: 'shock',
    start: null,
    end: null,
    current: { pnl: pnlPct * 1e5, pnl_pct: pnlPct },
    proposed: { pnl: pnlPct * 1e5, pnl_pct: pnlPct },
    unmapped_weight: 0,
    assets: specs.map((s) => ({
      asset: s.asset,
      asset_class: 'Stocks',
      return: s.stress,
      source: 'shock',
      series: null,
    })),
  };
}

/** Only the fields rankActions reads; the rest of a response does not enter the score. */
function handMade(specs: Spec[], mild: StressResult[] = []): RebalanceResponse {
  return {
    currency: 'USD',
    drift_threshold: 0.02,
    weights: specs.map(weight),
    trades: specs.map(trade),
    house_view: { asset_forecasts: specs.map(forecast) },
    stress_tests: [...mild, stressTest('Worst case', -0.1, specs)],
  } as unknown as RebalanceResponse;
}

// drift_threshold 0.02; max |ensemble| = 0.20 (B); max |Δw·r| = 0.004 (B: 0.02 × −0.2).
const SPECS: Spec[] = [
  // D = 1 (drift 0.04 = 2 half-widths), F = −1·−0.10/0.20 = 0.5, C = 0.5, R = 0.002/0.004 = 0.5
  // score = 0.4 + 0.15 + 0.1 + 0.05 = 0.7
  {
    asset: 'A',
    current: 0.24,
    proposed: 0.2,
    target: 0.2,
    outside: true,
    trade: -4000,
    ensemble: -0.1,
    confidence: 0.5,
    stress: -0.05,
  },
  // D = 0.25, F = 1, C = 0.8, R = −1 → 0.1 + 0.3 + 0.16 − 0.1 = 0.46
  {
    asset: 'B',
    current: 0.19,
    proposed: 0.21,
    target: 0.2,
    outside: false,
    trade: 2000,
    ensemble: 0.2,
    confidence: 0.8,
    stress: -0.2,
  },
  // outside, not traded (restricted): D = 1 (2.5 capped at 2), F = C = R = 0 → 0.4
  {
    asset: 'G',
    current: 0.15,
    proposed: 0.15,
    target: 0.2,
    outside: true,
    trade: 0,
    status: 'restricted',
    ensemble: 0.05,
    confidence: 0.9,
    stress: -0.1,
  },
  // the same score as G: ranked before it by name
  {
    asset: 'C',
    current: 0.25,
    proposed: 0.25,
    target: 0.2,
    outside: true,
    trade: 0,
    status: 'restricted',
    ensemble: 0.05,
    confidence: 0.9,
    stress: -0.1,
  },
  // inside its band and not traded: not listed
  {
    asset: 'D',
    current: 0.1,
    proposed: 0.1,
    target: 0.1,
    outside: false,
    trade: 0,
    ensemble: -0.2,
    confidence: 0.9,
    stress: -0.3,
  },
  // D = 0.75, no forecast: F = C = 0, R = 0.0003/0.004 = 0.075 → 0.3 + 0.0075 = 0.3075
  {
    asset: 'E',
    current: 0.07,
    proposed: 0.1,
    target: 0.1,
    outside: true,
    trade: 1000,
    ensemble: 0,
    confidence: 0,
    stress: 0.01,
  },
  // D = 0.75, F = −1·0.05/0.2 = −0.25, C = −0.4, R = 0 (no stress return) → 0.145: sixth, cut
  {
    asset: 'F',
    current: 0.13,
    proposed: 0.1,
    target: 0.1,
    outside: true,
    trade: -1000,
    ensemble: 0.05,
    confidence: 0.4,
    stress: null,
  },
];

describe('rankActions on a hand-worked case', () => {
  const mild = [stressTest('Mild', -0.01, SPECS)];
  const actions = rankActions(handMade(SPECS, mild));

  it('ranks by score descending, ties by asset name, at most five', () => {
    expect(actions.map((a) => [a.rank, a.asset, a.action, a.score])).toEqual([
      [1, 'A', 'SELL', 0.7],
      [2, 'B', 'BUY', 0.46],
      [3, 'C', 'HOLD', 0.4],
      [4, 'G', 'HOLD', 0.4],
      [5, 'E', 'BUY', 0.3075],
    ]);
  });

  it('computes each component from the run’s figures', () => {
    expect(actions.map((a) => a.components)).toEqual([
      { drift: 1, forecast: 0.5, confidence: 0.5, risk: 0.5 },
      { drift: 0.25, forecast: 1, confidence: 0.8, risk: -1 },
      { drift: 1, forecast: 0, confidence: 0, risk: 0 },
      { drift: 1, forecast: 0, confidence: 0, risk: 0 },
      { drift: 0.75, forecast: 0, confidence: 0, risk: 0.075 },
    ]);
    for (const a of actions) {
      const c = a.components;
      const s =
        SCORE_WEIGHTS.drift * c.drift +
        SCORE_WEIGHTS.forecast * c.forecast +
        SCORE_WEIGHTS.confidence * c.confidence +
        SCORE_WEIGHTS.risk * c.risk;
      expect(a.score).toBeCloseTo(s, 12);
    }
  });

  it('signs the confidence by the forecast component (a trusted forecast against the trade)', () => {
    const all = rankActions(handMade(SPECS.filter((s) => s.asset !== 'A' && s.asset !== 'B')));
    const f = all.find((a) => a.asset === 'F');
    // without B the largest |ensemble| is D's 0.2, so F's forecast is still −0.05/0.2
    expect(f?.components).toMatchObject({ forecast: -0.25, confidence: -0.4 });
  });

  it('writes the reason from the figures with the fixed formatter', () => {
    expect(actions[0]?.reason).toBe(
      'A is at 24.00% against a target of 20.00% (drift 4.00%), outside its band of 18.00% to 22.00%; sell USD 4,000.00 to reach 20.00%; a forecast of -10.00% a year at 50.00% confidence, with the trade; it returns -5.00% in the worst stress test (Worst case).',
    );
    expect(actions[2]?.reason).toContain('no order is sent (restricted)');
    expect(actions[4]?.reason).toContain('no return forecast');
    expect(actions[0]?.trade_value).toBe(4000);
  });

  it('takes the worst stress test by proposed P&L', () => {
    expect(worstStress(handMade(SPECS, mild).stress_tests)?.name).toBe('Worst case');
    expect(worstStress([])).toBeNull();
  });

  it('scores the drift as 1 for any drift when the band has no width', () => {
    const out = { ...handMade(SPECS), drift_threshold: 0 } as RebalanceResponse;
    expect(rankActions(out).find((a) => a.asset === 'B')?.components.drift).toBe(1);
  });
});

describe('rankActions on the shipped scenarios', () => {
  for (const s of SCENARIOS)
    it(`${s.name}: only traded or out-of-band assets, ranked, at most five`, async () => {
      const out = await scenarioRun(s.name);
      const actions = rankActions(out);
      expect(actions.length).toBeLessThanOrEqual(5);
      expect(actions.map((a) => a.rank)).toEqual(actions.map((_, i) => i + 1));
      for (let i = 1; i < actions.length; i++)
        expect(actions[i - 1]!.score).toBeGreaterThanOrEqual(actions[i]!.score);
      for (const a of actions) {
        const w = out.weights.find((x) => x.asset === a.asset);
        const t = out.trades.find((x) => x.asset === a.asset);
        expect(w?.outside_band || (t?.trade_value ?? 0) > 0).toBe(true);
        for (const c of Object.values(a.components)) {
          expect(c).toBeGreaterThanOrEqual(-1);
          expect(c).toBeLessThanOrEqual(1);
        }
      }
    });
});
