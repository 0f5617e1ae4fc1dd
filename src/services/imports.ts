import type { z } from 'zod';
import { EngineError, type Warning } from '../contract/common';
import { RebalanceRequest } from '../contract/rebalance';
import type { ImportPortfolioRequest, ImportPricesRequest } from '../contract/store';
import { canonicalJson } from '../domain/canonical';
import { importPortfolio, importPrices, toPriceHistory, toSeriesHistory } from '../data/import';
import type { SeriesInfo } from '../data/import';
import type { ImportRecord, Store } from '../ports/store';

type PortfolioIn = z.output<typeof ImportPortfolioRequest>;
type PricesIn = z.output<typeof ImportPricesRequest>;

function duplicateOf(rec: ImportRecord | null) {
  return rec
    ? {
        seq: rec.audit_seq,
        ts: rec.created_at,
        filename: rec.filename,
        subject: rec.portfolio_id ?? rec.content_hash,
      }
    : null;
}

/**
 * Imports a portfolio file. Parsing happens first, outside any transaction; only a file with no
 * rejected row is saved, and then the portfolio version, the import record and its audit event
 * are written in one transaction (all or nothing). The same bytes imported again are refused as
 * a duplicate unless `allow_duplicate` is set.
 */
export async function importPortfolioFile(store: Store, req: PortfolioIn, actor: string) {
  const result = await importPortfolio({
    filename: req.filename,
    format: req.format,
    content: req.content,
    decimal_separator: req.decimal_separator,
    ...(req.mapping ? { mapping: req.mapping } : {}),
    ...(req.sheet !== undefined ? { sheet: req.sheet } : {}),
  });
  const report = result.report;
  const previous = store.imports.findByHash(report.content_hash, 'portfolio');
  if (!result.ok)
    return {
      ok: false,
      report,
      duplicate_of: duplicateOf(previous),
      portfolio: null,
      content: null,
    };

  const data = result.data;
  const warnings: Warning[] = [...report.warnings];
  const portfolio_value =
    data.request?.portfolio_value ?? req.portfolio_value ?? data.portfolio_value ?? null;
  const content = data.request
    ? { ...data.request }
    : {
        ...(portfolio_value !== null ? { portfolio_value } : {}),
        assets: data.assets.map(({ quantity: _q, holdings, ...a }) => ({
          ...a,
          ...(holdings ? { holdings: holdings.map(({ quantity: _hq, ...h }) => h) } : {}),
        })),
      };
  if (previous && !req.allow_duplicate) {
    warnings.push({
      code: 'DUPLICATE_IMPORT',
      message: `the same file (SHA-256 ${report.content_hash.slice(0, 12)}…) was imported on ${previous.created_at}; not saved again (set allow_duplicate to import it anyway)`,
    });
    return {
      ok: true,
      report: { ...report, warnings },
      duplicate_of: duplicateOf(previous),
      portfolio: null,
      content,
    };
  }
  const valid = RebalanceRequest.safeParse(content);
  if (!valid.success) {
    warnings.push({
      code: 'NOT_SAVED',
      path: valid.error.issues[0]?.path.join('.') ?? '',
      message:
        portfolio_value === null
          ? 'the file has weights but no quantities: pass portfolio_value to save it as a portfolio'
          : `the imported portfolio is not a valid rebalance request: ${valid.error.issues[0]?.message ?? ''}`,
    });
    return {
      ok: true,
      report: { ...report, warnings },
      duplicate_of: null,
      portfolio: null,
      content,
    };
  }
  const content_json = canonicalJson(valid.data);
  const name = req.name ?? req.filename;
  // An unknown portfolio_id is refused by the store inside the import transaction (NOT_FOUND).
  const rec = store.imports.record({
    kind: 'portfolio',
    filename: req.filename,
    content_hash: report.content_hash,
    rows: report.rows_accepted,
    actor,
    portfolio: req.portfolio_id
      ? { portfolio_id: req.portfolio_id, content_json, name }
      : { content_json, name },
  });
  return {
    ok: true,
    report: { ...report, warnings },
    duplicate_of: null,
    portfolio:
      rec.portfolio_id !== null && rec.portfolio_version !== null
        ? { portfolio_id: rec.portfolio_id, name, version: rec.portfolio_version }
        : null,
    content: valid.data,
  };
}

/**
 * Imports a price file. `symbols` keeps only those series (unknown ones are refused at
 * `symbols.<i>`); price_history holds the dates on which every chosen series has a price, and with
 * date_policy `own_range` series_history also carries each chosen series over its own full range.
 * When `portfolio_id` is given, price_history becomes the portfolio's price history in a new
 * version (same all-or-nothing write).
 */
export async function importPriceFile(store: Store, req: PricesIn, actor: string) {
  const result = await importPrices({
    filename: req.filename,
    format: req.format,
    content: req.content,
    decimal_separator: req.decimal_separator,
    ...(req.mapping ? { mapping: req.mapping } : {}),
    ...(req.sheet !== undefined ? { sheet: req.sheet } : {}),
    ...(req.layout ? { layout: req.layout } : {}),
    ...(req.date_format ? { date_format: req.date_format } : {}),
  });
  const report = result.report;
  const previous = store.imports.findByHash(report.content_hash, 'prices');
  const empty = {
    series: [],
    price_history: null,
    dropped_dates: 0,
    series_history: null,
    portfolio: null,
  };
  if (!result.ok) return { ok: false, report, duplicate_of: duplicateOf(previous), ...empty };
  // Refuses unknown or repeated symbols (400 at symbols.<i>) before anything is recorded.
  const sel = toPriceHistory(result.data, req.symbols);
  const bySymbol = new Map(result.data.series.map((s) => [s.symbol, s]));
  const warnings: Warning[] = [...report.warnings, ...sel.warnings];
  const base = {
    // Every chosen symbol is in the file (checked above), so each has its SeriesInfo.
    series: sel.symbols.map((s) => bySymbol.get(s) as SeriesInfo),
    price_history: sel.price_history,
    dropped_dates: sel.dropped_dates,
    series_history:
      req.date_policy === 'own_range' ? toSeriesHistory(result.data, sel.symbols) : null,
  };
  if (previous && !req.allow_duplicate) {
    warnings.push({
      code: 'DUPLICATE_IMPORT',
      message: `the same file was imported on ${previous.created_at}; not saved again (set allow_duplicate to import it anyway)`,
    });
    return {
      ok: true,
      report: { ...report, warnings },
      duplicate_of: duplicateOf(previous),
      ...base,
      portfolio: null,
    };
  }
  let portfolio = null;
  let attach: { portfolio_id: string; content_json: string; name: string } | undefined;
  if (req.portfolio_id) {
    const p = store.portfolios.get(req.portfolio_id);
    if (!p) {
      throw new EngineError('NOT_FOUND', `portfolio ${req.portfolio_id} does not exist`, [
        { path: 'portfolio_id', message: 'no such portfolio' },
      ]);
    }
    if (!sel.price_history) {
      throw new EngineError(
        'BAD_REQUEST',
        'fewer than 2 dates have a price for every chosen series; nothing to attach',
        [
          {
            path: req.symbols ? 'symbols' : 'content',
            message: `only ${sel.kept_dates} common date(s); choose fewer or longer series`,
          },
        ],
      );
    }
    const next = RebalanceRequest.safeParse({
      ...(JSON.parse(p.content_json) as object),
      price_history: sel.price_history,
    });
    if (!next.success) {
      throw new EngineError(
        'BAD_REQUEST',
        'the portfolio with these prices is not a valid rebalance request',
        next.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    }
    attach = { portfolio_id: p.portfolio_id, content_json: canonicalJson(next.data), name: p.name };
  }
  const rec = store.imports.record({
    kind: 'prices',
    filename: req.filename,
    content_hash: report.content_hash,
    rows: report.rows_accepted,
    actor,
    ...(attach ? { portfolio: attach } : {}),
  });
  if (attach && rec.portfolio_version !== null)
    portfolio = {
      portfolio_id: attach.portfolio_id,
      name: attach.name,
      version: rec.portfolio_version,
    };
  return { ok: true, report: { ...report, warnings }, duplicate_of: null, ...base, portfolio };
}
