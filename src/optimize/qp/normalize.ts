/**
 * Validation of an `OptimizationProblem` into dense typed arrays (`Normalized`). Every problem a
 * caller can fix is reported at once as EngineError BAD_REQUEST with one detail per field.
 */
import { EngineError, type ErrorDetail } from '../../contract/common';
import { RETURN_METHODS } from './types';
import type { BookKind, CovarianceInput, OptimizationMethod, OptimizationProblem } from './types';

export interface ClassRow {
  name: string;
  members: Int32Array;
  min: number | null;
  max: number | null;
}

export interface Normalized {
  method: OptimizationMethod;
  n: number;
  assets: readonly string[];
  classes: readonly string[] | null;
  cov: CovarianceInput;
  w0: Float64Array;
  wt: Float64Array | null;
  /** Excess expected returns μ − r_f (annual), when given. */
  excess: Float64Array | null;
  mu: Float64Array | null;
  rf: number;
  lambda: number;
  budgets: Float64Array | null;
  lo: Float64Array;
  hi: Float64Array;
  /** 1 where the asset may not trade. */
  noTrade: Uint8Array;
  classRows: ClassRow[];
  /** null: full investment. */
  cashFloor: number | null;
  tau: number | null;
  book: BookKind;
  /** market_neutral: Σw = 0 replaces full investment. */
  neutral: boolean;
  /** Gross-exposure cap G (Σ|w| ≤ G), or null. */
  gross: number | null;
  /** Linear cost per unit of traded weight (bps / 10,000). */
  cost: Float64Array;
  anyCost: boolean;
  V: number | null;
  /** Minimum trade as a weight (m_i / V), 0 = none. */
  minTradeW: Float64Array | null;
  /** Weight of one lot (lot_i · price_i / V). */
  lotW: Float64Array | null;
  lotSize: Float64Array | null;
  price: Float64Array | null;
  timeLimit: number;
  maxNodes: number;
  relGap: number;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Largest one-way turnover cap (a long-short book can turn over up to 400 % of NAV). */
const MAX_TURNOVER_CAP = 4;
/** Largest gross-exposure cap Σ|w|. */
const MAX_GROSS = 4;
const BOOK_KINDS: readonly BookKind[] = ['long_only', 'long_short', 'market_neutral'];

function vec(
  v: ArrayLike<number> | number | undefined,
  n: number,
  path: string,
  details: ErrorDetail[],
  fallback: number | null,
): Float64Array | null {
  if (v === undefined) {
    if (fallback === null) return null;
    return new Float64Array(n).fill(fallback);
  }
  if (typeof v === 'number') {
    if (!isNum(v)) {
      details.push({ path, message: 'must be a finite number' });
      return null;
    }
    return new Float64Array(n).fill(v);
  }
  if (v.length !== n) {
    details.push({ path, message: `has ${v.length} entries but there are ${n} assets` });
    return null;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (!isNum(x)) {
      details.push({ path: `${path}.${i}`, message: 'must be a finite number' });
      return null;
    }
    out[i] = x;
  }
  return out;
}

/**
 * Checks a problem and returns it as typed arrays.
 *
 * Example: `normalize({method: 'min_variance', assets: ['A','B'], covariance: {kind:'dense',
 * matrix: new Float64Array([0.04,0,0,0.09])}, currentWeights: [0.5,0.5]})` gives lo = [0,0],
 * hi = [1,1], cashFloor = null (full investment), tau = null (no turnover cap).
 */
export function normalize(p: OptimizationProblem): Normalized {
  const details: ErrorDetail[] = [];
  const n = p.assets.length;
  if (n === 0) details.push({ path: 'assets', message: 'at least one asset is required' });
  const seen = new Map<string, number>();
  p.assets.forEach((a, i) => {
    if (seen.has(a)) details.push({ path: `assets.${i}`, message: `duplicate asset "${a}"` });
    seen.set(a, i);
  });

  const w0 = vec(p.currentWeights, n, 'current_weights', details, null);
  if (!w0) details.push({ path: 'current_weights', message: 'required' });
  const wt = vec(p.targetWeights, n, 'target_weights', details, null);
  if (p.method === 'track_target' && !wt)
    details.push({ path: 'target_weights', message: 'required for method track_target' });
  const mu = vec(p.expectedReturns, n, 'expected_returns', details, null);
  if (RETURN_METHODS.has(p.method) && !mu)
    details.push({ path: 'expected_returns', message: `required for method ${p.method}` });
  const rf = p.riskFreeRate ?? 0;
  if (!isNum(rf) || rf < -1 || rf > 1)
    details.push({ path: 'risk_free_rate', message: 'must be a number in [-1, 1]' });
  const lambda = p.riskAversion ?? 1;
  if (!isNum(lambda) || lambda < 0 || lambda > 1e6)
    details.push({ path: 'risk_aversion', message: 'must be a number in [0, 1e6]' });

  let budgets: Float64Array | null = null;
  if (p.method === 'risk_parity') {
    budgets = vec(p.riskBudgets, n, 'risk_budgets', details, 1);
    if (budgets) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const b = budgets[i] as number;
        if (b < 0) details.push({ path: `risk_budgets.${i}`, message: 'must be >= 0' });
        s += b;
      }
      if (!(s > 0)) details.push({ path: 'risk_budgets', message: 'must not all be 0' });
      else for (let i = 0; i < n; i++) budgets[i] = (budgets[i] as number) / s;
    }
  }

  // Covariance.
  const cov = p.covariance;
  if (cov.kind === 'dense') {
    if (cov.matrix.length !== n * n)
      details.push({ path: 'covariance', message: `must be ${n}×${n} (got ${cov.matrix.length})` });
    else {
      let bad = false;
      for (let i = 0; i < n && !bad; i++) {
        const d = cov.matrix[i * n + i] as number;
        if (!isNum(d) || d < 0) {
          details.push({
            path: `covariance.${i}.${i}`,
            message: 'variance must be finite and >= 0',
          });
          bad = true;
        }
        for (let j = 0; j < i && !bad; j++) {
          const a = cov.matrix[i * n + j] as number;
          const b = cov.matrix[j * n + i] as number;
          if (!isNum(a) || !isNum(b) || Math.abs(a - b) > 1e-10 * Math.max(1, Math.abs(a))) {
            details.push({ path: `covariance.${i}.${j}`, message: 'must be finite and symmetric' });
            bad = true;
          }
        }
      }
    }
  } else {
    const k = cov.k;
    if (!(Number.isInteger(k) && k >= 1))
      details.push({ path: 'covariance.k', message: 'must be an integer >= 1' });
    else {
      if (cov.loadings.length !== n * k)
        details.push({ path: 'covariance.loadings', message: `must be ${n}×${k}` });
      if (cov.factorCov.length !== k * k)
        details.push({ path: 'covariance.factor_cov', message: `must be ${k}×${k}` });
      if (cov.specificVar.length !== n)
        details.push({ path: 'covariance.specific_var', message: `must have ${n} entries` });
      for (const [name, a] of [
        ['loadings', cov.loadings],
        ['factor_cov', cov.factorCov],
        ['specific_var', cov.specificVar],
      ] as const)
        for (let i = 0; i < a.length; i++)
          if (!isNum(a[i])) {
            details.push({ path: `covariance.${name}.${i}`, message: 'must be finite' });
            break;
          }
      for (let i = 0; i < cov.specificVar.length; i++)
        if ((cov.specificVar[i] as number) < 0) {
          details.push({ path: `covariance.specific_var.${i}`, message: 'must be >= 0' });
          break;
        }
    }
  }

  // Bounds.
  const lo = new Float64Array(n);
  const hi = new Float64Array(n).fill(1);
  if (p.bounds) {
    if (p.bounds.length !== n)
      details.push({ path: 'bounds', message: `has ${p.bounds.length} entries, expected ${n}` });
    else
      p.bounds.forEach((b, i) => {
        if (!b) return;
        if (!isNum(b.min) || !isNum(b.max) || b.min < -1 || b.max > 1 || b.min > b.max)
          details.push({
            path: `bounds.${p.assets[i] ?? i}`,
            message: 'needs finite -1 <= min <= max <= 1',
          });
        else {
          lo[i] = b.min;
          hi[i] = b.max;
        }
      });
  }
  const noTrade = new Uint8Array(n);
  (p.noTrade ?? []).forEach((a, j) => {
    const i = seen.get(a);
    if (i === undefined) details.push({ path: `no_trade.${j}`, message: `unknown asset "${a}"` });
    else noTrade[i] = 1;
  });

  // Classes.
  const classRows: ClassRow[] = [];
  const classes = p.assetClasses ?? null;
  if (classes && classes.length !== n)
    details.push({
      path: 'asset_classes',
      message: `has ${classes.length} entries, expected ${n}`,
    });
  if (p.classBounds) {
    for (const [name, cb] of Object.entries(p.classBounds)) {
      if (!cb) continue;
      if (!classes) {
        details.push({ path: `class_bounds.${name}`, message: 'needs asset classes' });
        continue;
      }
      const members: number[] = [];
      classes.forEach((c, i) => {
        if (c === name) members.push(i);
      });
      const mn = cb.min ?? null;
      const mx = cb.max ?? null;
      if ((mn !== null && !isNum(mn)) || (mx !== null && !isNum(mx)))
        details.push({ path: `class_bounds.${name}`, message: 'min and max must be finite' });
      else if (mn !== null && mx !== null && mn > mx)
        details.push({ path: `class_bounds.${name}`, message: 'min must be <= max' });
      else if (members.length === 0)
        details.push({ path: `class_bounds.${name}`, message: `no asset is in class "${name}"` });
      else if (mn !== null || mx !== null)
        classRows.push({ name, members: Int32Array.from(members), min: mn, max: mx });
    }
  }

  const cashFloor = p.cashFloor ?? null;
  if (cashFloor !== null && (!isNum(cashFloor) || cashFloor < 0 || cashFloor >= 1))
    details.push({ path: 'cash_floor', message: 'must be in [0, 1)' });
  const tau = p.turnoverCap ?? null;
  if (tau !== null && (!isNum(tau) || tau < 0 || tau > MAX_TURNOVER_CAP))
    details.push({ path: 'turnover_cap', message: `must be in [0, ${MAX_TURNOVER_CAP}]` });
  const book = p.book?.type ?? 'long_only';
  if (!BOOK_KINDS.includes(book))
    details.push({ path: 'book.type', message: `must be one of ${BOOK_KINDS.join(', ')}` });
  const gross = p.book?.grossLimit ?? null;
  if (gross !== null && (!isNum(gross) || gross <= 0 || gross > MAX_GROSS))
    details.push({ path: 'book.gross_limit', message: `must be in (0, ${MAX_GROSS}]` });
  if (book !== 'long_only' && (p.method === 'risk_parity' || p.method === 'hrp'))
    details.push({
      path: 'book.type',
      message: `method ${p.method} is long-only by construction; a ${book} book needs another method`,
    });
  if (book === 'market_neutral' && p.method === 'max_sharpe')
    details.push({
      path: 'book.type',
      message:
        'max_sharpe is undefined for a market_neutral book (every multiple of a Σw = 0 portfolio has the same Sharpe ratio)',
    });

  const bps = vec(p.costBps, n, 'cost_bps', details, 0) ?? new Float64Array(n);
  const cost = new Float64Array(n);
  let anyCost = false;
  for (let i = 0; i < n; i++) {
    const c = bps[i] as number;
    if (c < 0 || c > 10000)
      details.push({ path: `cost_bps.${i}`, message: 'must be in [0, 10000]' });
    cost[i] = c / 1e4;
    if (c > 0) anyCost = true;
  }

  const V = p.portfolioValue ?? null;
  if (V !== null && (!isNum(V) || V <= 0))
    details.push({ path: 'portfolio_value', message: 'must be > 0' });
  let minTradeW: Float64Array | null = null;
  const mt = vec(p.minTradeValue, n, 'min_trade_value', details, null);
  if (mt) {
    let any = false;
    for (let i = 0; i < n; i++) {
      if ((mt[i] as number) < 0)
        details.push({ path: `min_trade_value.${i}`, message: 'must be >= 0' });
      if ((mt[i] as number) > 0) any = true;
    }
    if (any) {
      if (V === null || !(V > 0))
        details.push({ path: 'portfolio_value', message: 'required with min_trade_value' });
      else {
        minTradeW = new Float64Array(n);
        for (let i = 0; i < n; i++) minTradeW[i] = Math.max(0, mt[i] as number) / V;
      }
    }
  }
  let lotW: Float64Array | null = null;
  let lotSize: Float64Array | null = null;
  let price: Float64Array | null = null;
  if (p.lots) {
    lotSize = vec(p.lots.lotSize, n, 'lots.lot_size', details, null);
    price = vec(p.lots.price, n, 'lots.price', details, null);
    if (V === null || !(V > 0))
      details.push({ path: 'portfolio_value', message: 'required with whole lots' });
    else if (lotSize && price) {
      lotW = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const l = lotSize[i] as number;
        const pr = price[i] as number;
        if (!(l > 0)) details.push({ path: `lots.lot_size.${i}`, message: 'must be > 0' });
        if (!(pr > 0)) details.push({ path: `lots.price.${i}`, message: 'must be > 0' });
        lotW[i] = (l * pr) / V;
      }
    }
  }

  const timeLimit = p.timeLimitSeconds ?? 10;
  if (!isNum(timeLimit) || timeLimit <= 0 || timeLimit > 3600)
    details.push({ path: 'time_limit_seconds', message: 'must be in (0, 3600]' });

  if (details.length > 0 || !w0)
    throw new EngineError('BAD_REQUEST', 'invalid optimization problem', details);

  let excess: Float64Array | null = null;
  if (mu) {
    excess = new Float64Array(n);
    for (let i = 0; i < n; i++) excess[i] = (mu[i] as number) - rf;
  }

  return {
    method: p.method,
    n,
    assets: p.assets,
    classes,
    cov,
    w0,
    wt,
    excess,
    mu,
    rf,
    lambda,
    budgets,
    lo,
    hi,
    noTrade,
    classRows,
    cashFloor,
    tau,
    book,
    neutral: book === 'market_neutral',
    gross,
    cost,
    anyCost,
    V,
    minTradeW,
    lotW,
    lotSize,
    price,
    timeLimit,
    maxNodes: p.mip?.maxNodes ?? 20000,
    relGap: p.mip?.relGap ?? 1e-9,
  };
}

/** Σ x for the covariance input (dense or factor form), into `out`. */
export function covTimes(cov: CovarianceInput, n: number, x: ArrayLike<number>, out: Float64Array) {
  if (cov.kind === 'dense') {
    const S = cov.matrix;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const r = i * n;
      for (let j = 0; j < n; j++) s += (S[r + j] as number) * (x[j] as number);
      out[i] = s;
    }
    return out;
  }
  const { loadings: B, factorCov: F, specificVar: d, k } = cov;
  const t = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    for (let f = 0; f < k; f++) t[f] = (t[f] as number) + (B[i * k + f] as number) * xi;
  }
  const u = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    let s = 0;
    for (let b = 0; b < k; b++) s += (F[a * k + b] as number) * (t[b] as number);
    u[a] = s;
  }
  for (let i = 0; i < n; i++) {
    let s = (d[i] as number) * (x[i] as number);
    for (let f = 0; f < k; f++) s += (B[i * k + f] as number) * (u[f] as number);
    out[i] = s;
  }
  return out;
}

/** xᵀ Σ y. */
export function quad(cov: CovarianceInput, n: number, x: ArrayLike<number>, y: ArrayLike<number>) {
  const t = covTimes(cov, n, y, new Float64Array(n));
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i] as number) * (t[i] as number);
  return s;
}

/** Dense row-major Σ from either form. */
export function denseCov(cov: CovarianceInput, n: number): Float64Array {
  if (cov.kind === 'dense') return cov.matrix;
  const { loadings: B, factorCov: F, specificVar: d, k } = cov;
  const BF = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let a = 0; a < k; a++) s += (B[i * k + a] as number) * (F[a * k + b] as number);
      BF[i * k + b] = s;
    }
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let a = 0; a < k; a++) s += (BF[i * k + a] as number) * (B[j * k + a] as number);
      if (i === j) s += d[i] as number;
      S[i * n + j] = s;
      S[j * n + i] = s;
    }
  return S;
}
