import { z } from 'zod';
import { AssetClass, ASSET_CLASSES, IsoDate, plainText, Warning } from './common';
import {
  AgentStep,
  DataHealth,
  Decision,
  ExecutionQueue,
  StressResult,
  SupervisorReport,
} from './agents';
import { HistoryObservations } from './estimators';
import { nameRecord } from './names';
import { numberArray } from './numbers';
import {
  BookExposure,
  MAX_LONG_SHORT_TURNOVER,
  OptimizationResult,
  OptimizeRequestFields,
  RebalanceMethod,
  refineOptimizeFields,
} from './optimize';

/** Limits that keep one request bounded in memory and time; each is documented in docs/api.md. */
export const LIMITS = {
  maxAssets: 5000,
  maxHoldingsPerAsset: 500,
  maxHistory: 20000,
  maxSeries: 20000,
  maxPaths: 100000,
  maxHorizonDays: 2520,
  /** paths × horizon_days: bounds the path store (8 bytes each) to 200 MB. */
  maxPathSteps: 25_000_000,
  /** Money is counted in integer minor units; 1e13 keeps cents exact in a double (< 2^53). */
  maxPortfolioValue: 1e13,
} as const;

const name = (what: string) =>
  plainText(
    z
      .string()
      .trim()
      .min(1, `${what} must not be empty`)
      .max(128, `${what} must be at most 128 characters`),
  );

const weight = z.number().min(0, 'must be >= 0').max(1, 'must be <= 1');

const HOLDING_PRICE_REQUIRED =
  'required: every holding needs its own last_price (> 0) to be ordered; none is invented';

/**
 * A security inside an asset (class sleeve). Orders are placed per holding, at its own price and
 * lot size (docs/methods.md, Rebalancing, security-level orders).
 */
export const Holding = z.object({
  holding: name('holding'),
  holding_weight: weight
    .optional()
    .describe(
      'Share of the holding inside its asset (normalized per asset). Required unless every holding of the asset gives `quantity`.',
    ),
  quantity: z
    .number()
    .min(-1e15)
    .max(1e15)
    .optional()
    .describe(
      'Units held. When every holding of the asset has one, the split inside the asset is quantity × last_price, and a sell never exceeds it (long_only). Negative (a short position) only in a long_short or market_neutral book, with the sign of the asset’s current_weight.',
    ),
  last_price: z
    .number({
      error: (iss) => (iss.input === undefined ? HOLDING_PRICE_REQUIRED : 'must be a number'),
    })
    .positive('must be > 0')
    .max(1e12)
    .describe('Price per unit of the holding, in the portfolio currency.'),
  target_weight: weight
    .optional()
    .describe(
      'Target share inside its asset. When every holding has one, the asset’s trade is split toward these targets (most underweight first); otherwise pro rata to the current split.',
    ),
  lot_size: z
    .number()
    .positive('must be > 0')
    .max(1e9)
    .optional()
    .describe('Trade unit of the holding; default: its asset’s lot_size or class default.'),
  min_trade_value: z
    .number()
    .min(0)
    .max(1e15)
    .optional()
    .describe(
      'Orders in this holding smaller than this (currency) are not sent; default: the asset’s.',
    ),
});
export type Holding = z.infer<typeof Holding>;

export const AssetInput = z.object({
  asset: name('asset'),
  asset_class: AssetClass.optional().describe(
    'One of the six classes. When absent it is inferred from the asset name if that name is a class (the seed used class names as assets); otherwise Stocks is assumed with a warning.',
  ),
  target_weight: weight,
  current_weight: z
    .number()
    .min(-1, 'must be >= -1')
    .max(1, 'must be <= 1')
    .describe(
      'long_only (default): ≥ 0, normalized with the others to 1 − cash_weight. long_short / market_neutral: a signed fraction of portfolio_value taken as given (negative = short), Σ current_weight + cash_weight = 1.',
    ),
  market_return: z
    .number()
    .min(-1)
    .max(10)
    .default(0)
    .describe('Annual expected return used as the forecast when the asset has no history.'),
  price: z
    .number()
    .positive('must be > 0')
    .max(1e12)
    .optional()
    .describe(
      'Price per unit when the asset is traded as one security. Not needed (and not used for orders) when the asset lists holdings: each holding is ordered at its own last_price.',
    ),
  historical_returns: numberArray({
    gt: -1,
    max: 10,
    maxLength: LIMITS.maxHistory,
    messages: { gt: 'a return must be > -1 (a price cannot go below zero)' },
  })
    .optional()
    .describe('Daily simple returns, oldest first. Ignored when price_history has this asset.'),
  lot_size: z
    .number()
    .positive('must be > 0')
    .max(1e9)
    .optional()
    .describe('Trade unit; overrides the asset-class default (see docs/methods.md).'),
  min_trade_value: z
    .number()
    .min(0)
    .max(1e15)
    .default(0)
    .describe('Trades smaller than this (currency) are not sent.'),
  holdings: z.array(Holding).max(LIMITS.maxHoldingsPerAsset).optional(),
});
export type AssetInput = z.infer<typeof AssetInput>;

export const PriceHistory = z.object({
  dates: z.array(IsoDate).min(2).max(LIMITS.maxHistory),
  prices: nameRecord(
    plainText(z.string().min(1).max(128)),
    numberArray({ gt: 0, max: 1e12, messages: { gt: 'prices must be > 0' } }),
  ).describe('Series keyed by asset or holding name, each aligned with `dates`.'),
});
export type PriceHistory = z.infer<typeof PriceHistory>;

export const MonteCarloSettings = z.object({
  paths: z.number().int().min(100).max(LIMITS.maxPaths).default(10000),
  horizon_days: z.number().int().min(1).max(LIMITS.maxHorizonDays).default(21),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(42),
  method: z
    .enum(['gaussian', 'bootstrap'])
    .default('gaussian')
    .describe(
      'gaussian: correlated normal daily returns from the sample covariance; bootstrap: stationary block bootstrap of historical days.',
    ),
  block_size: z.number().int().min(1).max(252).default(5),
  rebalancing: z
    .enum(['constant_mix', 'buy_and_hold'])
    .default('constant_mix')
    .describe(
      'constant_mix: weights reset daily (one draw per step, exact for the portfolio); buy_and_hold: each asset compounds on its own (asset-level paths).',
    ),
});
export type MonteCarloSettings = z.infer<typeof MonteCarloSettings>;

export const RebalanceRequest = z
  .object({
    portfolio_id: plainText(z.string().max(64))
      .optional()
      .describe('Saved portfolio this request belongs to (links the run to it).'),
    portfolio_value: z.number().positive('must be > 0').max(LIMITS.maxPortfolioValue),
    as_of: IsoDate.optional().describe(
      'Valuation date. The Market Data agent checks that the history is not older than the policy allows relative to it; without it staleness is not checked (a warning says so).',
    ),
    stress_proxies: nameRecord(
      plainText(z.string().min(1).max(128)),
      plainText(z.string().min(1).max(64)),
    )
      .optional()
      .describe(
        'Asset → proxy series for the historical stress windows (e.g. {"Gold fund": "XOM"}); adds to and wins over the policy’s proxies.',
      ),
    drift_threshold: z
      .number()
      .min(0)
      .max(0.5)
      .default(0.02)
      .describe('Half-width of the tolerance band, in weight (0.02 = ±2 percentage points).'),
    turnover_limit: z
      .number()
      .gt(0, 'must be > 0')
      .max(MAX_LONG_SHORT_TURNOVER)
      .default(0.2)
      .describe(
        'Cap on one-way turnover Σ|Δw|/2: at most 1 in a long_only book, at most 4 in a long_short or market_neutral book (closing a short and opening a long moves more than the NAV).',
      ),
    transaction_cost_bps: z.number().min(0).max(1000).default(10),
    fixed_fee_per_trade: z.number().min(0).max(1e9).default(0),
    risk_free_rate: z.number().min(-0.2).max(1).default(0.02).describe('Annual.'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as USD')
      .default('USD'),
    rebalance_to: z
      .enum(['target', 'band_edge', 'full'])
      .default('target')
      .describe(
        'When any asset is outside its band (or cash must move): target = breaching assets to target; band_edge = to the nearest band edge, with the least turnover; full = every asset to target. In every case the other assets absorb the residual cash toward their targets and every asset ends inside its band.',
      ),
    cash_weight: z
      .number()
      .min(0)
      .lt(5, 'must be < 5')
      .default(0)
      .describe(
        'Cash held now, as a fraction of portfolio_value (which includes it). long_only: < 1, and asset current weights are normalized to sum to 1 − cash_weight. long_short / market_neutral: short proceeds sit in cash, so it may exceed 1; Σ current_weight + cash_weight must be 1 (± 0.005).',
      ),
    cash_flow: z
      .number()
      .min(-LIMITS.maxPortfolioValue)
      .max(LIMITS.maxPortfolioValue)
      .default(0)
      .describe(
        'A contribution (> 0) to invest or a withdrawal (< 0) to raise, in currency. Weights after the trades are fractions of portfolio_value + cash_flow.',
      ),
    tilt_budget: z
      .number()
      .min(0)
      .max(0.25)
      .default(0)
      .describe(
        'Largest forecast tilt of any optimized target, in weight. 0 keeps the policy targets.',
      ),
    assets: z.array(AssetInput).min(1, 'at least one asset is required').max(LIMITS.maxAssets),
    price_history: PriceHistory.optional(),
    benchmark: z
      .object({
        name: name('benchmark name').default('Benchmark'),
        prices: numberArray({ gt: 0, max: 1e12, messages: { gt: 'prices must be > 0' } }),
      })
      .optional()
      .describe('Benchmark prices aligned with price_history.dates.'),
    monte_carlo: MonteCarloSettings.default({
      paths: 10000,
      horizon_days: 21,
      seed: 42,
      method: 'gaussian',
      block_size: 5,
      rebalancing: 'constant_mix',
    }),
    ...OptimizeRequestFields,
  })
  .superRefine((req, ctx) => {
    refineOptimizeFields(req, ctx);
    refineBookWeights(req, ctx);
    const seen = new Set<string>();
    req.assets.forEach((a, i) => {
      if (seen.has(a.asset))
        ctx.addIssue({
          code: 'custom',
          path: ['assets', i, 'asset'],
          message: `duplicate asset "${a.asset}"`,
        });
      seen.add(a.asset);
      refineHoldings(a, i, ctx);
      const hs = new Set<string>();
      a.holdings?.forEach((h, j) => {
        if (hs.has(h.holding))
          ctx.addIssue({
            code: 'custom',
            path: ['assets', i, 'holdings', j, 'holding'],
            message: `duplicate holding "${h.holding}"`,
          });
        hs.add(h.holding);
      });
    });
    const sumT = req.assets.reduce((s, a) => s + a.target_weight, 0);
    const sumC = req.assets.reduce((s, a) => s + a.current_weight, 0);
    const longOnly = (req.book?.type ?? 'long_only') === 'long_only';
    if (!(sumT > 0))
      ctx.addIssue({
        code: 'custom',
        path: ['assets'],
        message: 'target weights sum to 0; at least one must be > 0',
      });
    if (longOnly && !(sumC > 0))
      ctx.addIssue({
        code: 'custom',
        path: ['assets'],
        message: 'current weights sum to 0; at least one must be > 0',
      });
    const after = req.portfolio_value + req.cash_flow;
    if (!(after > 0))
      ctx.addIssue({
        code: 'custom',
        path: ['cash_flow'],
        message: `a withdrawal of ${-req.cash_flow} would leave nothing of portfolio_value ${req.portfolio_value}; it must be smaller than the portfolio`,
      });
    else if (after > LIMITS.maxPortfolioValue)
      ctx.addIssue({
        code: 'custom',
        path: ['cash_flow'],
        message: `portfolio_value + cash_flow must be at most ${LIMITS.maxPortfolioValue}`,
      });
    const mc = req.monte_carlo;
    if (mc.paths * mc.horizon_days > LIMITS.maxPathSteps)
      ctx.addIssue({
        code: 'custom',
        path: ['monte_carlo'],
        message: `paths × horizon_days must be <= ${LIMITS.maxPathSteps}`,
      });
    const ph = req.price_history;
    if (ph) {
      for (let i = 1; i < ph.dates.length; i++) {
        const prev = ph.dates[i - 1] as string;
        const cur = ph.dates[i] as string;
        if (!(cur > prev)) {
          ctx.addIssue({
            code: 'custom',
            path: ['price_history', 'dates', i],
            message: `dates must be strictly increasing (${cur} follows ${prev})`,
          });
          break;
        }
      }
      for (let i = 0; i < ph.dates.length; i++) {
        const d = ph.dates[i] as string;
        if (!isRealDate(d)) {
          ctx.addIssue({
            code: 'custom',
            path: ['price_history', 'dates', i],
            message: `${d} is not a calendar date`,
          });
          break;
        }
      }
      const keys = Object.keys(ph.prices);
      if (keys.length > LIMITS.maxSeries)
        ctx.addIssue({
          code: 'custom',
          path: ['price_history', 'prices'],
          message: `at most ${LIMITS.maxSeries} series`,
        });
      for (const k of keys) {
        const s = ph.prices[k] as number[];
        if (s.length !== ph.dates.length)
          ctx.addIssue({
            code: 'custom',
            path: ['price_history', 'prices', k],
            message: `has ${s.length} prices but there are ${ph.dates.length} dates`,
          });
      }
    }
    if (req.benchmark) {
      if (!ph)
        ctx.addIssue({
          code: 'custom',
          path: ['benchmark'],
          message: 'a benchmark needs price_history (its prices align with price_history.dates)',
        });
      else if (req.benchmark.prices.length !== ph.dates.length)
        ctx.addIssue({
          code: 'custom',
          path: ['benchmark', 'prices'],
          message: `has ${req.benchmark.prices.length} prices but there are ${ph.dates.length} dates`,
        });
    }
  });
export type RebalanceRequest = z.infer<typeof RebalanceRequest>;
export type RebalanceRequestInput = z.input<typeof RebalanceRequest>;

/** Tolerance of Σ current_weight + cash_weight = 1 in a long-short book (as WEIGHT_SUM_TOLERANCE). */
const BOOK_SUM_TOLERANCE = 0.005;

/**
 * The sign rules of the book type (docs/methods.md, long-short books). long_only keeps the limits
 * it always had: current weights and quantities ≥ 0, cash_weight < 1, turnover_limit ≤ 1. A
 * long_short or market_neutral book takes current weights as signed fractions of portfolio_value
 * (no normalization), so they and the cash must add up to 1; a holding's quantity has its asset's
 * sign, and holding targets (a long-only level fill) are refused.
 */
function refineBookWeights(
  req: {
    book?: { type: string } | undefined;
    cash_weight: number;
    turnover_limit: number;
    assets: readonly {
      current_weight: number;
      holdings?: readonly { quantity?: number | undefined; target_weight?: number | undefined }[];
    }[];
  },
  ctx: z.RefinementCtx,
): void {
  const type = req.book?.type ?? 'long_only';
  if (type === 'long_only') {
    const hint = '(a short position needs book.type long_short or market_neutral)';
    req.assets.forEach((a, i) => {
      if (a.current_weight < 0)
        ctx.addIssue({
          code: 'custom',
          path: ['assets', i, 'current_weight'],
          message: `must be >= 0 in a long_only book ${hint}`,
        });
      a.holdings?.forEach((h, j) => {
        if (h.quantity !== undefined && h.quantity < 0)
          ctx.addIssue({
            code: 'custom',
            path: ['assets', i, 'holdings', j, 'quantity'],
            message: `must be >= 0 in a long_only book ${hint}`,
          });
      });
    });
    if (req.cash_weight >= 1)
      ctx.addIssue({
        code: 'custom',
        path: ['cash_weight'],
        message: 'must be < 1 in a long_only book (cash above the NAV comes from short sales)',
      });
    if (req.turnover_limit > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['turnover_limit'],
        message: `must be <= 1 in a long_only book (with Σw ≤ 1 before and after, one-way turnover cannot exceed 1); long_short and market_neutral books allow up to ${MAX_LONG_SHORT_TURNOVER}`,
      });
    return;
  }
  let sum = req.cash_weight;
  for (const a of req.assets) sum += a.current_weight;
  if (Math.abs(sum - 1) > BOOK_SUM_TOLERANCE)
    ctx.addIssue({
      code: 'custom',
      path: ['cash_weight'],
      message: `in a ${type} book current weights are signed fractions of portfolio_value taken as given: Σ current_weight + cash_weight is ${+sum.toFixed(6)}, it must be 1 ± ${BOOK_SUM_TOLERANCE} (short proceeds sit in cash, so cash_weight may exceed 1)`,
    });
  req.assets.forEach((a, i) =>
    a.holdings?.forEach((h, j) => {
      const q = h.quantity;
      if (q !== undefined && ((q < 0 && a.current_weight > 0) || (q > 0 && a.current_weight < 0)))
        ctx.addIssue({
          code: 'custom',
          path: ['assets', i, 'holdings', j, 'quantity'],
          message: `has the opposite sign of the asset's current_weight ${a.current_weight}; an asset is either long or short`,
        });
      if (h.target_weight !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['assets', i, 'holdings', j, 'target_weight'],
          message: `holding targets are not supported in a ${type} book (the split toward them is long-only); the asset's trade is split pro rata to its holdings`,
        });
    }),
  );
}

/**
 * An asset is ordered either as one security (its `price`) or through its holdings (their own
 * prices). A holding's split inside the asset comes from quantities (all or none) or weights, and
 * holding targets are all or none.
 */
function refineHoldings(
  a: { price?: number | undefined; holdings?: Holding[] | undefined },
  i: number,
  ctx: z.RefinementCtx,
): void {
  const hs = a.holdings ?? [];
  if (hs.length === 0) {
    if (a.price === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['assets', i, 'price'],
        message: 'required: the asset has no holdings, so its orders need its own price (> 0)',
      });
    return;
  }
  const withQty = hs.filter((h) => h.quantity !== undefined).length;
  if (withQty > 0 && withQty < hs.length)
    hs.forEach((h, j) => {
      if (h.quantity === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['assets', i, 'holdings', j, 'quantity'],
          message: 'required: some holdings of this asset give quantity, so all must',
        });
    });
  if (withQty === 0)
    hs.forEach((h, j) => {
      if (h.holding_weight === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['assets', i, 'holdings', j, 'holding_weight'],
          message: 'required: give holding_weight or quantity for every holding',
        });
    });
  const withTarget = hs.filter((h) => h.target_weight !== undefined).length;
  if (withTarget > 0 && withTarget < hs.length)
    hs.forEach((h, j) => {
      if (h.target_weight === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['assets', i, 'holdings', j, 'target_weight'],
          message: 'required: some holdings of this asset give target_weight, so all must',
        });
    });
  const mix =
    withQty === hs.length
      ? hs.reduce((t, h) => t + (h.quantity as number) * h.last_price, 0)
      : hs.reduce((t, h) => t + (h.holding_weight ?? 0), 0);
  // |mix|: a short asset's quantities (long-short books) are all negative.
  if (withTarget < hs.length && !(Math.abs(mix) > 0))
    ctx.addIssue({
      code: 'custom',
      path: ['assets', i, 'holdings'],
      message:
        'the holdings’ split (holding_weight, or quantity × last_price) sums to 0 and no target_weight is given, so a trade in this asset cannot be split across them',
    });
  if (withTarget === hs.length && !hs.some((h) => (h.target_weight as number) > 0))
    ctx.addIssue({
      code: 'custom',
      path: ['assets', i, 'holdings'],
      message: 'holding target_weight values sum to 0; at least one must be > 0',
    });
}

/**
 * Whether a YYYY-MM-DD string (already matched by IsoDate) names a day of the proleptic Gregorian
 * calendar: month 1–12, day 1–days of that month (February 29 in years divisible by 4, except
 * centuries not divisible by 400). Arithmetic only: a 1,261-day history is checked in
 * microseconds, where Date.parse + toISOString cost 7% of a small rebalance.
 * Example: isRealDate('2024-02-29') === true; isRealDate('2023-02-29') === false.
 */
export function isRealDate(d: string): boolean {
  const y = Number(d.slice(0, 4));
  const m = Number(d.slice(5, 7));
  const day = Number(d.slice(8, 10));
  if (!(m >= 1 && m <= 12 && day >= 1)) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return day <= days;
}

/** Where a figure's history came from. */
export const HistorySource = z.enum([
  'price_history',
  'historical_returns',
  'market_return',
  'none',
]);
export type HistorySource = z.infer<typeof HistorySource>;

const num = z.number();
const nnum = z.number().nullable();

/** What an order (or an asset row) did; its reason text is built from it. */
export const ORDER_STATUSES = [
  'traded',
  'scaled_by_cap',
  'scaled_to_cash',
  'below_min_trade',
  'rounded_to_zero',
  'cost_exceeds_proceeds',
  'not_funded',
  'restricted',
  'in_band',
  'no_change',
] as const;
export const OrderStatus = z
  .enum(ORDER_STATUSES)
  .describe(
    'traded: executed as decided (rounded to lots); scaled_by_cap: executed, scaled down by the turnover cap; scaled_to_cash: a buy reduced to the cash available after costs; below_min_trade, rounded_to_zero (less than one lot), cost_exceeds_proceeds (a sell), not_funded (a buy), restricted (no_trade list): not executed; in_band: nothing to trade, inside its band; no_change: the method kept the current weight.',
  );
export type OrderStatus = z.infer<typeof OrderStatus>;

/** The constraint that kept an asset outside its band after the trades. */
export const BAND_CONSTRAINTS = [
  'turnover_cap',
  'lot',
  'min_trade',
  'restriction',
  'cash',
  'method',
] as const;
export const BandConstraint = z.enum(BAND_CONSTRAINTS);
export type BandConstraint = z.infer<typeof BandConstraint>;

export const WeightRow = z.object({
  asset: z.string(),
  asset_class: AssetClass,
  target_weight: num,
  optimized_target_weight: num,
  current_weight: num,
  drift: num.describe('current − target (policy target).'),
  current_weight_after_flow: num.describe(
    'current_weight × portfolio_value / (portfolio_value + cash_flow): the weight the band test uses.',
  ),
  band_lower: num,
  band_upper: num,
  outside_band: z.boolean().describe('Before the trades, after the cash flow.'),
  decided_weight: num.describe(
    'Post-trade weight the method decided (fraction of portfolio_value + cash_flow), before execution: before the turnover cap, lots, minimum trades and cash.',
  ),
  proposed_weight: num.describe(
    'Weight after the orders, as a share of portfolio_value + cash_flow − costs.',
  ),
  post_trade_band_status: z.enum(['inside', 'outside']),
  band_constraint: BandConstraint.nullable().describe(
    'When outside after the trades: what prevented it (turnover cap, lot size, minimum trade, restriction, cash, or the method’s own decision).',
  ),
  forecast_return: num,
  forecast_confidence: num,
  forecast_source: HistorySource,
});

export const TradeRow = z.object({
  asset: z.string(),
  asset_class: AssetClass,
  action: z.enum(['Buy', 'Sell', 'Hold']),
  trade_value: num.describe('Absolute notional in currency, rounded to the minor unit.'),
  signed_trade_value: num,
  trade_units: nnum.describe(
    'Signed units (negative = sell), a whole multiple of lot_size; null when the asset is ordered through its holdings (see `orders`).',
  ),
  price: nnum.describe('null when the asset is ordered through its holdings.'),
  lot_size: nnum.describe('null when the asset is ordered through its holdings.'),
  estimated_cost: num,
  status: OrderStatus,
  orders: z.number().int().describe('Number of security orders sent for this asset.'),
  reason: z.string(),
});
export type TradeRow = z.infer<typeof TradeRow>;

/** One order to send to a broker: a security (an asset traded as itself, or a holding). */
export const OrderRow = z.object({
  security: z.string().describe('The holding name, or the asset name when it has no holdings.'),
  asset: z.string(),
  asset_class: AssetClass,
  action: z.enum(['Buy', 'Sell', 'Hold']),
  trade_units: num.describe('Signed units (negative = sell), a whole multiple of lot_size.'),
  price: num,
  lot_size: num,
  trade_value: num,
  signed_trade_value: num,
  estimated_cost: num,
  status: OrderStatus,
  reason: z.string(),
});
export type OrderRow = z.infer<typeof OrderRow>;

export const TradeSummary = z.object({
  total_buys: num,
  total_sells: num,
  total_costs: num,
  cash_change: num.describe(
    'total_sells − total_buys − total_costs (negative when cash is invested).',
  ),
  residual_cash: num.describe('Cash after the trades: cash_before + cash_change (≥ 0).'),
  cash_flow: num.describe('The contribution (+) or withdrawal (−) of the request.'),
  cash_before: num.describe('cash_weight × portfolio_value + cash_flow (may be negative).'),
  cash_target: num.describe('cash_floor × (portfolio_value + cash_flow): the buffer aimed at.'),
  value_after_flow: num.describe('portfolio_value + cash_flow: the base of the weights.'),
  turnover_before_cap: num,
  turnover_scale: num.describe(
    'Factor applied to every trade to meet the turnover cap (1 = not binding).',
  ),
  turnover_limit_binding: z.boolean(),
  band_breaches_remaining: z
    .number()
    .int()
    .describe('Assets still outside their band after the trades (see weights.*.band_constraint).'),
  rounding_residual: num.describe('Value left untraded by lot rounding and minimum trade values.'),
  trade_count: z.number().int(),
});

export const RiskMetrics = z.object({
  volatility: nnum,
  sharpe: nnum,
  sortino: nnum,
  max_drawdown: nnum,
  var_95: nnum,
  cvar_95: nnum,
  parametric_var_95: nnum,
  cornish_fisher_var_95: nnum,
  expected_annual_return: nnum,
  tracking_error: nnum,
  beta: nnum,
  observations: z.number().int(),
  source: HistorySource,
});
export type RiskMetrics = z.infer<typeof RiskMetrics>;

export const AssetForecast = z.object({
  asset: z.string(),
  momentum: num.describe('Annual simple return (≥ −1), from log returns.'),
  mean_reversion: num.describe('Annual simple return (≥ −1), from log returns.'),
  ewma: num.describe('Annual simple return (≥ −1), from log returns.'),
  historical_mean: num.describe(
    'exp(252 · mean daily log return) − 1: the anchor the ensemble is shrunk toward.',
  ),
  ensemble_unshrunk: num.describe('Weighted average of the three models (≥ −1).'),
  ensemble: num.describe(
    'confidence × ensemble_unshrunk + (1 − confidence) × historical_mean: the forecast every other figure uses (≥ −1).',
  ),
  confidence: num,
  observations: z.number().int(),
  source: HistorySource,
});
export type AssetForecast = z.infer<typeof AssetForecast>;

export const ForecastAlignment = z.object({
  asset: z.string(),
  forecast_return: num,
  trade_action: z.enum(['Buy', 'Sell', 'Hold']),
  alignment: z
    .enum(['with', 'against', 'no_trade'])
    .describe('with: buys a positive or sells a negative forecast; against: the opposite.'),
  reason: z.string(),
});

export const HouseView = z.object({
  asset_forecasts: z.array(AssetForecast),
  alignment: z
    .array(ForecastAlignment)
    .describe('Per asset: whether the plan trades with or against its forecast, and why.'),
  top_conviction_buys: z.array(z.string()),
  risk_reduction_candidates: z.array(z.string()),
  tilt_budget: num,
});

export const MonteCarloBand = z.object({
  day: z.number().int(),
  p5: num,
  p25: num,
  p50: num,
  p75: num,
  p95: num,
});

export const TerminalHistogram = z
  .object({
    edges: z
      .array(num)
      .describe(
        'Bin edges of terminal wealth per 1 invested, ascending, from the smallest to the largest simulated value (counts.length + 1 entries).',
      ),
    counts: z
      .array(z.number().int())
      .describe(
        'Paths per bin: bin k is [edges[k], edges[k+1]), the last bin also holds its right edge; Σ counts = paths.',
      ),
  })
  .describe(
    '40 equal-width bins of W_H over every path (one bin [v, v] when every path ends at the same v).',
  );

export const MonteCarloResult = z.object({
  method: z.enum(['gaussian', 'bootstrap']),
  rebalancing: z.enum(['constant_mix', 'buy_and_hold']),
  paths: z.number().int(),
  horizon_days: z.number().int(),
  seed: z.number().int(),
  probability_of_loss: num,
  expected_terminal_value: num.describe('Mean terminal wealth per 1 invested today.'),
  worst_5pct_terminal_value: num.describe('5th percentile of terminal wealth per 1 invested.'),
  expected_shortfall_terminal_value: num.describe('Mean terminal wealth of the worst 5% of paths.'),
  expected_terminal_portfolio_value: num,
  worst_5pct_terminal_portfolio_value: num,
  bands: z.array(MonteCarloBand).describe('Percentiles of wealth per 1 invested, day 0..horizon.'),
  terminal_histogram: TerminalHistogram,
});
export type MonteCarloResult = z.infer<typeof MonteCarloResult>;

export const DrilldownHolding = z.object({
  holding: z.string(),
  holding_weight: num,
  portfolio_weight: num,
  last_price: num,
  implied_notional: num,
  implied_units: num,
  predicted_return: num,
  forecast_confidence: num,
  forecast_source: z.enum(['holding_history', 'asset_history', 'market_return']),
  rebalance_action: z.enum(['Buy', 'Sell', 'Hold']),
  trade_value: num.describe('Signed value of this holding’s own order.'),
  trade_units: num.describe('Signed units of this holding’s own order.'),
  status: OrderStatus,
});

export const Drilldown = z.object({
  asset: z.string(),
  asset_class: AssetClass,
  summary: z.object({
    current_weight: num,
    target_weight: num,
    optimized_target_weight: num,
    proposed_weight: num,
    forecast_return: num,
    forecast_confidence: num,
    drift: num,
    trade_action: z.enum(['Buy', 'Sell', 'Hold']),
    trade_value: num,
    trade_units: nnum,
    estimated_cost: num,
  }),
  holdings: z.array(DrilldownHolding),
});

export const RiskContribution = z.object({
  asset: z.string(),
  asset_class: AssetClass,
  current: nnum.describe(
    'w_i (Σw)_i / wᵀΣw for the current weights (Σ over assets = 1); null without enough history.',
  ),
  proposed: nnum.describe('The same for the proposed weights.'),
});
export type RiskContribution = z.infer<typeof RiskContribution>;

export const ResponseMetadata = z.object({
  timestamp_utc: z.string(),
  version: z.string(),
  engine_version: z.string(),
  input_hash: z.string().describe('SHA-256 of the canonical JSON of the validated input.'),
  conventions: z.record(z.string(), z.string()),
});

export const RebalanceResponse = z.object({
  run_id: z.string().optional(),
  portfolio_value: num,
  currency: z.string(),
  drift_threshold: num,
  rebalance_to: z.enum(['target', 'band_edge', 'full']),
  turnover_limit: num,
  turnover_used: num,
  estimated_total_transaction_cost: num,
  weights: z.array(WeightRow),
  trades: z.array(TradeRow).describe('One row per asset; the sum of its security orders.'),
  orders: z.array(OrderRow).describe('One row per security that trades or was considered.'),
  trade_summary: TradeSummary,
  risk_metrics: RiskMetrics,
  proposed_risk_metrics: RiskMetrics,
  risk_contributions: z
    .array(RiskContribution)
    .describe(
      'Each asset’s share of portfolio variance, current and proposed, in the order of `weights`; Σ is the sample covariance of the aligned daily returns the risk metrics use. null where the risk metrics’ volatility is null (see warnings).',
    ),
  house_view: HouseView,
  monte_carlo: MonteCarloResult.nullable().describe(
    'Simulated for the proposed portfolio (after the trades); null without enough history.',
  ),
  asset_drilldown: nameRecord(z.string(), Drilldown),
  method: RebalanceMethod,
  book_exposure: BookExposure.optional().describe(
    'The book type and its gross and net exposure before and after the trades (docs/methods.md, long-short books). Absent from runs saved before it existed.',
  ),
  optimization: OptimizationResult.nullable().describe(
    'Solver report of an optimized method (status, objective, binding constraints, duals, KKT check); null for threshold.',
  ),
  decision: Decision.describe(
    'The Supervisor Agent’s decision under the policy in force (docs/agents.md).',
  ),
  decision_reasons: z.array(z.string()).describe('Every check that was breached, in words.'),
  supervisor: SupervisorReport,
  data_health: DataHealth,
  history_observations: HistoryObservations.optional().describe(
    'Daily returns per asset and per pair of the histories read, and whether the risk figures used each asset’s full history (lengths differ) or the common window. Absent from runs saved before it existed.',
  ),
  stress_tests: z
    .array(StressResult)
    .describe('Historical windows and policy shocks applied to the current and proposed book.'),
  execution: ExecutionQueue.describe(
    'The staged order queue with the pre-trade controls of every child order.',
  ),
  agent_steps: z
    .array(AgentStep)
    .describe('The step record of every agent invocation, in the order they ran.'),
  warnings: z.array(Warning),
  metadata: ResponseMetadata,
});
export type RebalanceResponse = z.infer<typeof RebalanceResponse>;

export { ASSET_CLASSES };
