import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { importPortfolio } from '../../../src/data/import';
import type { ImportReport, ImportedPortfolio } from '../../../src/data/import';
import { EngineError } from '../../../src/contract/common';
import { RebalanceRequest } from '../../../src/contract/rebalance';
import { fixtureText, opensslSha256 } from './fixtures';

function report(over: Partial<ImportReport>): ImportReport {
  return {
    kind: 'portfolio',
    filename: 'p.csv',
    format: 'csv',
    rows_read: 0,
    rows_accepted: 0,
    rejected: [],
    rejected_count: 0,
    warnings: [],
    detected_mapping: {},
    content_hash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown as string,
    ...over,
  };
}

function okData(r: Awaited<ReturnType<typeof importPortfolio>>): ImportedPortfolio {
  if (!r.ok) throw new Error(`import failed: ${JSON.stringify(r.report.rejected)}`);
  return r.data;
}

const csv = (content: string, extra: Record<string, unknown> = {}) =>
  importPortfolio({ filename: 'p.csv', content, ...extra });

/** The imported assets must be accepted by the API contract as they are. */
function acceptedByContract(p: ImportedPortfolio): boolean {
  return RebalanceRequest.safeParse({ portfolio_value: p.portfolio_value ?? 1, assets: p.assets })
    .success;
}

describe('CSV', () => {
  it('percent cells are converted with a note; quantity × price gives current weights', async () => {
    const r = await csv(
      'Ticker,Class,Units,Last,Target %\nAAPL,Equity,10,150,60%\nBND,ETF,20,75,40%\n',
    );
    expect(r.report).toEqual(
      report({
        rows_read: 2,
        rows_accepted: 2,
        warnings: [
          {
            code: 'PERCENT_CONVERTED',
            message: 'target_weight read as percentages (cells written with %) and divided by 100',
            path: 'Target %',
          },
        ],
        detected_mapping: {
          asset: 'Ticker',
          asset_class: 'Class',
          quantity: 'Units',
          price: 'Last',
          target_weight: 'Target %',
        },
      }),
    );
    // Hand-worked: values 10×150 = 1500 and 20×75 = 1500 → 0.5 each; total 3000.
    expect(okData(r)).toEqual({
      assets: [
        {
          asset: 'AAPL',
          asset_class: 'Stocks',
          target_weight: 0.6,
          current_weight: 0.5,
          price: 150,
          quantity: 10,
        },
        {
          asset: 'BND',
          asset_class: 'ETF',
          target_weight: 0.4,
          current_weight: 0.5,
          price: 75,
          quantity: 20,
        },
      ],
      portfolio_value: 3000,
    });
    expect(acceptedByContract(okData(r))).toBe(true);
  });

  it('weights summing to 100 without % signs are percentages', async () => {
    const r = await csv('asset,price,current_weight,target_weight\nA,10,60,50\nB,20,40,50\n');
    expect(r.report.warnings).toEqual([
      {
        code: 'PERCENT_CONVERTED',
        message: 'current_weight read as percentages (the column sums to 100) and divided by 100',
        path: 'current_weight',
      },
      {
        code: 'PERCENT_CONVERTED',
        message: 'target_weight read as percentages (the column sums to 100) and divided by 100',
        path: 'target_weight',
      },
    ]);
    expect(okData(r)).toEqual({
      assets: [
        { asset: 'A', target_weight: 0.5, current_weight: 0.6, price: 10 },
        { asset: 'B', target_weight: 0.5, current_weight: 0.4, price: 20 },
      ],
      portfolio_value: null,
    });
  });

  it('fractions summing to 1 are kept as they are, without a note', async () => {
    const r = await csv('Symbol,Close,Weight,Target\nA,10,0.25,0.2\nB,20,0.75,0.8\n');
    expect(r.report.warnings).toEqual([]);
    expect(r.report.detected_mapping).toEqual({
      asset: 'Symbol',
      price: 'Close',
      current_weight: 'Weight',
      target_weight: 'Target',
    });
    expect(okData(r).assets.map((a) => [a.current_weight, a.target_weight])).toEqual([
      [0.25, 0.2],
      [0.75, 0.8],
    ]);
  });

  it('current weights from quantity × price (hand-worked) and the portfolio value', async () => {
    // values: 10×150 = 1500, 20×75 = 1500, 5×200 = 1000; Σ = 4000 → 0.375, 0.375, 0.25
    const r = await csv('symbol,qty,close,target\nA,10,150,0.4\nB,20,75,0.4\nC,5,200,0.2\n');
    const d = okData(r);
    expect(d.assets.map((a) => a.current_weight)).toEqual([0.375, 0.375, 0.25]);
    expect(d.portfolio_value).toBe(4000);
  });

  it('a current_weight column wins over quantities, with a note when they disagree', async () => {
    const r = await csv('asset,units,price,weight,target\nA,10,10,0.5,0.5\nB,30,10,0.5,0.5\n');
    expect(okData(r).assets.map((a) => a.current_weight)).toEqual([0.5, 0.5]);
    // value shares are 0.25 / 0.75: up to 0.25 apart
    expect(r.report.warnings).toEqual([
      {
        code: 'CURRENT_WEIGHT_MISMATCH',
        message:
          'the current_weight column differs from quantity × price shares by up to 0.25 (A); the column is used',
        path: 'weight',
      },
    ]);
    expect(okData(r).portfolio_value).toBe(400);
  });

  it('an explicit mapping overrides detection, and the detected mapping can be reused', async () => {
    const text = 'Code,Units,Px,Goal,Weight\nX,4,25,0.5,0.9\nY,6,50,0.5,0.1\n';
    const mapping = { asset: 'Code', price: 'px', target_weight: 'Goal', current_weight: null };
    const r = await csv(text, { mapping });
    expect(r.report.detected_mapping).toEqual({
      asset: 'Code',
      quantity: 'Units',
      price: 'Px',
      target_weight: 'Goal',
    });
    // current weights from Units × Px: 100 and 300 of 400 (the Weight column is disabled)
    const d = okData(r);
    expect(d.assets.map((a) => [a.asset, a.current_weight])).toEqual([
      ['X', 0.25],
      ['Y', 0.75],
    ]);
    const again = await csv(text, { mapping: r.report.detected_mapping });
    // Reusing the saved mapping: the Weight column is then auto-detected as current_weight.
    expect(okData(again).assets.map((a) => a.current_weight)).toEqual([0.9, 0.1]);
    const pinned = await csv(text, {
      mapping: { ...r.report.detected_mapping, current_weight: null },
    });
    expect(okData(pinned)).toEqual(d);
  });

  it('holding-level rows: asset rows give the asset price; holdings are weighted by value', async () => {
    const r = await importPortfolio({
      filename: 'holdings.csv',
      content: fixtureText('import/holdings.csv'),
    });
    expect(r.report).toEqual(
      report({
        filename: 'holdings.csv',
        rows_read: 6,
        rows_accepted: 6,
        detected_mapping: {
          asset: 'Asset',
          holding: 'Holding',
          asset_class: 'Asset Class',
          quantity: 'Quantity',
          price: 'Price',
          target_weight: 'Target',
        },
      }),
    );
    // Hand-worked: Equity ETFs = 10×400 + 5×320 = 5600; Bonds = 20×100 = 2000; Gold = 4×180 = 720.
    // Σ = 8320. SPY share 4000/5600, QQQ 1600/5600.
    expect(okData(r)).toEqual({
      assets: [
        {
          asset: 'Equity ETFs',
          asset_class: 'ETF',
          target_weight: 0.6,
          current_weight: 5600 / 8320,
          holdings: [
            { holding: 'SPY', holding_weight: 4000 / 5600, last_price: 400, quantity: 10 },
            { holding: 'QQQ', holding_weight: 1600 / 5600, last_price: 320, quantity: 5 },
          ],
        },
        {
          asset: 'Bonds',
          asset_class: 'Mutual Fund',
          target_weight: 0.3,
          current_weight: 2000 / 8320,
          holdings: [{ holding: 'AGG', holding_weight: 1, last_price: 100, quantity: 20 }],
        },
        {
          asset: 'Gold',
          asset_class: 'Commodity',
          target_weight: 0.1,
          current_weight: 720 / 8320,
          holdings: [{ holding: 'GLD', holding_weight: 1, last_price: 180, quantity: 4 }],
        },
      ],
      portfolio_value: 8320,
    });
    expect(acceptedByContract(okData(r))).toBe(true);
  });

  it('holding-level rows: problems specific to grouping', async () => {
    const r = await csv(
      [
        'asset,holding,class,price,weight,target',
        'E,,ETF,100,,0.5', // line 2
        'E,SPY,,400,0.3,', // 3
        'E,SPY,,400,0.2,', // 4: duplicate holding
        'F,,,100,,0.5', // 5
        'F,,,100,,', // 6: second asset row
        'G,A1,Stocks,10,0.25,', // 7
        'G,A2,ETF,10,0.25,', // 8: class differs
        'H,B1,,10,,', // 9
        'H,B2,,10,,', // 10: no asset row: fine, each holding has its own price
        'I,,,,,', // 11: an asset row without holdings and without a price
      ].join('\n'),
    );
    expect(r.report.rejected).toEqual([
      {
        line: 4,
        column: 'holding',
        reason_code: 'DUPLICATE_SYMBOL',
        message: 'holding "SPY" of "E" is already on line 3',
      },
      {
        line: 6,
        column: 'asset',
        reason_code: 'DUPLICATE_SYMBOL',
        message: 'asset "F" already has an asset row on line 5',
      },
      {
        line: 8,
        column: 'class',
        reason_code: 'BAD_VALUE',
        message:
          '"G": asset_class ETF differs from Stocks on an earlier row; give it once, on the asset row',
      },
      {
        line: 11,
        column: 'price',
        reason_code: 'BAD_NUMBER',
        message: '"I" has no holdings, so its row needs a price',
      },
    ]);
  });

  it('holding-level rows: a sleeve needs no price of its own; holding targets split its target', async () => {
    const r = await csv(
      [
        'asset,holding,class,qty,price,target',
        'Equity,,ETF,,,', // the sleeve's row: no price, no target
        'Equity,SPY,,10,400,0.45',
        'Equity,QQQ,,5,320,0.15',
        'Bonds,AGG,Mutual Fund,20,100,0.4',
      ].join('\n'),
    );
    const a = okData(r).assets;
    // Equity = 4000 + 1600 = 5600, Bonds 2000: Σ 7600. The asset target is Σ of its holdings'.
    expect(a[0]).toEqual({
      asset: 'Equity',
      asset_class: 'ETF',
      target_weight: 0.6,
      current_weight: 5600 / 7600,
      holdings: [
        {
          holding: 'SPY',
          holding_weight: 4000 / 5600,
          last_price: 400,
          quantity: 10,
          target_weight: 0.45 / 0.6,
        },
        {
          holding: 'QQQ',
          holding_weight: 1600 / 5600,
          last_price: 320,
          quantity: 5,
          target_weight: 0.15 / 0.6,
        },
      ],
    });
    expect(a[0]).not.toHaveProperty('price');
    expect(acceptedByContract(okData(r))).toBe(true);
  });

  it('asset-class synonyms and lot sizes', async () => {
    const r = await csv(
      'asset,type,price,weight,target,lot size\nA,mutual_fund,1,0.2,0.2,\nB,Forex,1,0.2,0.2,1000\nC,cryptocurrency,1,0.2,0.2,0.0001\nD,Commodities,1,0.2,0.2,\nE,,1,0.2,0.2,\n',
    );
    expect(okData(r).assets.map((a) => [a.asset_class, a.lot_size])).toEqual([
      ['Mutual Fund', undefined],
      ['FX', 1000],
      ['Crypto', 0.0001],
      ['Commodity', undefined],
      [undefined, undefined],
    ]);
  });

  it('blank weight and quantity cells are read as 0, with a note', async () => {
    const r = await csv('asset,qty,price,target\nA,10,5,1\nB,,5,\n');
    expect(okData(r).assets.map((a) => [a.current_weight, a.target_weight, a.quantity])).toEqual([
      [1, 1, 10],
      [0, 0, 0],
    ]);
    expect(r.report.warnings).toEqual([
      { code: 'BLANK_AS_ZERO', message: '1 blank target_weight cell(s) read as 0', path: 'target' },
      { code: 'BLANK_AS_ZERO', message: '1 blank quantity cell(s) read as 0', path: 'qty' },
    ]);
  });
});

describe('rejections (exact reports)', () => {
  it('portfolio_broken.csv: one row per row-level reason', async () => {
    const r = await importPortfolio({
      filename: 'portfolio_broken.csv',
      content: fixtureText('import/portfolio_broken.csv'),
    });
    expect(r.ok).toBe(false);
    expect(r.report).toEqual(
      report({
        filename: 'portfolio_broken.csv',
        rows_read: 8,
        rows_accepted: 0,
        rejected_count: 8,
        detected_mapping: {
          asset: 'Ticker',
          asset_class: 'Asset Class',
          quantity: 'Units',
          price: 'Price',
          target_weight: 'Target %',
        },
        rejected: [
          { line: 3, column: 'Price', reason_code: 'BAD_NUMBER', message: '"abc" is not a price' },
          {
            line: 4,
            column: 'Ticker',
            reason_code: 'DUPLICATE_SYMBOL',
            message: 'asset "AAPL" is already on line 2',
          },
          {
            line: 5,
            column: 'Asset Class',
            reason_code: 'BAD_VALUE',
            message:
              '"Gold" is not an asset class (Mutual Fund, ETF, Stocks, Commodity, FX, Crypto)',
          },
          {
            line: 6,
            column: 'Units',
            reason_code: 'BAD_NUMBER',
            message: 'quantity -2 is negative (short positions are not supported)',
          },
          {
            line: 7,
            column: 'Ticker',
            reason_code: 'BAD_VALUE',
            message: 'the asset name is empty',
          },
          {
            line: 8,
            column: 'Price',
            reason_code: 'NEGATIVE_PRICE',
            message: 'price -3 must be > 0',
          },
          {
            line: 8,
            column: 'Target %',
            reason_code: 'BAD_NUMBER',
            message: '"x" is not a weight',
          },
          {
            line: 9,
            column: 'Price',
            reason_code: 'NEGATIVE_PRICE',
            message: 'price 0 must be > 0',
          },
        ],
      }),
    );
  });

  it('weights not summing to 1 are a file-level rejection (line 0)', async () => {
    const r = await importPortfolio({
      filename: 'portfolio_weights_off.csv',
      content: fixtureText('import/portfolio_weights_off.csv'),
    });
    expect(r.report).toEqual(
      report({
        filename: 'portfolio_weights_off.csv',
        rows_read: 2,
        rejected_count: 2,
        detected_mapping: {
          asset: 'asset',
          price: 'price',
          current_weight: 'current_weight',
          target_weight: 'target_weight',
        },
        rejected: [
          {
            line: 0,
            column: 'current_weight',
            reason_code: 'WEIGHTS_NOT_SUMMING',
            message: 'current_weight values sum to 1.2; expected 1 ± 0.005 (or 100%)',
          },
          {
            line: 0,
            column: 'target_weight',
            reason_code: 'WEIGHTS_NOT_SUMMING',
            message: 'target_weight values sum to 0.9; expected 1 ± 0.005 (or 100%)',
          },
        ],
      }),
    );
  });

  it('percent weights are checked after conversion; the tolerance is ± 0.005', async () => {
    const off = await csv('asset,price,weight,target\nA,1,50%,25%\nB,1,50%,74%\n');
    expect(off.report.rejected).toEqual([
      {
        line: 0,
        column: 'target',
        reason_code: 'WEIGHTS_NOT_SUMMING',
        message: 'target_weight values sum to 0.99 (99%); expected 1 ± 0.005 (or 100%)',
      },
    ]);
    const within = await csv('asset,price,weight,target\nA,1,50%,25%\nB,1,50%,74.6%\n');
    expect(within.ok).toBe(true);
  });

  it('every quantity 0 leaves no current weights', async () => {
    const r = await csv('asset,units,price,target\nA,0,1,0.5\nB,0,1,0.5\n');
    expect(r.report.rejected).toEqual([
      {
        line: 0,
        column: 'units',
        reason_code: 'WEIGHTS_NOT_SUMMING',
        message:
          'current weights come from quantity × price, but every quantity is 0 (total value 0)',
      },
    ]);
  });

  it('missing columns are listed together, at the header line', async () => {
    const r = await csv('\n\nname,weight\nA,1\n');
    expect(r.report.rejected).toEqual([
      {
        line: 3,
        column: 'price',
        reason_code: 'MISSING_COLUMN',
        message:
          'no price column (accepted headers: price, lastprice, last, close, closeprice, marketprice; or pass a mapping)',
      },
      {
        line: 3,
        column: 'target_weight',
        reason_code: 'MISSING_COLUMN',
        message:
          'no target_weight column (accepted headers: targetweight, target, targetallocation, target%, targetweight%, modelweight; or pass a mapping)',
      },
    ]);
  });

  it('empty files and unsupported formats', async () => {
    expect((await csv('  \n\n')).report.rejected).toEqual([
      { line: 0, column: null, reason_code: 'EMPTY_FILE', message: 'the file is empty' },
    ]);
    expect((await csv('asset,price,weight,target\n')).report.rejected).toEqual([
      {
        line: 0,
        column: null,
        reason_code: 'EMPTY_FILE',
        message: 'the file has a header but no data rows',
      },
    ]);
    const pdf = await importPortfolio({ filename: 'p.pdf', content: '%PDF' });
    expect(pdf.report).toEqual(
      report({
        filename: 'p.pdf',
        format: null,
        rejected_count: 1,
        rejected: [
          {
            line: 0,
            column: null,
            reason_code: 'UNSUPPORTED_FORMAT',
            message: 'format "pdf" is not supported here (expected one of csv, xlsx, json)',
          },
        ],
      }),
    );
    const none = await importPortfolio({ content: 'a,b' });
    expect(none.report.rejected[0]?.message).toBe(
      'format "(none)" is not supported here (expected one of csv, xlsx, json)',
    );
    const zip = await csv('PK\u0003\u0004rest');
    expect(zip.report.rejected[0]?.message).toBe(
      'this is a ZIP/XLSX file, not CSV text; import it as xlsx',
    );
  });

  it("bad options are the caller's error: EngineError BAD_REQUEST", async () => {
    await expect(csv('a', { mapping: { colour: 'X' } })).rejects.toBeInstanceOf(EngineError);
    await expect(
      importPortfolio({ filename: 'p.csv', content: 5 as unknown as string }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});

describe('XLSX', () => {
  async function workbook(rows: unknown[][], percentColumn?: number): Promise<Uint8Array> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Portfolio');
    for (const r of rows) ws.addRow(r);
    if (percentColumn !== undefined) ws.getColumn(percentColumn).numFmt = '0%';
    return new Uint8Array(await wb.xlsx.writeBuffer());
  }

  it('imports a workbook written by exceljs (base64), percent-formatted cells being fractions', async () => {
    const bytes = await workbook(
      [
        ['Ticker', 'Class', 'Units', 'Price', 'Target'],
        ['AAPL', 'Stocks', 10, 150, 0.6],
        ['BND', 'ETF', 20, 75, 0.4],
      ],
      5,
    );
    const r = await importPortfolio({
      filename: 'portfolio.xlsx',
      format: 'xlsx',
      content: Buffer.from(bytes).toString('base64'),
    });
    expect(r.report).toEqual(
      report({
        filename: 'portfolio.xlsx',
        format: 'xlsx',
        rows_read: 2,
        rows_accepted: 2,
        detected_mapping: {
          asset: 'Ticker',
          asset_class: 'Class',
          quantity: 'Units',
          price: 'Price',
          target_weight: 'Target',
        },
        // the hash is of the workbook's bytes, not of the base64 text (checked with OpenSSL)
        content_hash: opensslSha256(bytes),
      }),
    );
    expect(okData(r)).toEqual({
      assets: [
        {
          asset: 'AAPL',
          asset_class: 'Stocks',
          target_weight: 0.6,
          current_weight: 0.5,
          price: 150,
          quantity: 10,
        },
        {
          asset: 'BND',
          asset_class: 'ETF',
          target_weight: 0.4,
          current_weight: 0.5,
          price: 75,
          quantity: 20,
        },
      ],
      portfolio_value: 3000,
    });
  });

  it('rejections carry sheet row numbers; formulas are read by their result', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('P');
    ws.addRow(['asset', 'price', 'weight', 'target']);
    ws.addRow(['A', 10, 0.5, 0.5]);
    ws.addRow(['B', { formula: 'B2*2', result: 20 }, 0.5, 0.5]);
    ws.addRow(['C', 'n/a', 0, 0]);
    const r = await importPortfolio({
      filename: 'p.xlsx',
      content: new Uint8Array(await wb.xlsx.writeBuffer()),
    });
    expect(r.report.rejected).toEqual([
      { line: 4, column: 'price', reason_code: 'BAD_NUMBER', message: '"n/a" is not a price' },
    ]);
    ws.spliceRows(4, 1);
    const ok = await importPortfolio({
      filename: 'p.xlsx',
      content: new Uint8Array(await wb.xlsx.writeBuffer()),
    });
    expect(okData(ok).assets.map((a) => a.price)).toEqual([10, 20]);
  });
});

describe('JSON (the /api/rebalance payload)', () => {
  const valid = {
    portfolio_value: 100000,
    assets: [
      { asset: 'Stocks', target_weight: 0.6, current_weight: 0.65, price: 100 },
      {
        asset: 'ETF',
        asset_class: 'ETF',
        target_weight: 0.4,
        current_weight: 0.35,
        price: 50,
        lot_size: 1,
        holdings: [{ holding: 'SPY', holding_weight: 1, last_price: 500 }],
      },
    ],
  };

  it('a valid payload', async () => {
    const text = JSON.stringify(valid, null, 2);
    const r = await importPortfolio({ filename: 'req.json', content: text });
    expect(r.report).toEqual(
      report({
        filename: 'req.json',
        format: 'json',
        rows_read: 2,
        rows_accepted: 2,
        content_hash: opensslSha256(text),
      }),
    );
    const d = okData(r);
    expect(d.assets).toEqual(valid.assets);
    expect(d.portfolio_value).toBe(100000);
    expect(d.request?.drift_threshold).toBe(0.02); // contract default filled in
  });

  it('an invalid payload: every zod problem, at its line', async () => {
    const text = [
      '{',
      '  "portfolio_value": -5,',
      '  "assets": [',
      '    { "asset": "A", "target_weight": 0.5, "current_weight": 0.5, "price": 0 },',
      '    { "asset": "B", "target_weight": 1.5, "current_weight": "half" },',
      '    { "asset": "C", "asset_class": "Bonds", "target_weight": 0.1, "current_weight": 0.1, "price": 3 }',
      '  ],',
      '  "currency": "usd"',
      '}',
    ].join('\n');
    const r = await importPortfolio({ filename: 'bad.json', content: text });
    expect(r.ok).toBe(false);
    expect(r.report.rows_read).toBe(3);
    expect(
      r.report.rejected.map(({ line, column, reason_code }) => ({ line, column, reason_code })),
    ).toEqual([
      { line: 2, column: 'portfolio_value', reason_code: 'BAD_NUMBER' },
      { line: 4, column: 'assets.0.price', reason_code: 'NEGATIVE_PRICE' },
      { line: 5, column: 'assets.1.target_weight', reason_code: 'BAD_NUMBER' },
      { line: 5, column: 'assets.1.current_weight', reason_code: 'BAD_NUMBER' },
      { line: 6, column: 'assets.2.asset_class', reason_code: 'BAD_VALUE' },
      { line: 8, column: 'currency', reason_code: 'BAD_VALUE' },
    ]);
    // The messages are the contract's own (zod) messages.
    const zodMessages = RebalanceRequest.safeParse(JSON.parse(text)).error?.issues.map(
      (i) => i.message,
    );
    expect(r.report.rejected.map((x) => x.message).sort()).toEqual([...(zodMessages ?? [])].sort());
    // assets.1 has no price (and no holdings): the contract says so once its other fields parse
    // (zod runs cross-field checks only on an otherwise valid object); see the next case.
    expect(r.report.rejected_count).toBe(6);
  });

  it('duplicates and weight sums in a payload', async () => {
    const dup = {
      portfolio_value: 1,
      assets: [valid.assets[0], { ...valid.assets[0], target_weight: 0.4, current_weight: 0.35 }],
    };
    const r = await importPortfolio({ filename: 'd.json', content: JSON.stringify(dup, null, 1) });
    expect(r.report.rejected).toEqual([
      {
        line: 11,
        column: 'assets.1.asset',
        reason_code: 'DUPLICATE_SYMBOL',
        message: 'duplicate asset "Stocks"',
      },
    ]);
    const off = { ...valid, assets: [{ ...valid.assets[0], target_weight: 0.5 }, valid.assets[1]] };
    const s = await importPortfolio({ filename: 'o.json', content: JSON.stringify(off, null, 1) });
    expect(s.report.rejected).toEqual([
      {
        line: 3,
        column: 'assets.*.target_weight',
        reason_code: 'WEIGHTS_NOT_SUMMING',
        message: 'target_weight values sum to 0.9; expected 1 ± 0.005',
      },
    ]);
  });

  it('a syntax error is UNSUPPORTED_FORMAT at its line', async () => {
    const r = await importPortfolio({
      filename: 'x.json',
      content: '{\n  "assets": [\n    {"asset": "A",}\n  ]\n}',
    });
    expect(r.report.rejected).toHaveLength(1);
    expect(r.report.rejected[0]).toMatchObject({
      line: 3,
      column: null,
      reason_code: 'UNSUPPORTED_FORMAT',
    });
    expect(r.report.rejected[0]?.message).toMatch(/^not valid JSON: /);
  });
});

describe('overflow (regression found by the fuzz property)', () => {
  it('rejects quantities whose value overflows instead of producing NaN weights', async () => {
    const r = await importPortfolio({
      filename: 'huge.csv',
      format: 'csv',
      content: 'Ticker,Units,Price,Target\nT0,1.797693134862314e+308,1.000000000000001,1',
    });
    expect(r.ok).toBe(false);
    expect(r.report.rejected).toEqual([
      expect.objectContaining({ line: 0, column: 'Units', reason_code: 'BAD_NUMBER' }),
    ]);
  });
});
