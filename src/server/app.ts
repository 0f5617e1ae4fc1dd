import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../ports/store';
import { createDispatch, type Dispatch, type InternalErrorSink } from '../rpc/dispatch';
import { createTextDispatch, type TextDispatch } from '../services/textDispatch';
import { createHandlers } from '../services/handlers';
import { createStore, defaultHeadKeyFile, loadOrCreateHeadKeyFile, sha256Parts } from '../store';
import type { ComputePort } from '../services/compute/env';
import { createPoolCompute, type PoolCompute } from '../workers/pool/pool';
import { BlueprintResponse } from '../contract/tandem';
import { rephraserFromEnv } from './llmClient';
import { loadOrCreateToken } from './token';
import { startHttpServer, type RunningServer } from './http';

/** Repository root (this file is src/server/app.ts). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface AppOptions {
  dataDir: string;
  port: number;
  staticDir?: string;
  log?: (msg: string) => void;
  maxBodyBytes?: number;
  rateLimitPerSecond?: number;
  /**
   * Key of the audit head file's HMAC, kept apart from the database: the desktop app's key sealed
   * by Electron safeStorage; default (browser mode) a 0600 key file outside the data directory
   * (SPR_HEAD_KEY_FILE, else the user's config folder). docs/security.md.
   */
  headKey?: Buffer;
  /** Compute pool threads (default: the machine's parallelism) and waiting tasks beyond them. */
  threads?: number;
  maxQueue?: number;
}

export interface App {
  dispatch: Dispatch;
  store: Store;
  /** The worker pool heavy operations run on. */
  compute: PoolCompute;
  server: RunningServer;
  token: string;
  url: string;
  close(): Promise<void>;
}

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
): Dispatch {
  const handlers = createHandlers({
    ...appDeps(store, compute),
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

export async function startApp(opts: AppOptions): Promise<App> {
  const token = loadOrCreateToken(opts.dataDir);
  const store = createStore({
    dir: opts.dataDir,
    headKey: opts.headKey ?? loadOrCreateHeadKeyFile(defaultHeadKeyFile()),
  });
  // Rebalances, replays, imports and solves run on a worker pool, off the thread that serves the
  // API (and the Electron UI); a full pool answers 429 with Retry-After.
  const compute = createPoolCompute({
    root: ROOT,
    ...(opts.threads ? { threads: opts.threads } : {}),
    ...(opts.maxQueue !== undefined ? { maxQueue: opts.maxQueue } : {}),
  });
  const dispatch = createDispatchForApp(store, compute, opts.log);
  let server: RunningServer;
  try {
    server = await startHttpServer({
      dispatch,
      textDispatch: createTextDispatchForApp(store, compute, dispatch, opts.log),
      token,
      port: opts.port,
      heavyAdmission: () => compute.hasRoom(),
      ...(opts.staticDir ? { staticDir: opts.staticDir } : {}),
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : {}),
      ...(opts.rateLimitPerSecond ? { rateLimitPerSecond: opts.rateLimitPerSecond } : {}),
    });
  } catch (e) {
    store.close();
    await compute.close();
    throw e;
  }
  return {
    dispatch,
    store,
    compute,
    server,
    token,
    url: `${server.url}/?token=${token}`,
    close: async () => {
      await server.close();
      await compute.close();
      store.close();
    },
  };
}
