/**
 * The order file's CSV (src/data/export/csv.ts, used by the engine's runTradesCsv): RFC 4180
 * quoting, and text a spreadsheet would run as a formula neutralized — numbers left as numbers.
 * Then end to end through the engine: an asset named like a formula comes out as text.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../src/data/export/csv';
import { createEngine } from '../../src/server/app';

describe('csvCell', () => {
  it('quotes a cell with a comma, a quote or a line break, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
  });

  it('writes null and undefined as empty cells, numbers as numbers (negatives too)', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(-1250.5)).toBe('-1250.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(1e-7)).toBe('1e-7');
    expect(csvCell(Number.NaN)).toBe('');
  });

  it('neutralizes text starting with = + - @ tab or CR with an apostrophe (OWASP CSV injection)', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\rcmd')).toBe(`"'\rcmd"`);
    // Text that is a number with a sign is still text, so it is neutralized too.
    expect(csvCell('-5')).toBe("'-5");
    // Only the first character counts.
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('Sell')).toBe('Sell');
  });
});

describe('toCsv', () => {
  it('hand-worked order file: header, CRLF line ends, every kind of cell', () => {
    const columns = ['security', 'action', 'trade_units', 'signed_trade_value', 'reason'] as const;
    const rows = [
      {
        security: 'AAPL',
        action: 'Buy',
        trade_units: 10,
        signed_trade_value: 1900.5,
        reason: 'to target',
      },
      {
        security: '=cmd|"/c calc"!A1',
        action: 'Sell',
        trade_units: -3,
        signed_trade_value: -450,
        reason: 'scaled, by the cap',
      },
      { security: 'Cash, USD', action: 'Hold', trade_units: 0, signed_trade_value: 0 },
    ];
    expect(toCsv(columns, rows)).toBe(
      'security,action,trade_units,signed_trade_value,reason\r\n' +
        'AAPL,Buy,10,1900.5,to target\r\n' +
        `"'=cmd|""/c calc""!A1",Sell,-3,-450,"scaled, by the cap"\r\n` +
        '"Cash, USD",Hold,0,0,\r\n',
    );
  });
});

describe('runTradesCsv through the engine', () => {
  it('an asset named like a formula is written as text; the numbers stay numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spr-orders-csv-'));
    const engine = createEngine({ dataDir: dir, threads: 1 });
    try {
      const ctx = { actor: 'test', transport: 'inprocess' as const };
      const run = await engine.dispatch(
        'rebalance',
        {
          portfolio_value: 100_000,
          drift_threshold: 0.01,
          assets: [
            {
              asset: '=1+1',
              asset_class: 'ETF',
              target_weight: 0.5,
              current_weight: 0.6,
              price: 100,
            },
            {
              asset: 'Bonds',
              asset_class: 'ETF',
              target_weight: 0.5,
              current_weight: 0.4,
              price: 50,
            },
          ],
        },
        ctx,
      );
      if (!run.ok) throw new Error(run.error.message);
      const runId = (run.value as { run_id: string }).run_id;
      const csv = await engine.dispatch('runTradesCsv', { run_id: runId }, ctx);
      if (!csv.ok) throw new Error(csv.error.message);
      const lines = (csv.value as string).split('\r\n');
      const sell = lines.find((l) => l.startsWith("'=1+1,"));
      expect(sell, csv.value as string).toBeDefined();
      // security, asset (both neutralized), class, action, then a negative number as a number.
      expect(sell).toMatch(/^'=1\+1,'=1\+1,ETF,Sell,-\d+(\.\d+)?,100,/);
      expect(lines.some((l) => l.startsWith('Bonds,Bonds,ETF,Buy,'))).toBe(true);
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
