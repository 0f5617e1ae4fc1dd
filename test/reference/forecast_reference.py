"""Independent numpy reference values for test/unit/forecast (run: python3 test/reference/forecast_reference.py).

Re-implements docs/methods.md (forecast) with numpy on test/fixtures/skfolio_sp500_dataset.csv
(skfolio, BSD-3-Clause). Independent of the TypeScript code where it can be: momentum and the
realized return are taken as price ratios (np.prod(1 + r) ** (252 / L) - 1) rather than as sums of
log returns, the EWMA uses its closed-form weights instead of the recursion, means are numpy's
pairwise sums instead of compensated ones. The printed numbers are pasted into
test/unit/forecast/reference.test.ts.
"""
import csv
import math
import os

import numpy as np

PPY = 252
LOOKBACK, SHORT, KAPPA, LAMBDA, T0 = 252, 21, 0.5, 0.94, 126

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(HERE, "..", "fixtures", "skfolio_sp500_dataset.csv")
MODELS = ("momentum", "mean_reversion", "ewma", "ensemble_unshrunk", "ensemble")


def load():
    with open(CSV, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    dates = [r[0] for r in rows[1:]]
    data = np.array([[float(x) for x in r[1:]] for r in rows[1:]])
    return header[1:], dates, data


def forecast(r):
    r = np.asarray(r, dtype=np.float64)
    lr = np.log1p(r)
    T = r.size
    L = min(LOOKBACK, T)
    # the price ratio p_T / p_{T-L}, annualized geometrically (= exp((252/L) sum l) - 1)
    momentum = np.prod(1.0 + r[-L:]) ** (PPY / L) - 1.0
    S = min(SHORT, T)
    mu_lr = np.mean(lr)
    mu_s = np.mean(lr[-S:])
    mean_rev = np.expm1(PPY * (mu_lr - KAPPA * (mu_s - mu_lr)))
    # closed form of m_1 = l_1, m_t = λ m_{t-1} + (1-λ) l_t
    w = (1.0 - LAMBDA) * LAMBDA ** np.arange(T - 1, -1, -1, dtype=np.float64)
    w[0] = LAMBDA ** (T - 1)
    ewma = np.expm1(PPY * np.dot(w, lr))
    hist = np.expm1(PPY * mu_lr)
    f = np.array([momentum, mean_rev, ewma])
    unshrunk = f.mean()
    d = np.std(f, ddof=1)
    vol = np.std(r, ddof=1) * math.sqrt(PPY)
    conf = (T / (T + T0)) * (vol / (vol + d) if vol + d > 0 else 1.0)
    ensemble = conf * unshrunk + (1.0 - conf) * hist
    return dict(momentum=float(momentum), mean_reversion=float(mean_rev), ewma=float(ewma),
                historical_mean=float(hist), ensemble_unshrunk=float(unshrunk),
                ensemble=float(ensemble), dispersion=float(d), volatility=float(vol),
                confidence=float(conf), observations=T)


def backtest(r, h=21, step=21, min_train=252):
    r = np.asarray(r, dtype=np.float64)
    T = r.size
    fc = {k: [] for k in MODELS + ("zero", "historical_mean")}
    realized = []
    for t in range(min_train, T - h + 1, step):
        f = forecast(r[:t])
        for k in MODELS + ("historical_mean",):
            fc[k].append(f[k])
        fc["zero"].append(0.0)
        realized.append(np.prod(1.0 + r[t:t + h]) ** (PPY / h) - 1.0)
    R = np.array(realized)
    out = {"origins": R.size, "realized_up": int(np.sum(R > 0)),
           "realized_up_share": float(np.mean(R > 0))}
    for k, v in fc.items():
        e = np.array(v) - R
        out[k] = dict(mae=float(np.mean(np.abs(e))), rmse=math.sqrt(np.mean(e * e)),
                      bias=float(np.mean(e)),
                      hits=int(np.sum(np.sign(v) == np.sign(R))))
    return out


def show(title, f):
    print(title)
    for k, v in f.items():
        print(f"  {k}: {v!r}")


def main():
    names, dates, prices = load()
    for name in ("AAPL", "XOM"):
        p = prices[-1261:, names.index(name)]
        show(f"== {name}: last 1260 returns (last 1261 prices)", forecast(p[1:] / p[:-1] - 1.0))
    p = prices[:31, names.index("XOM")]
    show("== XOM first 30 returns (L = 30, S = 21)", forecast(p[1:] / p[:-1] - 1.0))
    # The "Autumn 2008" scenario of resources/scenarios.json: BAC closes 2007-10-11..2008-10-10.
    i0, i1 = dates.index("2007-10-11"), dates.index("2008-10-10")
    p = prices[i0:i1 + 1, names.index("BAC")]
    r = p[1:] / p[:-1] - 1.0
    old_ewma = PPY * np.dot(
        np.r_[LAMBDA ** (r.size - 1),
              (1 - LAMBDA) * LAMBDA ** np.arange(r.size - 2, -1, -1, dtype=np.float64)], r)
    print(f"== BAC 2007-10-11..2008-10-10 ({p.size} prices); old arithmetic 252 x EWMA: {old_ewma!r}")
    show("   new", forecast(r))
    p = prices[-1261:, names.index("AAPL")]
    show("== backtest AAPL last 1260 returns, h=21 step=21 min_train=252",
         backtest(p[1:] / p[:-1] - 1.0))


if __name__ == "__main__":
    main()
