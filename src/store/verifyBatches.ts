import type Database from 'better-sqlite3';
import type { VerifyProblem } from '../ports/store';
import { itemsHash, outcomesHash, type ItemOutcomeRow, type ItemSpecRow } from './batchHashes';
import { sha256Hex } from './hash';
import type { ProblemList } from './problems';
import type { Steps } from './steps';
import { ORPHAN_WINDOW, RUN_PAGE } from './verifyRuns';

const ACTIONS = "('batch.created', 'batch.finished', 'batch.cancelled')";

interface BatchRow {
  batch_id: string;
  created_at: string;
  kind: string;
  model_id: string | null;
  model_version: number | null;
  policy_version: number;
  settings_json: string;
  library_json: string;
  total: number;
  actor: string;
  status: string;
  finished_at: string | null;
}

interface Ev {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  payload: Record<string, unknown> | null;
}

function parsed(payload_json: string): Record<string, unknown> | null {
  try {
    const p = JSON.parse(payload_json) as unknown;
    return p !== null && typeof p === 'object' && !Array.isArray(p)
      ? (p as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Checks every batch (schema v9) against its audit events, as checkVersions does for versions:
 * - exactly one `batch.created`, at the batch's created_at and by its actor, whose payload equals
 *   kind, model, policy version and total, and the SHA-256 of settings_json, library_json and of
 *   the item list (itemsHash, recomputed from the item rows);
 * - a finished batch (finished_at set): exactly one `batch.finished` (status done) or
 *   `batch.cancelled` (status cancelled) at finished_at whose outcomes_hash equals the items'
 *   outcomes now (outcomesHash); an unfinished batch: none;
 * - every item that names a run: that run's `run.created` names this batch and index;
 * - every batch event names a stored batch, and every `run.created` naming a batch item is named
 *   by that item.
 * Problems: record_without_event, duplicate_event, record_mismatch (with `fields`, the columns),
 * event_without_record. One step per batch, one per window of events.
 * Example: a done batch whose item 1 had its decision edited → `{kind: 'record_mismatch', record:
 * {table: 'batches', id, version: 0}, fields: ['batch_items']}` (its outcomes no longer hash to
 * the batch.finished event's outcomes_hash).
 */
export function* checkBatches(db: Database.Database, problems: ProblemList): Steps<void> {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'batches'")
    .pluck()
    .get();
  if (exists === undefined) return;
  const page = db.prepare(
    `SELECT batch_id, created_at, kind, model_id, model_version, policy_version, settings_json,
            library_json, total, actor, status, finished_at
     FROM batches WHERE batch_id > ? ORDER BY batch_id LIMIT ?`,
  );
  const q = {
    events: db.prepare(
      `SELECT seq, ts, actor, action, payload_json FROM audit_events
       WHERE subject = ? AND action IN ${ACTIONS} ORDER BY seq`,
    ),
    specs: db.prepare(
      `SELECT idx, account_id, account_version, request_json FROM batch_items
       WHERE batch_id = ? ORDER BY idx`,
    ),
    outcomes: db.prepare(
      `SELECT idx, state, run_id, decision, breaches_json, reasons_json, error_json
       FROM batch_items WHERE batch_id = ? ORDER BY idx`,
    ),
    links: db.prepare(
      `SELECT i.idx, i.run_id, e.payload_json FROM batch_items i
       LEFT JOIN audit_events e ON e.subject = i.run_id AND e.action = 'run.created'
       WHERE i.batch_id = ? AND i.run_id IS NOT NULL ORDER BY i.idx`,
    ),
  };
  let after = '';
  for (;;) {
    const rows = page.all(after, RUN_PAGE) as BatchRow[];
    for (const b of rows) {
      const evs = (
        q.events.all(b.batch_id) as (Omit<Ev, 'payload'> & { payload_json: string })[]
      ).map((e) => ({ ...e, payload: parsed(e.payload_json) }));
      checkCreated(b, evs, q.specs.all(b.batch_id) as ItemSpecRow[], problems);
      checkFinished(b, evs, () => q.outcomes.all(b.batch_id) as ItemOutcomeRow[], problems);
      checkLinks(b.batch_id, q.links.all(b.batch_id) as LinkRow[], problems);
      yield;
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < RUN_PAGE) break;
    after = last.batch_id;
  }
  yield* findOrphans(db, problems);
}

const rec = (batch_id: string): VerifyProblem['record'] => ({
  table: 'batches',
  id: batch_id,
  version: 0,
});

/** A duplicate_event at the second of `events` (all of one kind, `what`), when there is one. */
function noSecond(b: BatchRow, events: Ev[], what: string, problems: ProblemList): void {
  const second = events[1];
  if (second === undefined) return;
  problems.add({
    kind: 'duplicate_event',
    record: rec(b.batch_id),
    seq: second.seq,
    message: `batch ${b.batch_id} has ${events.length} ${what} (seq ${events.map((e) => e.seq).join(', ')})`,
  });
}

function checkCreated(b: BatchRow, evs: Ev[], specs: ItemSpecRow[], problems: ProblemList): void {
  const created = evs.filter((e) => e.action === 'batch.created');
  const first = created[0];
  if (first === undefined) {
    problems.add({
      kind: 'record_without_event',
      record: rec(b.batch_id),
      message: `batch ${b.batch_id} is stored but has no batch.created audit event`,
    });
    return;
  }
  noSecond(b, created, 'batch.created events', problems);
  const p = first.payload ?? {};
  const expect: [string, unknown, unknown][] = [
    ['created_at', first.ts, b.created_at],
    ['actor', first.actor, b.actor],
    ['kind', p.kind, b.kind],
    ['model_id', p.model_id, b.model_id],
    ['model_version', p.model_version, b.model_version],
    ['policy_version', p.policy_version, b.policy_version],
    ['total', p.total, b.total],
    ['settings_json', p.settings_hash, sha256Hex(b.settings_json)],
    ['library_json', p.library_hash, sha256Hex(b.library_json)],
    ['batch_items', p.items_hash, itemsHash(specs)],
  ];
  if (specs.length !== b.total) expect.push(['batch_items', b.total, specs.length]);
  const fields = [...new Set(expect.filter(([, a, c]) => a !== c).map(([f]) => f))];
  if (fields.length > 0)
    problems.add({
      kind: 'record_mismatch',
      record: rec(b.batch_id),
      seq: first.seq,
      fields,
      message: `batch ${b.batch_id} differs from its batch.created event (seq ${first.seq}): ${fields.join(', ')}`,
    });
}

function checkFinished(
  b: BatchRow,
  evs: Ev[],
  outcomes: () => ItemOutcomeRow[],
  problems: ProblemList,
): void {
  const ends = evs.filter((e) => e.action !== 'batch.created');
  const first = ends[0];
  if (b.finished_at === null) {
    if (first !== undefined)
      problems.add({
        kind: 'record_mismatch',
        record: rec(b.batch_id),
        seq: first.seq,
        fields: ['status', 'finished_at'],
        message: `batch ${b.batch_id} has a ${first.action} event (seq ${first.seq}) but is stored as ${b.status}, not finished`,
      });
    return;
  }
  if (first === undefined) {
    problems.add({
      kind: 'record_without_event',
      record: rec(b.batch_id),
      fields: ['status', 'finished_at'],
      message: `batch ${b.batch_id} is stored as finished (${b.status}) but no batch.finished or batch.cancelled event records it`,
    });
    return;
  }
  noSecond(b, ends, 'finishing events', problems);
  const p = first.payload ?? {};
  const action = b.status === 'cancelled' ? 'batch.cancelled' : 'batch.finished';
  const fields: string[] = [];
  if (first.action !== action || p.status !== b.status) fields.push('status');
  if (first.ts !== b.finished_at) fields.push('finished_at');
  if (p.outcomes_hash !== outcomesHash(outcomes())) fields.push('batch_items');
  if (fields.length > 0)
    problems.add({
      kind: 'record_mismatch',
      record: rec(b.batch_id),
      seq: first.seq,
      fields,
      message: `batch ${b.batch_id} differs from its ${first.action} event (seq ${first.seq}): ${fields.join(', ')}`,
    });
}

interface LinkRow {
  idx: number;
  run_id: string;
  payload_json: string | null;
}

function checkLinks(batch_id: string, links: LinkRow[], problems: ProblemList): void {
  for (const l of links) {
    const p = l.payload_json === null ? null : parsed(l.payload_json);
    if (p !== null && p.batch_id === batch_id && p.batch_index === l.idx) continue;
    problems.add({
      kind: 'record_mismatch',
      record: { table: 'batch_items', id: batch_id, version: l.idx },
      run_id: l.run_id,
      fields: ['run_id'],
      message: `batch ${batch_id} item ${l.idx} names run ${l.run_id}, whose run.created event does not name this item`,
    });
  }
}

/** Batch events naming no stored batch; run.created events naming an item that does not name the run. */
function* findOrphans(db: Database.Database, problems: ProblemList): Steps<void> {
  const batchOrphans = db.prepare(
    `SELECT e.seq, e.subject, e.action FROM audit_events e
     WHERE e.seq > ? AND e.seq <= ? AND e.action IN ${ACTIONS}
       AND NOT EXISTS (SELECT 1 FROM batches b WHERE b.batch_id = e.subject)
     ORDER BY e.seq`,
  );
  const linked =
    "CASE WHEN json_valid(e.payload_json) THEN json_extract(e.payload_json, '$.%') END";
  const runOrphans = db.prepare(
    `SELECT seq, subject, batch_id, batch_index FROM (
       SELECT e.seq, e.subject, ${linked.replace('%', 'batch_id')} AS batch_id,
              ${linked.replace('%', 'batch_index')} AS batch_index
       FROM audit_events e
       WHERE e.seq > ? AND e.seq <= ? AND e.action = 'run.created') x
     WHERE x.batch_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM batch_items i WHERE i.batch_id = x.batch_id
                       AND i.idx = x.batch_index AND i.run_id = x.subject)
     ORDER BY seq`,
  );
  const last =
    (db.prepare('SELECT max(seq) FROM audit_events').pluck().get() as number | null) ?? 0;
  for (let from = 0; from < last; from += ORPHAN_WINDOW) {
    const to = from + ORPHAN_WINDOW;
    for (const e of batchOrphans.all(from, to) as {
      seq: number;
      subject: string;
      action: string;
    }[])
      problems.add({
        kind: 'event_without_record',
        record: rec(e.subject),
        seq: e.seq,
        message: `audit event seq ${e.seq} (${e.action}) names batch ${e.subject}, which is not stored`,
      });
    const runs = runOrphans.all(from, to) as {
      seq: number;
      subject: string;
      batch_id: unknown;
      batch_index: unknown;
    }[];
    for (const e of runs)
      problems.add({
        kind: 'event_without_record',
        record: {
          table: 'batch_items',
          id: String(e.batch_id),
          version: typeof e.batch_index === 'number' ? e.batch_index : -1,
        },
        run_id: e.subject,
        seq: e.seq,
        message: `run ${e.subject}'s run.created event (seq ${e.seq}) names batch ${String(e.batch_id)} item ${String(e.batch_index)}, which does not name the run`,
      });
    yield;
  }
}
