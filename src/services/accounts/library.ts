/**
 * The price library as the services use it: merging a re-imported series into the stored one,
 * and reading the series an account needs.
 */
import type { SeriesContent, Store } from '../../ports/store';

/** How a re-import changed a stored series. */
export interface SeriesMerge {
  content: SeriesContent;
  action: 'created' | 'extended' | 'revised' | 'unchanged';
  added_dates: number;
  revised_closes: number;
}

/**
 * Merges a file's series into the stored one (null: none yet). The result holds every date of
 * either, ascending; on a date both have, the file's close wins and is counted as revised when it
 * differs. Nothing is lost: the stored version stays readable, the merge becomes version n+1.
 * Linear in the two lengths (both ascending).
 * Example: stored {d1: 10, d2: 11}, file {d2: 11.5, d3: 12} → {d1: 10, d2: 11.5, d3: 12},
 *   action 'revised', added_dates 1, revised_closes 1.
 */
export function mergeSeries(stored: SeriesContent | null, file: SeriesContent): SeriesMerge {
  if (stored === null)
    return { content: file, action: 'created', added_dates: file.dates.length, revised_closes: 0 };
  const dates: string[] = [];
  const closes: number[] = [];
  let added = 0;
  let revised = 0;
  let i = 0;
  let j = 0;
  const sd = stored.dates;
  const fd = file.dates;
  while (i < sd.length || j < fd.length) {
    const a = sd[i];
    const b = fd[j];
    if (b === undefined || (a !== undefined && a < b)) {
      dates.push(a as string);
      closes.push(stored.closes[i] as number);
      i++;
    } else if (a === undefined || b < a) {
      dates.push(b);
      closes.push(file.closes[j] as number);
      added++;
      j++;
    } else {
      const c = file.closes[j] as number;
      if (c !== stored.closes[i]) revised++;
      dates.push(b);
      closes.push(c);
      i++;
      j++;
    }
  }
  const action = revised > 0 ? 'revised' : added > 0 ? 'extended' : 'unchanged';
  return { content: { dates, closes }, action, added_dates: added, revised_closes: revised };
}

/** The latest stored version of each named series that the library has (others are absent). */
export function libraryFor(store: Store, symbols: Iterable<string>): Map<string, SeriesContent> {
  const out = new Map<string, SeriesContent>();
  for (const s of symbols) {
    if (out.has(s)) continue;
    const v = store.priceLibrary.get(s);
    // Written by the store from checked series; bound to the audit chain by its content hash.
    if (v) out.set(s, JSON.parse(v.content_json) as SeriesContent);
  }
  return out;
}
