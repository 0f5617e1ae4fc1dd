/**
 * electron/windowState.ts: the main window's size and position are remembered, and a saved
 * position that is no longer on any display (an unplugged monitor) is not restored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WINDOW_STATE_FILE, restoreWindowState, saveWindowState } from '../../electron/windowState';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function dir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'spr-window-'));
  dirs.push(d);
  return d;
}
const ONE = [{ x: 0, y: 0, width: 1920, height: 1080 }];
const TWO = [...ONE, { x: 1920, y: 0, width: 2560, height: 1440 }];

describe('window state', () => {
  it('restores what was saved while it is on a display', () => {
    const d = dir();
    expect(restoreWindowState(d, ONE)).toBeNull();
    const s = { x: 100, y: 80, width: 1500, height: 950, maximized: true };
    saveWindowState(d, s);
    expect(restoreWindowState(d, ONE)).toEqual(s);
    expect((fs.statSync(path.join(d, WINDOW_STATE_FILE)).mode & 0o777).toString(8)).toBe('600');
  });

  it('a window saved on a monitor since unplugged opens at the default instead', () => {
    const d = dir();
    const s = { x: 2500, y: 100, width: 1400, height: 900, maximized: false };
    saveWindowState(d, s);
    expect(restoreWindowState(d, TWO)).toEqual(s);
    expect(restoreWindowState(d, ONE)).toBeNull();
  });

  it('ignores a state that is not valid and a file that is not JSON', () => {
    const d = dir();
    saveWindowState(d, { x: 0, y: 0, width: 10, height: 10, maximized: false });
    expect(fs.existsSync(path.join(d, WINDOW_STATE_FILE))).toBe(false);
    fs.writeFileSync(path.join(d, WINDOW_STATE_FILE), '{oops');
    expect(restoreWindowState(d, ONE)).toBeNull();
  });
});
