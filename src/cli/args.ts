import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseQueueUrl } from '../queue/url';

export interface Args {
  port: number;
  dataDir: string;
  /** `redis://HOST:PORT`: batches run on BullMQ workers there (docs/scale.md); absent: locally. */
  queue?: string;
}

/**
 * Browser mode's command line: `--port N`, `--data-dir DIR`, `--queue redis://HOST:PORT`
 * (defaults: 8765, SPR_DATA_DIR or ~/.smart-portfolio-rebalancer, SPR_QUEUE or none).
 * Example: `parseArgs(['--queue', 'redis://127.0.0.1:6379'])` →
 * `{port: 8765, dataDir: '/home/me/.smart-portfolio-rebalancer', queue: 'redis://127.0.0.1:6379'}`.
 */
export function parseArgs(argv: string[]): Args {
  let port = 8765;
  let dataDir = process.env.SPR_DATA_DIR ?? join(homedir(), '.smart-portfolio-rebalancer');
  let queue = process.env.SPR_QUEUE || undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--port') {
      const v = next();
      port = Number(v);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port: "${v}" is not a port (0-65535)`);
    } else if (a === '--data-dir') dataDir = resolve(next());
    else if (a === '--queue') queue = next();
    else if (a === '--browser') {
      /* accepted for symmetry with scripts/start.mjs */
    } else throw new Error(`unknown option ${a}`);
  }
  if (queue !== undefined) parseQueueUrl(queue);
  return { port, dataDir, ...(queue !== undefined ? { queue } : {}) };
}
