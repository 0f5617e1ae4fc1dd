/**
 * Long-short books in the optimizer (issue #11 item 4): negative current weights, bounds down to
 * −1, market_neutral (Σw = 0), the gross-exposure row Σ|w| ≤ G and turnover caps above 1, for
 * every optimized method that admits them, against test/reference/long_short.py: the exact
 * solution on the active set found by SLSQP, with its KKT certificate checked in the script
 * (weights within 1e-5, issue #11). Also: the named binding constraints and their duals, and the
 * refusals (risk_parity / hrp long-only, max_sharpe market-neutral, gross below the net exposure).
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import { optimizePortfolio } from '../../../src/optimize/qp/optimize';
import type { OptimizationProblem } from '../../../src/optimize/qp/types';
import { getSolver } from '../optimizer/helpers';

// Data of test/reference/long_short.py.
const VOL = [0.2, 0.15, 0.25, 0.1, 0.3];
const CORR = [
  [1.0, 0.3, 0.5, 0.1, 0.4],
  [0.3, 1.0, 0.2, 0.2, 0.3],
  [0.5, 0.2, 1.0, 0.0, 0.5],
  [0.1, 0.2, 0.0, 1.0, 0.1],
  [0.4, 0.3, 0.5, 0.1, 1.0],
];
const N = 5;
export const S = Float64Array.from({ length: N * N }, (_, k) => {
  const i = Math.floor(k / N);
  const j = k % N;
  return VOL[i]! * VOL[j]! * CORR[i]![j]!;
});
export const MU = [0.08, 0.06, 0.02, 0.03, -0.04];
export const RF = 0.02;
const W0_LONG = [0.3, 0.2, 0.2, 0.2, 0.1];
export const W0_LS = [0.5, 0.4, 0.2, 0.1, -0.2];
export const W0_MN = [0.3, 0.1, -0.2, 0.0, -0.2];
const WT_LS = [0.6, 0.3, 0.2, 0.2, -0.3];
const WT_MN = [0.4, 0.2, -0.3, 0.1, -0.4];
export const ASSETS = ['A', 'B', 'C', 'D', 'E'];

export function problem(
  method: OptimizationProblem['method'],
  extra: Partial<OptimizationProblem>,
): OptimizationProblem {
  return {
    method,
    assets: ASSETS,
    covariance: { kind: 'dense', matrix: S },
    currentWeights: W0_LONG,
    expectedReturns: MU,
    riskFreeRate: RF,
    ...extra,
  };
}
const LS = (G: number) => ({
  book: { type: 'long_short' as const, grossLimit: G },
  bounds: ASSETS.map(() => ({ min: -1, max: 1 })),
});
const MN = (G: number, lo = -1, hi = 1) => ({
  book: { type: 'market_neutral' as const, grossLimit: G },
  bounds: ASSETS.map(() => ({ min: lo, max: hi })),
});

// python3 test/reference/long_short.py (exact active-set solutions, certificates checked there).
const REF: Record<string, { p: OptimizationProblem; w: number[]; binding: string[] }> = {
  A_minvar_long: {
    p: problem('min_variance', {}),
    w: [0.06561572738118285, 0.19128998378725634, 0.06980656871042412, 0.6732877201211367, 0.0],
    binding: ['asset_min:E', 'budget'],
  },
  B_meanvar_long: {
    p: problem('mean_variance', { riskAversion: 4 }),
    w: [0.33260019550342124, 0.37145650048875867, 0.0, 0.2959433040078201, 0.0],
    binding: ['asset_min:C', 'asset_min:E', 'budget'],
  },
  C_minvar_ls: {
    p: problem('min_variance', { currentWeights: W0_LS, ...LS(1.6) }),
    w: [
      0.0702137394793595, 0.19778767223715082, 0.07978703416486582, 0.6739988491121142,
      -0.021787294993490334,
    ],
    binding: ['budget'],
  },
  D_meanvar_ls: {
    p: problem('mean_variance', { riskAversion: 4, currentWeights: W0_LS, ...LS(1.6) }),
    w: [0.48611925708699893, 0.4884652981427176, 0.0, 0.32541544477028345, -0.30000000000000004],
    binding: ['budget', 'gross_exposure'],
  },
  D2_quadutil_ls: {
    p: problem('max_quadratic_utility', { riskAversion: 4, currentWeights: W0_LS, ...LS(1.6) }),
    w: [0.48611925708699893, 0.4884652981427176, 0.0, 0.32541544477028345, -0.30000000000000004],
    binding: ['budget', 'gross_exposure'],
  },
  E_meanvar_mn: {
    p: problem('mean_variance', { riskAversion: 4, currentWeights: W0_MN, ...MN(1.0) }),
    w: [
      0.346462823969239, 0.153537176030761, -0.035900822320957426, -0.15945305127091874,
      -0.30464612640812383,
    ],
    binding: ['market_neutral', 'gross_exposure'],
  },
  F_track_ls: {
    p: problem('track_target', {
      currentWeights: W0_LS,
      targetWeights: WT_LS,
      turnoverCap: 0.15,
      ...LS(1.5),
    }),
    w: [0.5734697446659669, 0.3120846449807625, 0.1879153550192375, 0.17653025533403302, -0.25],
    binding: ['budget', 'turnover', 'gross_exposure'],
  },
  G_sharpe_ls: {
    p: problem('max_sharpe', { currentWeights: W0_LS, ...LS(1.6) }),
    w: [0.4993785863860106, 0.4984281091077209, 0.0, 0.3021933045062686, -0.30000000000000004],
    binding: ['budget', 'gross_exposure'],
  },
  H_effrisk_mn: {
    p: problem('efficient_risk', { targetVolatility: 0.08, currentWeights: W0_MN, ...MN(2.0) }),
    w: [
      0.3073136023106481, 0.21290452840943577, -0.06578363389713969, -0.22683217241481612,
      -0.22760232440812805,
    ],
    binding: ['market_neutral'],
  },
  I_effret_ls: {
    p: problem('efficient_return', { targetReturn: 0.1, currentWeights: W0_LS, ...LS(1.6) }),
    w: [0.6245239908606244, 0.5924600152322925, 0.0, 0.08301599390708306, -0.30000000000000004],
    binding: ['budget', 'gross_exposure'],
  },
  J_effrisk_ls: {
    p: problem('efficient_risk', { targetVolatility: 0.15, currentWeights: W0_LS, ...LS(1.3) }),
    w: [0.5934554164029473, 0.5565445835970526, 0.0, 0.0, -0.15000000000000002],
    binding: ['budget', 'gross_exposure'],
  },
  K_minvar_mn_tau: {
    p: problem('min_variance', {
      currentWeights: W0_MN,
      turnoverCap: 0.25,
      ...MN(1.2, -0.5, 0.5),
    }),
    w: [0.09642620780939776, 0.05357379219060227, -0.09870946393117142, 0.0, -0.0512905360688286],
    binding: ['market_neutral', 'turnover'],
  },
  L_effret_mn: {
    p: problem('efficient_return', { targetReturn: 0.07, currentWeights: W0_MN, ...MN(1.5) }),
    w: [
      0.4007447056085642, 0.27763288679270187, -0.08578352146392249, -0.2957948866351789,
      -0.2967991843021646,
    ],
    binding: ['market_neutral'],
  },
  M_track_mn: {
    p: problem('track_target', {
      currentWeights: W0_MN,
      targetWeights: WT_MN,
      turnoverCap: 0.3,
      ...MN(0.8),
    }),
    w: [
      0.217844728806724, 0.12052785548307794, -0.1020618754680988, 0.06162741571019807,
      -0.2979381245319012,
    ],
    binding: ['market_neutral', 'gross_exposure'],
  },
  N_sharpe_long: {
    p: problem('max_sharpe', {}),
    w: [0.4237516869095816, 0.43994601889338747, 0.0, 0.136302294197031, 0.0],
    binding: ['asset_min:C', 'asset_min:E', 'budget'],
  },
};

describe('long-short optimizer vs test/reference/long_short.py (weights within 1e-5)', () => {
  for (const [name, c] of Object.entries(REF))
    it(`${name}: ${c.p.method}`, async () => {
      const res = await optimizePortfolio(c.p, await getSolver());
      const w = res.weights.map((r) => r.weight);
      for (let i = 0; i < N; i++)
        expect(Math.abs(w[i]! - c.w[i]!), `${name} w[${i}]`).toBeLessThan(1e-5);
      expect(res.kkt?.verified ?? true).toBe(true);
      const names = res.binding_constraints.map((b) => b.name);
      for (const b of c.binding) expect(names, name).toContain(b);
      const gross = w.reduce((s, v) => s + Math.abs(v), 0);
      const net = w.reduce((s, v) => s + v, 0);
      const book = c.p.book;
      if (book?.grossLimit !== undefined) expect(gross).toBeLessThanOrEqual(book.grossLimit + 1e-9);
      if (book?.type === 'market_neutral') {
        expect(Math.abs(net)).toBeLessThanOrEqual(1e-9);
        // No costs here: the whole NAV sits in the cash leg.
        expect(res.cash_weight).toBeCloseTo(1, 9);
      }
      if (c.p.turnoverCap !== undefined)
        expect(res.turnover).toBeLessThanOrEqual(c.p.turnoverCap + 1e-9);
    });
});

describe('gross_exposure in the response', () => {
  it('reports the binding row with value, bound and a dual of the right sign', async () => {
    const res = await optimizePortfolio(REF.D_meanvar_ls!.p, await getSolver());
    const g = res.binding_constraints.find((b) => b.name === 'gross_exposure');
    expect(g).toMatchObject({ side: 'upper', bound: 1.6 });
    expect(g!.value).toBeCloseTo(1.6, 9);
    // Raising G lowers the minimized objective: ∂objective/∂G < 0.
    expect(g!.dual).not.toBeNull();
    expect(g!.dual!).toBeLessThan(0);
    // Finite-difference check of the dual: objective(G + h) − objective(G) ≈ dual · h.
    const h = 1e-4;
    const up = await optimizePortfolio(
      { ...REF.D_meanvar_ls!.p, book: { type: 'long_short', grossLimit: 1.6 + h } },
      await getSolver(),
    );
    expect((up.objective - res.objective) / h).toBeCloseTo(g!.dual!, 3);
  });
});

describe('refusals', () => {
  const expectError = async (p: OptimizationProblem, code: string, path: RegExp) => {
    let err: unknown = null;
    try {
      await optimizePortfolio(p, await getSolver());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineError);
    const e = err as EngineError;
    expect(e.code).toBe(code);
    expect(e.details.map((d) => d.path).join(' ')).toMatch(path);
    return e;
  };
  it('risk_parity and hrp with a long-short book → BAD_REQUEST naming book.type', async () => {
    for (const m of ['risk_parity', 'hrp'] as const)
      await expectError(problem(m, LS(2)), 'BAD_REQUEST', /book\.type/);
  });
  it('max_sharpe with a market-neutral book → BAD_REQUEST naming book.type', async () => {
    await expectError(problem('max_sharpe', MN(2)), 'BAD_REQUEST', /book\.type/);
  });
  it('gross limit below |net| = 1 at full investment → INFEASIBLE with the reason', async () => {
    const e = await expectError(
      problem('min_variance', { currentWeights: W0_LS, ...LS(0.8) }),
      'INFEASIBLE',
      /gross_exposure.*book\.gross_limit.*budget/,
    );
    expect(e.message).toMatch(/below the 100% net exposure/);
  });
  it('with costs too: G < 1 − c_max (G + Σ|w0|) is refused with the cost allowance named', async () => {
    const e = await expectError(
      problem('min_variance', { currentWeights: W0_LS, costBps: 10, ...LS(0.8) }),
      'INFEASIBLE',
      /gross_exposure.*book\.gross_limit.*budget/,
    );
    // c_max (G + Σ|w0|) = 0.001 × (0.8 + 1.4) = 0.22%.
    expect(e.message).toMatch(/transaction costs of at most 0\.22% cannot make up the difference/);
  });
  it('bounds forcing more gross than G → INFEASIBLE naming the bounds', async () => {
    const bounds = ASSETS.map(() => ({ min: 0.3, max: 1 }));
    await expectError(
      problem('min_variance', { book: { type: 'long_short', grossLimit: 1.2 }, bounds }),
      'INFEASIBLE',
      /gross_exposure.*asset_min:A/,
    );
  });
  it('market_neutral with minimums above 0 → INFEASIBLE naming market_neutral', async () => {
    const bounds = ASSETS.map(() => ({ min: 0.01, max: 1 }));
    await expectError(
      problem('min_variance', { book: { type: 'market_neutral' }, bounds }),
      'INFEASIBLE',
      /market_neutral/,
    );
  });
  it('gross limit below the gross the turnover cap lets the book reach → INFEASIBLE (solver IIS)', async () => {
    // Current gross 1.4, cap 0.1 one-way: the gross can fall by at most 0.2.
    await expectError(
      problem('min_variance', {
        currentWeights: [0.6, 0.3, 0.2, 0.1, -0.2],
        turnoverCap: 0.1,
        ...LS(1.1),
      }),
      'INFEASIBLE',
      /turnover|gross_exposure/,
    );
  });
});
