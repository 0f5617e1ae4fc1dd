import type { ErrorDetail } from '../../contract/common';

/** A request target split into its still-encoded path and its strictly decoded query. */
export interface ParsedTarget {
  /** Percent-encoded path, dot segments resolved (WHATWG URL), e.g. `/api/runs/01J%2Dx`. */
  path: string;
  /** Query parameters, decoded; a repeated name keeps its last value. */
  query: Map<string, string>;
}

/**
 * `decodeURIComponent` without the throw: null for a malformed escape (`%`, `%G1`) or bytes
 * that are not UTF-8 (`%FF`). Those threw out of the handler and answered 500.
 */
export function strictDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Same, for a query component: `+` is a space there (application/x-www-form-urlencoded). */
function decodeQueryPart(s: string): string | null {
  return strictDecode(s.replace(/\+/g, ' '));
}

/**
 * Parses the request target. Every percent escape in the path and the query must decode
 * (URLSearchParams would turn `%FF` into U+FFFD and keep `%` as is, silently changing what the
 * caller sent); a problem comes back as one detail at path `url` for a 400.
 */
export function parseTarget(raw: string): ParsedTarget | ErrorDetail {
  // Origin-form (`/path?query`) is what clients send. Prefixing the origin keeps `//x` a path
  // (a bare `new URL('//x', base)` reads it as host `x`); absolute-form targets parse as they are.
  let url: URL;
  try {
    url = raw.startsWith('/') ? new URL(`http://127.0.0.1${raw}`) : new URL(raw);
  } catch {
    return { path: 'url', message: 'the request target is not a valid URL path' };
  }
  if (strictDecode(url.pathname) === null) {
    return {
      path: 'url',
      message:
        'the path has a malformed percent escape: each % must start a %XX escape, and the escapes must spell UTF-8',
    };
  }
  const query = new Map<string, string>();
  const search = url.search.startsWith('?') ? url.search.slice(1) : url.search;
  for (const pair of search.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeQueryPart(eq < 0 ? pair : pair.slice(0, eq));
    const value = decodeQueryPart(eq < 0 ? '' : pair.slice(eq + 1));
    if (name === null || value === null) {
      return {
        path: 'url',
        message: `the query parameter "${pair.slice(0, 60)}" has a malformed percent escape: each % must start a %XX escape, and the escapes must spell UTF-8`,
      };
    }
    query.set(name, value);
  }
  return { path: url.pathname, query };
}

/** True when `parseTarget` failed. */
export function isTargetError(t: ParsedTarget | ErrorDetail): t is ErrorDetail {
  return !('query' in t);
}
