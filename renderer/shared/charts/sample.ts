/**
 * Which dates of a long daily series the table fallback lists. A chart draws every day (chart.js
 * decimation thins what reaches the screen); a table of 7,000 rows helps no one, so the table
 * lists period ends: every day when the series is short, else month ends, quarter ends or year
 * ends — the finest period that fits in `maxRows`. The last date is always included (it is the
 * end of its period), so the table ends on the same figure as the chart.
 */

export type Period = 'day' | 'month' | 'quarter' | 'year';

/** Key of the period an ISO date (YYYY-MM-DD…) falls in: "2024-05-31" → month "2024-05". */
function periodKey(date: string, period: Period): string {
  if (period === 'day') return date;
  const y = date.slice(0, 4);
  if (period === 'year') return y;
  const m = Number(date.slice(5, 7));
  if (period === 'quarter') return `${y}-Q${Math.ceil(m / 3)}`;
  return date.slice(0, 7);
}

/** Indices of the last date of each period, in order. */
function ends(dates: readonly string[], period: Period): number[] {
  const out: number[] = [];
  for (let i = 0; i < dates.length; i++) {
    const next = dates[i + 1];
    if (next === undefined || periodKey(next, period) !== periodKey(dates[i] ?? '', period)) {
      out.push(i);
    }
  }
  return out;
}

/**
 * The rows a table shows for a daily series: `{ period, indices }` with the finest period whose
 * ends number at most `maxRows` (year ends when even those are more).
 * Example: 7,126 days from 1997 to 2025, maxRows 400 → month ends (348 rows).
 */
export function periodEnds(
  dates: readonly string[],
  maxRows: number,
): { period: Period; indices: number[] } {
  if (dates.length <= maxRows) return { period: 'day', indices: dates.map((_, i) => i) };
  for (const period of ['month', 'quarter'] as const) {
    const indices = ends(dates, period);
    if (indices.length <= maxRows) return { period, indices };
  }
  return { period: 'year', indices: ends(dates, 'year') };
}

/** Plural words for a period, for table notes: "month" → "month-end". */
export const PERIOD_WORD: Record<Period, string> = {
  day: 'daily',
  month: 'month-end',
  quarter: 'quarter-end',
  year: 'year-end',
};
