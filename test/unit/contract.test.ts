import { describe, expect, it } from 'vitest';
import { buildOpenApi } from '../../src/contract/openapi';
import { operations } from '../../src/contract/operations';
import { createHandlers } from '../../src/services/handlers';
import { canonicalJson, sha256Hex } from '../../src/domain/canonical';
import type { Store } from '../../src/ports/store';

describe('contract', () => {
  it('every operation has a handler', () => {
    const handlers = createHandlers({
      clock: { now: () => new Date(0), monotonicMs: () => 0 },
      store: {} as Store,
      scenarios: [],
    });
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(operations).sort());
  });
  it('keeps the seed routes and their methods', () => {
    const routes = Object.values(operations).map((o) => `${o.method} ${o.path}`);
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /api/health',
        'POST /api/rebalance',
        'GET /api/preview-scenarios',
      ]),
    );
  });
  it('generates OpenAPI 3.1 with the snake_case request fields', () => {
    const doc = buildOpenApi() as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: Record<string, { schema: { properties: Record<string, unknown> } }>;
            };
          }
        >
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    const props =
      doc.paths['/api/rebalance']!.post!.requestBody!.content['application/json']!.schema
        .properties;
    for (const f of [
      'portfolio_value',
      'drift_threshold',
      'turnover_limit',
      'transaction_cost_bps',
      'risk_free_rate',
      'assets',
      'price_history',
      'benchmark',
      'monte_carlo',
      'rebalance_to',
    ])
      expect(props, f).toHaveProperty(f);
  });
});

describe('canonical JSON and SHA-256', () => {
  it('matches FIPS 180-4 test vectors', () => {
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [true, null, { d: 2, c: undefined }] })).toBe(
      '{"a":[true,null,{"d":2}],"b":1}',
    );
  });
});

describe('canonical JSON refuses what JSON cannot represent', () => {
  it('names the path of a non-finite number, in number arrays too', () => {
    expect(() => canonicalJson({ prices: { A: [1, 2, Infinity] } })).toThrow(
      /\(root\)\.prices\.A\.2 is not a finite/,
    );
    expect(() => canonicalJson([{ x: NaN }])).toThrow(/\(root\)\.0\.x/);
  });
});

describe('isRealDate', () => {
  it('agrees with the calendar (Date) on every day-of-month string of 1899–2101', async () => {
    const { isRealDate } = await import('../../src/contract/rebalance');
    let checked = 0;
    for (let y = 1899; y <= 2101; y++)
      for (let m = 0; m <= 13; m++)
        for (let d = 0; d <= 32; d++) {
          const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const t = Date.parse(`${s}T00:00:00Z`);
          const real = Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
          expect(isRealDate(s), s).toBe(real);
          checked++;
        }
    expect(checked).toBe(203 * 14 * 33);
  });
});
