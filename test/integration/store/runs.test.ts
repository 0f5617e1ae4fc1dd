import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import type { RunKind, RunSummary } from '../../../src/ports/store';
import {
  DB_FILE_NAME,
  canonicalJson,
  createStore,
  decodeUlidTime,
  sha256Hex,
} from '../../../src/store';
import type { SqliteStore } from '../../../src/store';
import { fakeClock, mulberry32, randInt, runInput, tempDir } from './helpers';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});
function open(now?: () => number): { store: SqliteStore; dir: string } {
  const t = tempDir('store-runs-');
  cleanups.push(t.cleanup);
  const store = createStore(now ? { dir: t.dir, now } : { dir: t.dir });
  cleanups.push(() => store.close());
  return { store, dir: t.dir };
}

describe('runs: save and get', () => {
  it('stores every field, JSON byte-for-byte, and a run.created audit event in the same commit', () => {
    const clock = fakeClock(Date.UTC(2026, 6, 14, 15, 30, 0, 123));
    const { store } = open(clock.now);
    const input_json = '{"b":1, "a":[1.0,2]}'; // not canonical on purpose: stored as given
    const output_json = '{"trades":[{"asset":"ETF","units":10}],"note":"Zürich ✓"}';
    const saved = store.runs.save(
      runInput({ input_json, output_json, kind: 'optimize', actor: 'alice' }),
    );
    expect(saved.created_at).toBe('2026-07-14T15:30:00.123Z');
    expect(saved.run_id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(decodeUlidTime(saved.run_id)).toBe(clock.now());
    expect(saved.input_hash).toBe(sha256Hex(input_json));
    const got = store.runs.get(saved.run_id);
    expect(got).toEqual({
      run_id: saved.run_id,
      kind: 'optimize',
      portfolio_id: null,
      portfolio_version: null,
      created_at: '2026-07-14T15:30:00.123Z',
      status: 'succeeded',
      engine_version: '0.1.0',
      input_hash: sha256Hex(input_json),
      duration_ms: 12.5,
      decision: null,
      approval: null,
      model_versions_json: '{"forecast":"1.0.0","risk":"1.0.0"}',
      input_json,
      output_json,
    });
    const [event] = store.audit.list({ subject: saved.run_id });
    expect(event).toMatchObject({ seq: saved.audit_seq, action: 'run.created', actor: 'alice' });
    expect(event!.payload_json).toBe(
      canonicalJson({
        run_id: saved.run_id,
        kind: 'optimize',
        status: 'succeeded',
        portfolio_id: null,
        portfolio_version: null,
        engine_version: '0.1.0',
        input_hash: sha256Hex(input_json),
        output_hash: sha256Hex(output_json),
        model_versions_hash: sha256Hex('{"forecast":"1.0.0","risk":"1.0.0"}'),
        input_json_hash: sha256Hex(input_json),
        duration_ms: 12.5,
      }),
    );
    expect(store.runs.get('01ZZZZZZZZZZZZZZZZZZZZZZZZ')).toBeNull();
  });

  it('accepts a caller input_hash and failed runs', () => {
    const { store } = open();
    const r = store.runs.save(
      runInput({
        status: 'failed',
        input_hash: 'f'.repeat(64),
        output_json: '{"error":{"code":"INFEASIBLE"}}',
      }),
    );
    expect(store.runs.get(r.run_id)).toMatchObject({
      status: 'failed',
      input_hash: 'f'.repeat(64),
    });
  });

  it('rejects invalid runs listing every problem, and writes nothing', () => {
    const { store } = open();
    let err: unknown;
    try {
      store.runs.save({
        ...runInput(),
        kind: 'backtest' as RunKind,
        status: 'ok' as never,
        input_json: '{not json',
        duration_ms: Number.NaN,
        portfolio_version: 2,
        input_hash: 'XYZ',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).details.map((d) => d.path)).toEqual([
      'kind',
      'status',
      'portfolio_version',
      'input_json',
      'input_hash',
      'duration_ms',
    ]);
    expect(store.audit.head().seq).toBe(0);
    expect(store.runs.list().items).toEqual([]);
  });

  it('checks the portfolio reference (NOT_FOUND) and links runs to a portfolio version', () => {
    const { store } = open();
    expect(() => store.runs.save(runInput({ portfolio_id: 'nope' }))).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    const p = store.portfolios.create({ name: 'Core', content_json: '{"assets":[]}' });
    expect(() =>
      store.runs.save(runInput({ portfolio_id: p.portfolio_id, portfolio_version: 2 })),
    ).toThrow(/no version 2/);
    const r = store.runs.save(runInput({ portfolio_id: p.portfolio_id, portfolio_version: 1 }));
    expect(store.runs.get(r.run_id)).toMatchObject({
      portfolio_id: p.portfolio_id,
      portfolio_version: 1,
    });
  });

  it('runs are immutable in the database', () => {
    const { store, dir } = open();
    const r = store.runs.save(runInput());
    store.close();
    const db = new Database(path.join(dir, DB_FILE_NAME));
    expect(() => db.prepare("UPDATE runs SET status = 'failed'").run()).toThrow(/immutable/);
    expect(() => db.prepare('DELETE FROM runs').run()).toThrow(/immutable/);
    expect(db.prepare('SELECT count(*) FROM runs WHERE run_id = ?').pluck().get(r.run_id)).toBe(1);
    db.close();
  });
});

describe('runs: list, filters, keyset paging', () => {
  const KINDS: RunKind[] = ['rebalance', 'copilot', 'tandem', 'optimize'];

  /** 120 runs over 3 portfolios and 4 kinds, several sharing a millisecond. */
  function seed() {
    const clock = fakeClock(Date.UTC(2026, 0, 1, 0, 0, 0, 0));
    const { store } = open(clock.now);
    const p = [0, 1, 2].map((i) =>
      store.portfolios.create({ name: `P${i}`, content_json: `{"p":${i}}` }),
    );
    const rand = mulberry32(7);
    const saved: RunSummary[] = [];
    for (let i = 0; i < 120; i++) {
      if (rand() < 0.6) clock.tick(randInt(rand, 1, 90_000)); // else: same millisecond
      const pi = randInt(rand, -1, 2);
      const r = store.runs.save(
        runInput({
          kind: KINDS[i % 4]!,
          portfolio_id: pi >= 0 ? p[pi]!.portfolio_id : null,
          portfolio_version: pi >= 0 ? 1 : null,
          input_json: `{"i":${i}}`,
        }),
      );
      const {
        model_versions_json: _m,
        input_json: _i,
        output_json: _o,
        audit_seq: _a,
        ...summary
      } = r;
      saved.push(summary);
    }
    const newestFirst = [...saved].sort((a, b) =>
      a.created_at === b.created_at
        ? b.run_id.localeCompare(a.run_id)
        : b.created_at.localeCompare(a.created_at),
    );
    return { store, portfolios: p, saved, newestFirst };
  }

  function collect(store: SqliteStore, q: Parameters<SqliteStore['runs']['list']>[0]) {
    const items: RunSummary[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = store.runs.list({ ...q, cursor });
      items.push(...page.items);
      cursor = page.next_cursor;
      pages++;
      expect(pages).toBeLessThan(1000);
    } while (cursor !== null);
    return { items, pages };
  }

  it('pages through everything newest first with no gaps or duplicates', () => {
    const { store, newestFirst } = seed();
    const first = store.runs.list();
    expect(first.items).toEqual(newestFirst.slice(0, 50));
    expect(first.items[0]).not.toHaveProperty('output_json');
    const { items, pages } = collect(store, { limit: 7 });
    expect(items).toEqual(newestFirst);
    expect(pages).toBe(Math.ceil(120 / 7));
    // An exact multiple of the page size ends with next_cursor null, not an empty page.
    expect(collect(store, { limit: 40 }).pages).toBe(3);
  });

  it('filters by portfolio, kind and created_at range (from inclusive, to exclusive)', () => {
    const { store, portfolios, newestFirst } = seed();
    const pid = portfolios[1]!.portfolio_id;
    expect(collect(store, { portfolio_id: pid, limit: 5 }).items).toEqual(
      newestFirst.filter((r) => r.portfolio_id === pid),
    );
    expect(collect(store, { kind: 'tandem', limit: 9 }).items).toEqual(
      newestFirst.filter((r) => r.kind === 'tandem'),
    );
    expect(collect(store, { kind: 'copilot', portfolio_id: pid, limit: 3 }).items).toEqual(
      newestFirst.filter((r) => r.kind === 'copilot' && r.portfolio_id === pid),
    );
    const from = newestFirst[80]!.created_at;
    const to = newestFirst[20]!.created_at;
    expect(collect(store, { created_from: from, created_to: to, limit: 11 }).items).toEqual(
      newestFirst.filter((r) => r.created_at >= from && r.created_at < to),
    );
    // Bounds in another offset are normalized to UTC.
    const fromMs = Date.parse(from);
    const plus2 = new Date(fromMs + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    expect(store.runs.list({ created_from: plus2, limit: 500 }).items).toEqual(
      newestFirst.filter((r) => r.created_at >= from),
    );
    expect(store.runs.list({ portfolio_id: 'nobody' })).toEqual({ items: [], next_cursor: null });
  });

  it('rejects bad queries and foreign cursors', () => {
    const { store } = open();
    expect(() => store.runs.list({ limit: 0 })).toThrow(EngineError);
    expect(() => store.runs.list({ limit: 501 })).toThrow(EngineError);
    expect(() => store.runs.list({ kind: 'x' as RunKind })).toThrow(EngineError);
    expect(() => store.runs.list({ created_from: 'yesterday' })).toThrow(EngineError);
    expect(() => store.runs.list({ cursor: 'abc' })).toThrow(
      expect.objectContaining({
        details: [{ path: 'cursor', message: 'is not a cursor returned by this API' }],
      }),
    );
  });

  it('list queries are served by an index, never a full scan and sort', () => {
    const { store, dir } = open();
    store.runs.save(runInput());
    store.close();
    const db = new Database(path.join(dir, DB_FILE_NAME), { readonly: true });
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
        .map((r) => r.detail)
        .join(' | ');
    const tail = 'ORDER BY created_at DESC, run_id DESC LIMIT 51';
    const cols = 'SELECT run_id, created_at FROM runs';
    expect(plan(`${cols} ${tail}`)).toMatch(/USING (COVERING )?INDEX runs_by_time/);
    expect(plan(`${cols} WHERE portfolio_id = 'p' ${tail}`)).toMatch(/INDEX runs_by_portfolio/);
    expect(
      plan(`${cols} WHERE kind = 'copilot' AND (created_at, run_id) < ('x', 'y') ${tail}`),
    ).toMatch(/INDEX runs_by_kind/);
    for (const p of [
      plan(`${cols} ${tail}`),
      plan(`${cols} WHERE portfolio_id = 'p' ${tail}`),
      plan(`${cols} WHERE kind = 'copilot' ${tail}`),
    ]) {
      expect(p).not.toMatch(/TEMP B-TREE/);
    }
    db.close();
  });
});
