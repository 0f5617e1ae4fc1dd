import type Database from 'better-sqlite3';
import type { ProblemList } from './problems';
import type { Steps } from './steps';
import {
  BINDING_COLS,
  BINDING_FIELD_NAMES,
  bindingCols,
  columnsOf,
  compareEvent,
  runBinding,
  shortValue,
} from './runBinding';
import type { BindingEvent, BindingField, RunRow } from './runBinding';

/** Run ids read per page: memory stays bounded for any number of runs. */
export const RUN_PAGE = 500;
/** Seqs per window of the orphan-event scan (one step each). */
export const ORPHAN_WINDOW = 1000;

/** Events that name a run in their subject; each must have its run. */
const RUN_EVENT_ACTIONS = "('run.created', 'run.bound', 'run.approved', 'run.rejected')";

/**
 * Checks every stored run against its `run.created` (and, for runs stored before v6,
 * `run.bound`) event, and every run event against its run. Adds to `problems`:
 * run_without_event, duplicate_event, run_mismatch, run_unbound, event_without_run.
 * Returns the number of runs checked. Steps: one per run (hashing its JSON is the costly part),
 * one per page of orphan events.
 *
 * Reads runs in run_id order, RUN_PAGE ids at a time, then each run's row (hashing its three
 * JSON texts) and its events (by the `audit_events_by_subject` index); orphan events are found
 * with one paged anti-join. No statement iterator is held open, so nothing else on the
 * connection is blocked between pages.
 */
export function* checkRuns(db: Database.Database, problems: ProblemList): Steps<number> {
  const hasRuns = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'")
    .pluck()
    .get();
  // Before schema v3 there are no runs (nor run actions); a dropped table is a finding.
  if (hasRuns === undefined) {
    yield* findOrphanEvents(db, problems, false);
    return 0;
  }
  // Schema v6 binds every field; older schemas (seen only by tests that stop migrating
  // early) cannot, so only what their events recorded is compared there.
  const version = db.pragma('user_version', { simple: true }) as number;
  const full = version >= 6;
  // `decision` is a column from v5 on; before, every run's decision is null.
  const cols =
    version >= 5 ? bindingCols(version) : BINDING_COLS.replace('decision', 'NULL AS decision');
  const ids = db.prepare('SELECT run_id FROM runs WHERE run_id > ? ORDER BY run_id LIMIT ?');
  const row = db.prepare(`SELECT ${cols} FROM runs WHERE run_id = ?`);
  const events = db.prepare(
    `SELECT seq, ts, action, payload_json FROM audit_events
     WHERE subject = ? AND action IN ('run.created', 'run.bound') ORDER BY seq`,
  );
  let checked = 0;
  let after = '';
  for (;;) {
    const page = ids.pluck().all(after, RUN_PAGE) as string[];
    for (const run_id of page) {
      const r = row.get(run_id) as RunRow | undefined;
      if (r === undefined) continue;
      checkRun(r, events.all(run_id) as BindingEvent[], problems, full);
      checked++;
      yield;
    }
    const last = page.at(-1);
    if (last === undefined || page.length < RUN_PAGE) break;
    after = last;
  }
  yield* findOrphanEvents(db, problems, true);
  return checked;
}

function checkRun(
  r: RunRow,
  evs: BindingEvent[],
  problems: ProblemList,
  requireFull: boolean,
): void {
  const run_id = r.run_id;
  const created = evs.filter((e) => e.action === 'run.created');
  const bound = evs.filter((e) => e.action === 'run.bound');
  if (created.length === 0) {
    problems.add({
      kind: 'run_without_event',
      run_id,
      message: `run ${run_id} is stored but has no run.created audit event`,
    });
  }
  for (const [action, list] of [
    ['run.created', created],
    ['run.bound', bound],
  ] as const) {
    const extra = list[1];
    if (extra !== undefined) {
      problems.add({
        kind: 'duplicate_event',
        run_id,
        seq: extra.seq,
        message: `run ${run_id} has ${list.length} ${action} events (seq ${list.map((e) => e.seq).join(', ')})`,
      });
    }
  }
  const b = runBinding(r);
  const covered = new Set<BindingField>();
  for (const ev of evs) {
    const cmp = compareEvent(ev, b);
    if (cmp.unreadable) {
      problems.add({
        kind: 'run_mismatch',
        run_id,
        seq: ev.seq,
        message: `run ${run_id}: the payload of its ${ev.action} event (seq ${ev.seq}) is not a JSON object`,
      });
      continue;
    }
    for (const f of cmp.covered) covered.add(f);
    if (cmp.differs.length === 0) continue;
    const what = cmp.differs
      .map((d) => {
        const hashed = isHashField(d.field);
        const stored = hashed ? `hashes to ${shortValue(d.stored)}` : `is ${shortValue(d.stored)}`;
        return `${columnsOf([d.field])[0]} ${stored}, the event recorded ${shortValue(d.recorded)}`;
      })
      .join('; ');
    problems.add({
      kind: 'run_mismatch',
      run_id,
      seq: ev.seq,
      fields: columnsOf(cmp.differs.map((d) => d.field)),
      message: `run ${run_id} differs from its ${ev.action} event (seq ${ev.seq}): ${what}`,
    });
  }
  if (created.length === 0 || !requireFull) return;
  const missing = BINDING_FIELD_NAMES.filter((f) => !covered.has(f));
  if (missing.length > 0) {
    const fields = columnsOf(missing);
    problems.add({
      kind: 'run_unbound',
      run_id,
      seq: created[0]?.seq,
      fields,
      message:
        `run ${run_id}: its audit events do not bind ${fields.join(', ')} ` +
        '(a run stored before schema v6 without its run.bound event)',
    });
  }
}

function isHashField(f: BindingField): boolean {
  return f === 'input_json_hash' || f === 'output_hash' || f === 'model_versions_hash';
}

/**
 * Run events (created, bound, approved, rejected) whose subject is not a stored run; all of
 * them when there is no `runs` table. Scanned in windows of ORPHAN_WINDOW seqs (seq is the
 * rowid, so each window is a range read): a LIMIT alone would read the whole log in one step
 * when there are no orphans.
 */
function* findOrphanEvents(
  db: Database.Database,
  problems: ProblemList,
  hasRuns: boolean,
): Steps<void> {
  const orphans = db.prepare(
    `SELECT e.seq, e.subject, e.action FROM audit_events e
     WHERE e.seq > ? AND e.seq <= ? AND e.action IN ${RUN_EVENT_ACTIONS}
       ${hasRuns ? 'AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.run_id = e.subject)' : ''}
     ORDER BY e.seq`,
  );
  const last =
    (db.prepare('SELECT max(seq) FROM audit_events').pluck().get() as number | null) ?? 0;
  for (let from = 0; from < last; from += ORPHAN_WINDOW) {
    const page = orphans.all(from, from + ORPHAN_WINDOW) as {
      seq: number;
      subject: string;
      action: string;
    }[];
    for (const e of page) {
      problems.add({
        kind: 'event_without_run',
        run_id: e.subject,
        seq: e.seq,
        message: `audit event seq ${e.seq} (${e.action}) names run ${e.subject}, which is not stored`,
      });
    }
    yield;
  }
}
