/**
 * Server side of the batch benchmark, in its own process (the probe and the poller do not share
 * its CPU): the real local API with a pool of `threads` threads (0: the default size) over a
 * fresh data directory holding the bench book of `accounts` accounts (bench/batch-book.ts).
 *
 *   node --import tsx bench/batch-child.ts <threads> <accounts>
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../src/server/app';
import { seedBenchBook } from './batch-book';

const threads = Number(process.argv[2] ?? 0);
const accounts = Number(process.argv[3] ?? 100);
const dataDir = mkdtempSync(join(tmpdir(), 'spr-bench-batch-'));
const app = await startApp({
  dataDir,
  port: 0,
  rateLimitPerSecond: 1e6,
  ...(threads > 0 ? { threads } : {}),
});
seedBenchBook(app.store, accounts);
console.log(
  JSON.stringify({
    port: app.server.port,
    token: app.token,
    threads: app.compute.threads,
    dataDir,
  }),
);
