import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface Args {
  port: number;
  dataDir: string;
}

export function parseArgs(argv: string[]): Args {
  let port = 8765;
  let dataDir = process.env.SPR_DATA_DIR ?? join(homedir(), '.smart-portfolio-rebalancer');
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
    else if (a === '--browser') {
      /* accepted for symmetry with scripts/start.mjs */
    } else throw new Error(`unknown option ${a}`);
  }
  return { port, dataDir };
}
