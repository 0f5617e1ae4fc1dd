"""Reference values for the optimizer's estimators (test/unit/estimators/*.test.ts).

Independent numpy computations (no pandas: PyPortfolioOpt's pandas conventions are written out
by hand below) on test/fixtures/pypfopt_stock_prices.csv, plus the eigenvalue-clipping repair.

Conventions reproduced (PyPortfolioOpt, pandas):
- returns: pct_change(fill_method=None): r_t = p_t / p_{t-1} - 1 where both prices exist, else
  NaN; the first row (all NaN) is dropped (dropna(how="all")). Every ticker of the fixture only
  has blanks before its first price, so each ticker's returns are its own contiguous series.
- mean_historical_return: geometric prod(1 + r)^(252 / count) - 1 per column (NaN skipped);
  arithmetic 252 * mean.
- ema_historical_return: pandas ewm(span, adjust=True).mean() on the last row: weights
  (1 - a)^(age in rows), a = 2 / (span + 1); with only leading NaN the ages are those within the
  ticker's own series. Geometric (1 + m)^252 - 1, arithmetic 252 m.
- capm_return without market prices: market = row mean over the tickers with a return that day;
  beta_i = cov(r_i, mkt) over the rows where r_i exists (pairwise, ddof 1) / var(mkt) over all
  rows; E[r_m] geometric over the market's rows; mu = rf + beta (E[r_m] - rf). The published
  test values (tests/test_expected_returns.py, test_capm_no_benchmark) are those of rf = 0.02,
  the default of the PyPortfolioOpt version that wrote them (today's default is 0).
- DataFrame.cov(): pairwise complete observations, each pair about its own means, ddof 1.
- fix_nonpositive_semidefinite(fix_method="spectral"): eigh, clip eigenvalues at 0, V diag V^T.

Run: python3 test/reference/estimators_reference.py
"""

import csv
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "fixtures", "pypfopt_stock_prices.csv")
RISKFOLIO = os.path.join(HERE, "..", "fixtures", "riskfolio_stock_prices.csv")


def load(path=FIXTURE):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0][1:]
    data = np.array([[float(v) if v != "" else np.nan for v in r[1:]] for r in rows[1:]])
    return header, data


def pct_change(p):
    r = p[1:] / p[:-1] - 1.0
    return r  # NaN wherever either price is missing


def own_series(col):
    """The non-NaN returns of a column (only leading NaN in this fixture: checked)."""
    ok = ~np.isnan(col)
    first = np.argmax(ok)
    assert ok[first:].all(), "a gap inside a series"
    return col[first:]


def geometric(r):
    return np.prod(1.0 + r) ** (252.0 / len(r)) - 1.0


def ewm_last(r, span):
    a = 2.0 / (span + 1.0)
    w = (1.0 - a) ** np.arange(len(r) - 1, -1, -1, dtype=float)
    return float(np.sum(w * r) / np.sum(w))


def pairwise_cov(R):
    """pandas DataFrame.cov() semantics on a 2-D array with NaN."""
    n = R.shape[1]
    C = np.empty((n, n))
    N = np.empty((n, n), dtype=int)
    for i in range(n):
        for j in range(n):
            m = ~np.isnan(R[:, i]) & ~np.isnan(R[:, j])
            x = R[m, i]
            y = R[m, j]
            C[i, j] = np.sum((x - x.mean()) * (y - y.mean())) / (len(x) - 1)
            N[i, j] = len(x)
    return C, N


def clip_psd(S):
    q, V = np.linalg.eigh(S)
    q2 = np.where(q > 0, q, 0.0)
    return V @ np.diag(q2) @ V.T, q.min()


def fmt(a):
    return "[" + ", ".join(repr(float(v)) for v in np.ravel(a)) + "]"


def main():
    names, P = load()
    R = pct_change(P)  # rows 1..T-1 of prices; row 0 of P dropped as pandas does
    series = [own_series(R[:, j]) for j in range(R.shape[1])]
    print("tickers", names)
    print("counts", [len(s) for s in series])

    print("\n# mean_historical_return (compounding=True), all 20")
    print(fmt([geometric(s) for s in series]))
    print("# mean_historical_return (compounding=False), all 20")
    print(fmt([252.0 * s.mean() for s in series]))

    print("\n# ema_historical_return span=500, arithmetic then geometric")
    m = [ewm_last(s, 500) for s in series]
    print(fmt([252.0 * v for v in m]))
    print(fmt([(1.0 + v) ** 252 - 1.0 for v in m]))
    print("# ewm half-life 63 (a = 1 - 2^(-1/63)), arithmetic")
    a = 1.0 - 2.0 ** (-1.0 / 63.0)
    span = 2.0 / a - 1.0
    print(fmt([252.0 * ewm_last(s, span) for s in series]))

    print("\n# capm_return, equal-weighted market, rf = 0, geometric")
    with np.errstate(invalid="ignore"):
        mkt = np.nanmean(R, axis=1)
    betas = []
    for j in range(R.shape[1]):
        ok = ~np.isnan(R[:, j])
        x = R[ok, j]
        y = mkt[ok]
        betas.append(np.sum((x - x.mean()) * (y - y.mean())) / (len(x) - 1))
    var_m = np.var(mkt, ddof=1)
    betas = np.array(betas) / var_m
    em = geometric(mkt)
    print("betas", fmt(betas))
    print("E[r_m] geometric", repr(float(em)), "arithmetic", repr(float(252 * mkt.mean())))
    print("mu", fmt(0.0 + betas * (em - 0.0)))
    print("# capm, same market, rf = 0.02, geometric (PyPortfolioOpt's published test values)")
    print("mu", fmt(0.02 + betas * (em - 0.02)))
    print("# capm, same market, rf = 0.02, arithmetic")
    ea = 252 * mkt.mean()
    print("mu", fmt(0.02 + betas * (ea - 0.02)))

    print("\n# pairwise sample covariance (pandas DataFrame.cov), daily, 6 tickers")
    pick = ["GOOG", "AAPL", "FB", "BABA", "AMZN", "SBUX"]
    idx = [names.index(t) for t in pick]
    C, N = pairwise_cov(R[:, idx])
    print("tickers", pick)
    print("cov", fmt(C))
    print("counts", fmt(N))
    Cr, lmin = clip_psd(C)
    print("min eigenvalue", repr(float(lmin)))

    print("\n# late listing: AAPL, GE, AMD, WMT, XOM with AAPL's first 2000 prices blanked")
    pick2 = ["AAPL", "GE", "AMD", "WMT", "XOM"]
    idx2 = [names.index(t) for t in pick2]
    P2 = P[:, idx2].copy()
    P2[:2000, 0] = np.nan
    R2 = pct_change(P2)
    C2, N2 = pairwise_cov(R2)
    print("counts", fmt(N2))
    print("cov", fmt(C2))
    q2 = np.linalg.eigvalsh(C2)
    print("eigenvalues", fmt(q2))
    # The same assets with the common window only (what the engine did before).
    common = ~np.isnan(R2).any(axis=1)
    print("common rows", int(common.sum()))

    print("\n# eigenvalue clipping of PyPortfolioOpt's non-PSD test matrix")
    S = np.array([[0.03818144, 0.04182824], [0.04182824, 0.04149209]])
    S2, lm = clip_psd(S)
    print("min eigenvalue", repr(float(lm)))
    print("repaired", fmt(S2))

    print("\n# eigenvalue clipping of a 4x4 symmetric non-PSD 'correlation-like' matrix")
    A = np.array(
        [
            [0.04, 0.035, -0.03, 0.01],
            [0.035, 0.04, 0.03, 0.0],
            [-0.03, 0.03, 0.09, 0.02],
            [0.01, 0.0, 0.02, 0.0225],
        ]
    )
    A2, lm = clip_psd(A)
    print("eigenvalues", fmt(np.linalg.eigvalsh(A)))
    print("min eigenvalue", repr(float(lm)))
    print("repaired", fmt(A2))

    print("\n# capm against SPY (riskfolio fixture), AMZN's first 400 prices blanked, rf = 0.02")
    rnames, RP = load(RISKFOLIO)
    RP = RP.copy()
    RP[:400, rnames.index("AMZN")] = np.nan
    RR = pct_change(RP)
    spy = RR[:, rnames.index("SPY")]
    picks = ["AMZN", "JPM", "MO", "TGT"]
    var_m = np.var(spy, ddof=1)
    out_b = []
    for t in picks:
        col = RR[:, rnames.index(t)]
        ok = ~np.isnan(col)
        x, y = col[ok], spy[ok]
        out_b.append(np.sum((x - x.mean()) * (y - y.mean())) / (len(x) - 1) / var_m)
    out_b = np.array(out_b)
    print("assets", picks, "counts", [int((~np.isnan(RR[:, rnames.index(t)])).sum()) for t in picks])
    print("betas", fmt(out_b))
    print("mu geometric", fmt(0.02 + out_b * (geometric(spy) - 0.02)))
    print("mu arithmetic", fmt(0.02 + out_b * (252 * spy.mean() - 0.02)))

    print("\n# full-history portfolio: riskfolio AMZN (all), JPM (last 600), MO (last 300),")
    print("# weights 0.4, 0.3, 0.2 (cash 0.1)")
    R3 = np.column_stack([RR[:, rnames.index(t)] for t in ["AMZN", "JPM", "MO"]])
    R3[:, 0] = pct_change(load(RISKFOLIO)[1][:, rnames.index("AMZN")])  # AMZN unblanked
    T = R3.shape[0]
    R3[: T - 600, 1] = np.nan
    R3[: T - 300, 2] = np.nan
    C3, N3 = pairwise_cov(R3)
    q3 = np.linalg.eigvalsh(C3)
    print("T", T, "counts", fmt(N3), "min eigenvalue", repr(float(q3.min())))
    mu3 = np.array([np.nanmean(R3[:, j]) for j in range(3)])
    w = np.array([0.4, 0.3, 0.2])
    var = w @ C3 @ w
    print("volatility", repr(float(np.sqrt(252 * var))))
    print("expected_annual_return", repr(float(252 * w @ mu3)))
    print("sharpe", repr(float((252 * w @ mu3 - 0.02) / np.sqrt(252 * var))))
    print("parametric_var_95", repr(float(-(w @ mu3 + (-1.6448536269514722) * np.sqrt(var)))))
    rp = R3[T - 300 :, :] @ w
    q = np.quantile(rp, 0.05)  # type 7 (numpy's default 'linear')
    print("historical var_95 over 300", repr(float(-q)), "cvar", repr(float(-rp[rp <= q].mean())))
    rc = w * (C3 @ w) / var
    print("risk contributions", fmt(rc))
    wealth = np.cumprod(1 + rp)
    peak = np.maximum.accumulate(np.concatenate([[1.0], wealth]))[1:]
    print("max_drawdown over 300", repr(float(np.max(1 - wealth / peak))))
    # Tracking error against target weights t = (0.3, 0.3, 0.3): d = w - t over AMZN, MO.
    t = np.array([0.3, 0.3, 0.3])
    d = w - t
    print("tracking_error", repr(float(np.sqrt(252 * d @ C3 @ d))))
    # The old way: every figure on the 300 days common to all.
    com = R3[T - 300 :, :]
    print("common-window volatility", repr(float(np.sqrt(252) * np.std(com @ w, ddof=1))))

    print("\n# pairwise toy: [0.01, 0.03, -0.02, 0.02] and [0.01, -0.01] (listed two days later)")
    toy = np.array([[0.01, np.nan], [0.03, np.nan], [-0.02, 0.01], [0.02, -0.01]])
    Ct, _ = pairwise_cov(toy)
    Ctr, lt = clip_psd(Ct)
    print("cov", fmt(Ct), "min eigenvalue", repr(float(lt)))
    print("repaired", fmt(Ctr))

    print("\n# eigenvalues of a 6x6 matrix (eigen solver check)")
    B = np.array([[1.0 / (i + j + 1) for j in range(6)] for i in range(6)])  # Hilbert
    print("hilbert6", fmt(np.linalg.eigvalsh(B)))


if __name__ == "__main__":
    main()
