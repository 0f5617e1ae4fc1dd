/**
 * Layers the tools enforce (issue #12, item 6): the ESLint allow-lists of eslint.config.js
 * (scripts/eslint-layers.js) refuse every spelling of a forbidden import, in each layer, and
 * accept the allowed ones; the pure layer compiles with no Node types (papaparse's types are
 * replaced by a shim there, which must stay true to the real ones).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import Papa from 'papaparse';
import type * as Real from 'papaparse';
import { describe, expect, it } from 'vitest';
import type * as Shim from '../../src/data/import/shims/papaparse';

const ROOT = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

/** The layer rule's messages for `code` linted as if it were the file `file`. */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (r?.messages ?? [])
    .filter((m) => m.ruleId === 'layers/allowed-imports')
    .map((m) => m.message);
}

const FORBIDDEN: [file: string, code: string, says: RegExp][] = [
  // The pure layer: no adapters by any path spelling, no Node, no native packages.
  ['src/domain/x.ts', "import { a } from '../store';", /may not import src\/store/],
  ['src/domain/x.ts', "import { a } from '../store/index';", /src\/store\/index/],
  ['src/domain/x.ts', "import { a } from './../store/runs.ts';", /src\/store\/runs/],
  ['src/services/x.ts', "import { a } from '../../src/server/app';", /src\/server\/app/],
  ['src/services/x.ts', "export * from '../server/http';", /src\/server\/http/],
  ['src/risk/x.ts', "export { a } from '../cli/args';", /src\/cli\/args/],
  ['src/risk/x.ts', "const m = await import('../workers/pool/pool');", /src\/workers/],
  ['src/risk/x.ts', "type T = import('../store').SqliteStore;", /src\/store/],
  ['src/risk/x.ts', "import { x } from '../../electron/main';", /electron\/main/],
  ['src/contract/x.ts', "import fs from 'node:fs';", /package "node:\*"/],
  ['src/contract/x.ts', "import fs from 'fs/promises';", /package "node:\*"/],
  ['src/contract/x.ts', "import Database from 'better-sqlite3';", /"better-sqlite3"/],
  ['src/rpc/x.ts', "const e = require('electron');", /"electron"/],
  ['src/services/x.ts', "import { Queue } from 'bullmq';", /"bullmq"/],
  ['src/services/x.ts', "import { Redis } from 'ioredis';", /"ioredis"/],
  // The renderer: only its own files, the contract and the domain, and its UI packages.
  ['renderer/src/x.ts', "import { a } from '../../src/services/runs';", /src\/services\/runs/],
  ['renderer/src/x.ts', "import { a } from '../../src/optimize/hrp';", /src\/optimize\/hrp/],
  ['renderer/src/x.ts', "import { a } from '../../src/store';", /src\/store/],
  ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';", /"electron"/],
  ['renderer/src/x.ts', "import path from 'node:path';", /"node:\*"/],
  // The Node adapters and the Electron shell: no UI packages.
  ['src/server/x.ts', "import React from 'react';", /"react"/],
  ['src/queue/x.ts', "import React from 'react';", /"react"/],
  ['src/queue/x.ts', "import { a } from '../../renderer/src/shared/api';", /renderer\/src/],
  ['electron/x.ts', "import { Chart } from 'chart.js';", /"chart.js"/],
  ['electron/x.ts', "import { a } from '../renderer/src/shared/api';", /renderer\/src/],
];

const ALLOWED: [file: string, code: string][] = [
  ['src/domain/x.ts', "import { z } from 'zod'; import { a } from '../contract/common';"],
  [
    'src/data/x.ts',
    "import Papa from 'papaparse'; import { sha256 } from '@noble/hashes/sha2.js';",
  ],
  ['src/store/x.ts', "import Database from 'better-sqlite3'; import { a } from '../domain/names';"],
  ['src/server/x.ts', "import { createHash } from 'node:crypto'; import { b } from '../store';"],
  [
    'src/queue/x.ts',
    "import { Queue } from 'bullmq'; import { Redis } from 'ioredis'; import { c } from '../services/batches/job';",
  ],
  ['electron/x.ts', "import { app } from 'electron'; import { c } from '../src/server/app';"],
  [
    'renderer/src/x.ts',
    "import { useState } from 'react'; import { d } from '../../src/contract/common';",
  ],
];

describe('layer allow-lists (ESLint)', () => {
  it.each(FORBIDDEN)('%s: %s is refused', async (file, code, says) => {
    const errors = await layerErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(says);
  });

  it.each(ALLOWED)('%s: %s is allowed', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});

describe('the pure layer compiles without Node types', () => {
  it('process and Buffer are compile errors under tsconfig.core.json', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spr-layers-'));
    try {
      // The probe imports the CSV reader, so papaparse's types are in the program too.
      const probe = path.join(dir, 'probe.ts');
      fs.writeFileSync(
        probe,
        `import { readCsv } from ${JSON.stringify(path.join(ROOT, 'src/data/import/table'))};\n` +
          'export const a = readCsv;\nexport const b: number = process.pid;\n' +
          "export const c = Buffer.from('x');\n",
      );
      const config = path.join(dir, 'tsconfig.json');
      fs.writeFileSync(
        config,
        JSON.stringify({
          extends: path.join(ROOT, 'tsconfig.core.json'),
          include: [],
          files: [probe],
        }),
      );
      let out = '';
      try {
        execFileSync(
          process.execPath,
          [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', config],
          {
            encoding: 'utf8',
          },
        );
      } catch (e) {
        out = (e as { stdout: string }).stdout;
      }
      expect(out).toMatch(/probe\.ts\(3,\d+\): error TS2591: Cannot find name 'process'/);
      expect(out).toMatch(/probe\.ts\(4,\d+\): error TS2591: Cannot find name 'Buffer'/);
      expect(out.split('\n').filter((l) => l.includes('error')).length).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('the papaparse shim agrees with the real types and the library', () => {
    // Compile-time: the shim's config is a real config, and a real result is a shim result.
    const config: Real.ParseConfig = {} as Shim.ParseConfig;
    const result: Shim.ParseResult<string[]> = {} as Real.ParseResult<string[]>;
    void config;
    void result;
    const r = Papa.parse<string[]>('a;b\n1;2', { delimitersToGuess: [',', ';'] });
    expect(r.data).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(r.meta.delimiter).toBe(';');
    const bad = Papa.parse<string[]>('a,b\n"1,2', { newline: '\n' });
    expect(bad.errors[0]).toMatchObject({ type: 'Quotes', row: 1 });
  });
});
