import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { RiskMetrics } from '../../../src/contract/rebalance';
import {
  computeRiskMetrics,
  cornishFisherZ,
  downsideDeviation,
  historicalVarCvar,
  maxDrawdown,
  Z_05,
} from '../../../src/risk/metrics';
import { portfolioReturns, simpleReturns } from '../../../src/risk/returns';
import { expectRel, lastPrices, loadPrices } from './fixtures';

const table = loadPrices('skfolio_sp500_dataset.csv');
const index = loadPrices('skfolio_sp500_index.csv');
const WINDOW = 1260; // price rows → 1,259 returns
const rp = portfolioReturns(
  ['AAPL', 'JNJ', 'XOM'].map((t) => simpleReturns(lastPrices(table, t, WINDOW))),
  [1 / 3, 1 / 3, 1 / 3],
);
const sp = simpleReturns(lastPrices(index, 'SP500', WINDOW));

describe('building blocks, hand-worked', () => {
  it('maxDrawdown', () => {
    // r = [0.1, −0.2, 0.05]: W = 1 → 1.1 → 0.88 → 0.924; running peak 1, 1.1, 1.1, 1.1;
    // drawdowns 0, 0, 1 − 0.88/1.1 = 0.2, 1 − 0.924/1.1 = 0.16 → MDD = 0.2.
    expectRel(maxDrawdown([0.1, -0.2, 0.05]), 0.2, 1e-14);
    // Only gains → 0. A first-day loss counts against W_0 = 1: r = [−0.1] → 0.1.
    expect(maxDrawdown([0.01, 0.02])).toBe(0);
    expectRel(maxDrawdown([-0.1]), 0.1, 1e-14);
  });

  it('downsideDeviation divides by all T observations', () => {
    // r = [0.02, −0.01, −0.03, 0.01], τ = 0: shortfalls 0, −0.01, −0.03, 0;
    // squares 0.0001 + 0.0009 = 0.001; /4 = 0.00025; √ = 0.0158113883…
    expectRel(downsideDeviation([0.02, -0.01, -0.03, 0.01], 0), Math.sqrt(0.00025), 1e-14);
  });

  it('historicalVarCvar on ten returns', () => {
    // Sorted r: −0.05, −0.03, −0.01, 0, 0.01, 0.02, 0.02, 0.03, 0.04, 0.05 (n = 10).
    // h = 9·0.05 = 0.45 → q = −0.05 + 0.45·(−0.03 + 0.05) = −0.041 → VaR = 0.041.
    // Returns ≤ q: only −0.05 → CVaR = 0.05.
    const r = [0.02, -0.05, 0.01, 0.04, -0.01, 0.0, 0.03, -0.03, 0.02, 0.05];
    const h = historicalVarCvar(r);
    expectRel(h.var, 0.041, 1e-13);
    expectRel(h.cvar, 0.05, 1e-13);
  });

  it('cornishFisherZ', () => {
    // z = −1.6448536…, S = −0.5, K = 3 (terms from risk_reference.py "doc-comment examples"):
    // (z² − 1)S/6 = −0.14212862117461775; (z³ − 3z)K/24 = 0.06054223968884531;
    // −(2z³ − 5z)S²/36 = 0.004695679110624629 → z_cf = −1.72174432932662.
    expectRel(cornishFisherZ(Z_05, -0.5, 3), -1.72174432932662, 1e-14);
    // No skew, no excess kurtosis → the normal quantile.
    expect(cornishFisherZ(Z_05, 0, 0)).toBe(Z_05);
  });
});

describe('computeRiskMetrics on 20 alternating returns (hand-worked + numpy)', () => {
  // r = +1%, −1%, … (T = 20), rf = 0.02. μ = 0; Σ(r − μ)² = 20·0.0001 = 0.002;
  // σ = √(0.002/19) = 0.010259783520851542; volatility = σ√252 = 0.1628690142091911.
  // sharpe = (0 − 0.02)/0.16286901 = −0.12279806626883454.
  // Downside vs rf/252 = 7.9365e-5: ten days of −0.01 − 7.9365e-5 and ten of 0.01 − 7.9365e-5 > 0
  // → DD = √(10·0.010079365²/20); sortino = −0.02/(DD√252) = −0.17677121512317828.
  // W peaks at 1.01 (day 1) and ends at 0.9999^10 → MDD = 1 − 0.9999^10/1.01 = 0.010890643683147405.
  // parametric VaR = −(0 + zσ) = 1.6448536·0.0102598 = 0.0168758421360096.
  // g1 = 0, g2 = m4/m2² − 3 = 1 − 3 = −2 → z_cf = z + (z³ − 3z)(−2)/24 → CF VaR 0.01728994231805964.
  const alt = Float64Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 0.01 : -0.01));
  const { metrics, warnings } = computeRiskMetrics({
    returns: alt,
    riskFreeRate: 0.02,
    source: 'historical_returns',
  });

  it('moment figures', () => {
    expectRel(metrics.volatility, 0.1628690142091911, 1e-13);
    expect(metrics.expected_annual_return).toBe(0);
    expectRel(metrics.sharpe, -0.12279806626883454, 1e-13);
    expectRel(metrics.sortino, -0.17677121512317828, 1e-13);
    expectRel(metrics.max_drawdown, 0.010890643683147405, 1e-13);
    expectRel(metrics.parametric_var_95, 0.0168758421360096, 1e-13);
    expectRel(metrics.cornish_fisher_var_95, 0.01728994231805964, 1e-13);
    expect(metrics.observations).toBe(20);
    expect(metrics.source).toBe('historical_returns');
  });

  it('historical VaR needs 100 returns: null with a warning naming 20 and 100', () => {
    expect(metrics.var_95).toBeNull();
    expect(metrics.cvar_95).toBeNull();
    const w = warnings.find((x) => x.code === 'INSUFFICIENT_HISTORY');
    expect(w?.message).toMatch(/\b20\b/);
    expect(w?.message).toMatch(/\b100\b/);
    expect(metrics.tracking_error).toBeNull();
    expect(metrics.beta).toBeNull();
    expect(RiskMetrics.safeParse(metrics).success).toBe(true);
  });
});

describe('computeRiskMetrics on real data vs numpy/scipy (risk_reference.py)', () => {
  // Equal-weight AAPL/JNJ/XOM, last 1,260 rows of skfolio_sp500_dataset.csv (1,259 returns),
  // rf = 0.02, benchmark and reference = S&P 500 (skfolio_sp500_index.csv).
  const { metrics, warnings } = computeRiskMetrics({
    returns: rp,
    riskFreeRate: 0.02,
    benchmarkReturns: sp,
    referenceReturns: sp,
    source: 'price_history',
  });

  it('every figure to 1e-10 relative', () => {
    expect(metrics.observations).toBe(1259);
    expectRel(metrics.volatility, 0.2247697867696277);
    expectRel(metrics.expected_annual_return, 0.1793926864965119);
    expectRel(metrics.sharpe, 0.709137508146847);
    expectRel(metrics.sortino, 1.0012262691658897);
    expectRel(metrics.max_drawdown, 0.36868820674145697);
    expectRel(metrics.var_95, 0.02170343271162547);
    expectRel(metrics.cvar_95, 0.03414579269946487);
    expectRel(metrics.parametric_var_95, 0.02257787926266795);
    expectRel(metrics.cornish_fisher_var_95, 0.02162811620557684);
    expectRel(metrics.tracking_error, 0.11077882281014374);
    expectRel(metrics.beta, 0.9005722789798959);
    expect(warnings).toEqual([]);
    expect(RiskMetrics.safeParse(metrics).success).toBe(true);
  });

  it('last 60 returns: moment figures match, historical VaR/CVaR null', () => {
    const r = computeRiskMetrics({
      returns: rp.slice(-60),
      riskFreeRate: 0.02,
      benchmarkReturns: sp.slice(-60),
      referenceReturns: sp.slice(-60),
      source: 'price_history',
    });
    const m = r.metrics;
    expectRel(m.volatility, 0.23113725751645875);
    expectRel(m.expected_annual_return, 0.23712097549302424);
    expectRel(m.sharpe, 0.939359486332763);
    expectRel(m.sortino, 1.4911972580212356);
    expectRel(m.max_drawdown, 0.07292659636950338);
    expectRel(m.parametric_var_95, 0.02300857084831771);
    expectRel(m.cornish_fisher_var_95, 0.0211898153589009);
    expectRel(m.tracking_error, 0.10446292903435783);
    expectRel(m.beta, 0.842128342166444);
    expect(m.var_95).toBeNull();
    expect(m.cvar_95).toBeNull();
    expect(r.warnings.map((w) => w.code)).toEqual(['INSUFFICIENT_HISTORY']);
    expect(r.warnings[0]!.message).toMatch(/60 daily returns.*at least 100/);
  });
});

describe('insufficient or degenerate history', () => {
  it('returns null → fallback expected return, everything else null, NO_HISTORY warning', () => {
    const { metrics, warnings } = computeRiskMetrics({
      returns: null,
      riskFreeRate: 0.02,
      source: 'market_return',
      fallbackExpectedReturn: 0.07,
    });
    expect(metrics.expected_annual_return).toBe(0.07);
    expect(metrics.volatility).toBeNull();
    expect(metrics.sharpe).toBeNull();
    expect(metrics.observations).toBe(0);
    expect(metrics.source).toBe('market_return');
    expect(warnings.map((w) => w.code)).toEqual(['NO_HISTORY']);
  });

  it('fewer than 20 returns → nulls and a warning naming the count and the minimum', () => {
    const { metrics, warnings } = computeRiskMetrics({
      returns: new Float64Array([0.01, -0.02, 0.003, 0.004, 0.01, -0.01, 0.002]),
      riskFreeRate: 0.02,
      source: 'historical_returns',
    });
    expect(metrics.volatility).toBeNull();
    expect(metrics.max_drawdown).toBeNull();
    expect(metrics.expected_annual_return).toBeNull();
    expect(metrics.observations).toBe(7);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.code).toBe('INSUFFICIENT_HISTORY');
    expect(warnings[0]!.message).toMatch(/^7 daily returns: at least 20/);
  });

  it('zero volatility → Sharpe null with a warning, never Infinity', () => {
    // 2^−10 per day: the sum of 120 of them is exact, so the mean is exactly 2^−10 and σ = 0.
    const flat = new Float64Array(120).fill(2 ** -10);
    const { metrics, warnings } = computeRiskMetrics({
      returns: flat,
      riskFreeRate: 0.02,
      source: 'historical_returns',
    });
    expect(metrics.volatility).toBe(0);
    expect(metrics.sharpe).toBeNull();
    // Sortino is null too, explained by the same single ZERO_VOLATILITY warning: a constant series
    // has no ratio with a volatility measure in the denominator. (Before the zero-volatility rule a
    // second ZERO_DOWNSIDE_DEVIATION warning was emitted here because every day beats rf/252; for a
    // constant series below rf/252 Sortino came out as −√252 ≈ −15.87, now null as well.)
    expect(metrics.sortino).toBeNull();
    expect(warnings.map((w) => w.code)).toEqual(['ZERO_VOLATILITY']);
    // VaR of a sure gain is a negative loss: −2^−10 (reported as is, not clipped).
    expect(metrics.var_95).toBe(-(2 ** -10));
    expect(metrics.cvar_95).toBe(-(2 ** -10));
    expect(metrics.max_drawdown).toBe(0);
    expect(metrics.expected_annual_return).toBe(252 * 2 ** -10);
  });

  it('exactly constant zero returns → sharpe null (ZERO_VOLATILITY), beta null', () => {
    const zero = new Float64Array(30);
    const { metrics, warnings } = computeRiskMetrics({
      returns: zero,
      riskFreeRate: 0,
      benchmarkReturns: zero,
      source: 'historical_returns',
    });
    expect(metrics.volatility).toBe(0);
    expect(metrics.sharpe).toBeNull();
    expect(metrics.beta).toBeNull();
    const codes = warnings.map((w) => w.code);
    expect(codes).toContain('ZERO_VOLATILITY');
    expect(codes).toContain('ZERO_BENCHMARK_VARIANCE');
  });

  it('never returns NaN or Infinity (random series)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.99, max: 2, noNaN: true }), { minLength: 0, maxLength: 150 }),
        fc.double({ min: -0.2, max: 1, noNaN: true }),
        (vals, rf) => {
          const r = Float64Array.from(vals);
          const { metrics } = computeRiskMetrics({
            returns: r,
            riskFreeRate: rf,
            benchmarkReturns: r.map((v) => v / 2 + 0.001),
            referenceReturns: r.map((v) => -v),
            source: 'historical_returns',
          });
          expect(RiskMetrics.safeParse(metrics).success).toBe(true);
          for (const v of Object.values(metrics))
            if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('bad input throws BAD_REQUEST naming the field', () => {
    const r = new Float64Array(30).fill(0.01);
    r[3] = Number.NaN;
    try {
      computeRiskMetrics({ returns: r, riskFreeRate: 0.02, source: 'price_history' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      expect((e as EngineError).details[0]!.path).toBe('returns.3');
    }
    expect(() =>
      computeRiskMetrics({
        returns: new Float64Array(30),
        riskFreeRate: 0.02,
        benchmarkReturns: new Float64Array(29),
        source: 'price_history',
      }),
    ).toThrow(/invalid risk-metric inputs/);
  });
});
