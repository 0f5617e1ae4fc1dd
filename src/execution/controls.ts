/**
 * The Execution agent's pre-trade controls (docs/agents.md, "Execution agent"): six checks run on
 * every parent order before it is queued, each reported with its figure, its limit and a message
 * that states both. A failed control blocks the order (status 'blocked'); what a block does to the
 * run is the policy's `pre_trade.on_block`, applied by the Supervisor agent, not here.
 *
 * Pure and deterministic: no clock, no I/O, no locale (numbers are printed with toFixed / String).
 */
import { percent as pct } from '../domain/format';
import type { ControlResult } from '../contract/agents';
import type { PolicyDocument, PreTradeControl } from '../contract/policy';
import type { OrderRow } from '../contract/rebalance';

/** What the controls need to know besides the order itself. */
export interface ControlContext {
  /** Portfolio value after the cash flow (the base of the weights), currency. */
  nav: number;
  /** Last price of the security in the price history, or null when it has no series. */
  lastPrice: (security: string) => number | null;
  /** Asset or security names that must not be traded (policy.restricted_assets). */
  restricted: ReadonlySet<string>;
  /** policy.pre_trade. */
  policy: PolicyDocument['pre_trade'];
}

/** The fields of an order row the controls read. */
export type OrderLike = Pick<
  OrderRow,
  'security' | 'asset' | 'trade_units' | 'price' | 'trade_value'
>;

/** Relative slack on limit comparisons so that a figure equal to its limit in decimal passes. */
const REL = 1e-12;

const money = (x: number): string => x.toFixed(2);

/** 'BUY' for units > 0, 'SELL' for units < 0 (the side of an order row). */
export function orderSide(order: Pick<OrderRow, 'trade_units'>): 'BUY' | 'SELL' {
  return order.trade_units < 0 ? 'SELL' : 'BUY';
}

/** Key of the duplicate-order control: security and side. */
export function orderKey(order: Pick<OrderRow, 'security' | 'trade_units'>): string {
  return `${order.security}\u0000${orderSide(order)}`;
}

/**
 * How many parent orders share each (security, side): the `seen` map `checkOrder` reads.
 * Linear in the number of orders.
 *
 * @example countOrderKeys([{ security: 'SPY', trade_units: 10 }, { security: 'SPY', trade_units: 5 },
 *   { security: 'SPY', trade_units: -3 }]) // Map { 'SPY␀BUY' → 2, 'SPY␀SELL' → 1 }
 */
export function countOrderKeys(
  orders: readonly Pick<OrderRow, 'security' | 'trade_units'>[],
): Map<string, number> {
  const seen = new Map<string, number>();
  for (const o of orders) {
    const k = orderKey(o);
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return seen;
}

function result(
  control: PreTradeControl,
  passed: boolean,
  value: number | null,
  limit: number | null,
  message: string,
): ControlResult {
  return { control, passed, value, limit, message };
}

/**
 * The six pre-trade controls of one parent order, in PRE_TRADE_CONTROLS order. With
 * N = |trade_value| (currency) and P = order price:
 *
 * - max_order_notional:     N ≤ L_notional (currency). value N, limit L; null limit = off (passes).
 * - max_order_nav_fraction: N / nav ≤ L_frac. value N / nav (fraction), limit L_frac; null = off.
 *                           nav ≤ 0 with a limit set fails with value null (no finite fraction).
 * - price_collar:           |P / P_last − 1| ≤ collar, P_last = ctx.lastPrice(security). value the
 *                           deviation (fraction). No last price (or P_last ≤ 0): passes with value
 *                           null, message "not checked". null collar = off (passes, value still
 *                           shown when P_last exists).
 * - duplicate_order:        count of parents with the same security and side ≤ 1. value the count
 *                           read from `seen` (see `countOrderKeys`; 1 when the key is absent),
 *                           limit 1. Every copy fails, since none can be told to be the intended one.
 * - restricted_list:        neither the asset nor the security is in ctx.restricted (exact names).
 *                           value and limit null.
 * - min_trade_value:        N ≥ policy.min_trade_value (currency). value N, limit the minimum; a
 *                           minimum of 0 always passes.
 *
 * Comparisons allow a relative slack of 1e-12 so that a figure equal to its limit in decimal
 * (110 / 100 − 1 = 0.10000000000000009 against 0.1) passes. `seen` is only read.
 *
 * @example A buy of 12,000 SPY at 450.00 (N = 5,400,000.00) in a book of nav 10,000,000.00, last
 *   history price 4.50 (the price was typed ×100), default policy (max notional 1e9, nav fraction
 *   25%, collar 10%, min trade 0): max_order_notional passes (5,400,000.00 ≤ 1e9),
 *   max_order_nav_fraction fails (54.00% > 25.00%), price_collar fails (|450 / 4.5 − 1| = 9900.00%
 *   > 10.00%), duplicate_order passes (1), restricted_list passes, min_trade_value passes.
 */
export function checkOrder(
  order: OrderLike,
  ctx: ControlContext,
  seen: ReadonlyMap<string, number>,
): ControlResult[] {
  const p = ctx.policy;
  const N = Math.abs(order.trade_value);
  const side = orderSide(order);
  const out: ControlResult[] = [];

  // max_order_notional
  const Ln = p.max_order_notional;
  if (Ln === null) {
    out.push(result('max_order_notional', true, N, null, `notional ${money(N)}; control off`));
  } else {
    const ok = N <= Ln * (1 + REL);
    out.push(
      result(
        'max_order_notional',
        ok,
        N,
        Ln,
        `notional ${money(N)} ${ok ? '≤' : '>'} limit ${money(Ln)}`,
      ),
    );
  }

  // max_order_nav_fraction
  const Lf = p.max_order_nav_fraction;
  const navOk = Number.isFinite(ctx.nav) && ctx.nav > 0;
  const frac = navOk ? N / ctx.nav : null;
  if (Lf === null) {
    out.push(
      result(
        'max_order_nav_fraction',
        true,
        frac,
        null,
        frac === null
          ? 'portfolio value not positive; control off'
          : `${pct(frac)} of the portfolio value ${money(ctx.nav)}; control off`,
      ),
    );
  } else if (frac === null) {
    out.push(
      result(
        'max_order_nav_fraction',
        false,
        null,
        Lf,
        `portfolio value ${money(Number.isFinite(ctx.nav) ? ctx.nav : 0)} is not positive: the order's share of it (limit ${pct(Lf)}) cannot be measured`,
      ),
    );
  } else {
    const ok = frac <= Lf * (1 + REL);
    out.push(
      result(
        'max_order_nav_fraction',
        ok,
        frac,
        Lf,
        `notional ${money(N)} is ${pct(frac)} of the portfolio value ${money(ctx.nav)}, ${ok ? 'within' : 'above'} the limit ${pct(Lf)}`,
      ),
    );
  }

  // price_collar
  const collar = p.price_collar;
  const raw = ctx.lastPrice(order.security);
  const last = raw !== null && Number.isFinite(raw) && raw > 0 ? raw : null;
  const dev =
    last !== null && Number.isFinite(order.price) ? Math.abs(order.price / last - 1) : null;
  if (dev === null) {
    out.push(
      result(
        'price_collar',
        true,
        null,
        collar,
        `not checked: no last history price for ${order.security}`,
      ),
    );
  } else if (collar === null) {
    out.push(
      result(
        'price_collar',
        true,
        dev,
        null,
        `order price ${String(order.price)} is ${pct(dev)} from the last history price ${String(last)}; control off`,
      ),
    );
  } else {
    const ok = dev <= collar * (1 + REL) + REL;
    out.push(
      result(
        'price_collar',
        ok,
        dev,
        collar,
        `order price ${String(order.price)} is ${pct(dev)} from the last history price ${String(last)}, ${ok ? 'inside' : 'outside'} the collar ±${pct(collar)}`,
      ),
    );
  }

  // duplicate_order
  const count = seen.get(orderKey(order)) ?? 1;
  out.push(
    result(
      'duplicate_order',
      count <= 1,
      count,
      1,
      count <= 1
        ? `one ${side} order for ${order.security}`
        : `${count} ${side} orders for ${order.security} (at most 1)`,
    ),
  );

  // restricted_list
  const hit = ctx.restricted.has(order.asset)
    ? order.asset
    : ctx.restricted.has(order.security)
      ? order.security
      : null;
  out.push(
    result(
      'restricted_list',
      hit === null,
      null,
      null,
      hit === null
        ? `${order.security === order.asset ? order.security : `${order.security} (${order.asset})`} is not on the restricted list`
        : `${hit} is on the restricted list`,
    ),
  );

  // min_trade_value
  const min = p.min_trade_value;
  const okMin = N >= min * (1 - REL);
  out.push(
    result(
      'min_trade_value',
      okMin,
      N,
      min,
      `notional ${money(N)} ${okMin ? '≥' : '<'} minimum ${money(min)}`,
    ),
  );
  return out;
}
