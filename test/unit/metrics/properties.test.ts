/**
 * Seeded randomized properties of POST /api/analytics/metrics (mulberry32; a failure names its
 * seed): order of the series, annualization across periodicities (CAGR of a daily price series
 * and of its month-end resample), scaling and translation of returns, the benchmark against
 * itself, and the portfolio figures' bounds.
 */
import { describe, expect, it } from 'vitest';
import {
  MetricsRequest,
  type MetricsRequestInput,
  type SeriesMetrics,
} from '../../../src/contract/metrics';
import { computeMetrics } from '../../../src/services/metrics';
import { mulberry32, randInt } from '../../integration/store/helpers';
import { expectRel } from '../risk/fixtures';

const run = (input: MetricsRequestInput) => computeMetrics(MetricsRequest.parse(input));

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
}

function returns(rand: () => number, n: number): number[] {
  const mu = (rand() - 0.3) * 0.002;
  const sd = 0.005 + rand() * 0.03;
  return Array.from({ length: n }, () => Math.max(-0.9, mu + sd * gaussian(rand)));
}

/** Business days (Mon–Fri) from 2010-01-04. */
function businessDays(n: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(2010, 0, 4); out.length < n; t += 86_400_000) {
    const d = new Date(t).getUTCDay();
    if (d !== 0 && d !== 6) out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

describe('metrics properties (seeded)', () => {
  it('each series’ figures do not depend on the order of the series (or of the weights)', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const rand = mulberry32(seed);
      const k = randInt(rand, 2, 6);
      const series = Array.from({ length: k }, (_, i) => ({
        name: `S${i}`,
        returns: returns(rand, randInt(rand, 120, 400)),
      }));
      const weights = Object.fromEntries(series.map((s) => [s.name, rand()]));
      const common = {
        benchmark: { returns: returns(rand, 300) },
        confidence_levels: [0.99, 0.95],
        uncompounded_drawdown: true,
        rolling_sharpe_window: 21,
      };
      const a = run({ ...common, series, weights });
      const perm = [...series].sort(() => rand() - 0.5);
      const permWeights = Object.fromEntries(Object.entries(weights).sort(() => rand() - 0.5));
      const b = run({ ...common, series: perm, weights: permWeights });
      const byName = (xs: SeriesMetrics[]) => new Map(xs.map((x) => [x.name, x]));
      const A = byName(a.series);
      for (const s of b.series) expect(s, `seed ${seed}`).toEqual(A.get(s.name));
      // The portfolio sums in series order, so a permutation changes rounding only.
      expectRel(b.portfolio!.diversification_ratio, a.portfolio!.diversification_ratio!, 1e-12);
      expectRel(
        b.portfolio!.effective_number_of_assets,
        a.portfolio!.effective_number_of_assets!,
        1e-14,
      );
      expectRel(
        b.portfolio!.metrics.annual_volatility,
        a.portfolio!.metrics.annual_volatility!,
        1e-12,
      );
    }
  });

  it('with dates, a daily price series and its month-end resample have the same CAGR', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = mulberry32(100 + seed);
      const n = randInt(rand, 300, 2600);
      const dates = businessDays(n);
      const r = returns(rand, n - 1);
      const prices = [100];
      for (const x of r) prices.push(prices.at(-1)! * (1 + x));
      // Month-end resample: the first price (the start of the investment), then the last price
      // of each month (the last month's is the last price).
      const idx = [0];
      for (let i = 1; i < n; i++)
        if (i === n - 1 || dates[i]!.slice(0, 7) !== dates[i + 1]!.slice(0, 7)) idx.push(i);
      const daily = run({ series: [{ name: 'd', prices, dates }], min_observations: 2 }).series[0]!;
      const monthly = run({
        series: [
          { name: 'm', prices: idx.map((i) => prices[i]!), dates: idx.map((i) => dates[i]!) },
        ],
        periodicity: 'monthly',
        min_observations: 2,
      }).series[0]!;
      expect(monthly.years, `seed ${seed}`).toBe(daily.years);
      expectRel(monthly.cumulative_return, daily.cumulative_return!, 1e-11);
      expectRel(monthly.cagr, daily.cagr!, 1e-11);
    }
  });

  it('without dates, 21-day months compounded from daily returns give the daily CAGR (n / P years)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = mulberry32(200 + seed);
      const years = randInt(rand, 1, 6);
      const d = returns(rand, years * 252);
      const m: number[] = [];
      for (let i = 0; i < d.length; i += 21)
        m.push(d.slice(i, i + 21).reduce((w, x) => w * (1 + x), 1) - 1);
      const q: number[] = [];
      for (let i = 0; i < m.length; i += 3)
        q.push(m.slice(i, i + 3).reduce((w, x) => w * (1 + x), 1) - 1);
      const cagr = (rs: number[], periodicity: 'daily' | 'monthly' | 'quarterly') =>
        run({ series: [{ name: 'x', returns: rs }], periodicity, min_observations: 2 }).series[0]!
          .cagr!;
      expectRel(cagr(m, 'monthly'), cagr(d, 'daily'), 1e-11);
      expectRel(cagr(q, 'quarterly'), cagr(d, 'daily'), 1e-11);
    }
  });

  it('scaling returns by λ > 0 scales dispersion and VaR by λ and keeps Sharpe (rf 0), moments and beta·λ', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = mulberry32(300 + seed);
      const r = returns(rand, 500).map((x) => x * 0.5);
      const b = returns(rand, 500).map((x) => x * 0.5);
      const lambda = 0.5 + rand() * 1.5;
      const one = (rs: number[]) =>
        run({
          series: [{ name: 'x', returns: rs }],
          benchmark: { returns: b },
          confidence_levels: [0.95, 0.99],
        }).series[0]!;
      const a = one(r);
      const s = one(r.map((x) => x * lambda));
      expectRel(s.annual_volatility, lambda * a.annual_volatility!, 1e-12);
      expectRel(s.semi_deviation, lambda * a.semi_deviation!, 1e-12);
      expectRel(s.downside_risk, lambda * a.downside_risk!, 1e-12);
      expectRel(s.annual_return, lambda * a.annual_return!, 1e-12);
      expectRel(s.sharpe, a.sharpe!, 1e-11);
      expectRel(s.sortino, a.sortino!, 1e-11);
      expectRel(s.skewness, a.skewness!, 1e-9);
      expectRel(s.excess_kurtosis, a.excess_kurtosis!, 1e-9);
      a.tail_risk.forEach((row, j) => {
        expectRel(s.tail_risk[j]!.historical_var, lambda * row.historical_var!, 1e-12);
        expectRel(s.tail_risk[j]!.historical_cvar, lambda * row.historical_cvar!, 1e-12);
        expectRel(s.tail_risk[j]!.gaussian_var, lambda * row.gaussian_var!, 1e-12);
        expectRel(s.tail_risk[j]!.cornish_fisher_var, lambda * row.cornish_fisher_var!, 1e-9);
      });
      expectRel(s.relative!.beta, lambda * a.relative!.beta!, 1e-11);
    }
  });

  it('translating returns by c keeps volatility and moves the arithmetic return by P·c; Sharpe with rf + P·c is unchanged', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = mulberry32(400 + seed);
      const r = returns(rand, 400);
      const c = (rand() - 0.5) * 0.002;
      const a = run({ series: [{ name: 'x', returns: r }], risk_free_rate: 0.01 }).series[0]!;
      const t = run({
        series: [{ name: 'x', returns: r.map((x) => x + c) }],
        risk_free_rate: 0.01 + 252 * c,
      }).series[0]!;
      expectRel(t.annual_volatility, a.annual_volatility!, 1e-9);
      expectRel(t.annual_return, a.annual_return! + 252 * c, 1e-9);
      expectRel(t.sharpe, a.sharpe!, 1e-8);
    }
  });

  it('against itself as benchmark: beta 1, alpha 0, tracking error 0 and no information ratio', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const r = returns(mulberry32(500 + seed), 250);
      const s = run({
        series: [{ name: 'x', returns: r }],
        benchmark: { returns: r },
        risk_free_rate: 0.03,
      }).series[0]!;
      expectRel(s.relative!.beta, 1, 1e-14);
      expect(Math.abs(s.relative!.alpha!)).toBeLessThan(1e-14);
      expect(s.relative!.tracking_error).toBe(0);
      expect(s.relative!.information_ratio).toBeNull();
      expect(s.warnings.map((w) => w.code)).toContain('ZERO_TRACKING_ERROR');
    }
  });

  it('tails: CVaR ≥ VaR, VaR rises with the confidence level, CDaR ≤ max drawdown (both methods)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = mulberry32(600 + seed);
      for (const tail_method of ['quantile', 'rockafellar_uryasev'] as const) {
        const s = run({
          series: [{ name: 'x', returns: returns(rand, randInt(rand, 100, 3000)) }],
          confidence_levels: [0.9, 0.95, 0.99, 0.999],
          tail_method,
        }).series[0]!;
        const rows = s.tail_risk;
        for (let j = 0; j < rows.length; j++) {
          expect(rows[j]!.historical_cvar!).toBeGreaterThanOrEqual(
            rows[j]!.historical_var! - 1e-15,
          );
          expect(rows[j]!.cdar!).toBeLessThanOrEqual(s.max_drawdown! + 1e-15);
          expect(rows[j]!.cdar!).toBeGreaterThanOrEqual(s.average_drawdown! - 1e-15);
          if (j > 0)
            expect(rows[j]!.historical_var!).toBeGreaterThanOrEqual(rows[j - 1]!.historical_var!);
        }
      }
    }
  });

  it('portfolio: N_eff = n for equal weights, 1 ≤ diversification ratio for long-only, = 1 for one series', () => {
    for (let seed = 1; seed <= 15; seed++) {
      const rand = mulberry32(700 + seed);
      const k = randInt(rand, 1, 8);
      const series = Array.from({ length: k }, (_, i) => ({
        name: `S${i}`,
        returns: returns(rand, 300),
      }));
      const eq = run({
        series,
        weights: Object.fromEntries(series.map((s) => [s.name, 1 / k])),
      }).portfolio!;
      expectRel(eq.effective_number_of_assets, k, 1e-13);
      const w = Object.fromEntries(series.map((s) => [s.name, rand() + 0.01]));
      const p = run({ series, weights: w }).portfolio!;
      expect(p.diversification_ratio!).toBeGreaterThanOrEqual(1 - 1e-12);
      if (k === 1) expectRel(p.diversification_ratio, 1, 1e-12);
      expectRel(p.diversification_ratio, p.weighted_volatility! / p.volatility!, 1e-12);
    }
  });
});
