/**
 * Rule-based (threshold / tolerance-band) rebalancing: which assets trade, by how much, and the
 * executable trade list in whole lots and whole minor units. Pure and deterministic.
 * The rules are numbered as in docs/methods.md (rebalance).
 */
import { ASSET_CLASSES, EngineError } from '../contract/common';
import type { AssetClass, ErrorDetail, Warning } from '../contract/common';
import type { TradeRow, TradeSummary as TradeSummarySchema } from '../contract/rebalance';
import type { z } from 'zod';
import { lotSizeFor, lotSpec, unitsForLots, type LotSpec } from '../execution/lots';
import { MAX_MINOR, formatMoney, fromMinor, minorScale, toMinor } from '../execution/money';
import {
  DROP_BELOW_MIN,
  DROP_CASH,
  DROP_COST,
  DROP_NONE,
  DROP_ZERO_LOTS,
  costMinor,
  fitBuys,
  maxLotsWithin,
  valueMinor,
} from '../execution/sizing';

export type TradeSummary = z.infer<typeof TradeSummarySchema>;

/** One asset as the rebalancer sees it. Weights are fractions of the portfolio value. */
export interface PlanAsset {
  asset: string;
  assetClass: AssetClass;
  /** Current weight (the caller normalizes current weights to sum to 1). */
  current: number;
  /** Policy target weight (normalized to sum to 1). */
  target: number;
  /** Optimized target d_i the band is centred on; equals `target` when there is no tilt. */
  destinationTarget: number;
  /** Price per unit in the portfolio currency (> 0). */
  price: number;
  /** Trade unit; when absent the class default applies (DEFAULT_LOT_SIZE). */
  lotSize?: number;
  /** Trades smaller than this (currency) are not sent. */
  minTradeValue: number;
}

export interface PlanInput {
  /** V, in currency (> 0). */
  portfolioValue: number;
  /** ISO 4217 code; sets the minor unit (see execution/money.ts). */
  currency: string;
  assets: PlanAsset[];
  /** Band half-width h in weight (0.02 = ±2 pp). */
  driftThreshold: number;
  rebalanceTo: 'target' | 'band_edge';
  /** Cap on one-way turnover Σ|Δw|/2, in (0, 1]. */
  turnoverLimit: number;
  /** Proportional cost in basis points of notional. */
  costBps: number;
  /** Fixed fee per executed trade, in currency. */
  fixedFee: number;
  /**
   * Weight changes Δw_i decided by the constrained optimizer (src/optimize/qp). When given, the
   * band, balancing and turnover rules (1–4) are skipped — the optimizer already enforced its
   * constraints, including any cash floor — and only execution applies: minimum trade value,
   * lots rounded toward zero, costs, sells funding buys (rules 5–7, without re-balancing).
   */
  presetDeltas?: Float64Array;
  /** Name of the optimizer method, for the trade reasons. */
  presetMethod?: string;
}

export interface Band {
  lower: number;
  upper: number;
  outside: boolean;
}

export interface Plan {
  /** One row per asset, in input order (Hold rows included). */
  trades: TradeRow[];
  summary: TradeSummary;
  /** (current value_i + signed trade value_i) / (V − total costs), per asset. */
  proposedWeights: Float64Array;
  /** residual cash / (V − total costs); Σ proposedWeights + residualCashWeight = 1. */
  residualCashWeight: number;
  /** Executed one-way turnover (Σ buys + Σ sells) / (2V) ≤ turnoverLimit. */
  turnoverUsed: number;
  /** Band [max(0, d − h), min(1, d + h)] per asset and whether the current weight is outside. */
  bands: Band[];
  warnings: Warning[];
}

/** Tolerance of the band test: |current − d| ≤ h + 1e-12 is inside (absorbs 0.22 − 0.2 ≠ 0.02). */
export const BAND_TOLERANCE = 1e-12;
/** Weight sums the caller must respect before normalization: |Σw − 1| ≤ 1e-6. */
export const WEIGHT_SUM_TOLERANCE = 1e-6;

// Per-asset status (why a row is or is not a trade).
const ST_INSIDE = 0;
const ST_TRADE = 1;
const ST_ONE_SIDED = 2;
const ST_BELOW_MIN = 3;
const ST_NO_OFFSET = 4;
const ST_OPTIMIZED = 5;

const SCALE_NOTE = 1 - 1e-9;

const SIDES_OK = 0;
const SIDES_ONE = 1;
const SIDES_EMPTY = 2;

/**
 * Rule 3: scales the larger side of the trade list so that Σ buys = Σ sells (in weight).
 * Buys are Δ > 0, sells Δ < 0; the larger side is multiplied by (smaller / larger) and the factor
 * is multiplied into `factor` for those assets. Returns SIDES_ONE when only one side is present
 * (nothing can be balanced), SIDES_EMPTY when there is nothing to trade.
 *
 * @example Δ = [−0.04, +0.03]: sells 0.04 > buys 0.03, so the sell becomes −0.04 × 0.75 = −0.03.
 */
export function balanceSides(delta: Float64Array, factor: Float64Array): number {
  let buy = 0;
  let sell = 0;
  for (let i = 0; i < delta.length; i++) {
    const x = delta[i] as number;
    if (x > 0) buy += x;
    else if (x < 0) sell -= x;
  }
  if (buy === 0 && sell === 0) return SIDES_EMPTY;
  if (buy === 0 || sell === 0) return SIDES_ONE;
  if (sell > buy) {
    const f = buy / sell;
    for (let i = 0; i < delta.length; i++)
      if ((delta[i] as number) < 0) {
        delta[i] = (delta[i] as number) * f;
        factor[i] = (factor[i] as number) * f;
      }
  } else if (buy > sell) {
    const f = sell / buy;
    for (let i = 0; i < delta.length; i++)
      if ((delta[i] as number) > 0) {
        delta[i] = (delta[i] as number) * f;
        factor[i] = (factor[i] as number) * f;
      }
  }
  return SIDES_OK;
}

/** Percentage points with two decimals and a sign: 0.062 → "+6.20", never "-0.00". */
function pp(x: number): string {
  const s = (x * 100).toFixed(2);
  if (s === '-0.00' || s === '0.00') return '0.00';
  return x > 0 ? `+${s}` : s;
}

/** Band half-width in percentage points: 0.02 → "2.00". */
function ppAbs(x: number): string {
  return (x * 100).toFixed(2);
}

/** A scale factor with up to 4 significant digits: 0.625 → "0.625", 0.99931 → "0.9993". */
function fmtScale(x: number): string {
  return String(Number(x.toPrecision(4)));
}

function push(details: ErrorDetail[], path: string, message: string) {
  details.push({ path, message });
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/**
 * Checks a PlanInput; throws EngineError BAD_REQUEST listing every problem. Paths use the
 * RebalanceRequest (snake_case) names so they can be shown to the API caller as they are.
 */
export function validatePlanInput(input: PlanInput): void {
  const details: ErrorDetail[] = [];
  const V = input.portfolioValue;
  if (!isFiniteNumber(V) || !(V > 0))
    push(details, 'portfolio_value', 'must be a finite number > 0');
  if (typeof input.currency !== 'string' || !/^[A-Z]{3}$/.test(input.currency))
    push(details, 'currency', 'expected an ISO 4217 code such as USD');
  else if (isFiniteNumber(V) && V * minorScale(input.currency) > MAX_MINOR)
    push(
      details,
      'portfolio_value',
      `must be at most ${Math.floor(MAX_MINOR / minorScale(input.currency))} ${input.currency} so that amounts in minor units are exact`,
    );
  const h = input.driftThreshold;
  if (!isFiniteNumber(h) || h < 0 || h > 0.5)
    push(details, 'drift_threshold', 'must be in [0, 0.5]');
  if (input.rebalanceTo !== 'target' && input.rebalanceTo !== 'band_edge')
    push(details, 'rebalance_to', "must be 'target' or 'band_edge'");
  const L = input.turnoverLimit;
  if (!isFiniteNumber(L) || !(L > 0) || L > 1) push(details, 'turnover_limit', 'must be in (0, 1]');
  if (!isFiniteNumber(input.costBps) || input.costBps < 0 || input.costBps > 1000)
    push(details, 'transaction_cost_bps', 'must be in [0, 1000]');
  if (!isFiniteNumber(input.fixedFee) || input.fixedFee < 0)
    push(details, 'fixed_fee_per_trade', 'must be a finite number >= 0');
  const assets = input.assets;
  if (!Array.isArray(assets) || assets.length === 0) {
    push(details, 'assets', 'at least one asset is required');
  } else {
    let sc = 0;
    let st = 0;
    let sd = 0;
    for (let i = 0; i < assets.length; i++) {
      const a = assets[i] as PlanAsset;
      const p = `assets.${i}`;
      if (!ASSET_CLASSES.includes(a.assetClass))
        push(details, `${p}.asset_class`, 'unknown asset class');
      for (const [key, name] of [
        ['current', 'current_weight'],
        ['target', 'target_weight'],
        ['destinationTarget', 'optimized_target_weight'],
      ] as const) {
        const w = a[key];
        if (!isFiniteNumber(w) || w < 0 || w > 1)
          push(details, `${p}.${name}`, 'must be in [0, 1]');
      }
      sc += a.current;
      st += a.target;
      sd += a.destinationTarget;
      if (!isFiniteNumber(a.price) || !(a.price > 0)) push(details, `${p}.price`, 'must be > 0');
      if (a.lotSize !== undefined && (!isFiniteNumber(a.lotSize) || !(a.lotSize > 0)))
        push(details, `${p}.lot_size`, 'must be > 0');
      if (!isFiniteNumber(a.minTradeValue) || a.minTradeValue < 0)
        push(details, `${p}.min_trade_value`, 'must be a finite number >= 0');
    }
    const sums = [
      [sc, 'current_weight'],
      [st, 'target_weight'],
      [sd, 'optimized_target_weight'],
    ] as const;
    for (const [s, name] of sums)
      if (!(Math.abs(s - 1) <= WEIGHT_SUM_TOLERANCE))
        push(details, 'assets', `${name} must sum to 1 (normalized by the caller); got ${s}`);
  }
  if (details.length) throw new EngineError('BAD_REQUEST', 'invalid rebalance plan input', details);
}

/**
 * Plans a threshold rebalance (rules 1–9 of docs/methods.md (rebalance)).
 *
 * Band test: asset i is outside when |c_i − d_i| > h (+1e-12); only outside assets trade. Desired
 * change Δ_i = d_i − c_i ('target') or d_i ± h − c_i ('band_edge'); buys and sells are balanced
 * by scaling the larger side; one-way turnover τ = Σ|Δ|/2 is capped at L by scaling every Δ by
 * L/τ; trades below min_trade_value are dropped and the rest re-balanced; sells are rounded to
 * lots toward zero, their proceeds net of costs fund the buys (scaled, rounded down to lots);
 * money is in integer minor units, so Σ sells − Σ buys − Σ costs = residual cash ≥ 0 exactly.
 *
 * Units: weights are fractions, money in `currency`, costs in bps of notional plus a fixed fee.
 *
 * @example Risk-Off Shock (V = 100,000 USD, h = 0.02, L = 0.15, 12 bps): only ETF (+4 pp) and
 *   Crypto (−3 pp) are outside. Sells 0.04 > buys 0.03 → ETF sell scaled 0.75 to 3,000 USD →
 *   31 shares at 95 = 2,945.00, cost 3.53. Cash 2,941.47 funds Crypto: 0.11299786 units at
 *   26,000 = 2,937.94, cost 3.53. Residual cash 0.00; turnover used 0.0294147.
 */
export function planRebalance(input: PlanInput): Plan {
  validatePlanInput(input);
  const { assets, currency, rebalanceTo } = input;
  const V = input.portfolioValue;
  const h = input.driftThreshold;
  const L = input.turnoverLimit;
  const bps = input.costBps;
  const n = assets.length;
  const scale = minorScale(currency);
  const feeMinor = toMinor(input.fixedFee, scale);
  const warnings: Warning[] = [];

  // Normalize once more so that Σc = Σd = 1 to the last bit the division allows; the caller
  // already normalized (checked to 1e-6), so this only removes float dust.
  let sc = 0;
  let sd = 0;
  let st = 0;
  for (let i = 0; i < n; i++) {
    const a = assets[i] as PlanAsset;
    sc += a.current;
    sd += a.destinationTarget;
    st += a.target;
  }
  const c = new Float64Array(n);
  const d = new Float64Array(n);
  const price = new Float64Array(n);
  const minMinor = new Float64Array(n);
  const specs: LotSpec[] = new Array<LotSpec>(n);
  const tilted = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = assets[i] as PlanAsset;
    c[i] = a.current / sc;
    d[i] = a.destinationTarget / sd;
    tilted[i] = Math.abs((d[i] as number) - a.target / st) > BAND_TOLERANCE ? 1 : 0;
    price[i] = a.price;
    specs[i] = lotSpec(lotSizeFor(a.assetClass, a.lotSize));
    const mm = a.minTradeValue * scale;
    minMinor[i] = mm > 0 ? Math.ceil(mm - 1e-9 * Math.max(1, mm)) : 0;
  }

  // Rules 1–2: band test around d and the desired change of each outside asset.
  const drift = new Float64Array(n);
  const delta = new Float64Array(n);
  const status = new Uint8Array(n); // ST_INSIDE
  const bands: Band[] = new Array<Band>(n);
  let anyOutside = false;
  for (let i = 0; i < n; i++) {
    const ci = c[i] as number;
    const di = d[i] as number;
    const x = ci - di;
    drift[i] = x;
    const outside = Math.abs(x) > h + BAND_TOLERANCE;
    bands[i] = { lower: Math.max(0, di - h), upper: Math.min(1, di + h), outside };
    if (!outside) continue;
    anyOutside = true;
    status[i] = ST_TRADE;
    const desired =
      rebalanceTo === 'target' ? di : x > 0 ? Math.min(1, di + h) : Math.max(0, di - h);
    delta[i] = desired - ci;
  }

  // Rule 3: balance buys against sells.
  const balScale = new Float64Array(n).fill(1);
  let turnoverBeforeCap = 0;
  let capScale = 1;
  let binding = false;
  const preset = input.presetDeltas;
  if (preset) {
    anyOutside = false;
    for (let i = 0; i < n; i++) {
      const x = preset[i] as number;
      status[i] = ST_INSIDE;
      delta[i] = 0;
      if (Math.abs(x) > BAND_TOLERANCE) {
        status[i] = ST_OPTIMIZED;
        delta[i] = x;
        turnoverBeforeCap += Math.abs(x) / 2;
      }
    }
  }
  if (anyOutside) {
    const sides = balanceSides(delta, balScale);
    if (sides === SIDES_ONE) {
      const names: string[] = [];
      let over = false;
      for (let i = 0; i < n; i++)
        if (status[i] === ST_TRADE) {
          status[i] = ST_ONE_SIDED;
          names.push(`${(assets[i] as PlanAsset).asset} (${pp(drift[i] as number)} pp)`);
          over = (drift[i] as number) > 0;
          delta[i] = 0;
        }
      warnings.push({
        code: 'ONE_SIDED_BREACH',
        path: 'assets',
        message:
          `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} outside the ±${ppAbs(h)} pp band, ` +
          `but every out-of-band asset is ${over ? 'overweight' : 'underweight'}, so the offsetting ` +
          `trades would have to come from assets inside their bands. No trades proposed; use a ` +
          `narrower drift_threshold so the offsetting assets qualify, or a full rebalance ` +
          `(drift_threshold 0).`,
      });
    }
    // Rule 4: one-way turnover cap.
    let tau = 0;
    for (let i = 0; i < n; i++) tau += Math.abs(delta[i] as number);
    tau /= 2;
    turnoverBeforeCap = tau;
    if (tau > L * (1 + 1e-12)) {
      capScale = L / tau;
      binding = true;
      for (let i = 0; i < n; i++) delta[i] = (delta[i] as number) * capScale;
    }
  }
  // Intended value after rules 3–4: the reference for rounding_residual.
  const intendedMinor = new Float64Array(n);
  for (let i = 0; i < n; i++) intendedMinor[i] = Math.abs(delta[i] as number) * V * scale;

  // Rule 5: drop what cannot be executed — below the minimum trade value, smaller than one lot
  // (or below the minimum once rounded to lots), or a sell whose cost eats its proceeds — then
  // re-balance the rest (rule 3); repeat until nothing more is dropped. Removing these before
  // funding keeps the other side from trading against a trade that will never happen.
  const minBalScale = new Float64Array(n).fill(1);
  const wouldBe = new Float64Array(n);
  const lots = new Float64Array(n);
  const value = new Float64Array(n);
  const cost = new Float64Array(n);
  const drop = new Uint8Array(n);
  for (let pass = 0; pass <= n; pass++) {
    let dropped = 0;
    for (let i = 0; i < n; i++) {
      const x = delta[i] as number;
      if (x === 0) continue;
      const mt = (assets[i] as PlanAsset).minTradeValue;
      const val = Math.abs(x) * V;
      if (val < mt - 1e-12 * Math.max(1, mt)) {
        delta[i] = 0;
        status[i] = ST_BELOW_MIN;
        wouldBe[i] = val;
        dropped++;
        warnings.push({
          code: 'BELOW_MIN_TRADE_VALUE',
          path: `assets.${i}.min_trade_value`,
          message: `${(assets[i] as PlanAsset).asset}: trade of ${formatMoney(val, currency)} is below the minimum trade value ${formatMoney(mt, currency)}; not traded.`,
        });
        continue;
      }
      const why = executableAt(val * scale, x < 0, i, price, specs, minMinor, scale, bps, feeMinor);
      if (why !== DROP_NONE) {
        delta[i] = 0;
        drop[i] = why;
        dropped++;
        pushDropWarning(warnings, assets, i, why, specs, currency);
      }
    }
    if (!dropped || preset) break;
    const sides = balanceSides(delta, minBalScale);
    if (sides === SIDES_ONE) {
      const names: string[] = [];
      for (let i = 0; i < n; i++)
        if (delta[i] !== 0) {
          delta[i] = 0;
          status[i] = ST_NO_OFFSET;
          names.push((assets[i] as PlanAsset).asset);
        }
      warnings.push({
        code: 'NO_OFFSETTING_TRADE',
        path: 'assets',
        message: `After removing trades that cannot be executed (minimum value, lot size, cost), ${names.join(', ')} would trade on one side only (nothing to fund or absorb it); not traded.`,
      });
      break;
    }
    if (sides === SIDES_EMPTY) break;
  }

  // Rules 6–7, sells first: round toward zero to lots, then cost; proceeds net of costs fund buys.
  let sellMinor = 0;
  let sellCostMinor = 0;
  const buys: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = delta[i] as number;
    if (x > 0) buys.push(i);
    if (!(x < 0)) continue;
    const spec = specs[i] as LotSpec;
    const k = maxLotsWithin(-x * V * scale, price[i] as number, spec, scale);
    const v = k > 0 ? valueMinor(unitsForLots(k, spec), price[i] as number, scale) : 0;
    if (v <= 0) drop[i] = DROP_ZERO_LOTS;
    else if (v < (minMinor[i] as number)) drop[i] = DROP_BELOW_MIN;
    else {
      const cm = costMinor(v, bps, feeMinor);
      if (cm >= v) drop[i] = DROP_COST;
      else {
        lots[i] = k;
        value[i] = v;
        cost[i] = cm;
        sellMinor += v;
        sellCostMinor += cm;
      }
    }
    if (drop[i] !== DROP_NONE)
      pushDropWarning(warnings, assets, i, drop[i] as number, specs, currency);
  }
  const availMinor = sellMinor - sellCostMinor;
  let cashScale = 1;
  if (buys.length) {
    // Buys use their intended value after rule 5 (min-trade re-balancing may have scaled them).
    const buyIntended = new Float64Array(n);
    for (const j of buys) buyIntended[j] = (delta[j] as number) * V * scale;
    cashScale = fitBuys(
      {
        buys,
        intendedMinor: buyIntended,
        price,
        lots: specs,
        minMinor,
        availMinor,
        bps,
        feeMinor,
        scale,
      },
      { lotsOut: lots, valueOut: value, costOut: cost, dropOut: drop },
    );
    for (const j of buys)
      if (drop[j] !== DROP_NONE)
        pushDropWarning(warnings, assets, j, drop[j] as number, specs, currency);
  }

  // Rows and totals.
  let buyMinor = 0;
  let buyCostMinor = 0;
  let roundingMinor = 0;
  let tradeCount = 0;
  const trades: TradeRow[] = new Array<TradeRow>(n);
  for (let i = 0; i < n; i++) {
    const a = assets[i] as PlanAsset;
    const spec = specs[i] as LotSpec;
    const x = delta[i] as number;
    const traded = x !== 0 && drop[i] === DROP_NONE && (value[i] as number) > 0;
    const isBuy = traded && x > 0;
    if (isBuy) {
      buyMinor += value[i] as number;
      buyCostMinor += cost[i] as number;
    }
    if (traded) tradeCount++;
    roundingMinor += Math.abs((intendedMinor[i] as number) - (traded ? (value[i] as number) : 0));
    const tv = traded ? fromMinor(value[i] as number, scale) : 0;
    const units = traded
      ? unitsForLots(isBuy ? (lots[i] as number) : -(lots[i] as number), spec)
      : 0;
    trades[i] = {
      asset: a.asset,
      asset_class: a.assetClass,
      action: traded ? (isBuy ? 'Buy' : 'Sell') : 'Hold',
      trade_value: tv,
      signed_trade_value: traded ? (isBuy ? tv : -tv) : 0,
      trade_units: units,
      price: a.price,
      lot_size: spec.lot,
      estimated_cost: traded ? fromMinor(cost[i] as number, scale) : 0,
      reason: reasonFor(
        status[i] as number,
        drop[i] as number,
        drift[i] as number,
        h,
        rebalanceTo,
        tilted[i] === 1,
        x,
        balScale[i] as number,
        capScale,
        minBalScale[i] as number,
        cashScale,
        input.presetDeltas ? (input.presetMethod ?? 'optimizer') : null,
        traded &&
          Math.abs(Math.abs(x) * V * scale * (isBuy ? cashScale : 1) - (value[i] as number)) >= 1,
        wouldBe[i] as number,
        a,
        spec,
        currency,
      ),
    };
  }
  const costsMinor = sellCostMinor + buyCostMinor;
  const residualMinor = sellMinor - buyMinor - costsMinor;
  const totalCosts = fromMinor(costsMinor, scale);
  const residualCash = fromMinor(residualMinor, scale);
  const denom = V - totalCosts;
  const proposedWeights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = ((c[i] as number) * V + (trades[i] as TradeRow).signed_trade_value) / denom;
    // A full sale can leave −1e-17-sized dust from the division; a weight is never negative.
    proposedWeights[i] = w > 0 ? w : 0;
  }
  const turnoverUsed = fromMinor(buyMinor + sellMinor, scale) / (2 * V);
  const summary: TradeSummary = {
    total_buys: fromMinor(buyMinor, scale),
    total_sells: fromMinor(sellMinor, scale),
    total_costs: totalCosts,
    cash_change: residualCash,
    residual_cash: residualCash,
    turnover_before_cap: turnoverBeforeCap,
    turnover_scale: capScale,
    turnover_limit_binding: binding,
    rounding_residual: fromMinor(Math.round(roundingMinor), scale),
    trade_count: tradeCount,
  };
  return {
    trades,
    summary,
    proposedWeights,
    residualCashWeight: residualCash / denom,
    turnoverUsed,
    bands,
    warnings,
  };
}

/**
 * Whether a trade of `capMinor` (intended notional, minor units) can be executed at all: DROP_NONE,
 * or DROP_ZERO_LOTS (rounds to no lot or to 0 minor units), DROP_BELOW_MIN (below the minimum
 * once rounded), DROP_COST (a sell whose cost is at least its proceeds).
 */
function executableAt(
  capMinor: number,
  isSell: boolean,
  i: number,
  price: Float64Array,
  specs: readonly LotSpec[],
  minMinor: Float64Array,
  scale: number,
  bps: number,
  feeMinor: number,
): number {
  const spec = specs[i] as LotSpec;
  const p = price[i] as number;
  const k = maxLotsWithin(capMinor, p, spec, scale);
  const v = k > 0 ? valueMinor(unitsForLots(k, spec), p, scale) : 0;
  if (v <= 0) return DROP_ZERO_LOTS;
  if (v < (minMinor[i] as number)) return DROP_BELOW_MIN;
  if (isSell && costMinor(v, bps, feeMinor) >= v) return DROP_COST;
  return DROP_NONE;
}

function pushDropWarning(
  warnings: Warning[],
  assets: readonly PlanAsset[],
  i: number,
  why: number,
  specs: readonly LotSpec[],
  currency: string,
) {
  const a = assets[i] as PlanAsset;
  const lot = (specs[i] as LotSpec).lot;
  if (why === DROP_ZERO_LOTS)
    warnings.push({
      code: 'BELOW_ONE_LOT',
      path: `assets.${i}.lot_size`,
      message: `${a.asset}: the trade is smaller than one lot (${lot} units ≈ ${formatMoney(lot * a.price, currency)}); not traded.`,
    });
  else if (why === DROP_BELOW_MIN)
    warnings.push({
      code: 'BELOW_MIN_TRADE_VALUE',
      path: `assets.${i}.min_trade_value`,
      message: `${a.asset}: after rounding to lots of ${lot} the trade is below the minimum trade value ${formatMoney(a.minTradeValue, currency)}; not traded.`,
    });
  else if (why === DROP_COST)
    warnings.push({
      code: 'COST_EXCEEDS_PROCEEDS',
      path: `assets.${i}`,
      message: `${a.asset}: the sell's cost is at least its proceeds; not traded.`,
    });
  else if (why === DROP_CASH)
    warnings.push({
      code: 'BUY_NOT_FUNDED',
      path: `assets.${i}`,
      message: `${a.asset}: cash from sells after costs cannot pay for this buy and its cost; not traded.`,
    });
}

/** Rule 9: one plain sentence per row. */
function reasonFor(
  status: number,
  drop: number,
  drift: number,
  h: number,
  rebalanceTo: 'target' | 'band_edge',
  tilted: boolean,
  delta: number,
  balScale: number,
  capScale: number,
  minBalScale: number,
  cashScale: number,
  method: string | null,
  rounded: boolean,
  wouldBe: number,
  a: PlanAsset,
  spec: LotSpec,
  currency: string,
): string {
  const around = tilted ? ' around the optimized target' : '';
  if (method !== null) {
    if (status === ST_INSIDE) return `Optimizer (${method}) keeps the current weight`;
    const side = delta > 0 ? 'buy' : 'sell';
    if (drop === DROP_ZERO_LOTS)
      return `Optimizer (${method}) change smaller than one lot (${spec.lot} units), not traded`;
    if (drop === DROP_BELOW_MIN || status === ST_BELOW_MIN)
      return `Optimizer (${method}) change below the minimum trade value ${formatMoney(a.minTradeValue, currency)}, not traded`;
    if (drop === DROP_COST)
      return `Optimizer (${method}) change: cost exceeds proceeds, not traded`;
    if (drop === DROP_CASH)
      return `Optimizer (${method}) ${side} not funded by the sells after costs`;
    let r = `Optimizer (${method}): ${side} ${pp(Math.abs(delta))} pp of portfolio value`;
    if (cashScale < SCALE_NOTE && delta > 0)
      r += `; scaled ${fmtScale(cashScale)} to the cash available`;
    if (rounded) r += `; rounded down to lots of ${spec.lot}`;
    return r;
  }
  if (status === ST_INSIDE)
    return `Inside band: drift ${pp(drift)} pp within ±${ppAbs(h)} pp${around}`;
  const base = `drift ${pp(drift)} pp outside ±${ppAbs(h)} pp band${around}`;
  if (status === ST_ONE_SIDED)
    return `One-sided breach, not traded: ${base}, and no out-of-band asset drifts the other way`;
  if (status === ST_BELOW_MIN)
    return `Below minimum trade value ${formatMoney(a.minTradeValue, currency)} (trade would be ${formatMoney(wouldBe, currency)}): ${base}`;
  if (status === ST_NO_OFFSET)
    return `No offsetting trade left once unexecutable trades were removed, not traded: ${base}`;
  if (drop === DROP_ZERO_LOTS)
    return `Smaller than one lot (${spec.lot} units), not traded: ${base}`;
  if (drop === DROP_BELOW_MIN)
    return `Below minimum trade value ${formatMoney(a.minTradeValue, currency)} after rounding to lots of ${spec.lot}: ${base}`;
  if (drop === DROP_COST) return `Cost exceeds proceeds, not traded: ${base}`;
  if (drop === DROP_CASH)
    return `Not funded: cash from sells after costs does not cover this buy; ${base}`;
  const side = delta > 0 ? 'buy' : 'sell';
  const to = rebalanceTo === 'band_edge' ? 'band edge' : tilted ? 'optimized target' : 'target';
  let r = `Drift ${pp(drift)} pp outside ±${ppAbs(h)} pp band${around}; ${side} to ${to}`;
  // Factors within 1e-9 of 1 are float dust from balancing sums that were already equal.
  if (balScale < SCALE_NOTE) r += `; scaled ${fmtScale(balScale)} to match the other side`;
  if (capScale < SCALE_NOTE) r += `; scaled by turnover cap ${fmtScale(capScale)}`;
  if (minBalScale < SCALE_NOTE) r += `; scaled ${fmtScale(minBalScale)} after minimum trade values`;
  if (delta > 0 && cashScale < SCALE_NOTE)
    r += `; scaled ${fmtScale(cashScale)} to fit cash after costs`;
  if (rounded) r += `; rounded down to whole lots of ${spec.lot}`;
  return r;
}
