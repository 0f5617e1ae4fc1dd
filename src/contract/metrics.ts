import { z } from 'zod';
import { plainText, Warning } from './common';
import { nameRecord } from './names';
import { numberArray } from './numbers';
import { isRealDate } from './rebalance';

/**
 * POST /api/analytics/metrics: performance and risk figures of return or price series, the
 * figures a quant would take from empyrical, skfolio or Riskfolio-Lib, with each convention in the
 * field's description (it flows into the OpenAPI document) and in docs/methods.md, "Metrics of
 * return series". Computation: src/services/metrics.ts over src/risk/series/.
 */

/** Limits of one request (the 64 MiB body limit binds first for long, many-series requests). */
export const METRICS_LIMITS = {
  maxSeries: 5000,
  maxObservations: 20000,
  maxLevels: 16,
} as const;

/** The product's minimum history for moment figures (src/risk/metrics.ts MIN_MOMENT_OBSERVATIONS). */
export const DEFAULT_MIN_OBSERVATIONS = 20;
/** The product's minimum for historical VaR/CVaR (MIN_HISTORICAL_VAR_OBSERVATIONS). */
export const DEFAULT_MIN_TAIL_OBSERVATIONS = 100;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_ARRAY_ISSUES = 20;

/**
 * An array of ISO dates YYYY-MM-DD, each a calendar date, strictly increasing, checked in one
 * loop (a 1,000-series request with dates holds 2.5 M of them; one zod parse per element would
 * cost more than the computation). Each bad element gives one issue at its index (the first 20).
 */
function dateArray(maxLength: number) {
  return z
    .custom<string[]>()
    .check((ctx) => {
      const a = ctx.value as unknown;
      if (!Array.isArray(a)) {
        ctx.issues.push({ code: 'invalid_type', expected: 'array', input: a, path: [] });
        return;
      }
      if (a.length > maxLength) {
        ctx.issues.push({
          code: 'too_big',
          origin: 'array',
          maximum: maxLength,
          inclusive: true,
          input: a,
          path: [],
        });
        return;
      }
      let bad = 0;
      let prev = '';
      for (let i = 0; i < a.length; i++) {
        const d: unknown = a[i];
        let message: string | null = null;
        if (typeof d !== 'string' || !ISO_DATE.test(d) || !isRealDate(d))
          message = 'expected a calendar date as YYYY-MM-DD';
        else if (i > 0 && !(d > prev))
          message = `dates must be strictly increasing (${d} follows ${prev})`;
        if (typeof d === 'string') prev = d;
        if (message === null) continue;
        if (++bad > MAX_ARRAY_ISSUES) break;
        ctx.issues.push({ code: 'custom', message, input: d, path: [i] });
      }
    })
    .meta({
      maxItems: maxLength,
      type: 'array',
      items: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    });
}

/** Output arrays that may be long (a rolling Sharpe per series): checked in one loop. */
function loopArray<T>(name: string, ok: (x: unknown) => boolean, items: Record<string, unknown>) {
  return z
    .custom<T[]>()
    .check((ctx) => {
      const a = ctx.value as unknown;
      if (!Array.isArray(a)) {
        ctx.issues.push({ code: 'invalid_type', expected: 'array', input: a, path: [] });
        return;
      }
      for (let i = 0; i < a.length; i++)
        if (!ok(a[i])) {
          ctx.issues.push({ code: 'custom', message: `expected ${name}`, input: a[i], path: [i] });
          return;
        }
    })
    .meta({ type: 'array', items });
}

const seriesName = plainText(
  z
    .string()
    .trim()
    .min(1, 'a series name must not be empty')
    .max(128, 'a series name must be at most 128 characters'),
);

const SERIES_FIELDS = {
  returns: numberArray({
    gt: -1,
    max: 10,
    maxLength: METRICS_LIMITS.maxObservations,
    messages: { gt: 'a return must be > -1 (a price cannot go below zero)' },
  })
    .optional()
    .describe(
      'Simple returns per period, oldest first (0.01 = +1%). Give `returns` or `prices`, not both.',
    ),
  prices: numberArray({
    gt: 0,
    max: 1e12,
    maxLength: METRICS_LIMITS.maxObservations,
    messages: { gt: 'prices must be > 0' },
  })
    .optional()
    .describe(
      'Prices (or a wealth index) per period, oldest first, each > 0; the returns are p_t / p_{t−1} − 1 (one fewer than the prices).',
    ),
  dates: dateArray(METRICS_LIMITS.maxObservations)
    .optional()
    .describe(
      'Optional dates YYYY-MM-DD, strictly increasing, one per value of `returns` (the end of each period) or of `prices`. With dates, CAGR uses calendar time (ACT/365.25) and a benchmark and the weighted portfolio are aligned on common dates.',
    ),
};

export const MetricsSeries = z.object({
  name: seriesName.describe('The series’ name (unique in the request; the key of `weights`).'),
  ...SERIES_FIELDS,
});
export type MetricsSeries = z.infer<typeof MetricsSeries>;

export const MetricsBenchmark = z.object({
  name: seriesName.default('benchmark').describe('The benchmark’s name (default "benchmark").'),
  ...SERIES_FIELDS,
});

export const PERIODICITIES = ['daily', 'weekly', 'monthly', 'quarterly', 'annual'] as const;

export const TAIL_METHODS = ['quantile', 'rockafellar_uryasev'] as const;

export const MetricsRequest = z
  .object({
    series: z
      .array(MetricsSeries)
      .min(1, 'at least one series is required')
      .max(METRICS_LIMITS.maxSeries)
      .describe('The series to measure, each with `returns` or `prices`.'),
    periodicity: z
      .union([z.enum(PERIODICITIES), z.number().positive().max(1e6)], {
        error:
          'expected daily, weekly, monthly, quarterly, annual, or a number of periods per year in (0, 1e6]',
      })
      .default('daily')
      .describe(
        'Periods per year P used to annualize: daily 252, weekly 52, monthly 12, quarterly 4, annual 1, or a positive number (365 for crypto).',
      ),
    risk_free_rate: z
      .number()
      .gt(-1)
      .max(10)
      .default(0)
      .describe(
        'Annual risk-free rate rf (0.02 = 2%), taken per period as rf / P (simple, like empyrical’s risk_free = rf / P).',
      ),
    min_acceptable_return: z
      .number()
      .gt(-1)
      .max(10)
      .default(0)
      .describe(
        'Annual minimum acceptable return MAR for the downside risk and the Sortino ratio, taken per period as MAR / P (empyrical’s required_return = MAR / P).',
      ),
    benchmark: MetricsBenchmark.optional().describe(
      'Optional benchmark for alpha, beta, tracking error, information ratio and excess Sharpe. Aligned with each series by date when both have dates (the returns on common dates), otherwise by position from the most recent end (the last min(n, n_b) returns of each), with a warning when lengths differ.',
    ),
    confidence_levels: z
      .array(z.number().gt(0, 'must be > 0').lt(1, 'must be < 1'))
      .min(1)
      .max(METRICS_LIMITS.maxLevels)
      .default([0.95])
      .describe(
        'Confidence levels c of VaR, CVaR and CDaR, each in (0, 1), distinct (default [0.95]); the tail is α = 1 − c.',
      ),
    tail_method: z
      .enum(TAIL_METHODS)
      .default('quantile')
      .describe(
        'Historical VaR/CVaR/CDaR estimator. `quantile` (default; numpy, empyrical): VaR = −Q_α type-7 linear interpolation, CVaR = −mean of the values ≤ that quantile. `rockafellar_uryasev` (skfolio, Riskfolio-Lib): k = α·n, VaR = −x_(⌊k⌋) (0-based order statistic), CVaR = VaR + Σ max(loss − VaR, 0) / k.',
      ),
    min_observations: z
      .number()
      .int()
      .min(2)
      .max(METRICS_LIMITS.maxObservations)
      .default(DEFAULT_MIN_OBSERVATIONS)
      .describe(
        'Fewest returns for every figure but `cumulative_return` (default 20, the product’s minimum for risk figures). A series with fewer gets those figures as null with an INSUFFICIENT_HISTORY warning; lowering it below 20 adds a MIN_OBSERVATIONS_LOWERED warning. When no series reaches it the request fails with 422 DATA_BLOCKED.',
      ),
    min_tail_observations: z
      .number()
      .int()
      .min(1)
      .max(METRICS_LIMITS.maxObservations)
      .default(DEFAULT_MIN_TAIL_OBSERVATIONS)
      .describe(
        'Fewest returns for the historical (empirical) VaR, CVaR and CDaR (default 100, the product’s minimum); below it those are null with a warning. Lowering it below 100 adds a MIN_OBSERVATIONS_LOWERED warning.',
      ),
    uncompounded_drawdown: z
      .boolean()
      .default(false)
      .describe(
        'Also report drawdowns of uncompounded cumulative returns C_t = Σ r (Riskfolio-Lib’s *_Abs, skfolio’s compounded=False) in `uncompounded_drawdown`.',
      ),
    rolling_sharpe_window: z
      .number()
      .int()
      .min(2)
      .max(METRICS_LIMITS.maxObservations)
      .optional()
      .describe(
        'Window w (returns) of a rolling Sharpe ratio per series (empyrical roll_sharpe_ratio with risk_free = rf / P); absent = none.',
      ),
    weights: nameRecord(seriesName, z.number().min(-10).max(10))
      .optional()
      .describe(
        'Weights by series name for the portfolio figures (series not named weigh 0; used as given, not normalized; 1 − Σw is cash at 0%). The portfolio is the constant mix r_p = Σ w_i r_i over the dates (or, without dates on every weighted series, the most recent positions) common to the weighted series.',
      ),
  })
  .superRefine((req, ctx) => {
    const seen = new Map<string, number>();
    req.series.forEach((s, i) => checkSeries(s, ['series', i], ctx));
    req.series.forEach((s, i) => {
      const j = seen.get(s.name);
      if (j !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['series', i, 'name'],
          message: `duplicate series name "${s.name}" (also series.${j}.name)`,
        });
      else seen.set(s.name, i);
    });
    if (req.benchmark) checkSeries(req.benchmark, ['benchmark'], ctx);
    const levels = req.confidence_levels;
    levels.forEach((c, i) => {
      if (levels.indexOf(c) !== i)
        ctx.addIssue({
          code: 'custom',
          path: ['confidence_levels', i],
          message: `${c} is listed twice`,
        });
    });
    if (req.weights) {
      let any = false;
      for (const [k, w] of Object.entries(req.weights)) {
        if (!seen.has(k))
          ctx.addIssue({ code: 'custom', path: ['weights', k], message: 'names no series' });
        if (w !== 0) any = true;
      }
      if (!any)
        ctx.addIssue({
          code: 'custom',
          path: ['weights'],
          message: 'at least one weight must be non-zero',
        });
    }
  });
export type MetricsRequest = z.infer<typeof MetricsRequest>;
export type MetricsRequestInput = z.input<typeof MetricsRequest>;

function checkSeries(
  s: {
    returns?: number[] | undefined;
    prices?: number[] | undefined;
    dates?: string[] | undefined;
  },
  path: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  if ((s.returns === undefined) === (s.prices === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path,
      message:
        s.returns === undefined
          ? 'give `returns` or `prices`'
          : 'give `returns` or `prices`, not both',
    });
    return;
  }
  const values = s.returns ?? s.prices ?? [];
  const field = s.returns ? 'returns' : 'prices';
  const min = s.returns ? 1 : 2;
  if (values.length < min)
    ctx.addIssue({
      code: 'custom',
      path: [...path, field],
      message: `has ${values.length} values; at least ${min} ${min === 1 ? 'is' : 'are'} required`,
    });
  if (s.dates && s.dates.length !== values.length)
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'dates'],
      message: `has ${s.dates.length} dates but ${field} has ${values.length} values`,
    });
}

const nnum = z.number().nullable();
const count = z.number().int().min(0);

export const TailRisk = z.object({
  confidence: z.number().describe('Confidence level c; the tail is α = 1 − c.'),
  historical_var: nnum.describe(
    'Historical VaR, one period, a positive loss (0.02 = 2%): −Q_α(r) (tail_method quantile) or −r_(⌊αn⌋) (rockafellar_uryasev). empyrical value_at_risk(r, cutoff=α) = −this. Null below min_tail_observations.',
  ),
  gaussian_var: nnum.describe(
    'Gaussian VaR, one period, positive loss: −(μ + z_α σ), μ the mean, σ the sample std (ddof 1), z_α = Φ⁻¹(α).',
  ),
  cornish_fisher_var: nnum.describe(
    'Cornish–Fisher VaR, positive loss: −(μ + z_cf σ), z_cf = z + (z² − 1)S/6 + (z³ − 3z)K/24 − (2z³ − 5z)S²/36 with the population skewness S and excess kurtosis K (Riskfolio-Lib’s MVaR uses the bias-corrected S, K: see docs/methods.md).',
  ),
  historical_cvar: nnum.describe(
    'Historical CVaR (expected shortfall), one period, positive loss: −mean{r ≤ Q_α} (quantile) or VaR + Σ max(−r − VaR, 0)/(αn) (rockafellar_uryasev). Null below min_tail_observations.',
  ),
  cdar: nnum.describe(
    'Conditional drawdown at risk of the compounded drawdowns DD_t (positive): the CVaR, by the same tail_method, of −DD_t (skfolio cdar(get_drawdowns(r, compounded=True))). Null below min_tail_observations.',
  ),
});

export const LevelValue = z.object({ confidence: z.number(), value: nnum });

export const UncompoundedDrawdown = z.object({
  cumulative_return: nnum.describe('C_n = Σ r_t (uncompounded).'),
  max_drawdown: nnum.describe(
    'max_t DD_t with DD_t = max(0, max_{s≤t} C_s) − C_t, C_t = Σ_{s≤t} r_s (Riskfolio-Lib MDD_Abs; positive).',
  ),
  average_drawdown: nnum.describe('Σ DD_t / n (Riskfolio-Lib ADD_Abs).'),
  ulcer_index: nnum.describe('√(Σ DD_t² / n) (Riskfolio-Lib UCI_Abs).'),
  cdar: z
    .array(LevelValue)
    .describe('CDaR of the uncompounded drawdowns per confidence level (Riskfolio-Lib CDaR_Abs).'),
});

export const RelativeMetrics = z.object({
  benchmark: z.string(),
  observations: count.describe('Aligned pairs (r_t, b_t) used.'),
  alignment: z
    .enum(['dates', 'position'])
    .describe('How the benchmark was aligned: on common dates, or by position from the end.'),
  beta: nnum.describe(
    'CAPM beta cov(r, b) / var(b) (ddof cancels; = empyrical beta, the slope of scipy linregress(b, r)). Null when the benchmark is constant.',
  ),
  alpha: nnum.describe(
    'CAPM alpha, annual, arithmetic: P · mean((r − rf/P) − β(b − rf/P)). empyrical ≥ 0.6 compounds it: α_emp = (1 + α/P)^P − 1; empyrical ≤ 0.5 reported this value.',
  ),
  tracking_error: nnum.describe('Annual tracking error std(r − b)·√P (ddof 1).'),
  information_ratio: nnum.describe(
    'Annual information ratio P·mean(r − b) / tracking_error = excess_sharpe·√P.',
  ),
  excess_sharpe: nnum.describe(
    'Per-period mean(r − b) / std(r − b) (ddof 1), not annualized: empyrical excess_sharpe.',
  ),
});

export const RollingSharpe = z.object({
  window: z.number().int(),
  end_index: loopArray<number>('a non-negative integer', (x) => Number.isInteger(x), {
    type: 'integer',
  }).describe('0-based position, in the series’ returns, of each window’s last return.'),
  end_dates: loopArray<string>('a date', (x) => typeof x === 'string', { type: 'string' })
    .nullable()
    .describe('The date of each window’s last return (null without dates).'),
  values: loopArray<number | null>(
    'a number or null',
    (x) => x === null || (typeof x === 'number' && Number.isFinite(x)),
    { type: ['number', 'null'] },
  ).describe(
    'Annualized Sharpe ratio of each window: (mean − rf/P) / std (ddof 1) · √P; null when the window is constant.',
  ),
});

export const SeriesMetrics = z.object({
  name: z.string(),
  observations: count.describe('Returns n used (prices give one fewer).'),
  first_date: z.string().nullable().describe('Date of the first return (null without dates).'),
  last_date: z.string().nullable().describe('Date of the last return (null without dates).'),
  years: nnum.describe(
    'Years compounded for the CAGR: n / P without dates; with price dates, (last − first date)/365.25; with return dates, that span × n/(n − 1).',
  ),
  cumulative_return: nnum.describe('Π(1 + r_t) − 1 (empyrical cum_returns_final).'),
  cagr: nnum.describe(
    'Compound annual growth rate (1 + cumulative_return)^(1/years) − 1 (empyrical cagr/annual_return when without dates).',
  ),
  annual_return: nnum.describe('Arithmetic annual return P · mean(r).'),
  annual_volatility: nnum.describe(
    'σ·√P, σ the sample std (ddof 1) (empyrical annual_volatility). 0 for a constant series.',
  ),
  annual_variance: nnum.describe('σ²·P (ddof 1); per period: annual_variance / P.'),
  semi_deviation: nnum.describe(
    'Annualized semi-deviation about the mean √(Σ min(r − r̄, 0)²/(n − 1))·√P (skfolio semi_deviation and Riskfolio SemiDeviation × √P).',
  ),
  downside_risk: nnum.describe(
    'Annualized downside risk below MAR: √(Σ min(r − MAR/P, 0)² / n)·√P (divisor n; empyrical downside_risk(r, required_return=MAR/P)).',
  ),
  sharpe: nnum.describe(
    '(P·mean(r) − rf) / annual_volatility (empyrical sharpe_ratio(r, risk_free=rf/P)). Null for a constant series.',
  ),
  sortino: nnum.describe(
    '(P·mean(r) − MAR) / downside_risk (empyrical sortino_ratio(r, required_return=MAR/P)). Null when no return is below MAR/P.',
  ),
  calmar: nnum.describe(
    'cagr / max_drawdown (empyrical calmar_ratio without dates). Null when there is no drawdown.',
  ),
  max_drawdown: nnum.describe(
    'Largest compounded drawdown, positive: max_t (1 − W_t / max(1, max_{s≤t} W_s)), W_t = Π_{s≤t}(1 + r_s); the starting capital is a peak. empyrical max_drawdown = −this.',
  ),
  average_drawdown: nnum.describe(
    'Σ_t DD_t / n over the compounded drawdowns (skfolio average_drawdown).',
  ),
  ulcer_index: nnum.describe(
    '√(Σ_t DD_t² / n), compounded drawdowns (Martin 1987; PerformanceAnalytics UlcerIndex).',
  ),
  skewness: nnum.describe('Population skewness g1 = m3 / m2^{3/2} (scipy skew, bias=True).'),
  excess_kurtosis: nnum.describe(
    'Population excess kurtosis g2 = m4 / m2² − 3 (scipy kurtosis, bias=True); skfolio kurtosis = this + 3.',
  ),
  tail_risk: z.array(TailRisk).describe('One row per confidence level, in request order.'),
  uncompounded_drawdown: UncompoundedDrawdown.nullable().describe(
    'Present when uncompounded_drawdown is true (null otherwise, and null figures below min_observations).',
  ),
  relative: RelativeMetrics.nullable().describe(
    'Figures against the benchmark (null without one).',
  ),
  rolling_sharpe: RollingSharpe.nullable().describe('Present when rolling_sharpe_window is given.'),
  warnings: z
    .array(Warning)
    .describe('Why a figure is null, and alignment notes, for this series.'),
});
export type SeriesMetrics = z.infer<typeof SeriesMetrics>;

export const PortfolioMetrics = z.object({
  weights: z.array(z.object({ name: z.string(), weight: z.number() })),
  observations: count.describe('Common returns used.'),
  alignment: z.enum(['dates', 'position']),
  effective_number_of_assets: nnum.describe(
    '1 / Σ w_i² (inverse Herfindahl index; skfolio effective_number_assets): n for n equal weights summing to 1.',
  ),
  diversification_ratio: nnum.describe(
    'Σ w_i σ_i / σ_p with σ_i and σ_p = √(wᵀΣw) from the same common returns (the sample covariance of the series; ddof and annualization cancel). 1 for one asset, higher when correlations are below 1.',
  ),
  weighted_volatility: nnum.describe('Σ w_i σ_i √P, annual.'),
  volatility: nnum.describe('σ_p √P, annual: the portfolio’s annual_volatility.'),
  metrics: SeriesMetrics.describe('Every series figure for the constant-mix portfolio returns.'),
});

export const MetricsResponse = z.object({
  periods_per_year: z.number(),
  risk_free_rate: z.number(),
  min_acceptable_return: z.number(),
  confidence_levels: z.array(z.number()),
  tail_method: z.enum(TAIL_METHODS),
  min_observations: z.number().int(),
  min_tail_observations: z.number().int(),
  series: z.array(SeriesMetrics).describe('One entry per input series, in request order.'),
  portfolio: PortfolioMetrics.nullable().describe('The weighted portfolio (null without weights).'),
  warnings: z.array(Warning).describe('Request-level notes (lowered minimums, weights).'),
});
export type MetricsResponse = z.infer<typeof MetricsResponse>;
