/**
 * Money in minor units (cents, yen, …).
 *
 * Trade lists are settled in whole minor units: every amount the engine adds or subtracts is an
 * integer number of minor units held in a double. Doubles represent every integer up to
 * 2^53 − 1 exactly, so sums and differences of such amounts are exact as long as they stay below
 * that bound; `MAX_MINOR` is that bound and callers reject portfolios that could exceed it.
 */

import { own } from '../domain/names';

/**
 * Currencies whose minor unit is not 1/100. The product's rule: two decimals for every ISO 4217
 * code except the ones listed here. (ISO 4217 has further exceptions, e.g. CLP/VND 0 and
 * BHD/KWD 3 decimals; add a line here to support one.)
 */
export const MINOR_UNIT_EXCEPTIONS: Readonly<Record<string, number>> = Object.freeze({
  JPY: 0,
  KRW: 0,
});

/** Decimals of the minor unit for currencies not in `MINOR_UNIT_EXCEPTIONS`. */
export const DEFAULT_MINOR_UNITS = 2;

/** Largest amount in minor units that doubles hold exactly (2^53 − 1). */
export const MAX_MINOR = Number.MAX_SAFE_INTEGER;

/**
 * Decimals of a currency's minor unit.
 *
 * @example minorUnits('USD') // 2
 * @example minorUnits('JPY') // 0
 */
export function minorUnits(currency: string): number {
  return own(MINOR_UNIT_EXCEPTIONS, currency) ?? DEFAULT_MINOR_UNITS;
}

/**
 * Minor units per major unit: 10^decimals.
 *
 * @example minorScale('USD') // 100
 * @example minorScale('KRW') // 1
 */
export function minorScale(currency: string): number {
  return 10 ** minorUnits(currency);
}

/**
 * Rounds an amount in major units to whole minor units, half away from zero:
 * toMinor(x, s) = sign(x) · ⌊|x|·s + 0.5⌋.
 *
 * @example toMinor(3.534, 100) // 353 (3.53 USD)
 * @example toMinor(-0.125, 100) // -13
 */
export function toMinor(amount: number, scale: number): number {
  const m = Math.round(Math.abs(amount) * scale);
  // `|| 0` turns −0 into +0 so no row ever shows "-0".
  return (amount < 0 ? -m : m) || 0;
}

/**
 * Converts whole minor units back to major units (the double nearest to minor / scale).
 *
 * @example fromMinor(294147, 100) // 2941.47
 */
export function fromMinor(minor: number, scale: number): number {
  return minor / scale || 0;
}

/**
 * Rounds an amount to the currency's minor unit, half away from zero.
 *
 * @example roundToMinor(2937.94436, 'USD') // 2937.94
 * @example roundToMinor(938.2, 'JPY') // 938
 */
export function roundToMinor(amount: number, currency: string): number {
  const s = minorScale(currency);
  return fromMinor(toMinor(amount, s), s);
}

/**
 * Formats an amount with the currency's decimals and code, without locale grouping so the text
 * is the same on every machine.
 *
 * @example formatMoney(1500, 'USD') // "1500.00 USD"
 */
export function formatMoney(amount: number, currency: string): string {
  const d = minorUnits(currency);
  const s = (Math.abs(amount) < 0.5 * 10 ** -d ? 0 : amount).toFixed(d);
  return `${s} ${currency}`;
}
