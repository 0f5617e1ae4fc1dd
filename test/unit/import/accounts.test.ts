/**
 * The account file parser (issue #13): one row per account × position, account-level columns
 * given once or repeated, contradictions and bad cells rejected by line and column.
 */
import { describe, expect, it } from 'vitest';
import { importAccounts } from '../../../src/data/import/accounts';

describe('importAccounts', () => {
  it('groups rows by account; account-level columns given once; an account-only row', async () => {
    const r = await importAccounts({
      filename: 'a.csv',
      content:
        'Account,Name,Ticker,Units,Cash,CCY,Model\nA1,Alpha,SPY,10,500,usd,m1\nA1,,JPM,5,,,\nA2,Beta,,,,EUR,\nA2,,SPY,"1,5",,,',
      decimal_separator: ',',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.report.detected_mapping).toEqual({
      account_id: 'Account',
      account_name: 'Name',
      asset: 'Ticker',
      quantity: 'Units',
      cash: 'Cash',
      currency: 'CCY',
      model_id: 'Model',
    });
    expect(r.data).toEqual([
      {
        account_id: 'A1',
        name: 'Alpha',
        currency: 'USD',
        model_id: 'm1',
        cash: 500,
        positions: [
          { asset: 'SPY', quantity: 10 },
          { asset: 'JPM', quantity: 5 },
        ],
        line: 2,
        model_line: 2,
      },
      {
        account_id: 'A2',
        name: 'Beta',
        currency: 'EUR',
        model_id: null,
        cash: null,
        positions: [{ asset: 'SPY', quantity: 1.5 }],
        line: 4,
        model_line: null,
      },
    ]);
  });

  it('JSON rows: the same fields, each problem at its line', async () => {
    const content =
      '[\n{"account_id":"A1","asset":"SPY","quantity":2,"cash":10},\n{"account_id":"A1","asset":"SPY","quantity":1,"cash":20}\n]';
    const r = await importAccounts({ filename: 'a.json', content });
    expect(r.ok).toBe(false);
    expect(r.report.rejected.map((x) => [x.line, x.column, x.message])).toEqual([
      [3, 'cash', 'account A1: 20 here but 10 on line 2; an account has one cash'],
      [3, 'asset', 'account A1 lists asset "SPY" twice'],
    ]);
  });

  it('missing required columns are named', async () => {
    const r = await importAccounts({ filename: 'a.csv', content: 'ticker,units\nSPY,1' });
    expect(r.ok).toBe(false);
    expect(r.report.rejected.map((x) => [x.column, x.reason_code])).toEqual([
      ['account_id', 'MISSING_COLUMN'],
    ]);
  });
});
