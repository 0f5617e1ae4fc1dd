/**
 * electron/ipc.ts: the sender-frame gate every page channel goes through. Only the main frame at
 * app://workstation is answered; the handler never runs otherwise.
 */
import { describe, expect, it, vi } from 'vitest';
import { FORBIDDEN_SENDER, guarded } from '../../electron/ipc';

const isAppUrl = (u: string) => u.startsWith('app://workstation/');

function event(url: string, top = true, gone = false) {
  const frame = { url };
  return { senderFrame: gone ? null : frame, sender: { mainFrame: top ? frame : {} } };
}

describe('guarded IPC handler', () => {
  it('runs the handler for the workstation page’s main frame', async () => {
    const h = vi.fn(() => ({ ok: true as const, value: 1 }));
    const g = guarded(isAppUrl, h);
    expect(await g(event('app://workstation/index.html'), { x: 1 })).toEqual({
      ok: true,
      value: 1,
    });
    expect(h).toHaveBeenCalledWith({ x: 1 });
  });

  it('refuses another origin, a subframe and a frame that is gone, without running the handler', async () => {
    const h = vi.fn(() => ({ ok: true as const, value: 1 }));
    const g = guarded(isAppUrl, h);
    for (const e of [
      event('https://evil.example/'),
      event('file:///etc/passwd'),
      event('app://workstation/index.html', false),
      event('app://workstation/index.html', true, true),
    ]) {
      expect(await g(e, {})).toEqual(FORBIDDEN_SENDER);
    }
    expect(h).not.toHaveBeenCalled();
  });
});
