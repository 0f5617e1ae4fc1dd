/**
 * The metrics request contract (400 naming each field) and the service's rules for figures it
 * cannot compute (null plus a warning naming the figure; 422 DATA_BLOCKED when no series reaches
 * min_observations).
 */
import { describe, expect, it } from 'vitest';
import { EngineError, zodDetails } from '../../../src/contract/common';
import {
  MetricsRequest,
  MetricsResponse,
  type MetricsRequestInput,
} from '../../../src/contract/metrics';
import { computeMetrics } from '../../../src/services/metrics';
import { mulberry32 } from '../../integration/store/helpers';

const noise = (seed: number, n: number) => {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => (rand() - 0.48) * 0.03);
};

function problems(input: unknown): { path: string; message: string }[] {
  const r = MetricsRequest.safeParse(input);
  expect(r.success).toBe(false);
  return r.success ? [] : zodDetails(r.error);
}

const run = (input: MetricsRequestInput) => {
  const out = computeMetrics(MetricsRequest.parse(input));
  // Every answer satisfies the response contract, and JSON carries no NaN or Infinity.
  expect(MetricsResponse.safeParse(out).success).toBe(true);
  expect(JSON.stringify(out)).not.toMatch(/NaN|Infinity/);
  return out;
};

describe('request validation (400 naming each field)', () => {
  it('returns or prices: exactly one, of the right lengths, with matching dates', () => {
    const d = problems({
      series: [
        { name: 'both', returns: [0.01], prices: [1, 2] },
        { name: 'none' },
        { name: 'short', prices: [100] },
        { name: 'dates', returns: [0.01, 0.02], dates: ['2024-01-02'] },
        { name: 'empty', returns: [] },
      ],
    });
    expect(d).toEqual(
      expect.arrayContaining([
        { path: 'series.0', message: 'give `returns` or `prices`, not both' },
        { path: 'series.1', message: 'give `returns` or `prices`' },
        { path: 'series.2.prices', message: 'has 1 values; at least 2 are required' },
        { path: 'series.3.dates', message: 'has 1 dates but returns has 2 values' },
        { path: 'series.4.returns', message: 'has 0 values; at least 1 is required' },
      ]),
    );
  });

  it('non-finite, non-positive prices, returns ≤ −1 and bad dates, each at its index', () => {
    const d = problems({
      series: [
        { name: 'p', prices: [100, 0, -3, 101] },
        { name: 'r', returns: [0.01, -1, 'x'] },
        {
          name: 'd',
          returns: [0.01, 0.02, 0.03],
          dates: ['2024-01-03', '2024-01-02', '2023-02-29'],
        },
      ],
    });
    const paths = d.map((x) => x.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'series.0.prices.1',
        'series.0.prices.2',
        'series.1.returns.1',
        'series.1.returns.2',
        'series.2.dates.1',
        'series.2.dates.2',
      ]),
    );
    expect(d.find((x) => x.path === 'series.0.prices.1')!.message).toBe('prices must be > 0');
    expect(d.find((x) => x.path === 'series.2.dates.1')!.message).toBe(
      'dates must be strictly increasing (2024-01-02 follows 2024-01-03)',
    );
    expect(d.find((x) => x.path === 'series.2.dates.2')!.message).toBe(
      'expected a calendar date as YYYY-MM-DD',
    );
  });

  it('unknown weight names, all-zero weights, duplicate names and levels, bad options', () => {
    // Field checks first (zod runs the cross-field checks once every field is well formed).
    const fields = problems({
      series: [{ name: 'A', returns: [0.01] }],
      confidence_levels: [0.95, 1],
      periodicity: 'hourly',
      min_observations: 1,
      rolling_sharpe_window: 1,
      tail_method: 'sorted',
    });
    expect(fields).toEqual(
      expect.arrayContaining([
        {
          path: 'periodicity',
          message:
            'expected daily, weekly, monthly, quarterly, annual, or a number of periods per year in (0, 1e6]',
        },
        { path: 'confidence_levels.1', message: 'must be < 1' },
      ]),
    );
    const paths = fields.map((x) => x.path);
    for (const p of ['min_observations', 'rolling_sharpe_window', 'tail_method'])
      expect(paths).toContain(p);
    const d = problems({
      series: [
        { name: 'A', returns: [0.01] },
        { name: 'A', returns: [0.02] },
      ],
      weights: { A: 0, B: 0 },
    });
    expect(d).toEqual(
      expect.arrayContaining([
        { path: 'series.1.name', message: 'duplicate series name "A" (also series.0.name)' },
        { path: 'weights.B', message: 'names no series' },
        { path: 'weights', message: 'at least one weight must be non-zero' },
      ]),
    );
    expect(
      problems({ series: [{ name: 'A', returns: [0.01] }], confidence_levels: [0.9, 0.9] }),
    ).toEqual([{ path: 'confidence_levels.1', message: '0.9 is listed twice' }]);
  });

  it('a series named __proto__ is data, weights included', () => {
    const req = MetricsRequest.parse(
      JSON.parse(
        '{"series":[{"name":"__proto__","returns":' +
          JSON.stringify(noise(1, 30)) +
          '}],"weights":{"__proto__":1}}',
      ),
    );
    const out = computeMetrics(req);
    expect(out.portfolio!.weights).toEqual([{ name: '__proto__', weight: 1 }]);
  });
});

describe('figures that cannot be computed', () => {
  it('below min_observations: only cumulative_return, with INSUFFICIENT_HISTORY', () => {
    const out = run({
      series: [
        { name: 'long', returns: noise(1, 40) },
        { name: 'short', returns: [0.01, -0.02, 0.03] },
      ],
    });
    const s = out.series[1]!;
    expect(s.cumulative_return).toBeCloseTo(1.01 * 0.98 * 1.03 - 1, 15);
    expect([s.cagr, s.sharpe, s.max_drawdown, s.tail_risk[0]!.gaussian_var]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(s.warnings[0]!.code).toBe('INSUFFICIENT_HISTORY');
    expect(s.warnings[0]!.message).toContain('min_observations = 20');
    // The long series is measured; its 40 returns are below the 100 of the historical tails.
    const l = out.series[0]!;
    expect(l.sharpe).toBeTypeOf('number');
    expect(l.tail_risk[0]!.historical_var).toBeNull();
    expect(l.tail_risk[0]!.gaussian_var).toBeTypeOf('number');
    expect(l.warnings.find((w) => w.path === 'tail_risk')!.message).toContain(
      'min_tail_observations = 100',
    );
    expect(out.warnings).toEqual([]);
  });

  it('lowering min_observations measures short series and says so', () => {
    const out = run({
      series: [{ name: 's', returns: noise(2, 8) }],
      min_observations: 5,
      min_tail_observations: 8,
    });
    expect(out.series[0]!.sharpe).toBeTypeOf('number');
    expect(out.series[0]!.tail_risk[0]!.historical_var).toBeTypeOf('number');
    expect(out.warnings.map((w) => [w.code, w.path])).toEqual([
      ['MIN_OBSERVATIONS_LOWERED', 'min_observations'],
      ['MIN_OBSERVATIONS_LOWERED', 'min_tail_observations'],
    ]);
  });

  it('no series reaches min_observations: DATA_BLOCKED (422) naming each', () => {
    try {
      computeMetrics(
        MetricsRequest.parse({
          series: [
            { name: 'a', returns: [0.01] },
            { name: 'b', prices: [1, 2, 3] },
          ],
        }),
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      const err = e as EngineError;
      expect(err.code).toBe('DATA_BLOCKED');
      expect(err.details).toEqual([
        { path: 'series.0', message: 'has 1 returns; min_observations is 20' },
        { path: 'series.1', message: 'has 2 returns; min_observations is 20' },
      ]);
    }
  });

  it('a constant series: volatility 0, ratios null with ZERO_VOLATILITY, VaR = −mean', () => {
    const s = run({
      series: [{ name: 'mm', returns: new Array(150).fill(0.0001) }],
      risk_free_rate: 0.02,
    }).series[0]!;
    expect(s.annual_volatility).toBe(0);
    expect(s.sharpe).toBeNull();
    expect(s.sortino).toBeNull();
    expect(s.calmar).toBeNull();
    expect(s.tail_risk[0]!.gaussian_var).toBe(-0.0001);
    expect(s.tail_risk[0]!.historical_var).toBe(-0.0001);
    expect(s.tail_risk[0]!.historical_cvar).toBe(-0.0001);
    expect(s.warnings.map((w) => w.code)).toEqual(['ZERO_VOLATILITY', 'ZERO_DRAWDOWN']);
  });

  it('benchmark alignment by position warns when lengths differ; by date reports the common count', () => {
    const a = run({
      series: [{ name: 'x', returns: noise(3, 60) }],
      benchmark: { returns: noise(4, 50) },
    }).series[0]!;
    expect(a.relative!.observations).toBe(50);
    expect(a.relative!.alignment).toBe('position');
    expect(a.warnings.find((w) => w.code === 'BENCHMARK_ALIGNMENT')!.message).toContain(
      'the last 50 returns of each',
    );
    const days = Array.from({ length: 60 }, (_, i) =>
      new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
    );
    const b = run({
      series: [{ name: 'x', returns: noise(3, 60), dates: days }],
      benchmark: { returns: noise(4, 40), dates: days.slice(10, 50) },
    }).series[0]!;
    expect(b.relative!.alignment).toBe('dates');
    expect(b.relative!.observations).toBe(40);
    expect(b.warnings.find((w) => w.code === 'BENCHMARK_ALIGNMENT')!.message).toContain(
      '40 of this series',
    );
  });

  it('a rolling window longer than the series is null with a warning', () => {
    const s = run({ series: [{ name: 'x', returns: noise(5, 30) }], rolling_sharpe_window: 31 })
      .series[0]!;
    expect(s.rolling_sharpe).toBeNull();
    expect(s.warnings.find((w) => w.path === 'rolling_sharpe')!.code).toBe('INSUFFICIENT_HISTORY');
  });

  it('weights not summing to 1 and short weights are reported; zero weights take no part', () => {
    const out = run({
      series: [
        { name: 'a', returns: noise(6, 100) },
        { name: 'b', returns: noise(7, 100) },
        { name: 'c', returns: noise(8, 30) },
      ],
      weights: { a: 0.8, b: -0.3, c: 0 },
    });
    expect(out.warnings.map((w) => w.code)).toEqual([
      'WEIGHTS_NOT_FULLY_INVESTED',
      'SHORT_WEIGHTS',
    ]);
    expect(out.portfolio!.observations).toBe(100);
    expect(out.portfolio!.weights.map((w) => w.name)).toEqual(['a', 'b']);
    expect(out.portfolio!.effective_number_of_assets).toBeCloseTo(1 / (0.64 + 0.09), 14);
  });

  it('overflowing figures are null with NON_FINITE_RESULT', () => {
    // 1,000% a period for 400 periods: the wealth overflows to Infinity.
    const r = Array.from({ length: 400 }, (_, i) => (i % 2 ? 10 : 9.5));
    const s = run({ series: [{ name: 'x', returns: r }] }).series[0]!;
    expect(s.cumulative_return).toBeNull();
    expect(s.warnings.find((w) => w.code === 'NON_FINITE_RESULT')!.message).toContain(
      'cumulative_return',
    );
  });
});
