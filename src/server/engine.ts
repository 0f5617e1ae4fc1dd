/**
 * The engine without any transport: the store, the compute pool and the handlers behind one
 * dispatch (issue #12). The HTTP API (app.ts, startLocalApi) and the Electron IPC channel
 * (electron/main.ts) are adapters over it; the desktop app can run with the local API off.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../ports/store';
import { createDispatch, type Dispatch, type InternalErrorSink } from '../rpc/dispatch';
import { createTextDispatch, type TextDispatch } from '../services/textDispatch';
import { createHandlers } from '../services/handlers';
import { createStore, defaultHeadKeyFile, loadOrCreateHeadKeyFile, sha256Parts } from '../store';
import type { ComputePort } from '../services/compute/env';
import type { BatchExecutor } from '../services/batches/job';
import { createLocalExecutor } from '../services/batches/localExecutor';
import { createBatchRunner, type BatchService } from '../services/batches/runner';
import { createPoolCompute, type PoolCompute } from '../workers/pool/pool';
import { BlueprintResponse } from '../contract/tandem';
import { rephraserFromEnv } from './llmClient';

/** Repository root (this file is src/server/engine.ts). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function loadScenarios(): Parameters<typeof createHandlers>[0]['scenarios'] {
  const text = readFileSync(join(ROOT, 'resources', 'scenarios.json'), 'utf8');
  return (JSON.parse(text) as { scenarios: Parameters<typeof createHandlers>[0]['scenarios'] })
    .scenarios;
}

/** The project's measured forecast accuracy (scripts/build-forecast-accuracy.ts writes it). */
export function loadForecastAccuracy(): BlueprintResponse['forecast_accuracy'] {
  const text = readFileSync(join(ROOT, 'resources', 'forecast_accuracy.json'), 'utf8');
  return BlueprintResponse.shape.forecast_accuracy.parse(JSON.parse(text));
}

/** The services' dependencies in an adapter: wall clock, native SHA-256, the compute pool. */
function appDeps(store: Store, compute: ComputePort) {
  return {
    clock: { now: () => new Date(), monotonicMs: () => performance.now() },
    store,
    sha256: sha256Parts,
    compute,
  };
}

const internalSink =
  (log?: (m: string) => void): InternalErrorSink =>
  (op, e) =>
    log?.(`internal error in ${op}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);

/** Composition root shared by browser mode, the Electron main process and integration tests. */
export function createDispatchForApp(
  store: Store,
  compute: ComputePort,
  log?: (m: string) => void,
  batches?: BatchService,
): Dispatch {
  const handlers = createHandlers({
    ...appDeps(store, compute),
    ...(batches ? { batches } : {}),
    scenarios: loadScenarios(),
    forecastAccuracy: loadForecastAccuracy(),
    // Off unless SPR_LLM_BASE_URL and SPR_LLM_MODEL are set (docs/agents.md, "Copilot").
    rephraser: rephraserFromEnv(process.env),
  });
  return createDispatch(handlers, internalSink(log));
}

/**
 * The HTTP adapter's heavy runs from body text (services/textRuns.ts): parsed, validated and
 * serialized on the pool; `dispatch` serves what must run here (a copilot rephrasing).
 */
export function createTextDispatchForApp(
  store: Store,
  compute: ComputePort,
  dispatch: Dispatch,
  log?: (m: string) => void,
): TextDispatch {
  return createTextDispatch(appDeps(store, compute), dispatch, internalSink(log));
}

export interface EngineOptions {
  dataDir: string;
  log?: (msg: string) => void;
  /**
   * Key of the audit head file's HMAC, kept apart from the database: the desktop app's key sealed
   * by Electron safeStorage; default (browser mode) a 0600 key file outside the data directory
   * (SPR_HEAD_KEY_FILE, else the user's config folder). docs/security.md.
   */
  headKey?: Buffer;
  /** Compute pool threads (default: the machine's parallelism) and waiting tasks beyond them. */
  threads?: number;
  maxQueue?: number;
  /** better-sqlite3's native module for this runtime (the desktop app's Electron build). */
  sqliteBinding?: string;
  /**
   * Where batch items are computed (issue #13): default the local executor on the pool, at most
   * one item per pool thread at a time (services/batches/localExecutor.ts); a BullMQ executor
   * plugs in here. Called once, after the pool started.
   */
  batchExecutor?: (compute: PoolCompute) => BatchExecutor;
}

/**
 * The default batch executor: this machine's pool, one item per thread at a time.
 * Example: `createEngine({dataDir, batchExecutor: (pool) => localBatchExecutor(pool)})` is the
 * default spelled out; a BullMQ executor is given the same way.
 */
export function localBatchExecutor(compute: PoolCompute, log?: (m: string) => void): BatchExecutor {
  return createLocalExecutor(compute, {
    slots: compute.threads,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
    ...(log ? { log } : {}),
  });
}

export interface Engine {
  dispatch: Dispatch;
  /** The heavy runs and imports served from their body text (the HTTP adapter's path). */
  textDispatch: TextDispatch;
  store: Store;
  /** The worker pool heavy operations run on. */
  compute: PoolCompute;
  /** Batch runs: created through dispatch; exposed for adapters and tests (settled, resume). */
  batches: BatchService;
  /** Stops the pool, then closes the store. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the store in `dataDir`, starts the compute pool and wires the handlers. No socket is
 * opened: transports are added by the caller (startLocalApi, the Electron IPC channel).
 * Example: `const engine = createEngine({dataDir}); await engine.dispatch('health', {}, ctx)`
 * → `{ok: true, value: {status: 'ok', …}}`; `await engine.close()`.
 */
export function createEngine(opts: EngineOptions): Engine {
  const store = createStore({
    dir: opts.dataDir,
    headKey: opts.headKey ?? loadOrCreateHeadKeyFile(defaultHeadKeyFile()),
    ...(opts.sqliteBinding ? { nativeBinding: opts.sqliteBinding } : {}),
  });
  let compute: PoolCompute;
  try {
    // Rebalances, replays, imports and solves run on a worker pool, off the thread that serves
    // the API and the Electron UI; a full pool answers 429 with Retry-After.
    compute = createPoolCompute({
      root: ROOT,
      ...(opts.threads ? { threads: opts.threads } : {}),
      ...(opts.maxQueue !== undefined ? { maxQueue: opts.maxQueue } : {}),
    });
  } catch (e) {
    store.close();
    throw e;
  }
  let batches: BatchService;
  try {
    const executor = opts.batchExecutor
      ? opts.batchExecutor(compute)
      : localBatchExecutor(compute, opts.log);
    batches = createBatchRunner({
      store,
      executor,
      pause: () => new Promise((resolve) => setImmediate(resolve)),
      ...(opts.log ? { log: opts.log } : {}),
    });
    // Batches a crash or a stop left unfinished carry on with their pending items.
    batches.resume();
  } catch (e) {
    void compute.close();
    store.close();
    throw e;
  }
  const dispatch = createDispatchForApp(store, compute, opts.log, batches);
  let closing: Promise<void> | null = null;
  return {
    dispatch,
    textDispatch: createTextDispatchForApp(store, compute, dispatch, opts.log),
    store,
    compute,
    batches,
    close: () =>
      (closing ??= (async () => {
        try {
          // First the batches (no item handed out, the writes under way finished), then the pool.
          await batches.close();
          await compute.close();
        } finally {
          store.close();
        }
      })()),
  };
}
