"""Independent reference solutions for test/unit/optimizer (run: python3 test/reference/optimizer_reference.py).

Solver: cvxpy + Clarabel (interior point, tolerances 1e-12), a different algorithm and code base
from the HiGHS active-set QP the app uses. Mixed-integer cases are solved by brute force
(enumeration of lot counts / trade-sign patterns, each convex piece by cvxpy + Clarabel).
Requires: pip install numpy cvxpy clarabel.

Data: test/fixtures/pypfopt_stock_prices.csv (PyPortfolioOpt, MIT). Rows where all 20 tickers
have a price (2014-09-19 .. 2018-04-11, the first row where BABA trades onwards); simple daily
returns between consecutive rows; mu = mean * 252, Sigma = sample covariance (ddof 1) * 252.
The printed constants are pasted into test/unit/optimizer/*.test.ts.
"""
import csv
import itertools
import json
import os

import cvxpy as cp
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(HERE, "..", "fixtures", "pypfopt_stock_prices.csv")
OPTS = dict(
    solver=cp.CLARABEL,
    tol_gap_abs=1e-12,
    tol_gap_rel=1e-12,
    tol_feas=1e-12,
    tol_ktratio=1e-10,
    max_iter=500,
)


def load20():
    with open(CSV, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0][1:]
    full = [r for r in rows[1:] if all(x != "" for x in r[1:])]
    P = np.array([[float(x) for x in r[1:]] for r in full])
    R = P[1:] / P[:-1] - 1
    return header, full[0][0], full[-1][0], R


def solve(prob):
    prob.solve(**OPTS)
    assert prob.status == "optimal", prob.status
    return prob


def fmt(v):
    return "[" + ", ".join(f"{x:.12g}" for x in np.asarray(v).ravel()) + "]"


def emit(name, **kw):
    print(f"// {name}")
    for k, v in kw.items():
        if isinstance(v, (list, np.ndarray)):
            print(f"  {k}: {fmt(v)},")
        else:
            print(f"  {k}: {v:.15g},")


def min_variance(S, lo=0.0, hi=1.0):
    n = S.shape[0]
    w = cp.Variable(n)
    p = solve(cp.Problem(cp.Minimize(cp.quad_form(w, cp.psd_wrap(S))), [cp.sum(w) == 1, w >= lo, w <= hi]))
    return w.value, p.value


def max_sharpe(S, mu, rf, hi=None, classes=None, cash_floor=0.0, w0=None, cost=0.0, tau=None):
    """Homogenized (y = kappa w); objective reported as the net Sharpe ratio."""
    n = S.shape[0]
    e = mu - rf
    y = cp.Variable(n)
    k = cp.Variable()
    cons = [y >= 0, k >= 0]
    net = e @ y
    budget = cp.sum(y)
    if w0 is not None:
        b = cp.Variable(n)
        s = cp.Variable(n)
        cons += [b >= 0, s >= 0, y - b + s == w0 * k]
        net = net - cost * cp.sum(b + s)
        budget = budget + cost * cp.sum(b + s)
        if tau is not None:
            cons += [cp.sum(b + s) <= 2 * tau * k]
    cons += [net == 1, budget == (1 - cash_floor) * k]
    if hi is not None:
        cons += [y <= hi * k]
    for members, cmax in classes or []:
        cons += [cp.sum(y[members]) <= cmax * k]
    solve(cp.Problem(cp.Minimize(cp.quad_form(y, cp.psd_wrap(S))), cons))
    w = y.value / k.value
    sharpe = (e @ w - cost * np.abs(w - (w0 if w0 is not None else w)).sum()) / np.sqrt(w @ S @ w)
    return w, sharpe


def mean_variance(S, mu, rf, lam, hi=1.0, cash_floor=None):
    n = S.shape[0]
    w = cp.Variable(n)
    cons = [w >= 0, w <= hi]
    cons += [cp.sum(w) == 1] if cash_floor is None else [cp.sum(w) <= 1 - cash_floor]
    p = solve(cp.Problem(cp.Minimize(lam / 2 * cp.quad_form(w, cp.psd_wrap(S)) - (mu - rf) @ w), cons))
    return w.value, p.value


def track(S, w0, wt, cost, tau, hi=1.0):
    n = S.shape[0]
    w, b, s = cp.Variable(n), cp.Variable(n), cp.Variable(n)
    cons = [w == w0 + b - s, b >= 0, s >= 0, w >= 0, w <= hi, cp.sum(w) + cost @ (b + s) == 1]
    if tau is not None:
        cons += [cp.sum(b + s) <= 2 * tau]
    p = solve(cp.Problem(cp.Minimize(cp.quad_form(w - wt, cp.psd_wrap(S)) + cost @ (b + s)), cons))
    return w.value, p.value


def risk_parity(S, budgets):
    n = S.shape[0]
    y = cp.Variable(n)
    solve(cp.Problem(cp.Minimize(0.5 * cp.quad_form(y, cp.psd_wrap(S)) - budgets @ cp.log(y))))
    w = y.value / y.value.sum()
    return w


def main():
    names, first, last, R = load20()
    mu = R.mean(axis=0) * 252
    S = np.cov(R, rowvar=False, ddof=1) * 252
    print(f"// data: {len(R) + 1} rows {first}..{last}, {len(R)} returns; tickers {names}")
    print(f"// check: mu[0] = {mu[0]:.15g}, S[0][0] = {S[0, 0]:.15g}, S[0][1] = {S[0, 1]:.15g}")
    rf = 0.02

    w, v = min_variance(S)
    emit("A1 min_variance long-only", weights=w, objective=v)
    w, sr = max_sharpe(S, mu, rf)
    emit("A2 max_sharpe long-only rf 0.02", weights=w, objective=sr)
    w, v = mean_variance(S, mu, rf, 5.0, hi=0.2)
    emit("A3 mean_variance lambda 5, max 0.2", weights=w, objective=v)
    n = len(names)
    w0 = np.full(n, 1 / n)
    wt = np.array([0.08] * 10 + [0.02] * 10)
    cost = np.full(n, 0.001)
    w, v = track(S, w0, wt, cost, 0.1)
    emit("A4 track_target tau 0.1 cost 10bp", weights=w, objective=v)
    tech = [names.index(t) for t in ["GOOG", "AAPL", "FB", "BABA", "AMZN", "AMD", "MA"]]
    w, sr = max_sharpe(S, mu, rf, hi=0.1, classes=[(tech, 0.3)], cash_floor=0.1, w0=w0, cost=0.002, tau=0.3)
    emit("A5 max_sharpe max 0.1, Tech <= 0.3, cash floor 0.1, 20bp, tau 0.3", weights=w, objective=sr)
    w = risk_parity(S, np.full(n, 1 / n))
    emit("A6 risk_parity equal", weights=w)
    b = np.arange(1, n + 1, dtype=float)
    b /= b.sum()
    w = risk_parity(S, b)
    emit("A7 risk_parity budgets (i+1)/210", weights=w)
    w, v = mean_variance(S, mu, rf, 2.0, hi=0.3, cash_floor=0.2)
    emit("A8 mean_variance lambda 2, max 0.3, cash floor 0.2", weights=w, objective=v)

    # Textbook 3-asset problem.
    vol = np.array([0.1, 0.2, 0.15])
    C = np.array([[1, 0.3, 0.2], [0.3, 1, 0.5], [0.2, 0.5, 1]])
    S3 = np.outer(vol, vol) * C
    mu3 = np.array([0.06, 0.12, 0.09])
    w, v = min_variance(S3)
    emit("T1 min_variance", weights=w, objective=v)
    w, sr = max_sharpe(S3, mu3, rf)
    emit("T1 max_sharpe", weights=w, objective=sr)
    w, v = mean_variance(S3, mu3, rf, 4.0)
    emit("T1 mean_variance lambda 4", weights=w, objective=v)
    w = risk_parity(S3, np.full(3, 1 / 3))
    emit("T1 risk_parity", weights=w)
    # Closed form, shorts allowed (bounds [-1, 1] do not bind): w = S^-1 1 / 1' S^-1 1.
    x = np.linalg.solve(S3, np.ones(3))
    emit("T1 min_variance closed form (shorts)", weights=x / x.sum(), objective=1 / x.sum())

    # Whole lots + minimum trade, by enumeration (independent of any branch-and-bound).
    V = 100_000.0
    price = np.array([1000.0, 700.0, 300.0])
    w0_3 = np.array([0.5, 0.3, 0.2])
    wt3 = np.array([0.37, 0.33, 0.3])
    c3 = np.full(3, 0.001)
    min_trade = 2000.0
    q = price / V
    best = (np.inf, None)
    R_allow = q.max()
    for k in itertools.product(range(-30, 31), range(-20, 21), range(-20, 60)):
        k = np.array(k, dtype=float)
        if np.any((np.abs(k * price) < min_trade) & (k != 0)):
            continue
        w = w0_3 + k * q
        if np.any(w < 0) or np.any(w > 1):
            continue
        tot = w.sum() + c3 @ np.abs(w - w0_3)
        if tot > 1 + 1e-12 or tot < 1 - R_allow - 1e-12:
            continue
        d = w - wt3
        obj = d @ S3 @ d + c3 @ np.abs(w - w0_3)
        if obj < best[0]:
            best = (obj, k.copy())
    emit("M1 track_target whole lots + min trade 2000 (enumeration)", lots=best[1], objective=best[0])

    # Minimum trade only (continuous sizes): enumerate sign patterns {0, +, -} per asset.
    w0_5 = np.array([0.3, 0.25, 0.2, 0.15, 0.1])
    vol5 = np.array([0.15, 0.2, 0.25, 0.18, 0.3])
    C5 = 0.3 + 0.7 * np.eye(5)
    S5 = np.outer(vol5, vol5) * C5
    wt5 = np.array([0.22, 0.27, 0.17, 0.2, 0.14])
    m = 0.03
    best = (np.inf, None)
    for pattern in itertools.product((0, 1, -1), repeat=5):
        w = cp.Variable(5)
        cons = [w >= 0, w <= 1, cp.sum(w) == 1]
        for i, sgn in enumerate(pattern):
            if sgn == 0:
                cons.append(w[i] == w0_5[i])
            elif sgn == 1:
                cons.append(w[i] >= w0_5[i] + m)
            else:
                cons.append(w[i] <= w0_5[i] - m)
        prob = cp.Problem(cp.Minimize(cp.quad_form(w - wt5, cp.psd_wrap(S5))), cons)
        prob.solve(**OPTS)
        if prob.status == "optimal" and prob.value < best[0]:
            best = (prob.value, w.value.copy())
    emit("M2 track_target min trade 0.03 (sign-pattern enumeration)", weights=best[1], objective=best[0])
    print(json.dumps({"S5": S5.tolist()}))


if __name__ == "__main__":
    main()
