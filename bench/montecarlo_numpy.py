#!/usr/bin/env python3
"""numpy peer for bench/montecarlo.bench.ts: the same asset-level work, vectorized.

Correlated gaussian daily returns r = mu + L z for P paths x H days x n assets, buy-and-hold
(V *= max(0, 1 + r)), portfolio wealth W = cash + V @ w stored for every day (the same day-major
path store the TypeScript engine fills). mu, L come from the last 1,260 rows of
test/fixtures/skfolio_sp500_dataset.csv (first n assets); synthetic if the file is missing.

Prints one JSON line: {"name", "asset_steps_per_s", "p50_s", "runs", ...}. Run it single-threaded
(OMP/OPENBLAS/MKL_NUM_THREADS=1) for a one-core comparison; the TypeScript bench does.
"""
import argparse
import json
import os
import statistics
import time

import numpy as np


def load_history(path, n):
    if os.path.exists(path):
        data = np.genfromtxt(path, delimiter=",", skip_header=1)[:, 1:]
        px = data[-1260:, :n]
        return px[1:] / px[:-1] - 1.0, "fixture"
    rng = np.random.default_rng(0)
    return rng.normal(0.0004, 0.015, size=(1259, n)), "synthetic"


def simulate(mu, L, w, cash, P, H, seed):
    rng = np.random.default_rng(seed)
    n = len(mu)
    V = np.ones((P, n))
    G = np.empty((P, n))
    store = np.empty((H, P))
    Lt = np.ascontiguousarray(L.T)
    for d in range(H):
        Z = rng.standard_normal((P, n))
        np.matmul(Z, Lt, out=G)
        G += mu
        G += 1.0
        np.maximum(G, 0.0, out=G)
        V *= G
        np.matmul(V, w, out=store[d])
        store[d] += cash
    return store


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", type=int, default=10000)
    ap.add_argument("--days", type=int, default=252)
    ap.add_argument("--assets", type=int, default=20)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data", default="test/fixtures/skfolio_sp500_dataset.csv")
    a = ap.parse_args()
    R, source = load_history(a.data, a.assets)
    mu = R.mean(0)
    L = np.linalg.cholesky(np.cov(R, rowvar=False))
    w = np.full(a.assets, 1.0 / a.assets)
    cash = 1.0 - w.sum()
    simulate(mu, L, w, cash, a.paths, a.days, 0)  # warm-up
    times = []
    for r in range(a.runs):
        t0 = time.perf_counter()
        simulate(mu, L, w, cash, a.paths, a.days, r + 1)
        times.append(time.perf_counter() - t0)
    p50 = statistics.median(times)
    print(
        json.dumps(
            {
                "name": "montecarlo_numpy_asset_level_buy_and_hold",
                "paths": a.paths,
                "days": a.days,
                "assets": a.assets,
                "runs": a.runs,
                "p50_s": p50,
                "asset_steps_per_s": a.paths * a.days * a.assets / p50,
                "numpy": np.__version__,
                "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
                "data": source,
            }
        )
    )


if __name__ == "__main__":
    main()
