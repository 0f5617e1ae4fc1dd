/**
 * Expected-return estimators against PyPortfolioOpt's published test values
 * (tests/test_expected_returns.py) and against test/reference/estimators_reference.py (numpy).
 *
 * Conventions (docs/methods.md, "Estimators"): daily simple returns of each ticker over its own
 * dates — PyPortfolioOpt gets the same from pct_change with NaN before a late listing, since
 * pandas skips NaN per column (so `count` is the ticker's own number of returns); 252 periods a
 * year; geometric = Π(1 + r)^(252/L) − 1 (computed as expm1(252·mean log1p r)), arithmetic =
 * 252 · mean; EWMA = pandas ewm(adjust=True) mean on the last day, compounded as (1 + m)^252 − 1.
 * PyPortfolioOpt's assert_array_almost_equal (decimal 6) means |a − b| < 1.5e-6.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { resolveExpectedReturns } from '../../../src/optimize/qp/expected-returns';
import {
  capmReturns,
  equalWeightedMarket,
  ewmaAlpha,
  ewmaMeanReturn,
  historicalMeanReturn,
} from '../../../src/risk/expected-returns';
import { close, closeAll, loadTable, ownReturns, series } from './fixtures';
import * as R from './reference';

const pyp = loadTable('pypfopt_stock_prices.csv');
const S20 = series(pyp, R.TICKERS);

/** tests/test_expected_returns.py, test_mean_historical_returns: correct_mean. */
const PUBLISHED_MEAN = [
  0.247967, 0.294304, 0.284037, 0.1923164, 0.371327, 0.1360093, 0.0328503, 0.1200115, 0.10554,
  0.0423457, 0.1002559, 0.1442237, -0.0792602, 0.1430506, 0.0736356, 0.238835, 0.388665, 0.226717,
  0.1561701, 0.2318153,
];
/**
 * test_capm_no_benchmark: correct_mu (equal-weighted market, compounding=True). They are the
 * values of risk_free_rate = 0.02, the default of the PyPortfolioOpt version that wrote them
 * (the reference script reproduces them to 1e-15 with r_f = 0.02; with 0 they differ).
 */
const PUBLISHED_CAPM = [
  0.22148462799238577, 0.2835429647498704, 0.14693081977908462, 0.1488989354304723,
  0.4162399750335195, 0.22716772604184535, 0.3970337136813829, 0.16733214988182069,
  0.31791477659742146, 0.17279931642386534, 0.15271750464365566, 0.351778014382922,
  0.32859883451716376, 0.1501938182844417, 0.268295486802897, 0.31632339201710874,
  0.27753479916328516, 0.16959588523287855, 0.3089119447773357, 0.2558719211959501,
];
/** test_mean_historical_returns_dummy (frequency = 1; check_less_precise = 4). */
const DUMMY_PRICES = [
  [4.0, 2.0, 0.6, -12],
  [4.2, 2.1, 0.59, -13.2],
  [3.9, 2.0, 0.58, -11.3],
  [4.3, 2.1, 0.62, -11.7],
  [4.1, 2.2, 0.63, -10.1],
];
const DUMMY_GEOMETRIC = [0.0061922, 0.0241137, 0.0122722, -0.0421775];
const DUMMY_ARITHMETIC = [0.008656, 0.025, 0.0128697, -0.03632333];

const absWithin = (a: ArrayLike<number>, b: readonly number[], tol: number) => {
  expect(a.length).toBe(b.length);
  b.forEach((v, i) => expect(Math.abs((a[i] as number) - v), `index ${i}`).toBeLessThan(tol));
};

describe('historical_mean (PyPortfolioOpt mean_historical_return)', () => {
  it('uses each ticker’s own history: counts as pandas count()', () => {
    expect(S20.map((s) => s.length)).toEqual(R.COUNTS);
  });

  it('geometric equals the published values (6 decimals) and numpy (1e-12)', () => {
    const mu = S20.map((s) => historicalMeanReturn(s, 'geometric'));
    absWithin(mu, PUBLISHED_MEAN, 1.5e-6);
    closeAll(mu, R.MEAN_GEOMETRIC, 1e-12);
  });

  it('arithmetic = 252 × mean equals numpy', () => {
    closeAll(
      S20.map((s) => historicalMeanReturn(s, 'arithmetic')),
      R.MEAN_ARITHMETIC,
      1e-13,
    );
  });

  it('the published dummy (frequency 1) after converting 252 → 1 period', () => {
    const cols = [0, 1, 2, 3].map((j) => ownReturns(Float64Array.from(DUMMY_PRICES, (r) => r[j]!)));
    // geometric: (1 + g₂₅₂)^(1/252) − 1 = Π(1 + r)^(1/L) − 1; arithmetic: a₂₅₂ / 252.
    const g = cols.map((r) => Math.expm1(Math.log1p(historicalMeanReturn(r, 'geometric')) / 252));
    const a = cols.map((r) => historicalMeanReturn(r, 'arithmetic') / 252);
    absWithin(g, DUMMY_GEOMETRIC, 5e-5);
    absWithin(a, DUMMY_ARITHMETIC, 5e-5);
  });

  it('hand-worked example of the doc comment', () => {
    const r = [0.01, -0.01];
    expect(historicalMeanReturn(r, 'arithmetic')).toBe(0);
    close(historicalMeanReturn(r, 'geometric'), 0.9999 ** 126 - 1, 1e-12);
  });
});

describe('ewma (PyPortfolioOpt ema_historical_return)', () => {
  it('span 500 equals numpy (pandas ewm adjust=True), arithmetic and geometric', () => {
    const a = ewmaAlpha({ span: 500 });
    closeAll(
      S20.map((s) => ewmaMeanReturn(s, a, 'arithmetic')),
      R.EWMA500_ARITHMETIC,
      1e-11,
    );
    closeAll(
      S20.map((s) => ewmaMeanReturn(s, a, 'geometric')),
      R.EWMA500_GEOMETRIC,
      1e-11,
    );
  });

  it('half-life 63 days equals numpy with α = 1 − 2^(−1/63)', () => {
    const a = ewmaAlpha({ halflife: 63 });
    close(a, 1 - 2 ** (-1 / 63), 1e-14);
    closeAll(
      S20.map((s) => ewmaMeanReturn(s, a, 'arithmetic')),
      R.EWMA_HL63_ARITHMETIC,
      1e-11,
    );
  });

  it('tends to the arithmetic mean as the span grows (test_ema_historical_return_limit)', () => {
    const a = ewmaAlpha({ span: 1e10 });
    absWithin(
      S20.map((s) => ewmaMeanReturn(s, a, 'arithmetic')),
      R.MEAN_ARITHMETIC,
      1e-6,
    );
  });

  it('hand-worked: r = [0.01, 0.04], α = 0.5 → m = 0.03; α = 1 keeps the last day only', () => {
    close(ewmaMeanReturn([0.01, 0.04], 0.5, 'arithmetic'), 252 * 0.03, 1e-14);
    close(ewmaMeanReturn([0.01, 0.04], 1, 'arithmetic'), 252 * 0.04, 1e-14);
    close(ewmaAlpha({ span: 500 }), 2 / 501, 1e-15);
    close(ewmaAlpha({}), 2 / 501, 1e-15);
  });
});

describe('capm (PyPortfolioOpt capm_return)', () => {
  const market = equalWeightedMarket(S20);

  it('equal-weighted market: the published values (r_f 0.02, geometric) and numpy', () => {
    expect(market.length).toBe(7125);
    const est = capmReturns(S20, market, 0.02, 'geometric');
    absWithin(est.mu, PUBLISHED_CAPM, 1.5e-6);
    closeAll(est.mu, PUBLISHED_CAPM, 1e-11);
    closeAll(est.beta, R.CAPM_EW_BETAS, 1e-11);
    close(est.marketReturn, R.CAPM_EW_MARKET_GEOMETRIC, 1e-12);
    expect(Array.from(est.overlap)).toEqual(R.COUNTS);
  });

  it('r_f 0 geometric and r_f 0.02 arithmetic equal numpy', () => {
    closeAll(capmReturns(S20, market, 0, 'geometric').mu, R.CAPM_EW_RF0_GEOMETRIC, 1e-11);
    const ar = capmReturns(S20, market, 0.02, 'arithmetic');
    closeAll(ar.mu, R.CAPM_EW_RF2_ARITHMETIC, 1e-11);
    close(ar.marketReturn, R.CAPM_EW_MARKET_ARITHMETIC, 1e-12);
  });

  it('a market series (SPY) with a late-listed asset: β over the shared days, numpy', () => {
    const rf = loadTable('riskfolio_stock_prices.csv');
    const amzn = rf.columns[rf.names.indexOf('AMZN')]!.slice();
    amzn.fill(NaN, 0, 400);
    const assets = [ownReturns(amzn), ...series(rf, R.CAPM_SPY_ASSETS.slice(1))];
    const spy = series(rf, ['SPY'])[0]!;
    const g = capmReturns(assets, spy, 0.02, 'geometric');
    expect(Array.from(g.overlap)).toEqual([603, 1003, 1003, 1003]);
    closeAll(g.beta, R.CAPM_SPY_BETAS, 1e-11);
    closeAll(g.mu, R.CAPM_SPY_GEOMETRIC, 1e-11);
    closeAll(capmReturns(assets, spy, 0.02, 'arithmetic').mu, R.CAPM_SPY_ARITHMETIC, 1e-11);
  });

  it('hand-worked: r₁ = 2 r_m → β = 2, μ = r_f + 2 (E[r_m] − r_f)', () => {
    const m = [0.01, -0.01, 0.02, 0];
    const est = capmReturns([m.map((x) => 2 * x)], m, 0.02, 'arithmetic');
    close(est.beta[0], 2, 1e-14);
    close(est.mu[0], 2.5, 1e-13);
  });

  it('refuses a constant market and too little shared history', () => {
    expect(() => capmReturns([[0.01, 0.02, 0.03]], [0.001, 0.001, 0.001], 0, 'geometric')).toThrow(
      /varies/,
    );
    expect(() =>
      capmReturns(
        [new Float64Array(5).fill(0.01)],
        Float64Array.from({ length: 30 }, (_, t) => (t % 3) / 100),
        0,
        'geometric',
        20,
      ),
    ).toThrow(EngineError);
  });
});

describe('resolveExpectedReturns (the optimizer’s μ from the request)', () => {
  const assets = ['GOOG', 'AAPL', 'BABA'];
  const hist = series(pyp, assets);
  const base = { assets, histories: hist, forecast: [0.1, 0.2, 0.3], riskFreeRate: 0.02 };

  it('forecast (absent) passes the ensemble through; user takes a vector or a record', () => {
    expect(Array.from(resolveExpectedReturns({ ...base, spec: undefined }).mu)).toEqual([
      0.1, 0.2, 0.3,
    ]);
    const rec = resolveExpectedReturns({
      ...base,
      spec: { method: 'user', values: { BABA: 0.07, GOOG: 0.05, AAPL: 0.06 } },
    });
    expect(Array.from(rec.mu)).toEqual([0.05, 0.06, 0.07]);
    expect(rec.info.method).toBe('user');
    const arr = resolveExpectedReturns({ ...base, spec: { method: 'user', values: [1, 2, 3] } });
    expect(Array.from(arr.mu)).toEqual([1, 2, 3]);
  });

  it('historical_mean and ewma report the observations per asset', () => {
    const h = resolveExpectedReturns({
      ...base,
      spec: { method: 'historical_mean', compounding: 'geometric' },
    });
    closeAll(h.mu, [R.MEAN_GEOMETRIC[0]!, R.MEAN_GEOMETRIC[1]!, R.MEAN_GEOMETRIC[3]!], 1e-12);
    expect(h.info.assets.map((a) => a.observations)).toEqual([3434, 7125, 895]);
    const e = resolveExpectedReturns({
      ...base,
      spec: { method: 'ewma', span: 500, compounding: 'arithmetic' },
    });
    closeAll(
      e.mu,
      [R.EWMA500_ARITHMETIC[0]!, R.EWMA500_ARITHMETIC[1]!, R.EWMA500_ARITHMETIC[3]!],
      1e-11,
    );
    expect(e.info.span).toBe(500);
    expect(e.info.halflife).toBeNull();
  });

  it('capm reports β, the market and the shared days', () => {
    const c = resolveExpectedReturns({
      ...base,
      spec: { method: 'capm', equal_weighted_market: true, compounding: 'geometric' },
      market: { source: 'equal_weighted', name: null, returns: equalWeightedMarket(hist) },
    });
    expect(c.info.market?.source).toBe('equal_weighted');
    expect(c.info.market?.observations).toBe(7125);
    expect(c.info.assets.map((a) => a.observations)).toEqual([3434, 7125, 895]);
    c.info.assets.forEach((a, i) => {
      expect(a.expected_return).toBe(c.mu[i]);
      close(a.expected_return, 0.02 + a.beta! * (c.info.market!.annual_return - 0.02), 1e-14, 1);
    });
  });

  it('refuses an estimate from fewer than 20 returns, naming the asset', () => {
    const short = [hist[0]!, hist[1]!.subarray(hist[1]!.length - 10), hist[2]!];
    try {
      resolveExpectedReturns({
        ...base,
        histories: short,
        spec: { method: 'historical_mean', compounding: 'arithmetic' },
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      expect((e as EngineError).details).toEqual([
        {
          path: 'expected_returns',
          message: 'AAPL has 10 daily returns; historical_mean needs at least 20',
        },
      ]);
    }
  });
});
