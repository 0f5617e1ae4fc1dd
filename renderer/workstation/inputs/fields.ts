/**
 * The fields of the settings form and the holdings grid, read from the zod contract
 * (src/contract/rebalance.ts RebalanceRequest and AssetInput, src/contract/optimize.ts): bounds,
 * defaults and descriptions come from there, labels and units are the PM's words.
 */
import { AssetInput, Holding, LIMITS, RebalanceRequest } from '../../../src/contract/rebalance';
import { CovarianceSpec, OptimizeRequestFields } from '../../../src/contract/optimize';
import { numberSpec, unwrapSchema, type NumberSpec, type ZodLike } from './numbers';

const req = RebalanceRequest.shape as unknown as Record<string, ZodLike>;
const asset = AssetInput.shape as unknown as Record<string, ZodLike>;
const holding = Holding.shape as unknown as Record<string, ZodLike>;
const mc = unwrapSchema(req.monte_carlo as ZodLike).inner.def.shape as Record<string, ZodLike>;
const cov = CovarianceSpec.shape as unknown as Record<string, ZodLike>;
const opt = OptimizeRequestFields as unknown as Record<string, ZodLike>;

const top = (key: string, label: string, unit: NumberSpec['unit']) =>
  numberSpec(req[key] as ZodLike, key, label, unit);

/** The settings form's number fields (request paths, contract bounds, display units). */
export const SETTINGS = {
  portfolio_value: top('portfolio_value', 'Portfolio value', 'currency'),
  drift_threshold: top('drift_threshold', 'Tolerance band (±)', 'percent'),
  turnover_limit: top('turnover_limit', 'Turnover cap (one-way)', 'percent'),
  transaction_cost_bps: top('transaction_cost_bps', 'Transaction cost', 'bps'),
  fixed_fee_per_trade: top('fixed_fee_per_trade', 'Fixed fee per trade', 'currency'),
  risk_free_rate: top('risk_free_rate', 'Risk-free rate (annual)', 'percent'),
  cash_flow: top('cash_flow', 'Cash flow (+ in / − out)', 'currency'),
  paths: numberSpec(mc.paths as ZodLike, 'monte_carlo.paths', 'Monte Carlo paths', 'paths'),
  horizon_days: numberSpec(
    mc.horizon_days as ZodLike,
    'monte_carlo.horizon_days',
    'Horizon',
    'days',
  ),
  seed: numberSpec(mc.seed as ZodLike, 'monte_carlo.seed', 'Random seed', 'seed'),
  /** Set on every asset at once (the contract has it per asset). */
  min_trade_value: numberSpec(
    asset.min_trade_value as ZodLike,
    'assets.*.min_trade_value',
    'Minimum trade (every asset)',
    'currency',
  ),
  risk_aversion: numberSpec(
    opt.risk_aversion as ZodLike,
    'risk_aversion',
    'Risk aversion λ',
    'lambda',
  ),
  halflife: numberSpec(cov.halflife as ZodLike, 'covariance.halflife', 'EWMA half-life', 'days'),
  target_volatility: numberSpec(
    opt.target_volatility as ZodLike,
    'target_volatility',
    'Target volatility (annual)',
    'percent',
  ),
  target_return: numberSpec(
    opt.target_return as ZodLike,
    'target_return',
    'Target return (annual)',
    'percent',
  ),
} satisfies Record<string, NumberSpec>;

/** Help in plain words for fields the contract does not describe (shown as tooltips). */
export const HELP: Partial<Record<keyof typeof SETTINGS, string>> = {
  transaction_cost_bps:
    'Cost of trading, in basis points of the traded value (10 bps = 0.10%), both buys and sells.',
  fixed_fee_per_trade: 'A fixed commission charged on every order, in the portfolio currency.',
  portfolio_value: 'Total value of the portfolio, cash included, in the portfolio currency.',
  paths: 'Number of simulated paths; more paths give steadier percentiles and take longer.',
  horizon_days: 'Trading days simulated ahead (21 ≈ one month, 252 ≈ one year).',
  seed: 'The random seed: the same seed and inputs give the same simulation.',
  min_trade_value:
    'Orders smaller than this are not sent. The request holds one per asset; this sets all of them.',
};

/** rebalance_to options, from the contract's enum, in words. */
export const REBALANCE_TO_LABELS: Record<string, string> = {
  target: 'Breaching assets to target',
  band_edge: 'Breaching assets to the band edge',
  full: 'Every asset to target',
};
export const REBALANCE_TO = Object.keys(
  unwrapSchema(req.rebalance_to as ZodLike).inner.def.entries ?? {},
);
export const REBALANCE_TO_HELP = unwrapSchema(req.rebalance_to as ZodLike).description;

/** The benchmark name's contract: 1 to 128 characters after trimming. */
export const BENCHMARK_NAME_MAX = 128;

/** The Monte Carlo path store bound (paths × horizon days), from the contract. */
export const MAX_PATH_STEPS = LIMITS.maxPathSteps;

/** Number columns of the holdings grid (per asset), as contract specs for asset row `i`. */
export const ASSET_NUMBER_FIELDS = {
  current_weight: numberSpec(asset.current_weight as ZodLike, '', 'Current', 'percent'),
  target_weight: numberSpec(asset.target_weight as ZodLike, '', 'Target', 'percent'),
  price: numberSpec(asset.price as ZodLike, '', 'Price', 'currency'),
  market_return: numberSpec(asset.market_return as ZodLike, '', 'Market return', 'percent'),
  lot_size: numberSpec(asset.lot_size as ZodLike, '', 'Lot size', 'units'),
  min_trade_value: numberSpec(asset.min_trade_value as ZodLike, '', 'Min trade', 'currency'),
} satisfies Record<string, NumberSpec>;

/** Number columns of the holdings sub-grid (per holding inside an asset). */
export const HOLDING_NUMBER_FIELDS = {
  holding_weight: numberSpec(holding.holding_weight as ZodLike, '', 'Weight in asset', 'percent'),
  quantity: numberSpec(holding.quantity as ZodLike, '', 'Quantity', 'units'),
  last_price: numberSpec(holding.last_price as ZodLike, '', 'Last price', 'currency'),
  target_weight: numberSpec(holding.target_weight as ZodLike, '', 'Target in asset', 'percent'),
  lot_size: numberSpec(holding.lot_size as ZodLike, '', 'Lot size', 'units'),
} satisfies Record<string, NumberSpec>;

/** Names (asset, holding) as the contract takes them: 1 to 128 characters after trimming. */
export function checkName(raw: string, what: string): { value: string } | { error: string } {
  const t = raw.trim();
  if (t === '') return { error: `required: give the ${what} a name` };
  if (t.length > 128) return { error: `${what} name must be at most 128 characters` };
  return { value: raw };
}

/** The description of an asset column in the contract (tooltip of the grid's header). */
export const ASSET_HELP: Record<string, string | undefined> = Object.fromEntries(
  Object.entries(asset).map(([k, s]) => [k, unwrapSchema(s).description]),
);
