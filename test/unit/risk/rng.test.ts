import { describe, expect, it } from 'vitest';
import { fillStandardNormal, Xoshiro128ss } from '../../../src/risk/rng';
import { expectAbs } from './fixtures';

// Golden values: test/reference/risk_rng_reference.py, an independent Python port written from
// the published xoshiro128** and Marsaglia–Tsang ziggurat algorithms. Integers must match exactly;
// normals to 1e-14 (the port builds the ziggurat tables with the platform libm, V8 with fdlibm).
const U32: [number, number, number[]][] = [
  [
    42,
    0,
    [3740074114, 1243456774, 2734128507, 593872402, 1947509538, 915129222, 3507524493, 3001455422],
  ],
  [
    42,
    1,
    [3872971678, 1677997872, 562940674, 749502534, 1863015525, 1511111014, 2645600322, 155604613],
  ],
  [
    0,
    0,
    [1661217370, 193158625, 19096693, 993394470, 293276586, 922652709, 2808235758, 3968796092],
  ],
  [
    4294967295,
    99999,
    [4027117182, 1974389271, 755766017, 1977569221, 2841130548, 118843663, 2886123297, 3822125236],
  ],
];
const NORMALS_42_0 = [
  -0.0937631740506393, 0.32349935445118433, -2.103673478061748, 0.237400563192017,
  1.0174075175037554, 0.23808122545674804, -0.27656252892979144, -0.9071029867319843,
  0.14055864481409186, -0.9053393048785041, -0.10587564923937492, -0.04738229385512897,
];
// Draws 19990..19999 of stream (7, 3): deep enough that the slow (wedge/tail) branch has been
// taken hundreds of times (545 in the port), so it is exercised too.
const NORMALS_7_3_TAIL = [
  0.15758250959363157, 0.14354971588854404, -0.3545222348227812, -0.2675329821755252,
  0.5675322952857118, -2.226544432544012, -0.7564789109968678, -0.45387405344503157,
  0.6374839336425434, 0.035757439676827894,
];

/** Φ(x) via erfc (Numerical Recipes erfcc, fractional error < 1.2e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - 0.5 * r : 0.5 * r;
}

describe('xoshiro128** streams', () => {
  it('reproduce the golden uint32 sequences exactly', () => {
    for (const [seed, stream, want] of U32) {
      const g = new Xoshiro128ss(seed, stream);
      expect(Array.from({ length: 8 }, () => g.nextUint32())).toEqual(want);
    }
  });

  it('same seed → identical sequence; reseed restarts it; other streams differ', () => {
    const a = new Xoshiro128ss(2024, 5);
    const b = new Xoshiro128ss(2024, 5);
    const xa = Array.from({ length: 1000 }, () => a.nextInt32());
    expect(Array.from({ length: 1000 }, () => b.nextInt32())).toEqual(xa);
    a.reseed(2024, 5);
    expect(Array.from({ length: 1000 }, () => a.nextInt32())).toEqual(xa);
    const c = new Xoshiro128ss(2024, 6);
    const xc = Array.from({ length: 1000 }, () => c.nextInt32());
    expect(xc.filter((v, i) => v === xa[i]).length).toBeLessThan(3);
  });

  it('uniform doubles lie in [0, 1) and (0, 1) with mean ≈ 1/2', () => {
    const g = new Xoshiro128ss(9);
    let s = 0;
    let outside = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = g.nextDouble();
      const v = g.nextOpenDouble();
      if (!(u >= 0 && u < 1 && v > 0 && v < 1)) outside++;
      s += u;
    }
    expect(outside).toBe(0);
    // SE of the mean = √(1/12/n) ≈ 6.5e-4; allow 5 SE.
    expectAbs(s / n, 0.5, 3.3e-3);
  });
});

describe('ziggurat standard normal', () => {
  it('reproduces the golden normals', () => {
    const g = new Xoshiro128ss(42, 0);
    NORMALS_42_0.forEach((v) => expectAbs(g.normal(), v, 1e-14));
    const buf = new Float64Array(20000);
    fillStandardNormal(new Xoshiro128ss(7, 3), buf, 0, 20000);
    NORMALS_7_3_TAIL.forEach((v, k) => expectAbs(buf[19990 + k], v, 1e-14));
    let sum = 0;
    for (const v of buf) sum += v;
    expectAbs(sum, 105.78728525896018, 1e-10);
  });

  it('fillStandardNormal equals repeated normal() calls, bit for bit', () => {
    const a = new Xoshiro128ss(77, 1);
    const b = new Xoshiro128ss(77, 1);
    const buf = new Float64Array(50_000);
    fillStandardNormal(a, buf, 0, buf.length);
    for (let i = 0; i < buf.length; i++) expect(buf[i]).toBe(b.normal());
    // And both generators end in the same state.
    expect(a.nextInt32()).toBe(b.nextInt32());
  });

  it('1e6 draws: moments within tolerance and KS statistic below the 1% critical value', () => {
    const n = 1_000_000;
    const x = new Float64Array(n);
    fillStandardNormal(new Xoshiro128ss(12345, 0), x, 0, n);
    let m = 0;
    for (let i = 0; i < n; i++) m += x[i]!;
    m /= n;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (let i = 0; i < n; i++) {
      const d = x[i]! - m;
      m2 += d * d;
      m3 += d * d * d;
      m4 += d * d * d * d;
    }
    m2 /= n;
    m3 /= n;
    m4 /= n;
    // Standard errors under N(0,1): mean 1e-3, variance √(2/n) = 1.41e-3, skewness √(6/n) =
    // 2.45e-3, excess kurtosis √(24/n) = 4.9e-3. Allow 5 SE each.
    expectAbs(m, 0, 5e-3);
    expectAbs(m2, 1, 7.1e-3);
    expectAbs(m3 / m2 ** 1.5, 0, 1.23e-2);
    expectAbs(m4 / (m2 * m2) - 3, 0, 2.45e-2);

    // Kolmogorov–Smirnov D = sup |F_n − Φ|; 1% critical value for n = 1e6 from
    // scipy.stats.kstwo.ppf(0.99, 1e6) = 0.0016274566551782183 (risk_reference.py).
    x.sort();
    let D = 0;
    for (let i = 0; i < n; i++) {
      const F = normalCdf(x[i]!);
      const d = Math.max((i + 1) / n - F, F - i / n);
      if (d > D) D = d;
    }
    expect(D).toBeLessThan(0.0016274566551782183);
    // The tails are populated as a normal's should be: P(|Z| > 3.4426) (the ziggurat's tail
    // start) = 5.76e-4 → 576 expected, SD ≈ 24.
    let tail = 0;
    for (let i = 0; i < n; i++) if (Math.abs(x[i]!) > 3.442619855899) tail++;
    expect(Math.abs(tail - 576)).toBeLessThan(5 * 24);
  });
});
