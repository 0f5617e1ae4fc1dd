import { EngineError, type Warning } from '../contract/common';
import { JsonText } from '../domain/jsonText';
import type { ImportRecord, PortfolioVersion, Store } from '../ports/store';
import type { ComputePort } from './compute/env';
import type { PortfolioIn, PortfolioParsed, PricesIn, PricesParsed } from './compute/imports';

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
 * Imports a portfolio file. Parsing happens first, on the compute port (a pool worker in the
 * adapters) and outside any transaction; only a file with no
 * rejected row is saved, and then the portfolio version, the import record and its audit event
 * are written in one transaction (all or nothing). The same bytes imported again are refused as
 * a duplicate unless `allow_duplicate` is set.
 */
export async function importPortfolioFile(
  store: Store,
  compute: ComputePort,
  req: PortfolioIn,
  actor: string,
) {
  return portfolioImport(store, await compute.run('importPortfolio', req), req, actor);
}

/**
 * importPortfolioFile with the large fields serialized on the compute port (JsonText in the
 * answer): for an adapter that sends the answer as JSON text (HTTP).
 */
export async function importPortfolioFileText(
  store: Store,
  compute: ComputePort,
  req: PortfolioIn,
  actor: string,
) {
  const p = await compute.run('importPortfolioText', req);
  const parsed: PortfolioParsed<JsonText, JsonText> = {
    ...p,
    content: p.content === null ? null : new JsonText(p.content),
    checked:
      p.checked === null || !p.checked.ok
        ? p.checked
        : { ...p.checked, content: new JsonText(p.checked.content) },
  };
  return portfolioImport(store, parsed, req, actor);
}

function portfolioImport<C, R>(
  store: Store,
  parsed: PortfolioParsed<C, R>,
  req: PortfolioIn,
  actor: string,
) {
  const report = parsed.report;
  const previous = store.imports.findByHash(report.content_hash, 'portfolio');
  if (!parsed.ok || !parsed.checked)
    return {
      ok: false,
      report,
      duplicate_of: duplicateOf(previous),
      portfolio: null,
      content: null,
    };
  const { content, portfolio_value, checked } = parsed;
  const warnings: Warning[] = [...report.warnings];
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
  if (!checked.ok) {
    const first = checked.details[0];
    warnings.push({
      code: 'NOT_SAVED',
      path: first?.path ?? '',
      message:
        portfolio_value === null
          ? 'the file has weights but no quantities: pass portfolio_value to save it as a portfolio'
          : `the imported portfolio is not a valid rebalance request: ${first?.message ?? ''}`,
    });
    return {
      ok: true,
      report: { ...report, warnings },
      duplicate_of: null,
      portfolio: null,
      content,
    };
  }
  const { content_json } = checked;
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
    content: checked.content,
  };
}

/**
 * Imports a price file. `symbols` keeps only those series (unknown ones are refused at
 * `symbols.<i>`); price_history holds the dates on which every chosen series has a price, and with
 * date_policy `own_range` series_history also carries each chosen series over its own full range.
 * When `portfolio_id` is given, price_history becomes the portfolio's price history in a new
 * version (same all-or-nothing write).
 */
export async function importPriceFile(
  store: Store,
  compute: ComputePort,
  req: PricesIn,
  actor: string,
) {
  // The portfolio to attach to is read first so the worker can check it with the new prices; an
  // unknown id is still refused only once the file itself passed (as before the pool).
  const target = req.portfolio_id ? store.portfolios.get(req.portfolio_id) : null;
  const attach_to = target ? target.content_json : null;
  const parsed = await compute.run('importPrices', { req, attach_to });
  return priceImport(store, parsed, target, req, actor);
}

/** importPriceFile with price_history and series_history as JsonText (see importPortfolioFileText). */
export async function importPriceFileText(
  store: Store,
  compute: ComputePort,
  req: PricesIn,
  actor: string,
) {
  const target = req.portfolio_id ? store.portfolios.get(req.portfolio_id) : null;
  const attach_to = target ? target.content_json : null;
  const p = await compute.run('importPricesText', { req, attach_to });
  const text = (t: string | null) => (t === null || t === 'null' ? null : new JsonText(t));
  const parsed: PricesParsed<JsonText | null, JsonText> = {
    ...p,
    selection: p.selection && { ...p.selection, price_history: text(p.selection.price_history) },
    series_history: text(p.series_history),
  };
  return priceImport(store, parsed, target, req, actor);
}

function priceImport<H, S>(
  store: Store,
  parsed: PricesParsed<H, S>,
  target: PortfolioVersion | null,
  req: PricesIn,
  actor: string,
) {
  const report = parsed.report;
  const previous = store.imports.findByHash(report.content_hash, 'prices');
  const empty = {
    series: [],
    price_history: null,
    dropped_dates: 0,
    series_history: null,
    portfolio: null,
  };
  const sel = parsed.selection;
  if (!parsed.ok || !sel)
    return { ok: false, report, duplicate_of: duplicateOf(previous), ...empty };
  const warnings: Warning[] = [...report.warnings, ...sel.warnings];
  const base = {
    series: sel.series,
    price_history: sel.price_history,
    dropped_dates: sel.dropped_dates,
    series_history: parsed.series_history,
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
    if (!target) {
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
    const next = parsed.attached;
    if (!next?.ok) {
      throw new EngineError(
        'BAD_REQUEST',
        'the portfolio with these prices is not a valid rebalance request',
        next?.details ?? [],
      );
    }
    attach = {
      portfolio_id: target.portfolio_id,
      content_json: next.content_json,
      name: target.name,
    };
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
