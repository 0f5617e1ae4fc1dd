/**
 * Kept texts of long number arrays (src/domain/printedSeries.ts): whatever was printed before,
 * the text returned is JSON.stringify's of the numbers given now.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/domain/canonical';
import { KEPT_TEXTS, MIN_KEPT_LENGTH, printFiniteNumbers } from '../../../src/domain/printedSeries';

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const series = fc.array(finite, { minLength: MIN_KEPT_LENGTH, maxLength: 700 });

describe('printFiniteNumbers', () => {
  it('prints as JSON.stringify, the first time and again from the kept text', () => {
    fc.assert(
      fc.property(series, (a) => {
        expect(printFiniteNumbers(a)).toBe(JSON.stringify(a));
        expect(printFiniteNumbers([...a])).toBe(JSON.stringify(a));
      }),
      { numRuns: 200 },
    );
  });

  it('never answers a kept text for numbers that differ anywhere, sample points alike', () => {
    fc.assert(
      fc.property(series, fc.nat(), finite, (a, at, x) => {
        const i = at % a.length;
        fc.pre(!Object.is(a[i], x) && a[i] !== x);
        printFiniteNumbers(a);
        const b = [...a];
        b[i] = x;
        expect(printFiniteNumbers(b)).toBe(JSON.stringify(b));
        // The same three samples (first, middle, last) and one other number changed.
        const c = [...a];
        const j = i === 0 || i === c.length >> 1 || i === c.length - 1 ? 1 : i;
        c[j] = x;
        expect(printFiniteNumbers(c)).toBe(JSON.stringify(c));
        expect(printFiniteNumbers(a)).toBe(JSON.stringify(a));
      }),
      { numRuns: 300 },
    );
  });

  it('prints −0 as 0 like JSON, kept or not; a longer or shorter array is another text', () => {
    const a = Array.from({ length: MIN_KEPT_LENGTH }, (_, k) => k / 7);
    const z = [...a];
    z[3] = -0;
    const zero = [...a];
    zero[3] = 0;
    expect(printFiniteNumbers(z)).toBe(JSON.stringify(zero));
    expect(printFiniteNumbers(zero)).toBe(JSON.stringify(zero));
    expect(printFiniteNumbers([...a, 1])).toBe(JSON.stringify([...a, 1]));
    expect(printFiniteNumbers(a.slice(1))).toBe(JSON.stringify(a.slice(1)));
  });

  it('stays right past its bound of kept texts, and inside canonical JSON', () => {
    const arrays = Array.from({ length: KEPT_TEXTS * 2 }, (_, k) =>
      Array.from({ length: MIN_KEPT_LENGTH + k }, (_, i) => Math.sin(i + k) * 100),
    );
    for (let round = 0; round < 2; round++)
      for (const a of arrays) expect(printFiniteNumbers(a)).toBe(JSON.stringify(a));
    const a = arrays[0] as number[];
    expect(canonicalJson({ z: a, a: [1, 2] })).toBe(`{"a":[1,2],"z":${JSON.stringify(a)}}`);
  });
});
