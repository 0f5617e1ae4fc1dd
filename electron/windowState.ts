import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writePrivateFile } from '../src/store/fileModes';

/** File (in the userData folder) with the main window's last size and position. */
export const WINDOW_STATE_FILE = 'window-state.json';

export const WindowState = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(400).max(20000),
  height: z.number().int().min(300).max(20000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowState>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The saved window state if it is valid and still visible on one of `displays` (work areas):
 * at least 100×50 px of the window's top part on a display, so a window saved on a monitor
 * since unplugged never opens out of reach. Otherwise null (the default size, centred).
 * Example: saved {x: 3000, …} with one 1920×1080 display → null.
 */
export function restoreWindowState(
  userDataDir: string,
  displays: readonly Rect[],
): WindowState | null {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.join(userDataDir, WINDOW_STATE_FILE), 'utf8'));
  } catch {
    return null;
  }
  const r = WindowState.safeParse(raw);
  if (!r.success) return null;
  const s = r.data;
  const visible = displays.some((d) => {
    const w = Math.min(s.x + s.width, d.x + d.width) - Math.max(s.x, d.x);
    const h = Math.min(s.y + 50, d.y + d.height) - Math.max(s.y, d.y);
    return w >= 100 && h >= 50;
  });
  return visible ? s : null;
}

/** Saves the state (0600); a state that is not valid (a minimized window's bounds) is ignored. */
export function saveWindowState(userDataDir: string, state: WindowState): void {
  const r = WindowState.safeParse(state);
  if (!r.success) return;
  writePrivateFile(path.join(userDataDir, WINDOW_STATE_FILE), `${JSON.stringify(r.data)}\n`);
}
