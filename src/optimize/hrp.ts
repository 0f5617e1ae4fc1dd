/**
 * Hierarchical risk parity (HRP; M. López de Prado, "Building diversified portfolios that
 * outperform out of sample", J. Portfolio Management 42(4), 2016), with PyPortfolioOpt's
 * conventions (`HRPOpt.optimize`, which Riskfolio-Lib's `HCPortfolio` shares except where noted):
 *
 * 1. Correlation distance  d_ij = √(clip((1 − ρ_ij) / 2, 0, 1)),  ρ_ij = Σ_ij / √(Σ_ii Σ_jj)
 *    (or a correlation matrix given separately, e.g. pandas' pairwise `corr()`).
 * 2. Tree clustering: agglomerative linkage on the condensed vector of d itself — PyPortfolioOpt
 *    and Riskfolio pass `squareform(d)` to `scipy.cluster.hierarchy.linkage`, for `ward` too (the
 *    2016 paper passed the square matrix, so scipy clustered the Euclidean distances between the
 *    columns of d, a "distance of distances"; we follow the libraries, not the paper). The merges
 *    and their order reproduce scipy exactly: `single` by scipy's minimum-spanning-tree algorithm,
 *    `complete`, `average` and `ward` by its nearest-neighbour chain with the Lance–Williams updates
 *      complete  max(d_xi, d_yi)
 *      average   (n_x d_xi + n_y d_yi) / (n_x + n_y)
 *      ward      √(((n_i + n_x) d_xi² + (n_i + n_y) d_yi² − n_i d_xy²) / (n_x + n_y + n_i)),
 *    then a stable sort by height and union-find relabelling (cluster n + k is row k; each row
 *    lists the smaller id first). O(n²) time, n(n − 1)/2 doubles.
 * 3. Quasi-diagonalization: the leaves in pre-order, left (smaller id) child first — scipy's
 *    `to_tree(Z).pre_order()` (= `leaves_list`, no optimal leaf ordering; Riskfolio reorders
 *    with `optimal_ordering=True` by default).
 * 4. Recursive bisection of that list (not of the tree): each list is split into halves
 *    [0, ⌊m/2⌋) and [⌊m/2⌋, m); with V_1, V_2 the variances of the halves' inverse-variance
 *    portfolios (weights ∝ 1/Σ_ii inside the half), the first half's weights are multiplied by
 *    α = 1 − V_1 / (V_1 + V_2) and the second's by 1 − α, down to single assets.
 *
 * Weights are positive and sum to 1. Σ's scale does not matter (daily or annual Σ give the same
 * weights). Order: leaves merged directly from two single assets are ordered by their index, so
 * the list — and the weights, since a bisection boundary can fall between them — depend on the
 * order of the assets (so they do in PyPortfolioOpt and Riskfolio). `labels` makes the result a
 * function of the data alone: the computation runs on the assets sorted by label (UTF-16 code
 * units) and the result is mapped back, so any permutation of the input gives the same weights.
 */

export const HRP_LINKAGES = ['single', 'complete', 'average', 'ward'] as const;
export type HrpLinkage = (typeof HRP_LINKAGES)[number];

export interface HrpResult {
  /** Weights in the input order: positive, summing to 1. */
  weights: Float64Array;
  /** Quasi-diagonal order: input indices, left to right. */
  order: Int32Array;
  /**
   * scipy's linkage matrix Z, (n − 1) × 4 row-major: [id_a, id_b, height, size]; ids < n are input
   * indices (in the input order, also with `labels`), id n + k is the cluster formed in row k.
   */
  linkage: Float64Array;
  linkageMethod: HrpLinkage;
}

export interface HrpOptions {
  linkage?: HrpLinkage;
  /** Correlation matrix (n × n row-major) to cluster on instead of the one implied by Σ. */
  corr?: Float64Array;
  /** Asset labels: compute in label order (see the file comment). */
  labels?: readonly string[];
}

/** Index of pair (i, j), i ≠ j, in scipy's condensed distance vector. */
function cidx(n: number, i: number, j: number): number {
  if (i > j) [i, j] = [j, i];
  return n * i - (i * (i + 1)) / 2 + (j - i - 1);
}

/**
 * Condensed correlation distances √(clip((1 − ρ)/2, 0, 1)) from Σ (or a given correlation).
 * Throws RangeError when a variance is not positive (its correlation is undefined).
 */
export function correlationDistance(
  cov: Float64Array,
  n: number,
  corr?: Float64Array,
): Float64Array {
  const sd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = cov[i * n + i] as number;
    if (!(v > 0) || !Number.isFinite(v))
      throw new RangeError(`asset ${i} has variance ${v}: HRP needs every variance > 0`);
    sd[i] = Math.sqrt(v);
  }
  const out = new Float64Array((n * (n - 1)) / 2);
  let p = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const rho = corr
        ? (corr[i * n + j] as number)
        : (cov[i * n + j] as number) / ((sd[i] as number) * (sd[j] as number));
      if (!Number.isFinite(rho))
        throw new RangeError(`correlation of assets ${i} and ${j} is not finite`);
      out[p++] = Math.sqrt(Math.min(1, Math.max(0, (1 - rho) / 2)));
    }
  return out;
}

/** Union-find relabelling of scipy's `label()`: rows become [smaller root, larger root, h, size]. */
function relabel(Z: Float64Array, n: number): void {
  const parent = new Int32Array(2 * n - 1);
  const size = new Int32Array(2 * n - 1);
  for (let i = 0; i < 2 * n - 1; i++) {
    parent[i] = i;
    size[i] = 1;
  }
  const find = (x: number) => {
    let r = x;
    while (parent[r] !== r) r = parent[r] as number;
    while (parent[x] !== r) {
      const nx = parent[x] as number;
      parent[x] = r;
      x = nx;
    }
    return r;
  };
  let next = n;
  for (let k = 0; k < n - 1; k++) {
    const xr = find(Z[4 * k] as number);
    const yr = find(Z[4 * k + 1] as number);
    Z[4 * k] = Math.min(xr, yr);
    Z[4 * k + 1] = Math.max(xr, yr);
    parent[xr] = next;
    parent[yr] = next;
    const s = (size[xr] as number) + (size[yr] as number);
    size[next] = s;
    Z[4 * k + 3] = s;
    next++;
  }
}

/** Rows of Z stably sorted by height (scipy: argsort(kind='mergesort')), then relabelled. */
function finish(raw: Float64Array, n: number): Float64Array {
  const idx = Array.from({ length: n - 1 }, (_, k) => k);
  idx.sort((a, b) => (raw[4 * a + 2] as number) - (raw[4 * b + 2] as number)); // stable (ES2019)
  const Z = new Float64Array(4 * (n - 1));
  idx.forEach((k, r) => {
    for (let c = 0; c < 4; c++) Z[4 * r + c] = raw[4 * k + c] as number;
  });
  relabel(Z, n);
  return Z;
}

/** scipy's `mst_single_linkage` (Prim's algorithm over the condensed distances). */
function singleLinkage(d: Float64Array, n: number): Float64Array {
  const raw = new Float64Array(4 * (n - 1));
  const merged = new Uint8Array(n);
  const D = new Float64Array(n).fill(Infinity);
  let x = 0;
  let y = 0;
  for (let k = 0; k < n - 1; k++) {
    let best = Infinity;
    merged[x] = 1;
    for (let i = 0; i < n; i++) {
      if (merged[i]) continue;
      const dist = d[cidx(n, x, i)] as number;
      if ((D[i] as number) > dist) D[i] = dist;
      if ((D[i] as number) < best) {
        y = i;
        best = D[i] as number;
      }
    }
    raw[4 * k] = x;
    raw[4 * k + 1] = y;
    raw[4 * k + 2] = best;
    x = y;
  }
  return finish(raw, n);
}

/** scipy's `nn_chain` with the Lance–Williams update of `method` (see the file comment). */
function nnChainLinkage(
  dist: Float64Array,
  n: number,
  method: 'complete' | 'average' | 'ward',
): Float64Array {
  const raw = new Float64Array(4 * (n - 1));
  const D = dist.slice();
  const size = new Int32Array(n).fill(1);
  const chain = new Int32Array(n);
  let len = 0;
  for (let k = 0; k < n - 1; k++) {
    if (len === 0) {
      len = 1;
      for (let i = 0; i < n; i++)
        if ((size[i] as number) > 0) {
          chain[0] = i;
          break;
        }
    }
    let x = 0;
    let y = 0;
    let best = Infinity;
    for (;;) {
      x = chain[len - 1] as number;
      // Prefer the previous chain element on ties, so the chain cannot cycle.
      if (len > 1) {
        y = chain[len - 2] as number;
        best = D[cidx(n, x, y)] as number;
      } else best = Infinity;
      for (let i = 0; i < n; i++) {
        if ((size[i] as number) === 0 || i === x) continue;
        const v = D[cidx(n, x, i)] as number;
        if (v < best) {
          best = v;
          y = i;
        }
      }
      if (len > 1 && y === chain[len - 2]) break;
      chain[len++] = y;
    }
    len -= 2;
    if (x > y) [x, y] = [y, x];
    const nx = size[x] as number;
    const ny = size[y] as number;
    raw[4 * k] = x;
    raw[4 * k + 1] = y;
    raw[4 * k + 2] = best;
    raw[4 * k + 3] = nx + ny;
    size[x] = 0;
    size[y] = nx + ny;
    for (let i = 0; i < n; i++) {
      const ni = size[i] as number;
      if (ni === 0 || i === y) continue;
      const dxi = D[cidx(n, i, x)] as number;
      const iy = cidx(n, i, y);
      const dyi = D[iy] as number;
      let v: number;
      if (method === 'complete') v = Math.max(dxi, dyi);
      else if (method === 'average') v = (nx * dxi + ny * dyi) / (nx + ny);
      else {
        const t = 1 / (nx + ny + ni);
        v = Math.sqrt((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * best * best);
      }
      D[iy] = v;
    }
  }
  return finish(raw, n);
}

/**
 * scipy.cluster.hierarchy.linkage(d, method) for a condensed distance vector d of n points.
 *
 * Example: n = 3, d = (d01, d02, d12) = (0.1, 0.5, 0.4), single → Z = [[0, 1, 0.1, 2],
 * [2, 3, 0.4, 3]] (0 and 1 merge first; point 2 joins cluster 3 at min(0.5, 0.4)).
 */
export function linkage(d: Float64Array, n: number, method: HrpLinkage): Float64Array {
  if (n < 2) return new Float64Array(0);
  return method === 'single' ? singleLinkage(d, n) : nnChainLinkage(d, n, method);
}

/** Leaves in pre-order, left child (Z[k, 0]) first: scipy's `to_tree(Z).pre_order()`. */
export function quasiDiagonalOrder(Z: Float64Array, n: number): Int32Array {
  const out = new Int32Array(n);
  if (n === 1) return out;
  let p = 0;
  const stack: number[] = [2 * n - 2];
  while (stack.length) {
    const id = stack.pop() as number;
    if (id < n) {
      out[p++] = id;
      continue;
    }
    const k = id - n;
    stack.push(Z[4 * k + 1] as number, Z[4 * k] as number); // left is popped first
  }
  return out;
}

/** Variance of the inverse-variance portfolio of the assets `items` (PyPortfolioOpt `_get_cluster_var`). */
export function clusterVariance(cov: Float64Array, n: number, items: ArrayLike<number>): number {
  const m = items.length;
  const w = new Float64Array(m);
  let s = 0;
  for (let a = 0; a < m; a++) {
    const i = items[a] as number;
    w[a] = 1 / (cov[i * n + i] as number);
    s += w[a] as number;
  }
  for (let a = 0; a < m; a++) w[a] = (w[a] as number) / s;
  let v = 0;
  for (let a = 0; a < m; a++) {
    const i = items[a] as number;
    let t = 0;
    for (let b = 0; b < m; b++)
      t += (cov[i * n + (items[b] as number)] as number) * (w[b] as number);
    v += (w[a] as number) * t;
  }
  return v;
}

/** Recursive bisection of the ordered list (step 4), weights in the input order. */
export function recursiveBisection(cov: Float64Array, n: number, order: Int32Array): Float64Array {
  const w = new Float64Array(n).fill(1);
  const split = (items: Int32Array) => {
    if (items.length < 2) return;
    const h = items.length >> 1;
    const left = items.subarray(0, h);
    const right = items.subarray(h);
    const v1 = clusterVariance(cov, n, left);
    const v2 = clusterVariance(cov, n, right);
    const alpha = 1 - v1 / (v1 + v2);
    for (const i of left) w[i] = (w[i] as number) * alpha;
    for (const i of right) w[i] = (w[i] as number) * (1 - alpha);
    split(left);
    split(right);
  };
  split(order);
  return w;
}

/**
 * HRP weights for a dense covariance Σ (n × n row-major; any scale) — see the file comment.
 * Throws RangeError when a variance is not positive or a correlation not finite.
 *
 * Example: Σ = diag(0.04, 0.09) (uncorrelated): one cluster of two, α = 1 − 0.04/0.13, so
 * w = (0.6923, 0.3077) — the inverse-variance portfolio. On PyPortfolioOpt's 20-stock file with
 * pandas' pairwise correlation and covariance, single linkage gives its published
 * `weights_hrp.csv` (e.g. XOM 0.111753, AMZN 0.016087) to 1e-15.
 */
export function hrpWeights(cov: Float64Array, n: number, opts: HrpOptions = {}): HrpResult {
  const method = opts.linkage ?? 'single';
  if (opts.labels) {
    const labels = opts.labels;
    const perm = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => {
      const la = labels[a] as string;
      const lb = labels[b] as string;
      return la < lb ? -1 : la > lb ? 1 : a - b;
    });
    const pc = new Float64Array(n * n);
    const pr = opts.corr ? new Float64Array(n * n) : undefined;
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++) {
        const src = (perm[a] as number) * n + (perm[b] as number);
        pc[a * n + b] = cov[src] as number;
        if (pr && opts.corr) pr[a * n + b] = opts.corr[src] as number;
      }
    const r = hrpWeights(pc, n, { linkage: method, ...(pr ? { corr: pr } : {}) });
    const weights = new Float64Array(n);
    for (let a = 0; a < n; a++) weights[perm[a] as number] = r.weights[a] as number;
    const order = Int32Array.from(r.order, (a) => perm[a] as number);
    const Z = r.linkage.slice();
    for (let k = 0; k < n - 1; k++)
      for (let c = 0; c < 2; c++) {
        const id = Z[4 * k + c] as number;
        if (id < n) Z[4 * k + c] = perm[id] as number;
      }
    return { weights, order, linkage: Z, linkageMethod: method };
  }
  if (n === 1) {
    correlationDistance(cov, 1);
    return {
      weights: new Float64Array([1]),
      order: new Int32Array([0]),
      linkage: new Float64Array(0),
      linkageMethod: method,
    };
  }
  const d = correlationDistance(cov, n, opts.corr);
  const Z = linkage(d, n, method);
  const order = quasiDiagonalOrder(Z, n);
  const weights = recursiveBisection(cov, n, order);
  return { weights, order, linkage: Z, linkageMethod: method };
}
