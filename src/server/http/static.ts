import type { ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { baseHeaders, sendError } from './respond';
import { strictDecode } from './url';

/** Content types of the renderer bundle's files (also served by the desktop app's app:// scheme). */
export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/**
 * The built renderer (browser mode): GET and HEAD only, files under `root` only. `path` is the
 * encoded path; one that does not decode, or that leaves `root` once decoded, is a 404 here (the
 * adapter already answers 400 for a malformed escape before this point).
 */
export function serveStatic(
  res: ServerResponse,
  root: string | undefined,
  method: string,
  path: string,
): void {
  if (method !== 'GET' && method !== 'HEAD') {
    return sendError(res, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`, [], {
      Allow: 'GET, HEAD',
    });
  }
  if (!root || !existsSync(join(root, 'index.html'))) {
    return sendError(res, 'NOT_FOUND', 'the workstation UI is not built; run `npm run build`');
  }
  const decoded = strictDecode(path === '/' ? '/index.html' : path);
  // A NUL makes the fs calls below throw; no file of the build has one in its name.
  if (decoded === null || decoded.includes('\u0000')) {
    return sendError(res, 'NOT_FOUND', `no file ${path}`);
  }
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  const file = join(root, rel);
  if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
    return sendError(res, 'NOT_FOUND', `no file ${path}`);
  }
  baseHeaders(res);
  res.setHeader('Content-Security-Policy', CSP);
  const body = readFileSync(file);
  res.writeHead(200, {
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'Content-Length': body.length,
  });
  res.end(method === 'HEAD' ? undefined : body);
}
