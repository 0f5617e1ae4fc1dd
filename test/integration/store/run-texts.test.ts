/**
 * The run texts' JSON check moved from a JSON.parse on the owner thread to the table's CHECK
 * (json_valid) at INSERT, and a pool worker may pass the texts' hashes (issue #10: the owner's
 * time per request). The refusals must still name every field, and a wrong hash must be found.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { createStore, sha256Hex, type SqliteStore } from '../../../src/store';
import { runInput, tempDir } from './helpers';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});
function open(): SqliteStore {
  const t = tempDir('store-texts-');
  cleanups.push(t.cleanup);
  const store = createStore({ dir: t.dir });
  cleanups.push(() => store.close());
  return store;
}
function refusal(f: () => unknown): EngineError {
  try {
    f();
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('run texts', () => {
  it('a run whose only fault is a text that is not JSON is refused naming that field', () => {
    const store = open();
    for (const f of ['model_versions_json', 'input_json', 'output_json'] as const) {
      const e = refusal(() => store.runs.save(runInput({ [f]: '{"a":' })));
      expect(e.code).toBe('BAD_REQUEST');
      expect(e.details).toEqual([{ path: f, message: 'must be valid JSON text' }]);
    }
    const both = refusal(() =>
      store.runs.save(runInput({ input_json: 'nope', output_json: '[1,,2]' })),
    );
    expect(both.details.map((d) => d.path)).toEqual(['input_json', 'output_json']);
    expect(store.audit.head().seq).toBe(0);
    expect(store.runs.list().items).toEqual([]);
  });

  it('stores the hashes a caller passes, and verify finds a wrong one', () => {
    const store = open();
    const input = runInput();
    const right = store.runs.save({
      ...input,
      text_hashes: {
        input_json: sha256Hex(input.input_json),
        output_json: sha256Hex(input.output_json),
      },
    });
    expect(store.audit.verify().ok).toBe(true);
    const wrong = store.runs.save({
      ...input,
      text_hashes: { input_json: sha256Hex(input.input_json), output_json: 'a'.repeat(64) },
    });
    const v = store.audit.verify();
    expect(v.ok).toBe(false);
    expect(v.problems).toMatchObject([
      { kind: 'run_mismatch', run_id: wrong.run_id, fields: ['output_json'] },
    ]);
    expect(v.problems.some((p) => p.run_id === right.run_id)).toBe(false);
  });

  it('refuses hashes that are not 64 lowercase hex characters', () => {
    const store = open();
    const e = refusal(() =>
      store.runs.save(runInput({ text_hashes: { input_json: 'x', output_json: 'A'.repeat(64) } })),
    );
    expect(e.details).toEqual([
      { path: 'text_hashes', message: 'must be 64 lowercase hex characters each' },
    ]);
  });
});
