/**
 * Child process of the crash suite (test/integration/crash.test.ts): the real server on the
 * data directory given as the first argument. Prints `{"port":…,"token":…}` on one line once
 * it listens, then serves until the suite SIGKILLs it in the middle of writes.
 *
 *   node --import tsx test/support/crash-child.ts <dataDir>
 */
import { startApp } from '../../src/server/app';

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: crash-child <dataDir>');
  process.exit(2);
}
// The suite fires many writes at once: the rate limit must not be what refuses them.
const app = await startApp({ dataDir, port: 0, rateLimitPerSecond: 1e6 });
process.stdout.write(`${JSON.stringify({ port: app.server.port, token: app.token })}\n`);
