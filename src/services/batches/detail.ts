/**
 * A batch as the API shows it: its status, its progress (counts over every item), a page of items
 * and the exceptions among them — what a PM reviews: runs the supervisor sent for review or
 * rejected, failed runs (a data-health block among them), items no run could be made for, and
 * runs that leave assets outside their band after the proposed trades.
 */
import type {
  BatchDetail,
  BatchException,
  BatchItem,
  BatchProgress,
  BatchSettings,
} from '../../contract/batches';
import type { RunComputed } from '../compute/run';
import type {
  BatchCounts,
  BatchItemRecord,
  BatchRecord,
  ItemOutcome,
  Store,
} from '../../ports/store';

/**
 * What a computed run adds to its item. Example: a succeeded run whose SPY row ends
 * `post_trade_band_status: 'outside'`, decision REVIEW_REQUIRED → `{decision: 'REVIEW_REQUIRED',
 * breaches: ['SPY'], reasons: [<its decision_reasons>], error: null}`; a failed run →
 * `{decision: null, breaches: [], reasons: [], error: <its error>}`.
 */
export function itemOutcome(c: RunComputed): ItemOutcome {
  if (c.status === 'failed') return { decision: null, breaches: [], reasons: [], error: c.error };
  const out = c.output;
  return {
    decision: out.decision,
    breaches: out.weights.filter((w) => w.post_trade_band_status === 'outside').map((w) => w.asset),
    reasons: out.decision === 'APPROVED' ? [] : out.decision_reasons,
    error: null,
  };
}

/**
 * The exceptions of one item, in the order of EXCEPTION_REASONS (none for a clean run). Example:
 * a REVIEW_REQUIRED run leaving AMZN outside its band → `[{reason: 'REVIEW_REQUIRED', message:
 * <its reasons>, assets: []}, {reason: 'bands_breached', assets: ['AMZN'], …}]`.
 */
export function exceptionsOf(it: BatchItemRecord): BatchException[] {
  const base = { index: it.index, account_id: it.account_id, run_id: it.run_id, assets: [] };
  const out: BatchException[] = [];
  if (it.decision === 'REVIEW_REQUIRED' || it.decision === 'REJECTED')
    out.push({ ...base, reason: it.decision, message: it.reasons.join(' ') || it.decision });
  if (it.state === 'failed' && it.error)
    out.push({
      ...base,
      reason: it.error.code === 'DATA_BLOCKED' ? 'data_blocked' : 'run_failed',
      message: it.error.message,
    });
  if (it.state === 'unbuilt' && it.error) {
    const where = it.error.details.map((d) => `${d.path}: ${d.message}`).join('; ');
    out.push({
      ...base,
      reason: 'unbuilt',
      message: where ? `${it.error.message} (${where})` : it.error.message,
    });
  }
  if (it.breaches.length > 0)
    out.push({
      ...base,
      reason: 'bands_breached',
      message: `${it.breaches.length} asset(s) still outside their band after the proposed trades: ${it.breaches.join(', ')}`,
      assets: it.breaches,
    });
  return out;
}

/**
 * Progress over every item; `exceptions` counts each reason once per item. Example: 3 succeeded
 * (1 REVIEW_REQUIRED with a band breached) and 1 unbuilt → `{total: 4, done: 3, failed: 1,
 * cancelled: 0, pending: 0, by_decision: {APPROVED: 2, REVIEW_REQUIRED: 1, REJECTED: 0},
 * exceptions: 3}`.
 */
export function progressOf(b: BatchRecord, c: BatchCounts): BatchProgress {
  return {
    total: b.total,
    done: c.succeeded,
    failed: c.failed + c.unbuilt,
    cancelled: c.cancelled,
    pending: c.pending,
    by_decision: { ...c.by_decision },
    exceptions:
      c.by_decision.REVIEW_REQUIRED + c.by_decision.REJECTED + c.failed + c.unbuilt + c.breached,
  };
}

/** The summary fields of a batch (GET /api/batches rows): the record's, `settings` left out. */
export function batchSummary(b: BatchRecord) {
  return {
    batch_id: b.batch_id,
    kind: b.kind,
    status: b.status,
    created_at: b.created_at,
    finished_at: b.finished_at,
    actor: b.actor,
    model_id: b.model_id,
    model_version: b.model_version,
    policy_version: b.policy_version,
    total: b.total,
  };
}

function item(it: BatchItemRecord): BatchItem {
  return {
    index: it.index,
    account_id: it.account_id,
    run_id: it.run_id,
    state: it.state,
    decision: it.decision,
    error: it.error,
  };
}

/**
 * GET /api/batches/{batch_id}: the batch, its progress, items [from, from + limit) and their
 * exceptions. Example: a 3-item batch, page (0, 1000) → items 0..2, `next_from` null.
 */
export function batchDetail(
  store: Store,
  b: BatchRecord,
  page: { from: number; limit: number },
  executor: string,
): BatchDetail {
  const items = store.batches.items(b.batch_id, page.from, page.limit);
  const end = page.from + page.limit;
  return {
    ...batchSummary(b),
    settings: JSON.parse(b.settings_json) as BatchSettings | null,
    executor,
    trouble: b.trouble,
    progress: progressOf(b, store.batches.counts(b.batch_id)),
    items: items.map(item),
    exceptions: items.flatMap(exceptionsOf),
    next_from: end < b.total ? end : null,
  };
}
