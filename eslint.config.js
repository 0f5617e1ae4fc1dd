// @ts-check
// Layering is enforced here (imports) and by the per-layer tsconfigs (globals).
// See docs/architecture.md for the table this encodes.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { fileURLToPath } from 'node:url';
import layers from './scripts/eslint-layers.js';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

const PURE = [
  'src/contract/**',
  'src/domain/**',
  'src/data/**',
  'src/forecast/**',
  'src/risk/**',
  'src/optimize/**',
  'src/execution/**',
  'src/agents/**',
  'src/copilot/**',
  'src/ports/**',
  'src/services/**',
  'src/rpc/**',
];

/** Packages the pure layers may use: each runs in Node and in Chromium alike. */
const PURE_PACKAGES = ['zod', '@noble/hashes', 'papaparse', 'exceljs', 'highs'];
const folders = (list) => list.map((g) => g.replace('/**', ''));

/**
 * The layer table of docs/architecture.md, once: which folders a file may import from, and which
 * packages. Checked by scripts/eslint-layers.js on resolved paths (every spelling of a path);
 * test/unit/layers.test.ts lints a file breaking each rule and expects each to fail.
 */
export const LAYERS = [
  {
    name: 'the pure engine (src/contract … src/rpc)',
    files: folders(PURE),
    internal: folders(PURE),
    packages: PURE_PACKAGES,
  },
  {
    name: 'the Node adapters (src/store, src/server, src/cli, src/workers, src/queue, src/main)',
    files: ['src/store', 'src/server', 'src/cli', 'src/workers', 'src/queue', 'src/main'],
    internal: ['src/'],
    packages: [...PURE_PACKAGES, 'node:*', 'better-sqlite3', 'piscina', 'bullmq', 'ioredis'],
  },
  {
    name: 'the Electron shell (electron/)',
    files: ['electron/'],
    internal: ['electron/', 'src/'],
    packages: ['electron', 'node:*', 'zod'],
  },
  {
    name: 'the renderer (renderer/)',
    files: ['renderer/'],
    internal: ['renderer/', 'src/contract', 'src/domain'],
    packages: ['react', 'react-dom', 'chart.js', 'zod'],
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'coverage/**',
      'resources/**',
      'test/fixtures/**',
      '.cache/**',
      'test-results/**',
      // Scratch work (gitignored): never part of a clone.
      '.scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**', 'electron/**', 'renderer/**'],
    plugins: { layers },
    rules: { 'layers/allowed-imports': ['error', { root: ROOT, layers: LAYERS }] },
  },
  {
    files: PURE,
    languageOptions: { globals: {} },
  },
  {
    // CommonJS by necessity: electron-builder loads its hooks with require().
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
