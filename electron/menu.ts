/**
 * The application menu as a template: what each item does is an injected action, what it shows
 * (the local API's state, whether a run is open to export) is the state passed in. main.ts
 * rebuilds the menu whenever that state changes; the test builds it without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ImportKind } from '../src/contract/importFiles';

export interface MenuState {
  title: string;
  isMac: boolean;
  /** Developer tools only in an unpackaged build. */
  isPackaged: boolean;
  apiEnabled: boolean;
  /** Reported by the page (menu:state): a run is shown, and it has orders to export. */
  exportRun: boolean;
  exportOrders: boolean;
}

export interface MenuActions {
  importFile(kind: ImportKind): void;
  exportRun(): void;
  exportOrders(): void;
  setApiEnabled(on: boolean): void;
  copyApiAddress(): void;
  openDocs(): void;
  showApi(): void;
  rotateToken(): void;
  about(): void;
}

export function menuTemplate(s: MenuState, a: MenuActions): MenuItemConstructorOptions[] {
  return [
    ...(s.isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        {
          label: 'Import Portfolio…',
          accelerator: 'CmdOrCtrl+O',
          click: () => a.importFile('portfolio'),
        },
        {
          label: 'Import Prices…',
          accelerator: 'CmdOrCtrl+Shift+O',
          click: () => a.importFile('prices'),
        },
        { type: 'separator' },
        // Disabled while no run is shown (Runs or the workstation's saved result): the page says
        // which run is open over menu:state.
        {
          label: 'Export Run…',
          accelerator: 'CmdOrCtrl+E',
          enabled: s.exportRun,
          click: () => a.exportRun(),
        },
        {
          label: 'Export Orders…',
          accelerator: 'CmdOrCtrl+Shift+E',
          enabled: s.exportOrders,
          click: () => a.exportOrders(),
        },
        { type: 'separator' },
        {
          label: 'Local API for Scripts',
          type: 'checkbox',
          checked: s.apiEnabled,
          click: (item) => a.setApiEnabled(item.checked),
        },
        {
          label: 'Copy Local API Address',
          enabled: s.apiEnabled,
          click: () => a.copyApiAddress(),
        },
        { type: 'separator' },
        s.isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(s.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      role: 'help',
      submenu: [
        { label: 'Documentation', click: () => a.openDocs() },
        { type: 'separator' },
        { label: 'Local API Address and Token…', click: () => a.showApi() },
        { label: 'Rotate Local API Token…', click: () => a.rotateToken() },
        { type: 'separator' },
        { label: `About ${s.title}`, click: () => a.about() },
      ],
    },
  ];
}
