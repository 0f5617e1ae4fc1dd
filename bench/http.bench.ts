/**
 * Requests per second and latency of POST /api/rebalance with the seed's 6-asset payload
 * (Risk-Off Shock) at 10 concurrent keep-alive connections, next to a bare node:http server
 * returning the same response bytes (the upper bound).
 *
 *   npx tsx bench/http.bench.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentile } from './data';

const root = join(import.meta.dirname, '..');

/** Starts bench/http-child.ts in its own process and resolves with its port and token. */
export function startChild(
  args: string[],
): Promise<{ child: ChildProcess; port: number; token: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'bench/http-child.ts'), ...args],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    child.stdout!.once('data', (c: Buffer) => {
      const info = JSON.parse(c.toString().split('\n')[0] as string) as {
        port: number;
        token: string;
      };
      resolve({ child, ...info });
    });
    child.once('error', reject);
  });
}

const post = (agent: Agent, port: number, token: string, body: string) =>
  send(agent, port, token, 'POST', '/api/rebalance', body);

/** One request to the child's API; resolves with the status and the body text. */
export function send(
  agent: Agent,
  port: number,
  token: string,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body === undefined
            ? {}
            : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function load(
  port: number,
  token: string,
  body: string,
  connections: number,
  seconds: number,
) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const lat: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      const r = await post(agent, port, token, body);
      lat.push(performance.now() - t0);
      if (r.status !== 200) errors++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  return {
    requests: lat.length,
    errors,
    rps: Math.round(lat.length / elapsed),
    p50_ms: +percentile(lat, 0.5).toFixed(2),
    p99_ms: +percentile(lat, 0.99).toFixed(2),
  };
}

export async function runHttpBench(seconds = 5): Promise<Record<string, unknown>[]> {
  const scen = JSON.parse(readFileSync(join(root, 'resources/scenarios.json'), 'utf8')) as {
    scenarios: { name: string; request: unknown }[];
  };
  const body = JSON.stringify(scen.scenarios.find((s) => s.name === 'Risk-Off Shock')!.request);
  const app = await startChild(['app']);
  const agent = new Agent({ keepAlive: true });
  const sample = await post(agent, app.port, app.token, body);
  agent.destroy();
  if (sample.status !== 200) throw new Error(`bench payload rejected: ${sample.text}`);
  await load(app.port, app.token, body, 10, 1); // warm-up
  const real = await load(app.port, app.token, body, 10, seconds);
  app.child.kill();
  const bare = await startChild(['bare', sample.text]);
  await load(bare.port, '', body, 10, 1);
  const upper = await load(bare.port, '', body, 10, seconds);
  bare.child.kill();
  return [
    {
      bench: 'http.rebalance',
      payload: 'seed Risk-Off Shock (6 assets)',
      connections: 10,
      response_bytes: sample.text.length,
      ...real,
      target: '>= 300 rps, p99 <= 50 ms',
    },
    { bench: 'http.bare_node_same_bytes', connections: 10, ...upper },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await runHttpBench()) console.log(JSON.stringify(r));
}
