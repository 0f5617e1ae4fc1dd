/**
 * The Execution agent's staged order queue (docs/agents.md, "Execution agent"): the run's orders,
 * grouped into liquidity stages, sells first, sliced into child orders of whole lots, each with its
 * estimated cost and the pre-trade controls of its parent (src/execution/controls.ts).
 *
 * Pure and deterministic. Money is handled in integer minor units (money.ts) and converted back
 * to currency on the rows; units are formed from integer lot counts (lots.ts).
 */
import type { ExecutionQueue, QueueOrder } from '../contract/agents';
import { LIQUIDITY_STAGES } from '../contract/agents';
import type { AssetClass } from '../contract/common';
import { PRE_TRADE_CONTROLS, type PreTradeControl } from '../contract/policy';
import type { OrderRow } from '../contract/rebalance';
import { checkOrder, countOrderKeys, orderSide, type ControlContext } from './controls';
import { own } from '../domain/names';
import { lotSpec, unitsForLots } from './lots';
import { fromMinor, toMinor } from './money';

export type LiquidityStage = (typeof LIQUIDITY_STAGES)[number];

/** Liquidity stage of each asset class: most liquid first, crypto (sliced) last. */
export const STAGE_OF_CLASS: Readonly<Record<AssetClass, LiquidityStage>> = Object.freeze({
  FX: 'fx_etf',
  ETF: 'fx_etf',
  Stocks: 'stocks_commodities',
  Commodity: 'stocks_commodities',
  'Mutual Fund': 'funds_at_cutoff',
  Crypto: 'crypto_children',
});

/**
 * Most children one parent is split into. A parent that would need more (a tiny
 * max_child_notional against a large order) gets this many, each larger than the limit; it keeps
 * the queue linear in the number of orders.
 */
export const MAX_CHILDREN_PER_ORDER = 1000;

export interface ExecutionQueueInput {
  /** The run's order rows; only those with trade_units ≠ 0 (finite) are queued. */
  orders: readonly OrderRow[];
  ctx: ControlContext;
  /** Proportional cost, basis points of notional (the request's transaction_cost_bps). */
  costBps: number;
  /** Fixed fee per parent order, currency (the request's fixed_fee_per_trade). */
  fixedFee: number;
  /** Minor units per currency unit (100 for USD). */
  scale: number;
  /** Per-asset cost overrides, bps (the request's asset_cost_bps), keyed by asset name. */
  assetCostBps?: Readonly<Record<string, number>>;
}

/** One child of a parent: its lot count, units, notional and cost in minor units. */
export interface ChildSlice {
  lots: number;
  units: number;
  valueMinor: number;
  costMinor: number;
}

/** A parent as `splitOrder` needs it (money in minor units). */
export interface SplitInput {
  /** Parent lot count L (≥ 1 when k > 1). */
  lots: number;
  lotSize: number;
  /** Parent units, ≥ 0 (kept as they are when k = 1). */
  units: number;
  /** Parent notional, whole minor units. */
  valueMinor: number;
  /** Price per unit, currency. */
  price: number;
  /** Proportional cost, basis points. */
  bps: number;
  /** Fixed fee per parent order, whole minor units. */
  feeMinor: number;
  /** Number of children (`childCount`). */
  k: number;
  /** Minor units per currency unit. */
  scale: number;
}

/**
 * Number of children for a parent of L lots worth `valueMinor` (lot value `lotMinor`, all in
 * minor units) under a child limit of `maxChildMinor`:
 *   c = ⌊maxChildMinor / lotMinor⌋ lots fit in one child;
 *   k = ⌈L / c⌉ when c ≥ 1 (the fewest children of whole lots each within the limit; it equals
 *       ⌈N / M⌉ unless whole lots force one more), k = L when one lot alone exceeds the limit;
 *   k = 1 when N ≤ M; capped at min(L, MAX_CHILDREN_PER_ORDER).
 *
 * @example childCount(25_000, 250_000_000, 10_000, 100_000_000) // 3 (2,500,000.00 in lots of
 *   100.00, children ≤ 1,000,000.00 → c = 10,000 lots, k = ⌈25,000 / 10,000⌉ = 3)
 */
export function childCount(
  lots: number,
  valueMinor: number,
  lotMinor: number,
  maxChildMinor: number,
): number {
  if (!(lots > 1) || !(valueMinor > maxChildMinor)) return 1;
  const perChild =
    lotMinor > 0 ? Math.floor((maxChildMinor / lotMinor) * (1 + 1e-12)) : Number.POSITIVE_INFINITY;
  const k =
    perChild >= 1
      ? Math.max(Math.ceil(lots / perChild), Math.ceil(valueMinor / maxChildMinor))
      : lots;
  return Math.max(1, Math.min(k, lots, MAX_CHILDREN_PER_ORDER));
}

/**
 * Splits a parent of `lots` lots (lot spec from `lotSize`) and notional `valueMinor` (minor units)
 * into k children:
 *
 * - lots: as evenly as whole lots allow, q = ⌊L/k⌋ each and one more for the first L − k·q
 *   children (so Σ lots = L exactly and no child is more than one lot larger than another);
 * - units: k_i × lot, formed from the integer lot count (unitsForLots); k = 1 keeps the parent's
 *   units as they are;
 * - value: round(units_i × price × scale) for every child but the last, which takes the
 *   remainder valueMinor − Σ others, so Σ values = the parent's value exactly;
 * - cost: the fixed fee on the first child; the proportional part, the parent's
 *   C_p = round(bps × valueMinor / 10,000), is shared by largest remainder: child i gets
 *   ⌊bps × v_i / 10,000⌋, and the C_p − Σ ⌊…⌋ minor units left go one each to the children with
 *   the largest fractional parts (ties: earlier child). So Σ child costs = round(bps × N / 10,000)
 *   + fee = the planner's cost of the parent, exactly, and each child is within one minor unit of
 *   bps × v_i / 10,000 (+ fee).
 *
 * @example splitOrder({ lots: 5, lotSize: 1, units: 5, valueMinor: 50_000, price: 100, bps: 10,
 *   feeMinor: 500, k: 2, scale: 100 }) // 5 shares of 100.00, 10 bps, fee 5.00 → lots 3 and 2,
 *   values 30,000 + 20,000, proportional cost 50 = 30 + 20, costs 530 and 20 (minor units).
 */
export function splitOrder(p: SplitInput): ChildSlice[] {
  const { lots, lotSize, units: parentUnits, valueMinor, price, bps, feeMinor, k, scale } = p;
  const children: ChildSlice[] = [];
  if (k <= 1) {
    children.push({ lots, units: parentUnits, valueMinor, costMinor: 0 });
  } else {
    const spec = lotSpec(lotSize);
    const q = Math.floor(lots / k);
    const r = lots - q * k;
    let rest = valueMinor;
    for (let i = 0; i < k; i++) {
      const li = q + (i < r ? 1 : 0);
      const units = unitsForLots(li, spec);
      const v = i === k - 1 ? rest : Math.round(units * price * scale);
      rest -= v;
      children.push({ lots: li, units, valueMinor: v, costMinor: 0 });
    }
  }
  // Proportional cost shared by largest remainder; fixed fee on the first child.
  const total = valueMinor > 0 ? Math.round((bps * valueMinor) / 10000) : 0;
  const exact = children.map((c) => (bps * Math.max(0, c.valueMinor)) / 10000);
  let given = 0;
  for (let i = 0; i < children.length; i++) {
    const f = Math.floor(exact[i] as number);
    (children[i] as ChildSlice).costMinor = f;
    given += f;
  }
  let left = Math.max(0, Math.min(children.length, total - given));
  if (left > 0) {
    const order = children
      .map((_, i) => i)
      .sort((a, b) => {
        const fa = (exact[a] as number) - Math.floor(exact[a] as number);
        const fb = (exact[b] as number) - Math.floor(exact[b] as number);
        return fb - fa || a - b;
      });
    for (const i of order) {
      if (left === 0) break;
      (children[i] as ChildSlice).costMinor += 1;
      left--;
    }
  }
  if (valueMinor > 0) (children[0] as ChildSlice).costMinor += feeMinor;
  return children;
}

interface Parent {
  order: OrderRow;
  stage: LiquidityStage;
  stageNo: number;
  side: 'BUY' | 'SELL';
  valueMinor: number;
}

/**
 * Builds the staged execution queue of a run.
 *
 * 1. Parents: the order rows with trade_units ≠ 0. Notional N = |trade_value| (currency),
 *    in minor units N·scale; side SELL when trade_units < 0, else BUY.
 * 2. Controls: `checkOrder` on every parent (duplicates counted over all parents); a parent with
 *    any failed control is 'blocked', `blocked_by` lists the failed controls.
 * 3. Stages: fx_etf (FX, ETF) = 1, stocks_commodities (Stocks, Commodity) = 2, funds_at_cutoff
 *    (Mutual Fund) = 3, crypto_children (Crypto) = 4. Within a stage: sells before buys, then
 *    larger notional first, then security name, then asset name (code-unit order, no locale),
 *    then price and units (so any input order gives the same queue).
 * 4. Slicing: a parent with N > max_child_notional = M is split into k children of whole lots
 *    (`childCount`, `splitOrder`); mutual funds are never sliced (one order at the dealing
 *    cut-off). Crypto follows the same rule (k ≥ 1).
 * 5. Cost: proportional bps = assetCostBps[asset] ?? costBps; the parent's cost
 *    round(bps × N·scale / 10,000) + fee·scale (the planner's, src/execution/sizing.ts costMinor)
 *    is shared over its children (`splitOrder`), the fee on the first child.
 *
 * Rows: `units` and `notional` are ≥ 0 (the side is `action`); `sequence` numbers every child
 * 1…n in execution order; `stage_order` is the stage's number 1–4; every child carries its
 * parent's controls, status and blocked_by. Totals: parents, children, blocked parents, Σ child
 * costs (= Σ of the parents' planner costs), and M. Time O(n log n + children).
 *
 * @example Buy 30,000 ACME (Stocks) at 50.00, sell 500 SPY (ETF) at 100.00, buy 2,000 GLOBAL
 *   FUND (Mutual Fund) at 1,000.00; 10 bps, no fee, M = 1,000,000.00, nav 10,000,000.00, default
 *   policy otherwise. Queue:
 *   1. SPY SELL 500 = 50,000.00, cost 50.00 (stage 1, fx_etf);
 *   2–3. ACME BUY 15,000 + 15,000 = 750,000.00 each, cost 750.00 each (stage 2; N = 1,500,000.00
 *        > M, c = 20,000 lots per child, k = ⌈30,000 / 20,000⌉ = 2);
 *   4. GLOBAL FUND BUY 2,000 = 2,000,000.00, one order at the cut-off although > M, cost 2,000.00.
 *   Every control passes (largest share of nav 20% ≤ 25%): parent_orders 3, child_orders 4,
 *   blocked_orders 0, estimated_cost 3,550.00.
 */
export function buildExecutionQueue(input: ExecutionQueueInput): ExecutionQueue {
  const { ctx, scale } = input;
  const maxChild = ctx.policy.max_child_notional;
  const maxChildMinor = maxChild * scale;
  const feeMinor = toMinor(input.fixedFee, scale);

  const queued = input.orders.filter(
    (o) => o.trade_units !== 0 && Number.isFinite(o.trade_units) && Number.isFinite(o.trade_value),
  );
  const seen = countOrderKeys(queued);
  const parents: Parent[] = queued.map((order) => {
    const stage = STAGE_OF_CLASS[order.asset_class];
    return {
      order,
      stage,
      stageNo: LIQUIDITY_STAGES.indexOf(stage) + 1,
      side: orderSide(order),
      valueMinor: toMinor(Math.abs(order.trade_value), scale),
    };
  });
  parents.sort(
    (a, b) =>
      a.stageNo - b.stageNo ||
      Number(a.side === 'BUY') - Number(b.side === 'BUY') ||
      b.valueMinor - a.valueMinor ||
      cmp(a.order.security, b.order.security) ||
      cmp(a.order.asset, b.order.asset) ||
      a.order.price - b.order.price ||
      Math.abs(a.order.trade_units) - Math.abs(b.order.trade_units),
  );

  const rows: QueueOrder[] = [];
  let blocked = 0;
  let costTotal = 0;
  for (const p of parents) {
    const o = p.order;
    const controls = checkOrder(o, ctx, seen);
    const failed: PreTradeControl[] = PRE_TRADE_CONTROLS.filter((c) =>
      controls.some((r) => r.control === c && !r.passed),
    );
    if (failed.length > 0) blocked++;

    const absUnits = Math.abs(o.trade_units);
    const lot = o.lot_size;
    const lots = lot > 0 && Number.isFinite(lot) ? Math.round(absUnits / lot) : 0;
    // Slice only when the units are a whole number of lots as formed by unitsForLots.
    const exactLots =
      lots >= 1 &&
      Math.abs(unitsForLots(lots, lotSpec(lot)) - absUnits) <= 1e-9 * Math.max(absUnits, 1e-300);
    const k =
      p.stage === 'funds_at_cutoff' || !exactLots
        ? 1
        : childCount(lots, p.valueMinor, lot * o.price * scale, maxChildMinor);
    const bps = own(input.assetCostBps, o.asset) ?? input.costBps;
    const children = splitOrder({
      lots,
      lotSize: lot,
      units: absUnits,
      valueMinor: p.valueMinor,
      price: o.price,
      bps,
      feeMinor,
      k,
      scale,
    });
    children.forEach((c, i) => {
      costTotal += c.costMinor;
      rows.push({
        sequence: rows.length + 1,
        stage: p.stage,
        stage_order: p.stageNo,
        security: o.security,
        asset: o.asset,
        asset_class: o.asset_class,
        action: p.side,
        child: i + 1,
        children: children.length,
        units: c.units,
        price: o.price,
        notional: fromMinor(c.valueMinor, scale),
        estimated_cost: fromMinor(c.costMinor, scale),
        status: failed.length > 0 ? 'blocked' : 'ready',
        // Children share their parent's control results (one allocation per parent: a queue of
        // thousands of orders otherwise spends its time in the garbage collector).
        blocked_by: failed,
        controls,
      });
    });
  }
  return {
    orders: rows,
    parent_orders: parents.length,
    child_orders: rows.length,
    blocked_orders: blocked,
    estimated_cost: fromMinor(costTotal, scale),
    max_child_notional: maxChild,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
