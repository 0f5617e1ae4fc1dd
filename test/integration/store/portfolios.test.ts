import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { canonicalJson, createStore, sha256Hex } from '../../../src/store';
import type { SqliteStore } from '../../../src/store';
import { fakeClock, tempDir } from './helpers';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});
function open(now?: () => number): { store: SqliteStore; dir: string } {
  const t = tempDir('store-pf-');
  cleanups.push(t.cleanup);
  const store = createStore(now ? { dir: t.dir, now } : { dir: t.dir });
  cleanups.push(() => store.close());
  return { store, dir: t.dir };
}

const v1 = canonicalJson({
  portfolio_value: 1_000_000,
  assets: [
    {
      asset: 'ETF',
      asset_class: 'ETF',
      target_weight: 0.6,
      current_weight: 0.55,
      price: 100,
      lot_size: 1,
    },
    { asset: 'Stocks', target_weight: 0.4, current_weight: 0.45, price: 50 },
  ],
  turnover_limit: 0.2,
  price_history: {
    dates: ['2026-01-02', '2026-01-05'],
    prices: { ETF: [99, 100], Stocks: [51, 50] },
  },
});
const v2 = v1
  .replace('"target_weight":0.6', '"target_weight":0.65')
  .replace('"target_weight":0.4', '"target_weight":0.35');

describe('portfolios', () => {
  it('create → version 1 with content stored as given and an audit event', () => {
    const clock = fakeClock(Date.UTC(2026, 1, 3, 4, 5, 6, 7));
    const { store } = open(clock.now);
    const p = store.portfolios.create({ name: '  Core  ', content_json: v1, actor: 'alice' });
    expect(p).toEqual({
      portfolio_id: p.portfolio_id,
      name: 'Core',
      version: 1,
      created_at: '2026-02-03T04:05:06.007Z',
      content_json: v1,
      content_hash: sha256Hex(v1),
    });
    expect(store.portfolios.get(p.portfolio_id)).toEqual(p);
    const [e] = store.audit.list({ subject: p.portfolio_id });
    expect(e).toMatchObject({ action: 'portfolio.created', actor: 'alice' });
    expect(JSON.parse(e!.payload_json)).toEqual({
      portfolio_id: p.portfolio_id,
      version: 1,
      name: 'Core',
      content_hash: sha256Hex(v1),
    });
    const imported = store.portfolios.create({
      name: 'From CSV',
      content_json: '{}',
      origin: 'imported',
    });
    expect(store.audit.list({ subject: imported.portfolio_id })[0]!.action).toBe(
      'portfolio.imported',
    );
  });

  it('edit = new version; old versions stay readable; history and list follow', () => {
    const clock = fakeClock();
    const { store } = open(clock.now);
    const a = store.portfolios.create({ name: 'A', content_json: v1 });
    clock.tick(1000);
    const b = store.portfolios.create({ name: 'B', content_json: '{"x":1}' });
    clock.tick(1000);
    const a2 = store.portfolios.edit(a.portfolio_id, { content_json: v2, actor: 'bob' });
    expect(a2).toMatchObject({
      version: 2,
      name: 'A',
      content_json: v2,
      content_hash: sha256Hex(v2),
    });
    clock.tick(1000);
    const a3 = store.portfolios.edit(a.portfolio_id, { content_json: v1, name: 'A renamed' });
    expect(a3.version).toBe(3);

    expect(store.portfolios.get(a.portfolio_id)).toEqual(a3);
    expect(store.portfolios.get(a.portfolio_id, 1)).toEqual({ ...a, name: 'A renamed' });
    expect(store.portfolios.get(a.portfolio_id, 2)!.content_json).toBe(v2);
    expect(store.portfolios.get(a.portfolio_id, 4)).toBeNull();
    expect(store.portfolios.get('missing')).toBeNull();
    expect(() => store.portfolios.get(a.portfolio_id, 0)).toThrow(EngineError);
    expect(store.portfolios.versions(a.portfolio_id)).toEqual([
      { version: 1, created_at: a.created_at, content_hash: sha256Hex(v1) },
      { version: 2, created_at: a2.created_at, content_hash: sha256Hex(v2) },
      { version: 3, created_at: a3.created_at, content_hash: sha256Hex(v1) },
    ]);
    expect(store.portfolios.list()).toEqual([
      {
        portfolio_id: a.portfolio_id,
        name: 'A renamed',
        created_at: a.created_at,
        latest_version: 3,
        updated_at: a3.created_at,
      },
      {
        portfolio_id: b.portfolio_id,
        name: 'B',
        created_at: b.created_at,
        latest_version: 1,
        updated_at: b.created_at,
      },
    ]);
    const edits = store.audit.list({ subject: a.portfolio_id });
    expect(edits.map((e) => e.action)).toEqual([
      'portfolio.created',
      'portfolio.edited',
      'portfolio.edited',
    ]);
    expect(JSON.parse(edits[2]!.payload_json)).toMatchObject({
      version: 3,
      previous_version: 2,
      name: 'A renamed',
    });
    expect(store.audit.verify()).toMatchObject({ ok: true, events: 4 });
  });

  it('validates input and reports unknown ids', () => {
    const { store } = open();
    expect(() => store.portfolios.create({ name: ' ', content_json: '{' })).toThrow(
      expect.objectContaining({
        code: 'BAD_REQUEST',
        details: [
          { path: 'content_json', message: 'must be valid JSON text' },
          { path: 'name', message: 'must be a string of 1..200 characters, not blank' },
        ],
      }),
    );
    expect(() => store.portfolios.edit('nope', { content_json: '{}' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(store.portfolios.list()).toEqual([]);
    expect(store.audit.head().seq).toBe(0);
  });
});
