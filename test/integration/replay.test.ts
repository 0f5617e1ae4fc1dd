import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/canonical';
import { startApp, type App } from '../../src/server/app';

const scenarios = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../../resources/scenarios.json'), 'utf8')) as {
    scenarios: { request: Record<string, unknown> }[];
  }
).scenarios;

let app: App;
let dataDir = '';
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'spr-replay-'));
  app = await startApp({ dataDir, port: 0 });
});
afterAll(async () => app?.close());

describe('replay', () => {
  it('gives byte-identical outputs for 100 stored runs', async () => {
    const ctx = { actor: 'test', transport: 'inprocess' as const };
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const base = scenarios[i % scenarios.length]!.request;
      // Vary every knob that changes the output, so the 100 runs are 100 different computations.
      const input = {
        ...base,
        drift_threshold: 0.005 + (i % 7) * 0.005,
        turnover_limit: 0.02 + (i % 5) * 0.05,
        transaction_cost_bps: i % 4 === 0 ? 0 : 5 + i,
        rebalance_to: i % 2 ? 'band_edge' : 'target',
        tilt_budget: (i % 3) * 0.01,
        monte_carlo: {
          paths: 1000,
          horizon_days: 10 + (i % 10),
          seed: i,
          method: i % 2 ? 'bootstrap' : 'gaussian',
        },
      };
      const r = await app.dispatch('rebalance', input, ctx);
      expect(r.ok, JSON.stringify(r.ok ? '' : r.error)).toBe(true);
      if (r.ok) ids.push((r.value as { run_id: string }).run_id);
    }
    let identical = 0;
    for (const run_id of ids) {
      const r = await app.dispatch('replayRun', { run_id }, ctx);
      expect(r.ok).toBe(true);
      if (r.ok && (r.value as { identical: boolean }).identical) identical++;
    }
    expect(identical).toBe(100);
  });
  it('reports where the output differs when the stored output no longer matches', async () => {
    const ctx = { actor: 'test', transport: 'inprocess' as const };
    const r = await app.dispatch('rebalance', scenarios[2]!.request, ctx);
    const run_id = (r as { value: { run_id: string } }).value.run_id;
    // Edit the stored output behind the app's back (as a different engine result would look).
    const dir = dataDir;
    await app.close();
    const db = new Database(join(dir, 'rebalancer.sqlite'));
    const row = db.prepare('SELECT output_json FROM runs WHERE run_id = ?').get(run_id) as {
      output_json: string;
    };
    const out = JSON.parse(row.output_json) as { risk_metrics: { volatility: number } };
    out.risk_metrics.volatility += 0.01;
    // Runs are immutable (triggers); a tamperer with file access would drop them first.
    for (const t of db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'runs'")
      .all() as { name: string }[])
      db.exec(`DROP TRIGGER "${t.name}"`);
    db.prepare('UPDATE runs SET output_json = ? WHERE run_id = ?').run(canonicalJson(out), run_id);
    db.close();
    app = await startApp({ dataDir: dir, port: 0 });
    const replay = await app.dispatch('replayRun', { run_id }, ctx);
    expect(replay.ok).toBe(true);
    const v = (replay as { value: { identical: boolean; differences: { path: string }[] } }).value;
    expect(v.identical).toBe(false);
    expect(v.differences.map((d) => d.path)).toEqual(['risk_metrics.volatility']);
  });
});
