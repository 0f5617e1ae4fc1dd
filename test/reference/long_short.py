"""Reference solutions for test/unit/optimize/long-short.test.ts
(run: python3 test/reference/long_short.py).

Independent of the app's HiGHS model (no p/q split, no scaling, no homogenization):
1. scipy.optimize.minimize (SLSQP, ftol 1e-15) on the problem as stated, with |w_i| and
   |w_i - w0_i| written smoothly as w = p - q (p, q >= 0) — only to find the active set.
2. The exact solution on that active set: each asset is at its lower or upper bound, at a kink
   (w_i = 0 when the gross row is active, w_i = w0_i when the turnover row is active) or free;
   the free weights solve the equality-constrained KKT system of the QP (numpy.linalg.solve) with
   the active rows  sum w = net (1, or 0 market-neutral),  sum sign(w_i) w_i = G (gross),
   sum sign(w_i - w0_i)(w_i - w0_i) = 2 tau (turnover), optional return floor mu'w >= r.
   efficient_risk: the mean-variance QP with risk aversion lam on that active set, lam found by
   brentq so that w'Sw = sigma^2 (the multiplier of the volatility constraint).
   max_sharpe: the homogenized QP min y'Sy s.t. (mu - rf)'y = 1, sum y = kappa, active rows
   scaled by kappa; w = y / kappa.
3. The certificate is checked here: multipliers of bound rows have the right sign, a kink's
   multiplier lies within the row's multiplier (|z_i| <= gamma for w_i = 0), inequality
   multipliers >= 0, primal feasibility to 1e-12. The script stops if any check fails.
Conventions as the app's optimizer (src/optimize/qp/optimize.ts): weights are fractions of NAV,
Sigma and mu annual, excess = mu - rf, no costs, full investment sum w = 1 (long_only,
long_short) or sum w = 0 (market_neutral), gross sum |w| <= G, one-way turnover sum|w - w0|/2 <= tau.
"""
import numpy as np
from scipy.optimize import brentq, minimize

VOL = np.array([0.20, 0.15, 0.25, 0.10, 0.30])
CORR = np.array([
    [1.0, 0.3, 0.5, 0.1, 0.4],
    [0.3, 1.0, 0.2, 0.2, 0.3],
    [0.5, 0.2, 1.0, 0.0, 0.5],
    [0.1, 0.2, 0.0, 1.0, 0.1],
    [0.4, 0.3, 0.5, 0.1, 1.0],
])
S = np.outer(VOL, VOL) * CORR
MU = np.array([0.08, 0.06, 0.02, 0.03, -0.04])
RF = 0.02
E = MU - RF
N = 5
W0_LONG = np.array([0.3, 0.2, 0.2, 0.2, 0.1])
W0_LS = np.array([0.5, 0.4, 0.2, 0.1, -0.2])
W0_MN = np.array([0.3, 0.1, -0.2, 0.0, -0.2])
WT_LS = np.array([0.6, 0.3, 0.2, 0.2, -0.3])
WT_MN = np.array([0.4, 0.2, -0.3, 0.1, -0.4])

CASES = {
    "A_minvar_long": dict(obj="variance", lo=0, hi=1, net=1, w0=W0_LONG),
    "B_meanvar_long": dict(obj="mv", lam=4, lo=0, hi=1, net=1, w0=W0_LONG),
    "C_minvar_ls": dict(obj="variance", lo=-1, hi=1, net=1, G=1.6, w0=W0_LS),
    "D_meanvar_ls": dict(obj="mv", lam=4, lo=-1, hi=1, net=1, G=1.6, w0=W0_LS),
    "E_meanvar_mn": dict(obj="mv", lam=4, lo=-1, hi=1, net=0, G=1.0, w0=W0_MN),
    "F_track_ls": dict(obj="track", lo=-1, hi=1, net=1, G=1.5, tau=0.15, w0=W0_LS, wt=WT_LS),
    "G_sharpe_ls": dict(obj="sharpe", lo=-1, hi=1, net=1, G=1.6, w0=W0_LS),
    "H_effrisk_mn": dict(obj="risk", sigma=0.08, lo=-1, hi=1, net=0, G=2.0, w0=W0_MN),
    "I_effret_ls": dict(obj="return", target=0.10, lo=-1, hi=1, net=1, G=1.6, w0=W0_LS),
    "J_effrisk_ls": dict(obj="risk", sigma=0.15, lo=-1, hi=1, net=1, G=1.3, w0=W0_LS),
    "K_minvar_mn_tau": dict(obj="variance", lo=-0.5, hi=0.5, net=0, G=1.2, tau=0.25, w0=W0_MN),
    "L_effret_mn": dict(obj="return", target=0.07, lo=-1, hi=1, net=0, G=1.5, w0=W0_MN),
    "M_track_mn": dict(obj="track", lo=-1, hi=1, net=0, G=0.8, tau=0.3, w0=W0_MN, wt=WT_MN),
    "N_sharpe_long": dict(obj="sharpe", lo=0, hi=1, net=1, w0=W0_LONG),
}


def slsqp(c):
    """Step 1: SLSQP on z = (w, p, q, b, s) with w = p - q, w - w0 = b - s."""
    n = N
    w0 = c["w0"]
    lam = c.get("lam", 1.0)

    def split(z):
        return z[:n], z[n:2 * n], z[2 * n:3 * n], z[3 * n:4 * n], z[4 * n:]

    def f(z):
        w = split(z)[0]
        o = c["obj"]
        if o == "variance" or o == "return":
            return 100 * w @ S @ w
        if o == "mv":
            return 100 * (lam / 2 * w @ S @ w - E @ w)
        if o == "track":
            d = w - c["wt"]
            return 100 * d @ S @ d
        if o == "risk":
            return -100 * E @ w
        if o == "sharpe":
            return -(E @ w) / np.sqrt(w @ S @ w)
        raise ValueError(o)

    cons = [
        {"type": "eq", "fun": lambda z: np.sum(split(z)[0]) - c["net"]},
        {"type": "eq", "fun": lambda z: split(z)[0] - split(z)[1] + split(z)[2]},
        {"type": "eq", "fun": lambda z: split(z)[0] - w0 - split(z)[3] + split(z)[4]},
    ]
    if "G" in c:
        cons.append({"type": "ineq", "fun": lambda z: c["G"] - np.sum(split(z)[1] + split(z)[2])})
    if "tau" in c:
        cons.append(
            {"type": "ineq", "fun": lambda z: 2 * c["tau"] - np.sum(split(z)[3] + split(z)[4])}
        )
    if c["obj"] == "risk":
        cons.append({"type": "ineq", "fun": lambda z: c["sigma"] ** 2 - split(z)[0] @ S @ split(z)[0]})
    if c["obj"] == "return":
        cons.append({"type": "ineq", "fun": lambda z: RF + E @ split(z)[0] - c["target"]})
    bounds = [(c["lo"], c["hi"])] * n + [(0, None)] * (4 * n)
    best = None
    for seed in range(6):
        rng = np.random.default_rng(seed)
        w = rng.uniform(-0.2, 0.2, n)
        w += (c["net"] - w.sum()) / n
        z0 = np.concatenate([w, np.maximum(w, 0), np.maximum(-w, 0),
                             np.maximum(w - w0, 0), np.maximum(w0 - w, 0)])
        r = minimize(f, z0, method="SLSQP", bounds=bounds, constraints=cons,
                     options={"ftol": 1e-15, "maxiter": 2000})
        if r.success and (best is None or r.fun < best.fun - 1e-12):
            best = r
    assert best is not None
    return best.x[:n]


def active_set(c, w, tol=1e-6):
    """Per asset: 'lo', 'hi', 'zero' (gross kink), 'w0' (turnover kink) or 'free'."""
    G = c.get("G")
    tau = c.get("tau")
    gross_on = G is not None and abs(np.sum(np.abs(w)) - G) < 1e-6
    tau_on = tau is not None and abs(np.sum(np.abs(w - c["w0"])) / 2 - tau) < 1e-6
    st = []
    for i in range(N):
        if abs(w[i] - c["lo"]) < tol:
            st.append("lo")
        elif abs(w[i] - c["hi"]) < tol:
            st.append("hi")
        elif gross_on and abs(w[i]) < tol:
            st.append("zero")
        elif tau_on and abs(w[i] - c["w0"][i]) < tol:
            st.append("w0")
        else:
            st.append("free")
    return st, gross_on, tau_on


def eq_rows(c, w, st, gross_on, tau_on, kappa=False):
    """Active equality rows A x = b over x = w (or (y, kappa)); returns A, b, row kinds."""
    n = N
    m = n + (1 if kappa else 0)
    A, b, kind = [], [], []

    def row(coef, rhs, k, kap=0.0):
        a = np.zeros(m)
        a[:n] = coef
        if kappa:
            a[n] = -rhs if kap == 0.0 else kap
            A.append(a)
            b.append(0.0)
        else:
            A.append(a)
            b.append(rhs)
        kind.append(k)

    row(np.ones(n), c["net"], "net")
    for i in range(n):
        e = np.zeros(n)
        e[i] = 1
        if st[i] == "lo":
            row(e, c["lo"], ("lo", i))
        elif st[i] == "hi":
            row(e, c["hi"], ("hi", i))
        elif st[i] == "zero":
            row(e, 0.0, ("zero", i))
        elif st[i] == "w0":
            row(e, c["w0"][i], ("w0", i))
    if gross_on:
        sg = np.where(np.array(st) == "zero", 0.0, np.sign(w))
        row(sg, c["G"], "gross")
    if tau_on:
        sg = np.where(np.array(st) == "w0", 0.0, np.sign(w - c["w0"]))
        row(sg, 2 * c["tau"] + sg @ c["w0"], "tau")
    return np.array(A), np.array(b), kind


def solve_eq_qp(H, g, A, b):
    """min 1/2 x'Hx + g'x s.t. Ax = b: [H A'; A 0][x; -nu] = [-g; b]; returns x, nu (Hx + g = A'nu)."""
    m = H.shape[0]
    k = A.shape[0]
    K = np.zeros((m + k, m + k))
    K[:m, :m] = H
    K[:m, m:] = A.T
    K[m:, :m] = A
    sol = np.linalg.solve(K, np.concatenate([-g, b]))
    return sol[:m], -sol[m:]


def certify(c, w, nu, kind, sign_obj=1.0):
    """Multiplier signs of the min problem (gradient = A'nu): see the module docstring."""
    gamma = next((nu[j] for j, k in enumerate(kind) if k == "gross"), 0.0)
    theta = next((nu[j] for j, k in enumerate(kind) if k == "tau"), 0.0)
    # gross / turnover rows are <= rows of a min problem: their multiplier (grad = A'nu) is <= 0.
    assert gamma <= 1e-10 and theta <= 1e-10, (gamma, theta)
    for j, k in enumerate(kind):
        if isinstance(k, tuple):
            t, i = k
            if t == "lo":
                assert nu[j] >= -1e-10, (k, nu[j])
            elif t == "hi":
                assert nu[j] <= 1e-10, (k, nu[j])
            elif t == "zero":
                assert abs(nu[j]) <= -gamma + 1e-10, (k, nu[j], gamma)
            elif t == "w0":
                assert abs(nu[j]) <= -theta + 1e-10, (k, nu[j], theta)
    assert np.all(w >= c["lo"] - 1e-12) and np.all(w <= c["hi"] + 1e-12)
    if "G" in c:
        assert np.sum(np.abs(w)) <= c["G"] + 1e-12
    if "tau" in c:
        assert np.sum(np.abs(w - c["w0"])) / 2 <= c["tau"] + 1e-12
    assert abs(np.sum(w) - c["net"]) < 1e-12


def exact(c, w):
    st, gross_on, tau_on = active_set(c, w)
    o = c["obj"]
    if o == "sharpe":
        A, b, kind = eq_rows(c, w, st, gross_on, tau_on, kappa=True)
        # Return normalization (mu - rf)'y = 1.
        A = np.vstack([A, np.concatenate([E, [0.0]])])
        b = np.concatenate([b, [1.0]])
        H = np.zeros((N + 1, N + 1))
        H[:N, :N] = 2 * S
        x, nu = solve_eq_qp(H, np.zeros(N + 1), A, b)
        w = x[:N] / x[N]
        # Multipliers of the homogenized rows carry the signs of the w-space rows.
        certify(c, w, nu[:-1], kind)
        return w, st, gross_on, tau_on, None
    A, b, kind = eq_rows(c, w, st, gross_on, tau_on)
    if o in ("variance", "return"):
        H, g = 2 * S, np.zeros(N)
    elif o == "track":
        H, g = 2 * S, -2 * S @ c["wt"]
    elif o == "mv":
        H, g = c["lam"] * S, -E
    lam = None
    if o == "return":
        ret_on = abs(RF + E @ w - c["target"]) < 1e-6
        if ret_on:
            A = np.vstack([A, E])
            b = np.concatenate([b, [c["target"] - RF]])
            kind = kind + ["ret"]
    if o == "risk":
        def vol_gap(l):
            x, _ = solve_eq_qp(l * S, -E, A, b)
            return x @ S @ x - c["sigma"] ** 2
        lam = brentq(vol_gap, 1e-3, 1e4, xtol=1e-15, rtol=1e-15, maxiter=500)
        H, g = lam * S, -E
    x, nu = solve_eq_qp(H, g, A, b)
    if o == "return" and kind[-1] == "ret":
        assert nu[-1] >= -1e-10, nu[-1]  # >= row of a min problem: multiplier >= 0
        certify(c, x, nu[:-1], kind[:-1])
    else:
        certify(c, x, nu, kind)
    return x, st, gross_on, tau_on, lam


def main():
    np.set_printoptions(precision=17)
    assert np.all(np.linalg.eigvalsh(S) > 0)
    for name, c in CASES.items():
        w_sl = slsqp(c)
        w, st, g_on, t_on, lam = exact(c, w_sl)
        assert np.max(np.abs(w - w_sl)) < 1e-5, (name, w, w_sl)
        print(f"{name}: weights {[float(repr_) for repr_ in w]}")
        print(f"  active {st} gross_binding {g_on} turnover_binding {t_on}"
              + (f" lambda {lam!r}" if lam is not None else ""))
        print(f"  gross {np.sum(np.abs(w))!r} net {np.sum(w)!r} vol {np.sqrt(w @ S @ w)!r}"
              f" ret {RF + E @ w!r} |slsqp - exact| {np.max(np.abs(w - w_sl)):.1e}")


if __name__ == "__main__":
    main()
