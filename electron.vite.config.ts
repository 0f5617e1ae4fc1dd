// Builds the three parts of the workstation with one command, `npx electron-vite build`:
//   main     electron/main.ts    → out/main/index.js    (ESM; engine bundled, node_modules external)
//            src/workers/highs-worker.ts → out/main/highs-worker.js (solver worker thread)
//            src/workers/pool/compute-worker.ts → out/main/compute-worker.js (compute pool)
//   preload  electron/preload.ts → out/preload/index.cjs (CommonJS: a sandboxed preload cannot be
//                                                         ESM, and the package is "type": "module")
//   renderer renderer/index.html → out/renderer/         (base './': works from app://, file:// and
//                                                         from the browser-mode server at /)
// Building needs no Electron binary (see FINDINGS.md).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // Every package in "dependencies" stays in node_modules (better-sqlite3 is native, highs
      // loads its .wasm next to its JS); only our own sources are bundled.
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(root, 'electron/main.ts'),
          // The HiGHS worker thread: src/workers/highs-solver.ts looks for highs-worker.js next
          // to the bundle that imports it (out/main/), so it is built as its own entry.
          'highs-worker': resolve(root, 'src/workers/highs-worker.ts'),
          // The compute pool's worker (src/workers/pool/pool.ts looks for compute-worker.js next
          // to the bundle that imports it).
          'compute-worker': resolve(root, 'src/workers/pool/compute-worker.ts'),
        },
        external: ['better-sqlite3', 'highs', 'piscina'],
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          // Shared chunks stay in out/main/: code there resolves siblings and the app root from
          // import.meta.url (highs-worker.js, ../../resources).
          chunkFileNames: '[name]-[hash].js',
        },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: true,
      rollupOptions: {
        input: { index: resolve(root, 'electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      // No eval, no inline scripts: the CSP forbids both (script-src 'self').
      modulePreload: { polyfill: false },
      target: 'chrome130',
      minify: 'esbuild',
      reportCompressedSize: false,
      // React + chart.js + the contract's zod schemas: about 530 kB minified, read from disk.
      chunkSizeWarningLimit: 1024,
      rollupOptions: {
        input: resolve(root, 'renderer/index.html'),
        onwarn(warning, warn) {
          // zod 4 ships comments Rollup cannot place; harmless, and noise in every test run.
          if (warning.code === 'INVALID_ANNOTATION') return;
          warn(warning);
        },
      },
    },
  },
});
