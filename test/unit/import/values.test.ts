import { describe, expect, it } from 'vitest';
import { decodeBase64, sha256Hex, utf8, decodeText } from '../../../src/data/import/bytes';
import {
  isCalendarDate,
  normalizeHeader,
  parseNumber,
  readAssetClass,
  readDate,
} from '../../../src/data/import/values';
import { locateJsonPath } from '../../../src/data/import/json-locate';
import { importPortfolio, importPrices } from '../../../src/data/import';
import { fixtureBytes, fixtureText, opensslSha256 } from './fixtures';

describe('base64 (RFC 4648 §10 test vectors)', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ];
  it.each(vectors)('%j ← %j', (plain, b64) => {
    expect(new TextDecoder().decode(decodeBase64(b64) ?? undefined)).toBe(plain);
    expect(new TextDecoder().decode(decodeBase64(b64.replace(/=/g, '')) ?? undefined)).toBe(plain);
  });
  it('round-trips every byte value, with line breaks, URL-safe alphabet and a data URL prefix', () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const b64 = Buffer.from(bytes).toString('base64');
    expect(decodeBase64(b64)).toEqual(bytes);
    expect(decodeBase64(b64.replace(/(.{76})/g, '$1\r\n'))).toEqual(bytes);
    expect(decodeBase64(Buffer.from(bytes).toString('base64url'))).toEqual(bytes);
    expect(decodeBase64(`data:application/octet-stream;base64,${b64}`)).toEqual(bytes);
  });
  it('returns null for text that is not base64', () => {
    for (const bad of ['a', 'Zm9v!', 'Zg==Zg', 'Zg===', 'data:text/plain,abc', 'é'])
      expect(decodeBase64(bad)).toBeNull();
  });
});

describe('SHA-256 content hash', () => {
  it('FIPS 180-2 vectors', () => {
    expect(sha256Hex(utf8('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256Hex(utf8(''))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
  it('is stable: the same bytes as text or as bytes give the same hash; OpenSSL agrees', async () => {
    const text = fixtureText('riskfolio_stock_prices.csv');
    const bytes = fixtureBytes('riskfolio_stock_prices.csv');
    const a = await importPrices({ filename: 'r.csv', content: text });
    const b = await importPrices({ filename: 'r.csv', content: bytes });
    const c = await importPrices({ filename: 'r.csv', content: text });
    expect(a.report.content_hash).toBe(opensslSha256(bytes));
    expect(b.report.content_hash).toBe(a.report.content_hash);
    expect(c.report.content_hash).toBe(a.report.content_hash);
    // One byte more → another hash; rejected files are hashed too.
    const d = await importPrices({ filename: 'r.csv', content: `${text} ` });
    expect(d.report.content_hash).not.toBe(a.report.content_hash);
    const bad = await importPortfolio({ filename: 'x.csv', content: 'nonsense' });
    expect(bad.report.content_hash).toBe(opensslSha256('nonsense'));
  });
});

describe('text decoding', () => {
  it('BOMs, UTF-16, and a Windows-1252 fallback with a warning', async () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toEqual({
      text: 'A',
      encoding: 'utf-8',
    });
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x41, 0x00]))).toEqual({
      text: 'A',
      encoding: 'utf-16le',
    });
    expect(decodeText(new Uint8Array([0xfe, 0xff, 0x00, 0x41]))).toEqual({
      text: 'A',
      encoding: 'utf-16be',
    });
    // 0x80 is € in Windows-1252 and invalid as a UTF-8 start byte.
    expect(decodeText(new Uint8Array([0x80, 0x31]))).toEqual({
      text: '€1',
      encoding: 'windows-1252',
    });
    const r = await importPortfolio({
      filename: 'p.csv',
      content: new Uint8Array([
        ...utf8('asset,price,weight,target\nCaf'),
        0xe9,
        ...utf8(',1,1,1\n'),
      ]),
    });
    expect(r.ok && r.data.assets[0]?.asset).toBe('Café');
    expect(r.report.warnings).toEqual([
      { code: 'ENCODING_ASSUMED', message: 'the bytes are not valid UTF-8; read as Windows-1252' },
    ]);
  });
});

describe('numbers', () => {
  const cases: [string, '.' | ',', number | null, boolean][] = [
    ['12', '.', 12, false],
    ['-0.5', '.', -0.5, false],
    ['+1e3', '.', 1000, false],
    ['.5', '.', 0.5, false],
    [' 7 ', '.', 7, false],
    ['1,234.50', '.', 1234.5, false],
    ['$1,234', '.', 1234, false],
    ['-$5', '.', -5, false],
    ['(12)', '.', -12, false],
    ['25%', '.', 25, true],
    ['12.5 %', '.', 12.5, true],
    ['1.234,5', ',', 1234.5, false],
    ['0,25', ',', 0.25, false],
    ['1 234,5', ',', 1234.5, false],
    ['1,23,4', '.', null, false],
    ['12,34', '.', null, false],
    ['abc', '.', null, false],
    ['', '.', null, false],
    ['Infinity', '.', null, false],
    ['NaN', '.', null, false],
    ['0x10', '.', null, false],
    ['1e999', '.', null, false],
    ['9'.repeat(400), '.', null, false],
  ];
  it.each(cases)('%j (decimal %j) → %j', (raw, dec, value, percent) => {
    const p = parseNumber(raw, dec);
    if (value === null) expect(p).toBeNull();
    else expect(p).toEqual({ value, percent });
  });
});

describe('dates', () => {
  it('the Gregorian leap-year rule', () => {
    expect(isCalendarDate(2000, 2, 29)).toBe(true); // divisible by 400
    expect(isCalendarDate(1900, 2, 29)).toBe(false); // by 100, not 400
    expect(isCalendarDate(2024, 2, 29)).toBe(true);
    expect(isCalendarDate(2023, 2, 29)).toBe(false);
    expect(isCalendarDate(2023, 4, 31)).toBe(false);
    expect(isCalendarDate(2023, 13, 1)).toBe(false);
  });
  const ok: [string, string][] = [
    ['2020-01-02', '2020-01-02'],
    [' 2020-1-2 ', '2020-01-02'],
    ['2020/01/02', '2020-01-02'],
    ['2020.01.02', '2020-01-02'],
    ['20200102', '2020-01-02'],
    ['2020-01-02T00:00:00.000Z', '2020-01-02'],
    ['2 Jan 2020', '2020-01-02'],
    ['02-Jan-2020', '2020-01-02'],
    ['Jan 2, 2020', '2020-01-02'],
    ['January 2nd, 2020', '2020-01-02'],
    ['Sept 30 2020', '2020-09-30'],
    ['2020-Jan-02', '2020-01-02'],
    ['13/01/2020', '2020-01-13'],
    ['01/13/2020', '2020-01-13'],
    ['07/07/2020', '2020-07-07'],
  ];
  it.each(ok)('%j → %j', (raw, iso) => {
    expect(readDate(raw, null)).toEqual({ ok: true, date: iso });
  });
  it('rejects what is not a calendar date, with the reason', () => {
    expect(readDate('2021-02-29', null)).toEqual({
      ok: false,
      message: '"2021-02-29" is not a calendar date',
    });
    expect(readDate('13/13/2020', null)).toEqual({
      ok: false,
      message: '"13/13/2020" is not a calendar date',
    });
    expect(readDate('31/04/2020', 'DMY')).toEqual({
      ok: false,
      message: '"31/04/2020" is not a calendar date (read as DD/MM/YYYY)',
    });
    expect(readDate('1 Foo 2020', null)).toEqual({
      ok: false,
      message: '"1 Foo 2020": unknown month name "Foo"',
    });
    expect(readDate('02/01/20', null)).toEqual({
      ok: false,
      message: '"02/01/20" is not a date (expected YYYY-MM-DD)',
    });
    expect(readDate('', null)).toEqual({ ok: false, message: 'empty date' });
    const amb = readDate('02/01/2020', null);
    expect(amb.ok).toBe(false);
    expect(!amb.ok && amb.ambiguous).toEqual({ a: 2, b: 1 });
  });
});

describe('headers and classes', () => {
  it('normalizes case, spaces, underscores, hyphens, dots and brackets', () => {
    expect(normalizeHeader(' Target_Weight (%) ')).toBe('targetweight%');
    expect(normalizeHeader('Last-Price')).toBe('lastprice');
    expect(normalizeHeader('Adj. Close')).toBe('adjclose');
  });
  it('maps class synonyms and refuses unknown classes', () => {
    expect(readAssetClass('Equities')).toBe('Stocks');
    expect(readAssetClass('ETF')).toBe('ETF');
    expect(readAssetClass('Mutual Fund')).toBe('Mutual Fund');
    expect(readAssetClass('bonds')).toBeNull();
  });
});

describe('JSON line locator', () => {
  const text = '{\n  "a": [1,\n    2],\n  "b": {"c": "x]}"},\n  "d": [\n    {"e": 1}\n  ]\n}';
  it('finds members, elements, and falls back to the nearest ancestor', () => {
    expect(locateJsonPath(text, ['a', 1])).toBe(3);
    expect(locateJsonPath(text, ['a', 0])).toBe(2);
    expect(locateJsonPath(text, ['b', 'c'])).toBe(4);
    expect(locateJsonPath(text, ['d', 0, 'e'])).toBe(6);
    expect(locateJsonPath(text, ['d', 0, 'missing'])).toBe(6);
    expect(locateJsonPath(text, ['d', 5])).toBe(5);
    expect(locateJsonPath(text, [])).toBe(1);
  });
});
