/**
 * POST /api/analytics/metrics: a validated request in, every figure of every series (and of the
 * weighted portfolio) out. Pure and deterministic; runs on the compute pool (task `metrics`).
 * Formulas and conventions: docs/methods.md, "Metrics of return series"; the pure computations
 * live in src/risk/series/.
 *
 * Rules for missing figures: a series with fewer than `min_observations` returns reports only
 * `observations` and `cumulative_return` (INSUFFICIENT_HISTORY names the rest); historical VaR,
 * CVaR and CDaR also need `min_tail_observations`; a ratio whose denominator is 0 is null with a
 * warning naming it (ZERO_VOLATILITY, ZERO_DOWNSIDE_RISK, ZERO_DRAWDOWN, ZERO_BENCHMARK_VARIANCE,
 * ZERO_TRACKING_ERROR); a figure that overflows is null with NON_FINITE_RESULT. When no series
 * reaches `min_observations` nothing but cumulative returns could be reported, and the request
 * fails with DATA_BLOCKED (HTTP 422) naming each series' count.
 */
import { EngineError, type ErrorDetail, type Warning } from '../contract/common';
import {
  DEFAULT_MIN_OBSERVATIONS,
  DEFAULT_MIN_TAIL_OBSERVATIONS,
  type MetricsRequest,
  type MetricsResponse,
  type SeriesMetrics,
} from '../contract/metrics';
import { own } from '../domain/names';
import { isZeroVolatility, meanOf, meanVariance } from '../domain/sums';
import { cornishFisherZ } from '../risk/metrics';
import { alignedValues, alignSeries, type Alignment } from '../risk/series/align';
import { compoundedDrawdowns, uncompoundedDrawdowns } from '../risk/series/drawdown';
import { seriesMoments } from '../risk/series/moments';
import { normalQuantile } from '../risk/series/normal';
import { compoundingYears, periodsPerYear } from '../risk/series/periodicity';
import { diversificationRatio, effectiveNumberOfAssets } from '../risk/series/portfolio';
import { cagr, calmarRatio, sharpeRatio, sortinoRatio } from '../risk/series/ratios';
import { relativeFigures } from '../risk/series/relative';
import { addWeighted, returnsInto } from '../risk/series/returns';
import { rollingSharpe } from '../risk/series/rolling';
import { tailPlan, tailRisk, type TailPlan } from '../risk/series/tail';

/**
 * A series ready to measure: its returns and their dates (the end of each period). The returns of
 * the request's series are a view of one shared buffer, valid while that series is measured (a
 * 1,000-series request would otherwise allocate 20 MB of arrays and spend its time collecting
 * them).
 */
interface Prepared {
  name: string;
  r: Float64Array;
  /** Date of each return, or null. */
  dates: readonly string[] | null;
  /** The dates came with prices (so the first price's date starts the compounding). */
  priceDates: readonly string[] | null;
}

/** The input form of a series (request series and benchmark alike). */
interface SeriesIn {
  name: string;
  returns?: number[] | undefined;
  prices?: number[] | undefined;
  dates?: string[] | undefined;
}

const returnCount = (s: SeriesIn) => (s.returns ? s.returns.length : (s.prices?.length ?? 1) - 1);
/** The dates of a series' returns: those given with returns, or all but the first price's. */
const returnDates = (s: SeriesIn) => (s.dates ? (s.returns ? s.dates : s.dates.slice(1)) : null);

/** Everything shared by the series of one request, buffers included. */
interface Context {
  P: number;
  sqrtP: number;
  rf: number;
  rfp: number;
  mar: number;
  tau: number;
  plan: TailPlan;
  /** z_α per level (request order). */
  z: Float64Array;
  method: MetricsRequest['tail_method'];
  minObs: number;
  minTail: number;
  uncompounded: boolean;
  window: number | null;
  benchmark: Prepared | null;
  /** mean of the whole benchmark (for the common case of an alignment that is all of it). */
  benchmarkMean: number;
  work: Float64Array;
  rbuf: Float64Array;
  dd: Float64Array;
  alignR: Float64Array;
  alignB: Float64Array;
  varOut: Float64Array;
  cvarOut: Float64Array;
  cdarOut: Float64Array;
  /** √(sample variance) of the series measured last (NaN below min_observations). */
  lastSigma: number;
}

/** The series' returns, written to `buf` (see Prepared). */
function prepare(s: SeriesIn, buf: Float64Array, dates: readonly string[] | null): Prepared {
  const r = s.returns ? returnsInto(s.returns, false, buf) : returnsInto(s.prices ?? [], true, buf);
  return { name: s.name, r, dates, priceDates: s.returns ? null : (s.dates ?? null) };
}

/**
 * The metrics response of a validated request.
 * Example: series [{name: 'A', returns: 60 alternating 0.01, −0.005}], periodicity 'daily',
 * min_observations 20 → A has mean 0.0025, annual_return 0.63, and historical VaR null (60 < 100
 * returns) with an INSUFFICIENT_HISTORY warning naming it.
 */
export function computeMetrics(req: MetricsRequest): MetricsResponse {
  const P = periodsPerYear(req.periodicity);
  const warnings: Warning[] = [];
  if (req.min_observations < DEFAULT_MIN_OBSERVATIONS)
    warnings.push({
      code: 'MIN_OBSERVATIONS_LOWERED',
      path: 'min_observations',
      message: `min_observations is ${req.min_observations}, below the product's minimum of ${DEFAULT_MIN_OBSERVATIONS} returns: figures from so few returns are estimates with wide error`,
    });
  if (req.min_tail_observations < DEFAULT_MIN_TAIL_OBSERVATIONS)
    warnings.push({
      code: 'MIN_OBSERVATIONS_LOWERED',
      path: 'min_tail_observations',
      message: `min_tail_observations is ${req.min_tail_observations}, below the product's minimum of ${DEFAULT_MIN_TAIL_OBSERVATIONS} returns: a historical VaR, CVaR or CDaR from so few returns rests on one or two observations`,
    });

  const lengths = req.series.map(returnCount);
  if (lengths.every((n) => n < req.min_observations)) {
    const blocked: ErrorDetail[] = lengths.slice(0, 20).map((n, i) => ({
      path: `series.${i}`,
      message: `has ${n} returns; min_observations is ${req.min_observations}`,
    }));
    throw new EngineError(
      'DATA_BLOCKED',
      `no series has min_observations = ${req.min_observations} returns: only cumulative returns could be reported (lower min_observations to measure shorter series)`,
      blocked,
    );
  }
  const dates = req.series.map(returnDates);

  const bIn = req.benchmark;
  const benchmark = bIn ? prepare(bIn, new Float64Array(returnCount(bIn)), returnDates(bIn)) : null;
  let maxN = benchmark ? benchmark.r.length : 0;
  for (const n of lengths) if (n > maxN) maxN = n;
  const plan = tailPlan(req.confidence_levels);
  const L = req.confidence_levels.length;
  const ctx: Context = {
    P,
    sqrtP: Math.sqrt(P),
    rf: req.risk_free_rate,
    rfp: req.risk_free_rate / P,
    mar: req.min_acceptable_return,
    tau: req.min_acceptable_return / P,
    plan,
    z: Float64Array.from(req.confidence_levels, (c) => normalQuantile(1 - c)),
    method: req.tail_method,
    minObs: req.min_observations,
    minTail: req.min_tail_observations,
    uncompounded: req.uncompounded_drawdown,
    window: req.rolling_sharpe_window ?? null,
    benchmark,
    benchmarkMean: benchmark ? meanOf(benchmark.r) : 0,
    work: new Float64Array(maxN),
    rbuf: new Float64Array(maxN),
    dd: new Float64Array(maxN),
    alignR: new Float64Array(maxN),
    alignB: new Float64Array(maxN),
    varOut: new Float64Array(L),
    cvarOut: new Float64Array(L),
    cdarOut: new Float64Array(L),
    lastSigma: NaN,
  };

  const book = req.weights
    ? portfolioBook(req.series, lengths, dates, req.weights, warnings)
    : null;
  const out = req.series.map((s, i) => {
    const p = prepare(s, ctx.rbuf, dates[i]!);
    const m = seriesMetrics(p, ctx);
    if (book) book.add(i, p.r, ctx);
    return m;
  });
  const portfolio = book ? book.finish(ctx, warnings) : null;
  return {
    periods_per_year: P,
    risk_free_rate: req.risk_free_rate,
    min_acceptable_return: req.min_acceptable_return,
    confidence_levels: [...req.confidence_levels],
    tail_method: req.tail_method,
    min_observations: req.min_observations,
    min_tail_observations: req.min_tail_observations,
    series: out,
    portfolio,
    warnings,
  };
}

/** Collects the names of figures that came out non-finite (they are reported as null). */
class Finite {
  readonly bad: string[] = [];
  of(name: string, x: number | null): number | null {
    if (x === null) return null;
    if (Number.isFinite(x)) return x;
    this.bad.push(name);
    return null;
  }
}

function nullTail(levels: readonly number[]) {
  return levels.map((confidence) => ({
    confidence,
    historical_var: null,
    gaussian_var: null,
    cornish_fisher_var: null,
    historical_cvar: null,
    cdar: null,
  }));
}

/** Every figure of one series (see the module comment for the null rules). */
function seriesMetrics(s: Prepared, ctx: Context): SeriesMetrics {
  const { r } = s;
  const n = r.length;
  const warnings: Warning[] = [];
  const f = new Finite();
  const dd = ctx.dd.subarray(0, n);
  const comp = compoundedDrawdowns(r, dd);
  ctx.lastSigma = NaN;
  // The output objects are written as whole literals, never spread from a partial one: a spread
  // followed by 30 more properties built each answer through map transitions and a growing
  // property store, 12 KB of garbage per series (three quarters of a 1,000-series request's
  // allocation).
  const name = s.name;
  const first_date = s.dates && n > 0 ? s.dates[0]! : null;
  const last_date = s.dates && n > 0 ? s.dates[n - 1]! : null;
  if (n < ctx.minObs) {
    warnings.push({
      code: 'INSUFFICIENT_HISTORY',
      message: `${n} returns: every figure but cumulative_return needs at least min_observations = ${ctx.minObs}; they are null`,
    });
    return {
      name,
      observations: n,
      first_date,
      last_date,
      years: null,
      cumulative_return: f.of('cumulative_return', comp.cumulative),
      cagr: null,
      annual_return: null,
      annual_volatility: null,
      annual_variance: null,
      semi_deviation: null,
      downside_risk: null,
      sharpe: null,
      sortino: null,
      calmar: null,
      max_drawdown: null,
      average_drawdown: null,
      ulcer_index: null,
      skewness: null,
      excess_kurtosis: null,
      tail_risk: nullTail(ctx.plan.levels),
      uncompounded_drawdown: null,
      relative: null,
      rolling_sharpe: null,
      warnings: finish(warnings, f),
    };
  }

  const { P, sqrtP } = ctx;
  const m = seriesMoments(r, ctx.tau);
  const rawSigma = Math.sqrt(m.variance);
  ctx.lastSigma = rawSigma;
  const constant = isZeroVolatility(m.mean, rawSigma);
  const sigma = constant ? 0 : rawSigma;
  const S = constant ? 0 : m.skewness;
  const K = constant ? 0 : m.excessKurtosis;

  let sharpe: number | null = null;
  let sortino: number | null = null;
  if (constant)
    warnings.push({
      code: 'ZERO_VOLATILITY',
      path: 'sharpe',
      message:
        'the return series is constant (std ≤ 1e-10 × |mean|): volatility, variance and semi-deviation are 0, skewness and excess kurtosis 0, and the Sharpe and Sortino ratios are undefined (null)',
    });
  else {
    sharpe = sharpeRatio(m.mean, sigma, ctx.rf, P);
    sortino = sortinoRatio(m.mean, m.downsideDeviation, ctx.mar, P);
    if (sortino === null)
      warnings.push({
        code: 'ZERO_DOWNSIDE_RISK',
        path: 'sortino',
        message: `no return is below min_acceptable_return / P = ${ctx.tau}: downside risk is 0 and the Sortino ratio is undefined (null)`,
      });
  }
  const years = compoundingYears(n, P, s.priceDates ?? s.dates, s.priceDates !== null);
  const cagrValue = cagr(comp.cumulative, years);
  const calmar = calmarRatio(cagrValue, comp.max);
  if (comp.max === 0)
    warnings.push({
      code: 'ZERO_DRAWDOWN',
      path: 'calmar',
      message: 'the series never falls below a previous peak: the Calmar ratio is undefined (null)',
    });

  // Historical tails of the returns and of the compounded drawdowns (as "returns" −DD_t).
  const L = ctx.plan.levels.length;
  const historical = n >= ctx.minTail;
  if (historical) {
    tailRisk(r, ctx.plan, ctx.method, ctx.work, ctx.varOut, ctx.cvarOut);
    tailRisk(dd, ctx.plan, ctx.method, ctx.work, ctx.cdarOut, ctx.cdarOut);
  } else
    warnings.push({
      code: 'INSUFFICIENT_HISTORY',
      path: 'tail_risk',
      message: `${n} returns: historical_var, historical_cvar and cdar need at least min_tail_observations = ${ctx.minTail}; they are null`,
    });
  const tail = [];
  for (let j = 0; j < L; j++) {
    const z = ctx.z[j]!;
    tail.push({
      confidence: ctx.plan.levels[j]!,
      historical_var: historical ? f.of('historical_var', ctx.varOut[j]!) : null,
      gaussian_var: f.of('gaussian_var', -(m.mean + z * sigma)),
      cornish_fisher_var: f.of('cornish_fisher_var', -(m.mean + cornishFisherZ(z, S, K) * sigma)),
      historical_cvar: historical ? f.of('historical_cvar', ctx.cvarOut[j]!) : null,
      cdar: historical ? f.of('cdar', ctx.cdarOut[j]!) : null,
    });
  }

  return {
    name,
    observations: n,
    first_date,
    last_date,
    years: f.of('years', years),
    cumulative_return: f.of('cumulative_return', comp.cumulative),
    cagr: f.of('cagr', cagrValue),
    annual_return: f.of('annual_return', P * m.mean),
    annual_volatility: f.of('annual_volatility', sigma * sqrtP),
    annual_variance: f.of('annual_variance', sigma * sigma * P),
    semi_deviation: f.of('semi_deviation', constant ? 0 : m.semiDeviation * sqrtP),
    downside_risk: f.of('downside_risk', m.downsideDeviation * sqrtP),
    sharpe: f.of('sharpe', sharpe),
    sortino: f.of('sortino', sortino),
    calmar: f.of('calmar', calmar),
    max_drawdown: f.of('max_drawdown', comp.max),
    average_drawdown: f.of('average_drawdown', comp.average),
    ulcer_index: f.of('ulcer_index', comp.ulcer),
    skewness: f.of('skewness', S),
    excess_kurtosis: f.of('excess_kurtosis', K),
    tail_risk: tail,
    uncompounded_drawdown: ctx.uncompounded ? uncompoundedBlock(r, ctx, historical, f) : null,
    relative: ctx.benchmark
      ? relativeBlock(s, ctx.benchmark, ctx, m.mean, constant, warnings, f)
      : null,
    rolling_sharpe: ctx.window !== null ? rollingBlock(s, ctx.window, ctx, warnings) : null,
    warnings: finish(warnings, f),
  };
}

function uncompoundedBlock(r: Float64Array, ctx: Context, historical: boolean, f: Finite) {
  const dd = ctx.dd.subarray(0, r.length);
  const u = uncompoundedDrawdowns(r, dd);
  if (historical) tailRisk(dd, ctx.plan, ctx.method, ctx.work, ctx.cdarOut, ctx.cdarOut);
  return {
    cumulative_return: f.of('uncompounded_drawdown.cumulative_return', u.cumulative),
    max_drawdown: f.of('uncompounded_drawdown.max_drawdown', u.max),
    average_drawdown: f.of('uncompounded_drawdown.average_drawdown', u.average),
    ulcer_index: f.of('uncompounded_drawdown.ulcer_index', u.ulcer),
    cdar: ctx.plan.levels.map((confidence, j) => ({
      confidence,
      value: historical ? f.of('uncompounded_drawdown.cdar', ctx.cdarOut[j]!) : null,
    })),
  };
}

function relativeBlock(
  s: Prepared,
  b: Prepared,
  ctx: Context,
  mean: number,
  constant: boolean,
  warnings: Warning[],
  f: Finite,
): NonNullable<SeriesMetrics['relative']> {
  const a = alignSeries([s.r.length, b.r.length], [s.dates, b.dates]);
  if (a.by === 'dates' && a.n < s.r.length)
    warnings.push({
      code: 'BENCHMARK_ALIGNMENT',
      path: 'relative',
      message: `the benchmark has ${a.n} of this series' ${s.r.length} return dates: the relative figures use those ${a.n}`,
    });
  if (
    a.by === 'position' &&
    (s.r.length !== b.r.length || (s.dates === null) !== (b.dates === null))
  )
    warnings.push({
      code: 'BENCHMARK_ALIGNMENT',
      path: 'relative',
      message:
        `aligned with the benchmark by position from the most recent end (the last ${a.n} returns of each: the series has ${s.r.length}, the benchmark ${b.r.length})` +
        ((s.dates === null) !== (b.dates === null)
          ? '; dates are used only when both have them'
          : ''),
    });
  if (a.n < ctx.minObs) {
    warnings.push({
      code: 'INSUFFICIENT_HISTORY',
      path: 'relative',
      message: `${a.n} returns aligned with the benchmark: the relative figures need at least min_observations = ${ctx.minObs}; they are null`,
    });
    return {
      benchmark: b.name,
      observations: a.n,
      alignment: a.by,
      beta: null,
      alpha: null,
      tracking_error: null,
      information_ratio: null,
      excess_sharpe: null,
    };
  }
  const r = alignedValues(s.r, a, 0, ctx.alignR);
  const bv = alignedValues(b.r, a, 1, ctx.alignB);
  // The means are known when the alignment is all of both series (the usual case).
  const whole = a.n === s.r.length && a.n === b.r.length;
  const x = relativeFigures(
    r,
    bv,
    ctx.rfp,
    ctx.P,
    constant,
    whole ? mean : null,
    whole ? ctx.benchmarkMean : null,
  );
  if (x.zeroBenchmarkVariance)
    warnings.push({
      code: 'ZERO_BENCHMARK_VARIANCE',
      path: 'relative.beta',
      message: 'the aligned benchmark returns are constant: beta and alpha are undefined (null)',
    });
  if (x.zeroTrackingError)
    warnings.push({
      code: 'ZERO_TRACKING_ERROR',
      path: 'relative.information_ratio',
      message:
        'the series minus the benchmark is constant: tracking error is 0, information ratio and excess Sharpe are undefined (null)',
    });
  return {
    benchmark: b.name,
    observations: a.n,
    alignment: a.by,
    beta: f.of('relative.beta', x.beta),
    alpha: f.of('relative.alpha', x.alpha),
    tracking_error: f.of('relative.tracking_error', x.trackingError),
    information_ratio: f.of('relative.information_ratio', x.informationRatio),
    excess_sharpe: f.of('relative.excess_sharpe', x.excessSharpe),
  };
}

function rollingBlock(
  s: Prepared,
  w: number,
  ctx: Context,
  warnings: Warning[],
): SeriesMetrics['rolling_sharpe'] {
  const n = s.r.length;
  if (w > n) {
    warnings.push({
      code: 'INSUFFICIENT_HISTORY',
      path: 'rolling_sharpe',
      message: `rolling_sharpe_window ${w} is longer than the ${n} returns: no window; rolling_sharpe is null`,
    });
    return null;
  }
  const k = n - w + 1;
  const buf = ctx.work.subarray(0, k);
  rollingSharpe(s.r, w, ctx.rfp, ctx.P, buf);
  let constantWindows = 0;
  for (let i = 0; i < k; i++) if (!Number.isFinite(buf[i]!)) constantWindows++;
  // An array of plain doubles unless a window is constant: a mixed number/null array stores
  // every number boxed (2.5 M allocations for 1,000 series × 2,520 days).
  const values = new Array<number | null>(k);
  for (let i = 0; i < k; i++) values[i] = buf[i]!;
  if (constantWindows > 0)
    for (let i = 0; i < k; i++) if (!Number.isFinite(buf[i]!)) values[i] = null;
  const end_index = new Array<number>(k);
  for (let i = 0; i < k; i++) end_index[i] = i + w - 1;
  if (constantWindows > 0)
    warnings.push({
      code: 'ZERO_VOLATILITY',
      path: 'rolling_sharpe',
      message: `${constantWindows} of ${k} windows are constant: their Sharpe ratio is null`,
    });
  return {
    window: w,
    end_index,
    end_dates: s.dates ? s.dates.slice(w - 1) : null,
    values,
  };
}

/**
 * The weighted portfolio, built while the series are measured one at a time: each weighted
 * series adds w_i times its aligned returns to r_p (the constant mix of `portfolioReturns`,
 * ../risk/returns.ts, accumulated in the same order) and its σ_i over those returns.
 */
function portfolioBook(
  series: readonly SeriesIn[],
  lengths: readonly number[],
  dates: readonly (readonly string[] | null)[],
  weights: Readonly<Record<string, number>>,
  warnings: Warning[],
) {
  // Series named with a weight of 0 do not take part (their history would only shorten the
  // common one); series not named weigh 0.
  const slot = new Int32Array(series.length).fill(-1);
  const w: number[] = [];
  const names: string[] = [];
  series.forEach((s, i) => {
    const x = own(weights, s.name);
    if (x !== undefined && x !== 0) {
      slot[i] = w.length;
      w.push(x);
      names.push(s.name);
    }
  });
  const sum = w.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-9)
    warnings.push({
      code: 'WEIGHTS_NOT_FULLY_INVESTED',
      path: 'weights',
      message: `the weights sum to ${sum}: the portfolio holds 1 − Σw = ${1 - sum} in cash at 0%, and the effective number of assets uses the weights as given`,
    });
  if (w.some((x) => x < 0))
    warnings.push({
      code: 'SHORT_WEIGHTS',
      path: 'weights',
      message:
        'some weights are negative: the diversification ratio Σ w_i σ_i / σ_p is defined for long-only portfolios and is reported with the signed weights',
    });
  const used = [...slot.keys()].filter((i) => slot[i]! >= 0);
  const a: Alignment = alignSeries(
    used.map((i) => lengths[i]!),
    used.map((i) => dates[i]!),
  );
  const rp = new Float64Array(a.n);
  const sigma = new Float64Array(w.length);
  return {
    add(i: number, r: Float64Array, ctx: Context): void {
      const k = slot[i]!;
      if (k < 0) return;
      const x = alignedValues(r, a, k, ctx.alignR);
      // The series' own σ when the common returns are all of its returns (the same sums as
      // meanVariance's), else meanVariance over the common ones.
      const whole = x.length === r.length && Number.isFinite(ctx.lastSigma);
      sigma[k] = whole ? ctx.lastSigma : x.length > 1 ? Math.sqrt(meanVariance(x, 1).variance) : 0;
      addWeighted(rp, w[k]!, x);
    },
    finish(ctx: Context, out: Warning[]): MetricsResponse['portfolio'] {
      const pDates = a.by === 'dates' ? a.dates : null;
      const metrics = seriesMetrics(
        { name: 'portfolio', r: rp, dates: pDates, priceDates: null },
        ctx,
      );
      let dr: number | null = null;
      let weightedVol: number | null = null;
      let vol: number | null = null;
      if (a.n >= ctx.minObs) {
        const sp = Math.sqrt(meanVariance(rp, 1).variance);
        dr = diversificationRatio(w, sigma, sp);
        weightedVol = w.reduce((acc, wi, k) => acc + wi * sigma[k]!, 0) * ctx.sqrtP;
        vol = sp * ctx.sqrtP;
        if (dr === null)
          out.push({
            code: 'ZERO_VOLATILITY',
            path: 'portfolio.diversification_ratio',
            message:
              'the portfolio returns are constant: the diversification ratio is undefined (null)',
          });
      } else
        out.push({
          code: 'INSUFFICIENT_HISTORY',
          path: 'portfolio',
          message: `the weighted series have ${a.n} common returns: the portfolio figures need at least min_observations = ${ctx.minObs}`,
        });
      const fin = (x: number | null) => (x !== null && Number.isFinite(x) ? x : null);
      return {
        weights: names.map((name, k) => ({ name, weight: w[k]! })),
        observations: a.n,
        alignment: a.by,
        effective_number_of_assets: fin(effectiveNumberOfAssets(w)),
        diversification_ratio: fin(dr),
        weighted_volatility: fin(weightedVol),
        volatility: fin(vol),
        metrics,
      };
    },
  };
}

function finish(warnings: Warning[], f: Finite): Warning[] {
  if (f.bad.length)
    warnings.push({
      code: 'NON_FINITE_RESULT',
      message: `${[...new Set(f.bad)].join(', ')} overflowed to a non-finite value and ${f.bad.length === 1 ? 'is' : 'are'} reported as null`,
    });
  return warnings;
}
