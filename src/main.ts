/**
 * Browser-mode entry: the engine and the local API on 127.0.0.1, serving the built workstation
 * UI. Used where no Electron binary exists (offline installs, CI) and by the end-to-end tests.
 *
 *   npm start -- --port 0 --data-dir ./my-data [--queue redis://HOST:PORT]
 *
 * With `--queue` (or SPR_QUEUE) batch runs are computed by BullMQ workers on that Redis
 * (`npm run worker -- --queue …` on any machine; docs/scale.md) instead of this machine's pool.
 *
 * prints one line containing http://127.0.0.1:PORT/?token=TOKEN (the token is also in
 * DATA_DIR/api-token).
 */
import { join } from 'node:path';
import { parseArgs, type Args } from './cli/args';
import { ROOT, startApp } from './server/app';
import { parseQueueUrl } from './queue/url';

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(
      `error: ${(e as Error).message}\nusage: npm start -- [--port N] [--data-dir DIR] [--queue redis://HOST:PORT]`,
    );
    process.exit(2);
  }
  const log = (m: string) => console.error(m);
  const queue = args.queue;
  // BullMQ is loaded only when batches go to a queue.
  const { createBullmqExecutor } = queue ? await import('./queue/executor') : {};
  const app = await startApp({
    dataDir: args.dataDir,
    port: args.port,
    staticDir: join(ROOT, 'out', 'renderer'),
    log,
    ...(queue && createBullmqExecutor
      ? { batchExecutor: () => createBullmqExecutor({ url: queue, log }) }
      : {}),
  });
  console.log(`Smart Portfolio Rebalancer (browser mode) ready at ${app.url}`);
  console.log(`data directory: ${args.dataDir} (API token in ${join(args.dataDir, 'api-token')})`);
  if (queue)
    console.log(
      `batches run on the BullMQ queue at ${parseQueueUrl(queue).display} (start workers with \`npm run worker -- --queue …\`)`,
    );
  const stop = () => {
    void app.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
