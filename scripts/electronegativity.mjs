// @ts-check
/**
 * Electron security scan (issue #12): builds the shell (electron-vite build → out/) and runs
 * @doyensec/electronegativity on the built main, preload and renderer through its programmatic
 * API — its command line exits 0 even with findings. Fails on any HIGH finding and on any MEDIUM
 * that is neither fixed nor justified below. `npm run security`; .ci/run runs it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** MEDIUM findings kept on purpose, by check id, with the reason (reviewed 2026-12-06). */
export const JUSTIFIED = {
  // The CSP is set as a response header by the app:// protocol handler (electron/main.ts, CSP:
  // default-src 'none', script-src 'self', connect-src 'none'), which a static scan of the
  // bundle cannot see; the scanner reports "no CSP" for want of a <meta> tag.
  CSP_GLOBAL_CHECK: 'CSP sent as a header by the app:// handler (electron/main.ts)',
  // A "review required" reminder that a preload exists. Ours (electron/preload.ts) exposes five
  // functions through contextBridge — invoke, saveFile, showInFolder, setMenuState,
  // onMenuCommand — each on its own fixed channel (electron/channels.ts) whose handler checks the
  // sender frame and validates the payload with zod (electron/ipc.ts, electron/files.ts); no IPC
  // event object and no Node API reaches the page (sandbox, contextIsolation).
  PRELOAD_JS_CHECK:
    'preload exposes five functions on fixed, sender-checked, validated channels (electron/preload.ts)',
};

const electronVersion = String(
  JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).devDependencies.electron,
).replace(/^[^\d]*/, '');

if (!process.argv.includes('--no-build')) {
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

const run = require('@doyensec/electronegativity');
const quiet = console.log;
console.log = () => undefined; // its progress chatter (offline release lookup) is not a result
let result;
try {
  result = await run(
    {
      input: path.join(ROOT, 'out'),
      isSarif: false,
      customScan: [],
      excludeFromScan: [],
      isRelative: true,
      isVerbose: false,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  );
} finally {
  console.log = quiet;
}

const rows = result.issues.map((i) => ({
  id: i.id,
  severity: i.severity.name,
  confidence: i.confidence.name,
  where: `${i.file}:${i.location.line}`,
  justified: i.severity.name === 'MEDIUM' ? (JUSTIFIED[i.id] ?? null) : null,
}));
const failing = rows.filter(
  (r) =>
    r.severity === 'HIGH' || r.severity === 'CRITICAL' || (r.severity === 'MEDIUM' && !r.justified),
);
console.log(
  JSON.stringify({
    scanner: 'electronegativity',
    electron: electronVersion,
    checks: result.globalChecks + result.atomicChecks,
    parse_errors: result.errors.length,
    findings: rows,
    failing: failing.length,
  }),
);
if (result.errors.length > 0 || failing.length > 0) {
  console.error(
    `electronegativity: ${failing.length} finding(s) to fix, ${result.errors.length} file(s) not parsed`,
  );
  process.exit(1);
}
