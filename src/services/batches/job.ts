/**
 * One batch item as a job any executor can compute (issue #13): the local worker pool
 * (services/batches, compute op `batchItem`) and BullMQ workers on other machines (src/queue) run
 * the same pure function, `computeBatchItem`, so a result does not depend on where it was made.
 *
 * A batch sends what every item shares ONCE (`BatchShared`: the policy in force, the model and the
 * price library slice its accounts need), and per item only the account or the request. The owner
 * of the database writes every result (one writer); an executor never touches the store.
 */
import type { RpcError } from '../../contract/common';
import { EngineError } from '../../contract/common';
import type { AccountContent, ModelContent } from '../../contract/models';
import {
  RebalanceRequest,
  type MonteCarloSettings,
  type RebalanceRequestInput,
} from '../../contract/rebalance';
import type { PolicyInForce } from '../../agents/context';
import type { SeriesContent } from '../../ports/models';
import {
  HistoryMemo,
  rebalanceRequestFor,
  type RequestSettings,
} from '../accounts/rebalanceRequestFor';
import { computeRun, type RunComputed } from '../compute/run';
import type { ItemOutcome } from '../../ports/store';
import { itemOutcome } from './detail';
import type { ComputeEnv } from '../compute/env';

/** What every item of one batch shares; sent once per batch to each executor. */
export interface BatchShared {
  batch_id: string;
  policy: PolicyInForce;
  /** Model batches: the model version the batch was created against. */
  model?: { model_id: string; content: ModelContent };
  /**
   * Model batches: the series of every symbol any account or the model names, at the versions the
   * batch recorded when it was created (the latest then).
   */
  library?: Record<string, SeriesContent>;
  settings: BatchRunSettings;
  /** ISO time every item's run clock is pinned to (the batch's creation), so results reproduce. */
  pinned_now: string;
}

/**
 * How a model batch builds each account's request: rebalanceRequestFor's settings, and the Monte
 * Carlo settings every request carries (absent: the request's default).
 */
export type BatchRunSettings = RequestSettings & { monte_carlo?: MonteCarloSettings | undefined };

/** One item: an account following the batch's model, or a full POST /api/rebalance body. */
export type BatchItemSpec =
  | { kind: 'account'; account: { account_id: string; content: AccountContent } }
  | { kind: 'request'; request: RebalanceRequestInput };

export interface BatchJob {
  /** Idempotency key, unique in the batch: `${batch_id}:${index}`. */
  key: string;
  index: number;
  spec: BatchItemSpec;
}

/**
 * A computed run as an item hands it back: the texts the store keeps and what the batch lists
 * (decision, assets still outside their band, reasons, error), without the response object —
 * which would cross a thread or the network a second time beside its own `output_json` (a
 * 20-asset run with Monte Carlo is ≈ 0.4 MB of JSON).
 */
export type BatchComputed = (RunComputed extends infer R
  ? R extends unknown
    ? Omit<R, 'output'>
    : never
  : never) & { outcome: ItemOutcome };

/** The run without its response object, and its outcome for the batch (itemOutcome). */
export function leanComputed(c: RunComputed): BatchComputed {
  const outcome = itemOutcome(c);
  if (c.status === 'failed') return { ...c, outcome };
  const { output: _output, ...rest } = c;
  return { ...rest, outcome };
}

/**
 * An item's outcome. `computed`: a run to save (succeeded, or failed after validation — a
 * data-health block, an infeasible plan — which is saved too). `unbuilt`: no request could be
 * made (an asset without history in the library, an invalid request body); nothing to save as a
 * run, the batch lists it among its exceptions.
 */
export type BatchItemResult =
  | {
      key: string;
      outcome: 'computed';
      computed: BatchComputed;
      /** SHA-256 of input_json and output_json, when the executor hashed them (SaveRunInput). */
      text_hashes?: { input_json: string; output_json: string };
    }
  | { key: string; outcome: 'unbuilt'; error: Required<RpcError> };

function asError(e: unknown): Required<RpcError> {
  if (e instanceof EngineError) return { code: e.code, message: e.message, details: e.details };
  throw e;
}

/** A batch's library as a map, and its memo of common histories, kept per shared object. */
const batchParts = new WeakMap<
  BatchShared,
  { library: ReadonlyMap<string, SeriesContent>; memo: HistoryMemo }
>();

/**
 * The library map and history memo of `shared` (made on its first item: an executor hands every
 * item of a batch the same shared object, read or unpacked once).
 */
function perBatch(shared: BatchShared) {
  let parts = batchParts.get(shared);
  if (parts === undefined) {
    parts = { library: new Map(Object.entries(shared.library ?? {})), memo: new HistoryMemo() };
    batchParts.set(shared, parts);
  }
  return parts;
}

/**
 * The request an item runs: built from account, model and library, or the body validated.
 * Example: an account item of model `growth` whose library lacks AMZN → `{ok: false, error:
 * {code: 'CONFLICT', details: [{path: 'library.AMZN', …}]}}`; a request item → `{ok: true,
 * request: <the body with its defaults>}`.
 */
export function itemRequest(
  spec: BatchItemSpec,
  shared: BatchShared,
): { ok: true; request: RebalanceRequest } | { ok: false; error: Required<RpcError> } {
  let body: RebalanceRequestInput;
  if (spec.kind === 'account') {
    if (!shared.model || !shared.library)
      return {
        ok: false,
        error: {
          code: 'BAD_REQUEST',
          message: 'an account item needs the batch model and price library',
          details: [],
        },
      };
    const { library, memo } = perBatch(shared);
    const built = rebalanceRequestFor(spec.account, shared.model, library, shared.settings, memo);
    if (!built.ok)
      return {
        ok: false,
        error: {
          code: built.error.code,
          message: built.error.message,
          details: built.error.details ?? [],
        },
      };
    body = built.request;
    if (shared.settings.monte_carlo) body = { ...body, monte_carlo: shared.settings.monte_carlo };
  } else body = spec.request;
  const parsed = RebalanceRequest.safeParse(body);
  if (!parsed.success)
    return {
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: 'the item is not a valid rebalance request',
        details: parsed.error.issues.map((i) => ({
          path: i.path.map(String).join('.'),
          message: i.message,
        })),
      },
    };
  return { ok: true, request: parsed.data };
}

/**
 * Computes one item: builds its request, runs the agent pipeline under the batch's policy with
 * the clock pinned to the batch's creation time. Deterministic: the same job and shared data give
 * the same `output_json` on any thread or machine (the agents' measured durations aside).
 * Example: `computeBatchItem({key: 'B1:0', index: 0, spec: {kind: 'request', request}}, shared,
 * env)` → `{key: 'B1:0', outcome: 'computed', computed: {status: 'succeeded', …}, text_hashes}`.
 */
export async function computeBatchItem(
  job: BatchJob,
  shared: BatchShared,
  env: ComputeEnv,
): Promise<BatchItemResult> {
  const req = itemRequest(job.spec, shared);
  if (!req.ok) return { key: job.key, outcome: 'unbuilt', error: req.error };
  try {
    const computed = leanComputed(
      await computeRun(
        { input: req.request, policy: shared.policy, derive: null, pinnedNow: shared.pinned_now },
        env,
      ),
    );
    // Hashed here when the executor has a native SHA-256: the owner then does not hash again.
    const sha = env.sha256;
    return {
      key: job.key,
      outcome: 'computed',
      computed,
      ...(sha
        ? {
            text_hashes: {
              input_json: sha([computed.input_json]),
              output_json: sha([computed.output_json]),
            },
          }
        : {}),
    };
  } catch (e) {
    return { key: job.key, outcome: 'unbuilt', error: asError(e) };
  }
}

/** Receives results as they arrive; an executor may deliver a key twice (at-least-once). */
export interface BatchSink {
  /**
   * The job was handed to a computer and will deliver (optional to call): on cancel, such an
   * item is left to finish and its result is saved; an item never reported started is cancelled
   * at once, and a result arriving for it afterwards is dropped.
   */
  started?(key: string): void;
  /**
   * Takes a result. May return a promise that resolves once the result is saved (and rejects if
   * it was not): an executor that keeps the result elsewhere until then (BullMQ's Redis) frees
   * it when it resolves.
   */
  result(r: BatchItemResult): void | Promise<void>;
  /** The executor cannot go on for now (queue unreachable); `null` when it recovered. */
  trouble(reason: string | null): void;
}

/**
 * Runs a batch's jobs somewhere: the local pool or BullMQ workers. `start` resolves once every job
 * is handed over (not computed); results come through the sink. `cancel` stops handing out jobs
 * of the batch and drops those not started (a running item may still deliver, and is saved).
 */
export interface BatchExecutor {
  readonly name: 'local' | 'bullmq';
  start(shared: BatchShared, jobs: readonly BatchJob[], sink: BatchSink): Promise<void>;
  cancel(batch_id: string): Promise<void>;
  close(): Promise<void>;
}
