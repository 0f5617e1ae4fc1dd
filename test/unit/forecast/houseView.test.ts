import { describe, expect, it } from 'vitest';
import type { AssetForecast } from '../../../src/contract/rebalance';
import { rankHouseView } from '../../../src/forecast';

const af = (asset: string, ensemble: number, confidence: number): AssetForecast => ({
  asset,
  momentum: ensemble,
  mean_reversion: ensemble,
  ewma: ensemble,
  historical_mean: ensemble,
  ensemble_unshrunk: ensemble,
  ensemble,
  confidence,
  observations: 100,
  source: 'price_history',
});

describe('rankHouseView', () => {
  it('ranks by ensemble × confidence: positive scores descending, negative ascending', () => {
    // scores: A 0.10·0.5 = 0.05, B −0.2·0.1 = −0.02, C 0.02·0.5 = 0.01, D 0.3·0 = 0,
    //         E 0.04·1 = 0.04, F −0.1·0.5 = −0.05, G 0.5·0.02 = 0.01
    const r = rankHouseView([
      af('A', 0.1, 0.5),
      af('B', -0.2, 0.1),
      af('C', 0.02, 0.5),
      af('D', 0.3, 0),
      af('E', 0.04, 1),
      af('F', -0.1, 0.5),
      af('G', 0.5, 0.02),
    ]);
    // C and G tie at 0.01: name order puts C first (takes the last top slot)
    expect(r.top_conviction_buys).toEqual(['A', 'E', 'C']);
    // D scores 0 (no confidence): no view, in neither list.
    expect(r.risk_reduction_candidates).toEqual(['F', 'B']);
  });

  it('breaks ties by name in code-unit order, in both lists', () => {
    const r = rankHouseView(['d', 'b', 'a', 'c', 'f', 'e', 'B'].map((n) => af(n, 0.1, 0.5)));
    expect(r.top_conviction_buys).toEqual(['B', 'a', 'b']); // 'B' (66) < 'a' (97)
    expect(r.risk_reduction_candidates).toEqual([]);
  });

  it('a falling forecast is never a buy, a rising one never a reduction', () => {
    const four = rankHouseView([
      af('A', 0.05, 1),
      af('B', -0.02, 1),
      af('C', 0.01, 1),
      af('D', 0, 1),
    ]);
    expect(four).toEqual({
      top_conviction_buys: ['A', 'C'],
      risk_reduction_candidates: ['B'],
    });
    expect(rankHouseView([af('X', -0.5, 1)])).toEqual({
      top_conviction_buys: [],
      risk_reduction_candidates: ['X'],
    });
    expect(rankHouseView([])).toEqual({ top_conviction_buys: [], risk_reduction_candidates: [] });
  });

  it('a forecast with zero confidence (score ±0) is in neither list', () => {
    const r = rankHouseView([af('Z', -0.3, 0), af('A', 0.3, 0), af('M', 0.1, 1), af('N', -0.1, 1)]);
    expect(r.top_conviction_buys).toEqual(['M']);
    expect(r.risk_reduction_candidates).toEqual(['N']);
  });

  it('scores the shrunk ensemble, not the unshrunk one', () => {
    // P: unshrunk 0.9 but shrunk to 0.02 (score 0.002); Q: unshrunk −0.5, shrunk 0.06 (0.006)
    const p = { ...af('P', 0.02, 0.1), ensemble_unshrunk: 0.9 };
    const q = { ...af('Q', 0.06, 0.1), ensemble_unshrunk: -0.5 };
    expect(rankHouseView([p, q])).toEqual({
      top_conviction_buys: ['Q', 'P'],
      risk_reduction_candidates: [],
    });
  });
});
