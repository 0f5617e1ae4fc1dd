import { z } from 'zod';
import { AssetClass, ASSET_CLASSES, IsoDate, Warning } from './common';
import { OptimizationResult, OptimizeRequestFields, refineOptimizeFields } from './optimize';

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
  z
    .string()
    .trim()
    .min(1, `${what} must not be empty`)
    .max(128, `${what} must be at most 128 characters`);

const weight = z.number().min(0, 'must be >= 0').max(1, 'must be <= 1');

export const Holding = z.object({
  holding: name('holding'),
  holding_weight: weight.describe('Weight of the holding inside its asset (normalized per asset).'),
  last_price: z.number().positive('must be > 0').max(1e12),
});

export const AssetInput = z.object({
  asset: name('asset'),
  asset_class: AssetClass.optional().describe(
    'One of the six classes. When absent it is inferred from the asset name if that name is a class (the seed used class names as assets); otherwise Stocks is assumed with a warning.',
  ),
  target_weight: weight,
  current_weight: weight,
  market_return: z
    .number()
    .min(-1)
    .max(10)
    .default(0)
    .describe('Annual expected return used as the forecast when the asset has no history.'),
  price: z.number().positive('must be > 0').max(1e12),
  historical_returns: z
    .array(z.number().gt(-1, 'a return must be > -1 (a price cannot go below zero)').max(10))
    .max(LIMITS.maxHistory)
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
  prices: z
    .record(
      z.string().min(1).max(128),
      z.array(z.number().positive('prices must be > 0').max(1e12)),
    )
    .describe('Series keyed by asset or holding name, each aligned with `dates`.'),
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
    portfolio_id: z
      .string()
      .max(64)
      .optional()
      .describe('Saved portfolio this request belongs to (links the run to it).'),
    portfolio_value: z.number().positive('must be > 0').max(LIMITS.maxPortfolioValue),
    drift_threshold: z
      .number()
      .min(0)
      .max(0.5)
      .default(0.02)
      .describe('Half-width of the tolerance band, in weight (0.02 = ±2 percentage points).'),
    turnover_limit: z
      .number()
      .gt(0, 'must be > 0')
      .max(1)
      .default(0.2)
      .describe('Cap on one-way turnover Σ|Δw|/2.'),
    transaction_cost_bps: z.number().min(0).max(1000).default(10),
    fixed_fee_per_trade: z.number().min(0).max(1e9).default(0),
    risk_free_rate: z.number().min(-0.2).max(1).default(0.02).describe('Annual.'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as USD')
      .default('USD'),
    rebalance_to: z.enum(['target', 'band_edge']).default('target'),
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
        prices: z.array(z.number().positive('prices must be > 0').max(1e12)),
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
    const seen = new Set<string>();
    req.assets.forEach((a, i) => {
      if (seen.has(a.asset))
        ctx.addIssue({
          code: 'custom',
          path: ['assets', i, 'asset'],
          message: `duplicate asset "${a.asset}"`,
        });
      seen.add(a.asset);
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
    if (!(sumT > 0))
      ctx.addIssue({
        code: 'custom',
        path: ['assets'],
        message: 'target weights sum to 0; at least one must be > 0',
      });
    if (!(sumC > 0))
      ctx.addIssue({
        code: 'custom',
        path: ['assets'],
        message: 'current weights sum to 0; at least one must be > 0',
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

function isRealDate(d: string): boolean {
  const t = Date.parse(`${d}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === d;
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

export const WeightRow = z.object({
  asset: z.string(),
  asset_class: AssetClass,
  target_weight: num,
  optimized_target_weight: num,
  current_weight: num,
  drift: num.describe('current − target (policy target).'),
  band_lower: num,
  band_upper: num,
  outside_band: z.boolean(),
  proposed_weight: num.describe(
    'Weight after the trades, as a share of the portfolio value after costs.',
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
  trade_units: num.describe('Signed units (negative = sell), a whole multiple of lot_size.'),
  price: num,
  lot_size: num,
  estimated_cost: num,
  reason: z.string(),
});
export type TradeRow = z.infer<typeof TradeRow>;

export const TradeSummary = z.object({
  total_buys: num,
  total_sells: num,
  total_costs: num,
  cash_change: num.describe('total_sells − total_buys − total_costs: cash left uninvested (≥ 0).'),
  residual_cash: num,
  turnover_before_cap: num,
  turnover_scale: num.describe(
    'Factor applied to every trade to meet the turnover cap (1 = not binding).',
  ),
  turnover_limit_binding: z.boolean(),
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
  momentum: num,
  mean_reversion: num,
  ewma: num,
  ensemble: num,
  confidence: num,
  observations: z.number().int(),
  source: HistorySource,
});
export type AssetForecast = z.infer<typeof AssetForecast>;

export const HouseView = z.object({
  asset_forecasts: z.array(AssetForecast),
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
  trade_value: num,
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
    trade_units: num,
    estimated_cost: num,
  }),
  holdings: z.array(DrilldownHolding),
});

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
  rebalance_to: z.enum(['target', 'band_edge']),
  turnover_limit: num,
  turnover_used: num,
  estimated_total_transaction_cost: num,
  weights: z.array(WeightRow),
  trades: z.array(TradeRow),
  trade_summary: TradeSummary,
  risk_metrics: RiskMetrics,
  proposed_risk_metrics: RiskMetrics,
  house_view: HouseView,
  monte_carlo: MonteCarloResult.nullable().describe(
    'Simulated for the proposed portfolio (after the trades); null without enough history.',
  ),
  asset_drilldown: z.record(z.string(), Drilldown),
  method: z.enum([
    'threshold',
    'track_target',
    'min_variance',
    'max_sharpe',
    'mean_variance',
    'risk_parity',
  ]),
  optimization: OptimizationResult.nullable().describe(
    'Solver report of an optimized method (status, objective, binding constraints, duals, KKT check); null for threshold.',
  ),
  warnings: z.array(Warning),
  metadata: ResponseMetadata,
});
export type RebalanceResponse = z.infer<typeof RebalanceResponse>;

export { ASSET_CLASSES };
