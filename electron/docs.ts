/**
 * Help ▸ Documentation: the README (the feature list, set-up, and links to docs/*.md). A packaged
 * app carries it with docs/ as extra resources (electron-builder.yml: resources/docs/README.md
 * and resources/docs/docs/, so the README's relative links still resolve); a checkout opens its
 * own README. Opened with the system's viewer for Markdown (shell.openPath), never a URL.
 */
import { join } from 'node:path';

export interface DocsDeps {
  isPackaged: boolean;
  resourcesPath: string;
  appPath: string;
  exists(path: string): boolean;
  /** shell.openPath: resolves to an error message, or '' when the file was opened. */
  openPath(path: string): Promise<string>;
  showError(message: string, detail: string): void;
}

export function docsEntry(d: Pick<DocsDeps, 'isPackaged' | 'resourcesPath' | 'appPath'>): string {
  return d.isPackaged ? join(d.resourcesPath, 'docs', 'README.md') : join(d.appPath, 'README.md');
}

export async function openDocs(d: DocsDeps): Promise<void> {
  const file = docsEntry(d);
  if (!d.exists(file)) {
    d.showError('The documentation is missing', `${file} does not exist in this installation.`);
    return;
  }
  const problem = await d.openPath(file);
  if (problem) d.showError('The documentation could not be opened', `${file}: ${problem}`);
}
