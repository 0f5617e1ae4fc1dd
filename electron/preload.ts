/**
 * Preload (sandboxed, CommonJS): the only bridge between the page and the main process.
 * It exposes `window.desktop.invoke(op, input)` and nothing else — never `ipcRenderer` itself,
 * so the page cannot send on any other channel.
 */
import { contextBridge, ipcRenderer } from 'electron';

const IPC_CHANNEL = 'rpc:invoke';

contextBridge.exposeInMainWorld('desktop', {
  invoke(op: string, input: unknown): Promise<unknown> {
    if (typeof op !== 'string') {
      return Promise.resolve({
        ok: false,
        error: { code: 'BAD_REQUEST', message: 'op must be a string' },
      });
    }
    return ipcRenderer.invoke(IPC_CHANNEL, { op, input });
  },
});
