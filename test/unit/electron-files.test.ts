/**
 * electron/files.ts with injected dialogs, file system and shell: import files are filtered and
 * refused over the importer's limit before being read; saves are validated (name, size) and
 * written where the user chose; Show in folder only for a path saved in this session.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DesktopFiles, megabytes, type FileDeps } from '../../electron/files';
import { MAX_SAVE_CHARS } from '../../src/contract/desktop';
import { MAX_IMPORT_CONTENT, maxImportFileBytes } from '../../src/contract/importFiles';

const DOCS = resolve('/home/pm/Documents');

function setup(over: Partial<FileDeps> = {}) {
  const written = new Map<string, string>();
  const deps: FileDeps = {
    showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] })),
    showSaveDialog: vi.fn(async () => ({ canceled: true, filePath: '' })),
    fileSize: vi.fn(async () => 10),
    readFile: vi.fn(async () => new Uint8Array([97, 44, 98])),
    writeFile: vi.fn(async (p: string, c: string) => void written.set(p, c)),
    showItemInFolder: vi.fn(),
    showError: vi.fn(),
    defaultDir: () => DOCS,
    ...over,
  };
  return { files: new DesktopFiles(deps), deps, written };
}

describe('File ▸ Import: open dialog', () => {
  it('filters to what each import takes and hands over the bytes with the kind and name', async () => {
    const { files, deps } = setup({
      showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/data/Book1.XLSX'] })),
    });
    const cmd = await files.openForImport('prices');
    expect(cmd).toEqual({
      type: 'import',
      kind: 'prices',
      name: 'Book1.XLSX',
      bytes: new Uint8Array([97, 44, 98]),
    });
    const opts = vi.mocked(deps.showOpenDialog).mock.calls[0]![0];
    expect(opts.filters).toEqual([
      { name: 'Price files (CSV, XLSX)', extensions: ['csv', 'txt', 'tsv', 'xlsx', 'xlsm'] },
    ]);
    expect(opts.defaultPath).toBe(DOCS);
    await files.openForImport('portfolio');
    const again = vi.mocked(deps.showOpenDialog).mock.calls[1]![0];
    expect(again.filters![0]!.extensions).toEqual(['csv', 'txt', 'tsv', 'xlsx', 'xlsm', 'json']);
    // The next dialog opens where the last file was.
    expect(again.defaultPath).toBe(resolve('/data'));
  });

  it('a cancelled dialog does nothing', async () => {
    const { files, deps } = setup();
    expect(await files.openForImport('portfolio')).toBeNull();
    expect(deps.readFile).not.toHaveBeenCalled();
    expect(deps.showError).not.toHaveBeenCalled();
  });

  it('refuses a file of another kind (JSON prices, an image) with a message, unread', async () => {
    for (const [kind, path] of [
      ['prices', '/d/prices.json'],
      ['portfolio', '/d/shot.png'],
    ] as const) {
      const { files, deps } = setup({
        showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: [path] })),
      });
      expect(await files.openForImport(kind)).toBeNull();
      expect(deps.readFile).not.toHaveBeenCalled();
      expect(vi.mocked(deps.showError).mock.calls[0]![0]).toMatch(/cannot be imported as/);
    }
  });

  it('refuses a file over the importer’s size limit before reading it, saying both sizes', async () => {
    // 48 MiB of CSV text fits; one byte more does not. A workbook is limited to 3/4 of that.
    expect(maxImportFileBytes('csv')).toBe(MAX_IMPORT_CONTENT);
    expect(maxImportFileBytes('xlsx')).toBe(36 * 1024 * 1024);
    const at = setup({
      showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/d/big.csv'] })),
      fileSize: vi.fn(async () => MAX_IMPORT_CONTENT),
    });
    expect(await at.files.openForImport('prices')).not.toBeNull();
    const over = setup({
      showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/d/big.xlsx'] })),
      fileSize: vi.fn(async () => 36 * 1024 * 1024 + 1),
    });
    expect(await over.files.openForImport('portfolio')).toBeNull();
    expect(over.deps.readFile).not.toHaveBeenCalled();
    const [message, detail] = vi.mocked(over.deps.showError).mock.calls[0]!;
    expect(message).toBe('big.xlsx is too large to import');
    expect(detail).toContain(
      'It is 36.0 MB; the importer takes an XLSX workbook of at most 36.0 MB',
    );
    expect(megabytes(MAX_IMPORT_CONTENT)).toBe('48.0 MB');
  });

  it('a read that fails is reported, not thrown', async () => {
    const { files, deps } = setup({
      showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/d/gone.csv'] })),
      fileSize: vi.fn(async () => {
        throw new Error('ENOENT: no such file');
      }),
    });
    expect(await files.openForImport('portfolio')).toBeNull();
    expect(deps.showError).toHaveBeenCalledWith(
      'gone.csv could not be read',
      'ENOENT: no such file',
    );
  });
});

describe('file:save and file:show-in-folder', () => {
  const chosen = resolve('/home/pm/exports/orders-01J.csv');

  it('suggests the name in the documents folder, writes where the user chose, answers the path', async () => {
    const { files, deps, written } = setup({
      showSaveDialog: vi.fn(async () => ({ canceled: false, filePath: chosen })),
    });
    const r = await files.save({ name: 'orders-01J.csv', content: 'a,b\r\n' });
    expect(r).toEqual({ ok: true, value: { saved: true, path: chosen, name: 'orders-01J.csv' } });
    expect(written.get(chosen)).toBe('a,b\r\n');
    const opts = vi.mocked(deps.showSaveDialog).mock.calls[0]![0];
    expect(opts.defaultPath).toBe(join(DOCS, 'orders-01J.csv'));
    expect(opts.filters).toEqual([{ name: 'CSV (comma-separated values)', extensions: ['csv'] }]);
    // The next save starts in the folder of the last one.
    await files.save({ name: 'run-01J.json', content: '{}' });
    const next = vi.mocked(deps.showSaveDialog).mock.calls[1]![0];
    expect(next.defaultPath).toBe(join(resolve('/home/pm/exports'), 'run-01J.json'));
    expect(next.filters).toEqual([{ name: 'JSON', extensions: ['json'] }]);
  });

  it('a cancelled dialog writes nothing and answers saved: false', async () => {
    const { files, deps } = setup();
    expect(await files.save({ name: 'run-1.json', content: '{}' })).toEqual({
      ok: true,
      value: { saved: false },
    });
    expect(deps.writeFile).not.toHaveBeenCalled();
  });

  it('refuses bad names and oversized content with a structured error, before any dialog', async () => {
    const { files, deps } = setup();
    const cases: [unknown, string][] = [
      [{ name: '../../.bashrc.csv', content: '' }, 'name'],
      [{ name: '/etc/cron.d/x.csv', content: '' }, 'name'],
      [{ name: 'C:\\Windows\\x.json', content: '' }, 'name'],
      [{ name: '.hidden.csv', content: '' }, 'name'],
      [{ name: 'orders.exe', content: '' }, 'name'],
      [{ name: 'CON.csv', content: '' }, 'name'],
      [{ name: 'a\nb.csv', content: '' }, 'name'],
      [{ name: '', content: '' }, 'name'],
      [{ name: `${'x'.repeat(200)}.csv`, content: '' }, 'name'],
      [{ name: 'ok.csv', content: 'x'.repeat(MAX_SAVE_CHARS + 1) }, 'content'],
      [{ name: 'ok.csv', content: 42 }, 'content'],
      [{ name: 'ok.csv', content: '', path: '/tmp/x.csv' }, '(root)'],
      [null, '(root)'],
    ];
    for (const [payload, path] of cases) {
      const r = await files.save(payload);
      expect(r.ok, JSON.stringify(payload)?.slice(0, 80)).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('BAD_REQUEST');
      expect(r.error.details?.map((d) => d.path)).toContain(path);
    }
    expect(deps.showSaveDialog).not.toHaveBeenCalled();
  });

  it('a failed write is an INTERNAL error naming the path, and the path is not remembered', async () => {
    const { files, deps } = setup({
      showSaveDialog: vi.fn(async () => ({ canceled: false, filePath: chosen })),
      writeFile: vi.fn(async () => {
        throw new Error('EACCES: permission denied');
      }),
    });
    const r = await files.save({ name: 'orders-01J.csv', content: 'a' });
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(!r.ok && r.error.message).toContain('EACCES');
    expect(files.showInFolder({ path: chosen }).ok).toBe(false);
    expect(deps.showItemInFolder).not.toHaveBeenCalled();
  });

  it('shows in its folder a file saved this session, and refuses any other path', async () => {
    const { files, deps } = setup({
      showSaveDialog: vi.fn(async () => ({ canceled: false, filePath: chosen })),
    });
    for (const path of [chosen, '/etc/passwd', resolve('/home/pm/exports'), 'orders-01J.csv']) {
      const r = files.showInFolder({ path });
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    await files.save({ name: 'orders-01J.csv', content: 'a' });
    expect(files.showInFolder({ path: chosen })).toEqual({ ok: true, value: { shown: true } });
    // The same file spelled with a detour resolves to the saved path.
    expect(
      files.showInFolder({ path: `${resolve('/home/pm/exports')}/../exports/orders-01J.csv` }).ok,
    ).toBe(true);
    expect(files.showInFolder({ path: '/etc/passwd' }).ok).toBe(false);
    expect(vi.mocked(deps.showItemInFolder).mock.calls).toEqual([[chosen], [chosen]]);
    const bad = files.showInFolder({ path: 42 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
