/**
 * Sends one fuzz request and judges the answer against the contract: no 5xx, an answer within
 * the bound, a JSON body (except the documented non-JSON 200s), the error envelope on every
 * error, every 200 valid against the output schema of the operation the request reached, and
 * Object.prototype untouched (the server runs in this process, so pollution would show here).
 */
import { request } from 'node:http';
import type { z } from 'zod';
import { ErrorBody } from '../../../src/contract/openapi';
import { resolveRoute, type RouteSpec } from './routes';
import type { FuzzRequest } from './requests';

export interface FuzzResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

/** One request on its own connection; rejects when no answer comes within `timeoutMs`. */
export function sendFuzz(port: number, r: FuzzRequest, timeoutMs: number): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: r.method,
        path: r.target,
        headers: {
          Host: `127.0.0.1:${port}`,
          ...r.headers,
          ...(r.body ? { 'Content-Length': String(r.body.length) } : {}),
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks),
          });
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      // The server may answer (413, 401) and close while the body is still being written.
      if (e.code === 'EPIPE' || e.code === 'ECONNRESET') return;
      clearTimeout(timer);
      reject(e);
    });
    req.end(r.body);
  });
}

const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).length;

/**
 * What is wrong with `res` as an answer to `req` (empty: nothing). `outputs` maps an
 * operation name to its zod output schema (operations[op].output).
 */
export function judge(
  routes: RouteSpec[],
  outputs: Readonly<Record<string, z.ZodType>>,
  req: FuzzRequest,
  res: FuzzResponse,
): string[] {
  const problems: string[] = [];
  if (Object.getOwnPropertyNames(Object.prototype).length !== PROTO_KEYS) {
    problems.push('Object.prototype gained a property');
  }
  if (res.status >= 500) problems.push(`status ${res.status}`);
  const reached = resolveRoute(routes, req.method, req.target);
  const text = res.body.toString('utf8');
  if (res.status === 200 && reached?.nonJson200) {
    if (!res.contentType.startsWith(reached.nonJson200)) {
      problems.push(`200 with Content-Type ${res.contentType}, expected ${reached.nonJson200}`);
    }
    return problems;
  }
  if (!res.contentType.startsWith('application/json')) {
    problems.push(`Content-Type "${res.contentType}" is not JSON`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    problems.push(`body is not JSON: ${JSON.stringify(text.slice(0, 120))}`);
    return problems;
  }
  if (res.status === 200) {
    const schema = reached ? outputs[reached.op] : undefined;
    if (!schema) problems.push(`200 from no documented route (${req.method} ${req.target})`);
    else {
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        const first = parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.')}: ${i.message}`);
        problems.push(`200 body does not match ${reached?.op} output: ${first.join('; ')}`);
      }
    }
  } else if (!ErrorBody.safeParse(body).success) {
    problems.push(`${res.status} body is not the error envelope: ${text.slice(0, 120)}`);
  }
  return problems;
}
