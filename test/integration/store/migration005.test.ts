import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LATEST_SCHEMA_VERSION,
  SqliteAuditLog,
  SqlitePortfolioRepository,
  canonicalJson,
  createStore,
  openDatabase,
  sha256Hex,
} from '../../../src/store';
import { fakeClock, tempDir } from './helpers';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function dir(): string {
  const t = tempDir('store-mig5-');
  cleanups.push(t.cleanup);
  return t.dir;
}

const V4_COLS =
  'run_id, kind, portfolio_id, portfolio_version, created_at, status, engine_version, ' +
  'input_hash, duration_ms, model_versions_json, input_json, output_json';

/** Run ids as a v4 app made them (26 Crockford characters, increasing). */
const RUN_IDS = ['01JC0000000000000000000001', '01JC0000000000000000000002'];

/**
 * A v4 database with a portfolio and two runs written the way the v4 app wrote them (row +
 * `run.created` event with the v4 payload), through raw SQL since today's run repository reads
 * the v5 columns.
 */
function buildV4(d: string, now: () => number): { rows: unknown[]; head: { seq: number } } {
  const v4 = openDatabase({ dir: d, migrateTo: 4 });
  const audit = new SqliteAuditLog(v4.db, d, now);
  const portfolios = new SqlitePortfolioRepository(v4.db, audit);
  const p = portfolios.create({ name: 'Core', content_json: '{"assets":[]}' });
  const ins = v4.db.prepare(`INSERT INTO runs (${V4_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`);
  RUN_IDS.forEach((run_id, i) => {
    const output_json = `{"trades":[${i}],"pad":"${'x'.repeat(20_000)}"}`;
    const input_json = `{"i":${i}}`;
    audit.write(() => {
      ins.run(
        run_id,
        'rebalance',
        i === 0 ? p.portfolio_id : null,
        i === 0 ? 1 : null,
        audit.txTimestamp(),
        'succeeded',
        '0.2.0',
        sha256Hex(input_json),
        3.5,
        '{}',
        input_json,
        output_json,
      );
      const payload_json = canonicalJson({ run_id, output_hash: sha256Hex(output_json) });
      audit.appendInTx([
        {
          actor: 'system',
          action: 'run.created',
          subject: run_id,
          payload_json,
          payload_hash: sha256Hex(payload_json),
        },
      ]);
    });
  });
  const rows = v4.db.prepare(`SELECT ${V4_COLS} FROM runs ORDER BY run_id`).all();
  const head = audit.head();
  audit.close();
  v4.db.close();
  return { rows, head };
}

function names(db: Database.Database, type: 'index' | 'trigger', table: string): string[] {
  return db
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = ? AND tbl_name = ? AND name NOT LIKE 'sqlite_%' ORDER BY name`,
    )
    .pluck()
    .all(type, table) as string[];
}

describe('migration 005_policy_approvals (v4 → v5)', () => {
  it('is followed only by 006_chain_binding', () => {
    expect(LATEST_SCHEMA_VERSION).toBe(9);
  });

  it('keeps every run byte for byte with decision NULL, backs up v4, and the chain verifies', () => {
    const d = dir();
    const clock = fakeClock(Date.UTC(2026, 5, 1, 7, 0, 0, 0));
    const { rows, head } = buildV4(d, clock.now);
    clock.tick(5000);

    const store = createStore({ dir: d, now: clock.now });
    try {
      expect(store.schema_version).toBe(9);
      expect(path.basename(store.backup_file!)).toBe('rebalancer-v4-20260601T070005000Z.sqlite');
      const b = new Database(store.backup_file!, { readonly: true });
      expect(b.pragma('user_version', { simple: true })).toBe(4);
      expect(b.prepare(`SELECT ${V4_COLS} FROM runs ORDER BY run_id`).all()).toEqual(rows);
      b.close();

      // Reaching v6 bound both pre-v6 runs with a run.bound event each.
      expect(store.audit.head().seq).toBe(head.seq + RUN_IDS.length);
      expect(store.audit.verify()).toMatchObject({
        ok: true,
        events: head.seq + RUN_IDS.length,
        runs_checked: RUN_IDS.length,
      });
      for (const [i, run_id] of RUN_IDS.entries()) {
        expect(store.runs.get(run_id)).toEqual({
          ...(rows[i] as object),
          decision: null,
          approval: null,
        });
      }
      expect(store.runs.list().items.map((r) => [r.run_id, r.decision, r.approval])).toEqual([
        [RUN_IDS[1], null, null],
        [RUN_IDS[0], null, null],
      ]);

      // Old runs can be approved; their old run.created payloads are untouched.
      const a = store.approvals.decide({
        run_id: RUN_IDS[0]!,
        decision: 'approved',
        note: 'ok',
        actor: 'alice',
      });
      const created = JSON.parse(store.audit.list({ subject: RUN_IDS[0] })[0]!.payload_json) as {
        output_hash: string;
      };
      expect(a.run_output_hash).toBe(created.output_hash);
      store.policies.put({ document_json: '{"v":1}', actor: 'alice', expected_version: 0 });
      expect(store.audit.verify()).toMatchObject({
        ok: true,
        events: head.seq + RUN_IDS.length + 2,
      });
    } finally {
      store.close();
    }
  });

  it('schema v5: decision among the small columns, indexes and guards recreated, STRICT tables', () => {
    const d = dir();
    buildV4(d, Date.now);
    const o = openDatabase({ dir: d, migrateTo: 6 });
    try {
      const cols = (
        o.db.prepare("SELECT name FROM pragma_table_info('runs')").pluck().all() as string[]
      ).join(',');
      expect(cols).toBe(
        'run_id,kind,portfolio_id,portfolio_version,created_at,status,engine_version,' +
          'input_hash,duration_ms,decision,model_versions_json,input_json,output_json',
      );
      expect(names(o.db, 'index', 'runs')).toEqual([
        'runs_by_kind',
        'runs_by_portfolio',
        'runs_by_portfolio_version',
        'runs_by_time',
      ]);
      expect(names(o.db, 'trigger', 'runs')).toEqual([
        'runs_no_delete',
        'runs_no_replace',
        'runs_no_update',
      ]);
      expect(names(o.db, 'trigger', 'run_decisions')).toEqual([
        'run_decisions_no_delete',
        'run_decisions_no_replace',
        'run_decisions_no_update',
      ]);
      expect(names(o.db, 'trigger', 'policies')).toEqual([
        'policies_next_version',
        'policies_no_delete',
        'policies_no_update',
      ]);
      for (const t of ['audit_events', 'portfolio_versions', 'imports']) {
        expect(names(o.db, 'trigger', t)).toContain(`${t}_no_replace`);
      }
      expect(
        o.db.prepare("SELECT 1 FROM audit_actions WHERE action = 'policy.changed'").pluck().get(),
      ).toBe(1);
      const strict = o.db
        .prepare(
          "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'",
        )
        .all() as { name: string; strict: number }[];
      expect(strict.map((t) => t.name).sort()).toEqual([
        'audit_actions',
        'audit_events',
        'imports',
        'pending_tasks',
        'policies',
        'portfolio_versions',
        'portfolios',
        'run_decisions',
        'runs',
      ]);
      expect(strict.every((t) => t.strict === 1)).toBe(true);
      expect(o.db.pragma('foreign_key_check')).toEqual([]);
      expect(o.db.pragma('integrity_check', { simple: true })).toBe('ok');
      // The CHECK on the new column holds.
      expect(() => o.db.prepare(`UPDATE runs SET decision = 'MAYBE'`).run()).toThrow(/immutable/);
      expect(() =>
        o.db
          .prepare(
            `INSERT INTO runs (${V4_COLS}, decision) SELECT '01JC0000000000000000000009', kind, NULL, NULL, created_at, status, engine_version, input_hash, duration_ms, model_versions_json, input_json, output_json, 'MAYBE' FROM runs LIMIT 1`,
          )
          .run(),
      ).toThrow(/CHECK constraint failed: decision/);
    } finally {
      o.db.close();
    }
  });
});
