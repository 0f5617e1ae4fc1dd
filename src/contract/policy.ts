import { z } from 'zod';
import { AssetClass, ASSET_CLASSES, plainText } from './common';
import { nameRecord } from './names';

/**
 * The supervisor's policy: every limit the agents check, stored as data (GET/PUT /api/policy),
 * versioned, each change an audit event. docs/agents.md, "The policy".
 */

/** What a data-health finding does to the run. */
export const SEVERITIES = ['block', 'review', 'warn'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** What a breached limit does to the decision. */
export const BREACH_ACTIONS = ['review', 'reject'] as const;
export const BreachAction = z.enum(BREACH_ACTIONS);
export type BreachAction = z.infer<typeof BreachAction>;

/** The data-health checks of the Market Data agent (docs/agents.md, "Market Data agent"). */
export const DATA_HEALTH_CHECKS = [
  'weights_sum',
  'duplicate_asset',
  'price_missing',
  'price_mismatch',
  'stale_history',
  'history_gap',
  'misaligned_history',
  'outlier_return',
  'short_history',
] as const;
export const DataHealthCheck = z.enum(DATA_HEALTH_CHECKS);
export type DataHealthCheck = z.infer<typeof DataHealthCheck>;

/** The pre-trade controls of the Execution agent (docs/agents.md, "Execution agent"). */
export const PRE_TRADE_CONTROLS = [
  'max_order_notional',
  'max_order_nav_fraction',
  'price_collar',
  'duplicate_order',
  'restricted_list',
  'min_trade_value',
] as const;
export const PreTradeControl = z.enum(PRE_TRADE_CONTROLS);
export type PreTradeControl = z.infer<typeof PreTradeControl>;

const fraction = z.number().min(0).max(1);
const limit = (inner: z.ZodNumber, on: BreachAction) =>
  z
    .object({ limit: inner, on_breach: BreachAction.default(on) })
    .nullable()
    .describe('null turns the check off.');

const assetName = plainText(z.string().trim().min(1).max(128));

export const StressShock = z.object({
  name: plainText(z.string().trim().min(1).max(128)),
  by_class: z
    .partialRecord(AssetClass, z.number().min(-1).max(10))
    .default({})
    .describe('Return applied to every asset of a class, e.g. {"Stocks": -0.2}.'),
  by_asset: nameRecord(assetName, z.number().min(-1).max(10))
    .default({})
    .describe('Return applied to one asset; wins over by_class.'),
});
export type StressShock = z.infer<typeof StressShock>;

const SEVERITY_DEFAULTS: Record<DataHealthCheck, Severity> = {
  weights_sum: 'review',
  duplicate_asset: 'block',
  price_missing: 'review',
  price_mismatch: 'review',
  stale_history: 'review',
  history_gap: 'warn',
  misaligned_history: 'warn',
  outlier_return: 'review',
  short_history: 'warn',
};

export const PolicyDocument = z.object({
  name: plainText(z.string().trim().min(1).max(128)).default('Default policy'),
  require_sign_off: z
    .boolean()
    .default(false)
    .describe('true: every run is REVIEW_REQUIRED until a person approves it.'),
  limits: z
    .object({
      max_turnover: limit(fraction, 'review').default({ limit: 0.5, on_breach: 'review' }),
      max_asset_weight: limit(fraction, 'review').default({ limit: 0.75, on_breach: 'review' }),
      max_asset_class_weight: limit(fraction, 'review').default(null),
      max_var_95: limit(fraction, 'review').default({ limit: 0.05, on_breach: 'review' }),
      max_cvar_95: limit(fraction, 'review').default({ limit: 0.08, on_breach: 'review' }),
      max_tracking_error: limit(z.number().min(0).max(10), 'review').default(null),
      max_stress_loss: limit(fraction, 'review').default({ limit: 0.6, on_breach: 'review' }),
      min_cash_weight: limit(fraction, 'review').default({ limit: 0, on_breach: 'reject' }),
      max_assets_outside_band: limit(z.number().int().min(0).max(5000), 'review')
        .default({ limit: 0, on_breach: 'review' })
        .describe('Assets allowed to stay outside their band after the trades; null turns it off.'),
    })
    .prefault({}),
  restricted_assets: z
    .array(assetName)
    .max(5000)
    .default([])
    .describe('Assets or holdings that must not be traded.'),
  restricted_on_breach: BreachAction.default('reject'),
  data_health: z
    .object({
      severities: z
        .object(
          Object.fromEntries(
            DATA_HEALTH_CHECKS.map((c) => [c, Severity.default(SEVERITY_DEFAULTS[c])]),
          ) as Record<DataHealthCheck, z.ZodDefault<typeof Severity>>,
        )
        .prefault({}),
      weight_sum_tolerance: z.number().min(0).max(0.5).default(0.005),
      price_tolerance: z
        .number()
        .min(0)
        .max(10)
        .default(0.1)
        .describe('Largest |price / last history price − 1| accepted.'),
      max_history_age_days: z
        .number()
        .int()
        .min(0)
        .max(3650)
        .default(7)
        .describe('Calendar days between the last history date and as_of.'),
      max_gap_days: z
        .number()
        .int()
        .min(1)
        .max(3650)
        .default(7)
        .describe('Largest calendar-day step between consecutive history dates.'),
      outlier_return_bound: z
        .number()
        .gt(0)
        .max(100)
        .default(0.5)
        .describe('Largest |daily simple return| accepted.'),
      min_history_returns: z.number().int().min(2).max(20000).default(252),
    })
    .prefault({}),
  pre_trade: z
    .object({
      max_order_notional: z.number().positive().max(1e15).nullable().default(1e9),
      max_order_nav_fraction: fraction.nullable().default(0.25),
      price_collar: z
        .number()
        .min(0)
        .max(10)
        .nullable()
        .default(0.1)
        .describe('Largest |order price / last history price − 1|.'),
      min_trade_value: z.number().min(0).max(1e15).default(0),
      max_child_notional: z
        .number()
        .positive()
        .max(1e15)
        .default(1e6)
        .describe('Orders larger than this are sliced into child orders.'),
      on_block: BreachAction.default('review'),
    })
    .prefault({}),
  stress: z
    .object({
      shocks: z
        .array(StressShock)
        .max(50)
        .default([
          {
            name: 'Equity −20%, crypto −50%, FX +5%',
            by_class: { Stocks: -0.2, ETF: -0.2, 'Mutual Fund': -0.15, Crypto: -0.5, FX: 0.05 },
            by_asset: {},
          },
        ]),
      proxies: nameRecord(assetName, plainText(z.string().trim().min(1).max(64)))
        .default({})
        .describe('Asset → proxy series name for historical windows (see /api/policy docs).'),
    })
    .prefault({}),
});
export type PolicyDocument = z.infer<typeof PolicyDocument>;

/** GET /api/policy: the document in force with its version. PUT accepts the same shape. */
export const PolicyResponse = PolicyDocument.extend({
  version: z.number().int().min(0).describe('0 = the built-in default, never edited.'),
  updated_at: z.string().nullable(),
  updated_by: z.string().nullable(),
  hash: z.string().describe('SHA-256 of the canonical JSON of the document (without version).'),
});
export type PolicyResponse = z.infer<typeof PolicyResponse>;

export const PutPolicyRequest = PolicyDocument.extend({
  version: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('The version being edited; a different current version answers 409.'),
  updated_at: z.string().nullable().optional(),
  updated_by: z.string().nullable().optional(),
  hash: z.string().optional(),
});

/** The built-in default policy (version 0). */
export const DEFAULT_POLICY: PolicyDocument = PolicyDocument.parse({});

export { ASSET_CLASSES };
