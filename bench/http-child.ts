/**
 * Server side of the HTTP benchmark, run in its own process so the load generator does not
 * share its CPU: `app` = the real local API; `bare` = node:http answering the same bytes, the
 * upper bound for any server on this machine.
 */
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../src/server/app';

const mode = process.argv[2];
if (mode === 'app') {
  const app = await startApp({
    dataDir: mkdtempSync(join(tmpdir(), 'spr-bench-')),
    port: 0,
    rateLimitPerSecond: 1e6,
  });
  console.log(JSON.stringify({ port: app.server.port, token: app.token }));
} else {
  const body = Buffer.from(process.argv[3] ?? '{}');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    console.log(JSON.stringify({ port: typeof a === 'object' && a ? a.port : 0, token: '' }));
  });
}
