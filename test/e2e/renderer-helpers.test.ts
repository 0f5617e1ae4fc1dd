/**
 * The renderer's pure helpers (no DOM): the request editor's JSON locator and pretty-printer, and
 * the display formatting every view uses. Expected values are worked out by hand below.
 */
import { describe, expect, it } from 'vitest';
import { lineCol, locatePath, prettyJson, syntaxErrorOffset } from '../../renderer/shared/json';
import {
  bandConstraint,
  money,
  orderStatus,
  pct,
  pp,
  spct,
  units,
} from '../../renderer/shared/format';
import { BAND_CONSTRAINTS, ORDER_STATUSES } from '../../src/contract/rebalance';

describe('locatePath', () => {
  const text = '{"a": [1, {"b": -2.5}], "c": "x"}';
  //            0123456789012345678901234567890123
  it('finds a nested value by dotted path', () => {
    expect(locatePath(text, 'a.1.b')).toEqual({ start: 16, end: 20, exact: true });
    expect(text.slice(16, 20)).toBe('-2.5');
    expect(locatePath(text, 'c')).toEqual({ start: 29, end: 32, exact: true });
    expect(locatePath(text, 'a.0')).toEqual({ start: 7, end: 8, exact: true });
  });
  it('falls back to the deepest existing parent for a missing field', () => {
    // a.1 is {"b": -2.5} at 10..21; "price" does not exist inside it.
    expect(locatePath(text, 'a.1.price')).toEqual({ start: 10, end: 21, exact: false });
  });
  it('treats (root) as the whole document and rejects non-JSON', () => {
    expect(locatePath(text, '(root)')).toEqual({ start: 0, end: text.length, exact: true });
    expect(locatePath('{"a": 1,}', 'a')).toBeNull();
    expect(locatePath('{"a": 1} x', 'a')).toBeNull();
  });
  it('handles escapes in keys and strings', () => {
    const t = '{"k\\"q": "v\\\\", "n": 3}';
    expect(JSON.parse(t)).toEqual({ 'k"q': 'v\\', n: 3 });
    const span = locatePath(t, 'n');
    expect(span && t.slice(span.start, span.end)).toBe('3');
  });
});

describe('prettyJson', () => {
  it('keeps arrays of plain values on one line and round-trips', () => {
    const v = { a: [1, 2, 3], b: [{ c: null }], d: {}, e: [] as unknown[], f: 'x' };
    const out = prettyJson(v);
    expect(out).toBe(
      '{\n  "a": [1, 2, 3],\n  "b": [\n    {\n      "c": null\n    }\n  ],\n  "d": {},\n  "e": [],\n  "f": "x"\n}',
    );
    expect(JSON.parse(out)).toEqual(v);
  });
});

describe('lineCol and syntaxErrorOffset', () => {
  it('maps offsets to 1-based line and column', () => {
    expect(lineCol('ab\ncd', 4)).toEqual({ line: 2, col: 2 });
    expect(lineCol('ab', 0)).toEqual({ line: 1, col: 1 });
  });
  it('reads both V8 message styles', () => {
    expect(syntaxErrorOffset('Unexpected token } in JSON at position 7', '')).toBe(7);
    expect(syntaxErrorOffset('Expected value (line 2 column 3)', 'ab\ncdef')).toBe(5);
    expect(syntaxErrorOffset('something else', 'x')).toBeNull();
  });
});

describe('format', () => {
  it('formats fractions, points and money, and shows missing values as a dash', () => {
    expect(pct(0.12345)).toBe('12.35%');
    expect(pct(null)).toBe('—');
    expect(pct(Number.NaN)).toBe('—');
    expect(spct(0.012)).toBe('+1.20%');
    expect(spct(-0.012)).toBe('-1.20%');
    expect(pp(0.0658)).toBe('+6.58 pp');
    expect(pp(-0.0345)).toBe('-3.45 pp');
    // −0.00004 rounds to 0.00 pp: no sign, no "-0.00".
    expect(pp(-0.00004)).toBe('0.00 pp');
    expect(money(65829.74, 'USD')).toBe('$65,829.74');
    expect(money(1234.5, 'EUR')).toBe('€1,234.50');
    expect(units(-2293)).toBe('-2,293');
    expect(units(0.12345678)).toBe('0.12345678');
  });
});

describe('order status and band constraint wording', () => {
  it('words every OrderStatus of the contract, none left as a raw code', () => {
    for (const s of ORDER_STATUSES) {
      const w = orderStatus(s);
      expect(w.label).not.toContain('_');
      expect(w.help.length).toBeGreaterThan(10);
    }
    expect(orderStatus('scaled_by_cap')).toMatchObject({ label: 'scaled by cap', tone: 'reduced' });
    expect(orderStatus('rounded_to_zero')).toMatchObject({
      label: 'under one lot',
      tone: 'skipped',
    });
    expect(orderStatus('traded').tone).toBe('sent');
    expect(orderStatus('in_band').tone).toBe('none');
    // A code the UI does not know yet is shown, not hidden.
    expect(orderStatus('new_status').label).toBe('new status');
  });
  it('names every band constraint as a plain word', () => {
    expect(BAND_CONSTRAINTS.map((c) => bandConstraint(c).label)).toEqual([
      'turnover cap',
      'lot size',
      'minimum trade',
      'restricted',
      'cash',
      'method',
    ]);
    expect(bandConstraint(null).label).toBe('—');
  });
});
