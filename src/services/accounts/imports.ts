/**
 * Account and price-library imports: the file parsed on the compute port (a pool worker in the
 * adapters), then checked against the store and written here, all or nothing.
 */
import type { z } from 'zod';
import type { Warning } from '../../contract/common';
import {
  AccountContent,
  type ImportAccountsRequest,
  type ImportPriceLibraryRequest,
} from '../../contract/models';
import type { Rejection } from '../../data/import/types';
import type { ImportReport } from '../../data/import';
import { canonicalJson } from '../../domain/canonical';
import type { PutSeriesInput, SaveRecordInput, SeriesContent, Store } from '../../ports/store';
import type { ComputePort } from '../compute/env';
import { mergeSeries, type SeriesMerge } from './library';

/** The report with extra rejections: not ok, nothing accepted (all or nothing). */
function rejectedReport(report: ImportReport, extra: Rejection[]): ImportReport {
  return {
    ...report,
    rows_accepted: 0,
    rejected: [...report.rejected, ...extra].sort((a, b) => a.line - b.line),
    rejected_count: report.rejected_count + extra.length,
  };
}

/**
 * Imports accounts (one row per account × position). Each account the file names gets a new
 * version holding exactly the file's positions; cash, currency and name come from the file when
 * it gives them, else from the previous version (0, USD and the account id for a new account);
 * the model from the file's model_id column, else the request's `model_id`, else the previous
 * version's. An account identical to its latest version is reported `unchanged` and not written.
 * A model id that names no model rejects its row; any rejection saves nothing. The versions and
 * their `account.imported` events (with the file's name and SHA-256) are one transaction.
 */
export async function importAccountsFile(
  store: Store,
  compute: ComputePort,
  req: z.output<typeof ImportAccountsRequest>,
  actor: string,
) {
  const parsed = await compute.run('importAccounts', req);
  if (!parsed.ok) return { ok: false, report: parsed.report, accounts: [] };
  const report = parsed.report;
  const modelColumn = report.detected_mapping.model_id ?? 'model_id';
  const extra: Rejection[] = [];
  const plans = parsed.data.map((acc) => {
    const prev = store.accounts.get(acc.account_id);
    const model_id = acc.model_id ?? req.model_id ?? prev?.model_id ?? null;
    if (model_id !== null && store.models.get(model_id) === null)
      extra.push({
        line: acc.model_line ?? 0,
        column: acc.model_line !== null ? modelColumn : 'model_id',
        reason_code: 'BAD_VALUE',
        message: `account ${acc.account_id}: no model ${model_id}`,
      });
    const before = prev ? (JSON.parse(prev.content_json) as AccountContent) : null;
    const content = AccountContent.safeParse({
      currency: acc.currency ?? before?.currency ?? 'USD',
      cash: acc.cash ?? before?.cash ?? 0,
      positions: acc.positions,
    });
    if (!content.success)
      for (const issue of content.error.issues)
        extra.push({
          line: acc.line,
          column: issue.path.join('.'),
          reason_code: 'BAD_VALUE',
          message: `account ${acc.account_id}: ${issue.message}`,
        });
    const name = acc.name ?? prev?.name ?? acc.account_id;
    const content_json = content.success ? canonicalJson(content.data) : '';
    const unchanged =
      prev !== null &&
      prev.content_json === content_json &&
      prev.name === name &&
      prev.model_id === model_id;
    return { acc, prev, model_id, name, content_json, unchanged, cash: content.data?.cash ?? 0 };
  });
  if (extra.length > 0) return { ok: false, report: rejectedReport(report, extra), accounts: [] };
  const note = { filename: req.filename, file_hash: report.content_hash };
  const inputs: SaveRecordInput[] = plans
    .filter((p) => !p.unchanged)
    .map((p) => ({
      id: p.acc.account_id,
      name: p.name,
      content_json: p.content_json,
      model_id: p.model_id,
      expected_version: p.prev?.version ?? 0,
      actor,
      origin: 'imported',
      note,
    }));
  const saved = new Map(store.accounts.saveMany(inputs).map((v) => [v.id, v]));
  const accounts = plans.map((p) => {
    const v = saved.get(p.acc.account_id);
    return {
      account_id: p.acc.account_id,
      name: p.name,
      model_id: p.model_id,
      action:
        v === undefined
          ? ('unchanged' as const)
          : p.prev
            ? ('updated' as const)
            : ('created' as const),
      version: v?.version ?? p.prev?.version ?? 0,
      positions: p.acc.positions.length,
      cash: p.cash,
    };
  });
  return { ok: true, report, accounts };
}

/**
 * Imports price series into the library with the existing price parser (each series over its
 * own dates). Each series is merged into the stored one (mergeSeries): new dates are added, a
 * close that differs from the stored one is replaced in the new version and counted (warning
 * PRICES_REVISED); the old version stays readable. An unchanged series writes nothing. All
 * versions and their `price_series.imported` events are one transaction.
 */
export async function importPriceLibraryFile(
  store: Store,
  compute: ComputePort,
  req: z.output<typeof ImportPriceLibraryRequest>,
  actor: string,
) {
  const parsed = await compute.run('importPrices', {
    req: { ...req, date_policy: 'own_range', allow_duplicate: true },
    attach_to: null,
  });
  const history = parsed.series_history;
  if (!parsed.ok || history === null) return { ok: false, report: parsed.report, series: [] };
  const merges: { symbol: string; merge: SeriesMerge; prev: number }[] = [];
  for (const [symbol, own] of Object.entries(history)) {
    const prev = store.priceLibrary.get(symbol);
    const stored = prev ? (JSON.parse(prev.content_json) as SeriesContent) : null;
    const merge = mergeSeries(stored, { dates: own.dates, closes: own.prices });
    merges.push({ symbol, merge, prev: prev?.version ?? 0 });
  }
  const puts: PutSeriesInput[] = merges
    .filter((m) => m.merge.action !== 'unchanged')
    .map((m) => ({ symbol: m.symbol, content: m.merge.content, expected_version: m.prev }));
  const written = new Map(
    store.priceLibrary
      .putMany(puts, actor, { filename: req.filename, file_hash: parsed.report.content_hash })
      .map((v) => [v.symbol, v]),
  );
  const warnings: Warning[] = [...parsed.report.warnings];
  const series = merges.map(({ symbol, merge }) => {
    const v = written.get(symbol) ?? store.priceLibrary.get(symbol);
    if (!v) throw new Error(`series ${symbol} vanished`);
    if (merge.revised_closes > 0)
      warnings.push({
        code: 'PRICES_REVISED',
        path: symbol,
        message: `${symbol}: ${merge.revised_closes} stored close(s) differ in this file; version ${v.version} holds the file's, version ${v.version - 1} stays readable`,
      });
    return {
      symbol,
      version: v.version,
      created_at: v.created_at,
      first_date: v.first_date,
      last_date: v.last_date,
      count: v.count,
      content_hash: v.content_hash,
      action: merge.action,
      added_dates: merge.added_dates,
      revised_closes: merge.revised_closes,
    };
  });
  return { ok: true, report: { ...parsed.report, warnings }, series };
}
