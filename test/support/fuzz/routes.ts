/**
 * The routes of the OpenAPI document as the fuzzer needs them: method, path template, path and
 * query parameters with their schemas, the request body schema, and whether a 200 is JSON.
 */
import type { JsonSchema } from './schema-arb';

export interface ParamSpec {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}

export interface RouteSpec {
  /** operationId = the key of `operations` in src/contract/operations.ts. */
  op: string;
  method: string;
  /** Template with `{param}` placeholders. */
  path: string;
  params: ParamSpec[];
  /** JSON schema of the body (POST/PUT), else null. */
  body: JsonSchema | null;
  /** Media type of a 200 that is not JSON (text/csv), else null. */
  nonJson200: string | null;
  auth: boolean;
}

const isObj = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null;

/** Every operation of an OpenAPI 3.1 document, in document order. */
export function routesOf(doc: JsonSchema): RouteSpec[] {
  const out: RouteSpec[] = [];
  const paths = isObj(doc.paths) ? doc.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObj(item)) continue;
    for (const [method, raw] of Object.entries(item)) {
      if (!isObj(raw) || typeof raw.operationId !== 'string') continue;
      const params = (Array.isArray(raw.parameters) ? raw.parameters : []) as ParamSpec[];
      const content = (
        isObj(raw.requestBody) && isObj(raw.requestBody.content) ? raw.requestBody.content : {}
      ) as Record<string, { schema?: JsonSchema }>;
      const ok = isObj(raw.responses) ? raw.responses['200'] : undefined;
      const okTypes = Object.keys(isObj(ok) && isObj(ok.content) ? ok.content : {});
      // The path's own params must be declared even when the op puts them in the body too.
      const body = content['application/json']?.schema ?? null;
      const bodyProps = (isObj(body) && isObj(body.properties) ? body.properties : {}) as Record<
        string,
        JsonSchema
      >;
      const declared = new Set(params.filter((p) => p.in === 'path').map((p) => p.name));
      for (const m of path.matchAll(/\{(\w+)\}/g)) {
        const name = m[1] as string;
        if (declared.has(name)) continue;
        const schema = bodyProps[name] ?? { type: 'string' };
        params.push({ name, in: 'path', required: true, schema });
      }
      out.push({
        op: raw.operationId,
        method: method.toUpperCase(),
        path,
        params,
        body,
        nonJson200: okTypes.find((t) => t !== 'application/json') ?? null,
        auth: Array.isArray(raw.security) && raw.security.length > 0,
      });
    }
  }
  return out;
}

function templateRegex(template: string): RegExp {
  const pattern = template
    .split(/(\{\w+\})/)
    .map((part) => (/^\{\w+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`);
}

/**
 * The operation a request really reaches once the URL is normalised (`/api/runs/./x` is
 * `/api/runs/x`): literal segments win over parameters, as in the server. Null: no route.
 */
export function resolveRoute(
  routes: RouteSpec[],
  method: string,
  target: string,
): RouteSpec | null {
  let pathname: string;
  try {
    pathname = new URL(target, 'http://127.0.0.1').pathname;
  } catch {
    return null;
  }
  const params = (r: RouteSpec) => (r.path.match(/\{/g) ?? []).length;
  const hits = routes
    .filter((r) => r.method === method && templateRegex(r.path).test(pathname))
    .sort((a, b) => params(a) - params(b));
  return hits[0] ?? null;
}
