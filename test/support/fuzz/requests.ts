/**
 * One fast-check arbitrary of HTTP requests per route: known-good inputs, the same with one
 * hostile change, schema-shaped inputs, hostile bodies and query strings, malformed path
 * segments, wrong content types, wrong methods and wrong credentials. Every request carries a
 * `kind` so the summary can say what was sent.
 */
import fc from 'fast-check';
import {
  hostileContentType,
  hostileRawBody,
  hostileSegment,
  hostileValue,
  mutate,
  mutation,
  RawJson,
  toJsonText,
} from './hostile';
import type { RouteSpec } from './routes';
import { schemaArb, type Hints, type JsonSchema } from './schema-arb';

export interface FuzzRequest {
  /** Which generator made it: sample, mutated, schema, hostile-body, hostile-path, ... */
  kind: string;
  method: string;
  /** Path and query string exactly as sent. */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface FuzzContext {
  token: string;
  /** The OpenAPI document (for `$ref`s). */
  root: JsonSchema;
  /** Known ids by property name (run_id, portfolio_id, a, b) so that lookups can succeed. */
  hints: Hints;
  /**
   * Known-good inputs per operation: the body, or for GET the params (path ones included).
   * Read at generation time, so the suite can replace one that went stale (a policy version).
   */
  samples: Readonly<Record<string, readonly unknown[] | undefined>>;
}

type Input = Record<string, unknown>;

const asInput = (v: unknown): Input =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Input) : { value: v };

/** The text of one query or path value: strings as they are, everything else as JSON. */
function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof RawJson) return v.text;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return '';
  return toJsonText(v);
}

/** encodeURIComponent throws on a lone surrogate; the server never sees one on the wire. */
const encode = (s: string) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));

function pathOf(route: RouteSpec, input: Input, segment?: string): string {
  return route.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    segment !== undefined ? segment : encode(text(input[name] ?? '')),
  );
}

function queryOf(route: RouteSpec, input: Input): string {
  const inPath = new Set(route.params.filter((p) => p.in === 'path').map((p) => p.name));
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(input)) {
    if (inPath.has(k) || v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, text(x));
    else q.append(k, text(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

const badAuth = (token: string) =>
  fc.constantFrom<Record<string, string>>(
    {},
    { Authorization: 'Bearer ' },
    { Authorization: `Bearer ${'0'.repeat(64)}` },
    { Authorization: `bearer ${token}` },
    { Authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` },
    { Authorization: `Bearer ${token.slice(1)}` },
    { Authorization: `Bearer ${token}${token}` },
    { Authorization: `Bearer ${token}`, Origin: 'http://evil.example' },
    { Authorization: `Bearer ${token}`, Host: 'evil.example' },
  );

/** The arbitrary of requests for `route`; see the file comment for the mix. */
export function requestArb(route: RouteSpec, ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const isBody = route.method === 'POST' || route.method === 'PUT';
  const auth = { Authorization: `Bearer ${ctx.token}` };
  const json = { ...auth, 'Content-Type': 'application/json' };
  const inputSchema: JsonSchema = isBody
    ? (route.body ?? { type: 'object' })
    : {
        type: 'object',
        properties: Object.fromEntries(route.params.map((p) => [p.name, p.schema])),
        required: route.params.filter((p) => p.required).map((p) => p.name),
      };
  const schemaInput = schemaArb(inputSchema, { root: ctx.root, hints: ctx.hints }).map(asInput);
  const samples = ctx.samples[route.op] ?? [];
  const sampleInput = samples.length > 0 ? pickLive(samples).map(asInput) : null;
  const mutated = (base: fc.Arbitrary<Input>) =>
    fc.tuple(base, fc.nat(), mutation).map(([doc, pick, m]) => asInput(mutate(doc, pick, m)));
  const hasPathParams = route.params.some((p) => p.in === 'path');

  /** A well-formed request carrying `input`, as the route's clients send it. */
  const send = (kind: string, input: Input, segment?: string): FuzzRequest => {
    const path = pathOf(route, input, segment);
    return isBody
      ? {
          kind,
          method: route.method,
          target: path,
          headers: json,
          body: Buffer.from(toJsonText(input)),
        }
      : { kind, method: route.method, target: path + queryOf(route, input), headers: auth };
  };

  const anyInput = sampleInput ? fc.oneof(sampleInput, schemaInput) : schemaInput;
  const parts: fc.WeightedArbitrary<FuzzRequest>[] = [
    { weight: 4, arbitrary: schemaInput.map((i) => send('schema', i)) },
    { weight: 2, arbitrary: mutated(schemaInput).map((i) => send('schema-mutated', i)) },
    {
      weight: 2,
      arbitrary: isBody
        ? fc.oneof(
            hostileRawBody.map((body) => ({
              kind: 'hostile-body',
              method: route.method,
              target: pathOf(route, {}, 'x'),
              headers: json,
              body,
            })),
            hostileValue.map((v) => send('hostile-body', asInput(v))),
          )
        : fc
            .dictionary(
              fc.oneof(
                fc.constantFrom(...route.params.map((p) => p.name), '__proto__', 'constructor'),
                fc.string({ maxLength: 8 }),
              ),
              hostileValue,
              { maxKeys: 4 },
            )
            .chain((extra) => anyInput.map((i) => send('hostile-query', { ...i, ...extra }))),
    },
    {
      weight: 1,
      arbitrary: isBody
        ? fc.tuple(anyInput, hostileContentType).map(([i, ctype]) => {
            const r = send('content-type', i);
            const { 'Content-Type': _drop, ...rest } = r.headers;
            return {
              ...r,
              headers: ctype === undefined ? rest : { ...rest, 'Content-Type': ctype },
            };
          })
        : fc
            .tuple(
              anyInput,
              fc.array(fc.tuple(hostileSegment, hostileSegment), { minLength: 1, maxLength: 3 }),
            )
            .map(([i, pairs]) => {
              const r = send('raw-query', i);
              const raw = pairs.map(([k, v]) => `${k}=${v}`).join('&');
              return { ...r, target: `${r.target}${r.target.includes('?') ? '&' : '?'}${raw}` };
            }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(anyInput, fc.constantFrom(...OTHER_METHODS.filter((m) => m !== route.method)))
        .map(([i, method]) => {
          const r = send('wrong-method', i);
          return { ...r, method, headers: json, body: r.body ?? Buffer.from('{}') };
        }),
    },
    {
      weight: route.auth ? 1 : 0,
      arbitrary: fc.tuple(anyInput, badAuth(ctx.token)).map(([i, headers]) => {
        const r = send('bad-auth', i);
        const ctype: Record<string, string> = isBody ? { 'Content-Type': 'application/json' } : {};
        return { ...r, headers: { ...ctype, ...headers } };
      }),
    },
  ];
  if (sampleInput) {
    parts.push(
      { weight: 2, arbitrary: sampleInput.map((i) => send('sample', i)) },
      { weight: 4, arbitrary: mutated(sampleInput).map((i) => send('sample-mutated', i)) },
    );
  }
  if (hasPathParams) {
    parts.push({
      weight: 2,
      arbitrary: fc.tuple(anyInput, hostileSegment).map(([i, seg]) => send('hostile-path', i, seg)),
    });
  }
  return fc.oneof(...parts.filter((p) => p.weight > 0)).map(withDescription);
}

/**
 * One element of `pool` as it is when the value is generated: the suite adds the ids the server
 * hands out while the fuzzer runs (fresh runs to approve, for instance).
 */
export function pickLive<T>(pool: readonly T[]): fc.Arbitrary<T> {
  return fc.nat().map((i) => pool[i % pool.length] as T);
}

/** A short, readable form of a request (bodies cut at 300 characters). */
export function describeRequest(r: FuzzRequest): string {
  const headers = { ...r.headers };
  // Enough of the credential to tell the right token from the wrong ones.
  if (headers.Authorization) headers.Authorization = `${headers.Authorization.slice(0, 14)}…`;
  const target =
    r.target.length > 300 ? `${r.target.slice(0, 300)}…(${r.target.length})` : r.target;
  const body = r.body?.toString('utf8') ?? '';
  const shown = body.length > 300 ? `${body.slice(0, 300)}…(${body.length} chars)` : body;
  return `[${r.kind}] ${r.method} ${target} ${JSON.stringify(headers)}${r.body ? ` ${JSON.stringify(shown)}` : ''}`;
}

/** fast-check prints counterexamples with this instead of dumping a 300 kB body. */
function withDescription(r: FuzzRequest): FuzzRequest {
  return Object.defineProperty(r, fc.toStringMethod, { value: () => describeRequest(r) });
}
