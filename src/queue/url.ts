/**
 * The `--queue` address: `redis://[user:password@]HOST:PORT[/DB]` (or `rediss://` for TLS), checked
 * once where it is given (browser mode, `npm run worker`) so a typo is a clear error at start, not
 * a connection that retries forever.
 */

/** A checked queue address; `url` is the text as given, `display` the same without a password. */
export interface QueueAddress {
  url: string;
  host: string;
  port: number;
  display: string;
}

/**
 * Parses and checks a queue address.
 * Example: `parseQueueUrl('redis://127.0.0.1:6380')` → `{url, host: '127.0.0.1', port: 6380,
 * display: 'redis://127.0.0.1:6380'}`; `parseQueueUrl('localhost:6379')` throws (no scheme).
 */
export function parseQueueUrl(text: string): QueueAddress {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error(`"${text}" is not a queue address like redis://HOST:PORT`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new Error(`"${text}": the queue address must start with redis:// or rediss://`);
  if (!u.hostname) throw new Error(`"${text}": the queue address names no host`);
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`"${text}": ${u.port} is not a port (1-65535)`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new Error(`"${text}": the path must be a database number (/0 … /15), not "${db}"`);
  const auth = u.username ? `${u.username}:***@` : u.password ? ':***@' : '';
  return {
    url: text,
    host: u.hostname,
    port,
    display: `${u.protocol}//${auth}${u.host}${u.pathname === '/' ? '' : u.pathname}`,
  };
}
