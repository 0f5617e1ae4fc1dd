import type Database from 'better-sqlite3';
import type { VersionTable } from '../ports/store';
import { sha256Hex } from './hash';
import type { ProblemList } from './problems';
import type { Steps } from './steps';
import { ORPHAN_WINDOW, RUN_PAGE } from './verifyRuns';

/** One versioned table of schema v8 and what its events bind. */
interface VersionSpec {
  table: VersionTable;
  idCol: 'model_id' | 'account_id' | 'symbol';
  actions: readonly string[];
  /** Columns recorded in the event payload under the same name (besides id and version). */
  bound: readonly string[];
  what: string;
}

export const VERSION_SPECS: readonly VersionSpec[] = [
  {
    table: 'model_versions',
    idCol: 'model_id',
    actions: ['model.created', 'model.edited'],
    bound: ['name', 'content_hash'],
    what: 'model',
  },
  {
    table: 'account_versions',
    idCol: 'account_id',
    actions: ['account.created', 'account.edited', 'account.imported', 'account.assigned'],
    bound: ['name', 'content_hash', 'model_id'],
    what: 'account',
  },
  {
    table: 'price_series_versions',
    idCol: 'symbol',
    actions: ['price_series.imported'],
    bound: ['content_hash', 'first_date', 'last_date', 'count'],
    what: 'price series',
  },
];

interface Ev {
  seq: number;
  ts: string;
  action: string;
  payload_json: string;
}

type VRow = Record<string, unknown> & {
  id: string;
  version: number;
  created_at: string;
  content_json: string;
  content_hash: string;
};

/**
 * Checks every model, account and price series version against its audit event, as checkRuns
 * does for runs. For each stored version: the SHA-256 of `content_json` must equal its
 * `content_hash`; exactly one event of the table's actions must name it (subject = id, payload
 * `version`); that event's timestamp must equal `created_at` and its payload every bound column
 * (content hash, name, model; first/last date and count for a series). Then every such event must
 * name a stored version. Problems: record_mismatch (with `fields`), record_without_event,
 * duplicate_event, event_without_record. Returns the number of versions checked. Skipped on a
 * store before schema v8 (no such tables). One step per version, one per window of events.
 */
export function* checkVersions(db: Database.Database, problems: ProblemList): Steps<number> {
  let checked = 0;
  for (const spec of VERSION_SPECS) {
    const exists = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
      .pluck()
      .get(spec.table);
    if (exists === undefined) continue;
    checked += yield* checkTable(db, spec, problems);
    yield* findOrphans(db, spec, problems);
  }
  return checked;
}

function* checkTable(
  db: Database.Database,
  spec: VersionSpec,
  problems: ProblemList,
): Steps<number> {
  const { table, idCol } = spec;
  const page = db.prepare(
    `SELECT ${idCol} AS id, version, created_at, ${spec.bound.join(', ')}, content_json
     FROM ${table} WHERE (${idCol}, version) > (?, ?) ORDER BY ${idCol}, version LIMIT ?`,
  );
  const eventsOf = db.prepare(
    `SELECT seq, ts, action, payload_json FROM audit_events
     WHERE subject = ? AND action IN (${spec.actions.map(() => '?').join(', ')}) ORDER BY seq`,
  );
  let checked = 0;
  let after: [string, number] = ['', 0];
  let cachedId: string | null = null;
  let cached: Ev[] = [];
  for (;;) {
    const rows = page.all(after[0], after[1], RUN_PAGE) as VRow[];
    for (const r of rows) {
      if (r.id !== cachedId) {
        cachedId = r.id;
        cached = eventsOf.all(r.id, ...spec.actions) as Ev[];
      }
      checkRow(spec, r, cached, problems);
      checked++;
      yield;
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < RUN_PAGE) break;
    after = [last.id, last.version];
  }
  return checked;
}

function payloadOf(ev: Ev): Record<string, unknown> | null {
  try {
    const p = JSON.parse(ev.payload_json) as unknown;
    return p !== null && typeof p === 'object' && !Array.isArray(p)
      ? (p as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function checkRow(spec: VersionSpec, r: VRow, evs: Ev[], problems: ProblemList): void {
  const record = { table: spec.table, id: r.id, version: r.version };
  const label = `${spec.what} ${r.id} version ${r.version}`;
  const fields: string[] = [];
  if (sha256Hex(r.content_json) !== r.content_hash) fields.push('content_json');
  const mine = evs
    .map((ev) => ({ ev, p: payloadOf(ev) }))
    .filter((x) => x.p !== null && x.p[spec.idCol] === r.id && x.p.version === r.version);
  const first = mine[0];
  if (first === undefined) {
    problems.add({
      kind: 'record_without_event',
      record,
      message: `${label} is stored but no audit event records it`,
    });
  } else {
    const extra = mine[1];
    if (extra !== undefined)
      problems.add({
        kind: 'duplicate_event',
        record,
        seq: extra.ev.seq,
        message: `${label} has ${mine.length} audit events (seq ${mine.map((m) => m.ev.seq).join(', ')})`,
      });
    const p = first.p as Record<string, unknown>;
    if (first.ev.ts !== r.created_at) fields.push('created_at');
    for (const col of spec.bound) if (p[col] !== r[col]) fields.push(col);
  }
  if (fields.length > 0)
    problems.add({
      kind: 'record_mismatch',
      record,
      ...(first ? { seq: first.ev.seq } : {}),
      fields,
      message:
        `${label} differs from ${first ? `its ${first.ev.action} event (seq ${first.ev.seq})` : 'its content hash'}: ` +
        fields.join(', '),
    });
}

/** Events of the table's actions that name a version not stored (removed rows). */
function* findOrphans(
  db: Database.Database,
  spec: VersionSpec,
  problems: ProblemList,
): Steps<void> {
  const version =
    "CASE WHEN json_valid(e.payload_json) THEN json_extract(e.payload_json, '$.version') END";
  const orphans = db.prepare(
    `SELECT e.seq, e.subject, e.action, ${version} AS version FROM audit_events e
     WHERE e.seq > ? AND e.seq <= ? AND e.action IN (${spec.actions.map(() => '?').join(', ')})
       AND NOT EXISTS (SELECT 1 FROM ${spec.table} t
                       WHERE t.${spec.idCol} = e.subject AND t.version = ${version})
     ORDER BY e.seq`,
  );
  const last =
    (db.prepare('SELECT max(seq) FROM audit_events').pluck().get() as number | null) ?? 0;
  for (let from = 0; from < last; from += ORPHAN_WINDOW) {
    const page = orphans.all(from, from + ORPHAN_WINDOW, ...spec.actions) as {
      seq: number;
      subject: string;
      action: string;
      version: unknown;
    }[];
    for (const e of page) {
      const v = typeof e.version === 'number' ? e.version : 0;
      problems.add({
        kind: 'event_without_record',
        record: { table: spec.table, id: e.subject, version: v },
        seq: e.seq,
        message: `audit event seq ${e.seq} (${e.action}) names ${spec.what} ${e.subject} version ${String(e.version)}, which is not stored`,
      });
    }
    yield;
  }
}
