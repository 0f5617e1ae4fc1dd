/**
 * Fuzz suite over the OpenAPI document: for every route, FUZZ_RUNS (default 300) requests mixing
 * known-good inputs, schema-shaped inputs, one-change mutations of both and hostile requests
 * (test/support/fuzz/requests.ts). Every answer must be < 500, JSON (except the documented
 * CSV), the error envelope when it is an error, and valid against the operation's zod output
 * schema when it is a 200 (test/support/fuzz/check.ts).
 *
 * Reproduce a failure with the seed fast-check prints: FUZZ_SEED=<seed> npx vitest run
 * test/integration/fuzz.test.ts. FUZZ_SUMMARY=<file> writes a per-route table of statuses.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApi, ErrorBody } from '../../src/contract/openapi';
import { operations } from '../../src/contract/operations';
import { startApp, type App } from '../../src/server/app';
import { judge, sendFuzz } from '../support/fuzz/check';
import { parseResponses, rawRequestArb, sendRaw } from '../support/fuzz/raw-http';
import { describeRequest, pickLive, requestArb, type FuzzContext } from '../support/fuzz/requests';
import { resolveRoute, routesOf } from '../support/fuzz/routes';
import { Tally } from '../support/fuzz/tally';
import { json, raw } from '../support/http';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** A request unanswered this long counts as a stall (the issue: no request can stall). */
const ANSWER_MS = 30_000;

const doc = buildOpenApi();
const routes = routesOf(doc);
// Verify re-hashes every run and event: fuzz it while the chain is short, before the hundreds of
// runs the other routes create (fuzzed last, its 300 requests took 75 s).
const order = (op: string) => (op === 'verifyAudit' || op === 'exportAuditHead' ? 0 : 1);
const fuzzOrder = [...routes].sort((a, b) => order(a.op) - order(b.op));
const outputs = Object.fromEntries(
  Object.entries(operations).map(([name, op]) => [name, op.output as z.ZodType]),
);

const here = import.meta.dirname;
const scenarios = (
  JSON.parse(readFileSync(join(here, '../../resources/scenarios.json'), 'utf8')) as {
    scenarios: { request: Record<string, unknown> }[];
  }
).scenarios.map((s) => s.request);
const fixture = (name: string) => readFileSync(join(here, '../fixtures/import', name), 'utf8');

// Ids the server hands out; the fuzzer picks from them as they are at generation time.
const runIds: string[] = [];
const portfolioIds: string[] = [];
const batchIds: string[] = [];
const samples: Record<string, unknown[]> = {};
const tally = new Tally();
let app: App;

/** Remembers the ids and the policy version a 200 carries, so later requests can use them. */
function learn(op: string, status: number, body: Buffer): void {
  if (status !== 200 || operations[op as keyof typeof operations]?.contentType) return;
  const v = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  if (typeof v.run_id === 'string' && !runIds.includes(v.run_id)) {
    runIds.push(v.run_id);
    // A fresh run can be decided once: these are the approvals and rejections that succeed.
    (samples.approveRun ??= []).push({ run_id: v.run_id, note: 'fuzz' });
    (samples.rejectRun ??= []).push({ run_id: v.run_id, note: 'fuzz', actor: 'fuzzer' });
  }
  if (typeof v.portfolio_id === 'string' && !portfolioIds.includes(v.portfolio_id)) {
    portfolioIds.push(v.portfolio_id);
  }
  if (typeof v.batch_id === 'string' && !batchIds.includes(v.batch_id)) batchIds.push(v.batch_id);
  if (op === 'putPolicy' || op === 'getPolicy') samples.putPolicy = [v];
}

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const r = await raw(app.server.port, {
    method,
    path,
    ...(body === undefined
      ? { headers: { Authorization: `Bearer ${app.token}` } }
      : json(app.token, body)),
  });
  if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${r.body.slice(0, 300)}`);
  const op = routes.find((x) => x.method === method && x.path === path)?.op ?? '';
  learn(op, r.status, Buffer.from(r.body));
  return JSON.parse(r.body);
}

beforeAll(async () => {
  app = await startApp({
    dataDir: mkdtempSync(join(tmpdir(), 'spr-fuzz-')),
    port: 0,
    rateLimitPerSecond: 1e6,
    // An internal error's stack reaches the test output (never the answer): a 500 says why.
    log: (m) => console.error(m),
  });
  // A few real runs (with and without price history) and a saved portfolio to look up.
  for (const s of scenarios) await call('POST', '/api/rebalance', s);
  await call('POST', '/api/portfolios', { name: 'Fuzz', content: scenarios[0] });
  await call('GET', '/api/policy');
  const small = scenarios.slice(0, 2);
  await call('POST', '/api/batches', { requests: small });
  const withHistory = runIds[2] as string;
  Object.assign(samples, {
    rebalance: scenarios,
    tandemDemo: small,
    copilotInsights: small.map((s) => ({ ...s, rephrase: false })),
    savePortfolio: [
      { name: 'Fuzz', content: scenarios[0] },
      { name: 'Fuzz v2', portfolio_id: portfolioIds[0], content: scenarios[1] },
    ],
    getPortfolio: [
      { portfolio_id: portfolioIds[0] },
      { portfolio_id: portfolioIds[0], version: 1 },
    ],
    importPortfolio: [
      {
        filename: 'holdings.csv',
        format: 'csv',
        content: fixture('holdings.csv'),
        allow_duplicate: true,
      },
    ],
    importPrices: [{ filename: 'prices.csv', format: 'csv', content: fixture('prices_long.csv') }],
    listRuns: [{ limit: 5 }, { kind: 'rebalance', limit: 2 }, { portfolio_id: portfolioIds[0] }],
    compareRuns: [
      { a: runIds[0], b: runIds[1] },
      { a: runIds[2], b: runIds[3] },
    ],
    getRun: runIds.map((run_id) => ({ run_id })),
    replayRun: small.map((_, i) => ({ run_id: runIds[i] })),
    runTradesCsv: runIds.map((run_id) => ({ run_id })),
    runPerformance: [{ run_id: withHistory }],
    runFrontier: [{ run_id: withHistory, points: 5 }],
    listAudit: [{ after_seq: 0, limit: 5 }],
    // Batches of the two small scenarios: real ids to get and cancel while they run.
    createBatch: [{ requests: small }],
    getBatch: [{ batch_id: batchIds[0], limit: 5 }],
    cancelBatch: [{ batch_id: batchIds[0] }],
  });
}, 120_000);

afterAll(async () => {
  await app?.close();
  if (process.env.FUZZ_SUMMARY) writeFileSync(process.env.FUZZ_SUMMARY, `${tally.markdown()}\n`);
});

describe('fuzz over the OpenAPI document', () => {
  it('covers every operation of the contract', () => {
    expect(new Set(routes.map((r) => r.op))).toEqual(new Set(Object.keys(operations)));
  });

  it('malformed HTTP framing: a JSON error below 500 for each, and no hung connection', async () => {
    const key = 'raw socket (framing errors)';
    await fc.assert(
      fc.asyncProperty(rawRequestArb(app.server.port, app.token), async (bytes) => {
        const started = performance.now();
        const answers = parseResponses(await sendRaw(app.server.port, bytes, ANSWER_MS));
        const shown = JSON.stringify(bytes.toString('latin1').slice(0, 200));
        if (typeof answers === 'string') throw new Error(`${answers}\nrequest: ${shown}`);
        if (answers.length === 0) throw new Error(`closed without an answer\nrequest: ${shown}`);
        for (const a of answers) {
          tally.add(key, 'raw', a.status, performance.now() - started);
          const problems: string[] = [];
          if (a.status >= 500) problems.push(`status ${a.status}`);
          if (!(a.headers['content-type'] ?? '').startsWith('application/json')) {
            problems.push(`Content-Type "${a.headers['content-type'] ?? ''}" is not JSON`);
          }
          let body: unknown;
          try {
            body = JSON.parse(a.body);
          } catch {
            problems.push(`body is not JSON: ${JSON.stringify(a.body.slice(0, 120))}`);
          }
          if (body !== undefined && a.status !== 200 && !ErrorBody.safeParse(body).success) {
            problems.push(`${a.status} body is not the error envelope`);
          }
          if (problems.length > 0) throw new Error(`${problems.join('\n')}\nrequest: ${shown}`);
        }
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  }, 180_000);

  for (const route of fuzzOrder) {
    const key = `${route.method} ${route.path}`;
    it(
      key,
      async () => {
        const ctx: FuzzContext = {
          token: app.token,
          root: doc,
          hints: {
            run_id: pickLive(runIds),
            a: pickLive(runIds),
            b: pickLive(runIds),
            portfolio_id: pickLive(portfolioIds),
            batch_id: pickLive(batchIds),
            // A 60-point frontier takes ~1 s; mostly small ones keep the route within budget.
            ...(route.op === 'runFrontier' ? { points: fc.integer({ min: 5, max: 8 }) } : {}),
          },
          samples,
        };
        const before = tally.count(key);
        await fc.assert(
          fc.asyncProperty(fc.limitShrink(requestArb(route, ctx), 30), async (req) => {
            const started = performance.now();
            const res = await sendFuzz(app.server.port, req, ANSWER_MS);
            tally.add(key, req.kind, res.status, performance.now() - started);
            const problems = judge(routes, outputs, req, res);
            if (problems.length > 0) {
              throw new Error(`${problems.join('\n')}\nrequest: ${describeRequest(req)}`);
            }
            learn(resolveRoute(routes, req.method, req.target)?.op ?? '', res.status, res.body);
          }),
          { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
        );
        expect(tally.count(key) - before).toBeGreaterThanOrEqual(RUNS);
      },
      180_000,
    );
  }
});
