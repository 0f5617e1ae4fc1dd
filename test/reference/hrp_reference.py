"""Reference HRP weights for test/unit/optimizer/hrp.test.ts (run: python3 test/reference/hrp_reference.py).

Independent of src/optimize/hrp.ts: the tree comes from scipy.cluster.hierarchy.linkage (scipy 1.17)
on the condensed correlation distance d = sqrt(clip((1 - rho) / 2, 0, 1)) (scipy.spatial.distance.
squareform(d, checks=False), as PyPortfolioOpt's HRPOpt.optimize and Riskfolio-Lib do, for ward
too); the quasi-diagonal order is scipy's to_tree(Z).pre_order(); the recursive bisection of that
list (halves [0, m//2), [m//2, m); alpha = 1 - V1 / (V1 + V2) with V the variance of each half's
inverse-variance portfolio) is written here in numpy, after Lopez de Prado (2016).

Data sets (test/fixtures, credits in its README):
- pypfopt: pypfopt_stock_prices.csv with PyPortfolioOpt's conventions for its tests/test_hrp.py:
  returns = prices.pct_change().dropna(how="all") (leading blanks of late listings stay NaN),
  rho and Sigma are pandas' pairwise DataFrame.corr() / .cov() (each pair over the dates both
  have, means over those dates, ddof 1), written out here in numpy (no pandas installed).
  Checked against PyPortfolioOpt's published tests/resources/weights_hrp.csv (single linkage),
  its test_quasi_dag (first five of the order: [12, 6, 15, 14, 2]), test_cluster_var and
  test_portfolio_performance (0.21353402380950973, 0.17844159743748936 with mu = mean * 252,
  Sigma * 252).
- sp500: skfolio_sp500_dataset.csv, 20 stocks with no blanks, simple returns, Sigma = sample
  covariance ddof 1, rho = Sigma_ij / sqrt(Sigma_ii Sigma_jj).
- riskfolio: riskfolio_stock_prices.csv (11 tickers incl. SPY), same as sp500.
Prints TypeScript constants (weights in the file's column order, the order, the heights of Z).
"""
import csv
import os

import numpy as np
import scipy.cluster.hierarchy as sch
import scipy.spatial.distance as ssd

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures")
LINKAGES = ["single", "complete", "average", "ward"]

# PyPortfolioOpt tests/resources/weights_hrp.csv (single linkage), as published.
PYPFOPT_WEIGHTS = {
    "AAPL": 0.022258941278778387, "AMD": 0.022294021796692116, "AMZN": 0.016086842079874982,
    "BABA": 0.07963382071794088, "BAC": 0.014409222455552267, "BBY": 0.03406419438245041,
    "FB": 0.06272994714663536, "GE": 0.05519063444162851, "GM": 0.055576660241857236,
    "GOOG": 0.04956008428992926, "JPM": 0.017675709092515715, "MA": 0.038127373497320226,
    "PFE": 0.07786528342813452, "RRC": 0.03161528695094598, "SBUX": 0.039844436656239136,
    "SHLD": 0.027113184241298872, "T": 0.11138956508836473, "UAA": 0.027115909570750083,
    "WMT": 0.10569551148587902, "XOM": 0.11175337115721229,
}


def read_prices(name):
    with open(os.path.join(FIX, name), newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    names = [c.strip() for c in rows[0][1:]]
    P = np.array([[float(x) if x.strip() != "" else np.nan for x in r[1:]] for r in rows[1:]])
    return names, P


def pairwise(R):
    """pandas DataFrame.cov() / .corr() with NaNs: each pair over its common rows, ddof 1."""
    n = R.shape[1]
    C = np.zeros((n, n))
    Rho = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            m = ~np.isnan(R[:, i]) & ~np.isnan(R[:, j])
            a, b = R[m, i], R[m, j]
            C[i, j] = np.sum((a - a.mean()) * (b - b.mean())) / (m.sum() - 1)
            Rho[i, j] = C[i, j] / np.sqrt(np.var(a, ddof=1) * np.var(b, ddof=1))
    return C, Rho


def cluster_var(C, items):
    c = C[np.ix_(items, items)]
    w = 1 / np.diag(c)
    w /= w.sum()
    return w @ c @ w


def hrp(C, Rho, method):
    n = len(C)
    d = np.sqrt(np.clip((1 - Rho) / 2, 0, 1))
    Z = sch.linkage(ssd.squareform(d, checks=False), method)
    order = sch.to_tree(Z, rd=False).pre_order()
    w = np.ones(n)
    items = [order]
    while items:
        items = [i[a:b] for i in items for a, b in ((0, len(i) // 2), (len(i) // 2, len(i))) if len(i) > 1]
        for k in range(0, len(items), 2):
            v1, v2 = cluster_var(C, items[k]), cluster_var(C, items[k + 1])
            alpha = 1 - v1 / (v1 + v2)
            w[items[k]] *= alpha
            w[items[k + 1]] *= 1 - alpha
    return w, order, Z


def fmt(v):
    return "[" + ", ".join(f"{x:.17g}" for x in np.asarray(v).ravel()) + "]"


def emit(tag, C, Rho):
    print(f"  {tag}: {{")
    for m in LINKAGES:
        w, order, Z = hrp(C, Rho, m)
        print(f"    {m}: {{")
        print(f"      weights: {fmt(w)},")
        print(f"      order: {fmt(order)},")
        print(f"      heights: {fmt(Z[:, 2])},")
        print(f"      pairs: {fmt(Z[:, :2].astype(int))},")
        print("    },")
    print("  },")


def main():
    names, P = read_prices("pypfopt_stock_prices.csv")
    R = P[1:] / P[:-1] - 1  # row 0 (all NaN after pct_change) dropped
    C, Rho = pairwise(R)
    w, order, _ = hrp(C, Rho, "single")
    diff = max(abs(w[names.index(k)] - v) for k, v in PYPFOPT_WEIGHTS.items())
    mu = np.nanmean(R, axis=0) * 252
    print(f"// pypfopt single vs weights_hrp.csv: max |diff| = {diff:.3g}; order[:5] = {order[:5]}")
    tick = ["SHLD", "AMD", "BBY", "RRC", "FB", "WMT", "T", "BABA", "PFE", "UAA"]
    print(f"// cluster var of test_cluster_var's tickers: {float(cluster_var(C, [names.index(t) for t in tick]))!r}")
    print(f"// performance: return {float(w @ mu)!r}, volatility {float(np.sqrt(w @ C @ w * 252))!r}")
    print("export const HRP_REF = {")
    emit("pypfopt", C, Rho)
    for tag, file in (("sp500", "skfolio_sp500_dataset.csv"), ("riskfolio", "riskfolio_stock_prices.csv")):
        _, P = read_prices(file)
        R = P[1:] / P[:-1] - 1
        C = np.cov(R, rowvar=False, ddof=1)
        s = np.sqrt(np.diag(C))
        emit(tag, C, C / np.outer(s, s))
    print("};")


if __name__ == "__main__":
    main()
