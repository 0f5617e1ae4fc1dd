// @ts-check
// better-sqlite3 for Electron, beside the one for Node (issue #12): a native module is built for
// one ABI (Node 20: 115; Electron 45: 140-something), so one install cannot serve both `npm test`
// (Node) and the desktop app (Electron) — unless each gets its own binary. The Node build stays
// in node_modules/better-sqlite3/build; the Electron build goes to ELECTRON_SQLITE_BINARY, and
// the desktop app passes that path to better-sqlite3's `nativeBinding` option
// (electron/main.ts → createEngine → openDatabase). Only Node built-ins: runs from setup.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the Electron-ABI binary is kept (relative to the project root). */
export const ELECTRON_SQLITE_BINARY = join('node_modules', '.spr-electron', 'better_sqlite3.node');

/** The installed Electron's version, or null. */
export function electronVersion() {
  const pkg = join(root, 'node_modules', 'electron', 'package.json');
  return existsSync(pkg) ? String(JSON.parse(readFileSync(pkg, 'utf8')).version) : null;
}

/**
 * True when `electronBin` (run as Node) can open a database with the Electron binary.
 * @param {string} electronBin
 */
export function electronSqliteWorks(electronBin) {
  const binary = join(root, ELECTRON_SQLITE_BINARY);
  if (!existsSync(binary)) return false;
  const code =
    `const D = require(${JSON.stringify(join(root, 'node_modules', 'better-sqlite3'))});` +
    `new D(':memory:', { nativeBinding: ${JSON.stringify(binary)} }).prepare('select 1').get();`;
  const r = spawnSync(electronBin, ['-e', code], {
    cwd: root,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: 'ignore',
    timeout: 30_000,
  });
  return r.status === 0;
}

/**
 * Builds better-sqlite3 for the installed Electron into ELECTRON_SQLITE_BINARY: a copy of the
 * package (sources, no build) gets its own install step with npm's Electron settings — a
 * prebuilt binary when one can be downloaded, else node-gyp against Electron's headers — and
 * the resulting .node file is kept. Needs internet (prebuilt binary or headers). Returns
 * `{ok: true}` or `{ok: false, why}`.
 */
export function buildElectronSqlite() {
  const version = electronVersion();
  if (!version) return { ok: false, why: 'electron is not installed' };
  const work = join(root, 'node_modules', '.spr-electron', 'better-sqlite3');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(dirname(work), { recursive: true });
  const src = join(root, 'node_modules', 'better-sqlite3');
  cpSync(src, work, { recursive: true, filter: (p) => !p.startsWith(join(src, 'build')) });
  const env = {
    ...process.env,
    npm_config_runtime: 'electron',
    npm_config_target: version,
    npm_config_disturl: 'https://electronjs.org/headers',
    // prebuild-install and node-gyp are found in the project's node_modules/.bin.
    PATH: `${join(root, 'node_modules', '.bin')}${process.platform === 'win32' ? ';' : ':'}${process.env.PATH ?? ''}`,
  };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', 'install'], { cwd: work, env, stdio: 'inherit' });
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  if (r.status !== 0 || !existsSync(built))
    return { ok: false, why: `building for Electron ${version} failed (offline, or no compiler?)` };
  cpSync(built, join(root, ELECTRON_SQLITE_BINARY));
  rmSync(work, { recursive: true, force: true });
  return { ok: true, why: null };
}
