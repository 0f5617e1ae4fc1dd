/**
 * Optimizer vs independent reference solutions computed by cvxpy + Clarabel (interior point,
 * tolerances 1e-12): values printed by test/reference/optimizer_reference.py and pasted here.
 * Data: PyPortfolioOpt's 20-stock file, rows 2014-09-19..2018-04-11 (all 20 tickers present),
 * μ = mean daily simple return × 252, Σ = sample covariance (ddof 1) × 252, r_f = 0.02.
 * Criteria (issue #4): weights within 1e-5, objective within 1e-6 relative; risk parity: every
 * risk contribution within 1e-6 of its budget.
 */
import { describe, expect, it } from 'vitest';
import { optimizePortfolio } from '../../../src/optimize/qp/optimize';
import type { OptimizationProblem } from '../../../src/optimize/qp/types';
import { covFromVolCorr, getSolver, loadStock20, riskContrib, weightsOf } from './helpers';

const S20 = loadStock20();
const n = S20.names.length;
const equal = new Array(n).fill(1 / n);
const dense = { kind: 'dense' as const, matrix: S20.cov };

// optimizer_reference.py output ------------------------------------------------------------
const REF = {
  A1: {
    weights: [
      0.00790938185097, 0.0306900453905, 0.0105068928524, 0.0274869777917, 0.0122776150654,
      0.0334116241449, 1.30085827117e-13, 0.139848395651, 1.6908601191e-13, 2.11238569499e-11,
      0.287822361243, 9.87292424509e-14, 9.16548611785e-14, 0.125283674534, 1.15567001609e-12,
      0.0150854740778, 3.43592244092e-11, 0.193123876041, 1.88987753064e-13, 0.1165536813,
    ],
    objective: 0.0149589021393855,
  },
  A2: {
    weights: [
      5.80972093165e-15, 2.41219166776e-14, 4.06682709183e-14, 1.83507618461e-14, 0.500078795574,
      1.74450109478e-15, 0.0604535000252, 2.22127861376e-14, 1.05860136416e-14, 6.71296902811e-15,
      1.39903136937e-14, 1.28141504388e-15, 8.95409940958e-16, 3.36404441773e-15, 8.55706077653e-16,
      0.14140883634, 0.207069009659, 1.69154695052e-14, 0.0909898584014, 1.67160673676e-14,
    ],
    objective: 1.68845601135236,
  },
  A3: {
    weights: [
      3.14254294572e-14, 1.58461975434e-13, 0.157346968156, 1.72606062416e-12, 0.2,
      2.45042951226e-15, 0.116546538458, 1.25557666045e-14, 2.18421756091e-14, 7.58611886128e-15,
      9.91474950044e-15, 4.44433429544e-15, 3.64430029876e-15, 6.25188252671e-15, 3.68215217062e-15,
      0.199999999922, 0.2, 1.36253106911e-14, 0.126106493462, 5.23784964519e-14,
    ],
    objective: -0.203908400076856,
  },
  A4: {
    weights: [
      0.0572035151925, 0.0522476604904, 0.0667620446295, 0.0727562356688, 0.0710048883252,
      0.0499999999988, 0.0791252755374, 0.0499999999983, 0.0500000000028, 0.0508003801095,
      0.0499999999168, 0.0298225407617, 0.0225279934274, 0.0499999973346, 0.0203829821045,
      0.0271664865186, 0.0500000000002, 0.0499999999844, 0.0499999999986, 0.0500000000002,
    ],
    objective: 0.00047878923345531,
  },
  A5: {
    weights: [
      1.49387338249e-13, 0.0201724299804, 0.05, 0.0298275700195, 0.1, 9.23790688665e-15, 0.05,
      0.0540827158475, 0.0500000000008, 0.0494000000005, 0.0635495529947, 4.48353565894e-15,
      -2.21838801153e-15, 4.1335946309e-13, -1.16722949468e-15, 0.1, 0.05, 0.0817677311563,
      0.0999999999999, 0.0999999999999,
    ],
    objective: 1.326773094322,
  },
  A6: [
    0.0506322551018, 0.0512479444948, 0.0469052911896, 0.043689989531, 0.0457152182312,
    0.0561504763701, 0.027632850113, 0.0770576500522, 0.0394958183437, 0.0472333491268,
    0.0843524262889, 0.0338555971277, 0.0275459759226, 0.062067275072, 0.0356364301142,
    0.0441310062381, 0.0508526901356, 0.0714201780564, 0.0452964231655, 0.0590811553247,
  ],
  A7: [
    0.00563941198569, 0.0110085028882, 0.0155818587744, 0.0193696075532, 0.0254372310815,
    0.0326569763146, 0.020371056736, 0.0595716055862, 0.0329822081381, 0.0448294224477,
    0.0874118892828, 0.0382289033118, 0.0314378879344, 0.0796101093879, 0.0461426266469,
    0.0609751388941, 0.083297653545, 0.116393142377, 0.0792820066655, 0.109772760449,
  ],
  A8: {
    weights: [
      1.06247659675e-14, 1.58406249615e-14, 4.00056236863e-13, 3.1486079411e-14, 0.3,
      2.09396923403e-15, 0.266744056678, 3.03916630401e-15, 1.87882577795e-14, 3.0784491887e-15,
      3.13066354093e-15, 2.84011213538e-15, 1.9869025381e-15, 3.6140671789e-15, 8.93687805103e-16,
      0.21372300123, 0.0195329420911, 3.44958050798e-15, 4.58098690096e-14, 8.20857128778e-15,
    ],
    objective: -0.257064479834916,
  },
  T1min: {
    weights: [0.735849056121, 1.20166057929e-9, 0.264150942677],
    objective: 0.00815094339677056,
  },
  T1sharpe: {
    weights: [0.444879686626, 0.245103525462, 0.310016787912],
    objective: 0.611384371466267,
  },
  T1mv: {
    weights: [0.309587217044, 0.361517976032, 0.328894806924],
    objective: -0.0432756324900133,
  },
  T1rp: [0.485961646251, 0.214203561914, 0.299834791835],
  T1closed: {
    weights: [0.739014647137, -0.00798934753662, 0.268974700399],
    objective: 0.0081491344873502,
  },
};
// -------------------------------------------------------------------------------------------

function expectClose(
  r: { weights: { weight: number }[]; objective: number },
  ref: { weights: number[]; objective: number },
) {
  const w = weightsOf(r);
  w.forEach((v, i) =>
    expect(Math.abs(v - ref.weights[i]!), `weight ${i}`).toBeLessThanOrEqual(1e-5),
  );
  expect(Math.abs(r.objective - ref.objective) / Math.abs(ref.objective)).toBeLessThanOrEqual(1e-6);
}

async function run(
  p: Omit<OptimizationProblem, 'assets' | 'covariance' | 'currentWeights'> &
    Partial<OptimizationProblem>,
) {
  const problem: OptimizationProblem = {
    assets: S20.names,
    covariance: dense,
    currentWeights: equal,
    ...p,
  };
  const r = await optimizePortfolio(problem, await getSolver());
  if (r.kkt) expect(r.kkt.verified, JSON.stringify(r.kkt)).toBe(true);
  return r;
}

describe('20-stock PyPortfolioOpt data vs cvxpy + Clarabel', () => {
  it('uses the same μ and Σ as the reference script', () => {
    expect(S20.firstDate).toBe('2014-09-19');
    expect(S20.lastDate).toBe('2018-04-11');
    expect(S20.returns[0]!.length).toBe(895);
    // "check:" line of optimizer_reference.py
    expect(S20.mu[0]).toBeCloseTo(0.178914374187325, 12);
    expect(S20.cov[0]).toBeCloseTo(0.0529139072150257, 13);
    expect(S20.cov[1]).toBeCloseTo(0.0247052600756023, 13);
  });
  it('A1 long-only minimum variance', async () => {
    const r = await run({ method: 'min_variance' });
    expectClose(r, REF.A1);
    expect(r.binding_constraints.map((b) => b.name)).toContain('budget');
  });
  it('A2 long-only maximum Sharpe (r_f = 0.02)', async () => {
    const r = await run({ method: 'max_sharpe', expectedReturns: S20.mu, riskFreeRate: 0.02 });
    expectClose(r, REF.A2);
    expect(r.sharpe).toBeCloseTo(REF.A2.objective, 7);
  });
  it('A3 mean-variance λ = 5 with max weight 0.2', async () => {
    const r = await run({
      method: 'mean_variance',
      expectedReturns: S20.mu,
      riskFreeRate: 0.02,
      riskAversion: 5,
      bounds: S20.names.map(() => ({ min: 0, max: 0.2 })),
    });
    expectClose(r, REF.A3);
    expect(r.binding_constraints.map((b) => b.name)).toEqual(
      expect.arrayContaining(['asset_max:AMZN', 'asset_max:MA']),
    );
  });
  it('A4 track target with a 10% turnover cap and 10 bp costs (costs paid from cash)', async () => {
    const wt = [...new Array(10).fill(0.08), ...new Array(10).fill(0.02)];
    const r = await run({
      method: 'track_target',
      targetWeights: wt,
      costBps: 10,
      turnoverCap: 0.1,
    });
    expectClose(r, REF.A4);
    expect(r.turnover).toBeCloseTo(0.1, 12);
    expect(r.binding_constraints.map((b) => b.name)).toContain('turnover');
    expect(r.cash_weight).toBeCloseTo(0, 12);
  });
  it('A5 max Sharpe with asset max, class max, cash floor, costs and turnover (homogenized)', async () => {
    const tech = new Set(['GOOG', 'AAPL', 'FB', 'BABA', 'AMZN', 'AMD', 'MA']);
    const r = await run({
      method: 'max_sharpe',
      expectedReturns: S20.mu,
      riskFreeRate: 0.02,
      bounds: S20.names.map(() => ({ min: 0, max: 0.1 })),
      assetClasses: S20.names.map((a) => (tech.has(a) ? 'Tech' : 'Other')),
      classBounds: { Tech: { max: 0.3 } },
      cashFloor: 0.1,
      costBps: 20,
      turnoverCap: 0.3,
    });
    expectClose(r, REF.A5);
    expect(r.cash_weight).toBeCloseTo(0.1, 12);
  });
  it('A6 equal risk contribution', async () => {
    const r = await run({ method: 'risk_parity' });
    const w = weightsOf(r);
    w.forEach((v, i) => expect(Math.abs(v - REF.A6[i]!)).toBeLessThanOrEqual(1e-5));
    for (const rc of riskContrib(S20.cov, n, w))
      expect(Math.abs(rc - 1 / n)).toBeLessThanOrEqual(1e-6);
    expect(r.risk_parity?.constrained).toBe(false);
  });
  it('A7 risk budgets (i + 1)/210', async () => {
    const b = Array.from({ length: n }, (_, i) => i + 1);
    const r = await run({ method: 'risk_parity', riskBudgets: b });
    const w = weightsOf(r);
    w.forEach((v, i) => expect(Math.abs(v - REF.A7[i]!)).toBeLessThanOrEqual(1e-5));
    riskContrib(S20.cov, n, w).forEach((rc, i) =>
      expect(Math.abs(rc - (i + 1) / 210)).toBeLessThanOrEqual(1e-6),
    );
  });
  it('A8 mean-variance λ = 2, max 0.3, cash floor 0.2', async () => {
    const r = await run({
      method: 'mean_variance',
      expectedReturns: S20.mu,
      riskFreeRate: 0.02,
      riskAversion: 2,
      bounds: S20.names.map(() => ({ min: 0, max: 0.3 })),
      cashFloor: 0.2,
    });
    expectClose(r, REF.A8);
    expect(r.binding_constraints.map((b) => b.name)).toContain('cash_floor');
  });
});

describe('textbook 3-asset problem vs cvxpy + Clarabel', () => {
  // σ = (10%, 20%, 15%), ρ12 = 0.3, ρ13 = 0.2, ρ23 = 0.5; μ = (6%, 12%, 9%); r_f = 2%.
  const S3 = covFromVolCorr(
    [0.1, 0.2, 0.15],
    [
      [1, 0.3, 0.2],
      [0.3, 1, 0.5],
      [0.2, 0.5, 1],
    ],
  );
  const base = {
    assets: ['A', 'B', 'C'],
    covariance: { kind: 'dense' as const, matrix: S3 },
    currentWeights: [1 / 3, 1 / 3, 1 / 3],
    expectedReturns: [0.06, 0.12, 0.09],
    riskFreeRate: 0.02,
  };
  it('minimum variance', async () => {
    expectClose(
      await optimizePortfolio({ ...base, method: 'min_variance' }, await getSolver()),
      REF.T1min,
    );
  });
  it('maximum Sharpe', async () => {
    expectClose(
      await optimizePortfolio({ ...base, method: 'max_sharpe' }, await getSolver()),
      REF.T1sharpe,
    );
  });
  it('mean-variance λ = 4', async () => {
    expectClose(
      await optimizePortfolio(
        { ...base, method: 'mean_variance', riskAversion: 4 },
        await getSolver(),
      ),
      REF.T1mv,
    );
  });
  it('risk parity', async () => {
    const r = await optimizePortfolio({ ...base, method: 'risk_parity' }, await getSolver());
    const w = weightsOf(r);
    w.forEach((v, i) => expect(Math.abs(v - REF.T1rp[i]!)).toBeLessThanOrEqual(1e-5));
    for (const rc of riskContrib(S3, 3, w)) expect(Math.abs(rc - 1 / 3)).toBeLessThanOrEqual(1e-6);
  });
  it('minimum variance with shorts equals the closed form Σ⁻¹1 / 1ᵀΣ⁻¹1', async () => {
    const r = await optimizePortfolio(
      { ...base, method: 'min_variance', bounds: [0, 1, 2].map(() => ({ min: -1, max: 1 })) },
      await getSolver(),
    );
    expectClose(r, REF.T1closed);
  });
  it('two uncorrelated assets (hand-worked): w = (1/σ1², 1/σ2²) normalized = (9/13, 4/13)', async () => {
    const r = await optimizePortfolio(
      {
        method: 'min_variance',
        assets: ['A', 'B'],
        covariance: { kind: 'dense', matrix: new Float64Array([0.04, 0, 0, 0.09]) },
        currentWeights: [0.5, 0.5],
      },
      await getSolver(),
    );
    expect(weightsOf(r)[0]).toBeCloseTo(9 / 13, 10);
    expect(r.objective).toBeCloseTo(0.036 / 1.3, 12); // 1 / (1/0.04 + 1/0.09)
  });
});
