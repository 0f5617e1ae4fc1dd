/**
 * Which better-sqlite3 native module the desktop app opens its store with (issue #12, item 1).
 * A checkout keeps two builds: Node's (node_modules/better-sqlite3/build, used by the tests and
 * browser mode) and Electron's, beside it (scripts/electron-sqlite.mjs writes
 * node_modules/.spr-electron/better_sqlite3.node at set-up). A packaged app has its module rebuilt
 * for Electron by electron-builder, so it loads the package's own (null: better-sqlite3's default).
 */
import { join } from 'node:path';

export interface BindingFacts {
  isPackaged: boolean;
  /** app.getAppPath(): the checkout's root when run from source. */
  appPath: string;
  exists: (file: string) => boolean;
}

/**
 * The path passed to better-sqlite3's `nativeBinding`, or null for its default.
 * Example: `{isPackaged: false, appPath: '/src/spr', exists: () => true}`
 * → `/src/spr/node_modules/.spr-electron/better_sqlite3.node`; packaged → null.
 */
export function electronSqliteBinding(f: BindingFacts): string | null {
  if (f.isPackaged) return null;
  const file = join(f.appPath, 'node_modules', '.spr-electron', 'better_sqlite3.node');
  // Without it the open fails with better-sqlite3's ABI message, which `npm start` prevents by
  // checking first (scripts/launch-choice.mjs).
  return f.exists(file) ? file : null;
}
