/**
 * Test data in PyPortfolioOpt's own conventions (not a test file), so its published test values
 * can be compared directly. PyPortfolioOpt's tests read tests/resources/stock_prices.csv (our
 * test/fixtures/pypfopt_stock_prices.csv, 20 tickers, blanks before late listings) with pandas:
 * - returns: prices.pct_change(fill_method=None).dropna(how="all"): simple daily returns, the
 *   first row dropped, leading blanks stay NaN (the file has no blanks after a first price);
 * - sample_cov: DataFrame.cov() × 252 — pairwise: each pair over the dates both have, means over
 *   those dates, ddof 1 (PSD here, min eigenvalue 0.0287, so its spectral fix does nothing);
 * - DataFrame.corr(): pairwise Pearson correlation on the same dates;
 * - mean_historical_return (compounding=True, the default): (∏(1 + r))^(252 / count) − 1 per asset
 *   over its own dates; the arithmetic mean × 252 when compounding=False (HRPOpt's
 *   portfolio_performance uses returns.mean() × 252).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface PricesFile {
  names: string[];
  /** Returns per asset (column), NaN where either price is blank. */
  returns: Float64Array[];
}

/** Simple returns of a fixture price file (header row, a date column, then one column per asset). */
export function readReturns(file: string): PricesFile {
  const path = fileURLToPath(new URL(`../../fixtures/${file}`, import.meta.url));
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const names = (lines[0] as string).split(',').slice(1);
  const P = lines.slice(1).map((l) =>
    l
      .split(',')
      .slice(1)
      .map((x) => (x.trim() === '' ? NaN : Number(x))),
  );
  const T = P.length - 1;
  const returns = names.map((_, i) =>
    Float64Array.from({ length: T }, (_, t) => P[t + 1]![i]! / P[t]![i]! - 1),
  );
  return { names, returns };
}

/** pandas' pairwise DataFrame.cov() (ddof 1) and .corr() over the rows both series have. */
export function pairwiseCovCorr(R: Float64Array[]): { cov: Float64Array; corr: Float64Array } {
  const n = R.length;
  const cov = new Float64Array(n * n);
  const corr = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const a = R[i]!;
      const b = R[j]!;
      let m = 0;
      let sa = 0;
      let sb = 0;
      for (let t = 0; t < a.length; t++)
        if (!Number.isNaN(a[t]!) && !Number.isNaN(b[t]!)) {
          m++;
          sa += a[t]!;
          sb += b[t]!;
        }
      const ma = sa / m;
      const mb = sb / m;
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      for (let t = 0; t < a.length; t++)
        if (!Number.isNaN(a[t]!) && !Number.isNaN(b[t]!)) {
          sab += (a[t]! - ma) * (b[t]! - mb);
          saa += (a[t]! - ma) ** 2;
          sbb += (b[t]! - mb) ** 2;
        }
      cov[i * n + j] = cov[j * n + i] = sab / (m - 1);
      corr[i * n + j] = corr[j * n + i] = sab / Math.sqrt(saa * sbb);
    }
  return { cov, corr };
}

/** mean_historical_return: compounded (default) or arithmetic, annualized with 252. */
export function meanHistoricalReturn(R: Float64Array[], compounding = true): Float64Array {
  return Float64Array.from(R, (r) => {
    let count = 0;
    let logSum = 0;
    let sum = 0;
    for (const x of r)
      if (!Number.isNaN(x)) {
        count++;
        logSum += Math.log1p(x);
        sum += x;
      }
    return compounding ? Math.exp((logSum * 252) / count) - 1 : (sum / count) * 252;
  });
}

/** Sample covariance (ddof 1) of series without blanks, times `scale`. */
export function sampleCov(R: Float64Array[], scale = 1): Float64Array {
  const n = R.length;
  const T = R[0]!.length;
  const mean = R.map((r) => r.reduce((s, x) => s + x, 0) / T);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += (R[i]![t]! - mean[i]!) * (R[j]![t]! - mean[j]!);
      S[i * n + j] = S[j * n + i] = (s / (T - 1)) * scale;
    }
  return S;
}

/** PyPortfolioOpt's setup_efficient_frontier(): μ = mean_historical_return, Σ = sample_cov. */
export function pypfoptFrontierInputs(): { names: string[]; mu: Float64Array; cov: Float64Array } {
  const { names, returns } = readReturns('pypfopt_stock_prices.csv');
  const { cov } = pairwiseCovCorr(returns);
  return { names, mu: meanHistoricalReturn(returns), cov: cov.map((v) => v * 252) };
}
