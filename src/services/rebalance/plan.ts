/**
 * Step 4–5: decide, then execute — one path for every method. The threshold rule is re-decided
 * when execution cannot carry out part of its decision: an asset whose every order would be
 * below its minimum, less than one lot or cost more than it raises is held (fixed) and the rest
 * re-decided around it; cash the orders lack (costs, lot rounding) is reserved and the rest
 * re-decided. docs/methods.md, Rebalancing, "The decide–execute loop".
 */
import type { OrderStatus, RebalanceRequest } from '../../contract/rebalance';
import { splitAssetTrade } from '../../execution/allocate';
import { unitsForLots } from '../../execution/lots';
import { toMinor } from '../../execution/money';
import { valueMinor } from '../../execution/sizing';
import { planExecution, signedValueMinor, type ExecutionResult } from '../../execution/plan';
import { bandsOf, decideBands, type BandPosition, type BandRole } from '../../optimize/bands';
import type { Book } from './book';

/** Statuses that mean "this order cannot be executed as decided" (not a cash problem). */
const UNEXECUTABLE: ReadonlySet<OrderStatus> = new Set([
  'below_min_trade',
  'rounded_to_zero',
  'cost_exceeds_proceeds',
]);

/** Spare cash worth re-deciding for: 1 basis point of V'. */
const MATERIAL_SPARE = 1e-4;

/** At most this many cost-reserve passes (each adds the cash the buys lacked). */
const MAX_RESERVE_PASSES = 4;

/** An asset held at its current weight because its orders could not be executed. */
export interface HeldAsset {
  status: OrderStatus;
  /** What the decision wanted to trade, minor units (absolute). */
  wouldBeMinor: number;
  /** Its role in the decision it was held from. */
  role: BandRole;
  /** +1 when that decision bought it, −1 when it sold. */
  side: 1 | -1;
}

export interface PlanOutcome {
  /** Decided post-trade weights (fractions of V'). */
  decided: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  position: BandPosition[];
  role: BandRole[];
  triggered: boolean;
  /** Intended signed trade per security before the cap (minor units). */
  intendedMinor: Float64Array;
  exec: ExecutionResult;
  /** Assets held because their orders could not be executed, with why and the would-be value. */
  held: Map<number, HeldAsset>;
  /** Weights pinned at what coarse lots reached (NaN = not pinned). */
  pinned: Float64Array;
  /** Cash reserved for costs and rounding (fraction of V'). */
  costReserve: number;
  /** Cash the bands could not place or raise (fraction of V'). */
  unplaced: number;
  passes: number;
}

/**
 * Threshold method: decideBands → split per security → planExecution, repeated while assets must
 * be held or cash reserved (at most n + MAX_RESERVE_PASSES passes; in practice 1–3).
 */
export function planThreshold(
  req: RebalanceRequest,
  book: Book,
  destination: Float64Array,
): PlanOutcome {
  const fixed = Uint8Array.from(book.restricted);
  const held = new Map<number, HeldAsset>();
  const flowSign = book.cashFlow > 0 ? 1 : book.cashFlow < 0 ? -1 : 0;
  let reserve = 0;
  let reservePasses = 0;
  const pinned = new Float64Array(book.n).fill(NaN);
  let pinnedOnce = false;
  for (let pass = 1; ; pass++) {
    const dec = decideBands({
      current: book.currentAfterFlow,
      target: destination,
      currentCash: book.cashAfterFlow,
      cashTarget: book.cashTarget,
      costReserve: reserve,
      halfWidth: req.drift_threshold,
      rebalanceTo: req.rebalance_to,
      fixed,
      pinned,
      flowSign,
    });
    const { intendedMinor, exec } = execute(req, book, dec.weights, dec.lower, dec.upper, true);
    let newlyHeld = 0;
    let newlyPinned = 0;
    if (dec.triggered && !exec.capBinding) {
      // An asset that whole lots leave outside its band is pinned at the nearest lot count that
      // lands inside it (when there is one) and the others re-decided to fund it.
      for (let i = 0; i < book.n; i++) {
        if (fixed[i] || !Number.isNaN(pinned[i] as number)) continue;
        const w = inBandLotPoint(book, i, exec, intendedMinor, dec.lower, dec.upper);
        if (w !== null) {
          pinned[i] = w;
          newlyPinned++;
        }
      }
    }
    if (dec.triggered && newlyPinned === 0) {
      for (let i = 0; i < book.n; i++) {
        if (fixed[i] || !Number.isNaN(pinned[i] as number)) continue;
        const ids = book.securitiesOf[i] as number[];
        const tried = ids.filter((j) => intendedMinor[j] !== 0);
        if (tried.length === 0) continue;
        const traded = tried.some((j) => exec.orders[j]?.lots !== 0);
        const blocked = tried.every((j) => UNEXECUTABLE.has(exec.orders[j]?.status as OrderStatus));
        if (!traded && blocked) {
          fixed[i] = 1;
          held.set(i, {
            status: exec.orders[tried[0] as number]?.status as OrderStatus,
            wouldBeMinor: tried.reduce((s, j) => s + Math.abs(intendedMinor[j] as number), 0),
            role: dec.role[i] as BandRole,
            side: (intendedMinor[tried[0] as number] as number) > 0 ? 1 : -1,
          });
          newlyHeld++;
        }
      }
    }
    const totalMinor = book.valueAfterFlow * book.scale;
    // Cash the orders lacked (costs, sells rounded down) is reserved and the decision redone.
    // Cash they left over because an asset's lots are coarse (e.g. FX in lots of 1,000) is handed
    // to the others: that asset is pinned at the weight its orders reach and the rest re-decided.
    const lacking = exec.shortfallMinor > 0;
    const spare = exec.cashAfterMinor - toMinor(book.cashTarget * book.valueAfterFlow, book.scale);
    // One pinning round only: pinning again would settle assets whose lots are not coarse.
    const coarse =
      lacking || spare <= 0 || pinnedOnce ? [] : coarseAssets(book, exec, fixed, pinned, spare);
    const again =
      dec.triggered && reservePasses < MAX_RESERVE_PASSES && (lacking || coarse.length > 0);
    if (newlyHeld === 0 && newlyPinned === 0 && !again) {
      return {
        decided: dec.weights,
        lower: dec.lower,
        upper: dec.upper,
        position: dec.position,
        role: dec.role.map((r, i) => held.get(i)?.role ?? r),
        triggered: dec.triggered,
        intendedMinor,
        exec,
        held,
        pinned,
        costReserve: reserve,
        unplaced: dec.unplaced,
        passes: pass,
      };
    }
    if (newlyHeld === 0 && newlyPinned === 0) {
      reservePasses++;
      // One minor unit per order on top absorbs the rounding of the extra sells' costs (without
      // it the last passes can chase a fraction of a cent).
      if (lacking) reserve += (exec.shortfallMinor + ordersWithIntent(exec)) / totalMinor;
      else {
        pinnedOnce = true;
        for (const i of coarse) pinned[i] = assetValueAfterMinor(book, exec, i) / totalMinor;
      }
    }
  }
}

/**
 * For an asset ordered as one security whose orders left it outside its band (whole lots too
 * coarse for the band, or band repair short of cash): the weight of the fewest lots, in the
 * direction the decision traded it, that puts it inside — within holdings and its minimum
 * order — or null (already inside, several securities, or no lot count lands inside).
 * Example: worth 69,800 of 10,000,000 with band [0.008, 0.012] and lots of 36,611: one lot
 * (106,411, 0.0106) lands inside.
 */
function inBandLotPoint(
  book: Book,
  i: number,
  exec: ExecutionResult,
  intendedMinor: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
): number | null {
  const ids = book.securitiesOf[i] as number[];
  if (ids.length !== 1) return null;
  const j = ids[0] as number;
  const x = intendedMinor[j] as number;
  if (x === 0) return null;
  const sec = book.securities[j] as Book['securities'][number];
  const o = exec.orders[j];
  if (!o || o.status === 'restricted') return null;
  const T = book.valueAfterFlow * book.scale;
  const cur = sec.currentMinor;
  const reached = cur + signedValueMinor(o);
  const lo = (lower[i] as number) * T;
  const hi = (upper[i] as number) * T;
  const tol = 1e-9 * T;
  if (reached >= lo - tol && reached <= hi + tol) return null;
  const lotMinor = sec.lot.lot * sec.price * book.scale;
  const value = (m: number) => valueMinor(unitsForLots(m, sec.lot), sec.price, book.scale);
  let m: number;
  if (x > 0) m = Math.max(1, Math.ceil((lo - cur) / lotMinor - 1e-9));
  else m = Math.max(1, Math.ceil((cur - hi) / lotMinor - 1e-9));
  // One step further at most, for the rounding of the notional to the minor unit.
  for (let k = m; k <= m + 1; k++) {
    const v = value(k);
    const after = x > 0 ? cur + v : cur - v;
    if (after < lo - tol || after > hi + tol) continue;
    if (v < sec.minTradeMinor) continue;
    if (
      x < 0 &&
      (v > cur + 1e-9 || (sec.heldUnits !== null && unitsForLots(k, sec.lot) > sec.heldUnits))
    )
      return null;
    return after / T;
  }
  return null;
}

/**
 * Assets whose orders left at least half of the spare cash over (intended after the cap minus
 * reached value), when the spare is material (≥ 1 bp of V') and some other free asset has a lot
 * small enough to take it: pinning them lets the others absorb the cash.
 */
function coarseAssets(
  book: Book,
  exec: ExecutionResult,
  fixed: Uint8Array,
  pinned: Float64Array,
  spare: number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < book.n; i++) {
    if (fixed[i] || !Number.isNaN(pinned[i] as number)) continue;
    // Cash this asset's orders left over: decided minus reached (a buy rounded down, or a sell
    // that band repair made one lot larger).
    let lost = 0;
    for (const j of book.securitiesOf[i] as number[]) {
      const o = exec.orders[j];
      if (!o) continue;
      // The intended amount after the turnover cap: a buy the cap scaled left no cash over.
      lost += o.intendedMinor - signedValueMinor(o);
    }
    if (lost >= 0.5 * spare) out.push(i);
  }
  if (out.length === 0) return out;
  let smallest = Infinity;
  for (const s of book.securities)
    if (!fixed[s.asset] && !out.includes(s.asset) && Number.isNaN(pinned[s.asset] as number))
      smallest = Math.min(smallest, s.lot.lot * s.price * book.scale);
  return smallest <= spare && spare >= MATERIAL_SPARE * book.valueAfterFlow * book.scale ? out : [];
}

/**
 * Optimized methods: the solver's decision executed once (no re-decision: a changed decision
 * would need a new solve; the solver already handled costs, the cap and any whole lots).
 */
export function planDecided(
  req: RebalanceRequest,
  book: Book,
  destination: Float64Array,
  decided: Float64Array,
): PlanOutcome {
  const { lower, upper, position } = bandsOf(
    book.currentAfterFlow,
    destination,
    req.drift_threshold,
  );
  const { intendedMinor, exec } = execute(req, book, decided, lower, upper, false);
  const role: BandRole[] = Array.from(decided, (w, i) =>
    book.restricted[i]
      ? 'fixed'
      : Math.abs(w - (book.currentAfterFlow[i] as number)) > 1e-12
        ? 'absorb'
        : 'none',
  );
  return {
    decided,
    lower,
    upper,
    position,
    role,
    triggered: true,
    intendedMinor,
    exec,
    held: new Map(),
    pinned: new Float64Array(book.n).fill(NaN),
    costReserve: 0,
    unplaced: 0,
    passes: 1,
  };
}

/** Intended trades per security from decided weights, then the execution planner. */
function execute(
  req: RebalanceRequest,
  book: Book,
  decided: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  repairBands: boolean,
): { intendedMinor: Float64Array; exec: ExecutionResult } {
  const totalMinor = book.valueAfterFlow * book.scale;
  const intendedMinor = new Float64Array(book.securities.length);
  for (let i = 0; i < book.n; i++) {
    const ids = book.securitiesOf[i] as number[];
    const delta = ((decided[i] as number) - (book.currentAfterFlow[i] as number)) * totalMinor;
    // Less than half a minor unit is float dust from the decision, not a trade.
    if (Math.abs(delta) < 0.5) continue;
    const secs = ids.map((j) => book.securities[j] as (typeof book.securities)[number]);
    const assetMinor = secs.reduce((s, x) => s + x.currentMinor, 0);
    const split = splitAssetTrade(delta, assetMinor, secs);
    ids.forEach((j, q) => (intendedMinor[j] = split[q] as number));
  }
  const exec = planExecution({
    scale: book.scale,
    totalMinor,
    cashBeforeMinor: toMinor(book.cashWeight * book.value + book.cashFlow, book.scale),
    cashTargetMinor: toMinor(book.cashTarget * book.valueAfterFlow, book.scale),
    feeMinor: toMinor(req.fixed_fee_per_trade, book.scale),
    turnoverLimit: req.turnover_limit,
    securities: book.securities,
    assets: Array.from({ length: book.n }, (_, i) => ({
      lower: lower[i] as number,
      upper: upper[i] as number,
      currentMinor: (book.currentAfterFlow[i] as number) * totalMinor,
    })),
    intendedMinor,
    repairBands,
  });
  return { intendedMinor, exec };
}

/** Orders the decision meant to send (intended amount ≠ 0). */
function ordersWithIntent(exec: ExecutionResult): number {
  let k = 0;
  for (const o of exec.orders) if (o.decidedMinor !== 0) k++;
  return k;
}

/**
 * Signed value of asset i's orders, minor units: Σ over its securities of + buys − sells (a sum of
 * whole minor units, so exact). Example: one share sold at 95 → −9,500.
 */
export function assetSignedMinor(book: Book, exec: ExecutionResult, i: number): number {
  let v = 0;
  for (const j of book.securitiesOf[i] as number[]) {
    const o = exec.orders[j];
    if (o) v += signedValueMinor(o);
  }
  return v;
}

/**
 * Value of asset i after its orders, minor units: c'_i·V' + its orders' signed value.
 * Example: 22,050.00 held, one share sold at 95 → 2,195,500 (21,955.00).
 */
export function assetValueAfterMinor(book: Book, exec: ExecutionResult, i: number): number {
  const current = (book.currentAfterFlow[i] as number) * book.valueAfterFlow * book.scale;
  return current + assetSignedMinor(book, exec, i);
}
