/**
 * Issue #10: an XLSX import is bounded in memory. exceljs inflates a whole workbook and needs
 * ~15 bytes per byte of sheet XML, so workbooks that unzip past MAX_XLSX_EXPANDED are refused
 * before exceljs sees them — counted by inflating, because a crafted archive lies about sizes.
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { importPortfolio } from '../../../src/data/import';
import { MAX_XLSX_EXPANDED } from '../../../src/data/import/types';
import { expandedSize } from '../../../src/data/import/zip';

interface Member {
  name: string;
  data: Uint8Array;
  method: 0 | 8;
  /** What the archive claims the member unzips to (a bomb understates it). */
  declared: number;
}

/** A ZIP archive (local headers, central directory, end record) with the sizes given. */
function zip(members: Member[]): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(m.method, 8);
    local.writeUInt32LE(m.data.length, 18);
    local.writeUInt32LE(m.declared, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(m.method, 10);
    cd.writeUInt32LE(m.data.length, 20);
    cd.writeUInt32LE(m.declared, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, Buffer.from(m.data));
    central.push(cd, name);
    offset += local.length + name.length + m.data.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, cdBytes, end]));
}

/** A sheet part of `bytes` spaces: deflates to almost nothing. */
function bomb(bytes: number, declared: number): Uint8Array {
  const data = deflateRawSync(Buffer.alloc(bytes, 0x20), { level: 9 });
  return zip([{ name: 'xl/worksheets/sheet1.xml', data, method: 8, declared }]);
}

describe('XLSX size limit', () => {
  it('a zip bomb that understates its size is counted only up to the budget', async () => {
    const budget = 1024 * 1024;
    const e = await expandedSize(bomb(64 * budget, 1000), budget);
    if (e.ok || !e.over) throw new Error(`expected over, got ${JSON.stringify(e)}`);
    // Stopped soon after the budget, not after inflating all 64 MiB.
    expect(e.bytes).toBeGreaterThan(budget);
    expect(e.bytes).toBeLessThan(budget + 1024 * 1024);
  });

  it('an import of a workbook that unzips past MAX_XLSX_EXPANDED is refused', async () => {
    const archive = bomb(MAX_XLSX_EXPANDED + 1024, 1000);
    expect(archive.length).toBeLessThan(1024 * 1024);
    const r = await importPortfolio({ filename: 'bomb.xlsx', content: archive });
    expect(r.ok).toBe(false);
    expect(r.report.rejected).toEqual([
      expect.objectContaining({ line: 0, reason_code: 'UNSUPPORTED_FORMAT' }),
    ]);
    expect(r.report.rejected[0]?.message).toMatch(/^the workbook unzips to more than 64 MB/);
  });

  it('an honest large declared size is refused without inflating', async () => {
    const archive = zip([
      { name: 'a.xml', data: new Uint8Array(10), method: 0, declared: 10 },
      { name: 'b.xml', data: new Uint8Array(1), method: 8, declared: MAX_XLSX_EXPANDED },
    ]);
    expect(await expandedSize(archive, MAX_XLSX_EXPANDED)).toEqual({
      ok: false,
      over: true,
      bytes: MAX_XLSX_EXPANDED + 10,
    });
  });

  it('a real workbook is measured exactly; a broken archive is left to exceljs', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('S').addRow(['asset', 'price', 'weight', 'target']);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const e = await expandedSize(bytes, MAX_XLSX_EXPANDED);
    expect(e.ok).toBe(true);
    expect(e.ok && e.bytes).toBeGreaterThan(1000);
    expect(await expandedSize(bytes.subarray(0, bytes.length - 30), MAX_XLSX_EXPANDED)).toEqual({
      ok: false,
      over: false,
    });
    const corrupt = zip([
      { name: 'x', data: Uint8Array.of(0xff, 0xff, 0xff), method: 8, declared: 3 },
    ]);
    expect(await expandedSize(corrupt, MAX_XLSX_EXPANDED)).toEqual({ ok: false, over: false });
  });
});
