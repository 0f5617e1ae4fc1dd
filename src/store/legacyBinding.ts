import type Database from 'better-sqlite3';
import type { SqliteAuditLog, PreparedEvent } from './audit';
import { canonicalJson, sha256Hex } from './hash';
import { BIND_LEGACY_RUNS_TASK } from './migrations';
import { bindingCols, compareEvent, runBinding } from './runBinding';
import type { BindingEvent, RunRow } from './runBinding';
import { RUN_PAGE } from './verifyRuns';

/**
 * Binds the runs stored before schema v6, once, at the first open after the upgrade.
 *
 * Their `run.created` event binds every column except the stored `input_json` (only the
 * engine's own `input_hash`, which may hash another form of the input) and `duration_ms`.
 * For each such run whose stored row still agrees with everything its `run.created` recorded,
 * one `run.bound` event is appended with the full binding (runBinding.ts) and `created_seq`;
 * a run that already disagrees is left unbound, so verify keeps naming it instead of the
 * upgrade blessing the change. All events and the removal of the `bind_legacy_runs` task go in
 * one transaction (the normal audit write protocol, head file included).
 *
 * What this attests: that input_json and duration_ms were these bytes when the upgrade ran,
 * not when the run was created. A change made to them before the upgrade is not detectable.
 * Returns the number of runs bound (0 when there was nothing to do).
 */
export function bindLegacyRuns(db: Database.Database, audit: SqliteAuditLog): number {
  const task = db.prepare('SELECT 1 FROM pending_tasks WHERE task = ?').pluck();
  if (task.get(BIND_LEGACY_RUNS_TASK) === undefined) return 0;
  const ids = db.prepare('SELECT run_id FROM runs WHERE run_id > ? ORDER BY run_id LIMIT ?');
  const version = db.pragma('user_version', { simple: true }) as number;
  const row = db.prepare(`SELECT ${bindingCols(version)} FROM runs WHERE run_id = ?`);
  const events = db.prepare(
    `SELECT seq, ts, action, payload_json FROM audit_events
     WHERE subject = ? AND action IN ('run.created', 'run.bound') ORDER BY seq`,
  );
  const done = db.prepare('DELETE FROM pending_tasks WHERE task = ?');
  return audit.write(() => {
    let bound = 0;
    let after = '';
    for (;;) {
      const page = ids.pluck().all(after, RUN_PAGE) as string[];
      const batch: PreparedEvent[] = [];
      for (const run_id of page) {
        const r = row.get(run_id) as RunRow | undefined;
        const evs = events.all(run_id) as BindingEvent[];
        const created = evs.find((e) => e.action === 'run.created');
        if (r === undefined || created === undefined) continue;
        if (evs.some((e) => e.action === 'run.bound')) continue;
        const binding = runBinding(r);
        const cmp = compareEvent(created, binding);
        if (cmp.unreadable || cmp.differs.length > 0) continue;
        if (cmp.covered.includes('input_json_hash') && cmp.covered.includes('duration_ms'))
          continue;
        const payload_json = canonicalJson({ ...binding, created_seq: created.seq });
        batch.push({
          actor: 'system',
          action: 'run.bound',
          subject: run_id,
          payload_json,
          payload_hash: sha256Hex(payload_json),
        });
      }
      if (batch.length > 0) audit.appendInTx(batch);
      bound += batch.length;
      const last = page.at(-1);
      if (last === undefined || page.length < RUN_PAGE) break;
      after = last;
    }
    done.run(BIND_LEGACY_RUNS_TASK);
    return bound;
  });
}
