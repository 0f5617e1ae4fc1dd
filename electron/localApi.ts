import { createHash } from 'node:crypto';
import { startLocalApi, type Engine, type LocalApi } from '../src/server/app';
import { rotateToken } from '../src/server/token';
import { saveSettings, type DesktopSettings } from './settings';

/** What the app shows about the local API: off, or its address (the token is in the URL). */
export type LocalApiStatus =
  { enabled: false } | { enabled: true; url: string; port: number; token: string };

export interface LocalApiControllerOptions {
  engine: Engine;
  /** The engine's data directory (holds the API token). */
  dataDir: string;
  /** Where the settings are saved (Electron's userData folder). */
  settingsDir: string;
  settings: DesktopSettings;
  /** `--port N` on the command line: used instead of the saved port for this session. */
  portOverride: number | null;
  /** The built renderer, also served by the API so a browser can open the workstation. */
  staticDir?: string;
  log: (message: string) => void;
}

/**
 * The desktop app's local HTTP API for scripts, as a setting: on by default, on the saved
 * loopback port (0 = any free port); turning it off closes the listening socket at once while
 * the engine and the window keep working over IPC. Electron-free, so it is tested in Node
 * (test/integration/desktop-local-api.test.ts).
 * Example: `const c = new LocalApiController({...}); await c.start()` → `{enabled: true, url:
 * 'http://127.0.0.1:53211/?token=…', …}`; `await c.setEnabled(false)` → `{enabled: false}`,
 * saved in desktop-settings.json.
 */
export class LocalApiController {
  private api: LocalApi | null = null;
  private settings: DesktopSettings;

  constructor(private readonly opts: LocalApiControllerOptions) {
    this.settings = opts.settings;
  }

  status(): LocalApiStatus {
    if (!this.api) return { enabled: false };
    return {
      enabled: true,
      url: this.api.url,
      port: this.api.server.port,
      token: this.api.token,
    };
  }

  /** Starts the API if the settings say so (at app start). */
  async start(): Promise<LocalApiStatus> {
    if (this.settings.local_api.enabled) await this.open();
    return this.status();
  }

  /**
   * Turns the API on or off, saves the choice, records it in the audit trail
   * (`settings.changed`, subject `local_api.enabled`), and returns the new status.
   */
  async setEnabled(enabled: boolean): Promise<LocalApiStatus> {
    this.settings = { ...this.settings, local_api: { ...this.settings.local_api, enabled } };
    saveSettings(this.opts.settingsDir, this.settings);
    this.record('local_api.enabled', { enabled });
    if (enabled && !this.api) await this.open();
    if (!enabled && this.api) await this.stop();
    return this.status();
  }

  /**
   * Replaces the install's token: the running API refuses the old one from its next request;
   * scripts need the new one (Help ▸ Local API Address and Token). Recorded in the audit trail
   * as `settings.changed`, subject `local_api.token`, with the SHA-256 of the new token (never
   * the token itself). Works with the API off too (the file is replaced).
   */
  rotateToken(): LocalApiStatus {
    const token = this.api ? this.api.rotateToken() : rotateToken(this.opts.dataDir);
    this.record('local_api.token', {
      rotated: true,
      token_sha256: createHash('sha256').update(token).digest('hex'),
    });
    return this.status();
  }

  private record(subject: string, payload: { [k: string]: string | boolean }): void {
    this.opts.engine.store.audit.append([
      { actor: 'desktop', action: 'settings.changed', subject, payload },
    ]);
  }

  /** Closes the API (at quit, or when turned off); the setting is unchanged. */
  async stop(): Promise<void> {
    const api = this.api;
    this.api = null;
    if (api) await api.close();
  }

  private async open(): Promise<void> {
    const port = this.opts.portOverride ?? this.settings.local_api.port;
    this.api = await startLocalApi(this.opts.engine, this.opts.dataDir, {
      port,
      log: this.opts.log,
      ...(this.opts.staticDir ? { staticDir: this.opts.staticDir } : {}),
    });
  }
}
