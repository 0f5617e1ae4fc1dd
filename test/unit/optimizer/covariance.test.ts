/**
 * Covariance for the optimizer: estimator choice, annualization, repair, and factor models, against
 * numpy (test/reference/optimizer_factor_reference.py); and the factor-form QP against the dense QP
 * on the same Σ = B F Bᵀ + D (the dense path is itself checked against cvxpy in reference.test.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  estimateCovariance,
  observedFactorModel,
  pcaFactorModel,
  topEigenpairs,
} from '../../../src/optimize/qp/covariance-model';
import { denseCov } from '../../../src/optimize/qp/normalize';
import { optimizePortfolio } from '../../../src/optimize/qp/optimize';
import type { CovarianceInput, OptimizationProblem } from '../../../src/optimize/qp/types';
import { getSolver, loadStock20, weightsOf } from './helpers';

const S20 = loadStock20();
const n = 20;

// optimizer_factor_reference.py output ------------------------------------------------------
const PCA = {
  eigenvalues: [0.650071862675, 0.427326226511, 0.280579264189],
  vectors: [
    0.108264427043, 0.0744051325952, 0.200805392914, 0.124473987267, 0.0729638041285,
    0.144645692938, 0.129897311038, 0.0829872847603, 0.203922207317, 0.167719226634, 0.10841647367,
    0.152051048651, 0.126356801349, 0.109478220998, 0.231338023682, 0.123622748461, 0.0301902584014,
    0.124935310616, 0.45299180513, 0.650885563857, -0.590078240501, 0.0810877365677,
    -0.00823538174958, 0.0681853167085, 0.187161644088, 0.0685934240591, 0.185827501692,
    0.157520431073, 0.0422889112448, 0.137556767652, 0.0720155248237, 0.0250889316162,
    0.0694980383085, 0.240527236988, 0.00937685278807, 0.369881748845, 0.613698103106,
    -0.709535839603, -0.31090901114, 0.109871077386, 0.0434758764777, 0.118724088749, 0.28341856681,
    0.0956640156378, 0.197186561815, 0.191731185447, -0.0129814233431, 0.140922855958,
    0.123955169358, 0.0784609069652, 0.151556948856, 0.0833659200336, 0.0370430479969,
    0.0986594992534, 0.150720070867, 0.0635318409663, 0.177037134703, 0.10516447194, 0.02134479831,
    0.153101837249,
  ],
  specific: [
    0.0316148198311, 0.0350864936277, 0.0392453471693, 0.071162132399, 0.0529217008117,
    0.0304263271881, 0.00321384109461, 0.0356030966957, 0.0351311507692, 0.0391138507736,
    0.0215525468252, 0.102052278895, 0.00279070650464, 0.0235860413776, 0.183374875634,
    0.0978342582865, 0.0218708437322, 0.0229150912538, 0.0213089341756, 0.0258277186898,
  ],
  explained: 0.602311579065,
};
const OBS = {
  loadings: [
    0.321329758101, 1.82377764808, -0.859681623106, -0.122748154033, -0.0612156157403,
    0.53530784287, 2.77327958774, 0.593317940548, -2.14562113584, -0.596648583688,
    -0.000314369897265, -0.562282559078, 0.587587598129, -0.360381621607, 1.3054815172,
    -0.41754820914, 0.809324579168, 0.578745601634, -0.523011678974, 0.666523573606,
    0.0743574874997, -0.358205720931, 0.156280014351, -0.397119708593, 1.15352908245,
    -0.0412521889611, -0.697499267135, 0.847531344386, -0.392085048859, 1.32719284203,
    -0.195595183081, 0.825597673964, 0.0169835506954, 0.453719588565, -0.0789558015888,
    -0.123191844935, -0.0807814997233, -0.740507612313, 1.35536285664, 0.338404860711,
    0.00489880271293, -0.502604534477, 0.419139637153, -0.0973580073471, 1.12760655484,
    -0.153150510914, -0.00949310111879, -0.553907615124, 1.26671796857, 0.338566395719,
    0.112490186942, 0.372557399282, -1.3105345339, 1.53607833148, 0.283224357496, -0.0280075437348,
    -0.380411960415, -0.723768382485, 1.46503959098, 0.420381117346, 0.210854191236, 1.91668360802,
    -0.486600901657, -0.084895923742, -0.52395925844, -0.0634855334089, 0.0125507313024,
    -0.70527412533, 1.50256650724, 0.189250693928, -0.10091674133, 0.016638765944, -1.00301886731,
    1.39305850106, 0.545507808185, -0.185735260337, -0.0710307820275, -0.705232349478,
    1.62670629912, 0.290059695243, 0.397787403465, -1.4035478409, 1.64260591512, -1.20278100929,
    1.46487002744, 0.101755341564, -0.400607682485, -0.574895861675, 1.57534132372, 0.384286184008,
    -0.0860989627744, -0.0112300438611, -0.192992232925, 1.02380219471, 0.0245762270098,
    0.139021763915, -0.758011169835, 0.3325620356, -0.395795261852, 1.33606787277,
  ],
  factorCov: [
    0.0535442765676, 0.0398372606672, 0.038129434574, 0.0261926256181, 0.0346501528578,
    0.0398372606672, 0.0423054224441, 0.0390759521296, 0.0283412287531, 0.0353025503173,
    0.038129434574, 0.0390759521296, 0.0393638413939, 0.0264418462676, 0.0358822494075,
    0.0261926256181, 0.0283412287531, 0.0264418462676, 0.0223922843611, 0.0239750193338,
    0.0346501528578, 0.0353025503173, 0.0358822494075, 0.0239750193338, 0.0382948485159,
  ],
  specific: [
    0.0308317291106, 0.105141419261, 0.0361043052719, 0.0944772279231, 0.0585297870785,
    0.0555381924265, 0.0346507815666, 0.0140714778277, 0.0283829732653, 0.0144451541252,
    0.0651899443027, 0.0368391790672, 0.0216907017073, 0.0118628626236, 0.0561754384497,
    0.015945514067, 0.320706403141, 0.0269150021527, 0.0381843663101, 0.0740112192034,
  ],
};
// -------------------------------------------------------------------------------------------

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-12, Math.abs(b));

function readCsv(name: string): Map<string, number[]> {
  const path = fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  return new Map(
    lines.slice(1).map((l) => {
      const c = l.split(',');
      return [c[0]!, c.slice(1).map(Number)];
    }),
  );
}

describe('statistical factor model (PCA) vs numpy.linalg.eigh', () => {
  it('top-3 eigenpairs and specific variances of the 20-stock Σ', () => {
    const fm = pcaFactorModel(S20.cov, n, 3);
    if (fm.model.kind !== 'factor') throw new Error('expected a factor model');
    const { loadings, factorCov, specificVar } = fm.model;
    for (let f = 0; f < 3; f++) {
      expect(rel(factorCov[f * 3 + f]!, PCA.eigenvalues[f]!)).toBeLessThanOrEqual(1e-9);
      const sign = Math.sign(loadings[f]!);
      for (let i = 0; i < n; i++)
        expect(Math.abs(sign * loadings[i * 3 + f]! - PCA.vectors[i * 3 + f]!)).toBeLessThanOrEqual(
          1e-7,
        );
    }
    specificVar.forEach((d, i) => expect(Math.abs(d - PCA.specific[i]!)).toBeLessThanOrEqual(1e-9));
    expect(fm.explained).toBeCloseTo(PCA.explained, 9);
  });
  it('hand-worked: diag(3, 2, 1), k = 1 → λ = 3, v = ±e₁', () => {
    const r = topEigenpairs(new Float64Array([3, 0, 0, 0, 2, 0, 0, 0, 1]), 3, 1);
    expect(r.values[0]).toBeCloseTo(3, 12);
    expect(Math.abs(r.vectors[0]!)).toBeCloseTo(1, 10);
  });
});

describe('observed factor model (5 factor ETFs) vs numpy.linalg.lstsq', () => {
  it('loadings, factor covariance and specific variances', () => {
    const assets = readCsv('skfolio_sp500_dataset.csv');
    const factors = readCsv('skfolio_factors_dataset.csv');
    const common = [...assets.keys()]
      .filter((d) => factors.has(d))
      .sort()
      .slice(-501);
    expect(common[0]).toBe('2021-01-04');
    const ret = (m: Map<string, number[]>, k: number) =>
      Array.from({ length: k }, (_, i) =>
        Float64Array.from(
          { length: 500 },
          (_, t) => m.get(common[t + 1]!)![i]! / m.get(common[t]!)![i]! - 1,
        ),
      );
    const fm = observedFactorModel(ret(assets, 20), ret(factors, 5));
    if (fm.model.kind !== 'factor') throw new Error('expected a factor model');
    fm.model.loadings.forEach((b, i) =>
      expect(Math.abs(b - OBS.loadings[i]!)).toBeLessThanOrEqual(1e-9),
    );
    fm.model.factorCov.forEach((f, i) =>
      expect(rel(f, OBS.factorCov[i]!)).toBeLessThanOrEqual(1e-9),
    );
    fm.model.specificVar.forEach((d, i) =>
      expect(rel(d, OBS.specific[i]!)).toBeLessThanOrEqual(1e-9),
    );
  });

  it('a constant asset (money-market accrual) gets loadings 0 and specific variance 0 exactly', () => {
    // Compensated means centre a constant series to exact zeros (docs/methods.md "Sums and
    // means"); with Σ/n centring, 1e-4·895/895 ≠ 1e-4 left noise in b and d.
    const flat = new Float64Array(S20.returns[0]!.length).fill(0.0001);
    const fm = observedFactorModel([S20.returns[0]!, flat], S20.returns.slice(1, 4));
    if (fm.model.kind !== 'factor') throw new Error('expected a factor model');
    for (let a = 0; a < 3; a++) expect(fm.model.loadings[3 + a]).toBe(0);
    expect(fm.model.specificVar[1]).toBe(0);
    expect(fm.model.specificVar[0]).toBeGreaterThan(0);
  });
});

describe('estimateCovariance', () => {
  it('sample: the 20-stock Σ (ddof 1) × 252, not repaired', () => {
    const e = estimateCovariance(S20.returns, { estimator: 'sample' });
    expect(e.info).toMatchObject({
      estimator: 'sample',
      annualization: 252,
      repaired: false,
      observations: 895,
    });
    e.dense.forEach((v, i) => expect(Math.abs(v - S20.cov[i]!)).toBeLessThanOrEqual(1e-15));
  });
  it('ledoit_wolf reports its shrinkage; ewma its half-life (default 63)', () => {
    const lw = estimateCovariance(S20.returns, { estimator: 'ledoit_wolf' });
    expect(lw.info.shrinkage).toBeGreaterThan(0);
    expect(lw.info.shrinkage).toBeLessThan(1);
    expect(estimateCovariance(S20.returns, { estimator: 'ewma' }).info.halflife).toBe(63);
  });
  it('repairs a singular covariance (a duplicated asset) and says so', () => {
    const e = estimateCovariance([S20.returns[0]!, S20.returns[0]!, S20.returns[1]!], {
      estimator: 'sample',
    });
    expect(e.info.repaired).toBe(true);
    expect(e.warnings.map((w) => w.code)).toContain('COVARIANCE_REPAIRED');
  });
  it('a constant asset has variance exactly 0, so Σ is repaired (the QP needs variances > 0)', () => {
    const flat = new Float64Array(S20.returns[0]!.length).fill(0.0001);
    const e = estimateCovariance([S20.returns[0]!, flat], { estimator: 'sample' });
    expect(e.info.repaired).toBe(true);
    expect(e.info.min_eigenvalue_before_repair).toBe(0);
    expect(e.dense[3]).toBeGreaterThan(0); // the jitter: 1e-10 × mean annualized variance
    expect(e.dense[3]).toBeLessThan(1e-10);
  });
  it('factors: k returns a factor model, k ≥ n falls back to dense with a warning', () => {
    expect(
      estimateCovariance(S20.returns, { estimator: 'sample', factors: 3 }).covariance.kind,
    ).toBe('factor');
    const e = estimateCovariance(S20.returns.slice(0, 3), { estimator: 'sample', factors: 5 });
    expect(e.covariance.kind).toBe('dense');
    expect(e.warnings.map((w) => w.code)).toContain('FACTOR_MODEL_SKIPPED');
  });
});

describe('factor-form QP equals the dense QP on Σ = B F Bᵀ + D', () => {
  const fm = pcaFactorModel(S20.cov, n, 3).model;
  const dense: CovarianceInput = { kind: 'dense', matrix: denseCov(fm, n) };
  const base: Omit<OptimizationProblem, 'method' | 'covariance'> = {
    assets: S20.names,
    currentWeights: new Array(n).fill(0.05),
    targetWeights: [...new Array(10).fill(0.08), ...new Array(10).fill(0.02)],
    expectedReturns: S20.mu,
    riskFreeRate: 0.02,
    riskAversion: 3,
    bounds: S20.names.map(() => ({ min: 0, max: 0.25 })),
  };
  for (const [method, extra] of [
    ['min_variance', {}],
    ['max_sharpe', { costBps: 10, turnoverCap: 0.3 }],
    ['mean_variance', { cashFloor: 0.05 }],
    ['track_target', { costBps: 10, turnoverCap: 0.1 }],
  ] as const) {
    it(method, async () => {
      const solver = await getSolver();
      const a = await optimizePortfolio({ ...base, ...extra, method, covariance: fm }, solver);
      const b = await optimizePortfolio({ ...base, ...extra, method, covariance: dense }, solver);
      const wa = weightsOf(a);
      weightsOf(b).forEach((v, i) => expect(Math.abs(v - wa[i]!)).toBeLessThanOrEqual(1e-6));
      expect(rel(a.objective, b.objective)).toBeLessThanOrEqual(1e-8);
      expect(a.kkt?.verified).toBe(true);
    });
  }
});
