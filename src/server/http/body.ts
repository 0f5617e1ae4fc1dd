import type { IncomingMessage } from 'node:http';
import type { ErrorCode, ErrorDetail } from '../../contract/common';
import { parseJsonObject } from '../../rpc/validate';

/** Why a request body was refused, in the error envelope's terms. */
export interface BodyProblem {
  code: ErrorCode;
  message: string;
  details: ErrorDetail[];
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.pause();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Checks the declared size and the Content-Type before reading, then reads at most `limit`
 * bytes as UTF-8 text. 413 (declared or streamed), 415, 400 otherwise.
 */
export async function readBodyText(
  req: IncomingMessage,
  limit: number,
): Promise<{ ok: true; text: string } | { ok: false; problem: BodyProblem }> {
  const tooLarge: BodyProblem = {
    code: 'PAYLOAD_TOO_LARGE',
    message: `body exceeds ${limit} bytes`,
    details: [],
  };
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return { ok: false, problem: tooLarge };
  const ctype = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (ctype !== 'application/json') {
    return {
      ok: false,
      problem: {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Content-Type must be application/json',
        details: [{ path: '(headers).content-type', message: `got "${ctype || '(none)'}"` }],
      },
    };
  }
  try {
    return { ok: true, text: (await readBody(req, limit)).toString('utf8') };
  } catch (e) {
    if (e instanceof BodyTooLarge) return { ok: false, problem: tooLarge };
    return {
      ok: false,
      problem: { code: 'BAD_REQUEST', message: 'could not read the request body', details: [] },
    };
  }
}

/** readBodyText, then the text must be one JSON object (400 naming `(body)` or `(root)`). */
export async function readJsonObject(
  req: IncomingMessage,
  limit: number,
): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; problem: BodyProblem }> {
  const body = await readBodyText(req, limit);
  if (!body.ok) return body;
  const parsed = parseJsonObject(body.text);
  if (parsed.ok) return parsed;
  return {
    ok: false,
    problem: {
      code: parsed.error.code,
      message: parsed.error.message,
      details: parsed.error.details ?? [],
    },
  };
}
