/**
 * `npm run worker -- --queue redis://HOST:PORT [--concurrency N]`: a batch worker on any machine
 * with the project installed (docs/scale.md). Prints one line when it is ready and one when it
 * stops; SIGTERM or SIGINT lets the running item finish (a second signal releases it to another
 * worker), then exits 0.
 */
import { fileURLToPath } from 'node:url';
import { ENGINE_VERSION } from '../contract/operations';
import { parseQueueUrl } from '../queue/url';
import { DEFAULT_QUEUE_NAME } from '../queue/keys';
import { startQueueWorker } from '../queue/worker';
import { WORKER_USAGE, parseWorkerArgs, type WorkerArgs } from './workerArgs';

/** Repository root (this file is src/cli/worker.ts): resources/data is read from there. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function main(): Promise<void> {
  let args: WorkerArgs;
  try {
    args = parseWorkerArgs(process.argv.slice(2), process.env);
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n${WORKER_USAGE}`);
    process.exit(2);
  }
  const where = `${parseQueueUrl(args.queue).display} queue ${args.queueName ?? DEFAULT_QUEUE_NAME}`;
  const log = (m: string) => console.error(`[worker ${process.pid}] ${m}`);
  const worker = await startQueueWorker({
    url: args.queue,
    root: ROOT,
    concurrency: args.concurrency,
    log,
    ...(args.queueName ? { queueName: args.queueName } : {}),
    ...(args.lockMs ? { lockMs: args.lockMs } : {}),
    ...(args.stalledMs ? { stalledMs: args.stalledMs } : {}),
  });
  console.log(
    `[worker ${process.pid}] started: ${where}, concurrency ${args.concurrency}, engine ${ENGINE_VERSION}`,
  );
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) {
      // A second signal: leave now; the running item's lock expires and another worker takes it.
      console.log(`[worker ${process.pid}] stopped at once (${sig}): the running item is released`);
      process.exit(0);
    }
    stopping = true;
    void worker.close().then(() => {
      console.log(`[worker ${process.pid}] stopped (${sig}): ${worker.computed} item(s) computed`);
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
