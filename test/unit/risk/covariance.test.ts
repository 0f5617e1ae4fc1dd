import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import {
  choleskyWithRepair,
  ewmaCovariance,
  ledoitWolf,
  sampleCovariance,
  symmetricEigen,
} from '../../../src/risk/covariance';
import { simpleReturns } from '../../../src/risk/returns';
import { expectAbs, expectRel, lastPrices, loadPrices } from './fixtures';

const table = loadPrices('skfolio_sp500_dataset.csv');
const ALL = [...table.columns.keys()];
const R20 = ALL.map((t) => simpleReturns(lastPrices(table, t, 1260)));
const R3 = ['AAPL', 'JNJ', 'XOM'].map((t) => simpleReturns(lastPrices(table, t, 1260)));

function expectMatrix(actual: Float64Array, expected: number[], tol = 1e-10): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, k) => expectRel(actual[k], v, tol));
}

/** L·Lᵀ of a row-major lower-triangular n×n matrix. */
function llt(L: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += L[i * n + k]! * L[j * n + k]!;
      out[i * n + j] = s;
    }
  return out;
}

describe('sampleCovariance (ddof 1)', () => {
  it('hand-worked: two assets, two days', () => {
    // r1 = [0.01, 0.03] (mean 0.02, deviations ∓0.01), r2 = [0.02, −0.02] (mean 0, ±0.02).
    // Σ11 = (0.0001 + 0.0001)/1, Σ22 = 0.0008, Σ12 = (−0.01)(0.02) + (0.01)(−0.02) = −0.0004.
    const c = sampleCovariance([new Float64Array([0.01, 0.03]), new Float64Array([0.02, -0.02])]);
    expectRel(c[0], 0.0002, 1e-12);
    expectRel(c[3], 0.0008, 1e-12);
    expectRel(c[1], -0.0004, 1e-12);
    expect(c[2]).toBe(c[1]);
  });

  it('matches numpy.cov on AAPL/JNJ/XOM (1,259 returns) and on 20 assets', () => {
    expectMatrix(
      sampleCovariance(R3),
      [
        0.0004443340648332602, 0.00011586553646418459, 0.0001555876333742238,
        0.00011586553646418459, 0.0001726783496837524, 9.50763006412569e-5, 0.0001555876333742238,
        9.50763006412569e-5, 0.00045426639611165345,
      ],
    );
    expectRel(sampleCovariance(R20)[7 * 20 + 12], 0.0001201583523906965);
  });

  it('rejects unequal lengths, non-finite values and T < 2', () => {
    expect(() => sampleCovariance([new Float64Array(3), new Float64Array(4)])).toThrow(EngineError);
    expect(() => sampleCovariance([new Float64Array([1, Number.NaN])])).toThrow(/invalid/);
    expect(() => sampleCovariance([new Float64Array([1])])).toThrow(EngineError);
    expect(() => sampleCovariance([])).toThrow(EngineError);
  });
});

describe('ewmaCovariance', () => {
  it('hand-worked: T = 2, half-life 1', () => {
    // Raw weights 2^−1 (older), 2^0 (newer) → normalized [1/3, 2/3].
    // r = [0.01, 0.04]: μ = 0.01/3 + 0.08/3 = 0.03; var = (1/3)(−0.02)² + (2/3)(0.01)²
    //   = 0.0004/3 + 0.0002/3 = 0.0002.
    const c = ewmaCovariance([new Float64Array([0.01, 0.04])], 1);
    expectRel(c[0], 0.0002, 1e-12);
  });

  it('matches the numpy weighted formula on real data', () => {
    expectMatrix(
      ewmaCovariance(R3, 60),
      [
        0.0005287061991759958, 9.725324454740512e-5, 0.00018509763692738378, 9.725324454740511e-5,
        0.00010217774744408053, 2.9262906859729616e-5, 0.00018509763692738378,
        2.9262906859729616e-5, 0.0004186567742836194,
      ],
    );
    expectRel(ewmaCovariance(R20, 30)[3 * 20 + 15], 0.00012955390594390377);
  });

  it('a huge half-life tends to the ddof-0 covariance', () => {
    const s = sampleCovariance(R3);
    const e = ewmaCovariance(R3, 1e12);
    const T = R3[0]!.length;
    for (let k = 0; k < 9; k++) expectRel(e[k], (s[k]! * (T - 1)) / T, 1e-8);
  });

  it('rejects a non-positive half-life', () => {
    expect(() => ewmaCovariance(R3, 0)).toThrow(/half-life/);
  });
});

describe('ledoitWolf (sklearn formula, scaled-identity target)', () => {
  it('matches the sklearn formula re-implemented in numpy (3 and 20 assets)', () => {
    const lw3 = ledoitWolf(R3);
    expectRel(lw3.shrinkage, 0.030671785919430476);
    expectMatrix(
      lw3.cov,
      [
        0.0004413074228201397, 0.00011222252643857701, 0.00015069569289269798,
        0.00011222252643857701, 0.00017819302654770077, 9.208693963708251e-5,
        0.00015069569289269798, 9.208693963708251e-5, 0.0004509274646677924,
      ],
    );
    const lw20 = ledoitWolf(R20);
    expectRel(lw20.shrinkage, 0.021508764405814645);
    expectRel(lw20.cov[0], 0.00044498146650453585);
    expectRel(lw20.cov[19], 0.00015212021335535137);
    expectRel(lw20.cov[7 * 20 + 12], 0.00011748050796644127);
    let tr = 0;
    for (let i = 0; i < 20; i++) tr += lw20.cov[i * 20 + i]!;
    expectRel(tr, 0.009809781136118153);
  });

  it('one asset: shrinkage 0 and the ddof-0 variance', () => {
    // r = [0.01, 0.03]: mean 0.02, ddof-0 variance (0.0001 + 0.0001)/2 = 0.0001.
    const r = ledoitWolf([new Float64Array([0.01, 0.03])]);
    expect(r.shrinkage).toBe(0);
    expectRel(r.cov[0], 0.0001, 1e-12);
  });

  it('shrinkage stays in [0, 1] and the trace is preserved', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 3, max: 30 }),
        fc.array(fc.double({ min: -0.1, max: 0.1, noNaN: true }), {
          minLength: 150,
          maxLength: 150,
        }),
        (n, T, pool) => {
          const series = Array.from({ length: n }, (_, i) =>
            Float64Array.from({ length: T }, (_, t) => pool[(i * 31 + t * 7) % pool.length]!),
          );
          const { cov, shrinkage } = ledoitWolf(series);
          expect(shrinkage).toBeGreaterThanOrEqual(0);
          expect(shrinkage).toBeLessThanOrEqual(1);
          // tr((1 − s)S + s·μI) = tr(S): shrinkage toward μI = tr(S)/p keeps the trace.
          const s = sampleCovariance(series);
          let a = 0;
          let b = 0;
          for (let i = 0; i < n; i++) {
            a += cov[i * n + i]!;
            b += (s[i * n + i]! * (T - 1)) / T;
          }
          expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-15 + 1e-12 * b);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('choleskyWithRepair', () => {
  it('positive definite input: no repair, L·Lᵀ = A, L lower triangular', () => {
    const A = sampleCovariance(R20);
    const r = choleskyWithRepair(A, 20);
    expect(r.repaired).toBe(false);
    expect(r.jitter).toBe(0);
    expect(r.minEigenvalueBefore).toBeUndefined();
    const B = llt(r.L, 20);
    for (let k = 0; k < 400; k++) expectAbs(B[k], A[k]!, 1e-18);
    for (let i = 0; i < 20; i++) for (let j = i + 1; j < 20; j++) expect(r.L[i * 20 + j]).toBe(0);
  });

  it('hand-worked singular [[1, 1], [1, 1]]: jitter 1e-10', () => {
    // Plain Cholesky: L00 = 1, L10 = 1, pivot 1 − 1 = 0 → fails. With 1e-10·mean(diag) = 1e-10
    // on the diagonal: L00 = √(1 + 1e-10), L10 = 1/L00, L11² = 1 + 1e-10 − 1/(1 + 1e-10) ≈ 2e-10.
    const r = choleskyWithRepair(new Float64Array([1, 1, 1, 1]), 2);
    expect(r.repaired).toBe(true);
    expect(r.jitter).toBe(1e-10);
    expectAbs(r.minEigenvalueBefore, 0, 1e-15);
    expectRel(r.L[0], Math.sqrt(1 + 1e-10), 1e-15);
    expectRel(r.L[3], Math.sqrt(2e-10), 1e-5);
  });

  it('slightly indefinite matrix: same ladder step and L as numpy (risk_reference.py, A1)', () => {
    // A1 has eigenvalue −3.0000000081137e-8: jitter 1e-10…1e-8 fail, 1e-7 succeeds.
    const A1 = new Float64Array([1, 1 + 3e-8, 0.5, 1 + 3e-8, 1, 0.5, 0.5, 0.5, 1]);
    const r = choleskyWithRepair(A1, 3);
    expect(r.repaired).toBe(true);
    expect(r.jitter).toBe(1e-7);
    expectAbs(r.minEigenvalueBefore, -3.0000000081137e-8, 1e-14);
    const L1 = [
      1.0000000499999988, 0.0, 0.0, 0.9999999800000022, 0.00037416573219945084, 0.0,
      0.4999999750000019, 9.354142696711114e-5, 0.8660254709014042,
    ];
    L1.forEach((v, k) => expectAbs(r.L[k], v, 1e-12));
  });

  it('strongly indefinite matrix: eigenvalue clipping (A2)', () => {
    // Eigenvalues −0.8, 1.9, 1.9; even 1e-2 jitter fails, so eigenvalues are clipped at 1e-10
    // and L·Lᵀ reproduces numpy's Q·max(Λ, 1e-10)·Qᵀ.
    const A2 = new Float64Array([1, 0.9, -0.9, 0.9, 1, 0.9, -0.9, 0.9, 1]);
    const r = choleskyWithRepair(A2, 3);
    expect(r.repaired).toBe(true);
    expectAbs(r.minEigenvalueBefore, -0.8000000000000007, 1e-13);
    const clipped = [
      1.2666666667, 0.6333333333000001, -0.6333333333000002, 0.6333333333000001, 1.2666666667000008,
      0.6333333333, -0.6333333333000002, 0.6333333333, 1.2666666666999997,
    ];
    const B = llt(r.L, 3);
    clipped.forEach((v, k) => expectAbs(B[k], v, 1e-9 + r.jitter));
  });

  it('zero matrix (e.g. all-cash history) factors with jitter on a unit scale', () => {
    const r = choleskyWithRepair(new Float64Array(4), 2);
    expect(r.repaired).toBe(true);
    expect(r.jitter).toBe(1e-10);
    expectRel(r.L[0], 1e-5, 1e-12);
  });

  it('rejects a wrong size or non-finite entries', () => {
    expect(() => choleskyWithRepair(new Float64Array(3), 2)).toThrow(EngineError);
    expect(() => choleskyWithRepair(new Float64Array([1, Number.NaN, 0, 1]), 2)).toThrow(
      /invalid covariance/,
    );
  });
});

describe('symmetricEigen (Jacobi)', () => {
  it('hand-worked [[2, 1], [1, 2]] → 1 and 3', () => {
    const v = [...symmetricEigen(new Float64Array([2, 1, 1, 2]), 2).values].sort();
    expectRel(v[0], 1, 1e-14);
    expectRel(v[1], 3, 1e-14);
  });

  it('matches numpy.linalg.eigvalsh on A2 and reconstructs with its vectors', () => {
    const A2 = new Float64Array([1, 0.9, -0.9, 0.9, 1, 0.9, -0.9, 0.9, 1]);
    const { values, vectors } = symmetricEigen(A2, 3, true);
    const v = [...values].sort((a, b) => a - b);
    [-0.8000000000000007, 1.9000000000000001, 1.9000000000000004].forEach((e, k) =>
      expectAbs(v[k], e, 1e-13),
    );
    const V = vectors!;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += V[i * 3 + k]! * values[k]! * V[j * 3 + k]!;
        expectAbs(s, A2[i * 3 + j]!, 1e-13);
      }
  });
});
