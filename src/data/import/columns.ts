/**
 * Column detection: header synonyms compared case-, space- and underscore-insensitively, with an
 * explicit mapping that overrides detection field by field.
 */
import type { ReportBuilder } from './report';
import { normalizeHeader } from './values';

/**
 * Finds a column index per field. Explicit mapping first (`null` disables a field; a header not in
 * the file is a MISSING_COLUMN rejection), then, for the remaining fields in `fields` order, the
 * first unused column whose normalized header equals a synonym, trying synonyms in order.
 * Records the mapping used (field → header as written) in the report.
 * Example: header ['Ticker', 'Units'] with synonyms {asset: ['asset', 'ticker']} → {asset: 0}.
 */
export function detectColumns<F extends string>(
  header: readonly string[],
  fields: readonly F[],
  synonyms: Readonly<Record<F, readonly string[]>>,
  explicit: Partial<Record<F, string | null>> | undefined,
  rb: ReportBuilder,
  headerLine: number,
): Partial<Record<F, number>> {
  const norm = header.map(normalizeHeader);
  const used = new Set<number>();
  const found: Partial<Record<F, number>> = {};
  const decided = new Set<F>();
  if (explicit) {
    for (const f of fields) {
      if (!(f in explicit)) continue;
      const want = explicit[f];
      decided.add(f);
      if (want === null || want === undefined) continue;
      let idx = header.indexOf(want.trim());
      if (idx < 0) idx = norm.indexOf(normalizeHeader(want));
      if (idx < 0) {
        rb.reject(
          headerLine,
          want,
          'MISSING_COLUMN',
          `the mapping names column "${want}" for ${f}, but the header has no such column`,
        );
        continue;
      }
      found[f] = idx;
      used.add(idx);
    }
  }
  for (const f of fields) {
    if (decided.has(f)) continue;
    for (const syn of synonyms[f]) {
      let idx = -1;
      for (let i = 0; i < norm.length; i++)
        if (norm[i] === syn && !used.has(i)) {
          idx = i;
          break;
        }
      if (idx >= 0) {
        found[f] = idx;
        used.add(idx);
        break;
      }
    }
  }
  const mapping: Record<string, string> = {};
  for (const f of fields) {
    const i = found[f];
    if (i !== undefined) mapping[f] = header[i] as string;
  }
  rb.detectedMapping = mapping;
  return found;
}
