/**
 * Lot sizes: the smallest tradable quantity of an asset. Trade units are always k × lot for an
 * integer k, computed from the integer k so that no float drift accumulates in the units.
 */
import type { AssetClass } from '../contract/common';

/**
 * Default lot size per asset class, used when an asset gives no `lot_size`.
 * Stocks/ETF/Commodity: 1 unit (whole shares or contracts); Mutual Fund: 0.001 share (funds
 * are commonly dealt to three decimals); Crypto: 1e-8 (one satoshi-style smallest unit);
 * FX: 1,000 units of the currency (a micro lot).
 */
export const DEFAULT_LOT_SIZE: Readonly<Record<AssetClass, number>> = Object.freeze({
  Stocks: 1,
  ETF: 1,
  'Mutual Fund': 0.001,
  Crypto: 1e-8,
  Commodity: 1,
  FX: 1000,
});

/** Largest number of decimals a lot size may have for units to be rounded to it. */
export const MAX_LOT_DECIMALS = 12;

/** A lot size with what is needed to form k × lot exactly. */
export interface LotSpec {
  /** Lot size in units (> 0). */
  readonly lot: number;
  /** Decimals of the lot (0.001 → 3, 1000 → 0), or −1 when it has more than MAX_LOT_DECIMALS. */
  readonly decimals: number;
  /** lot × 10^decimals as an integer (0.001 → 1, 0.25 → 25), or 0 when decimals is −1. */
  readonly scaled: number;
}

/**
 * The lot size in force: the asset's own `lotSize` when given, else its class default.
 *
 * @example lotSizeFor('FX') // 1000
 * @example lotSizeFor('Stocks', 100) // 100
 */
export function lotSizeFor(assetClass: AssetClass, lotSize?: number): number {
  return lotSize ?? DEFAULT_LOT_SIZE[assetClass];
}

/**
 * Decimals of a lot size: the smallest d ≤ 12 with lot·10^d a whole number ≥ 1 (relative
 * tolerance 1e-13, which absorbs binary representation error such as 0.07·100 = 7.000000000000001 but rejects
 * 1/3·10^12 = 333333333333.33),
 * or −1 when there is none (e.g. 1/3).
 *
 * @example lotDecimals(1e-8) // 8
 * @example lotDecimals(1000) // 0
 * @example lotDecimals(0.25) // 2
 */
export function lotDecimals(lot: number): number {
  for (let d = 0; d <= MAX_LOT_DECIMALS; d++) {
    const v = lot * 10 ** d;
    const r = Math.round(v);
    if (r >= 1 && Math.abs(v - r) <= 1e-13 * v) return d;
  }
  return -1;
}

/**
 * Precomputes a LotSpec.
 *
 * @example lotSpec(0.001) // { lot: 0.001, decimals: 3, scaled: 1 }
 */
export function lotSpec(lot: number): LotSpec {
  const decimals = lotDecimals(lot);
  return { lot, decimals, scaled: decimals < 0 ? 0 : Math.round(lot * 10 ** decimals) };
}

/**
 * Units for k lots: k × lot, formed as (k × scaled) / 10^decimals so that the result is the
 * double nearest to the exact decimal product (k·scaled is an exact integer below 2^53).
 * Beyond that range, or for a lot without finite decimals, it is the plain product k·lot.
 *
 * @example unitsForLots(5780385, lotSpec(1e-8)) // 0.05780385 (5780385 * 1e-8 = 0.057803850000000004)
 * @example unitsForLots(-4, lotSpec(1000)) // -4000
 */
export function unitsForLots(k: number, spec: LotSpec): number {
  if (k === 0) return 0;
  if (spec.decimals >= 0) {
    const ks = k * spec.scaled;
    if (Math.abs(ks) <= Number.MAX_SAFE_INTEGER) return ks / 10 ** spec.decimals;
  }
  return k * spec.lot;
}
