import { type Engine, type EngineOptions, createEngine } from './engine';
import { loadOrCreateToken, rotateToken } from './token';
import { startHttpServer, type RunningServer } from './http';

export {
  ROOT,
  createDispatchForApp,
  createTextDispatchForApp,
  createEngine,
  loadForecastAccuracy,
  loadScenarios,
} from './engine';
export type { Engine, EngineOptions } from './engine';

export interface LocalApiOptions {
  /** Loopback port; 0 = any free port. */
  port: number;
  staticDir?: string;
  log?: (msg: string) => void;
  maxBodyBytes?: number;
  rateLimitPerSecond?: number;
}

export type AppOptions = EngineOptions & LocalApiOptions;

/** The local HTTP API for scripts, over an engine (docs/api.md). */
export interface LocalApi {
  server: RunningServer;
  /** The current token (changes on rotateToken). */
  readonly token: string;
  /** The workstation's address with the current token, as printed at start. */
  readonly url: string;
  /** A new token, saved; the old one is refused from the next request on. Returns it. */
  rotateToken(): string;
  /** Stops listening and closes open connections; the engine keeps running. */
  close(): Promise<void>;
}

export interface App extends Engine, LocalApi {}

/**
 * Starts the local HTTP API on 127.0.0.1 over `engine`, with the install's bearer token
 * (`<dataDir>/api-token`, created 0600 on first use).
 * Example: `const api = await startLocalApi(engine, dataDir, {port: 0})` → api.url
 * 'http://127.0.0.1:53211/?token=…'; `await api.close()` leaves `engine` usable.
 */
export async function startLocalApi(
  engine: Engine,
  dataDir: string,
  opts: LocalApiOptions,
): Promise<LocalApi> {
  let token = loadOrCreateToken(dataDir);
  const server = await startHttpServer({
    dispatch: engine.dispatch,
    textDispatch: engine.textDispatch,
    token: () => token,
    port: opts.port,
    heavyAdmission: () => engine.compute.hasRoom(),
    ...(opts.staticDir ? { staticDir: opts.staticDir } : {}),
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : {}),
    ...(opts.rateLimitPerSecond ? { rateLimitPerSecond: opts.rateLimitPerSecond } : {}),
  });
  return {
    server,
    get token() {
      return token;
    },
    get url() {
      return `${server.url}/?token=${token}`;
    },
    rotateToken: () => (token = rotateToken(dataDir)),
    close: () => server.close(),
  };
}

/** Browser mode and tests: the engine plus its local HTTP API; close() stops both. */
export async function startApp(opts: AppOptions): Promise<App> {
  const engine = createEngine(opts);
  let api: LocalApi;
  try {
    api = await startLocalApi(engine, opts.dataDir, opts);
  } catch (e) {
    await engine.close();
    throw e;
  }
  return {
    ...engine,
    server: api.server,
    get token() {
      return api.token;
    },
    get url() {
      return api.url;
    },
    rotateToken: () => api.rotateToken(),
    close: async () => {
      await api.close();
      await engine.close();
    },
  };
}
