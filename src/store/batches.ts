import type Database from 'better-sqlite3';
import { EngineError } from '../contract/common';
import type { ErrorDetail } from '../contract/common';
import type {
  BatchCounts,
  BatchItemRecord,
  BatchRecord,
  BatchRepository,
  CreateBatchInput,
  ItemError,
  ItemOutcome,
  ItemWrite,
} from '../ports/batches';
import type { AuditAction, RunDecision, SaveRunInput } from '../ports/store';
import type { PreparedEvent, SqliteAuditLog } from './audit';
import { isJson } from './audit';
import { itemsHash, outcomesHash, stateCounts, type ItemOutcomeRow } from './batchHashes';
import { canonicalJson, sha256Hex } from './hash';
import { UlidGenerator } from './ids';
import type { SqliteRunRepository } from './runs';

const BATCH_COLS =
  'batch_id, kind, created_at, model_id, model_version, policy_version, settings_json, ' +
  'library_json, total, actor, status, trouble, finished_at';
const OUTCOME_COLS = 'idx, state, run_id, decision, breaches_json, reasons_json, error_json';
const ITEM_COLS = `batch_id, account_id, account_version, ${OUTCOME_COLS}`;

interface ItemRow extends ItemOutcomeRow {
  batch_id: string;
  account_id: string | null;
  account_version: number | null;
  request_json?: string | null;
}

function itemRecord(r: ItemRow): BatchItemRecord {
  return {
    batch_id: r.batch_id,
    index: r.idx,
    account_id: r.account_id,
    account_version: r.account_version,
    request_json: r.request_json ?? null,
    state: r.state as BatchItemRecord['state'],
    run_id: r.run_id,
    decision: r.decision as RunDecision | null,
    breaches: JSON.parse(r.breaches_json) as string[],
    reasons: JSON.parse(r.reasons_json) as string[],
    error: r.error_json === null ? null : (JSON.parse(r.error_json) as ItemError),
  };
}

/** The repository's prepared statements. */
function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    insertBatch: p(
      `INSERT INTO batches (batch_id, created_at, kind, model_id, model_version, policy_version,
         settings_json, library_json, total, actor, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued')`,
    ),
    insertItem: p(
      `INSERT INTO batch_items (batch_id, idx, account_id, account_version, request_json, state)
       VALUES (?, ?, ?, ?, ?, 'pending')`,
    ),
    get: p(`SELECT ${BATCH_COLS} FROM batches WHERE batch_id = ?`),
    list: p(
      `SELECT ${BATCH_COLS} FROM batches WHERE (? IS NULL OR batch_id < ?)
       ORDER BY batch_id DESC LIMIT ?`,
    ),
    unfinished: p(`SELECT ${BATCH_COLS} FROM batches WHERE finished_at IS NULL ORDER BY batch_id`),
    items: p(
      `SELECT ${ITEM_COLS} FROM batch_items WHERE batch_id = ? AND idx >= ? AND idx < ?
       ORDER BY idx`,
    ),
    pending: p(
      `SELECT ${ITEM_COLS}, request_json FROM batch_items
       WHERE batch_id = ? AND state = 'pending' ORDER BY idx`,
    ),
    counts: p(
      `SELECT state, decision, count(*) AS n,
              sum(json_array_length(breaches_json) > 0) AS breached
       FROM batch_items WHERE batch_id = ? GROUP BY state, decision`,
    ),
    stateOf: p('SELECT state FROM batch_items WHERE batch_id = ? AND idx = ?').pluck(),
    anyPending: p(
      "SELECT 1 FROM batch_items WHERE batch_id = ? AND state = 'pending' LIMIT 1",
    ).pluck(),
    outcome: p(
      `UPDATE batch_items SET state = ?, run_id = ?, decision = ?, breaches_json = ?,
         reasons_json = ?, error_json = ? WHERE batch_id = ? AND idx = ?`,
    ),
    outcomes: p(`SELECT ${OUTCOME_COLS} FROM batch_items WHERE batch_id = ? ORDER BY idx`),
    finish: p('UPDATE batches SET status = ?, finished_at = ?, trouble = NULL WHERE batch_id = ?'),
    status: p(
      `UPDATE batches SET status = ?, trouble = ?
       WHERE batch_id = ? AND finished_at IS NULL AND status <> 'cancelled'`,
    ),
    cancelItems: p(
      `UPDATE batch_items SET state = 'cancelled'
       WHERE batch_id = ? AND state = 'pending' AND idx NOT IN (SELECT value FROM json_each(?))`,
    ),
    cancelBatch: p(
      "UPDATE batches SET status = 'cancelled', cancelled_by = coalesce(cancelled_by, ?), trouble = NULL WHERE batch_id = ?",
    ),
    cancelledBy: p('SELECT cancelled_by FROM batches WHERE batch_id = ?').pluck(),
  };
}

const notFound = (batch_id: string) =>
  new EngineError('NOT_FOUND', `batch ${batch_id} does not exist`, [
    { path: 'batch_id', message: 'no such batch' },
  ]);

/**
 * Batches and their items (schema v9, migrations/009_batches.ts). Every write is one IMMEDIATE
 * transaction through the audit log's write protocol:
 * - create: the batch, its items and `batch.created`;
 * - an item's run: the run row, its `run.created` event (naming batch_id and batch_index) and the
 *   item's outcome — only while the item is pending, checked inside the transaction, so a result
 *   an executor delivers twice is saved once; with the last pending item, the batch's status,
 *   finished_at and `batch.finished` (or `batch.cancelled`), binding every item's outcome;
 * - cancel: status, the items not started, and `batch.cancelled` when nothing is left running.
 * Status changes before the end (queued → running ⇄ failed) are not events: only the end is.
 */
export class SqliteBatchRepository implements BatchRepository {
  private readonly ids = new UlidGenerator();
  private readonly s: ReturnType<typeof statements>;

  constructor(
    db: Database.Database,
    private readonly audit: SqliteAuditLog,
    private readonly runs: SqliteRunRepository,
  ) {
    this.s = statements(db);
  }

  /**
   * Example: `create({kind: 'model', model: {model_id: 'growth', version: 2}, policy_version: 0,
   * settings_json: '{"history_days":756}', library_json: '{"SPY":1}', items: [{account_id:
   * 'ACC-1', account_version: 3}], actor: 'pm'})` → a `queued` batch of 1 item and its
   * `batch.created` event (payload: the ids, versions, total and the settings, library and items
   * hashes).
   */
  create(input: CreateBatchInput): BatchRecord {
    const d: ErrorDetail[] = [];
    if (input.items.length < 1) d.push({ path: 'items', message: 'at least one item' });
    if ((input.kind === 'model') !== (input.model !== undefined))
      d.push({ path: 'model', message: 'a model batch names its model version; no other does' });
    for (const f of ['settings_json', 'library_json'] as const)
      if (!isJson(input[f])) d.push({ path: f, message: 'must be valid JSON text' });
    if (input.actor.length < 1 || input.actor.length > 200)
      d.push({ path: 'actor', message: 'must be a string of 1..200 characters' });
    if (d.length > 0) throw new EngineError('BAD_REQUEST', 'invalid batch', d);
    const specs = input.items.map((it, idx) => ({
      idx,
      account_id: 'account_id' in it ? it.account_id : null,
      account_version: 'account_id' in it ? it.account_version : null,
      request_json: 'request_json' in it ? it.request_json : null,
    }));
    const payload = {
      kind: input.kind,
      model_id: input.model?.model_id ?? null,
      model_version: input.model?.version ?? null,
      policy_version: input.policy_version,
      settings_hash: sha256Hex(input.settings_json),
      library_hash: sha256Hex(input.library_json),
      items_hash: itemsHash(specs),
      total: specs.length,
    };
    return this.audit.write(() => {
      const created_at = this.audit.txTimestamp();
      const batch_id = this.ids.next(Date.parse(created_at));
      this.s.insertBatch.run(
        batch_id,
        created_at,
        input.kind,
        payload.model_id,
        payload.model_version,
        input.policy_version,
        input.settings_json,
        input.library_json,
        specs.length,
        input.actor,
      );
      const ins = this.s.insertItem!;
      for (const it of specs)
        ins.run(batch_id, it.idx, it.account_id, it.account_version, it.request_json);
      this.audit.appendInTx([event(input.actor, 'batch.created', batch_id, payload)]);
      return this.get(batch_id) as BatchRecord;
    });
  }

  get(batch_id: string): BatchRecord | null {
    return (this.s.get.get(batch_id) as BatchRecord | undefined) ?? null;
  }

  list(query: { limit: number; before?: string }): BatchRecord[] {
    const before = query.before ?? null;
    return this.s.list.all(before, before, query.limit) as BatchRecord[];
  }

  items(batch_id: string, from: number, limit: number): BatchItemRecord[] {
    return (this.s.items.all(batch_id, from, from + limit) as ItemRow[]).map(itemRecord);
  }

  pending(batch_id: string): BatchItemRecord[] {
    return (this.s.pending.all(batch_id) as ItemRow[]).map(itemRecord);
  }

  counts(batch_id: string): BatchCounts {
    const out: BatchCounts = {
      succeeded: 0,
      failed: 0,
      unbuilt: 0,
      cancelled: 0,
      pending: 0,
      by_decision: { APPROVED: 0, REVIEW_REQUIRED: 0, REJECTED: 0 },
      breached: 0,
    };
    const rows = this.s.counts.all(batch_id) as {
      state: BatchItemRecord['state'];
      decision: RunDecision | null;
      n: number;
      breached: number;
    }[];
    for (const r of rows) {
      out[r.state] += r.n;
      out.breached += r.breached;
      if (r.state === 'succeeded' && r.decision !== null) out.by_decision[r.decision] += r.n;
    }
    return out;
  }

  unfinished(): BatchRecord[] {
    return this.s.unfinished.all() as BatchRecord[];
  }

  setStatus(batch_id: string, status: 'running' | 'failed', trouble: string | null): void {
    this.s.status.run(status, trouble, batch_id);
  }

  /**
   * Example: the same result delivered twice → `{kind: 'saved', …}` then `{kind: 'duplicate'}`,
   * one run row and one `run.created` event (payload `batch_id`, `batch_index`).
   */
  async saveRun(
    batch_id: string,
    index: number,
    run: SaveRunInput,
    outcome: ItemOutcome,
  ): Promise<ItemWrite> {
    let refused: 'duplicate' | 'dropped' = 'duplicate';
    let finished = false;
    const saved = await this.runs.saveLinked(run, {
      payload: { batch_id, batch_index: index },
      claim: () => {
        const state = this.pendingState(batch_id, index);
        if (state === 'pending') return true;
        refused = state === 'cancelled' ? 'dropped' : 'duplicate';
        return false;
      },
      after: (r) => {
        this.s.outcome.run(
          r.status,
          r.run_id,
          r.status === 'succeeded' ? outcome.decision : null,
          canonicalJson(outcome.breaches),
          canonicalJson(outcome.reasons),
          outcome.error === null ? null : canonicalJson(outcome.error),
          batch_id,
          index,
        );
        finished = this.finishIfComplete(batch_id);
      },
    });
    return saved === null ? { kind: refused } : { kind: 'saved', run: saved, finished };
  }

  saveUnbuilt(batch_id: string, index: number, error: ItemError): ItemWrite {
    const error_json = canonicalJson(error);
    return this.audit.write((): ItemWrite => {
      const state = this.pendingState(batch_id, index);
      if (state !== 'pending') return { kind: state === 'cancelled' ? 'dropped' : 'duplicate' };
      this.s.outcome.run('unbuilt', null, null, '[]', '[]', error_json, batch_id, index);
      return { kind: 'saved', run: null, finished: this.finishIfComplete(batch_id) };
    });
  }

  cancel(batch_id: string, running: ReadonlySet<number>, actor: string): BatchRecord {
    return this.audit.write(() => {
      const b = this.get(batch_id);
      if (b === null) throw notFound(batch_id);
      if (b.finished_at !== null && b.status === 'cancelled') return b;
      if (b.status === 'done')
        throw new EngineError('CONFLICT', `batch ${batch_id} is done: there is nothing to cancel`, [
          { path: 'batch_id', message: 'the batch is done' },
        ]);
      this.s.cancelItems.run(batch_id, JSON.stringify([...running]));
      this.s.cancelBatch.run(actor, batch_id);
      this.finishIfComplete(batch_id);
      return this.get(batch_id) as BatchRecord;
    });
  }

  /** The item's state, inside a write transaction; NOT_FOUND naming batch_id or index. */
  private pendingState(batch_id: string, index: number): string {
    const state = this.s.stateOf.get(batch_id, index) as string | undefined;
    if (state === undefined)
      throw new EngineError('NOT_FOUND', `batch ${batch_id} has no item ${index}`, [
        { path: 'index', message: 'no such item' },
      ]);
    return state;
  }

  /**
   * Inside a write transaction: when no item is pending, the batch gets its final status
   * (`cancelled` stays, anything else becomes `done`), finished_at = the transaction's time, and
   * its `batch.finished` / `batch.cancelled` event binding every outcome. True when it did.
   */
  private finishIfComplete(batch_id: string): boolean {
    if (this.s.anyPending.get(batch_id) !== undefined) return false;
    const b = this.get(batch_id);
    if (b === null || b.finished_at !== null) return false;
    const rows = this.s.outcomes.all(batch_id) as ItemOutcomeRow[];
    const status = b.status === 'cancelled' ? 'cancelled' : 'done';
    const at = this.audit.txTimestamp();
    this.s.finish.run(status, at, batch_id);
    const actor =
      status === 'cancelled' ? (this.s.cancelledBy.get(batch_id) as string | null) : null;
    this.audit.appendInTx([
      event(actor ?? b.actor, status === 'done' ? 'batch.finished' : 'batch.cancelled', batch_id, {
        status,
        outcomes_hash: outcomesHash(rows),
        ...stateCounts(rows),
      }),
    ]);
    return true;
  }
}

function event(
  actor: string,
  action: AuditAction,
  batch_id: string,
  payload: Record<string, string | number | null>,
): PreparedEvent {
  const payload_json = canonicalJson({ batch_id, ...payload });
  return { actor, action, subject: batch_id, payload_json, payload_hash: sha256Hex(payload_json) };
}
