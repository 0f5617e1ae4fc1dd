#!/usr/bin/env python3
"""Exact reference values for test/unit/risk/sums.test.ts (compensated means and variances).

Run from the repository root:  python3 test/reference/sums_reference.py
The printed numbers are pasted into the test as constants (tests never run python).

Every series below is built from a 32-bit LCG with + − × / only, so Python and TypeScript produce
the same doubles bit for bit (IEEE 754 rounds each basic operation correctly in both; no pow, exp
or sin, whose last bit may differ between libm and V8). The moments are then computed EXACTLY on
those doubles with fractions.Fraction (every double is a dyadic rational), and rounded once to the
nearest double by float(Fraction) — an independent answer that owes nothing to floating-point
summation. Ratios with square roots (skewness, kurtosis, correlation) use decimal at 60 digits.

Series (T = 1,260 = five years of trading days):
  offset     x_t = 1e8 + (u_t − 0.5)·1e-3           seed 1  (large mean, tiny spread)
  offset2    y_t = 1e8 + 0.6·(x_t − 1e8) + (v_t − 0.5)·1e-3   seed 3 (correlated with offset)
  tenth      0.1 repeated                             (constant; naive mean is 165 ulps low)
  magnitude  triples (a_k, b_k, −b_k), k = 0 … 419: a_k = (2u_2k − 1)·SCALES[k mod 9] with
             SCALES = 1e-8 … 1e0, b_k = (2u_2k+1 − 1)·1e8      seed 2 (values over 16 decades whose
             large terms cancel: Σ|x| / |Σx| ≈ 1e10, where a running sum loses the small terms)
  money      r_t = p_t / p_{t−1} − 1, p_0 = 1, p_t = p_{t−1}·1.0000793  (a money-market accrual
             priced by repeated multiplication: every return rounds to the same double, so the
             exact variance is 0)
  accrual    r_t = 0.0000793 + (u_t − 0.5)·1e-19      seed 5  (an accrual whose returns differ only
             by float noise, ±4 ulps: the user's case, built portably — prices from Math.pow, as
             in the bug report, are tested in TypeScript without a Python reference, because pow's
             last bit is not the same in V8 and libm)
  skewed     z_t = 1e4 + (u_t − 0.5)³·1e-2            seed 4  (offset, asymmetric)
with u_t = s_t / 2³², s_{t+1} = (1664525·s_t + 1013904223) mod 2³², s_0 = seed, t = 0 … T − 1
(the first u uses s_1).
"""
from decimal import Decimal, getcontext
from fractions import Fraction

getcontext().prec = 60
T = 1260
SCALES = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0]


def uniforms(seed, n):
    s = seed
    out = []
    for _ in range(n):
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        out.append(s / 4294967296.0)
    return out


def series():
    u1 = uniforms(1, T)
    offset = [1e8 + (u - 0.5) * 1e-3 for u in u1]
    u3 = uniforms(3, T)
    offset2 = [1e8 + 0.6 * (x - 1e8) + (v - 0.5) * 1e-3 for x, v in zip(offset, u3)]
    tenth = [0.1] * T
    u2 = uniforms(2, 2 * (T // 3))
    magnitude = []
    for k in range(T // 3):
        b = (2 * u2[2 * k + 1] - 1) * 1e8
        magnitude += [(2 * u2[2 * k] - 1) * SCALES[k % 9], b, -b]
    prices = [1.0]
    for _ in range(T):
        prices.append(prices[-1] * 1.0000793)
    money = [prices[t + 1] / prices[t] - 1 for t in range(T)]
    u5 = uniforms(5, T)
    accrual = [0.0000793 + (u - 0.5) * 1e-19 for u in u5]
    u4 = uniforms(4, T)
    skewed = [1e4 + (u - 0.5) * (u - 0.5) * (u - 0.5) * 1e-2 for u in u4]
    return {
        "offset": offset,
        "offset2": offset2,
        "tenth": tenth,
        "magnitude": magnitude,
        "money": money,
        "accrual": accrual,
        "skewed": skewed,
    }


def exact(xs):
    return [Fraction(x) for x in xs]


def mean_f(fx):
    return sum(fx, Fraction(0)) / len(fx)


def central(fx, k):
    m = mean_f(fx)
    return sum(((x - m) ** k for x in fx), Fraction(0))


def dec(f):
    return Decimal(f.numerator) / Decimal(f.denominator)


def p(name, value):
    print(f"{name} = {float(value)!r}")


def main():
    S = series()
    for name, xs in S.items():
        fx = exact(xs)
        n = len(fx)
        print(f"# {name}: x[0] = {xs[0]!r}, x[{n - 1}] = {xs[-1]!r}")
        p(f"{name}.mean", mean_f(fx))
        p(f"{name}.variance_ddof1", central(fx, 2) / (n - 1))
        p(f"{name}.variance_ddof0", central(fx, 2) / n)
    # Higher moments of the skewed series (population, as scipy bias=True).
    fz = exact(S["skewed"])
    n = len(fz)
    m2 = central(fz, 2) / n
    m3 = central(fz, 3) / n
    m4 = central(fz, 4) / n
    g1 = dec(m3) / (dec(m2) ** Decimal(3)).sqrt()
    g2 = dec(m4) / (dec(m2) * dec(m2)) - 3
    p("skewed.skewness_g1", g1)
    p("skewed.excess_kurtosis_g2", g2)
    # Covariance and correlation of the two offset series.
    fx = exact(S["offset"])
    fy = exact(S["offset2"])
    mx, my = mean_f(fx), mean_f(fy)
    sxy = sum(((a - mx) * (b - my) for a, b in zip(fx, fy)), Fraction(0))
    sxx = central(fx, 2)
    syy = central(fy, 2)
    p("offset.cov_offset2_ddof1", sxy / (n - 1))
    p("offset.cov_offset2_ddof0", sxy / n)
    p("offset.corr_offset2", dec(sxy) / (dec(sxx) * dec(syy)).sqrt())
    # Weighted mean of the offset series with half-life-20 weights built by repeated halving every
    # 20 days (w_{T−1} = 1, w_t = w_{t+1} / 2 when T−1−t is a multiple of 20, else w_{t+1}):
    # exact powers of two, identical doubles in both languages (no pow).
    w = [0.0] * T
    w[T - 1] = 1.0
    for t in range(T - 2, -1, -1):
        w[t] = w[t + 1] / 2 if (T - 1 - t) % 20 == 0 else w[t + 1]
    w = [Fraction(v) for v in w]
    sw = sum(w, Fraction(0))
    p("offset.weighted_mean_steps20", sum((wi * x for wi, x in zip(w, fx)), Fraction(0)) / sw)


main()
