/**
 * One account's rebalance request, built from its positions, its model and the price library:
 * the ordinary POST /api/rebalance body a batch run (issue #13, later items) sends per account.
 * Pure: no store, no clock.
 */
import type { RpcError } from '../../contract/common';
import { MODEL_SETTING_KEYS, type AccountContent, type ModelContent } from '../../contract/models';
import type { RebalanceRequestInput } from '../../contract/rebalance';
import { Lru } from '../../domain/lru';
import type { SeriesContent } from '../../ports/models';

export interface RequestSettings {
  /** Dates of price history to send: the last `history_days` dates every asset has (≥ 2). */
  history_days: number;
  /** Value at the last closes on or before this ISO date (default: each series' last close). */
  as_of?: string | undefined;
}

export type BuiltRequest =
  { ok: true; request: RebalanceRequestInput } | { ok: false; error: RpcError };

/** Price history as a request carries it: common dates and each asset's closes on them. */
type History = { dates: string[]; prices: Record<string, number[]> };

/**
 * Common histories already built from one library with one set of settings (a batch's), by
 * universe: every account of a model batch that holds only model assets has the same universe,
 * and merging its 20 × 1,260 dates again took ≈ 1.5 ms of a ≈ 10 ms batch item. Keeps the
 * `capacity` most recently used. Use one memo per library and settings, never across them.
 */
export class HistoryMemo {
  private readonly built: Lru<string, History>;

  constructor(capacity = 32) {
    this.built = new Lru(capacity);
  }

  /** The history of `key`, built by `build` when not kept. */
  get(key: string, build: () => History): History {
    let h = this.built.get(key);
    if (h === undefined) {
      h = build();
      this.built.set(key, h);
    }
    return h;
  }
}

/** A copy of `h` the caller may own (a request's arrays are never shared with another's). */
function copyHistory(h: History): History {
  const prices: Record<string, number[]> = Object.create(null) as Record<string, number[]>;
  for (const [a, closes] of Object.entries(h.prices)) prices[a] = closes.slice();
  return { dates: h.dates.slice(), prices };
}

/** A series cut at `as_of` (dates ≤ as_of), or whole. */
function cut(s: SeriesContent, as_of: string | undefined): SeriesContent {
  if (as_of === undefined) return s;
  let n = s.dates.length;
  while (n > 0 && (s.dates[n - 1] as string) > as_of) n--;
  return n === s.dates.length ? s : { dates: s.dates.slice(0, n), closes: s.closes.slice(0, n) };
}

/**
 * Builds the rebalance request of `account` following `model`, with prices from `library`.
 *
 * Universe: the model's assets (in its order), then the assets the account holds that the model
 * has not (in the account's order): those get target 0, and model assets not held get current 0.
 * For each asset i, pᵢ = its last close in the library (on or before `as_of`), qᵢ its quantity
 * (0 when not held), C the account's cash:
 *   portfolio_value V = Σᵢ qᵢ·pᵢ + C,  current_weightᵢ = qᵢ·pᵢ / V,  cash_weight = C / V.
 * price_history: the last `history_days` dates on which every asset of the universe has a close,
 * with those closes. The model's band, method and settings are copied unchanged; currency is the
 * account's; as_of is `settings.as_of`, else the latest close date used.
 *
 * With `memo` (one per library and settings), the common history of a universe met before is
 * copied from it instead of merged again: the request is the same either way.
 *
 * Errors (no request): an asset without history in the library (CONFLICT, one detail per asset at
 * `library.<asset>`), fewer than 2 common dates, or an account worth 0 (positions and cash).
 *
 * Worked example (test/unit/service/rebalance-request-for.test.ts): model A 60 %, B 40 %;
 * account A × 10, C × 5, cash 100; last closes A 12, B 20, C 40 →
 *   V = 10·12 + 0·20 + 5·40 + 100 = 420;  current A = 120/420 = 0.285714, B = 0,
 *   C = 200/420 = 0.476190;  cash_weight = 100/420 = 0.238095;  targets A 0.6, B 0.4, C 0.
 */
export function rebalanceRequestFor(
  account: { account_id: string; content: AccountContent },
  model: { model_id: string; content: ModelContent },
  library: ReadonlyMap<string, SeriesContent>,
  settings: RequestSettings,
  memo?: HistoryMemo,
): BuiltRequest {
  const held = new Map(account.content.positions.map((p) => [p.asset, p]));
  const targets = new Map(model.content.targets.map((t) => [t.asset, t]));
  const universe = [
    ...model.content.targets.map((t) => t.asset),
    ...account.content.positions.map((p) => p.asset).filter((a) => !targets.has(a)),
  ];
  const details: { path: string; message: string }[] = [];
  const series = new Map<string, SeriesContent>();
  for (const asset of universe) {
    const s = library.get(asset);
    const c = s && cut(s, settings.as_of);
    const where = held.has(asset) ? 'held by the account' : 'in the model';
    if (!c || c.dates.length === 0)
      details.push({
        path: `library.${asset}`,
        message: s
          ? `the library has no close of ${asset} (${where}) on or before ${settings.as_of ?? ''}`
          : `the price library has no history for ${asset} (${where}); import it with POST /api/price-library/import`,
      });
    else series.set(asset, c);
  }
  const fail = (message: string): BuiltRequest => ({
    ok: false,
    error: { code: 'CONFLICT', message, details },
  });
  if (details.length > 0)
    return fail(
      `account ${account.account_id}: ${details.length} asset(s) without price history in the library`,
    );

  const last = (a: string) => {
    const s = series.get(a) as SeriesContent;
    return {
      price: s.closes[s.closes.length - 1] as number,
      date: s.dates[s.dates.length - 1] as string,
    };
  };
  let invested = 0;
  let latest = '';
  const values = universe.map((a) => {
    const { price, date } = last(a);
    if (date > latest) latest = date;
    const v = (held.get(a)?.quantity ?? 0) * price;
    invested += v;
    return v;
  });
  const cash = account.content.cash;
  const total = invested + cash;
  if (!(invested > 0)) {
    details.push({
      path: 'positions',
      message: `the account holds no position of positive value (cash ${cash}): current weights would all be 0`,
    });
    return fail(`account ${account.account_id} cannot be rebalanced: nothing invested`);
  }

  const build = () => commonHistory(universe, series, settings.history_days);
  const history = memo
    ? copyHistory(
        memo.get(
          `${settings.history_days}|${settings.as_of ?? ''}|${universe.join('\u0000')}`,
          build,
        ),
      )
    : build();
  if (history.dates.length < 2) {
    details.push({
      path: 'library',
      message: `the assets ${universe.join(', ')} have ${history.dates.length} date(s) with a close in common; at least 2 are needed`,
    });
    return fail(`account ${account.account_id}: too little common price history`);
  }

  const assets: RebalanceRequestInput['assets'] = universe.map((a, i) => {
    const t = targets.get(a);
    const p = held.get(a);
    const asset_class = t?.asset_class ?? p?.asset_class;
    const out: RebalanceRequestInput['assets'][number] = {
      asset: a,
      target_weight: t?.target_weight ?? 0,
      current_weight: (values[i] as number) / total,
      price: last(a).price,
      ...(asset_class !== undefined ? { asset_class } : {}),
      ...(p?.lot_size !== undefined ? { lot_size: p.lot_size } : {}),
    };
    return out;
  });
  const request: RebalanceRequestInput = {
    portfolio_value: total,
    currency: account.content.currency,
    as_of: settings.as_of ?? latest,
    cash_weight: cash / total,
    assets,
    price_history: history,
  };
  const m = model.content as Record<string, unknown>;
  const r = request as Record<string, unknown>;
  for (const k of MODEL_SETTING_KEYS) if (m[k] !== undefined) r[k] = m[k];
  return { ok: true, request };
}

/** The last `days` dates on which every asset has a close, and those closes (one merge pass per asset). */
function commonHistory(
  universe: readonly string[],
  series: ReadonlyMap<string, SeriesContent>,
  days: number,
): History {
  let common: string[] | null = null;
  for (const a of universe) {
    const d = (series.get(a) as SeriesContent).dates;
    if (common === null) {
      common = d.slice();
      continue;
    }
    const next: string[] = [];
    let j = 0;
    for (const x of common) {
      while (j < d.length && (d[j] as string) < x) j++;
      if (d[j] === x) next.push(x);
    }
    common = next;
  }
  const dates = (common ?? []).slice(-days);
  const prices: Record<string, number[]> = Object.create(null) as Record<string, number[]>;
  for (const a of universe) {
    const s = series.get(a) as SeriesContent;
    const closes: number[] = [];
    let j = 0;
    for (const x of dates) {
      while ((s.dates[j] as string) < x) j++;
      closes.push(s.closes[j] as number);
    }
    prices[a] = closes;
  }
  return { dates, prices };
}
