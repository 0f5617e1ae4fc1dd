/**
 * The computing half of a file import: parsing (src/data/import), the portfolio the file
 * describes checked against the contract, a price selection and the portfolio those prices would
 * make. Runs on a pool worker in the adapters (a 50 MB file is parsed there); the owner of the
 * database checks duplicates and writes (services/imports.ts).
 */
import type { z } from 'zod';
import type { ErrorDetail } from '../../contract/common';
import { RebalanceRequest } from '../../contract/rebalance';
import {
  ImportPricesResponse,
  type ImportPortfolioRequest,
  type ImportPricesRequest,
} from '../../contract/store';
import { canonicalJson } from '../../domain/canonical';
import { importPortfolio, importPrices, toPriceHistory, toSeriesHistory } from '../../data/import';
import type { ImportReport, SeriesInfo } from '../../data/import';
import type { PriceHistorySelection } from '../../data/import';

export type PortfolioIn = z.output<typeof ImportPortfolioRequest>;
export type PricesIn = z.output<typeof ImportPricesRequest>;

/**
 * A contract check: the canonical JSON to store, or the first problem. `content` is the checked
 * request, or (answers serialized on the worker) its JSON text, wrapped by the owner.
 */
export type Checked<C = RebalanceRequest> =
  { ok: true; content_json: string; content: C } | { ok: false; details: ErrorDetail[] };

export interface PortfolioParsed<C = Record<string, unknown>, R = RebalanceRequest> {
  ok: boolean;
  report: ImportReport;
  /** What the file describes (null when a row was rejected). */
  content: C | null;
  portfolio_value: number | null;
  /** `content` as a rebalance request (null when not ok). */
  checked: Checked<R> | null;
}

function check(value: unknown): Checked {
  const valid = RebalanceRequest.safeParse(value);
  if (valid.success)
    return { ok: true, content_json: canonicalJson(valid.data), content: valid.data };
  return {
    ok: false,
    details: valid.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  };
}

/** The options both file parsers share, as the request gives them. */
function fileOptions<M>(req: {
  filename: string;
  format: PortfolioIn['format'];
  content: string;
  decimal_separator: PortfolioIn['decimal_separator'];
  mapping?: M | undefined;
  sheet?: PortfolioIn['sheet'];
}) {
  return {
    filename: req.filename,
    format: req.format,
    content: req.content,
    decimal_separator: req.decimal_separator,
    ...(req.mapping ? { mapping: req.mapping } : {}),
    ...(req.sheet !== undefined ? { sheet: req.sheet } : {}),
  };
}

/** Parses a portfolio file and checks the portfolio it describes. */
export async function parsePortfolioFile(req: PortfolioIn): Promise<PortfolioParsed> {
  const result = await importPortfolio(fileOptions(req));
  if (!result.ok)
    return {
      ok: false,
      report: result.report,
      content: null,
      portfolio_value: null,
      checked: null,
    };
  const data = result.data;
  const portfolio_value =
    data.request?.portfolio_value ?? req.portfolio_value ?? data.portfolio_value ?? null;
  const content: Record<string, unknown> = data.request
    ? { ...data.request }
    : {
        ...(portfolio_value !== null ? { portfolio_value } : {}),
        assets: data.assets.map(({ quantity: _q, holdings, ...a }) => ({
          ...a,
          ...(holdings ? { holdings: holdings.map(({ quantity: _hq, ...h }) => h) } : {}),
        })),
      };
  return { ok: true, report: result.report, content, portfolio_value, checked: check(content) };
}

export interface PricesParsed<H = PriceHistorySelection['price_history'], S = SeriesHistory> {
  ok: boolean;
  report: ImportReport;
  selection:
    | (Omit<PriceHistorySelection, 'price_history'> & {
        price_history: H;
        series: SeriesInfo[];
      })
    | null;
  series_history: S | null;
  /** The portfolio to attach the prices to, with them (when `attach_to` was given). */
  attached: Checked<unknown> | null;
}

type SeriesHistory = ReturnType<typeof toSeriesHistory>;

/**
 * Parses a price file and selects its series (an unknown or repeated symbol throws BAD_REQUEST
 * at `symbols.<i>`). With `attach_to` (a stored portfolio's content_json) it also checks that
 * portfolio with the selected price_history.
 */
export async function parsePriceFile(task: {
  req: PricesIn;
  attach_to: string | null;
}): Promise<PricesParsed> {
  const { req } = task;
  const result = await importPrices({
    ...fileOptions(req),
    ...(req.layout ? { layout: req.layout } : {}),
    ...(req.date_format ? { date_format: req.date_format } : {}),
  });
  if (!result.ok)
    return {
      ok: false,
      report: result.report,
      selection: null,
      series_history: null,
      attached: null,
    };
  const sel = toPriceHistory(result.data, req.symbols);
  const bySymbol = new Map(result.data.series.map((s) => [s.symbol, s]));
  // Every chosen symbol is in the file (toPriceHistory checked), so each has its SeriesInfo.
  const series = sel.symbols.map((s) => bySymbol.get(s) as SeriesInfo);
  const attached =
    task.attach_to !== null && sel.price_history
      ? check({
          ...(JSON.parse(task.attach_to) as object),
          price_history: sel.price_history,
        })
      : null;
  return {
    ok: true,
    report: result.report,
    selection: { ...sel, series },
    series_history:
      req.date_policy === 'own_range' ? toSeriesHistory(result.data, sel.symbols) : null,
    attached,
  };
}

/**
 * parsePortfolioFile with the answer's large fields as JSON text, serialized here: a portfolio
 * carrying a 1,260-day history is megabytes the owner then splices without touching
 * (services/imports.ts). The same values as parsePortfolioFile, as JSON.stringify writes them.
 */
export async function parsePortfolioFileText(
  req: PortfolioIn,
): Promise<PortfolioParsed<string, string>> {
  const p = await parsePortfolioFile(req);
  return {
    ...p,
    content: p.content === null ? null : JSON.stringify(p.content),
    checked:
      p.checked === null || !p.checked.ok
        ? p.checked
        : { ...p.checked, content: JSON.stringify(p.checked.content) },
  };
}

/**
 * parsePriceFile with price_history and series_history as JSON text, checked here against the
 * answer's schema (the owner checks the rest of the answer). A refused history is a bug: thrown.
 */
export async function parsePriceFileText(task: {
  req: PricesIn;
  attach_to: string | null;
}): Promise<PricesParsed<string, string>> {
  const p = await parsePriceFile(task);
  const shape = ImportPricesResponse.shape;
  if (!shape.price_history.safeParse(p.selection?.price_history ?? null).success)
    throw new Error('output contract violated: price_history');
  if (!shape.series_history.safeParse(p.series_history).success)
    throw new Error('output contract violated: series_history');
  return {
    ...p,
    selection: p.selection && {
      ...p.selection,
      price_history: JSON.stringify(p.selection.price_history),
    },
    series_history: p.series_history === null ? null : JSON.stringify(p.series_history),
    // The owner stores attached.content_json; the checked request itself is not sent back.
    attached: p.attached && (p.attached.ok ? { ...p.attached, content: null } : p.attached),
  };
}
