import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import type { RunDecision } from '../../../src/ports/store';
import {
  DB_FILE_NAME,
  MAX_NOTE,
  canonicalJson,
  createStore,
  listRunsSql,
  sha256Hex,
} from '../../../src/store';
import type { SqliteStore } from '../../../src/store';
import { fakeClock, runInput, tempDir } from './helpers';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});
function open(now?: () => number): { store: SqliteStore; dir: string } {
  const t = tempDir('store-appr-');
  cleanups.push(t.cleanup);
  const store = createStore(now ? { dir: t.dir, now } : { dir: t.dir });
  cleanups.push(() => store.close());
  return { store, dir: t.dir };
}

function thrown(f: () => unknown): EngineError {
  try {
    f();
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected an EngineError');
}

const OUTPUT = '{"decision":"REVIEW_REQUIRED","orders":[{"asset":"ETF","units":10}]}';

describe('approvals: one final human decision per run, bound to the audit chain', () => {
  it('approve writes the row and a run.approved event with the run output hash, one commit', () => {
    const clock = fakeClock(Date.UTC(2026, 10, 2, 9, 15, 0, 123));
    const { store } = open(clock.now);
    const run = store.runs.save(runInput({ kind: 'tandem', output_json: OUTPUT }));
    clock.tick(60_000);
    const note = 'Checked the turnover; OK to trade.';
    const a = store.approvals.decide({
      run_id: run.run_id,
      decision: 'approved',
      note,
      actor: 'pm.alice',
    });
    expect(a).toEqual({
      run_id: run.run_id,
      decision: 'approved',
      note,
      actor: 'pm.alice',
      created_at: '2026-11-02T09:16:00.123Z',
      run_output_hash: sha256Hex(OUTPUT),
    });
    expect(store.approvals.get(run.run_id)).toEqual(a);
    expect(store.approvals.get('01ZZZZZZZZZZZZZZZZZZZZZZZZ')).toBeNull();

    const events = store.audit.list({ subject: run.run_id });
    expect(events.map((e) => e.action)).toEqual(['run.created', 'run.approved']);
    const ev = events[1]!;
    expect(ev).toMatchObject({ actor: 'pm.alice', ts: a.created_at, seq: run.audit_seq + 1 });
    expect(ev.payload_json).toBe(
      canonicalJson({
        run_id: run.run_id,
        decision: 'approved',
        note_hash: sha256Hex(note),
        actor: 'pm.alice',
        run_output_hash: sha256Hex(OUTPUT),
      }),
    );
    // The approved bytes are the ones run.created recorded.
    const created = JSON.parse(events[0]!.payload_json) as { output_hash: string };
    expect(created.output_hash).toBe(a.run_output_hash);

    expect(store.runs.get(run.run_id)).toMatchObject({ approval: 'approved', decision: null });
    expect(store.runs.list().items[0]).toMatchObject({ run_id: run.run_id, approval: 'approved' });
    expect(store.audit.verify()).toMatchObject({
      ok: true,
      events: 2,
      first_bad_seq: null,
      reason: null,
    });
  });

  it('reject writes run.rejected', () => {
    const { store } = open();
    const run = store.runs.save(runInput());
    store.approvals.decide({ run_id: run.run_id, decision: 'rejected', note: 'no', actor: 'bob' });
    const [, ev] = store.audit.list({ subject: run.run_id });
    expect(ev).toMatchObject({ action: 'run.rejected', actor: 'bob' });
    expect(JSON.parse(ev!.payload_json)).toMatchObject({
      decision: 'rejected',
      note_hash: sha256Hex('no'),
      run_output_hash: sha256Hex(run.output_json),
    });
    expect(store.runs.get(run.run_id)?.approval).toBe('rejected');
  });

  it('a decision is final: approve again or reject after approve is a CONFLICT, nothing written', () => {
    const { store } = open();
    const run = store.runs.save(runInput());
    store.approvals.decide({ run_id: run.run_id, decision: 'approved', note: 'ok', actor: 'a' });
    const head = store.audit.head();
    for (const decision of ['approved', 'rejected'] as const) {
      const e = thrown(() =>
        store.approvals.decide({ run_id: run.run_id, decision, note: 'again', actor: 'b' }),
      );
      expect(e.code).toBe('CONFLICT');
      expect(e.message).toBe(`run ${run.run_id} already approved: a decision is final`);
      expect(e.details).toEqual([{ path: 'run_id', message: 'already approved' }]);
    }
    expect(store.audit.head()).toEqual(head);
    expect(store.approvals.get(run.run_id)).toMatchObject({ note: 'ok', actor: 'a' });

    const other = store.runs.save(runInput());
    store.approvals.decide({ run_id: other.run_id, decision: 'rejected', note: 'x', actor: 'a' });
    expect(
      thrown(() =>
        store.approvals.decide({
          run_id: other.run_id,
          decision: 'approved',
          note: 'y',
          actor: 'a',
        }),
      ).message,
    ).toBe(`run ${other.run_id} already rejected: a decision is final`);
    expect(store.audit.verify().ok).toBe(true);
  });

  it('an unknown run is NOT_FOUND naming run_id; bad input is BAD_REQUEST for every field', () => {
    const { store } = open();
    const nf = thrown(() =>
      store.approvals.decide({
        run_id: '01ZZZZZZZZZZZZZZZZZZZZZZZZ',
        decision: 'approved',
        note: 'n',
        actor: 'a',
      }),
    );
    expect(nf.code).toBe('NOT_FOUND');
    expect(nf.details).toEqual([{ path: 'run_id', message: 'no such run' }]);
    const bad = thrown(() =>
      store.approvals.decide({
        run_id: '',
        decision: 'maybe' as 'approved',
        note: '   ',
        actor: '',
      }),
    );
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.details.map((d) => d.path)).toEqual(['run_id', 'decision', 'note', 'actor']);
    const run = store.runs.save(runInput());
    expect(
      thrown(() =>
        store.approvals.decide({
          run_id: run.run_id,
          decision: 'approved',
          note: 'x'.repeat(MAX_NOTE + 1),
          actor: 'a',
        }),
      ).details.map((d) => d.path),
    ).toEqual(['note']);
    expect(store.audit.head().seq).toBe(1);
    const long = 'é'.repeat(MAX_NOTE); // 2,000 characters (4,000 bytes) is accepted
    expect(
      store.approvals.decide({ run_id: run.run_id, decision: 'approved', note: long, actor: 'a' })
        .note,
    ).toBe(long);
  });
});

describe('runs: the supervisor decision column and the approval join', () => {
  it('decision is stored, returned, and in run.created only when set', () => {
    const { store } = open();
    const plain = store.runs.save(runInput());
    const tandem = store.runs.save(runInput({ kind: 'tandem', decision: 'REVIEW_REQUIRED' }));
    expect(plain).toMatchObject({ decision: null, approval: null });
    expect(tandem).toMatchObject({ decision: 'REVIEW_REQUIRED', approval: null });
    expect(store.runs.get(tandem.run_id)).toMatchObject({ decision: 'REVIEW_REQUIRED' });
    const payload = (id: string) =>
      JSON.parse(store.audit.list({ subject: id })[0]!.payload_json) as Record<string, unknown>;
    expect('decision' in payload(plain.run_id)).toBe(false);
    expect(payload(tandem.run_id).decision).toBe('REVIEW_REQUIRED');
    const e = thrown(() => store.runs.save(runInput({ decision: 'MAYBE' as RunDecision })));
    expect(e.details.map((d) => d.path)).toEqual(['decision']);
  });

  it('list pages carry decision and approval, in keyset order', () => {
    const clock = fakeClock();
    const { store } = open(clock.now);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      clock.tick(10);
      ids.push(store.runs.save(runInput({ decision: i % 2 ? 'APPROVED' : null })).run_id);
    }
    store.approvals.decide({ run_id: ids[1]!, decision: 'approved', note: 'ok', actor: 'a' });
    store.approvals.decide({ run_id: ids[4]!, decision: 'rejected', note: 'no', actor: 'a' });
    const seen: { run_id: string; decision: string | null; approval: string | null }[] = [];
    let cursor: string | null = null;
    do {
      const page = store.runs.list({ limit: 3, cursor });
      seen.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen.map((r) => r.run_id)).toEqual([...ids].reverse());
    expect(seen.map((r) => [r.decision, r.approval])).toEqual(
      [...ids].reverse().map((id) => {
        const i = ids.indexOf(id);
        return [i % 2 ? 'APPROVED' : null, i === 1 ? 'approved' : i === 4 ? 'rejected' : null];
      }),
    );
  });

  it('the joined list query is still served by the runs indexes, without a sort step', () => {
    const { store, dir } = open();
    store.runs.save(runInput());
    store.close();
    const db = new Database(path.join(dir, DB_FILE_NAME), { readonly: true });
    const plan = (where: string[]) => {
      const sql = listRunsSql(where);
      const args = [...Array<string>(sql.split('?').length - 2).fill('x'), 51];
      return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
    };
    const cursor = '(r.created_at, r.run_id) < (?, ?)';
    const cases: [string[], RegExp][] = [
      [[], /INDEX runs_by_time/],
      [[cursor], /INDEX runs_by_time/],
      [['r.portfolio_id = ?'], /INDEX runs_by_portfolio/],
      [['r.portfolio_id = ?', cursor], /INDEX runs_by_portfolio/],
      [['r.kind = ?', cursor], /INDEX runs_by_kind/],
    ];
    for (const [where, index] of cases) {
      const p = plan(where);
      expect(p, p).toMatch(index);
      expect(p, p).toMatch(/SEARCH d USING INDEX sqlite_autoindex_run_decisions_1 \(run_id=\?\)/);
      expect(p, p).not.toMatch(/TEMP B-TREE/);
    }
    db.close();
  });
});

describe('direct SQL writes cannot alter runs, decisions or the other records', () => {
  it('UPDATE, DELETE and INSERT OR REPLACE fail (recursive_triggers off or on); verify stays ok', () => {
    const { store, dir } = open();
    const p = store.portfolios.create({ name: 'Core', content_json: '{"assets":[]}' });
    const run = store.runs.save(
      runInput({ portfolio_id: p.portfolio_id, portfolio_version: 1, output_json: OUTPUT }),
    );
    const approval = store.approvals.decide({
      run_id: run.run_id,
      decision: 'approved',
      note: 'ok',
      actor: 'a',
    });
    const imp = store.imports.record({
      kind: 'prices',
      filename: 'p.csv',
      content_hash: sha256Hex('bytes'),
      rows: 1,
    });
    const policy = store.policies.put({ document_json: '{}', actor: 'a', expected_version: 0 });
    const head = store.audit.head();
    store.close();

    const db = new Database(path.join(dir, DB_FILE_NAME));
    db.pragma('foreign_keys = ON');
    const h = '0'.repeat(64);
    const runCols =
      'run_id, kind, created_at, status, engine_version, input_hash, duration_ms, decision, ' +
      'model_versions_json, input_json, output_json';
    const runVals = `'${run.run_id}', 'rebalance', '${run.created_at}', 'succeeded', '0.1.0', '${h}', 1, 'APPROVED', '{}', '{}', '{"tampered":true}'`;
    const decisionRow = `('${run.run_id}', 'rejected', 'x', 'mallory', '${approval.created_at}', '${h}')`;
    const decisionCols = '(run_id, decision, note, actor, created_at, run_output_hash)';
    const attempts: [string, RegExp][] = [
      [`UPDATE runs SET output_json = '{"tampered":true}'`, /runs are immutable: UPDATE/],
      [`UPDATE runs SET decision = 'APPROVED'`, /runs are immutable: UPDATE/],
      ['DELETE FROM runs', /runs are immutable: DELETE/],
      [`INSERT OR REPLACE INTO runs (${runCols}) VALUES (${runVals})`, /runs are immutable/],
      [`REPLACE INTO runs (${runCols}) VALUES (${runVals})`, /runs are immutable/],
      [
        `INSERT INTO runs (${runCols}) VALUES (${runVals}) ON CONFLICT (run_id) DO UPDATE SET output_json = excluded.output_json`,
        /runs are immutable/,
      ],
      [`UPDATE run_decisions SET decision = 'rejected'`, /run decisions are final: UPDATE/],
      ['DELETE FROM run_decisions', /run decisions are final: DELETE/],
      [
        `INSERT OR REPLACE INTO run_decisions ${decisionCols} VALUES ${decisionRow}`,
        /run decisions are final/,
      ],
      [
        `REPLACE INTO run_decisions ${decisionCols} VALUES ${decisionRow}`,
        /run decisions are final/,
      ],
      [`UPDATE policies SET actor = 'x'`, /policies are immutable: UPDATE/],
      [
        `INSERT OR REPLACE INTO audit_events SELECT seq, ts, 'mallory', action, subject, payload_json, payload_hash, prev_hash, hash FROM audit_events WHERE seq = 1`,
        /audit_events is append-only/,
      ],
      [
        `INSERT OR REPLACE INTO portfolio_versions SELECT portfolio_id, version, created_at, content_hash, '{"x":1}' FROM portfolio_versions`,
        /portfolio_versions are immutable/,
      ],
      [
        `INSERT OR REPLACE INTO imports SELECT import_id, kind, 'evil.csv', content_hash, row_count, actor, created_at, portfolio_id, portfolio_version, audit_seq FROM imports`,
        /imports are immutable/,
      ],
      [
        `INSERT INTO run_decisions ${decisionCols} VALUES ('01ZZZZZZZZZZZZZZZZZZZZZZZZ', 'approved', 'x', 'm', '${approval.created_at}', '${h}')`,
        /FOREIGN KEY/,
      ],
    ];
    for (const recursive of [false, true]) {
      db.pragma(`recursive_triggers = ${recursive ? 'ON' : 'OFF'}`);
      for (const [sql, msg] of attempts) {
        expect(() => db.prepare(sql).run(), `${sql} (recursive_triggers ${recursive})`).toThrow(
          msg,
        );
      }
    }
    db.close();

    const again = createStore({ dir });
    try {
      expect(again.runs.get(run.run_id)).toEqual({
        ...run,
        audit_seq: undefined,
        approval: 'approved',
      });
      expect(again.approvals.get(run.run_id)).toEqual(approval);
      expect(again.imports.get(imp.import_id)).toEqual(imp);
      expect(again.portfolios.get(p.portfolio_id)).toEqual(p);
      expect(again.policies.current()).toEqual(policy);
      expect(again.audit.head()).toEqual(head);
      expect(again.audit.verify()).toMatchObject({
        ok: true,
        events: head.seq,
        first_bad_seq: null,
        reason: null,
      });
    } finally {
      again.close();
    }
  });
});
