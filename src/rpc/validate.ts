/**
 * The input half of dispatch, shared by every place a request is checked: the owner's dispatch
 * (parsed input) and a pool worker that parses and checks a request body itself (the HTTP
 * adapter's heavy runs, services/compute/request.ts). Same messages, same details, wherever run.
 */
import type { z } from 'zod';
import { zodDetails, type ErrorDetail, type Result } from '../contract/common';
import { operations, type OpName } from '../contract/operations';

/** The envelope of a refused input: every problem, the first five in the message. */
export function badRequest(details: ErrorDetail[]) {
  return {
    ok: false as const,
    error: {
      code: 'BAD_REQUEST' as const,
      message: `Invalid request: ${details.length} problem${details.length === 1 ? '' : 's'}: ${details
        .slice(0, 5)
        .map((d) => `${d.path}: ${d.message}`)
        .join('; ')}${details.length > 5 ? '; …' : ''}`,
      details,
    },
  };
}

/** Validates `input` against the operation's schema (defaults applied). */
export function validateInput<K extends OpName>(
  op: K,
  input: unknown,
): Result<z.infer<(typeof operations)[K]['input']>> {
  const parsed = operations[op].input.safeParse(input ?? {});
  if (!parsed.success) return badRequest(zodDetails(parsed.error));
  return { ok: true, value: parsed.data as z.infer<(typeof operations)[K]['input']> };
}

/**
 * Parses a request body that must be one JSON object. Example: `parseJsonObject('{"a":1}')` →
 * `{ok: true, value: {a: 1}}`; `parseJsonObject('[1]')` → BAD_REQUEST at `(root)`.
 */
export function parseJsonObject(text: string): Result<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: 'malformed JSON',
        details: [{ path: '(body)', message: e instanceof SyntaxError ? e.message : 'not JSON' }],
      },
    };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return {
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: 'the body must be a JSON object',
        details: [{ path: '(root)', message: 'expected a JSON object' }],
      },
    };
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}
