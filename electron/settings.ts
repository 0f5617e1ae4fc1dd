import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writePrivateFile } from '../src/store/fileModes';

/** File (in the userData folder) holding the desktop app's settings. */
export const SETTINGS_FILE = 'desktop-settings.json';

/**
 * The desktop app's settings. `local_api`: whether the local HTTP API for scripts runs (on by
 * default, as in browser mode) and on which loopback port (0 = any free port, chosen at each
 * start). The workstation itself never needs it: it talks to the engine over IPC.
 */
export const DesktopSettings = z
  .object({
    local_api: z
      .object({
        enabled: z.boolean().default(true),
        port: z.number().int().min(0).max(65535).default(0),
      })
      .strict()
      .default({ enabled: true, port: 0 }),
  })
  .strict();
export type DesktopSettings = z.infer<typeof DesktopSettings>;

export const DEFAULT_SETTINGS: DesktopSettings = DesktopSettings.parse({});

/** The settings read, and what was wrong with the file when it could not be used as is. */
export interface LoadedSettings {
  settings: DesktopSettings;
  /** Null when the file was absent or valid; else why the defaults are used (logged, kept). */
  problem: string | null;
}

/**
 * Reads `<userDataDir>/desktop-settings.json`. Absent → the defaults. Unreadable, not JSON, or
 * not valid → the defaults and a `problem` naming each field at fault; the file is left as it
 * is (the user may want to fix it) and replaced only when a setting is next saved.
 * Example: a file `{"local_api":{"enabled":false}}` → `{local_api: {enabled: false, port: 0}}`.
 */
export function loadSettings(userDataDir: string): LoadedSettings {
  const file = path.join(userDataDir, SETTINGS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      return { settings: DEFAULT_SETTINGS, problem: null };
    return { settings: DEFAULT_SETTINGS, problem: `${file}: ${(e as Error).message}` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { settings: DEFAULT_SETTINGS, problem: `${file}: not JSON (${(e as Error).message})` };
  }
  const r = DesktopSettings.safeParse(raw);
  if (r.success) return { settings: r.data, problem: null };
  const fields = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return { settings: DEFAULT_SETTINGS, problem: `${file}: ${fields.join('; ')}` };
}

/** Writes the settings (0600, atomically: a temporary file renamed over the old one). */
export function saveSettings(userDataDir: string, settings: DesktopSettings): void {
  const valid = DesktopSettings.parse(settings);
  const file = path.join(userDataDir, SETTINGS_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  writePrivateFile(tmp, `${JSON.stringify(valid, null, 2)}\n`);
  fs.renameSync(tmp, file);
}
