/**
 * Hierarchical risk parity (src/optimize/hrp.ts and the `hrp` method of optimizePortfolio).
 *
 * References:
 * - PyPortfolioOpt's own tests (tests/test_hrp.py) on its stock_prices.csv = test/fixtures/
 *   pypfopt_stock_prices.csv, with its conventions (pypfopt-data.ts): returns =
 *   pct_change().dropna(how="all"); HRPOpt(returns) clusters pandas' pairwise returns.corr() and
 *   allocates with pairwise returns.cov() (ddof 1; the scale of Σ does not matter); linkage on
 *   squareform(√(clip((1 − ρ)/2, 0, 1))), single by default; order = to_tree(Z).pre_order();
 *   bisection of that list by halves. Published: tests/resources/weights_hrp.csv (compared there
 *   with rtol 1e-2; here to 1e-12), test_quasi_dag, test_cluster_var, test_portfolio_performance
 *   (μ = mean × 252, Σ × 252).
 * - test/reference/hrp_reference.py: scipy.cluster.hierarchy.linkage (scipy 1.17) + a numpy
 *   recursive bisection, for single, complete, average and ward, on three data sets.
 * - Properties (seeded mulberry32): weights positive, summing to 1, invariant to the order of the
 *   assets (with labels), to the scale of Σ; the tree's heights invariant without labels.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/contract/common';
import {
  clusterVariance,
  correlationDistance,
  HRP_LINKAGES,
  hrpWeights,
  linkage,
  quasiDiagonalOrder,
} from '../../../src/optimize/hrp';
import { optimizePortfolio } from '../../../src/optimize/qp/optimize';
import type { OptimizationProblem } from '../../../src/optimize/qp/types';
import { mulberry32 } from '../../integration/store/helpers';
import { getSolver, quadForm, weightsOf } from './helpers';
import { pairwiseCovCorr, readReturns, sampleCov } from './pypfopt-data';

// hrp_reference.py output -------------------------------------------------------------------
const HRP_REF = {
  pypfopt: {
    single: {
      weights: [
        0.049560084289929369, 0.022258941278778387, 0.062729947146635393, 0.079633820717940978,
        0.016086842079874934, 0.055190634441628326, 0.022294021796692095, 0.10569551148587927,
        0.014409222455552253, 0.055576660241857208, 0.11138956508836431, 0.027115909570750055,
        0.027113184241298851, 0.11175337115721248, 0.031615286950946044, 0.034064194382450362,
        0.038127373497320295, 0.077865283428134618, 0.017675709092515732, 0.039844436656239025,
      ],
      order: [12, 6, 15, 14, 2, 7, 10, 3, 17, 11, 19, 13, 4, 1, 0, 16, 5, 9, 8, 18],
      heights: [
        0.375093871429929, 0.47582521096286573, 0.4803030951579727, 0.50454732514443601,
        0.51477634071535139, 0.52205737216023751, 0.52368430484005424, 0.53055620754178345,
        0.53282937046541634, 0.54114684103193189, 0.54196051388844313, 0.54422972539662862,
        0.54594734134806289, 0.55399843703378637, 0.56047195318260845, 0.5635839601709477,
        0.57698955642627259, 0.58654678748536615, 0.58719457685408283,
      ],
      pairs: [
        8, 18, 9, 20, 5, 21, 16, 22, 0, 23, 1, 24, 4, 25, 13, 26, 19, 27, 11, 28, 17, 29, 3, 30, 10,
        31, 7, 32, 2, 33, 14, 34, 15, 35, 6, 36, 12, 37,
      ],
    },
    complete: {
      weights: [
        0.053960277530924736, 0.026169804366797354, 0.062381067245135736, 0.085828419046800844,
        0.02279938686763721, 0.040447281666691745, 0.013905271013584681, 0.095630376794097235,
        0.018655253602597587, 0.062125125551851353, 0.11725978172420785, 0.021838630381372726,
        0.014536213283657775, 0.12144883425028812, 0.028239175724905627, 0.017319614585690556,
        0.041808576990516849, 0.081489638704790368, 0.036502253807296915, 0.03765501686115473,
      ],
      order: [4, 2, 3, 14, 10, 13, 7, 17, 6, 1, 0, 16, 9, 5, 8, 18, 11, 19, 12, 15],
      heights: [
        0.375093871429929, 0.49139503735975198, 0.50930576162353314, 0.51477634071535139,
        0.53683348351028659, 0.54114684103193189, 0.56047195318260845, 0.56128843082767854,
        0.57273859798856164, 0.58572671996885062, 0.58867511867618649, 0.59022535409673937,
        0.60014042070555529, 0.61036217363568934, 0.61716860750447522, 0.63171580389288728,
        0.65376281971818861, 0.67102697298378844, 0.69040030893061488,
      ],
      pairs: [
        8, 18, 5, 20, 9, 21, 0, 16, 1, 23, 11, 19, 2, 3, 10, 13, 4, 26, 22, 25, 12, 15, 7, 17, 27,
        31, 6, 24, 29, 30, 33, 34, 32, 35, 14, 36, 28, 37,
      ],
    },
    average: {
      weights: [
        0.053804281158476255, 0.034788189093559685, 0.060968204042127806, 0.081060227440697796,
        0.021800276097606073, 0.055978097420991219, 0.021416317673983894, 0.094263710316848534,
        0.015055576486311615, 0.072234685122033696, 0.085077223282037207, 0.027660729819216943,
        0.028582970584458824, 0.10637357684487651, 0.033720660033428239, 0.034333215236006548,
        0.04168771055605465, 0.076172183708087218, 0.018468587809859372, 0.036553577273337946,
      ],
      order: [14, 12, 15, 6, 2, 3, 4, 1, 0, 16, 7, 17, 11, 19, 10, 13, 9, 5, 8, 18],
      heights: [
        0.375093871429929, 0.48584906625886237, 0.49372171533434023, 0.51477634071535139,
        0.52944542783526205, 0.54114684103193189, 0.55613362968732905, 0.55969342733334426,
        0.559962445030462, 0.57054584300927291, 0.57939496083905284, 0.5812995774399059,
        0.58735207639550513, 0.58867511867618649, 0.58977158179764411, 0.59706575696507569,
        0.61834274765947039, 0.61915148981673662, 0.63411786675778448,
      ],
      pairs: [
        8, 18, 5, 20, 9, 21, 0, 16, 1, 23, 11, 19, 4, 24, 3, 26, 13, 22, 10, 28, 25, 29, 2, 27, 17,
        30, 12, 15, 7, 32, 31, 34, 6, 35, 33, 36, 14, 37,
      ],
    },
    ward: {
      weights: [
        0.069089025726295605, 0.031029982871964464, 0.042234901812830836, 0.079451084717622938,
        0.015436251867308159, 0.048952254316732675, 0.021020741665688149, 0.067670265128794801,
        0.034261865635369766, 0.086851284770382384, 0.10613404244482109, 0.032669849370591926,
        0.0179223856533566, 0.11185561263993986, 0.030159826800642438, 0.02135417291387853,
        0.055100883090591017, 0.05468267533326876, 0.027696239970600143, 0.046426653269319808,
      ],
      order: [1, 0, 16, 4, 2, 3, 11, 19, 12, 15, 6, 14, 8, 18, 5, 9, 10, 13, 7, 17],
      heights: [
        0.375093871429929, 0.50930576162353314, 0.51477634071535139, 0.5217911015616632,
        0.53431373328441789, 0.54114684103193189, 0.56047195318260845, 0.56128843082767854,
        0.57092478007075476, 0.58867511867618649, 0.59022535409673937, 0.60564929220345043,
        0.6138724344823383, 0.62092562198915568, 0.64417147148588383, 0.66947101183780411,
        0.6830622652905326, 0.73057794302428236, 0.78949964900266068,
      ],
      pairs: [
        8, 18, 5, 9, 0, 16, 20, 21, 1, 22, 11, 19, 2, 3, 10, 13, 4, 26, 12, 15, 7, 17, 27, 30, 24,
        28, 25, 29, 6, 14, 33, 34, 23, 31, 35, 36, 32, 37,
      ],
    },
  },
  sp500: {
    single: {
      weights: [
        0.034508174744506272, 0.018803234821608387, 0.02526105837912701, 0.02555332916041719,
        0.048695450149619443, 0.045944125617869119, 0.033233958091565818, 0.10766169132268204,
        0.034238305956945839, 0.0587037085911064, 0.062618297581018181, 0.062633522143098627,
        0.059551767259807757, 0.053999550859252114, 0.062008589543210257, 0.092221014079732697,
        0.018923855056168806, 0.053418651960077029, 0.047838822730089645, 0.054182891952097384,
      ],
      order: [17, 16, 1, 10, 7, 11, 14, 15, 9, 13, 3, 0, 12, 4, 19, 5, 2, 8, 6, 18],
      heights: [
        0.32061355905847899, 0.35777061933715149, 0.47003656162475027, 0.47215420395616148,
        0.47467237441696086, 0.48323653575951897, 0.48834244762424889, 0.49292737645550627,
        0.50770085025781131, 0.52136294121721993, 0.52199623224279523, 0.5294327805653265,
        0.53597138438460568, 0.54435805967673423, 0.55157298605636951, 0.55920712739194467,
        0.56760677812596849, 0.57067807764951595, 0.58064949625089846,
      ],
      pairs: [
        4, 19, 2, 8, 11, 14, 9, 13, 5, 21, 7, 22, 10, 25, 6, 18, 15, 23, 24, 27, 26, 28, 20, 29, 12,
        31, 0, 32, 3, 33, 30, 34, 1, 35, 16, 36, 17, 37,
      ],
    },
    complete: {
      weights: [
        0.022680167565160416, 0.015547439104578962, 0.016733909867088104, 0.023026050134322296,
        0.074205803874352189, 0.030435179930816698, 0.069262352750063594, 0.081217826447945132,
        0.041747970939222515, 0.05851309108117151, 0.047237991182565262, 0.062430144088868204,
        0.041947838781822649, 0.053824208275803261, 0.061807240715053051, 0.09192156212874962,
        0.017864394942750515, 0.039087457239678679, 0.081168385494143583, 0.069340985455843746,
      ],
      order: [16, 6, 18, 10, 7, 11, 14, 15, 9, 13, 17, 4, 19, 5, 2, 8, 3, 1, 0, 12],
      heights: [
        0.32061355905847899, 0.35777061933715149, 0.47003656162475027, 0.47215420395616148,
        0.48408289781597441, 0.48460960966975747, 0.49292737645550627, 0.50077109942123055,
        0.5236156291087567, 0.54435805967673423, 0.56014471508437236, 0.5701795347544143,
        0.57939824613648871, 0.58886992321872678, 0.60609734155017414, 0.61882391324280583,
        0.62154760879655302, 0.65753677430701263, 0.67590569184883242,
      ],
      pairs: [
        4, 19, 2, 8, 11, 14, 9, 13, 7, 22, 5, 21, 6, 18, 10, 24, 15, 23, 0, 12, 20, 25, 27, 28, 1,
        29, 26, 31, 17, 30, 33, 34, 3, 32, 35, 36, 16, 37,
      ],
    },
    average: {
      weights: [
        0.027494913540971232, 0.018847986582805044, 0.014244439345372983, 0.032136053846419405,
        0.056675374364648506, 0.045085312475499982, 0.031594715714724587, 0.10352499257440198,
        0.01742043601170214, 0.089410307266827915, 0.077339947941973547, 0.042321687035580063,
        0.050852895915482893, 0.084846526277605555, 0.041899417921440502, 0.090405852205607706,
        0.021962874241937935, 0.045394995514550569, 0.045479205339308264, 0.06306206588313916,
      ],
      order: [16, 3, 1, 0, 12, 17, 10, 7, 11, 14, 15, 9, 13, 6, 18, 4, 19, 5, 2, 8],
      heights: [
        0.32061355905847899, 0.35777061933715149, 0.47003656162475027, 0.47215420395616148,
        0.47964099204335919, 0.48365971678774666, 0.49292737645550627, 0.49300853551736773,
        0.51565823968328406, 0.54435805967673423, 0.5471110353988381, 0.55511657821027338,
        0.5735025121312286, 0.57433244097692993, 0.58194802140967927, 0.59665302966812284,
        0.61055969971462731, 0.62197209986985136, 0.64841907817892652,
      ],
      pairs: [
        4, 19, 2, 8, 11, 14, 9, 13, 5, 21, 7, 22, 6, 18, 10, 25, 15, 23, 0, 12, 20, 24, 27, 28, 1,
        29, 26, 30, 31, 33, 17, 34, 32, 35, 3, 36, 16, 37,
      ],
    },
    ward: {
      weights: [
        0.02817068022287763, 0.0083319311695532663, 0.023393988498414928, 0.023269261900101985,
        0.056276823270781526, 0.049567114166697582, 0.040951360408461229, 0.094815216483494419,
        0.022663229722176034, 0.085681603084540425, 0.045100184240447913, 0.060394569511331792,
        0.052102752282076996, 0.083151503150272935, 0.068658653491403071, 0.086635630521699231,
        0.01050136631360925, 0.02647173570425207, 0.05894768434559601, 0.074914711512211726,
      ],
      order: [15, 9, 13, 17, 10, 7, 11, 14, 16, 4, 19, 5, 2, 8, 1, 0, 12, 3, 6, 18],
      heights: [
        0.32061355905847899, 0.35777061933715149, 0.47003656162475027, 0.47215420395616148,
        0.48811652763028018, 0.49292737645550627, 0.49983387705930959, 0.51391337064299447,
        0.52944542321358945, 0.54435805967673423, 0.58293334875328129, 0.60127824122952034,
        0.63669722081755353, 0.64352263914921992, 0.67599117052006163, 0.67799022327006864,
        0.71550807706513264, 0.80955465703060103, 0.87957535472598369,
      ],
      pairs: [
        4, 19, 2, 8, 11, 14, 9, 13, 7, 22, 6, 18, 10, 24, 5, 21, 15, 23, 0, 12, 1, 29, 3, 25, 16,
        20, 17, 26, 30, 31, 28, 33, 27, 34, 32, 36, 35, 37,
      ],
    },
  },
  riskfolio: {
    single: {
      weights: [
        0.04230519973363913, 0.031112913411569673, 0.091414491411765914, 0.10322237898490333,
        0.10900661780020816, 0.041670619559091945, 0.13410189088332264, 0.1527453430997513,
        0.18765410576376781, 0.082099499554911914, 0.024666939797068157,
      ],
      order: [3, 7, 9, 1, 4, 2, 0, 6, 8, 5, 10],
      heights: [
        0.33610012997423627, 0.37364891269442874, 0.41575904932798963, 0.42550860757044784,
        0.48943186043916131, 0.49251894719195743, 0.52588033385138899, 0.57379922059785748,
        0.58573789820238842, 0.60318879514077772,
      ],
      pairs: [5, 10, 8, 11, 6, 12, 0, 13, 2, 14, 4, 15, 1, 16, 9, 17, 7, 18, 3, 19],
    },
    complete: {
      weights: [
        0.077163397668964934, 0.0329230637733035, 0.090141232329301782, 0.10716301245940883,
        0.055850586664648171, 0.068210187771619607, 0.10628346353320851, 0.158576572897136,
        0.1576815562820848, 0.08651697720776548, 0.059489949412558349,
      ],
      order: [3, 7, 9, 1, 0, 2, 4, 5, 10, 6, 8],
      heights: [
        0.33610012997423627, 0.41575904932798963, 0.52904707525041639, 0.56853122225040376,
        0.59376314672136843, 0.60318879514077772, 0.61392159826610992, 0.6241127848769773,
        0.656853682446362, 0.70173718704568111,
      ],
      pairs: [5, 10, 6, 8, 11, 12, 4, 13, 2, 14, 3, 7, 0, 15, 1, 17, 9, 18, 16, 19],
    },
    average: {
      weights: [
        0.077163397668964934, 0.0329230637733035, 0.092925939442323913, 0.10716301245940883,
        0.059789376549015616, 0.04235412209132447, 0.12678389540697693, 0.158576572897136,
        0.19073210311131097, 0.08651697720776548, 0.025071539392469297,
      ],
      order: [3, 7, 9, 1, 0, 2, 4, 6, 8, 5, 10],
      heights: [
        0.33610012997423627, 0.41199205841292136, 0.47692189703076199, 0.53930996313774826,
        0.55402520290778479, 0.56918341792855576, 0.58932379916785771, 0.60318879514077772,
        0.63195173301262675, 0.65893409093588495,
      ],
      pairs: [5, 10, 8, 11, 6, 12, 4, 13, 2, 14, 0, 15, 1, 16, 3, 7, 9, 17, 18, 19],
    },
    ward: {
      weights: [
        0.071654057277396613, 0.03057241086609756, 0.10508357086787476, 0.076263136571940712,
        0.065108706971594571, 0.079517107935965503, 0.12702589962562272, 0.11285187452662722,
        0.18845491928141556, 0.072368221182039671, 0.071100094893425086,
      ],
      order: [1, 0, 2, 4, 5, 10, 6, 8, 9, 3, 7],
      heights: [
        0.33610012997423627, 0.41575904932798963, 0.53509061367602806, 0.5935093932862826,
        0.59978840852845861, 0.60318879514077772, 0.61582745939724348, 0.63410084348108253,
        0.67948071458157966, 0.82625924135845119,
      ],
      pairs: [5, 10, 6, 8, 11, 12, 4, 13, 2, 14, 3, 7, 0, 15, 1, 17, 9, 16, 18, 19],
    },
  },
};
// -------------------------------------------------------------------------------------------

/** PyPortfolioOpt tests/resources/weights_hrp.csv, as published. */
const PYPFOPT_WEIGHTS: Record<string, number> = {
  AAPL: 0.022258941278778387,
  AMD: 0.022294021796692116,
  AMZN: 0.016086842079874982,
  BABA: 0.07963382071794088,
  BAC: 0.014409222455552267,
  BBY: 0.03406419438245041,
  FB: 0.06272994714663536,
  GE: 0.05519063444162851,
  GM: 0.055576660241857236,
  GOOG: 0.04956008428992926,
  JPM: 0.017675709092515715,
  MA: 0.038127373497320226,
  PFE: 0.07786528342813452,
  RRC: 0.03161528695094598,
  SBUX: 0.039844436656239136,
  SHLD: 0.027113184241298872,
  T: 0.11138956508836473,
  UAA: 0.027115909570750083,
  WMT: 0.10569551148587902,
  XOM: 0.11175337115721229,
};

const pyp = readReturns('pypfopt_stock_prices.csv');
const pw = pairwiseCovCorr(pyp.returns);

function corrOf(S: Float64Array, n: number): Float64Array {
  return Float64Array.from(S, (v, k) => {
    const i = Math.floor(k / n);
    const j = k % n;
    return v / Math.sqrt(S[i * n + i]! * S[j * n + j]!);
  });
}

const DATA = {
  pypfopt: { cov: pw.cov, corr: pw.corr, n: pyp.names.length },
  ...Object.fromEntries(
    (
      [
        ['sp500', 'skfolio_sp500_dataset.csv'],
        ['riskfolio', 'riskfolio_stock_prices.csv'],
      ] as const
    ).map(([tag, file]) => {
      const R = readReturns(file).returns;
      const cov = sampleCov(R);
      return [tag, { cov, corr: corrOf(cov, R.length), n: R.length }];
    }),
  ),
} as Record<keyof typeof HRP_REF, { cov: Float64Array; corr: Float64Array; n: number }>;

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

describe('PyPortfolioOpt published values (tests/test_hrp.py)', () => {
  const { cov, corr, n } = DATA.pypfopt;
  const r = hrpWeights(cov, n, { linkage: 'single', corr });

  it('test_hrp_portfolio: weights_hrp.csv to 1e-12, positive, summing to 1', () => {
    pyp.names.forEach((a, i) =>
      expect(Math.abs(r.weights[i]! - PYPFOPT_WEIGHTS[a]!), a).toBeLessThanOrEqual(1e-12),
    );
    expect(r.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 14);
    expect(r.weights.every((w) => w > 0)).toBe(true);
  });

  it('test_quasi_dag: the order starts [12, 6, 15, 14, 2]', () => {
    expect(Array.from(r.order.subarray(0, 5))).toEqual([12, 6, 15, 14, 2]);
  });

  it('test_cluster_var: 0.00012842967106653283', () => {
    const tickers = ['SHLD', 'AMD', 'BBY', 'RRC', 'FB', 'WMT', 'T', 'BABA', 'PFE', 'UAA'];
    const v = clusterVariance(
      cov,
      n,
      tickers.map((t) => pyp.names.indexOf(t)),
    );
    expect(Math.abs(v - 0.00012842967106653283)).toBeLessThanOrEqual(1e-18);
  });

  it('test_portfolio_performance: (0.21353402380950973, 0.17844159743748936)', () => {
    // HRPOpt.portfolio_performance: μ = returns.mean() × 252 (arithmetic), Σ = returns.cov() × 252.
    const mu = pyp.returns.map((x) => {
      const v = Array.from(x).filter((y) => !Number.isNaN(y));
      return (v.reduce((s, y) => s + y, 0) / v.length) * 252;
    });
    const ret = mu.reduce((s, m, i) => s + m * r.weights[i]!, 0);
    const vol = Math.sqrt(quadForm(cov, n, r.weights) * 252);
    expect(Math.abs(ret - 0.21353402380950973)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(vol - 0.17844159743748936)).toBeLessThanOrEqual(1e-12);
  });
});

describe('vs scipy (test/reference/hrp_reference.py), four linkages', () => {
  for (const tag of Object.keys(HRP_REF) as (keyof typeof HRP_REF)[])
    for (const method of HRP_LINKAGES)
      it(`${tag} ${method}: merges, heights, order and weights`, () => {
        const { cov, corr, n } = DATA[tag];
        const ref = HRP_REF[tag][method];
        const r = hrpWeights(cov, n, { linkage: method, corr });
        const Z = r.linkage;
        const pairs: number[] = [];
        const heights: number[] = [];
        for (let k = 0; k < n - 1; k++) {
          pairs.push(Z[4 * k]!, Z[4 * k + 1]!);
          heights.push(Z[4 * k + 2]!);
        }
        expect(pairs).toEqual(ref.pairs);
        expect(maxDiff(heights, ref.heights)).toBeLessThanOrEqual(1e-12);
        expect(Array.from(r.order)).toEqual(ref.order);
        expect(maxDiff(r.weights, ref.weights)).toBeLessThanOrEqual(1e-12);
      });
});

describe('linkage building blocks', () => {
  it('the worked example: n = 3, d = (0.1, 0.5, 0.4)', () => {
    const d = new Float64Array([0.1, 0.5, 0.4]);
    expect(Array.from(linkage(d, 3, 'single'))).toEqual([0, 1, 0.1, 2, 2, 3, 0.4, 3]);
    expect(Array.from(linkage(d, 3, 'complete'))).toEqual([0, 1, 0.1, 2, 2, 3, 0.5, 3]);
    expect(Array.from(linkage(d, 3, 'average'))).toEqual([0, 1, 0.1, 2, 2, 3, 0.45, 3]);
    // ward: √((2·0.25 + 2·0.16 − 1·0.01)/3)
    const z = linkage(d, 3, 'ward');
    expect(z[6]).toBeCloseTo(Math.sqrt((2 * 0.25 + 2 * 0.16 - 0.01) / 3), 15);
    expect(Array.from(quasiDiagonalOrder(z, 3))).toEqual([2, 0, 1]);
  });

  it('two uncorrelated assets: the inverse-variance portfolio (0.6923, 0.3077)', () => {
    const r = hrpWeights(new Float64Array([0.04, 0, 0, 0.09]), 2);
    expect(r.weights[0]).toBeCloseTo(0.09 / 0.13, 15);
    expect(r.weights[1]).toBeCloseTo(0.04 / 0.13, 15);
  });

  it('a zero variance is refused (its correlation is undefined)', () => {
    expect(() => correlationDistance(new Float64Array([0.04, 0, 0, 0]), 2)).toThrow(RangeError);
  });
});

/** A random positive-definite Σ from k factors (annual scale), optionally with exact ties. */
function randomCov(rand: () => number, n: number, ties: boolean): Float64Array {
  const k = 1 + Math.floor(rand() * 4);
  // With ties: assets in groups share their loadings and specific variance exactly.
  const groups = ties ? 1 + Math.floor(rand() * Math.max(1, n / 2)) : n;
  const B = Array.from({ length: groups * k }, () => rand() - 0.5);
  const d = Array.from({ length: groups }, () => 0.01 + 0.05 * rand());
  const g = Array.from({ length: n }, (_, i) => (ties ? Math.floor(rand() * groups) : i));
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? d[g[i]!]! : 0;
      for (let f = 0; f < k; f++) s += 0.05 * B[g[i]! * k + f]! * B[g[j]! * k + f]!;
      S[i * n + j] = s;
    }
  return S;
}

function permuted(S: Float64Array, n: number, p: number[]): Float64Array {
  const out = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) out[a * n + b] = S[p[a]! * n + p[b]!]!;
  return out;
}

function shuffle(rand: () => number, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

describe('properties (seeded random covariances)', () => {
  it('weights positive and summing to 1; invariant to the asset order with labels, ties included', () => {
    const rand = mulberry32(1101);
    for (let c = 0; c < 400; c++) {
      const n = 2 + Math.floor(rand() * 40);
      const ties = c % 4 === 3;
      const S = randomCov(rand, n, ties);
      const method = HRP_LINKAGES[c % 4]!;
      const labels = Array.from({ length: n }, (_, i) => `asset-${(i * 7919) % 1009}-${i}`);
      const r = hrpWeights(S, n, { linkage: method, labels });
      expect(
        r.weights.every((w) => w > 0),
        `case ${c}`,
      ).toBe(true);
      expect(Math.abs(r.weights.reduce((s, w) => s + w, 0) - 1), `case ${c}`).toBeLessThanOrEqual(
        1e-12,
      );
      const p = shuffle(rand, n);
      const rp = hrpWeights(permuted(S, n, p), n, {
        linkage: method,
        labels: p.map((i) => labels[i]!),
      });
      // Asset p[a] of the original is asset a of the permuted problem: identical weights.
      p.forEach((orig, a) => expect(rp.weights[a], `case ${c}`).toBe(r.weights[orig]));
      expect(Array.from(rp.order, (a) => p[a])).toEqual(Array.from(r.order));
      // Σ's scale (daily vs annual) does not change the weights — up to ties, which rounding
      // of the scaled correlations can break either way.
      if (ties) continue;
      const r252 = hrpWeights(
        S.map((v) => v / 252),
        n,
        { linkage: method, labels },
      );
      expect(maxDiff(r252.weights, r.weights), `case ${c}`).toBeLessThanOrEqual(1e-12);
    }
  });

  it('without labels the tree (its heights) is invariant to the order; the weights can depend on it', () => {
    const rand = mulberry32(77);
    for (let c = 0; c < 100; c++) {
      const n = 3 + Math.floor(rand() * 30);
      const S = randomCov(rand, n, false);
      const method = HRP_LINKAGES[c % 4]!;
      const h = (Z: Float64Array) =>
        Array.from({ length: n - 1 }, (_, k) => Z[4 * k + 2]!).sort((a, b) => a - b);
      const r = hrpWeights(S, n, { linkage: method });
      const p = shuffle(rand, n);
      const rp = hrpWeights(permuted(S, n, p), n, { linkage: method });
      expect(maxDiff(h(rp.linkage), h(r.linkage)), `case ${c}`).toBeLessThanOrEqual(1e-12);
    }
    // PyPortfolioOpt's own data, complete linkage: reversing the columns changes the weights
    // (two single assets merged first are ordered by index) — why the optimizer passes labels.
    const { cov, corr, n } = DATA.pypfopt;
    const rev = Array.from({ length: n }, (_, i) => n - 1 - i);
    const a = hrpWeights(cov, n, { linkage: 'complete', corr });
    const b = hrpWeights(permuted(cov, n, rev), n, {
      linkage: 'complete',
      corr: permuted(corr, n, rev),
    });
    const back = rev.map((_, i) => b.weights[n - 1 - i]!);
    expect(maxDiff(back, a.weights)).toBeGreaterThan(1e-3);
  });
});

describe('the hrp method of optimizePortfolio', () => {
  const R = readReturns('skfolio_sp500_dataset.csv');
  const n = R.names.length;
  const S = sampleCov(R.returns, 252);
  const base = (over: Partial<OptimizationProblem> = {}): OptimizationProblem => ({
    method: 'hrp',
    assets: R.names,
    covariance: { kind: 'dense', matrix: S },
    currentWeights: new Array(n).fill(1 / n),
    ...over,
  });

  it('unconstrained: the HRP weights themselves, no solver call, μ not needed', async () => {
    for (const method of HRP_LINKAGES) {
      const r = await optimizePortfolio(base({ hrpLinkage: method }), await getSolver());
      const ref = hrpWeights(S, n, { linkage: method, labels: R.names });
      expect(weightsOf(r)).toEqual(Array.from(ref.weights));
      expect(r.solver.status).toBe('closed_form');
      expect(r.hrp).toMatchObject({ linkage: method, constrained: false, tracking_error: 0 });
      expect(r.hrp!.order).toEqual(Array.from(ref.order, (i) => R.names[i]));
      expect(r.hrp!.linkage_matrix).toHaveLength(n - 1);
      expect(r.objective).toBe(0);
      expect(r.expected_return).toBeNull();
    }
  });

  it('the sp500 tickers are sorted, so the canonical order is the file order: scipy’s weights', async () => {
    expect([...R.names].sort()).toEqual(R.names);
    for (const method of HRP_LINKAGES) {
      const r = await optimizePortfolio(base({ hrpLinkage: method }), await getSolver());
      expect(maxDiff(weightsOf(r), HRP_REF.sp500[method].weights)).toBeLessThanOrEqual(1e-12);
    }
  });

  it('a bound below an HRP weight: the closest feasible portfolio, with a warning', async () => {
    const free = await optimizePortfolio(base(), await getSolver());
    const big = weightsOf(free).indexOf(Math.max(...weightsOf(free)));
    const cap = weightsOf(free)[big]! / 2;
    const bounds = R.names.map((_, i) => (i === big ? { min: 0, max: cap } : undefined));
    const r = await optimizePortfolio(base({ bounds }), await getSolver());
    expect(weightsOf(r)[big]).toBeLessThanOrEqual(cap + 1e-9);
    expect(r.hrp!.constrained).toBe(true);
    expect(r.hrp!.tracking_error).toBeGreaterThan(0);
    expect(r.warnings.map((w) => w.code)).toContain('HRP_CONSTRAINED');
    expect(r.kkt?.verified).toBe(true);
    // Stage 2 is track_target to the HRP weights: the same as asking for it directly.
    const t = await optimizePortfolio(
      { ...base({ bounds }), method: 'track_target', targetWeights: free.hrp!.weights },
      await getSolver(),
    );
    expect(maxDiff(weightsOf(r), weightsOf(t))).toBeLessThanOrEqual(1e-9);
  });

  it('a cash floor scales the HRP weights to the invested budget', async () => {
    const r = await optimizePortfolio(base({ cashFloor: 0.1 }), await getSolver());
    expect(r.cash_weight).toBeCloseTo(0.1, 12);
    weightsOf(r).forEach((w, i) => expect(w).toBeCloseTo(0.9 * r.hrp!.weights[i]!, 14));
    expect(r.hrp!.constrained).toBe(false);
  });

  it('a zero-variance asset is BAD_REQUEST naming the covariance', async () => {
    const Z = S.slice();
    for (let j = 0; j < n; j++) Z[j] = Z[j * n] = 0;
    try {
      await optimizePortfolio(
        base({ covariance: { kind: 'dense', matrix: Z } }),
        await getSolver(),
      );
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      expect((e as EngineError).code).toBe('BAD_REQUEST');
      expect((e as EngineError).details[0]?.path).toBe('covariance');
    }
  });
});
