import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { MonteCarloResult } from '../../../src/contract/rebalance';
import {
  runMonteCarlo,
  simulateAssetPaths,
  simulatePortfolioGaussianPaths,
  stationaryBootstrapIndices,
  type MonteCarloRunSettings,
} from '../../../src/risk/montecarlo';
import { portfolioReturns, simpleReturns } from '../../../src/risk/returns';
import { Xoshiro128ss } from '../../../src/risk/rng';
import { expectAbs, expectRel, lastPrices, loadPrices } from './fixtures';

const table = loadPrices('skfolio_sp500_dataset.csv');
const R3 = ['AAPL', 'JNJ', 'XOM'].map((t) => simpleReturns(lastPrices(table, t, 1260)));
const EQ = new Float64Array([1 / 3, 1 / 3, 1 / 3]);
const rp = portfolioReturns(R3, EQ);

// test/reference/risk_reference.py, "Monte Carlo analytic references": the equal-weight
// portfolio's daily mean m and sample std s, and for i.i.d. N(m, s²) daily returns over 21 days:
// E[log W] = 21·E[log(1+r)], SD[log W] = √(21·Var[log(1+r)]) (scipy quad), E[W] = (1+m)^21,
// SD[W] = √(((1+m)² + s²)^21 − (1+m)^42).
const MC_M = 0.0007118757400655235;
const MC_S = 0.014159165667463117;
const LOG_MEAN_21 = 0.012841373524522257;
const LOG_SD_21 = 0.06485552855020081;
const MEAN_W_21 = 1.0150562929710718;
const SD_W_21 = 0.0658814611792779;

function settings(over: Partial<MonteCarloRunSettings> = {}): MonteCarloRunSettings {
  return {
    paths: 2000,
    horizon_days: 21,
    seed: 42,
    method: 'gaussian',
    block_size: 5,
    rebalancing: 'constant_mix',
    ...over,
  };
}

describe('golden values from the independent Python port (risk_rng_reference.py)', () => {
  it('simulateAssetPaths: 6 paths × 5 days × 3 assets, incl. a partial block of 4', () => {
    const store = new Float64Array(6 * 5);
    const terminal = simulateAssetPaths({
      mu: new Float64Array([0.0005, -0.0002, 0.001]),
      chol: new Float64Array([0.01, 0, 0, 0.004, 0.012, 0, -0.003, 0.002, 0.02]),
      weights: new Float64Array([0.5, 0.3, 0.1]),
      paths: 6,
      horizonDays: 5,
      seed: 123,
      wealthByDay: store,
    });
    const wantT = [
      1.0061877596074478, 1.0055633726391964, 1.032537173495776, 1.0006358856469941,
      1.0162755416319507, 0.993743274366163,
    ];
    const wantDay3 = [
      1.019096389679605, 1.0016779795197948, 1.0094124412580967, 1.0082237774574652,
      1.0038402191640776, 0.9988435360125911,
    ];
    wantT.forEach((v, p) => expectRel(terminal[p], v, 1e-13));
    wantDay3.forEach((v, p) => expectRel(store[2 * 6 + p], v, 1e-13));
    // The store's last day is the terminal wealth.
    for (let p = 0; p < 6; p++) expect(store[4 * 6 + p]).toBe(terminal[p]);
  });

  it('stationaryBootstrapIndices: seed 7, T = 50, b = 5, 30 days', () => {
    const out = new Int32Array(30);
    stationaryBootstrapIndices(new Xoshiro128ss(7, 0), 50, 5, out);
    expect(Array.from(out)).toEqual([
      30, 19, 20, 21, 22, 23, 24, 25, 8, 9, 49, 0, 35, 36, 37, 38, 39, 12, 13, 14, 15, 16, 32, 33,
      14, 15, 14, 15, 16, 17,
    ]);
  });
});

describe('reproducibility', () => {
  it('same seed → identical result; another seed → a different one', () => {
    for (const method of ['gaussian', 'bootstrap'] as const)
      for (const rebalancing of ['constant_mix', 'buy_and_hold'] as const) {
        const input = {
          weights: EQ,
          assetReturns: R3,
          settings: settings({ method, rebalancing, paths: 500 }),
          initialValue: 1e6,
        };
        const a = runMonteCarlo(input);
        const b = runMonteCarlo(input);
        expect(b).toEqual(a);
        const c = runMonteCarlo({
          ...input,
          settings: settings({ method, rebalancing, seed: 43 }),
        });
        expect(c.result!.expected_terminal_value).not.toBe(a.result!.expected_terminal_value);
      }
  });

  it('results do not depend on how paths are split (per-path streams)', () => {
    const spec = {
      mu: new Float64Array([0.0003, 0.0001]),
      chol: new Float64Array([0.012, 0, 0.004, 0.009]),
      weights: new Float64Array([0.6, 0.4]),
      horizonDays: 10,
      seed: 99,
    };
    const whole = simulateAssetPaths({ ...spec, paths: 11 });
    const first = simulateAssetPaths({ ...spec, paths: 5 });
    const rest = simulateAssetPaths({ ...spec, paths: 6, firstPath: 5 });
    expect([...first, ...rest]).toEqual([...whole]);
  });
});

describe('statistical checks against analytic values', () => {
  it('gaussian constant mix, 200k paths × 21 days: log-wealth mean/SD and mean wealth', () => {
    const P = 200_000;
    const terminal = new Float64Array(P);
    simulatePortfolioGaussianPaths(MC_M, MC_S, P, 21, 2024, null, terminal);
    let s1 = 0;
    let w1 = 0;
    for (let p = 0; p < P; p++) {
      s1 += Math.log(terminal[p]!);
      w1 += terminal[p]!;
    }
    const mLog = s1 / P;
    let s2 = 0;
    for (let p = 0; p < P; p++) s2 += (Math.log(terminal[p]!) - mLog) ** 2;
    const sdLog = Math.sqrt(s2 / (P - 1));
    // Standard errors: mean SD/√P = 1.45e-4; SD ≈ SD/√(2P) = 1.03e-4; E[W] SD_W/√P = 1.47e-4.
    // Allow 4 SE.
    expectAbs(mLog, LOG_MEAN_21, 4 * (LOG_SD_21 / Math.sqrt(P)));
    expectAbs(sdLog, LOG_SD_21, 4 * (LOG_SD_21 / Math.sqrt(2 * P)));
    expectAbs(w1 / P, MEAN_W_21, 4 * (SD_W_21 / Math.sqrt(P)));
  });

  it('runMonteCarlo gaussian constant mix uses m = wᵀμ̂ and s = √(wᵀΣ̂w) exactly', () => {
    const P = 3000;
    const terminal = new Float64Array(P);
    simulatePortfolioGaussianPaths(MC_M, MC_S, P, 21, 42, null, terminal);
    const { result } = runMonteCarlo({
      weights: EQ,
      assetReturns: R3,
      settings: settings({ paths: P }),
      initialValue: 1,
    });
    let mean = 0;
    for (const v of terminal) mean += v;
    expectRel(result!.expected_terminal_value, mean / P, 1e-12);
  });

  it('bootstrap: every resampled day is a uniform draw of history (mean ≈ history mean)', () => {
    // One-day horizon: W_1 − 1 = rp[i], i uniform on 0..T−1, so E[W_1] − 1 = mean(rp) = MC_M.
    const P = 100_000;
    const { result } = runMonteCarlo({
      weights: EQ,
      assetReturns: R3,
      settings: settings({ method: 'bootstrap', paths: P, horizon_days: 1 }),
      initialValue: 1,
    });
    expectAbs(result!.expected_terminal_value - 1, MC_M, 4 * (MC_S / Math.sqrt(P)));
  });

  it('bootstrap indices: marginal mean ≈ history mean, mean block length ≈ b', () => {
    const T = rp.length;
    const H = 63;
    const P = 4000;
    const b = 5;
    const idx = new Int32Array(H);
    const rng = new Xoshiro128ss(5, 0);
    let sum = 0;
    let jumps = 0;
    for (let p = 0; p < P; p++) {
      rng.reseed(5, p);
      stationaryBootstrapIndices(rng, T, b, idx);
      for (let d = 0; d < H; d++) {
        sum += rp[idx[d]!]!;
        if (d > 0 && idx[d] !== (idx[d - 1]! + 1) % T) jumps++;
      }
    }
    // Blocks overlap within a path, so the SE is ≈ √b larger than i.i.d.: s·√(b/(P·H)).
    expectAbs(sum / (P * H), MC_M, 4 * MC_S * Math.sqrt(b / (P * H)));
    // New blocks start with probability 1/b per day (a restart can land on the next index,
    // prob. 1/T, which does not show as a jump): mean block length (H − 1)·P / jumps ≈ b.
    const meanBlock = ((H - 1) * P) / jumps;
    expectAbs(meanBlock, b, 0.1);
  });
});

describe('result invariants', () => {
  it('probability_of_loss ∈ [0, 1], bands monotone, day 0 = 1, schema valid', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('gaussian', 'bootstrap'),
        fc.constantFrom('constant_mix', 'buy_and_hold'),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 10 }),
        (method, rebalancing, seed, horizon, block) => {
          const { result, warnings } = runMonteCarlo({
            weights: new Float64Array([0.5, 0.2, 0.2]),
            assetReturns: R3.map((r) => r.slice(-250)),
            settings: settings({
              method,
              rebalancing,
              seed,
              horizon_days: horizon,
              block_size: block,
              paths: 300,
            }),
            initialValue: 250_000,
          });
          expect(warnings).toEqual([]);
          const r = result!;
          expect(MonteCarloResult.safeParse(r).success).toBe(true);
          expect(r.probability_of_loss).toBeGreaterThanOrEqual(0);
          expect(r.probability_of_loss).toBeLessThanOrEqual(1);
          expect(r.bands).toHaveLength(horizon + 1);
          expect(r.bands[0]).toEqual({ day: 0, p5: 1, p25: 1, p50: 1, p75: 1, p95: 1 });
          for (const b of r.bands) {
            expect(b.p5).toBeLessThanOrEqual(b.p25);
            expect(b.p25).toBeLessThanOrEqual(b.p50);
            expect(b.p50).toBeLessThanOrEqual(b.p75);
            expect(b.p75).toBeLessThanOrEqual(b.p95);
          }
          const last = r.bands[horizon]!;
          expect(r.worst_5pct_terminal_value).toBe(last.p5);
          expect(r.expected_shortfall_terminal_value).toBeLessThanOrEqual(
            r.worst_5pct_terminal_value,
          );
          expectRel(
            r.expected_terminal_portfolio_value,
            r.expected_terminal_value * 250_000,
            1e-15,
          );
          expectRel(
            r.worst_5pct_terminal_portfolio_value,
            r.worst_5pct_terminal_value * 250_000,
            1e-15,
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('terminal statistics match a sort-based computation', () => {
    const P = 1001;
    const terminal = new Float64Array(P);
    simulatePortfolioGaussianPaths(MC_M, MC_S, P, 21, 7, null, terminal);
    const { result } = runMonteCarlo({
      weights: EQ,
      assetReturns: R3,
      settings: settings({ paths: P, seed: 7 }),
      initialValue: 1,
    });
    const sorted = [...terminal].sort((a, b) => a - b);
    // Type 7: h = (P − 1)·0.05 = 50 exactly → the 51st smallest.
    const q = sorted[50]!;
    const tail = sorted.filter((v) => v <= q);
    const es = tail.reduce((a, b) => a + b, 0) / tail.length;
    expectRel(result!.worst_5pct_terminal_value, q, 1e-12);
    expectRel(result!.expected_shortfall_terminal_value, es, 1e-12);
    expect(result!.probability_of_loss).toBe(sorted.filter((v) => v < 1).length / P);
  });

  it('single asset: buy_and_hold equals constant_mix (gaussian and bootstrap)', () => {
    for (const method of ['gaussian', 'bootstrap'] as const) {
      const base = { weights: new Float64Array([1]), assetReturns: [R3[0]!], initialValue: 100 };
      const cm = runMonteCarlo({ ...base, settings: settings({ method }) });
      const bh = runMonteCarlo({
        ...base,
        settings: settings({ method, rebalancing: 'buy_and_hold' }),
      });
      expect({ ...bh.result, rebalancing: 'constant_mix' }).toEqual(cm.result);
    }
  });

  it('hand-worked: a constant +0.1%/day history gives W_d = 1.001^d on every path', () => {
    // μ̂ = 0.001, σ̂ = 0 (up to rounding of the mean) → every daily gross return is 1.001.
    const flat = new Float64Array(40).fill(0.001);
    const { result } = runMonteCarlo({
      weights: new Float64Array([1]),
      assetReturns: [flat],
      settings: settings({ horizon_days: 3, paths: 100 }),
      initialValue: 1000,
    });
    const r = result!;
    expect(r.probability_of_loss).toBe(0);
    expectRel(r.expected_terminal_value, 1.001 ** 3, 1e-12);
    expectRel(r.bands[2]!.p5, 1.001 ** 2, 1e-12);
    expectRel(r.bands[2]!.p95, 1.001 ** 2, 1e-12);
    expectRel(r.expected_terminal_portfolio_value, 1000 * 1.001 ** 3, 1e-12);
  });

  it('an all-cash portfolio (zero weights) stays at exactly 1: no loss (strict W < 1)', () => {
    for (const method of ['gaussian', 'bootstrap'] as const)
      for (const rebalancing of ['constant_mix', 'buy_and_hold'] as const) {
        const { result } = runMonteCarlo({
          weights: new Float64Array(3),
          assetReturns: R3,
          settings: settings({ method, rebalancing, paths: 200 }),
          initialValue: 500,
        });
        expect(result!.probability_of_loss).toBe(0);
        expect(result!.expected_terminal_value).toBe(1);
        expect(result!.expected_shortfall_terminal_value).toBe(1);
        expect(result!.worst_5pct_terminal_portfolio_value).toBe(500);
        expect(result!.bands[21]).toEqual({ day: 21, p5: 1, p25: 1, p50: 1, p75: 1, p95: 1 });
      }
  });

  it('gross returns are floored at 0: a −150% history day cannot make wealth negative', () => {
    const r = new Float64Array(25).fill(0.01);
    r[0] = -1.5;
    const { result } = runMonteCarlo({
      weights: new Float64Array([1]),
      assetReturns: [r],
      settings: settings({ method: 'bootstrap', block_size: 1, horizon_days: 30, paths: 2000 }),
      initialValue: 1,
    });
    // P(at least one draw of day 0 in 30) = 1 − (24/25)^30 ≈ 0.706 → those paths end at 0.
    expect(result!.bands[30]!.p5).toBe(0);
    expect(result!.worst_5pct_terminal_value).toBe(0);
    expectAbs(result!.probability_of_loss, 1 - (24 / 25) ** 30, 0.05);
  });

  it('the floor applies in every kernel: wealth reaches 0 and never goes negative', () => {
    // A wild history: a −150% day, then alternating +250% / −95% (σ ≈ 1.75/day), so gaussian
    // draws fall below −100% about 15% of days and the bootstrap meets the −150% day often.
    const wild = Float64Array.from({ length: 40 }, (_, t) =>
      t === 0 ? -1.5 : t % 2 ? 2.5 : -0.95,
    );
    const wild2 = Float64Array.from({ length: 40 }, (_, t) => wild[(t + 1) % 40]!);
    for (const method of ['gaussian', 'bootstrap'] as const)
      for (const rebalancing of ['constant_mix', 'buy_and_hold'] as const) {
        // Under constant_mix the two shifted copies would hedge each other, so hold only one.
        const weights = rebalancing === 'constant_mix' ? [1, 0] : [0.5, 0.5];
        const { result } = runMonteCarlo({
          weights: new Float64Array(weights),
          assetReturns: [wild, wild2],
          settings: settings({ method, rebalancing, block_size: 1, horizon_days: 30 }),
          initialValue: 1,
        });
        const r = result!;
        expect(r.worst_5pct_terminal_value, `${method}/${rebalancing}`).toBe(0);
        for (const b of r.bands) expect(b.p5).toBeGreaterThanOrEqual(0);
      }
  });

  it('zero-weight assets are left out of buy_and_hold without changing the result', () => {
    const with0 = runMonteCarlo({
      weights: new Float64Array([0.6, 0, 0.4]),
      assetReturns: R3,
      settings: settings({ rebalancing: 'buy_and_hold' }),
      initialValue: 1,
    });
    const without = runMonteCarlo({
      weights: new Float64Array([0.6, 0.4]),
      assetReturns: [R3[0]!, R3[2]!],
      settings: settings({ rebalancing: 'buy_and_hold' }),
      initialValue: 1,
    });
    expect(with0).toEqual(without);
  });

  it('a singular covariance (duplicated asset) is repaired with a warning', () => {
    const { result, warnings } = runMonteCarlo({
      weights: new Float64Array([0.5, 0.5]),
      assetReturns: [R3[0]!, R3[0]!.slice()],
      settings: settings({ rebalancing: 'buy_and_hold' }),
      initialValue: 1,
    });
    expect(result).not.toBeNull();
    expect(warnings.map((w) => w.code)).toEqual(['COVARIANCE_REPAIRED']);
    expect(warnings[0]!.message).toMatch(/not positive definite/);
  });
});

describe('insufficient history and bad input', () => {
  it('fewer than 20 days → result null with INSUFFICIENT_HISTORY', () => {
    const out = runMonteCarlo({
      weights: EQ,
      assetReturns: R3.map((r) => r.slice(0, 19)),
      settings: settings(),
      initialValue: 1,
    });
    expect(out.result).toBeNull();
    expect(out.warnings[0]!.code).toBe('INSUFFICIENT_HISTORY');
    expect(out.warnings[0]!.message).toMatch(/19 days.*at least 20/);
  });

  it('bad input → BAD_REQUEST listing every problem', () => {
    try {
      runMonteCarlo({
        weights: new Float64Array([0.5, 0.5]),
        assetReturns: [new Float64Array(30), new Float64Array(29)],
        settings: settings({ paths: 0, horizon_days: 1.5, block_size: 0 }),
        initialValue: -1,
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      expect((e as EngineError).details.map((d) => d.path)).toEqual([
        'assetReturns.1',
        'settings.paths',
        'settings.horizon_days',
        'settings.block_size',
        'initialValue',
      ]);
    }
  });
});
