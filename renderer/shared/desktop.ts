/**
 * The desktop shell's bridge (electron/preload.ts), as the page sees it. Only `invoke` is
 * required: a bridge without the file functions (a test double, an older preload) gets the
 * browser behaviour — downloads, and no menu commands.
 */
import type { Result } from '../../src/contract/common';
import { MenuCommand, type MenuState } from '../../src/contract/desktop';

export interface DesktopBridge {
  invoke(op: string, input: unknown): Promise<Result<unknown>>;
  /** Save dialog, then write: answers a SaveOutcome. */
  saveFile?(name: string, content: string): Promise<Result<unknown>>;
  /** Reveals a file the shell saved in this session (any other path is refused). */
  showInFolder?(path: string): Promise<Result<unknown>>;
  /** Enables or disables File ▸ Export Run… and Export Orders…. */
  setMenuState?(state: MenuState): Promise<Result<unknown>>;
  /** File menu commands; returns the function that stops listening. */
  onMenuCommand?(listener: (command: unknown) => void): () => void;
}

function bridge(): DesktopBridge | undefined {
  return typeof window !== 'undefined' ? window.desktop : undefined;
}

/** The bridge when it can save files (desktop), else null (browser mode: downloads). */
export function desktopFiles(): Required<Pick<DesktopBridge, 'saveFile' | 'showInFolder'>> | null {
  const b = bridge();
  return b?.saveFile && b.showInFolder
    ? { saveFile: b.saveFile.bind(b), showInFolder: b.showInFolder.bind(b) }
    : null;
}

/** Tells the shell which export items apply; a no-op in browser mode. */
export function setMenuState(state: MenuState): void {
  void bridge()
    ?.setMenuState?.(state)
    .catch(() => undefined);
}

/**
 * Listens to File menu commands; each is validated (MenuCommand) before `onCommand` sees it, a
 * malformed one is dropped. Returns the unsubscribe function (a no-op in browser mode).
 */
export function onMenuCommand(onCommand: (c: MenuCommand) => void): () => void {
  const b = bridge();
  if (!b?.onMenuCommand) return () => undefined;
  return b.onMenuCommand((raw) => {
    const parsed = MenuCommand.safeParse(raw);
    if (parsed.success) onCommand(parsed.data);
  });
}
