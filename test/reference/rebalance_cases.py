"""Exact second implementation of the threshold rebalancer: docs/methods.md, section
"Rebalancing: decide, then execute" (rules B1-B6, E0-E7, the decide-execute loop rules 0-3, band
status after the trades) and the conventions it refers to.

Written from the document (not from the TypeScript), as an independent check of
src/services/rebalance (test/unit/rebalance/reference.test.ts pastes the numbers printed here).

Every quantity is a fractions.Fraction built from a decimal string (weights, prices, lots, money),
so there is no float error anywhere: level filling solves its piecewise-linear equation for the
level exactly, lots follow E3's formula exactly, money is integer minor units rounded half away
from zero.

Run:   python3 test/reference/rebalance_cases.py                (readable report, with each pass)
       python3 test/reference/rebalance_cases.py --json         (the figures the TS test pastes)
       python3 test/reference/rebalance_cases.py --floor-first  (reading A15's alternative)

What the revised text settles (and this script follows): the reserve adds (shortfall + one minor
unit per order the decision meant to send) / V', on any shortfall = (1 - s) sum x_j over the
funded buys + every not_funded buy's intended value + what is missing when A < 0 or below the
buffer; lots k = max{k <= floor(|x|/unit + 1e-9) : round(k unit) <= floor(|x|(1 + 1e-9))} for sells
and buys (unit = lot*price*10^dec); B4 `full` over every tradable asset; E4 step 2 drops the
smallest intended among the failing buys (ties: later row), step 4 cuts the largest buy (ties:
earlier row) to value - ceil(overshoot/(1 + bps/1e4)); `scaled_by_cap` takes precedence over
`scaled_to_cash`; the E1 withdrawal split and cash floor; trades below half a minor unit are dust;
turnover on 2V'; the loop applies the first of rules 0 (lot pins), 1 (held), 2 (reserve),
3 (coarse lots, once) that finds something, 0 and 1 only when the cap does not bind, with at most
n lot-pin/held passes and at most 4 cash passes (2 and 3).

Readings where the text still leaves a choice (each is marked "AMBIGUITY" at the code):
 A1 intended trades (w - c')V' are kept exact (not rounded to a whole minor unit before the lot
    rounding); "amounts are rounded once".
 A2 B4 `target` "over the assets inside their bands first; only if they cannot take it all, over
    every tradable asset": a second level filling of the remainder, over every tradable asset,
    starting from the result of the first; not a fresh filling from the base points.
 A3 B5 applies only with F > 0 and R < 0, or F < 0 and R > 0; its stages are: breaching assets
    of the named side, then in-band assets, then every tradable asset.
 A6 Coarse lots: "intended - reached" uses the order's amount after the cap (the loop section
    defines "the intended trade" as (w - c')V', before the cap; with it, under a binding cap every
    buy the cap scaled "leaves over" cash it never had, and is pinned: Risk-On band_edge at
    L = 0.03 pins Mutual Fund with FX). "One lot of some other free security": spare >= lot *
    price * 10^dec of a security of a free asset (not restricted, held or pinned) that is not
    a candidate.
 A8 E6 is applied in every pass, uses the exact band [l V', u V'], tries each security of the
    asset in the direction the decision traded it and takes the one needing the fewest lots;
    "fewer lots" only down to one lot.
 A10 A security whose intended order is exactly 0 gets status `in_band` (nothing to trade).
 A13 Pass budget: pass 1 is neither a lot-pin/held pass nor a cash pass; all passes <= 1 + n + 4.
    When a cash rule would apply after 4 cash passes, the last pass's result stands.
 A14 E1 split "when that would leave the cash below 0": when C0 + (L/tau)(S - B) < 0, costs not
    counted (B, S intended buys and sells).
 A15 E1 cash floor ("Cash never ends below 0 ... whole lots more are sold"): applied after E4, as
    the last step before E6, so that A and the loop's shortfall are measured on the sells rounded
    down. E4's "A ... taken as 0 when negative" and rule 2's "whatever is missing when A < 0" only
    mean something (with no buffer) if A can be negative, i.e. if the floor has not yet run.
    Which securities come after "the securities already selling": those of free assets that are
    not buying. `--floor-first` applies it right after E3 instead (risk_off_withdrawal then ends
    in 1 pass with Commodity +1 lot and cash 2.38, instead of 4 passes and cash 97.27).
 A16 Rule 0 "within holdings and its minimum order, checking that lot count and the next": a
    count that lands inside but fails the minimum or the holdings is skipped (the next may be
    taken); "outside/inside its band" as post_trade_band_status (1e-9 of V').
 A17 The shortfall's "(1 - s) sum x_j" and "intended value of every not_funded buy" use the E4
    amounts x_j (after the cap); "one minor unit per order" counts the orders with intended != 0
    after splitting, before the cap (held and restricted assets have none).
"""
from fractions import Fraction as Fr
import json
import math
import sys

DEFAULT_LOT = {"Stocks": "1", "ETF": "1", "Mutual Fund": "0.001", "Crypto": "0.00000001",
               "Commodity": "1", "FX": "1000"}
CLASSES = set(DEFAULT_LOT)
MINOR_EXCEPTIONS = {"JPY": 0, "KRW": 0}
TOL_BAND = Fr(1, 10**12)        # position before the trades
TOL_POST = Fr(1, 10**9)         # post_trade_band_status
TOL_CAP = Fr(1, 10**12)         # E1, relative
EPS_LOT = Fr(1, 10**9)          # E3: lot count and relative value tolerance
FLOOR_FIRST = "--floor-first" in sys.argv  # AMBIGUITY A15: the cash floor before E4 (not the default)


def q(x):
    """Exact Fraction from a decimal literal (str/int/float printed by repr)."""
    if isinstance(x, Fr):
        return x
    return Fr(str(x))


def rhaz(x):
    """Round half away from zero to an integer."""
    x = Fr(x)
    if x >= 0:
        return math.floor(x + Fr(1, 2))
    return -math.floor(-x + Fr(1, 2))


def clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


def level_fill(d, lo, hi, total):
    """x_i = clamp(d_i + lam, lo_i, hi_i) with sum x = total, solved exactly.
    Returns (x, placed_sum); when total is out of [sum lo, sum hi] the bound is returned."""
    n = len(d)
    slo, shi = sum(lo, Fr(0)), sum(hi, Fr(0))
    if n == 0:
        return [], Fr(0)
    if total <= slo:
        return list(lo), slo
    if total >= shi:
        return list(hi), shi

    def f(lam):
        return sum((clamp(d[i] + lam, lo[i], hi[i]) for i in range(n)), Fr(0))

    bps = sorted(set([lo[i] - d[i] for i in range(n)] + [hi[i] - d[i] for i in range(n)]))
    # f is nondecreasing, piecewise linear with kinks at bps; f(bps[0]) = sum lo, f(bps[-1]) = sum hi
    prev = bps[0]
    fprev = f(prev)
    for b in bps[1:]:
        fb = f(b)
        if fb >= total:
            # linear on [prev, b]
            lam = prev + (total - fprev) * (b - prev) / (fb - fprev)
            x = [clamp(d[i] + lam, lo[i], hi[i]) for i in range(n)]
            assert sum(x, Fr(0)) == total
            return x, total
        prev, fprev = b, fb
    raise AssertionError("level_fill: no crossing")


class Infeasible(Exception):
    pass


# --------------------------------------------------------------------------------------------
# Book
# --------------------------------------------------------------------------------------------

class Security:
    def __init__(self, name, asset, price, lot, mn, qty, cur_value, target):
        self.name, self.asset = name, asset
        self.price, self.lot, self.min, self.qty = price, lot, mn, qty
        self.cur_value = cur_value      # currency, exact
        self.target = target            # normalized holding target, or None


class Book:
    def __init__(self, req):
        self.req = req
        self.ccy = req.get("currency", "USD")
        self.dec = MINOR_EXCEPTIONS.get(self.ccy, 2)
        self.scale = 10 ** self.dec
        self.V = q(req["portfolio_value"])
        self.F = q(req.get("cash_flow", 0))
        self.Vp = self.V + self.F
        self.cw = q(req.get("cash_weight", 0))
        self.b = q(req.get("cash_floor", 0))
        self.h = q(req.get("drift_threshold", "0.02"))
        self.L = q(req.get("turnover_limit", "0.2"))
        self.mode = req.get("rebalance_to", "target")
        self.bps_default = q(req.get("transaction_cost_bps", 10))
        self.fee = rhaz(q(req.get("fixed_fee_per_trade", 0)) * self.scale)  # minor units
        restricted = set(req.get("no_trade", []))
        abps = req.get("asset_cost_bps", {})
        A = req["assets"]
        self.n = len(A)
        self.names = [a["asset"] for a in A]
        self.cls = []
        for a in A:
            c = a.get("asset_class")
            if c is None:
                c = a["asset"] if a["asset"] in CLASSES else "Stocks"
            self.cls.append(c)
        sc = sum((q(a["current_weight"]) for a in A), Fr(0))
        st = sum((q(a["target_weight"]) for a in A), Fr(0))
        self.c = [q(a["current_weight"]) * (1 - self.cw) / sc for a in A]
        self.t = [q(a["target_weight"]) * (1 - self.b) / st for a in A]
        self.d = list(self.t)  # tilt_budget 0
        self.cp = [ci * self.V / self.Vp for ci in self.c]
        self.c0p = (self.cw * self.V + self.F) / self.Vp
        self.l = [max(Fr(0), di - self.h) for di in self.d]
        self.u = [min(Fr(1), di + self.h) for di in self.d]
        self.pos = []
        for i in range(self.n):
            if self.cp[i] > self.u[i] + TOL_BAND:
                self.pos.append("above")
            elif self.cp[i] < self.l[i] - TOL_BAND:
                self.pos.append("below")
            else:
                self.pos.append("inside")
        self.restricted = [a["asset"] in restricted for a in A]
        self.bps = [q(abps.get(a["asset"], self.bps_default)) for a in A]
        # E0 securities
        self.secs = []
        for i, a in enumerate(A):
            lot_a = q(a.get("lot_size", DEFAULT_LOT[self.cls[i]]))
            min_a = q(a.get("min_trade_value", 0))
            hs = a.get("holdings") or []
            value_i = self.c[i] * self.V
            if not hs:
                self.secs.append([Security(a["asset"], i, q(a["price"]), lot_a, min_a, None,
                                           value_i, None)])
                continue
            all_q = all("quantity" in h for h in hs)
            if all_q:
                mix = [q(h["quantity"]) * q(h["last_price"]) for h in hs]
                tot = sum(mix, Fr(0))
                # HOLDINGS_VALUE_MISMATCH when tot differs from c_i V by more than 0.5%
                self.mismatch = abs(tot - value_i) > Fr(5, 1000) * value_i
            else:
                mix = [q(h["holding_weight"]) for h in hs]
                tot = sum(mix, Fr(0))
            all_t = all("target_weight" in h for h in hs)
            ts = sum((q(h["target_weight"]) for h in hs), Fr(0)) if all_t else None
            row = []
            for j, h in enumerate(hs):
                row.append(Security(
                    h["holding"], i, q(h["last_price"]),
                    q(h["lot_size"]) if "lot_size" in h else lot_a,
                    q(h["min_trade_value"]) if "min_trade_value" in h else min_a,
                    q(h["quantity"]) if all_q else None,
                    value_i * mix[j] / tot,
                    q(h["target_weight"]) / ts if all_t else None))
            self.secs.append(row)
        self.buffer_minor = rhaz(self.b * self.Vp * self.scale)
        self.cash_before_minor = rhaz((self.cw * self.V + self.F) * self.scale)

    # ----------------------------------------------------------------------------------------
    # Deciding (B1-B6)
    # ----------------------------------------------------------------------------------------
    def decide(self, fixed, kappa):
        """fixed: {asset: weight} for held/pinned assets. Returns (w, roles, unplaced, traded)."""
        n = self.n
        w = list(self.cp)
        tradable = [i for i in range(n) if not self.restricted[i] and i not in fixed]
        for i, x in fixed.items():
            w[i] = x
        # B1
        trig = (any(self.pos[i] != "inside" for i in tradable) or self.F != 0
                or abs(self.c0p - self.b) > self.h)
        if not trig:
            return w, False, Fr(0)
        # B2
        base = {}
        for i in tradable:
            if self.mode == "band_edge":
                base[i] = clamp(self.cp[i], self.l[i], self.u[i])
            elif self.mode == "target":
                base[i] = self.d[i] if self.pos[i] != "inside" else self.cp[i]
            else:
                base[i] = self.d[i]
        # B3
        fixed_sum = sum((w[i] for i in range(n) if i not in base), Fr(0))
        R = (1 - self.b - kappa - fixed_sum) - sum(base.values(), Fr(0))
        x = dict(base)
        # B4/B5 stages (AMBIGUITY A2, A3)
        inside = [i for i in tradable if self.pos[i] == "inside"]
        if self.mode in ("band_edge", "full"):
            stages = [tradable]   # B4: band_edge and full spread over every tradable asset
        elif self.mode == "target" and self.F > 0 and R < 0:
            stages = [[i for i in tradable if self.pos[i] == "below"], inside, tradable]
        elif self.mode == "target" and self.F < 0 and R > 0:
            stages = [[i for i in tradable if self.pos[i] == "above"], inside, tradable]
        else:
            stages = [inside, tradable]
        for grp in stages:
            if R == 0 or not grp:
                continue
            dd = [self.d[i] for i in grp]
            if R > 0:
                lo = [x[i] for i in grp]
                hi = [max(x[i], self.u[i]) for i in grp]
            else:
                lo = [min(x[i], self.l[i]) for i in grp]
                hi = [x[i] for i in grp]
            cur = sum((x[i] for i in grp), Fr(0))
            xs, placed = level_fill(dd, lo, hi, cur + R)
            for k, i in enumerate(grp):
                x[i] = xs[k]
            R -= placed - cur
        for i in tradable:
            w[i] = x[i]
        return w, True, R  # R != 0: B6 CASH_NOT_PLACED

    # ----------------------------------------------------------------------------------------
    # Executing (E0-E7)
    # ----------------------------------------------------------------------------------------
    def lots_within(self, s, cap):
        """E3 (sells) and E4 (buys, "as in E3"): with unit = lot*price*10^dec,
        k = max{k <= floor(cap/unit + 1e-9) : round(k*unit) <= floor(cap*(1 + 1e-9))}
        for cap >= 0 in minor units (exact): the exact notional of the units stays at or below the
        intended value (up to the 1e-9 tolerance), and so does the notional rounded to the minor
        unit. The quantity held is checked by the caller."""
        if cap <= 0:
            return 0
        unit = s.lot * s.price * self.scale
        k = math.floor(cap / unit + EPS_LOT)
        lim = math.floor(cap * (1 + EPS_LOT))
        while k > 0 and rhaz(k * unit) > lim:
            k -= 1
        return k

    def max_sell_lots(self, s):
        """Never more than held: in units when quantities are known, and in value."""
        unit = s.lot * s.price * self.scale
        k = math.floor(s.cur_value * self.scale / unit)
        if s.qty is not None:
            k = min(k, math.floor(s.qty / s.lot))
        return k

    def value_of(self, s, k):
        return rhaz(k * s.lot * s.price * self.scale)

    def cost_of(self, i, v):
        return rhaz(self.bps[i] / 10000 * v) + self.fee

    def split(self, i, delta):
        """E0: the asset's trade (currency, exact) over its securities (currency, exact)."""
        secs = self.secs[i]
        if len(secs) == 1 and secs[0].target is None:
            return [delta]
        tot = sum((s.cur_value for s in secs), Fr(0))
        if secs[0].target is None or delta == 0:
            return [delta * s.cur_value / tot for s in secs]
        # level filling toward the holding targets t_j = (current value + delta) * target_j
        tj = [(tot + delta) * s.target for s in secs]
        v = [s.cur_value for s in secs]
        if delta > 0:
            lo, hi = v, [vj + delta for vj in v]
        else:
            lo, hi = [Fr(0)] * len(v), v
        y, _ = level_fill(tj, lo, hi, tot + delta)
        return [y[j] - v[j] for j in range(len(v))]

    def execute(self, w, frozen=(), repair=True):
        """E0-E7 for decided weights w. frozen: held assets (never given floor lots)."""
        n, sc, Vp = self.n, self.scale, self.Vp
        orders = []  # dicts, one per security, in row order
        for i in range(n):
            delta = (w[i] - self.cp[i]) * Vp
            # loop section: "less than half a minor unit is float dust of the decision and no trade"
            if abs(delta * sc) < Fr(1, 2):
                delta = Fr(0)
            xs = self.split(i, delta)
            for j, s in enumerate(self.secs[i]):
                orders.append(dict(sec=s, i=i, row=len(orders), x=xs[j] * sc, k=0, v=0, cost=0,
                                   status=None, capped=False))
        res = dict(orders=orders, log=[])
        for o in orders:
            if self.restricted[o["i"]]:
                o["x"] = Fr(0)
                o["status"] = "restricted"
        # orders the decision meant to send: intended != 0 after splitting, before the cap
        res["n_orders"] = sum(1 for o in orders if o["x"] != 0)
        for o in orders:
            o["x0"] = o["x"]  # the intended trade (w - c')V' split, before the cap
        C0 = self.cash_before_minor
        # E1 turnover cap
        intended = sum((abs(o["x"]) for o in orders), Fr(0))
        tau = intended / (2 * Vp * sc)
        res["tau_before"] = tau
        res["scale"] = Fr(1)
        res["capped"] = False
        if tau > self.L * (1 + TOL_CAP):
            res["capped"] = True
            scale = self.L / tau
            res["scale"] = scale
            cap_total = 2 * self.L * Vp * sc
            if -C0 > cap_total * (1 + TOL_CAP):
                raise Infeasible("cash_flow, turnover_limit")
            S = sum((-o["x"] for o in orders if o["x"] < 0), Fr(0))
            B = sum((o["x"] for o in orders if o["x"] > 0), Fr(0))
            ss = sb = scale
            if C0 + scale * (S - B) < 0:  # AMBIGUITY A14: "when that would leave the cash below 0"
                if S == 0:
                    raise Infeasible("cash_flow")
                sb = (cap_total + C0) / (2 * B)
                ss = (sb * B - C0) / S
                if ss > 1:
                    ss = Fr(1)
                    sb = max(Fr(0), min(cap_total - S, C0 + S)) / B
                res["split_scales"] = (sb, ss)
                res["log"].append("E1 split: s_b %s s_s %s" % (float(sb), float(ss)))
            for o in orders:
                if o["x"] < 0:
                    o["x"] *= ss
                    o["capped"] = ss < 1
                elif o["x"] > 0:
                    o["x"] *= sb
                    o["capped"] = sb < 1
        moving = {o["i"] for o in orders if o["x"] != 0}
        for o in orders:
            if o["status"] is None and o["x"] == 0:
                # A holding that gets none of its asset's trade (the split toward the holding
                # targets did not reach it) is no_change (E7); otherwise in_band.
                sibs = sum(1 for q in orders if q["i"] == o["i"])
                o["status"] = "no_change" if (o["i"] in moving and sibs > 1) else "in_band"  # A10
        # E2 minimum
        for o in orders:
            if o["status"] is None and abs(o["x"]) < o["sec"].min * sc:
                o["status"] = "below_min_trade"
        # E3 sells
        sells = sell_costs = 0
        for o in orders:
            if o["status"] is not None or o["x"] >= 0:
                continue
            s = o["sec"]
            k = min(self.lots_within(s, -o["x"]), self.max_sell_lots(s))
            if k == 0:
                o["status"] = "rounded_to_zero"
                continue
            v = self.value_of(s, k)
            if v < s.min * sc:
                o["status"] = "below_min_trade"
                continue
            c = self.cost_of(o["i"], v)
            if c >= v:
                o["status"] = "cost_exceeds_proceeds"
                continue
            o["k"], o["v"], o["cost"] = -k, -v, c
            o["status"] = "scaled_by_cap" if o["capped"] else "traded"
            sells += v
            sell_costs += c
        if FLOOR_FIRST:  # AMBIGUITY A15 (alternative reading)
            sells, sell_costs = self.cash_floor(orders, res, frozen, C0)
        # E4 buys (fitBuys)
        A_raw = C0 + sells - sell_costs - self.buffer_minor
        A = max(0, A_raw)
        res["A"] = A_raw
        buys = [o for o in orders if o["status"] is None and o["x"] > 0]
        active = []
        for o in buys:  # (1) each buy rounded down to lots at its full size
            s = o["sec"]
            k = self.lots_within(s, o["x"])
            if k == 0:
                o["status"] = "rounded_to_zero"
            elif self.value_of(s, k) < s.min * sc:
                o["status"] = "below_min_trade"
            else:
                active.append(o)
        not_funded = []
        scale_s = Fr(1)
        while active:  # (2) one scale s; drop, among the buys failing at s, the smallest intended
            m = len(active)
            denom = sum(((1 + self.bps[o["i"]] / 10000) * o["x"] for o in active), Fr(0))
            scale_s = min(Fr(1), (A - m * self.fee) / denom)

            def fails(o):
                if scale_s <= 0:
                    return True
                s = o["sec"]
                k = self.lots_within(s, scale_s * o["x"])
                return k == 0 or self.value_of(s, k) < s.min * sc
            failing = [o for o in active if fails(o)]
            if not failing:
                break
            drop = min(failing, key=lambda o: (o["x"], -o["row"]))  # ties: the later row
            drop["status"] = "not_funded"
            res["log"].append("E4 step 2: s %.6f, %s not_funded (failing: %s)" % (
                float(scale_s), drop["sec"].name, ", ".join(o["sec"].name for o in failing)))
            active.remove(drop)
            not_funded.append(drop)
        for o in active:  # (3) each rounded down to lots at s x_j
            s = o["sec"]
            k = self.lots_within(s, scale_s * o["x"])
            o["k"], o["v"] = k, self.value_of(s, k)
            o["cost"] = self.cost_of(o["i"], o["v"])
            # E7: scaled_by_cap takes precedence when the cap and the cash both scaled an order
            o["status"] = ("scaled_by_cap" if o["capped"] else
                           "scaled_to_cash" if scale_s < 1 else "traded")
        while active:  # (4) half-unit rounding of costs: cut the largest buy
            tot = sum(o["v"] + o["cost"] for o in active)
            if tot <= A:
                break
            over = tot - A
            big = max(active, key=lambda o: (o["v"], -o["row"]))  # ties: the earlier row
            s = big["sec"]
            cut = big["v"] - math.ceil(Fr(over) / (1 + self.bps[big["i"]] / 10000))
            k = self.lots_within(s, Fr(cut))
            res["log"].append("E4 step 4: %s cut by overshoot %d -> %d lots" % (s.name, over, k))
            if k == 0:
                big["status"] = "not_funded"
                big["k"] = big["v"] = big["cost"] = 0
                active.remove(big)
                not_funded.append(big)
                continue
            big["k"], big["v"] = k, self.value_of(s, k)
            big["cost"] = self.cost_of(big["i"], big["v"])
        # the loop's shortfall (AMBIGUITY A17): (1 - s) sum x_j over the funded buys + every not_funded buy's
        # intended value + what is missing when A < 0 (cash after the sells below the buffer)
        funded = sum((o["x"] for o in active), Fr(0))
        shortfall = ((1 - scale_s) * funded if active else Fr(0))
        shortfall += sum((o["x"] for o in not_funded), Fr(0))
        if not FLOOR_FIRST:  # AMBIGUITY A15: "Cash never ends below 0", after the buys
            self.cash_floor(orders, res, frozen, C0)
        self.summarize(orders, res)
        shortfall += max(0, -A_raw, self.buffer_minor - res["cash_after"])
        res["shortfall_minor"] = shortfall
        res["s"] = scale_s
        # E6 band repair
        if repair:
            self.band_repair(orders, res)
        self.summarize(orders, res)
        return res

    def cash_floor(self, orders, res, frozen, C0):
        """E1 "Cash never ends below 0: when sells rounded down to lots raise a few units less than
        a withdrawal needs, whole lots more are sold (the securities already selling first,
        smallest lot first)". One lot at a time to the first security in that order that can
        still sell one (so: as many as needed of the smallest lot, then the next); then securities
        of free assets not selling (AMBIGUITY A15). Returns (sells, sell costs) after it."""
        sells = sum(-o["v"] for o in orders if o["v"] < 0)
        sell_costs = sum(o["cost"] for o in orders if o["v"] < 0)
        buys = sum(o["v"] + o["cost"] for o in orders if o["v"] > 0)
        if C0 + sells - sell_costs - buys >= 0:
            return sells, sell_costs
        lotv = lambda o: (o["sec"].lot * o["sec"].price, o["row"])
        tier1 = sorted([o for o in orders if o["k"] < 0], key=lotv)
        tier2 = sorted([o for o in orders if o["k"] == 0 and o["x"] <= 0
                        and not self.restricted[o["i"]] and o["i"] not in frozen], key=lotv)
        while C0 + sells - sell_costs - buys < 0:
            for o in tier1 + tier2:
                s = o["sec"]
                k2 = -o["k"] + 1
                if k2 > self.max_sell_lots(s):
                    continue
                v2 = self.value_of(s, k2)
                c2 = self.cost_of(o["i"], v2)
                if c2 >= v2:
                    continue
                sells += v2 + o["v"]
                sell_costs += c2 - o["cost"]
                if o["k"] == 0:
                    res["log"].append("cash floor: %s starts selling" % s.name)
                    o["status"] = "scaled_by_cap" if o["capped"] else "traded"
                o["k"], o["v"], o["cost"] = -k2, -v2, c2
                o["floor_lots"] = o.get("floor_lots", 0) + 1
                break
            else:
                raise Infeasible("cash_flow")
        res["log"].append("cash floor: " + ", ".join(
            "%s +%d lot(s)" % (o["sec"].name, o["floor_lots"])
            for o in orders if o.get("floor_lots")))
        return sells, sell_costs

    def asset_values(self, orders):
        v = [self.cp[i] * self.Vp * self.scale for i in range(self.n)]
        for o in orders:
            v[o["i"]] += o["v"]
        return v

    def summarize(self, orders, res):
        res["buys"] = sum(o["v"] for o in orders if o["v"] > 0)
        res["sells"] = -sum(o["v"] for o in orders if o["v"] < 0)
        res["costs"] = sum(o["cost"] for o in orders)
        res["cash_after"] = self.cash_before_minor + res["sells"] - res["buys"] - res["costs"]

    def band_repair(self, orders, res):
        """E6 (AMBIGUITY A8)."""
        sc, Vp = self.scale, self.Vp
        for i in range(self.n):
            if self.restricted[i]:
                continue
            self.summarize(orders, res)
            vals = self.asset_values(orders)
            lo, hi = self.l[i] * Vp * sc, self.u[i] * Vp * sc
            vi = vals[i]
            if lo <= vi <= hi:
                continue
            need_dir = 1 if vi < lo else -1
            best = None
            for o in orders:
                if o["i"] != i or o["k"] == 0:
                    continue
                s = o["sec"]
                unit_dir = 1 if o["k"] > 0 else -1
                kabs = abs(o["k"])
                # extra lots when the needed direction is the traded one, else fewer lots
                step = 1 if need_dir == unit_dir else -1
                for extra in range(1, 10**6):
                    k2 = kabs + step * extra
                    if k2 < 1:
                        break
                    v2 = self.value_of(s, k2)
                    if v2 < s.min * sc:
                        break
                    if unit_dir < 0 and k2 > self.max_sell_lots(s):
                        break
                    new_signed = unit_dir * v2
                    nv = vi - o["v"] + new_signed
                    if lo <= nv <= hi:
                        c2 = self.cost_of(i, v2)
                        if unit_dir < 0 and c2 >= v2:
                            break
                        dcash = -(new_signed - o["v"]) - (c2 - o["cost"])
                        if res["cash_after"] + dcash < self.buffer_minor:
                            break
                        turn = sum(abs(p["v"]) for p in orders) - abs(o["v"]) + v2
                        if turn > 2 * self.L * Vp * sc * (1 + TOL_CAP):
                            break
                        if best is None or extra < best[0]:
                            best = (extra, o, unit_dir * k2, new_signed, c2)
                        break
                    if (need_dir > 0 and nv > hi) or (need_dir < 0 and nv < lo):
                        break
            if best:
                _, o, k2, v2, c2 = best
                o["k"], o["v"], o["cost"] = k2, v2, c2
                o["repaired"] = True
        self.summarize(orders, res)

    # ----------------------------------------------------------------------------------------
    # The decide-execute loop
    # ----------------------------------------------------------------------------------------
    def lot_pin(self, i, orders, value_after):
        """Loop rule 0: an asset ordered as one security that whole lots leave outside its band
        after its orders is pinned at the fewest lots, in the direction the decision traded it,
        that put it inside its band, within holdings and its minimum order, checking that lot
        count and the next (rounding of the notional). Returns the weight, or None.
        "Outside"/"inside" as post_trade_band_status (1e-9 of V'); a count failing the minimum or
        the holdings is skipped, so the next one may be taken (AMBIGUITY A16)."""
        if len(self.secs[i]) != 1:
            return None
        o = next(p for p in orders if p["i"] == i)
        if o["x"] == 0:
            return None
        sc, Vp = self.scale, self.Vp
        T = Vp * sc
        lo, hi = (self.l[i] - TOL_POST) * T, (self.u[i] + TOL_POST) * T
        if lo <= value_after <= hi:
            return None
        s = o["sec"]
        cur = self.cp[i] * T
        unit = s.lot * s.price * sc
        side = 1 if o["x"] > 0 else -1
        gap = (self.l[i] * T - cur) if side > 0 else (cur - self.u[i] * T)
        m0 = max(1, math.ceil(gap / unit))
        for k in (m0, m0 + 1):
            v = self.value_of(s, k)
            after = cur + side * v
            if not lo <= after <= hi:
                continue
            if v < s.min * sc:
                continue
            if side < 0 and k > self.max_sell_lots(s):
                continue
            return after / T
        return None

    def plan(self):
        """The decide-execute loop: as many lot-pin and held-asset passes as needed (at most n)
        plus at most 4 cash passes (reserve and coarse lots; AMBIGUITY A13). Each pass applies the
        first of rules 0-3 that finds something, in that order (0 and 1 only when the cap does
        not bind)."""
        n, sc, Vp = self.n, self.scale, self.Vp
        held = {}      # asset -> statuses that held it
        pinned = {}    # asset -> weight
        kappa = Fr(0)
        coarse_done = False
        passes = pin_held_passes = cash_passes = 0
        log = []
        while True:
            passes += 1
            fixed = {i: self.cp[i] for i in held}
            fixed.update(pinned)
            w, traded, unplaced = self.decide(fixed, kappa)
            if not traded:
                res = self.execute(w, frozen=held, repair=False)
                for o in res["orders"]:
                    if o["status"] in (None, "in_band") and o["i"] not in held:
                        o["status"] = "in_band"
                break
            res = self.execute(w, frozen=held)
            log.extend("pass %d: %s" % (passes, m) for m in res["log"])
            # Each pass applies the first rule that finds something, in the order 0, 1, 2, 3;
            # rule 0 only when the cap does not bind.
            uncapped = not res["capped"]
            # 0. lot pins
            lot_pins = {}
            if uncapped and pin_held_passes < n:
                vals = self.asset_values(res["orders"])
                for i in range(n):
                    if i in held or i in pinned or self.restricted[i]:
                        continue
                    wpin = self.lot_pin(i, res["orders"], vals[i])
                    if wpin is not None:
                        lot_pins[i] = wpin
            if lot_pins:
                pin_held_passes += 1
                pinned.update(lot_pins)
                log.append("pass %d: lot pins %s" % (passes, ", ".join(
                    "%s at %s" % (self.names[i], float(x)) for i, x in lot_pins.items())))
                continue
            # 1. held assets
            newly = []
            for i in range(n):
                if i in held or i in pinned or self.restricted[i]:
                    continue
                os_ = [o for o in res["orders"] if o["i"] == i and o["x"] != 0]
                if os_ and all(o["status"] in ("below_min_trade", "rounded_to_zero",
                                               "cost_exceeds_proceeds") for o in os_):
                    newly.append(i)
            if newly and pin_held_passes < n:
                pin_held_passes += 1
                for i in newly:
                    held[i] = [o["status"] for o in res["orders"] if o["i"] == i]
                log.append("pass %d: held %s" % (passes, [self.names[i] for i in newly]))
                continue
            # 2. cash reserve: any shortfall; kappa += (shortfall + 1 minor unit per order) / V'
            short = res["shortfall_minor"]
            if short > 0:
                if cash_passes >= 4:
                    log.append("pass %d: shortfall %s left (4 cash passes used)" % (
                        passes, float(short / sc)))
                    break
                cash_passes += 1
                kappa += (short + res["n_orders"]) / (sc * Vp)
                log.append("pass %d: shortfall %s + %d orders x 1 minor unit -> kappa %s" % (
                    passes, float(short / sc), res["n_orders"], float(kappa)))
                continue
            # 3. coarse lots, once (AMBIGUITY A6)
            if not coarse_done:
                spare = res["cash_after"] - self.buffer_minor
                if spare >= Vp * sc / 10000:
                    left = [Fr(0)] * n
                    for o in res["orders"]:
                        # the order's intended amount (after the cap) - reached, signed (AMBIGUITY A6)
                        left[o["i"]] += o["x"] - o["v"]
                    free = [i for i in range(n) if i not in held and i not in pinned
                            and not self.restricted[i]]
                    cand = [i for i in free if left[i] >= Fr(spare, 2)]
                    others = [s for i in free if i not in cand for s in self.secs[i]]
                    if cand and any(s.lot * s.price * sc <= spare for s in others):
                        if cash_passes >= 4:
                            log.append("pass %d: coarse lots due, 4 cash passes used" % passes)
                            break
                        cash_passes += 1
                        coarse_done = True
                        vals = self.asset_values(res["orders"])
                        for i in cand:
                            pinned[i] = vals[i] / (Vp * sc)
                        log.append("pass %d: spare %s; pinned %s" % (
                            passes, float(spare / sc), [self.names[i] for i in cand]))
                        continue
            break
        # held rows keep the status that held them
        for o in res["orders"]:
            if o["i"] in held:
                sts = held[o["i"]]
                k = [p for p in res["orders"] if p["i"] == o["i"]].index(o)
                o["status"] = sts[k]
                o["held"] = True
        res.update(w=w, passes=passes, kappa=kappa, log=log, unplaced=unplaced,
                   held=held, pinned=pinned, traded=traded, pin_held_passes=pin_held_passes,
                   cash_passes=cash_passes)
        return res

    def report(self, res):
        sc, Vp = self.scale, self.Vp
        vals = self.asset_values(res["orders"])
        out = dict(securities=[], assets=[], totals={})
        for o in res["orders"]:
            s = o["sec"]
            k = o["k"]
            units = k * s.lot
            out["securities"].append(dict(
                security=s.name, asset=self.names[o["i"]], lots=k, units=dec_str(units),
                value=money(o["v"], self.dec), cost=money(o["cost"], self.dec),
                status=o["status"]))
        for i in range(self.n):
            wv = vals[i] / (Vp * sc)
            inside = self.l[i] - TOL_POST <= wv <= self.u[i] + TOL_POST
            out["assets"].append(dict(
                asset=self.names[i], position=self.pos[i], decided=res["w"][i],
                post=("inside" if inside else "outside"), weight_after=wv))
        t = out["totals"]
        t["total_buys"] = money(res["buys"], self.dec)
        t["total_sells"] = money(res["sells"], self.dec)
        t["total_costs"] = money(res["costs"], self.dec)
        t["cash_before"] = money(self.cash_before_minor, self.dec)
        t["cash_after"] = money(res["cash_after"], self.dec)
        t["cash_change"] = money(res["sells"] - res["buys"] - res["costs"], self.dec)
        executed = sum(abs(o["v"]) for o in res["orders"])
        t["turnover_Vp"] = Fr(executed, 1) / (2 * Vp * sc)
        t["turnover_V"] = Fr(executed, 1) / (2 * self.V * sc)
        t["turnover_before_cap"] = res["tau_before"]
        t["turnover_scale"] = res["scale"]
        t["binding"] = res["capped"]
        t["passes"] = res["passes"]
        t["trade_count"] = sum(1 for o in res["orders"] if o["k"] != 0)
        t["breaches"] = sum(1 for a in out["assets"] if a["post"] == "outside")
        t["kappa"] = res["kappa"]
        return out


def money(minor, dec):
    minor = int(minor)
    sgn = "-" if minor < 0 else ""
    m = abs(minor)
    if dec == 0:
        return "%s%d" % (sgn, m)
    return "%s%d.%0*d" % (sgn, m // 10**dec, dec, m % 10**dec)


def dec_str(x):
    """Exact decimal string of a Fraction whose denominator divides a power of 10."""
    x = Fr(x)
    sgn = "-" if x < 0 else ""
    x = abs(x)
    p = 0
    while (x * 10**p).denominator != 1:
        p += 1
        assert p <= 20
    i = (x * 10**p).numerator
    if p == 0:
        return sgn + str(i)
    s = str(i).rjust(p + 1, "0")
    return (sgn + s[:-p] + "." + s[-p:]).rstrip("0").rstrip(".")


# --------------------------------------------------------------------------------------------
# Cases (inputs copied from resources/scenarios.json; the holdings book is designed here)
# --------------------------------------------------------------------------------------------

RISK_OFF = dict(
    portfolio_value=100000, drift_threshold=0.02, turnover_limit=0.15, transaction_cost_bps=12,
    assets=[
        dict(asset="Mutual Fund", target_weight=0.25, current_weight=0.23, market_return=-0.012, price=42),
        dict(asset="ETF", target_weight=0.2, current_weight=0.24, market_return=-0.024, price=95),
        dict(asset="Stocks", target_weight=0.2, current_weight=0.22, market_return=-0.031, price=130),
        dict(asset="Commodity", target_weight=0.1, current_weight=0.11, market_return=0.007, price=77),
        dict(asset="FX", target_weight=0.1, current_weight=0.08, market_return=0.004, price=1.2),
        dict(asset="Crypto", target_weight=0.15, current_weight=0.12, market_return=-0.055, price=26000),
    ])

RISK_ON = dict(
    portfolio_value=100000, drift_threshold=0.02, turnover_limit=0.25, transaction_cost_bps=10,
    assets=[
        dict(asset="Mutual Fund", target_weight=0.25, current_weight=0.21, market_return=0.01, price=42),
        dict(asset="ETF", target_weight=0.2, current_weight=0.19, market_return=0.018, price=95),
        dict(asset="Stocks", target_weight=0.2, current_weight=0.23, market_return=0.026, price=130),
        dict(asset="Commodity", target_weight=0.1, current_weight=0.09, market_return=0.011, price=77),
        dict(asset="FX", target_weight=0.1, current_weight=0.08, market_return=0.003, price=1.2),
        dict(asset="Crypto", target_weight=0.15, current_weight=0.2, market_return=0.061, price=26000),
    ])

AUTUMN_2008 = dict(
    portfolio_value=1000000, drift_threshold=0.02, turnover_limit=0.2, transaction_cost_bps=10,
    risk_free_rate=0.02,
    assets=[
        dict(asset="JPM", asset_class="Stocks", target_weight=0.15, current_weight=0.215833, price=28.709),
        dict(asset="BAC", asset_class="Stocks", target_weight=0.15, current_weight=0.155636, price=16.795),
        dict(asset="XOM", asset_class="Stocks", target_weight=0.2, current_weight=0.165495, price=36.211),
        dict(asset="JNJ", asset_class="Stocks", target_weight=0.2, current_weight=0.203302, price=36.152),
        dict(asset="WMT", asset_class="Stocks", target_weight=0.15, current_weight=0.158859, price=36.635),
        dict(asset="AAPL", asset_class="Stocks", target_weight=0.15, current_weight=0.100875, price=2.938),
    ])

# Holdings book: V = 1,000,000; Stocks 550,000 (above its 0.46-0.52 band), ETF 270,000 (below
# 0.28-0.34; holding targets), Mutual Fund 180,000 (inside 0.17-0.23). Each class's current value
# is exactly sum quantity x last_price (no HOLDINGS_VALUE_MISMATCH).
HOLDINGS_BOOK = dict(
    portfolio_value=1000000, drift_threshold=0.03, transaction_cost_bps=5,
    assets=[
        dict(asset="Stocks", target_weight=0.49, current_weight=0.55, holdings=[
            dict(holding="AAPL", quantity=1000, last_price=190),
            dict(holding="MSFT", quantity=400, last_price=400),
            dict(holding="JNJ", quantity=500, last_price=150),
            dict(holding="XOM", quantity=1000, last_price=105),
            dict(holding="KO", quantity=400, last_price=50, min_trade_value=2500),
        ]),
        dict(asset="ETF", target_weight=0.31, current_weight=0.27, holdings=[
            dict(holding="SPY", quantity=200, last_price=500, target_weight=0.4),
            dict(holding="AGG", quantity=1000, last_price=98, target_weight=0.3),
            dict(holding="GLD", quantity=200, last_price=185, target_weight=0.15),
            dict(holding="VEA", quantity=700, last_price=50, target_weight=0.15),
        ]),
        dict(asset="Mutual Fund", target_weight=0.2, current_weight=0.18, holdings=[
            dict(holding="VFIAX", quantity=150.5, last_price=450),
            dict(holding="VBTLX", quantity=6000, last_price=10.5),
            dict(holding="VTIAX", quantity=1231.875, last_price=40),
        ]),
    ])


def with_(base, **kw):
    r = dict(base)
    r.update(kw)
    return r


def with_lots(base, lot, **kw):
    r = with_(base, **kw)
    r["assets"] = [dict(a, lot_size=lot) for a in base["assets"]]
    return r


CASES = [
    ("risk_off_target", with_(RISK_OFF, rebalance_to="target")),
    ("risk_off_band_edge", with_(RISK_OFF, rebalance_to="band_edge")),
    ("risk_on_target", with_(RISK_ON, rebalance_to="target")),
    ("risk_on_band_edge", with_(RISK_ON, rebalance_to="band_edge")),
    ("risk_off_contribution", with_(RISK_OFF, rebalance_to="target", cash_flow=20000)),
    ("risk_off_withdrawal", with_(RISK_OFF, rebalance_to="target", cash_weight=0.02,
                                  cash_flow=-15000)),
    ("autumn_2008_full_cap", with_(AUTUMN_2008, rebalance_to="full", turnover_limit=0.03)),
    # E1 withdrawal split: the cap binds and scaling every order by L/tau would leave cash < 0
    ("risk_on_withdrawal_capped", with_(RISK_ON, rebalance_to="target", cash_flow=-2000,
                                        turnover_limit=0.03)),
    ("holdings_book", with_(HOLDINGS_BOOK, rebalance_to="target")),
    # Loop rules 0 and 1 only when the cap does not bind: FX's buy (less than one lot) is not held
    ("risk_on_band_edge_capped", with_(RISK_ON, rebalance_to="band_edge", turnover_limit=0.03)),
    # Loop rule 3 under a binding cap: FX's buy rounded down to its coarse lot leaves the spare
    ("risk_off_contribution_capped", with_(RISK_OFF, rebalance_to="target", cash_flow=5000,
                                           turnover_limit=0.05)),
    # E4 step 2: a fixed fee makes the FX buy fail at s in pass 1 (not_funded, its intended value
    # enters the shortfall); with a cash floor the ETF buy fails in pass 2 (the buffer in A)
    ("risk_on_band_edge_fee", with_(RISK_ON, rebalance_to="band_edge", fixed_fee_per_trade=60,
                                    cash_flow=3000)),
    ("risk_on_band_edge_fee_floor", with_(RISK_ON, rebalance_to="band_edge",
                                          fixed_fee_per_trade=60, cash_floor=0.01)),
    # E4 step 4: lots fine enough (1e-6) that the half-unit rounding of the costs overshoots A
    ("risk_on_fine_lots", with_lots(RISK_ON, "0.000001", rebalance_to="target",
                                    transaction_cost_bps=25, cash_flow=1000)),
]


def frac_str(x):
    x = Fr(x)
    s = "%d/%d" % (x.numerator, x.denominator)
    return s if len(s) <= 40 else None


def main():
    as_json = "--json" in sys.argv
    allout = {}
    for name, req in CASES:
        book = Book(req)
        res = book.plan()
        out = book.report(res)
        allout[name] = out
        if as_json:
            continue
        print("=" * 100)
        print("%s   V=%s F=%s V'=%s mode=%s L=%s passes=%d kappa=%s" % (
            name, book.V, book.F, book.Vp, book.mode, book.L, res["passes"],
            float(res["kappa"])))
        for line in res["log"]:
            print("   ", line)
        print("  %-12s %-10s %6s %14s %14s %10s %s" % ("security", "asset", "lots", "units",
                                                      "value", "cost", "status"))
        for s in out["securities"]:
            print("  %-12s %-10s %6d %14s %14s %10s %s" % (
                s["security"], s["asset"][:10], s["lots"], s["units"], s["value"], s["cost"],
                s["status"]))
        print("  %-12s %-7s %-22s %-30s %s" % ("asset", "pos", "decided", "(exact)", "post"))
        for a in out["assets"]:
            print("  %-12s %-7s %-22r %-30s %s (%.10f)" % (
                a["asset"], a["position"], float(a["decided"]), frac_str(a["decided"]) or "",
                a["post"], float(a["weight_after"])))
        t = out["totals"]
        print("  buys %s sells %s costs %s cash before %s after %s | turnover(V') %.12f "
              "turnover(V) %.12f before cap %.12f scale %.12f binding %s trades %d breaches %d"
              % (t["total_buys"], t["total_sells"], t["total_costs"], t["cash_before"],
                 t["cash_after"], float(t["turnover_Vp"]), float(t["turnover_V"]),
                 float(t["turnover_before_cap"]), float(t["turnover_scale"]), t["binding"],
                 t["trade_count"], t["breaches"]))
    if as_json:
        def enc(o):
            if isinstance(o, Fr):
                return repr(float(o))
            raise TypeError
        slim = {}
        for name, out in allout.items():
            t = out["totals"]
            slim[name] = dict(
                orders=[[s["security"], s["units"], s["value"], s["cost"], s["status"]]
                        for s in out["securities"]],
                weights=[[a["asset"], float(a["decided"]), a["post"]] for a in out["assets"]],
                totals=dict(total_buys=t["total_buys"], total_sells=t["total_sells"],
                            total_costs=t["total_costs"], residual_cash=t["cash_after"],
                            cash_change=t["cash_change"],
                            turnover_used=float(t["turnover_Vp"]),
                            turnover_before_cap=float(t["turnover_before_cap"]),
                            turnover_scale=float(t["turnover_scale"]),
                            turnover_limit_binding=t["binding"],
                            band_breaches_remaining=t["breaches"],
                            trade_count=t["trade_count"], passes=t["passes"]))
        print(json.dumps(slim, indent=1, default=enc))


if __name__ == "__main__":
    main()
