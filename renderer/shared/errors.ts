/**
 * Engine errors in plain words. The engine reports every problem with a path and a validator
 * message ("Invalid input: expected number, received string"); a PM needs "assets › 3 › target
 * weight: must be a number, not text". One place turns codes, paths and messages into words, so
 * every view says the same thing the same way.
 */
import type { ErrorCode, ErrorDetail, RpcError } from '../../src/contract/common';

/** A short title per error code, for the heading of an error box. */
export const CODE_TITLE: Record<ErrorCode, string> = {
  BAD_REQUEST: 'The input has problems',
  UNAUTHORIZED: 'Not signed in to the local engine',
  FORBIDDEN: 'The engine refused this page',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Not allowed',
  CONFLICT: 'Conflict with what is stored',
  PAYLOAD_TOO_LARGE: 'Too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported format',
  INFEASIBLE: 'The constraints cannot all be met',
  DATA_BLOCKED: 'Blocked by a data-health check',
  TOO_MANY_REQUESTS: 'The engine is busy',
  INTERNAL: 'The engine failed',
};

/** "assets.3.target_weight" → "assets › 4 › target weight" (rows counted from 1, as on screen). */
export function plainPath(path: string): string {
  if (path === '' || path === '(root)') return 'the request';
  return path
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? `#${Number(p) + 1}` : p.replace(/_/g, ' ')))
    .join(' › ');
}

const TYPE_WORD: Record<string, string> = {
  number: 'a number',
  string: 'text',
  boolean: 'yes/no',
  array: 'a list',
  object: 'a group of fields',
  null: 'empty',
  undefined: 'missing',
  nan: 'not a number',
};

/** Rewrites a validator message in plain words; engine messages already in words pass through. */
export function plainMessage(message: string): string {
  const m = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (m) {
    const want = TYPE_WORD[m[1] ?? ''] ?? m[1];
    const got = m[2] ?? '';
    return got === 'undefined'
      ? `required: give ${want}`
      : `must be ${want}, not ${TYPE_WORD[got] ?? got}`;
  }
  const big = /^Too big: expected (\w+) to (?:be|have) <(=?)(-?[\d.e+]+)(?: (\w+))?$/.exec(message);
  if (big)
    return `must be at most ${big[3]}${big[4] ? ` ${big[4]}` : ''}${big[2] ? '' : ' (exclusive)'}`;
  const small = /^Too small: expected (\w+) to (?:be|have) >(=?)(-?[\d.e+]+)(?: (\w+))?$/.exec(
    message,
  );
  if (small)
    return `must be at least ${small[3]}${small[4] ? ` ${small[4]}` : ''}${small[2] ? '' : ' (exclusive)'}`;
  const opt = /^Invalid option: expected one of (.+)$/.exec(message);
  if (opt) return `must be one of ${opt[1]?.replace(/\|/g, ', ')}`;
  const key = /^Unrecognized keys?: (.+)$/.exec(message);
  if (key) return `unknown field${key[1]?.includes(',') ? 's' : ''} ${key[1]} (check the spelling)`;
  if (message === 'Invalid input') return 'is not valid here';
  return message.replace(/^Invalid input: /, '');
}

/** One detail as a line: "assets › #4 › target weight: must be a number, not text". */
export function plainDetail(d: ErrorDetail): string {
  return `${plainPath(d.path)}: ${plainMessage(d.message)}`;
}

/** Title and lines for an error box. */
export function plainError(e: RpcError): { title: string; message: string; lines: string[] } {
  return {
    title: CODE_TITLE[e.code] ?? e.code,
    message: plainMessage(e.message),
    lines: (e.details ?? []).map(plainDetail),
  };
}
