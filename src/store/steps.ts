/**
 * A long check cut into steps: each `yield` marks a point where the caller may pause (no
 * statement iterator is open and no transaction is in progress there). The same generator
 * runs straight through (runSteps) or gives the event loop a turn every few milliseconds
 * (runStepsCooperatively), so one code path serves tests, CLI and the HTTP server.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs every step at once and returns the result. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Default time slice of runStepsCooperatively: well under the 50 ms health-check budget. */
export const SLICE_MS = 10;

/**
 * Runs the steps, yielding to the event loop (setImmediate: pending I/O first) whenever a
 * slice of `sliceMs` has been used, so other requests are served meanwhile.
 */
export async function runStepsCooperatively<T>(steps: Steps<T>, sliceMs = SLICE_MS): Promise<T> {
  let start = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - start >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      start = performance.now();
    }
  }
}
