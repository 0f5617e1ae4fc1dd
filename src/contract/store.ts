import { z } from 'zod';
import { Decision } from './agents';
import { plainText } from './common';
import { MAX_IMPORT_CONTENT } from './importFiles';
import { RunApproval } from './tandem';
import {
  ImportFormat,
  ImportReport,
  PortfolioMapping,
  PriceMapping,
  DATE_FORMATS,
} from '../data/import/types';
import { LIMITS, PriceHistory, RebalanceRequest } from './rebalance';
import { StoredPortfolioContent, STORED_RUN } from './stored';

/** What produced a run: the one list (the store's port and the renderer take it from here). */
export const RUN_KIND = z.enum(['rebalance', 'copilot', 'tandem', 'optimize']);
/** Outcome of a run: the one list. */
export const RUN_STATUS = z.enum(['succeeded', 'failed']);

const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'not an id');

// ── Portfolios ─────────────────────────────────────────────────────────────────────────────

export const PortfolioSummary = z.object({
  portfolio_id: z.string(),
  name: z.string(),
  created_at: z.string(),
  latest_version: z.number().int(),
  updated_at: z.string(),
});

export const PortfolioDetail = z.object({
  portfolio_id: z.string(),
  name: z.string(),
  version: z.number().int(),
  created_at: z.string(),
  content_hash: z.string(),
  content: StoredPortfolioContent,
  versions: z.array(
    z.object({ version: z.number().int(), created_at: z.string(), content_hash: z.string() }),
  ),
});
export type PortfolioDetail = z.infer<typeof PortfolioDetail>;

export const SavePortfolioRequest = z.object({
  name: plainText(z.string().trim().min(1).max(200)),
  portfolio_id: Id.optional().describe('Given: saves a new version of that portfolio.'),
  content: RebalanceRequest.describe(
    'A complete rebalance request: holdings, targets, classes, lots, constraints, price history.',
  ),
});

export const GetPortfolioRequest = z.object({
  portfolio_id: Id,
  version: z.coerce.number().int().min(1).optional(),
});

// ── Import ─────────────────────────────────────────────────────────────────────────────────

/** Base64 of an XLSX is 4/3 of the file: 48 MB of text is a 36 MB workbook (importFiles.ts). */
const MAX_CONTENT = MAX_IMPORT_CONTENT;

export const ImportPortfolioRequest = z.object({
  filename: plainText(z.string().min(1).max(1024)),
  format: ImportFormat,
  content: z.string().max(MAX_CONTENT).describe('Text for CSV/JSON, base64 for XLSX.'),
  mapping: PortfolioMapping.optional(),
  decimal_separator: z.enum(['.', ',']).default('.'),
  sheet: z.union([z.string().min(1), z.number().int().min(1)]).optional(),
  name: plainText(z.string().trim().min(1).max(200))
    .optional()
    .describe('Portfolio name; default: the filename.'),
  portfolio_id: Id.optional().describe(
    'Given: the import becomes a new version of this portfolio.',
  ),
  portfolio_value: z
    .number()
    .positive()
    .max(1e13)
    .optional()
    .describe('Needed when the file has weights but no quantities.'),
  allow_duplicate: z
    .boolean()
    .default(false)
    .describe('Import even if the same bytes were imported before.'),
});

export const ImportPricesRequest = z.object({
  filename: plainText(z.string().min(1).max(1024)),
  format: ImportFormat.exclude(['json']),
  content: z.string().max(MAX_CONTENT),
  mapping: PriceMapping.optional(),
  decimal_separator: z.enum(['.', ',']).default('.'),
  sheet: z.union([z.string().min(1), z.number().int().min(1)]).optional(),
  layout: z.enum(['long', 'wide']).optional(),
  date_format: z.enum(DATE_FORMATS).optional(),
  symbols: z
    .array(plainText(z.string().min(1).max(128)))
    .min(1)
    .max(LIMITS.maxSeries)
    .optional()
    .describe(
      'Keep only these series, in this order (default: every series in the file). An unknown or repeated symbol is refused (400) at `symbols.<i>`; the message lists the symbols the file has. price_history, series and series_history then cover only these series, so one late-starting series left out no longer cuts every other series to its dates.',
    ),
  date_policy: z
    .enum(['intersection', 'own_range'])
    .default('intersection')
    .describe(
      '`intersection` (default): price_history holds the dates on which every chosen series has a price. `own_range`: the response also carries series_history, each chosen series over its own full range (nothing dropped); price_history is still the common-dates history, since a rebalance request holds one set of dates.',
    ),
  portfolio_id: Id.optional().describe(
    'Given: the prices (dates where every chosen series has a price) are attached to a new version of this portfolio.',
  ),
  allow_duplicate: z.boolean().default(false),
});

/** One imported series over its own dates (date_policy `own_range`). */
const OwnSeries = z.object({
  dates: z.array(z.string()).describe('Ascending ISO dates on which the series has a price.'),
  prices: z.array(z.number()).describe('The prices, aligned with `dates`.'),
});

const Duplicate = z
  .object({ seq: z.number().int(), ts: z.string(), filename: z.string(), subject: z.string() })
  .nullable()
  .describe('The earlier import of the same bytes (same SHA-256), if any.');

const SavedRef = z
  .object({ portfolio_id: z.string(), name: z.string(), version: z.number().int() })
  .nullable();

export const ImportPortfolioResponse = z.object({
  ok: z.boolean(),
  report: ImportReport,
  duplicate_of: Duplicate,
  portfolio: SavedRef.describe('Where the import was saved; null when not saved.'),
  content: z
    .unknown()
    .nullable()
    .describe('The imported portfolio as a rebalance request (when ok).'),
});

export const ImportPricesResponse = z.object({
  ok: z.boolean(),
  report: ImportReport,
  duplicate_of: Duplicate,
  series: z
    .array(
      z.object({
        symbol: z.string(),
        first_date: z.string().nullable(),
        last_date: z.string().nullable(),
        count: z.number().int().describe('Number of dates with a price.'),
      }),
    )
    .describe(
      'Each chosen series (every series without `symbols`): its first and last date and count.',
    ),
  price_history: PriceHistory.nullable().describe(
    'The dates on which every chosen series has a price, ready for a rebalance request; null when fewer than 2.',
  ),
  dropped_dates: z
    .number()
    .int()
    .describe(
      'Dates of the file left out of price_history because a chosen series has no price on them.',
    ),
  series_history: z
    .record(z.string(), OwnSeries)
    .nullable()
    .describe(
      'With date_policy `own_range`: each chosen series over its own full range (its dates with a price, ascending, and those prices). null with `intersection`.',
    ),
  portfolio: SavedRef,
});

// ── Runs ───────────────────────────────────────────────────────────────────────────────────

export const RunSummary = z.object({
  run_id: z.string(),
  kind: RUN_KIND,
  portfolio_id: z.string().nullable(),
  portfolio_version: z.number().int().nullable(),
  created_at: z.string(),
  status: RUN_STATUS,
  engine_version: z.string(),
  input_hash: z.string(),
  duration_ms: z.number(),
  decision: Decision.nullable().describe(
    'The Supervisor Agent’s decision; null for runs saved before agents existed or failed runs.',
  ),
  approval: z
    .enum(['approved', 'rejected'])
    .nullable()
    .describe('A person’s decision on the run (POST /api/runs/{run_id}/approve|reject), if any.'),
});

export const ListRunsRequest = z.object({
  portfolio_id: Id.optional(),
  kind: RUN_KIND.optional(),
  from: z.string().datetime({ offset: true }).optional().describe('created_at ≥ from (ISO 8601).'),
  to: z.string().datetime({ offset: true }).optional().describe('created_at < to (ISO 8601).'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});

export const ListRunsResponse = z.object({
  runs: z.array(RunSummary),
  next_cursor: z.string().nullable(),
});

export const RunIdRequest = z.object({ run_id: Id });

const RunDetailBase = RunSummary.extend({
  approval_detail: RunApproval.nullable().describe('Who decided, when, and the note.'),
  export_blocked: z
    .string()
    .nullable()
    .describe(
      'Why GET /api/runs/{run_id}/trades.csv would answer 409 (rejected, or review without approval); null when it exports.',
    ),
  model_versions: z.record(z.string(), z.string()),
});

/**
 * A saved run with its input and output, typed per kind and status by the schemas that produced
 * them (`shape: "current"`), or as stored when another engine version wrote it (`"earlier"`).
 */
export const RunDetail = z.union([
  RunDetailBase.extend(STORED_RUN.rebalance),
  RunDetailBase.extend(STORED_RUN.tandem),
  RunDetailBase.extend(STORED_RUN.copilot),
  RunDetailBase.extend(STORED_RUN.failed),
  RunDetailBase.extend(STORED_RUN.earlier),
]);
export type RunDetail = z.infer<typeof RunDetail>;

export const Difference = z.object({
  path: z.string(),
  a: z.unknown(),
  b: z.unknown(),
});
export type Difference = z.infer<typeof Difference>;

export const ReplayResponse = z.object({
  run_id: z.string(),
  identical: z.boolean(),
  ignored_fields: z
    .array(z.string())
    .describe('Measurements that may differ and are not compared (wall times).'),
  engine_version_then: z.string(),
  engine_version_now: z.string(),
  differences: z.array(Difference).describe('Leaf paths whose values differ (first 200).'),
});

export const CompareRequest = z.object({ a: Id, b: Id });

export const CompareResponse = z.object({
  a: RunSummary,
  b: RunSummary,
  same_input: z.boolean(),
  input_changes: z.array(Difference),
  target_changes: z.array(
    z.object({ asset: z.string(), a: z.number().nullable(), b: z.number().nullable() }),
  ),
  trade_changes: z.array(
    z.object({
      asset: z.string(),
      a: z.object({ action: z.string(), signed_trade_value: z.number() }).nullable(),
      b: z.object({ action: z.string(), signed_trade_value: z.number() }).nullable(),
    }),
  ),
  risk_changes: z.array(
    z.object({
      metric: z.string(),
      a: z.number().nullable(),
      b: z.number().nullable(),
      delta: z.number().nullable(),
    }),
  ),
  explanations: z
    .array(z.string())
    .describe('Why the outputs differ, from the input and version changes.'),
});

// ── Audit ──────────────────────────────────────────────────────────────────────────────────

export const AuditEvent = z.object({
  seq: z.number().int(),
  ts: z.string(),
  actor: z.string(),
  action: z.string(),
  subject: z.string(),
  payload_json: z.string(),
  payload_hash: z.string(),
  prev_hash: z.string(),
  hash: z.string(),
});

export const ListAuditRequest = z.object({
  after_seq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const ListAuditResponse = z.object({
  events: z.array(AuditEvent),
  next_after_seq: z.number().int().nullable(),
});

const Hash64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters');

export const VerifyAuditRequest = z
  .object({
    head_seq: z.coerce
      .number()
      .int()
      .min(0)
      .optional()
      .describe('seq of a head exported earlier (GET /api/audit/head).'),
    head_hash: Hash64.optional().describe('hash of that exported head.'),
    head_mac: Hash64.optional().describe(
      "the export's mac, checked against this installation's key.",
    ),
  })
  .refine((q) => (q.head_seq === undefined) === (q.head_hash === undefined), {
    message: 'head_seq and head_hash go together',
    path: ['head_hash'],
  })
  .refine((q) => q.head_mac === undefined || q.head_seq !== undefined, {
    message: 'head_mac needs head_seq and head_hash',
    path: ['head_mac'],
  });

export const VerifyProblem = z.object({
  kind: z
    .enum([
      'chain',
      'head',
      'head_mac',
      'head_evidence',
      'known_head',
      'run_without_event',
      'event_without_run',
      'run_mismatch',
      'run_unbound',
      'duplicate_event',
      'record_without_event',
      'event_without_record',
      'record_mismatch',
    ])
    .describe('What is wrong (docs/security.md lists each kind).'),
  seq: z.number().int().optional().describe('The audit event concerned.'),
  run_id: z.string().optional().describe('The run concerned.'),
  record: z
    .object({
      table: z.enum([
        'model_versions',
        'account_versions',
        'price_series_versions',
        'batches',
        'batch_items',
      ]),
      id: z.string(),
      version: z.number().int().describe('The version; for a batch item its index, for a batch 0.'),
    })
    .optional()
    .describe('The model, account or price series version, batch or batch item concerned.'),
  fields: z
    .array(z.string())
    .optional()
    .describe('Stored columns that differ from (or are not bound by) the audit events.'),
  message: z.string(),
});

export const VerifyAuditResponse = z.object({
  ok: z.boolean().describe('True only when no problem was found.'),
  events: z.number().int(),
  first_bad_seq: z.number().int().nullable(),
  reason: z.string().nullable().describe("The first problem's message, or null."),
  runs_checked: z.number().int().describe('Stored runs compared with their audit events.'),
  head_keyed: z.boolean().describe("Whether the head file's MAC was checked with a key."),
  problems: z.array(VerifyProblem).describe('The first 100 problems.'),
  problems_total: z.number().int(),
});

export const AuditHeadResponse = z.object({
  format: z.literal('spr-audit-head-export/1'),
  seq: z.number().int().describe('The last event (0: empty chain); equals `events`.'),
  hash: z.string().describe('Its chain hash.'),
  events: z.number().int(),
  event_ts: z.string().nullable(),
  exported_at: z.string(),
  mac: z
    .string()
    .nullable()
    .describe("HMAC-SHA256 over (seq, hash) with this installation's head key, or null."),
});
