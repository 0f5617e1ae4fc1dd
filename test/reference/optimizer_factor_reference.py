"""Reference factor models for test/unit/optimizer/covariance.test.ts
(run: python3 test/reference/optimizer_factor_reference.py). numpy only.

1. Statistical (PCA) model, k = 3, of the 20-stock PyPortfolioOpt sample covariance (same data and
   definition as optimizer_reference.py): top-3 eigenpairs by numpy.linalg.eigh; d_i = S_ii − Σ_f λ_f v_if².
2. Observed-factor model: skfolio's 20 S&P 500 stocks regressed on the 5 factor ETFs (MTUM, QUAL,
   SIZE, USMV, VLUE), simple daily returns over the last 501 common dates (2021-01-04..2022-12-28
   prices, 500 returns), OLS with intercept (numpy.linalg.lstsq); F = sample covariance of the factors (ddof 1);
   d_i = residual sum of squares / (T − k − 1); everything × 252.
"""
import csv
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures")


def read(name):
    with open(os.path.join(FIX, name), newline="") as f:
        rows = list(csv.reader(f))
    return rows[0][1:], {r[0]: r[1:] for r in rows[1:]}


def fmt(v):
    return "[" + ", ".join(f"{x:.12g}" for x in np.asarray(v).ravel()) + "]"


def main():
    names, rows = read("pypfopt_stock_prices.csv")
    full = [d for d in sorted(rows) if all(x != "" for x in rows[d])]
    P = np.array([[float(x) for x in rows[d]] for d in full])
    R = P[1:] / P[:-1] - 1
    S = np.cov(R, rowvar=False, ddof=1) * 252
    lam, V = np.linalg.eigh(S)
    idx = np.argsort(lam)[::-1][:3]
    lam, V = lam[idx], V[:, idx]
    V = V * np.sign(V[0])  # sign convention: first loading positive
    d = np.diag(S) - (V**2) @ lam
    print("// PCA k = 3 of the 20-stock sample covariance")
    print(f"  eigenvalues: {fmt(lam)},")
    print(f"  vectors (n×k, row-major, first row positive): {fmt(V)},")
    print(f"  specific: {fmt(d)},")
    print(f"  explained: {lam.sum() / np.trace(S):.12g},")

    an, arows = read("skfolio_sp500_dataset.csv")
    fn, frows = read("skfolio_factors_dataset.csv")
    common = sorted(set(arows) & set(frows))[-501:]
    A = np.array([[float(x) for x in arows[d]] for d in common])
    Fp = np.array([[float(x) for x in frows[d]] for d in common])
    Ra = A[1:] / A[:-1] - 1
    Rf = Fp[1:] / Fp[:-1] - 1
    T, k = Rf.shape
    X = np.hstack([np.ones((T, 1)), Rf])
    coef, *_ = np.linalg.lstsq(X, Ra, rcond=None)
    B = coef[1:].T
    resid = Ra - X @ coef
    d = (resid**2).sum(axis=0) / (T - k - 1) * 252
    F = np.cov(Rf, rowvar=False, ddof=1) * 252
    print(f"// observed factors {fn} on {common[0]}..{common[-1]} ({T} returns), assets {an}")
    print(f"  loadings (n×k): {fmt(B)},")
    print(f"  factorCov: {fmt(F)},")
    print(f"  specific: {fmt(d)},")


if __name__ == "__main__":
    main()
