/**
 * Covariance estimators of issue #11: the pairwise covariance of histories of unequal length
 * (against pandas DataFrame.cov semantics written out in numpy, test/reference/
 * estimators_reference.py, and PyPortfolioOpt's published sample_cov dummy), the nearest-PSD
 * repair by eigenvalue clipping (against numpy eigh + clip, PyPortfolioOpt's "spectral" fix), the
 * symmetric eigensolver, and the optimizer's `pairwise` and `user` estimators.
 *
 * Conventions: daily simple returns, ddof 1 per pair over the days both assets have (pandas'
 * pairwise-complete observations, each pair about its own means); the optimizer annualizes × 252
 * (not a user matrix, which is annual as given).
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { estimateCovariance } from '../../../src/optimize/qp/covariance-model';
import { nearestPsd, sampleCovariance } from '../../../src/risk/covariance';
import { symmetricEigenQL } from '../../../src/risk/eigen';
import { pairOverlap, pairwiseCovariance } from '../../../src/risk/pairwise';
import { close, closeAll, loadTable, mulberry32, ownReturns, series } from './fixtures';
import * as R from './reference';

const pyp = loadTable('pypfopt_stock_prices.csv');

/** tests/test_risk_models.py, test_sample_cov_dummy: sample_cov(data) / 252. */
const DUMMY = [
  [4.0, 2.0, 0.6],
  [4.2, 2.1, 0.59],
  [3.9, 2.0, 0.58],
  [4.3, 2.1, 0.62],
  [4.1, 2.2, 0.63],
];
const DUMMY_COV = [
  0.006661687937656102, 0.00264970955585574, 0.0020849735375206195, 0.00264970955585574,
  0.0023450491307634215, 0.00096770864287974, 0.0020849735375206195, 0.00096770864287974,
  0.0016396416271856837,
];

describe('pairwiseCovariance', () => {
  it('PyPortfolioOpt’s published sample_cov dummy (equal lengths)', () => {
    const r = [0, 1, 2].map((j) => ownReturns(Float64Array.from(DUMMY, (row) => row[j]!)));
    closeAll(pairwiseCovariance(r), DUMMY_COV, 1e-14);
  });

  it('six pypfopt tickers with late listings: DataFrame.cov (numpy reference)', () => {
    const s = series(pyp, R.PAIRWISE6_TICKERS);
    closeAll(pairwiseCovariance(s), R.PAIRWISE6_COV, 1e-11);
    // Pair counts min(L_i, L_j) are pandas' pairwise-complete counts.
    const L = s.map((x) => x.length);
    const counts = L.flatMap((a) => L.map((b) => Math.min(a, b)));
    expect(counts).toEqual(R.PAIRWISE6_COUNTS);
  });

  it('a late listing made by blanking AAPL’s first 2,000 prices: numpy reference', () => {
    const cols = R.LATE5_TICKERS.map((t) => pyp.columns[pyp.names.indexOf(t)]!.slice());
    cols[0]!.fill(NaN, 0, 2000);
    const s = cols.map(ownReturns);
    expect(s.map((x) => x.length)).toEqual([5125, 7125, 7125, 7125, 7125]);
    const C = pairwiseCovariance(s);
    closeAll(C, R.LATE5_COV, 1e-11);
    closeAll(symmetricEigenQL(C, 5, false).values, R.LATE5_EIGENVALUES, 1e-10);
    // Positive definite: no repair, the same array back.
    const fixed = nearestPsd(C, 5);
    expect(fixed.repaired).toBe(false);
    expect(fixed.matrix).toBe(C);
    // What the common window (5,125 days) would give for GE's variance differs from its own.
    const ge = s[1]!;
    const geCommon = sampleCovariance([ge.subarray(ge.length - 5125)])[0]!;
    expect(Math.abs(geCommon - R.LATE5_COV[6]!) / R.LATE5_COV[6]!).toBeGreaterThan(1e-3);
  });

  it('the doc-comment toy is not PSD; nearestPsd clips it as numpy does', () => {
    const C = pairwiseCovariance([
      Float64Array.from([0.01, 0.03, -0.02, 0.02]),
      Float64Array.from([0.01, -0.01]),
    ]);
    closeAll(C, R.TOY_COV, 1e-13);
    const fixed = nearestPsd(C, 2);
    expect(fixed.repaired).toBe(true);
    close(fixed.minEigenvalueBefore, R.TOY_MIN_EIGENVALUE, 1e-12);
    closeAll(fixed.matrix, R.TOY_REPAIRED, 1e-12);
  });

  it('property: equal lengths give sampleCovariance bit for bit (200 seeded cases)', () => {
    const rand = mulberry32(20251111);
    for (let c = 0; c < 200; c++) {
      const n = 1 + Math.floor(rand() * 9);
      const T = 2 + Math.floor(rand() * 300);
      const xs = Array.from({ length: n }, () =>
        Float64Array.from({ length: T }, () => (rand() - 0.5) * 0.04 + (rand() < 0.1 ? 0.001 : 0)),
      );
      const a = pairwiseCovariance(xs);
      const b = sampleCovariance(xs);
      expect(Array.from(a), `case ${c}: n ${n} T ${T}`).toEqual(Array.from(b));
    }
  });

  it('property: each entry is the sample covariance over the pair’s shared days (150 cases)', () => {
    const rand = mulberry32(7);
    for (let c = 0; c < 150; c++) {
      const n = 2 + Math.floor(rand() * 6);
      const xs = Array.from({ length: n }, () =>
        Float64Array.from({ length: 2 + Math.floor(rand() * 200) }, () => (rand() - 0.5) * 0.04),
      );
      const C = pairwiseCovariance(xs);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const m = Math.min(xs[i]!.length, xs[j]!.length);
          const ref = sampleCovariance([
            xs[i]!.subarray(xs[i]!.length - m),
            xs[j]!.subarray(xs[j]!.length - m),
          ])[1]!;
          close(C[i * n + j], ref, 1e-12, 1e-6);
        }
      const o = pairOverlap(xs.map((x) => x.length))!;
      const all: number[] = [];
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) all.push(Math.min(xs[i]!.length, xs[j]!.length));
      all.sort((a, b) => a - b);
      const k = all.length;
      expect(o.pairs).toBe(k);
      expect(o.min).toBe(all[0]);
      expect(o.max).toBe(all[k - 1]);
      expect(o.median).toBe(k % 2 ? all[(k - 1) / 2] : (all[k / 2 - 1]! + all[k / 2]!) / 2);
    }
  });

  it('refuses a history with fewer than 2 returns', () => {
    expect(() => pairwiseCovariance([new Float64Array(5), new Float64Array(1)])).toThrow(
      EngineError,
    );
  });
});

describe('nearestPsd and the eigensolver', () => {
  it('PyPortfolioOpt’s non-PSD test matrix (test_sample_cov_npd): numpy eigh + clip', () => {
    const S = Float64Array.from([0.03818144, 0.04182824, 0.04182824, 0.04149209]);
    const f = nearestPsd(S, 2);
    expect(f.repaired).toBe(true);
    close(f.minEigenvalueBefore, R.NPD2_MIN_EIGENVALUE, 1e-12);
    closeAll(f.matrix, R.NPD2_REPAIRED, 1e-12);
    // The repaired matrix is PSD: a second pass finds nothing to do beyond rounding.
    expect(nearestPsd(f.matrix, 2).repaired).toBe(false);
  });

  it('a 4×4 matrix with one negative eigenvalue: numpy reference', () => {
    const A = Float64Array.from(R.NPD4);
    closeAll(symmetricEigenQL(A, 4, false).values, R.NPD4_EIGENVALUES, 1e-12);
    const f = nearestPsd(A, 4);
    expect(f.repaired).toBe(true);
    close(f.minEigenvalueBefore, R.NPD4_EIGENVALUES[0]!, 1e-12);
    closeAll(f.matrix, R.NPD4_REPAIRED, 1e-11, 1e-3);
  });

  it('eigenvalues of the 6×6 Hilbert matrix (condition 1.5e7) equal numpy’s', () => {
    const H = Float64Array.from({ length: 36 }, (_, k) => 1 / (Math.floor(k / 6) + (k % 6) + 1));
    closeAll(symmetricEigenQL(H, 6, false).values, R.HILBERT6_EIGENVALUES, 1e-7, 1e-9);
  });

  it('property: V diag(λ) Vᵀ = A and VᵀV = I on random symmetric matrices (60 cases)', () => {
    const rand = mulberry32(99);
    for (let c = 0; c < 60; c++) {
      const n = 1 + Math.floor(rand() * 25);
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++) {
          const v = rand() - 0.5;
          A[i * n + j] = v;
          A[j * n + i] = v;
        }
      const { values, vectors } = symmetricEigenQL(A, n, true);
      const V = vectors!;
      for (let k = 1; k < n; k++) expect(values[k]! >= values[k - 1]!).toBe(true);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let a = 0;
          let o = 0;
          for (let k = 0; k < n; k++) {
            a += V[i * n + k]! * values[k]! * V[j * n + k]!;
            o += V[k * n + i]! * V[k * n + j]!;
          }
          expect(Math.abs(a - A[i * n + j]!)).toBeLessThan(1e-13 * n);
          expect(Math.abs(o - (i === j ? 1 : 0))).toBeLessThan(1e-13 * n);
        }
    }
  });
});

describe('the optimizer’s pairwise and user estimators (estimateCovariance)', () => {
  const names = R.LATE5_TICKERS;
  const cols = names.map((t) => pyp.columns[pyp.names.indexOf(t)]!.slice());
  cols[0]!.fill(NaN, 0, 2000);
  const full = cols.map(ownReturns);
  const T = 5125;
  const aligned = full.map((h) => h.subarray(h.length - T));

  it('pairwise: 252 × the pairwise covariance of the full histories, with the pair report', () => {
    const e = estimateCovariance(aligned, { estimator: 'pairwise' }, undefined, {
      histories: full,
      assets: names,
    });
    closeAll(
      e.dense,
      R.LATE5_COV.map((v) => v * 252),
      1e-11,
    );
    expect(e.info.estimator).toBe('pairwise');
    expect(e.info.observations).toBe(7125);
    expect(e.info.repaired).toBe(false);
    expect(e.info.pairwise).toEqual({
      pairs: 10,
      min: 5125,
      median: 7125,
      max: 7125,
      counts: [
        { asset_1: 'AAPL', asset_2: 'GE', observations: 5125 },
        { asset_1: 'AAPL', asset_2: 'AMD', observations: 5125 },
        { asset_1: 'AAPL', asset_2: 'WMT', observations: 5125 },
        { asset_1: 'AAPL', asset_2: 'XOM', observations: 5125 },
        { asset_1: 'GE', asset_2: 'AMD', observations: 7125 },
        { asset_1: 'GE', asset_2: 'WMT', observations: 7125 },
        { asset_1: 'GE', asset_2: 'XOM', observations: 7125 },
        { asset_1: 'AMD', asset_2: 'WMT', observations: 7125 },
        { asset_1: 'AMD', asset_2: 'XOM', observations: 7125 },
        { asset_1: 'WMT', asset_2: 'XOM', observations: 7125 },
      ],
    });
    // Sample on the common window: the estimate the other estimators would make.
    const s = estimateCovariance(aligned, { estimator: 'sample' });
    expect(s.info.pairwise).toBeNull();
    expect(Math.abs(s.dense[6]! - e.dense[6]!) / e.dense[6]!).toBeGreaterThan(1e-3);
  });

  it('pairwise equals sample when every history has the same length', () => {
    const e = estimateCovariance(aligned, { estimator: 'pairwise' }, undefined, { assets: names });
    const s = estimateCovariance(aligned, { estimator: 'sample' });
    expect(Array.from(e.dense)).toEqual(Array.from(s.dense));
    expect(e.info.pairwise?.min).toBe(T);
  });

  it('user (dense, in its own order): annual as given, reordered to the request’s assets', () => {
    const A = [
      [0.04, 0.01, 0.0],
      [0.01, 0.09, 0.02],
      [0.0, 0.02, 0.0225],
    ];
    const e = estimateCovariance(
      [new Float64Array(3), new Float64Array(3), new Float64Array(3)],
      { estimator: 'user', matrix: { assets: ['X', 'Y', 'Z'], values: A } },
      undefined,
      { assets: ['Z', 'X', 'Y'] },
    );
    expect(Array.from(e.dense)).toEqual([0.0225, 0.0, 0.02, 0.0, 0.04, 0.01, 0.02, 0.01, 0.09]);
    expect(e.info).toMatchObject({
      estimator: 'user',
      observations: 0,
      annualization: 1,
      repaired: false,
      pairwise: null,
    });
    expect(e.warnings).toEqual([]);
  });

  it('user, not PSD: repaired by clipping (numpy), with a warning stating λ_min', () => {
    const values = [0, 1, 2, 3].map((i) => R.NPD4.slice(4 * i, 4 * i + 4));
    const assets = ['A', 'B', 'C', 'D'];
    const e = estimateCovariance(
      assets.map(() => new Float64Array(2)),
      { estimator: 'user', matrix: { assets, values } },
      undefined,
      { assets },
    );
    // The clipped matrix is singular, so the positive-definite repair adds its jitter too.
    const jitter = e.info.jitter;
    expect(jitter).toBeGreaterThan(0);
    expect(jitter).toBeLessThan(1e-8);
    const expected = R.NPD4_REPAIRED.map((v, k) => v + (k % 5 === 0 ? jitter : 0));
    closeAll(e.dense, expected, 1e-10, 1e-3);
    expect(e.info.repaired).toBe(true);
    close(e.info.min_eigenvalue_before_repair, R.NPD4_EIGENVALUES[0]!, 1e-12);
    const w = e.warnings.find((x) => x.code === 'COVARIANCE_PSD_REPAIRED');
    expect(w?.message).toContain('smallest eigenvalue -1.787e-2');
    expect(w?.path).toBe('covariance');
  });

  it('user as pairs equals the dense form; one order stands for both', () => {
    const assets = ['A', 'B', 'C', 'D'];
    const pairs = [];
    for (let i = 0; i < 4; i++)
      for (let j = 0; j <= i; j++)
        pairs.push(
          i % 2 === 0
            ? { asset_1: assets[i]!, asset_2: assets[j]!, value: R.NPD4[i * 4 + j]! }
            : { asset_1: assets[j]!, asset_2: assets[i]!, value: R.NPD4[i * 4 + j]! },
        );
    const zeros = assets.map(() => new Float64Array(2));
    const a = estimateCovariance(zeros, { estimator: 'user', pairs }, undefined, { assets });
    const values = [0, 1, 2, 3].map((i) => R.NPD4.slice(4 * i, 4 * i + 4));
    const b = estimateCovariance(
      zeros,
      { estimator: 'user', matrix: { assets, values } },
      undefined,
      {
        assets,
      },
    );
    expect(Array.from(a.dense)).toEqual(Array.from(b.dense));
  });

  it('user, asymmetric beyond the tolerance: BAD_REQUEST naming the cells', () => {
    const assets = ['A', 'B', 'C'];
    const values = [
      [0.04, 0.011, 0.0],
      [0.01, 0.09, 0.02],
      [0.0, 0.02, 0.0225],
    ];
    const zeros = assets.map(() => new Float64Array(2));
    try {
      estimateCovariance(zeros, { estimator: 'user', matrix: { assets, values } }, undefined, {
        assets,
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      expect((e as EngineError).code).toBe('BAD_REQUEST');
      expect((e as EngineError).details).toEqual([
        {
          path: 'covariance.matrix.values.1.0',
          message:
            'not symmetric: values[1][0] = 0.01 (B, A) but values[0][1] = 0.011; they may differ by at most 1e-8 relative',
        },
      ]);
    }
    // Within a looser tolerance it passes, and the symmetric part is used.
    const ok = estimateCovariance(
      zeros,
      { estimator: 'user', matrix: { assets, values }, symmetry_tolerance: 0.2 },
      undefined,
      { assets },
    );
    close(ok.dense[1], 0.0105, 1e-14);
    close(ok.dense[3], 0.0105, 1e-14);
  });
});
