"""Reference solutions for test/unit/optimizer/efficient-targets.test.ts
(run: python3 test/reference/efficient_reference.py).

Independent of the app's HiGHS path: each problem is solved twice here.
1. scipy.optimize.minimize (SLSQP, ftol 1e-15) on the problem as stated — efficient_risk as the QCQP
   max mu'w s.t. w'Sw <= sigma^2, sum w = 1, bounds; efficient_return as min w'Sw s.t. mu'w >= r,
   sum w = 1, bounds — only to find the active set (weights within 1e-7 of a bound).
2. The exact solution on that active set, in closed form: with the bound-active weights fixed,
   the free weights solve the equality-constrained KKT system
       [2 S_FF  1  mu_F] [w_F]   [-2 S_FX w_X]
       [1'      0  0   ] [-a ] = [1 - sum w_X]
       [mu_F'   0  0   ] [-g ]   [r - mu_X'w_X]
   (efficient_return: r = the target). On a fixed active set w(r) is affine in r and the variance
   a quadratic in r, so efficient_risk takes the r on the upper branch where w(r)'S w(r) = sigma^2.
   The script then checks the certificate: the bound multipliers z = 2 S w - a 1 - g mu (at a lower
   bound z >= 0, at an upper bound z <= 0) and g >= 0; it stops if any fails. For efficient_risk it
   prints lambda = 2/g: the risk aversion of max mu'w - lambda/2 w'Sw with the same solution, i.e.
   the multiplier of (1/2) w'Sw <= sigma^2 / 2 (the app reports it as target.risk_aversion).
Data: PyPortfolioOpt's conventions for its tests/test_efficient_frontier.py on
test/fixtures/pypfopt_stock_prices.csv: returns = pct_change().dropna(how="all"); mu =
mean_historical_return (compounded: prod(1 + r)^(252 / count) - 1 per asset over its own dates);
S = sample_cov = pandas' pairwise DataFrame.cov() x 252 (ddof 1; PSD here, so no spectral fix).
Published by PyPortfolioOpt (portfolio_performance()): efficient_risk(0.19) long-only expected
return 0.2552422849133517; weight_bounds (-1, 1): 0.30035471606347336; efficient_return(0.25)
volatility 0.18723269942026335; max_quadratic_utility(2) (0.3677732711751504, 0.2921342197778279);
max_quadratic_utility() with (-1, 1): (1.4170505733098597, 1.0438577623242156); min_volatility
(0.15056821399482578, 0.15915084514118694).
"""
import csv
import os

import numpy as np
from scipy.optimize import minimize

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(HERE, "..", "fixtures", "pypfopt_stock_prices.csv")


def load():
    with open(CSV, newline="") as f:
        rows = list(csv.reader(f))
    names = rows[0][1:]
    P = np.array([[float(x) if x != "" else np.nan for x in r[1:]] for r in rows[1:]])
    R = P[1:] / P[:-1] - 1
    n = R.shape[1]
    S = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            m = ~np.isnan(R[:, i]) & ~np.isnan(R[:, j])
            a, b = R[m, i], R[m, j]
            S[i, j] = np.sum((a - a.mean()) * (b - b.mean())) / (m.sum() - 1) * 252
    mu = np.array([np.prod(1 + R[~np.isnan(R[:, i]), i]) ** (252 / np.sum(~np.isnan(R[:, i]))) - 1 for i in range(n)])
    return names, mu, S


def slsqp(mu, S, lo, hi, kind, target):
    n = len(mu)
    cons = [{"type": "eq", "fun": lambda w: w.sum() - 1}]
    if kind == "risk":
        obj = lambda w: -mu @ w
        cons.append({"type": "ineq", "fun": lambda w: target**2 - w @ S @ w})
    else:
        obj = lambda w: w @ S @ w
        cons.append({"type": "ineq", "fun": lambda w: mu @ w - target})
    r = minimize(obj, np.ones(n) / n, method="SLSQP", bounds=list(zip(lo, hi)), constraints=cons,
                 options=dict(ftol=1e-15, maxiter=2000))
    return r.x


def on_active_set(mu, S, lo, hi, w_approx, r):
    """Exact min-variance weights at return r with the bound-active weights of w_approx fixed."""
    n = len(mu)
    at_lo = np.abs(w_approx - lo) < 1e-7
    at_hi = np.abs(w_approx - hi) < 1e-7
    X = at_lo | at_hi
    F = ~X
    wX = np.where(at_lo, lo, hi)[X]
    k = F.sum()
    M = np.zeros((k + 2, k + 2))
    M[:k, :k] = 2 * S[np.ix_(F, F)]
    M[:k, k] = 1
    M[:k, k + 1] = mu[F]
    M[k, :k] = 1
    M[k + 1, :k] = mu[F]
    rhs = np.concatenate([-2 * S[np.ix_(F, X)] @ wX, [1 - wX.sum(), r - mu[X] @ wX]])
    x = np.linalg.solve(M, rhs)
    w = np.zeros(n)
    w[F] = x[:k]
    w[X] = wX
    a, g = -x[k], -x[k + 1]
    z = 2 * S @ w - a - g * mu
    # Certificate: bound multipliers of the right sign, a binding return floor (g >= 0).
    ok = g >= -1e-12 and np.all(z[at_lo] >= -1e-10) and np.all(z[at_hi] <= 1e-10)
    ok = ok and np.all(w >= lo - 1e-12) and np.all(w <= hi + 1e-12) and np.all(np.abs(z[F]) < 1e-10)
    return w, g, ok


def efficient_return(mu, S, lo, hi, r):
    w, g, ok = on_active_set(mu, S, lo, hi, slsqp(mu, S, lo, hi, "return", r), r)
    assert ok, "efficient_return certificate failed"
    return w


def efficient_risk(mu, S, lo, hi, sigma):
    w0 = slsqp(mu, S, lo, hi, "risk", sigma)
    r0 = mu @ w0
    # w(r) is affine on the active set: variance q(r) = A r^2 + B r + C from three points.
    rs = np.array([r0 - 1e-3, r0, r0 + 1e-3])
    q = [(lambda w: w @ S @ w)(on_active_set(mu, S, lo, hi, w0, r)[0]) for r in rs]
    A, B, C = np.polyfit(rs, q, 2)
    r = (-B + np.sqrt(B * B - 4 * A * (C - sigma**2))) / (2 * A)
    w, g, ok = on_active_set(mu, S, lo, hi, w0, r)
    assert ok and g > 0, "efficient_risk certificate failed"
    assert abs(np.sqrt(w @ S @ w) - sigma) < 1e-12
    return w, 2 / g  # lambda: multiplier of (1/2) w'Sw <= sigma^2 / 2 in max mu'w


def fmt(v):
    return "[" + ", ".join(f"{x:.15g}" for x in np.asarray(v).ravel()) + "]"


def main():
    names, mu, S = load()
    n = len(mu)
    long_lo, long_hi = np.zeros(n), np.ones(n)
    ls_lo, ls_hi = -np.ones(n), np.ones(n)
    print("export const EFF_REF = {")
    for tag, lo, hi, sigma in (("risk19", long_lo, long_hi, 0.19), ("risk16", long_lo, long_hi, 0.16),
                               ("risk30", long_lo, long_hi, 0.30), ("risk19short", ls_lo, ls_hi, 0.19)):
        w, lam = efficient_risk(mu, S, lo, hi, sigma)
        print(f"  {tag}: {{ weights: {fmt(w)}, ret: {mu @ w:.15g}, vol: {np.sqrt(w @ S @ w):.15g}, lambda: {lam:.15g} }},")
    for tag, lo, hi, r in (("ret25", long_lo, long_hi, 0.25), ("ret25short", ls_lo, ls_hi, 0.25)):
        w = efficient_return(mu, S, lo, hi, r)
        print(f"  {tag}: {{ weights: {fmt(w)}, ret: {mu @ w:.15g}, vol: {np.sqrt(w @ S @ w):.15g} }},")
    print("};")


if __name__ == "__main__":
    main()
