/**
 * electron/menu.ts: the application menu's template, built without Electron. The File menu's
 * import and export items, their accelerators, the export items' enabled state (from what the
 * page reports), and Help ▸ Documentation beside the local API items.
 */
import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate, type MenuActions, type MenuState } from '../../electron/menu';

const STATE: MenuState = {
  title: 'Smart Portfolio Rebalancer',
  isMac: false,
  isPackaged: true,
  apiEnabled: true,
  exportRun: false,
  exportOrders: false,
};

function actions(): MenuActions {
  return {
    importFile: vi.fn(),
    exportRun: vi.fn(),
    exportOrders: vi.fn(),
    setApiEnabled: vi.fn(),
    copyApiAddress: vi.fn(),
    openDocs: vi.fn(),
    showApi: vi.fn(),
    rotateToken: vi.fn(),
    about: vi.fn(),
  };
}

type Item = MenuItemConstructorOptions;
const submenu = (t: Item[], pick: (m: Item) => boolean): Item[] => t.find(pick)!.submenu as Item[];
const byLabel = (items: Item[], label: string): Item => {
  const found = items.find((i) => i.label === label);
  if (!found) throw new Error(`no item ${label}`);
  return found;
};
/** Runs an item's click as Electron would (the item itself first). */
const click = (item: Item) =>
  (item.click as unknown as (i: Item) => void)({ ...item, checked: !item.checked } as Item);

describe('application menu template', () => {
  it('File: Import Portfolio…, Import Prices…, Export Run…, Export Orders…, then the local API items and Quit', () => {
    const file = submenu(menuTemplate(STATE, actions()), (m) => m.label === 'File');
    expect(file.map((i) => i.label ?? i.role ?? i.type)).toEqual([
      'Import Portfolio…',
      'Import Prices…',
      'separator',
      'Export Run…',
      'Export Orders…',
      'separator',
      'Local API for Scripts',
      'Copy Local API Address',
      'separator',
      'quit',
    ]);
    expect(byLabel(file, 'Import Portfolio…').accelerator).toBe('CmdOrCtrl+O');
    expect(byLabel(file, 'Import Prices…').accelerator).toBe('CmdOrCtrl+Shift+O');
    expect(byLabel(file, 'Export Run…').accelerator).toBe('CmdOrCtrl+E');
    expect(byLabel(file, 'Export Orders…').accelerator).toBe('CmdOrCtrl+Shift+E');
  });

  it('the export items are enabled exactly as the page reports (a run shown; it has orders)', () => {
    for (const [exportRun, exportOrders] of [
      [false, false],
      [true, false],
      [true, true],
    ] as const) {
      const file = submenu(
        menuTemplate({ ...STATE, exportRun, exportOrders }, actions()),
        (m) => m.label === 'File',
      );
      expect(byLabel(file, 'Export Run…').enabled).toBe(exportRun);
      expect(byLabel(file, 'Export Orders…').enabled).toBe(exportOrders);
      // Import needs no open run.
      expect(byLabel(file, 'Import Portfolio…').enabled).toBeUndefined();
    }
  });

  it('each item calls its action: imports with their kind, exports, API toggle with the new state', () => {
    const a = actions();
    const t = menuTemplate({ ...STATE, exportRun: true, exportOrders: true }, a);
    const file = submenu(t, (m) => m.label === 'File');
    click(byLabel(file, 'Import Portfolio…'));
    click(byLabel(file, 'Import Prices…'));
    click(byLabel(file, 'Export Run…'));
    click(byLabel(file, 'Export Orders…'));
    click(byLabel(file, 'Local API for Scripts'));
    expect(a.importFile).toHaveBeenNthCalledWith(1, 'portfolio');
    expect(a.importFile).toHaveBeenNthCalledWith(2, 'prices');
    expect(a.exportRun).toHaveBeenCalledOnce();
    expect(a.exportOrders).toHaveBeenCalledOnce();
    // Checked before the click (apiEnabled), so the click turns it off.
    expect(a.setApiEnabled).toHaveBeenCalledWith(false);
  });

  it('Help: Documentation, the local API address and token, rotation, About', () => {
    const a = actions();
    const help = submenu(menuTemplate(STATE, a), (m) => m.role === 'help');
    expect(help.filter((i) => i.label).map((i) => i.label)).toEqual([
      'Documentation',
      'Local API Address and Token…',
      'Rotate Local API Token…',
      'About Smart Portfolio Rebalancer',
    ]);
    click(byLabel(help, 'Documentation'));
    click(byLabel(help, 'Local API Address and Token…'));
    click(byLabel(help, 'Rotate Local API Token…'));
    expect(a.openDocs).toHaveBeenCalledOnce();
    expect(a.showApi).toHaveBeenCalledOnce();
    expect(a.rotateToken).toHaveBeenCalledOnce();
  });

  it('macOS gets the app menu and Close; developer tools only when not packaged', () => {
    const mac = menuTemplate({ ...STATE, isMac: true, isPackaged: false }, actions());
    expect(mac[0]).toEqual({ role: 'appMenu' });
    expect(submenu(mac, (m) => m.label === 'File').at(-1)).toEqual({ role: 'close' });
    const roles = (t: Item[]) => submenu(t, (m) => m.label === 'View').map((i) => i.role);
    expect(roles(mac)).toContain('toggleDevTools');
    expect(roles(menuTemplate(STATE, actions()))).not.toContain('toggleDevTools');
  });
});
