#!/usr/bin/env python3
"""Python peers for bench/optimizer.bench.ts (run by it; or: python3 bench/optimizer_python.py cases.json).

For every case written by the TypeScript bench (same data, same model):
- highspy (native HiGHS 1.15): the exact scaled QP arrays the TypeScript model builder produced
  (weights x s, objective x s^2, s = max(100, n)), passed with passModel, same options
  (qp_regularization_value 1e-12, time_limit 60) and the same retry ladder on `Solve error`
  (user_bound_scale 5, then 8). `solve_ms` = run() time(s); `e2e_ms` = passModel + run(), retries included.
- cvxpy + Clarabel: cvxpy's own formulation of the same problem (w = w0 + b - s, costs paid from
  cash, one-way turnover cap; dense quad_form or the factor form ||G'(w - wt)||^2 + sum d (w - wt)^2).
  `e2e_ms` = prob.solve() wall time (canonicalization included); `solve_ms` = Clarabel's own time.
Each prints one JSON line with p50 over the case's runs after one warm-up. Objectives are in the
TypeScript result's natural units so the bench can compare them.
"""
import json
import statistics
import sys
import time

import numpy as np


def p50(xs):
    return statistics.median(xs)


def highspy_case(c):
    import highspy

    m = c["model"]
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
    if m["hStarts"] is not None:
        h = highspy.HighsHessian()
        h.dim_ = m["numCols"]
        h.format_ = highspy.HessianFormat.kTriangular
        h.start_ = np.asarray(m["hStarts"], dtype=np.int32)
        h.index_ = np.asarray(m["hIndices"], dtype=np.int32)
        h.value_ = np.asarray(m["hValues"], dtype=float)
        model.hessian_ = h
    e2e, solve, status, obj, it, retries = [], [], None, None, None, 0
    for r in range(c["runs"] + 1):
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
        t2 = time.perf_counter()
        obj = hs.getInfo().objective_function_value / m["objScale"]
        it = hs.getInfo().qp_iteration_count
        if r > 0:
            e2e.append((t2 - t0) * 1e3)
            solve.append(solve_s * 1e3)
    return {
        "name": "python_highspy_native",
        "e2e_ms": round(p50(e2e), 3),
        "solve_ms": round(p50(solve), 3),
        "status": status,
        "retries": retries,
        "iterations": it,
        "objective": obj,
    }


def cvxpy_case(c):
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
    cov = c["cov"]
    if cov["kind"] == "dense":
        S = np.asarray(cov["matrix"]).reshape(n, n)
        risk = cp.quad_form(d, cp.psd_wrap(S))
    else:
        k = cov["k"]
        B = np.asarray(cov["loadings"]).reshape(n, k)
        F = np.asarray(cov["factorCov"]).reshape(k, k)
        G = B @ np.linalg.cholesky(F)
        risk = cp.sum_squares(G.T @ d) + cp.sum(cp.multiply(np.asarray(cov["specificVar"]), cp.square(d)))
    prob = cp.Problem(cp.Minimize(risk + obj_cost), cons)
    runs = c["runs"] if n < 1000 or cov["kind"] != "dense" else min(c["runs"], 3)
    e2e, solve = [], []
    for r in range(runs + 1):
        t0 = time.perf_counter()
        prob.solve(solver=cp.CLARABEL)
        t1 = time.perf_counter()
        if r > 0:
            e2e.append((t1 - t0) * 1e3)
            solve.append((prob.solver_stats.solve_time or 0) * 1e3)
    return {
        "name": "python_cvxpy_clarabel",
        "e2e_ms": round(p50(e2e), 3),
        "solve_ms": round(p50(solve), 3),
        "status": prob.status,
        "iterations": prob.solver_stats.num_iters,
        "objective": float(prob.value),
    }


def main():
    cases = json.load(open(sys.argv[1]))
    for c in cases:
        for fn in (highspy_case, cvxpy_case):
            try:
                row = fn(c)
            except Exception as e:  # report and continue with the next peer
                row = {"name": fn.__name__, "error": repr(e)[:300]}
            row.update({"case": c["name"], "n": c["n"]})
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
