/**
 * The execution planner: turns ANY decided weights (threshold rule or optimizer) into orders per
 * security — turnover cap, minimum trade value, lots, costs, cash to the minor unit, band repair.
 * It never decides targets. Rules E1–E7 of docs/methods.md (Rebalancing, execution).
 *
 * All money is in integer minor units held in doubles (see money.ts). Intended trades arrive as
 * signed minor-unit amounts per security (src/execution/allocate.ts splits an asset's trade
 * over its holdings).
 */
import { EngineError, type ErrorDetail } from '../contract/common';
import type { OrderStatus } from '../contract/rebalance';
import { unitsForLots, type LotSpec } from './lots';
import {
  DROP_BELOW_MIN,
  DROP_CASH,
  DROP_NONE,
  DROP_ZERO_LOTS,
  costMinor,
  fitBuys,
  maxLotsWithin,
  valueMinor,
} from './sizing';

/** One tradable security: an asset traded as itself, or a holding inside an asset. */
export interface ExecSecurity {
  /** Name on the order (holding or asset). */
  id: string;
  /** Index of the asset row it belongs to. */
  asset: number;
  /** Price per unit, currency. */
  price: number;
  lot: LotSpec;
  /** Minimum order value, whole minor units (0 = none). */
  minTradeMinor: number;
  /** Proportional cost, basis points of notional. */
  costBps: number;
  /**
   * Current value, minor units (need not be whole; < 0 for a short position of a long-short
   * book). A sell never exceeds it unless the security is `shortable`.
   */
  currentMinor: number;
  /** Units held when known (caps sells in units unless `shortable`), else null. */
  heldUnits: number | null;
  /** On the restricted (no_trade) list. */
  restricted: boolean;
  /**
   * Long-short books: a sell may go beyond the units held (a short sale; its proceeds go to cash)
   * and a buy of a short position covers it. Absent: long-only, sells capped at the holding.
   */
  shortable?: boolean;
}

/** An asset row: its band, in weights of the post-trade total value. */
export interface ExecAsset {
  lower: number;
  upper: number;
  /** Current value, minor units (Σ of its securities' currentMinor). */
  currentMinor: number;
}

export interface ExecutionInput {
  /** Minor units per currency unit (100 for USD). */
  scale: number;
  /** V' = portfolio value after the cash flow, minor units. */
  totalMinor: number;
  /** Cash before the trades (current cash + cash flow), whole minor units; may be < 0. */
  cashBeforeMinor: number;
  /** Cash buffer to keep after the trades, whole minor units (≥ 0). */
  cashTargetMinor: number;
  /** Fixed fee per executed order, whole minor units. */
  feeMinor: number;
  /** L: cap on one-way turnover (Σ buys + Σ sells) / (2 V'). */
  turnoverLimit: number;
  securities: readonly ExecSecurity[];
  assets: readonly ExecAsset[];
  /** Signed intended trade per security, minor units (+ buy, − sell). */
  intendedMinor: Float64Array;
  /** Rule E6 (band repair after rounding); the threshold method turns it on. */
  repairBands: boolean;
}

/** What happened to one security. */
export interface ExecOrder {
  status: OrderStatus;
  /** Signed lot count (negative = sell). */
  lots: number;
  /** Signed units (k · lot). */
  units: number;
  /** Executed notional, whole minor units, ≥ 0. */
  valueMinor: number;
  costMinor: number;
  /** Intended signed amount after the turnover cap (minor units). */
  intendedMinor: number;
  /** Intended signed amount before any scaling (minor units). */
  decidedMinor: number;
  /** Factor the turnover cap applied to this order's side (1 = none). */
  capScale: number;
  /** Lots band repair added to (+) or took from (−) the order's size. */
  repairedLots: number;
}

export interface ExecutionResult {
  orders: ExecOrder[];
  buyMinor: number;
  sellMinor: number;
  costMinor: number;
  /** Cash after the trades: cashBefore + sells − buys − costs, whole minor units. */
  cashAfterMinor: number;
  /** One-way turnover of the decided trades, before the cap (fraction of V'). */
  turnoverBeforeCap: number;
  /** Executed one-way turnover (fraction of V'). */
  turnover: number;
  capBinding: boolean;
  /** Factors the cap applied to sells and to buys (1 = not binding). */
  capScale: { sell: number; buy: number };
  /** Common scale fitBuys applied to the buys (1 = every buy fully funded). */
  cashScale: number;
  /** Cash the buys (or the buffer) lacked, minor units: feeds the decision's cost reserve. */
  shortfallMinor: number;
}

const REL = 1e-12;

/**
 * E1 Turnover cap. τ = (Σ buys + Σ sells) / (2V'). If τ > L every order is scaled by L/τ, unless
 *    uniform scaling would leave the cash below 0 (a withdrawal): then sells and buys get the
 *    largest scales with the cash at 0 and the turnover at the cap, s_b = (2V'L + C0)/(2B),
 *    s_s = (s_b·B − C0)/S (sells capped at 1); if the withdrawal alone needs more than the cap
 *    the request is INFEASIBLE (422, naming cash_flow and turnover_limit).
 * E2 An order below its security's minimum trade value is not sent (below_min_trade).
 * E3 Sells are rounded toward zero to whole lots (never more than held); zero lots →
 *    rounded_to_zero, below the minimum once rounded → below_min_trade, cost ≥ proceeds →
 *    cost_exceeds_proceeds.
 * E4 Buys are fitted into A = cash before + Σ sells − Σ sell costs − cash buffer by `fitBuys`
 *    (one common scale, lots rounded down, costs in minor units): not_funded, scaled_to_cash.
 * E5 Cash after = cash before + Σ sells − Σ buys − Σ costs, exactly, in minor units.
 * E6 Band repair (threshold): an asset that rounding or the cost denominator left just outside its
 *    band gets the fewest extra (or fewer) lots of one of its securities that bring it back, when
 *    holdings, cash, minimums and the cap allow.
 * E7 Status per order (ExecOrder.status).
 *
 * @example One sell of 3,000.00 USD of an ETF at 95 (lot 1, 12 bps) and one buy of 3,000.00 of a
 *   crypto at 26,000 (lot 1e-8), no cash, no cap: sell 31 shares = 2,945.00, cost 3.53;
 *   A = 2,941.47; buy scale 2,941.47 / (1.0012 × 3,000) = 0.97931 → 0.11299786 units =
 *   2,937.94, cost 3.53; cash after 0.00 (scaled_to_cash).
 */
export function planExecution(input: ExecutionInput): ExecutionResult {
  const { securities: secs, scale, feeMinor, totalMinor } = input;
  const m = secs.length;
  const orders: ExecOrder[] = new Array<ExecOrder>(m);
  const x = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const sec = secs[j] as ExecSecurity;
    const v = sec.restricted ? 0 : (input.intendedMinor[j] as number);
    x[j] = v;
    orders[j] = {
      status: sec.restricted ? 'restricted' : 'no_change',
      lots: 0,
      units: 0,
      valueMinor: 0,
      costMinor: 0,
      intendedMinor: v,
      decidedMinor: v,
      capScale: 1,
      repairedLots: 0,
    };
  }

  // E1: turnover cap.
  const cap = applyTurnoverCap(x, input);
  for (let j = 0; j < m; j++) {
    const o = orders[j] as ExecOrder;
    const f = (x[j] as number) > 0 ? cap.buy : cap.sell;
    if (x[j] !== 0 && f < 1 - 1e-12) o.capScale = f;
    x[j] = (x[j] as number) * f;
    o.intendedMinor = x[j] as number;
  }

  // E2–E3: minimum trade value; sells rounded toward zero.
  const lots = new Float64Array(m);
  const value = new Float64Array(m);
  const cost = new Float64Array(m);
  const bps = Float64Array.from(secs, (s) => s.costBps);
  const minMinor = Float64Array.from(secs, (s) => s.minTradeMinor);
  const price = Float64Array.from(secs, (s) => s.price);
  const specs = secs.map((s) => s.lot);
  const buys: number[] = [];
  const buyIntended = new Float64Array(m);
  let sellMinor = 0;
  let sellCost = 0;
  for (let j = 0; j < m; j++) {
    const xj = x[j] as number;
    const o = orders[j] as ExecOrder;
    if (xj === 0) continue;
    const sec = secs[j] as ExecSecurity;
    if (Math.abs(xj) < (minMinor[j] as number) * (1 - REL)) {
      o.status = 'below_min_trade';
      continue;
    }
    if (xj > 0) {
      buys.push(j);
      buyIntended[j] = xj;
      continue;
    }
    const k = sellLots(-xj, sec, scale);
    const v = k > 0 ? valueMinor(unitsForLots(k, sec.lot), sec.price, scale) : 0;
    if (v <= 0) o.status = 'rounded_to_zero';
    else if (v < (minMinor[j] as number)) o.status = 'below_min_trade';
    else {
      const cm = costMinor(v, sec.costBps, feeMinor);
      if (cm >= v) o.status = 'cost_exceeds_proceeds';
      else {
        lots[j] = -k;
        value[j] = v;
        cost[j] = cm;
        sellMinor += v;
        sellCost += cm;
        o.status = 'traded';
      }
    }
  }

  // E4: buys into the cash available.
  const avail = input.cashBeforeMinor + sellMinor - sellCost - input.cashTargetMinor;
  let cashScale = 1;
  let shortfall = avail < 0 ? -avail : 0;
  if (buys.length) {
    const drop = new Uint8Array(m);
    const buyLots = new Float64Array(m);
    cashScale = fitBuys(
      {
        buys,
        intendedMinor: buyIntended,
        price,
        lots: specs,
        minMinor,
        availMinor: Math.max(0, avail),
        bps,
        feeMinor,
        scale,
      },
      { lotsOut: buyLots, valueOut: value, costOut: cost, dropOut: drop },
    );
    let intendedActive = 0;
    for (const j of buys) {
      const o = orders[j] as ExecOrder;
      const d = drop[j] as number;
      if (d === DROP_NONE) {
        lots[j] = buyLots[j] as number;
        o.status = cashScale < 1 - 1e-9 ? 'scaled_to_cash' : 'traded';
        intendedActive += buyIntended[j] as number;
      } else {
        value[j] = 0;
        cost[j] = 0;
        o.status =
          d === DROP_ZERO_LOTS
            ? 'rounded_to_zero'
            : d === DROP_BELOW_MIN
              ? 'below_min_trade'
              : 'not_funded';
        if (d === DROP_CASH) shortfall += buyIntended[j] as number;
      }
    }
    if (cashScale < 1) shortfall += (1 - cashScale) * intendedActive;
  }

  // E5 (cash never below 0): sells rounded down may raise a few units less than a withdrawal
  // needs; sell whole lots more until the cash after the trades is ≥ 0.
  coverNegativeCash(input, orders, lots, value, cost);

  // E6: band repair.
  if (input.repairBands) repairBands(input, orders, lots, value, cost, x, cap.binding);

  // E5, E7: units, statuses, totals.
  let buyMinor = 0;
  sellMinor = 0;
  let costTotal = 0;
  for (let j = 0; j < m; j++) {
    const o = orders[j] as ExecOrder;
    const sec = secs[j] as ExecSecurity;
    const k = lots[j] as number;
    o.lots = k;
    o.units = unitsForLots(k, sec.lot);
    o.valueMinor = k === 0 ? 0 : (value[j] as number);
    o.costMinor = k === 0 ? 0 : (cost[j] as number);
    if (k === 0 && (o.status === 'traded' || o.status === 'scaled_to_cash'))
      o.status = o.repairedLots !== 0 ? 'no_change' : 'rounded_to_zero';
    if (k !== 0 && o.status === 'no_change') o.status = 'traded';
    // The cap is the binding reason when it scaled the order (cash may have trimmed it further).
    if (k !== 0 && o.capScale < 1 && (o.status === 'traded' || o.status === 'scaled_to_cash'))
      o.status = 'scaled_by_cap';
    if (k > 0) buyMinor += o.valueMinor;
    else if (k < 0) sellMinor += o.valueMinor;
    costTotal += o.costMinor;
  }
  const cashAfterMinor = input.cashBeforeMinor + sellMinor - buyMinor - costTotal;
  return {
    orders,
    buyMinor,
    sellMinor,
    costMinor: costTotal,
    cashAfterMinor,
    turnoverBeforeCap: cap.tauBefore,
    turnover: (buyMinor + sellMinor) / (2 * totalMinor),
    capBinding: cap.binding,
    capScale: { sell: cap.sell, buy: cap.buy },
    cashScale,
    shortfallMinor: Math.max(shortfall, input.cashTargetMinor - cashAfterMinor, 0),
  };
}

/** Signed value of an order in minor units: + for a buy, − for a sell, 0 for none. */
export function signedValueMinor(o: Pick<ExecOrder, 'lots' | 'valueMinor'>): number {
  return o.lots > 0 ? o.valueMinor : o.lots < 0 ? -o.valueMinor : 0;
}

/**
 * Largest whole number of lots to sell within `capMinor`, never more than held (E3) — unless the
 * security is shortable and `short` is on (a short sale is capped by `capMinor` alone).
 */
function sellLots(
  capMinor: number,
  sec: ExecSecurity,
  scale: number,
  short = sec.shortable === true,
): number {
  if (short) return maxLotsWithin(capMinor, sec.price, sec.lot, scale);
  const k = maxLotsWithin(Math.min(capMinor, sec.currentMinor), sec.price, sec.lot, scale);
  if (sec.heldUnits === null) return k;
  return Math.min(k, Math.floor(sec.heldUnits / sec.lot.lot + 1e-9));
}

/**
 * E5, cash floor. When the cash after the trades would be negative (a withdrawal larger than what
 * the rounded-down sells raise), sells more whole lots: first of the securities already selling,
 * smallest lot first, then of any other tradable security held, never beyond holdings. Buys were
 * already unfunded in that case. If nothing more can be sold the withdrawal cannot be paid:
 * INFEASIBLE naming cash_flow.
 */
function coverNegativeCash(
  input: ExecutionInput,
  orders: ExecOrder[],
  lots: Float64Array,
  value: Float64Array,
  cost: Float64Array,
): void {
  const { securities: secs, scale, feeMinor } = input;
  let cash = input.cashBeforeMinor;
  for (let j = 0; j < secs.length; j++) {
    const k = lots[j] as number;
    if (k > 0) cash -= (value[j] as number) + (cost[j] as number);
    else if (k < 0) cash += (value[j] as number) - (cost[j] as number);
  }
  if (cash >= 0) return;
  const lotValue = (j: number) => {
    const s = secs[j] as ExecSecurity;
    return s.lot.lot * s.price * scale;
  };
  const candidates = secs
    .map((_, j) => j)
    .filter((j) => !(secs[j] as ExecSecurity).restricted && (lots[j] as number) <= 0)
    .sort(
      (a, b) =>
        Number((lots[b] as number) < 0) - Number((lots[a] as number) < 0) ||
        lotValue(a) - lotValue(b),
    );
  for (const j of candidates) {
    if (cash >= 0) break;
    const sec = secs[j] as ExecSecurity;
    const k0 = -(lots[j] as number);
    // Cash for a withdrawal is raised from holdings, never by opening shorts.
    const maxLots = sellLots(sec.currentMinor, sec, scale, false);
    if (!(maxLots > k0)) continue;
    const net0 = k0 === 0 ? 0 : (value[j] as number) - (cost[j] as number);
    const f = 1 - sec.costBps / 10000;
    // Lots that cover the gap net of cost, then one more per pass while rounding leaves it short.
    let k1 = Math.min(
      maxLots,
      k0 + Math.ceil((-cash + (k0 === 0 ? feeMinor : 0)) / (lotValue(j) * f)),
    );
    for (; k1 <= maxLots; k1++) {
      const v1 = valueMinor(unitsForLots(k1, sec.lot), sec.price, scale);
      const c1 = costMinor(v1, sec.costBps, feeMinor);
      if (cash + (v1 - c1) - net0 >= 0 || k1 === maxLots) {
        if (v1 - c1 <= net0) break;
        cash += v1 - c1 - net0;
        lots[j] = -k1;
        value[j] = v1;
        cost[j] = c1;
        const o = orders[j] as ExecOrder;
        o.repairedLots += k1 - k0;
        o.status = 'traded';
        break;
      }
    }
  }
  if (cash < 0)
    throw new EngineError('INFEASIBLE', 'the withdrawal is larger than what can be sold', [
      {
        path: 'cash_flow',
        message: `after selling every tradable holding the cash would still be short by ${(-cash / scale).toFixed(2)}`,
      },
    ]);
}

/**
 * E1. Returns the factors for sells and buys. Uniform L/τ when cash stays ≥ 0; otherwise (a
 * withdrawal) the largest buys for which the cash ends at 0 with the turnover at the cap.
 */
function applyTurnoverCap(
  x: Float64Array,
  input: ExecutionInput,
): { sell: number; buy: number; binding: boolean; tauBefore: number } {
  let S = 0;
  let B = 0;
  for (let j = 0; j < x.length; j++) {
    const v = x[j] as number;
    if (v > 0) B += v;
    else S -= v;
  }
  const V2 = 2 * input.totalMinor;
  const tau = (S + B) / V2;
  const L = input.turnoverLimit;
  if (!(tau > L * (1 + REL))) return { sell: 1, buy: 1, binding: false, tauBefore: tau };
  const s = (L * V2) / (S + B);
  const C0 = input.cashBeforeMinor;
  if (C0 + s * (S - B) >= 0) return { sell: s, buy: s, binding: true, tauBefore: tau };
  // A withdrawal: sells must raise −C0 at least.
  const need = -C0;
  if (need > L * V2 * (1 + REL)) {
    const details: ErrorDetail[] = [
      {
        path: 'cash_flow',
        message: `the withdrawal needs sells worth at least ${(need / input.scale).toFixed(2)}, a one-way turnover of ${(need / V2).toFixed(6)}`,
      },
      { path: 'turnover_limit', message: `is ${L}, below what the withdrawal needs` },
    ];
    throw new EngineError(
      'INFEASIBLE',
      'the turnover cap is too tight to raise the cash the withdrawal needs',
      details,
    );
  }
  // Cash exactly 0 and turnover exactly at the cap: s_b·B − s_s·S = C0 and s_s·S + s_b·B = 2V'L
  // give s_b = (2V'L + C0) / (2B), s_s = (s_b·B − C0) / S; if that asks more than every sell,
  // all sells go through and the buys take what the cap and the cash leave.
  let buyF = B > 0 ? Math.min(1, Math.max(0, (L * V2 + C0) / (2 * B))) : 0;
  let sellF = S > 0 ? (buyF * B - C0) / S : 0;
  if (sellF > 1) {
    sellF = 1;
    buyF = B > 0 ? Math.max(0, Math.min(1, (L * V2 - S) / B, (C0 + S) / B)) : 0;
  }
  return { sell: sellF, buy: buyF, binding: true, tauBefore: tau };
}

/**
 * E6. For each asset outside its band after rounding (value after the trades outside
 * [l_i·V', u_i·V']), the fewest lots of one of its securities that bring it back: sell more or buy
 * less when above, buy more or sell less when below — only in the direction the decision traded
 * that security, and only where holdings, the minimum order, the cash after the buffer and the
 * turnover cap allow.
 */
function repairBands(
  input: ExecutionInput,
  orders: ExecOrder[],
  lots: Float64Array,
  value: Float64Array,
  cost: Float64Array,
  intended: Float64Array,
  capBinding: boolean,
): void {
  const { securities: secs, assets, scale, feeMinor, totalMinor } = input;
  const bySecurity: number[][] = assets.map(() => []);
  secs.forEach((s, j) => (bySecurity[s.asset] as number[]).push(j));
  const signedOf = (j: number) =>
    signedValueMinor({ lots: lots[j] as number, valueMinor: value[j] as number });
  let net = 0; // Σ signed values
  let gross = 0;
  let costs = 0;
  for (let j = 0; j < secs.length; j++) {
    if ((lots[j] as number) === 0) continue;
    net += signedOf(j);
    gross += value[j] as number;
    costs += cost[j] as number;
  }
  const grossCap = input.turnoverLimit * 2 * totalMinor * (1 + REL);
  for (let i = 0; i < assets.length; i++) {
    const a = assets[i] as ExecAsset;
    let post = a.currentMinor;
    for (const j of bySecurity[i] as number[]) post += signedOf(j);
    const hi = a.upper * totalMinor;
    const lo = a.lower * totalMinor;
    let need = 0; // signed value change needed, minor units
    if (post > hi + 1e-9 * totalMinor * 1e-3 && post - hi > 1e-6) need = hi - post;
    else if (lo - post > 1e-6) need = lo - post;
    if (need === 0) continue;
    const cashLeft = input.cashBeforeMinor - net - costs - input.cashTargetMinor;
    for (const j of bySecurity[i] as number[]) {
      const sec = secs[j] as ExecSecurity;
      const dir = Math.sign(intended[j] as number);
      const k0 = lots[j] as number;
      // Only in the direction the decision traded this security; a smaller order needs one.
      if (sec.restricted || dir === 0 || (Math.sign(need) !== dir && k0 === 0)) continue;
      const lotMinor = sec.lot.lot * sec.price * scale;
      const k1 = k0 + Math.ceil(Math.abs(need) / lotMinor - 1e-9) * Math.sign(need);
      if (k1 !== 0 && Math.sign(k1) !== dir) continue;
      const units = unitsForLots(Math.abs(k1), sec.lot);
      const v1 = k1 === 0 ? 0 : valueMinor(units, sec.price, scale);
      if (!sec.shortable && k1 < 0 && v1 > sec.currentMinor + 1e-9) continue;
      if (!sec.shortable && k1 < 0 && sec.heldUnits !== null && units > sec.heldUnits * (1 + REL))
        continue;
      if (k1 !== 0 && v1 < sec.minTradeMinor) continue;
      const c1 = k1 === 0 ? 0 : costMinor(v1, sec.costBps, feeMinor);
      const s0 = signedOf(j);
      const s1 = k1 === 0 ? 0 : k1 > 0 ? v1 : -v1;
      const c0 = k0 === 0 ? 0 : (cost[j] as number);
      if (cashLeft - (s1 - s0) - (c1 - c0) < 0) continue;
      const g1 = gross - (k0 === 0 ? 0 : (value[j] as number)) + v1;
      if (g1 > gross && (capBinding || g1 > grossCap)) continue;
      lots[j] = k1;
      value[j] = v1;
      cost[j] = c1;
      net += s1 - s0;
      gross = g1;
      costs += c1 - c0;
      const o = orders[j] as ExecOrder;
      o.repairedLots += Math.abs(k1) - Math.abs(k0);
      if (k1 !== 0 && o.status !== 'traded' && o.status !== 'scaled_to_cash') o.status = 'traded';
      break;
    }
  }
}
