/**
 * The IPC channel names, once, for the main process and the preload (which bundles this file).
 * Renderer → main (ipcRenderer.invoke, every one sender-checked in electron/ipc.ts):
 *   rpc:invoke          {op, input} → the engine's Result envelope
 *   file:save           {name, content} → save dialog, write, {saved, path?, name?}
 *   file:show-in-folder {path} → shell.showItemInFolder, for a path saved in this session only
 *   menu:state          {exportRun, exportOrders} → the File menu's export items enabled or not
 * Main → renderer (webContents.send):
 *   menu:command        {type: 'import', kind, name, bytes} | {type: 'export', what}
 */
export const CHANNELS = {
  rpc: 'rpc:invoke',
  save: 'file:save',
  showInFolder: 'file:show-in-folder',
  menuState: 'menu:state',
  menuCommand: 'menu:command',
} as const;
