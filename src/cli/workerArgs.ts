/**
 * The command line of `npm run worker` (src/cli/worker.ts):
 *
 *   npm run worker -- --queue redis://HOST:PORT [--concurrency N] [--queue-name NAME]
 *                     [--lock-ms MS] [--stalled-ms MS]
 *
 * `--queue` may come from the environment instead (SPR_QUEUE).
 */
import { parseQueueUrl } from '../queue/url';

export interface WorkerArgs {
  queue: string;
  queueName?: string;
  concurrency: number;
  lockMs?: number;
  stalledMs?: number;
}

export const WORKER_USAGE =
  'usage: npm run worker -- --queue redis://HOST:PORT [--concurrency N] [--queue-name NAME] [--lock-ms MS] [--stalled-ms MS]';

function positiveInt(flag: string, v: string, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new Error(`${flag}: "${v}" is not a whole number from 1 to ${max}`);
  return n;
}

/**
 * Parses the worker's arguments; throws with the option named on a mistake.
 * Example: `parseWorkerArgs(['--queue', 'redis://10.0.0.5:6379', '--concurrency', '2'], {})` →
 * `{queue: 'redis://10.0.0.5:6379', concurrency: 2}`.
 */
export function parseWorkerArgs(argv: readonly string[], env: NodeJS.ProcessEnv): WorkerArgs {
  let queue = env.SPR_QUEUE;
  let concurrency = 1;
  const out: Partial<WorkerArgs> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--queue') queue = next();
    else if (a === '--concurrency') concurrency = positiveInt(a, next(), 64);
    else if (a === '--queue-name') out.queueName = next();
    else if (a === '--lock-ms') out.lockMs = positiveInt(a, next(), 3_600_000);
    else if (a === '--stalled-ms') out.stalledMs = positiveInt(a, next(), 3_600_000);
    else throw new Error(`unknown option ${a}`);
  }
  if (!queue) throw new Error('--queue redis://HOST:PORT is required (or set SPR_QUEUE)');
  parseQueueUrl(queue);
  return { ...out, queue, concurrency };
}
