/**
 * Plain-word errors (renderer/shared/errors.ts) against the messages the engine really produces:
 * bad requests are run through the contract (zod 4, its English messages) and through the same
 * flattening the dispatcher uses (zodDetails), then worded. No validator phrasing may reach a PM.
 */
import { describe, expect, it } from 'vitest';
import { zodDetails, type ErrorDetail } from '../../../src/contract/common';
import { RebalanceRequest } from '../../../src/contract/rebalance';
import {
  CODE_TITLE,
  plainDetail,
  plainError,
  plainJsonError,
  plainMessage,
  plainPath,
} from '../../../renderer/shared/errors';

/** The details the engine answers for a request (what the dispatcher sends back). */
function details(req: unknown): ErrorDetail[] {
  const r = RebalanceRequest.safeParse(req);
  if (r.success) throw new Error('expected the contract to refuse the request');
  return zodDetails(r.error);
}

const byPath = (ds: ErrorDetail[], path: string) => {
  const d = ds.find((x) => x.path === path);
  if (!d) throw new Error(`no detail at ${path}: ${JSON.stringify(ds)}`);
  return plainMessage(d.message, d.path);
};

/** Validator phrasing that must never be shown as is. */
const RAW =
  /Invalid input|Too (big|small)|expected \w+, received|Invalid option|>=|<=|[<>] ?\d|Unrecognized/;

const BAD = {
  portfolio_value: '100000',
  drift_threshold: -0.05,
  turnover_limit: 0,
  transaction_cost_bps: 5000,
  risk_free_rate: 2,
  rebalance_to: 'edge',
  currency: 'usd',
  whole_lots: 'yes',
  risk_aversion: -5,
  monte_carlo: { paths: 10.5, horizon_days: 0 },
  covariance: { estimator: 'robust' },
  class_bounds: { Bonds: { min: 0.1 } },
  assets: [
    { asset: '', target_weight: 2, current_weight: 'a', price: -5, asset_class: 'Bond' },
    { asset: 'B', target_weight: 0.5, current_weight: 0.5, lot_size: 0, market_return: -3 },
  ],
  benchmark: { prices: [1, -2] },
  price_history: { dates: ['2024-01-02'], prices: { B: [1] } },
};

describe('plainMessage on the contract’s own messages', () => {
  const ds = details(BAD);

  it('words every message of a thoroughly bad request without validator phrasing', () => {
    expect(ds.length).toBeGreaterThanOrEqual(18);
    for (const d of ds) expect(plainMessage(d.message, d.path)).not.toMatch(RAW);
  });

  it('says what type is wanted, in words', () => {
    expect(byPath(ds, 'portfolio_value')).toBe('must be a number, not text');
    expect(byPath(ds, 'assets.0.current_weight')).toBe('must be a number, not text');
    expect(byPath(ds, 'whole_lots')).toBe('must be yes or no (true/false), not text');
    expect(byPath(ds, 'monte_carlo.paths')).toBe('must be a whole number');
  });

  it('gives bounds in words, fractions also as percent', () => {
    expect(byPath(ds, 'drift_threshold')).toBe('must be at least 0');
    expect(byPath(ds, 'turnover_limit')).toBe('must be more than 0');
    expect(byPath(ds, 'transaction_cost_bps')).toBe('must be at most 1,000');
    expect(byPath(ds, 'risk_free_rate')).toBe('must be at most 1 (100%)');
    expect(byPath(ds, 'assets.0.target_weight')).toBe('must be at most 1 (100%)');
    expect(byPath(ds, 'assets.0.price')).toBe('must be more than 0');
    expect(byPath(ds, 'assets.1.lot_size')).toBe('must be more than 0');
    expect(byPath(ds, 'assets.1.market_return')).toBe('must be at least -1 (-100%)');
    expect(byPath(ds, 'risk_aversion')).toBe('must be at least 0');
    expect(byPath(ds, 'monte_carlo.horizon_days')).toBe('must be at least 1');
    expect(byPath(ds, 'benchmark.prices.1')).toBe('prices must be more than 0');
  });

  it('lists the options of a choice', () => {
    expect(byPath(ds, 'rebalance_to')).toBe('must be one of: target, band_edge, full');
    expect(byPath(ds, 'covariance.estimator')).toBe(
      'must be one of: sample, ewma, ledoit_wolf, user, pairwise',
    );
    expect(byPath(ds, 'assets.0.asset_class')).toBe(
      'must be one of: Mutual Fund, ETF, Stocks, Commodity, FX, Crypto',
    );
    expect(byPath(ds, 'class_bounds')).toBe(
      '"Bonds" is not a known name here (check the spelling)',
    );
  });

  it('keeps messages the contract already words', () => {
    expect(byPath(ds, 'assets.0.asset')).toBe('asset must not be empty');
    expect(byPath(ds, 'currency')).toBe('expected an ISO 4217 code such as USD');
    expect(byPath(ds, 'price_history.dates')).toBe('needs at least 2 items');
  });

  it('words the cross-field checks, field names as on screen', () => {
    const more = details({
      portfolio_value: 1000,
      cash_flow: -5000,
      monte_carlo: { paths: 100000, horizon_days: 2520 },
      assets: [
        { asset: 'A', target_weight: 0.5, current_weight: 0.5 },
        { asset: 'A', target_weight: 0.5, current_weight: 0.5, price: 1 },
      ],
      benchmark: { prices: [1, 2] },
    });
    expect(byPath(more, 'assets.0.price')).toBe(
      'required: the asset has no holdings, so its orders need its own price (more than 0)',
    );
    expect(byPath(more, 'assets.1.asset')).toBe('duplicate asset "A"');
    expect(byPath(more, 'monte_carlo')).toBe('paths × horizon (days) must be at most 25,000,000');
    expect(byPath(more, 'cash_flow')).toBe(
      'a withdrawal of 5000 would leave nothing of portfolio value 1000; it must be smaller than the portfolio',
    );
    expect(byPath(more, 'benchmark')).toBe(
      'a benchmark needs price history (its prices align with price history › dates)',
    );
    for (const d of more) expect(plainMessage(d.message, d.path)).not.toMatch(RAW);
  });

  it('words a missing field and a request that is not an object', () => {
    const missing = details({ assets: [{ asset: 'A', current_weight: 1, price: 1 }] });
    expect(byPath(missing, 'portfolio_value')).toBe('required: give a number');
    expect(byPath(missing, 'assets.0.target_weight')).toBe('required: give a number');
    expect(plainMessage(details([])[0]?.message ?? '')).toBe(
      'must be a group of fields, not a list',
    );
  });

  it('keeps quoted names verbatim while wording the rest', () => {
    expect(plainMessage('unknown asset "my_fund"')).toBe('unknown asset "my_fund"');
    expect(plainMessage('min must be <= max')).toBe('the minimum must not be above the maximum');
  });
});

describe('plainPath', () => {
  const req = {
    assets: [
      { asset: 'US Equity', holdings: [{ holding: 'AAPL' }, { holding: 'MSFT' }] },
      { asset: 'AGG' },
    ],
  };
  it('counts rows from 1 and names them when the request is given', () => {
    expect(plainPath('assets.1.target_weight', req)).toBe('asset #2 “AGG” › target weight');
    expect(plainPath('assets.0.holdings.1.last_price', req)).toBe(
      'asset #1 “US Equity” › holding #2 “MSFT” › last price',
    );
    expect(plainPath('assets.3.price')).toBe('asset #4 › price');
  });
  it('names settings and series in words', () => {
    expect(plainPath('drift_threshold')).toBe('tolerance band');
    expect(plainPath('monte_carlo.horizon_days')).toBe('Monte Carlo › horizon (days)');
    expect(plainPath('price_history.prices.AAPL.17')).toBe('price history › “AAPL” › day #18');
    expect(plainPath('price_history.dates.3')).toBe('price history › dates › date #4');
    expect(plainPath('benchmark.prices.0')).toBe('benchmark › price #1');
    expect(plainPath('(root)')).toBe('the request');
  });
});

describe('plainError and plainDetail', () => {
  it('counts the problems of a BAD_REQUEST instead of repeating them in validator words', () => {
    const ds = details({ portfolio_value: 'x', assets: [] });
    const p = plainError({ code: 'BAD_REQUEST', message: 'Invalid request: …', details: ds });
    expect(p.title).toBe(CODE_TITLE.BAD_REQUEST);
    expect(p.message).toBe(`${ds.length} problems to fix:`);
    expect(p.lines[0]).toBe('portfolio value: must be a number, not text');
    for (const l of p.lines) expect(l).not.toMatch(RAW);
  });
  it('words other codes and keeps their message', () => {
    const p = plainError({ code: 'NOT_FOUND', message: 'no run with id 42' });
    expect(p).toEqual({ title: 'Not found', message: 'no run with id 42', lines: [] });
  });
  it('names the row in a detail line', () => {
    expect(
      plainDetail(
        { path: 'assets.0.price', message: 'must be > 0' },
        { assets: [{ asset: 'Gold' }] },
      ),
    ).toBe('asset #1 “Gold” › price: must be more than 0');
  });
});

describe('plainJsonError', () => {
  const parseError = (t: string) => {
    try {
      JSON.parse(t);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('parsed');
  };
  it('words the parser’s messages without the position', () => {
    expect(plainJsonError(parseError('{"a": 1,}'))).toBe(
      'a field name in double quotes is expected here (a comma too many, or a name without quotes?)',
    );
    expect(plainJsonError(parseError('{"a": 1'))).toBe(
      'a comma or a closing } is missing after a value',
    );
    expect(plainJsonError(parseError('[1, 2'))).toBe('a comma or a closing ] is missing in a list');
    expect(plainJsonError(parseError('{"a": 1} x'))).toBe(
      'there is more text after the request ends',
    );
    expect(plainJsonError(parseError(''))).toBe(
      'the text ends too early: a closing } or ] is missing',
    );
    expect(plainJsonError(parseError('{"a": tru}'))).toBe('unexpected “}” here');
    // Chromium adds "(line L column C)" to the position; it is dropped as well.
    expect(
      plainJsonError("Expected ':' after property name in JSON at position 5 (line 1 column 6)"),
    ).toBe('a colon is missing after a field name');
  });
});
