import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../../src/contract/operations';
import { createDispatch, type Dispatch } from '../../../src/rpc/dispatch';
import { createHandlers } from '../../../src/services/handlers';
import type { SqliteStore } from '../../../src/store';
import { keyedStore, saveRuns, tamper } from './binding-helpers';

/**
 * exportAuditHead and verifyAudit through the one dispatch every transport uses: inputs as the
 * HTTP adapter passes query strings, outputs checked against the contract (a mismatch would be
 * an INTERNAL error here).
 */
const ctx: CallContext = { actor: 'test', transport: 'inprocess' };
let s: ReturnType<typeof keyedStore>;
let store: SqliteStore;
let dispatch: Dispatch;

function open(): void {
  store = s.open();
  const handlers = createHandlers({
    clock: { now: () => new Date(), monotonicMs: () => performance.now() },
    store,
    scenarios: [],
  });
  dispatch = createDispatch(handlers, (op, e) => {
    throw new Error(`internal error in ${op}: ${String(e)}`);
  });
}

beforeAll(() => {
  s = keyedStore('store-audit-api-');
  open();
  saveRuns(store);
});
afterAll(() => {
  store.close();
  s.cleanup();
});

describe('GET /api/audit/head and /api/audit/verify (dispatch)', () => {
  it('exports the head and verifies against it from query-string input', async () => {
    const head = await dispatch('exportAuditHead', {}, ctx);
    expect(head).toMatchObject({ ok: true, value: { seq: 4, events: 4 } });
    if (!head.ok) throw new Error('no head');
    const h = head.value as { seq: number; hash: string; mac: string };
    const v = await dispatch(
      'verifyAudit',
      { head_seq: String(h.seq), head_hash: h.hash, head_mac: h.mac },
      ctx,
    );
    expect(v).toEqual({
      ok: true,
      value: {
        ok: true,
        events: 4,
        first_bad_seq: null,
        reason: null,
        runs_checked: 4,
        head_keyed: true,
        problems: [],
        problems_total: 0,
      },
    });
    const wrong = await dispatch('verifyAudit', { head_seq: '9', head_hash: h.hash }, ctx);
    expect(wrong).toMatchObject({
      ok: true,
      value: { ok: false, problems: [{ kind: 'known_head', seq: 9 }] },
    });
  });

  it('refuses half an exported head, and a malformed hash, naming the field', async () => {
    const half = await dispatch('verifyAudit', { head_seq: '3' }, ctx);
    expect(half).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', details: [{ path: 'head_hash' }] },
    });
    const bad = await dispatch('verifyAudit', { head_seq: '3', head_hash: 'XYZ' }, ctx);
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', details: [{ path: 'head_hash' }] },
    });
  });

  it('a tampered run comes back as a named problem that satisfies the contract', async () => {
    const [first] = store.runs.list({ limit: 1 }).items;
    store.close();
    tamper(
      s.dir,
      (db) => {
        db.prepare(`UPDATE runs SET status = 'failed' WHERE run_id = ?`).run(first!.run_id);
      },
      { dropTriggers: true },
    );
    open();
    const v = await dispatch('verifyAudit', {}, ctx);
    expect(v).toMatchObject({
      ok: true,
      value: {
        ok: false,
        problems_total: 1,
        problems: [{ kind: 'run_mismatch', run_id: first!.run_id, fields: ['status'] }],
      },
    });
  });
});
