#!/usr/bin/env python3
"""Reference values for test/unit/risk/*.test.ts, computed independently with numpy/scipy.

Run from the repository root:  python3 test/reference/risk_reference.py
The printed numbers are pasted into the tests as constants (tests never run python).

Data: test/fixtures/skfolio_sp500_dataset.csv and skfolio_sp500_index.csv (skfolio, BSD-3-Clause).
Window: the last 1,260 price rows -> 1,259 simple daily returns.
"""
import csv
import math

import numpy as np
from scipy import integrate, stats

np.set_printoptions(precision=17)


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    data = np.array([[float(v) for v in r[1:]] for r in rows[1:] if r], dtype=float)
    return header[1:], data


def p(name, value):
    if isinstance(value, np.ndarray):
        print(f"{name} = [{', '.join(repr(float(v)) for v in value.ravel())}]")
    else:
        print(f"{name} = {float(value)!r}")


names, prices = load("test/fixtures/skfolio_sp500_dataset.csv")
_, index = load("test/fixtures/skfolio_sp500_index.csv")
WINDOW = 1260
px = prices[-WINDOW:]
R = px[1:] / px[:-1] - 1.0  # (1259, 20)
bench = index[-WINDOW:, 0]
b = bench[1:] / bench[:-1] - 1.0
cols = [names.index(t) for t in ("AAPL", "JNJ", "XOM")]
R3 = R[:, cols]
w = np.array([1 / 3, 1 / 3, 1 / 3])
rp = R3 @ w
rf = 0.02
# Φ⁻¹(0.05) = −1.644853626951472714…; the engine uses the literal below (scipy.stats.norm.ppf
# gives −1.6448536269514729, 3 ulp away: irrelevant at the 1e-10 tolerance of the tests).
Z05 = -1.6448536269514722


def metrics(r, bench=None, ref=None):
    T = len(r)
    mu = r.mean()
    sd = r.std(ddof=1)
    out = {}
    out["volatility"] = sd * math.sqrt(252)
    out["expected_annual_return"] = 252 * mu
    out["sharpe"] = (252 * mu - rf) / out["volatility"]
    down = np.minimum(r - rf / 252, 0.0)
    dd = math.sqrt(np.sum(down**2) / T)
    out["sortino"] = (252 * mu - rf) / (dd * math.sqrt(252))
    W = np.concatenate([[1.0], np.cumprod(1 + r)])
    out["max_drawdown"] = np.max(1 - W / np.maximum.accumulate(W))
    q = np.quantile(r, 0.05, method="linear")
    out["var_95"] = -q
    out["cvar_95"] = -r[r <= q].mean()
    out["parametric_var_95"] = -(mu + Z05 * sd)
    S = stats.skew(r, bias=True)
    K = stats.kurtosis(r, fisher=True, bias=True)
    z = Z05
    zcf = z + (z**2 - 1) * S / 6 + (z**3 - 3 * z) * K / 24 - (2 * z**3 - 5 * z) * S**2 / 36
    out["cornish_fisher_var_95"] = -(mu + zcf * sd)
    if ref is not None:
        out["tracking_error"] = (r - ref).std(ddof=1) * math.sqrt(252)
    if bench is not None:
        out["beta"] = np.cov(r, bench, ddof=1)[0, 1] / bench.var(ddof=1)
    out["skewness"] = S
    out["excess_kurtosis"] = K
    return out


print("# --- metrics: equal-weight AAPL/JNJ/XOM, last 1,260 rows (1,259 returns), rf = 0.02,")
print("#     benchmark and reference = S&P 500 index returns")
print(f"T = {len(rp)}")
p("Z05", Z05)
for k, v in metrics(rp, bench=b, ref=b).items():
    p(k, v)
p("mean_daily_rp", rp.mean())
p("var_daily_rp", rp.var(ddof=1))
p("first_rp", rp[:3])

print("# --- metrics: last 60 returns of the same portfolio (historical VaR needs 100)")
for k, v in metrics(rp[-60:], bench=b[-60:], ref=b[-60:]).items():
    p("short_" + k, v)

print("# --- stats on small arrays")
x = np.array([0.012, -0.034, 0.005, 0.021, -0.008, 0.017, -0.022, 0.003, 0.029, -0.011])
p("x_mean", x.mean())
p("x_var", x.var(ddof=1))
p("x_skew", stats.skew(x, bias=True))
p("x_kurt", stats.kurtosis(x, fisher=True, bias=True))
for q in (0.0, 0.05, 0.1, 0.25, 0.5, 0.73, 0.95, 1.0):
    p(f"x_quantile_{q}", np.quantile(x, q, method="linear"))
y = np.array([0.010, -0.020, 0.004, 0.018, -0.012, 0.011, -0.015, 0.006, 0.020, -0.004])
p("xy_cov", np.cov(x, y, ddof=1)[0, 1])
p("xy_corr", np.corrcoef(x, y)[0, 1])

print("# --- covariance, 3 assets AAPL/JNJ/XOM, 1,259 returns")
p("sample_cov3", np.cov(R3, rowvar=False, ddof=1))


def ewma_cov(X, halflife):
    T = X.shape[0]
    age = np.arange(T - 1, -1, -1, dtype=float)
    wts = 2.0 ** (-age / halflife)
    wts /= wts.sum()
    m = wts @ X
    Xc = X - m
    return (Xc * wts[:, None]).T @ Xc


p("ewma_cov3_h60", ewma_cov(R3, 60.0))


def ledoit_wolf(X):
    """sklearn.covariance.ledoit_wolf_shrinkage / _ledoit_wolf (block-free), re-implemented."""
    n_samples, n_features = X.shape
    X = X - X.mean(0)
    X2 = X**2
    emp_cov_trace = np.sum(X2, axis=0) / n_samples
    mu = np.sum(emp_cov_trace) / n_features
    beta_ = np.sum(X2.T @ X2)
    delta_ = np.sum((X.T @ X) ** 2) / n_samples**2
    beta = 1.0 / (n_features * n_samples) * (beta_ / n_samples - delta_)
    delta = delta_ - 2.0 * mu * emp_cov_trace.sum() + n_features * mu**2
    delta /= n_features
    beta = min(beta, delta)
    shrinkage = 0 if beta == 0 else beta / delta
    emp_cov = X.T @ X / n_samples
    mu = np.trace(emp_cov) / n_features
    shrunk = (1.0 - shrinkage) * emp_cov
    shrunk.flat[:: n_features + 1] += shrinkage * mu
    return shrunk, shrinkage


lw3, s3 = ledoit_wolf(R3)
p("lw_cov3", lw3)
p("lw_shrinkage3", s3)
lw20, s20 = ledoit_wolf(R)
p("lw_shrinkage20", s20)
p("lw20_00", lw20[0, 0])
p("lw20_0_19", lw20[0, 19])
p("lw20_7_12", lw20[7, 12])
p("lw20_trace", np.trace(lw20))
p("sample20_7_12", np.cov(R, rowvar=False)[7, 12])
p("ewma20_h30_3_15", ewma_cov(R, 30.0)[3, 15])

print("# --- Cholesky repair")
LADDER = [1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2]


def ladder_chol(A):
    try:
        return np.linalg.cholesky(A), 0.0
    except np.linalg.LinAlgError:
        pass
    m = np.mean(np.diag(A))
    for eps in LADDER:
        try:
            return np.linalg.cholesky(A + eps * m * np.eye(len(A))), eps * m
        except np.linalg.LinAlgError:
            continue
    return None, None


A1 = np.array([[1.0, 1.0 + 3e-8, 0.5], [1.0 + 3e-8, 1.0, 0.5], [0.5, 0.5, 1.0]])
L1, j1 = ladder_chol(A1)
p("A1_min_eig", np.linalg.eigvalsh(A1).min())
p("A1_jitter", j1)
p("A1_L", L1)
A2 = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
L2, j2 = ladder_chol(A2)
print(f"A2_ladder_fails = {L2 is None}")
lam, Q = np.linalg.eigh(A2)
p("A2_eigs", lam)
floor = 1e-10 * np.mean(np.diag(A2))
A2c = Q @ np.diag(np.maximum(lam, floor)) @ Q.T
p("A2_clipped", A2c)

print("# --- Monte Carlo analytic references for the equal-weight portfolio (constant mix)")
m = rp.mean()
s = rp.std(ddof=1)
H = 21
f = lambda r, k: np.log1p(r) ** k * stats.norm.pdf(r, m, s)
e1 = integrate.quad(lambda r: f(r, 1), m - 40 * s, m + 40 * s, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
e2 = integrate.quad(lambda r: f(r, 2), m - 40 * s, m + 40 * s, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
p("mc_m", m)
p("mc_s", s)
p("mc_log_mean_21", H * e1)
p("mc_log_sd_21", math.sqrt(H * (e2 - e1**2)))
p("mc_mean_W_21", (1 + m) ** H)
p("mc_sd_W_21", math.sqrt(((1 + m) ** 2 + s**2) ** H - (1 + m) ** (2 * H)))

print("# --- Kolmogorov-Smirnov 1% critical value for n = 1e6 (two-sided)")
p("ks_crit_1pct_1e6", stats.kstwo.ppf(0.99, 1_000_000))

print("# --- doc-comment examples")
alt = np.array([0.01, -0.01] * 10)
for k, v in metrics(alt).items():
    p("alt_" + k, v)
t1, t2, t3 = (Z05**2 - 1) * -0.5 / 6, (Z05**3 - 3 * Z05) * 3 / 24, -(2 * Z05**3 - 5 * Z05) * 0.25 / 36
p("cf_example_terms", np.array([t1, t2, t3]))
p("cf_example", Z05 + t1 + t2 + t3)
