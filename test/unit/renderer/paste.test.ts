/**
 * Pasting spreadsheet blocks into the holdings grid (renderer/workstation/inputs/paste.ts), and
 * the grid's pure helpers (weight sums, row shifts). Expected values are worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  applyPaste,
  headerColumn,
  matchClass,
  parsePaste,
  splitBlock,
} from '../../../renderer/workstation/inputs/paste';
import {
  newAssetRow,
  shiftPath,
  sumOff,
  weightSums,
} from '../../../renderer/workstation/inputs/grid';
import { RebalanceRequest } from '../../../src/contract/rebalance';

const BOOK = [
  { asset: 'AAPL', asset_class: 'Stocks', target_weight: 0.5, current_weight: 0.55, price: 190 },
  { asset: 'AGG', asset_class: 'ETF', target_weight: 0.5, current_weight: 0.45, price: 98 },
];

describe('splitBlock', () => {
  it('splits rows by line and cells by tab, dropping the trailing line end and empty lines', () => {
    expect(splitBlock('a\tb\r\nc\td\n\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });
  it('reads quoted cells holding tabs, line breaks and doubled quotes', () => {
    expect(splitBlock('"x\ty"\t"say ""hi"""\n"two\nlines"\tz')).toEqual([
      ['x\ty', 'say "hi"'],
      ['two\nlines', 'z'],
    ]);
  });
  it('keeps empty cells inside a row', () => {
    expect(splitBlock('a\t\tc')).toEqual([['a', '', 'c']]);
  });
});

describe('parsePaste', () => {
  it('recognises a header in any order and ignores unknown columns', () => {
    const b = parsePaste('Target %\tTicker\tNotes\n20\tMSFT\tcore');
    expect(b.header).toBe(true);
    expect(b.columns).toEqual(['target_weight', 'asset', null]);
    expect(b.ignored).toEqual(['Notes']);
    expect(b.rows).toEqual([['20', 'MSFT', 'core']]);
  });
  it('reads a block without a header in the grid order from the start column', () => {
    const b = parsePaste('10\t12\n5\t4', 'current_weight');
    expect(b.header).toBe(false);
    expect(b.columns).toEqual(['current_weight', 'target_weight']);
    expect(b.rows).toHaveLength(2);
  });
  it('does not take a data row of names and numbers for a header', () => {
    expect(parsePaste('Price\t12.5').header).toBe(false);
    expect(headerColumn('Asset Class')).toBe('asset_class');
    expect(headerColumn('target (%)')).toBe('target_weight');
    expect(headerColumn('Lot_Size')).toBe('lot_size');
    expect(headerColumn('colour')).toBeNull();
  });
});

describe('applyPaste', () => {
  it('adds three rows from a block without a header, in percent', () => {
    const block = parsePaste(
      'MSFT\tStocks\t0\t10\t410.5\nGLD\tcommodities\t0\t5\t$2,310\nBTC\tCrypto\t0\t2.5\t64000',
    );
    const r = applyPaste(BOOK, block, null);
    expect(r.added).toBe(3);
    expect(r.updated).toBe(0);
    expect(r.drafts).toEqual([]);
    expect(r.assets.slice(2)).toEqual([
      { asset: 'MSFT', asset_class: 'Stocks', current_weight: 0, target_weight: 0.1, price: 410.5 },
      {
        asset: 'GLD',
        asset_class: 'Commodity',
        current_weight: 0,
        target_weight: 0.05,
        price: 2310,
      },
      {
        asset: 'BTC',
        asset_class: 'Crypto',
        current_weight: 0,
        target_weight: 0.025,
        price: 64000,
      },
    ]);
    // The input is not changed.
    expect(BOOK).toHaveLength(2);
    // The result passes the contract (per field; the sums are the engine's business).
    const req = { portfolio_value: 1e6, assets: r.assets };
    expect(RebalanceRequest.safeParse(req).success).toBe(true);
  });

  it('with a header, updates assets of the same name and adds the others', () => {
    const block = parsePaste('Asset\tTarget\tPrice\nAGG\t40\t99\nTLT\t10\t91');
    const r = applyPaste(BOOK, block, null);
    expect(r.updated).toBe(1);
    expect(r.added).toBe(1);
    expect(r.assets[1]).toEqual({ ...BOOK[1], target_weight: 0.4, price: 99 });
    expect(r.assets[2]).toEqual({ asset: 'TLT', target_weight: 0.1, price: 91 });
    // TLT has no current weight: it is not invented, it is asked for at its cell.
    expect(r.drafts).toEqual([
      {
        path: 'assets.2.current_weight',
        raw: '',
        error: 'required: give a value',
        label: 'row 3 current %',
      },
    ]);
  });

  it('without a header, overwrites from the anchor cell and adds rows past the end', () => {
    const block = parsePaste('30\t35\n70\t65\n0\t0', 'current_weight');
    const r = applyPaste(BOOK, block, 0);
    expect(r.assets[0]).toMatchObject({ asset: 'AAPL', current_weight: 0.3, target_weight: 0.35 });
    expect(r.assets[1]).toMatchObject({ asset: 'AGG', current_weight: 0.7, target_weight: 0.65 });
    expect(r.assets[2]).toEqual({ current_weight: 0, target_weight: 0 });
    expect(r.drafts.map((d) => d.path)).toEqual(['assets.2.asset']);
  });

  it('never writes a value it cannot use: it comes back as a draft with the reason', () => {
    const block = parsePaste('Asset\tClass\tCurrent\tTarget\nAAPL\tBonds\tabc\t150');
    const r = applyPaste(BOOK, block, null);
    expect(r.assets[0]).toEqual(BOOK[0]);
    expect(r.drafts).toEqual([
      {
        path: 'assets.0.asset_class',
        raw: 'Bonds',
        error: 'must be one of: Mutual Fund, ETF, Stocks, Commodity, FX, Crypto',
        label: 'row 1 asset class',
      },
      {
        path: 'assets.0.current_weight',
        raw: 'abc',
        error: 'must be a number',
        label: 'row 1 current %',
      },
      {
        path: 'assets.0.target_weight',
        raw: '150',
        error: 'must be from 0% to 100%',
        label: 'row 1 target %',
      },
    ]);
  });

  it('leaves a value alone when its cell is empty', () => {
    const r = applyPaste(BOOK, parsePaste('Asset\tPrice\tTarget\nAAPL\t\t45'), null);
    expect(r.assets[0]).toEqual({ ...BOOK[0], target_weight: 0.45 });
  });

  it('says so when pasted weights look like fractions', () => {
    const r = applyPaste([], parsePaste('A\t\t0.5\t0.5\nB\t\t0.5\t0.5'), null);
    expect(r.note).toMatch(/about 1%/);
    expect(applyPaste([], parsePaste('A\t\t50\t50\nB\t\t50\t50'), null).note).toBeNull();
  });

  it('counts cells past the last column as ignored', () => {
    const r = applyPaste([], parsePaste('1\t2\t3', 'lot_size'), null);
    expect(r.ignored).toEqual(['1 cell past the last column']);
  });
});

describe('matchClass', () => {
  it('takes the contract names in any case and a few plain synonyms', () => {
    expect(matchClass('mutual fund')).toBe('Mutual Fund');
    expect(matchClass(' ETF ')).toBe('ETF');
    expect(matchClass('equities')).toBe('Stocks');
    expect(matchClass('bonds')).toBeNull();
  });

  it('reads a cell named like an Object.prototype member as no class', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect(matchClass(name)).toBeNull();
  });
});

describe('grid helpers', () => {
  it('sums the weights that are numbers, exactly for decimal steps', () => {
    const rows = Array.from({ length: 10 }, () => ({ current_weight: 0.1, target_weight: 0.1 }));
    expect(weightSums(rows)).toEqual({ current: 1, target: 1, rows: 10 });
    expect(weightSums([{ current_weight: 'x', target_weight: 0.5 }, null])).toEqual({
      current: 0,
      target: 0.5,
      rows: 2,
    });
  });
  it('flags a sum the engine rescales (off 1 and off 1 − cash by more than 0.005)', () => {
    expect(sumOff(1.004, 1)).toBe(false);
    expect(sumOff(1.006, 1)).toBe(true);
    expect(sumOff(0.9, 0.9)).toBe(false);
    expect(sumOff(0.9, 1)).toBe(true);
  });
  it('names a new row with an unused name and zero weights', () => {
    expect(newAssetRow([{ asset: 'New asset 1' }])).toEqual({
      asset: 'New asset 2',
      target_weight: 0,
      current_weight: 0,
    });
  });
  it('moves draft paths up when a row above is removed', () => {
    expect(shiftPath('assets.5.price', 'assets', 3)).toBe('assets.4.price');
    expect(shiftPath('assets.3.price', 'assets', 3)).toBeNull();
    expect(shiftPath('assets.2.price', 'assets', 3)).toBe('assets.2.price');
    expect(shiftPath('drift_threshold', 'assets', 0)).toBe('drift_threshold');
    expect(shiftPath('assets.1.holdings.4.quantity', 'assets.1.holdings', 2)).toBe(
      'assets.1.holdings.3.quantity',
    );
  });
});
