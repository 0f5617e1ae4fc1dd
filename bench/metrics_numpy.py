#!/usr/bin/env python3
"""numpy peer for bench/metrics.bench.ts: the core figures of POST /api/analytics/metrics on the
same 1,000 series x 2,520 daily returns (+ a benchmark), vectorized over the matrix.

The TypeScript bench writes the returns as raw little-endian float64, row-major
(series + 1) x days, row 0 the benchmark. Per series, with the API's conventions (P = 252,
rf = 0.02, levels 0.95 and 0.99): mean, sample std, semi-deviation, downside risk, skewness and
excess kurtosis, cumulative return, CAGR, compounded drawdowns (max, average, ulcer), historical
VaR (numpy quantile, type 7) and CVaR, CDaR, Gaussian and Cornish-Fisher VaR, beta, alpha,
tracking error, information ratio; and the equal-weight portfolio's returns, effective number
and diversification ratio. Run single-threaded (OMP/OPENBLAS/MKL_NUM_THREADS=1), as the
TypeScript bench does.

Prints one JSON line: {"name", "p50_ms", "runs", ...}.
"""
import argparse
import json
import math
import statistics
import time

import numpy as np

P = 252
RF = 0.02
LEVELS = (0.95, 0.99)
Z = {0.95: -1.6448536269514729, 0.99: -2.3263478740408408}


def figures(R, b):
    """R: days x series, b: days."""
    n = R.shape[0]
    mu = R.mean(0)
    e = R - mu
    var = (e * e).sum(0) / (n - 1)
    sd = np.sqrt(var)
    m2 = (e * e).mean(0)
    S = (e**3).mean(0) / m2**1.5
    K = (e**4).mean(0) / m2**2 - 3
    semi = np.sqrt((np.minimum(e, 0) ** 2).sum(0) / (n - 1))
    down = np.sqrt((np.minimum(R, 0) ** 2).mean(0))
    W = np.cumprod(1 + R, axis=0)
    peak = np.maximum(np.maximum.accumulate(W, axis=0), 1.0)
    dd = 1 - W / peak
    cum = W[-1] - 1
    cagr = (1 + cum) ** (P / n) - 1
    out = {
        "sharpe": (P * mu - RF) / (sd * math.sqrt(P)),
        "sortino": P * mu / (down * math.sqrt(P)),
        "mdd": dd.max(0),
        "add": dd.mean(0),
        "ulcer": np.sqrt((dd * dd).mean(0)),
        "cagr": cagr,
        "semi": semi,
    }
    q = np.quantile(R, [1 - c for c in LEVELS], axis=0)
    qd = np.quantile(-dd, [1 - c for c in LEVELS], axis=0)
    for i, c in enumerate(LEVELS):
        out[f"var_{c}"] = -q[i]
        mask = R <= q[i]
        out[f"cvar_{c}"] = -(np.where(mask, R, 0).sum(0) / mask.sum(0))
        maskd = -dd <= qd[i]
        out[f"cdar_{c}"] = np.where(maskd, dd, 0).sum(0) / maskd.sum(0)
        z = Z[c]
        zcf = z + (z**2 - 1) * S / 6 + (z**3 - 3 * z) * K / 24 - (2 * z**3 - 5 * z) * S**2 / 36
        out[f"gvar_{c}"] = -(mu + z * sd)
        out[f"cfvar_{c}"] = -(mu + zcf * sd)
    eb = b - b.mean()
    beta = (e * eb[:, None]).sum(0) / (eb @ eb)
    out["beta"] = beta
    out["alpha"] = P * (mu - RF / P - beta * (b.mean() - RF / P))
    act = R - b[:, None]
    te = act.std(0, ddof=1)
    out["te"] = te * math.sqrt(P)
    out["ir"] = P * act.mean(0) / (te * math.sqrt(P))
    w = np.full(R.shape[1], 1.0 / R.shape[1])
    rp = R @ w
    out["neff"] = 1 / (w @ w)
    out["dr"] = (w @ sd) / rp.std(ddof=1)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--days", type=int, default=2520)
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    M = np.fromfile(a.data, dtype="<f8").reshape(a.series + 1, a.days)
    b = np.ascontiguousarray(M[0])
    R = np.ascontiguousarray(M[1:].T)  # days x series, as a DataFrame of returns would hold it
    figures(R, b)  # warm-up
    times = []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        out = figures(R, b)
        times.append((time.perf_counter() - t0) * 1000)
    print(
        json.dumps(
            {
                "name": "metrics_numpy_1000x2520",
                "p50_ms": statistics.median(times),
                "runs": a.runs,
                "figures": "core (no rolling Sharpe, no uncompounded drawdowns)",
                "numpy": np.__version__,
                "check_sharpe_S1": float(out["sharpe"][0]),
            }
        )
    )


if __name__ == "__main__":
    main()
