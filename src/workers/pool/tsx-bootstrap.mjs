// Pool-worker entry when the engine runs from TypeScript sources (tsx, vitest): Node 20 does not
// apply the parent's `--import tsx` hooks to worker threads, so this registers tsx's ESM loader in
// the worker, then hands every task to compute-worker.ts. A built app uses compute-worker.js.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
const api = pathToFileURL(join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
const handler = import(api).then((tsx) => {
  tsx.register();
  return import(new URL('./compute-worker.ts', import.meta.url).href);
});

export default async function run(task) {
  const mod = await handler;
  return mod.default(task);
}
