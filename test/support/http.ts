import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request where every header (Host included) is under the test's control. */
export function raw(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: { Host: `127.0.0.1:${port}`, ...opts.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      // The server may close the socket after answering 413 while we are still writing.
      if (e.code === 'EPIPE' || e.code === 'ECONNRESET') return;
      reject(e);
    });
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export function json(
  token: string,
  body: unknown,
): { headers: Record<string, string>; body: string } {
  return {
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  };
}

/** Removes the fields that legitimately differ between two identical runs. */
const VOLATILE = new Set(['timestamp_utc', 'run_id', 'started_at', 'ended_at', 'duration_ms']);

export function stripVolatile(text: string): unknown {
  const v = JSON.parse(text) as Record<string, unknown>;
  const walk = (o: unknown): unknown => {
    if (Array.isArray(o)) return o.map(walk);
    if (o && typeof o === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o)) {
        // Wall-clock readings: the time of the run and each agent step's timing.
        if (VOLATILE.has(k)) continue;
        out[k] = walk(x);
      }
      return out;
    }
    return o;
  };
  return walk(v);
}
