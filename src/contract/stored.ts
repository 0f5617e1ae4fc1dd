/**
 * What the store holds, typed by the schemas that produced it: a run's input and output per kind
 * and status, and a portfolio version's content. One definition for the engine, the renderer and
 * the OpenAPI document (the renderer no longer re-declares these shapes).
 */
import { z } from 'zod';
import { ERROR_CODES, ErrorDetail } from './common';
import { CopilotInsights } from './copilot';
import { RebalanceRequest, RebalanceResponse } from './rebalance';
import { TandemResponse } from './tandem';

/** A producing schema and its name among the OpenAPI document's components. */
export interface Producer {
  name: string;
  schema: z.ZodType;
}

/** The schema each `storedAs` value was produced by, for the OpenAPI document. */
const PRODUCED_BY = new WeakMap<z.ZodType, Producer>();

/**
 * A stored value typed by the schema that produced it. It was checked against that schema once,
 * when written (a request is parsed by it; every answer is checked against its schema before the
 * run is saved), and the audit chain binds its hash, so reads do not check it again: a 2,000-asset
 * run's 8 MB output would cost the request thread about 100 ms per read. The OpenAPI document
 * shows the producing schema (`producedBy`).
 */
export function storedAs<S extends z.ZodType>(
  schema: S,
  name: string,
  what: string,
): z.ZodType<z.output<S>> {
  const s = z.custom<z.output<S>>(() => true).describe(what);
  PRODUCED_BY.set(s, { name, schema });
  return s;
}

/** The schema a `storedAs` value stands for (undefined for any other schema). */
export function producedBy(s: unknown): Producer | undefined {
  return typeof s === 'object' && s !== null ? PRODUCED_BY.get(s as z.ZodType) : undefined;
}

/** A rebalance answer as read back (the run_id, the record's key, is added by the reader). */
export const StoredRebalance = RebalanceResponse;
export type StoredRebalance = z.infer<typeof StoredRebalance>;

/** A tandem run: the rebalance answer plus the timeline view (`POST /api/multi-agent/tandem-demo`). */
export const StoredTandem = StoredRebalance.extend({
  tandem: TandemResponse.omit({ run_id: true, decision: true, decision_reasons: true }),
});

/** A copilot run: the rebalance answer plus the brief (`POST /api/ai-copilot/insights`). */
export const StoredCopilot = StoredRebalance.extend({
  copilot: CopilotInsights.omit({ run_id: true }),
});

/** A failed run stores the error its request was answered with (a data-health block, an infeasible plan). */
export const StoredFailure = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.array(ErrorDetail),
  }),
});

const storedInput = storedAs(
  RebalanceRequest,
  'RebalanceRequest',
  'The request the run computed, as parsed.',
);

/** `shape` of a run this engine version saved: `input` and `output` have the shapes given here. */
export const CURRENT_SHAPE = z
  .literal('current')
  .describe('Saved by this engine version: `input` and `output` have the shapes given here.');

/**
 * The fields of a stored run's detail that depend on its kind and status (added to RunSummary's
 * fields in contract/store.ts): one entry per variant of RunDetail.
 */
export const STORED_RUN = {
  rebalance: {
    shape: CURRENT_SHAPE,
    kind: z.literal('rebalance'),
    status: z.literal('succeeded'),
    input: storedInput,
    output: storedAs(StoredRebalance, 'RebalanceResponse', 'The POST /api/rebalance answer.'),
  },
  tandem: {
    shape: CURRENT_SHAPE,
    kind: z.literal('tandem'),
    status: z.literal('succeeded'),
    input: storedInput,
    output: storedAs(StoredTandem, 'StoredTandem', 'The rebalance answer and the tandem timeline.'),
  },
  copilot: {
    shape: CURRENT_SHAPE,
    kind: z.literal('copilot'),
    status: z.literal('succeeded'),
    input: storedInput,
    output: storedAs(StoredCopilot, 'StoredCopilot', 'The rebalance answer and the copilot brief.'),
  },
  failed: {
    shape: CURRENT_SHAPE,
    status: z.literal('failed'),
    input: storedInput,
    output: StoredFailure,
  },
  earlier: {
    shape: z
      .literal('earlier')
      .describe(
        'Saved by another engine version (`engine_version`): `input` and `output` are as that version wrote them.',
      ),
    input: z.unknown(),
    output: z.unknown(),
  },
} as const;

/** A portfolio version's content: the rebalance request it was saved as. */
export const StoredPortfolioContent = storedAs(
  RebalanceRequest,
  'RebalanceRequest',
  'The stored rebalance request for this version (checked by RebalanceRequest when saved).',
);
