/**
 * The metrics endpoint against values published in the peer libraries' own test suites, each
 * with the convention conversion written next to it:
 * - empyrical (quantopian/empyrical empyrical/tests/test_stats.py and its maintained fork
 *   stefan-jansen/empyrical-reloaded tests/test_stats.py + tests/conftest.py), asserted there to
 *   8 decimals;
 * - skfolio: tests/test_measures/data/reference_values.json (values from "vetted", reproduced by
 *   R PerformanceAnalytics 2.1.0 where it implements the convention) on Bacon's 24-month
 *   portfolio and a 7-point sample, and tests/test_measures/test_measures.py on AAPL of the
 *   S&P 500 fixture (our test/fixtures/skfolio_sp500_dataset.csv), asserted there to 7 decimals.
 * Sign: this API reports VaR, CVaR, CDaR and drawdowns as positive losses; empyrical returns
 * value_at_risk and max_drawdown as (negative) returns, so ours = −theirs; skfolio reports
 * positive losses like us.
 */
import { describe, expect, it } from 'vitest';
import { MetricsRequest, type MetricsRequestInput } from '../../../src/contract/metrics';
import { computeMetrics } from '../../../src/services/metrics';
import { cagr } from '../../../src/risk/series/ratios';
import { seriesMoments } from '../../../src/risk/series/moments';
import { tailPlan, tailRisk } from '../../../src/risk/series/tail';
import { compoundedDrawdowns, uncompoundedDrawdowns } from '../../../src/risk/series/drawdown';
import { simpleReturns } from '../../../src/risk/returns';
import { expectRel, loadPrices } from '../risk/fixtures';
import { mulberry32 } from '../../integration/store/helpers';

/** empyrical's assert_almost_equal(..., 8): |a − b| < 1.5e-8. */
const dp8 = (a: number | null | undefined, b: number) => {
  expect(a).toBeTypeOf('number');
  expect(Math.abs((a as number) - b)).toBeLessThan(1.5e-8);
};

function metrics(
  input: Omit<MetricsRequestInput, 'series'> & { returns: number[]; dates?: string[] },
) {
  const { returns, dates, ...rest } = input;
  return computeMetrics(
    MetricsRequest.parse({
      min_observations: 2,
      min_tail_observations: 1,
      ...rest,
      series: [{ name: 'x', returns, ...(dates ? { dates } : {}) }],
    }),
  ).series[0]!;
}

// empyrical conftest fixtures, in percent.
const pct = (xs: number[]) => xs.map((x) => x / 100);
/** mixed_returns without its leading NaN (empyrical skips NaN in moments: 8 values). */
const MIXED = pct([1, 10, -4, 2, 3, 2, 1, -10]);
/**
 * mixed_returns with the NaN as a 0 return: empyrical's annual_return counts the NaN row as a
 * period (num_years = len(returns) / P = 9 / 252) while compounding it as 0, which is exactly a
 * 0 return; weekly_returns and monthly_returns are these same 9 numbers.
 */
const MIXED9 = [0, ...MIXED];
const NEGATIVE = pct([0, -6, -7, -1, -9, -2, -6, -8, -5]);
const ALL_NEGATIVE = pct([-2, -6, -7, -1, -9, -2, -6, -8, -5]);
const POSITIVE = pct([1, 2, 1, 1, 1, 1, 1, 1, 1]);
const ONE = [
  -0.00171614, 0.01322056, 0.03063862, -0.01422057, -0.00489779, 0.01268925, -0.03357711,
  0.01797036,
];
const TWO = [
  0.01846232, 0.00793951, -0.01448395, 0.00422537, -0.00339611, 0.03756813, 0.0151531, 0.03549769,
];
const day = (i: number) => new Date(Date.UTC(2000, 0, 30 + i)).toISOString().slice(0, 10);

describe('empyrical (test_stats.py)', () => {
  it('cum_returns_final and max_drawdown (empyrical max_drawdown = −ours)', () => {
    expect(Math.abs(metrics({ returns: MIXED }).cumulative_return! - 0.03893)).toBeLessThan(1.5e-4);
    dp8(metrics({ returns: MIXED }).max_drawdown, 0.1);
    dp8(metrics({ returns: NEGATIVE }).max_drawdown, 0.365907303498736);
    dp8(metrics({ returns: ALL_NEGATIVE }).max_drawdown, 0.378589157);
    dp8(metrics({ returns: pct([10, -10, 10]) }).max_drawdown, 0.1);
    expect(metrics({ returns: POSITIVE }).max_drawdown).toBe(0);
  });

  it('annual_return / cagr: P·years convention (n / P, the NaN row counted as a 0 return)', () => {
    dp8(metrics({ returns: MIXED9, periodicity: 'daily' }).cagr, 1.9135925373194231);
    dp8(metrics({ returns: MIXED9, periodicity: 'weekly' }).cagr, 0.24690830513998208);
    dp8(metrics({ returns: MIXED9, periodicity: 'monthly' }).cagr, 0.052242061386048144);
    dp8(metrics({ returns: [0.03, 0.03, 0.03], periodicity: 'annual' }).cagr, 0.03);
    // one_return (a single 1% day; below our minimum of 2 returns, so the pure function).
    dp8(cagr(0.01, 1 / 252), 11.274002099240244);
  });

  it('annual_volatility (ddof 1 × √P) and calmar (cagr / max drawdown)', () => {
    dp8(metrics({ returns: MIXED }).annual_volatility, 0.9136465399704637);
    dp8(metrics({ returns: MIXED9, periodicity: 'weekly' }).annual_volatility, 0.38851569394870583);
    dp8(
      metrics({ returns: MIXED9, periodicity: 'monthly' }).annual_volatility,
      0.18663690238892558,
    );
    dp8(metrics({ returns: MIXED9 }).calmar, 19.135925373194233);
    dp8(metrics({ returns: MIXED9, periodicity: 'weekly' }).calmar, 2.4690830513998208);
    dp8(metrics({ returns: MIXED9, periodicity: 'monthly' }).calmar, 0.52242061386048144);
  });

  it('sharpe_ratio (risk_free per period = rf / P; here 0)', () => {
    dp8(metrics({ returns: MIXED }).sharpe, 1.7238613961706866);
    dp8(metrics({ returns: POSITIVE }).sharpe, 52.915026221291804);
    dp8(metrics({ returns: NEGATIVE }).sharpe, -24.406808633910085);
    // A constant risk-free series in empyrical is our annual rf = 252 × the per-period value:
    // the Sharpe ratio of (r − c) equals ours with rf = 252c.
    const c = 0.001;
    const shifted = metrics({ returns: MIXED.map((r) => r - c) }).sharpe!;
    expectRel(metrics({ returns: MIXED, risk_free_rate: 252 * c }).sharpe, shifted, 1e-12);
  });

  it('downside_risk (required_return per period = MAR / P, divisor n, × √P)', () => {
    dp8(metrics({ returns: MIXED }).downside_risk, 0.60448325038829653);
    dp8(metrics({ returns: MIXED9, periodicity: 'weekly' }).downside_risk, 0.25888650451930134);
    dp8(
      metrics({ returns: MIXED9, periodicity: 'weekly', min_acceptable_return: 0.1 * 52 })
        .downside_risk,
      0.7733045971672482,
    );
    dp8(metrics({ returns: MIXED9, periodicity: 'monthly' }).downside_risk, 0.1243650540411842);
    dp8(
      metrics({ returns: MIXED9, periodicity: 'monthly', min_acceptable_return: 0.1 * 12 })
        .downside_risk,
      0.37148351242013422,
    );
    // required_return 0.1 a day is an annual MAR of 25.2 (beyond the API's bound of 10): the
    // pure function, per period × √252.
    dp8(
      seriesMoments(Float64Array.from(MIXED), 0.1).downsideDeviation * Math.sqrt(252),
      1.7161730681956295,
    );
    const dfCases: [string, number, number[]][] = [
      ['daily', 252, [0.20671788246185202, 0.083495680595704475]],
      ['weekly', 52, [0.093902996054410062, 0.037928477556776516]],
      ['monthly', 12, [0.045109540184877193, 0.018220251263412916]],
    ];
    for (const [periodicity, , expected] of dfCases) {
      dp8(
        metrics({ returns: ONE, periodicity: periodicity as 'daily' }).downside_risk,
        expected[0]!,
      );
      dp8(
        metrics({ returns: TWO, periodicity: periodicity as 'daily' }).downside_risk,
        expected[1]!,
      );
    }
  });

  it('sortino_ratio (empyrical-reloaded values; MAR 0)', () => {
    dp8(metrics({ returns: MIXED }).sortino, 2.605531251673693);
    dp8(metrics({ returns: NEGATIVE }).sortino, -13.532743075043401);
    dp8(metrics({ returns: MIXED9, periodicity: 'weekly' }).sortino, 1.1158901056866439);
    dp8(metrics({ returns: MIXED9, periodicity: 'monthly' }).sortino, 0.53605626741889756);
    const df: [string, number[]][] = [
      ['daily', [3.0639640966566306, 38.090963117002495]],
      ['weekly', [1.3918264112070571, 17.303077589064618]],
      ['monthly', [0.6686117809312383, 8.3121296084492844]],
    ];
    for (const [p, e] of df) {
      dp8(metrics({ returns: ONE, periodicity: p as 'daily' }).sortino, e[0]!);
      dp8(metrics({ returns: TWO, periodicity: p as 'daily' }).sortino, e[1]!);
    }
    // positive_returns: empyrical answers inf (no return below 0); we answer null and say why.
    const pos = metrics({ returns: POSITIVE });
    expect(pos.sortino).toBeNull();
    expect(pos.warnings.map((w) => w.code)).toContain('ZERO_DOWNSIDE_RISK');
  });

  it('excess_sharpe (per period, not annualized) and information ratio = excess_sharpe·√P', () => {
    const zero = metrics({ returns: MIXED, benchmark: { returns: MIXED.map(() => 0) } }).relative!;
    dp8(zero.excess_sharpe, 0.10859306069076737);
    expectRel(zero.information_ratio, 0.10859306069076737 * Math.sqrt(252), 1e-9);
    const flat = metrics({ returns: MIXED, benchmark: { returns: MIXED.map(() => 0.01) } });
    dp8(flat.relative!.excess_sharpe, -0.06515583641446039);
    // A constant benchmark has no beta: null with a warning (empyrical: nan).
    expect(flat.relative!.beta).toBeNull();
    expect(flat.warnings.map((w) => w.code)).toContain('ZERO_BENCHMARK_VARIANCE');
  });

  it('alpha_beta vs negative_returns[1:], aligned by date as pandas does', () => {
    // mixed_returns has NaN on 2000-01-30: its 8 returns are dated 01-31..02-07, like
    // negative_returns[1:].
    const dates = MIXED.map((_, i) => day(i + 1));
    const bench = NEGATIVE.slice(1);
    const rel = metrics({ returns: MIXED, dates, benchmark: { returns: bench, dates } }).relative!;
    expect(rel.alignment).toBe('dates');
    dp8(rel.beta, -0.71296296296296313);
    // empyrical ≤ 0.5 (test_stats.py): alpha = 252 × mean → our arithmetic alpha directly.
    dp8(rel.alpha, -8.306666666666668);
    // empyrical-reloaded compounds it: (1 + α/252)^252 − 1.
    dp8((1 + rel.alpha! / 252) ** 252 - 1, -0.9997853834885004);
    const same = metrics({ returns: MIXED, benchmark: { returns: MIXED } }).relative!;
    dp8(same.alpha, 0);
    dp8(same.beta, 1);
    const inv = metrics({ returns: MIXED, benchmark: { returns: MIXED.map((x) => -x) } }).relative!;
    dp8(inv.alpha, 0);
    dp8(inv.beta, -1);
  });

  it('roll_sharpe_ratio, window 6', () => {
    // mixed_returns' first window holds its NaN; ours start at the second.
    const m = metrics({ returns: MIXED, rolling_sharpe_window: 6 }).rolling_sharpe!;
    expect(m.end_index).toEqual([5, 6, 7]);
    [8.22784105, 8.22784105, -3.1374751].forEach((v, i) =>
      expect(Math.abs(m.values[i]! - v)).toBeLessThan(1.5e-8),
    );
    const n = metrics({ returns: NEGATIVE, rolling_sharpe_window: 6 }).rolling_sharpe!;
    [-18.09162052, -26.79897486, -26.69138263, -25.72298838].forEach((v, i) =>
      expect(Math.abs(n.values[i]! - v)).toBeLessThan(1.5e-8),
    );
  });

  it('value_at_risk = np.percentile(r, 100α) (type 7); ours = −that, at c = 1 − α', () => {
    const varOf = (xs: number[], c: number) => {
      const v = new Float64Array(1);
      const cv = new Float64Array(1);
      tailRisk(
        Float64Array.from(xs),
        tailPlan([c]),
        'quantile',
        new Float64Array(xs.length),
        v,
        cv,
      );
      return [-v[0]!, -cv[0]!] as const;
    };
    dp8(varOf([1, 2], 0.7)[0], 1.3);
    dp8(varOf([1, 81, 82, 83, 84, 85], 0.9)[0], 41);
    dp8(varOf([1, 81, 82, 83, 84, 85], 0.8)[0], 81);
    dp8(varOf([1, 81, 82, 83, 84, 85], 0.7)[0], 81.5);
    // conditional_value_at_risk = mean of the returns at or below the VaR (their test, on 21
    // seeded normals at several cutoffs).
    const rand = mulberry32(1337);
    const xs = Array.from(
      { length: 21 },
      () => 0.02 * Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand()),
    );
    for (const cutoff of [0.0499, 0.05, 0.2, 0.999]) {
      const [v, cv] = varOf(xs, 1 - cutoff);
      const tail = xs.filter((x) => x <= v);
      dp8(cv, tail.reduce((s, x) => s + x, 0) / tail.length);
    }
  });
});

// skfolio tests/test_measures/data/reference_values.json
const BACON = [
  0.003, 0.026, 0.011, -0.01, 0.015, 0.025, 0.016, 0.067, -0.014, 0.04, -0.005, 0.081, 0.04, -0.037,
  -0.061, 0.017, -0.049, -0.022, 0.07, 0.058, -0.065, 0.024, -0.005, -0.009,
];
const TINY = [
  -0.018720930383, -0.014303070725, -0.014572173794, -0.003467788444, -0.025038397377,
  -0.001677869157, -0.010129521509,
];

describe('skfolio reference values (vetted / R PerformanceAnalytics)', () => {
  const cases: [string, number[], Record<string, number>][] = [
    [
      'bacon_monthly',
      BACON,
      {
        max_drawdown: 0.144672955739218,
        var: 0.061,
        cvar: 0.06433333333333334,
        ulcer: 0.06118428726189615,
        skew: -0.08256245520856835,
        kurtosis: 2.4324537941078748,
      },
    ],
    [
      'tiny_sample_n7',
      TINY,
      {
        max_drawdown: 0.08485758410265398,
        var: 0.025038397377,
        cvar: 0.025038397377,
        ulcer: 0.05916208868938788,
        skew: -0.044162689139007956,
        kurtosis: 1.962201690912937,
      },
    ],
  ];
  for (const [name, r, e] of cases)
    it(`${name}: drawdown with the starting capital as a peak, RU VaR/CVaR, Martin ulcer, moments`, () => {
      const m = metrics({ returns: r, periodicity: 'monthly', tail_method: 'rockafellar_uryasev' });
      // maxDrawdown(R, geometric=TRUE): compounded, initial peak — our max_drawdown.
      expectRel(m.max_drawdown, e.max_drawdown!, 1e-9);
      // "the (⌊0.05n⌋+1)-th smallest return, a positive loss": our RU VaR (x_(⌊k⌋), 0-based).
      expectRel(m.tail_risk[0]!.historical_var, e.var!, 1e-9);
      expectRel(m.tail_risk[0]!.historical_cvar, e.cvar!, 1e-9);
      // UlcerIndex(R): √(Σ DD² / n) on compounded drawdowns — our ulcer_index.
      expectRel(m.ulcer_index, e.ulcer!, 1e-9);
      expectRel(m.skewness, e.skew!, 1e-9);
      // skfolio's kurtosis is Pearson's (normal = 3): ours is excess, so + 3.
      expectRel(m.excess_kurtosis! + 3, e.kurtosis!, 1e-9);
    });
});

describe('skfolio test_measures.py on AAPL (S&P 500 fixture, all 8,312 returns)', () => {
  const prices = loadPrices('skfolio_sp500_dataset.csv').columns.get('AAPL')!;
  const r = simpleReturns(prices);
  const returns = Array.from(r);
  /** numpy assert_almost_equal default: decimal 7 → |a − b| < 1.5e-7. */
  const dp7 = (a: number | null | undefined, b: number) =>
    expect(Math.abs((a as number) - b)).toBeLessThan(1.5e-7);
  const m = metrics({ returns, tail_method: 'rockafellar_uryasev', uncompounded_drawdown: true });
  const sq = Math.sqrt(252);

  it('moments: per-period = ours / √252 (or / 252 for the variance), kurtosis = ours + 3', () => {
    // variance(biased=False) to 10 decimals.
    expect(Math.abs(m.annual_variance! / 252 - 0.0007479707)).toBeLessThan(1.5e-10);
    dp7(m.annual_volatility! / sq, 0.027349);
    // semi_deviation(min_acceptable_return=None): about the mean, ddof 1.
    dp7(m.semi_deviation! / sq, 0.0191917);
    // semi_deviation(min_acceptable_return=0, biased=True): our downside_risk with MAR 0.
    dp7(m.downside_risk! / sq, 0.01865528);
    dp7(m.skewness, -0.3924154);
    expect(Math.abs(m.excess_kurtosis! + 3 - 26.3046784)).toBeLessThan(1.5e-6);
  });

  it('value_at_risk and cvar at β = 0.95 (k = 415.6: every order-statistic convention agrees)', () => {
    dp7(m.tail_risk[0]!.historical_var, 0.039568345);
    dp7(m.tail_risk[0]!.historical_cvar, 0.059240073);
  });

  it('drawdowns compounded and uncompounded: max, average, CDaR (RU, β 0.95), ulcer', () => {
    dp7(m.max_drawdown, 0.81809872);
    dp7(m.average_drawdown, 0.28518241);
    dp7(m.tail_risk[0]!.cdar, 0.78282175);
    dp7(m.ulcer_index, 0.383078682);
    const u = m.uncompounded_drawdown!;
    dp7(u.max_drawdown, 1.24805324);
    dp7(u.average_drawdown, 0.24444925);
    dp7(u.cdar[0]!.value, 0.92763054);
    dp7(u.ulcer_index, 0.360642004);
    // The pure drawdown functions give the same numbers.
    const dd = new Float64Array(r.length);
    expect(compoundedDrawdowns(r, dd).max).toBe(m.max_drawdown);
    expect(uncompoundedDrawdowns(r, dd).max).toBe(u.max_drawdown);
  });
});
