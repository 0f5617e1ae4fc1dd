/**
 * Preload (sandboxed, CommonJS): the only bridge between the page and the main process. It
 * exposes `window.desktop` with five functions and nothing else — never `ipcRenderer` itself, so
 * the page cannot send on any other channel, and never an IPC event object (whose `sender` is
 * ipcRenderer). Every channel is sender-checked and validated again in main (electron/ipc.ts,
 * electron/files.ts); the checks here only give a clear answer early.
 *
 * - invoke(op, input): the engine (rpc:invoke)
 * - saveFile(name, content): save dialog, write; answers {saved, path?, name?}
 * - showInFolder(path): reveal a file this session saved
 * - setMenuState({exportRun, exportOrders}): enable File ▸ Export items
 * - onMenuCommand(listener): File menu commands for the page; returns the unsubscribe function
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS } from './channels';

const badRequest = (message: string) =>
  Promise.resolve({ ok: false, error: { code: 'BAD_REQUEST', message } });

contextBridge.exposeInMainWorld('desktop', {
  invoke(op: string, input: unknown): Promise<unknown> {
    if (typeof op !== 'string') return badRequest('op must be a string');
    return ipcRenderer.invoke(CHANNELS.rpc, { op, input });
  },
  saveFile(name: string, content: string): Promise<unknown> {
    if (typeof name !== 'string' || typeof content !== 'string')
      return badRequest('name and content must be strings');
    return ipcRenderer.invoke(CHANNELS.save, { name, content });
  },
  showInFolder(path: string): Promise<unknown> {
    if (typeof path !== 'string') return badRequest('path must be a string');
    return ipcRenderer.invoke(CHANNELS.showInFolder, { path });
  },
  setMenuState(state: { exportRun: boolean; exportOrders: boolean }): Promise<unknown> {
    return ipcRenderer.invoke(CHANNELS.menuState, {
      exportRun: state?.exportRun === true,
      exportOrders: state?.exportOrders === true,
    });
  },
  onMenuCommand(listener: (command: unknown) => void): () => void {
    if (typeof listener !== 'function') return () => undefined;
    const forward = (_event: IpcRendererEvent, command: unknown) => listener(command);
    ipcRenderer.on(CHANNELS.menuCommand, forward);
    return () => {
      ipcRenderer.removeListener(CHANNELS.menuCommand, forward);
    };
  },
});
