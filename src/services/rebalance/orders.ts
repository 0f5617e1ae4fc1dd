/**
 * Step 6: the plan as the response shows it — one order row per security, one trade row per
 * asset (the sum of its orders), post-trade weights, band status after the trades and the
 * trade summary. docs/methods.md, Rebalancing, "Outputs" and "Band status after the trades".
 */
import type { Warning } from '../../contract/common';
import type {
  BandConstraint,
  OrderRow,
  OrderStatus,
  RebalanceRequest,
  RebalanceResponse,
  TradeRow,
} from '../../contract/rebalance';
import { fromMinor, formatMoney } from '../../execution/money';
import type { ExecOrder } from '../../execution/plan';
import type { Book, BookSecurity } from './book';
import { assetSignedMinor, type PlanOutcome } from './plan';
import { pp, reasonFor, type ReasonContext } from './reasons';

/** Inside the band after the trades when l − tol ≤ value/V' ≤ u + tol. */
export const POST_TRADE_TOLERANCE = 1e-9;

export interface PlanRows {
  orders: OrderRow[];
  trades: TradeRow[];
  summary: RebalanceResponse['trade_summary'];
  /** Post-trade weights p_i = value_i / (V' − costs). */
  proposed: Float64Array;
  /** Residual cash / (V' − costs). */
  cashAfterWeight: number;
  bandStatus: ('inside' | 'outside')[];
  bandConstraint: (BandConstraint | null)[];
}

const actionOf = (lots: number) => (lots > 0 ? 'Buy' : lots < 0 ? 'Sell' : 'Hold');

/**
 * Builds the rows. Asset row status: its single security's; with holdings, `traded` (or
 * `scaled_by_cap` / `scaled_to_cash` when every traded holding was) if any holding traded,
 * else the first holding's status.
 */
export function planRows(
  req: RebalanceRequest,
  book: Book,
  destination: Float64Array,
  plan: PlanOutcome,
  warnings: Warning[],
): PlanRows {
  const { exec, held } = plan;
  const scale = book.scale;
  const Vp = book.valueAfterFlow;
  const flowSign = book.cashFlow > 0 ? 1 : book.cashFlow < 0 ? -1 : 0;
  const tiltedAny = (i: number) =>
    Math.abs((destination[i] as number) - (book.target[i] as number)) > 1e-12;

  const statusOf = (j: number, o: ExecOrder): OrderStatus => {
    const sec = book.securities[j] as BookSecurity;
    const h = held.get(sec.asset);
    if (h && o.lots === 0) return h.status;
    if (o.status === 'no_change' && plan.role[sec.asset] !== 'absorb' && req.method === 'threshold')
      return 'in_band';
    if (o.status === 'no_change' && plan.position[sec.asset] === 'inside') return 'in_band';
    return o.status;
  };

  const context = (
    i: number,
    status: OrderStatus,
    o: ExecOrder | null,
    sec: BookSecurity | null,
  ): ReasonContext => {
    const h = held.get(i);
    const pinned = !Number.isNaN(plan.pinned[i] as number);
    const change = (plan.decided[i] as number) - (book.currentAfterFlow[i] as number);
    return {
      method: req.method,
      rebalanceTo: req.rebalance_to,
      role: plan.role[i] ?? 'none',
      position: plan.position[i] ?? 'inside',
      status,
      drift: (book.currentAfterFlow[i] as number) - (destination[i] as number),
      halfWidth: req.drift_threshold,
      tilted: tiltedAny(i),
      // A pinned asset stopped where its coarse lots reached, not by rule B5.
      decidedGap: pinned ? 0 : (plan.decided[i] as number) - (destination[i] as number),
      // A held asset traded nothing: its side is that of the decision it was held from.
      decidedChange: h ? (h.side * h.wouldBeMinor) / (Vp * scale) : change,
      flowSign,
      capScale: o?.capScale ?? 1,
      cashScale: exec.cashScale,
      rounded:
        pinned ||
        (o ? o.lots !== 0 && Math.abs(Math.abs(o.intendedMinor) - o.valueMinor) >= 1 : false),
      repairedLots: o?.repairedLots ?? 0,
      lot: sec ? sec.lot.lot : null,
      wouldBe: h
        ? fromMinor(Math.round(h.wouldBeMinor), scale)
        : o
          ? Math.abs(o.intendedMinor) / scale
          : 0,
      minTradeValue: sec ? sec.minTradeMinor / scale : 0,
      currency: book.currency,
      held: h !== undefined,
    };
  };

  // Orders.
  const orders: OrderRow[] = book.securities.map((sec, j) => {
    const o = exec.orders[j] as ExecOrder;
    const tv = fromMinor(o.valueMinor, scale);
    // A holding that gets none of its asset's trade: the split toward the holding targets sent it
    // all to the others (this one is already past its target share in that direction).
    const assetMoves = (plan.intendedMinor[j] ?? 0) === 0 && o.decidedMinor === 0;
    const split =
      sec.holding !== null && assetMoves && !held.has(sec.asset) && !sec.restricted
        ? splitNote(sec.asset)
        : null;
    const status = split ? 'no_change' : statusOf(j, o);
    return {
      security: sec.id,
      asset: req.assets[sec.asset]?.asset ?? sec.id,
      asset_class: book.classes[sec.asset] as OrderRow['asset_class'],
      action: actionOf(o.lots),
      trade_units: o.units,
      price: sec.price,
      lot_size: sec.lot.lot,
      trade_value: tv,
      signed_trade_value: o.lots > 0 ? tv : o.lots < 0 ? -tv : 0,
      estimated_cost: fromMinor(o.costMinor, scale),
      status,
      reason: split ?? reasonFor(context(sec.asset, status, o, sec)),
    };
  });

  /** Reason for a holding left out of its asset's trade, or null when the asset does not trade. */
  function splitNote(i: number): string | null {
    let side = 0;
    for (const k of book.securitiesOf[i] as number[]) side += plan.intendedMinor[k] ?? 0;
    if (side === 0) return null;
    const asset = req.assets[i]?.asset ?? '';
    return side > 0
      ? `No order: ${asset}'s buy goes first to its holdings furthest below their target shares and did not reach this one`
      : `No order: ${asset}'s sell comes first from its holdings furthest above their target shares and did not reach this one`;
  }

  // Asset rows, post-trade values, band status.
  const trades: TradeRow[] = [];
  const postMinor = new Float64Array(book.n);
  const bandStatus: ('inside' | 'outside')[] = [];
  const bandConstraint: (BandConstraint | null)[] = [];
  const breaches: string[] = [];
  const byExecution: string[] = [];
  const byMethod: string[] = [];
  const totalMinor = Vp * scale;
  for (let i = 0; i < book.n; i++) {
    const ids = book.securitiesOf[i] as number[];
    const asOne = book.securities[ids[0] as number]?.holding === null;
    let costMinor = 0;
    let traded = 0;
    for (const j of ids) {
      const o = exec.orders[j] as ExecOrder;
      costMinor += o.costMinor;
      if (o.lots !== 0) traded++;
    }
    const signedMinor = assetSignedMinor(book, exec, i);
    postMinor[i] = (book.currentAfterFlow[i] as number) * totalMinor + signedMinor;
    const statuses = ids.map((j) => (orders[j] as OrderRow).status);
    const tradedStatuses = ids
      .filter((j) => (exec.orders[j] as ExecOrder).lots !== 0)
      .map((j) => (orders[j] as OrderRow).status);
    const status: OrderStatus =
      traded === 0
        ? (statuses[0] as OrderStatus)
        : tradedStatuses.every((s) => s === tradedStatuses[0])
          ? (tradedStatuses[0] as OrderStatus)
          : 'traded';
    const tv = fromMinor(Math.abs(signedMinor), scale);
    const sec0 = book.securities[ids[0] as number] as BookSecurity;
    const o0 = exec.orders[ids[0] as number] as ExecOrder;
    trades.push({
      asset: req.assets[i]?.asset as string,
      asset_class: book.classes[i] as TradeRow['asset_class'],
      action: signedMinor > 0 ? 'Buy' : signedMinor < 0 ? 'Sell' : 'Hold',
      trade_value: tv,
      signed_trade_value: signedMinor > 0 ? tv : signedMinor < 0 ? -tv : 0,
      trade_units: asOne ? o0.units : null,
      price: asOne ? sec0.price : null,
      lot_size: asOne ? sec0.lot.lot : null,
      estimated_cost: fromMinor(costMinor, scale),
      status,
      orders: traded,
      reason: asOne
        ? (orders[ids[0] as number] as OrderRow).reason
        : `${traded} of ${ids.length} holdings ordered (see orders). ${reasonFor(context(i, status, null, null))}`,
    });

    // Band status after the trades, on V' (costs come out of cash; see docs).
    const w = (postMinor[i] as number) / totalMinor;
    const lo = plan.lower[i] as number;
    const hi = plan.upper[i] as number;
    const inside = w >= lo - POST_TRADE_TOLERANCE && w <= hi + POST_TRADE_TOLERANCE;
    bandStatus.push(inside ? 'inside' : 'outside');
    const constraint = inside ? null : constraintOf(i, status, plan, book);
    bandConstraint.push(constraint);
    if (!inside) {
      const text = `${req.assets[i]?.asset} at ${(w * 100).toFixed(2)}% vs ${(lo * 100).toFixed(2)}–${(hi * 100).toFixed(2)}%`;
      breaches.push(text);
      // An optimized method's own decision outside the policy band is its answer, not an
      // execution failure: reported apart from what execution could not do.
      if (constraint === 'method') byMethod.push(text);
      else byExecution.push(`${text} (${constraint})`);
    }
  }
  if (byExecution.length)
    warnings.push({
      code: 'BAND_BREACH_REMAINS',
      path: 'assets',
      message: `${byExecution.length} asset${byExecution.length === 1 ? '' : 's'} still outside the band after the trades, with what prevented it: ${byExecution.join('; ')}`,
    });
  if (byMethod.length)
    warnings.push({
      code: 'OUTSIDE_POLICY_BAND',
      path: 'method',
      message: `${req.method} decided weights outside the policy band (target ± drift_threshold) for ${byMethod.length} asset${byMethod.length === 1 ? '' : 's'}; the optimized methods do not use bands: ${byMethod.join('; ')}`,
    });

  // Totals.
  const cashAfter = fromMinor(exec.cashAfterMinor, scale);
  const costs = fromMinor(exec.costMinor, scale);
  const denom = Vp - costs;
  const proposed = new Float64Array(book.n);
  for (let i = 0; i < book.n; i++) {
    const p = (postMinor[i] as number) / scale / denom;
    // Long-only weights never go below 0 (a negative is float dust); a long-short book's may.
    proposed[i] = p > 0 || book.longShort ? p : 0;
  }
  const cashTarget = fromMinor(Math.round(book.cashTarget * totalMinor), scale);
  if (exec.cashAfterMinor < Math.round(book.cashTarget * totalMinor) - 0.5)
    warnings.push({
      code: 'CASH_BELOW_TARGET',
      path: 'cash_floor',
      message: `cash after the trades is ${formatMoney(cashAfter, book.currency)}, below the buffer ${formatMoney(cashTarget, book.currency)}: the orders that could be executed do not raise more`,
    });
  if (plan.unplaced !== 0)
    warnings.push({
      code: 'CASH_NOT_PLACED',
      path: 'no_trade',
      message: `the restricted assets leave ${pp(Math.abs(plan.unplaced))} pp of the portfolio that the other assets cannot ${plan.unplaced > 0 ? 'absorb' : 'supply'} within their bands; it ${plan.unplaced > 0 ? 'stays in' : 'is missing from'} cash`,
    });
  let rounding = 0;
  let tradeCount = 0;
  for (const o of exec.orders) {
    rounding += Math.abs(Math.abs(o.intendedMinor) - o.valueMinor);
    if (o.lots !== 0) tradeCount++;
  }
  const cashBefore = fromMinor(
    Math.round((book.cashWeight * book.value + book.cashFlow) * scale),
    scale,
  );
  const summary: RebalanceResponse['trade_summary'] = {
    total_buys: fromMinor(exec.buyMinor, scale),
    total_sells: fromMinor(exec.sellMinor, scale),
    total_costs: costs,
    cash_change: fromMinor(exec.sellMinor - exec.buyMinor - exec.costMinor, scale),
    residual_cash: cashAfter,
    cash_flow: book.cashFlow,
    cash_before: cashBefore,
    cash_target: cashTarget,
    value_after_flow: Vp,
    turnover_before_cap: exec.turnoverBeforeCap,
    turnover_scale: exec.capBinding ? req.turnover_limit / exec.turnoverBeforeCap : 1,
    turnover_limit_binding: exec.capBinding,
    band_breaches_remaining: breaches.length,
    rounding_residual: fromMinor(Math.round(rounding), scale),
    trade_count: tradeCount,
  };
  return {
    orders,
    trades,
    summary,
    proposed,
    cashAfterWeight: cashAfter / denom,
    bandStatus,
    bandConstraint,
  };
}

/**
 * What kept asset i outside its band: a restriction or a held order first (the asset could not
 * trade), then a decision outside the band (the optimizer's own, or bands the restrictions made
 * impossible), then what execution did to its orders.
 */
function constraintOf(
  i: number,
  status: OrderStatus,
  plan: PlanOutcome,
  book: Book,
): BandConstraint {
  if (book.restricted[i]) return 'restriction';
  const h = plan.held.get(i);
  if (h)
    return h.status === 'below_min_trade'
      ? 'min_trade'
      : h.status === 'rounded_to_zero'
        ? 'lot'
        : 'cash';
  const w = plan.decided[i] as number;
  const outsideDecided =
    w < (plan.lower[i] as number) - POST_TRADE_TOLERANCE ||
    w > (plan.upper[i] as number) + POST_TRADE_TOLERANCE;
  if (outsideDecided) return plan.unplaced !== 0 ? 'restriction' : 'method';
  const ids = book.securitiesOf[i] as number[];
  if (ids.some((j) => (plan.exec.orders[j]?.capScale ?? 1) < 1)) return 'turnover_cap';
  switch (status) {
    case 'scaled_by_cap':
      return 'turnover_cap';
    case 'below_min_trade':
      return 'min_trade';
    case 'scaled_to_cash':
    case 'not_funded':
    case 'cost_exceeds_proceeds':
      return 'cash';
    case 'restricted':
      return 'restriction';
    default:
      return plan.exec.capBinding ? 'turnover_cap' : 'lot';
  }
}
