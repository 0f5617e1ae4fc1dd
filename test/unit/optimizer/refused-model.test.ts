/**
 * A model HiGHS refuses (a non-finite coefficient, as a run with prices near 1e300 builds) is the
 * data's doing: DATA_BLOCKED (422) naming price_history, not an internal error (found by the
 * fuzz suite on GET /api/runs/{id}/frontier).
 */
import { describe, expect, it } from 'vitest';
import type { QpModel } from '../../../src/optimize/qp/types';
import { createInThreadQpSolver } from '../../../src/workers/highs-solver';

/** min ½·q·x² + c·x over 0 ≤ x ≤ 1 with one row 0 ≤ x ≤ 1. */
function oneColumn(q: number, c: number): QpModel {
  return {
    numCols: 1,
    numRows: 1,
    colCost: Float64Array.of(c),
    colLower: Float64Array.of(0),
    colUpper: Float64Array.of(1),
    rowLower: Float64Array.of(0),
    rowUpper: Float64Array.of(1),
    matrix: { starts: Int32Array.of(0, 1), indices: Int32Array.of(0), values: Float64Array.of(1) },
    hessian: { starts: Int32Array.of(0, 1), indices: Int32Array.of(0), values: Float64Array.of(q) },
    offset: 0,
  };
}

describe('a model the solver refuses', () => {
  it('is DATA_BLOCKED naming price_history, and the solver keeps working', async () => {
    const solver = await createInThreadQpSolver();
    for (const bad of [Infinity, NaN]) {
      expect(() => solver.solveSync(oneColumn(bad, -1), { timeLimitSeconds: 5 })).toThrow(
        expect.objectContaining({
          name: 'EngineError',
          code: 'DATA_BLOCKED',
          details: [expect.objectContaining({ path: 'price_history' })],
        }),
      );
    }
    const ok = solver.solveSync(oneColumn(2, -1), { timeLimitSeconds: 5 });
    expect(ok.status).toBe('optimal');
    expect(ok.x[0]).toBeCloseTo(0.5, 9);
  });
});
