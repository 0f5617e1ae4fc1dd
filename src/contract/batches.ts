/**
 * Batch runs (issue #13, items 2–3): many accounts (or many rebalance requests) computed on the
 * worker pool, each result an ordinary saved run linked to its batch. `POST /api/batches` answers
 * at once with the batch's status document; progress is polled with `GET /api/batches/{batch_id}`.
 * docs/api.md ("Batch runs"), docs/architecture.md ("Batch runs").
 */
import { z } from 'zod';
import { ErrorDetail, Identifier, IsoDate } from './common';
import { DECISIONS } from './agents';
import { LIMITS, MonteCarloSettings, RebalanceRequest } from './rebalance';

/** Caps that keep one batch bounded in memory and in the time its creation holds the store. */
export const BATCH_LIMITS = {
  /** Accounts in one model batch (given or found following the model). */
  maxAccounts: 10_000,
  /** Rebalance bodies in one request batch (the 64 MB body limit applies as well). */
  maxRequests: 1_000,
  /** Items per page of GET /api/batches/{batch_id} (default 1,000). */
  maxPage: 10_000,
  defaultPage: 1_000,
  /** Batches per page of GET /api/batches. */
  maxList: 500,
} as const;

export const BATCH_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export const BatchStatus = z
  .enum(BATCH_STATUSES)
  .describe(
    'queued: created, no item handed to the executor yet; running: items are being computed; done: every item has its outcome; failed: the executor reported trouble (see `trouble`) — the batch waits and resumes by itself when the executor recovers, or at the next start; cancelled: cancelled by a caller (items not started are `cancelled`, those already computing are still saved).',
  );
export type BatchStatus = z.infer<typeof BatchStatus>;

export const ITEM_STATES = ['pending', 'succeeded', 'failed', 'unbuilt', 'cancelled'] as const;
export const ItemState = z
  .enum(ITEM_STATES)
  .describe(
    'pending: not computed yet; succeeded: a run was saved; failed: a failed run was saved (a data-health block, an infeasible plan); unbuilt: no run could be made (an asset without history in the price library, an account worth 0, a computation error); cancelled: the batch was cancelled before the item started.',
  );
export type ItemState = z.infer<typeof ItemState>;

export const BatchKind = z
  .enum(['model', 'requests'])
  .describe('model: accounts following a model; requests: POST /api/rebalance bodies.');

/** Run settings of a model batch: how each account's rebalance request is built. */
export const BatchSettings = z.object({
  history_days: z
    .number()
    .int()
    .min(2)
    .max(LIMITS.maxHistory)
    .default(756)
    .describe('Dates of price history each account’s request carries (the last ones in common).'),
  as_of: IsoDate.optional().describe(
    'Value each account at the last closes on or before this date (default: the latest).',
  ),
  monte_carlo: MonteCarloSettings.optional().describe(
    'Monte Carlo settings of every account’s request (default: the request’s own default).',
  ),
});
export type BatchSettings = z.infer<typeof BatchSettings>;

export const CreateBatchRequest = z
  .object({
    model_id: Identifier.optional().describe(
      'A model batch: rebalance accounts following this model (its latest version).',
    ),
    account_ids: z
      .array(Identifier)
      .min(1, 'give at least one account, or leave account_ids out for every account of the model')
      .max(BATCH_LIMITS.maxAccounts)
      .optional()
      .describe(
        `Accounts of the model batch (default: every account whose latest version follows the model); at most ${BATCH_LIMITS.maxAccounts.toLocaleString('en-US')}.`,
      ),
    settings: BatchSettings.optional().describe('Model batches only; default {history_days: 756}.'),
    requests: z
      .array(RebalanceRequest)
      .min(1, 'give at least one request')
      .max(BATCH_LIMITS.maxRequests)
      .optional()
      .describe(
        `A request batch: complete POST /api/rebalance bodies, each computed and saved as a run; at most ${BATCH_LIMITS.maxRequests.toLocaleString('en-US')}.`,
      ),
  })
  .superRefine((b, ctx) => {
    const model = b.model_id !== undefined;
    const requests = b.requests !== undefined;
    if (model === requests)
      ctx.addIssue({
        code: 'custom',
        path: [model ? 'requests' : 'model_id'],
        message: model
          ? 'give either model_id or requests, not both'
          : 'give model_id (a model batch) or requests (a request batch)',
      });
    if (requests && b.account_ids !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['account_ids'],
        message: 'account_ids belong to a model batch (model_id)',
      });
    if (requests && b.settings !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['settings'],
        message: 'settings belong to a model batch; each request carries its own',
      });
    const seen = new Map<string, number>();
    b.account_ids?.forEach((id, i) => {
      const first = seen.get(id);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['account_ids', i],
          message: `duplicate account ${id} (also account_ids.${first})`,
        });
      else seen.set(id, i);
    });
  });
export type CreateBatchRequest = z.infer<typeof CreateBatchRequest>;

export const BatchItem = z.object({
  index: z.number().int().describe('Position in the batch (0-based), the order of creation.'),
  account_id: z.string().nullable().describe('Model batches: the account; null for a request.'),
  run_id: z.string().nullable().describe('The saved run (succeeded or failed); null otherwise.'),
  state: ItemState,
  decision: z
    .enum(DECISIONS)
    .nullable()
    .describe('The supervisor’s decision of a succeeded run; null otherwise.'),
  error: z
    .object({ code: z.string(), message: z.string(), details: z.array(ErrorDetail) })
    .nullable()
    .describe('Why the item failed or was not built; null otherwise.'),
});
export type BatchItem = z.infer<typeof BatchItem>;

export const EXCEPTION_REASONS = [
  'REVIEW_REQUIRED',
  'REJECTED',
  'data_blocked',
  'run_failed',
  'unbuilt',
  'bands_breached',
] as const;

export const BatchException = z.object({
  index: z.number().int(),
  account_id: z.string().nullable(),
  run_id: z.string().nullable(),
  reason: z
    .enum(EXCEPTION_REASONS)
    .describe(
      'REVIEW_REQUIRED / REJECTED: the supervisor’s decision (message: its reasons); data_blocked: a data-health finding the policy blocks on (failed run); run_failed: another failed run (infeasible, solver limit); unbuilt: no request could be made or computed; bands_breached: assets still outside their band after the proposed trades (`assets`; weights.*.post_trade_band_status of the run). An item may be listed under several reasons.',
    ),
  message: z.string(),
  assets: z.array(z.string()).describe('bands_breached: the assets; otherwise empty.'),
});
export type BatchException = z.infer<typeof BatchException>;

export const BatchProgress = z.object({
  total: z.number().int(),
  done: z.number().int().describe('Items with a succeeded run.'),
  failed: z.number().int().describe('Items with a failed run, or not built.'),
  cancelled: z.number().int(),
  pending: z.number().int(),
  by_decision: z
    .object({
      APPROVED: z.number().int(),
      REVIEW_REQUIRED: z.number().int(),
      REJECTED: z.number().int(),
    })
    .describe('Succeeded runs by the supervisor’s decision.'),
  exceptions: z.number().int().describe('Exceptions of the whole batch (every page).'),
});
export type BatchProgress = z.infer<typeof BatchProgress>;

export const BatchSummary = z.object({
  batch_id: z.string(),
  kind: BatchKind,
  status: BatchStatus,
  created_at: z.string(),
  finished_at: z
    .string()
    .nullable()
    .describe('When the last item got its outcome (done or cancelled); null before.'),
  actor: z.string(),
  model_id: z.string().nullable(),
  model_version: z.number().int().nullable(),
  policy_version: z.number().int().describe('The supervisor policy version every item runs under.'),
  total: z.number().int(),
});

export const BatchDetail = BatchSummary.extend({
  settings: BatchSettings.nullable().describe('Model batches; null for a request batch.'),
  executor: z.string().describe('Where the items are computed (local: this machine’s pool).'),
  trouble: z.string().nullable().describe('Why the batch is `failed`; null otherwise.'),
  progress: BatchProgress,
  items: z.array(BatchItem).describe('The page of items [from, from + limit).'),
  exceptions: z
    .array(BatchException)
    .describe('Exceptions of the items on this page, by index (progress.exceptions counts all).'),
  next_from: z
    .number()
    .int()
    .nullable()
    .describe('`from` of the next page of items; null on the last page.'),
});
export type BatchDetail = z.infer<typeof BatchDetail>;

/**
 * The data of one server-sent event of GET /api/batches/{batch_id}/events: the batch's state as
 * GET /api/batches/{batch_id} gives it, without the page of items.
 */
export const BatchEvent = BatchSummary.pick({ batch_id: true, status: true, finished_at: true })
  .extend({
    trouble: z.string().nullable().describe('Why the batch is `failed`; null otherwise.'),
    progress: BatchProgress,
  })
  .describe('A batch’s status and progress at one moment.');
export type BatchEvent = z.infer<typeof BatchEvent>;

export const GetBatchRequest = z.object({
  batch_id: Identifier,
  from: z.coerce.number().int().min(0).default(0).describe('First item index of the page.'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(BATCH_LIMITS.maxPage)
    .default(BATCH_LIMITS.defaultPage)
    .describe('Items per page.'),
});

export const ListBatchesRequest = z.object({
  limit: z.coerce.number().int().min(1).max(BATCH_LIMITS.maxList).default(50),
  before: Identifier.optional().describe(
    'A batch_id from the previous page: batches created before it.',
  ),
});

export const ListBatchesResponse = z.object({
  batches: z.array(BatchSummary.extend({ progress: BatchProgress.omit({ exceptions: true }) })),
  next_before: z.string().nullable().describe('`before` of the next page; null on the last.'),
});

export const CancelBatchRequest = z.object({ batch_id: Identifier });
