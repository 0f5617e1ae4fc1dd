import { z } from 'zod';
import { ErrorDetail, HTTP_STATUS } from './common';
import { ENGINE_VERSION, operations, type OperationDef } from './operations';

/** The documented 400/4xx body: the seed's `{error, metadata}` plus every problem in `details`. */
export const ErrorBody = z.object({
  error: z.string(),
  code: z.string(),
  details: z.array(ErrorDetail),
  metadata: z.object({ timestamp_utc: z.string(), version: z.string() }),
});

type JsonSchema = Record<string, unknown>;

function schemaOf(s: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(s, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  delete out.$schema;
  return out;
}

function pathParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
}

/**
 * OpenAPI 3.1 document generated from the operation table. OpenAPI 3.1 uses JSON Schema
 * 2020-12, which is what zod emits, so schemas are embedded without translation.
 */
export function buildOpenApi(): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorRef = { $ref: '#/components/schemas/Error' };
  for (const [name, raw] of Object.entries(operations)) {
    const op = raw as OperationDef;
    const entry: Record<string, unknown> = {
      operationId: name,
      summary: op.summary,
      tags: [op.tag],
      responses: {
        '200': {
          description: 'OK',
          content: op.contentType
            ? { [op.contentType]: { schema: { type: 'string' } } }
            : { 'application/json': { schema: schemaOf(op.output, 'output') } },
        },
        ...Object.fromEntries(
          (
            [
              'BAD_REQUEST',
              'UNAUTHORIZED',
              'FORBIDDEN',
              'PAYLOAD_TOO_LARGE',
              'TOO_MANY_REQUESTS',
              'INTERNAL',
            ] as const
          )
            .filter((c) => op.auth || (c !== 'UNAUTHORIZED' && c !== 'TOO_MANY_REQUESTS'))
            .map((c) => [
              String(HTTP_STATUS[c]),
              { description: c, content: { 'application/json': { schema: errorRef } } },
            ]),
        ),
      },
    };
    if (op.auth) entry.security = [{ bearer: [] }];
    const inputSchema = schemaOf(op.input, 'input');
    const params = pathParams(op.path);
    if (op.method !== 'GET') {
      entry.requestBody = {
        required: true,
        content: { 'application/json': { schema: inputSchema } },
      };
    } else {
      const props = (inputSchema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((inputSchema.required as string[] | undefined) ?? []);
      entry.parameters = Object.entries(props).map(([p, schema]) => ({
        name: p,
        in: params.includes(p) ? 'path' : 'query',
        required: params.includes(p) || required.has(p),
        schema,
      }));
    }
    paths[op.path] ??= {};
    (paths[op.path] as Record<string, unknown>)[op.method.toLowerCase()] = entry;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Smart Portfolio Rebalancer local API',
      version: ENGINE_VERSION,
      description:
        'Local API of the Smart Portfolio Rebalancer workstation. Bound to 127.0.0.1; every route except /api/health needs `Authorization: Bearer <token>` (the token is in the data directory, file `api-token`).',
    },
    servers: [{ url: 'http://127.0.0.1:{port}', variables: { port: { default: '8765' } } }],
    paths,
    components: {
      schemas: { Error: schemaOf(ErrorBody, 'output') },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}
