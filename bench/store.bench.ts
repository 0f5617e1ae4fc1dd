/**
 * Store benchmark: `npx tsx bench/store.bench.ts` prints one JSON line per figure.
 * Also importable: `runStoreBench()` resolves to the same figures as an object.
 *
 * Scenario: a fresh data dir on the OS temp disk, 20 portfolios, 10,000 runs saved one by one
 * through the public API (each ~20 KB output JSON, ~4 KB input JSON, its own transaction and
 * audit event), then reads and list pages at that size; the audit log on its own store:
 * 100,000 events appended in batches of 1,000, 2,000 appended one transaction each, and a full
 * verify of the 100,000-event chain. Targets (issue #3): save p99 ≤ 5 ms, list ≤ 10 ms,
 * verify 100k ≤ 2 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { canonicalJson, createStore } from '../src/store';
import type { RunKind } from '../src/ports/store';

const RUNS = 10_000;
const PORTFOLIOS = 20;
const READS = 2_000;
const LISTS = 1_000;
const AUDIT_BATCHED = 100_000;
const AUDIT_BATCH = 1_000;
const AUDIT_SINGLE = 2_000;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentiles(ms: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? 0;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, p50: r(at(0.5)), p99: r(at(0.99)), max: r(s[s.length - 1] ?? 0) };
}

function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** A rebalance-like result: 40 assets with trades, risk figures and a timeline, ~20 KB. */
function outputJson(rand: () => number, i: number): string {
  const assets = Array.from({ length: 40 }, (_, k) => ({
    asset: `ASSET_${k}`,
    asset_class: ['ETF', 'Stocks', 'Mutual Fund', 'Commodity', 'FX', 'Crypto'][k % 6],
    current_weight: rand(),
    target_weight: rand(),
    drift: rand() - 0.5,
    trade: {
      side: rand() < 0.5 ? 'BUY' : 'SELL',
      units: Math.round(rand() * 1e4),
      value: rand() * 1e6,
    },
    forecast: { mu: rand() * 0.2, sigma: rand() * 0.4, method: 'ewma' },
    risk: { var_95: rand() * 0.05, cvar_95: rand() * 0.08, contribution: rand() * 0.1 },
  }));
  const timeline = Array.from({ length: 24 }, (_, k) => ({
    agent: ['market_data', 'forecast', 'risk', 'optimizer', 'execution', 'supervisor'][k % 6],
    ms: rand() * 20,
    note: `step ${k} of run ${i}: evidence recorded`,
  }));
  return canonicalJson({ run: i, assets, timeline, decision: 'APPROVED', warnings: [] });
}

function inputJson(rand: () => number, i: number): string {
  return canonicalJson({
    portfolio_value: 1_000_000 + i,
    assets: Array.from({ length: 40 }, (_, k) => ({
      asset: `ASSET_${k}`,
      current_weight: rand(),
      target_weight: rand(),
      price: 10 + rand() * 100,
    })),
  });
}

export async function runStoreBench(): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  const emit = (metric: string, value: Record<string, unknown>) => {
    results[metric] = value;
    console.log(JSON.stringify({ bench: 'store', metric, ...value }));
  };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'store-bench-'));
  try {
    const rand = rng(1);
    const store = createStore({ dir: path.join(root, 'runs') });
    const pids: { id: string; version: number }[] = [];
    for (let p = 0; p < PORTFOLIOS; p++) {
      const v = store.portfolios.create({ name: `P${p}`, content_json: inputJson(rand, p) });
      pids.push({ id: v.portfolio_id, version: v.version });
    }
    // Pre-generate payloads so only the store is timed.
    const kinds: RunKind[] = ['rebalance', 'copilot', 'tandem', 'optimize'];
    const inputs = Array.from({ length: 64 }, (_, i) => inputJson(rand, i));
    const outputs = Array.from({ length: 64 }, (_, i) => outputJson(rand, i));
    emit('payload_bytes', {
      output_json: outputs[0]!.length,
      input_json: inputs[0]!.length,
    });
    const save = (i: number) => {
      const p = pids[i % PORTFOLIOS]!;
      return store.runs.save({
        kind: kinds[i % 4]!,
        status: 'succeeded',
        portfolio_id: p.id,
        portfolio_version: p.version,
        engine_version: '0.1.0',
        model_versions_json: '{"forecast":"1.0.0","optimizer":"1.0.0","risk":"1.0.0"}',
        input_json: inputs[i % 64]!,
        output_json: outputs[i % 64]!,
        duration_ms: 40,
      });
    };
    const saveMs: number[] = [];
    const runIds: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = nowMs();
      const r = save(i);
      saveMs.push(nowMs() - t0);
      runIds.push(r.run_id);
    }
    emit('run_save_ms', percentiles(saveMs));
    emit('run_save_ms_last_1000', percentiles(saveMs.slice(-1000)));
    const getMs: number[] = [];
    for (let i = 0; i < READS; i++) {
      const id = runIds[Math.floor(rand() * runIds.length)]!;
      const t0 = nowMs();
      const r = store.runs.get(id);
      getMs.push(nowMs() - t0);
      if (!r) throw new Error('missing run');
    }
    emit('run_load_ms', percentiles(getMs));

    const listNewest: number[] = [];
    const listPortfolio: number[] = [];
    const listDeep: number[] = [];
    const deepCursor = (() => {
      let c: string | null = null;
      for (let k = 0; k < 20; k++) c = store.runs.list({ limit: 50, cursor: c }).next_cursor;
      return c;
    })();
    for (let i = 0; i < LISTS; i++) {
      let t0 = nowMs();
      store.runs.list({ limit: 50 });
      listNewest.push(nowMs() - t0);
      t0 = nowMs();
      store.runs.list({ limit: 50, portfolio_id: pids[i % PORTFOLIOS]!.id });
      listPortfolio.push(nowMs() - t0);
      t0 = nowMs();
      store.runs.list({ limit: 50, cursor: deepCursor });
      listDeep.push(nowMs() - t0);
    }
    emit('list50_newest_ms', percentiles(listNewest));
    emit('list50_by_portfolio_ms', percentiles(listPortfolio));
    emit('list50_page21_ms', percentiles(listDeep));
    const dbBytes = fs.statSync(store.file).size;
    store.close();
    emit('runs_db_bytes', { runs: RUNS, bytes: dbBytes });

    // Audit log on its own store.
    const audit = createStore({ dir: path.join(root, 'audit') });
    let t0 = nowMs();
    for (let b = 0; b < AUDIT_BATCHED / AUDIT_BATCH; b++) {
      const batch = Array.from({ length: AUDIT_BATCH }, (_, k) => ({
        actor: 'bench',
        action: 'settings.changed' as const,
        subject: `s${k % 50}`,
        payload: { b, k, value: k * 0.25 },
      }));
      audit.audit.append(batch);
    }
    let secs = (nowMs() - t0) / 1000;
    emit('audit_append_batched', {
      events: AUDIT_BATCHED,
      batch: AUDIT_BATCH,
      events_per_s: Math.round(AUDIT_BATCHED / secs),
    });
    t0 = nowMs();
    const verify = audit.audit.verify();
    const verifyMs = nowMs() - t0;
    if (!verify.ok) throw new Error(`verify failed: ${verify.reason}`);
    emit('audit_verify', { events: verify.events, ms: Math.round(verifyMs) });
    const singleMs: number[] = [];
    t0 = nowMs();
    for (let i = 0; i < AUDIT_SINGLE; i++) {
      const s = nowMs();
      audit.audit.append({
        actor: 'bench',
        action: 'settings.changed',
        subject: 'x',
        payload: { i },
      });
      singleMs.push(nowMs() - s);
    }
    secs = (nowMs() - t0) / 1000;
    emit('audit_append_one_tx_per_event', {
      events: AUDIT_SINGLE,
      events_per_s: Math.round(AUDIT_SINGLE / secs),
      ...percentiles(singleMs),
    });
    audit.close();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return results;
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(path.resolve(entry)).href) {
  runStoreBench().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
