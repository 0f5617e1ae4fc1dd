import { z } from 'zod';
import { plainText } from './common';
import { nameRecord } from './names';
import { numberArray } from './numbers';

/**
 * Estimator choices of the optimizer (issue #11, item 2) and the history report of unequal
 * histories (item 5): the `expected_returns` request field, the `user` covariance inputs, the
 * string short forms, their cross-field checks, and the response blocks that say what was used.
 * Formulas and conventions: docs/methods.md, "Estimators" (src/risk/expected-returns.ts,
 * src/risk/pairwise.ts, src/risk/covariance.ts `nearestPsd`).
 *
 * What is stored (the parsed request is what runs store and hash, src/domain/canonical.ts):
 * - a short string form is stored as its object form with defaults filled in:
 *   `"covariance": "sample"` → `{"estimator": "sample", "halflife": 63}`,
 *   `"expected_returns": "historical_mean"` → `{"method": "historical_mean", "compounding": "geometric"}`;
 * - `expected_returns` `forecast` (as a string or an object) is stored as an absent field, which is
 *   what it means: requests written before the field existed keep their input hash;
 * - ewma without span or half-life is stored with `span: 500` (PyPortfolioOpt's default);
 * - a `user` vector and a `user` matrix are stored as given (array or record; dense or pairs).
 */

/** Largest user-given or pairwise covariance (its PSD repair is O(n³): about 9 s at n = 1,000). */
export const MAX_ESTIMATOR_ASSETS = 1000;
/** Default relative tolerance of the symmetry check of a user covariance. */
export const DEFAULT_SYMMETRY_TOLERANCE = 1e-8;
/** Pair counts are listed one by one up to this many assets (435 pairs); above, only min/median/max. */
export const PAIR_LIST_MAX_ASSETS = 30;

const assetName = plainText(z.string().trim().min(1).max(128));
const seriesName = plainText(z.string().min(1).max(128));

/**
 * A field given either as a short string — the value of `key` — or as the object, e.g.
 * `"sample"` ≡ `{"estimator": "sample"}`. Validation goes to the object schema either way, so a
 * bad value is reported at its own path (`covariance.halflife`, or `covariance` for a bad string)
 * instead of zod's union "Invalid input"; the OpenAPI document shows both forms (anyOf).
 * `normalize` maps the parsed object to what is stored.
 */
export function shortForm<T extends z.ZodType, R = z.output<T>>(
  key: string,
  options: readonly string[],
  object: T,
  normalize: (v: z.output<T>) => R = (v) => v as unknown as R,
  description?: string,
) {
  const json = z.toJSONSchema(object, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  const wrap = (v: unknown) => (typeof v === 'string' ? { [key]: v } : v);
  return z
    .custom<z.input<T> | string>()
    .check((ctx) => {
      const r = object.safeParse(wrap(ctx.value));
      if (!r.success)
        for (const iss of r.error.issues)
          ctx.issues.push({
            ...iss,
            input: ctx.value,
            // A bad short form is the field's own problem, not that of the key it stands for.
            path: typeof ctx.value === 'string' ? [] : iss.path,
          } as z.core.$ZodRawIssue);
    })
    .meta({
      anyOf: [{ type: 'string', enum: [...options] }, json],
      ...(description ? { description } : {}),
    })
    .transform((v) => normalize(object.parse(wrap(v)) as z.output<T>));
}

/** An array (dispatched on Array.isArray) or a record, each validated by its own schema. */
function arrayOrRecord<A extends z.ZodType, R extends z.ZodType>(array: A, record: R) {
  const ja = z.toJSONSchema(array, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  const jr = z.toJSONSchema(record, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete ja.$schema;
  delete jr.$schema;
  const pick = (v: unknown): z.ZodType => (Array.isArray(v) ? array : record);
  return z
    .custom<z.input<A> | z.input<R>>()
    .check((ctx) => {
      const r = pick(ctx.value).safeParse(ctx.value);
      if (!r.success)
        for (const iss of r.error.issues)
          ctx.issues.push({ ...iss, input: ctx.value } as z.core.$ZodRawIssue);
    })
    .meta({ anyOf: [ja, jr] })
    .transform((v) => pick(v).parse(v) as z.output<A> | z.output<R>);
}

// ---------------------------------------------------------------------------------------------
// expected_returns
// ---------------------------------------------------------------------------------------------

export const EXPECTED_RETURN_METHODS = [
  'forecast',
  'historical_mean',
  'capm',
  'ewma',
  'user',
] as const;
export type ExpectedReturnMethod = (typeof EXPECTED_RETURN_METHODS)[number];

export const Compounding = z
  .enum(['arithmetic', 'geometric'])
  .describe(
    'arithmetic: 252 × mean daily return; geometric: the compounded rate Π(1 + r_t)^(252/L) − 1 (PyPortfolioOpt’s default).',
  );

const returnValue = z.number().min(-1).max(10);

const ExpectedReturnsObject = z.discriminatedUnion('method', [
  z
    .object({ method: z.literal('forecast') })
    .describe('The product’s forecast ensemble of each asset (house_view.asset_forecasts).'),
  z
    .object({
      method: z.literal('historical_mean'),
      compounding: Compounding.default('geometric'),
    })
    .describe('Each asset’s own history, annualized (PyPortfolioOpt mean_historical_return).'),
  z
    .object({
      method: z.literal('capm'),
      benchmark: seriesName
        .optional()
        .describe('Market: a series of price_history (its simple returns).'),
      market_returns: numberArray({ gt: -1, max: 10, maxLength: 20000 })
        .optional()
        .describe('Market: daily simple returns, oldest first, ending on the assets’ last day.'),
      equal_weighted_market: z
        .boolean()
        .default(false)
        .describe('Market: the daily mean of the assets’ returns (PyPortfolioOpt’s default).'),
      compounding: Compounding.default('geometric').describe('For E[r_m].'),
    })
    .describe(
      'μ_i = r_f + β_i (E[r_m] − r_f), β_i = Cov(r_i, r_m)/Var(r_m) (PyPortfolioOpt capm_return). Market: `benchmark`, `market_returns` or `equal_weighted_market`; none → the request’s benchmark prices.',
    ),
  z
    .object({
      method: z.literal('ewma'),
      span: z.number().min(1).max(1e6).optional().describe('α = 2/(span + 1); default 500.'),
      halflife: z
        .number()
        .positive()
        .max(1e5)
        .optional()
        .describe('Days; α = 1 − 2^(−1/halflife). Give span or halflife, not both.'),
      compounding: Compounding.default('geometric'),
    })
    .describe('Exponentially weighted mean (PyPortfolioOpt ema_historical_return).'),
  z
    .object({
      method: z.literal('user'),
      values: arrayOrRecord(
        numberArray({ min: -1, max: 10, maxLength: 5000 }),
        nameRecord(assetName, returnValue),
      ).describe(
        'Annual expected returns: an array in the order of `assets`, or a record asset → return covering every asset.',
      ),
    })
    .describe('Expected annual returns given by the caller.'),
]);
export type ExpectedReturnsSpec = z.output<typeof ExpectedReturnsObject>;

/**
 * The request field `expected_returns`: a method name or the object; absent (and `forecast`,
 * normalized to absent) = the forecast ensemble, as before.
 */
export const ExpectedReturnsField = shortForm(
  'method',
  EXPECTED_RETURN_METHODS,
  ExpectedReturnsObject,
  (v): ExpectedReturnsSpec | undefined => {
    if (v.method === 'forecast') return undefined;
    if (v.method === 'ewma' && v.span === undefined && v.halflife === undefined)
      return { ...v, span: 500 };
    return v;
  },
  'Expected annual returns μ for the optimizer (max_sharpe, mean_variance, and the expected_return reported by every method): forecast (default) | historical_mean | capm | ewma | user. A method name is shorthand for the object with defaults. docs/methods.md, "Estimators".',
).optional();

// ---------------------------------------------------------------------------------------------
// covariance: user matrices
// ---------------------------------------------------------------------------------------------

const covEntry = z.number().min(-1e4).max(1e4);

export const UserCovarianceMatrix = z
  .object({
    assets: z.array(assetName).min(1).max(MAX_ESTIMATOR_ASSETS).describe('Row and column order.'),
    values: z
      .array(numberArray({ min: -1e4, max: 1e4, maxLength: MAX_ESTIMATOR_ASSETS }))
      .min(1)
      .max(MAX_ESTIMATOR_ASSETS)
      .describe('Dense n×n annual covariance, rows in the order of `assets`.'),
  })
  .describe('A dense annual covariance matrix with its asset order (every asset of the request).');
export type UserCovarianceMatrix = z.output<typeof UserCovarianceMatrix>;

export const UserCovariancePair = z.object({
  asset_1: assetName,
  asset_2: assetName,
  value: covEntry.describe('Annual covariance (a variance when asset_1 = asset_2).'),
});
export const UserCovariancePairs = z
  .array(UserCovariancePair)
  .min(1)
  .max((MAX_ESTIMATOR_ASSETS * (MAX_ESTIMATOR_ASSETS + 1)) / 2)
  .describe(
    'An annual covariance given per asset pair: every variance and every pair once (or both orders, equal within the tolerance).',
  );
export type UserCovariancePairs = z.output<typeof UserCovariancePairs>;

/** The new fields of CovarianceSpec (src/contract/optimize.ts spreads them in). */
export const UserCovarianceFields = {
  matrix: UserCovarianceMatrix.optional().describe('estimator user: the dense form.'),
  pairs: UserCovariancePairs.optional().describe('estimator user: the per-pair form.'),
  symmetry_tolerance: z
    .number()
    .min(0)
    .max(0.1)
    .optional()
    .describe(
      `estimator user: entries (i, j) and (j, i) may differ by at most this × max(|a_ij|, |a_ji|, √(a_ii a_jj)); default ${DEFAULT_SYMMETRY_TOLERANCE}. The symmetric part is used.`,
    ),
};

// ---------------------------------------------------------------------------------------------
// Checks (called from refineOptimizeFields)
// ---------------------------------------------------------------------------------------------

/** At most this many issues per check are listed; one more says how many were left out. */
const MAX_ISSUES = 20;

type Issue = { path: (string | number)[]; message: string };

/**
 * Whether entries a (at i, j) and b (at j, i) agree within `tol`, relative to
 * max(|a|, |b|, √|a_ii a_jj|) (see UserCovarianceFields).
 * Example: a = 0.01, b = 0.0100000001, variances 0.04 and 0.09 → scale 0.06, |a − b| = 1e-10
 * ≤ 1e-8 · 0.06 → true; b = 0.011 → false.
 */
export function symmetricWithin(a: number, b: number, dii: number, djj: number, tol: number) {
  const scale = Math.max(Math.abs(a), Math.abs(b), Math.sqrt(Math.abs(dii * djj)));
  return Math.abs(a - b) <= tol * scale;
}

/**
 * Problems of a dense user matrix against the request's assets: order (every asset exactly
 * once), shape n×n, variances ≥ 0, symmetry within the tolerance (naming each cell pair, the
 * lower triangle's cell first; at most 20 listed). Paths are relative to `covariance.matrix`.
 * Exported for the engine, which repeats the check.
 * Example: assets [A, B], values [[0.04, 0.01], [0.02, 0.09]] → one issue at values.1.0
 * ("not symmetric: values[1][0] = 0.02 (B, A) but values[0][1] = 0.01; …").
 */
export function matrixIssues(
  m: { assets: readonly string[]; values: readonly (readonly number[])[] },
  names: readonly string[],
  tol: number,
): Issue[] {
  const out: Issue[] = [];
  const want = new Set(names);
  const seen = new Map<string, number>();
  m.assets.forEach((a, k) => {
    if (seen.has(a)) out.push({ path: ['assets', k], message: `"${a}" is listed twice` });
    else if (!want.has(a)) out.push({ path: ['assets', k], message: `unknown asset "${a}"` });
    seen.set(a, k);
  });
  const missing = names.filter((a) => !seen.has(a));
  if (missing.length)
    out.push({
      path: ['assets'],
      message: `every asset of the request is needed; missing: ${missing.slice(0, MAX_ISSUES).join(', ')}${missing.length > MAX_ISSUES ? ` and ${missing.length - MAX_ISSUES} more` : ''}`,
    });
  const n = m.assets.length;
  if (m.values.length !== n) {
    out.push({ path: ['values'], message: `has ${m.values.length} rows for ${n} assets` });
    return out;
  }
  m.values.forEach((row, i) => {
    if (row.length !== n)
      out.push({ path: ['values', i], message: `has ${row.length} entries for ${n} assets` });
  });
  if (out.length) return out;
  for (let i = 0; i < n; i++) {
    const d = (m.values[i] as readonly number[])[i] as number;
    if (d < 0) out.push({ path: ['values', i, i], message: `a variance must be ≥ 0 (got ${d})` });
  }
  let bad = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      const a = (m.values[i] as readonly number[])[j] as number;
      const b = (m.values[j] as readonly number[])[i] as number;
      const dii = (m.values[i] as readonly number[])[i] as number;
      const djj = (m.values[j] as readonly number[])[j] as number;
      if (symmetricWithin(a, b, dii, djj, tol)) continue;
      if (++bad <= MAX_ISSUES)
        out.push({
          path: ['values', i, j],
          message: `not symmetric: values[${i}][${j}] = ${a} (${m.assets[i]}, ${m.assets[j]}) but values[${j}][${i}] = ${b}; they may differ by at most ${tol} relative`,
        });
    }
  if (bad > MAX_ISSUES)
    out.push({
      path: ['values'],
      message: `${bad - MAX_ISSUES} more asymmetric cell pairs (only the first ${MAX_ISSUES} are listed)`,
    });
  return out;
}

/**
 * Problems of per-pair user entries: known assets, every variance and every pair present,
 * a pair given twice (either order) with values that differ beyond the tolerance, variances ≥ 0.
 * Paths are relative to `covariance.pairs`.
 */
export function pairIssues(
  pairs: readonly { asset_1: string; asset_2: string; value: number }[],
  names: readonly string[],
  tol: number,
): Issue[] {
  const out: Issue[] = [];
  const index = new Map(names.map((a, i) => [a, i]));
  const n = names.length;
  const seen = new Map<number, { k: number; value: number }>();
  const diag = new Float64Array(n).fill(NaN);
  pairs.forEach((p, k) => {
    const i = index.get(p.asset_1);
    const j = index.get(p.asset_2);
    if (i === undefined)
      out.push({ path: [k, 'asset_1'], message: `unknown asset "${p.asset_1}"` });
    if (j === undefined)
      out.push({ path: [k, 'asset_2'], message: `unknown asset "${p.asset_2}"` });
    if (i === undefined || j === undefined) return;
    if (i === j) {
      if (p.value < 0)
        out.push({ path: [k, 'value'], message: `a variance must be ≥ 0 (got ${p.value})` });
      diag[i] = p.value;
    }
  });
  if (out.length) return out;
  let bad = 0;
  pairs.forEach((p, k) => {
    const i = index.get(p.asset_1) as number;
    const j = index.get(p.asset_2) as number;
    const key = Math.max(i, j) * n + Math.min(i, j);
    const prev = seen.get(key);
    if (!prev) {
      seen.set(key, { k, value: p.value });
      return;
    }
    const same = i === j || (pairs[prev.k] as { asset_1: string }).asset_1 === p.asset_1;
    if (same) {
      out.push({
        path: [k],
        message: `pair (${p.asset_1}, ${p.asset_2}) is given twice (also at pairs.${prev.k})`,
      });
      return;
    }
    if (!symmetricWithin(prev.value, p.value, diag[i] as number, diag[j] as number, tol))
      if (++bad <= MAX_ISSUES)
        out.push({
          path: [k, 'value'],
          message: `not symmetric: (${p.asset_1}, ${p.asset_2}) = ${p.value} but pairs.${prev.k} (${p.asset_2}, ${p.asset_1}) = ${prev.value}; they may differ by at most ${tol} relative`,
        });
  });
  if (bad > MAX_ISSUES)
    out.push({ path: [], message: `${bad - MAX_ISSUES} more asymmetric pairs not listed` });
  const missing: string[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++)
      if (!seen.has(i * n + j)) missing.push(`(${names[i]}, ${names[j]})`);
  if (missing.length)
    out.push({
      path: [],
      message: `every variance and every pair is needed; missing ${missing.length}: ${missing.slice(0, MAX_ISSUES).join(', ')}${missing.length > MAX_ISSUES ? ', …' : ''}`,
    });
  return out;
}

/** The request fields the estimator checks read (structural, so the contract stays acyclic). */
export interface EstimatorFields {
  assets: readonly { asset: string }[];
  expected_returns?: ExpectedReturnsSpec | undefined;
  covariance?:
    | {
        estimator: string;
        factor_series?: readonly string[] | undefined;
        matrix?: UserCovarianceMatrix | undefined;
        pairs?: UserCovariancePairs | undefined;
        symmetry_tolerance?: number | undefined;
      }
    | undefined;
  price_history?: { prices: Record<string, unknown> } | undefined;
  benchmark?: unknown;
}

/**
 * Cross-field checks of `expected_returns` and the covariance estimators (a 400 naming each
 * field): a user vector covering exactly the assets; one market at most for capm and one that
 * exists; span or halflife for ewma; matrix or pairs with estimator user only, checked by
 * `matrixIssues` / `pairIssues`; no observed factor model on a user or pairwise covariance;
 * at most MAX_ESTIMATOR_ASSETS assets for user and pairwise.
 */
export function refineEstimatorFields(req: EstimatorFields, ctx: z.RefinementCtx): void {
  const add = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const names = req.assets.map((a) => a.asset);
  const er = req.expected_returns;
  if (er?.method === 'user') {
    const v = er.values;
    if (Array.isArray(v)) {
      if (v.length !== names.length)
        add(
          ['expected_returns', 'values'],
          `has ${v.length} values for ${names.length} assets (in the order of assets)`,
        );
    } else {
      const rec = v as Record<string, number>;
      const known = new Set(names);
      for (const k of Object.keys(rec))
        if (!known.has(k)) add(['expected_returns', 'values', k], `unknown asset "${k}"`);
      const missing = names.filter((a) => !Object.hasOwn(rec, a));
      if (missing.length)
        add(['expected_returns', 'values'], `no expected return for ${missing.join(', ')}`);
    }
  }
  if (er?.method === 'capm') {
    const given = [
      er.benchmark !== undefined,
      er.market_returns !== undefined,
      er.equal_weighted_market,
    ].filter(Boolean).length;
    if (given > 1)
      add(
        ['expected_returns'],
        'give one market at most: benchmark, market_returns or equal_weighted_market',
      );
    if (er.benchmark !== undefined) {
      const ph = req.price_history?.prices;
      if (!ph || !Object.hasOwn(ph, er.benchmark))
        add(['expected_returns', 'benchmark'], `price_history has no series "${er.benchmark}"`);
    }
    if (given === 0 && !req.benchmark)
      add(
        ['expected_returns'],
        'capm needs a market: benchmark (a price_history series), market_returns, equal_weighted_market, or the request’s benchmark prices',
      );
  }
  if (er?.method === 'ewma' && er.span !== undefined && er.halflife !== undefined)
    add(['expected_returns'], 'give span or halflife, not both');

  const cov = req.covariance;
  if (!cov) return;
  const isUser = cov.estimator === 'user';
  if (!isUser) {
    if (cov.matrix) add(['covariance', 'matrix'], 'only with estimator "user"');
    if (cov.pairs) add(['covariance', 'pairs'], 'only with estimator "user"');
  }
  if ((isUser || cov.estimator === 'pairwise') && names.length > MAX_ESTIMATOR_ASSETS)
    add(
      ['covariance', 'estimator'],
      `${cov.estimator} is limited to ${MAX_ESTIMATOR_ASSETS} assets (its PSD repair is O(n³)); the request has ${names.length}`,
    );
  if ((isUser || cov.estimator === 'pairwise') && cov.factor_series)
    add(
      ['covariance', 'factor_series'],
      `an observed factor model replaces the estimated covariance; it cannot be combined with estimator "${cov.estimator}"`,
    );
  if (!isUser) return;
  const tol = cov.symmetry_tolerance ?? DEFAULT_SYMMETRY_TOLERANCE;
  if (!cov.matrix === !cov.pairs) {
    add(['covariance'], 'estimator "user" needs exactly one of matrix and pairs');
    return;
  }
  const issues = cov.matrix
    ? matrixIssues(cov.matrix, names, tol).map((x) => ({ ...x, path: ['matrix', ...x.path] }))
    : pairIssues(cov.pairs as UserCovariancePairs, names, tol).map((x) => ({
        ...x,
        path: ['pairs', ...x.path],
      }));
  for (const x of issues) add(['covariance', ...x.path], x.message);
}

// ---------------------------------------------------------------------------------------------
// Response blocks
// ---------------------------------------------------------------------------------------------

const nnum = z.number().nullable();

export const ExpectedReturnsInfo = z
  .object({
    method: z.enum(EXPECTED_RETURN_METHODS),
    compounding: Compounding.nullable(),
    span: nnum.describe('EWMA span (α = 2/(span + 1)); null otherwise.'),
    halflife: nnum.describe('EWMA half-life in days; null otherwise.'),
    market: z
      .object({
        source: z.enum(['benchmark', 'price_history', 'market_returns', 'equal_weighted']),
        name: z.string().nullable(),
        observations: z.number().int(),
        annual_return: z.number().describe('E[r_m], annual, by `compounding`.'),
      })
      .nullable()
      .describe('capm only.'),
    assets: z.array(
      z.object({
        asset: z.string(),
        expected_return: z.number().describe('Annual.'),
        observations: z
          .number()
          .int()
          .nullable()
          .describe(
            'Returns used (capm: days shared with the market); null for forecast and user.',
          ),
        beta: nnum.describe('capm only.'),
      }),
    ),
  })
  .describe('The expected returns μ the optimizer used and how they were estimated.');
export type ExpectedReturnsInfo = z.infer<typeof ExpectedReturnsInfo>;

export const PairObservations = z
  .object({
    pairs: z.number().int().describe('n(n − 1)/2.'),
    min: z.number().int(),
    median: z.number().describe('The mean of the two middle counts for an even number of pairs.'),
    max: z.number().int(),
    counts: z
      .array(z.object({ asset_1: z.string(), asset_2: z.string(), observations: z.number().int() }))
      .nullable()
      .describe(
        `Every pair (i < j in asset order) when there are at most ${PAIR_LIST_MAX_ASSETS} assets; else null.`,
      ),
  })
  .describe(
    'Days each pair of assets shares: n_ij = min(L_i, L_j) for histories ending on the same day.',
  );
export type PairObservations = z.infer<typeof PairObservations>;

export const HistoryObservations = z
  .object({
    method: z
      .enum(['common_window', 'full_history'])
      .describe(
        'common_window: every history has the same length (or some asset has none), and every figure uses the same days. full_history: lengths differ, and the risk figures and the Monte Carlo use each asset’s full history where the method allows (docs/methods.md, "Histories of unequal length").',
      ),
    common_window: z
      .number()
      .int()
      .describe(
        'Daily returns common to every asset (what the optimizer’s sample, ewma and ledoit_wolf use); 0 when an asset has none.',
      ),
    assets: z.array(
      z.object({
        asset: z.string(),
        observations: z.number().int().describe('Daily returns in the asset’s own history.'),
      }),
    ),
    pairs: PairObservations.nullable().describe('null with fewer than two assets with history.'),
  })
  .describe('Observations per asset and per pair of the histories the run read.');
export type HistoryObservations = z.infer<typeof HistoryObservations>;
