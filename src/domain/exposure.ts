/**
 * Gross and net exposure of a book (docs/methods.md, long-short books). Weights are signed
 * fractions of the net asset value; short proceeds sit in the cash leg, so Σ w + cash = 1.
 */
import type { BookExposure, BookType, ExposureFigures } from '../contract/optimize';

/**
 * gross = Σ|w_i|, net = Σ w_i, long = Σ max(w_i, 0), short = Σ max(−w_i, 0) (≥ 0), and the cash
 * leg as given. Sums are plain left-to-right (n ≤ 5,000 weights of magnitude ≤ 1: error ≤ 1e-12).
 *
 * Example: w = [0.8, 0.5, −0.3], cash 0 (a 130/30 book): gross 1.6, net 1.0, long 1.3, short 0.3.
 */
export function exposureOf(w: ArrayLike<number>, cash: number): ExposureFigures {
  let long = 0;
  let short = 0;
  for (let i = 0; i < w.length; i++) {
    const v = w[i] as number;
    if (v > 0) long += v;
    else short -= v;
  }
  // −0 would print as 0 but compare unequal in a byte check; normalize it.
  return { gross: long + short, net: long - short, long, short: short + 0, cash };
}

/**
 * The response's `book_exposure` block: the book type, its gross limit, and the exposure of the
 * current weights after the cash flow (cash c'_0) and of the proposed weights (cash after the
 * orders). Example: long_short, before w = [0.6, 0.4] cash 0, after [0.8, 0.5, −0.3] cash 0 →
 * before gross 1 net 1, after gross 1.6 net 1.
 */
export function bookExposure(
  type: BookType,
  grossLimit: number | undefined,
  before: ArrayLike<number>,
  cashBefore: number,
  after: ArrayLike<number>,
  cashAfter: number,
): BookExposure {
  return {
    type,
    gross_limit: grossLimit ?? null,
    before: exposureOf(before, cashBefore),
    after: exposureOf(after, cashAfter),
  };
}
