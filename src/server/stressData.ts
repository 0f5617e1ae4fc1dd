/**
 * Node adapter: reads the stress-test proxy library shipped in resources/data/ (skfolio sample
 * prices, BSD-3-Clause) and builds it once per root directory. The rules live in
 * src/risk/stress.ts; docs/agents.md ("Stress tests") documents them.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildStressLibrary, type StressLibrary } from '../risk/stress';

/** The CSVs of resources/data/ that make the library, in merge order. */
export const STRESS_DATA_FILES = [
  'skfolio_sp500_index.csv',
  'skfolio_sp500_dataset.csv',
  'skfolio_factors_dataset.csv',
] as const;

/** Used when resources/data/README.md has no `skfolio:` line. */
export const DEFAULT_STRESS_CREDIT =
  'skfolio: Copyright (c) 2023, skfolio developers, BSD-3-Clause licence.';

const cache = new Map<string, StressLibrary>();

/** The attribution line of resources/data/README.md (the line starting with "skfolio:"). */
export function readStressCredit(readme: string): string {
  for (const line of readme.split(/\r?\n/)) {
    const t = line.trim();
    if (/^skfolio:/i.test(t)) return t;
  }
  return DEFAULT_STRESS_CREDIT;
}

/**
 * The stress library of `<root>/resources/data/`, read and parsed on the first call for that root
 * and cached for the life of the process. Throws when a CSV is missing or malformed (callers that
 * can run without it pass `library: null` to runStressTests).
 */
export function loadStressLibrary(root: string): StressLibrary {
  const key = resolve(root);
  const hit = cache.get(key);
  if (hit) return hit;
  const dir = join(key, 'resources', 'data');
  const files = STRESS_DATA_FILES.map((f) => ({ text: readFileSync(join(dir, f), 'utf8') }));
  let credit = DEFAULT_STRESS_CREDIT;
  try {
    credit = readStressCredit(readFileSync(join(dir, 'README.md'), 'utf8'));
  } catch {
    // The README is documentation only; the default credit says the same.
  }
  const lib = buildStressLibrary(files, credit);
  cache.set(key, lib);
  return lib;
}
