/**
 * Step 1 of a rebalance: the book as the engine sees it — classes, weights before and after the
 * cash flow, the cash buffer, restrictions, and the securities each asset is ordered through.
 * docs/methods.md, "How a rebalance response is put together", steps 1 and 9.
 */
import type { AssetClass, Warning } from '../../contract/common';
import type { RebalanceRequest } from '../../contract/rebalance';
import { own } from '../../domain/names';
import { WEIGHT_SUM_TOLERANCE, normalizeWeights, resolveAssetClass } from '../../domain/weights';
import { lotSizeFor, lotSpec } from '../../execution/lots';
import { minorScale } from '../../execution/money';
import type { ExecSecurity } from '../../execution/plan';

/** Security of an asset plus what the split across holdings needs. */
export interface BookSecurity extends ExecSecurity {
  /** Share of the asset now (Σ over the asset = 1). */
  share: number;
  /** Target share inside the asset, or null. */
  targetShare: number | null;
  /** Index of the holding inside its asset, or null when the asset is its own security. */
  holding: number | null;
}

export interface Book {
  n: number;
  /** V: portfolio value before the cash flow (includes current cash). */
  value: number;
  /** F: contribution (> 0) or withdrawal (< 0). */
  cashFlow: number;
  /** V' = V + F: the base of every weight after the flow. */
  valueAfterFlow: number;
  currency: string;
  /** Minor units per currency unit. */
  scale: number;
  classes: AssetClass[];
  /** Policy targets t_i, fractions of V': Σ t = 1 − b. */
  target: Float64Array;
  /** Current weights c_i, fractions of V: Σ c = 1 − cash_weight. */
  current: Float64Array;
  /** c'_i = c_i·V/V'. */
  currentAfterFlow: Float64Array;
  /** c_0: current cash, fraction of V. */
  cashWeight: number;
  /** c'_0 = (c_0·V + F)/V' (negative when a withdrawal exceeds the cash held). */
  cashAfterFlow: number;
  /** b: cash buffer, fraction of V'. */
  cashTarget: number;
  /** 1 = on the no_trade list. */
  restricted: Uint8Array;
  /** A long_short or market_neutral book: signed weights, shortable securities. */
  longShort: boolean;
  /** Every security, grouped by asset in asset order. */
  securities: BookSecurity[];
  /** Indices into `securities` per asset. */
  securitiesOf: number[][];
}

/**
 * Reads the request into a Book.
 * - current weights are scaled to Σ c = 1 − cash_weight (long_only; a long_short or
 *   market_neutral book's signed weights are taken as given and its cash is 1 − Σ c, the contract
 *   having checked cash_weight against it within 0.005: CASH_WEIGHT_IMPLIED if they differ), targets to Σ t = 1 − cash_floor; weights
 *   summing to 1 (±0.005) are read as the mix of the invested part, anything else that is more
 *   than 0.005 away from the total earns WEIGHTS_NORMALIZED;
 * - after a cash flow F: c'_i = c_i·V/V', c'_0 = (c_0·V + F)/V' with V' = V + F;
 * - an asset without holdings is one security at its `price`; with holdings each holding is one,
 *   at its own `last_price` and lot, current value c_i·V × its share of the asset (quantity ×
 *   price, else holding_weight, normalized); HOLDINGS_VALUE_MISMATCH when quantities × prices
 *   differ from c_i·V by more than 0.5%.
 *
 * @example V = 100,000, cash_weight 0.05, F = +10,000, two assets with current 0.5/0.5 →
 *   c = [0.475, 0.475], V' = 110,000, c' = [0.431818…, 0.431818…], c'_0 = 15,000/110,000.
 */
export function readBook(req: RebalanceRequest, warnings: Warning[]): Book {
  const n = req.assets.length;
  const V = req.portfolio_value;
  const F = req.cash_flow;
  const Vp = V + F;
  const scale = minorScale(req.currency);
  const classes = req.assets.map((a, i) => resolveAssetClass(a.asset, a.asset_class, i, warnings));
  const b = req.cash_floor ?? 0;
  let c0 = req.cash_weight;
  const target = normalizeWeights(
    req.assets.map((a) => a.target_weight),
    1 - b,
    'target_weight',
    warnings,
  );
  // A long-short book's weights are signed fractions of V taken as given (the contract checked
  // Σ c + cash_weight = 1); scaling by a signed sum near 0 would be meaningless.
  const longShort = (req.book?.type ?? 'long_only') !== 'long_only';
  const current = longShort
    ? Float64Array.from(req.assets, (a) => a.current_weight)
    : normalizeWeights(
        req.assets.map((a) => a.current_weight),
        1 - c0,
        'current_weight',
        warnings,
      );
  if (longShort) {
    // The cash leg is what the positions leave of the NAV, so the book adds up exactly.
    let invested = 0;
    for (const c of current) invested += c;
    const implied = 1 - invested;
    if (Math.abs(implied - c0) > 1e-12)
      warnings.push({
        code: 'CASH_WEIGHT_IMPLIED',
        path: 'cash_weight',
        message: `cash_weight ${c0} was read as ${+implied.toFixed(12)} = 1 − Σ current_weight, so that the long-short book adds up to portfolio_value`,
      });
    c0 = implied;
  }
  const currentAfterFlow = Float64Array.from(current, (c) => (c * V) / Vp);
  const restricted = new Uint8Array(n);
  const noTrade = new Set(req.no_trade ?? []);
  req.assets.forEach((a, i) => (restricted[i] = noTrade.has(a.asset) ? 1 : 0));

  const securities: BookSecurity[] = [];
  const securitiesOf: number[][] = [];
  req.assets.forEach((a, i) => {
    const cls = classes[i] as AssetClass;
    const assetMinor = (current[i] as number) * V * scale;
    const bps = own(req.asset_cost_bps, a.asset) ?? req.transaction_cost_bps;
    const ids: number[] = [];
    const hs = a.holdings ?? [];
    if (hs.length === 0) {
      ids.push(securities.length);
      securities.push({
        id: a.asset,
        asset: i,
        price: a.price as number,
        lot: lotSpec(lotSizeFor(cls, a.lot_size)),
        minTradeMinor: minorCeil(a.min_trade_value, scale),
        costBps: bps,
        currentMinor: assetMinor,
        heldUnits: null,
        restricted: restricted[i] === 1,
        ...(longShort ? { shortable: true } : {}),
        share: 1,
        targetShare: null,
        holding: null,
      });
    } else {
      const byQty = hs.every((h) => h.quantity !== undefined);
      const raw = hs.map((h) =>
        byQty ? (h.quantity as number) * h.last_price : (h.holding_weight as number),
      );
      const total = raw.reduce((s, x) => s + x, 0);
      if (
        byQty &&
        Math.abs(total - assetMinor / scale) >
          0.005 * Math.max(Math.abs(total), Math.abs(assetMinor / scale))
      )
        warnings.push({
          code: 'HOLDINGS_VALUE_MISMATCH',
          path: `assets.${i}.holdings`,
          message: `${a.asset}: quantities × prices of its holdings sum to ${total.toFixed(2)} ${req.currency}, but current_weight × portfolio_value is ${(assetMinor / scale).toFixed(2)}; the holdings are valued at the asset's weight, split by quantity × price`,
        });
      else if (!byQty && total > 0 && Math.abs(total - 1) > WEIGHT_SUM_TOLERANCE)
        warnings.push({
          code: 'WEIGHTS_NORMALIZED',
          path: `assets.${i}.holdings`,
          message: `holding weights of ${a.asset} sum to ${total.toFixed(6)}; each was divided by the sum`,
        });
      const tSum = hs.reduce((s, h) => s + (h.target_weight ?? 0), 0);
      const withTargets = hs.every((h) => h.target_weight !== undefined);
      hs.forEach((h, j) => {
        // total < 0: a short asset's quantities (long-short books) — the shares stay positive.
        const share = total !== 0 ? (raw[j] as number) / total : 0;
        ids.push(securities.length);
        securities.push({
          id: h.holding,
          asset: i,
          price: h.last_price,
          lot: lotSpec(h.lot_size ?? lotSizeFor(cls, a.lot_size)),
          minTradeMinor: minorCeil(h.min_trade_value ?? a.min_trade_value, scale),
          costBps: bps,
          currentMinor: assetMinor * share,
          heldUnits: byQty ? (h.quantity as number) : null,
          restricted: restricted[i] === 1,
          ...(longShort ? { shortable: true } : {}),
          share,
          targetShare: withTargets ? (h.target_weight as number) / tSum : null,
          holding: j,
        });
      });
    }
    securitiesOf.push(ids);
  });

  return {
    n,
    value: V,
    cashFlow: F,
    valueAfterFlow: Vp,
    currency: req.currency,
    scale,
    classes,
    target,
    current,
    currentAfterFlow,
    cashWeight: c0,
    cashAfterFlow: (c0 * V + F) / Vp,
    cashTarget: b,
    restricted,
    longShort,
    securities,
    securitiesOf,
  };
}

/** Whole minor units of a minimum amount, rounded up (a minimum is never lowered). */
function minorCeil(amount: number, scale: number): number {
  const m = amount * scale;
  return m > 0 ? Math.ceil(m - 1e-9 * Math.max(1, m)) : 0;
}
