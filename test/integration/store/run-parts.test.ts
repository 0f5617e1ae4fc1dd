/**
 * Large runs' texts stored in parts (schema v7, src/store/runParts.ts; issue #10: a 12 MB run's
 * single-row write held the HTTP thread 100–250 ms). What must hold: a reader gets the exact
 * texts back; the chain binds the assembled texts, so a changed, added or removed part is named
 * by verify; a save cut short leaves nothing a reader sees and is swept at the next open; and no
 * step between two pauses writes more than one part.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineError } from '../../../src/contract/common';
import { DB_FILE_NAME, createStore, sha256Hex, type SqliteStore } from '../../../src/store';
import { PARTS_THRESHOLD, PART_CHARS, partEnd, stageTexts } from '../../../src/store/runParts';
import { ofKind, tamper } from './binding-helpers';
import { mulberry32, runInput, tempDir } from './helpers';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});
function dir(): string {
  const t = tempDir('store-parts-');
  cleanups.push(t.cleanup);
  return t.dir;
}
function open(d: string): SqliteStore {
  const store = createStore({ dir: d });
  cleanups.push(() => store.close());
  return store;
}

/** A JSON array text of about `chars` characters, with non-ASCII and astral characters in it. */
function bigJson(chars: number, seed = 1): string {
  const rand = mulberry32(seed);
  const items: string[] = [];
  let n = 2;
  for (let i = 0; n < chars; i++) {
    const s = JSON.stringify({ i, v: rand(), name: `Société ${i} 😀 €` });
    items.push(s);
    n += s.length + 1;
  }
  return `[${items.join(',')}]`;
}

/** The number of parts a text is written in. */
function partCount(text: string): number {
  let n = 0;
  for (let from = 0; from < text.length; n++) from = partEnd(text, from, PART_CHARS);
  return n;
}

/** The store's own connection (the data directory is locked to it). */
const dbOf = (store: SqliteStore) => (store.runs as unknown as { db: Database.Database }).db;
const rowOf = (store: SqliteStore, run_id: string) =>
  dbOf(store)
    .prepare('SELECT text_id, input_json, output_json FROM runs WHERE run_id = ?')
    .get(run_id) as { text_id: string | null; input_json: string; output_json: string };

describe('run texts in parts', () => {
  it('splits never inside a surrogate pair', () => {
    expect(partEnd('ab😀', 0, 3)).toBe(2);
    expect(partEnd('😀', 0, 1)).toBe(2);
    expect(partEnd('abc', 0, 2)).toBe(2);
    expect(partEnd('abc', 1, 5)).toBe(3);
    const rand = mulberry32(7);
    for (let k = 0; k < 200; k++) {
      const text = Array.from({ length: 50 }, () => (rand() < 0.3 ? '😀' : 'é')).join('');
      const size = 1 + Math.floor(rand() * 6);
      const parts: string[] = [];
      for (let from = 0; from < text.length;) {
        const end = partEnd(text, from, size);
        expect(end).toBeGreaterThan(from);
        parts.push(text.slice(from, end));
        from = end;
      }
      expect(parts.join('')).toBe(text);
      for (const p of parts) expect(Buffer.from(p, 'utf8').toString('utf8')).toBe(p);
    }
  });

  it('a small run goes in the row; a large one in parts, read back exactly, verify ok', async () => {
    const d = dir();
    const store = open(d);
    const small = await store.runs.saveLarge(runInput());
    expect(rowOf(store, small.run_id).text_id).toBeNull();

    const input_json = bigJson(PART_CHARS + 12_345, 2);
    const output_json = bigJson(PARTS_THRESHOLD + 777, 3);
    let pauses = 0;
    const saved = await store.runs.saveLarge(runInput({ input_json, output_json }), async () => {
      pauses++;
      await Promise.resolve();
    });
    const row = rowOf(store, saved.run_id);
    expect(row.text_id).toMatch(/^[0-9a-f]{32}$/);
    expect([row.input_json, row.output_json]).toEqual(['null', 'null']);
    // One pause after each part.
    expect(pauses).toBe(partCount(input_json) + partCount(output_json));
    expect(partCount(output_json)).toBeGreaterThan(4);
    const got = store.runs.get(saved.run_id)!;
    expect(got.input_json).toBe(input_json);
    expect(got.output_json).toBe(output_json);
    expect(saved.output_json).toBe(output_json);
    expect(saved.input_hash).toBe(sha256Hex(input_json));
    const v = store.audit.verify();
    expect(v).toMatchObject({ ok: true, runs_checked: 2 });
    // The run.created event binds the assembled texts' hashes.
    const ev = store.audit.list({}).find((e) => e.subject === saved.run_id)!;
    expect(JSON.parse(ev.payload_json)).toMatchObject({
      input_json_hash: sha256Hex(input_json),
      output_hash: sha256Hex(output_json),
    });
  });

  it('a run saved between the parts of another keeps the chain whole', async () => {
    const store = open(dir());
    const output_json = bigJson(PARTS_THRESHOLD + 10, 4);
    let other: string | null = null;
    const big = store.runs.saveLarge(runInput({ output_json }), async () => {
      if (other === null) other = store.runs.save(runInput()).run_id;
      await new Promise((r) => setImmediate(r));
    });
    const saved = await big;
    expect(other).not.toBeNull();
    expect(
      store.runs
        .list()
        .items.map((r) => r.run_id)
        .sort(),
    ).toEqual([saved.run_id, other!].sort());
    expect(store.audit.verify().ok).toBe(true);
  });

  it('caller hashes are used as given, and verify names a wrong one; parts hashed here otherwise', async () => {
    const store = open(dir());
    const output_json = bigJson(PARTS_THRESHOLD, 5);
    const input = runInput({ output_json });
    const wrong = await store.runs.saveLarge({
      ...input,
      text_hashes: { input_json: sha256Hex(input.input_json), output_json: 'b'.repeat(64) },
    });
    const right = await store.runs.saveLarge(input);
    const v = store.audit.verify();
    expect(ofKind(v, 'run_mismatch')).toMatchObject([
      { run_id: wrong.run_id, fields: ['output_json'] },
    ]);
    expect(v.problems.some((p) => p.run_id === right.run_id)).toBe(false);
  });

  it('a refused run (bad field) writes nothing, and names the field', async () => {
    const store = open(dir());
    const err = await store.runs
      .saveLarge(runInput({ output_json: bigJson(PARTS_THRESHOLD, 6), duration_ms: -1 }))
      .catch((e: unknown) => e);
    expect((err as EngineError).details).toEqual([
      { path: 'duration_ms', message: 'must be a finite number >= 0' },
    ]);
    expect(store.audit.head().seq).toBe(0);
  });

  it('parts of a save cut short (no run row) are swept at the next open', async () => {
    const d = dir();
    let store = createStore({ dir: d });
    const staged = await stageTexts(
      dbOf(store),
      { input_json: '{"a":1}', output_json: '[1,2,3]' },
      () => Promise.resolve(),
    );
    expect(staged.parts).toBe(2);
    store.close(); // the "crash": the run row was never written
    store = open(d);
    expect(store.audit.verify().ok).toBe(true);
    store.close();
    const raw = new Database(path.join(d, DB_FILE_NAME), { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM run_text_parts').pluck().get()).toBe(0);
    raw.close();
  });

  it('the schema refuses to change, replace or delete a stored run’s parts, or a row without them', async () => {
    const d = dir();
    const store = open(d);
    const saved = await store.runs.saveLarge(
      runInput({ output_json: bigJson(PARTS_THRESHOLD, 8) }),
    );
    const text_id = rowOf(store, saved.run_id).text_id!;
    store.close();
    const refusals: [string, RegExp][] = [
      ["UPDATE run_text_parts SET part = 'x'", /immutable: UPDATE/],
      [`DELETE FROM run_text_parts WHERE text_id = '${text_id}'`, /cannot be deleted/],
      [
        `INSERT OR REPLACE INTO run_text_parts (text_id, field, seq, part) VALUES ('${text_id}', 'output_json', 0, 'x')`,
        /cannot be replaced/,
      ],
      [
        `INSERT INTO runs (run_id, kind, created_at, status, engine_version, input_hash, duration_ms, model_versions_json, input_json, output_json, text_id) VALUES ('01JC0000000000000000000099', 'rebalance', '2026-01-01T00:00:00.000Z', 'succeeded', '0.1.0', '${'a'.repeat(64)}', 1, '{}', 'null', 'null', '${'c'.repeat(32)}')`,
        /parts of this run's texts are missing/,
      ],
      [`UPDATE runs SET text_id = NULL`, /runs are immutable/],
    ];
    for (const [sql, re] of refusals) tamper(d, (db) => expect(() => db.exec(sql)).toThrow(re));
  });

  it('verify names a run whose part was changed, removed or added (triggers dropped)', async () => {
    const cases: [string, (db: Database.Database, text_id: string) => void][] = [
      [
        'changed',
        (db, t) =>
          db
            .prepare(
              "UPDATE run_text_parts SET part = replace(part, '0', '1') WHERE text_id = ? AND field = 'output_json' AND seq = 1",
            )
            .run(t),
      ],
      [
        'removed',
        (db, t) =>
          db
            .prepare(
              "DELETE FROM run_text_parts WHERE text_id = ? AND field = 'output_json' AND seq = 2",
            )
            .run(t),
      ],
      [
        'added',
        (db, t) =>
          db
            .prepare(
              "INSERT INTO run_text_parts (text_id, field, seq, part) VALUES (?, 'output_json', 99, ' ')",
            )
            .run(t),
      ],
    ];
    for (const [, edit] of cases) {
      const d = dir();
      let store = createStore({ dir: d });
      const saved = await store.runs.saveLarge(
        runInput({ output_json: bigJson(PARTS_THRESHOLD + 5, 9) }),
      );
      const text_id = rowOf(store, saved.run_id).text_id!;
      store.close();
      tamper(d, (db) => edit(db, text_id), { dropTriggers: true });
      store = open(d);
      const v = store.audit.verify();
      expect(v.ok).toBe(false);
      expect(ofKind(v, 'run_mismatch')).toMatchObject([
        { run_id: saved.run_id, fields: ['output_json'] },
      ]);
    }
  });

  it('an approval of a large run hashes the whole stored output', async () => {
    const store = open(dir());
    const output_json = bigJson(PARTS_THRESHOLD + 3, 10);
    const saved = await store.runs.saveLarge(
      runInput({ output_json, decision: 'REVIEW_REQUIRED' }),
    );
    const a = store.approvals.decide({
      run_id: saved.run_id,
      decision: 'approved',
      note: 'ok',
      actor: 'pm',
    });
    expect(a.run_output_hash).toBe(sha256Hex(output_json));
    expect(store.audit.verify().ok).toBe(true);
  });
});
