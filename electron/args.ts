/**
 * Command line of the desktop app: `--port N` (0 = any free port) and `--data-dir DIR`, as in
 * browser mode (src/cli/args.ts). Unlike browser mode, unknown arguments are ignored: Electron
 * and Chromium put their own switches (and, unpackaged, the app path) in argv.
 */
export interface DesktopArgs {
  /** The local API's port for this session (0 = any free port); null: the saved setting. */
  port: number | null;
  dataDir: string | null;
}

export function parseDesktopArgs(argv: readonly string[]): DesktopArgs {
  let port: number | null = null;
  let dataDir: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    let name = a;
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      name = a.slice(0, eq);
      value = a.slice(eq + 1);
    }
    if (name !== '--port' && name !== '--data-dir') continue;
    if (value === undefined) {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value === '') throw new Error(`${name} needs a value`);
    if (name === '--port') {
      const p = Number(value);
      if (!Number.isInteger(p) || p < 0 || p > 65535)
        throw new Error(`--port: "${value}" is not a port (0-65535)`);
      port = p;
    } else dataDir = value;
  }
  return { port, dataDir };
}
