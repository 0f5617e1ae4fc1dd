/**
 * The request fields behind the Method control (above the JSON editor), read from and written
 * back into the editor's text. The JSON stays the single source of truth: the control only ever
 * parses the text, changes the fields it owns and prints the whole request again, so every other
 * field the user typed is kept.
 */
import {
  COVARIANCE_ESTIMATORS,
  HRP_LINKAGES,
  REBALANCE_METHODS,
} from '../../src/contract/optimize';
import type { RebalanceMethod } from '../../src/contract/optimize';
import { prettyJson } from '../shared/json';
import { requestOrder } from '../shared/order';

export type CovEstimator = (typeof COVARIANCE_ESTIMATORS)[number];
export type HrpLinkage = (typeof HRP_LINKAGES)[number];
export { COVARIANCE_ESTIMATORS, HRP_LINKAGES, REBALANCE_METHODS };

/** Labels of the methods, as the select shows them. */
export const METHOD_LABELS: Record<RebalanceMethod, string> = {
  threshold: 'Threshold bands',
  track_target: 'Track target',
  min_variance: 'Minimum variance',
  max_sharpe: 'Maximum Sharpe',
  mean_variance: 'Mean–variance',
  risk_parity: 'Risk parity',
  efficient_risk: 'Max return at a volatility',
  efficient_return: 'Min risk at a return',
  max_quadratic_utility: 'Quadratic utility',
  hrp: 'Hierarchical risk parity',
};

export const LINKAGE_LABELS: Record<HrpLinkage, string> = {
  single: 'Single',
  complete: 'Complete',
  average: 'Average',
  ward: 'Ward',
};

export const ESTIMATOR_LABELS: Record<CovEstimator, string> = {
  sample: 'Sample',
  ewma: 'EWMA',
  ledoit_wolf: 'Ledoit–Wolf',
  pairwise: 'Pairwise (each pair’s own dates)',
  user: 'User matrix (covariance.matrix in the request)',
};

/** What the control shows: the fields as the request has them, or the contract's defaults. */
export interface MethodFields {
  method: RebalanceMethod;
  risk_aversion: number;
  estimator: CovEstimator;
  whole_lots: boolean;
  hrp_linkage: HrpLinkage;
}

/** The contract defaults (src/contract/optimize.ts OptimizeRequestFields). */
export const METHOD_DEFAULTS: MethodFields = {
  method: 'threshold',
  risk_aversion: 1,
  estimator: 'ledoit_wolf',
  whole_lots: false,
  hrp_linkage: 'single',
};

export type MethodRead =
  | { ok: true; fields: MethodFields; request: Record<string, unknown> }
  | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Reads the control's fields from the editor text. A value of the wrong type or an unknown name
 * is shown as the default (the engine reports it when the request is run; the control does not
 * guess). Example: `readMethod('{"method":"min_variance"}')` →
 * `{ok: true, fields: {method: 'min_variance', risk_aversion: 1, estimator: 'ledoit_wolf', whole_lots: false}, …}`.
 */
export function readMethod(text: string): MethodRead {
  if (text.trim() === '') return { ok: false, reason: 'Load a scenario or paste a request first.' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'The JSON does not parse: fix it (or Revert) to use these.' };
  }
  if (!isObject(value)) return { ok: false, reason: 'The request must be a JSON object.' };
  const m = value.method;
  const ra = value.risk_aversion;
  const cov = value.covariance;
  const est = isObject(cov) ? cov.estimator : undefined;
  return {
    ok: true,
    request: value,
    fields: {
      method: (REBALANCE_METHODS as readonly unknown[]).includes(m)
        ? (m as RebalanceMethod)
        : METHOD_DEFAULTS.method,
      risk_aversion:
        typeof ra === 'number' && Number.isFinite(ra) ? ra : METHOD_DEFAULTS.risk_aversion,
      estimator: (COVARIANCE_ESTIMATORS as readonly unknown[]).includes(est)
        ? (est as CovEstimator)
        : METHOD_DEFAULTS.estimator,
      whole_lots: value.whole_lots === true,
      hrp_linkage: (HRP_LINKAGES as readonly unknown[]).includes(value.hrp_linkage)
        ? (value.hrp_linkage as HrpLinkage)
        : METHOD_DEFAULTS.hrp_linkage,
    },
  };
}

/**
 * The request text with the given fields changed and everything else kept, printed in the
 * contract's key order. `estimator` is written inside `covariance`, keeping its other keys
 * (halflife, factors …). Returns null when the text is not a JSON object.
 */
export function writeMethod(text: string, patch: Partial<MethodFields>): string | null {
  const read = readMethod(text);
  if (!read.ok) return null;
  const req: Record<string, unknown> = { ...read.request };
  if (patch.method !== undefined) req.method = patch.method;
  if (patch.risk_aversion !== undefined) req.risk_aversion = patch.risk_aversion;
  if (patch.whole_lots !== undefined) req.whole_lots = patch.whole_lots;
  if (patch.hrp_linkage !== undefined) req.hrp_linkage = patch.hrp_linkage;
  if (patch.estimator !== undefined) {
    const cov = isObject(req.covariance) ? req.covariance : {};
    req.covariance = { ...cov, estimator: patch.estimator };
  }
  return prettyJson(requestOrder(req));
}

/**
 * The request field behind an optimizer constraint name, for click-to-select:
 * `turnover` → `turnover_limit`, `class_min:ETF` → `class_bounds.ETF.min`,
 * `asset_max:AAPL` → `bounds.AAPL.max`, `no_trade:GLD` → `no_trade`. null when the constraint
 * is implied by the model rather than a field (`budget`: weights, cash and costs sum to 1).
 */
export function constraintField(name: string): string | null {
  const i = name.indexOf(':');
  const kind = i < 0 ? name : name.slice(0, i);
  const arg = i < 0 ? '' : name.slice(i + 1);
  switch (kind) {
    case 'turnover':
      return 'turnover_limit';
    case 'cash_floor':
      return 'cash_floor';
    case 'bounds':
      return 'bounds';
    case 'class_min':
      return `class_bounds.${arg}.min`;
    case 'class_max':
      return `class_bounds.${arg}.max`;
    case 'asset_min':
      return `bounds.${arg}.min`;
    case 'asset_max':
      return `bounds.${arg}.max`;
    case 'no_trade':
      return 'no_trade';
    case 'budget':
    case 'solver':
      return null;
    default:
      // Already a request path (e.g. covariance.factors).
      return name;
  }
}
