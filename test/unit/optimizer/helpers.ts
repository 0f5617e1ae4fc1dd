/** Shared fixtures for the optimizer tests (not a test file). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInThreadQpSolver } from '../../../src/workers/highs-solver';
import type { HighsQpSolver } from '../../../src/optimize/qp/highs-adapter';

let solverPromise: Promise<HighsQpSolver> | null = null;
/** One in-thread HiGHS runtime per test file. */
export function getSolver(): Promise<HighsQpSolver> {
  solverPromise ??= createInThreadQpSolver();
  return solverPromise;
}

export interface Stock20 {
  names: string[];
  firstDate: string;
  lastDate: string;
  returns: Float64Array[];
  mu: Float64Array;
  cov: Float64Array;
}

/**
 * PyPortfolioOpt's 20-stock file (test/fixtures/pypfopt_stock_prices.csv): rows where all 20
 * tickers have a price (2014-09-19..2018-04-11), simple daily returns, μ = mean × 252,
 * Σ = sample covariance (ddof 1) × 252 — the same definition as test/reference/optimizer_reference.py.
 */
export function loadStock20(): Stock20 {
  const path = fileURLToPath(new URL('../../fixtures/pypfopt_stock_prices.csv', import.meta.url));
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const names = (lines[0] as string).split(',').slice(1);
  const rows = lines
    .slice(1)
    .map((l) => l.split(','))
    .filter((c) => c.slice(1).every((x) => x !== ''));
  const n = names.length;
  const T = rows.length - 1;
  const returns = names.map(() => new Float64Array(T));
  for (let t = 0; t < T; t++) {
    const a = rows[t] as string[];
    const b = rows[t + 1] as string[];
    for (let i = 0; i < n; i++) returns[i]![t] = Number(b[i + 1]) / Number(a[i + 1]) - 1;
  }
  const mu = new Float64Array(n);
  const centered = returns.map((r, i) => {
    let m = 0;
    for (let t = 0; t < T; t++) m += r[t]!;
    m /= T;
    mu[i] = m * 252;
    return Float64Array.from(r, (v) => v - m);
  });
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += centered[i]![t]! * centered[j]![t]!;
      cov[i * n + j] = cov[j * n + i] = (s / (T - 1)) * 252;
    }
  return { names, firstDate: rows[0]![0]!, lastDate: rows[T]![0]!, returns, mu, cov };
}

/** Σ from volatilities and a correlation matrix (row-major). */
export function covFromVolCorr(vol: number[], corr: number[][]): Float64Array {
  const n = vol.length;
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) S[i * n + j] = vol[i]! * vol[j]! * corr[i]![j]!;
  return S;
}

export function quadForm(
  S: Float64Array,
  n: number,
  x: ArrayLike<number>,
  y: ArrayLike<number> = x,
): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += x[i]! * S[i * n + j]! * y[j]!;
  return s;
}

export function riskContrib(S: Float64Array, n: number, w: ArrayLike<number>): number[] {
  const v = quadForm(S, n, w);
  return Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += S[i * n + j]! * w[j]!;
    return (w[i]! * s) / v;
  });
}

export function weightsOf(r: { weights: { weight: number }[] }): number[] {
  return r.weights.map((x) => x.weight);
}
