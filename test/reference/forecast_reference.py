"""Independent numpy reference values for test/unit/forecast (run: python3 test/reference/forecast_reference.py).

Re-implements docs/methods.md (forecast) with numpy (vectorized, closed-form EWMA weights instead of
the recursion) on test/fixtures/skfolio_sp500_dataset.csv (skfolio, BSD-3-Clause). The printed
numbers are pasted into test/unit/forecast/reference.test.ts.
"""
import csv
import math
import os

import numpy as np

PPY = 252
LOOKBACK, SHORT, KAPPA, LAMBDA, T0 = 252, 21, 0.5, 0.94, 126

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(HERE, "..", "fixtures", "skfolio_sp500_dataset.csv")


def load():
    with open(CSV, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    data = np.array([[float(x) for x in r[1:]] for r in rows[1:]])
    return header[1:], data


def forecast(r):
    r = np.asarray(r, dtype=np.float64)
    T = r.size
    L = min(LOOKBACK, T)
    momentum = np.prod(1.0 + r[-L:]) ** (PPY / L) - 1.0
    S = min(SHORT, T)
    mu_lr = PPY * np.mean(r)
    mu_s = PPY * np.mean(r[-S:])
    mean_rev = mu_lr - KAPPA * (mu_s - mu_lr)
    # closed form of m_1 = r_1, m_t = λ m_{t-1} + (1-λ) r_t
    w = (1.0 - LAMBDA) * LAMBDA ** np.arange(T - 1, -1, -1, dtype=np.float64)
    w[0] = LAMBDA ** (T - 1)
    ewma = PPY * np.dot(w, r)
    f = np.array([momentum, mean_rev, ewma])
    ensemble = f.mean()
    d = np.std(f, ddof=1)
    vol = np.std(r, ddof=1) * math.sqrt(PPY)
    conf = (T / (T + T0)) * (vol / (vol + d) if vol + d > 0 else 1.0)
    return dict(momentum=float(momentum), mean_reversion=float(mean_rev), ewma=float(ewma),
                ensemble=float(ensemble), dispersion=float(d), volatility=float(vol),
                confidence=float(conf), observations=T)


def backtest(r, h=21, step=21, min_train=252):
    r = np.asarray(r, dtype=np.float64)
    T = r.size
    fc = {k: [] for k in ("momentum", "mean_reversion", "ewma", "ensemble", "zero", "historical_mean")}
    realized = []
    for t in range(min_train, T - h + 1, step):
        f = forecast(r[:t])
        for k in ("momentum", "mean_reversion", "ewma", "ensemble"):
            fc[k].append(f[k])
        fc["zero"].append(0.0)
        fc["historical_mean"].append(PPY * np.mean(r[:t]))
        realized.append(np.prod(1.0 + r[t:t + h]) ** (PPY / h) - 1.0)
    R = np.array(realized)
    out = {"origins": R.size, "realized_up_share": float(np.mean(R > 0))}
    for k, v in fc.items():
        e = np.array(v) - R
        out[k] = dict(mae=float(np.mean(np.abs(e))), rmse=math.sqrt(np.mean(e * e)),
                      bias=float(np.mean(e)),
                      hit_rate=float(np.mean(np.sign(v) == np.sign(R))))
    return out


def main():
    names, prices = load()
    for name in ("AAPL", "XOM"):
        p = prices[-1261:, names.index(name)]
        r = p[1:] / p[:-1] - 1.0
        print(f"== {name}: last 1260 returns (last 1261 prices)")
        for k, v in forecast(r).items():
            print(f"  {k}: {v!r}")
    p = prices[:31, names.index("XOM")]
    r = p[1:] / p[:-1] - 1.0
    print("== XOM first 30 returns (L = 30, S = 21)")
    for k, v in forecast(r).items():
        print(f"  {k}: {v!r}")
    p = prices[-1261:, names.index("AAPL")]
    r = p[1:] / p[:-1] - 1.0
    print("== backtest AAPL last 1260 returns, h=21 step=21 min_train=252")
    for k, v in backtest(r).items():
        print(f"  {k}: {v!r}")


if __name__ == "__main__":
    main()
