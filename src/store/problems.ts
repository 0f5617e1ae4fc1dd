import type { VerifyProblem } from '../ports/store';

/** At most this many problems are listed; the rest are only counted (bounded memory). */
export const MAX_LISTED_PROBLEMS = 100;

/** Collects verify's problems: the first `limit` in full, the total as a count. */
export class ProblemList {
  readonly items: VerifyProblem[] = [];
  total = 0;

  constructor(private readonly limit = MAX_LISTED_PROBLEMS) {}

  add(p: VerifyProblem): void {
    this.total++;
    if (this.items.length < this.limit) this.items.push(p);
  }
}
