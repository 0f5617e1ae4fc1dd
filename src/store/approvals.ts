import type Database from 'better-sqlite3';
import { EngineError } from '../contract/common';
import type { ErrorDetail } from '../contract/common';
import type {
  ApprovalDecision,
  ApprovalRepository,
  DecideRunInput,
  RunApproval,
} from '../ports/store';
import { APPROVAL_DECISIONS } from '../ports/store';
import type { SqliteAuditLog } from './audit';
import { canonicalJson, sha256Hex } from './hash';
import { runTextSql } from './runParts';

const DECISIONS = new Set<string>(APPROVAL_DECISIONS);
export const MAX_NOTE = 2000;
const COLS = 'run_id, decision, note, actor, created_at, run_output_hash';

function validate(input: DecideRunInput): DecideRunInput {
  const d: ErrorDetail[] = [];
  if (typeof input.run_id !== 'string' || input.run_id.length < 1 || input.run_id.length > 64) {
    d.push({ path: 'run_id', message: 'must be a string of 1..64 characters' });
  }
  if (!DECISIONS.has(input.decision)) {
    d.push({ path: 'decision', message: `must be one of ${APPROVAL_DECISIONS.join(', ')}` });
  }
  if (
    typeof input.note !== 'string' ||
    input.note.trim().length < 1 ||
    input.note.length > MAX_NOTE
  ) {
    d.push({ path: 'note', message: `must be a string of 1..${MAX_NOTE} characters, not blank` });
  }
  if (typeof input.actor !== 'string' || input.actor.length < 1 || input.actor.length > 200) {
    d.push({ path: 'actor', message: 'must be a string of 1..200 characters' });
  }
  if (d.length > 0) throw new EngineError('BAD_REQUEST', 'invalid run decision', d);
  return input;
}

/**
 * Human decisions on runs (table `run_decisions`, schema v5): one per run, final. The row and
 * its `run.approved` / `run.rejected` event are written in one transaction, and both carry the
 * SHA-256 of the run's output, so the chain records which bytes a person signed off.
 */
export class SqliteApprovalRepository implements ApprovalRepository {
  private readonly insert: Database.Statement;
  private readonly byRun: Database.Statement;
  private readonly runOutput: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly audit: SqliteAuditLog,
  ) {
    this.insert = db.prepare(`INSERT INTO run_decisions (${COLS}) VALUES (?, ?, ?, ?, ?, ?)`);
    this.byRun = db.prepare(`SELECT ${COLS} FROM run_decisions WHERE run_id = ?`);
    this.runOutput = db
      .prepare(`SELECT ${runTextSql('runs', 'output_json')} FROM runs WHERE run_id = ?`)
      .pluck();
  }

  get(run_id: string): RunApproval | null {
    if (typeof run_id !== 'string') return null;
    return (this.byRun.get(run_id) as RunApproval | undefined) ?? null;
  }

  /**
   * Inside one write transaction (the store is the only writer, so the checks and the INSERT
   * cannot interleave with another decision): the run must exist (NOT_FOUND), it must have no
   * decision yet (CONFLICT; the table's triggers refuse a second row too), then the row and the
   * event. Audit event: action `run.approved` or `run.rejected`, subject = run_id, payload
   * `{run_id, decision, note_hash, actor, run_output_hash}` (canonical JSON) with
   * note_hash = SHA-256(note) and run_output_hash = SHA-256(output_json of the run).
   */
  decide(input: DecideRunInput): RunApproval {
    const { run_id, decision, note, actor } = validate(input);
    const note_hash = sha256Hex(note);
    return this.audit.write(() => {
      const output = this.runOutput.get(run_id) as string | undefined;
      if (output === undefined) throw noRun(run_id);
      const prior = this.get(run_id);
      if (prior !== null) throw alreadyDecided(run_id, prior.decision);
      const row: RunApproval = {
        run_id,
        decision,
        note,
        actor,
        created_at: this.audit.txTimestamp(),
        run_output_hash: sha256Hex(output),
      };
      this.insert.run(run_id, decision, note, actor, row.created_at, row.run_output_hash);
      const payload_json = canonicalJson({
        run_id,
        decision,
        note_hash,
        actor,
        run_output_hash: row.run_output_hash,
      });
      this.audit.appendInTx([
        {
          actor,
          action: decision === 'approved' ? 'run.approved' : 'run.rejected',
          subject: run_id,
          payload_json,
          payload_hash: sha256Hex(payload_json),
        },
      ]);
      return row;
    });
  }
}

function noRun(run_id: string): EngineError {
  const message = `run ${run_id} does not exist`;
  return new EngineError('NOT_FOUND', message, [{ path: 'run_id', message: 'no such run' }]);
}

function alreadyDecided(run_id: string, prior: ApprovalDecision): EngineError {
  const message = `run ${run_id} already ${prior}: a decision is final`;
  return new EngineError('CONFLICT', message, [{ path: 'run_id', message: `already ${prior}` }]);
}
