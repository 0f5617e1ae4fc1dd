/**
 * The store loads the better-sqlite3 native module it is given (issue #12: the desktop app's
 * Electron-ABI build beside the Node one). Here the Node build is passed by path and must work;
 * a path that is not a native module must fail at open, not later.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../../../src/store';
import { runInput, tempDir } from './helpers';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const NODE_BUILD = path.join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

describe('nativeBinding', () => {
  it('opens, writes and verifies with the native module given by path', () => {
    expect(existsSync(NODE_BUILD)).toBe(true);
    const t = tempDir('store-binding-');
    cleanups.push(t.cleanup);
    const store = createStore({ dir: t.dir, nativeBinding: NODE_BUILD });
    try {
      const run = store.runs.save(runInput());
      expect(store.runs.get(run.run_id)?.output_json).toBe(runInput().output_json);
      expect(store.audit.verify().ok).toBe(true);
    } finally {
      store.close();
    }
  });

  it('a path that is not a native module fails at open', () => {
    const t = tempDir('store-binding-');
    cleanups.push(t.cleanup);
    expect(() =>
      createStore({ dir: t.dir, nativeBinding: path.join(ROOT, 'package.json') }),
    ).toThrow();
  });
});
