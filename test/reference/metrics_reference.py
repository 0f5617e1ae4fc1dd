"""Independent numpy/scipy reference for POST /api/analytics/metrics (issue #11, item 1).

Computes every figure of the metrics endpoint from its written definition (docs/methods.md,
"Metrics of return series") on the skfolio S&P 500 fixture, with numpy and scipy only, and
prints the numbers that test/unit/metrics/reference.test.ts pastes as constants (tests never
run python).

    python3 test/reference/metrics_reference.py

Data: test/fixtures/skfolio_sp500_dataset.csv (AAPL, AMD, JPM, KO, XOM) and
test/fixtures/skfolio_sp500_index.csv (SP500 as the benchmark), the last 2,521 prices
(2,520 daily returns) ending 2022-12-28. Conventions (each stated in the docs):
- P = 252, rf = 0.02 annual (rf/P per day), MAR = 0.05 annual (MAR/P per day);
- std ddof = 1; skewness, excess kurtosis: scipy bias=True;
- quantile: numpy's default (type 7, "linear"); CVaR: mean of returns <= that quantile;
- Rockafellar-Uryasev: k = alpha*n (snapped to an integer within 1e-12 relative), VaR = x_(floor k),
  CVaR = VaR + sum(max(loss - VaR, 0))/k;
- drawdowns: one per return, starting capital counts as a peak; compounded and uncompounded;
- CAGR with price dates: ACT/365.25 between the first and the last price;
- portfolio: r_p = sum w_i r_i, DR = sum w_i sigma_i / sigma_p, N_eff = 1/sum w^2.
"""

import csv
import json
import math
from datetime import date
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "test" / "fixtures"
P = 252
RF = 0.02
MAR = 0.05
LEVELS = [0.95, 0.99]
ROWS = 2521
WINDOW = 63


def load(name):
    with open(FIX / name, newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    body = [r for r in rows[1:] if r]
    return head, body


def prices_of(head, body, col):
    j = head.index(col)
    return [r[0] for r in body], np.array([float(r[j]) for r in body])


def drawdowns(r, compounded):
    if compounded:
        w = np.cumprod(1 + r)
        peak = np.maximum(np.maximum.accumulate(w), 1.0)
        return 1 - w / peak
    c = np.cumsum(r)
    peak = np.maximum(np.maximum.accumulate(c), 0.0)
    return peak - c


def tail_count(alpha, n):
    k = alpha * n
    kr = round(k)
    return kr if kr > 0 and abs(k - kr) <= 1e-12 * max(1, k) else k


def tails(x, level, method):
    """VaR, CVaR of the values x (lower tail = losses), positive = loss."""
    a = 1 - level
    if method == "quantile":
        q = np.quantile(x, a)  # type 7
        return -q, -np.mean(x[x <= q])
    n = len(x)
    k = tail_count(a, n)
    j = min(math.floor(k), n - 1)
    s = np.sort(x)
    var = -s[j]
    cvar = var + np.sum(np.maximum(-x - var, 0)) / k
    return var, cvar


def cornish_fisher(z, S, K):
    return z + (z**2 - 1) * S / 6 + (z**3 - 3 * z) * K / 24 - (2 * z**3 - 5 * z) * S**2 / 36


def years_between(d0, d1):
    return (date.fromisoformat(d1) - date.fromisoformat(d0)).days / 365.25


def series_figures(r, price_dates, bench, method):
    n = len(r)
    mu = r.mean()
    sd = r.std(ddof=1)
    years = years_between(price_dates[0], price_dates[-1]) if price_dates else n / P
    cum = np.prod(1 + r) - 1
    cagr = (1 + cum) ** (1 / years) - 1
    dd = drawdowns(r, True)
    ddu = drawdowns(r, False)
    down = np.sqrt(np.mean(np.minimum(r - MAR / P, 0) ** 2))
    semi = np.sqrt(np.sum(np.minimum(r - mu, 0) ** 2) / (n - 1))
    S = stats.skew(r, bias=True)
    K = stats.kurtosis(r, fisher=True, bias=True)
    out = {
        "observations": n,
        "years": years,
        "cumulative_return": cum,
        "cagr": cagr,
        "annual_return": P * mu,
        "annual_volatility": sd * math.sqrt(P),
        "annual_variance": sd**2 * P,
        "semi_deviation": semi * math.sqrt(P),
        "downside_risk": down * math.sqrt(P),
        "sharpe": (P * mu - RF) / (sd * math.sqrt(P)),
        "sortino": (P * mu - MAR) / (down * math.sqrt(P)),
        "calmar": cagr / dd.max(),
        "max_drawdown": dd.max(),
        "average_drawdown": dd.mean(),
        "ulcer_index": np.sqrt(np.mean(dd**2)),
        "skewness": S,
        "excess_kurtosis": K,
        "uncompounded": {
            "cumulative_return": r.sum(),
            "max_drawdown": ddu.max(),
            "average_drawdown": ddu.mean(),
            "ulcer_index": np.sqrt(np.mean(ddu**2)),
            "cdar": [tails(-ddu, c, method)[1] for c in LEVELS],
        },
        "tail": [],
    }
    for c in LEVELS:
        z = stats.norm.ppf(1 - c)
        hv, hc = tails(r, c, method)
        out["tail"].append(
            {
                "confidence": c,
                "historical_var": hv,
                "gaussian_var": -(mu + z * sd),
                "cornish_fisher_var": -(mu + cornish_fisher(z, S, K) * sd),
                "historical_cvar": hc,
                "cdar": tails(-dd, c, method)[1],
            }
        )
    if bench is not None:
        beta = np.cov(r, bench, ddof=1)[0, 1] / np.var(bench, ddof=1)
        rfp = RF / P
        alpha = P * np.mean((r - rfp) - beta * (bench - rfp))
        act = r - bench
        te = act.std(ddof=1)
        out["relative"] = {
            "beta": beta,
            "alpha": alpha,
            "tracking_error": te * math.sqrt(P),
            "information_ratio": P * act.mean() / (te * math.sqrt(P)),
            "excess_sharpe": act.mean() / te,
        }
    roll = []
    for t in range(WINDOW - 1, n):
        x = r[t - WINDOW + 1 : t + 1]
        roll.append((x.mean() - RF / P) / x.std(ddof=1) * math.sqrt(P))
    out["rolling_sharpe"] = {"first": roll[0], "last": roll[-1], "count": len(roll), "mean": float(np.mean(roll))}
    return out


def main():
    head, body = load("skfolio_sp500_dataset.csv")
    ihead, ibody = load("skfolio_sp500_index.csv")
    body = body[-ROWS:]
    ibody = ibody[-ROWS:]
    dates, _ = prices_of(head, body, "AAPL")
    _, bench_prices = prices_of(ihead, ibody, "SP500")
    bench = bench_prices[1:] / bench_prices[:-1] - 1
    names = ["AAPL", "AMD", "JPM", "KO", "XOM"]
    rets = {}
    result = {"dates": [dates[0], dates[-1]], "series": {}, "series_rockafellar_uryasev": {}}
    for name in names:
        _, p = prices_of(head, body, name)
        r = p[1:] / p[:-1] - 1
        rets[name] = r
        result["series"][name] = series_figures(r, dates, bench, "quantile")
        result["series_rockafellar_uryasev"][name] = series_figures(r, dates, bench, "rockafellar_uryasev")
    w = np.array([0.3, 0.25, 0.2, 0.15, 0.1])
    R = np.column_stack([rets[k] for k in names])
    rp = R @ w
    sig = R.std(axis=0, ddof=1)
    cov = np.cov(R, rowvar=False, ddof=1)
    sp = math.sqrt(w @ cov @ w)
    result["portfolio"] = {
        "weights": dict(zip(names, w.tolist())),
        "effective_number_of_assets": 1 / np.sum(w**2),
        "diversification_ratio": float(w @ sig) / sp,
        "volatility": sp * math.sqrt(P),
        "weighted_volatility": float(w @ sig) * math.sqrt(P),
        "sigma_p_from_series": rp.std(ddof=1) * math.sqrt(P),
        "metrics": series_figures(rp, None, bench, "quantile"),
    }
    result["normal_quantiles"] = {str(p): stats.norm.ppf(p) for p in [1e-10, 1e-4, 0.001, 0.01, 0.025, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.99, 0.9999]}
    print(json.dumps(result, indent=1, default=float))


if __name__ == "__main__":
    main()
