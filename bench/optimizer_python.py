#!/usr/bin/env python3
"""Python peers for bench/optimizer.bench.ts (run by it; or: python3 bench/optimizer_python.py cases.json;
python3 bench/optimizer_python.py --hrp hrp.json for the HRP rows, numpy + scipy only).

For every case written by the TypeScript bench (same data, same model):
- highspy (native HiGHS 1.15): the scaled QP arrays the TypeScript model builder produced
  (weights x s, objective x s^2, s = max(100, n)); the dense Hessian 2*Sigma is rebuilt here from
  the factor parts in the same lower-triangular order (JSON of 500k entries per instance would
  dominate the run). Passed with passModel, same options
  (qp_regularization_value 1e-12, time_limit 60) and the same retry ladder on `Solve error`
  (user_bound_scale 5, then 8). `solve_ms` = run() time(s); `e2e_ms` = passModel + run(), retries included.
- cvxpy + Clarabel: cvxpy's own formulation of the same problem (w = w0 + b - s, costs paid from
  cash, one-way turnover cap; dense quad_form or the factor form ||G'(w - wt)||^2 + sum d (w - wt)^2).
  `e2e_ms` = prob.solve() wall time (canonicalization included); `solve_ms` = Clarabel's own time.
Each prints one JSON line per case with p50 over all solves of its instances (after one warm-up)
and the objective of each instance in natural units, which the bench compares with its own.
cvxpy solves each dense n = 1,000 instance once (about half a second each).
"""
import json
import statistics
import sys
import time

import numpy as np


def p50(xs):
    return statistics.median(xs)


def dense_sigma(c):
    if c["factors"] is not None:
        f = c["factors"]
        n, k = c["n"], f["k"]
        B = np.asarray(f["B"]).reshape(n, k)
        F = np.asarray(f["F"]).reshape(k, k)
        return B @ F @ B.T + np.diag(f["d"])
    return np.asarray(c["matrix"]).reshape(c["n"], c["n"])


def highspy_solve(c, model_cache):
    """One timed solve of the exact TypeScript model (Hessian rebuilt as 2*Sigma, lower triangle)."""
    import highspy

    m = c["model"]
    if id(c) not in model_cache:
        inf = highspy.kHighsInf

        def fix(v):
            a = np.asarray(v, dtype=float)
            a[a >= 1e30] = inf
            a[a <= -1e30] = -inf
            return a

        lp = highspy.HighsLp()
        lp.num_col_ = m["numCols"]
        lp.num_row_ = m["numRows"]
        lp.col_cost_ = np.asarray(m["colCost"], dtype=float)
        lp.col_lower_ = fix(m["colLower"])
        lp.col_upper_ = fix(m["colUpper"])
        lp.row_lower_ = fix(m["rowLower"])
        lp.row_upper_ = fix(m["rowUpper"])
        lp.offset_ = m["offset"]
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.asarray(m["starts"], dtype=np.int32)
        lp.a_matrix_.index_ = np.asarray(m["indices"], dtype=np.int32)
        lp.a_matrix_.value_ = np.asarray(m["values"], dtype=float)
        model = highspy.HighsModel()
        model.lp_ = lp
        h = highspy.HighsHessian()
        h.dim_ = m["numCols"]
        h.format_ = highspy.HessianFormat.kTriangular
        if m.get("hessianFromFactors"):
            n = c["n"]
            S = dense_sigma(c)
            J, I = np.triu_indices(n)  # column j, rows i >= j, in the TypeScript order
            counts = np.concatenate([[0], np.cumsum(np.arange(n, 0, -1))])
            starts = np.concatenate([counts, np.full(m["numCols"] - n, counts[-1])])
            h.start_ = starts.astype(np.int32)
            h.index_ = I.astype(np.int32)
            h.value_ = 2.0 * S[I, J]
        else:
            h.start_ = np.asarray(m["hStarts"], dtype=np.int32)
            h.index_ = np.asarray(m["hIndices"], dtype=np.int32)
            h.value_ = np.asarray(m["hValues"], dtype=float)
        model.hessian_ = h
        model_cache[id(c)] = model
    model = model_cache[id(c)]
    t0 = time.perf_counter()
    solve_s = 0.0
    # The same retry ladder as the TypeScript adapter: user_bound_scale 0, then 5, then 8.
    for retries, ubs in enumerate((0, 5, 8)):
        hs = highspy.Highs()
        hs.setOptionValue("output_flag", False)
        hs.setOptionValue("qp_regularization_value", 1e-12)
        hs.setOptionValue("time_limit", 60.0)
        hs.setOptionValue("user_bound_scale", ubs)
        hs.passModel(model)
        t1 = time.perf_counter()
        hs.run()
        solve_s += time.perf_counter() - t1
        status = hs.modelStatusToString(hs.getModelStatus())
        if status != "Solve error":
            break
    e2e = time.perf_counter() - t0
    return e2e * 1e3, solve_s * 1e3, status, retries, hs.getInfo().objective_function_value / m["objScale"]


def cvxpy_problem(c):
    import cvxpy as cp

    n = c["n"]
    w0 = np.asarray(c["w0"])
    w = cp.Variable(n)
    cons = [w >= 0, w <= 1]
    obj_cost = 0
    budget = cp.sum(w)
    if c["cost"] is not None or c["tau"] is not None:
        b = cp.Variable(n)
        s = cp.Variable(n)
        cons += [b >= 0, s >= 0, w == w0 + b - s]
        if c["cost"] is not None:
            cst = np.asarray(c["cost"])
            obj_cost = cst @ (b + s)
            budget = budget + cst @ (b + s)
        if c["tau"] is not None:
            cons.append(cp.sum(b + s) <= 2 * c["tau"])
    cons.append(budget == 1)
    target = np.asarray(c["wt"]) if c["method"] == "track_target" else np.zeros(n)
    d = w - target
    if c["form"] == "dense":
        risk = cp.quad_form(d, cp.psd_wrap(dense_sigma(c)))
    else:
        f = c["factors"]
        k = f["k"]
        B = np.asarray(f["B"]).reshape(n, k)
        G = B @ np.linalg.cholesky(np.asarray(f["F"]).reshape(k, k))
        risk = cp.sum_squares(G.T @ d) + cp.sum(cp.multiply(np.asarray(f["d"]), cp.square(d)))
    return cp.Problem(cp.Minimize(risk + obj_cost), cons)


def cvxpy_solve(c, cache):
    import cvxpy as cp

    if id(c) not in cache:
        cache[id(c)] = cvxpy_problem(c)
    prob = cache[id(c)]
    t0 = time.perf_counter()
    prob.solve(solver=cp.CLARABEL)
    e2e = time.perf_counter() - t0
    return e2e * 1e3, (prob.solver_stats.solve_time or 0) * 1e3, prob.status, 0, float(prob.value)


def run_peer(name, fn, group):
    """p50 over every timed solve of the case's instances (first instance warmed up once)."""
    cache = {}
    e2e, solve, objectives, statuses, retried = [], [], [], set(), 0
    fn(group[0], cache)  # warm-up
    for c in group:
        runs = c["runs"] if name == "python_highspy_native" or c["n"] < 1000 or c["form"] != "dense" else 1
        for _ in range(runs):
            t, s, status, retries, obj = fn(c, cache)
            e2e.append(t)
            solve.append(s)
        statuses.add(status)
        retried += 1 if retries else 0
        objectives.append(obj)
        cache.clear()
    return {
        "name": name,
        "solves": len(e2e),
        "e2e_ms": round(p50(e2e), 3),
        "e2e_max_ms": round(max(e2e), 3),
        "solve_ms": round(p50(solve), 3),
        "status": sorted(statuses),
        "instances_with_retry": retried,
        "objectives": objectives,
    }


def hrp_numpy(S, method):
    """PyPortfolioOpt's HRPOpt.optimize on a covariance: scipy linkage on squareform(d), the
    pre-order of to_tree, bisection of the list by halves (inverse-variance cluster variances)."""
    import scipy.cluster.hierarchy as sch
    import scipy.spatial.distance as ssd

    sd = np.sqrt(np.diag(S))
    rho = S / np.outer(sd, sd)
    d = np.sqrt(np.clip((1 - rho) / 2, 0, 1))
    Z = sch.linkage(ssd.squareform(d, checks=False), method)
    order = sch.to_tree(Z, rd=False).pre_order()
    w = np.ones(len(S))
    items = [order]
    while items:
        items = [i[a:b] for i in items for a, b in ((0, len(i) // 2), (len(i) // 2, len(i))) if len(i) > 1]
        for k in range(0, len(items), 2):
            v = []
            for it in (items[k], items[k + 1]):
                c = S[np.ix_(it, it)]
                iv = 1 / np.diag(c)
                iv /= iv.sum()
                v.append(iv @ c @ iv)
            alpha = 1 - v[0] / (v[0] + v[1])
            w[items[k]] *= alpha
            w[items[k + 1]] *= 1 - alpha
    return w


def hrp_main(path):
    """--hrp: one JSON line per case: p50 of 21 runs (after a warm-up) and the largest weight
    difference to the TypeScript weights of the same case."""
    for c in json.load(open(path)):
        n = c["n"]
        f = c["factors"]
        B = np.asarray(f["B"]).reshape(n, f["k"])
        S = B @ np.asarray(f["F"]).reshape(f["k"], f["k"]) @ B.T + np.diag(f["d"])
        hrp_numpy(S, c["linkage"])
        t = []
        for _ in range(21):
            t0 = time.perf_counter()
            w = hrp_numpy(S, c["linkage"])
            t.append((time.perf_counter() - t0) * 1e3)
        print(json.dumps({
            "name": "python_scipy_hrp", "case": "hrp", "linkage": c["linkage"], "n": n,
            "hrp_ms": round(p50(t), 3),
            "max_weight_diff_vs_ts": float(np.max(np.abs(w - np.asarray(c["ours"])))),
        }), flush=True)


def main():
    if sys.argv[1] == "--hrp":
        hrp_main(sys.argv[2])
        return
    cases = json.load(open(sys.argv[1]))
    groups = {}
    for c in cases:
        groups.setdefault((c["name"], c["n"]), []).append(c)
    for (name, n), group in groups.items():
        for peer, fn in (("python_highspy_native", highspy_solve), ("python_cvxpy_clarabel", cvxpy_solve)):
            try:
                row = run_peer(peer, fn, group)
            except Exception as e:  # report and continue with the next peer
                row = {"name": peer, "error": repr(e)[:300]}
            row.update({"case": name, "n": n, "instances": len(group)})
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
