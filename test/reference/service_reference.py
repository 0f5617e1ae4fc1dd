"""Independent reference for the rebalance service's risk block on the 'Autumn 2008' scenario.

Reimplements the documented formulas with numpy only (no project code) from
resources/scenarios.json and prints the figures the service test pastes as constants.

    python3 test/reference/service_reference.py
"""
import json
import pathlib
import numpy as np

root = pathlib.Path(__file__).resolve().parents[2]
sc = json.loads((root / "resources" / "scenarios.json").read_text())["scenarios"]
req = next(s for s in sc if s["name"].startswith("Autumn 2008"))["request"]
assets = req["assets"]
P = np.array([req["price_history"]["prices"][a["asset"]] for a in assets], dtype=float)
R = P[:, 1:] / P[:, :-1] - 1.0
w = np.array([a["current_weight"] for a in assets]); w = w / w.sum()
t = np.array([a["target_weight"] for a in assets]); t = t / t.sum()
rf = 0.02
rp = w @ R
rt = t @ R
b = np.array(req["benchmark"]["prices"], dtype=float); rb = b[1:] / b[:-1] - 1.0
mu = rp.mean(); sd = rp.std(ddof=1)
vol = sd * np.sqrt(252)
er = mu * 252
sharpe = (er - rf) / vol
dd = np.minimum(rp - rf / 252, 0.0)
sortino = (er - rf) / (np.sqrt((dd ** 2).mean()) * np.sqrt(252))
W = np.cumprod(1 + rp); peak = np.maximum.accumulate(np.concatenate([[1.0], W]))[1:]
mdd = (1 - W / peak).max()
q = np.percentile(rp, 5, method="linear")
var = -q
cvar = -rp[rp <= q].mean()
te = (rp - rt).std(ddof=1) * np.sqrt(252)
beta = np.cov(rp, rb, ddof=1)[0, 1] / rb.var(ddof=1)
z = -1.6448536269514722
pvar = -(mu + z * sd)
for k, v in dict(volatility=vol, expected_annual_return=er, sharpe=sharpe, sortino=sortino,
                 max_drawdown=mdd, var_95=var, cvar_95=cvar, tracking_error=te, beta=beta,
                 parametric_var_95=pvar, observations=len(rp)).items():
    print(f"{k} = {v!r}")
