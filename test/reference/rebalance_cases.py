"""Exact-arithmetic second implementation of the threshold rebalancer (docs/methods.md (rebalance)),
used to check the hand-worked cases in test/unit/rebalance/plan.cases.test.ts.

Everything is a Fraction built from decimal strings, so there is no float error: band tests are
exact (0.22 - 0.20 == 0.02 is inside a 0.02 band), lots are floor(cap / (lot * price)) and money is
rounded half up to the minor unit. Run:  python3 test/reference/rebalance_cases.py
"""
from fractions import Fraction as F
import math

DEFAULT_LOT = {"Stocks": "1", "ETF": "1", "Mutual Fund": "0.001", "Crypto": "0.00000001",
               "Commodity": "1", "FX": "1000"}
MINOR = {"JPY": 0, "KRW": 0}


def rhu(x):  # round half up (x >= 0)
    return math.floor(x + F(1, 2))


def plan(V, ccy, assets, h, mode, L, bps, fee):
    V, h, L, bps = F(V), F(h), F(L), F(bps)
    s = 10 ** MINOR.get(ccy, 2)
    fee_m = rhu(F(fee) * s)
    n = len(assets)
    c = [F(a["c"]) for a in assets]
    d = [F(a.get("d", a["t"])) for a in assets]
    p = [F(a["p"]) for a in assets]
    lot = [F(a.get("lot", DEFAULT_LOT[a["cls"]])) for a in assets]
    mn = [F(a.get("min", "0")) for a in assets]
    delta = [F(0)] * n
    status = ["inside"] * n
    for i in range(n):
        x = c[i] - d[i]
        if abs(x) > h:
            status[i] = "trade"
            w = d[i] if mode == "target" else (min(F(1), d[i] + h) if x > 0 else max(F(0), d[i] - h))
            delta[i] = w - c[i]

    def balance():
        B = sum(x for x in delta if x > 0)
        S = -sum(x for x in delta if x < 0)
        if B == 0 and S == 0:
            return "empty"
        if B == 0 or S == 0:
            return "one"
        for i in range(n):
            if S > B and delta[i] < 0:
                delta[i] *= B / S
            if B > S and delta[i] > 0:
                delta[i] *= S / B
        return "ok"

    warnings = []
    if any(st == "trade" for st in status) and balance() == "one":
        for i in range(n):
            if status[i] == "trade":
                status[i] = "one_sided"
                delta[i] = F(0)
        warnings.append("ONE_SIDED_BREACH")
    tau = sum(abs(x) for x in delta) / 2
    cap = L / tau if tau > L else F(1)
    delta = [x * cap for x in delta]
    intended = [abs(x) * V * s for x in delta]
    minm = [math.ceil(m * s) for m in mn]

    def lots_within(capm, i):
        if capm <= 0:
            return 0, 0
        capi = math.floor(capm)
        k = math.floor(capm / (lot[i] * p[i] * s))
        while k > 0 and rhu(k * lot[i] * p[i] * s) > capi:
            k -= 1
        return k, (rhu(k * lot[i] * p[i] * s) if k > 0 else 0)

    def cost(v):
        return rhu(bps * v / 10000) + fee_m if v > 0 else 0

    while True:
        dropped = False
        for i in range(n):
            if delta[i] == 0:
                continue
            if abs(delta[i]) * V < mn[i]:
                delta[i] = F(0)
                status[i] = "below_min"
                dropped = True
                warnings.append("BELOW_MIN_TRADE_VALUE")
                continue
            _, v = lots_within(abs(delta[i]) * V * s, i)
            why = ("BELOW_ONE_LOT" if v <= 0 else "BELOW_MIN_TRADE_VALUE" if v < minm[i]
                   else "COST_EXCEEDS_PROCEEDS" if delta[i] < 0 and cost(v) >= v else None)
            if why:
                delta[i] = F(0)
                dropped = True
                warnings.append(why)
        if not dropped:
            break
        r = balance()
        if r == "one":
            for i in range(n):
                if delta[i] != 0:
                    delta[i] = F(0)
                    status[i] = "no_offset"
            warnings.append("NO_OFFSETTING_TRADE")
            break
        if r == "empty":
            break

    k = [0] * n
    val = [0] * n
    cst = [0] * n
    ok = [False] * n
    sells = buys_cost = 0
    avail = 0
    for i in range(n):
        if delta[i] < 0:
            kk, v = lots_within(-delta[i] * V * s, i)
            if v <= 0 or v < minm[i] or cost(v) >= v:
                warnings.append("DROPPED_SELL")
                continue
            k[i], val[i], cst[i], ok[i] = kk, v, cost(v), True
            avail += v - cst[i]
    buys = [i for i in range(n) if delta[i] > 0]
    want = {i: delta[i] * V * s for i in buys}
    active = []
    for i in buys:
        kk, v = lots_within(want[i], i)
        if v <= 0 or v < minm[i]:
            warnings.append("DROPPED_BUY")
        else:
            active.append(i)
    sc = F(1)
    while active:
        budget = avail - len(active) * fee_m
        total = sum(want[i] for i in active)
        sc = min(F(1), budget / ((1 + bps / 10000) * total)) if budget > 0 else F(0)
        victim = None
        for i in active:
            kk, v = lots_within(sc * want[i], i)
            k[i], val[i] = kk, v
            if v <= 0 or v < minm[i]:
                if victim is None or want[i] <= want[victim]:
                    victim = i
        if victim is None:
            break
        active.remove(victim)
        k[victim] = val[victim] = 0
        warnings.append("BUY_NOT_FUNDED")
    for i in active:
        cst[i] = cost(val[i])
        ok[i] = True
    spent = sum(val[i] + cst[i] for i in active)
    while spent > avail and active:
        big = max(active, key=lambda i: (val[i], -i))
        over = spent - avail
        cut = max(1, math.ceil(over / (1 + bps / 10000)))
        spent -= val[big] + cst[big]
        kk, v = lots_within(F(val[big] - cut), big)
        if v <= 0 or v < minm[big]:
            active.remove(big)
            ok[big] = False
            k[big] = val[big] = cst[big] = 0
        else:
            k[big], val[big], cst[big] = kk, v, cost(v)
            spent += v + cst[big]
    S = sum(val[i] for i in range(n) if ok[i] and delta[i] < 0)
    B = sum(val[i] for i in range(n) if ok[i] and delta[i] > 0)
    C = sum(cst[i] for i in range(n) if ok[i])
    rows = []
    for i in range(n):
        if ok[i]:
            units = k[i] * lot[i] * (1 if delta[i] > 0 else -1)
            rows.append((assets[i]["name"], "Buy" if delta[i] > 0 else "Sell", _dec(units),
                         _dec(F(val[i], s)), _dec(F(cst[i], s))))
        else:
            rows.append((assets[i]["name"], "Hold", "0", "0", "0"))
    resid = S - B - C
    roundres = sum(abs(intended[i] - (val[i] if ok[i] else 0)) for i in range(n))
    used = F(S + B, s) / (2 * V)
    denom = V - F(C, s)
    pw = [(c[i] * V + (F(val[i], s) if ok[i] and delta[i] > 0 else -F(val[i], s) if ok[i] else 0)) / denom for i in range(n)]
    return dict(rows=rows, sells=_dec(F(S, s)), buys=_dec(F(B, s)), costs=_dec(F(C, s)),
                residual=_dec(F(resid, s)), tau_before=float(tau), cap=float(cap),
                rounding_residual=_dec(F(rhu(roundres), s)), turnover_used=float(used),
                proposed=[float(w) for w in pw], warnings=warnings, cash_scale=float(sc))


def _dec(x):
    """Exact decimal text of a Fraction with a power-of-ten denominator."""
    x = F(x)
    for dps in range(0, 20):
        if (x * 10 ** dps).denominator == 1:
            q = x * 10 ** dps
            sgn = "-" if q < 0 else ""
            digits = str(abs(q.numerator)).rjust(dps + 1, "0")
            return sgn + (digits[:-dps] + "." + digits[-dps:] if dps else digits)
    return repr(float(x))


def A(name, cls, t, c, p, **kw):
    return dict(name=name, cls=cls, t=t, c=c, p=p, **kw)


RISK_OFF = [A("Mutual Fund", "Mutual Fund", "0.25", "0.23", "42"), A("ETF", "ETF", "0.20", "0.24", "95"),
            A("Stocks", "Stocks", "0.20", "0.22", "130"), A("Commodity", "Commodity", "0.10", "0.11", "77"),
            A("FX", "FX", "0.10", "0.08", "1.2"), A("Crypto", "Crypto", "0.15", "0.12", "26000")]

CASES = {
    "risk_off_target": ("100000", "USD", RISK_OFF, "0.02", "target", "0.15", "12", "0"),
    "risk_off_band_edge": ("100000", "USD", RISK_OFF, "0.02", "band_edge", "0.15", "12", "0"),
    "turnover_binding": ("1000000", "USD", [A("A", "Stocks", "0.40", "0.60", "100"), A("B", "ETF", "0.30", "0.15", "50"),
                         A("C", "Commodity", "0.30", "0.25", "20")], "0.02", "target", "0.10", "10", "0"),
    "lots": ("50000", "USD", [A("Stocks", "Stocks", "0.25", "0.40", "187.33"), A("FX", "FX", "0.20", "0.15", "1.0873"),
             A("Crypto", "Crypto", "0.20", "0.15", "43210.5"), A("Fund", "Mutual Fund", "0.25", "0.20", "12.3456"),
             A("ETF", "ETF", "0.10", "0.10", "50")], "0.02", "target", "1", "0", "0"),
    "min_trade": ("100000", "USD", [A("A", "Stocks", "0.25", "0.30", "100"), A("B", "Stocks", "0.24", "0.20", "100"),
                  A("C", "Stocks", "0.11", "0.095", "100", min="2000"), A("D", "Stocks", "0.40", "0.405", "100")],
                  "0.01", "target", "1", "0", "0"),
    "fixed_fee": ("10000", "USD", [A("A", "Stocks", "0.50", "0.60", "10"), A("B", "Stocks", "0.50", "0.40", "10")],
                  "0.02", "target", "1", "0", "5"),
    "fixed_fee_drops_all": ("1000", "USD", [A("A", "Stocks", "0.498", "0.502", "1"), A("B", "Stocks", "0.502", "0.498", "1")],
                            "0.001", "target", "1", "0", "5"),
    "fee_drops_buys": ("10000", "USD", [A("A", "Stocks", "0.4991", "0.5", "1"), A("B", "Stocks", "0.25045", "0.25", "1"),
                       A("C", "Stocks", "0.25045", "0.25", "1")], "0", "target", "1", "0", "5"),
    "one_sided": ("100000", "USD", [A("A", "Stocks", "0.25", "0.31", "10"), A("B", "Stocks", "0.25", "0.23", "10"),
                  A("C", "Stocks", "0.25", "0.23", "10"), A("D", "Stocks", "0.25", "0.23", "10")],
                  "0.025", "target", "1", "10", "0"),
    "jpy": ("10000000", "JPY", [A("Toyota", "Stocks", "0.50", "0.60", "2345.5", lot="100"),
            A("Fund", "Stocks", "0.50", "0.40", "1013.7")], "0.02", "target", "1", "10", "0"),
    "tilt": ("200000", "USD", [A("A", "ETF", "0.50", "0.50", "80", d="0.46"), A("B", "ETF", "0.50", "0.50", "40", d="0.54")],
             "0.02", "target", "1", "5", "1.5"),
}

if __name__ == "__main__":
    for name, args in CASES.items():
        r = plan(*args)
        print(f"== {name}")
        for row in r["rows"]:
            print("   ", row)
        for key in ("sells", "buys", "costs", "residual", "tau_before", "cap", "cash_scale",
                    "rounding_residual", "turnover_used", "proposed", "warnings"):
            print(f"    {key}: {r[key]}")
