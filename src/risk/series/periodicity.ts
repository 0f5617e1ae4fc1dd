/**
 * Periods per year and calendar time for return series of any frequency (docs/methods.md,
 * "Metrics of return series").
 *
 * Conventions: a named periodicity maps to a fixed number of periods per year (daily 252, weekly
 * 52, monthly 12, quarterly 4, annual 1 — empyrical's and PyPortfolioOpt's factors); a number is
 * used as given (365 for crypto, 8,760 hourly). Calendar time between two ISO dates is
 * ACT/365.25: whole days between them divided by 365.25.
 */

/** The named periodicities and their periods per year. */
export const PERIODS_PER_YEAR = {
  daily: 252,
  weekly: 52,
  monthly: 12,
  quarterly: 4,
  annual: 1,
} as const;

export type PeriodicityName = keyof typeof PERIODS_PER_YEAR;

/** Days in the average calendar year (ACT/365.25). */
export const DAYS_PER_YEAR = 365.25;

/**
 * Periods per year P of a periodicity: the named ones from PERIODS_PER_YEAR, a number as given.
 * Example: periodsPerYear('monthly') = 12; periodsPerYear(365) = 365.
 */
export function periodsPerYear(p: PeriodicityName | number): number {
  return typeof p === 'number' ? p : PERIODS_PER_YEAR[p];
}

const MS_PER_DAY = 86_400_000;

/**
 * Whole days from the start of 1970-01-01 to an ISO date YYYY-MM-DD (UTC, proleptic Gregorian;
 * the caller has validated the date). Example: dayNumber('1970-01-02') = 1.
 */
export function dayNumber(iso: string): number {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

/**
 * Calendar years between two ISO dates, ACT/365.25: (days between) / 365.25.
 * Example: yearsBetween('2020-01-01', '2021-01-01') = 366 / 365.25 ≈ 1.002053.
 */
export function yearsBetween(from: string, to: string): number {
  return (dayNumber(to) - dayNumber(from)) / DAYS_PER_YEAR;
}

/**
 * The length in years over which a series of n returns is compounded for its CAGR:
 * - without dates: n / P (empyrical's `annual_return`);
 * - with the dates of the prices (n + 1 of them, `pricesDated`): from the first price's date to
 *   the last, ACT/365.25 — the time the money was invested;
 * - with the dates of the returns (n of them, each the end of its period): the first return's
 *   own period starts before its date, so the span of the n − 1 intervals between the dates is
 *   scaled by n / (n − 1).
 * Example: 12 monthly returns without dates, P = 12 → 1 year; prices dated 2020-01-31 and
 * 2021-01-31 → 366 / 365.25 years; returns dated 2020-02-29..2021-01-31 (12 dates, 337 days) →
 * 337/365.25 · 12/11 ≈ 1.006570 years.
 */
export function compoundingYears(
  n: number,
  P: number,
  dates: readonly string[] | null,
  pricesDated: boolean,
): number {
  if (dates === null || dates.length < 2) return n / P;
  const span = yearsBetween(dates[0]!, dates[dates.length - 1]!);
  return pricesDated ? span : (span * n) / (n - 1);
}
