import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { backtestAccuracy } from '../../../src/forecast';
import {
  EVALUATED_MODELS,
  averageRanks,
  crossSections,
  evaluateForecastModels,
  forecastEvaluationJson,
  meanTStat,
  rankIcSummary,
  returnsFromPriceCsv,
  runBacktests,
  spearman,
  summarizeBacktests,
  type CrossSection,
} from '../../../src/forecast/evaluation';
import {
  FORECAST_ACCURACY_JSON,
  evaluateFixture,
  loadFixtureUniverse,
} from '../../../scripts/build-forecast-accuracy';

const close = (a: number | null | undefined, b: number, tol = 1e-12) => {
  expect(a).toBeTypeOf('number');
  expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(tol);
};

describe('averageRanks and spearman, by hand', () => {
  it('gives tied values the average of their ranks', () => {
    expect(averageRanks([0.3, 0.1, 0.3, 0.2])).toEqual([3.5, 1, 3.5, 2]);
    expect(averageRanks([5, 5, 5])).toEqual([2, 2, 2]);
    expect(averageRanks([])).toEqual([]);
  });

  // Four series, four origins (t = 21, 42, 63, 84):
  //
  // t = 21: f = [0.10, 0.30, 0.30, −0.20] → ranks [2, 3.5, 3.5, 1] (the two 0.30 share 3 and 4)
  //         R = [0.05, 0.40, −0.10, 0.00] → ranks [3, 4, 1, 2]; mean rank (n + 1)/2 = 2.5
  //         deviations a = [−0.5, 1, 1, −1.5], b = [0.5, 1.5, −1.5, −0.5]
  //         Σab = −0.25 + 1.5 − 1.5 + 0.75 = 0.5, Σa² = 4.5, Σb² = 5
  //         ρ = 0.5 / √(4.5 · 5) = 0.5 / √22.5 = 0.105409255…
  // t = 42: f = [0.2, 0.1, 0.0, −0.1] → ranks [4, 3, 2, 1]
  //         R = [0.3, 0.3, 0.1, −0.2] → ranks [3.5, 3.5, 2, 1]
  //         a = [1.5, 0.5, −0.5, −1.5], b = [1, 1, −0.5, −1.5]
  //         Σab = 1.5 + 0.5 + 0.25 + 2.25 = 4.5, Σa² = 5, Σb² = 4.5
  //         ρ = 4.5 / √22.5 = 3/√10 = 0.948683298…
  // t = 63: two series only (< 3): skipped
  // t = 84: every forecast 0.05: zero rank variance, ρ undefined: skipped
  //
  // rank IC = (0.5 + 4.5) / (2√22.5) = 2.5/√22.5 = 0.527046276…
  // sd (ddof 1) of two values = |ρ1 − ρ2| / √2 = (4/√22.5)/√2, so
  // t = mean / (sd / √2) = (2.5/√22.5) / (2/√22.5) = 1.25
  const sections: CrossSection[] = [
    { origin: 21, forecast: [0.1, 0.3, 0.3, -0.2], realized: [0.05, 0.4, -0.1, 0] },
    { origin: 42, forecast: [0.2, 0.1, 0, -0.1], realized: [0.3, 0.3, 0.1, -0.2] },
    { origin: 63, forecast: [0.1, 0.2], realized: [0.1, 0.2] },
    { origin: 84, forecast: [0.05, 0.05, 0.05, 0.05], realized: [0.1, 0.2, 0.3, 0.4] },
  ];

  it('computes each origin’s ρ with ties', () => {
    close(spearman(sections[0]!.forecast, sections[0]!.realized), 0.5 / Math.sqrt(22.5));
    close(spearman(sections[0]!.forecast, sections[0]!.realized), 0.105409255338946);
    close(spearman(sections[1]!.forecast, sections[1]!.realized), 3 / Math.sqrt(10));
    expect(spearman(sections[3]!.forecast, sections[3]!.realized)).toBeNull();
    expect(spearman([1], [2])).toBeNull();
    expect(() => spearman([1, 2], [1])).toThrow(RangeError);
  });

  it('averages over the origins that count, with the t-stat', () => {
    const s = rankIcSummary(sections);
    expect(s.origins).toBe(2);
    close(s.rank_ic, 2.5 / Math.sqrt(22.5));
    close(s.rank_ic, 0.527046276694729);
    close(s.rank_ic_t, 1.25, 1e-12);
    expect(s.positive_share).toBe(1);
  });

  it('is null with no origin that counts', () => {
    expect(rankIcSummary(sections.slice(2))).toMatchObject({
      rank_ic: null,
      rank_ic_t: null,
      origins: 0,
    });
    expect(meanTStat([0.2])).toEqual({ mean: 0.2, t: null, positive_share: 1, n: 1 });
  });
});

describe('rank IC of a perfect forecaster', () => {
  it('is exactly 1 when the realized returns are fed as forecasts (t undefined: sd 0)', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.4;
    const sections: CrossSection[] = Array.from({ length: 50 }, (_, t) => {
      const realized = Array.from({ length: 20 }, rnd);
      realized[3] = realized[5] as number; // a tie
      return { origin: 21 * t, forecast: realized.slice(), realized };
    });
    const s = rankIcSummary(sections);
    expect(s.rank_ic).toBe(1);
    expect(s.ics.every((x) => x === 1)).toBe(true);
    expect(s.origins).toBe(50);
    expect(s.rank_ic_t).toBeNull();
    // …and the reversed order is exactly −1
    const rev = rankIcSummary(sections.map((x) => ({ ...x, forecast: x.realized.map((r) => -r) })));
    expect(rev.rank_ic).toBe(-1);
  });
});

describe('evaluateForecastModels on synthetic series', () => {
  // Four series of 400 returns: with the default protocol, origins 252, 273, …, 378 (7 origins; 378 + 21 ≤ 400).
  const mk = (a: number, b: number) =>
    Float64Array.from({ length: 400 }, (_, i) => 0.01 * Math.sin(a * i + b) + 0.0002 * b);
  const series = [1, 2, 3, 4].map((k) => ({ name: `S${k}`, returns: mk(0.1 * k, k) }));

  it('pools hit rate and MAE over series × origins and scores every model', () => {
    const ev = evaluateForecastModels(series);
    const bt = series.map((s) => backtestAccuracy(s.returns));
    expect(ev.models.map((m) => m.model)).toEqual([...EVALUATED_MODELS]);
    expect(ev.universe).toEqual({
      source: 'unspecified',
      series: 4,
      first_date: '',
      last_date: '',
    });
    expect(ev.protocol).toEqual({ horizon: 21, step: 21, min_train: 252 });
    for (const m of ev.models) {
      const stats = bt.map((b) =>
        m.model === 'historical_mean' ? b.baselines.historical_mean : b.models[m.model],
      );
      const n = stats.reduce((a, s) => a + s.count, 0);
      expect(m.points).toBe(n);
      expect(n).toBe(28);
      close(m.hit_rate, stats.reduce((a, s) => a + (s.hit_rate as number) * s.count, 0) / n, 1e-12);
      close(m.mae, stats.reduce((a, s) => a + (s.mae as number) * s.count, 0) / n, 1e-12);
      expect(m.origins).toBeLessThanOrEqual(7);
    }
    const base = ev.models.find((m) => m.model === 'historical_mean')!;
    expect(base.vs_baseline).toBeNull();
    for (const m of ev.models.filter((x) => x.model !== 'historical_mean')) {
      close(m.vs_baseline?.hit_rate, (m.hit_rate as number) - (base.hit_rate as number));
      if (m.rank_ic !== null && base.rank_ic !== null)
        close(m.vs_baseline?.rank_ic, m.rank_ic - base.rank_ic);
    }
  });

  it('asserts one date axis (equal lengths), a non-empty universe and unique names', () => {
    const bad = [...series, { name: 'short', returns: mk(0.5, 5).subarray(1) }];
    expect(() => evaluateForecastModels(bad)).toThrow(EngineError);
    expect(() => evaluateForecastModels([])).toThrow(EngineError);
    expect(() => evaluateForecastModels([series[0]!, series[0]!])).toThrow(EngineError);
  });

  it('parses a wide price CSV into returns', () => {
    const { dates, series: s } = returnsFromPriceCsv(
      'Date,A,B\n2020-01-01,1,2\n2020-01-02,1.1,1.5\n',
    );
    expect(dates).toEqual(['2020-01-01', '2020-01-02']);
    expect(s.map((x) => x.name)).toEqual(['A', 'B']);
    close(s[0]!.returns[0], 0.1, 1e-15);
    close(s[1]!.returns[0], -0.25, 1e-15);
    expect(() => returnsFromPriceCsv('Date,A\n2020-01-01,0\n2020-01-02,1\n')).toThrow(EngineError);
  });
});

describe('resources/forecast_accuracy.json (the shipped figures)', () => {
  const t0 = performance.now();
  const fresh = evaluateFixture();
  const seconds = (performance.now() - t0) / 1000;
  const shipped = readFileSync(FORECAST_ACCURACY_JSON, 'utf8');

  it('equals a fresh evaluation of the fixture (rebuild: npx tsx scripts/build-forecast-accuracy.ts)', () => {
    expect(JSON.parse(shipped)).toEqual(JSON.parse(forecastEvaluationJson(fresh)));
    expect(shipped).toBe(forecastEvaluationJson(fresh));
    expect(seconds).toBeGreaterThan(0);
  });

  it('covers the 20 stocks, 383 origins each, every model against the baseline', () => {
    expect(fresh.universe).toMatchObject({
      series: 20,
      first_date: '1990-01-02',
      last_date: '2022-12-28',
    });
    expect(fresh.generated_by).toBe('scripts/build-forecast-accuracy.ts');
    for (const m of fresh.models) {
      expect(m.points).toBe(20 * 383);
      expect(m.origins).toBe(383);
      expect(m.vs_baseline === null).toBe(m.model === 'historical_mean');
    }
  });

  it('gives a rank IC of 1 when the fixture’s realized returns are the forecasts', () => {
    const { series } = loadFixtureUniverse();
    const results = runBacktests(series);
    expect(
      summarizeBacktests(results, { horizon: 21, step: 21, minTrain: 252 }, fresh.universe),
    ).toEqual(fresh);
    const perfect = crossSections(results, 'ensemble').map((s) => ({ ...s, forecast: s.realized }));
    const s = rankIcSummary(perfect);
    expect(s.origins).toBe(383);
    expect(s.rank_ic).toBe(1);
  });
});
