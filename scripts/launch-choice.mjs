// Which way `npm start` opens the workstation: the desktop app (Electron) or browser mode, and
// the exact reason when it is browser mode. Pure (every fact is passed in), so it is unit-tested
// without an Electron binary (test/unit/launch-choice.test.ts); scripts/start.mjs gathers the facts.
import { ELECTRON_SQLITE_BINARY } from './electron-sqlite.mjs';

/**
 * @param {{
 *   args: string[],
 *   electronBinary: string | null,
 *   platform: string,
 *   env: Record<string, string | undefined>,
 *   mainBuilt: boolean,
 *   sqliteBuilt: boolean,
 *   sqliteLoads: () => boolean,
 * }} f the facts; `sqliteLoads` is asked last (it starts Electron once to load the module)
 * @returns {string | null} null: open the desktop app; otherwise why browser mode.
 * Example: `{args: [], electronBinary: null, …}` → "no Electron binary is installed (…)".
 */
export function browserModeReason(f) {
  if (f.args.includes('--browser')) return '--browser was given';
  if (f.args.includes('--queue') || f.env.SPR_QUEUE)
    return 'batches on a BullMQ queue (--queue or SPR_QUEUE) run in browser mode';
  if (!f.electronBinary)
    return 'no Electron binary is installed (it is downloaded by `npm run setup` when online)';
  if (f.platform === 'linux' && !f.env.DISPLAY && !f.env.WAYLAND_DISPLAY)
    return 'no display (DISPLAY/WAYLAND_DISPLAY unset)';
  if (!f.mainBuilt) return 'the Electron main process is not built';
  if (!f.sqliteBuilt)
    return `better-sqlite3 has no Electron build (${ELECTRON_SQLITE_BINARY}): run \`npm run setup\` online (it downloads a prebuilt binary or builds one against Electron's headers)`;
  if (!f.sqliteLoads())
    return `${ELECTRON_SQLITE_BINARY} does not load in this Electron (built for another version?): run \`npm run setup\` online to rebuild it`;
  return null;
}
