import { z } from 'zod';
import { ERROR_CODES, ErrorDetail, HTTP_STATUS, Identifier, type ErrorCode } from './common';
import { BatchEvent } from './batches';
import { ENGINE_VERSION, operations, type OperationDef, type OpName } from './operations';
import { producedBy } from './stored';

/** The documented 4xx/5xx body: the seed's `{error, metadata}` plus `code` and every problem. */
export const ErrorBody = z.object({
  error: z.string().describe('What went wrong, in words (a 5xx says no more than one line).'),
  code: z.enum(ERROR_CODES),
  details: z.array(ErrorDetail),
  metadata: z.object({ timestamp_utc: z.string(), version: z.string() }),
});

/**
 * What a computation on the worker pool can stop with beyond 429 (pool full): a computation that
 * outgrew its thread's heap (413). The pool solves in-thread under HiGHS's own time limit, so the
 * single solver worker's 503 (UNAVAILABLE) is not reachable through the API.
 */
const POOL: readonly ErrorCode[] = ['PAYLOAD_TOO_LARGE'];

/**
 * What a run through the agents and the optimizer can stop with: a data-health block, constraints
 * without a solution, a solve stopped at its limit (422).
 */
const COMPUTE: readonly ErrorCode[] = [...POOL, 'DATA_BLOCKED', 'INFEASIBLE', 'SOLVER_LIMIT'];

/**
 * Errors an operation's own handler can raise, beyond those every route shares (see
 * `errorCodesOf`). Typed over every operation, so a new one must say what it raises. From the
 * services: NOT_FOUND for an id that names nothing (a path id, or `portfolio_id` in a body),
 * CONFLICT for a second decision, a stale policy version or a blocked export, and COMPUTE where a
 * run goes through the agents and the optimizer.
 */
export const OPERATION_ERRORS: Record<OpName, readonly ErrorCode[]> = {
  health: [],
  rebalance: ['NOT_FOUND', ...COMPUTE],
  previewScenarios: [],
  listPortfolios: [],
  savePortfolio: ['NOT_FOUND'],
  getPortfolio: ['NOT_FOUND'],
  importPortfolio: ['NOT_FOUND', ...POOL],
  importPrices: ['NOT_FOUND', ...POOL],
  listModels: [],
  saveModel: ['NOT_FOUND', 'CONFLICT'],
  getModel: ['NOT_FOUND'],
  listAccounts: [],
  saveAccount: ['NOT_FOUND', 'CONFLICT'],
  getAccount: ['NOT_FOUND'],
  assignAccount: ['NOT_FOUND', 'CONFLICT'],
  accountRebalanceRequest: ['NOT_FOUND', 'CONFLICT'],
  importAccounts: ['NOT_FOUND', 'CONFLICT', ...POOL],
  importPriceLibrary: ['CONFLICT', ...POOL],
  getPriceLibrary: [],
  createBatch: ['NOT_FOUND', 'CONFLICT', 'UNAVAILABLE'],
  listBatches: [],
  getBatch: ['NOT_FOUND'],
  cancelBatch: ['NOT_FOUND', 'CONFLICT'],
  listRuns: [],
  compareRuns: ['NOT_FOUND'],
  getRun: ['NOT_FOUND'],
  replayRun: ['NOT_FOUND', ...POOL],
  runTradesCsv: ['NOT_FOUND', 'CONFLICT'],
  runPerformance: ['NOT_FOUND', ...POOL, 'DATA_BLOCKED'],
  runFrontier: ['NOT_FOUND', ...COMPUTE],
  analyticsMetrics: [...POOL, 'DATA_BLOCKED'],
  approveRun: ['NOT_FOUND', 'CONFLICT'],
  rejectRun: ['NOT_FOUND', 'CONFLICT'],
  getPolicy: [],
  putPolicy: ['CONFLICT'],
  copilotInsights: ['NOT_FOUND', ...COMPUTE],
  tandemDemo: ['NOT_FOUND', ...COMPUTE],
  blueprint: [],
  listAudit: [],
  verifyAudit: [],
  exportAuditHead: [],
};

/** What each error code means on a route (the response's description). */
const MEANING: Record<ErrorCode, string> = {
  BAD_REQUEST:
    'BAD_REQUEST: the input fails the contract (every problem in `details`, each with its path), malformed JSON, or a malformed percent escape in the URL (path `url`).',
  UNAUTHORIZED: 'UNAUTHORIZED: no bearer token, or a wrong one.',
  FORBIDDEN:
    'FORBIDDEN: the Host header is not this loopback address and port, or the Origin is foreign (DNS rebinding, cross-site).',
  NOT_FOUND: 'NOT_FOUND: an id in the path, query or body names nothing stored.',
  METHOD_NOT_ALLOWED:
    'METHOD_NOT_ALLOWED: the path exists but not with the method used; `Allow` lists the methods it accepts.',
  CONFLICT: 'CONFLICT: the request clashes with the stored state (see the message).',
  PAYLOAD_TOO_LARGE:
    'PAYLOAD_TOO_LARGE: the body is over the size limit (declared or streamed), or the computation outgrew the memory of its pool thread.',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE: the body is not sent as application/json.',
  TOO_MANY_REQUESTS:
    'TOO_MANY_REQUESTS: the rate limit of the caller’s class (with or without a valid token) is spent, or the compute pool’s queue is full; retry after `Retry-After` seconds.',
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT: the request was not received in time.',
  HEADERS_TOO_LARGE: 'HEADERS_TOO_LARGE: the request headers are over the limit.',
  INFEASIBLE: 'INFEASIBLE: the constraints admit no portfolio (which ones conflict, in `details`).',
  DATA_BLOCKED:
    'DATA_BLOCKED: a data-health finding the policy sets to `block` (or data too short for the analysis); no figure is produced.',
  SOLVER_LIMIT:
    'SOLVER_LIMIT: the optimizer stopped at its time limit (optimizer_time_limit_seconds) or an iteration or node limit before proving an optimum; the message names the limit.',
  INTERNAL: 'INTERNAL: an unexpected failure; the body says no more than `internal error`.',
  UNAVAILABLE:
    'UNAVAILABLE: the solver worker gave no answer within the time limit plus a grace period; it was restarted and the request can be retried (POST /api/batches: the engine is shutting down).',
};

/** Headers a response of this code carries. */
const HEADERS: Partial<Record<ErrorCode, Record<string, unknown>>> = {
  UNAUTHORIZED: {
    'WWW-Authenticate': { schema: { type: 'string' }, description: 'Bearer realm.' },
  },
  METHOD_NOT_ALLOWED: {
    Allow: { schema: { type: 'string' }, description: 'The methods the path accepts.' },
  },
  TOO_MANY_REQUESTS: {
    'Retry-After': {
      schema: { type: 'integer', minimum: 1 },
      description: 'Seconds to wait before retrying.',
    },
  },
};

function pathParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
}

/**
 * Every error code a route can answer: 400 (validation, malformed URL), 403 (Host/Origin), 405
 * (another method on the path), 429 (rate limit; compute pool full) and 500 everywhere; 401 with
 * auth; 413 and 415 with a body; 404 with an id in the path; and the operation's own
 * (OPERATION_ERRORS).
 */
export function errorCodesOf(name: OpName, op: OperationDef): ErrorCode[] {
  const codes = new Set<ErrorCode>(['BAD_REQUEST', 'FORBIDDEN', 'METHOD_NOT_ALLOWED']);
  if (op.auth) codes.add('UNAUTHORIZED');
  if (op.method !== 'GET') {
    codes.add('PAYLOAD_TOO_LARGE');
    codes.add('UNSUPPORTED_MEDIA_TYPE');
  }
  if (pathParams(op.path).length > 0) codes.add('NOT_FOUND');
  for (const c of OPERATION_ERRORS[name]) codes.add(c);
  codes.add('TOO_MANY_REQUESTS');
  codes.add('INTERNAL');
  return ERROR_CODES.filter((c) => codes.has(c));
}

/** The responses object of the error codes, one entry per status (422 carries two codes). */
function errorResponses(codes: ErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of codes) byStatus.set(HTTP_STATUS[c], [...(byStatus.get(HTTP_STATUS[c]) ?? []), c]);
  const out: Record<string, unknown> = {};
  for (const [status, cs] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    const headers = Object.assign({}, ...cs.map((c) => HEADERS[c] ?? {})) as Record<
      string,
      unknown
    >;
    out[String(status)] = {
      description: cs.map((c) => MEANING[c]).join(' '),
      ...(Object.keys(headers).length ? { headers } : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return out;
}

type JsonSchema = Record<string, unknown>;

/** Producing schemas met while building the document (name → schema), emitted as components. */
const STORED_COMPONENTS = new Map<string, z.ZodType>();

function schemaOf(s: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(s, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    // A stored value (contract/stored.ts) is documented by the schema that produced it, once,
    // among the components.
    override: (ctx) => {
      const p = producedBy(ctx.zodSchema);
      if (!p) return;
      STORED_COMPONENTS.set(p.name, p.schema);
      ctx.jsonSchema.$ref = `#/components/schemas/${p.name}`;
    },
  }) as JsonSchema;
  delete out.$schema;
  return out;
}

/**
 * The batch event stream (src/server/http/batchEvents.ts): an HTTP view of getBatch, not an
 * operation of its own (no operationId), documented beside the operations.
 */
function batchEventsDoc(): Record<string, unknown> {
  return {
    summary:
      'A batch’s progress as server-sent events: `progress` at once and whenever status, trouble or progress change (read every 0.5 s), then one `end` with the final state when the batch is done or cancelled, and the stream closes. Each event’s data is a BatchEvent; a comment line every 15 s keeps an idle connection open. Polling GET /api/batches/{batch_id} gives the same.',
    tags: ['batches'],
    security: [{ bearer: [] }],
    parameters: [
      { name: 'batch_id', in: 'path', required: true, schema: schemaOf(Identifier, 'input') },
    ],
    responses: {
      '200': {
        description: 'An event stream; each `data:` line is one BatchEvent as JSON.',
        content: { 'text/event-stream': { schema: { type: 'string' } } },
      },
      ...errorResponses([
        'BAD_REQUEST',
        'UNAUTHORIZED',
        'FORBIDDEN',
        'NOT_FOUND',
        'METHOD_NOT_ALLOWED',
        'TOO_MANY_REQUESTS',
        'INTERNAL',
      ]),
    },
  };
}

/**
 * OpenAPI 3.1 document generated from the operation table. OpenAPI 3.1 uses JSON Schema
 * 2020-12, which is what zod emits, so schemas are embedded without translation.
 */
export function buildOpenApi(): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
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
        ...errorResponses(errorCodesOf(name as OpName, op)),
      },
    };
    if (op.auth) entry.security = [{ bearer: [] }];
    const inputSchema = schemaOf(op.input, 'input');
    const params = pathParams(op.path);
    if (op.method !== 'GET') {
      // A path parameter is declared as one (OpenAPI requires it) and left out of the body: the
      // adapter takes it from the path, whatever the body says.
      const props = (inputSchema.properties ?? {}) as Record<string, JsonSchema>;
      if (params.length > 0) {
        entry.parameters = params.map((p) => ({
          name: p,
          in: 'path',
          required: true,
          schema: props[p] ?? { type: 'string' },
        }));
        inputSchema.properties = Object.fromEntries(
          Object.entries(props).filter(([k]) => !params.includes(k)),
        );
        const required = (inputSchema.required as string[] | undefined)?.filter(
          (k) => !params.includes(k),
        );
        if (required?.length) inputSchema.required = required;
        else delete inputSchema.required;
      }
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
  paths['/api/batches/{batch_id}/events'] = { get: batchEventsDoc() };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Smart Portfolio Rebalancer local API',
      version: ENGINE_VERSION,
      description:
        'Local API of the Smart Portfolio Rebalancer workstation. Bound to 127.0.0.1; every route except /api/health needs `Authorization: Bearer <token>` (the token is in the data directory, file `api-token`). Every error, on every route, is the `Error` body with its `code`. A request Node’s HTTP parser refuses before it reaches a route is answered in the same body: 400 (malformed request line or header), 408 (sent too slowly) or 431 (headers too large), and the connection is closed.',
    },
    servers: [{ url: 'http://127.0.0.1:{port}', variables: { port: { default: '8765' } } }],
    paths,
    components: {
      schemas: {
        Error: schemaOf(ErrorBody, 'output'),
        BatchEvent: schemaOf(BatchEvent, 'output'),
        ...Object.fromEntries(
          [...STORED_COMPONENTS].map(([name, schema]) => [name, schemaOf(schema, 'output')]),
        ),
      },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}
