/**
 * Debian's redis-server for the queue tests and the queue benchmark: started on a free loopback
 * port with its files in a temp dir, stopped and started again on the same port (append-only
 * file on, so jobs survive a restart), and queue worker processes spawned against it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

/** The redis-server binary, or null where none is installed (CI installs Debian's). */
export function redisServerBinary(): string | null {
  for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server'])
    if (existsSync(p)) return p;
  return null;
}

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Resolves once something accepts connections on the port, rejects after `ms`. */
async function waitForPort(port: number, ms: number, exited: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        res(true);
      });
      c.once('error', () => res(false));
    });
    if (ok) return;
    if (exited()) throw new Error(`redis-server on port ${port} exited at start`);
    if (Date.now() > until) throw new Error(`redis-server did not listen on ${port} in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RedisServer {
  port: number;
  url: string;
  dir: string;
  /** Stops the server (SIGTERM: the append-only file is flushed) and waits for its exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same files. */
  restart(): Promise<void>;
  /** Stops it and removes its files. */
  dispose(): Promise<void>;
}

/**
 * Starts redis-server on a free loopback port as docs/scale.md says to run it: append-only file
 * on, fsync every second (a stop with SIGTERM writes the rest), no snapshots, no eviction.
 * Example: `const r = await startRedis(); … r.url …; await r.dispose()`.
 */
export async function startRedis(): Promise<RedisServer> {
  const bin = redisServerBinary();
  if (!bin) throw new Error('redis-server is not installed');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'spr-redis-'));
  let child: ChildProcess | null = null;
  const launch = async () => {
    const c = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: 'ignore' },
    );
    child = c;
    let exited = false;
    c.once('exit', () => (exited = true));
    await waitForPort(port, 10_000, () => exited);
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((res) => {
      c.once('exit', () => res());
      c.kill('SIGTERM');
    });
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    stop,
    restart: launch,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Sends `signal` and waits for the exit; resolves with the exit code (null if by signal). */
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Spawns `npm run worker`'s process (`node --import tsx src/cli/worker.ts`) and waits for its
 * "started" line. `extra`: more worker options, e.g. `['--lock-ms', '4000']`.
 */
export async function spawnWorker(url: string, extra: string[] = []): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli/worker.ts'), '--queue', url, ...extra],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${out}`)), 60_000);
    const check = () => {
      if (/\] started: /.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} at start:\n${out}`));
    });
  });
  return {
    child,
    output: () => out,
    kill: (signal) =>
      new Promise((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res(child.exitCode);
        child.once('exit', (code) => res(code));
        child.kill(signal);
      }),
  };
}

/** Spawns `n` workers in parallel (see spawnWorker). */
export function spawnWorkers(
  n: number,
  url: string,
  extra: string[] = [],
): Promise<WorkerProcess[]> {
  return Promise.all(Array.from({ length: n }, () => spawnWorker(url, extra)));
}
