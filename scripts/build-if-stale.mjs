// Builds the workstation (renderer, Electron main and preload) with electron-vite when any
// source is newer than the last build. Shared by `npm start` and the test suite's global set-up.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** @returns {{ built: boolean, ok: boolean }} */
export function buildIfStale() {
  const marker = join(root, 'out', 'renderer', 'index.html');
  const sources = ['renderer', 'electron', 'src'].map((d) => newest(join(root, d)));
  const config = join(root, 'electron.vite.config.ts');
  if (existsSync(config)) sources.push(statSync(config).mtimeMs);
  if (existsSync(marker) && statSync(marker).mtimeMs >= Math.max(...sources)) {
    return { built: false, ok: true };
  }
  if (!existsSync(config) || !existsSync(join(root, 'renderer', 'index.html'))) {
    return { built: false, ok: false };
  }
  const bin = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [bin, 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { built: true, ok: r.status === 0 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = buildIfStale();
  console.log(r.ok ? (r.built ? 'built' : 'up to date') : 'build failed or nothing to build');
  process.exit(r.ok ? 0 : 1);
}
