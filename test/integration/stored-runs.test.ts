/**
 * Stored runs are typed in the contract by the schemas that produced them (contract/stored.ts):
 * every run this engine saves reads back as `shape: "current"`, and its input and output pass
 * those schemas strictly; a run another engine version wrote reads back as `"earlier"`.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ENGINE_VERSION } from '../../src/contract/operations';
import { RebalanceRequest } from '../../src/contract/rebalance';
import { producedBy, STORED_RUN, StoredFailure } from '../../src/contract/stored';
import { RunDetail } from '../../src/contract/store';
import { startApp, type App } from '../../src/server/app';
import { json, raw } from '../support/http';

const root = join(import.meta.dirname, '../..');
const scenarios = (
  JSON.parse(readFileSync(join(root, 'resources/scenarios.json'), 'utf8')) as {
    scenarios: { name: string; request: Record<string, unknown> }[];
  }
).scenarios;
const lehman = scenarios.find((s) => s.name.startsWith('Autumn 2008'))!.request;

let app: App;
const get = (path: string) =>
  raw(app.server.port, { path, headers: { Authorization: `Bearer ${app.token}` } });
const post = (path: string, body: unknown) =>
  raw(app.server.port, { method: 'POST', path, ...json(app.token, body) });

beforeAll(async () => {
  app = await startApp({ dataDir: mkdtempSync(join(tmpdir(), 'spr-stored-')), port: 0 });
});
afterAll(async () => {
  await app?.close();
});

/** The run as GET /api/runs/{id} answers, checked by the contract's RunDetail. */
async function detail(run_id: string): Promise<RunDetail> {
  const r = await get(`/api/runs/${run_id}`);
  expect(r.status).toBe(200);
  return RunDetail.parse(JSON.parse(r.body));
}

/** The schema a variant's stored field stands for (contract/stored.ts). */
function strict(field: unknown): z.ZodType {
  const p = producedBy(field);
  if (!p) throw new Error('not a stored field');
  return p.schema;
}

describe('stored runs, typed by the schemas that produced them', () => {
  it('a rebalance, a tandem and a copilot run read back as current, input and output passing their schemas', async () => {
    const cases = [
      ['rebalance', '/api/rebalance', STORED_RUN.rebalance.output],
      ['tandem', '/api/multi-agent/tandem-demo', STORED_RUN.tandem.output],
      ['copilot', '/api/ai-copilot/insights', STORED_RUN.copilot.output],
    ] as const;
    for (const [kind, path, output] of cases) {
      const r = await post(path, lehman);
      expect(r.status, kind).toBe(200);
      const d = await detail((JSON.parse(r.body) as { run_id: string }).run_id);
      expect(d.shape).toBe('current');
      expect(d.kind).toBe(kind);
      expect(d.status).toBe('succeeded');
      expect(d.engine_version).toBe(ENGINE_VERSION);
      const inParsed = RebalanceRequest.safeParse(d.input);
      expect(inParsed.success, JSON.stringify(inParsed.error?.issues.slice(0, 3))).toBe(true);
      const outParsed = strict(output).safeParse(d.output);
      expect(outParsed.success, JSON.stringify(outParsed.error?.issues.slice(0, 3))).toBe(true);
    }
  });

  it('a failed run stores the error it was answered with', async () => {
    const r = await post('/api/rebalance', {
      ...lehman,
      method: 'efficient_return',
      target_return: 9,
    });
    expect(r.status).toBe(422);
    const list = JSON.parse((await get('/api/runs?limit=1')).body) as {
      runs: { run_id: string; status: string }[];
    };
    const d = await detail(list.runs[0]!.run_id);
    expect(d.status).toBe('failed');
    expect(d.shape).toBe('current');
    const err = StoredFailure.parse(d.output);
    expect(err.error.code).toBe((JSON.parse(r.body) as { code: string }).code);
    expect(RebalanceRequest.safeParse(d.input).success).toBe(true);
  });

  it('a run another engine version saved reads back as earlier, its texts as stored', async () => {
    const input_json = JSON.stringify({ assets: 'an older shape' });
    const saved = app.store.runs.save({
      kind: 'rebalance',
      status: 'succeeded',
      engine_version: '0.0.1',
      model_versions_json: '{}',
      input_json,
      input_hash: createHash('sha256').update(input_json).digest('hex'),
      output_json: '{"weights":"old"}',
      duration_ms: 1,
    });
    const d = await detail(saved.run_id);
    expect(d.shape).toBe('earlier');
    expect(d.input).toEqual({ assets: 'an older shape' });
    expect(d.output).toEqual({ run_id: saved.run_id, weights: 'old' });
    // The typed variants do not accept it: only `earlier` describes it.
    expect(
      z.object({ shape: STORED_RUN.rebalance.shape }).safeParse({ shape: d.shape }).success,
    ).toBe(false);
  });
});
