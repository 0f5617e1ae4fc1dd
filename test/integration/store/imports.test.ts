import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { createStore, sha256Hex } from '../../../src/store';
import type { SqliteStore } from '../../../src/store';
import { fakeClock, tempDir } from './helpers';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});
function open(now?: () => number): SqliteStore {
  const t = tempDir('store-imp-');
  cleanups.push(t.cleanup);
  const store = createStore(now ? { dir: t.dir, now } : { dir: t.dir });
  cleanups.push(() => store.close());
  return store;
}

const H1 = sha256Hex('portfolio.csv bytes');
const H2 = sha256Hex('prices.csv bytes');

describe('imports', () => {
  it('a portfolio import creates the portfolio, the record and one audit event in one commit', () => {
    const clock = fakeClock(Date.UTC(2026, 8, 9, 8, 7, 6, 5));
    const store = open(clock.now);
    const rec = store.imports.record({
      kind: 'portfolio',
      filename: 'book.csv',
      content_hash: H1,
      rows: 12,
      actor: 'alice',
      portfolio: { content_json: '{"assets":[1]}', name: 'Book' },
    });
    expect(rec).toEqual({
      import_id: rec.import_id,
      kind: 'portfolio',
      filename: 'book.csv',
      content_hash: H1,
      rows: 12,
      actor: 'alice',
      created_at: '2026-09-09T08:07:06.005Z',
      portfolio_id: rec.portfolio_id,
      portfolio_version: 1,
      audit_seq: 1,
    });
    expect(store.portfolios.get(rec.portfolio_id!)).toMatchObject({
      name: 'Book',
      version: 1,
      content_json: '{"assets":[1]}',
    });
    const [e] = store.audit.list();
    expect(e).toMatchObject({ seq: 1, action: 'portfolio.imported', subject: rec.portfolio_id });
    expect(JSON.parse(e!.payload_json)).toEqual({
      import_id: rec.import_id,
      kind: 'portfolio',
      filename: 'book.csv',
      content_hash: H1,
      rows: 12,
      portfolio_id: rec.portfolio_id,
      portfolio_version: 1,
      previous_version: null,
      portfolio_content_hash: sha256Hex('{"assets":[1]}'),
    });
    expect(store.imports.get(rec.import_id)).toEqual(rec);
    expect(store.audit.verify().ok).toBe(true);
  });

  it('findByHash returns the latest import of the same bytes and kind', () => {
    const clock = fakeClock();
    const store = open(clock.now);
    expect(store.imports.findByHash(H1, 'portfolio')).toBeNull();
    const a = store.imports.record({
      kind: 'portfolio',
      filename: 'a.csv',
      content_hash: H1,
      rows: 1,
    });
    clock.tick(10);
    const b = store.imports.record({
      kind: 'portfolio',
      filename: 'b.csv',
      content_hash: H1,
      rows: 1,
    });
    store.imports.record({ kind: 'prices', filename: 'p.csv', content_hash: H2, rows: 5 });
    expect(store.imports.findByHash(H1, 'portfolio')).toEqual(b);
    expect(store.imports.findByHash(H1, 'prices')).toBeNull();
    expect(store.imports.list().map((r) => r.import_id)).toEqual([
      store.imports.findByHash(H2, 'prices')!.import_id,
      b.import_id,
      a.import_id,
    ]);
    // Without a portfolio: subject is the file hash, nothing else is written.
    expect(store.audit.list({ subject: H2 }).map((e) => e.action)).toEqual(['prices.imported']);
    expect(store.portfolios.list()).toEqual([]);
  });

  it('a price import attached to a portfolio adds a version (and renames when asked)', () => {
    const store = open();
    const p = store.portfolios.create({ name: 'Core', content_json: '{"assets":[]}' });
    const rec = store.imports.record({
      kind: 'prices',
      filename: 'prices.xlsx',
      content_hash: H2,
      rows: 500,
      portfolio: {
        portfolio_id: p.portfolio_id,
        content_json: '{"assets":[],"price_history":{}}',
        name: 'Core',
      },
    });
    expect(rec).toMatchObject({ portfolio_id: p.portfolio_id, portfolio_version: 2, audit_seq: 2 });
    expect(store.portfolios.get(p.portfolio_id)!.content_json).toBe(
      '{"assets":[],"price_history":{}}',
    );
    expect(JSON.parse(store.audit.list({ after_seq: 1 })[0]!.payload_json)).toMatchObject({
      previous_version: 1,
      portfolio_version: 2,
    });
    store.imports.record({
      kind: 'portfolio',
      filename: 'x.csv',
      content_hash: H1,
      rows: 1,
      portfolio: { portfolio_id: p.portfolio_id, content_json: '{}', name: 'Renamed' },
    });
    expect(store.portfolios.get(p.portfolio_id)).toMatchObject({ name: 'Renamed', version: 3 });
  });

  it('rejects bad input with every problem, and an unknown portfolio rolls everything back', () => {
    const store = open();
    let err: unknown;
    try {
      store.imports.record({
        kind: 'prices',
        filename: '',
        content_hash: 'ABC',
        rows: -1,
        portfolio: { content_json: '{', name: '' },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).details.map((d) => d.path)).toEqual([
      'filename',
      'content_hash',
      'rows',
      'portfolio.content_json',
      'portfolio.name',
      'portfolio.portfolio_id',
    ]);
    expect(() =>
      store.imports.record({
        kind: 'prices',
        filename: 'p.csv',
        content_hash: H2,
        rows: 1,
        portfolio: { portfolio_id: 'missing', content_json: '{}', name: 'X' },
      }),
    ).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(store.imports.list()).toEqual([]);
    expect(store.audit.head().seq).toBe(0);
    expect(store.audit.verify().ok).toBe(true);
  });
});
