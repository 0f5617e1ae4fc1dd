#!/usr/bin/env node
// One-time set-up that works with and without internet.
//
// 1. `npm ci --ignore-scripts`: installs exactly the committed package-lock.json and never writes
//    it, so set-up leaves the working tree clean (`npm install` would rewrite the lock). The lock
//    lists every platform's optional packages (as npm 11 writes it), which `npm ci` requires.
//    No install scripts run here. Current Electron releases download their binary in a postinstall that
//    fails offline (and ignore ELECTRON_SKIP_BINARY_DOWNLOAD), so scripts are run one by one
//    below instead of failing the whole install.
// 2. better-sqlite3 is built for this Node (from source when no prebuilt binary can be fetched).
// 3. The Electron binary is downloaded when the network allows, and better-sqlite3 is built a
//    second time, for Electron's ABI, into its own file (scripts/electron-sqlite.mjs), so tests
//    under Node and the desktop app both work from one install; otherwise the workstation runs
//    in browser mode (same engine, same UI, served on 127.0.0.1) and `npm start` says why.
// Only Node built-ins are used: this runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectronSqlite } from './electron-sqlite.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = join(root, 'node_modules', '.spr-setup-stamp');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export function lockHash() {
  return createHash('sha256')
    .update(readFileSync(join(root, 'package-lock.json')))
    .digest('hex');
}

export function isSetUp() {
  return existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === lockHash();
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  return r.status === 0;
}

function sqliteWorks() {
  const r = spawnSync(
    process.execPath,
    ['-e', "const D=require('better-sqlite3'); new D(':memory:').prepare('select 1').get()"],
    { cwd: root, stdio: 'ignore' },
  );
  return r.status === 0;
}

export function setup() {
  console.log('[setup] installing the locked packages (npm ci --ignore-scripts)…');
  if (!run(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund'])) {
    console.error('[setup] npm ci failed: is the npm registry reachable?');
    process.exit(1);
  }
  if (!sqliteWorks()) {
    console.log('[setup] building better-sqlite3 for this Node (about 2 minutes from source)…');
    if (!run(npm, ['rebuild', 'better-sqlite3']) || !sqliteWorks()) {
      console.error(
        '[setup] better-sqlite3 could not be built (needs python3, make and a C++ compiler)',
      );
      process.exit(1);
    }
  }
  if (process.env.SPR_SKIP_ELECTRON === '1') {
    console.log('[setup] SPR_SKIP_ELECTRON=1: not downloading the Electron binary (browser mode).');
  } else {
    console.log(
      '[setup] fetching the Electron binary (needs internet; skipped gracefully offline)…',
    );
    const ok = run(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], {
      timeout: 180_000,
    });
    if (!ok) {
      console.log(
        '[setup] Electron binary unavailable (offline?): `npm start` will run the workstation in browser mode.',
      );
    } else {
      console.log('[setup] building better-sqlite3 for Electron (beside the Node build)…');
      const sqlite = buildElectronSqlite();
      console.log(
        sqlite.ok
          ? '[setup] Electron is ready: `npm start` opens the desktop app.'
          : `[setup] better-sqlite3 for Electron: ${sqlite.why}; \`npm start\` will run the workstation in browser mode.`,
      );
    }
  }
  writeFileSync(stampFile, `${lockHash()}\n`);
  console.log('[setup] done.');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--if-needed') && existsSync(join(root, 'node_modules')) && isSetUp()) {
    process.exit(0);
  }
  setup();
}
