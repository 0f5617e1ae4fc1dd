/**
 * Browser-mode entry: the engine and the local API on 127.0.0.1, serving the built workstation
 * UI. Used where no Electron binary exists (offline installs, CI) and by the end-to-end tests.
 *
 *   npm start -- --port 0 --data-dir ./my-data
 *
 * prints one line containing http://127.0.0.1:PORT/?token=TOKEN (the token is also in
 * DATA_DIR/api-token).
 */
import { join } from 'node:path';
import { parseArgs, type Args } from './cli/args';
import { ROOT, startApp } from './server/app';

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(
      `error: ${(e as Error).message}\nusage: npm start -- [--port N] [--data-dir DIR]`,
    );
    process.exit(2);
  }
  const app = await startApp({
    dataDir: args.dataDir,
    port: args.port,
    staticDir: join(ROOT, 'out', 'renderer'),
    log: (m) => console.error(m),
  });
  console.log(`Smart Portfolio Rebalancer (browser mode) ready at ${app.url}`);
  console.log(`data directory: ${args.dataDir} (API token in ${join(args.dataDir, 'api-token')})`);
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
