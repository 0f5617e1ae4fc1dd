/**
 * The expected returns μ the optimizer uses, from the request's `expected_returns` choice
 * (src/contract/estimators.ts): the forecast ensemble (default), or an estimate from each asset's
 * own full history (src/risk/expected-returns.ts), or the caller's vector. Annual fractions.
 * docs/methods.md, "Estimators".
 */
import { EngineError, type ErrorDetail, type Warning } from '../../contract/common';
import type { ExpectedReturnsInfo, ExpectedReturnsSpec } from '../../contract/estimators';
import { own } from '../../domain/names';
import {
  capmReturns,
  equalWeightedMarket,
  ewmaAlpha,
  ewmaMeanReturn,
  historicalMeanReturn,
} from '../../risk/expected-returns';
import { MIN_MOMENT_OBSERVATIONS } from '../../risk/metrics';
import { simpleReturns } from '../../risk/returns';

/** The market series of a capm estimate and where it came from. */
export interface MarketSeries {
  source: 'benchmark' | 'price_history' | 'market_returns' | 'equal_weighted';
  name: string | null;
  /** Daily simple returns, oldest first, ending on the assets' last day. */
  returns: Float64Array;
}

/**
 * The capm market, in order of precedence: `benchmark` (a price_history series), `market_returns`,
 * `equal_weighted_market` (the daily mean of the assets' returns), else the request's benchmark
 * prices. null when none is available (the contract refuses that request before).
 */
export function resolveMarket(
  spec: Extract<ExpectedReturnsSpec, { method: 'capm' }>,
  req: {
    price_history?: { prices: Record<string, number[]> } | undefined;
    benchmark?: { name: string; prices: number[] } | undefined;
  },
  histories: readonly Float64Array[],
): MarketSeries | null {
  if (spec.benchmark !== undefined) {
    const p = own(req.price_history?.prices, spec.benchmark);
    return p ? { source: 'price_history', name: spec.benchmark, returns: simpleReturns(p) } : null;
  }
  if (spec.market_returns)
    return {
      source: 'market_returns',
      name: null,
      returns: Float64Array.from(spec.market_returns),
    };
  if (spec.equal_weighted_market)
    return { source: 'equal_weighted', name: null, returns: equalWeightedMarket(histories) };
  if (req.benchmark)
    return {
      source: 'benchmark',
      name: req.benchmark.name,
      returns: simpleReturns(req.benchmark.prices),
    };
  return null;
}

export interface ExpectedReturnsInput {
  /** The request's choice; undefined = forecast. */
  spec: ExpectedReturnsSpec | undefined;
  assets: readonly string[];
  /** Each asset's full history (end-aligned); null when the asset has none. */
  histories: readonly (Float64Array | null)[];
  /** The forecast ensemble per asset (annual). */
  forecast: ArrayLike<number>;
  /** Annual. */
  riskFreeRate: number;
  /** capm only (see `resolveMarket`). */
  market?: MarketSeries | null;
}

/**
 * μ per asset and the report of how it was made. Estimates from history need at least
 * MIN_MOMENT_OBSERVATIONS (20) daily returns per asset (capm: 20 days shared with the market),
 * the threshold below which the forecast falls back to market_return; fewer → BAD_REQUEST naming
 * each asset.
 * Example: spec {method: 'user', values: {A: 0.05, B: 0.07}} with assets [B, A] → μ = [0.07, 0.05].
 */
export function resolveExpectedReturns(input: ExpectedReturnsInput): {
  mu: Float64Array;
  info: ExpectedReturnsInfo;
  warnings: Warning[];
} {
  const { spec, assets, histories } = input;
  const n = assets.length;
  const warnings: Warning[] = [];
  const base = {
    compounding: null,
    span: null,
    halflife: null,
    market: null,
  } satisfies Partial<ExpectedReturnsInfo>;
  const rows = (
    mu: ArrayLike<number>,
    obs: (i: number) => number | null,
    beta?: ArrayLike<number>,
  ) =>
    assets.map((asset, i) => ({
      asset,
      expected_return: mu[i] as number,
      observations: obs(i),
      beta: beta ? (beta[i] as number) : null,
    }));
  if (!spec || spec.method === 'forecast') {
    const mu = Float64Array.from({ length: n }, (_, i) => input.forecast[i] as number);
    return { mu, info: { method: 'forecast', ...base, assets: rows(mu, () => null) }, warnings };
  }
  if (spec.method === 'user') {
    const v = spec.values;
    const mu = Float64Array.from(assets, (a, i) =>
      Array.isArray(v) ? (v[i] as number) : (own(v as Record<string, number>, a) as number),
    );
    const bad = assets.filter((_, i) => !Number.isFinite(mu[i] as number));
    if (bad.length)
      throw new EngineError('BAD_REQUEST', 'expected_returns user does not cover the assets', [
        { path: 'expected_returns.values', message: `no value for ${bad.join(', ')}` },
      ]);
    return { mu, info: { method: 'user', ...base, assets: rows(mu, () => null) }, warnings };
  }
  // Estimates from history: every asset needs enough of it.
  const need = MIN_MOMENT_OBSERVATIONS;
  const short: ErrorDetail[] = [];
  histories.forEach((h, i) => {
    if (!h || h.length < need)
      short.push({
        path: 'expected_returns',
        message: `${assets[i]} has ${h?.length ?? 0} daily returns; ${spec.method} needs at least ${need}`,
      });
  });
  if (short.length)
    throw new EngineError(
      'BAD_REQUEST',
      `expected_returns ${spec.method} needs more history`,
      short,
    );
  const hs = histories as readonly Float64Array[];
  switch (spec.method) {
    case 'historical_mean': {
      const mu = Float64Array.from(hs, (h) => historicalMeanReturn(h, spec.compounding));
      return {
        mu,
        info: {
          method: 'historical_mean',
          ...base,
          compounding: spec.compounding,
          assets: rows(mu, (i) => (hs[i] as Float64Array).length),
        },
        warnings,
      };
    }
    case 'ewma': {
      const alpha = ewmaAlpha(spec);
      const mu = Float64Array.from(hs, (h) => ewmaMeanReturn(h, alpha, spec.compounding));
      return {
        mu,
        info: {
          method: 'ewma',
          ...base,
          compounding: spec.compounding,
          span: spec.halflife === undefined ? (spec.span ?? 500) : null,
          halflife: spec.halflife ?? null,
          assets: rows(mu, (i) => (hs[i] as Float64Array).length),
        },
        warnings,
      };
    }
    case 'capm': {
      const m = input.market;
      if (!m)
        throw new EngineError('BAD_REQUEST', 'capm needs a market series', [
          {
            path: 'expected_returns',
            message:
              'give benchmark (a price_history series), market_returns or equal_weighted_market, or the request’s benchmark prices',
          },
        ]);
      const market = `market (${m.source}${m.name ? ` ${m.name}` : ''})`;
      let est;
      try {
        est = capmReturns(hs, m.returns, input.riskFreeRate, spec.compounding, need);
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        // Name the asset or the market instead of the estimator's positional paths.
        const label = (path: string) => {
          const k = /^series\.(\d+)/.exec(path);
          return k ? (assets[Number(k[1])] ?? path) : market;
        };
        throw new EngineError(
          'BAD_REQUEST',
          e.message,
          e.details.map((d) => ({
            path: 'expected_returns',
            message: `${label(d.path)}: ${d.message}`,
          })),
        );
      }
      return {
        mu: est.mu,
        info: {
          method: 'capm',
          ...base,
          compounding: spec.compounding,
          market: {
            source: m.source,
            name: m.name,
            observations: m.returns.length,
            annual_return: est.marketReturn,
          },
          assets: rows(est.mu, (i) => est.overlap[i] as number, est.beta),
        },
        warnings,
      };
    }
  }
}
