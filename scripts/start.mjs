#!/usr/bin/env node
// `npm start [-- --port N --data-dir DIR --browser --queue redis://HOST:PORT]`
// Opens the desktop app when an Electron binary and a display exist; otherwise starts the same
// workstation in browser mode (engine + UI on http://127.0.0.1:PORT) and says why.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-if-stale.mjs';
import { ELECTRON_SQLITE_BINARY, electronSqliteWorks } from './electron-sqlite.mjs';
import { browserModeReason } from './launch-choice.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

// 1. Install on first use (works offline).
const setup = spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs'), '--if-needed'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (setup.status !== 0) process.exit(setup.status ?? 1);

// 2. Build the UI (and Electron main/preload) when sources are newer than the build.
const build = buildIfStale();
if (!build.ok) console.error('[start] the UI could not be built; the local API still starts');

// 3. Electron if possible.
function electronBinary() {
  try {
    const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
    if (!existsSync(pathFile)) return null;
    const bin = join(
      root,
      'node_modules',
      'electron',
      'dist',
      readFileSync(pathFile, 'utf8').trim(),
    );
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}
const bin = electronBinary();
const reason = browserModeReason({
  args,
  electronBinary: bin,
  platform: process.platform,
  env: process.env,
  mainBuilt: existsSync(join(root, 'out', 'main', 'index.js')),
  sqliteBuilt: existsSync(join(root, ELECTRON_SQLITE_BINARY)),
  sqliteLoads: () => electronSqliteWorks(bin),
});

let child;
if (reason === null && bin) {
  child = spawn(bin, [root, ...args], { cwd: root, stdio: 'inherit' });
} else {
  console.error(
    `[start] browser mode: ${reason}. The workstation runs at the address below; open it in any browser.`,
  );
  child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src', 'main.ts'), ...args.filter((a) => a !== '--browser')],
    { cwd: root, stdio: 'inherit' },
  );
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
