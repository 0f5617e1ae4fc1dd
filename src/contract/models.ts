/**
 * Models, accounts and the price library (issue #13, item 1). A model portfolio holds target
 * weights, the band and the rebalance method with its settings; an account holds positions and
 * cash and follows a model; the price library holds one close series per symbol, shared by every
 * account. Field schemas are RebalanceRequest's own (a model's settings become the request's
 * fields unchanged: services/accounts/rebalanceRequestFor.ts).
 */
import { z } from 'zod';
import { Identifier, IsoDate, plainText } from './common';
import { MAX_IMPORT_CONTENT } from './importFiles';
import { AssetInput, LIMITS, RebalanceRequest } from './rebalance';
import { ImportPricesRequest } from './store';
import { ImportFormat, ImportReport } from '../data/import/types';
import { AccountMapping } from '../data/import/accountTypes';
import { WEIGHT_SUM_TOLERANCE } from '../domain/weights';

const R = RebalanceRequest.shape;
const A = AssetInput.shape;
const Name = plainText(z.string().trim().min(1).max(200));
const Version = z.number().int();
const VersionInfo = z.object({
  version: Version,
  created_at: z.string(),
  content_hash: z.string(),
});
const ExpectedVersion = z
  .number()
  .int()
  .min(0)
  .optional()
  .describe(
    'The latest version you read (0 or absent: the record must not exist yet). Another version saved since → 409.',
  );

// ── Models ─────────────────────────────────────────────────────────────────────────────────

export const ModelTarget = z.object({
  asset: A.asset,
  asset_class: A.asset_class,
  target_weight: A.target_weight,
});

/** The request fields a model fixes for every account that follows it. */
export const MODEL_SETTINGS = {
  drift_threshold: R.drift_threshold,
  rebalance_to: R.rebalance_to,
  turnover_limit: R.turnover_limit,
  transaction_cost_bps: R.transaction_cost_bps,
  fixed_fee_per_trade: R.fixed_fee_per_trade,
  tilt_budget: R.tilt_budget,
  method: R.method,
  risk_aversion: R.risk_aversion,
  target_volatility: R.target_volatility,
  target_return: R.target_return,
  hrp_linkage: R.hrp_linkage,
  bounds: R.bounds,
  class_bounds: R.class_bounds,
  cash_floor: R.cash_floor,
  no_trade: R.no_trade,
};
export const MODEL_SETTING_KEYS = Object.keys(MODEL_SETTINGS) as (keyof typeof MODEL_SETTINGS)[];

export const ModelContent = z
  .object({
    targets: z
      .array(ModelTarget)
      .min(1, 'at least one target is required')
      .max(LIMITS.maxAssets)
      .describe(`Target weight per asset; they sum to 1 (± ${WEIGHT_SUM_TOLERANCE}).`),
    ...MODEL_SETTINGS,
    policy_version: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('The supervisor policy version the model was written for (GET /api/policy).'),
  })
  .superRefine((m, ctx) => {
    const sum = m.targets.reduce((s, t) => s + t.target_weight, 0);
    if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE)
      ctx.addIssue({
        code: 'custom',
        path: ['targets'],
        message: `target weights sum to ${+sum.toFixed(6)}; a model's targets must sum to 1 ± ${WEIGHT_SUM_TOLERANCE}`,
      });
    // Every other rule (duplicate assets, a method's required settings, bounds and no_trade naming
    // the model's assets) is RebalanceRequest's own: a probe request built from the model is
    // checked by it, and its problems reported at the model's paths (assets.i → targets.i).
    const { targets, policy_version: _p, ...settings } = m;
    const probe = RebalanceRequest.safeParse({
      ...settings,
      portfolio_value: 1,
      assets: targets.map((t) => ({ ...t, current_weight: t.target_weight, price: 1 })),
    });
    if (probe.success) return;
    for (const issue of probe.error.issues) {
      // A field's own range or type issue is the model schema's too, already reported.
      if (issue.code !== 'custom') continue;
      const [head, ...rest] = issue.path;
      if (
        head === 'assets' &&
        rest.length > 0 &&
        rest[1] !== 'asset' &&
        rest[1] !== 'target_weight'
      )
        continue; // a probe field (current_weight, price): not the model's
      if (head === 'assets' && rest.length === 0 && /current weights/.test(issue.message)) continue;
      ctx.addIssue({
        code: 'custom',
        path: head === 'assets' ? ['targets', ...rest] : issue.path,
        message: issue.message,
      });
    }
  });
export type ModelContent = z.infer<typeof ModelContent>;

export const SaveModelRequest = z.object({
  model_id: Identifier.optional().describe('Absent: a new model with a generated id.'),
  name: Name,
  expected_version: ExpectedVersion,
  content: ModelContent,
});

export const ModelDetail = z.object({
  model_id: z.string(),
  name: z.string(),
  version: Version,
  created_at: z.string(),
  content_hash: z.string(),
  content: ModelContent,
  versions: z.array(VersionInfo),
});
export type ModelDetail = z.infer<typeof ModelDetail>;

export const ModelSummary = z.object({
  model_id: z.string(),
  name: z.string(),
  created_at: z.string(),
  latest_version: Version,
  updated_at: z.string(),
});

export const GetModelRequest = z.object({
  model_id: Identifier,
  version: z.coerce.number().int().min(1).optional(),
});

// ── Accounts ───────────────────────────────────────────────────────────────────────────────

export const AccountPosition = z.object({
  asset: A.asset,
  asset_class: A.asset_class,
  quantity: z.number().min(0, 'must be >= 0 (short positions are not supported)').max(1e15),
  price: A.price.describe(
    'The price the custodian file reported, kept as given. Current weights use the price library’s last close instead.',
  ),
  lot_size: A.lot_size,
});

export const AccountContent = z
  .object({
    currency: R.currency,
    cash: z.number().min(0).max(LIMITS.maxPortfolioValue).default(0).describe('In `currency`.'),
    positions: z.array(AccountPosition).max(LIMITS.maxAssets),
  })
  .superRefine((a, ctx) => {
    const seen = new Set<string>();
    a.positions.forEach((p, i) => {
      if (seen.has(p.asset))
        ctx.addIssue({
          code: 'custom',
          path: ['positions', i, 'asset'],
          message: `duplicate asset "${p.asset}"`,
        });
      seen.add(p.asset);
    });
  });
export type AccountContent = z.infer<typeof AccountContent>;

export const SaveAccountRequest = z.object({
  account_id: Identifier.optional().describe(
    'The account number (letters, digits, _ and -); absent: a generated id.',
  ),
  name: Name,
  model_id: Identifier.nullable()
    .optional()
    .describe('The model the account follows; absent keeps the current one, null: none.'),
  expected_version: ExpectedVersion,
  content: AccountContent,
});

export const AccountDetail = z.object({
  account_id: z.string(),
  name: z.string(),
  model_id: z.string().nullable(),
  version: Version,
  created_at: z.string(),
  content_hash: z.string(),
  content: AccountContent,
  versions: z.array(VersionInfo),
});
export type AccountDetail = z.infer<typeof AccountDetail>;

export const AccountSummary = z.object({
  account_id: z.string(),
  name: z.string(),
  model_id: z.string().nullable(),
  created_at: z.string(),
  latest_version: Version,
  updated_at: z.string(),
});

export const ListAccountsRequest = z.object({
  model_id: Identifier.optional().describe('Only accounts whose latest version follows it.'),
});

export const GetAccountRequest = z.object({
  account_id: Identifier,
  version: z.coerce.number().int().min(1).optional(),
});

export const AssignAccountRequest = z.object({
  account_id: Identifier,
  model_id: Identifier.nullable().describe('null: the account follows no model.'),
  expected_version: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('The account version you read; another saved since → 409.'),
});

export const AccountRebalanceRequestInput = z.object({
  account_id: Identifier,
  history_days: z.coerce
    .number()
    .int()
    .min(2)
    .max(LIMITS.maxHistory)
    .default(756)
    .describe('Dates of price history to send (the last ones every asset has in common).'),
  as_of: IsoDate.optional().describe(
    'Value the account at the last closes on or before this date (default: the latest).',
  ),
});

// ── Imports ────────────────────────────────────────────────────────────────────────────────

export const ImportAccountsRequest = z.object({
  filename: plainText(z.string().min(1).max(1024)),
  format: ImportFormat,
  content: z.string().max(MAX_IMPORT_CONTENT).describe('Text for CSV/JSON, base64 for XLSX.'),
  mapping: AccountMapping.optional(),
  decimal_separator: z.enum(['.', ',']).default('.'),
  sheet: z.union([z.string().min(1), z.number().int().min(1)]).optional(),
  model_id: Identifier.optional().describe(
    'The model for accounts whose rows name none (a model_id column wins).',
  ),
});

export const ImportedAccount = z.object({
  account_id: z.string(),
  name: z.string(),
  model_id: z.string().nullable(),
  action: z
    .enum(['created', 'updated', 'unchanged'])
    .describe('unchanged: the file matches the latest version; no version written.'),
  version: Version,
  positions: z.number().int(),
  cash: z.number(),
});

export const ImportAccountsResponse = z.object({
  ok: z.boolean().describe('false: a row was rejected and nothing was saved (see report).'),
  report: ImportReport,
  accounts: z.array(ImportedAccount),
});

export const ImportPriceLibraryRequest = ImportPricesRequest.pick({
  filename: true,
  format: true,
  content: true,
  mapping: true,
  decimal_separator: true,
  sheet: true,
  layout: true,
  date_format: true,
  symbols: true,
});

export const PriceSeriesSummary = z.object({
  symbol: z.string(),
  version: Version,
  created_at: z.string(),
  first_date: z.string(),
  last_date: z.string(),
  count: z.number().int().describe('Dates with a close.'),
  content_hash: z.string(),
});

export const ImportPriceLibraryResponse = z.object({
  ok: z.boolean(),
  report: ImportReport,
  series: z.array(
    PriceSeriesSummary.extend({
      action: z
        .enum(['created', 'extended', 'revised', 'unchanged'])
        .describe(
          'extended: new dates only; revised: some stored closes differ in the file (the file’s win in the new version; the old version stays readable); unchanged: no version written.',
        ),
      added_dates: z.number().int(),
      revised_closes: z.number().int(),
    }),
  ),
});

export const PriceLibraryResponse = z.object({ series: z.array(PriceSeriesSummary) });
