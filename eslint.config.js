// @ts-check
// Layering is enforced here (imports) and by the per-layer tsconfigs (globals).
// See docs/architecture.md for the table this encodes.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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

const nodeOnly = {
  group: ['node:*', 'fs', 'path', 'os', 'http', 'crypto', 'child_process', 'worker_threads'],
  message: 'Pure layers run in Node and Chromium: no Node built-ins (use a port).',
};
const adapters = {
  group: ['**/store/**', '**/server/**', '**/cli/**', '**/main', 'better-sqlite3', 'electron'],
  message: 'Pure layers never import adapters (store, server, cli, electron).',
};

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
    files: PURE,
    languageOptions: { globals: {} },
    rules: { 'no-restricted-imports': ['error', { patterns: [nodeOnly, adapters] }] },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            nodeOnly,
            {
              group: ['**/store/**', '**/server/**', '**/cli/**', 'better-sqlite3', 'electron'],
              message: 'The renderer talks to the engine only through the typed api client.',
            },
          ],
        },
      ],
    },
  },
);
