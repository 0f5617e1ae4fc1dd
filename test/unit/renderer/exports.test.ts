/**
 * The renderer's side of exports and menu commands, without a DOM: the suggested file names,
 * saving through a (fake) desktop bridge — saved, cancelled, refused, too large — and menu
 * commands checked before the page acts on them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_SAVE_CHARS, SaveRequest } from '../../../src/contract/desktop';
import { onMenuCommand } from '../../../renderer/shared/desktop';
import { exportFileName, saveText } from '../../../renderer/shared/exports';

afterEach(() => vi.unstubAllGlobals());

function withBridge(bridge: Record<string, unknown>) {
  vi.stubGlobal('window', { desktop: { invoke: vi.fn(), ...bridge } });
}

describe('exportFileName', () => {
  it('run-<id>.json and orders-<id>.csv, names the shell accepts', () => {
    const id = '01JEXAMPLE0000000000000000';
    expect(exportFileName('run', id)).toBe(`run-${id}.json`);
    expect(exportFileName('orders', id)).toBe(`orders-${id}.csv`);
    expect(exportFileName('orders', '../x')).toBe('orders-___x.csv');
    for (const name of [exportFileName('run', id), exportFileName('orders', '../../x y')])
      expect(SaveRequest.safeParse({ name, content: '' }).success, name).toBe(true);
  });
});

describe('saveText through the desktop bridge', () => {
  it('saved: the path the shell wrote', async () => {
    const saveFile = vi.fn(async () => ({
      ok: true,
      value: { saved: true, path: '/home/pm/run-1.json', name: 'run-1.json' },
    }));
    withBridge({ saveFile, showInFolder: vi.fn() });
    expect(await saveText('run-1.json', '{}', 'application/json')).toEqual({
      state: 'saved',
      name: 'run-1.json',
      path: '/home/pm/run-1.json',
    });
    expect(saveFile).toHaveBeenCalledWith('run-1.json', '{}');
  });

  it('cancelled, refused, and an answer of the wrong shape', async () => {
    withBridge({
      saveFile: async () => ({ ok: true, value: { saved: false } }),
      showInFolder: vi.fn(),
    });
    expect(await saveText('a.csv', 'x', 'text/csv')).toEqual({ state: 'cancelled' });
    withBridge({
      saveFile: async () => ({ ok: false, error: { code: 'BAD_REQUEST', message: 'no' } }),
      showInFolder: vi.fn(),
    });
    expect(await saveText('a.csv', 'x', 'text/csv')).toEqual({
      state: 'error',
      error: { code: 'BAD_REQUEST', message: 'no' },
    });
    withBridge({
      saveFile: async () => ({ ok: true, value: { saved: 'yes' } }),
      showInFolder: vi.fn(),
    });
    expect(await saveText('a.csv', 'x', 'text/csv')).toMatchObject({
      state: 'error',
      error: { code: 'INTERNAL' },
    });
  });

  it('content over the shell’s limit is refused here, never sent', async () => {
    const saveFile = vi.fn();
    withBridge({ saveFile, showInFolder: vi.fn() });
    const r = await saveText('a.csv', 'x'.repeat(MAX_SAVE_CHARS + 1), 'text/csv');
    expect(r).toMatchObject({ state: 'error', error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(saveFile).not.toHaveBeenCalled();
  });
});

describe('onMenuCommand', () => {
  it('passes valid commands on and drops malformed ones', () => {
    let listener: ((c: unknown) => void) | null = null;
    const off = vi.fn();
    withBridge({
      onMenuCommand: (l: (c: unknown) => void) => {
        listener = l;
        return off;
      },
    });
    const seen: unknown[] = [];
    const stop = onMenuCommand((c) => seen.push(c));
    const send = (c: unknown) => (listener as unknown as (c: unknown) => void)(c);
    send({ type: 'export', what: 'orders' });
    send({ type: 'import', kind: 'prices', name: 'p.csv', bytes: new Uint8Array([1]) });
    send({ type: 'export', what: 'everything' });
    send({ type: 'import', kind: 'prices', name: 'p.csv', bytes: 'not bytes' });
    send({ type: 'open', path: '/etc/passwd' });
    expect(seen).toEqual([
      { type: 'export', what: 'orders' },
      { type: 'import', kind: 'prices', name: 'p.csv', bytes: new Uint8Array([1]) },
    ]);
    stop();
    expect(off).toHaveBeenCalledOnce();
  });

  it('is a no-op without a bridge (browser mode)', () => {
    vi.stubGlobal('window', {});
    expect(() => onMenuCommand(() => undefined)()).not.toThrow();
  });
});
