import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { importPrices, toPriceHistory } from '../../../src/data/import';
import type { ImportedPrices, ImportReport } from '../../../src/data/import';
import { EngineError } from '../../../src/contract/common';
import { PriceHistory } from '../../../src/contract/rebalance';
import { fixtureBytes, fixtureText } from './fixtures';

// Figures below marked "ref" were printed by test/reference/import_fixtures.py, which reads the
// same files with Python's csv module (independent of this importer).

const SP500 = [
  'AAPL', 'AMD', 'BAC', 'BBY', 'CVX', 'GE', 'HD', 'JNJ', 'JPM', 'KO',
  'LLY', 'MRK', 'MSFT', 'PEP', 'PFE', 'PG', 'RRC', 'UNH', 'WMT', 'XOM',
]; // prettier-ignore

/** A report with no problems, for the fields a test does not override. */
function cleanReport(over: Partial<ImportReport>): ImportReport {
  return {
    kind: 'prices',
    filename: 'p.csv',
    format: 'csv',
    rows_read: 0,
    rows_accepted: 0,
    rejected: [],
    rejected_count: 0,
    warnings: [],
    detected_mapping: { date: 'date' },
    layout: 'wide',
    content_hash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown as string,
    ...over,
  };
}

async function csv(content: string, extra: Record<string, unknown> = {}) {
  return importPrices({ filename: 'p.csv', content, ...extra });
}

function okData(r: Awaited<ReturnType<typeof importPrices>>): ImportedPrices {
  if (!r.ok) throw new Error(`import failed: ${JSON.stringify(r.report.rejected)}`);
  return r.data;
}

describe('real files', () => {
  it('skfolio S&P 500: 20 tickers, 8,313 rows, CRLF endings', async () => {
    const text = fixtureText('skfolio_sp500_dataset.csv');
    // The fixture really has CRLF endings (ref: 8314 CRLF, header + 8313 rows).
    expect(text.split('\r\n').length - 1).toBe(8314);
    const r = await importPrices({ filename: 'skfolio_sp500_dataset.csv', content: text });
    expect(r.report).toEqual({
      kind: 'prices',
      filename: 'skfolio_sp500_dataset.csv',
      format: 'csv',
      rows_read: 8313,
      rows_accepted: 8313,
      rejected: [],
      rejected_count: 0,
      warnings: [],
      detected_mapping: { date: 'Date' },
      layout: 'wide',
      // ref, and /work/shared/data/SHA256SUMS
      content_hash: '5f769c6d7be57f62a4dfd1f553995855462a17c92b21a4af4245439c6115617f',
    });
    const d = okData(r);
    expect(d.symbols).toEqual(SP500);
    expect(d.dates.length).toBe(8313);
    expect(d.dates[0]).toBe('1990-01-02');
    expect(d.dates[8312]).toBe('2022-12-28');
    expect(d.series).toEqual(
      SP500.map((symbol) => ({
        symbol,
        first_date: '1990-01-02',
        last_date: '2022-12-28',
        count: 8313,
      })),
    );
    // ref spot values: first row, last row (XOM is the last column: no '\r' may stick to it).
    expect(d.prices.AAPL?.[0]).toBe(0.264);
    expect(d.prices.XOM?.[0]).toBe(4.068);
    expect(d.prices.AAPL?.[8312]).toBe(125.674);
    expect(d.prices.UNH?.[8312]).toBe(524.422);
    expect(d.prices.XOM?.[8312]).toBe(106.627);
    // ref row 1000: 1993-12-13, AAPL 0.218, AMD 9.062, BAC 5.543
    expect(d.dates[999]).toBe('1993-12-13');
    expect([d.prices.AAPL?.[999], d.prices.AMD?.[999], d.prices.BAC?.[999]]).toEqual([
      0.218, 9.062, 5.543,
    ]);
    const ph = toPriceHistory(d);
    expect([ph.kept_dates, ph.dropped_dates]).toEqual([8313, 0]);
    expect(PriceHistory.safeParse(ph.price_history).success).toBe(true);
  });

  it('PyPortfolioOpt: leading blank cells are missing values; a series starts at its first price', async () => {
    const r = await importPrices({
      filename: 'pypfopt_stock_prices.csv',
      content: fixtureText('pypfopt_stock_prices.csv'),
    });
    expect(r.report).toEqual(
      cleanReport({
        filename: 'pypfopt_stock_prices.csv',
        rows_read: 7126,
        rows_accepted: 7126,
        content_hash: '1f3bc5da6d4b589a34704be69a1a8cd382f643dbedbefbc73319c3b21d9d9c71',
      }),
    );
    const d = okData(r);
    // ref: every series (symbol, first date, last date, count)
    const ref: [string, string, string, number][] = [
      ['GOOG', '2004-08-19', '2018-04-11', 3435],
      ['AAPL', '1989-12-29', '2018-04-11', 7126],
      ['FB', '2012-05-18', '2018-04-11', 1483],
      ['BABA', '2014-09-19', '2018-04-11', 896],
      ['AMZN', '1997-05-15', '2018-04-11', 5261],
      ['GE', '1989-12-29', '2018-04-11', 7126],
      ['AMD', '1989-12-29', '2018-04-11', 7126],
      ['WMT', '1989-12-29', '2018-04-11', 7126],
      ['BAC', '1989-12-29', '2018-04-11', 7126],
      ['GM', '2010-11-18', '2018-04-11', 1860],
      ['T', '1989-12-29', '2018-04-11', 7126],
      ['UAA', '2005-11-18', '2018-04-11', 3118],
      ['SHLD', '2003-05-01', '2018-04-11', 3763],
      ['XOM', '1989-12-29', '2018-04-11', 7126],
      ['RRC', '1992-12-28', '2018-04-11', 6369],
      ['BBY', '1989-12-29', '2018-04-11', 7126],
      ['MA', '2006-05-25', '2018-04-11', 2990],
      ['PFE', '1989-12-29', '2018-04-11', 7126],
      ['JPM', '1989-12-29', '2018-04-11', 7126],
      ['SBUX', '1992-06-26', '2018-04-11', 6496],
    ];
    expect(d.series).toEqual(
      ref.map(([symbol, first_date, last_date, count]) => ({
        symbol,
        first_date,
        last_date,
        count,
      })),
    );
    const goog = d.prices.GOOG as (number | null)[];
    const start = d.dates.indexOf('2004-08-19');
    expect(goog[0]).toBeNull();
    expect(goog[start - 1]).toBeNull();
    expect(goog[start]).toBeTypeOf('number');
    expect(goog[7125]).toBe(1019.969971); // ref spot_last
    expect(d.prices.AAPL?.[0]).toBe(0.117203); // ref spot_first
    // Only dates where all 20 have a price: from BABA's listing (ref: 896 common dates).
    const ph = toPriceHistory(d);
    expect(ph.kept_dates).toBe(896);
    expect(ph.dropped_dates).toBe(7126 - 896);
    expect(ph.price_history?.dates[0]).toBe('2014-09-19');
    expect(ph.warnings).toEqual([]);
    // A selection of long-lived series keeps every date.
    const two = toPriceHistory(d, ['AAPL', 'GE']);
    expect([two.kept_dates, two.dropped_dates]).toEqual([7126, 0]);
    expect(Object.keys(two.price_history?.prices ?? {})).toEqual(['AAPL', 'GE']);
  });

  it('Riskfolio-Lib: 11 tickers, 1,004 rows, read from bytes', async () => {
    const bytes = fixtureBytes('riskfolio_stock_prices.csv');
    const r = await importPrices({ filename: 'riskfolio_stock_prices.csv', content: bytes });
    expect(r.report).toEqual(
      cleanReport({
        filename: 'riskfolio_stock_prices.csv',
        rows_read: 1004,
        rows_accepted: 1004,
        detected_mapping: { date: 'Date' },
        content_hash: '7f90cda49c733c2bdaf96abe6f4e94bfc0f4b1b301aef40761d0d7f73462e8c1',
      }),
    );
    const d = okData(r);
    expect(d.symbols).toEqual([
      'AMZN', 'APA', 'CMCSA', 'CPB', 'JCI', 'JPM', 'MMC', 'MO', 'SPY', 'TGT', 'ZION',
    ]); // prettier-ignore
    for (const s of d.series)
      expect([s.first_date, s.last_date, s.count]).toEqual(['2016-01-04', '2019-12-27', 1004]);
    expect(d.prices.SPY?.[0]).toBe(174.583984375); // ref
    expect(d.prices.ZION?.[1003]).toBe(44.380165100097656); // ref
    expect(d.dates[999]).toBe('2019-12-20'); // ref row 1000
    expect(d.prices.AMZN?.[999]).toBe(89.32499694824219);
  });
});

describe('layouts and dates', () => {
  it('long form: Adj Close preferred, pivoted, dates sorted, symbols in order of appearance', async () => {
    const r = await importPrices({
      filename: 'prices_long.csv',
      content: fixtureText('import/prices_long.csv'),
    });
    expect(r.report).toEqual(
      cleanReport({
        filename: 'prices_long.csv',
        rows_read: 5,
        rows_accepted: 5,
        layout: 'long',
        detected_mapping: { date: 'Date', symbol: 'Ticker', price: 'Adj Close' },
      }),
    );
    expect(okData(r)).toEqual({
      dates: ['2020-01-02', '2020-01-03', '2020-01-06'],
      symbols: ['MSFT', 'AAPL'],
      prices: { MSFT: [156.97, 155.01, null], AAPL: [73.41, 72.7, 73.99] },
      series: [
        { symbol: 'MSFT', first_date: '2020-01-02', last_date: '2020-01-03', count: 2 },
        { symbol: 'AAPL', first_date: '2020-01-02', last_date: '2020-01-06', count: 3 },
      ],
    });
  });

  it('a one-symbol OHLC download is long form named after the file', async () => {
    const text =
      'Date,Open,High,Low,Close,Adj Close,Volume\n' +
      '2020-01-02,74.06,75.15,73.80,75.09,73.41,135480400\n' +
      '2020-01-03,74.29,75.14,74.13,74.36,72.70,146322800\n';
    const r = await importPrices({ filename: 'downloads/AAPL.csv', content: text });
    expect(r.report).toEqual(
      cleanReport({
        filename: 'downloads/AAPL.csv',
        rows_read: 2,
        rows_accepted: 2,
        layout: 'long',
        detected_mapping: { date: 'Date', price: 'Adj Close' },
        warnings: [
          {
            code: 'SYMBOL_FROM_FILENAME',
            message: 'no symbol column: every price is read as symbol "AAPL" (from the file name)',
          },
        ],
      }),
    );
    expect(okData(r).prices).toEqual({ AAPL: [73.41, 72.7] });
    const two = await importPrices({
      filename: 'SPY.csv',
      content: 'date,close\n2020-01-02,300\n',
    });
    expect(okData(two).prices).toEqual({ SPY: [300] });
    // Without a file name there is no symbol to use.
    const anon = await importPrices({ format: 'csv', content: text });
    expect(anon.report.rejected).toEqual([
      {
        line: 1,
        column: 'symbol',
        reason_code: 'MISSING_COLUMN',
        message:
          'long form needs a symbol column (accepted headers: symbol, ticker, asset, name, instrument, security)',
      },
    ]);
  });

  it('an explicit mapping picks another price column', async () => {
    const r = await importPrices({
      filename: 'prices_long.csv',
      content: fixtureText('import/prices_long.csv'),
      mapping: { price: 'close' },
    });
    expect(r.report.detected_mapping).toEqual({ date: 'Date', symbol: 'Ticker', price: 'Close' });
    expect(okData(r).prices.MSFT).toEqual([160.62, 158.62, null]);
  });

  it('accepts the unambiguous date spellings', async () => {
    const text = [
      'Day,A',
      '2020/01/02,1',
      '20200103,2',
      '6 Jan 2020,3',
      'Jan 7, 2020,4',
      '2020-01-08T00:00:00Z,5',
      '2020-01-09 00:00:00,6',
      '10-Jan-2020,7',
      '2020.01.13,8',
      'January 14 2020,9',
      '15/01/2020,10',
      '05/05/2020,11',
    ].join('\n');
    const r = await csv(text.replace('Jan 7, 2020', '"Jan 7, 2020"'));
    expect(okData(r).dates).toEqual([
      '2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07', '2020-01-08', '2020-01-09',
      '2020-01-10', '2020-01-13', '2020-01-14', '2020-01-15', '2020-05-05',
    ]); // prettier-ignore
    // 15/01/2020 proves day-first for the column (05/05 reads the same either way).
    expect(r.report.warnings).toEqual([
      {
        code: 'DATE_ORDER_INFERRED',
        message: 'numeric dates read as DD/MM/YYYY: line 11 has a first number above 12',
        path: 'Day',
      },
    ]);
  });

  it('rejects ambiguous day/month dates unless date_format is given', async () => {
    const text = 'Date,A\n01/02/2020,1\n03/04/2020,2\n';
    const r = await csv(text);
    expect(r.ok).toBe(false);
    expect(r.report.rejected).toEqual([
      {
        line: 2,
        column: 'Date',
        reason_code: 'UNKNOWN_DATE',
        message:
          "\"01/02/2020\" is ambiguous (day 1 of month 2, or month 1 day 2); pass date_format 'DD/MM/YYYY' or 'MM/DD/YYYY'",
      },
      {
        line: 3,
        column: 'Date',
        reason_code: 'UNKNOWN_DATE',
        message:
          "\"03/04/2020\" is ambiguous (day 3 of month 4, or month 3 day 4); pass date_format 'DD/MM/YYYY' or 'MM/DD/YYYY'",
      },
    ]);
    expect(r.report.rows_accepted).toBe(0);
    expect(okData(await csv(text, { date_format: 'DD/MM/YYYY' })).dates).toEqual([
      '2020-02-01',
      '2020-04-03',
    ]);
    expect(okData(await csv(text, { date_format: 'MM/DD/YYYY' })).dates).toEqual([
      '2020-01-02',
      '2020-03-04',
    ]);
    // A year-first format does not read day/month/year dates.
    const ymd = await csv(text, { date_format: 'YYYY-MM-DD' });
    expect(ymd.report.rejected.map((x) => x.message)).toEqual([
      '"01/02/2020" does not match the year-first date_format',
      '"03/04/2020" does not match the year-first date_format',
    ]);
  });

  it('a column with day-first and month-first proof rejects its ambiguous dates', async () => {
    const r = await csv('Date,A\n01/02/2020,1\n13/02/2020,2\n02/14/2020,3\n');
    expect(r.report.rejected).toEqual([
      {
        line: 2,
        column: 'Date',
        reason_code: 'UNKNOWN_DATE',
        message:
          '"01/02/2020": the column mixes day-first (line 3) and month-first (line 4) dates; pass date_format',
      },
    ]);
  });

  it('descending files are sorted and said so; an unnamed first column of dates is the date', async () => {
    const r = await csv(',X,Y\n2020-01-03,2,20\n2020-01-02,1,10\n');
    expect(r.report.warnings).toEqual([
      { code: 'DATES_SORTED', message: 'rows were not in ascending date order; sorted by date' },
    ]);
    expect(r.report.detected_mapping).toEqual({ date: '' });
    const reused = await csv(',X,Y\n2020-01-03,2,20\n', { mapping: r.report.detected_mapping });
    expect(okData(reused).dates).toEqual(['2020-01-03']);
    expect(okData(r)).toMatchObject({
      dates: ['2020-01-02', '2020-01-03'],
      prices: { X: [1, 2], Y: [10, 20] },
    });
  });

  it('missing markers are missing values; gaps inside a series are reported', async () => {
    const r = await csv('date,A,B\n2020-01-02,1,NaN\n2020-01-03,#N/A,2\n2020-01-06,3,\n');
    const d = okData(r);
    expect(d.prices).toEqual({ A: [1, null, 3], B: [null, 2, null] });
    expect(d.series).toEqual([
      { symbol: 'A', first_date: '2020-01-02', last_date: '2020-01-06', count: 2 },
      { symbol: 'B', first_date: '2020-01-03', last_date: '2020-01-03', count: 1 },
    ]);
    expect(r.report.warnings).toEqual([
      { code: 'MISSING_MARKERS', message: '2 cell(s) such as "NaN" read as missing' },
      {
        code: 'SERIES_GAPS',
        message: 'A has 1 missing price(s) between 2020-01-02 and 2020-01-06',
        path: 'A',
      },
    ]);
  });

  it('semicolon-delimited files with decimal commas', async () => {
    const r = await csv('Datum;A;B\n2020-01-02;1,5;1.234,25\n2020-01-03;2;3\n', {
      decimal_separator: ',',
      mapping: { date: 'Datum' },
    });
    expect(okData(r).prices).toEqual({ A: [1.5, 2], B: [1234.25, 3] });
  });
});

describe('rejections (exact reports)', () => {
  it('prices_broken.csv: every row-level reason', async () => {
    const r = await importPrices({
      filename: 'prices_broken.csv',
      content: fixtureText('import/prices_broken.csv'),
    });
    expect(r.ok).toBe(false);
    expect(r.report).toEqual(
      cleanReport({
        filename: 'prices_broken.csv',
        rows_read: 7,
        rows_accepted: 0,
        detected_mapping: { date: 'Date' },
        rejected_count: 7,
        rejected: [
          { line: 3, column: 'AAA', reason_code: 'BAD_NUMBER', message: '"abc" is not a price' },
          {
            line: 4,
            column: 'Date',
            reason_code: 'UNKNOWN_DATE',
            message: '"2020-02-30" is not a calendar date',
          },
          {
            line: 5,
            column: 'Date',
            reason_code: 'DUPLICATE_SYMBOL',
            message: 'date 2020-01-03 is already on line 3',
          },
          { line: 6, column: 'AAA', reason_code: 'NEGATIVE_PRICE', message: 'price 0 must be > 0' },
          {
            line: 6,
            column: 'BBB',
            reason_code: 'NEGATIVE_PRICE',
            message: 'price -1 must be > 0',
          },
          {
            line: 7,
            column: 'column 4',
            reason_code: 'BAD_VALUE',
            message: 'the row has 4 cells but the header has 3',
          },
          { line: 8, column: 'BBB', reason_code: 'BAD_NUMBER', message: '"5%" is not a price' },
        ],
      }),
    );
  });

  it('long form: the same date and symbol twice', async () => {
    const r = await csv('date,symbol,price\n2020-01-02,A,1\n2020-01-02,B,2\n2020-01-02,A,3\n');
    expect(r.report.rejected).toEqual([
      {
        line: 4,
        column: 'symbol',
        reason_code: 'DUPLICATE_SYMBOL',
        message: 'A on 2020-01-02 is already on line 2',
      },
    ]);
  });

  it('wide form: the same symbol column twice', async () => {
    const r = await csv('date,A,A\n2020-01-02,1,2\n');
    expect(r.report.rejected).toEqual([
      {
        line: 1,
        column: 'A',
        reason_code: 'DUPLICATE_SYMBOL',
        message: 'symbol "A" is also column 2',
      },
    ]);
  });

  it('missing columns', async () => {
    const noDate = await csv('when,A\nyesterday,1\n');
    expect(noDate.report.rejected).toEqual([
      {
        line: 1,
        column: 'date',
        reason_code: 'MISSING_COLUMN',
        message:
          'no date column (accepted headers: date, day, timestamp, time, datetime, asof, tradedate; or a first column of dates)',
      },
    ]);
    const noPrice = await csv('date,ticker,volume\n2020-01-02,A,100\n');
    expect(noPrice.report.rejected).toEqual([
      {
        line: 1,
        column: 'price',
        reason_code: 'MISSING_COLUMN',
        message:
          'long form needs a price column (accepted headers: adjclose, adjustedclose, price, close, lastprice, last, closeprice, value)',
      },
    ]);
    const mapped = await csv('date,A\n2020-01-02,1\n', { mapping: { date: 'Datum' } });
    expect(mapped.report.rejected[0]).toEqual({
      line: 1,
      column: 'Datum',
      reason_code: 'MISSING_COLUMN',
      message: 'the mapping names column "Datum" for date, but the header has no such column',
    });
  });

  it('empty files and unsupported formats', async () => {
    const empty = await csv('');
    expect(empty.report).toEqual(
      cleanReport({
        detected_mapping: {},
        layout: undefined,
        rejected: [
          { line: 0, column: null, reason_code: 'EMPTY_FILE', message: 'the file is empty' },
        ],
        rejected_count: 1,
        // SHA-256 of zero bytes (FIPS 180-2)
        content_hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      }),
    );
    const headerOnly = await csv('date,A\r\n\r\n');
    expect(headerOnly.report.rejected).toEqual([
      {
        line: 0,
        column: null,
        reason_code: 'EMPTY_FILE',
        message: 'the file has a header but no data rows',
      },
    ]);
    const json = await importPrices({ filename: 'p.json', content: '{}' });
    expect(json.report.rejected).toEqual([
      {
        line: 0,
        column: null,
        reason_code: 'UNSUPPORTED_FORMAT',
        message: 'format "json" is not supported here (expected one of csv, xlsx)',
      },
    ]);
    expect(json.report.format).toBeNull();
    const xls = await importPrices({ filename: 'old.xls', content: 'x' });
    expect(xls.report.rejected[0]?.message).toBe(
      'format "xls" is not supported here (legacy .xls: save it as .xlsx or .csv)',
    );
    const quotes = await csv('date,A\n2020-01-02,"1\n2020-01-03,2\n');
    expect(quotes.report.rejected).toEqual([
      {
        line: 2,
        column: null,
        reason_code: 'UNSUPPORTED_FORMAT',
        message: 'CSV: Quoted field unterminated',
      },
    ]);
  });

  it('line numbers count blank lines and line breaks inside quoted cells', async () => {
    const r = await csv('date,"A\nB"\n\n2020-01-02,1\n\n2020-01-03,x\n');
    expect(r.report.rejected).toEqual([
      { line: 6, column: 'A\nB', reason_code: 'BAD_NUMBER', message: '"x" is not a price' },
    ]);
    expect(r.report.rows_read).toBe(2);
  });

  it('a time of day is rejected (daily prices only)', async () => {
    const r = await csv('date,A\n2020-01-02 15:30:00,1\n');
    expect(r.report.rejected[0]?.message).toBe(
      '"2020-01-02 15:30:00" has a time of day; only daily dates are supported',
    );
  });
});

describe('XLSX', () => {
  it('reads a workbook written by exceljs (date cells, numbers, a blank), as base64 and as bytes', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Prices');
    ws.addRow(['Date', 'AAA', 'BBB']);
    ws.addRow([new Date(Date.UTC(2021, 0, 4)), 10.5, null]);
    ws.addRow([new Date(Date.UTC(2021, 0, 5)), 11, 20.25]);
    ws.addRow(['2021-01-06', 12, 21]);
    const buf = new Uint8Array(await wb.xlsx.writeBuffer());
    const b64 = Buffer.from(buf).toString('base64');
    const r = await importPrices({ filename: 'p.xlsx', content: b64 });
    expect(r.report).toMatchObject({ format: 'xlsx', rows_read: 3, rejected: [], layout: 'wide' });
    expect(okData(r)).toEqual({
      dates: ['2021-01-04', '2021-01-05', '2021-01-06'],
      symbols: ['AAA', 'BBB'],
      prices: { AAA: [10.5, 11, 12], BBB: [null, 20.25, 21] },
      series: [
        { symbol: 'AAA', first_date: '2021-01-04', last_date: '2021-01-06', count: 3 },
        { symbol: 'BBB', first_date: '2021-01-05', last_date: '2021-01-06', count: 2 },
      ],
    });
    const fromBytes = await importPrices({ filename: 'p.xlsx', content: buf });
    expect(fromBytes.report.content_hash).toBe(r.report.content_hash);
  });

  it('reports sheet row numbers', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('S');
    ws.getCell('A3').value = 'Date';
    ws.getCell('B3').value = 'X';
    ws.getCell('A4').value = '2021-01-04';
    ws.getCell('B4').value = 5;
    ws.getCell('A6').value = '2021-01-05';
    ws.getCell('B6').value = -5;
    const buf = new Uint8Array(await wb.xlsx.writeBuffer());
    const r = await importPrices({ filename: 'p.xlsx', content: buf });
    expect(r.report.rejected).toEqual([
      { line: 6, column: 'X', reason_code: 'NEGATIVE_PRICE', message: 'price -5 must be > 0' },
    ]);
  });

  it('rejects content that is not an XLSX workbook', async () => {
    const notB64 = await importPrices({ filename: 'p.xlsx', content: 'not base64!' });
    expect(notB64.report.rejected[0]?.message).toBe('XLSX content must be base64 text');
    const notZip = await importPrices({ filename: 'p.xlsx', content: 'aGVsbG8=' });
    expect(notZip.report.rejected[0]?.message).toBe('not an XLSX file (no ZIP signature)');
    const badZip = await importPrices({
      filename: 'p.xlsx',
      content: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]),
    });
    expect(badZip.report.rejected[0]?.reason_code).toBe('UNSUPPORTED_FORMAT');
    expect(badZip.report.rejected[0]?.message).toMatch(/^not a readable XLSX workbook/);
  });
});

describe('toPriceHistory', () => {
  const data: ImportedPrices = {
    dates: ['2020-01-02', '2020-01-03', '2020-01-06'],
    symbols: ['A', 'B'],
    prices: { A: [null, 10, 11], B: [5, 6, 7] },
    series: [],
  };
  it('keeps the dates where every selected symbol has a price', () => {
    expect(toPriceHistory(data)).toEqual({
      price_history: { dates: ['2020-01-03', '2020-01-06'], prices: { A: [10, 11], B: [6, 7] } },
      symbols: ['A', 'B'],
      kept_dates: 2,
      dropped_dates: 1,
      warnings: [],
    });
    expect(toPriceHistory(data, ['B']).dropped_dates).toBe(0);
  });
  it('returns null with a warning when fewer than 2 dates remain, and throws for unknown symbols', () => {
    const thin = { ...data, prices: { A: [null, null, 11], B: [5, 6, 7] } };
    expect(toPriceHistory(thin)).toEqual({
      price_history: null,
      symbols: ['A', 'B'],
      kept_dates: 1,
      dropped_dates: 2,
      warnings: [
        {
          code: 'INSUFFICIENT_HISTORY',
          message: 'only 1 date(s) have a price for every selected symbol; at least 2 are needed',
        },
      ],
    });
    expect(() => toPriceHistory(data, ['Z'])).toThrow(EngineError);
  });
});
