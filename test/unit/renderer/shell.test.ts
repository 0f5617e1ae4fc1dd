/**
 * Pure pieces of the renderer's shell (no DOM): the keys of the WAI-ARIA tab strip, the theme a
 * choice resolves to, the Δ of the A/B comparison table and the cancelled-call result.
 */
import { describe, expect, it } from 'vitest';
import { call, cancelledError, isCancelled } from '../../../renderer/shared/api';
import { rowDelta } from '../../../renderer/shared/delta';
import { nextTabIndex } from '../../../renderer/shared/tabKeys';
import { resolveTheme } from '../../../renderer/shared/theme';

describe('nextTabIndex (Left/Right wrap, Home/End)', () => {
  it('moves right and left, wrapping at both ends', () => {
    expect(nextTabIndex('ArrowRight', 0, 4)).toBe(1);
    expect(nextTabIndex('ArrowRight', 3, 4)).toBe(0);
    expect(nextTabIndex('ArrowLeft', 2, 4)).toBe(1);
    expect(nextTabIndex('ArrowLeft', 0, 4)).toBe(3);
  });
  it('jumps to the first and last tab', () => {
    expect(nextTabIndex('Home', 2, 4)).toBe(0);
    expect(nextTabIndex('End', 1, 4)).toBe(3);
  });
  it('ignores other keys and empty strips', () => {
    expect(nextTabIndex('ArrowDown', 1, 4)).toBeNull();
    expect(nextTabIndex('Enter', 1, 4)).toBeNull();
    expect(nextTabIndex('ArrowRight', 0, 0)).toBeNull();
  });
});

describe('resolveTheme', () => {
  it('follows the system only when the choice is "system"', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});

describe('rowDelta (Δ = B − A)', () => {
  it('is B − A when both sides have a number', () => {
    expect(rowDelta({ a: 0.15, b: 0.2 })).toBeCloseTo(0.05, 12);
    expect(rowDelta({ a: 100, b: -50 })).toBe(-150);
  });
  it('is none when a side is missing, absent or not finite', () => {
    expect(rowDelta({ a: null, b: 0.2 })).toBeNull();
    expect(rowDelta({ a: undefined, b: 3 })).toBeNull();
    expect(rowDelta({ a: Number.NaN, b: 3 })).toBeNull();
  });
  it('keeps the engine’s own Δ when given (even where B − A would differ)', () => {
    expect(rowDelta({ a: 1, b: 2, delta: 0.5 })).toBe(0.5);
    expect(rowDelta({ a: 1, b: 2, delta: null })).toBeNull();
  });
});

describe('cancelled calls', () => {
  it('resolve at once with the cancelled error when the signal has already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await call('health', {}, { signal: ac.signal });
    expect(r).toEqual({ ok: false, error: cancelledError() });
    expect(!r.ok && isCancelled(r.error)).toBe(true);
  });
  it('are told apart from engine failures', () => {
    expect(isCancelled({ code: 'INTERNAL', message: 'cancelled' })).toBe(true);
    expect(isCancelled({ code: 'INTERNAL', message: 'the engine failed' })).toBe(false);
    expect(isCancelled({ code: 'BAD_REQUEST', message: 'cancelled' })).toBe(false);
  });
});
