/**
 * The request fields of the estimators (src/contract/estimators.ts): the short string forms and
 * what is stored (the parsed request, hashed and saved as canonical JSON), and the cross-field
 * checks that answer 400 naming each field or cell.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { zodDetails } from '../../../src/contract/common';
import { RebalanceRequest } from '../../../src/contract/rebalance';
import { canonicalJson, inputHash } from '../../../src/domain/canonical';

const base = () => ({
  portfolio_value: 100_000,
  method: 'min_variance',
  assets: [
    {
      asset: 'A',
      target_weight: 0.5,
      current_weight: 0.5,
      price: 10,
      historical_returns: [0.01, -0.01, 0.02],
    },
    {
      asset: 'B',
      target_weight: 0.5,
      current_weight: 0.5,
      price: 20,
      historical_returns: [0.0, 0.01, -0.02],
    },
  ],
});
const parse = (over: Record<string, unknown>) => RebalanceRequest.safeParse({ ...base(), ...over });
const ok = (over: Record<string, unknown>) => {
  const r = parse(over);
  if (!r.success) throw new Error(JSON.stringify(zodDetails(r.error)));
  return r.data;
};
const problems = (over: Record<string, unknown>) => {
  const r = parse(over);
  expect(r.success).toBe(false);
  return zodDetails((r as { error: z.ZodError }).error);
};

describe('short forms and what is stored', () => {
  it('"covariance": "sample" is stored as the object with its defaults, hashing the same', () => {
    const a = ok({ covariance: 'sample' });
    const b = ok({ covariance: { estimator: 'sample' } });
    expect(a.covariance).toEqual({ estimator: 'sample', halflife: 63 });
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(inputHash(a)).toBe(inputHash(b));
    // Absent: the default, unchanged.
    expect(ok({}).covariance).toEqual({ estimator: 'ledoit_wolf', halflife: 63 });
    expect(ok({ covariance: 'pairwise' }).covariance).toEqual({
      estimator: 'pairwise',
      halflife: 63,
    });
  });

  it('expected_returns forecast (string or object) is stored as absent: the old input hash', () => {
    const before = ok({});
    expect('expected_returns' in before).toBe(false);
    for (const v of ['forecast', { method: 'forecast' }]) {
      const r = ok({ expected_returns: v });
      expect(r.expected_returns).toBeUndefined();
      expect(canonicalJson(r)).toBe(canonicalJson(before));
      expect(inputHash(r)).toBe(inputHash(before));
    }
  });

  it('method names expand with their defaults; ewma without span or half-life gets span 500', () => {
    expect(ok({ expected_returns: 'historical_mean' }).expected_returns).toEqual({
      method: 'historical_mean',
      compounding: 'geometric',
    });
    expect(ok({ expected_returns: 'ewma' }).expected_returns).toEqual({
      method: 'ewma',
      compounding: 'geometric',
      span: 500,
    });
    expect(
      ok({ expected_returns: { method: 'ewma', halflife: 21, compounding: 'arithmetic' } })
        .expected_returns,
    ).toEqual({ method: 'ewma', halflife: 21, compounding: 'arithmetic' });
    // A stored request parses to itself (replay reads the stored JSON back).
    const stored = JSON.parse(canonicalJson(ok({ expected_returns: 'ewma', covariance: 'ewma' })));
    expect(canonicalJson(RebalanceRequest.parse(stored))).toBe(canonicalJson(stored));
  });

  it('a bad short form or field is reported at its own path', () => {
    expect(problems({ covariance: 'bogus' })).toEqual([
      {
        path: 'covariance',
        message: 'Invalid option: expected one of "sample"|"ewma"|"ledoit_wolf"|"user"|"pairwise"',
      },
    ]);
    expect(problems({ covariance: { estimator: 'ewma', halflife: -1 } })[0]?.path).toBe(
      'covariance.halflife',
    );
    expect(problems({ expected_returns: 'mean' })[0]?.path).toBe('expected_returns');
    expect(
      problems({ expected_returns: { method: 'historical_mean', compounding: 'log' } })[0]?.path,
    ).toBe('expected_returns.compounding');
  });
});

describe('cross-field checks (400 naming the field)', () => {
  it('user expected returns cover exactly the assets', () => {
    expect(problems({ expected_returns: { method: 'user', values: [0.1] } })).toEqual([
      {
        path: 'expected_returns.values',
        message: 'has 1 values for 2 assets (in the order of assets)',
      },
    ]);
    expect(problems({ expected_returns: { method: 'user', values: { A: 0.1, C: 0.2 } } })).toEqual([
      { path: 'expected_returns.values.C', message: 'unknown asset "C"' },
      { path: 'expected_returns.values', message: 'no expected return for B' },
    ]);
    expect(ok({ expected_returns: { method: 'user', values: { B: 0.1, A: 0.2 } } })).toBeDefined();
  });

  it('capm needs one market that exists; ewma takes span or half-life', () => {
    expect(problems({ expected_returns: 'capm' })[0]?.message).toMatch(/capm needs a market/);
    expect(
      problems({ expected_returns: { method: 'capm', benchmark: 'SPY' } }).map((p) => p.path),
    ).toEqual(['expected_returns.benchmark']);
    expect(
      problems({
        expected_returns: { method: 'capm', equal_weighted_market: true, market_returns: [0.01] },
      })[0]?.message,
    ).toMatch(/one market at most/);
    expect(ok({ expected_returns: { method: 'capm', equal_weighted_market: true } })).toBeDefined();
    expect(
      problems({ expected_returns: { method: 'ewma', span: 10, halflife: 5 } })[0]?.message,
    ).toBe('give span or halflife, not both');
  });

  it('a user matrix: asymmetric cells, unknown or missing assets, shape, variances', () => {
    const m = (assets: string[], values: number[][], extra = {}) => ({
      covariance: { estimator: 'user', matrix: { assets, values }, ...extra },
    });
    expect(
      problems(
        m(
          ['A', 'B'],
          [
            [0.04, 0.01],
            [0.02, 0.09],
          ],
        ),
      ),
    ).toEqual([
      {
        path: 'covariance.matrix.values.1.0',
        message:
          'not symmetric: values[1][0] = 0.02 (B, A) but values[0][1] = 0.01; they may differ by at most 1e-8 relative',
      },
    ]);
    expect(
      ok(
        m(
          ['B', 'A'],
          [
            [0.09, 0.01],
            [0.01, 0.04],
          ],
        ),
      ).covariance.matrix?.assets,
    ).toEqual(['B', 'A']);
    expect(
      problems(
        m(
          ['A', 'C'],
          [
            [0.04, 0],
            [0, 0.09],
          ],
        ),
      ).map((p) => p.path),
    ).toEqual(['covariance.matrix.assets.1', 'covariance.matrix.assets']);
    expect(problems(m(['A', 'B'], [[0.04, 0]]))).toEqual([
      { path: 'covariance.matrix.values', message: 'has 1 rows for 2 assets' },
    ]);
    expect(
      problems(
        m(
          ['A', 'B'],
          [
            [-0.04, 0],
            [0, 0.09],
          ],
        ),
      ),
    ).toEqual([
      { path: 'covariance.matrix.values.0.0', message: 'a variance must be ≥ 0 (got -0.04)' },
    ]);
  });

  it('user pairs: every variance and pair, both orders within the tolerance', () => {
    const p = (pairs: unknown[]) => ({ covariance: { estimator: 'user', pairs } });
    const full = [
      { asset_1: 'A', asset_2: 'A', value: 0.04 },
      { asset_1: 'B', asset_2: 'B', value: 0.09 },
      { asset_1: 'A', asset_2: 'B', value: 0.01 },
    ];
    expect(ok(p(full))).toBeDefined();
    expect(problems(p(full.slice(0, 2)))).toEqual([
      {
        path: 'covariance.pairs',
        message: 'every variance and every pair is needed; missing 1: (B, A)',
      },
    ]);
    expect(problems(p([...full, { asset_1: 'B', asset_2: 'A', value: 0.02 }]))).toEqual([
      {
        path: 'covariance.pairs.3.value',
        message:
          'not symmetric: (B, A) = 0.02 but pairs.2 (A, B) = 0.01; they may differ by at most 1e-8 relative',
      },
    ]);
    expect(ok(p([...full, { asset_1: 'B', asset_2: 'A', value: 0.01 }]))).toBeDefined();
  });

  it('estimator user needs one matrix form; matrix only with user; no observed factors', () => {
    expect(problems({ covariance: 'user' })).toEqual([
      { path: 'covariance', message: 'estimator "user" needs exactly one of matrix and pairs' },
    ]);
    expect(
      problems({
        covariance: {
          estimator: 'sample',
          matrix: {
            assets: ['A', 'B'],
            values: [
              [1, 0],
              [0, 1],
            ],
          },
        },
      }),
    ).toEqual([{ path: 'covariance.matrix', message: 'only with estimator "user"' }]);
    const r = problems({
      covariance: { estimator: 'pairwise', factor_series: ['F'] },
      price_history: { dates: ['2024-01-01', '2024-01-02'], prices: { F: [1, 2] } },
    });
    expect(r.map((x) => x.path)).toEqual(['covariance.factor_series']);
  });
});
